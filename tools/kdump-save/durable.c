// SPDX-License-Identifier: GPL-2.0
/* kdump-save: files that reach the disk before they are called saved. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../common/errf.h"
#include "durable.h"

int durable_commit(int dirfd, const char *tmp, const char *final, sync_fn sync,
		   char *err, size_t errlen)
{
	int fd = openat(dirfd, tmp, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return errf(err, errlen, "open %s: %s", tmp, strerror(errno));
	if (sync(fd)) {
		int e = errno;

		close(fd);
		return errf(err, errlen, "fsync %s: %s", tmp, strerror(e));
	}
	if (close(fd))
		return errf(err, errlen, "close %s: %s", tmp, strerror(errno));
	if (renameat(dirfd, tmp, dirfd, final))
		return errf(err, errlen, "rename %s to %s: %s", tmp, final, strerror(errno));
	if (sync(dirfd))
		return errf(err, errlen, "fsync of the directory after renaming %s: %s", final,
			    strerror(errno));
	return 0;
}

static int tmp_name(char *tmp, size_t len, const char *final, char *err, size_t errlen)
{
	if (snprintf(tmp, len, ".%s.tmp", final) >= (int)len)
		return errf(err, errlen, "%s: name too long", final);
	return 0;
}

int durable_reserve(int dirfd, const char *final, size_t size, char *err, size_t errlen)
{
	char tmp[256];
	int fd, e;

	err[0] = '\0';
	if (tmp_name(tmp, sizeof(tmp), final, err, errlen))
		return -1;
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return errf(err, errlen, "create %s: %s", tmp, strerror(errno));
	/* posix_fallocate() writes zeros where the file system cannot allocate (vfat). */
	e = posix_fallocate(fd, 0, (off_t)size);
	if (e || close(fd)) {
		if (!e)
			e = errno;
		else
			close(fd);
		unlinkat(dirfd, tmp, 0);
		return errf(err, errlen, "reserve %zu bytes for %s: %s", size, tmp, strerror(e));
	}
	return 0;
}

int durable_write(int dirfd, const char *final, const void *data, size_t len, sync_fn sync,
		  char *err, size_t errlen)
{
	const char *p = data;
	char tmp[256];
	int fd;

	err[0] = '\0';
	if (tmp_name(tmp, sizeof(tmp), final, err, errlen))
		return -1;
	/* Not O_TRUNC: the space durable_reserve() took is written over, then cut to size. */
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return errf(err, errlen, "create %s: %s", tmp, strerror(errno));
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			errf(err, errlen, "write %s: %s", tmp, n ? strerror(errno) : "no progress");
			close(fd);
			unlinkat(dirfd, tmp, 0);
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	if (ftruncate(fd, p - (const char *)data)) {
		errf(err, errlen, "truncate %s: %s", tmp, strerror(errno));
		close(fd);
		unlinkat(dirfd, tmp, 0);
		return -1;
	}
	if (close(fd) || durable_commit(dirfd, tmp, final, sync, err, errlen)) {
		if (!err[0])
			errf(err, errlen, "close %s: %s", tmp, strerror(errno));
		unlinkat(dirfd, tmp, 0);
		return -1;
	}
	return 0;
}

/* Whether @cmdline has a word starting with @prefix. */
static bool has_word(const char *cmdline, const char *prefix)
{
	size_t n = strlen(prefix);
	const char *p = cmdline;

	while ((p = strstr(p, prefix))) {
		if (p == cmdline || p[-1] == ' ' || p[-1] == '\t' || p[-1] == '\n')
			return true;
		p += n;
	}
	return false;
}

bool capture_kernel(int pid, const char *cmdline, bool vmcore_exists, bool dt_hdr,
		    char *why, size_t len)
{
	if (pid != 1)
		snprintf(why, len, "not PID 1 (run by hand)");
	else if (!vmcore_exists)
		snprintf(why, len, "no /proc/vmcore");
	else if (!dt_hdr && (!cmdline || !has_word(cmdline, "elfcorehdr=")))
		snprintf(why, len, "no elfcorehdr: not on the command line, not in the device tree");
	else
		return true;
	return false;
}
