// SPDX-License-Identifier: GPL-2.0
/*
 * Harvest: the dump tree the capture kernel left on the dump disk, in the
 * kdump-tools layout (/var/crash/<stamp>/dump.<stamp>, dmesg.<stamp>; a
 * second dump in the same minute gets <stamp>-1, -2, ... -10), the newest
 * dump of it, and whether that dump is whole; or the partial dump
 * (dump-incomplete.<stamp>) kdump-save kept instead, and its log.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/kdumpfmt.h"
#include "lab.h"

/* "<digits>[-<digits>]": the digits, and the suffix (-1 when none). */
static void stamp_parse(const char *s, unsigned long long *t, long *suffix)
{
	char *end;

	*t = strtoull(s, &end, 10);
	*suffix = -1;
	if (*end == '-')
		*suffix = strtol(end + 1, NULL, 10);
}

int stamp_cmp(const char *a, const char *b)
{
	unsigned long long ta, tb;
	long sa, sb;

	stamp_parse(a, &ta, &sa);
	stamp_parse(b, &tb, &sb);
	if (ta != tb)
		return ta < tb ? -1 : 1;
	if (sa != sb)
		return sa < sb ? -1 : 1;
	return strcmp(a, b);
}

const char *newest_stamp(const char *const *names, size_t n, const char *prefix)
{
	size_t len = strlen(prefix), i;
	const char *best = NULL;

	for (i = 0; i < n; i++) {
		if (strncmp(names[i], prefix, len) || names[i][len] < '0' || names[i][len] > '9')
			continue;
		if (!best || stamp_cmp(names[i] + len, best + len) > 0)
			best = names[i];
	}
	return best;
}

#define MAX_NAMES 256

/* The newest entry of @dir starting with @prefix, as a path into @out. */
static bool newest_in(const char *dir, const char *prefix, char *out, size_t len)
{
	char *names[MAX_NAMES];
	const char *best;
	size_t n = 0, i;
	struct dirent *d;
	DIR *dp = opendir(dir);

	if (!dp)
		return false;
	while ((d = readdir(dp)) && n < MAX_NAMES)
		if (d->d_name[0] != '.')
			names[n++] = strdup(d->d_name);
	closedir(dp);
	best = newest_stamp((const char *const *)names, n, prefix);
	if (best)
		snprintf(out, len, "%s/%s", dir, best);
	for (i = 0; i < n; i++)
		free(names[i]);
	return best != NULL;
}

void harvest_dir(const char *crash_dir, struct harvest *h)
{
	char stamp_dir[LAB_PATH];
	struct kdump_info info;
	char err[256];

	memset(h, 0, sizeof(*h));
	if (!newest_in(crash_dir, "", stamp_dir, sizeof(stamp_dir)))
		return;
	/* The dump (or what was kept of it), its dmesg and the save's log, from one directory. */
	if (!newest_in(stamp_dir, "dmesg.", h->dmesg, sizeof(h->dmesg)))
		h->dmesg[0] = '\0';
	if (!newest_in(stamp_dir, "kdump-save.log.", h->log, sizeof(h->log)))
		h->log[0] = '\0';
	if (!newest_in(stamp_dir, "dump-incomplete.", h->partial, sizeof(h->partial)))
		h->partial[0] = '\0';
	if (!newest_in(stamp_dir, "dump.", h->dump, sizeof(h->dump)))
		return;
	if (kdump_check_path(h->dump, &info, err, sizeof(err))) {
		struct stat st;

		h->format = "invalid";
		h->bytes = stat(h->dump, &st) ? 0 : (unsigned long long)st.st_size;
		snprintf(h->check, sizeof(h->check), "NOT a whole dump: %s", err);
		return;
	}
	h->format = "kdump-compressed";
	h->bytes = info.file_size;
	snprintf(h->check, sizeof(h->check),
		 "whole: header v%d, %s %s, level %d, %llu pages of %u bytes, %llu bytes",
		 info.header_version, info.machine, info.release, info.dump_level,
		 (unsigned long long)info.pages, info.block_size,
		 (unsigned long long)info.file_size);
}

#define CONSOLE_DMESG_BEGIN "the crashed kernel's log follows on the console"
#define CONSOLE_DMESG_END "kdump-save: ["

char *console_dmesg(const char *console)
{
	const char *begin = console ? strstr(console, CONSOLE_DMESG_BEGIN) : NULL;
	const char *end;
	char *out;

	if (!begin || !(begin = strchr(begin, '\n')))
		return NULL;
	begin++;
	end = strstr(begin, CONSOLE_DMESG_END);
	if (!end)	/* cut short: what there is */
		end = begin + strlen(begin);
	out = malloc((size_t)(end - begin) + 1);
	if (!out)
		return NULL;
	memcpy(out, begin, (size_t)(end - begin));
	out[end - begin] = '\0';
	return out;
}
