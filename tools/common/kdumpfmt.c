// SPDX-License-Identifier: GPL-2.0
/*
 * The kdump-compressed format, as makedumpfile writes it (64-bit targets):
 *   block 0                       struct disk_dump_header
 *   blocks 1 .. sub_hdr_size      struct kdump_sub_header (+ vmcoreinfo, notes)
 *   next bitmap_blocks blocks     two bitmaps of max_mapnr bits: the second
 *                                 marks the pages present in the dump
 *   then                          one 24-byte page descriptor per present page
 *   then                          page data
 * All fields are in the byte order of the machine that wrote the dump; both
 * arm64 and x86_64 are little-endian.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "errf.h"
#include "kdumpfmt.h"

#define SIGNATURE "KDUMP   "
/* Offsets in struct disk_dump_header (LP64). */
#define DH_VERSION 8
#define DH_UTS 12		/* struct new_utsname: 6 fields of 65 chars */
#define DH_UTS_RELEASE (DH_UTS + 2 * 65)
#define DH_UTS_MACHINE (DH_UTS + 4 * 65)
#define DH_STATUS 424
#define DH_BLOCK_SIZE 428
#define DH_SUB_HDR_SIZE 432
#define DH_BITMAP_BLOCKS 436
#define DH_MAX_MAPNR 440
#define DH_NR_CPUS 460
#define DH_SIZE 464
/* Offsets in struct kdump_sub_header. */
#define SH_DUMP_LEVEL 8
#define SH_VMCOREINFO 32	/* off_t offset, unsigned long size (v3+) */
#define SH_NOTE 48		/* the ELF notes (v4+) */
#define SH_ERASEINFO 64		/* (v5+) */
#define SH_MAX_MAPNR_64 96	/* v6+ */
#define SH_SIZE 104

#define DUMP_DH_COMPRESSED_INCOMPLETE 0x8
#define PD_SIZE 24
#define MAX_BLOCK_SIZE (1u << 20)

static uint32_t le32(const unsigned char *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const unsigned char *p)
{
	return le32(p) | (uint64_t)le32(p + 4) << 32;
}

static int read_at(FILE *f, uint64_t off, void *buf, size_t len)
{
	if (off > (uint64_t)INT64_MAX || fseeko(f, (off_t)off, SEEK_SET))
		return -1;
	return fread(buf, 1, len, f) == len ? 0 : -1;
}

/* An (offset, size) pair of the sub-header: empty, or inside the file. */
static int in_file(const unsigned char *pair, uint64_t file_size)
{
	uint64_t off = le64(pair), size = le64(pair + 8);

	return size == 0 || (off <= file_size && size <= file_size - off);
}

static int popcount8(unsigned char b)
{
	int n = 0;

	for (; b; b &= b - 1)
		n++;
	return n;
}

