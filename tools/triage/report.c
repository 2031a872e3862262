// SPDX-License-Identifier: GPL-2.0
/* The report: text for people, JSON (stable keys, jansson) for machines. */
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "triage.h"

static void esr_summary(const struct esr_info *x, char *buf, size_t len)
{
	int n = snprintf(buf, len, "ESR 0x%016" PRIx64 ": EC 0x%02x %s, IL %u bits", x->value,
			 x->ec, x->ec_name, x->il);

	if (n < 0 || (size_t)n >= len)
		return;
	if (x->fsc >= 0)
		n += snprintf(buf + n, len - (size_t)n, ", %s 0x%02x %s", x->fsc_kind, x->fsc,
			      x->fsc_name);
	if (x->wnr >= 0 && n > 0 && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, ", %s", x->wnr ? "write" : "read");
}

/*
 * Everything in the text report that comes from the dump (task names, the
 * release, log lines, panic message) passes through here: a dump can hold
 * any bytes, and escape sequences must not reach the reader's terminal.
 */
void put_escaped(FILE *o, const char *s)
{
	for (; s && *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '\\')
			fputs("\\\\", o);
		else if (ch < 0x20 || ch >= 0x7f)
			fprintf(o, "\\x%02x", ch);
		else
			fputc(ch, o);
	}
}

/* fputs(@label) then put_escaped(@s) then fputs(@after) */
static void line(FILE *o, const char *label, const char *s, const char *after)
{
	fputs(label, o);
	put_escaped(o, s);
	fputs(after, o);
}

void report_text(const struct report *r, FILE *o)
{
	char buf[512];
	unsigned int i;
	int cpu;

	line(o, "release:       ", r->release, "");
	fprintf(o, " (%s, %s)\n", r->arch, r->format);
	fprintf(o, "verdict:       %s\n", verdict_name(r->verdict));
	if (r->case_nr >= 0)
		fprintf(o, "p4ni9 case:    %d (%s)\n", r->case_nr, case_name(r->case_nr));
	else
		fprintf(o, "p4ni9 case:    none found\n");
	line(o, "panic message: ", r->panic_message[0] ? r->panic_message :
	     r->log_ok ? "(none found)" : "(unknown: the kernel log is unreadable)", "\n");
	if (r->panic_cpu >= 0)
		fprintf(o, "panic CPU:     %d\n", r->panic_cpu);
	else
		fprintf(o, "panic CPU:     unknown\n");
	if (r->pid >= 0) {
		int64_t own;

		line(o, "task:          ", r->comm, "");
		fprintf(o, " (pid %d)", r->pid);
		if (r->have_preempt) {
			/* the failing context's count, without the crash path's own */
			own = r->preempt_count - r->preempt_crash_path;
			fprintf(o, ", preempt count 0x%" PRIx64 "%s", (uint64_t)own,
				own & 0xff ? " (preemption disabled: a spinlock held, or preempt_disable())" : "");
			if (r->preempt_crash_path)
				fprintf(o, " [0x%" PRIx64 " in the dump, with %s]",
					(uint64_t)r->preempt_count, r->preempt_why);
		}
		if (r->preempt_logged >= 0)
			fprintf(o, "; 0x%" PRIx64 " when it scheduled while atomic",
				(uint64_t)r->preempt_logged);
		fprintf(o, "\n");
	}
	if (r->have_esr) {
		esr_summary(&r->esr, buf, sizeof(buf));
		fprintf(o, "fault:         %s\n", buf);
	}
	for (i = 0; i < r->nlocks; i++)
		fprintf(o, "lock:          %s\n", r->locks[i]);
	fprintf(o, "\nbacktrace of the panicking task:\n");
	if (!r->nbt)
		fprintf(o, "  (none: no registers saved for the panicking CPU)\n");
	for (i = 0; i < r->nbt; i++)
		fprintf(o, "  #%-2u %s%s\n", i, r->bt[i].sym,
			i && r->bt[i].exact ? "  [exception]" :
			r->bt[i].from_lr ? "  [from LR: the frame above keeps no record]" : "");
	fprintf(o, "\nCPUs (%d possible; registers from %s):\n", r->nr_cpus, r->notes_mapping);
	for (cpu = 0; cpu < r->nr_cpus; cpu++) {
		const struct cpu_report *c = &r->cpus[cpu];

		fprintf(o, "  CPU %d: %s, ", cpu, c->online ? "online" : "offline");
		if (c->pid >= 0) {
			line(o, "current ", c->comm, "");
			fprintf(o, "/%d, ", c->pid);
		}
		if (!c->regs_saved) {
			fprintf(o, "NO REGISTERS SAVED\n");
			continue;
		}
		fprintf(o, "pc %s, lr %s\n", c->pc, c->lr[0] ? c->lr : "-");
		if (cpu == r->panic_cpu)
			continue;
		for (i = 0; i < c->nframes; i++)
			fprintf(o, "      #%-2u %s%s\n", i, c->frames[i].sym,
				i && c->frames[i].exact ? "  [exception]" :
				c->frames[i].from_lr ? "  [from LR]" : "");
	}
	fprintf(o, "\nkernel log before the panic:\n");
	if (!r->log_ok)
		line(o, "  (UNREADABLE: ", r->log_error, ")\n");
	for (i = 0; i < r->ntail; i++)
		line(o, "  ", r->tail[i], "\n");
	for (i = 0; i < r->nwarnings; i++)
		line(o, "warning: ", r->warnings[i], "\n");
}

/*
 * A string for JSON: bytes outside ASCII are taken as Latin-1 (a kernel log
 * line may hold anything), so the text is always valid UTF-8.
 */
