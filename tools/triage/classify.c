// SPDX-License-Identifier: GPL-2.0
/*
 * Pure rules over text: the verdict from the kernel log, the p4ni9 case,
 * the panic message, symbol+offset strings. No dump needed: unit-tested.
 * The p4ni9 case table (tools/p4ni9/cases.c) is the one source of case
 * names; a case's function in the kernel is "p4ni9_" + its name with '-'
 * turned into '_' (kernel/src/kernel/p4ni9.c keeps that rule).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/how.h"
#include "p4ni9/cases.h"
#include "triage.h"

static const char *const verdict_names[] = {
	[V_UNKNOWN] = "unknown",
	[V_PANIC] = "panic",
	[V_NULL_DEREF] = "null-deref",
	[V_SCHED_ATOMIC] = "scheduling-while-atomic",
	[V_SOFT_LOCKUP] = "soft-lockup",
	[V_HARD_LOCKUP] = "hard-lockup",
	[V_BUTTON] = "button",
};

const char *verdict_name(enum verdict v)
{
	if ((unsigned int)v >= sizeof(verdict_names) / sizeof(verdict_names[0]))
		return "unknown";
	return verdict_names[v];
}

/*
 * Log markers, strongest first: the first rule with a matching line wins.
 * A soft lockup or a stall ends in "Kernel panic", so panic comes last.
 * dumpwatch's texts are the ones the lab's how-rules use (common/how.h); the
 * button's "dump button pressed" is 6.1's dumpwatch's and 6.12's
 * dump-button driver's.
 */
static const struct {
	enum verdict v;
	const char *text;
} markers[] = {
	{ V_BUTTON, HOW_BUTTON_TEXT },
	{ V_HARD_LOCKUP, HOW_HARD_LOCKUP_TEXT },
	{ V_HARD_LOCKUP, "detected stalls on CPUs/tasks" },
	{ V_HARD_LOCKUP, "self-detected stall on CPU" },
	{ V_SOFT_LOCKUP, "soft lockup - CPU#" },
	{ V_SCHED_ATOMIC, "BUG: scheduling while atomic" },
	{ V_NULL_DEREF, "Unable to handle kernel NULL pointer dereference" },
	{ V_NULL_DEREF, "BUG: kernel NULL pointer dereference" },
	{ V_PANIC, "Kernel panic - not syncing" },
};

enum verdict classify_log(const char *const *lines, size_t n)
{
	size_t m, i;

	for (m = 0; m < sizeof(markers) / sizeof(markers[0]); m++)
		for (i = 0; i < n; i++)
			if (lines[i] && strstr(lines[i], markers[m].text))
				return markers[m].v;
	return V_UNKNOWN;
}

const char *case_name(int nr)
{
	if (nr < 0 || nr >= P4NI9_NR_CASES)
		return NULL;
	return p4ni9_cases[nr].name;
}

int case_from_log(const char *const *lines, size_t n)
{
	static const char tag[] = "p4ni9: case ";
	size_t i;
	int found = -1;

	for (i = 0; i < n; i++) {
		const char *p = lines[i] ? strstr(lines[i], tag) : NULL;
		char *end;
		long nr;

		if (!p || !strstr(p, "triggered by"))
			continue;
		p += sizeof(tag) - 1;
		nr = strtol(p, &end, 10);
		if (end == p || nr < 0 || nr >= P4NI9_NR_CASES)
			continue;
		/* "(name)" must agree with the table when it is there */
		if (end[0] == ' ' && end[1] == '(') {
			size_t len = strlen(p4ni9_cases[nr].name);

			if (strncmp(end + 2, p4ni9_cases[nr].name, len) || end[2 + len] != ')')
				continue;
		}
		found = (int)nr;	/* the last one is the one that failed */
	}
	return found;
}

