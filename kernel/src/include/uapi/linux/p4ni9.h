/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * p4ni9(2): make the kernel fail on purpose, in a chosen way, for kdump labs.
 *
 * The case numbers are ABI: never renumber, only append.
 */
#ifndef _UAPI_LINUX_P4NI9_H
#define _UAPI_LINUX_P4NI9_H

enum p4ni9_case {
	P4NI9_PANIC = 0,		/* panic() */
	P4NI9_NULL_DEREF = 1,		/* read through a NULL pointer */
	P4NI9_LOCK_UNLOCK = 2,		/* take and release a spinlock */
	P4NI9_LEAK_LOCK = 3,		/* return holding a spinlock */
	P4NI9_DOUBLE_LOCK = 4,		/* take a spinlock twice */
	P4NI9_DOUBLE_LOCK_IRQOFF = 5,	/* the same, IRQs disabled */
	P4NI9_NR_CASES
};

#endif /* _UAPI_LINUX_P4NI9_H */
