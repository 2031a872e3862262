// SPDX-License-Identifier: GPL-2.0
/*
 * dumpcheck: is this file a whole makedumpfile dump (kdump-compressed)?
 * Prints a one-line summary; exit 0 when whole, 1 when not, 2 for usage.
 */
#include <stdio.h>
#include <string.h>

#include "../common/kdumpfmt.h"

int main(int argc, char **argv)
{
	struct kdump_info info;
	char err[256];
	int i, bad = 0;

	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		fprintf(argc < 2 ? stderr : stdout,
			"usage: dumpcheck DUMP...\n"
			"Checks that each DUMP is a whole kdump-compressed makedumpfile dump:\n"
			"header, sub-header, bitmaps and every page descriptor inside the file.\n"
			"exit status: 0 all whole, 1 one is not, 2 usage\n");
		return argc < 2 ? 2 : 0;
	}
	for (i = 1; i < argc; i++) {
		if (kdump_check_path(argv[i], &info, err, sizeof(err))) {
			fprintf(stderr, "%s: NOT a whole dump: %s\n", argv[i], err);
			bad = 1;
			continue;
		}
		printf("%s: whole: header v%d, %s %s, level %d, %llu pages of %u bytes, %llu bytes\n",
		       argc > 2 ? argv[i] : "ok", info.header_version, info.machine,
		       info.release, info.dump_level, (unsigned long long)info.pages,
		       info.block_size, (unsigned long long)info.file_size);
	}
	return bad;
}
