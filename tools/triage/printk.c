// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel log from the dump: the lockless printk ring buffer (Linux
 * 5.10+, kernel/printk/printk_ringbuffer.h). `prb` points to a
 * printk_ringbuffer: a descriptor ring (state and text position per record,
 * plus a parallel array of printk_info with seq, timestamp and length) and a
 * text data ring of blocks {unsigned long id; char text[]}. Records from
 * tail_id to head_id whose descriptor is committed or finalized are read.
 * Layouts come from vmlinux's DWARF.
 *
 * The ring is read record by record, newest first (as drgn reads it, one
 * descriptor, one info and one text block at a time), never whole: its sizes
 * come from the dump and a hostile or corrupt dump could claim gigabytes,
 * while a real log_buf_len= ring may be far larger than any fixed limit.
 * What triage keeps is bounded by t->mem_budget bytes of text and
 * PRINTK_MAX_RECORDS records: older records are then left out (log->cut).
 * A record that cannot be read or does not hang together (a page missing
 * from a filtered or cut dump, a torn record) is skipped and counted.
 */
#include <stdlib.h>
#include <string.h>

#include "triage.h"

#define HINT "prb_read_valid"	/* a function in printk_ringbuffer.c */

enum { DESC_COMMITTED = 1, DESC_FINALIZED = 2 };

#define PRINTK_MAX_RECORDS (1u << 17)
/* Consecutive unreadable descriptors after which the ring is given up. */
#define PRINTK_MAX_MISSES 256

struct prb_layout {
	size_t count_bits, descs, infos, head_id, tail_id, size_bits, data;
	size_t desc_size, sv, begin, next;
	size_t info_size, seq, ts, text_len;
};

static struct terr *layout(struct vmlinux *vm, struct prb_layout *l)
{
	static const struct {
		const char *type, *path;
		size_t off;
	} m[] = {
		{ "printk_ringbuffer", "desc_ring.count_bits", offsetof(struct prb_layout, count_bits) },
		{ "printk_ringbuffer", "desc_ring.descs", offsetof(struct prb_layout, descs) },
		{ "printk_ringbuffer", "desc_ring.infos", offsetof(struct prb_layout, infos) },
		{ "printk_ringbuffer", "desc_ring.head_id", offsetof(struct prb_layout, head_id) },
		{ "printk_ringbuffer", "desc_ring.tail_id", offsetof(struct prb_layout, tail_id) },
		{ "printk_ringbuffer", "text_data_ring.size_bits", offsetof(struct prb_layout, size_bits) },
		{ "printk_ringbuffer", "text_data_ring.data", offsetof(struct prb_layout, data) },
		{ "prb_desc", "state_var", offsetof(struct prb_layout, sv) },
		{ "prb_desc", "text_blk_lpos.begin", offsetof(struct prb_layout, begin) },
		{ "prb_desc", "text_blk_lpos.next", offsetof(struct prb_layout, next) },
		{ "printk_info", "seq", offsetof(struct prb_layout, seq) },
		{ "printk_info", "ts_nsec", offsetof(struct prb_layout, ts) },
		{ "printk_info", "text_len", offsetof(struct prb_layout, text_len) },
	};
	struct terr *e;
	size_t i, sz;

	for (i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
		e = vml_member(vm, m[i].type, HINT, m[i].path,
			       (size_t *)((char *)l + m[i].off), &sz);
		if (e)
			return e;
	}
	if ((e = vml_sizeof(vm, "prb_desc", HINT, &l->desc_size)) ||
	    (e = vml_sizeof(vm, "printk_info", HINT, &l->info_size)))
		return e;
	return NULL;
}

static uint64_t get64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

struct record {
	uint64_t seq, ts;
	char *text;
	size_t len;
};

