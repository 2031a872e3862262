// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the lab runner's pure parts: the spec, console events, the
 * classifier (on real console logs and dump dmesgs of every case, kept
 * trimmed under tests/unit/fixtures/), the how-rules, stamp order, the
 * command lines, and the QMP reply reader on a socket pair.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/how.h"
#include "lab/lab.h"
#include "lab/qmp.h"
#include "tap.h"

#ifndef FIXTURES
#define FIXTURES "tests/unit/fixtures"
#endif

static char *fixture(const char *name, const char *ext)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s.%s", FIXTURES, name, ext);
	return read_text(path);
}

/* A console log through the events, one line a second, as the watch feeds them. */
static void feed(struct events *e, const char *log, bool deadline)
{
	char *copy = strdup(log ? log : ""), *line, *save = NULL;
	double t = 1;

	events_init(e);
	for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		size_t n = strlen(line);

		if (n && line[n - 1] == '\r')
			line[n - 1] = '\0';
		events_feed(e, line, t++);
	}
	/* The watch's deadline passed after the last line: it names the phase. */
	if (deadline)
		e->hung_in = events_phase(e);
	else
		e->qemu_gone = true;
	e->end = t;
	free(copy);
}

static int parse(struct spec *s, const char *args)
{
	char buf[256], *argv[16], *save = NULL, *a;
	int argc = 0;

	snprintf(buf, sizeof(buf), "%s", args);
	for (a = strtok_r(buf, " ", &save); a && argc < 15; a = strtok_r(NULL, " ", &save))
		argv[argc++] = a;
	argv[argc] = NULL;
	return spec_parse(s, argc, argv);
}

struct fixture {
	const char *name;	/* FIXTURES/NAME.console, and NAME.dmesg when a dump came home */
	const char *args;	/* ./dumpable run ARGS */
	bool deadline;		/* the runner's deadline passed after the last line */
	const char *outcome, *expected;
	bool match;
	const char *how;	/* NULL: none */
	const char *not_stopped;	/* "" when none */
	const char *why;	/* text the why must hold, "" for none */
};

static const struct fixture fixtures[] = {
	{ "panic", "panic", false, "dump", "dump", true, "panic", "", "" },
	{ "null-deref", "null-deref", false, "dump", "dump", true, "oops", "", "" },
	{ "lock-unlock", "lock-unlock", false, "survived", "survived", true, NULL, "", "" },
	{ "leak-lock-smp1", "leak-lock --smp 1", false, "dump", "dump", true, "panic", "", "" },
	{ "double-lock", "double-lock", false, "dump", "dump", true, "soft-lockup", "", "" },
	{ "irqoff-nmi-smp1", "double-lock-irqoff --smp 1", false, "dump", "dump", true,
	  "nmi-watchdog", "", "" },
	{ "irqoff-watchdog", "double-lock-irqoff", false, "dump", "dump", true, "watchdog", "0", "" },
	{ "irqoff-nowatchdog", "double-lock-irqoff --watchdog off", true, "hung", "hung", true,
	  NULL, "", "" },
	{ "irqoff-gicv2", "double-lock-irqoff --gic 2 --cpu 2", false, "dump", "dump", true,
	  "watchdog", "2", "" },
	/* Issue 8: the button's dump is what this run asks for, not the case's. */
	{ "button-irqoff", "double-lock-irqoff --watchdog off --cpu 3 --press-button-after 5", false,
	  "dump", "dump", true, "button", "", "" },
	{ "button-healthy", "lock-unlock --press-button-after 2", false, "dump", "dump", true,
	  "button", "", "" },
	/* 6.12: the dump-button driver's texts, the same expectation. */
	{ "button-healthy-6.12", "lock-unlock --kernel 6.12 --press-button-after 2", false, "dump",
	  "dump", true, "button", "", "" },
	{ "irqoff-hung", "double-lock-irqoff --smp 1 --gic 2", true, "hung", "hung", true, NULL, "", "" },
	/* Issue 8: a guest that never boots is an error, not hung. */
	{ "boot-never", "double-lock-irqoff --watchdog off", true, "error", "hung", false, NULL, "",
	  "boot" },
	{ "boot-never", "null-deref", true, "error", "dump", false, NULL, "", "boot" },
	/* Issue 8: a call that fails (ENOSYS) has not survived. */
	{ "enosys", "lock-unlock", false, "error", "survived", false, NULL, "", "ENOSYS" },
	{ "capture-failed", "null-deref", false, "capture-failed", "dump", false, NULL, "",
	  "FAILED" },
	/* The capture kernel came up and then stalled: capture-failed, not hung. */
	{ "capture-failed", "null-deref", true, "capture-failed", "dump", false, NULL, "",
	  "FAILED" },
};

