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
static int hw_open(const char *dev)
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
	int hw = hw_open(dev);

	sigaction(SIGTERM, &sa, NULL);
	for (;;) {
		struct timespec now, next;

		clock_gettime(CLOCK_MONOTONIC, &now);
		if (stopping) {
			if (hw >= 0 && write(hw, "V", 1) < 0)	/* magic close: disarm */
				perror("kdump-save: watchdog");
			_exit(0);
		}
		if (now.tv_sec > deadline->tv_sec ||
		    (now.tv_sec == deadline->tv_sec && now.tv_nsec >= deadline->tv_nsec))
			break;
		if (hw >= 0)
			ioctl(hw, WDIOC_KEEPALIVE, 0);
		next = now;
		next.tv_sec += 1;
		if (next.tv_sec > deadline->tv_sec ||
		    (next.tv_sec == deadline->tv_sec && next.tv_nsec > deadline->tv_nsec))
			next = *deadline;
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
	}
	/* The hardware watchdog is no longer fed: it fires if @fire cannot. */
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
