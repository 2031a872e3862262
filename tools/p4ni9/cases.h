/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The table of p4ni9 cases as user space sees them: what each does, what
 * turns it into a dump, and what the dump must show. The numbers and names
 * come from the kernel's uapi header; everything else about a case is here,
 * once. The lab reads it through `p4ni9 list --tsv`.
 */
#ifndef P4NI9_CASES_H
#define P4NI9_CASES_H

#include <stdbool.h>

#include <linux/p4ni9.h>

/* The kernel's header exports the case numbers; user space counts them. */
#define P4NI9_NR_CASES (P4NI9_DOUBLE_LOCK_IRQOFF + 1)

#define P4NI9_MAX_SETTINGS 6

/* dumpwatch (kernel/dumpwatch.c): are its per-CPU NMIs in use? */
#define DUMPWATCH_NMI "/sys/module/dumpwatch/parameters/nmi"

/* 6.12's mainline hard-lockup detector: is it running (perf NMI available)? */
#define NMI_WATCHDOG "/proc/sys/kernel/nmi_watchdog"

/*
 * The kernel series the project patches. What turns a case into a dump can
 * differ between them (case 5: dumpwatch on 6.1, mainline's detectors on
 * 6.12), and so does p4ni9's system call number.
 */
enum p4ni9_series {
	SERIES_6_1,
	SERIES_6_12,
	P4NI9_NR_SERIES,
};

/* A file under /proc or /sys and the value that makes the case end in a dump. */
struct p4ni9_setting {
	const char *path;
	const char *value;
};

enum p4ni9_outcome {
	OUTCOME_DUMP,		/* the machine panics and kdump saves a dump */
	OUTCOME_SURVIVED,	/* the call returns and the machine goes on */
};

struct p4ni9_row {
	int nr;
	const char *name;
	const char *what;	/* what the kernel does */
	const char *dump_via;	/* how a dump comes about */
	enum p4ni9_outcome outcome;
	const char *expect;	/* text the dump's kernel log must hold */
	const char *verdict;	/* the triage verdict for its dump */
	/* Settings that must hold for a dump (all of them). */
	struct p4ni9_setting settings[P4NI9_MAX_SETTINGS];
	/*
	 * Only another CPU or an NMI can see this case (IRQs off): on one
	 * CPU without NMIs it hangs for ever.
	 */
	bool needs_watcher;
	/*
	 * The call returns with preemption still disabled: yield at once, so
	 * that schedule() reports it. Left to the exit path, a pending
	 * reschedule can livelock zap_pte_range() (need_resched() stays set,
	 * cond_resched() cannot run) and the bug is never reported.
	 */
	bool then_yield;
	/*
	 * Where a later series differs: dump_via, expect and settings
	 * replace the row's own there (when set).
	 */
	struct {
		const char *dump_via;
		const char *expect;
		struct p4ni9_setting settings[P4NI9_MAX_SETTINGS];
	} series[P4NI9_NR_SERIES];
};

extern const struct p4ni9_row p4ni9_cases[P4NI9_NR_CASES];

/* Case by number ("1") or name ("null-deref"); NULL if there is none. */
const struct p4ni9_row *p4ni9_case_lookup(const char *arg);
const char *p4ni9_outcome_name(enum p4ni9_outcome o);

/* The series' name ("6.1", "6.12") and back; -1 for an unknown name. */
const char *p4ni9_series_name(enum p4ni9_series s);
int p4ni9_series_lookup(const char *name);
/* The case as the series sees it. */
const char *p4ni9_dump_via(const struct p4ni9_row *c, enum p4ni9_series s);
const char *p4ni9_expect(const struct p4ni9_row *c, enum p4ni9_series s);
const struct p4ni9_setting *p4ni9_settings(const struct p4ni9_row *c, enum p4ni9_series s);

#endif
