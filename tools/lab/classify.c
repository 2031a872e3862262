// SPDX-License-Identifier: GPL-2.0
/*
 * What a run came to, from everything known about it: the spec, the
 * console's events, what came home from the dump disk and the dump's own
 * kernel log. Pure (no I/O), so every rule has a unit test on real logs.
 *
 *   dump            a whole dump came home
 *   partial         the capture kernel came up and kept a partial dump
 *                   (dump-incomplete.<stamp>: disk full, makedumpfile killed)
 *   capture-failed  the capture kernel came up, but no whole dump came home
 *   survived        the case returned 0 (or the --exec script ended) and
 *                   the guest went on
 *   hung            the case started and then nothing moved until a deadline
 *   error           anything else: the guest never armed kdump ("boot"), the
 *                   case never started, the call failed (ENOSYS, EPERM), or
 *                   the run was interrupted
 */
#include <stdio.h>
#include <string.h>

#include "common/how.h"
#include "lab.h"
#include "p4ni9/cli.h"

#define WHY(v, ...) snprintf((v)->why, sizeof((v)->why), __VA_ARGS__)

/* What p4ni9's exit status says. */
static const char *p4ni9_exit_meaning(int status)
{
	switch (status) {
	case EXIT_REFUSED:
		return "refused: no crash kernel loaded";
	case EXIT_ENOSYS:
		return "this kernel has no p4ni9 system call (ENOSYS)";
	case EXIT_EPERM:
		return "EPERM: the caller lacks CAP_SYS_BOOT";
	case EXIT_EINVAL:
		return "EINVAL: the kernel does not know the case";
	default:
		return "an error (a setting could not be written?)";
	}
}

/* The outcome, and in v->why what was wrong when it is an error. */
static const char *outcome(const struct spec *s, const struct events *e,
			   const struct harvest *h, struct verdict *v)
{
	bool whole = h->dump[0] && h->format && !strcmp(h->format, "kdump-compressed");

	if (e->interrupted) {
		WHY(v, "interrupted by signal %d in phase %s", e->interrupted, events_phase(e));
		return "error";
	}
	if (whole)
		return "dump";
	if (e->capture_up >= 0 && (h->partial[0] || e->save_partial)) {
		WHY(v, "the capture kernel kept a partial dump%s; %.160s", h->partial[0] ? "" :
		    " (said so, but none came home)", e->saved_line);
		return h->partial[0] ? "partial" : "capture-failed";
	}
	if (e->capture_up >= 0) {
		if (e->watchdog >= 0)
			WHY(v, "the save outlasted its deadline: kdump-save's watchdog ended it");
		else if (e->save_failed)
			WHY(v, "the capture kernel came up; %.160s", e->saved_line);
		else if (h->dump[0])
			WHY(v, "the dump that came home is not whole: %.320s", h->check);
		else
			WHY(v, "the capture kernel came up, but no dump came home");
		return "capture-failed";
	}
	if (e->armed < 0) {
		WHY(v, "boot: the guest %s without arming kdump ('dumpable: armed')",
		    e->hung_in ? "ran out of time" : "stopped (see qemu.log and console.log)");
		return "error";
	}
	if (e->triggered < 0) {
		WHY(v, "trigger: kdump was armed, but the case never started");
		return "error";
	}
	if (e->survived >= 0) {
		if (s->exec ? e->exec_end : e->returned == 0)
			return "survived";
		if (e->returned > 0)
			WHY(v, "the call failed: p4ni9 returned exit status %d: %s", e->returned,
			    p4ni9_exit_meaning(e->returned));
		else
			WHY(v, "the guest went on, but never said what the call returned");
		return "error";
	}
	if (e->hung_in)
		return "hung";
	WHY(v, "the guest went away after the trigger with no capture kernel");
	return "error";
}

/* Does text hold one of the '|'-separated alternatives in want? */
static bool holds_one_of(const char *text, const char *want)
{
	char alt[256];
	const char *p = want, *bar;
	size_t n;

	while (text && *p) {
		bar = strchr(p, '|');
		n = bar ? (size_t)(bar - p) : strlen(p);
		if (n < sizeof(alt)) {
			memcpy(alt, p, n);
			alt[n] = '\0';
			if (n && strstr(text, alt))
				return true;
		}
		if (!bar)
			break;
		p = bar + 1;
	}
	return false;
}

void classify(const struct spec *s, const struct events *e, const struct harvest *h,
	      const char *dmesg, struct verdict *v)
{
	const char *want;

	memset(v, 0, sizeof(*v));
	v->expected = spec_expected(s);
	v->outcome = outcome(s, e, h, v);
	v->how = dump_how_name(dump_how_text(dmesg));
	if (!dmesg || cpus_not_stopped(dmesg, v->cpus_not_stopped, sizeof(v->cpus_not_stopped)))
		v->cpus_not_stopped[0] = '\0';

	if (strcmp(v->outcome, v->expected)) {
		char detail[sizeof(v->why)];

		snprintf(detail, sizeof(detail), "%s", v->why);
		WHY(v, "expected %s, got %s%s%.400s", v->expected, v->outcome,
		    detail[0] ? ": " : "", detail);
		return;
	}
	v->why[0] = '\0';
	v->match = true;
	if (strcmp(v->outcome, "dump"))
		return;
	/* A run that ends with the button expects the button's dump, not the case's. */
	want = s->button_after_s >= 0 ? HOW_BUTTON_TEXT : p4ni9_expect(s->row, s->series);
	if (want && *want && !holds_one_of(dmesg, want)) {
		v->match = false;
		WHY(v, "the dump's dmesg lacks: %s", want);
	}
}
