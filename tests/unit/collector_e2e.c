// SPDX-License-Identifier: GPL-2.0
/*
 * The real dump-collector binary, over TCP on 127.0.0.1, as TAP:
 *   collector-e2e COLLECTOR
 * and a tiny HTTP client for scripts (tests/e2e/collector-real):
 *   collector-e2e put PORT /PREFIX/STAMP/NAME FILE [chunked]
 * which prints the status and exits 0 on 201.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tap.h"

static char tmp[] = "/tmp/collector-e2e-XXXXXX";
static char store[128], logpath[128], portpath[128];

static void msleep(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

static int connect_to(int port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		close(fd);
		return -1;
	}
	return fd;
}

static int send_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The status of the answer on @fd, 0 when none. */
static int read_status(int fd)
{
	char buf[1024];
	size_t got = 0;
	ssize_t n;
	int status = 0;

	while (got + 1 < sizeof(buf) && (n = read(fd, buf + got, sizeof(buf) - 1 - got)) > 0)
		got += (size_t)n;
	buf[got] = '\0';
	/* An interim 100 Continue comes first when asked for; the client here never asks. */
	if (sscanf(buf, "HTTP/1.1 %d", &status) != 1)
		return 0;
	return status;
}

enum { SEND_LENGTH, SEND_CHUNKED };

/*
 * PUT @len bytes of @body to @path: with Content-Length or chunked (random
 * chunk sizes, an extension and a trailer). @cut: send only that many body
 * bytes then close (0: all). @hold_ms: wait before closing the sending side.
 * Returns the status, 0 when none came, -1 when it could not connect.
 */
static int put(int port, const char *path, const unsigned char *body, size_t len, int how,
	       size_t cut, int hold_ms)
{
	char head[512], line[64];
	size_t at = 0, limit = cut ? cut : len;
	int fd = connect_to(port), status;

	if (fd < 0)
		return -1;
	if (how == SEND_LENGTH)
		snprintf(head, sizeof(head),
			 "PUT %s HTTP/1.1\r\nHost: collector\r\nContent-Length: %zu\r\n"
			 "Connection: close\r\n\r\n", path, len);
	else
		snprintf(head, sizeof(head),
			 "PUT %s HTTP/1.1\r\nHost: collector\r\nTransfer-Encoding: chunked\r\n"
			 "Connection: close\r\n\r\n", path);
	if (send_all(fd, head, strlen(head)))
		goto out;
	while (at < limit) {
		size_t n = how == SEND_LENGTH ? limit - at : 1 + (size_t)rand() % 70000;

		if (n > limit - at)
			n = limit - at;
		if (how == SEND_CHUNKED) {
			snprintf(line, sizeof(line), "%zx%s\r\n", n, rand() % 2 ? ";x=y" : "");
			if (send_all(fd, line, strlen(line)))
				goto out;
		}
		if (send_all(fd, body + at, n))
			goto out;
		if (how == SEND_CHUNKED && send_all(fd, "\r\n", 2))
			goto out;
		at += n;
	}
	if (how == SEND_CHUNKED && !cut)
		send_all(fd, "0\r\nX-Sum: none\r\n\r\n", 19);
	if (hold_ms)
		msleep(hold_ms);
out:
	shutdown(fd, SHUT_WR);
	status = read_status(fd);
	close(fd);
	return status;
}

static unsigned char *slurp(const char *path, size_t *len)
{
	struct stat st;
	unsigned char *buf;
	int fd = open(path, O_RDONLY);

	if (fd < 0 || fstat(fd, &st)) {
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	buf = malloc((size_t)st.st_size + 1);
	*len = (size_t)st.st_size;
	if (read(fd, buf, *len) != (ssize_t)*len) {
		free(buf);
		buf = NULL;
	}
	close(fd);
	return buf;
}

static bool stored_is(const char *rel, const void *want, size_t len)
{
	char path[512];
	unsigned char *got;
	size_t n;
	bool same;

	snprintf(path, sizeof(path), "%s/%s", store, rel);
	got = slurp(path, &n);
	same = got && n == len && !memcmp(got, want, len);
	free(got);
	return same;
}

static bool stored(const char *rel)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", store, rel);
	return access(path, F_OK) == 0;
}

