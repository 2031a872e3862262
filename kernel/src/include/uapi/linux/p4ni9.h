/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * p4ni9(2): make the kernel fail on purpose, in a chosen way, for kdump labs.
 *
 * The case numbers are ABI: never renumber, only append. A kernel that does
 * not know a case answers -EINVAL.
 */
#ifndef _UAPI_LINUX_P4NI9_H
#define _UAPI_LINUX_P4NI9_H

#define P4NI9_PANIC			0	/* panic() */
#define P4NI9_NULL_DEREF		1	/* read through a NULL pointer */
#define P4NI9_LOCK_UNLOCK		2	/* take and release a spinlock */
#define P4NI9_LEAK_LOCK			3	/* return holding a spinlock */
#define P4NI9_DOUBLE_LOCK		4	/* take a spinlock twice */
#define P4NI9_DOUBLE_LOCK_IRQOFF	5	/* the same, IRQs disabled */

#endif /* _UAPI_LINUX_P4NI9_H */
