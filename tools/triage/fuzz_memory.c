// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the parsers behind the dump reader: the input bytes
 * decide what the dump's memory holds. fuzz_triage.c fuzzes the file, and
 * most of its inputs stop at the file's checks; here the file is a real dump
 * ($TRIAGE_FUZZ_DUMP, with the vmlinux of $TRIAGE_FUZZ_VMLINUX) and every
 * memory read triage makes (struct target's read hook) is first done on the
 * real dump, then changed as the next input bytes say. So the printk ring
 * reader, the CPU and crash-note reader, the unwinder and the report get
 * well-formed memory with fuzzed pieces in it: pointers, sizes, ids, states,
 * whole records.
 *
 * The first two input bytes (little-endian) are the number of reads left as
 * they are before the fuzzing starts, so that short inputs reach the later
 * readers (the CPUs, the unwinder) as well as the log. Then each read takes
 * one control byte (when the input is used up, reads are left as they are):
 *   0x00-0x3f  leave this read and the next (byte) reads as they are
 *   0x40-0x7f  replace its bytes with the next input bytes
 *   0x80-0xbf  XOR the byte at (next byte % len) with the byte after it
 *   0xc0-0xdf  fail the read (a page missing from the dump)
 *   0xe0-0xff  replace its first 8 bytes (a pointer, a size, an id)
 *
 * Build: make build/fuzz/fuzz_memory; run: tests/fuzz/run.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "triage.h"

static struct vmlinux *vm;
static struct dump *real;	/* the real memory, opened once */
static const char *dump;
static FILE *sink;

struct mock {
	const uint8_t *data;
	size_t size, pos;
	struct dump *real;
	unsigned int skip;	/* reads still to leave alone */
	unsigned long nreads;
};

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *path = getenv("TRIAGE_FUZZ_VMLINUX");
	struct terr *e;

	(void)argc;
	(void)argv;
	dump = getenv("TRIAGE_FUZZ_DUMP");
	if (!path || !dump) {
		fprintf(stderr, "fuzz_memory: set TRIAGE_FUZZ_VMLINUX and TRIAGE_FUZZ_DUMP\n");
		exit(2);
	}
	e = vml_open(path, &vm);
	if (!e)
		e = dump_open(dump, &real);
	if (e) {
		fprintf(stderr, "fuzz_memory: %s\n", e->msg);
		exit(2);
	}
	sink = fopen("/dev/null", "w");
	return sink ? 0 : 2;
}

static int take(struct mock *m)
{
	return m->pos < m->size ? m->data[m->pos++] : -1;
}

static struct terr *mock_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
	struct mock *m = ctx;
	struct terr *e = dump_read(m->real, addr, buf, len);
	unsigned char *b = buf;
	int c, k, x;
	size_t n;

	m->nreads++;
	if (m->skip) {
		m->skip--;
		return e;
	}
	c = take(m);
	if (c < 0)
		return e;
	if (c < 0x40) {
		m->skip = (unsigned int)c;
		return e;
	}
	if (c >= 0xc0 && c < 0xe0) {
		terr_free(e);
		return terr_fmt(TERR_DUMP, "cannot read %zu bytes at 0x%llx (fuzzed)", len,
				(unsigned long long)addr);
	}
	if (e) {		/* a read that failed may be made to succeed */
		terr_free(e);
		memset(buf, 0, len);
	}
	if (c < 0x80 || c >= 0xe0) {
		n = c >= 0xe0 && len > 8 ? 8 : len;
		if (n > m->size - m->pos)
			n = m->size - m->pos;
		memcpy(b, m->data + m->pos, n);
		m->pos += n;
	} else if (len && (k = take(m)) >= 0 && (x = take(m)) >= 0) {
		b[(size_t)k % len] ^= (unsigned char)x;
	}
	return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct report r;
	struct mock m = { .data = data, .size = size, .real = real };
	struct terr *e;

	if (size >= 2) {
		m.skip = data[0] | (unsigned int)data[1] << 8;
		m.pos = 2;
	}

	e = triage_analyze_with(dump, vm, mock_read, &m, &r);
	if (e) {
		terr_free(e);
	} else {
		report_text(&r, sink);
		report_json(&r, sink);
		report_free(&r);
	}
	if (getenv("TRIAGE_FUZZ_COUNT"))	/* how many reads a run makes (for seeds) */
		fprintf(stderr, "fuzz_memory: %lu reads\n", m.nreads);
	return 0;
}
