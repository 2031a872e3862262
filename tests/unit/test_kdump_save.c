// SPDX-License-Identifier: GPL-2.0
/* Unit tests of kdump-save's settings and names. */
#include <string.h>

#include "kdump-save/config.h"
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
	tap_plan(tap_n);
	return tap_done();
}
