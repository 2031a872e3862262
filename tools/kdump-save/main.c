// SPDX-License-Identifier: GPL-2.0
/*
 * kdump-save: runs in the capture kernel and saves the crashed kernel's
 * memory (/proc/vmcore) with makedumpfile, plus its kernel log, in Debian's
 * kdump-tools layout:
 *
 *   <dir>/<stamp>/dump.<stamp>             kdump-compressed, -d 31 -c
 *   <dir>/<stamp>/dmesg.<stamp>            makedumpfile --dump-dmesg
 *   <dir>/<stamp>/kdump-save.log.<stamp>   what kdump-save said (Fedora's kexec-dmesg.log)
 *   <dir>/<stamp>/dump-incomplete.<stamp>  instead of dump.<stamp> when makedumpfile
 *                                          failed or was killed: kept, and called PARTIAL
 *
 * <stamp> is YYYYMMDDHHMM; a taken stamp gets -N (store.c). With kdump.keep=N
 * only the N newest dumps stay (Debian's KDUMP_NUM_DUMPS).
 *
 * A file is called saved only after fsync() of the file, the rename to its
 * final name and fsync() of the directory all succeeded (durable.c).
 *
 * Never hangs: kdump.timeout=T (seconds) bounds the whole save. makedumpfile
 * is killed at 3/4 T (what it wrote is kept); at T a watchdog child reboots
 * (or powers off) whatever the saving process is stuck in, and
 * /dev/watchdog, where there is one, resets a kernel too stuck to reboot.
 *
 * Only as PID 1 of a capture kernel (/proc/vmcore, elfcorehdr= on the
 * command line) does it read kdump.* parameters (all or nothing), mount the
 * default device, start the watchdog and reboot. Run by hand it never
 * reboots and needs --device.
 */
#define _GNU_SOURCE	/* pipe2 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <dirent.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "durable.h"
#include "label.h"
#include "net.h"
#include "store.h"
#include "watchdog.h"
#include "../common/kdumpfmt.h"

#define MNT "/mnt/dump"

static struct timespec t0;
static struct save_config cfg;
/* makedumpfile is killed at the soft deadline; the watchdog fires at t0 + timeout. */
static struct timespec soft_deadline;
static bool in_capture;		/* PID 1 of a capture kernel: may mount, reboot */
static char *logbuf;		/* everything said, for kdump-save.log.<stamp> */
static size_t loglen;
static FILE *logf;

static double elapsed(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0.tv_sec) + (t.tv_nsec - t0.tv_nsec) / 1e9;
}

static void say(const char *fmt, ...)
{
	va_list ap;
	char line[1024];

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	printf("kdump-save: [%6.2f] %s\n", elapsed(), line);
	fflush(stdout);
	if (logf) {
		fprintf(logf, "[%6.2f] %s\n", elapsed(), line);
		fflush(logf);
	}
}

/* The soft deadline: three quarters of kdump.timeout, the rest to keep what was written. */
static int soft_secs(void)
{
	return cfg.timeout - cfg.timeout / 4;
}

static int fsync_checked(int fd)
{
	return fsync(fd);
}

static void usage(FILE *out)
{
	fputs("usage: kdump-save [--SETTING=VALUE]...\n"
	      "\n"
	      "Saves /proc/vmcore in the capture kernel with makedumpfile (-c -d LEVEL)\n"
	      "and its kernel log (--dump-dmesg) as DIR/<YYYYMMDDHHMM>/dump.<stamp> and\n"
	      "dmesg.<stamp> (mode 0600) on DEVICE, then reboots or powers off.\n"
	      "As PID 1 (the capture initramfs's /init) it takes the same settings\n"
	      "from the kernel command line as kdump.SETTING=VALUE.\n"
	      "\n"
	      "settings (default):\n"
	      "  device        block device of the dump file system (/dev/vda),\n"
	      "                or LABEL=NAME: the ext4 or FAT volume of that label;\n"
	      "                'none': DIR is already mounted, use it as is\n"
	      "  fstype        its file system (ext4)\n"
	      "  dir           directory on it (/var/crash)\n"
	      "  url           http://ADDRESS:PORT/PREFIX: send the dump to a collector\n"
	      "                (build/host/dump-collector) instead, as PREFIX/<stamp>/...;\n"
	      "                an IPv4 address (no resolver); when the collector cannot\n"
	      "                be reached at all, the dump goes to device after all\n"
	      "  level         makedumpfile dump level, 0-31 (31)\n"
	      "  keep          keep only the N newest dumps in DIR; 0: all (0)\n"
	      "  timeout       seconds for the whole save: makedumpfile is killed at 3/4\n"
	      "                of it, the watchdog reboots at all of it (600)\n"
	      "  after         reboot, poweroff or none (reboot)\n"
	      "  vmcore        what to save (/proc/vmcore)\n"
	      "  makedumpfile  the program (/usr/bin/makedumpfile)\n"
	      "\n"
	      "Run by hand (not PID 1 of a capture kernel) it never reboots and\n"
	      "needs --device. exit status: 0 saved, 1 partial or failed, 2 usage\n",
	      out);
}

