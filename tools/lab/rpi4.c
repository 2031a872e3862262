// SPDX-License-Identifier: GPL-2.0
/*
 * The Raspberry Pi 4 on QEMU 10's raspi4b, booting the board's own files
 * (`./dumpable image --board rpi4 OUT`, OUT given as DUMPABLE_BOARD_DIR):
 *   prepare  the SD card image with those files on its FAT "bootfs"
 *            partition (lab/make-sd-image, which reads each file back and
 *            compares it byte for byte), runs/<id>/sd.img
 *   argv     QEMU's command line as lab/boot-rpi4 --print gives it (one
 *            place for it: the script people run by hand). It also makes
 *            the emulator's copy of the device tree (lab/rpi4-emulator-dtb)
 *            next to the card. The console is the mini UART, QEMU's
 *            second -serial, on our pipes; the PL011 goes to null.
 *   harvest  /var/crash off the card with mtools (lab/harvest-sd)
 *   saved    the same, read while QEMU runs: kdump-save renames the dump
 *            to dump.<stamp> only once it is whole and synced, so a whole
 *            dump there is the save done, whatever the console says
 * The case itself is typed on the board's shell (watch.c, typing.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "boot.h"
#include "proc.h"

/* BOOT_DIR: where the firmware would find the four files. */
static void boot_dir(const struct paths *p, char *buf, size_t len)
{
	path_join(buf, len, p->board, "boot/dumpable");
}

static int rpi4_prepare(const struct spec *s, const struct paths *p, char *initrd, size_t len)
{
	char script[LAB_PATH], sd[LAB_PATH], log[LAB_PATH], image[LAB_PATH], dir[LAB_PATH];
	const char *argv[] = { "sh", script, p->board, sd, NULL };

	(void)s;
	if (len)
		initrd[0] = '\0';	/* the board's own initrd.img, as it is */
	boot_dir(p, dir, sizeof(dir));
	path_join(image, sizeof(image), dir, "Image");
	if (!p->board[0] || access(image, R_OK)) {
		progress("no board files in '%s' (DUMPABLE_BOARD_DIR: ./dumpable run makes them)",
			 p->board);
		return -1;
	}
	path_join(script, sizeof(script), p->root, "lab/make-sd-image");
	path_join(sd, sizeof(sd), p->run, "sd.img");
	path_join(log, sizeof(log), p->run, "sd.log");
	if (run_cmd(argv, log)) {
		progress("lab/make-sd-image failed: see runs/%s/sd.log", p->id);
		return -1;
	}
	return 0;
}

/* lab/boot-rpi4 --print: one argument a line, into q->argtext and @argv. */
static int rpi4_argv(const struct spec *s, const struct paths *p, const char *initrd,
		     struct qemu *q, const char **argv, size_t max)
{
	char script[LAB_PATH], sd[LAB_PATH], dir[LAB_PATH], out[LAB_PATH], err[LAB_PATH];
	const char *cmd[] = { "sh", script, "--print", "--console", "stdio", "--pl011", "null",
			      "--qmp", q->qmp_arg, dir, sd, NULL };
	char *line, *next;
	size_t n = 0;

	(void)s;
	(void)initrd;
	path_join(script, sizeof(script), p->root, "lab/boot-rpi4");
	path_join(sd, sizeof(sd), p->run, "sd.img");
	boot_dir(p, dir, sizeof(dir));
	path_join(out, sizeof(out), p->run, "qemu.argv");
	path_join(err, sizeof(err), p->run, "boot-rpi4.err");
	if (run_cmd2(cmd, out, err) || !(q->argtext = read_text(out))) {
		progress("lab/boot-rpi4 --print failed: see runs/%s/boot-rpi4.err", p->id);
		return -1;
	}
	for (line = q->argtext; *line && n + 1 < max; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		else
			next = line + strlen(line);
		argv[n++] = line;
	}
	argv[n] = NULL;
	return n && !*line ? 0 : -1;
}

static void rpi4_harvest(const struct spec *s, const struct paths *p, struct harvest *h)
{
	char script[LAB_PATH], sd[LAB_PATH], log[LAB_PATH], crash[LAB_PATH];
	const char *argv[] = { "sh", script, sd, p->run, NULL };

	memset(h, 0, sizeof(*h));
	path_join(script, sizeof(script), p->root, "lab/harvest-sd");
	path_join(sd, sizeof(sd), p->run, "sd.img");
	path_join(log, sizeof(log), p->run, "harvest.log");
	path_join(crash, sizeof(crash), p->run, "crash");
	if (access(sd, R_OK))
		return;
	if (run_cmd(argv, log) == 0)
		harvest_dir(crash, h);
	if (!s->keep)
		unlink(sd);
}

static bool rpi4_saved(const struct paths *p)
{
	char script[LAB_PATH], sd[LAB_PATH], log[LAB_PATH], dir[LAB_PATH], crash[LAB_PATH];
	const char *argv[] = { "sh", script, sd, dir, NULL };
	const char *rm[] = { "rm", "-rf", dir, NULL };
	struct harvest h;

	path_join(script, sizeof(script), p->root, "lab/harvest-sd");
	path_join(sd, sizeof(sd), p->run, "sd.img");
	path_join(dir, sizeof(dir), p->run, "probe");
	path_join(log, sizeof(log), p->run, "probe.log");
	path_join(crash, sizeof(crash), dir, "crash");
	memset(&h, 0, sizeof(h));
	if (run_cmd(argv, log) == 0)
		harvest_dir(crash, &h);
	run_cmd(rm, "/dev/null");
	return h.format && !strcmp(h.format, "kdump-compressed");
}

const struct board_ops rpi4_ops = {
	.prepare = rpi4_prepare,
	.argv = rpi4_argv,
	.harvest = rpi4_harvest,
	.saved = rpi4_saved,
};
