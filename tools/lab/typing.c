// SPDX-License-Identifier: GPL-2.0
/*
 * Typing on a board's serial console, as a person at the serial adapter
 * would: the board's /init arms kdump, prints its banner and starts a shell;
 * the runner wakes the shell with a newline, waits for the prompt that
 * newline brings, and types the trigger. busybox ash sends terminal queries
 * (ESC [ 6 n) with its prompt: they are stripped before matching. Pure,
 * unit-tested.
 */
#include <stdio.h>
#include <string.h>

#include "lab.h"

void strip_escapes(const char *in, char *out, size_t len)
{
	size_t n = 0;

	if (!len)
		return;
	while (*in && n + 1 < len) {
		if (*in == '\033') {
			in++;
			if (*in == '[') {	/* CSI: parameters, then one final byte */
				in++;
				while (*in && (*in < 0x40 || *in > 0x7e))
					in++;
			}
			if (*in)
				in++;
			continue;
		}
		if (*in != '\r')
			out[n++] = *in;
		in++;
	}
	out[n] = '\0';
}

bool at_prompt(const char *text)
{
	char clean[256];
	size_t n;

	strip_escapes(text, clean, sizeof(clean));
	n = strlen(clean);
	return n >= 2 && !strcmp(clean + n - 2, "# ");
}

const char *typist_feed(struct typist *t, const char *text, bool whole)
{
	switch (t->state) {
	case TY_BANNER:
		if (whole && strstr(text, BOARD_BANNER)) {
			t->state = TY_WOKEN;
			return "\n";
		}
		break;
	case TY_WOKEN:
		/* The prompt line that our newline ended: the shell reads input. */
		if (whole && at_prompt(text))
			t->state = TY_PROMPT;
		break;
	case TY_PROMPT:
		if (!whole && at_prompt(text)) {
			t->state = TY_TYPED;
			return t->command;
		}
		break;
	case TY_TYPED:
		break;
	}
	return NULL;
}

/*
 * The case with the lines the lab's /init says around it ("dumpable:
 * trigger case", "p4ni9 returned", "survived"). "dumpable:" is in a
 * variable so that the shell's echo of the typed line never reads as
 * one of those lines.
 */
int typed_trigger(const struct spec *s, char *buf, size_t len)
{
	char cpu[32] = "", pin[32] = "", churn[80] = "";
	int n;

	if (s->trigger_cpu >= 0) {
		snprintf(cpu, sizeof(cpu), " on CPU %d", s->trigger_cpu);
		snprintf(pin, sizeof(pin), "taskset %x ", 1u << s->trigger_cpu);
	}
	/*
	 * 6.12's case 5 without NMIs ends by an RCU stall, reported only while
	 * a grace period waits: as the lab's /init does, one process loop on a
	 * CPU the case does not take, so that this quiet shell has some.
	 */
	if (s->series == SERIES_6_12 && s->row->needs_watcher)
		snprintf(churn, sizeof(churn), "taskset %x sh -c 'while :; do sleep 1; done' & ",
			 s->trigger_cpu == 0 ? 2u : 1u);
	if (s->exec)
		n = snprintf(buf, len, "d=dumpable:; echo $d exec begin; sh /tmp/exec.sh; "
			     "echo $d exec end: status $?\n");
	else
		n = snprintf(buf, len, "d=dumpable:; echo $d trigger case %d%s; %s%sp4ni9 %s --arm --yes; "
			     "echo $d p4ni9 returned: exit status $?; sleep 2; "
			     "echo $d survived: still running after the call\n",
			     s->row->nr, cpu, churn, pin, s->row->name);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

/*
 * The --exec script, pasted into /tmp/exec.sh as a here-document. The
 * shell's line editor reads it, and a tab there asks for completion: tabs
 * are typed as spaces. A script holding the end marker, or bytes other than
 * printable ASCII, tabs and newlines, cannot be typed (-1).
 */
int typed_script(const char *script, char *buf, size_t len)
{
	static const char end[] = "DUMPABLE_EXEC_END";
	size_t n;
	const char *c;
	int k;

	k = snprintf(buf, len, "cat >/tmp/exec.sh <<'%s'\n", end);
	if (k < 0 || (size_t)k >= len)
		return -1;
	n = (size_t)k;
	for (c = script; *c; c++) {
		if ((*c < 0x20 && *c != '\t' && *c != '\n') || (unsigned char)*c > 0x7e)
			return -1;
		if (!strncmp(c, end, sizeof(end) - 1) && (c == script || c[-1] == '\n'))
			return -1;
		if (n + 2 >= len)
			return -1;
		buf[n++] = *c == '\t' ? ' ' : *c;
	}
	if (n && buf[n - 1] != '\n')
		buf[n++] = '\n';
	k = snprintf(buf + n, len - n, "%s\n", end);
	return k < 0 || (size_t)k >= len - n ? -1 : 0;
}