static void test_fixture(const struct fixture *f)
{
	char *console = fixture(f->name, "console"), *dmesg = fixture(f->name, "dmesg");
	struct harvest h = { 0 };
	struct events e;
	struct verdict v;
	struct spec s;
	const char *how;

	if (!console || parse(&s, f->args)) {
		ok(0, "%s (%s): fixture and spec", f->name, f->args);
		free(console);
		free(dmesg);
		return;
	}
	if (dmesg) {	/* a whole dump came home with it */
		strcpy(h.dump, "dump.202611280400");
		strcpy(h.dmesg, "dmesg.202611280400");
		h.format = "kdump-compressed";
	}
	feed(&e, console, f->deadline);
	classify(&s, &e, &h, dmesg, &v);
	how = v.how ? v.how : "none";
	ok(!strcmp(v.outcome, f->outcome) && !strcmp(v.expected, f->expected) && v.match == f->match,
	   "%s (%s): %s, expected %s, %s%s%s", f->name, f->args, v.outcome, v.expected,
	   v.match ? "match" : "mismatch", v.why[0] ? ": " : "", v.why);
	ok(!strcmp(how, f->how ? f->how : "none") && !strcmp(v.cpus_not_stopped, f->not_stopped),
	   "%s: how %s, CPUs not stopped '%s'", f->name, how, v.cpus_not_stopped);
	if (*f->why)
		ok(strstr(v.why, f->why) != NULL, "%s: why says '%s'", f->name, f->why);
	free(console);
	free(dmesg);
}

static void test_events(void)
{
	int arg = -1;

	ok(line_event("dumpable: armed: crash kernel loaded, uptime 1.2 s", NULL) == EV_ARMED, "armed");
	ok(line_event("[  1.0] dumpable: armed", NULL) == EV_NONE, "armed only at a line's start");
	ok(line_event("dumpable: trigger case 1", NULL) == EV_TRIGGERED &&
	   line_event("dumpable: exec begin", NULL) == EV_TRIGGERED, "triggered: case or exec");
	ok(line_event("kdump-save: [  0.81] capture kernel up, saving", NULL) == EV_CAPTURE_UP,
	   "capture kernel up");
	ok(line_event("kdump-save: [  3.01] saved /mnt/dump/var/crash/1/dump.1 (5 bytes)", NULL) ==
	   EV_SAVED, "saved");
	ok(line_event("kdump-save: [  3.01] FAILED: makedumpfile exit 1", NULL) == EV_SAVE_FAILED,
	   "FAILED");
	ok(line_event("dumpable: p4ni9 returned: exit status 38", &arg) == EV_RETURNED && arg == 38,
	   "returned, with its status");
	ok(line_event("dumpable: survived: still running", NULL) == EV_SURVIVED &&
	   line_event("dumpable: exec end: status 0", NULL) == EV_SURVIVED, "survived: case or exec");
}

/* --exec: survived needs "exec end", whatever p4ni9 said. */
static void test_exec(void)
{
	char script[512];
	struct harvest h = { 0 };
	struct events e;
	struct verdict v;
	struct spec s;
	int rc;

	snprintf(script, sizeof(script), "lock-unlock --exec %s/lock-unlock.console", FIXTURES);
	rc = parse(&s, script);
	if (rc) {
		ok(0, "--exec: spec with a script");
		return;
	}
	feed(&e, "dumpable: armed\ndumpable: exec begin\ndumpable: exec end: status 0\n", false);
	classify(&s, &e, &h, NULL, &v);
	ok(!strcmp(v.outcome, "survived") && v.match, "--exec: exec end is survived");
	feed(&e, "dumpable: armed\ndumpable: exec begin\ndumpable: survived\n", false);
	classify(&s, &e, &h, NULL, &v);
	ok(!strcmp(v.outcome, "error"), "--exec: without exec end it is not survived");
}

