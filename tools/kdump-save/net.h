/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KDUMP_SAVE_NET_H
#define KDUMP_SAVE_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <netinet/in.h>

/*
 * The network dump target: kdump.url=http://A.B.C.D:PORT/PREFIX. Each file
 * goes to the collector (tools/collector) as an HTTP/1.1 PUT of
 * /PREFIX/<stamp>/<name>, one request per connection. The dump itself is
 * makedumpfile's flattened stream (-F), sent chunked as it is made; a dump
 * that makedumpfile did not finish ends with the trailer "Dump-Incomplete:
 * <cause>". The collector answers 201 only once the file is on its disk
 * (fsync, rename, fsync of the directory) and says in "Stored-As:" under
 * which name: dump.<stamp> when whole, dump-incomplete.<stamp> when not.
 *
 * An IPv4 address, not a name: the capture initramfs has no resolver.
 */
struct net_url {
	struct sockaddr_in addr;
	char hostport[32];	/* as given, for messages and the Host: header */
	char prefix[65];
};

/* Parses @url. Returns 0, or -1 with what is wrong in @err. */
int net_url_parse(const char *url, struct net_url *u, char *err, size_t errlen);

/* Whether @s is a path component the collector takes: [A-Za-z0-9._-]{1,64}, no leading '.'. */
bool net_name_ok(const char *s);

/*
 * The request head of a PUT of /@prefix/@stamp/@name into @buf: with
 * Content-Length @length, or chunked when @length < 0. Returns its length,
 * or -1 when it does not fit.
 */
int http_put_head(char *buf, size_t len, const struct net_url *u, const char *stamp,
		  const char *name, long long length);

/*
 * A response head in @buf (@n bytes, not necessarily NUL-terminated): its
 * status code, and the value of "Stored-As:" into @stored (empty if none).
 * Returns the code, or -1 when @buf is not a complete HTTP/1.x response head.
 */
int http_response(const char *buf, size_t n, char *stored, size_t slen);

/* One chunk's size line ("1f40\r\n") for @n bytes into @buf; its length. */
int http_chunk_head(char *buf, size_t len, size_t n);

/* A PUT in progress. */
struct put {
	int fd;
	bool chunked;
	int timeout_ms;		/* for each send and for the response */
};

/*
 * Connects (retrying while the network comes up, at most @wait_ms) and
 * sends the head of the PUT with "Expect: 100-continue", then waits up to
 * 3 s for the collector's answer: *@status is 100 (go on), 0 (no answer
 * yet: go on, as RFC 9110 allows) or the final status the collector gave
 * before the body (409: the name is taken; the connection is then closed).
 * Returns 0, or -1 with @err (no connection).
 */
int put_begin(struct put *p, const struct net_url *u, const char *stamp, const char *name,
	      long long length, int wait_ms, int *status, char *err, size_t errlen);

/* Sends @n bytes of the body (one chunk when chunked). 0, or -1 with @err. */
int put_write(struct put *p, const void *buf, size_t n, char *err, size_t errlen);

/*
 * Ends the body (the last chunk, with the trailer "Dump-Incomplete:
 * @incomplete" when it is not NULL) and reads the collector's answer.
 * Returns its status code (and "Stored-As:" in @stored), or -1 with @err.
 * Closes the connection.
 */
int put_end(struct put *p, const char *incomplete, char *stored, size_t slen,
	    char *err, size_t errlen);

/* Drops the connection: the collector keeps what came as incomplete. */
void put_abort(struct put *p);

#endif
