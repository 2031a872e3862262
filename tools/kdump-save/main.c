// SPDX-License-Identifier: GPL-2.0
/*
 * kdump-save: runs in the capture kernel and saves the crashed kernel's
 * memory (/proc/vmcore) with makedumpfile, plus its kernel log, in Debian's
 * kdump-tools layout:
 *
 *   <dir>/<YYYYMMDDHHMM>/dump.<YYYYMMDDHHMM>    kdump-compressed, -d 31 -c
 *   <dir>/<YYYYMMDDHHMM>/dmesg.<YYYYMMDDHHMM>   makedumpfile --dump-dmesg
 *
 * A taken stamp gets -N (<stamp>-N/dump.<stamp>-N); on a board without a
 * real-time clock every stamp is 197001010000 and N counts up (store.c).
 * With kdump.keep=N only the N newest dumps stay (Debian's KDUMP_NUM_DUMPS).
 *
 * Then it reboots (or powers off). It is meant to be /init of the capture
 * initramfs; as PID 1 it reads its settings from kdump.* kernel parameters.
 * Whatever fails, it says so on the console and still reboots: it never hangs.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
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
#include "label.h"
#include "store.h"
#include "../common/kdumpfmt.h"

#define MNT "/mnt/dump"

static struct timespec t0;
static struct save_config cfg;
static time_t deadline;

static double elapsed(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0.tv_sec) + (t.tv_nsec - t0.tv_nsec) / 1e9;
}

static void say(const char *fmt, ...)
{
	va_list ap;

	printf("kdump-save: [%6.2f] ", elapsed());
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
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
	      "  level         makedumpfile dump level, 0-31 (31)\n"
	      "  keep          keep only the N newest dumps in DIR; 0: all (0)\n"
	      "  timeout       seconds for the whole save, then give up (600)\n"
	      "  after         reboot, poweroff or none (reboot)\n"
	      "  vmcore        what to save (/proc/vmcore)\n"
	      "  makedumpfile  the program (/usr/bin/makedumpfile)\n"
	      "\n"
	      "exit status (when not PID 1 and after=none): 0 saved, 1 failed, 2 usage\n",
	      out);
}

/* Runs argv, waiting at most until the deadline. Returns its exit status or -1. */
static int run(char *const argv[])
{
	int status;
	pid_t pid;

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
	for (;;) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid)
			break;
		if (r < 0 && errno != EINTR) {
			say("waitpid: %s", strerror(errno));
			return -1;
		}
		if (time(NULL) > deadline) {
			say("%s still running after the %d s timeout: killing it", argv[0],
			    cfg.timeout);
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			return -1;
		}
		usleep(50000);
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
	if (mount(dev, MNT, cfg.fstype, 0, NULL)) {
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

static int save(void)
{
	char root[160], top[320], dir[400], stamp[32], dump[480], tmp[480], dmesg[480];
	char level[8], err[256], **names;
	struct kdump_info info;
	struct statvfs sv;
	size_t count;
	int rc;

	if (access(cfg.vmcore, R_OK)) {
		say("FAILED: %s: %s (is this the capture kernel?)", cfg.vmcore, strerror(errno));
		return -1;
	}
	if (mount_target(root, sizeof(root)))
		return -1;
	snprintf(top, sizeof(top), "%s%s", root, cfg.dir);
	if (mkdirs(top)) {
		say("FAILED: cannot create %s: %s", top, strerror(errno));
		return -1;
	}
	if (list_dir(top, &names, &count)) {
		say("FAILED: cannot read %s: %s", top, strerror(errno));
		return -1;
	}
	rc = store_new_name(time(NULL), names, count, stamp, sizeof(stamp));
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
	if (!statvfs(dir, &sv))
		say("%s: %llu MiB free", dir,
		    (unsigned long long)sv.f_bavail * sv.f_frsize >> 20);

	snprintf(dump, sizeof(dump), "%s/dump.%s", dir, stamp);
	snprintf(tmp, sizeof(tmp), "%s/dump-incomplete", dir);
	snprintf(dmesg, sizeof(dmesg), "%s/dmesg.%s", dir, stamp);
	snprintf(level, sizeof(level), "%d", cfg.level);

	say("saving dmesg: makedumpfile --dump-dmesg %s", cfg.vmcore);
	{
		char *argv[] = { cfg.makedumpfile, "--dump-dmesg", cfg.vmcore, dmesg, NULL };

		rc = run(argv);
		if (rc)
			say("WARNING: makedumpfile --dump-dmesg failed (exit %d); going on", rc);
		else
			chmod(dmesg, 0600);
	}

	say("saving dump: makedumpfile -c -d %d %s", cfg.level, cfg.vmcore);
	{
		/*
		 * --message-level 6: its messages and errors, not its progress
		 * indicator (a line redrawn with \r every second or so, about
		 * 2.5 KB per dump): on a serial console that is most of the
		 * output, and where the console drains slowly (QEMU raspi4b's
		 * mini UART, docs/raspberry-pi-4.md) a full tty buffer would
		 * block makedumpfile's writes.
		 */
		char *argv[] = { cfg.makedumpfile, "--message-level", "6", "-c", "-d", level,
				 cfg.vmcore, tmp, NULL };

		rc = run(argv);
	}
	if (rc) {
		say("FAILED: makedumpfile exit %d (disk full? see its messages above)", rc);
		unlink(tmp);
		return -1;
	}
	sync();
	if (kdump_check_path(tmp, &info, err, sizeof(err))) {
		say("FAILED: makedumpfile said it succeeded but the dump is not whole: %s", err);
		return -1;
	}
	chmod(tmp, 0600);
	if (rename(tmp, dump)) {
		say("FAILED: rename %s: %s", tmp, strerror(errno));
		return -1;
	}
	sync();
	say("saved %s (%llu bytes, %llu pages, kernel %s)", dump,
	    (unsigned long long)info.file_size, (unsigned long long)info.pages, info.release);
	prune(top);
	return 0;
}

static void finish(int ok)
{
	int pid1 = getpid() == 1;

	sync();
	if (pid1 && strcmp(cfg.device, "none"))
		umount(MNT);
	if (cfg.after == AFTER_NONE) {
		say("done (%s)", ok ? "saved" : "FAILED");
		if (!pid1)
			exit(ok ? 0 : 1);
		for (;;)
			pause();
	}
	say("%s", cfg.after == AFTER_POWEROFF ? "powering off" : "rebooting");
	sync();
	reboot(cfg.after == AFTER_POWEROFF ? RB_POWER_OFF : RB_AUTOBOOT);
	say("reboot: %s", strerror(errno));
	if (!pid1)
		exit(1);
	for (;;)
		pause();
}

int main(int argc, char **argv)
{
	char err[256];
	int i, ok;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	save_config_defaults(&cfg);
	umask(077);
	if (getpid() == 1) {
		char cmdline[4096] = "";
		FILE *f;

		mount_basics();
		f = fopen("/proc/cmdline", "r");
		if (f) {
			size_t n = fread(cmdline, 1, sizeof(cmdline) - 1, f);

			cmdline[n] = '\0';
			fclose(f);
		}
		if (save_config_cmdline(&cfg, cmdline, err, sizeof(err)))
			say("ignoring kernel parameters: %s", err);
	}
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return 0;
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
	deadline = time(NULL) + cfg.timeout;
	say("capture kernel up: saving %s to %s:%s", cfg.vmcore, cfg.device, cfg.dir);
	ok = save() == 0;
	finish(ok);
	return ok ? 0 : 1;
}
