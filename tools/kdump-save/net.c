// SPDX-License-Identifier: GPL-2.0
/* The network dump target: HTTP/1.1 PUT to the collector (net.h). */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "../common/errf.h"
#include "net.h"

#define ANSWER_WAIT_MS 3000	/* for "100 Continue" before the body */

bool net_name_ok(const char *s)
{
	size_t n = strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-");

	return n > 0 && n <= 64 && !s[n] && s[0] != '.';
}

int net_url_parse(const char *url, struct net_url *u, char *err, size_t errlen)
{
	const char *host = url + 7, *slash, *colon;
	char ip[32];
	long port;
	char *end;

	memset(u, 0, sizeof(*u));
	if (strncmp(url, "http://", 7))
		return errf(err, errlen, "url: '%s' is not http://ADDRESS:PORT/PREFIX", url);
	slash = strchr(host, '/');
	colon = memchr(host, ':', slash ? (size_t)(slash - host) : strlen(host));
	if (!slash || !colon)
		return errf(err, errlen, "url: '%s' is not http://ADDRESS:PORT/PREFIX", url);
	if ((size_t)(colon - host) >= sizeof(ip) || (size_t)(slash - host) >= sizeof(u->hostport))
		return errf(err, errlen, "url: address too long in '%s'", url);
	memcpy(ip, host, colon - host);
	ip[colon - host] = '\0';
	u->addr.sin_family = AF_INET;
	if (inet_pton(AF_INET, ip, &u->addr.sin_addr) != 1)
		return errf(err, errlen, "url: '%s' is not an IPv4 address (the capture kernel has no resolver)",
			    ip);
	port = strtol(colon + 1, &end, 10);
	if (end != slash || colon + 1 == slash || port < 1 || port > 65535)
		return errf(err, errlen, "url: bad port in '%s'", url);
	u->addr.sin_port = htons((unsigned short)port);
	memcpy(u->hostport, host, slash - host);
	u->hostport[slash - host] = '\0';
	if (!net_name_ok(slash + 1))
		return errf(err, errlen, "url: prefix '%s' must be 1-64 of [A-Za-z0-9._-], not starting with '.'",
			    slash + 1);
	strcpy(u->prefix, slash + 1);
	return 0;
}

int http_put_head(char *buf, size_t len, const struct net_url *u, const char *stamp,
		  const char *name, long long length)
{
	char body[48];
	int n;

	if (length < 0)
		snprintf(body, sizeof(body), "Transfer-Encoding: chunked");
	else
		snprintf(body, sizeof(body), "Content-Length: %lld", length);
	n = snprintf(buf, len,
		     "PUT /%s/%s/%s HTTP/1.1\r\nHost: %s\r\nUser-Agent: kdump-save\r\n"
		     "%s\r\n%sExpect: 100-continue\r\nConnection: close\r\n\r\n",
		     u->prefix, stamp, name, u->hostport, body,
		     length < 0 ? "Trailer: Dump-Incomplete\r\n" : "");
	return n < 0 || (size_t)n >= len ? -1 : n;
}

int http_chunk_head(char *buf, size_t len, size_t n)
{
	return snprintf(buf, len, "%zx\r\n", n);
}

int http_response(const char *buf, size_t n, char *stored, size_t slen)
{
	const char *p = buf, *end = buf + n, *eol;
	int code;

	if (slen)
		stored[0] = '\0';
	/* A complete head ends with an empty line. */
	for (eol = p; eol + 3 < end; eol++)
		if (!memcmp(eol, "\r\n\r\n", 4))
			break;
	if (eol + 3 >= end || n < 12 || memcmp(buf, "HTTP/1.", 7) || buf[8] != ' ' ||
	    !isdigit((unsigned char)buf[9]) || !isdigit((unsigned char)buf[10]) ||
	    !isdigit((unsigned char)buf[11]))
		return -1;
	code = (buf[9] - '0') * 100 + (buf[10] - '0') * 10 + (buf[11] - '0');
	end = eol + 2;
	while ((p = memchr(p, '\n', end - p)) && ++p < end) {
		const char *le = memchr(p, '\r', end - p);
		size_t k;

		if (!le || (size_t)(le - p) < 10 || strncasecmp(p, "Stored-As:", 10))
			continue;
		p += 10;
		while (p < le && (*p == ' ' || *p == '\t'))
			p++;
		k = (size_t)(le - p) < slen ? (size_t)(le - p) : slen - 1;
		memcpy(stored, p, k);
		stored[k] = '\0';
	}
	return code;
}

