/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KDUMP_SAVE_LABEL_H
#define KDUMP_SAVE_LABEL_H

#include <stddef.h>

/* Bytes of a block device's start that fs_label() needs. */
#define FS_LABEL_PROBE 2048

/*
 * The file system label of an ext2/3/4 or FAT volume whose first
 * FS_LABEL_PROBE bytes are in buf. Returns 0 with the label (trailing
 * blanks cut) in out, or -1 when buf holds no such file system.
 */
int fs_label(const unsigned char *buf, size_t len, char *out, size_t outlen);

/*
 * Finds the block device under sys_block (e.g. /sys/class/block) whose
 * label is label, as dev_dir/NAME; 0 or -1.
 */
int find_by_label(const char *sys_block, const char *dev_dir, const char *label,
		  char *path, size_t pathlen);

#endif
