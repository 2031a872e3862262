// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel log from the dump: the lockless printk ring buffer (Linux
 * 5.10+, kernel/printk/printk_ringbuffer.h). `prb` points to a
 * printk_ringbuffer: a descriptor ring (state and text position per record,
 * plus a parallel array of printk_info with seq, timestamp and length) and a
 * text data ring of blocks {unsigned long id; char text[]}. Records from
 * tail_id to head_id whose descriptor is committed or finalized are read.
 * Layouts come from vmlinux's DWARF.
 */
#include <stdlib.h>
#include <string.h>

#include "triage.h"

#define HINT "prb_read_valid"	/* a function in printk_ringbuffer.c */

enum { DESC_COMMITTED = 1, DESC_FINALIZED = 2 };

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
	for (size_t i = 0; i < len; i++)	/* keep the report printable */
		if ((unsigned char)l->text[i] < 0x20 && l->text[i] != '\t')
			l->text[i] = '?';
	l->seq = seq;
	l->ts_nsec = ts;
	log->n++;
	return NULL;
}

struct terr *printk_read(struct target *t, struct klog *log)
{
	struct prb_layout l;
	unsigned char *descs = NULL, *infos = NULL, *data = NULL;
	uint64_t prb_sym, rb, head, tail, descs_at, infos_at, data_at, id;
	uint32_t count_bits, size_bits;
	size_t count, dsize, cap = 0, steps;
	struct terr *e;
	const uint64_t id_mask = (UINT64_C(1) << 62) - 1;

	memset(log, 0, sizeof(*log));
	if (!vml_sym_addr(t->vm, "prb", &prb_sym))
		return terr_fmt(TERR_DUMP, "vmlinux has no symbol prb (printk ring buffer, Linux 5.10+)");
	if ((e = layout(t->vm, &l)))
		return e;
	if ((e = tg_u64(t, prb_sym, &rb)) ||
	    (e = tg_u32(t, rb + l.count_bits, &count_bits)) ||
	    (e = tg_u64(t, rb + l.descs, &descs_at)) ||
	    (e = tg_u64(t, rb + l.infos, &infos_at)) ||
	    (e = tg_u64(t, rb + l.head_id, &head)) ||
	    (e = tg_u64(t, rb + l.tail_id, &tail)) ||
	    (e = tg_u32(t, rb + l.size_bits, &size_bits)) ||
	    (e = tg_u64(t, rb + l.data, &data_at)))
		return terr_wrap(e, "printk ring buffer");
	if (count_bits > 24 || size_bits > 28 || size_bits < 4 || l.desc_size < 24 ||
	    l.info_size < 24)
		return terr_fmt(TERR_DUMP, "printk ring buffer: implausible sizes (2^%u records, 2^%u bytes)",
				count_bits, size_bits);
	count = (size_t)1 << count_bits;
	dsize = (size_t)1 << size_bits;
	descs = malloc(count * l.desc_size);
	infos = malloc(count * l.info_size);
	data = malloc(dsize);
	if (!descs || !infos || !data) {
		e = terr_fmt(TERR_DUMP, "out of memory");
		goto out;
	}
	if ((e = tg_read(t, descs_at, descs, count * l.desc_size)) ||
	    (e = tg_read(t, infos_at, infos, count * l.info_size)) ||
	    (e = tg_read(t, data_at, data, dsize))) {
		e = terr_wrap(e, "printk ring buffer");
		goto out;
	}
	head &= id_mask;
	tail &= id_mask;
	for (id = tail, steps = 0; steps <= count; id = (id + 1) & id_mask, steps++) {
		size_t idx = id & (count - 1);
		const unsigned char *d = descs + idx * l.desc_size;
		const unsigned char *in = infos + idx * l.info_size;
		uint64_t sv = get64(d + l.sv), begin = get64(d + l.begin), next = get64(d + l.next);
		unsigned int state = (unsigned int)(sv >> 62);
		uint64_t off, blen;
		uint16_t tlen;
		const char *text, *p, *end;

		if ((sv & id_mask) == id && (state == DESC_COMMITTED || state == DESC_FINALIZED) &&
		    !(begin & 1) && !(next & 1)) {
			if ((begin >> size_bits) == (next >> size_bits) && begin < next) {
				off = begin & (dsize - 1);
				blen = next - begin;
			} else if (((begin + dsize) >> size_bits) == (next >> size_bits)) {
				off = 0;
				blen = next & (dsize - 1);
			} else {
				blen = 0;
				off = 0;
			}
			memcpy(&tlen, in + l.text_len, sizeof(tlen));
			if (blen >= 8 && off + blen <= dsize && !(begin & 7) && !(next & 7)) {
				if (tlen > blen - 8)
					tlen = (uint16_t)(blen - 8);
				text = (const char *)data + off + 8;
				for (p = text, end = text + tlen; p <= end;) {
					const char *nl = memchr(p, '\n', (size_t)(end - p));
					size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);

					if (len || !nl) {
						e = add_line(log, &cap, get64(in + l.seq),
							     get64(in + l.ts), p, len);
						if (e)
							goto out;
					}
					if (!nl)
						break;
					p = nl + 1;
				}
			}
		}
		if (id == head)
			break;
	}
	if (!log->n)
		e = terr_fmt(TERR_DUMP, "printk ring buffer holds no readable record");
out:
	free(descs);
	free(infos);
	free(data);
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
