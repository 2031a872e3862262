/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KDUMP_SAVE_DURABLE_H
#define KDUMP_SAVE_DURABLE_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Making a file's data and its name reach the disk, and saying so only when
 * the kernel said so: fsync() the file and check, rename, fsync() the
 * directory and check (Fedora's kdump.sh: sync -f, then mv vmcore-incomplete).
 * The sync is a parameter so that tests can make it fail like a dying disk.
 */
typedef int (*sync_fn)(int fd);

/*
 * @tmp (in the directory @dirfd) to @final: fsync @tmp, rename, fsync the
 * directory. Returns 0, or -1 with what failed in @err; when the file's
 * fsync fails the file keeps its name @tmp.
 */
int durable_commit(int dirfd, const char *tmp, const char *final, sync_fn sync,
		   char *err, size_t errlen);

/*
 * Writes @len bytes of @data as @final in @dirfd atomically: to ".@final.tmp",
 * over what durable_reserve() took, if anything, cut to @len), then
 * durable_commit(). Returns 0, or -1 with @err (the temporary is removed).
 */
int durable_write(int dirfd, const char *final, const void *data, size_t len, sync_fn sync,
		  char *err, size_t errlen);

/*
 * Takes @size bytes of the disk for a later durable_write() of @final (as
 * ".@final.tmp"), so that what is written last, the log, still has room
 * when the dump has filled the disk. Returns 0, or -1 with @err (nothing
 * left behind).
 */
int durable_reserve(int dirfd, const char *final, size_t size, char *err, size_t errlen);

/*
 * Whether this process is PID 1 of a capture kernel: @pid is 1, /proc/vmcore
 * exists (@vmcore_exists: the kernel's is_kdump_kernel()) and the crashed
 * kernel passed the ELF core header: elfcorehdr= on the command line (x86,
 * classic kexec) or /chosen/linux,elfcorehdr in the device tree (@dt_hdr:
 * arm64's kexec_file_load). Anything else is a person running kdump-save by
 * hand on a live system: no mount of the default device, no reboot. @why
 * gets the reason when it is not.
 */
bool capture_kernel(int pid, const char *cmdline, bool vmcore_exists, bool dt_hdr,
		    char *why, size_t len);

#endif
