/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LAB_COLLECT_H
#define LAB_COLLECT_H

#include <sys/types.h>

#include "lab.h"

struct collector {
	pid_t pid;	/* -1 when not running */
	int port;
};

/*
 * Starts the collector for the run in @p and sets @p->net_url to where the
 * guest sends its dump. Returns 0, or -1 (said why).
 */
int collector_start(struct collector *c, struct paths *p);
/*
 * For the no-collector fault: @p->net_url names a loopback port where
 * nothing listens (one the kernel just gave out and took back). 0 or -1.
 */
int collector_nobody(struct paths *p);
/* Stops it (SIGTERM, then SIGKILL after 2 s). Safe on one that never started. */
void collector_stop(struct collector *c);

#endif
