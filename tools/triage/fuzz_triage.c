// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the input bytes are a dump file; triage analyses it
 * with the vmlinux named by $TRIAGE_FUZZ_VMLINUX (opened once), then renders
 * both reports. Any outcome is fine except a crash, a leak or UB.
 * Build: make build/fuzz/fuzz_triage; run: tests/fuzz/run.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "triage.h"

static struct vmlinux *vm;
static FILE *sink;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *path = getenv("TRIAGE_FUZZ_VMLINUX");
	struct terr *e;

	(void)argc;
	(void)argv;
	if (!path) {
		fprintf(stderr, "fuzz_triage: set TRIAGE_FUZZ_VMLINUX to a vmlinux\n");
		exit(2);
	}
	e = vml_open(path, &vm);
	if (e) {
		fprintf(stderr, "fuzz_triage: %s\n", e->msg);
		exit(2);
	}
	sink = fopen("/dev/null", "w");
	return sink ? 0 : 2;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct report r;
	char path[64];
	struct terr *e;
	int fd = memfd_create("dump", MFD_CLOEXEC);

	if (fd < 0)
		return 0;
	if (size && write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	e = triage_analyze(path, vm, &r);
	if (e) {
		terr_free(e);
	} else {
		report_text(&r, sink);
		report_json(&r, sink);
		report_free(&r);
	}
	close(fd);
	return 0;
}
