// SPDX-License-Identifier: GPL-2.0
/* Unit tests of kdump-save's settings and names. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kdump-save/config.h"
#include "kdump-save/label.h"
#include "kdump-save/store.h"
#include "tap.h"

int main(void)
{
	struct save_config c;
	char err[256], stamp[16];

	save_config_defaults(&c);
	ok(!strcmp(c.device, "/dev/vda") && !strcmp(c.dir, "/var/crash") && c.level == 31 &&
	   c.after == AFTER_REBOOT, "defaults: /dev/vda, /var/crash, -d 31, reboot");
	ok(save_config_cmdline(&c, "console=ttyAMA0 kdump.device=/dev/mmcblk0p2 kdump.after=poweroff "
			       "kdump.level=1 kdump.dir=/dumps rdinit=/init\n", err, sizeof(err)) == 0,
	   "kernel command line parsed");
	ok(!strcmp(c.device, "/dev/mmcblk0p2") && !strcmp(c.dir, "/dumps") && c.level == 1 &&
	   c.after == AFTER_POWEROFF, "kdump.* values taken, others ignored");
	ok(save_config_set(&c, "level=32", err, sizeof(err)) == -1 && strstr(err, "0..31"),
	   "level 32 refused: %s", err);
	ok(save_config_set(&c, "after=halt", err, sizeof(err)) == -1, "after=halt refused: %s", err);
	ok(save_config_set(&c, "dir=var/crash", err, sizeof(err)) == -1 &&
	   save_config_set(&c, "dir=/a/../b", err, sizeof(err)) == -1,
	   "relative dir and .. refused: %s", err);
	ok(save_config_set(&c, "colour=blue", err, sizeof(err)) == -1 && strstr(err, "unknown"),
	   "unknown setting refused: %s", err);
	ok(save_config_set(&c, "device", err, sizeof(err)) == -1, "no '=' refused");
	ok(save_config_set(&c, "device=", err, sizeof(err)) == -1, "empty value refused");
	ok(save_config_cmdline(&c, "kdump.timeout=abc", err, sizeof(err)) == -1,
	   "bad number on the command line refused: %s", err);
	save_stamp(0, stamp, sizeof(stamp));
	ok(!strcmp(stamp, "197001010000"), "stamp of the epoch is 197001010000 (%s)", stamp);
	save_stamp(1795785600 - 35700, stamp, sizeof(stamp));
	ok(!strcmp(stamp, "202611270325"), "stamp is YYYYMMDDHHMM in UTC (%s)", stamp);

	{
		static unsigned char b[FS_LABEL_PROBE];
		char label[32], dir[] = "/tmp/kdump-save-test-XXXXXX", path[512], dev[600];
		FILE *f;

		memset(b, 0, sizeof(b));
		ok(fs_label(b, sizeof(b), label, sizeof(label)) == -1, "zeros have no label");
		b[1024 + 0x38] = 0x53;
		b[1024 + 0x39] = 0xEF;
		memcpy(b + 1024 + 0x78, "dumps", 5);
		ok(fs_label(b, sizeof(b), label, sizeof(label)) == 0 && !strcmp(label, "dumps"),
		   "ext4 label: %s", label);
		ok(fs_label(b, 1100, label, sizeof(label)) == -1, "a short read is no superblock");
		memset(b, 0, sizeof(b));
		b[510] = 0x55;
		b[511] = 0xAA;
		memcpy(b + 0x52, "FAT32   ", 8);
		memcpy(b + 0x47, "bootfs     ", 11);
		ok(fs_label(b, sizeof(b), label, sizeof(label)) == 0 && !strcmp(label, "bootfs"),
		   "FAT32 label, blanks cut: '%s'", label);
		memset(b + 0x47, 0, 11);
		memset(b + 0x52, 0, 8);
		memcpy(b + 0x36, "FAT16   ", 8);
		memcpy(b + 0x2B, "BOOT       ", 11);
		ok(fs_label(b, sizeof(b), label, sizeof(label)) == 0 && !strcmp(label, "BOOT"),
		   "FAT16 label: %s", label);
		ok(fs_label(b, sizeof(b), label, 3) == 0 && !strcmp(label, "BO"),
		   "a label longer than the buffer is cut, not overrun");

		/* find_by_label over a fake /sys/class/block and /dev */
		ok(mkdtemp(dir) != NULL, "temporary dir");
		snprintf(path, sizeof(path), "%s/sys", dir);
		mkdir(path, 0700);
		snprintf(path, sizeof(path), "%s/sys/vda", dir);
		mkdir(path, 0700);
		snprintf(path, sizeof(path), "%s/sys/mmcblk0p1", dir);
		mkdir(path, 0700);
		snprintf(path, sizeof(path), "%s/mmcblk0p1", dir);
		f = fopen(path, "w");
		if (f) {
			fwrite(b, 1, sizeof(b), f);
			fclose(f);
		}
		snprintf(path, sizeof(path), "%s/sys", dir);
		ok(find_by_label(path, dir, "BOOT", dev, sizeof(dev)) == 0 && strstr(dev, "/mmcblk0p1"),
		   "LABEL=BOOT found: %s", dev);
		ok(find_by_label(path, dir, "nope", dev, sizeof(dev)) == -1, "LABEL=nope not found");
		if (fork() == 0)
			execlp("rm", "rm", "-rf", dir, (char *)NULL);
	}

	/* Naming a new dump directory, and which old ones to delete. */
	{
		char name[32], *none[1] = { NULL };
		char *day[] = { "202611270325", "202611270325-1", "lost+found" };
		char *gap[] = { "202611270325", "202611270325-2" };
		char *epoch[] = { "197001010000-9", "197001010000-10", "197001010000-2", "notes.txt" };
		char *old[] = { "197001010000" };
		char *mix[] = { "197001010000-10", "x", "202611270325", "197001010000-9",
				"197001010000-1", "197001010000", "202611270325-1", "19700101000-1",
				"197001010000-", "197001010000-01" };
		time_t t = 1795785600 - 35700;
		char s[13];
		unsigned long n;

		ok(store_new_name(t, none, 0, name, sizeof(name)) == 0 && !strcmp(name, "202611270325"),
		   "clock set, nothing there: the plain stamp (%s)", name);
		ok(store_new_name(t, day, 3, name, sizeof(name)) == 0 && !strcmp(name, "202611270325-2"),
		   "clock set, stamp and -1 taken: -2 (%s)", name);
		ok(store_new_name(t, gap, 2, name, sizeof(name)) == 0 && !strcmp(name, "202611270325-1"),
		   "clock set: the smallest free -N, as kdump-tools (%s)", name);
		ok(store_new_name(0, none, 0, name, sizeof(name)) == 0 && !strcmp(name, "197001010000-1"),
		   "clock unset, nothing there: 197001010000-1 (%s)", name);
		ok(store_new_name(42, epoch, 4, name, sizeof(name)) == 0 && !strcmp(name, "197001010000-11"),
		   "clock unset: one more than the highest N, not a gap left by pruning (%s)", name);
		ok(store_new_name(59, old, 1, name, sizeof(name)) == 0 && !strcmp(name, "197001010000-1"),
		   "clock unset, a plain 197001010000 there: -1 (%s)", name);
		ok(store_new_name(STORE_CLOCK_SET - 1, none, 0, name, sizeof(name)) == 0 &&
		   !strcmp(name, "199912312359-1"), "1999 counts as unset (%s)", name);
		ok(store_new_name(0, epoch, 4, name, 10) == -1, "a name that does not fit is an error");
		ok(store_parse("197001010000-10", s, &n) == 0 && !strcmp(s, "197001010000") && n == 10 &&
		   store_parse("197001010000-0", s, &n) == -1 && store_parse("19700101000a", s, &n) == -1 &&
		   store_parse("1970010100001", s, &n) == -1 && store_parse("197001010000-1x", s, &n) == -1,
		   "names parsed: stamp and counter; anything else is not ours");

		ok(store_prune(mix, 10, 0) == 0, "keep=0 deletes nothing");
		ok(store_prune(mix, 10, 3) == 3 && !strcmp(mix[0], "197001010000") &&
		   !strcmp(mix[1], "197001010000-1") && !strcmp(mix[2], "197001010000-9"),
		   "keep=3 of 6: deletes the 3 oldest: %s %s %s", mix[0], mix[1], mix[2]);
		ok(!strcmp(mix[3], "197001010000-10") && !strcmp(mix[4], "202611270325") &&
		   !strcmp(mix[5], "202611270325-1"),
		   "-10 is newer than -9, and a set clock newer than 1970: keeps %s %s %s",
		   mix[3], mix[4], mix[5]);
		ok(!strcmp(mix[6], "19700101000-1") && !strcmp(mix[7], "197001010000-") &&
		   !strcmp(mix[8], "197001010000-01") && !strcmp(mix[9], "x"),
		   "names not ours sort last and are never deleted");
		ok(store_prune(mix, 10, 6) == 0 && store_prune(mix, 10, 1) == 5 &&
		   !strcmp(mix[5], "202611270325-1"), "keep=6 of 6 deletes none; keep=1 keeps only the newest");
	}
	tap_plan(tap_n);
	return tap_done();
}