int kdump_check(FILE *f, struct kdump_info *info, char *err, size_t errlen)
{
	unsigned char dh[DH_SIZE], sh[SH_SIZE], *buf = NULL;
	uint64_t bitmap_off, bitmap_len, pd_off, data_min, i, chunk, done;
	uint32_t sub_hdr, bitmap_blocks;
	struct stat st;
	int rc = -1;

	memset(info, 0, sizeof(*info));
	info->dump_level = -1;
	if (fstat(fileno(f), &st))
		return errf(err, errlen, "cannot stat: %s", strerror(errno));
	info->file_size = (uint64_t)st.st_size;
	if (info->file_size < DH_SIZE)
		return errf(err, errlen, "%llu bytes: too short for a dump header",
			    (unsigned long long)info->file_size);
	if (read_at(f, 0, dh, sizeof(dh)))
		return errf(err, errlen, "cannot read the dump header");
	if (memcmp(dh, SIGNATURE, 8)) {
		if (!memcmp(dh, "\177ELF", 4))
			return errf(err, errlen, "an ELF file, not a kdump-compressed dump");
		if (!memcmp(dh, "makedumpfile", 12))
			return errf(err, errlen,
				    "flattened format (makedumpfile -F): reassemble it with makedumpfile -R");
		return errf(err, errlen, "no KDUMP signature: not a kdump-compressed dump");
	}
	info->header_version = (int)le32(dh + DH_VERSION);
	memcpy(info->release, dh + DH_UTS_RELEASE, 64);
	memcpy(info->machine, dh + DH_UTS_MACHINE, 64);
	info->status = le32(dh + DH_STATUS);
	info->block_size = le32(dh + DH_BLOCK_SIZE);
	sub_hdr = le32(dh + DH_SUB_HDR_SIZE);
	bitmap_blocks = le32(dh + DH_BITMAP_BLOCKS);
	info->max_mapnr = le32(dh + DH_MAX_MAPNR);
	info->nr_cpus = (int)le32(dh + DH_NR_CPUS);

	if (info->header_version < 1 || info->header_version > 100)
		return errf(err, errlen, "header version %d is not one makedumpfile writes",
			    info->header_version);
	if (info->block_size < 512 || info->block_size > MAX_BLOCK_SIZE ||
	    (info->block_size & (info->block_size - 1)))
		return errf(err, errlen, "bad block size %u", info->block_size);
	if (info->status & DUMP_DH_COMPRESSED_INCOMPLETE)
		return errf(err, errlen, "the header marks the dump incomplete (the disk filled up?)");
	if (sub_hdr == 0 || bitmap_blocks == 0)
		return errf(err, errlen, "no sub-header or no bitmap");

	if ((1 + (uint64_t)sub_hdr) * info->block_size > info->file_size)
		return errf(err, errlen, "truncated: the sub-header ends past the end of the file");
	if (read_at(f, info->block_size, sh, sizeof(sh)))
		return errf(err, errlen, "cannot read the sub-header");
	info->dump_level = (int)le32(sh + SH_DUMP_LEVEL);
	if (info->header_version >= 3) {
		info->vmcoreinfo_offset = le64(sh + SH_VMCOREINFO);
		info->vmcoreinfo_size = le64(sh + SH_VMCOREINFO + 8);
		if (info->vmcoreinfo_size &&
		    (info->vmcoreinfo_offset > info->file_size ||
		     info->vmcoreinfo_size > info->file_size - info->vmcoreinfo_offset))
			return errf(err, errlen, "truncated: VMCOREINFO lies past the end of the file");
	}
	/* Readers allocate what these say: they must lie inside the file. */
	if (info->header_version >= 4 && !in_file(sh + SH_NOTE, info->file_size))
		return errf(err, errlen, "truncated or corrupt: the ELF notes lie past the end of the file");
	if (info->header_version >= 5 && !in_file(sh + SH_ERASEINFO, info->file_size))
		return errf(err, errlen, "truncated or corrupt: the erase info lies past the end of the file");
	if (info->header_version >= 6) {
		uint64_t mapnr32 = info->max_mapnr;

		info->max_mapnr = le64(sh + SH_MAX_MAPNR_64);
		/*
		 * makedumpfile writes the header's 32-bit copy as the 64-bit
		 * value capped at UINT_MAX; libkdumpfile reads either, and
		 * crashes tearing down when they disagree.
		 */
		if (mapnr32 != (info->max_mapnr > UINT32_MAX ? UINT32_MAX : info->max_mapnr))
			return errf(err, errlen, "corrupt: the header says %llu pages, the sub-header %llu",
				    (unsigned long long)mapnr32, (unsigned long long)info->max_mapnr);
	}

	bitmap_off = (1 + (uint64_t)sub_hdr) * info->block_size;
	bitmap_len = (uint64_t)bitmap_blocks * info->block_size / 2;
	if (bitmap_len * 8 < info->max_mapnr)
		return errf(err, errlen, "bitmap of %llu bits for %llu pages",
			    (unsigned long long)bitmap_len * 8,
			    (unsigned long long)info->max_mapnr);
	pd_off = bitmap_off + 2 * bitmap_len;
	if (pd_off > info->file_size)
		return errf(err, errlen, "truncated: the bitmaps end past the end of the file");

	/* Count the pages in the dump: bits set in the second bitmap. */
	buf = malloc(info->block_size);
	if (!buf)
		return errf(err, errlen, "out of memory");
	chunk = info->block_size;
	for (done = 0; done < bitmap_len; done += chunk) {
		uint64_t n = bitmap_len - done < chunk ? bitmap_len - done : chunk;

		if (read_at(f, bitmap_off + bitmap_len + done, buf, n)) {
			errf(err, errlen, "cannot read the bitmap");
			goto out;
		}
		for (i = 0; i < n; i++) {
			unsigned char b = buf[i];
			uint64_t first = (done + i) * 8;

			/* Bits past max_mapnr are not pages. */
			if (first + 8 > info->max_mapnr)
				b &= first >= info->max_mapnr ? 0 :
					(unsigned char)((1u << (info->max_mapnr - first)) - 1);
			info->pages += popcount8(b);
		}
	}
	if (info->pages > (info->file_size - pd_off) / PD_SIZE) {
		errf(err, errlen,
		     "truncated: %llu pages need %llu bytes of page descriptors, the file has %llu",
		     (unsigned long long)info->pages,
		     (unsigned long long)(info->pages * PD_SIZE),
		     (unsigned long long)(info->file_size - pd_off));
		goto out;
	}
	data_min = pd_off + info->pages * PD_SIZE;

	/* Every descriptor must point inside the file, after the descriptors. */
	for (i = 0; i < info->pages; i += chunk / PD_SIZE) {
		uint64_t n = info->pages - i, j;

		if (n > chunk / PD_SIZE)
			n = chunk / PD_SIZE;
		if (read_at(f, pd_off + i * PD_SIZE, buf, n * PD_SIZE)) {
			errf(err, errlen, "cannot read page descriptors");
			goto out;
		}
		for (j = 0; j < n; j++) {
			uint64_t off = le64(buf + j * PD_SIZE);
			uint32_t size = le32(buf + j * PD_SIZE + 8);

			if (size == 0 || size > info->block_size || off < data_min ||
			    off > info->file_size || size > info->file_size - off) {
				errf(err, errlen,
				     "truncated or corrupt: page %llu of %llu has data at %llu+%u, the file has %llu bytes",
				     (unsigned long long)(i + j + 1),
				     (unsigned long long)info->pages,
				     (unsigned long long)off, size,
				     (unsigned long long)info->file_size);
				goto out;
			}
		}
	}
	rc = 0;
out:
	free(buf);
	return rc;
}

int kdump_check_path(const char *path, struct kdump_info *info, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	int rc;

	if (!f)
		return errf(err, errlen, "%s: %s", path, strerror(errno));
	rc = kdump_check(f, info, err, errlen);
	fclose(f);
	return rc;
}
