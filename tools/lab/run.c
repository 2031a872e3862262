// SPDX-License-Identifier: GPL-2.0
/*
 * `lab run`: the phases strung together. Paths come from the environment
 * the front door (./dumpable) sets after its build:
 *   DUMPABLE_ROOT    the checkout (runs/ goes there; result.json's paths are relative to it)
 *   DUMPABLE_BUILD   build/ (host tools, temporary initrds)
 *   DUMPABLE_KDIR    the kernel build (Image, vmlinux)
 *   DUMPABLE_IMAGES  the initramfs images (main.cpio.gz)
 *   DUMPABLE_BOARD_DIR  a board's files (./dumpable image --board B OUT: OUT), for boards
 *                    that boot their own files (rpi4)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "boot.h"
#include "collect.h"
#include "proc.h"
#include "report.h"

static int env_path(char *dst, size_t len, const char *name)
{
	const char *v = getenv(name);

	if (!v || !*v || strlen(v) >= len) {
		fprintf(stderr, "dumpable: %s is not set (run the lab through ./dumpable run)\n", name);
		return -1;
	}
	strcpy(dst, v);
	return 0;
}

/* runs/<date>-<time>-<case>-smp<N>[-n], made here so that two runs never share one. */
static int make_run_dir(const struct spec *s, struct paths *p)
{
	char base[200], runs[LAB_PATH];
	time_t now = time(NULL);
	struct tm tm;
	int n;

	localtime_r(&now, &tm);
	n = (int)strftime(base, sizeof(base), "%Y%m%d-%H%M%S", &tm);
	if (strcmp(s->board->name, "virt"))
		snprintf(base + n, sizeof(base) - n, "-%s-%s", s->row->name, s->board->name);
	else
		snprintf(base + n, sizeof(base) - n, "-%s-smp%d", s->row->name, s->smp);
	path_join(runs, sizeof(runs), p->root, "runs");
	mkdir(runs, 0755);
	for (n = 0; n < 1000; n++) {
		if (n)
			snprintf(p->id, sizeof(p->id), "%s-%d", base, n);
		else
			snprintf(p->id, sizeof(p->id), "%s", base);
		path_join(p->run, sizeof(p->run), runs, p->id);
		if (!mkdir(p->run, 0755))
			return 0;
		if (errno != EEXIST)
			break;
	}
	fprintf(stderr, "dumpable: cannot make %s: %s\n", p->run, strerror(errno));
	return -1;
}

static void say_spec(const struct spec *s, const struct paths *p)
{
	char button[64] = "";

	if (s->button_after_s >= 0)
		snprintf(button, sizeof(button), ", button after %d s", s->button_after_s);
	progress("run %s on %s: case %d (%s), smp %d, mem %s, GICv%d, NMI %s, watchdog %s%s, expecting: %s",
		 p->id, s->board->name, s->row->nr, s->row->name, s->smp, s->mem, s->gic, s->nmi ? "on" : "off",
		 s->watchdog ? "on" : "off", button, spec_expected(s));
	if (s->fault)
		progress("fault %s: %s", s->fault->name, s->fault->what);
}

/* No dmesg on the disk: the one kdump-save printed on the console, as dmesg.console. */
static void harvest_console(const struct paths *p, struct harvest *h)
{
	char path[LAB_PATH], *console, *dmesg;

	if (h->dmesg[0])
		return;
	path_join(path, sizeof(path), p->run, "console.log");
	console = read_text(path);
	dmesg = console_dmesg(console);
	free(console);
	if (!dmesg)
		return;
	path_join(h->dmesg, sizeof(h->dmesg), p->run, "dmesg.console");
	if (write_text(h->dmesg, dmesg))
		h->dmesg[0] = '\0';
	free(dmesg);
}

/* triage.txt (its text) and its JSON, parsed; NULL when there is none. */
static json_t *triage(const struct paths *p, const struct harvest *h)
{
	char tool[LAB_PATH], vmlinux[LAB_PATH], out[LAB_PATH], err[LAB_PATH];
	const char *text[] = { tool, h->dump, "--vmlinux", vmlinux, NULL };
	const char *json[] = { tool, h->dump, "--vmlinux", vmlinux, "--json", NULL };

	if (!h->format || strcmp(h->format, "kdump-compressed"))
		return NULL;
	path_join(tool, sizeof(tool), p->build, "host/triage");
	path_join(vmlinux, sizeof(vmlinux), p->kdir, "vmlinux");
	if (access(tool, X_OK))
		return NULL;
	path_join(out, sizeof(out), p->run, "triage.txt");
	run_cmd(text, out);
	path_join(out, sizeof(out), p->run, "triage.json");
	path_join(err, sizeof(err), p->run, "triage.err");
	if (run_cmd2(json, out, err))
		return NULL;
	return json_load_file(out, 0, NULL);
}