static void test_spec(void)
{
	struct spec s;

	ok(parse(&s, "5") == 0 && s.smp == 4 && s.gic == 3 && s.nmi && s.watchdog &&
	   s.timeout_s == 120 && !strcmp(s.mem, "1G") && !strcmp(s.board->name, "virt") &&
	   !strcmp(spec_expected(&s), "dump"), "defaults: smp 4, GICv3, NMI, watchdog, 120 s");
	ok(parse(&s, "5 --smp 1 --gic 2") == 0 && !s.nmi && !strcmp(spec_expected(&s), "hung"),
	   "case 5 on one CPU without NMI: expected hung");
	ok(parse(&s, "5 --watchdog off") == 0 && !strcmp(spec_expected(&s), "hung"),
	   "case 5 without the watchdog: expected hung");
	ok(parse(&s, "5 --watchdog off --press-button-after 3") == 0 &&
	   !strcmp(spec_expected(&s), "dump"), "the button makes it a dump");
	ok(parse(&s, "2 --press-button-after 2") == 0 && !strcmp(spec_expected(&s), "dump"),
	   "the button on a healthy machine: a dump");
	ok(parse(&s, "9") < 0, "no case 9");
	ok(parse(&s, "panic --smp zero") < 0 && parse(&s, "panic --smp 9") < 0 &&
	   parse(&s, "panic --smp 0") < 0, "--smp: a number, 1 to 8");
	ok(parse(&s, "panic --gic 2 --nmi on") < 0, "--nmi on needs GICv3");
	ok(parse(&s, "panic --cpu 4") < 0 && parse(&s, "panic --cpu 3") == 0, "--cpu within --smp");
	ok(parse(&s, "panic --mem 1x") < 0 && parse(&s, "panic --mem 512M") == 0, "--mem sizes");
	ok(parse(&s, "panic --frob") < 0 && parse(&s, "panic --smp") < 0, "unknown or incomplete options");
	ok(parse(&s, "panic --help") == 1, "--help");
	ok(parse(&s, "panic --board nope") < 0, "boards: an unknown board is refused");
	ok(parse(&s, "panic") == 0 && !s.fault && s.save_timeout_s == 0 && !s.crashkernel[0],
	   "no fault, the board's kdump.timeout and crashkernel by default");
}

/* --fault, --crashkernel, --save-timeout: validated in spec.c, one number for the save. */
static void test_capture_spec(void)
{
	char buf[512];
	struct spec s;

	ok(parse(&s, "null-deref --fault disk-full") == 0 && !strcmp(s.fault->name, "disk-full") &&
	   !strcmp(spec_expected(&s), "partial"), "--fault disk-full: a fatal case expects partial");
	ok(parse(&s, "null-deref --fault no-disk") == 0 && !strcmp(spec_expected(&s), "capture-failed") &&
	   s.save_timeout_s == 20, "--fault no-disk: capture-failed, its own kdump.timeout");
	ok(parse(&s, "lock-unlock --fault disk-full") == 0 && !strcmp(spec_expected(&s), "survived"),
	   "a fault does not change a case that survives");
	ok(parse(&s, "panic --fault full-disk") < 0 && parse(&s, "panic --fault") < 0,
	   "an unknown or missing fault is refused");
	ok(parse(&s, "panic --fault slow-disk") == 0 && s.save_timeout_s == 20 &&
	   save_deadline_s(&s) == 20 + SAVE_GRACE_S && !capture_cmdline(s.board, NULL, s.save_timeout_s,
	   NULL, buf, sizeof(buf)) && strstr(buf, " kdump.timeout=20"),
	   "slow-disk: kdump.timeout=20 on the capture line, the host's save deadline 20 + %d s",
	   SAVE_GRACE_S);
	ok(parse(&s, "panic") == 0 && save_deadline_s(&s) == 60 + SAVE_GRACE_S,
	   "the host's save deadline derives from the board's kdump.timeout (60 + %d)", SAVE_GRACE_S);
	ok(parse(&s, "panic --save-timeout 7") == 0 && s.save_timeout_s == 7 &&
	   parse(&s, "panic --save-timeout 3") < 0 && parse(&s, "panic --save-timeout x") < 0,
	   "--save-timeout: 4 s or more");
	ok(parse(&s, "panic --crashkernel 24M") == 0 && !strcmp(s.crashkernel, "24M") &&
	   !kernel_cmdline(s.board, &s, buf, sizeof(buf)) && strstr(buf, "crashkernel=24M "),
	   "--crashkernel 24M reaches the kernel command line");
	ok(parse(&s, "lock-unlock --kernel 6.12 --press-button-after 2") == 0 &&
	   !strcmp(spec_expected(&s), "dump") && !kernel_cmdline(s.board, &s, buf, sizeof(buf)) &&
	   strstr(buf, " dump_button.gpio=9030000.pl061:3") && !strstr(buf, "dumpwatch"),
	   "6.12: the dump-button driver's dump_button.gpio= on virt's command line, no dumpwatch: %s",
	   buf);
	ok(parse(&s, "lock-unlock --press-button-after 2") == 0 &&
	   !kernel_cmdline(s.board, &s, buf, sizeof(buf)) &&
	   strstr(buf, " dumpwatch.button=9030000.pl061:3") && !strstr(buf, "dump_button"),
	   "6.1: dumpwatch.button= on virt's command line");
	ok(parse(&s, "panic --crashkernel 24") < 0 && parse(&s, "panic --crashkernel 4M") < 0 &&
	   parse(&s, "panic --crashkernel 2048M") < 0 && parse(&s, "panic --crashkernel M") < 0 &&
	   parse(&s, "panic --crashkernel -1M") < 0, "--crashkernel: 8M to 1024M, in MiB");
	ok(parse(&s, "panic") == 0 && !s.net && parse(&s, "panic --dump-to disk") == 0 && !s.net &&
	   parse(&s, "panic --dump-to net") == 0 && s.net && !strcmp(spec_expected(&s), "dump"),
	   "--dump-to: disk by default, net");
	ok(parse(&s, "panic --dump-to ssh") < 0 && parse(&s, "panic --dump-to") < 0,
	   "--dump-to: anything but disk or net refused");
	ok(parse(&s, "panic --fault no-collector") == 0 && s.net && s.fault->net &&
	   !strcmp(spec_expected(&s), "dump") && parse(&s, "panic --dump-to net --fault no-collector") == 0 &&
	   parse(&s, "panic --board rpi4 --fault no-collector") < 0,
	   "--fault no-collector: the network target, a dump (on the disk) all the same; virt only");
	ok(parse(&s, "panic --dump-to net --board rpi4") < 0 &&
	   parse(&s, "panic --dump-to net --fault disk-full") < 0,
	   "--dump-to net: not on rpi4 (QEMU has no GENET), not with a disk fault");
	ok(!net_capture_words("http://" NET_HOST_ADDR ":8099/run-1", buf, sizeof(buf)) &&
	   !strcmp(buf, "ip=dhcp kdump.url=http://10.0.2.2:8099/run-1") &&
	   net_capture_words("http://10.0.2.2:8099/run-1", buf, 20) == -1 &&
	   !capture_cmdline(board_lookup("virt"), NULL, 0, "ip=dhcp kdump.url=http://10.0.2.2:1/r", buf,
			    sizeof(buf)) && strstr(buf, " kdump.timeout=60 ip=dhcp kdump.url=http://10.0.2.2:1/r"),
	   "the network words: DHCP by the kernel, the collector's URL, on the capture line");
}

