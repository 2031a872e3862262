/* SPDX-License-Identifier: GPL-2.0 */
#ifndef P4NI9_CLI_H
#define P4NI9_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "cases.h"

/* Exit codes, documented in `p4ni9 --help`. */
enum {
	EXIT_OK = 0,		/* done; for a case: the call returned 0 */
	EXIT_FAIL = 1,		/* another error (I/O, a setting could not be written) */
	EXIT_USAGE = 2,		/* bad command line, unknown case */
	EXIT_REFUSED = 3,	/* not run: no crash kernel loaded, or not confirmed */
	EXIT_ENOSYS = 4,	/* this kernel has no p4ni9 system call */
	EXIT_EPERM = 5,		/* the kernel said EPERM (needs CAP_SYS_BOOT) */
	EXIT_EINVAL = 6,	/* the kernel said EINVAL (no such case) */
};

enum p4ni9_cmd {
	CMD_HELP,
	CMD_LIST,
	CMD_STATUS,
	CMD_TRIGGER,
	CMD_ARM,
	CMD_RAW,
};

struct p4ni9_opts {
	enum p4ni9_cmd cmd;
	const struct p4ni9_row *c;	/* CMD_TRIGGER, CMD_ARM */
	int raw;			/* CMD_RAW */
	bool tsv;
	bool force;
	bool yes;
	bool arm;
	int series;		/* --kernel SERIES for list, -1 when not given */
};

/*
 * p4ni9's system call number differs between series: 451 on 6.1 (where
 * /sys/kernel/p4ni9_nr does not exist), 600 on 6.12, which says so in
 * /sys/kernel/p4ni9_nr. 451 is cachestat since 6.5: a number is never
 * guessed for a kernel that does not say it (see docs/kernel-series.md).
 */
#define P4NI9_NR_6_1 451
#define P4NI9_NR_FILE "/sys/kernel/p4ni9_nr"

extern const char p4ni9_usage[];

/* Parses argv; on error writes a message to err and returns EXIT_USAGE. */
int p4ni9_parse(int argc, char **argv, struct p4ni9_opts *o, FILE *err);

/* What an errno from the system call means, and the exit code for it. */
const char *p4ni9_strerror(int err);
int p4ni9_exit_code(int err);

void p4ni9_list(FILE *out, bool tsv, enum p4ni9_series series);

/*
 * The machine's state, read from files below root ("" for the real one):
 * whether a crash kernel is loaded, each setting's value, online CPUs.
 */
struct p4ni9_state {
	int crash_loaded;	/* 1, 0, or -1 when unknown */
	int online_cpus;	/* -1 when unknown */
	bool has_p4ni9;		/* the running kernel has the system call */
	bool kallsyms_read;	/* has_p4ni9 comes from /proc/kallsyms */
	enum p4ni9_series series;	/* from the release; 6.1 when unknown */
	char release[64];	/* /proc/sys/kernel/osrelease, "" when unknown */
	int nr;			/* p4ni9's system call number, -1 when unknown */
	char nr_why[256];	/* where nr comes from, or why it is unknown */
};

void p4ni9_read_state(const char *root, struct p4ni9_state *st);
/* Does case c end in a dump with things as they are? why: the reason if not. */
bool p4ni9_will_dump(const char *root, const struct p4ni9_state *st,
		     const struct p4ni9_row *c, char *why, size_t whylen);
void p4ni9_status(FILE *out, const char *root, const struct p4ni9_state *st);
/* Writes the case's settings; returns 0 or an errno, with a message to err. */
int p4ni9_arm(const char *root, const struct p4ni9_row *c, enum p4ni9_series series,
	      FILE *err);

#endif
