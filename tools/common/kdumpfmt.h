/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Checks that a file is a whole makedumpfile dump in the kdump-compressed
 * format (the "KDUMP   " disk dump header): header, sub-header, bitmaps and
 * every page descriptor inside the file. Used by kdump-save before it calls
 * a dump saved, and on the host by dumpcheck.
 */
#ifndef KDUMPFMT_H
#define KDUMPFMT_H

#include <stdint.h>
#include <stdio.h>

struct kdump_info {
	int header_version;
	char release[65];
	char machine[65];
	uint32_t block_size;
	uint32_t status;
	uint64_t max_mapnr;
	uint64_t pages;		/* page descriptors (pages in the dump) */
	uint64_t file_size;
	int dump_level;		/* -1 when the sub-header has none */
	int nr_cpus;
	uint64_t vmcoreinfo_offset, vmcoreinfo_size;
};

/*
 * Returns 0 when the file is a whole dump (info filled in), else -1 with a
 * message in err. Never reads outside the file, whatever it holds.
 */
int kdump_check(FILE *f, struct kdump_info *info, char *err, size_t errlen);
int kdump_check_path(const char *path, struct kdump_info *info, char *err, size_t errlen);

#endif
