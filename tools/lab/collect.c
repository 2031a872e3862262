// SPDX-License-Identifier: GPL-2.0
/*
 * The collector of a --dump-to net run: build/host/dump-collector on the
 * host's loopback, on a port of its choosing, filing what the guest sends
 * under runs/<id>/collected/. QEMU's user network takes the guest's
 * connections to NET_HOST_ADDR to the host's loopback.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "collect.h"
#include "proc.h"

/* Where the guest sends to: the host's loopback @port as QEMU's user network shows it. */
static void set_net_url(struct paths *p, int port)
{
	snprintf(p->net_url, sizeof(p->net_url), "http://%s:%d/%s", NET_HOST_ADDR, port, p->id);
}

int collector_start(struct collector *c, struct paths *p)
{
	char tool[LAB_PATH], dir[LAB_PATH], portfile[LAB_PATH], log[LAB_PATH], *port;
	const char *argv[] = { tool, "--dir", dir, "--listen", "127.0.0.1:0", "--port-file",
			       portfile, NULL };
	double until;
	int n;

	c->pid = -1;
	if (strlen(p->id) > 64) {	/* the collector's limit for a name */
		progress("run id %s: longer than 64 characters", p->id);
		return -1;
	}
	path_join(tool, sizeof(tool), p->build, "host/dump-collector");
	path_join(dir, sizeof(dir), p->run, "collected");
	path_join(portfile, sizeof(portfile), p->run, "collector.port");
	path_join(log, sizeof(log), p->run, "collector.log");
	if (mkdir(dir, 0700) && errno != EEXIST) {
		progress("cannot make %s: %s", dir, strerror(errno));
		return -1;
	}
	if (access(tool, X_OK)) {
		progress("no %s: build it (make host-tools)", tool);
		return -1;
	}
	fflush(NULL);
	c->pid = fork();
	if (c->pid == 0) {
		sigset_t none;
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		setpgid(0, 0);
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		if (fd >= 0) {
			dup2(fd, STDOUT_FILENO);
			dup2(fd, STDERR_FILENO);
		}
		execv(tool, (char *const *)argv);
		fprintf(stderr, "cannot run %s: %s\n", tool, strerror(errno));
		_exit(127);
	}
	if (c->pid < 0)
		return -1;
	/* It writes the port once it listens. */
	for (until = mono_now() + 10; mono_now() < until; usleep(20000)) {
		port = read_text(portfile);
		if (port && sscanf(port, "%d", &n) == 1 && n > 0 && n < 65536) {
			free(port);
			c->port = n;
			set_net_url(p, n);
			progress("collector on 127.0.0.1:%d (the guest's %s:%d), filing into runs/%s/collected",
				 n, NET_HOST_ADDR, n, p->id);
			return 0;
		}
		free(port);
		if (waitpid(c->pid, NULL, WNOHANG) == c->pid) {
			c->pid = -1;
			break;
		}
	}
	progress("the collector did not start: see runs/%s/collector.log", p->id);
	collector_stop(c);
	return -1;
}

int collector_nobody(struct paths *p)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t al = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) ||
	    getsockname(fd, (struct sockaddr *)&a, &al)) {
		progress("no free loopback port: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	set_net_url(p, ntohs(a.sin_port));
	progress("no collector: nothing listens on 127.0.0.1:%d (the guest's %s:%d)", ntohs(a.sin_port),
		 NET_HOST_ADDR, ntohs(a.sin_port));
	return 0;
}

void collector_stop(struct collector *c)
{
	int i;

	if (c->pid <= 0)
		return;
	kill(c->pid, SIGTERM);
	for (i = 0; i < 100; i++) {
		if (waitpid(c->pid, NULL, WNOHANG) == c->pid) {
			c->pid = -1;
			return;
		}
		usleep(20000);
	}
	kill(c->pid, SIGKILL);
	waitpid(c->pid, NULL, 0);
	c->pid = -1;
}