static json_t *jstr(const char *s)
{
	size_t n = strlen(s), i, k = 0;
	char *u = malloc(2 * n + 1);
	json_t *j;

	if (!u)
		return json_null();
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch < 0x80) {
			u[k++] = (char)ch;
		} else {
			u[k++] = (char)(0xc0 | ch >> 6);
			u[k++] = (char)(0x80 | (ch & 0x3f));
		}
	}
	j = json_stringn(u, k);
	free(u);
	return j ? j : json_null();
}

static json_t *jstr_or_null(const char *s)
{
	return s && *s ? jstr(s) : json_null();
}

static json_t *jint_or_null(bool have, json_int_t v)
{
	return have ? json_integer(v) : json_null();
}

static json_t *jframes(const struct frame *f, unsigned int n)
{
	json_t *a = json_array();
	unsigned int i;

	for (i = 0; i < n; i++)
		json_array_append_new(a, jstr(f[i].sym));
	return a;
}

static json_t *jstrings(const char *const *s, size_t stride, size_t n)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_array_append_new(a, jstr(*(const char *const *)((const char *)s + i * stride)));
	return a;
}

static json_t *task_json(const struct report *r)
{
	if (r->pid < 0)
		return json_null();
	/*
	 * preempt_count: the failing context's; the dump's own value also
	 * counts what the crash path (die(), panic()) added.
	 */
	return json_pack("{s:o, s:i, s:o, s:o, s:o, s:o}", "comm", jstr(r->comm), "pid", r->pid,
			 "preempt_count", jint_or_null(r->have_preempt,
						       r->preempt_count - r->preempt_crash_path),
			 "preempt_count_in_dump", jint_or_null(r->have_preempt, r->preempt_count),
			 "preempt_count_crash_path",
			 jint_or_null(r->have_preempt, r->preempt_crash_path),
			 "preempt_count_at_bug",
			 jint_or_null(r->preempt_logged >= 0, r->preempt_logged));
}

static json_t *cpus_json(const struct report *r)
{
	json_t *a = json_array();
	int cpu;

	for (cpu = 0; cpu < r->nr_cpus; cpu++) {
		const struct cpu_report *c = &r->cpus[cpu];

		json_array_append_new(a, json_pack(
			"{s:i, s:b, s:b, s:o, s:o, s:o, s:o, s:o, s:o}", "cpu", cpu,
			"online", c->online, "regs_saved", c->regs_saved,
			"pc", jstr_or_null(c->regs_saved ? c->pc : NULL),
			"lr", jstr_or_null(c->regs_saved ? c->lr : NULL),
			"pid", jint_or_null(c->pid >= 0, c->pid),
			"comm", c->pid >= 0 ? jstr(c->comm) : json_null(),
			"lock", jstr_or_null(c->lock),
			"backtrace", jframes(c->frames, c->regs_saved ? c->nframes : 0)));
	}
	return a;
}

static json_t *esr_json(const struct report *r)
{
	const struct esr_info *x = &r->esr;
	char buf[512], value[24];

	if (!r->have_esr)
		return json_null();
	esr_summary(x, buf, sizeof(buf));
	snprintf(value, sizeof(value), "0x%016" PRIx64, x->value);
	return json_pack("{s:s, s:i, s:o, s:i, s:i, s:o, s:o, s:o, s:o, s:o}",
			 "value", value, "ec", x->ec, "ec_name", jstr(x->ec_name),
			 "il", x->il, "iss", x->iss, "fsc", jint_or_null(x->fsc >= 0, x->fsc),
			 "fsc_kind", x->fsc >= 0 ? jstr(x->fsc_kind) : json_null(),
			 "fsc_name", x->fsc >= 0 ? jstr(x->fsc_name) : json_null(),
			 "wnr", jint_or_null(x->wnr >= 0, x->wnr), "summary", jstr(buf));
}

void report_json(const struct report *r, FILE *o)
{
	const char *locks[2] = { r->locks[0], r->locks[1] };
	const char *warnings[8];
	unsigned int i;
	json_t *j = json_object();

	for (i = 0; i < r->nwarnings && i < 8; i++)
		warnings[i] = r->warnings[i];
	json_object_set_new(j, "release", jstr(r->release));
	json_object_set_new(j, "arch", jstr(r->arch));
	json_object_set_new(j, "verdict", jstr(verdict_name(r->verdict)));
	json_object_set_new(j, "case", jint_or_null(r->case_nr >= 0, r->case_nr));
	json_object_set_new(j, "case_name",
			    r->case_nr >= 0 ? jstr(case_name(r->case_nr)) : json_null());
	json_object_set_new(j, "panic_message", jstr_or_null(r->panic_message));
	json_object_set_new(j, "panic_cpu", jint_or_null(r->panic_cpu >= 0, r->panic_cpu));
	json_object_set_new(j, "task", task_json(r));
	json_object_set_new(j, "cpus", cpus_json(r));
	json_object_set_new(j, "registers_from", jstr(r->notes_mapping));
	json_object_set_new(j, "backtrace", jframes(r->bt, r->nbt));
	json_object_set_new(j, "esr", esr_json(r));
	json_object_set_new(j, "locks", jstrings(locks, sizeof(locks[0]), r->nlocks));
	json_object_set_new(j, "log_tail",
			    jstrings((const char *const *)r->tail, sizeof(r->tail[0]), r->ntail));
	json_object_set_new(j, "log_readable", json_boolean(r->log_ok));
	json_object_set_new(j, "warnings", jstrings(warnings, sizeof(warnings[0]), i));
	json_dumpf(j, o, JSON_INDENT(2));
	fputc('\n', o);
	json_decref(j);
}
