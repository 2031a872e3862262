/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KDUMP_SAVE_STORE_H
#define KDUMP_SAVE_STORE_H

#include <stddef.h>
#include <time.h>

/*
 * The dump directories under the crash directory, in kdump-tools' layout:
 * <YYYYMMDDHHMM> or <YYYYMMDDHHMM>-<N> (N >= 1), each holding dump.<name> and
 * dmesg.<name>. Anything else in the crash directory is not ours and is
 * never chosen or deleted.
 */

/* Before this (2000-01-01) the clock is taken as unset: a board without RTC. */
#define STORE_CLOCK_SET 946684800

/*
 * Parses a dump directory name: fills the 12-digit stamp and the counter
 * (0 when there is none). Returns 0, or -1 when the name is not one of ours.
 */
int store_parse(const char *name, char stamp[13], unsigned long *n);

/* Orders two dump directory names, oldest first (for qsort on char *). */
int store_cmp(const void *a, const void *b);

/*
 * The name for a new dump saved at time `now`, given the names already in
 * the crash directory. With the clock set: the stamp, or stamp-N with the
 * smallest free N >= 1 when the stamp is taken (kdump-tools' own rule).
 * With the clock unset (a board with no RTC: every stamp is 197001010000),
 * stamp-N with N one more than the highest N present, so names never repeat
 * while older dumps are pruned, and a newer dump always has a higher N.
 * Returns 0, or -1 when the name does not fit in len.
 */
int store_new_name(time_t now, char *const names[], size_t count, char *buf, size_t len);

/*
 * Which dumps to delete so that the `keep` newest remain (0: keep all, as
 * Debian's KDUMP_NUM_DUMPS). Sorts names (oldest first) in place, leaving
 * the ones that are not ours at the end, and returns how many of the
 * first are to be deleted.
 */
size_t store_prune(char *names[], size_t count, unsigned keep);

#endif
