/* SPDX-License-Identifier: GPL-2.0 */
/* QEMU as the runner drives it (boot.c) and the watch over its console (watch.c). */
#ifndef LAB_BOOT_H
#define LAB_BOOT_H

#include "lab.h"

struct qemu {
	pid_t pid;		/* -1 once reaped */
	int con;		/* the serial console's read end */
	int qmp;		/* QMP socket, -1 until connected */
	int sig;		/* signalfd: SIGCHLD, SIGINT, SIGTERM (the caller's) */
	double t0;		/* CLOCK_MONOTONIC at the start */
	char tmp[256], qmp_path[300];
	char machine[64], smp[16], image[LAB_PATH], drive[LAB_PATH + 64], qmp_arg[400];
	char append[512];
	int in;			/* the console's input (typed boards), -1 when none */
	char *argtext;		/* storage of a command line read from a script, or NULL */
};

/*
 * The steps of a run that differ between boards (the board table in
 * board.c has what the kernels are told; this has what the host does).
 */
struct board_ops {
	/* The run's files: its initrd (into @initrd, a temporary file, or "") and dump disk. */
	int (*prepare)(const struct spec *s, const struct paths *p, char *initrd, size_t len);
	/* QEMU's command line into @argv (at most @max entries, NULL-terminated). */
	int (*argv)(const struct spec *s, const struct paths *p, const char *initrd,
		    struct qemu *q, const char **argv, size_t max);
	/* The dump tree off the dump disk into runs/<id>/crash, the newest dump checked. */
	void (*harvest)(const struct spec *s, const struct paths *p, struct harvest *h);
	/*
	 * Whether a whole dump is on the dump disk already, read while QEMU
	 * runs (NULL: the console says so in time on this board).
	 */
	bool (*saved)(const struct paths *p);
};

const struct board_ops *board_ops(const struct board *b);
extern const struct board_ops virt_ops, rpi4_ops;

/* Blocks SIGCHLD, SIGINT and SIGTERM and returns a signalfd for them. */
int lab_signals(void);
/* Starts QEMU for @s with @initrd; q->sig must be set. */
int qemu_start(struct qemu *q, const struct spec *s, const struct paths *p, const char *initrd);
/* Reaps QEMU if it has exited; true when it is gone. */
bool qemu_reaped(struct qemu *q);
/* Stops (QMP quit, SIGTERM, SIGKILL) and reaps QEMU; closes what it opened. */
void qemu_stop(struct qemu *q);
/* Watches the run until QEMU exits, a deadline passes or a signal comes. */
void watch(struct qemu *q, const struct spec *s, const struct paths *p, struct events *e);

#endif
