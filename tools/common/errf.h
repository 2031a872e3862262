/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TOOLS_COMMON_ERRF_H
#define TOOLS_COMMON_ERRF_H

#include <stdarg.h>
#include <stdio.h>

/*
 * Formats what failed into the caller's buffer @err (@len bytes) and returns
 * -1, so that an error path is one line: return errf(err, len, "...", ...).
 */
static inline __attribute__((format(printf, 3, 4)))
int errf(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return -1;
}

#endif
