/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The lab runner: one run of a p4ni9 case on an emulated board, in phases,
 * one function each:
 *   spec     the run as data, from the command line (spec.c)
 *   prepare  the run's initrd layer and dump disk (prepare.c)
 *   boot     QEMU with QMP on a unix socket, its console on a pipe (boot.c)
 *   watch    console lines -> events, one deadline per phase (watch.c)
 *   harvest  the dump tree from the dump disk, the newest dump, its check (harvest.c)
 *   classify outcome, expectation, match, why, how (classify.c, pure)
 *   report   result.json and the summary (report.c)
 * Boards are rows of a table (board.c: command lines, what the machine
 * fixes, how the case is triggered) and of an ops table (boot.h: prepare,
 * QEMU's command line, harvest; virt in boot.c and prepare.c, rpi4 in
 * rpi4.c). On rpi4 the case is typed on the board's shell (typing.c).
 */
#ifndef LAB_H
#define LAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include "p4ni9/cases.h"

#define LAB_PATH 4096

struct spec;

/* One board the lab knows: the kernel command lines and how to boot it. */
struct board {
	const char *name;		/* "virt", "rpi4" */
	const char *console;		/* console= of both kernels */
	const char *button;		/* dumpwatch.button= (6.1), dump_button.gpio= */
	int panic_s;			/* panic= of both kernels */
	const char *capture_fstype;	/* kdump.fstype= (NULL: kdump-save's default) */
	const char *capture_dir;	/* kdump.dir= (NULL: the default) */
	const char *capture_after;	/* kdump.after= */
	int keep;			/* kdump.keep=: dumps kept (0: all) */
	int save_timeout_s;		/* kdump.timeout=: the save's one deadline */
	const char *crashkernel;	/* crashkernel= of the main kernel */
	const char *dump_label;		/* the dump file system's default label */
	const char *qemu_cpu;		/* QEMU's -cpu */
	/*
	 * QEMU's -M for @s into @buf; NULL when the lab cannot boot
	 * this board yet.
	 */
	int (*qemu_machine)(const struct spec *s, char *buf, size_t len);
	/* result.json's "machine" */
	void (*describe)(const struct spec *s, char *buf, size_t len);
	/* What the machine fixes (0 or NULL: the run chooses). */
	int fixed_smp, fixed_gic;
	const char *fixed_mem;
	bool no_button;		/* the lab cannot press the dump button */
	bool fixed_cmdline;	/* boots the board's own cmdline.txt: no --watchdog off */
	/*
	 * The case is typed on the console's shell as a person at the serial
	 * adapter would (the board's /init gives a shell); NULL: the run's
	 * /init triggers it from /etc/dumpable/run.conf.
	 */
	int (*trigger)(const struct spec *s, char *buf, size_t len);
	/* Seconds added to the capture and save phases' deadlines (a slow dump disk). */
	int slow_save_s;
	/*
	 * After the trigger, a newline on the console every this many seconds
	 * (0: never): an interrupt that gets a stalled console going again.
	 */
	int nudge_s;
	/*
	 * A monitor command (query-status) every this many seconds once QMP
	 * is connected (0: never): it wakes QEMU's main loop, which runs the
	 * guest's timers. QEMU 10's raspi4b can leave an idle guest waiting on
	 * a timer that has expired until something wakes that loop
	 * (docs/raspberry-pi-4.md, "When the emulated board stops").
	 */
	int wake_s;
};

const struct board *board_lookup(const char *name);
/*
 * The capture kernel's command line (kexec -p --append) for @b, dumps to
 * @label, the save bounded by kdump.timeout=@save_timeout_s (<= 0: the
 * board's); @extra (NULL: none) is appended (a fault's kdump.* words).
 */
int capture_cmdline(const struct board *b, const char *label, int save_timeout_s,
		    const char *extra, char *buf, size_t len);
/*
 * Seconds the host waits for the save once the capture kernel is up: the
 * guest's own deadline (kdump.timeout, after which its watchdog reboots)
 * plus time to reboot. One number, so a slow save is never called hung.
 */
#define SAVE_GRACE_S 30
int save_deadline_s(const struct spec *s);
/*
 * The network target (--dump-to net, LAVA jobs): QEMU's user network, where
 * the host's loopback is NET_HOST_ADDR to the guest, on virtio-mmio (the
 * kernels have no PCI). The capture kernel takes its address by DHCP (the
 * kernel's own ip=dhcp) and sends the dump to the collector at @url
 * (http://ADDRESS:PORT/PREFIX). Its command line words into @buf: 0, or -1
 * when they do not fit.
 */
