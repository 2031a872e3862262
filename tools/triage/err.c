// SPDX-License-Identifier: GPL-2.0
/* Errors that carry a message. See err.h. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"

/* Returned when even the error cannot be allocated. */
static _Alignas(struct terr) char oom_buf[sizeof(struct terr) + 16];
#define OOM ((struct terr *)oom_buf)

static struct terr *oom(void)
{
	OOM->code = TERR_DUMP;
	memcpy(OOM->msg, "out of memory", 14);
	return OOM;
}

static struct terr *vfmt(int code, const char *prefix, const char *fmt, va_list ap)
{
	va_list aq;
	size_t plen = prefix ? strlen(prefix) + 2 : 0;
	int n;
	struct terr *e;

	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0)
		n = 0;
	e = malloc(sizeof(*e) + plen + (size_t)n + 1);
	if (!e)
		return oom();
	e->code = code;
	vsnprintf(e->msg, (size_t)n + 1, fmt, ap);
	if (prefix)
		snprintf(e->msg + n, plen + 1, ": %s", prefix);
	return e;
}

struct terr *terr_fmt(int code, const char *fmt, ...)
{
	va_list ap;
	struct terr *e;

	va_start(ap, fmt);
	e = vfmt(code, NULL, fmt, ap);
	va_end(ap);
	return e;
}

struct terr *terr_wrap(struct terr *inner, const char *fmt, ...)
{
	va_list ap;
	struct terr *e;

	if (!inner || inner == OOM)
		return inner;
	va_start(ap, fmt);
	e = vfmt(inner->code, inner->msg, fmt, ap);
	va_end(ap);
	if (e != OOM)
		free(inner);
	return e;
}

void terr_free(struct terr *e)
{
	if (e && e != OOM)
		free(e);
}
