// SPDX-License-Identifier: GPL-2.0
/* kdump-save: the save's watchdog (a child on a monotonic deadline). */
#include <errno.h>
#include <fcntl.h>
#include <linux/watchdog.h>
#include <signal.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "watchdog.h"

static volatile sig_atomic_t stopping;

static void on_term(int sig)
{
	(void)sig;
	stopping = 1;
}

/* The hardware watchdog, set to a short timeout; -1 when there is none. */
static int hw_open(const char *dev)	/* kept open: never disarmed */
{
	int fd, t = 15;

	if (!dev || (fd = open(dev, O_WRONLY | O_CLOEXEC)) < 0)
		return -1;
	ioctl(fd, WDIOC_SETTIMEOUT, &t);	/* bcm2835: at most ~15 s */
	return fd;
}

static void child(const struct timespec *deadline, const char *dev, void (*fire)(void))
{
	struct sigaction sa = { .sa_handler = on_term };

	sigaction(SIGTERM, &sa, NULL);
	while (!stopping && clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, deadline, NULL))
		;	/* EINTR: SIGTERM, or a stray signal */
	if (stopping)
		_exit(0);
	/*
	 * The hardware watchdog is armed now, not at the start: QEMU's
	 * raspi4b resets the moment the bcm2835 watchdog is started (it
	 * emulates no countdown), and on a real Pi it is the backstop for a
	 * reboot that itself hangs.
	 */
	hw_open(dev);
	fire();
	_exit(1);
}

pid_t watchdog_start(const struct timespec *deadline, const char *dev, void (*fire)(void))
{
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid == 0)
		child(deadline, dev, fire);
	return pid;
}

void watchdog_stop(pid_t pid)
{
	int i;

	if (pid <= 0)
		return;
	kill(pid, SIGTERM);
	for (i = 0; i < 50; i++) {
		if (waitpid(pid, NULL, WNOHANG) == pid)
			return;
		usleep(20000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, WNOHANG);
}