#define NET_HOST_ADDR "10.0.2.2"
#define NET_QEMU_NETDEV "user,id=net0"
#define NET_QEMU_DEVICE "virtio-net-device,netdev=net0"
int net_capture_words(const char *url, char *buf, size_t len);
/* The main kernel's command line; @s may be NULL (a board's default, 6.1). */
int kernel_cmdline(const struct board *b, const struct spec *s, char *buf, size_t len);
/* The board's default main command line for a kernel series (lab cmdline). */
int board_cmdline(const struct board *b, enum p4ni9_series series, char *buf, size_t len);

enum onoff { OFF, ON };

/* A capture fault the lab can inject (spec.c holds the table). */
struct fault {
	const char *name;
	const char *expect;	/* outcome of a fatal case: partial, capture-failed */
	const char *disk_size;	/* the dump disk's size; NULL: none attached */
	const char *mkfs;	/* "ext4", "vfat", "none" (unformatted) */
	const char *drive_opts;	/* extra QEMU -drive options, or "" */
	int save_timeout_s;	/* kdump.timeout= for this fault; 0: the board's */
	const char *what;
	bool net;		/* a fault of the network target: --dump-to net, no collector */
};

const struct fault *fault_lookup(const char *name);
/* "disk-full, no-disk, ..." for messages. */
const char *fault_names(void);

struct spec {
	const struct p4ni9_row *row;	/* the case */
	const struct board *board;
	const char *kernel;		/* the kernel: "6.1", "6.12", "6.12-buddy" */
	enum p4ni9_series series;	/* the same, for the case table */
	int smp;
	char mem[32];
	int gic;
	bool nmi;
	bool watchdog;
	int trigger_cpu;		/* -1: wherever init runs */
	int button_after_s;		/* -1: no button */
	const char *exec;		/* the script as given, or NULL */
	bool keep;
	int timeout_s;			/* per phase */
	const struct fault *fault;	/* NULL: a healthy dump disk */
	int save_timeout_s;		/* kdump.timeout= on the capture command line */
	char crashkernel[16];		/* crashkernel= of the main kernel, "64M" */
	bool net;			/* --dump-to net: the dump goes to a collector */
};

/* A fault of the network target (no-collector): --dump-to net, with a disk to fall back on. */
static inline bool spec_net_fault(const struct spec *s)
{
	return s->fault && s->fault->net;
}

/*
 * Parses "CASE [options]" into @s. On bad usage prints "dumpable: ..." to
 * stderr and returns -1 (the caller exits 2); 1 for --help; 0 when good.
 */
int spec_parse(struct spec *s, int argc, char **argv);
/* Where spec_parse() says what is wrong (NULL: stderr). */
extern FILE *spec_errors;
/* What the run expects: "dump", "survived" or "hung". */
const char *spec_expected(const struct spec *s);

/*
 * Typing on the board's console: wait for the board's banner, wake the
 * shell with a newline, wait for its prompt after that, then type the
 * trigger. Pure: fed the console's text, it says what to type.
 */
#define BOARD_BANNER "dumpable: this is the dumpable-kernel lab on a board"

struct typist {
	enum { TY_BANNER, TY_WOKEN, TY_PROMPT, TY_TYPED } state;
	const char *command;	/* the trigger, ending in a newline */
};

/* Copies @in to @out without ANSI escape sequences (ESC [ ... final) and CRs. */
void strip_escapes(const char *in, char *out, size_t len);
/* Whether the console's unfinished line @text is a root shell's prompt ("/ # "). */
bool at_prompt(const char *text);
/*
 * Feeds the console's text: a whole line (@whole) or the unfinished one
 * so far; returns what to type now, or NULL.
 */
const char *typist_feed(struct typist *t, const char *text, bool whole);
/* The line that triggers @s on the board's shell, with its event lines. */
int typed_trigger(const struct spec *s, char *buf, size_t len);
/* The --exec @script typed into /tmp/exec.sh (a here-document); -1 if it cannot be. */
int typed_script(const char *script, char *buf, size_t len);