static struct terr *add_line(struct klog *log, size_t *cap, uint64_t seq, uint64_t ts,
			     const char *text, size_t len)
{
	struct logline *l;

	if (log->n == *cap) {
		size_t ncap = *cap ? 2 * *cap : 256;
		struct logline *nl = realloc(log->lines, ncap * sizeof(*nl));

		if (!nl)
			return terr_fmt(TERR_DUMP, "out of memory");
		log->lines = nl;
		*cap = ncap;
	}
	l = &log->lines[log->n];
	l->text = malloc(len + 1);
	if (!l->text)
		return terr_fmt(TERR_DUMP, "out of memory");
	memcpy(l->text, text, len);
	l->text[len] = '\0';
	for (size_t i = 0; i < len; i++)	/* a NUL would cut the line short */
		if (!l->text[i])
			l->text[i] = '?';
	l->seq = seq;
	l->ts_nsec = ts;
	log->n++;
	return NULL;
}

/*
 * Reads record @id. Returns 1 and fills @rec when it is there and whole,
 * 0 when the slot holds no finished record of that id (reserved, reused:
 * normal at the ring's ends), -2 when a finished record does not hang
 * together, -1 when memory could not be read.
 */
static int read_record(struct target *t, const struct prb_layout *l, uint64_t id,
		       uint64_t count, uint32_t size_bits, uint64_t descs_at, uint64_t infos_at,
		       uint64_t data_at, size_t budget, struct record *rec)
{
	const uint64_t id_mask = (UINT64_C(1) << 62) - 1;
	const uint64_t dsize = UINT64_C(1) << size_bits;
	unsigned char d[256], in[1024];
	uint64_t idx = id & (count - 1), sv, begin, next, off, blen, blk_id;
	unsigned int state;
	uint16_t tlen;
	struct terr *e;

	if ((e = tg_read(t, descs_at + idx * l->desc_size, d, l->desc_size))) {
		terr_free(e);
		return -1;
	}
	sv = get64(d + l->sv);
	begin = get64(d + l->begin);
	next = get64(d + l->next);
	state = (unsigned int)(sv >> 62);
	if ((sv & id_mask) != id || (state != DESC_COMMITTED && state != DESC_FINALIZED))
		return 0;
	/* a data-less record (begin and next odd), or a misaligned one */
	if ((begin & 1) && (next & 1))
		return 0;
	if ((begin & 7) || (next & 7))
		return -2;
	if ((begin >> size_bits) == (next >> size_bits) && begin < next) {
		off = begin & (dsize - 1);
		blen = next - begin;
	} else if (((begin + dsize) >> size_bits) == (next >> size_bits)) {
		off = 0;	/* the block wrapped to the start of the ring */
		blen = next & (dsize - 1);
	} else {
		return -2;
	}
	if (blen < 8 || blen > dsize || off > dsize - blen)
		return -2;
	if ((e = tg_read(t, infos_at + idx * l->info_size, in, l->info_size))) {
		terr_free(e);
		return -1;
	}
	memcpy(&tlen, in + l->text_len, sizeof(tlen));
	if (tlen > blen - 8)
		tlen = (uint16_t)(blen - 8);
	if (tlen > budget)
		return -2;
	if ((e = tg_u64(t, data_at + off, &blk_id))) {
		terr_free(e);
		return -1;
	}
	if ((blk_id & id_mask) != id)
		return -2;	/* the text block was overwritten */
	rec->text = malloc((size_t)tlen + 1);
	if (!rec->text)
		return -1;
	if (tlen && (e = tg_read(t, data_at + off + 8, rec->text, tlen))) {
		terr_free(e);
		free(rec->text);
		rec->text = NULL;
		return -1;
	}
	rec->len = tlen;
	rec->seq = get64(in + l->seq);
	rec->ts = get64(in + l->ts);
	return 1;
}

struct terr *printk_read(struct target *t, struct klog *log)
{
	struct prb_layout l;
	uint64_t prb_sym, rb, head, tail, descs_at, infos_at, data_at, count, n, i;
	uint32_t count_bits, size_bits;
	struct record *recs = NULL;
	size_t nrecs = 0, cap = 0, used = 0, misses = 0, budget;
	struct terr *e;
	const uint64_t id_mask = (UINT64_C(1) << 62) - 1;

