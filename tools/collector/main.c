// SPDX-License-Identifier: GPL-2.0
/*
 * dump-collector: the host end of kdump-save's network target
 * (kdump.url=http://HOST:PORT/PREFIX). Listens, forks a child per
 * connection, which serves one PUT (collector.c).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "collector.h"

#define MAX_CHILDREN	64

/* Child exit statuses: what the request was, for --once. */
enum { EXIT_OTHER = 0, EXIT_DUMP_SAVED = 10, EXIT_DUMP_PARTIAL = 11 };

static volatile sig_atomic_t stop_sig, child_sig;
static volatile int stop_flag;
static pid_t children[MAX_CHILDREN];

static void on_stop(int sig)
{
	stop_sig = sig;
	stop_flag = 1;
}

static void on_child(int sig)
{
	(void)sig;
	child_sig = 1;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: dump-collector --dir DIR [--listen ADDR:PORT] [--port-file FILE]\n"
		"                      [--idle-timeout S] [--max-size BYTES] [--once]\n"
		"\n"
		"Receives kdump-save's files over HTTP/1.1 (kdump.url=http://HOST:PORT/PREFIX):\n"
		"PUT /PREFIX/STAMP/NAME, NAME one of dump.STAMP, dmesg.STAMP, kdump-save.log.STAMP,\n"
		"stored as DIR/PREFIX/STAMP/NAME (dirs 0700, files 0600), called saved (201) only\n"
		"after fsync of the file, rename and fsync of the directory. An existing NAME is\n"
		"never overwritten (409). A dump cut short is kept as dump-incomplete.STAMP.\n"
		"A dump in makedumpfile's flattened format (-F) is de-flattened on the fly into\n"
		"the kdump-compressed file makedumpfile -R would write.\n"
		"\n"
		"  --dir DIR           where the files go (must exist)\n"
		"  --listen ADDR:PORT  IPv4 address and port (default 127.0.0.1:0, 0: any free port)\n"
		"  --port-file FILE    write the port listened on to FILE once listening\n"
		"  --idle-timeout S    a connection with no byte for S seconds is cut short (default 60)\n"
		"  --max-size BYTES    largest file accepted (default 17179869184, 16 GiB;\n"
		"                      suffixes K, M, G)\n"
		"  --once              exit after the first dump.* request that sent a body:\n"
		"                      0 when it was saved, 1 when it was kept partial\n"
		"\n"
		"It prints \"dump-collector: listening on ADDR:PORT\", then one line per request.\n"
		"SIGTERM or SIGINT: stops; a transfer under way is cut short (a dump kept partial).\n"
		"\n"
		"There is no authentication and no encryption: anyone who can reach the port can\n"
		"store files (within --max-size each) in DIR. It listens on loopback by default;\n"
		"listen on another address only on a trusted network.\n");
}

static int bad_arg(const char *fmt, const char *arg)
{
	fprintf(stderr, "dump-collector: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, " (--help)\n");
	return 2;
}

static int parse_u64(const char *s, unsigned long long *v, bool suffix)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	*v = strtoull(s, &end, 10);
	if (errno)
		return -1;
	if (suffix && *end) {
		int shift = *end == 'K' ? 10 : *end == 'M' ? 20 : *end == 'G' ? 30 : -1;

		if (shift < 0 || end[1] || *v > (~0ULL >> shift))
			return -1;
		*v <<= shift;
		end++;
	}
	return *end ? -1 : 0;
}

static int parse_listen(const char *s, struct sockaddr_in *sa)
{
	char host[64];
	const char *colon = strrchr(s, ':');
	unsigned long long port;

	if (!colon || (size_t)(colon - s) >= sizeof(host) || parse_u64(colon + 1, &port, false) ||
	    port > 65535)
		return -1;
	memcpy(host, s, (size_t)(colon - s));
	host[colon - s] = '\0';
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = htons((uint16_t)port);
	return inet_pton(AF_INET, host, &sa->sin_addr) == 1 ? 0 : -1;
}