/* Where things are on this host (from the environment), never in spec.json. */
struct paths {
	char root[LAB_PATH];	/* the checkout: result.json's paths are relative to it */
	char build[LAB_PATH];	/* build/ */
	char kdir[LAB_PATH];	/* the kernel build: Image, vmlinux */
	char images[LAB_PATH];	/* main.cpio.gz */
	char run[LAB_PATH];	/* runs/<id> */
	char board[LAB_PATH];	/* the board's files (./dumpable image OUT), "" for virt */
	char id[256];
	/* The collector's URL as the guest reaches it (--dump-to net), "" for the disk. */
	char net_url[320];
};

/* Console events, in the order a run meets them. */
enum event {
	EV_NONE,
	EV_ARMED,		/* ^dumpable: armed */
	EV_TRIGGERED,		/* ^dumpable: (trigger case|exec begin) */
	EV_CAPTURE_UP,		/* kdump-save: .*capture kernel up */
	EV_SAVED,		/* kdump-save: .*saved  */
	EV_SAVE_FAILED,		/* kdump-save: .*FAILED */
	EV_SAVE_PARTIAL,	/* kdump-save: .*PARTIAL: */
	EV_WATCHDOG,		/* kdump-save: .*watchdog: the save outlasted */
	EV_RETURNED,		/* dumpable: p4ni9 returned: exit status N */
	EV_SURVIVED,		/* ^dumpable: (survived|exec end) */
};

/* What one console line says; *@arg gets N of "exit status N". Pure. */
enum event line_event(const char *line, int *arg);

/* Seconds since QEMU started (CLOCK_MONOTONIC); < 0 for "never". */
struct events {
	double armed, triggered, capture_up, saved, survived, end, button;
	bool save_failed;
	bool save_partial;		/* kdump-save kept a partial dump */
	double watchdog;		/* the save's watchdog fired, or < 0 */
	int returned;			/* p4ni9's exit status, -1 if never said */
	bool exec_end;
	double guest_capture_up, guest_saved;	/* kdump-save's own clock, < 0 if none */
	char saved_line[160];
	const char *hung_in;		/* phase whose deadline passed, or NULL */
	bool hang_registers;		/* hang-registers.txt: QEMU's CPUs at the hang */
	bool qemu_gone;			/* QEMU exited by itself */
	int interrupted;		/* the signal that stopped the run, or 0 */
};

void events_init(struct events *e);
/* Feeds one console line (without its newline) at time @t; returns its event. */
enum event events_feed(struct events *e, const char *line, double t);
/* The phase a run is in: "boot", "trigger", "capture", "save". */
const char *events_phase(const struct events *e);

struct harvest {
	char dump[LAB_PATH];	/* absolute, "" when none came home */
	char dmesg[LAB_PATH];
	char partial[LAB_PATH];	/* dump-incomplete.<stamp>, "" when none */
	char log[LAB_PATH];	/* kdump-save.log.<stamp>, "" when none */
	const char *format;	/* "kdump-compressed", "invalid", NULL */
	unsigned long long bytes;
	char check[320];	/* the dump check's one line */
};

/* Orders two kdump-tools stamps ("202611280400", "202611280400-10"). */
int stamp_cmp(const char *a, const char *b);
/*
 * The newest entry of @names (stamps, or "dump.<stamp>" with @prefix
 * "dump."), NULL if none has @prefix.
 */
const char *newest_stamp(const char *const *names, size_t n, const char *prefix);
/*
 * The crashed kernel's log that kdump-save printed on the console when it
 * had nowhere to save it (between its two marker lines), or NULL. Pure;
 * the caller frees it.
 */
char *console_dmesg(const char *console);
/* runs/<id>/crash/<stamp>/{dump,dmesg}.<stamp>: the newest dump and its check. */
void harvest_dir(const char *crash_dir, struct harvest *h);

struct verdict {
	const char *outcome;	/* dump, partial, survived, hung, capture-failed, error */
	const char *expected;
	bool match;
	char why[512];
	const char *how;	/* NULL when unknown */
	char cpus_not_stopped[64];	/* "" when all stopped */
};

/* Pure: everything known about a run -> its verdict. */
void classify(const struct spec *s, const struct events *e, const struct harvest *h,
	      const char *dmesg, struct verdict *v);

/* @dir/@name into @buf; a path too long for @buf ends the runner (exit 2). */
char *path_join(char *buf, size_t len, const char *dir, const char *name);
/* Reads a whole file into a NUL-terminated string (NULL if it cannot). */
char *read_text(const char *path);
/* "[dumpable] ..." to stderr. */
void progress(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Seconds on CLOCK_MONOTONIC. */
double mono_now(void);

#endif
