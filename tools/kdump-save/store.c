// SPDX-License-Identifier: GPL-2.0
/* kdump-save: naming new dump directories and choosing old ones to delete. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "store.h"

int store_parse(const char *name, char stamp[13], unsigned long *n)
{
	const char *p;
	char *end;
	int i;

	for (i = 0; i < 12; i++)
		if (name[i] < '0' || name[i] > '9')
			return -1;
	p = name + 12;
	*n = 0;
	if (*p == '-') {
		if (p[1] < '1' || p[1] > '9')
			return -1;
		*n = strtoul(p + 1, &end, 10);
		if (*end)
			return -1;
	} else if (*p) {
		return -1;
	}
	memcpy(stamp, name, 12);
	stamp[12] = '\0';
	return 0;
}

int store_cmp(const void *a, const void *b)
{
	const char *x = *(char *const *)a, *y = *(char *const *)b;
	char sx[13], sy[13];
	unsigned long nx, ny;
	int ox = !store_parse(x, sx, &nx), oy = !store_parse(y, sy, &ny), c;

	if (!ox || !oy)		/* not ours: after ours, in name order */
		return ox != oy ? oy - ox : strcmp(x, y);
	c = strcmp(sx, sy);
	if (c)
		return c;
	return nx < ny ? -1 : nx > ny;
}

int store_new_name(time_t now, char *const names[], size_t count, char *buf, size_t len)
{
	char stamp[16], s[13];
	unsigned long n, top = 0, want;
	int taken = 0, r;
	size_t i;

	save_stamp(now, stamp, sizeof(stamp));
	for (i = 0; i < count; i++) {
		if (store_parse(names[i], s, &n) || strcmp(s, stamp))
			continue;
		taken = 1;
		if (n > top)
			top = n;
	}
	if (now >= STORE_CLOCK_SET) {
		if (!taken) {
			r = snprintf(buf, len, "%s", stamp);
			return r < 0 || (size_t)r >= len ? -1 : 0;
		}
		for (want = 1;; want++) {	/* the smallest free N */
			for (i = 0; i < count; i++)
				if (!store_parse(names[i], s, &n) && !strcmp(s, stamp) && n == want)
					break;
			if (i == count)
				break;
		}
	} else {
		want = top + 1;
	}
	r = snprintf(buf, len, "%s-%lu", stamp, want);
	return r < 0 || (size_t)r >= len ? -1 : 0;
}

size_t store_prune(char *names[], size_t count, unsigned keep)
{
	char s[13];
	unsigned long n;
	size_t ours = 0, i;

	qsort(names, count, sizeof(*names), store_cmp);
	for (i = 0; i < count; i++)
		if (!store_parse(names[i], s, &n))
			ours++;
	if (!keep || ours <= keep)
		return 0;
	return ours - keep;
}
