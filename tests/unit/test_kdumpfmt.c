// SPDX-License-Identifier: GPL-2.0
/* Unit tests of the kdump-compressed format check, on dumps made here. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/kdumpfmt.h"
#include "tap.h"

#define BS 4096
#define PAGES 3

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = v; p[1] = v >> 8; p[2] = v >> 16; p[3] = v >> 24;
}

static void put64(unsigned char *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

/* header, sub-header, 2 bitmap blocks, descriptors, 3 pages of 100 bytes */
static size_t make_dump(unsigned char *d)
{
	size_t pd = 4 * BS, data = pd + PAGES * 24, i;

	memset(d, 0, 5 * BS);
	memcpy(d, "KDUMP   ", 8);
	put32(d + 8, 6);
	strcpy((char *)d + 12 + 130, "6.1.192");
	strcpy((char *)d + 12 + 260, "aarch64");
	put32(d + 428, BS);
	put32(d + 432, 1);		/* sub_hdr_size */
	put32(d + 436, 2);		/* bitmap_blocks */
	put32(d + 440, 100);		/* max_mapnr */
	put32(d + 460, 4);
	put32(d + BS + 8, 31);		/* dump_level */
	put64(d + BS + 96, 100);	/* max_mapnr_64 */
	d[2 * BS] = 0x0b;		/* first bitmap */
	d[3 * BS] = 0x0b;		/* second bitmap: pages 0, 1, 3 */
	for (i = 0; i < PAGES; i++) {
		put64(d + pd + i * 24, data + i * 100);
		put32(d + pd + i * 24 + 8, 100);
		put32(d + pd + i * 24 + 12, 1);
	}
	return data + PAGES * 100;
}

static int check(const unsigned char *d, size_t len, struct kdump_info *info, char *err)
{
	FILE *f = tmpfile();
	int rc;

	if (len)
		fwrite(d, 1, len, f);
	fflush(f);
	rc = kdump_check(f, info, err, 256);
	fclose(f);
	return rc;
}

int main(void)
{
	static unsigned char d[5 * BS], c[5 * BS];
	struct kdump_info info;
	char err[256];
	size_t len = make_dump(d), cut, i;
	int bad = 0, crashes = 0;

	ok(check(d, len, &info, err) == 0, "a whole dump passes");
	ok(info.pages == PAGES && info.header_version == 6 && info.dump_level == 31 &&
	   !strcmp(info.release, "6.1.192") && !strcmp(info.machine, "aarch64"),
	   "its header is read: %llu pages, v%d, %s %s", (unsigned long long)info.pages,
	   info.header_version, info.machine, info.release);
	for (cut = 0; cut < len; cut += 97)
		if (check(d, cut, &info, err) == 0)
			bad++;
	ok(bad == 0, "every truncation is caught (%zu sizes)", len / 97 + 1);
	ok(check(d, len - 1, &info, err) == -1 && strstr(err, "truncated"),
	   "one byte short: %s", err);
	ok(check(d, 0, &info, err) == -1 && strstr(err, "too short"), "empty file: %s", err);

	memcpy(c, d, len);
	memcpy(c, "\177ELF", 4);
	ok(check(c, len, &info, err) == -1 && strstr(err, "ELF"), "ELF file named: %s", err);
	memcpy(c, "makedumpfile", 12);
	ok(check(c, len, &info, err) == -1 && strstr(err, "flattened"), "flattened named: %s", err);
	memcpy(c, d, len);
	put32(c + 424, 0x8);
	ok(check(c, len, &info, err) == -1 && strstr(err, "incomplete"), "incomplete flag: %s", err);
	memcpy(c, d, len);
	put32(c + 428, 3000);
	ok(check(c, len, &info, err) == -1 && strstr(err, "block size"), "odd block size: %s", err);
	memcpy(c, d, len);
	put64(c + 4 * BS + 24, 1ull << 62);
	ok(check(c, len, &info, err) == -1 && strstr(err, "page 2"), "wild descriptor: %s", err);
	memcpy(c, d, len);
	c[3 * BS + 1] = 0xff;
	ok(check(c, len, &info, err) == -1, "more pages in the bitmap than descriptors: %s", err);
	memcpy(c, d, len);
	put64(c + BS + 96, 1ull << 40);
	ok(check(c, len, &info, err) == -1, "max_mapnr beyond the bitmap: %s", err);

	memcpy(c, d, len);
	put64(c + BS + 48, 1ull << 56);		/* offset_note */
	put64(c + BS + 56, 0x1000);		/* size_note */
	ok(check(c, len, &info, err) == -1 && strstr(err, "ELF notes"),
	   "notes past the end of the file: %s", err);
	memcpy(c, d, len);
	put64(c + BS + 64, 4 * BS);		/* offset_eraseinfo */
	put64(c + BS + 72, 1ull << 60);		/* size_eraseinfo */
	ok(check(c, len, &info, err) == -1 && strstr(err, "erase info"),
	   "erase info past the end of the file: %s", err);

	/* Random damage: must never crash or read outside (ASan run). */
	srand(1);
	for (i = 0; i < 3000; i++) {
		size_t n = 1 + rand() % 8, k;

		memcpy(c, d, len);
		for (k = 0; k < n; k++)
			c[rand() % len] = (unsigned char)rand();
		if (check(c, len - (rand() % 2) * (rand() % len), &info, err) == 0 && info.pages > 64)
			crashes++;
	}
	ok(crashes == 0, "3000 damaged dumps checked without a crash or a bogus page count");
	tap_plan(tap_n);
	return tap_done();
}