/* Whether the soft deadline (the save's, for makedumpfile) has passed. */
static bool past(const struct timespec *d)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec > d->tv_sec || (t.tv_sec == d->tv_sec && t.tv_nsec >= d->tv_nsec);
}

/*
 * Waits for pid, at most @secs; true when it was reaped. A child stuck in
 * uninterruptible sleep does not die of SIGKILL: we do not wait for ever,
 * the watchdog is there for what cannot be ended.
 */
static bool reap(pid_t pid, int *status, int secs)
{
	int i;

	for (i = 0; i < secs * 20; i++) {
		pid_t r = waitpid(pid, status, WNOHANG);

		if (r == pid)
			return true;
		if (r < 0 && errno != EINTR)
			return false;
		usleep(50000);
	}
	return false;
}

/* The soft deadline has passed: @path (pid) is killed, and says so. Returns true. */
static bool kill_at_deadline(pid_t pid, const char *path)
{
	say("%s still running at the save's deadline (%d s of kdump.timeout=%d): killing it",
	    path, soft_secs(), cfg.timeout);
	kill(pid, SIGKILL);
	return true;
}

/*
 * Runs argv until it ends or the soft deadline passes (then it is killed).
 * Returns its exit status, or -1 (*killed set when the deadline killed it).
 */
static int run(char *const argv[], bool *killed)
{
	int status;
	pid_t pid;

	*killed = false;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		say("cannot fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		execv(argv[0], argv);
		fprintf(stderr, "kdump-save: cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	while (!reap(pid, &status, 1)) {
		if (!past(&soft_deadline))
			continue;
		*killed = kill_at_deadline(pid, argv[0]);
		if (!reap(pid, &status, 5)) {
			say("%s does not die (uninterruptible sleep?): leaving it", argv[0]);
			return -1;
		}
		break;
	}
	if (WIFSIGNALED(status)) {
		say("%s killed by signal %d", argv[0], WTERMSIG(status));
		return -1;
	}
	return WEXITSTATUS(status);
}

static void mount_basics(void)
{
	mkdir("/proc", 0755);
	mkdir("/sys", 0755);
	mkdir("/dev", 0755);
	if (mount("proc", "/proc", "proc", 0, NULL) && errno != EBUSY)
		say("mount /proc: %s", strerror(errno));
	if (mount("sysfs", "/sys", "sysfs", 0, NULL) && errno != EBUSY)
		say("mount /sys: %s", strerror(errno));
	if (mount("devtmpfs", "/dev", "devtmpfs", 0, NULL) && errno != EBUSY)
		say("mount /dev: %s", strerror(errno));
}

static int mount_target(char *root, size_t len)
{
	struct stat st;
	int i;

	char dev[300];

	if (!strcmp(cfg.device, "none")) {
		snprintf(root, len, "%s", "");
		return 0;
	}
	/* The device, or LABEL=name: the volume of that label; wait for it. */
	for (i = 0;; i++) {
		if (!strncmp(cfg.device, "LABEL=", 6)) {
			if (!find_by_label("/sys/class/block", "/dev", cfg.device + 6, dev,
					   sizeof(dev)))
				break;
		} else if (!stat(cfg.device, &st)) {
			snprintf(dev, sizeof(dev), "%s", cfg.device);
			break;
		}
		if (i == 100) {
			say("FAILED: no dump device %s after 10 s", cfg.device);
			return -1;
		}
		usleep(100000);
	}
	mkdir("/mnt", 0755);
	mkdir(MNT, 0700);
	/*
	 * noinit_itable: no ext4lazyinit thread zeroing inode tables behind
	 * our back, taking the disk's bandwidth from the save.
	 */
	if (mount(dev, MNT, cfg.fstype, 0, strcmp(cfg.fstype, "ext4") ? NULL : "noinit_itable")) {
		say("FAILED: cannot mount %s (%s) on %s: %s", dev, cfg.fstype, MNT,
		    strerror(errno));
		return -1;
	}
	if (strcmp(dev, cfg.device))
		say("%s is %s", cfg.device, dev);
	snprintf(root, len, "%s", MNT);
	return 0;
}

/* mkdir -p */
static int mkdirs(const char *path)
{
	char buf[512], *p;

	snprintf(buf, sizeof(buf), "%s", path);
	for (p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0700) && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(buf, 0700) && errno != EEXIST ? -1 : 0;
}

static void free_names(char **names, size_t count)
{
	while (count)
		free(names[--count]);
	free(names);
}

/* The names in dir (without . and ..). Returns 0, or -1 with errno. */
static int list_dir(const char *path, char ***names, size_t *count)
{
	struct dirent *e;
	size_t cap = 0;
	DIR *d;

	*names = NULL;
	*count = 0;
	d = opendir(path);
	if (!d)
		return -1;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (*count == cap) {
			char **p = realloc(*names, (cap = cap ? 2 * cap : 16) * sizeof(*p));

			if (!p)
				goto fail;
			*names = p;
		}
		if (!((*names)[*count] = strdup(e->d_name)))
			goto fail;
		++*count;
	}
	closedir(d);
	return 0;
fail:
	closedir(d);
	free_names(*names, *count);
	errno = ENOMEM;
	return -1;
}

