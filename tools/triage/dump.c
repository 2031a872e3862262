// SPDX-License-Identifier: GPL-2.0
/*
 * The dump, through libkdumpfile: ELF vmcores and kdump-compressed files
 * alike, with kernel virtual addresses translated by its libaddrxlat.
 */
#include <errno.h>
#include <fcntl.h>
#include <libkdumpfile/kdumpfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/kdumpfmt.h"
#include "triage.h"

struct dump {
	int fd;
	kdump_ctx_t *ctx;
};

static struct terr *kerr(struct dump *d, const char *what)
{
	return terr_fmt(TERR_DUMP, "%s: %s", what, kdump_get_err(d->ctx));
}

struct terr *dump_open(const char *path, struct dump **out)
{
	struct dump *d = calloc(1, sizeof(*d));
	char magic[8];
	kdump_status st;

	if (!d)
		return terr_fmt(TERR_DUMP, "out of memory");
	d->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (d->fd < 0) {
		int err = errno;

		free(d);
		return terr_fmt(TERR_DUMP, "cannot open dump %s: %s", path, strerror(err));
	}
	/*
	 * A kdump-compressed file is checked whole first (tools/common):
	 * libkdumpfile trusts its header's sizes, so a cut or corrupt file
	 * would give late, obscure read errors or huge allocations.
	 */
	if (pread(d->fd, magic, sizeof(magic), 0) == (ssize_t)sizeof(magic) &&
	    !memcmp(magic, "KDUMP   ", 8)) {
		FILE *f = fdopen(dup(d->fd), "rb");
		struct kdump_info info;
		char why[256];
		int rc;

		if (!f) {
			dump_close(d);
			return terr_fmt(TERR_DUMP, "%s: %s", path, strerror(errno));
		}
		rc = kdump_check(f, &info, why, sizeof(why));
		fclose(f);
		if (rc) {
			dump_close(d);
			return terr_fmt(TERR_DUMP, "%s is not a whole kdump-compressed dump: %s",
					path, why);
		}
	}
	d->ctx = kdump_new();
	if (!d->ctx) {
		dump_close(d);
		return terr_fmt(TERR_DUMP, "out of memory");
	}
	/*
	 * read(), never mmap(): a truncated file mapped past its end would
	 * kill triage with SIGBUS instead of giving a read error.
	 */
	st = kdump_set_number_attr(d->ctx, KDUMP_ATTR_FILE_MMAP_POLICY, KDUMP_MMAP_NEVER);
	if (st == KDUMP_OK)
		st = kdump_open_fd(d->ctx, d->fd);
	if (st != KDUMP_OK) {
		struct terr *e = terr_fmt(TERR_DUMP, "%s is not a readable vmcore: %s",
					  path, kdump_get_err(d->ctx));
		dump_close(d);
		return e;
	}
	/* the OS type lets libaddrxlat find the kernel's page tables */
	st = kdump_set_string_attr(d->ctx, KDUMP_ATTR_OSTYPE, "linux");
	if (st != KDUMP_OK) {
		struct terr *e = terr_fmt(TERR_DUMP, "%s: cannot set up address translation: %s",
					  path, kdump_get_err(d->ctx));
		dump_close(d);
		return e;
	}
	*out = d;
	return NULL;
}

void dump_close(struct dump *d)
{
	if (!d)
		return;
	if (d->ctx)
		kdump_free(d->ctx);
	if (d->fd >= 0)
		close(d->fd);
	free(d);
}

struct terr *dump_read(struct dump *d, uint64_t vaddr, void *buf, size_t len)
{
	size_t got = len;

	if (kdump_read(d->ctx, KDUMP_KVADDR, vaddr, buf, &got) != KDUMP_OK || got != len) {
		struct terr *e = kerr(d, "read");

		return terr_wrap(e, "cannot read %zu bytes at 0x%llx", len,
				 (unsigned long long)vaddr);
	}
	return NULL;
}

char *dump_vmcoreinfo(struct dump *d, const char *key)
{
	char *val = NULL;

	if (kdump_vmcoreinfo_line(d->ctx, key, &val) != KDUMP_OK) {
		kdump_clear_err(d->ctx);
		return NULL;
	}
	return val;
}

/* A string attribute of the dump, or fallback when it has none. */
static const char *string_attr(struct dump *d, const char *attr, const char *fallback)
{
	const char *s = NULL;

	if (kdump_get_string_attr(d->ctx, attr, &s) != KDUMP_OK) {
		kdump_clear_err(d->ctx);
		return fallback;
	}
	return s;
}

const char *dump_arch(struct dump *d)
{
	return string_attr(d, KDUMP_ATTR_ARCH_NAME, NULL);
}

const char *dump_format(struct dump *d)
{
	return string_attr(d, KDUMP_ATTR_FILE_FORMAT, "unknown");
}

unsigned int dump_nr_notes(struct dump *d)
{
	kdump_num_t n = 0;

	if (kdump_get_number_attr(d->ctx, KDUMP_ATTR_NUM_CPUS, &n) != KDUMP_OK) {
		kdump_clear_err(d->ctx);
		return 0;
	}
	return n > TRIAGE_MAX_CPUS ? TRIAGE_MAX_CPUS : (unsigned int)n;
}

struct terr *dump_note(struct dump *d, unsigned int i, void *buf, size_t *len)
{
	char key[48];
	kdump_attr_t a;
	size_t n;
	void *p;

	snprintf(key, sizeof(key), "cpu.%u.PRSTATUS", i);
	if (kdump_get_attr(d->ctx, key, &a) != KDUMP_OK || a.type != KDUMP_BLOB) {
		struct terr *e = kerr(d, key);

		kdump_clear_err(d->ctx);
		return e;
	}
	p = kdump_blob_pin(a.val.blob);
	n = kdump_blob_size(a.val.blob);
	if (n > *len)
		n = *len;
	if (p)
		memcpy(buf, p, n);
	kdump_blob_unpin(a.val.blob);
	*len = p ? n : 0;
	return NULL;
}

bool dump_foreign_byte_order(struct dump *d)
{
	kdump_num_t bo;
	const union { uint16_t v; unsigned char b[2]; } host = { .v = 1 };
	kdump_num_t mine = host.b[0] ? KDUMP_LITTLE_ENDIAN : KDUMP_BIG_ENDIAN;

	if (kdump_get_number_attr(d->ctx, KDUMP_ATTR_BYTE_ORDER, &bo) != KDUMP_OK) {
		kdump_clear_err(d->ctx);
		return false;
	}
	return bo != mine;
}

uint64_t dump_file_size(struct dump *d)
{
	struct stat st;

	if (fstat(d->fd, &st) || st.st_size < 0)
		return 0;
	return (uint64_t)st.st_size;
}