/* A partial dump, a save's watchdog: the classifier's new rules. */
static void test_partial(void)
{
	static const char up[] = "dumpable: armed\ndumpable: trigger case 1\n"
		"kdump-save: [  0.80] capture kernel up: saving /proc/vmcore\n";
	char console[1024];
	struct harvest h = { 0 };
	struct events e;
	struct verdict v;
	struct spec s;

	if (parse(&s, "null-deref --fault disk-full")) {
		ok(0, "spec for the partial tests");
		return;
	}
	ok(line_event("kdump-save: [  2.10] PARTIAL: makedumpfile failed; kept 1 bytes as "
		      "dump-incomplete.1", NULL) == EV_SAVE_PARTIAL, "PARTIAL is its own event");
	ok(line_event("kdump-save: [  0.30] saved dmesg as dmesg.1", NULL) == EV_NONE,
	   "the dmesg saved is not the dump saved");
	ok(line_event("kdump-save: [ 20.00] watchdog: the save outlasted kdump.timeout=20 s: "
		      "powering off now", NULL) == EV_WATCHDOG, "the save's watchdog firing");
	snprintf(console, sizeof(console), "%s%s", up,
		 "kdump-save: [  2.10] PARTIAL: makedumpfile failed, exit 1; kept 3 bytes\n");
	feed(&e, console, false);
	strcpy(h.partial, "crash/1/dump-incomplete.1");
	strcpy(h.dmesg, "crash/1/dmesg.1");
	classify(&s, &e, &h, NULL, &v);
	ok(!strcmp(v.outcome, "partial") && v.match, "disk full, partial kept and home: partial, "
	   "as the fault expects (%s)", v.why);
	h.partial[0] = '\0';
	classify(&s, &e, &h, NULL, &v);
	ok(!strcmp(v.outcome, "capture-failed") && strstr(v.why, "none came home"),
	   "PARTIAL said but nothing came home: capture-failed (%s)", v.why);
	snprintf(console, sizeof(console), "%s%s", up, "kdump-save: [ 20.00] watchdog: the save "
		 "outlasted kdump.timeout=20 s: powering off now\n");
	feed(&e, console, false);
	parse(&s, "null-deref --fault slow-disk");
	classify(&s, &e, &h, NULL, &v);
	ok(!strcmp(v.outcome, "capture-failed") && v.match && e.watchdog >= 0,
	   "slow disk, the watchdog fired: capture-failed, as expected, never hung");
	strcpy(h.dump, "crash/1/dump.1");
	h.format = "kdump-compressed";
	strcpy(h.partial, "crash/0/dump-incomplete.0");
	classify(&s, &e, &h, NULL, &v);
	ok(!strcmp(v.outcome, "dump") && !v.match, "a whole dump is a dump, not partial: a fault "
	   "that did not bite is a mismatch");
}