static long long now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* connect() with a time limit. Returns the socket, or -1 with errno. */
static int connect_within(const struct sockaddr_in *a, int ms)
{
	struct pollfd pfd;
	int fd, e = 0;
	socklen_t el = sizeof(e);

	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (const struct sockaddr *)a, sizeof(*a)) && errno != EINPROGRESS)
		goto fail;
	pfd.fd = fd;
	pfd.events = POLLOUT;
	if (poll(&pfd, 1, ms) != 1) {
		errno = ETIMEDOUT;
		goto fail;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &el) || e) {
		errno = e ? e : errno;
		goto fail;
	}
	/* Blocking from here; each send is bounded by the caller's poll. */
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	return fd;
fail:
	e = errno;
	close(fd);
	errno = e;
	return -1;
}

static int send_all(struct put *p, const void *buf, size_t n, char *err, size_t errlen)
{
	const char *b = buf;

	while (n) {
		struct pollfd pfd = { .fd = p->fd, .events = POLLOUT };
		ssize_t k;

		if (poll(&pfd, 1, p->timeout_ms) != 1)
			return errf(err, errlen, "the collector took nothing for %d s", p->timeout_ms / 1000);
		k = send(p->fd, b, n, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (k < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (k < 0)
			return errf(err, errlen, "send: %s", strerror(errno));
		b += k;
		n -= (size_t)k;
	}
	return 0;
}

/* Reads a response head within @ms: its code (0 when none came in time), or -1. */
static int read_answer(struct put *p, int ms, char *stored, size_t slen, char *err, size_t errlen)
{
	char buf[2048];
	size_t n = 0;
	long long until = now_ms() + ms;

	for (;;) {
		struct pollfd pfd = { .fd = p->fd, .events = POLLIN };
		long long left = until - now_ms();
		ssize_t k;
		int code;

		if (left <= 0 || poll(&pfd, 1, (int)left) != 1)
			return 0;
		k = recv(p->fd, buf + n, sizeof(buf) - 1 - n, 0);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return errf(err, errlen, "the collector closed the connection without an answer");
		n += (size_t)k;
		code = http_response(buf, n, stored, slen);
		if (code >= 0)
			return code;
		if (n == sizeof(buf) - 1)
			return errf(err, errlen, "the collector's answer is not HTTP");
	}
}

int put_begin(struct put *p, const struct net_url *u, const char *stamp, const char *name,
	      long long length, int wait_ms, int *status, char *err, size_t errlen)
{
	long long until = now_ms() + wait_ms;
	char head[512];
	int n, code;

	p->fd = -1;
	p->chunked = length < 0;
	p->timeout_ms = 30000;
	n = http_put_head(head, sizeof(head), u, stamp, name, length);
	if (n < 0)
		return errf(err, errlen, "request too long");
	for (;;) {
		p->fd = connect_within(&u->addr, 5000);
		if (p->fd >= 0)
			break;
		/* The address may still be coming (DHCP), the collector starting. */
		if (now_ms() >= until)
			return errf(err, errlen, "cannot connect to %s: %s", u->hostport, strerror(errno));
		usleep(500000);
	}
	if (send_all(p, head, (size_t)n, err, errlen))
		goto fail;
	code = read_answer(p, ANSWER_WAIT_MS, NULL, 0, err, errlen);
	if (code < 0)
		goto fail;
	*status = code;
	if (code != 0 && code != 100)
		put_abort(p);
	return 0;
fail:
	put_abort(p);
	return -1;
}

int put_write(struct put *p, const void *buf, size_t n, char *err, size_t errlen)
{
	char head[24];

	if (!n)
		return 0;
	if (p->chunked && send_all(p, head, (size_t)http_chunk_head(head, sizeof(head), n), err, errlen))
		return -1;
	if (send_all(p, buf, n, err, errlen))
		return -1;
	return p->chunked ? send_all(p, "\r\n", 2, err, errlen) : 0;
}

int put_end(struct put *p, const char *incomplete, char *stored, size_t slen,
	    char *err, size_t errlen)
{
	char tail[300];
	int code;

	if (p->chunked) {
		char cause[200] = "", *c;

		/* A trailer's value is one line: no CR or LF from the cause. */
		snprintf(cause, sizeof(cause), "%s", incomplete ? incomplete : "");
		for (c = cause; *c; c++)
			if (*c == '\r' || *c == '\n')
				*c = ' ';
		if (incomplete)
			snprintf(tail, sizeof(tail), "0\r\nDump-Incomplete: %s\r\n\r\n", cause);
		else
			snprintf(tail, sizeof(tail), "0\r\n\r\n");
		if (send_all(p, tail, strlen(tail), err, errlen))
			goto fail;
	}
	/* The collector answers after its fsync: give it time. */
	code = read_answer(p, 60000, stored, slen, err, errlen);
	if (code == 0)
		errf(err, errlen, "no answer from the collector in 60 s");
	put_abort(p);
	return code > 0 ? code : -1;
fail:
	put_abort(p);
	return -1;
}

void put_abort(struct put *p)
{
	if (p->fd >= 0)
		close(p->fd);
	p->fd = -1;
}