	memset(log, 0, sizeof(*log));
	budget = t->mem_budget ? (size_t)t->mem_budget : (size_t)16 << 20;
	if (!vml_sym_addr(t->vm, "prb", &prb_sym))
		return terr_fmt(TERR_DUMP, "vmlinux has no symbol prb (printk ring buffer, Linux 5.10+)");
	if ((e = layout(t->vm, &l)))
		return e;
	if (l.desc_size < 24 || l.desc_size > 256 || l.info_size < 24 || l.info_size > 1024 ||
	    l.sv + 8 > l.desc_size || l.begin + 8 > l.desc_size || l.next + 8 > l.desc_size ||
	    l.seq + 8 > l.info_size || l.ts + 8 > l.info_size || l.text_len + 2 > l.info_size)
		return terr_fmt(TERR_DUMP, "printk ring buffer: unexpected layout in vmlinux");
	if ((e = tg_u64(t, prb_sym, &rb)) ||
	    (e = tg_u32(t, rb + l.count_bits, &count_bits)) ||
	    (e = tg_u64(t, rb + l.descs, &descs_at)) ||
	    (e = tg_u64(t, rb + l.infos, &infos_at)) ||
	    (e = tg_u64(t, rb + l.head_id, &head)) ||
	    (e = tg_u64(t, rb + l.tail_id, &tail)) ||
	    (e = tg_u32(t, rb + l.size_bits, &size_bits)) ||
	    (e = tg_u64(t, rb + l.data, &data_at)))
		return terr_wrap(e, "printk ring buffer");
	/* sizes only bound loops and address arithmetic: nothing is allocated by them */
	if (count_bits > 40 || size_bits > 40 || size_bits < 4)
		return terr_fmt(TERR_DUMP, "printk ring buffer: implausible sizes (2^%u records, 2^%u bytes)",
				count_bits, size_bits);
	count = UINT64_C(1) << count_bits;
	head &= id_mask;
	tail &= id_mask;
	n = ((head - tail) & id_mask) + 1;
	if (n > count)
		n = count;
	/* newest first, so that what the budget leaves out is the oldest */
	for (i = 0; i < n; i++) {
		uint64_t id = (head - i) & id_mask;
		struct record rec = { 0 };
		int rc;

		if (nrecs >= PRINTK_MAX_RECORDS || used >= budget) {
			log->cut = true;
			break;
		}
		rc = read_record(t, &l, id, count, size_bits, descs_at, infos_at, data_at,
				 budget - used, &rec);
		if (rc == -1) {
			log->unreadable++;
			if (++misses >= PRINTK_MAX_MISSES)
				break;
			continue;
		}
		misses = 0;
		if (rc == -2)
			log->unreadable++;
		if (rc <= 0)
			continue;
		if (nrecs == cap) {
			size_t ncap = cap ? 2 * cap : 256;
			struct record *nr = realloc(recs, ncap * sizeof(*nr));

			if (!nr) {
				free(rec.text);
				e = terr_fmt(TERR_DUMP, "out of memory");
				goto out;
			}
			recs = nr;
			cap = ncap;
		}
		recs[nrecs++] = rec;
		used += rec.len + sizeof(rec) + sizeof(struct logline);
	}
	/* oldest first, one logline per line of text */
	cap = 0;
	while (nrecs) {
		struct record *r = &recs[--nrecs];
		const char *p = r->text, *end = r->text + r->len;

		for (;;) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);

			if ((len || !nl) && (e = add_line(log, &cap, r->seq, r->ts, p, len))) {
				nrecs++;	/* still to be freed */
				goto out;
			}
			if (!nl)
				break;
			p = nl + 1;
		}
		free(r->text);
	}
	if (!log->n)
		e = terr_fmt(TERR_DUMP, "printk ring buffer holds no readable record%s",
			     log->unreadable ? " (records unreadable: pages missing from the dump?)" : "");
out:
	while (nrecs)
		free(recs[--nrecs].text);
	free(recs);
	if (e)
		klog_free(log);
	return e;
}

void klog_free(struct klog *log)
{
	for (size_t i = 0; i < log->n; i++)
		free(log->lines[i].text);
	free(log->lines);
	log->lines = NULL;
	log->n = 0;
}
