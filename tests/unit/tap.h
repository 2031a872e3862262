/* SPDX-License-Identifier: GPL-2.0 */
/* Minimal TAP for unit tests, after kselftest.h. */
#ifndef TAP_H
#define TAP_H

#include <stdio.h>

static int tap_n, tap_fail;

#define tap_plan(n) printf("1..%d\n", (n))
#define ok(cond, ...) do {						\
	int _ok = !!(cond);						\
	tap_n++;							\
	if (!_ok)							\
		tap_fail++;						\
	printf("%sok %d - ", _ok ? "" : "not ", tap_n);			\
	printf(__VA_ARGS__);						\
	printf("\n");							\
	if (!_ok)							\
		printf("#   failed at %s:%d: %s\n", __FILE__, __LINE__, #cond); \
} while (0)
#define tap_done() (tap_fail ? 1 : 0)

#endif