/* rm -r of one dump directory: its files, then itself (no subdirectories). */
static int remove_dump(const char *path)
{
	char **names, f[600];
	size_t count, i;
	int rc = 0;

	if (list_dir(path, &names, &count))
		return -1;
	for (i = 0; i < count; i++) {
		if (snprintf(f, sizeof(f), "%s/%s", path, names[i]) >= (int)sizeof(f) || unlink(f))
			rc = -1;
	}
	free_names(names, count);
	return rmdir(path) || rc ? -1 : 0;
}

/* Keeps the cfg.keep newest dumps in top, deletes the older ones. */
static void prune(const char *top)
{
	char **names, path[600];
	size_t count, n, i;

	if (!cfg.keep)
		return;
	if (list_dir(top, &names, &count)) {
		say("WARNING: cannot read %s to prune old dumps: %s", top, strerror(errno));
		return;
	}
	n = store_prune(names, count, (unsigned)cfg.keep);
	for (i = 0; i < n; i++) {
		if (snprintf(path, sizeof(path), "%s/%s", top, names[i]) >= (int)sizeof(path) ||
		    remove_dump(path))
			say("WARNING: cannot delete old dump %s: %s", path, strerror(errno));
		else
			say("deleted old dump %s (keeping the %d newest)", path, cfg.keep);
	}
	sync();
	free_names(names, count);
}

