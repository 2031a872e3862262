// SPDX-License-Identifier: GPL-2.0
/*
 * Console lines to events: what the guest's /init (lab/guest/init) and
 * kdump-save print for the host to watch. Pure, unit-tested.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lab.h"

static bool starts(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

enum event line_event(const char *line, int *arg)
{
	static const char ret[] = "dumpable: p4ni9 returned: exit status ";
	const char *p;

	if (starts(line, "dumpable: armed"))
		return EV_ARMED;
	if (starts(line, "dumpable: trigger case") || starts(line, "dumpable: exec begin"))
		return EV_TRIGGERED;
	if (starts(line, "dumpable: survived") || starts(line, "dumpable: exec end"))
		return EV_SURVIVED;
	p = strstr(line, ret);
	if (p) {
		char *end;
		long v = strtol(p + sizeof(ret) - 1, &end, 10);

		if (end == p + sizeof(ret) - 1)
			return EV_NONE;
		if (arg)
			*arg = (int)v;
		return EV_RETURNED;
	}
	p = strstr(line, "kdump-save: ");
	if (!p)
		return EV_NONE;
	if (strstr(p, "capture kernel up"))
		return EV_CAPTURE_UP;
	if (strstr(p, "PARTIAL: "))
		return EV_SAVE_PARTIAL;
	if (strstr(p, "watchdog: the save outlasted"))
		return EV_WATCHDOG;
	if (strstr(p, "] saved /") || strstr(p, "] saved dump"))
		return EV_SAVED;
	if (strstr(p, "FAILED"))
		return EV_SAVE_FAILED;
	return EV_NONE;
}

void events_init(struct events *e)
{
	memset(e, 0, sizeof(*e));
	e->armed = e->triggered = e->capture_up = e->saved = -1;
	e->survived = e->end = e->button = e->watchdog = -1;
	e->guest_capture_up = e->guest_saved = -1;
	e->returned = -1;
}

/* kdump-save's "[ 12.34]": seconds on the capture kernel's clock, or -1. */
static double guest_time(const char *line)
{
	const char *p = strstr(line, "kdump-save: [");
	char *end;
	double v;

	if (!p)
		return -1;
	v = strtod(p + strlen("kdump-save: ["), &end);
	return *end == ']' ? v : -1;
}

static void first(double *slot, double t)
{
	if (*slot < 0)
		*slot = t;
}

enum event events_feed(struct events *e, const char *line, double t)
{
	int arg = 0;
	enum event ev = line_event(line, &arg);

	switch (ev) {
	case EV_ARMED:
		first(&e->armed, t);
		break;
	case EV_TRIGGERED:
		first(&e->triggered, t);
		break;
	case EV_CAPTURE_UP:
		if (e->capture_up < 0)
			e->guest_capture_up = guest_time(line);
		first(&e->capture_up, t);
		break;
	case EV_WATCHDOG:
		first(&e->watchdog, t);
		break;
	case EV_SAVED:
	case EV_SAVE_FAILED:
	case EV_SAVE_PARTIAL:
		if (e->saved >= 0)
			break;
		e->saved = t;
		e->save_failed = ev != EV_SAVED;
		e->save_partial = ev == EV_SAVE_PARTIAL;
		e->guest_saved = guest_time(line);
		snprintf(e->saved_line, sizeof(e->saved_line), "%s", strstr(line, "kdump-save: "));
		for (char *c = e->saved_line; *c; c++)	/* text for JSON: printable ASCII */
			if ((unsigned char)*c < 0x20 || (unsigned char)*c > 0x7e)
				*c = '?';
		break;
	case EV_RETURNED:
		if (e->returned < 0)
			e->returned = arg;
		break;
	case EV_SURVIVED:
		if (starts(line, "dumpable: exec end"))
			e->exec_end = true;
		first(&e->survived, t);
		break;
	case EV_NONE:
		break;
	}
	return ev;
}

const char *events_phase(const struct events *e)
{
	if (e->armed < 0)
		return "boot";
	if (e->triggered < 0)
		return "trigger";
	if (e->capture_up < 0)
		return "capture";
	return "save";
}