int case_from_function(const char *func)
{
	char want[64];
	int nr;
	size_t i;

	if (!func || strncmp(func, "p4ni9_", 6))
		return -1;
	for (nr = 0; nr < P4NI9_NR_CASES; nr++) {
		snprintf(want, sizeof(want), "p4ni9_%s", p4ni9_cases[nr].name);
		for (i = 0; want[i]; i++)
			if (want[i] == '-')
				want[i] = '_';
		if (!strcmp(func, want))
			return nr;
	}
	return -1;
}

/* Messages that say why the kernel died, in order of preference. */
static const char *const death_msgs[] = {
	"Kernel panic - not syncing",
	"Unable to handle kernel",
	"BUG: kernel NULL pointer dereference",
	"Internal error:",
	HOW_BUTTON_TEXT,
};

const char *panic_message(const char *const *lines, size_t n)
{
	size_t m, i;

	for (m = 0; m < sizeof(death_msgs) / sizeof(death_msgs[0]); m++)
		for (i = 0; i < n; i++)
			if (lines[i] && strstr(lines[i], death_msgs[m]))
				return strstr(lines[i], death_msgs[m]);
	return NULL;
}

/*
 * The tail ends at the first "Kernel panic" line; an oops that went
 * straight to crash_kexec() (panic_on_oops) has none, so it ends at the
 * "Internal error:" line, after the fault's description.
 */
size_t log_anchor(const char *const *lines, size_t n)
{
	static const char *const anchors[] = {
		"Kernel panic - not syncing", "Internal error:",
	};
	size_t a, i;

	for (a = 0; a < sizeof(anchors) / sizeof(anchors[0]); a++)
		for (i = 0; i < n; i++)
			if (lines[i] && strstr(lines[i], anchors[a]))
				return i;
	return n ? n - 1 : 0;
}

bool find_hex_after(const char *const *lines, size_t n, const char *tag, uint64_t *v)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const char *p = lines[i] ? strstr(lines[i], tag) : NULL;
		char *end;
		unsigned long long x;

		if (!p)
			continue;
		p += strlen(tag);
		x = strtoull(p, &end, 16);
		if (end == p)
			continue;
		*v = x;
		return true;
	}
	return false;
}

void format_symoff(char *buf, size_t len, const char *name, uint64_t off, uint64_t size)
{
	if (size)
		snprintf(buf, len, "%s+0x%" PRIx64 "/0x%" PRIx64, name, off, size);
	else
		snprintf(buf, len, "%s+0x%" PRIx64, name, off);
}

void symoff_function(const char *symoff, char *buf, size_t len)
{
	size_t i;

	if (!len)
		return;
	for (i = 0; symoff[i] && symoff[i] != '+' && i + 1 < len; i++)
		buf[i] = symoff[i];
	buf[i] = '\0';
}

bool find_cpu_pid_line(const char *const *lines, size_t n, int *cpu, int *pid)
{
	bool found = false;
	size_t i;

	for (i = 0; i < n; i++) {
		const char *p = lines[i] ? strstr(lines[i], "CPU: ") : NULL;
		int c, q;

		if (p && sscanf(p, "CPU: %d PID: %d Comm:", &c, &q) == 2) {
			*cpu = c;
			*pid = q;
			found = true;
		}
	}
	return found;
}

bool find_atomic_preempt(const char *const *lines, size_t n, uint64_t *count)
{
	static const char tag[] = "BUG: scheduling while atomic: ";
	size_t i;

	for (i = 0; i < n; i++) {
		const char *p = lines[i] ? strstr(lines[i], tag) : NULL, *slash;
		char *end;
		unsigned long long v;

		if (!p)
			continue;
		/* "comm/pid/0xcount": comm may hold a '/', so the last one */
		slash = strrchr(p, '/');
		if (!slash || strncmp(slash + 1, "0x", 2))
			continue;
		v = strtoull(slash + 3, &end, 16);
		if (end == slash + 3)
			continue;
		*count = v;
		return true;
	}
	return false;
}
