// SPDX-License-Identifier: GPL-2.0
/*
 * Prepare: what the guest needs for this run. The run's settings
 * (/etc/dumpable/run.conf, and the --exec script) go into a small newc
 * cpio archive, runs/<id>/run.cpio, that the kernel unpacks after the main
 * initramfs; QEMU gets the two concatenated in a temporary file under
 * build/ that is deleted after the run. The dump disk is an empty ext4
 * file system labelled as the capture kernel looks for it, or what a
 * capture fault (--fault) asks for.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lab.h"
#include "proc.h"

/* One newc entry: header, name, data, each padded to 4 bytes. */
static int cpio_entry(FILE *out, const char *name, unsigned int mode,
		      const char *data, size_t size)
{
	static unsigned int ino = 1;
	static const char zeros[4];
	size_t namesize = strlen(name) + 1;

	fprintf(out, "070701%08X%08X%08X%08X%08X%08X%08zX%08X%08X%08X%08X%08zX%08X",
		ino++, mode, 0, 0, (mode & S_IFDIR) ? 2 : 1, 0, size, 0, 0, 0, 0,
		namesize, 0);
	fwrite(name, 1, namesize, out);
	fwrite(zeros, 1, (4 - (110 + namesize) % 4) % 4, out);
	if (size)
		fwrite(data, 1, size, out);
	fwrite(zeros, 1, (4 - size % 4) % 4, out);
	return ferror(out) ? -1 : 0;
}

/* The run's settings, as lab/guest/init reads them. */
static char *run_conf(const struct spec *s, const struct paths *p)
{
	char capture[768], cpu[16] = "", net[256] = "", *conf = NULL;
	size_t len = 0;
	FILE *f;

	if (p->net_url[0] && net_capture_words(p->net_url, net, sizeof(net)))
		return NULL;
	f = open_memstream(&conf, &len);
	if (!f || capture_cmdline(s->board, NULL, s->save_timeout_s, net, capture, sizeof(capture))) {
		if (f)
			fclose(f);
		free(conf);
		return NULL;
	}
	if (s->trigger_cpu >= 0)
		snprintf(cpu, sizeof(cpu), "%d", s->trigger_cpu);
	fprintf(f, "CASE=%d\nTRIGGER_CPU=%s\nCAPTURE_APPEND='%s'\n", s->row->nr, cpu, capture);
	if (s->exec)
		fputs("EXEC=1\n", f);
	/* Waiting for the button: stay up after a case that returns. */
	if (s->button_after_s >= 0)
		fputs("STAY=1\n", f);
	fclose(f);
	return conf;
}

int write_run_layer(const struct spec *s, const struct paths *p, const char *conf_path,
		    const char *layer)
{
	char *conf = run_conf(s, p), *script = NULL;
	size_t script_len = 0;
	FILE *out;
	int rc = -1;

	if (!conf)
		return -1;
	if (conf_path)
		write_text(conf_path, conf);
	if (s->exec && !(script = read_file(s->exec, &script_len))) {
		progress("cannot read %s: %s", s->exec, strerror(errno));
		goto out;
	}
	out = fopen(layer, "w");
	if (!out)
		goto out;
	rc = cpio_entry(out, "etc", S_IFDIR | 0755, NULL, 0);
	rc |= cpio_entry(out, "etc/dumpable", S_IFDIR | 0755, NULL, 0);
	rc |= cpio_entry(out, "etc/dumpable/run.conf", S_IFREG | 0644, conf, strlen(conf));
	if (script)
		rc |= cpio_entry(out, "etc/dumpable/exec.sh", S_IFREG | 0755, script, script_len);
	rc |= cpio_entry(out, "TRAILER!!!", 0, NULL, 0);
	if (fclose(out))
		rc = -1;
out:
	free(conf);
	free(script);
	return rc;
}

/* runs/<id>/run.conf and runs/<id>/run.cpio. */
static int prepare_layer(const struct spec *s, const struct paths *p, char *layer, size_t len)
{
	char path[LAB_PATH];

	path_join(path, sizeof(path), p->run, "run.conf");
	path_join(layer, len, p->run, "run.cpio");
	return write_run_layer(s, p, path, layer);
}

