// SPDX-License-Identifier: GPL-2.0
/*
 * QEMU's monitor over QMP on a unix socket: the greeting, qmp_capabilities,
 * then commands ("system_powerdown" for the dump button, "quit"). Replies
 * and events are read by the runner's poll loop and logged; the greeting
 * and the capabilities reply are awaited here, under a deadline.
 */
#include <errno.h>
#include <jansson.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "lab.h"
#include "qmp.h"

/* Sends @cmd as one line and drops it; 0 when it all went out. */
static int send_json(int fd, json_t *cmd)
{
	char *text = cmd ? json_dumps(cmd, JSON_COMPACT) : NULL;
	size_t len;
	int rc = -1;

	if (text) {
		len = strlen(text);
		text[len] = '\n';	/* json_dumps leaves room for its NUL: replace it */
		/* QEMU may have gone: an error, not a SIGPIPE. */
		rc = send(fd, text, len + 1, MSG_NOSIGNAL) == (ssize_t)(len + 1) ? 0 : -1;
		free(text);
	}
	json_decref(cmd);
	return rc;
}

int qmp_send(int fd, const char *command)
{
	return send_json(fd, json_pack("{s:s}", "execute", command));
}

/* Reads until a line holding @key arrives, or @timeout_s passes. */
static int qmp_await(int fd, const char *key, double timeout_s, FILE *log)
{
	double end = mono_now() + timeout_s;
	char buf[4096];
	size_t n = 0;

	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		double left = end - mono_now();
		ssize_t got;

		if (left <= 0 || poll(&p, 1, (int)(left * 1000) + 1) <= 0)
			return -1;
		got = read(fd, buf + n, sizeof(buf) - 1 - n);
		if (got <= 0)
			return -1;
		if (log)
			fwrite(buf + n, 1, got, log);
		n += got;
		buf[n] = '\0';
		if (strstr(buf, key))
			return 0;
		if (n == sizeof(buf) - 1)
			n = 0;
	}
}

int qmp_open(const char *path, FILE *log)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(a.sun_path))
		return -1;
	strcpy(a.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) ||
	    qmp_await(fd, "\"QMP\"", 5, log) || qmp_send(fd, "qmp_capabilities") ||
	    qmp_await(fd, "\"return\"", 5, log)) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * Runs a human monitor command (QMP's human-monitor-command) and writes
 * what it printed to @out (none when NULL): a hung guest's CPU registers
 * ("info registers -a"). Other lines (events, the answer to a command sent
 * before, which is not text) go to @log. Returns 0 once the reply came, -1
 * on an error or after @timeout_s.
 */
int qmp_hmp(int fd, const char *cmdline, FILE *out, double timeout_s, FILE *log)
{
	double end = mono_now() + timeout_s;
	size_t n = 0, cap = 1 << 16;
	char *buf = malloc(cap);
	int rc = -1;

	if (!buf || send_json(fd, json_pack("{s:s, s:{s:s}}", "execute", "human-monitor-command",
					    "arguments", "command-line", cmdline)))
		goto out;
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		double left = end - mono_now();
		char *nl, *line;
		ssize_t got;

		if (left <= 0 || poll(&p, 1, (int)(left * 1000) + 1) <= 0)
			goto out;
		if (n + 1 == cap) {
			char *bigger = cap < (1 << 24) ? realloc(buf, cap * 2) : NULL;

			if (!bigger)
				goto out;
			buf = bigger;
			cap *= 2;
		}
		got = read(fd, buf + n, cap - 1 - n);
		if (got <= 0)
			goto out;
		n += got;
		buf[n] = '\0';
		/* One JSON object per line: the reply, or an event before it. */
		while ((nl = strchr(buf, '\n'))) {
			json_t *reply, *ret;

			*nl = '\0';
			line = buf;
			reply = json_loads(line, 0, NULL);
			ret = json_object_get(reply, "return");
			if (json_is_string(ret)) {
				const char *c;

				/* The monitor ends its lines with CR LF: plain lines here. */
				for (c = json_string_value(ret); out && *c; c++)
					if (*c != '\r')
						fputc(*c, out);
				rc = 0;
			} else if (!json_object_get(reply, "error") && log) {
				fprintf(log, "%s\n", line);	/* an event, or another command's answer */
			}
			if (json_is_string(ret) || json_object_get(reply, "error")) {
				json_decref(reply);
				goto out;
			}
			json_decref(reply);
			n -= nl + 1 - buf;
			memmove(buf, nl + 1, n + 1);
		}
	}
out:
	free(buf);
	return rc;
}
