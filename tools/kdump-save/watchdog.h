/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KDUMP_SAVE_WATCHDOG_H
#define KDUMP_SAVE_WATCHDOG_H

#include <sys/types.h>
#include <time.h>

/*
 * The save's watchdog: a child process that sleeps on CLOCK_MONOTONIC until
 * @deadline and then calls @fire (which reboots or powers off; it should not
 * return). Whatever the saving process is stuck in (mount, sync, waitpid in
 * uninterruptible sleep), the child is not. Where there is a hardware
 * watchdog (@dev, e.g. /dev/watchdog; NULL or absent: none) the child arms
 * it at the deadline, just before @fire, and never feeds it: a reboot that
 * itself hangs is reset by the hardware 15 s later. (Not from the start:
 * QEMU's raspi4b resets at once when the bcm2835 watchdog is started.)
 * Returns the child's pid, or -1.
 */
pid_t watchdog_start(const struct timespec *deadline, const char *dev, void (*fire)(void));

/* Stops the watchdog child (and disarms the hardware one cleanly). */
void watchdog_stop(pid_t pid);

#endif