/* SIGINT or SIGTERM waiting on the signalfd (the number), or 0. */
static int pending_stop(int sig)
{
	struct signalfd_siginfo si;
	int stop = 0;

	while (read(sig, &si, sizeof(si)) == sizeof(si))
		if (si.ssi_signo == SIGINT || si.ssi_signo == SIGTERM)
			stop = (int)si.ssi_signo;
	return stop;
}

/* Boot, watch, stop: QEMU never outlives this function. */
static int boot_and_watch(const struct spec *s, const struct paths *p, int sig,
			  struct events *e)
{
	char initrd[LAB_PATH] = "";
	struct qemu q = { .sig = sig };
	int rc = -1;

	events_init(e);
	if (board_ops(s->board)->prepare(s, p, initrd, sizeof(initrd)))
		goto out;
	if (qemu_start(&q, s, p, initrd)) {
		progress("cannot start QEMU: %s", strerror(errno));
		qemu_stop(&q);
		goto out;
	}
	watch(&q, s, p, e);
	qemu_stop(&q);
	rc = 0;
out:
	if (initrd[0])
		unlink(initrd);
	return rc;
}

static int run_phases(const struct spec *s, struct paths *p, int sig)
{
	struct events e;
	struct harvest h;
	struct verdict v;
	struct report r = { .s = s, .p = p, .e = &e, .h = &h, .v = &v };
	struct collector c = { .pid = -1 };
	char path[LAB_PATH], *dmesg;
	json_t *j;

	if (make_run_dir(s, p))
		return 2;
	say_spec(s, p);
	path_join(path, sizeof(path), p->run, "spec.json");
	j = spec_json(s);
	write_json(j, path);
	json_decref(j);
	if (s->net && (spec_net_fault(s) ? collector_nobody(p) : collector_start(&c, p)))
		events_init(&e);
	else if (boot_and_watch(s, p, sig, &e))
		progress("the run did not start: see runs/%s", p->id);
	/* After QEMU: the collector answered each file only once it was on the disk. */
	collector_stop(&c);
	/* A Ctrl-C while QEMU was not running yet, or after it had gone. */
	if (!e.interrupted)
		e.interrupted = pending_stop(sig);
	board_ops(s->board)->harvest(s, p, &h);
	harvest_console(p, &h);
	dmesg = h.dmesg[0] ? read_text(h.dmesg) : NULL;
	classify(s, &e, &h, dmesg, &v);
	free(dmesg);
	r.triage = triage(p, &h);
	path_join(path, sizeof(path), p->run, "result.json");
	if (write_result(&r, path))
		progress("cannot write %s", path);
	print_summary(&r);
	json_decref(r.triage);
	return v.match ? 0 : 1;
}

int cmd_run(int argc, char **argv)
{
	struct paths p = { 0 };
	struct spec s;
	int rc, sig;

	rc = spec_parse(&s, argc, argv);
	if (rc)
		return rc < 0 ? 2 : 3;
	if (env_path(p.root, sizeof(p.root), "DUMPABLE_ROOT") ||
	    env_path(p.build, sizeof(p.build), "DUMPABLE_BUILD") ||
	    env_path(p.kdir, sizeof(p.kdir), "DUMPABLE_KDIR") ||
	    env_path(p.images, sizeof(p.images), "DUMPABLE_IMAGES"))
		return 2;
	/* Set (non-empty) for a board that boots its own files. */
	if (getenv("DUMPABLE_BOARD_DIR") && *getenv("DUMPABLE_BOARD_DIR") &&
	    env_path(p.board, sizeof(p.board), "DUMPABLE_BOARD_DIR"))
		return 2;
	/* Typing to a QEMU that has gone is an error to see, not a signal to die of. */
	signal(SIGPIPE, SIG_IGN);
	/* From here a Ctrl-C is a value the watch reads: QEMU is stopped, the result written. */
	sig = lab_signals();
	if (sig < 0) {
		perror("dumpable: signalfd");
		return 2;
	}
	rc = run_phases(&s, &p, sig);
	close(sig);
	return rc;
}