/* Nowhere to save: the dmesg kdump-save printed on the console comes home. */
static void test_console_dmesg(void)
{
	char *d;

	d = console_dmesg("kdump-save: [  0.1] FAILED: cannot mount\r\nkdump-save: [ 10.40] nowhere "
			  "to save it: the crashed kernel's log follows on the console (30 bytes)\r\n"
			  "[ 1.0] Kernel panic - not syncing\n[ 1.1] CPU: 0\n"
			  "kdump-save: [ 10.50] end of the crashed kernel's log\nkdump-save: [ 10.5] powering off\n");
	ok(d && !strcmp(d, "[ 1.0] Kernel panic - not syncing\n[ 1.1] CPU: 0\n"),
	   "the crashed kernel's log between kdump-save's markers: '%s'", d ? d : "(none)");
	free(d);
	d = console_dmesg("kdump-save: [ 10.40] nowhere to save it: the crashed kernel's log follows "
			  "on the console (9 bytes)\n[ 1.0] cut");
	ok(d && !strcmp(d, "[ 1.0] cut"), "cut short (the machine went away): what there is");
	free(d);
	ok(console_dmesg("kdump-save: [ 1.0] saved /x\n") == NULL && console_dmesg(NULL) == NULL,
	   "none: NULL");
}

/* The Raspberry Pi 4 (raspi4b): what the machine fixes is refused otherwise. */
static void test_spec_rpi4(void)
{
	struct spec s;

	ok(parse(&s, "null-deref --board rpi4 --cpu 3") == 0 && !strcmp(s.board->name, "rpi4") &&
	   s.smp == 4 && !strcmp(s.mem, "2G") && s.gic == 2 && !s.nmi && s.watchdog &&
	   s.trigger_cpu == 3, "rpi4: 4 CPUs, 2G, GICv2, no NMI, watchdog on");
	ok(parse(&s, "double-lock-irqoff --board rpi4") == 0 && !strcmp(spec_expected(&s), "dump"),
	   "rpi4: case 5 expects a dump (the watchdog on another CPU)");
	ok(parse(&s, "panic --board rpi4 --smp 4 --mem 2G --gic 2 --nmi off --watchdog on") == 0,
	   "rpi4: the machine's own values may be given");
	ok(parse(&s, "panic --board rpi4 --gic 3") < 0, "rpi4: --gic 3 refused (GIC-400)");
	ok(parse(&s, "panic --board rpi4 --nmi on") < 0, "rpi4: --nmi on refused");
	ok(parse(&s, "panic --board rpi4 --smp 2") < 0 && parse(&s, "panic --board rpi4 --smp 8") < 0,
	   "rpi4: --smp other than 4 refused");
	ok(parse(&s, "panic --board rpi4 --mem 1G") < 0, "rpi4: --mem other than 2G refused");
	ok(parse(&s, "panic --board rpi4 --press-button-after 2") < 0,
	   "rpi4: --press-button-after refused (QEMU cannot drive GPIO 21)");
	ok(parse(&s, "panic --board rpi4 --watchdog off") < 0,
	   "rpi4: --watchdog off refused (the board's own cmdline.txt)");
	ok(parse(&s, "panic --board rpi4 --cpu 4") < 0, "rpi4: --cpu 0-3");
	ok(parse(&s, "double-lock-irqoff --board rpi4 --kernel 6.12") == 0 &&
	   s.series == SERIES_6_12 && !strcmp(s.kernel, "6.12") && !strcmp(spec_expected(&s), "dump"),
	   "rpi4: --kernel 6.12 runs there; case 5 expects a dump (an RCU stall on another CPU)");
	ok(parse(&s, "panic --gic 2") == 0 && s.gic == 2 && !strcmp(s.mem, "1G"),
	   "virt keeps its own defaults and choices");
}