static int write_port_file(const char *path, int port)
{
	char tmp[4096];
	FILE *f;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return -1;
	f = fopen(tmp, "w");
	if (!f)
		return -1;
	fprintf(f, "%d\n", port);
	if (fclose(f) || rename(tmp, path)) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

static void say(const char *line)
{
	char buf[1100];
	int n = snprintf(buf, sizeof(buf), "dump-collector: %s\n", line);

	if (n > 0)
		(void)!write(STDOUT_FILENO, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

static int fsync_fd(int fd)
{
	return fsync(fd);
}

static int serve_child(int cfd, int dirfd, const struct col_conf *base)
{
	struct col_conf conf = *base;
	struct col_result res;
	struct sigaction sa = { .sa_handler = on_stop };

	/* The parent's handlers: SIGTERM now cuts this transfer short. */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGCHLD, SIG_DFL);
	conf.dirfd = dirfd;
	conf.stop = &stop_flag;
	col_serve(cfd, &conf, &res);
	say(res.line);
	close(cfd);
	if (res.have_req && res.kind == COL_DUMP) {
		if (res.outcome == COL_SAVED)
			return EXIT_DUMP_SAVED;
		if (res.outcome == COL_PARTIAL)
			return EXIT_DUMP_PARTIAL;
	}
	return EXIT_OTHER;
}

static int live_children(void)
{
	int i, n = 0;

	for (i = 0; i < MAX_CHILDREN; i++)
		n += children[i] > 0;
	return n;
}

/* Reaps what ended; with --once, *once_rc becomes 0/1 at the first dump. */
static void reap(int *once_rc)
{
	pid_t pid;
	int st, i;

	while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
		for (i = 0; i < MAX_CHILDREN; i++)
			if (children[i] == pid)
				children[i] = 0;
		if (*once_rc < 0 && WIFEXITED(st) && WEXITSTATUS(st) == EXIT_DUMP_SAVED)
			*once_rc = 0;
		else if (*once_rc < 0 && WIFEXITED(st) && WEXITSTATUS(st) == EXIT_DUMP_PARTIAL)
			*once_rc = 1;
	}
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "listen", required_argument, NULL, 'l' },
		{ "port-file", required_argument, NULL, 'p' },
		{ "idle-timeout", required_argument, NULL, 't' },
		{ "max-size", required_argument, NULL, 'm' },
		{ "once", no_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = NULL, *listen_at = "127.0.0.1:0", *port_file = NULL;
	unsigned long long idle = 60, max_size = 16ULL << 30, v;
	struct col_conf conf = { 0 };
	struct sockaddr_in sa;
	socklen_t salen = sizeof(sa);
	struct sigaction act = { 0 };
	sigset_t block, empty;
	bool once = false;
	int o, lfd, dirfd, one = 1, once_rc = -1, i;
	char addr[INET_ADDRSTRLEN], line[128];

	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 'd':
			dir = optarg;
			break;
		case 'l':
			listen_at = optarg;
			break;
		case 'p':
			port_file = optarg;
			break;
		case 't':
			if (parse_u64(optarg, &v, false) || v < 1 || v > 86400)
				return bad_arg("--idle-timeout %s: not a number of seconds in 1..86400",
					       optarg);
			idle = v;
			break;
		case 'm':
			if (parse_u64(optarg, &v, true) || v < 1 || v > (1ULL << 62))
				return bad_arg("--max-size %s: not a size in bytes (K, M, G)", optarg);
			max_size = v;
			break;
		case 'o':
			once = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			return bad_arg("%s", "bad option");
		}
	}
	if (optind < argc)
		return bad_arg("unexpected argument %s", argv[optind]);
	if (!dir)
		return bad_arg("%s", "--dir DIR is required");
	if (parse_listen(listen_at, &sa))
		return bad_arg("--listen %s: not IPv4-ADDRESS:PORT", listen_at);
	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0) {
		fprintf(stderr, "dump-collector: --dir %s: %s\n", dir, strerror(errno));
		return 2;
	}

	lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lfd < 0 || setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) || listen(lfd, 16) ||
	    getsockname(lfd, (struct sockaddr *)&sa, &salen)) {
		fprintf(stderr, "dump-collector: listen on %s: %s\n", listen_at, strerror(errno));
		return 1;
	}
	inet_ntop(AF_INET, &sa.sin_addr, addr, sizeof(addr));

	/* Signals are blocked but in ppoll(): no race between a check and the wait. */
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGCHLD);
	sigprocmask(SIG_BLOCK, &block, NULL);
	sigemptyset(&empty);
	act.sa_handler = on_stop;
	sigaction(SIGTERM, &act, NULL);
	sigaction(SIGINT, &act, NULL);
	act.sa_handler = on_child;
	sigaction(SIGCHLD, &act, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (port_file && write_port_file(port_file, ntohs(sa.sin_port))) {
		fprintf(stderr, "dump-collector: --port-file %s: %s\n", port_file, strerror(errno));
		return 1;
	}
	snprintf(line, sizeof(line), "listening on %s:%d", addr, ntohs(sa.sin_port));
	say(line);
	if ((ntohl(sa.sin_addr.s_addr) >> 24) != 127)
		fprintf(stderr, "dump-collector: %s is not loopback: there is no authentication, "
			"anyone who reaches it can store files in %s\n", addr, dir);

	conf.dir = dir;
	conf.idle_timeout = (int)idle;
	conf.max_size = max_size;
	conf.sync = fsync_fd;

	while (!stop_sig && !(once && once_rc >= 0)) {
		struct pollfd p = { .fd = lfd, .events = POLLIN };
		int cfd;
		pid_t pid;

		if (ppoll(&p, 1, NULL, &empty) < 0 && errno != EINTR)
			break;
		reap(&once_rc);
		if (stop_sig || (once && once_rc >= 0) || !(p.revents & POLLIN))
			continue;
		cfd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (cfd < 0)
			continue;
		for (i = 0; i < MAX_CHILDREN && children[i]; i++)
			;
		if (i == MAX_CHILDREN) {
			static const char busy[] = "HTTP/1.1 503 Service Unavailable\r\n"
				"Content-Length: 5\r\nConnection: close\r\n\r\nbusy\n";

			send(cfd, busy, sizeof(busy) - 1, MSG_NOSIGNAL);
			close(cfd);
			say("refused a connection (503 busy: 64 transfers under way)");
			continue;
		}
		pid = fork();
		if (pid == 0) {
			sigset_t chld;

			/* SIGTERM and SIGINT stay blocked but while waiting for bytes (collector.c). */
			close(lfd);
			sigemptyset(&chld);
			sigaddset(&chld, SIGCHLD);
			sigprocmask(SIG_UNBLOCK, &chld, NULL);
			_exit(serve_child(cfd, dirfd, &conf));
		}
		if (pid > 0)
			children[i] = pid;
		else
			say("refused a connection (fork failed)");
		close(cfd);
	}
	close(lfd);

	/* Stopping: a transfer under way is cut short (its dump kept partial). */
	if (stop_sig)
		for (i = 0; i < MAX_CHILDREN; i++)
			if (children[i] > 0)
				kill(children[i], SIGTERM);
	while (live_children()) {
		int st;
		pid_t pid = waitpid(-1, &st, 0);

		if (pid < 0 && errno != EINTR)
			break;
		for (i = 0; pid > 0 && i < MAX_CHILDREN; i++)
			if (children[i] == pid)
				children[i] = 0;
	}
	if (once)
		return once_rc < 0 ? 1 : once_rc;
	return 0;
}
