/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KDUMP_SAVE_CONFIG_H
#define KDUMP_SAVE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

enum after { AFTER_REBOOT, AFTER_POWEROFF, AFTER_NONE };

struct save_config {
	char device[128];	/* block device holding the dump file system */
	char fstype[16];
	char dir[128];		/* directory on it, e.g. /var/crash */
	char vmcore[128];	/* what to save, normally /proc/vmcore */
	char makedumpfile[128];
	char url[160];		/* the network target (net.h); "": the disk */
	int level;		/* makedumpfile -d */
	int timeout;		/* seconds for the whole save; then give up and reboot */
	int keep;		/* keep the N newest dumps, delete older ones; 0: all */
	bool device_set;	/* device was given (not the default) */
	enum after after;
};

void save_config_defaults(struct save_config *c);
/*
 * Applies one setting "key=value" (from the kernel command line as
 * kdump.key=value, or from --key=value). Returns 0, or -1 with a message.
 */
int save_config_set(struct save_config *c, const char *kv, char *err, size_t errlen);
/*
 * Applies every kdump.* word of a kernel command line, all or nothing: on
 * any bad word (unknown key, bad value) none is applied, @c is unchanged and
 * @err names the word. Returns 0 or -1.
 */
int save_config_cmdline(struct save_config *c, const char *cmdline, char *err, size_t errlen);

/* "YYYYMMDDHHMM" for t in UTC, as Debian's kdump-tools names its directories. */
void save_stamp(time_t t, char *buf, size_t len);

#endif
