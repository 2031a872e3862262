// SPDX-License-Identifier: GPL-2.0
/* How a dump came about, from the crashed kernel's log. See how.h. */
#include <stdlib.h>
#include <string.h>

#include "how.h"

#define MAINLINE_HARD_LOCKUP "Watchdog detected " HOW_HARD_LOCKUP_TEXT " on cpu "

/*
 * Both of 6.12's detectors print "Watchdog detected hard LOCKUP on cpu N"
 * (@hit) and panic with "Hard LOCKUP", whose stack dump names the CPU that
 * panicked ("CPU: M UID: ..."). The perf detector panics on N itself, from
 * its NMI; the buddy detector on the CPU that watched N: a healthy CPU's
 * watchdog, as dumpwatch's heartbeat check is on 6.1.
 */
static enum dump_how mainline_how(const char *hit)
{
	const char *panic = strstr(hit, "not syncing: Hard LOCKUP");
	const char *cpu, *nl;
	unsigned long stuck, panicked;
	char *end;

	hit += strlen(MAINLINE_HARD_LOCKUP);
	stuck = strtoul(hit, &end, 10);
	if (end == hit || !panic)
		return HOW_NMI_WATCHDOG;
	/* The stack dump's first line follows the panic's own line. */
	nl = strchr(panic, '\n');
	cpu = nl ? strstr(nl, "CPU: ") : NULL;
	if (!cpu || memchr(nl + 1, '\n', cpu - nl - 1))
		return HOW_NMI_WATCHDOG;
	cpu += strlen("CPU: ");
	panicked = strtoul(cpu, &end, 10);
	if (end == cpu || panicked == stuck)
		return HOW_NMI_WATCHDOG;
	return HOW_WATCHDOG;
}

/*
 * Strongest first: the button's and the watchdogs' panics also print
 * "Kernel panic", and a soft lockup may follow an oops-free panic path,
 * so the generic panic comes last.
 */
static const struct {
	enum dump_how how;
	const char *text;
	/* Where one text has two causes: which, read from the log at the hit on. */
	enum dump_how (*refine)(const char *hit);
} how_rules[] = {
	{ HOW_BUTTON, "not syncing: dumpwatch: dump button", NULL },
	/* 6.12: the dump-button driver (drivers/misc/dump-button.c). */
	{ HOW_BUTTON, "not syncing: dump button", NULL },
	{ HOW_NMI_WATCHDOG, HOW_HARD_LOCKUP_TEXT " (NMI)", NULL },
	{ HOW_WATCHDOG, "dumpwatch: " HOW_HARD_LOCKUP_TEXT " on CPU", NULL },
	/*
	 * 6.12: mainline's detectors, the perf one (an NMI on the stuck CPU
	 * itself) or the buddy one (the next CPU's timer); mainline_how()
	 * tells them apart.
	 */
	{ HOW_NMI_WATCHDOG, MAINLINE_HARD_LOCKUP, mainline_how },
	/*
	 * Before the soft lockup: a CPU stuck with IRQs off makes the CPUs
	 * that wait for it report soft lockups (warnings only, 6.12's case 5
	 * arms no softlockup_panic), then RCU's stall report panics.
	 */
	{ HOW_RCU_STALL, "not syncing: RCU Stall", NULL },
	{ HOW_SOFT_LOCKUP, "soft lockup - CPU", NULL },
	{ HOW_OOPS, "Internal error: Oops", NULL },
	{ HOW_PANIC, "Kernel panic", NULL },
};

static const char *const how_names[] = {
	[HOW_NONE] = NULL,
	[HOW_BUTTON] = "button",
	[HOW_NMI_WATCHDOG] = "nmi-watchdog",
	[HOW_WATCHDOG] = "watchdog",
	[HOW_SOFT_LOCKUP] = "soft-lockup",
	[HOW_RCU_STALL] = "rcu-stall",
	[HOW_OOPS] = "oops",
	[HOW_PANIC] = "panic",
};

const char *dump_how_name(enum dump_how h)
{
	if ((unsigned int)h >= sizeof(how_names) / sizeof(how_names[0]))
		return NULL;
	return how_names[h];
}

enum dump_how dump_how_text(const char *text)
{
	const char *hit;
	size_t r;

	/* A rule's text never spans a newline, so one search per rule does. */
	for (r = 0; text && r < sizeof(how_rules) / sizeof(how_rules[0]); r++) {
		hit = strstr(text, how_rules[r].text);
		if (hit)
			return how_rules[r].refine ? how_rules[r].refine(hit) : how_rules[r].how;
	}
	return HOW_NONE;
}

int cpus_not_stopped(const char *text, char *buf, size_t len)
{
	static const char tag[] = "SMP: failed to stop secondary CPUs ";
	const char *p = text, *last = NULL;
	size_t i;

	while (p && (p = strstr(p, tag))) {
		p += sizeof(tag) - 1;
		last = p;
	}
	if (!last || !len)
		return -1;
	for (i = 0; i + 1 < len && last[i] && strchr("0123456789,-", last[i]); i++)
		buf[i] = last[i];
	buf[i] = '\0';
	return i ? 0 : -1;
}
