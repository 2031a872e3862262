// SPDX-License-Identifier: GPL-2.0
/*
 * triage DUMP [--vmlinux FILE] [--json | --print-vmlinux]
 *
 * Exit status: 0 triage done, 1 the dump (or vmlinux) is unreadable,
 * corrupt or does not match, 2 usage.
 */
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "triage.h"

static int usage(const char *why)
{
	if (why)
		fprintf(stderr, "triage: %s\n", why);
	fprintf(stderr,
		"usage: triage DUMP [--vmlinux FILE] [--json | --print-vmlinux]\n"
		"  reads a vmcore (ELF or kdump-compressed) and says what failed,\n"
		"  where, on which CPU, in which task.\n"
		"  --vmlinux FILE  the kernel's vmlinux with debug info (default: $DUMPABLE_VMLINUX,\n"
		"                  else the lab's cached kernel build with the dump's build id)\n"
		"  --json          machine-readable report\n"
		"  --print-vmlinux print the vmlinux that goes with the dump and exit\n"
		"                  (./dumpable crash and drgn use it)\n");
	return TERR_USAGE;
}

/*
 * No vmlinux named: the lab's kernel builds under
 * ${DUMPABLE_CACHE:-${XDG_CACHE_HOME:-~/.cache}/dumpable-kernel}/kernel/out/<tree>/vmlinux,
 * the one whose build id is the dump's. Returns a malloc'd path or NULL.
 */
static char *find_vmlinux(const char *dumppath)
{
	const char *home = getenv("HOME"), *xdg = getenv("XDG_CACHE_HOME");
	const char *cache = getenv("DUMPABLE_CACHE");
	char pattern[4096], *want, *found = NULL;
	struct dump *d;
	struct terr *e;
	glob_t g;
	size_t i;

	if (cache && *cache)
		snprintf(pattern, sizeof(pattern), "%s/kernel/out/*/vmlinux", cache);
	else if (xdg && *xdg)
		snprintf(pattern, sizeof(pattern), "%s/dumpable-kernel/kernel/out/*/vmlinux", xdg);
	else if (home && *home)
		snprintf(pattern, sizeof(pattern), "%s/.cache/dumpable-kernel/kernel/out/*/vmlinux", home);
	else
		return NULL;
	if ((e = dump_open(dumppath, &d))) {
		terr_free(e);
		return NULL;
	}
	want = dump_vmcoreinfo(d, "BUILD-ID");
	dump_close(d);
	if (!want)
		return NULL;
	if (glob(pattern, 0, NULL, &g) == 0) {
		for (i = 0; i < g.gl_pathc && !found; i++) {
			struct vmlinux *vm;

			if ((e = vml_open(g.gl_pathv[i], &vm))) {
				terr_free(e);
				continue;
			}
			if (!strcmp(vml_build_id(vm), want))
				found = strdup(g.gl_pathv[i]);
			vml_close(vm);
		}
		globfree(&g);
	}
	free(want);
	return found;
}

int main(int argc, char **argv)
{
	const char *dump = NULL, *vmlinux = NULL;
	char *guessed = NULL;
	bool json = false, print_vmlinux = false;
	struct report *r;
	struct terr *e;
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			json = true;
		} else if (!strcmp(argv[i], "--print-vmlinux")) {
			print_vmlinux = true;
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
		vmlinux = guessed = find_vmlinux(dump);
	if (!vmlinux)
		return usage("no vmlinux: pass --vmlinux FILE or set DUMPABLE_VMLINUX "
			     "(none in the lab's kernel cache has the dump's build id)");
	if (print_vmlinux) {
		printf("%s\n", vmlinux);
		free(guessed);
		return fflush(stdout) ? TERR_DUMP : 0;
	}
	r = malloc(sizeof(*r));
	if (!r) {
		fprintf(stderr, "triage: out of memory\n");
		return TERR_DUMP;
	}
	e = triage_run(dump, vmlinux, r);
	free(guessed);
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
