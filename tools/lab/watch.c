// SPDX-License-Identifier: GPL-2.0
/*
 * Watch: the console as a stream of lines, each line an event (events.c),
 * each phase (boot, trigger, capture, save) with its own deadline on
 * CLOCK_MONOTONIC; the dump button pressed on time over QMP. On a board
 * whose case is typed (rpi4), a typist (typing.c) reads the console and
 * says what to type; it goes to QEMU's console input a moment later, as
 * a person would.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
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
	struct typist ty;
	const char *typing;	/* to type at @type_at, or NULL */
	double type_at;
	double nudged_at;	/* the last newline that nudged the console */
	double probed_at;	/* the last look at the dump disk (board_ops->saved) */
	double woken_at;	/* the last monitor command that woke QEMU's main loop */
	double on_disk;		/* when a whole dump was seen there, < 0 before */
	char command[16384];
};

#define TYPE_DELAY_S 0.5	/* from a prompt to typing */
#define PROBE_AFTER_S 30	/* from the trigger to the first look at the dump disk */
#define PROBE_EVERY_S 10
#define REBOOT_GRACE_S 20	/* a whole dump on the disk: the capture kernel's time to reboot */

static double now(const struct watcher *w)
{
	return mono_now() - w->q->t0;
}

/* The console's text to the typist; what it says to type is typed soon. */
static void on_text(struct watcher *w, const char *text, bool whole)
{
	const char *type;

	if (!w->ty.command || w->typing)
		return;
	type = typist_feed(&w->ty, text, whole);
	if (type) {
		w->typing = type;
		w->type_at = now(w) + TYPE_DELAY_S;
	}
}

/* Types what is due on the console's input. */
static void type_due(struct watcher *w)
{
	size_t len = w->typing ? strlen(w->typing) : 0;

	if (!len || now(w) < w->type_at)
		return;
	if (w->s->exec && w->typing == w->ty.command)
		progress("typing on the console: the --exec script into /tmp/exec.sh, then sh /tmp/exec.sh");
	else if (w->typing == w->ty.command)
		progress("typing on the console: %.*s", (int)strcspn(w->typing, "\n"), w->typing);
	if (write(w->q->in, w->typing, len) != (ssize_t)len)
		progress("cannot type on the console: %s", strerror(errno));
	w->typing = NULL;
}

/* When the console is nudged next (board->nudge_s after the trigger), or < 0. */
static double nudge_due(const struct watcher *w)
{
	const struct events *e = w->e;
	double last = w->nudged_at > e->triggered ? w->nudged_at : e->triggered;

	if (!w->s->board->nudge_s || e->triggered < 0 || w->typing || w->q->in < 0)
		return -1;
	return last + w->s->board->nudge_s;
}

/* A newline on the console when it is due: see board->nudge_s. */
static void nudge(struct watcher *w)
{
	double due = nudge_due(w);

	if (due < 0 || now(w) < due)
		return;
	w->nudged_at = now(w);
	if (write(w->q->in, "\n", 1) != 1) {
		close(w->q->in);	/* QEMU has gone: nothing more to type */
		w->q->in = -1;
	}
}

/* When QEMU's main loop is woken next (board->wake_s), or < 0. */
static double wake_due(const struct watcher *w)
{
	if (!w->s->board->wake_s || w->q->qmp < 0)
		return -1;
	return w->woken_at + w->s->board->wake_s;
}

/*
 * A monitor command when it is due: see board->wake_s. Its answer goes to
 * qmp.log with the rest of what QEMU says there.
 */
static void wake(struct watcher *w)
{
	double due = wake_due(w);

	if (due < 0 || now(w) < due)
		return;
	w->woken_at = now(w);
	if (qmp_send(w->q->qmp, "query-status")) {
		close(w->q->qmp);	/* QEMU has gone */
		w->q->qmp = -1;
	}
}

/* When the dump disk is looked at next (boards with board_ops->saved), or < 0. */
static double probe_due(const struct watcher *w)
{
	const struct events *e = w->e;

	if (!board_ops(w->s->board)->saved || e->triggered < 0 || e->survived >= 0)
		return -1;
	if (w->on_disk >= 0)
		return w->on_disk + REBOOT_GRACE_S;
	if (w->probed_at < e->triggered + PROBE_AFTER_S)
		return e->triggered + PROBE_AFTER_S;
	return w->probed_at + PROBE_EVERY_S;
}

/*
 * The verdict is the disk's: a whole dump there is the save done even when
 * the console never says so. Then the capture kernel gets its time to
 * reboot, and the run ends.
 */
static void probe(struct watcher *w)
{
	double due = probe_due(w);

	if (due < 0 || now(w) < due)
		return;
	if (w->on_disk >= 0) {
		progress("the capture kernel did not reboot %d s after the dump was whole on the card: stopping QEMU",
			 REBOOT_GRACE_S);
		w->done = true;
		return;
	}
	w->probed_at = now(w);
	if (board_ops(w->s->board)->saved(w->p)) {
		w->on_disk = now(w);
		progress("a whole dump is on the card (%.0f s after the trigger)",
			 w->on_disk - w->e->triggered);
	}
}

