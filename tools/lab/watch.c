// SPDX-License-Identifier: GPL-2.0
/*
 * Watch: the console as a stream of lines, each line an event (events.c),
 * each phase (boot, trigger, capture, save) with its own deadline on
 * CLOCK_MONOTONIC; the dump button pressed on time over QMP.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "boot.h"
#include "qmp.h"

struct watcher {
	struct qemu *q;
	const struct spec *s;
	const struct paths *p;
	struct events *e;
	FILE *console, *qmp_log;
	char line[4096];
	size_t len;
	double phase_start;
	const char *phase;
	bool con_eof, done;
};

static double now(const struct watcher *w)
{
	return mono_now() - w->q->t0;
}

/* What a line means for the run, said as it happens. */
static void on_line(struct watcher *w, char *line)
{
	size_t n = strlen(line);
	double t = now(w);
	struct events *e = w->e;

	while (n && (line[n - 1] == '\r' || line[n - 1] == '\n'))
		line[--n] = '\0';
	switch (events_feed(e, line, t)) {
	case EV_ARMED:
		if (e->armed == t)
			progress("armed: crash kernel loaded (%.2f s)", t);
		/* QEMU is up: its QMP socket is there. */
		if (w->q->qmp < 0 && (w->q->qmp = qmp_open(w->q->qmp_path, w->qmp_log)) < 0)
			progress("cannot reach QEMU's QMP socket: no dump button in this run");
		break;
	case EV_TRIGGERED:
		if (e->triggered == t)
			progress("triggered; waiting for the capture kernel or the guest to go on");
		break;
	case EV_CAPTURE_UP:
		if (e->capture_up == t)
			progress("capture kernel up (%.2f s after the trigger); saving",
				 e->triggered >= 0 ? t - e->triggered : 0);
		break;
	case EV_SAVED:
	case EV_SAVE_FAILED:
		if (e->saved == t)
			progress("capture: %.150s", e->saved_line);
		break;
	default:
		break;
	}
	if (strcmp(events_phase(e), w->phase)) {
		w->phase = events_phase(e);
		w->phase_start = t;
	}
}

/* New console bytes: all into console.log, whole lines to on_line(). */
static void on_console(struct watcher *w)
{
	char buf[4096];
	ssize_t n = read(w->q->con, buf, sizeof(buf));
	ssize_t i;

	if (n <= 0) {
		if (n == 0 || errno != EINTR)
			w->con_eof = true;
		return;
	}
	fwrite(buf, 1, n, w->console);
	fflush(w->console);
	for (i = 0; i < n; i++) {
		if (buf[i] == '\n' || w->len == sizeof(w->line) - 1) {
			w->line[w->len] = '\0';
			on_line(w, w->line);
			w->len = 0;
		}
		if (buf[i] != '\n')
			w->line[w->len++] = buf[i];
	}
}

static void on_qmp(struct watcher *w)
{
	char buf[4096];
	ssize_t n = read(w->q->qmp, buf, sizeof(buf));

	if (n <= 0) {
		close(w->q->qmp);
		w->q->qmp = -1;
		return;
	}
	fwrite(buf, 1, n, w->qmp_log);
	fflush(w->qmp_log);
}

static void on_signal(struct watcher *w)
{
	struct signalfd_siginfo si;

	while (read(w->q->sig, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGINT || si.ssi_signo == SIGTERM) {
			w->e->interrupted = (int)si.ssi_signo;
			progress("interrupted (signal %d) in phase '%s': stopping QEMU",
				 w->e->interrupted, w->phase);
			w->done = true;
		}
	}
}

/*
 * Seconds the current phase may take: the save's is derived from the
 * guest's own deadline (kdump.timeout), every other one is --timeout.
 */
static int phase_limit(const struct watcher *w)
{
	return strcmp(w->phase, "save") ? w->s->timeout_s : save_deadline_s(w->s);
}

/* The next moment something is due: the phase's deadline or the button. */
static double next_due(struct watcher *w)
{
	const struct events *e = w->e;
	double due = w->phase_start + phase_limit(w);

	if (w->s->button_after_s >= 0 && e->triggered >= 0 && e->button < 0 && e->capture_up < 0) {
		double press = e->triggered + w->s->button_after_s;

		if (now(w) >= press) {
			w->e->button = now(w);
			progress("pressing the dump button (system_powerdown: GPIO 3 of the PL061)");
			if (w->q->qmp < 0 || qmp_send(w->q->qmp, "system_powerdown"))
				progress("cannot press the dump button: no QMP connection");
		} else if (press < due) {
			due = press;
		}
	}
	return due;
}

static void watch_loop(struct watcher *w)
{
	while (!w->done) {
		struct pollfd pf[3] = {
			{ .fd = w->q->sig, .events = POLLIN },
			{ .fd = w->con_eof ? -1 : w->q->con, .events = POLLIN },
			{ .fd = w->q->qmp, .events = POLLIN },
		};
		double left = next_due(w) - now(w);

		if (left <= 0) {
			w->e->hung_in = w->phase;
			progress("no progress in phase '%s' for %d s: killing QEMU", w->phase,
				 phase_limit(w));
			break;
		}
		if (poll(pf, 3, (int)(left * 1000) + 1) < 0 && errno != EINTR)
			break;
		if (pf[1].revents)
			on_console(w);
		if (pf[2].revents)
			on_qmp(w);
		if (pf[0].revents)
			on_signal(w);
		/* QEMU gone: its last lines are read (EOF) before the run ends. */
		if (w->con_eof && qemu_reaped(w->q)) {
			w->e->qemu_gone = true;
			break;
		}
	}
	w->e->end = now(w);
}

void watch(struct qemu *q, const struct spec *s, const struct paths *p, struct events *e)
{
	struct watcher w = { .q = q, .s = s, .p = p, .e = e, .phase = "boot" };
	char path[LAB_PATH];

	path_join(path, sizeof(path), p->run, "console.log");
	w.console = fopen(path, "w");
	path_join(path, sizeof(path), p->run, "qmp.log");
	w.qmp_log = fopen(path, "w");
	if (!w.console || !w.qmp_log) {
		progress("cannot write in runs/%s", p->id);
	} else {
		progress("booting (console: runs/%s/console.log)", p->id);
		watch_loop(&w);
	}
	if (w.len) {
		w.line[w.len] = '\0';
		on_line(&w, w.line);
	}
	if (w.console)
		fclose(w.console);
	if (w.qmp_log)
		fclose(w.qmp_log);
}