/* fsync of a directory by name (a new entry in it reaches the disk). */
static int fsync_parent(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc;

	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/* The dump directory: mounted, <top>/<stamp> made; its fd, or -1. */
static int make_dump_dir(char *top, size_t tlen, char *stamp, size_t slen)
{
	char root[160], dir[400], **names;
	struct statvfs sv;
	size_t count;
	int rc, fd;

	if (mount_target(root, sizeof(root)))
		return -1;
	snprintf(top, tlen, "%s%s", root, cfg.dir);
	if (mkdirs(top)) {
		say("FAILED: cannot create %s: %s", top, strerror(errno));
		return -1;
	}
	if (list_dir(top, &names, &count)) {
		say("FAILED: cannot read %s: %s", top, strerror(errno));
		return -1;
	}
	rc = store_new_name(time(NULL), names, count, stamp, slen);
	free_names(names, count);
	if (rc) {
		say("FAILED: no name for the dump in %s", top);
		return -1;
	}
	snprintf(dir, sizeof(dir), "%s/%s", top, stamp);
	if (mkdir(dir, 0700)) {
		say("FAILED: cannot create %s: %s", dir, strerror(errno));
		return -1;
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fsync(fd) || fsync_parent(top)) {
		say("FAILED: cannot open or sync %s: %s", dir, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (!statvfs(dir, &sv))
		say("%s: %llu MiB free", dir, (unsigned long long)sv.f_bavail * sv.f_frsize >> 20);
	return fd;
}

/* dmesg.<stamp>: written as .dmesg-incomplete, then committed. */
static void save_dmesg(int dirfd, const char *dir, const char *stamp)
{
	char tmp[480], final[64], err[300];
	bool killed;
	int rc;

	snprintf(tmp, sizeof(tmp), "%s/.dmesg-incomplete", dir);
	snprintf(final, sizeof(final), "dmesg.%s", stamp);
	say("saving dmesg: makedumpfile --dump-dmesg %s", cfg.vmcore);
	{
		char *argv[] = { cfg.makedumpfile, "--dump-dmesg", cfg.vmcore, tmp, NULL };

		rc = run(argv, &killed);
	}
	if (rc) {
		say("WARNING: makedumpfile --dump-dmesg failed (exit %d); going on", rc);
		unlink(tmp);
		return;
	}
	fchmodat(dirfd, ".dmesg-incomplete", 0600, 0);
	if (durable_commit(dirfd, ".dmesg-incomplete", final, fsync_checked, err, sizeof(err)))
		say("WARNING: dmesg not saved: %s", err);
	else
		say("saved dmesg as %s", final);
}

/*
 * What makedumpfile left when it failed or was killed: kept as
 * dump-incomplete.<stamp> (as Fedora's vmcore-incomplete), never deleted.
 * Returns 1 (partial kept) or -1 (nothing worth keeping).
 */
static int keep_partial(int dirfd, const char *stamp, const char *cause)
{
	char final[64], err[300];
	struct stat st;

	snprintf(final, sizeof(final), "dump-incomplete.%s", stamp);
	if (fstatat(dirfd, "dump-incomplete", &st, 0) || st.st_size == 0) {
		unlinkat(dirfd, "dump-incomplete", 0);
		say("FAILED: %s; nothing was written", cause);
		return -1;
	}
	fchmodat(dirfd, "dump-incomplete", 0600, 0);
	if (durable_commit(dirfd, "dump-incomplete", final, fsync_checked, err, sizeof(err))) {
		say("FAILED: %s; the partial dump could not be kept: %s", cause, err);
		return -1;
	}
	say("PARTIAL: %s; kept %lld bytes as %s (readable, flagged incomplete)", cause,
	    (long long)st.st_size, final);
	return 1;
}

/* dump.<stamp>: makedumpfile, fsync, check, rename, fsync the directory. */
static int save_dump(int dirfd, const char *dir, const char *stamp)
{
	char tmp[480], level[8], final[64], err[300], cause[400];
	struct kdump_info info;
	bool killed;
	int rc;

	snprintf(tmp, sizeof(tmp), "%s/dump-incomplete", dir);
	snprintf(final, sizeof(final), "dump.%s", stamp);
	snprintf(level, sizeof(level), "%d", cfg.level);
	say("saving dump: makedumpfile -c -d %d %s", cfg.level, cfg.vmcore);
	{
		/*
		 * --message-level 6: its messages and errors, not its progress
		 * indicator (a line redrawn with \r every second or so): where
		 * the console drains slowly (QEMU raspi4b's mini UART) a full
		 * tty buffer would block makedumpfile's writes.
		 */
		char *argv[] = { cfg.makedumpfile, "--message-level", "6", "-c", "-d", level,
				 cfg.vmcore, tmp, NULL };

		rc = run(argv, &killed);
	}
	if (rc) {
		snprintf(cause, sizeof(cause), "makedumpfile %s", killed ?
			 "killed at the save's deadline" : rc < 0 ? "died" :
			 "failed (disk full? see its messages above)");
		if (rc > 0)
			snprintf(cause + strlen(cause), sizeof(cause) - strlen(cause), ", exit %d", rc);
		return keep_partial(dirfd, stamp, cause);
	}
	fchmodat(dirfd, "dump-incomplete", 0600, 0);
	if (durable_commit(dirfd, "dump-incomplete", "dump-incomplete", fsync_checked, err,
			   sizeof(err)))
		return keep_partial(dirfd, stamp, err);
	if (kdump_check_path(tmp, &info, err, sizeof(err))) {
		snprintf(cause, sizeof(cause), "makedumpfile said it succeeded but the dump is not whole: %.80s", err);
		return keep_partial(dirfd, stamp, cause);
	}
	if (durable_commit(dirfd, "dump-incomplete", final, fsync_checked, err, sizeof(err))) {
		say("FAILED: %s", err);
		return -1;
	}
	say("saved %s/%s (%llu bytes, %llu pages, kernel %s)", dir, final,
	    (unsigned long long)info.file_size, (unsigned long long)info.pages, info.release);
	return 0;
}

/*
 * kdump-save.log.<stamp>: everything said, next to the dump. Its room is
 * taken before the dump (reserve_log), so a dump that fills the disk does
 * not take the log with it.
 */
#define LOG_RESERVE 65536
static void reserve_log(int dirfd, const char *stamp)
{
	char final[64], err[300];

	snprintf(final, sizeof(final), "kdump-save.log.%s", stamp);
	if (durable_reserve(dirfd, final, LOG_RESERVE, err, sizeof(err)))
		say("WARNING: no room kept for %s: %s", final, err);
}

static void save_log(int dirfd, const char *stamp)
{
	char final[64], err[300];

	snprintf(final, sizeof(final), "kdump-save.log.%s", stamp);
	say("writing %s", final);
	fflush(logf);
	if (durable_write(dirfd, final, logbuf, loglen, fsync_checked, err, sizeof(err)))
		say("WARNING: %s not written: %s", final, err);
}

/*
 * Nowhere to save (no disk, read-only, wrong file system): the crashed
 * kernel's log, its last 64 KiB, on the console between two marker lines,
 * so that whoever reads the console (the lab's host) still has it.
 */
#define CONSOLE_DMESG_MAX 65536
static void dmesg_to_console(void)
{
	char *argv[] = { cfg.makedumpfile, "--dump-dmesg", cfg.vmcore, "/tmp/dmesg", NULL };
	static char buf[CONSOLE_DMESG_MAX];
	struct stat st;
	bool killed;
	ssize_t n;
	int fd;

	mkdir("/tmp", 01777);
	if (run(argv, &killed) || (fd = open("/tmp/dmesg", O_RDONLY | O_CLOEXEC)) < 0) {
		say("the crashed kernel's log could not be read either");
		return;
	}
	if (!fstat(fd, &st) && st.st_size > CONSOLE_DMESG_MAX)
		lseek(fd, st.st_size - CONSOLE_DMESG_MAX, SEEK_SET);
	n = read(fd, buf, sizeof(buf));
	close(fd);
	unlink("/tmp/dmesg");
	if (n < 0)
		n = 0;
	say("nowhere to save it: the crashed kernel's log follows on the console (%zd bytes)", n);
	fwrite(buf, 1, (size_t)n, stdout);
	if (n && buf[n - 1] != '\n')
		putchar('\n');
	say("end of the crashed kernel's log");
}

/*
 * The network target (kdump.url=, net.h): the same three files, sent to the
 * collector, which files them as <prefix>/<stamp>/<name>. Nothing is mounted.
 */
#define NET_WAIT_MS 20000	/* for the address (ip=dhcp) and the collector */
#define NET_STAMP_TRIES 100

static struct net_url net;
static char net_stamp[32];	/* the stamp the collector took, "" before */
static bool net_down;		/* it was never reached: not tried again, the disk instead */

/*
 * Opens the PUT of "<kind>.<stamp>". The first file sent claims the stamp:
 * when the collector has that name already (409), the next stamp is tried
 * (stamp-1, stamp-2 ..., kdump-tools' rule for a taken stamp). Returns 0,
 * or -1 (said why).
 */
static int net_open(struct put *p, const char *kind, long long length)
{
	char base[16], stamp[32], name[64], err[300];
	int i, status;

	if (net_down) {
		say("FAILED: %s: the collector was not reached before", kind);
		return -1;
	}
	save_stamp(time(NULL), base, sizeof(base));
	for (i = 0; i < NET_STAMP_TRIES; i++) {
		if (net_stamp[0])
			snprintf(stamp, sizeof(stamp), "%s", net_stamp);
		else if (i)
			snprintf(stamp, sizeof(stamp), "%s-%d", base, i);
		else
			snprintf(stamp, sizeof(stamp), "%s", base);
		snprintf(name, sizeof(name), "%s.%s", kind, stamp);
		if (put_begin(p, &net, stamp, name, length, NET_WAIT_MS, &status, err, sizeof(err))) {
			say("FAILED: %s: %s", name, err);
			/* Not waited for a second time: the save's time is the disk's now. */
			net_down = !net_stamp[0];
			return -1;
		}
		if (status == 0 || status == 100) {
			snprintf(net_stamp, sizeof(net_stamp), "%s", stamp);
			return 0;
		}
		if (status != 409 || net_stamp[0]) {
			say("FAILED: the collector refused %s/%s/%s (HTTP %d)", net.prefix, stamp, name,
			    status);
			return -1;
		}
	}
	say("FAILED: the collector has %d dumps of stamp %s already", NET_STAMP_TRIES, base);
	return -1;
}

/* A small file (the dmesg, the log) in one PUT. Returns 0 or -1 (said why). */
static int net_put(const char *kind, const char *data, size_t len)
{
	char stored[80], err[300];
	struct put p;
	int code;

	if (net_open(&p, kind, (long long)len))
		return -1;
	if (put_write(&p, data, len, err, sizeof(err))) {
		put_abort(&p);
		say("WARNING: %s not sent: %s", kind, err);
		return -1;
	}
	code = put_end(&p, NULL, stored, sizeof(stored), err, sizeof(err));
	if (code != 201) {
		say("WARNING: %s not saved by the collector: %s", kind,
		    code < 0 ? err : "it did not answer 201");
		return -1;
	}
	say("saved %s as %s/%s/%s on the collector", kind, net.prefix, net_stamp, stored);
	return 0;
}

/* A whole (small) file in memory; NULL with errno. */
static char *read_file_all(const char *path, size_t *len)
{
	struct stat st;
	char *data;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	data = fstat(fd, &st) ? NULL : malloc(st.st_size ? (size_t)st.st_size : 1);
	n = data ? read(fd, data, (size_t)st.st_size) : -1;
	close(fd);
	if (n < 0) {
		free(data);
		return NULL;
	}
	*len = (size_t)n;
	return data;
}

/* dmesg.<stamp>: makedumpfile --dump-dmesg into memory (ramfs), then sent. */
static void net_save_dmesg(void)
{
	char *argv[] = { cfg.makedumpfile, "--dump-dmesg", cfg.vmcore, "/tmp/dmesg", NULL };
	char *data = NULL;
	size_t len = 0;
	bool killed;

	mkdir("/tmp", 01777);
	say("saving dmesg: makedumpfile --dump-dmesg %s", cfg.vmcore);
	if (run(argv, &killed)) {
		say("WARNING: makedumpfile --dump-dmesg failed; going on");
		return;
	}
	data = read_file_all("/tmp/dmesg", &len);
	unlink("/tmp/dmesg");
	if (data)
		net_put("dmesg", data, len);
	else
		say("WARNING: cannot read the dmesg makedumpfile wrote: %s", strerror(errno));
	free(data);
}

/*
 * dump.<stamp>: makedumpfile -F (its flattened stream, on a pipe) sent as it
 * comes, in chunks. makedumpfile is killed at the soft deadline; a dump it
 * did not finish is still sent to its end, flagged Dump-Incomplete, and the
 * collector keeps it as dump-incomplete.<stamp>. Only the collector's 201
 * with Stored-As: dump.<stamp> (it checked the rebuilt dump is whole) is
 * "saved". 0 saved, 1 partial, -1 failed.
 */
static int net_save_dump(void)
{
	char level[8], err[300], cause[200] = "", stored[80], want[64];
	static char buf[1 << 16];
	unsigned long long sent = 0;
	bool killed = false, lost = false;
	int dead_wait = 0;	/* seconds waited for a killed makedumpfile's pipe to end */
	int pfd[2], status = 0, code;
	struct put p;
	pid_t pid;

	snprintf(level, sizeof(level), "%d", cfg.level);
	if (net_open(&p, "dump", -1))
		return -1;
	say("saving dump: makedumpfile -F -c -d %d %s to %s/%s/%s/dump.%s", cfg.level, cfg.vmcore,
	    net.hostport, net.prefix, net_stamp, net_stamp);
	if (pipe2(pfd, O_CLOEXEC)) {
		say("FAILED: pipe: %s", strerror(errno));
		put_abort(&p);
		return -1;
	}
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		/* -F writes the stream to stdout and its messages to stderr. */
		char *argv[] = { cfg.makedumpfile, "--message-level", "6", "-F", "-c", "-d", level,
				 cfg.vmcore, NULL };

		dup2(pfd[1], 1);
		execv(argv[0], argv);
		fprintf(stderr, "kdump-save: cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(pfd[1]);
	if (pid < 0) {
		say("FAILED: cannot fork: %s", strerror(errno));
		close(pfd[0]);
		put_abort(&p);
		return -1;
	}
	for (;;) {
		struct pollfd w = { .fd = pfd[0], .events = POLLIN };
		ssize_t n;

		if (!killed && past(&soft_deadline))
			killed = kill_at_deadline(pid, cfg.makedumpfile);
		if (poll(&w, 1, 1000) < 1) {
			/* A killed makedumpfile stuck in the kernel: what came is what there is. */
			if (killed && ++dead_wait >= 5)
				break;
			continue;
		}
		n = read(pfd[0], buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (put_write(&p, buf, (size_t)n, err, sizeof(err))) {
			say("the collector stopped taking the dump after %llu bytes: %s", sent, err);
			kill(pid, SIGKILL);
			lost = true;
			break;
		}
		sent += (unsigned long long)n;
	}
	close(pfd[0]);
	if (!reap(pid, &status, 5))
		say("makedumpfile does not die (uninterruptible sleep?): leaving it");
	else if (WIFSIGNALED(status) && !killed && !lost)
		snprintf(cause, sizeof(cause), "makedumpfile killed by signal %d", WTERMSIG(status));
	else if (WIFEXITED(status) && WEXITSTATUS(status))
		snprintf(cause, sizeof(cause), "makedumpfile failed, exit %d (see its messages above)",
			 WEXITSTATUS(status));
	if (killed)
		snprintf(cause, sizeof(cause), "makedumpfile killed at the save's deadline");
	if (lost) {
		put_abort(&p);
		say("FAILED: %llu bytes sent; whatever the collector got, it keeps as dump-incomplete.%s",
		    sent, net_stamp);
		return -1;
	}
	code = put_end(&p, cause[0] ? cause : NULL, stored, sizeof(stored), err, sizeof(err));
	snprintf(want, sizeof(want), "dump.%s", net_stamp);
	if (code == 201 && !strcmp(stored, want)) {
		say("saved %s on the collector %s as %s/%s/%s (%llu bytes sent)", stored, net.hostport,
		    net.prefix, net_stamp, stored, sent);
		return 0;
	}
	if (code == 201 && !strncmp(stored, "dump-incomplete.", 16)) {
		say("PARTIAL: %s; the collector kept %llu bytes as %s/%s/%s (readable, flagged incomplete)",
		    cause[0] ? cause : "the collector found the dump not whole", sent, net.prefix,
		    net_stamp, stored);
		return 1;
	}
	say("FAILED: the dump was sent (%llu bytes) but the collector %s%s", sent,
	    code < 0 ? "did not confirm it: " : "answered ", code < 0 ? err : stored[0] ? stored : "not 201");
	return -1;
}

/* As save(); -2 when the collector was never reached (the disk may still take it). */
static int save_net(void)
{
	char err[300];
	int rc;

	if (net_url_parse(cfg.url, &net, err, sizeof(err))) {
		say("FAILED: %s", err);
		return -2;
	}
	net_save_dmesg();
	rc = net_save_dump();
	if (rc < 0 && !net_stamp[0])
		return -2;
	say("writing kdump-save.log.%s", net_stamp);
	fflush(logf);
	net_put("kdump-save.log", logbuf, loglen);
	return rc;
}

/* 0 saved, 1 partial, -1 failed. */
static int save(void)
{
	char top[320], dir[400], stamp[32];
	int dirfd, rc;

	if (access(cfg.vmcore, R_OK)) {
		say("FAILED: %s: %s (is this the capture kernel?)", cfg.vmcore, strerror(errno));
		return -1;
	}
	if (cfg.url[0]) {
		rc = save_net();
		if (rc != -2)
			return rc;
		/* Not lost for want of a network: the disk, where there is one. */
		say("the collector was not reached: saving to %s:%s instead", cfg.device, cfg.dir);
		net_down = true;
	}
	if (!in_capture && !cfg.device_set) {
		say("FAILED: not in a capture kernel: not mounting the default %s; "
		    "give --device=DEV (or --device=none)", cfg.device);
		return -1;
	}
	dirfd = make_dump_dir(top, sizeof(top), stamp, sizeof(stamp));
	if (dirfd < 0) {
		dmesg_to_console();
		return -1;
	}
	snprintf(dir, sizeof(dir), "%s/%s", top, stamp);
	reserve_log(dirfd, stamp);
	save_dmesg(dirfd, dir, stamp);
	rc = save_dump(dirfd, dir, stamp);
	if (rc == 0)
		prune(top);
	save_log(dirfd, stamp);
	close(dirfd);
	return rc;
}

static void do_reboot(void)
{
	int howto = cfg.after == AFTER_POWEROFF ? RB_POWER_OFF : RB_AUTOBOOT;
	int fd;

	say("watchdog: the save outlasted kdump.timeout=%d s: %s now", cfg.timeout,
	    howto == RB_POWER_OFF ? "powering off" : "rebooting");
	reboot(howto);
	sleep(5);
	/* Emergency restart: no device shutdown, no sync. */
	fd = open("/proc/sysrq-trigger", O_WRONLY);
	if (fd >= 0 && write(fd, "b", 1) < 0)
		say("watchdog: sysrq: %s", strerror(errno));
	for (;;)
		pause();
}

static void finish(int rc)
{
	const char *what = rc == 0 ? "saved" : rc > 0 ? "PARTIAL" : "FAILED";

	if (in_capture && strcmp(cfg.device, "none") && (!cfg.url[0] || net_down)) {
		sync();
		umount(MNT);
	}
	if (cfg.after == AFTER_NONE) {
		say("done (%s)", what);
		if (!in_capture)
			exit(rc == 0 ? 0 : 1);
		for (;;)
			pause();
	}
	say("%s", cfg.after == AFTER_POWEROFF ? "powering off" : "rebooting");
	reboot(cfg.after == AFTER_POWEROFF ? RB_POWER_OFF : RB_AUTOBOOT);
	say("reboot: %s", strerror(errno));
	for (;;)
		pause();
}

/*
 * The capture kernel's memory settings: little dirty page cache (so that a
 * partial dump reaches a slow disk within the time left after makedumpfile
 * is killed: 512 KiB is 4 s at 128 KiB/s, well inside the last quarter of
 * kdump.timeout=40; 1 MiB sometimes was not), and no watermark boost (which made small reservations run
 * out of memory, docs/capture.md).
 */
static void tune_capture_kernel(void)
{
	static const char *const knobs[][2] = {
		{ "/proc/sys/vm/dirty_bytes", "524288" },
		{ "/proc/sys/vm/dirty_background_bytes", "131072" },
		{ "/proc/sys/vm/watermark_boost_factor", "0" },
	};
	size_t i;

	for (i = 0; i < sizeof(knobs) / sizeof(knobs[0]); i++) {
		int fd = open(knobs[i][0], O_WRONLY | O_CLOEXEC);

		if (fd < 0 || write(fd, knobs[i][1], strlen(knobs[i][1])) < 0)
			say("WARNING: %s: %s", knobs[i][0], strerror(errno));
		if (fd >= 0)
			close(fd);
	}
}

/* PID 1: /proc and friends, and the kernel command line into @cmdline. */
static void read_cmdline(char *cmdline, size_t len)
{
	char err[256];
	FILE *f;

	mount_basics();
	f = fopen("/proc/cmdline", "r");
	if (f) {
		size_t n = fread(cmdline, 1, len - 1, f);

		cmdline[n] = '\0';
		fclose(f);
	}
	if (save_config_cmdline(&cfg, cmdline, err, sizeof(err)))
		say("ignoring ALL kdump.* parameters, none applied (defaults used): %s", err);
}

static int parse_args(int argc, char **argv)
{
	char err[256];
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			exit(0);
		}
		if (strncmp(argv[i], "--", 2) || save_config_set(&cfg, argv[i] + 2, err, sizeof(err))) {
			fprintf(stderr, "kdump-save: %s\n",
				strncmp(argv[i], "--", 2) ? "expected --SETTING=VALUE" : err);
			if (getpid() != 1) {
				usage(stderr);
				return 2;
			}
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	char cmdline[4096] = "", why[128];
	struct timespec hard;
	pid_t dog = -1;
	int rc;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	save_config_defaults(&cfg);
	umask(077);
	logf = open_memstream(&logbuf, &loglen);
	if (getpid() == 1)
		read_cmdline(cmdline, sizeof(cmdline));
	if (parse_args(argc, argv))
		return 2;
	in_capture = capture_kernel(getpid(), cmdline, !access("/proc/vmcore", F_OK),
				    !access("/proc/device-tree/chosen/linux,elfcorehdr", F_OK) ||
				    !access("/sys/firmware/devicetree/base/chosen/linux,elfcorehdr", F_OK),
				    why, sizeof(why));
	if (!in_capture && cfg.after != AFTER_NONE) {
		say("not a capture kernel's PID 1 (%s): will not reboot or power off", why);
		cfg.after = AFTER_NONE;
	}
	soft_deadline = hard = t0;
	soft_deadline.tv_sec += soft_secs();
	hard.tv_sec += cfg.timeout;
	if (in_capture) {
		tune_capture_kernel();
		dog = watchdog_start(&hard, access("/dev/watchdog", F_OK) ? NULL : "/dev/watchdog",
				     do_reboot);
		say("watchdog: %s at %d s (kdump.timeout)%s", dog > 0 ? "reboots" : "could not start",
		    cfg.timeout, access("/dev/watchdog", F_OK) ? "" : " (arming /dev/watchdog then)");
	}
	if (cfg.url[0])
		say("capture kernel up: saving %s to %s", cfg.vmcore, cfg.url);
	else
		say("capture kernel up: saving %s to %s:%s", cfg.vmcore, cfg.device, cfg.dir);
	rc = save();
	if (!in_capture)
		watchdog_stop(dog);
	finish(rc);
	return rc == 0 ? 0 : 1;
}