/* Typing on the board's console: escape sequences, the prompt, the typist. */
static void test_typing(void)
{
	struct typist t = { .command = "p4ni9 panic --arm --yes\n" };
	char buf[512];
	struct spec s;

	strip_escapes("\033[6n/ # \033[1;32mx\033[0m\r", buf, sizeof(buf));
	ok(!strcmp(buf, "/ # x"), "escape sequences and CRs stripped: '%s'", buf);
	ok(at_prompt("/ # ") && at_prompt("/ # \033[6n") && at_prompt("\033[6n/ # "),
	   "the prompt, with or without ash's terminal query");
	ok(!at_prompt("/ # ls") && !at_prompt("") && !at_prompt("#"), "not a prompt");
	ok(!typist_feed(&t, "/ # ", false), "no typing before the banner");
	ok(!strcmp(typist_feed(&t, BOARD_BANNER " Try:", true) ? t.state == TY_WOKEN ? "\n" : "" : "", "\n") &&
	   t.state == TY_WOKEN, "the banner: a newline to wake the shell");
	ok(!typist_feed(&t, "A dump is saved by the capture kernel", true) && t.state == TY_WOKEN &&
	   !typist_feed(&t, "/ # \033[6n", false), "the shell's first prompt: not yet");
	ok(!typist_feed(&t, "/ # \033[6n", true) && t.state == TY_PROMPT,
	   "the prompt line our newline ended");
	ok(typist_feed(&t, "/ # \033[6n", false) == t.command && t.state == TY_TYPED,
	   "the next prompt: type the command");
	ok(!typist_feed(&t, "/ # ", false), "typed once");

	ok(parse(&s, "null-deref --board rpi4 --cpu 3") == 0 && !typed_trigger(&s, buf, sizeof(buf)) &&
	   strstr(buf, "taskset 8 p4ni9 null-deref --arm --yes;") &&
	   strstr(buf, "echo $d trigger case 1 on CPU 3;") && buf[strlen(buf) - 1] == '\n',
	   "typed: taskset 8 p4ni9 null-deref --arm --yes, with its event lines");
	ok(line_event(buf, NULL) == EV_NONE, "the shell's echo of the typed line is no event");
	ok(parse(&s, "double-lock-irqoff --board rpi4 --cpu 2") == 0 &&
	   !typed_trigger(&s, buf, sizeof(buf)) && strstr(buf, "taskset 4 p4ni9 double-lock-irqoff"),
	   "typed: CPU 2 is mask 4");
	ok(parse(&s, "panic --board rpi4") == 0 && !typed_trigger(&s, buf, sizeof(buf)) &&
	   !strstr(buf, "taskset"), "typed: no --cpu, no taskset");
	ok(parse(&s, "double-lock-irqoff --board rpi4 --kernel 6.12 --cpu 0") == 0 &&
	   !typed_trigger(&s, buf, sizeof(buf)) &&
	   strstr(buf, "taskset 2 sh -c 'while :; do sleep 1; done' & taskset 1 p4ni9 double-lock-irqoff"),
	   "typed, 6.12 case 5: a process loop on another CPU (CPU 1), for the RCU stall");
	ok(parse(&s, "double-lock-irqoff --board rpi4 --cpu 0") == 0 &&
	   !typed_trigger(&s, buf, sizeof(buf)) && !strstr(buf, "while"),
	   "typed, 6.1 case 5: no process loop (dumpwatch)");
	ok(parse(&s, "panic --board rpi4 --kernel 6.12") == 0 &&
	   !typed_trigger(&s, buf, sizeof(buf)) && !strstr(buf, "while"),
	   "typed, 6.12 other cases: no process loop");
	ok(!typed_script("echo a\n\tsleep 1\n", buf, sizeof(buf)) &&
	   !strcmp(buf, "cat >/tmp/exec.sh <<'DUMPABLE_EXEC_END'\necho a\n sleep 1\nDUMPABLE_EXEC_END\n"),
	   "--exec typed as a here-document, tabs as spaces");
	ok(!typed_script("echo a", buf, sizeof(buf)) && strstr(buf, "echo a\nDUMPABLE_EXEC_END\n"),
	   "--exec: a last line without newline");
	ok(typed_script("DUMPABLE_EXEC_END\n", buf, sizeof(buf)) < 0 &&
	   typed_script("echo \001\n", buf, sizeof(buf)) < 0 && typed_script("echo a\n", buf, 20) < 0,
	   "--exec: the end marker, control bytes, too long: cannot be typed");
}

