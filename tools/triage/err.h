/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Errors are values: a function that can fail returns a struct terr * that is
 * NULL on success, or an error carrying a code (the exit status it maps to)
 * and a message. The caller frees it with terr_free() or passes it up.
 */
#ifndef TRIAGE_ERR_H
#define TRIAGE_ERR_H

enum terr_code {
	TERR_DUMP = 1,		/* unreadable or corrupt dump, or bad vmlinux */
	TERR_USAGE = 2,		/* bad command line */
};

struct terr {
	int code;
	char msg[];
};

struct terr *terr_fmt(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Prefixes the message of @e with more context; returns the (new) error. */
struct terr *terr_wrap(struct terr *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void terr_free(struct terr *e);

#endif
