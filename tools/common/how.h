/* SPDX-License-Identifier: GPL-2.0 */
/*
 * How a dump came about, read from the crashed kernel's own log: the dump
 * button, dumpwatch's NMI or heartbeat watchdog, the soft-lockup detector,
 * an oops or a plain panic. The rules live here once; the lab runner
 * (tools/lab) and triage (tools/triage/classify.c) both use them.
 */
#ifndef DUMPABLE_HOW_H
#define DUMPABLE_HOW_H

#include <stddef.h>

/* What dumpwatch prints when its button is pressed (kernel/dumpwatch.c). */
#define HOW_BUTTON_TEXT "dump button pressed"
/* What dumpwatch's panics say: "dumpwatch: hard LOCKUP (NMI)" or "... on CPU#N". */
#define HOW_HARD_LOCKUP_TEXT "hard LOCKUP"

enum dump_how {
	HOW_NONE,		/* no rule matched (or no log) */
	HOW_BUTTON,
	HOW_NMI_WATCHDOG,
	HOW_WATCHDOG,
	HOW_SOFT_LOCKUP,
	HOW_RCU_STALL,		/* panic_on_rcu_stall (6.12's case 5 without NMIs) */
	HOW_OOPS,
	HOW_PANIC,
};

/* "button", "nmi-watchdog", ...; NULL for HOW_NONE. */
const char *dump_how_name(enum dump_how h);

/* The first rule (strongest first) that the log (lines separated by '\n') matches. */
enum dump_how dump_how_text(const char *text);

/*
 * The CPUs the crash stop did not reach, from the last
 * "SMP: failed to stop secondary CPUs N" line ("2", "1-3", "1,3"), into
 * @buf. Returns 0 when there is such a line, -1 when not.
 */
int cpus_not_stopped(const char *text, char *buf, size_t len);

#endif