static void test_stamps(void)
{
	const char *names[] = { "202611280400-9", "202611280400", "202611280400-10",
				"202611272359-99", "lost+found" };
	/* The board without a clock: kdump-save's 197001010000-N. */
	const char *board[] = { "197001010000-2", "197001010000-10", "197001010000-9" };
	const char *dumps[] = { "dmesg.202611280401", "dump.202611280400", "dump.202611280401" };

	ok(stamp_cmp("202611280400-10", "202611280400-9") > 0, "-10 is after -9");
	ok(stamp_cmp("202611280400-1", "202611280400") > 0, "-1 is after none");
	ok(stamp_cmp("202611280401", "202611280400-99") > 0, "a later minute wins");
	ok(!strcmp(newest_stamp(names, 5, ""), "202611280400-10"), "the newest directory");
	ok(!strcmp(newest_stamp(dumps, 3, "dump."), "dump.202611280401"), "the newest dump file");
	ok(newest_stamp(names, 0, "") == NULL, "none of none");
	ok(!strcmp(newest_stamp(board, 3, ""), "197001010000-10"), "no clock: -10 is the newest");
}

static void test_how(void)
{
	char buf[16];

	ok(dump_how_text("Kernel panic - not syncing: dumpwatch: dump button\n") == HOW_BUTTON,
	   "how: button");
	ok(dump_how_text("dump_button: dump button pressed (heard on CPU#1)\n"
			 "Kernel panic - not syncing: dump button\n") == HOW_BUTTON,
	   "how: button, 6.12's dump-button driver");
	ok(dump_how_text("Kernel panic - not syncing: dump button\n") != HOW_PANIC,
	   "how: 6.12's button panic is no plain panic");
	ok(dump_how_text("Kernel panic - not syncing: dumpwatch: hard LOCKUP (NMI)") ==
	   HOW_NMI_WATCHDOG, "how: NMI watchdog");
	ok(dump_how_text("Kernel panic - not syncing: dumpwatch: hard LOCKUP on CPU#2") ==
	   HOW_WATCHDOG, "how: watchdog");
	ok(dump_how_text("watchdog: BUG: soft lockup - CPU#1 stuck\nKernel panic") ==
	   HOW_SOFT_LOCKUP, "how: soft lockup wins over its panic");
	ok(dump_how_text("watchdog: BUG: soft lockup - CPU#1 stuck for 3s!\n"
			 "rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:\n"
			 "Kernel panic - not syncing: RCU Stall\n") == HOW_RCU_STALL,
	   "how: an RCU stall's panic wins over the soft lockups of CPUs waiting for the stuck one");
	ok(dump_how_text("[ 9.1] Watchdog detected hard LOCKUP on cpu 2\n"
			 "[ 9.2] Kernel panic - not syncing: Hard LOCKUP\n"
			 "[ 9.2] CPU: 2 UID: 0 PID: 60 Comm: p4ni9 Not tainted 6.12.95\n") ==
	   HOW_NMI_WATCHDOG, "how: 6.12's perf detector panics on the stuck CPU (its NMI)");
	ok(dump_how_text("[ 3.1] Watchdog detected hard LOCKUP on cpu 2\n"
			 "[ 3.2] Kernel panic - not syncing: Hard LOCKUP\n"
			 "[ 3.2] CPU: 3 UID: 0 PID: 0 Comm: swapper/3 Not tainted 6.12.95\n") ==
	   HOW_WATCHDOG, "how: 6.12's buddy detector panics on the CPU that watched it");
	ok(dump_how_text("Watchdog detected hard LOCKUP on cpu 2\n"
			 "Kernel panic - not syncing: Hard LOCKUP\n"
			 "Call trace:\nCPU: 3 UID: 0\n") == HOW_NMI_WATCHDOG,
	   "how: a CPU line not right after the panic is not the panicking CPU");
	ok(dump_how_text("Watchdog detected hard LOCKUP on cpu 2\n") == HOW_NMI_WATCHDOG,
	   "how: 6.12's report without its panic line");
	ok(dump_how_text("Internal error: Oops: 96000006") == HOW_OOPS, "how: oops");
	ok(dump_how_text("nothing") == HOW_NONE && dump_how_text(NULL) == HOW_NONE, "how: none");
	ok(cpus_not_stopped("SMP: failed to stop secondary CPUs 1-3\nx SMP: failed to stop secondary CPUs 2\n",
			    buf, sizeof(buf)) == 0 && !strcmp(buf, "2"), "CPUs not stopped: the last line");
	ok(cpus_not_stopped("all stopped", buf, sizeof(buf)) < 0, "CPUs not stopped: none");
}

