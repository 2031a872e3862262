// SPDX-License-Identifier: GPL-2.0
/* File system labels, so the dump target can be named LABEL=... */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "label.h"

static void copy_label(const unsigned char *src, size_t n, char *out, size_t outlen)
{
	size_t i = 0;

	while (i < n && i + 1 < outlen && src[i]) {
		out[i] = (char)src[i];
		i++;
	}
	while (i > 0 && out[i - 1] == ' ')
		i--;
	out[i] = '\0';
}

int fs_label(const unsigned char *buf, size_t len, char *out, size_t outlen)
{
	if (!outlen)
		return -1;
	/* ext2/3/4: superblock at 1024, magic 0xEF53 at +0x38, name at +0x78. */
	if (len >= 1024 + 0x88 && buf[1024 + 0x38] == 0x53 && buf[1024 + 0x39] == 0xEF) {
		copy_label(buf + 1024 + 0x78, 16, out, outlen);
		return 0;
	}
	/* FAT: boot sector signature; FAT32 has its label at 0x47, FAT12/16 at 0x2B. */
	if (len >= 512 && buf[510] == 0x55 && buf[511] == 0xAA) {
		if (!memcmp(buf + 0x52, "FAT32   ", 8)) {
			copy_label(buf + 0x47, 11, out, outlen);
			return 0;
		}
		if (!memcmp(buf + 0x36, "FAT", 3)) {
			copy_label(buf + 0x2B, 11, out, outlen);
			return 0;
		}
	}
	return -1;
}

int find_by_label(const char *sys_block, const char *dev_dir, const char *label,
		  char *path, size_t pathlen)
{
	unsigned char buf[FS_LABEL_PROBE];
	char dev[300], found[32];
	struct dirent *d;
	DIR *dir;
	int rc = -1;

	dir = opendir(sys_block);
	if (!dir)
		return -1;
	while (rc && (d = readdir(dir))) {
		ssize_t n;
		int fd;

		if (d->d_name[0] == '.')
			continue;
		snprintf(dev, sizeof(dev), "%s/%s", dev_dir, d->d_name);
		fd = open(dev, O_RDONLY);
		if (fd < 0)
			continue;
		n = read(fd, buf, sizeof(buf));
		close(fd);
		if (n > 0 && !fs_label(buf, (size_t)n, found, sizeof(found)) &&
		    !strcmp(found, label)) {
			snprintf(path, pathlen, "%s", dev);
			rc = 0;
		}
	}
	closedir(dir);
	return rc;
}