/* Waits up to @ms for @rel to appear. */
static bool appears(const char *rel, int ms)
{
	for (; ms > 0; ms -= 20) {
		if (stored(rel))
			return true;
		msleep(20);
	}
	return stored(rel);
}

static bool log_has(const char *what)
{
	size_t n;
	char *log = (char *)slurp(logpath, &n);
	bool has;

	if (!log)
		return false;
	log[n] = '\0';
	has = strstr(log, what) != NULL;
	free(log);
	return has;
}

/* Starts the collector with @extra arguments (NULL-terminated); its pid, *port. */
static pid_t start(const char *collector, int *port, const char *const *extra)
{
	const char *argv[20] = { collector, "--dir", store, "--port-file", portpath,
				 "--idle-timeout", "1" };
	int argc = 7, i;
	pid_t pid;

	unlink(portpath);
	for (i = 0; extra && extra[i]; i++)
		argv[argc++] = extra[i];
	argv[argc] = NULL;
	pid = fork();
	if (pid == 0) {
		int fd = open(logpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		dup2(fd, 1);
		dup2(fd, 2);
		execv(collector, (char *const *)argv);
		_exit(127);
	}
	for (i = 0; i < 250; i++) {
		FILE *f = fopen(portpath, "r");

		if (f) {
			int ok_ = fscanf(f, "%d", port) == 1;

			fclose(f);
			if (ok_)
				return pid;
		}
		msleep(20);
	}
	*port = 0;
	return pid;
}

/* The exit status of @pid within @ms, -1 when it did not exit (then killed). */
static int exit_within(pid_t pid, int ms)
{
	int st;

	for (; ms > 0; ms -= 20) {
		if (waitpid(pid, &st, WNOHANG) == pid)
			return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		msleep(20);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	return -1;
}

static int run(const char *collector, const char *const *args)
{
	const char *argv[10] = { collector };
	int i, st;
	pid_t pid;

	for (i = 0; args[i]; i++)
		argv[i + 1] = args[i];
	pid = fork();
	if (pid == 0) {
		int fd = open("/dev/null", O_WRONLY);

		dup2(fd, 1);
		dup2(fd, 2);
		execv(collector, (char *const *)argv);
		_exit(127);
	}
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* A flattened stream (makedumpfile -F layout) of @file, its records in mixed order. */
static void be64put(unsigned char *p, uint64_t v)
{
	int i;

	for (i = 7; i >= 0; i--, v >>= 8)
		p[i] = (unsigned char)v;
}

static unsigned char *flatten(const unsigned char *file, size_t len, size_t *out)
{
	size_t nrec = 0, at, i, n = 4096, cuts[64][2];
	unsigned char *s = malloc(4096 + len + 16 * 66);

	for (at = 0; at < len && nrec < 63; nrec++) {
		size_t l = 1 + (size_t)rand() % (len / 16);

		if (nrec == 62 || l > len - at)
			l = len - at;
		cuts[nrec][0] = at;
		cuts[nrec][1] = l;
		at += l;
	}
	for (i = nrec - 1; i > 0; i--) {
		size_t j = (size_t)rand() % (i + 1), a = cuts[i][0], b = cuts[i][1];

		cuts[i][0] = cuts[j][0];
		cuts[i][1] = cuts[j][1];
		cuts[j][0] = a;
		cuts[j][1] = b;
	}
	memset(s, 0, 4096);
	memcpy(s, "makedumpfile", 12);
	be64put(s + 16, 1);
	be64put(s + 24, 1);
	for (i = 0; i < nrec; i++) {
		be64put(s + n, cuts[i][0]);
		be64put(s + n + 8, cuts[i][1]);
		memcpy(s + n + 16, file + cuts[i][0], cuts[i][1]);
		n += 16 + cuts[i][1];
	}
	be64put(s + n, UINT64_MAX);
	be64put(s + n + 8, UINT64_MAX);
	*out = n + 16;
	return s;
}

static int client_put(int argc, char **argv)
{
	unsigned char *body;
	size_t len;
	int status;

	if (argc < 5) {
		fprintf(stderr, "usage: collector-e2e put PORT /PREFIX/STAMP/NAME FILE [chunked]\n");
		return 2;
	}
	body = slurp(argv[4], &len);
	if (!body) {
		fprintf(stderr, "collector-e2e: %s: %s\n", argv[4], strerror(errno));
		return 2;
	}
	status = put(atoi(argv[2]), argv[3], body, len,
		     argc > 5 && !strcmp(argv[5], "chunked") ? SEND_CHUNKED : SEND_LENGTH, 0, 0);
	printf("%d\n", status);
	free(body);
	return status == 201 ? 0 : 1;
}

int main(int argc, char **argv)
{
	static const char *const once[] = { "--once", NULL };
	const char *collector;
	unsigned char *file, *flat;
	size_t len = 3 << 20, flen, i;
	pid_t pid, kids[8];
	int port, st, good;
	char cmd[256], path[128];

	if (argc >= 2 && !strcmp(argv[1], "put"))
		return client_put(argc, argv);
	if (argc != 2) {
		fprintf(stderr, "usage: collector-e2e COLLECTOR | collector-e2e put ...\n");
		return 2;
	}
	collector = argv[1];
	srand(7);
	tap_plan(26);
	if (!mkdtemp(tmp)) {
		ok(0, "a temporary directory");
		return 1;
	}
	snprintf(store, sizeof(store), "%s/store", tmp);
	snprintf(logpath, sizeof(logpath), "%s/log", tmp);
	snprintf(portpath, sizeof(portpath), "%s/port", tmp);
	mkdir(store, 0700);
	file = malloc(len);
	for (i = 0; i < len; i++)
		file[i] = (unsigned char)(rand() >> 9);

	pid = start(collector, &port, NULL);
	ok(port > 0, "started on 127.0.0.1:0, the port in --port-file: %d", port);
	snprintf(cmd, sizeof(cmd), "dump-collector: listening on 127.0.0.1:%d\n", port);
	ok(log_has(cmd), "it says where it listens");

	ok(put(port, "/farm/s1/dmesg.s1", file, 5000, SEND_LENGTH, 0, 0) == 201 &&
	   stored_is("farm/s1/dmesg.s1", file, 5000), "PUT dmesg with Content-Length: 201, the file");
	ok(put(port, "/farm/s1/dmesg.s1", file + 1, 5000, SEND_LENGTH, 0, 0) == 409 &&
	   stored_is("farm/s1/dmesg.s1", file, 5000), "the same name again: 409, not overwritten");
	ok(put(port, "/farm/s1/kdump-save.log.s1", file, 300000, SEND_CHUNKED, 0, 0) == 201 &&
	   stored_is("farm/s1/kdump-save.log.s1", file, 300000), "PUT log chunked: 201, the file");
	ok(put(port, "/farm/s1/dump.s1", file, len, SEND_LENGTH, 0, 0) == 201 &&
	   stored_is("farm/s1/dump.s1", file, len), "a 3 MiB dump, not flattened: stored as is");
	flat = flatten(file, len, &flen);
	ok(put(port, "/farm/s2/dump.s2", flat, flen, SEND_CHUNKED, 0, 0) == 201 &&
	   stored_is("farm/s2/dump.s2", file, len),
	   "a flattened dump (records in mixed order), chunked: stored de-flattened");
	ok(log_has("dump-collector: saved farm/s2/dump.s2 (3145728 bytes)\n"), "logged as saved");

	put(port, "/farm/s3/dump.s3", file, len, SEND_LENGTH, 100000, 0);
	ok(appears("farm/s3/dump-incomplete.s3", 3000) &&
	   stored_is("farm/s3/dump-incomplete.s3", file, 100000) &&
	   !stored("farm/s3/dump.s3"), "a dump cut short (closed) is kept as dump-incomplete");
	ok(log_has("dump-collector: PARTIAL farm/s3/dump-incomplete.s3 (100000 bytes)"),
	   "logged as PARTIAL");
	ok(put(port, "/farm/s4/dump.s4", flat, flen, SEND_CHUNKED, 200000, 2500) == 408 &&
	   appears("farm/s4/dump-incomplete.s4", 3000) && !stored("farm/s4/dump.s4"),
	   "a dump idle for --idle-timeout: 408, kept as dump-incomplete");
	put(port, "/farm/s5/dmesg.s5", file, 5000, SEND_LENGTH, 100, 0);
	msleep(300);
	snprintf(cmd, sizeof(cmd), "ls -A %s/farm/s5 | grep -q .", store);
	ok(!stored("farm/s5/dmesg.s5") && system(cmd) != 0, "a dmesg cut short: nothing left");
	ok(put(port, "/farm/s1/vmcore", file, 10, SEND_LENGTH, 0, 0) == 400, "another name: 400");
	ok(put(port, "/farm/.s/dump..s", file, 10, SEND_LENGTH, 0, 0) == 400, "a hidden stamp: 400");
	{
		int fd = connect_to(port);
		const char *get = "GET /farm/s1/dmesg.s1 HTTP/1.1\r\n\r\n";

		send_all(fd, get, strlen(get));
		shutdown(fd, SHUT_WR);
		ok(read_status(fd) == 405, "GET: 405");
		close(fd);
	}

	/* A farm: eight guests at once. */
	for (i = 0; i < 8; i++) {
		kids[i] = fork();
		if (kids[i] == 0) {
			snprintf(path, sizeof(path), "/farm/f%zu/dump.f%zu", i, i);
			srand((unsigned int)i);
			_exit(put(port, path, flat, flen, i % 2 ? SEND_CHUNKED : SEND_LENGTH, 0, 0) == 201 ? 0 : 1);
		}
	}
	good = 0;
	for (i = 0; i < 8; i++) {
		waitpid(kids[i], &st, 0);
		snprintf(path, sizeof(path), "farm/f%zu/dump.f%zu", i, i);
		good += WIFEXITED(st) && !WEXITSTATUS(st) && stored_is(path, file, len);
	}
	ok(good == 8, "eight dumps at once: %d of 8 saved whole", good);

	kill(pid, SIGTERM);
	ok(exit_within(pid, 3000) == 0, "SIGTERM: exits 0");

	/* --once */
	pid = start(collector, &port, once);
	ok(put(port, "/once/s/dmesg.s", file, 100, SEND_LENGTH, 0, 0) == 201 && exit_within(pid, 300) < 0,
	   "--once: a dmesg does not end it");
	pid = start(collector, &port, once);
	ok(put(port, "/once/s/dmesg.s", file, 100, SEND_LENGTH, 0, 0) == 409 &&
	   put(port, "/once/s/dump.s", flat, flen, SEND_LENGTH, 0, 0) == 201 &&
	   exit_within(pid, 3000) == 0,
	   "--once: exits 0 after a dump is saved (a refusal does not end it)");
	pid = start(collector, &port, once);
	put(port, "/once/t/dump.t", file, len, SEND_LENGTH, 1000, 0);
	ok(exit_within(pid, 3000) == 1 && stored("once/t/dump-incomplete.t"),
	   "--once: exits 1 after a dump kept partial");
	pid = start(collector, &port, NULL);
	{
		int fd = connect_to(port);
		char head[128];

		snprintf(head, sizeof(head), "PUT /stop/s/dump.s HTTP/1.1\r\nContent-Length: %zu\r\n\r\n", len);
		send_all(fd, head, strlen(head));
		send_all(fd, file, 4096);
		msleep(200);
		kill(pid, SIGTERM);
		ok(exit_within(pid, 3000) == 0 && stored_is("stop/s/dump-incomplete.s", file, 4096),
		   "SIGTERM during a dump: exits 0, what came kept as dump-incomplete");
		close(fd);
	}

	/* The command line. */
	{
		const char *const help[] = { "--help", NULL };
		const char *const nodir[] = { "--listen", "127.0.0.1:0", NULL };
		const char *const badlisten[] = { "--dir", store, "--listen", "localhost", NULL };
		const char *const badsize[] = { "--dir", store, "--max-size", "12X", NULL };
		const char *const badidle[] = { "--dir", store, "--idle-timeout", "0", NULL };
		const char *const extra[] = { "--dir", store, "junk", NULL };

		ok(run(collector, help) == 0, "--help: 0");
		snprintf(cmd, sizeof(cmd), "%s --help | grep -q 'no authentication'", collector);
		ok(system(cmd) == 0, "--help says there is no authentication");
		ok(run(collector, nodir) == 2 && run(collector, extra) == 2, "no --dir, or an extra word: 2");
		ok(run(collector, badlisten) == 2, "--listen localhost (no port): 2");
		ok(run(collector, badsize) == 2 && run(collector, badidle) == 2,
		   "--max-size 12X, --idle-timeout 0: 2");
	}
	free(flat);
	free(file);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmp);
	if (system(cmd))
		return 1;
	return tap_done();
}
