// SPDX-License-Identifier: GPL-2.0
/*
 * Report: runs/<id>/spec.json and result.json (jansson; the result keeps
 * the fields and order of the shell runner's, plus board, kernel and
 * interrupted) and the human summary, both from the same data.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

static json_t *spec_json_base(const struct spec *s)
{
	const char *exec = s->exec ? strrchr(s->exec, '/') : NULL;

	return json_pack("{s:i, s:s, s:s, s:s, s:i, s:s, s:i, s:b, s:b, s:o, s:o, s:o, s:b, s:i, s:s}",
			 "case", s->row->nr, "case_name", s->row->name,
			 "board", s->board->name, "kernel", s->kernel,
			 "smp", s->smp, "mem", s->mem, "gic", s->gic, "nmi", s->nmi,
			 "watchdog", s->watchdog,
			 "trigger_cpu", s->trigger_cpu >= 0 ? json_integer(s->trigger_cpu) : json_null(),
			 "button_after_s", s->button_after_s >= 0 ?
				json_integer(s->button_after_s) : json_null(),
			 "exec", s->exec ? json_string(exec ? exec + 1 : s->exec) : json_null(),
			 "keep", s->keep, "timeout_s", s->timeout_s,
			 "expected", spec_expected(s));
}

/* The capture's settings, in spec.json and result.json alike. */
static void capture_fields(json_t *j, const struct spec *s)
{
	json_object_set_new(j, "dump_to", json_string(s->net ? "net" : "disk"));
	json_object_set_new(j, "fault", s->fault ? json_string(s->fault->name) : json_null());
	json_object_set_new(j, "crashkernel", json_string(s->crashkernel[0] ? s->crashkernel :
							  s->board->crashkernel));
	json_object_set_new(j, "save_timeout_s", json_integer(s->save_timeout_s > 0 ?
							      s->save_timeout_s :
							      s->board->save_timeout_s));
	json_object_set_new(j, "save_deadline_s", json_integer(save_deadline_s(s)));
}

json_t *spec_json(const struct spec *s)
{
	json_t *j = spec_json_base(s);

	if (j)
		capture_fields(j, s);
	return j;
}

int write_json(json_t *j, const char *path)
{
	int rc = j ? json_dump_file(j, path, JSON_INDENT(2) | JSON_REAL_PRECISION(10)) : -1;

	if (!rc) {
		FILE *f = fopen(path, "a");	/* a text file ends with a newline */

		rc = f ? (fputc('\n', f), fclose(f)) : -1;
	}
	return rc;
}

/* b - a in seconds to 0.01, NAN when either never happened. */
static double secs(double a, double b)
{
	return a < 0 || b < 0 ? NAN : round((b - a) * 100) / 100;
}

struct timings {
	double boot, panic_to_capture, save, total;
};

static void timings(const struct events *e, struct timings *t)
{
	double done = e->saved >= 0 ? e->saved : e->survived >= 0 ? e->survived : e->end;

	t->boot = secs(0, e->armed);
	t->panic_to_capture = secs(e->triggered, e->capture_up);
	/* The save as kdump-save timed it, on the capture kernel's clock. */
	t->save = secs(e->guest_capture_up, e->guest_saved);
	if (isnan(t->save))
		t->save = secs(e->capture_up, e->saved);
	t->total = secs(0, done);
}

static json_t *num(double v)
{
	return isnan(v) ? json_null() : json_real(v);
}

static json_t *str(const char *s)
{
	return s && *s ? json_string(s) : json_null();
}

/* A path under the checkout, as the checkout names it (runs/<id>/...). */
static const char *rel(const struct paths *p, const char *path)
{
	size_t n = strlen(p->root);

	if (path && !strncmp(path, p->root, n) && path[n] == '/')
		return path + n + 1;
	return path;
}

static json_t *dump_json(const struct report *r)
{
	const struct harvest *h = r->h;

	return json_pack("{s:o, s:o, s:I, s:s, s:o, s:o, s:o}",
			 "path", str(rel(r->p, h->dump)), "format", str(h->format),
			 "bytes", (json_int_t)h->bytes, "check", h->check,
			 "dmesg", str(rel(r->p, h->dmesg)),
			 "partial", str(rel(r->p, h->partial)),
			 "save_log", str(rel(r->p, h->log)));
}