/* What a line means for the run, said as it happens. */
static void on_line(struct watcher *w, char *line)
{
	size_t n = strlen(line);
	double t = now(w);
	struct events *e = w->e;

	while (n && (line[n - 1] == '\r' || line[n - 1] == '\n'))
		line[--n] = '\0';
	on_text(w, line, true);
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
	case EV_SURVIVED:
		/* Nobody powers a board off: a typed run ends here. */
		if (e->survived == t && w->s->board->trigger) {
			progress("the guest went on after the case: stopping QEMU");
			w->done = true;
		}
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
	/* A prompt ends with no newline: the unfinished line too. */
	w->line[w->len] = '\0';
	if (w->len)
		on_text(w, w->line, false);
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

/* The current phase's deadline: with no progress by then, the run is hung. */
static double deadline(const struct watcher *w)
{
	double due = w->phase_start + phase_limit(w);

	/* A slow dump disk: the capture kernel's lines come late. */
	if (!strcmp(w->phase, "capture") || !strcmp(w->phase, "save"))
		due += w->s->board->slow_save_s;
	return due;
}

/*
 * A hung run keeps where every CPU was: QEMU's "info registers -a" (the pc
 * of each, its exception level and general registers) in
 * runs/<id>/hang-registers.txt, read before QEMU is stopped. The CPUs are
 * paused first: a running CPU's pc under TCG is only where it last left
 * translated code.
 */
static void hang_registers(struct watcher *w)
{
	char path[LAB_PATH];
	FILE *f;
	int rc;

	if (w->q->qmp < 0)
		return;
	path_join(path, sizeof(path), w->p->run, "hang-registers.txt");
	f = fopen(path, "w");
	if (!f)
		return;
	rc = qmp_hmp(w->q->qmp, "stop", NULL, 10, w->qmp_log);
	if (!rc)
		rc = qmp_hmp(w->q->qmp, "info registers -a", f, 10, w->qmp_log);
	if (fclose(f) || rc) {
		unlink(path);
		progress("could not read the CPUs' registers from QEMU");
		return;
	}
	w->e->hang_registers = true;
	progress("every CPU's registers at the hang: runs/%s/hang-registers.txt", w->p->id);
}

/* The next moment something is due: the deadline, typing, the button. */
static double next_due(struct watcher *w)
{
	const struct events *e = w->e;
	double due = deadline(w);

	if (w->typing && w->type_at < due)
		due = w->type_at;
	if (nudge_due(w) >= 0 && nudge_due(w) < due)
		due = nudge_due(w);
	if (wake_due(w) >= 0 && wake_due(w) < due)
		due = wake_due(w);
	if (probe_due(w) >= 0 && probe_due(w) < due)
		due = probe_due(w);
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
		double left;

		type_due(w);
		nudge(w);
		wake(w);
		probe(w);
		if (w->done)
			break;
		/* The deadline, not whatever else was due: that may come late after slow work. */
		if (now(w) >= deadline(w)) {
			w->e->hung_in = w->phase;
			progress("no progress in phase '%s' for %.0f s: killing QEMU", w->phase,
				 now(w) - w->phase_start);
			hang_registers(w);
			break;
		}
		left = next_due(w) - now(w);
		if (poll(pf, 3, left > 0 ? (int)(left * 1000) + 1 : 0) < 0 && errno != EINTR)
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

/* What the typist will type on a typed board: the --exec script, then the trigger. */
static int typist_setup(struct watcher *w)
{
	const struct spec *s = w->s;
	char *script = NULL;
	size_t n = 0;
	int rc = 0;

	if (!s->board->trigger)
		return 0;
	if (s->exec) {
		script = read_text(s->exec);
		rc = script ? typed_script(script, w->command, sizeof(w->command)) : -1;
		free(script);
		if (rc) {
			progress("cannot type %s on the console (printable ASCII, tabs and newlines only)",
				 s->exec);
			return -1;
		}
		n = strlen(w->command);
	}
	if (s->board->trigger(s, w->command + n, sizeof(w->command) - n))
		return -1;
	w->ty.command = w->command;
	return 0;
}

void watch(struct qemu *q, const struct spec *s, const struct paths *p, struct events *e)
{
	struct watcher w = { .q = q, .s = s, .p = p, .e = e, .phase = "boot", .on_disk = -1 };
	char path[LAB_PATH];

	path_join(path, sizeof(path), p->run, "console.log");
	w.console = fopen(path, "w");
	path_join(path, sizeof(path), p->run, "qmp.log");
	w.qmp_log = fopen(path, "w");
	if (!w.console || !w.qmp_log) {
		progress("cannot write in runs/%s", p->id);
	} else if (typist_setup(&w)) {
		progress("nothing to type: stopping QEMU");
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
