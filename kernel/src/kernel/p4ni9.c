// SPDX-License-Identifier: GPL-2.0
/*
 * p4ni9(2): make the kernel fail on purpose, for crash-dump labs.
 *
 * Each case's action is its own noinline function, so that it stands by
 * name in every backtrace and in the dump.  Only a caller with CAP_SYS_BOOT
 * in the initial user namespace may use it: root in a container must not be
 * able to panic the host.
 */

#include <linux/capability.h>
#include <linux/compiler.h>
#include <linux/errno.h>
#include <linux/irqflags.h>
#include <linux/kernel.h>
#include <linux/nospec.h>
#include <linux/p4ni9.h>
#include <linux/panic.h>
#include <linux/printk.h>
#include <linux/sched.h>
#include <linux/smp.h>
#include <linux/spinlock.h>
#include <linux/syscalls.h>

/*
 * One lock per purpose: the control case must keep working after
 * P4NI9_LEAK_LOCK has leaked its lock, and the lockup cases never return.
 */
static DEFINE_SPINLOCK(p4ni9_control_lock);
static DEFINE_SPINLOCK(p4ni9_leaked_lock);
static DEFINE_SPINLOCK(p4ni9_lockup_lock);

static noinline void p4ni9_panic(void)
{
	panic("p4ni9(): no reason for this panic");
}

static noinline void p4ni9_null_deref(void)
{
	int *p = NULL;

	/* The kernel builds with -fno-delete-null-pointer-checks: a real load. */
	pr_info("p4ni9: read %d\n", READ_ONCE(*p));
}

static noinline void p4ni9_lock_unlock(void)
{
	spin_lock(&p4ni9_control_lock);
	spin_unlock(&p4ni9_control_lock);
}

/* Returns to user space with the lock held: the preempt count stays up. */
static noinline void p4ni9_leak_lock(void)
	__acquires(&p4ni9_leaked_lock)
{
	spin_lock(&p4ni9_leaked_lock);
}

static noinline void p4ni9_double_lock(void)
	__acquires(&p4ni9_lockup_lock)
{
	spin_lock(&p4ni9_lockup_lock);
	/* Let sparse know that taking it again is the point. */
	__release(&p4ni9_lockup_lock);
	spin_lock(&p4ni9_lockup_lock);
}

static noinline void p4ni9_double_lock_irqoff(void)
	__acquires(&p4ni9_lockup_lock)
{
	unsigned long flags;

	spin_lock_irqsave(&p4ni9_lockup_lock, flags);
	__release(&p4ni9_lockup_lock);
	spin_lock(&p4ni9_lockup_lock);
}

struct p4ni9_action {
	const char *name;
	void (*action)(void);
};

static const struct p4ni9_action p4ni9_cases[] = {
	[P4NI9_PANIC]			= { "panic", p4ni9_panic },
	[P4NI9_NULL_DEREF]		= { "null-deref", p4ni9_null_deref },
	[P4NI9_LOCK_UNLOCK]		= { "lock-unlock", p4ni9_lock_unlock },
	[P4NI9_LEAK_LOCK]		= { "leak-lock", p4ni9_leak_lock },
	[P4NI9_DOUBLE_LOCK]		= { "double-lock", p4ni9_double_lock },
	[P4NI9_DOUBLE_LOCK_IRQOFF]	= { "double-lock-irqoff",
					    p4ni9_double_lock_irqoff },
};

SYSCALL_DEFINE1(p4ni9, int, which)
{
	unsigned int nr = which;

	if (!capable(CAP_SYS_BOOT))
		return -EPERM;
	if (nr >= ARRAY_SIZE(p4ni9_cases))
		return -EINVAL;
	/* A bounds check followed by an indirect call: no speculation past it. */
	nr = array_index_nospec(nr, ARRAY_SIZE(p4ni9_cases));

	pr_emerg("p4ni9: case %u (%s) triggered by %s[%d] on CPU#%d\n",
		 nr, p4ni9_cases[nr].name, current->comm,
		 task_pid_nr(current), raw_smp_processor_id());
	p4ni9_cases[nr].action();
	return 0;
}