static json_t *result_json(const struct report *r)
{
	const struct spec *s = r->s;
	const struct verdict *v = r->v;
	char machine[64], console[LAB_PATH];
	struct timings t;
	json_t *j = json_object();

	timings(r->e, &t);
	s->board->describe(s, machine, sizeof(machine));
	path_join(console, sizeof(console), r->p->run, "console.log");
	json_object_set_new(j, "id", json_string(r->p->id));
	json_object_set_new(j, "case", json_integer(s->row->nr));
	json_object_set_new(j, "case_name", json_string(s->row->name));
	json_object_set_new(j, "arch", json_string("arm64"));
	json_object_set_new(j, "machine", json_string(machine));
	json_object_set_new(j, "board", json_string(s->board->name));
	json_object_set_new(j, "kernel", json_string(s->kernel));
	json_object_set_new(j, "smp", json_integer(s->smp));
	json_object_set_new(j, "mem", json_string(s->mem));
	json_object_set_new(j, "exec", str(s->exec));
	json_object_set_new(j, "outcome", json_string(v->outcome));
	json_object_set_new(j, "expected", json_string(v->expected));
	json_object_set_new(j, "match", json_boolean(v->match));
	json_object_set_new(j, "why", json_string(v->why));
	json_object_set_new(j, "hung_in", str(r->e->hung_in));
	json_object_set_new(j, "hang_registers",
			    r->e->hang_registers ? json_string("hang-registers.txt") : json_null());
	json_object_set_new(j, "interrupted", json_boolean(r->e->interrupted));
	capture_fields(j, s);
	/* The guest ended the run itself (powered off or rebooted; -no-reboot). */
	json_object_set_new(j, "machine_stopped", json_boolean(r->e->qemu_gone));
	json_object_set_new(j, "save_watchdog_fired", json_boolean(r->e->watchdog >= 0));
	json_object_set_new(j, "gic", json_integer(s->gic));
	json_object_set_new(j, "nmi", json_boolean(s->nmi));
	json_object_set_new(j, "watchdog", json_boolean(s->watchdog));
	json_object_set_new(j, "trigger_cpu",
			    s->trigger_cpu >= 0 ? json_integer(s->trigger_cpu) : json_null());
	json_object_set_new(j, "button_after_s",
			    s->button_after_s >= 0 ? json_integer(s->button_after_s) : json_null());
	json_object_set_new(j, "how", str(v->how));
	json_object_set_new(j, "cpus_not_stopped", str(v->cpus_not_stopped));
	json_object_set_new(j, "timings",
			    json_pack("{s:o, s:o, s:o, s:o}", "boot_s", num(t.boot),
				      "panic_to_capture_s", num(t.panic_to_capture),
				      "save_s", num(t.save), "total_s", num(t.total)));
	json_object_set_new(j, "dump", dump_json(r));
	json_object_set_new(j, "triage", r->triage ? json_incref(r->triage) : json_null());
	json_object_set_new(j, "console", json_string(rel(r->p, console)));
	return j;
}

int write_result(const struct report *r, const char *path)
{
	json_t *j = result_json(r);
	int rc = write_json(j, path);

	json_decref(j);
	return rc;
}

static void print_secs(const char *label, double v, const char *end)
{
	if (isnan(v))
		printf("%s null s%s", label, end);
	else
		printf("%s %.2f s%s", label, v, end);
}

static void print_triage(const struct report *r)
{
	char path[LAB_PATH], *text, *line, *next;

	path_join(path, sizeof(path), r->p->run, "triage.txt");
	text = read_text(path);
	if (!text || !*text) {
		free(text);
		return;
	}
	printf("triage:    %s\n", rel(r->p, path));
	for (line = text; *line; line = next) {
		next = strchr(line, '\n');
		next = next ? next + 1 : line + strlen(line);
		printf("  | %.*s\n", (int)(next - line - (next[-1] == '\n')), line);
	}
	free(text);
}

void print_summary(const struct report *r)
{
	const struct spec *s = r->s;
	const struct verdict *v = r->v;
	const struct harvest *h = r->h;
	struct timings t;

	timings(r->e, &t);
	printf("\n== run %s: case %d (%s) on arm64, smp %d\n", r->p->id, s->row->nr,
	       s->row->name, s->smp);
	printf("outcome:   %s (expected %s) -> %s%s\n", v->outcome, v->expected,
	       v->match ? "MATCH" : "MISMATCH: ", v->match ? "" : v->why);
	print_secs("timings:   boot", t.boot, ",");
	print_secs(" panic to capture", t.panic_to_capture, ",");
	print_secs(" save", t.save, ",");
	print_secs(" total", t.total, "\n");
	if (h->dump[0]) {
		printf("how:       %s", v->how ? v->how : "unknown");
		if (v->cpus_not_stopped[0])
			printf("; CPUs not stopped by the crash: %s", v->cpus_not_stopped);
		printf("\ndump:      %s (%llu bytes, %s: %s)\n", rel(r->p, h->dump), h->bytes,
		       h->format, h->check);
		printf("dmesg:     %s\n", h->dmesg[0] ? rel(r->p, h->dmesg) : "");
		print_triage(r);
	}
	if (h->partial[0])
		printf("partial:   %s\n", rel(r->p, h->partial));
	if (!h->dump[0] && h->dmesg[0])
		printf("dmesg:     %s\n", rel(r->p, h->dmesg));
	if (h->log[0])
		printf("save log:  %s\n", rel(r->p, h->log));
	if (r->e->hang_registers)
		printf("hang regs: %s/hang-registers.txt\n", rel(r->p, r->p->run));
	printf("console:   %s/console.log\n", rel(r->p, r->p->run));
	printf("result:    %s/result.json\n", rel(r->p, r->p->run));
}