/* QEMU's side of a QMP exchange, written before the call: the socket holds it. */
static int hmp_with(const char *server, char *out, size_t len, char *log, size_t loglen)
{
	FILE *o = fmemopen(out, len, "w"), *l = fmemopen(log, loglen, "w");
	int sv[2], rc = -1;

	memset(out, 0, len);
	memset(log, 0, loglen);
	if (o && l && !socketpair(AF_UNIX, SOCK_STREAM, 0, sv)) {
		if (write(sv[1], server, strlen(server)) == (ssize_t)strlen(server))
			rc = qmp_hmp(sv[0], "info registers -a", o, 0.5, l);
		close(sv[0]);
		close(sv[1]);
	}
	if (o)
		fclose(o);
	if (l)
		fclose(l);
	return rc;
}

static void test_qmp_hmp(void)
{
	char out[256], log[256];

	ok(!hmp_with("{\"event\": \"STOP\"}\n{\"return\": \"CPU#0\\r\\n PC=ffffffc008000000\\r\\n\"}\n",
		     out, sizeof(out), log, sizeof(log)) &&
	   !strcmp(out, "CPU#0\n PC=ffffffc008000000\n") && strstr(log, "STOP"),
	   "qmp_hmp: the monitor's output, past an event (logged), CR LF made LF");
	ok(hmp_with("{\"error\": {\"class\": \"GenericError\"}}\n", out, sizeof(out),
		    log, sizeof(log)) < 0 && !out[0], "qmp_hmp: an error reply is a failure");
	ok(hmp_with("{\"return\": \"half", out, sizeof(out), log, sizeof(log)) < 0,
	   "qmp_hmp: no whole reply in time is a failure");
}

static void test_cmdlines(void)
{
	char buf[512];

	ok(!capture_cmdline(board_lookup("virt"), NULL, 0, NULL, buf, sizeof(buf)) &&
	   !strcmp(buf, "console=ttyAMA0 reset_devices nr_cpus=1 cma=0 panic=5 rdinit=/init "
		   "rootfstype=ramfs kdump.device=LABEL=dumps kdump.after=poweroff kdump.timeout=60"),
	   "virt capture command line, with the board's kdump.timeout: %s", buf);
	ok(!capture_cmdline(board_lookup("rpi4"), "bootfs", 0, NULL, buf, sizeof(buf)) &&
	   !strcmp(buf, "console=ttyS1,115200 reset_devices nr_cpus=1 cma=0 panic=10 rdinit=/init "
		   "rootfstype=ramfs kdump.device=LABEL=bootfs kdump.fstype=vfat kdump.dir=/var/crash kdump.after=reboot "
		   "kdump.keep=3 kdump.timeout=180"),
	   "rpi4 capture command line");
	ok(!kernel_cmdline(board_lookup("rpi4"), NULL, buf, sizeof(buf)) &&
	   !strcmp(buf, "console=ttyS1,115200 crashkernel=64M panic=10 rdinit=/init "
		   "dumpwatch.button=pinctrl-bcm2711:21:falling"), "rpi4 kernel command line");
	ok(!board_cmdline(board_lookup("rpi4"), SERIES_6_12, buf, sizeof(buf)) &&
	   !strcmp(buf, "console=ttyS1,115200 crashkernel=64M panic=10 rdinit=/init "
		   "dump_button.gpio=pinctrl-bcm2711:21:falling"),
	   "rpi4 kernel command line on 6.12: the dump-button driver's parameter");
	ok(!board_cmdline(board_lookup("virt"), SERIES_6_1, buf, sizeof(buf)) &&
	   strstr(buf, " dumpwatch.button=9030000.pl061:3") && !strstr(buf, "dump_button"),
	   "virt kernel command line on 6.1: dumpwatch's button");
}

int main(void)
{
	size_t i;

	spec_errors = tmpfile();	/* the usage messages, out of the TAP stream */
	test_events();
	test_spec();
	test_spec_rpi4();
	test_typing();
	test_stamps();
	test_how();
	test_cmdlines();
	test_qmp_hmp();
	test_exec();
	test_capture_spec();
	test_partial();
	test_console_dmesg();
	for (i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++)
		test_fixture(&fixtures[i]);
	tap_plan(tap_n);
	return tap_done();
}
