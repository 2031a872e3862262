// SPDX-License-Identifier: GPL-2.0
/* The p4ni9 cases: one row each. See cases.h. */
#include <stdlib.h>
#include <string.h>

#include "cases.h"

#define SYSCTL(name) "/proc/sys/kernel/" name

const struct p4ni9_row p4ni9_cases[P4NI9_NR_CASES] = {
	[P4NI9_PANIC] = {
		.nr = P4NI9_PANIC, .name = "panic",
		.what = "calls panic()",
		.dump_via = "panic -> crash kexec",
		.outcome = OUTCOME_DUMP,
		.expect = "Kernel panic - not syncing: p4ni9(): no reason for this panic",
		.verdict = "panic",
	},
	[P4NI9_NULL_DEREF] = {
		.nr = P4NI9_NULL_DEREF, .name = "null-deref",
		.what = "reads through a NULL pointer",
		.dump_via = "oops -> panic_on_oops=1",
		.outcome = OUTCOME_DUMP,
		.expect = "Unable to handle kernel NULL pointer dereference at virtual address 0000000000000000",
		.verdict = "null-deref",
		.settings = { { SYSCTL("panic_on_oops"), "1" } },
	},
	[P4NI9_LOCK_UNLOCK] = {
		.nr = P4NI9_LOCK_UNLOCK, .name = "lock-unlock",
		.what = "takes and releases a spinlock (the harmless control)",
		.dump_via = "none: returns 0",
		.outcome = OUTCOME_SURVIVED,
		.expect = "",
		.verdict = "none",
	},
	[P4NI9_LEAK_LOCK] = {
		.nr = P4NI9_LEAK_LOCK, .name = "leak-lock",
		.what = "returns to user space holding a spinlock",
		.dump_via = "scheduling while atomic -> panic_on_warn=1",
		.outcome = OUTCOME_DUMP,
		.expect = "BUG: scheduling while atomic",
		.verdict = "scheduling-while-atomic",
		.settings = { { SYSCTL("panic_on_warn"), "1" } },
		.then_yield = true,
	},
	[P4NI9_DOUBLE_LOCK] = {
		.nr = P4NI9_DOUBLE_LOCK, .name = "double-lock",
		.what = "takes the same spinlock twice, IRQs on",
		.dump_via = "soft lockup detector -> softlockup_panic=1",
		.outcome = OUTCOME_DUMP,
		.expect = "soft lockup - CPU#",
		.verdict = "soft-lockup",
		.settings = {
			{ SYSCTL("watchdog_thresh"), "5" },
			{ SYSCTL("softlockup_panic"), "1" },
			{ SYSCTL("soft_watchdog"), "1" },
		},
	},
	[P4NI9_DOUBLE_LOCK_IRQOFF] = {
		.nr = P4NI9_DOUBLE_LOCK_IRQOFF, .name = "double-lock-irqoff",
		.what = "takes the same spinlock twice with IRQs disabled",
		.dump_via = "dumpwatch: another CPU sees the heartbeat stop, or the CPU's own NMI",
		.outcome = OUTCOME_DUMP,
		.expect = "hard LOCKUP",
		.verdict = "hard-lockup",
		.settings = {
			{ "/sys/module/dumpwatch/parameters/enabled", "Y" },
			{ "/sys/module/dumpwatch/parameters/thresh", "10" },
			/*
			 * perf's dynamic throttling, off (in this order: the
			 * rate cannot be written once it is off). Under
			 * emulation a slow host makes each NMI look long;
			 * perf then lowers the sample rate until it throttles
			 * the watchdog's event, and only the tick, which a
			 * CPU with IRQs off never takes, would unthrottle
			 * it: a single stuck CPU then hangs with no dump.
			 */
			{ SYSCTL("perf_event_max_sample_rate"), "100000" },
			{ SYSCTL("perf_cpu_time_max_percent"), "0" },
		},
		.needs_watcher = true,
		.series[SERIES_6_12] = {
			.dump_via = "hard-lockup detector (perf NMI; 6.12-buddy: the next CPU's "
				    "timer) -> hardlockup_panic=1; else an RCU stall -> "
				    "panic_on_rcu_stall=1",
			.expect = "detected hard LOCKUP|detected stalls on CPUs",
			.settings = {
				/*
				 * arm64's perf detector counts cycles of a
				 * 5 GHz CPU when cpufreq says nothing, so
				 * under QEMU (about 1e9 cycles a second) its
				 * NMI comes every 5 * thresh seconds: 1 keeps
				 * the detection near 10 s, before RCU's 21 s.
				 */
				{ SYSCTL("watchdog_thresh"), "1" },
				{ SYSCTL("hardlockup_panic"), "1" },
				{ SYSCTL("panic_on_rcu_stall"), "1" },
				{ SYSCTL("perf_event_max_sample_rate"), "100000" },
				{ SYSCTL("perf_cpu_time_max_percent"), "0" },
			},
		},
	},
};

const char *p4ni9_series_name(enum p4ni9_series s)
{
	return s == SERIES_6_12 ? "6.12" : "6.1";
}

int p4ni9_series_lookup(const char *name)
{
	if (!strcmp(name, "6.1"))
		return SERIES_6_1;
	if (!strcmp(name, "6.12"))
		return SERIES_6_12;
	return -1;
}

const char *p4ni9_dump_via(const struct p4ni9_row *c, enum p4ni9_series s)
{
	return c->series[s].dump_via ? c->series[s].dump_via : c->dump_via;
}

const char *p4ni9_expect(const struct p4ni9_row *c, enum p4ni9_series s)
{
	return c->series[s].expect ? c->series[s].expect : c->expect;
}

const struct p4ni9_setting *p4ni9_settings(const struct p4ni9_row *c, enum p4ni9_series s)
{
	return c->series[s].settings[0].path ? c->series[s].settings : c->settings;
}

const struct p4ni9_row *p4ni9_case_lookup(const char *arg)
{
	char *end;
	long nr;
	int i;

	if (!arg || !*arg)
		return NULL;
	nr = strtol(arg, &end, 10);
	if (*end == '\0') {
		if (nr < 0 || nr >= P4NI9_NR_CASES)
			return NULL;
		return &p4ni9_cases[nr];
	}
	for (i = 0; i < P4NI9_NR_CASES; i++)
		if (strcmp(arg, p4ni9_cases[i].name) == 0)
			return &p4ni9_cases[i];
	return NULL;
}

const char *p4ni9_outcome_name(enum p4ni9_outcome o)
{
	return o == OUTCOME_DUMP ? "dump" : "survived";
}
