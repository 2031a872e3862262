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
};

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
