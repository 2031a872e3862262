// SPDX-License-Identifier: GPL-2.0
/*
 * triage DUMP [--vmlinux FILE] [--json]
 *
 * Exit status: 0 triage done, 1 the dump (or vmlinux) is unreadable,
 * corrupt or does not match, 2 usage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "triage.h"

static int usage(const char *why)
{
	if (why)
		fprintf(stderr, "triage: %s\n", why);
	fprintf(stderr,
		"usage: triage DUMP [--vmlinux FILE] [--json]\n"
		"  reads a vmcore (ELF or kdump-compressed) and says what failed,\n"
		"  where, on which CPU, in which task.\n"
		"  --vmlinux FILE  the kernel's vmlinux with debug info (default: $DUMPABLE_VMLINUX)\n"
		"  --json          machine-readable report\n");
	return TERR_USAGE;
}

int main(int argc, char **argv)
{
	const char *dump = NULL, *vmlinux = NULL;
	bool json = false;
	struct report *r;
	struct terr *e;
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			json = true;
		} else if (!strcmp(argv[i], "--vmlinux")) {
			if (++i >= argc)
				return usage("--vmlinux needs a file");
			vmlinux = argv[i];
		} else if (!strncmp(argv[i], "--vmlinux=", 10)) {
			vmlinux = argv[i] + 10;
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(NULL);
			return 0;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			fprintf(stderr, "triage: unknown option %s\n", argv[i]);
			return usage(NULL);
		} else if (!dump) {
			dump = argv[i];
		} else {
			return usage("one dump at a time");
		}
	}
	if (!dump)
		return usage("no dump given");
	if (!vmlinux || !*vmlinux)
		vmlinux = getenv("DUMPABLE_VMLINUX");
	if (!vmlinux || !*vmlinux)
		return usage("no vmlinux: pass --vmlinux FILE or set DUMPABLE_VMLINUX");
	r = malloc(sizeof(*r));
	if (!r) {
		fprintf(stderr, "triage: out of memory\n");
		return TERR_DUMP;
	}
	e = triage_run(dump, vmlinux, r);
	if (e) {
		int code = e->code;

		fprintf(stderr, "triage: %s\n", e->msg);
		terr_free(e);
		free(r);
		return code;
	}
	if (json)
		report_json(r, stdout);
	else
		report_text(r, stdout);
	report_free(r);
	free(r);
	return fflush(stdout) ? TERR_DUMP : 0;
}