/*
 * The main initramfs and the run's layer, one after the other, in a
 * temporary file. The kernel takes an uncompressed archive after a
 * compressed one only at a 4-byte boundary (zeros between are skipped).
 */
static int concat_fd(int fd, const char *a, const char *b)
{
	const char *parts[] = { a, b };
	char buf[1 << 16];
	int i;

	for (i = 0; i < 2; i++) {
		int in = open(parts[i], O_RDONLY);
		ssize_t n;

		if (in < 0)
			return -1;
		while ((n = read(in, buf, sizeof(buf))) > 0)
			if (write(fd, buf, n) != n)
				n = -1;
		close(in);
		if (n < 0)
			return -1;
		if (i == 0) {
			off_t end = lseek(fd, 0, SEEK_CUR);
			static const char zeros[4];

			if (end < 0 || write(fd, zeros, (4 - end % 4) % 4) < 0)
				return -1;
		}
	}
	return 0;
}

static int concat(const char *a, const char *b, char *out, size_t len, const char *dir)
{
	int fd;

	snprintf(out, len, "%s/initrd.XXXXXX", dir);
	fd = mkstemp(out);
	if (fd < 0)
		return -1;
	if (concat_fd(fd, a, b) == 0)
		return close(fd);
	close(fd);
	unlink(out);
	out[0] = '\0';
	return -1;
}

int initrd_join(const char *a, const char *b, const char *out)
{
	int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0)
		return -1;
	if (concat_fd(fd, a, b)) {
		close(fd);
		unlink(out);
		return -1;
	}
	return close(fd);
}

/*
 * runs/<id>/disk.img: 256 MiB of ext4 labelled as the capture kernel looks
 * for it; a fault's disk instead (smaller, FAT, unformatted, or none).
 */
static int prepare_disk(const struct spec *s, const struct paths *p)
{
	const struct fault *f = s->fault;
	const char *size = f ? f->disk_size : "256M", *fs = f ? f->mkfs : "ext4";
	char disk[LAB_PATH];
	const char *ext4[] = { "mkfs.ext4", "-q", "-F", "-E", "lazy_itable_init=0,lazy_journal_init=0",
			       "-L", s->board->dump_label, disk, size, NULL };
	const char *vfat[] = { "mkfs.vfat", "-C", "-n", s->board->dump_label, disk, "16384", NULL };
	const char *raw[] = { "truncate", "-s", size, disk, NULL };

	/* --dump-to net: no disk, the dump must come over the network (a net fault keeps it). */
	if (!size || (s->net && !spec_net_fault(s)))
		return 0;
	path_join(disk, sizeof(disk), p->run, "disk.img");
	if (!strcmp(fs, "ext4") && run_cmd(ext4, "/dev/null")) {
		progress("mkfs.ext4 failed (e2fsprogs)");
		return -1;
	}
	if (!strcmp(fs, "vfat") && run_cmd(vfat, "/dev/null")) {
		progress("mkfs.vfat failed (dosfstools)");
		return -1;
	}
	if (!strcmp(fs, "none") && run_cmd(raw, "/dev/null"))
		return -1;
	return 0;
}

int prepare(const struct spec *s, const struct paths *p, char *initrd, size_t len)
{
	char layer[LAB_PATH], base[LAB_PATH], tmpdir[LAB_PATH];

	if (prepare_layer(s, p, layer, sizeof(layer))) {
		progress("cannot write the run's initrd layer in runs/%s", p->id);
		return -1;
	}
	path_join(base, sizeof(base), p->images, "main.cpio.gz");
	path_join(tmpdir, sizeof(tmpdir), p->build, "lab");
	mkdir(tmpdir, 0755);
	if (concat(base, layer, initrd, len, tmpdir)) {
		progress("cannot put %s and the run's layer together in %s: %s", base, tmpdir,
			 strerror(errno));
		return -1;
	}
	return prepare_disk(s, p);
}
