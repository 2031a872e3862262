// SPDX-License-Identifier: GPL-2.0
/* The report: text for people, JSON (stable keys) for machines. */
#include <inttypes.h>
#include <stdio.h>
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

static void jstr(FILE *o, const char *s)
{
	fputc('"', o);
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			fprintf(o, "\\%c", ch);
		else if (ch < 0x20 || ch >= 0x7f)
			fprintf(o, "\\u%04x", ch);
		else
			fputc(ch, o);
	}
	fputc('"', o);
}

static void jstr_or_null(FILE *o, const char *s)
{
	if (s && *s)
		jstr(o, s);
	else
		fputs("null", o);
}

static void jframes(FILE *o, const struct frame *f, unsigned int n)
{
	unsigned int i;

	fputc('[', o);
	for (i = 0; i < n; i++) {
		if (i)
			fputs(", ", o);
		jstr(o, f[i].sym);
	}
	fputc(']', o);
}

void report_json(const struct report *r, FILE *o)
{
	char buf[512];
	unsigned int i;
	int cpu;

	fputs("{\n  \"release\": ", o);
	jstr(o, r->release);
	fputs(",\n  \"arch\": ", o);
	jstr(o, r->arch);
	fputs(",\n  \"verdict\": ", o);
	jstr(o, verdict_name(r->verdict));
	if (r->case_nr >= 0) {
		fprintf(o, ",\n  \"case\": %d,\n  \"case_name\": ", r->case_nr);
		jstr(o, case_name(r->case_nr));
	} else {
		fputs(",\n  \"case\": null,\n  \"case_name\": null", o);
	}
	fputs(",\n  \"panic_message\": ", o);
	jstr_or_null(o, r->panic_message);
	if (r->panic_cpu >= 0)
		fprintf(o, ",\n  \"panic_cpu\": %d", r->panic_cpu);
	else
		fputs(",\n  \"panic_cpu\": null", o);
	fputs(",\n  \"task\": ", o);
	if (r->pid >= 0) {
		fputs("{\"comm\": ", o);
		jstr(o, r->comm);
		fprintf(o, ", \"pid\": %d, \"preempt_count\": ", r->pid);
		if (r->have_preempt)
			fprintf(o, "%" PRId64 ", \"preempt_count_in_dump\": %" PRId64
				", \"preempt_count_crash_path\": %" PRId64,
				r->preempt_count - r->preempt_crash_path, r->preempt_count,
				r->preempt_crash_path);
		else
			fputs("null", o);
		if (r->preempt_logged >= 0)
			fprintf(o, ", \"preempt_count_at_bug\": %" PRId64 "}", r->preempt_logged);
		else
			fputs(", \"preempt_count_at_bug\": null}", o);
	} else {
		fputs("null", o);
	}
	fputs(",\n  \"cpus\": [", o);
	for (cpu = 0; cpu < r->nr_cpus; cpu++) {
		const struct cpu_report *c = &r->cpus[cpu];

		fprintf(o, "%s\n    {\"cpu\": %d, \"online\": %s, \"regs_saved\": %s, \"pc\": ",
			cpu ? "," : "", cpu, c->online ? "true" : "false",
			c->regs_saved ? "true" : "false");
		jstr_or_null(o, c->regs_saved ? c->pc : NULL);
		fputs(", \"lr\": ", o);
		jstr_or_null(o, c->regs_saved ? c->lr : NULL);
		if (c->pid >= 0) {
			fprintf(o, ", \"pid\": %d, \"comm\": ", c->pid);
			jstr(o, c->comm);
		} else {
			fputs(", \"pid\": null, \"comm\": null", o);
		}
		fputs(", \"lock\": ", o);
		jstr_or_null(o, c->lock);
		fputs(", \"backtrace\": ", o);
		jframes(o, c->frames, c->regs_saved ? c->nframes : 0);
		fputc('}', o);
	}
	fputs("\n  ],\n  \"registers_from\": ", o);
	jstr(o, r->notes_mapping);
	fputs(",\n  \"backtrace\": ", o);
	jframes(o, r->bt, r->nbt);
	fputs(",\n  \"esr\": ", o);
	if (r->have_esr) {
		const struct esr_info *x = &r->esr;

		esr_summary(x, buf, sizeof(buf));
		fprintf(o, "{\"value\": \"0x%016" PRIx64 "\", \"ec\": %u, \"ec_name\": ", x->value,
			x->ec);
		jstr(o, x->ec_name);
		fprintf(o, ", \"il\": %u, \"iss\": %u, \"fsc\": ", x->il, x->iss);
		if (x->fsc >= 0) {
			fprintf(o, "%d, \"fsc_kind\": ", x->fsc);
			jstr(o, x->fsc_kind);
			fputs(", \"fsc_name\": ", o);
			jstr(o, x->fsc_name);
		} else {
			fputs("null, \"fsc_kind\": null, \"fsc_name\": null", o);
		}
		if (x->wnr >= 0)
			fprintf(o, ", \"wnr\": %d", x->wnr);
		else
			fputs(", \"wnr\": null", o);
		fputs(", \"summary\": ", o);
		jstr(o, buf);
		fputc('}', o);
	} else {
		fputs("null", o);
	}
	fputs(",\n  \"locks\": [", o);
	for (i = 0; i < r->nlocks; i++) {
		if (i)
			fputs(", ", o);
		jstr(o, r->locks[i]);
	}
	fputs("],\n  \"log_tail\": [", o);
	for (i = 0; i < r->ntail; i++) {
		fputs(i ? ",\n    " : "\n    ", o);
		jstr(o, r->tail[i]);
	}
	fputs("\n  ],\n  \"log_readable\": ", o);
	fputs(r->log_ok ? "true" : "false", o);
	fputs(",\n  \"warnings\": [", o);
	for (i = 0; i < r->nwarnings; i++) {
		if (i)
			fputs(", ", o);
		jstr(o, r->warnings[i]);
	}
	fputs("]\n}\n", o);
}
