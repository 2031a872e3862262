// SPDX-License-Identifier: GPL-2.0
/*
 * dump-collector: the request (HTTP/1.1 PUT, one per connection), the
 * chunked decoder, the de-flattener of makedumpfile -F streams, and one
 * connection served into DIR/PREFIX/STAMP/NAME with the same durability
 * rules as kdump-save (fsync the file, rename, fsync the directory).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "collector.h"
#include "../common/kdumpfmt.h"

bool col_valid_component(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > COL_MAX_COMP || s[0] == '.')
		return false;
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == '-'))
			return false;
	}
	return true;
}

int col_parse_path(const char *path, size_t n, struct col_req *r, const char **why)
{
	char *comp[3] = { r->prefix, r->stamp, r->name };
	const char *p = path, *end = path + n;
	char want[COL_MAX_COMP + 32];
	int i;

	if (n == 0 || *p != '/') {
		*why = "the path must be /PREFIX/STAMP/NAME";
		return -1;
	}
	for (i = 0; i < 3; i++) {
		const char *s = ++p;

		while (p < end && *p != '/')
			p++;
		if (!col_valid_component(s, (size_t)(p - s))) {
			*why = "a path component is not [A-Za-z0-9._-]{1,64} (or starts with '.')";
			return -1;
		}
		memcpy(comp[i], s, (size_t)(p - s));
		comp[i][p - s] = '\0';
		if (i < 2 && p == end) {
			*why = "the path must have three components: /PREFIX/STAMP/NAME";
			return -1;
		}
	}
	if (p != end) {
		*why = "the path must have three components: /PREFIX/STAMP/NAME";
		return -1;
	}
	snprintf(want, sizeof(want), "dump.%s", r->stamp);
	if (!strcmp(r->name, want)) {
		r->kind = COL_DUMP;
		return 0;
	}
	snprintf(want, sizeof(want), "dmesg.%s", r->stamp);
	if (!strcmp(r->name, want)) {
		r->kind = COL_DMESG;
		return 0;
	}
	snprintf(want, sizeof(want), "kdump-save.log.%s", r->stamp);
	if (!strcmp(r->name, want)) {
		r->kind = COL_LOG;
		return 0;
	}
	*why = "NAME must be dump.STAMP, dmesg.STAMP or kdump-save.log.STAMP";
	return -1;
}

size_t col_head_len(const char *buf, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i++) {
		if (buf[i] != '\n')
			continue;
		if (buf[i + 1] == '\n')
			return i + 2;
		if (buf[i + 1] == '\r' && i + 2 < len && buf[i + 2] == '\n')
			return i + 3;
	}
	return 0;
}

static bool is_tchar(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       (c && strchr("!#$%&'*+-.^_`|~", c));
}

/* The next line of [*p, end): its start and length without CR LF; advances *p. */
static const char *next_line(const char **p, const char *end, size_t *n)
{
	const char *s = *p, *e = memchr(s, '\n', (size_t)(end - s));

	if (!e)
		e = end;
	*p = e < end ? e + 1 : end;
	if (e > s && e[-1] == '\r')
		e--;
	*n = (size_t)(e - s);
	return s;
}

/* A header value equal to @want, case-insensitively. */
static bool value_is(const char *v, size_t n, const char *want)
{
	return strlen(want) == n && !strncasecmp(v, want, n);
}

int col_parse_head(const char *buf, size_t len, uint64_t max_size, struct col_req *r,
		   const char **why)
{
	const char *p = buf, *end = buf + len, *line, *sp1, *sp2;
	bool have_te = false;
	size_t n;

	memset(r, 0, sizeof(*r));
	line = next_line(&p, end, &n);
	sp1 = memchr(line, ' ', n);
	sp2 = sp1 ? memchr(sp1 + 1, ' ', (size_t)(line + n - sp1 - 1)) : NULL;
	if (!sp1 || !sp2 || sp1 == line) {
		*why = "malformed request line";
		return 400;
	}
	for (const char *c = line; c < sp1; c++) {
		if (!is_tchar(*c)) {
			*why = "malformed method";
			return 400;
		}
	}
	if (!value_is(sp2 + 1, (size_t)(line + n - sp2 - 1), "HTTP/1.1") &&
	    !value_is(sp2 + 1, (size_t)(line + n - sp2 - 1), "HTTP/1.0")) {
		*why = "not HTTP/1.1";
		return 400;
	}
	if (sp1 - line != 3 || memcmp(line, "PUT", 3)) {
		*why = "only PUT";
		return 405;
	}
	if (col_parse_path(sp1 + 1, (size_t)(sp2 - sp1 - 1), r, why))
		return 400;

	for (;;) {
		const char *colon, *v, *ve;

		if (p >= end) {
			*why = "the head has no end";
			return 400;
		}
		line = next_line(&p, end, &n);
		if (n == 0)
			break;
		if (line[0] == ' ' || line[0] == '\t') {
			*why = "obsolete line folding";
			return 400;
		}
		colon = memchr(line, ':', n);
		if (!colon || colon == line) {
			*why = "malformed header line";
			return 400;
		}
		for (const char *c = line; c < colon; c++) {
			if (!is_tchar(*c)) {
				*why = "malformed header name";
				return 400;
			}
		}
		v = colon + 1;
		ve = line + n;
		while (v < ve && (*v == ' ' || *v == '\t'))
			v++;
		while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
			ve--;
		for (const char *c = v; c < ve; c++) {
			if ((unsigned char)*c < 0x20 && *c != '\t') {
				*why = "control character in a header";
				return 400;
			}
		}
		n = (size_t)(colon - line);
		if (n == 14 && !strncasecmp(line, "Content-Length", n)) {
			uint64_t l = 0;

			if (v == ve || ve - v > 19) {
				*why = "bad Content-Length";
				return 400;
			}
			for (const char *c = v; c < ve; c++) {
				if (*c < '0' || *c > '9') {
					*why = "bad Content-Length";
					return 400;
				}
				l = l * 10 + (uint64_t)(*c - '0');
			}
			if (r->has_length && r->length != l) {
				*why = "two different Content-Lengths";
				return 400;
			}
			r->has_length = true;
			r->length = l;
		} else if (n == 17 && !strncasecmp(line, "Transfer-Encoding", n)) {
			if (have_te || !value_is(v, (size_t)(ve - v), "chunked")) {
				*why = "only Transfer-Encoding: chunked";
				return 501;
			}
			have_te = true;
			r->chunked = true;
		} else if (n == 6 && !strncasecmp(line, "Expect", n)) {
			if (!value_is(v, (size_t)(ve - v), "100-continue")) {
				*why = "unknown Expect";
				return 417;
			}
			r->expect_continue = true;
		}
	}
	if (p != end) {
		*why = "bytes after the head";
		return 400;
	}
	if (r->chunked && r->has_length) {
		*why = "both Content-Length and Transfer-Encoding";
		return 400;
	}
	if (!r->chunked && !r->has_length) {
		*why = "no Content-Length and not chunked";
		return 411;
	}
	if (r->has_length && r->length > max_size) {
		*why = "Content-Length above --max-size";
		return 413;
	}
	return 0;
}

/* The chunked decoder's states. */
enum {
	CH_SIZE,		/* hex digits */
	CH_SIZE_BWS,		/* blanks after the size, before ';' or CR */
	CH_EXT,			/* a chunk extension, up to CR */
	CH_SIZE_LF,		/* CR seen after the size line */
	CH_DATA,
	CH_DATA_CR,
	CH_DATA_LF,
	CH_TRAILER,		/* at the start of a trailer line (or the final CRLF) */
	CH_TRAILER_LINE,
	CH_TRAILER_LF,
	CH_END_LF,		/* CR of the final empty line seen */
	CH_DONE,
};

void col_chunked_init(struct col_chunked *c)
{
	memset(c, 0, sizeof(*c));
	c->state = CH_SIZE;
}

static int hexval(unsigned char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* Malformed: the data before the error is still returned, c->why says it failed. */
static long chunk_fail(struct col_chunked *c, const char *why, size_t out)
{
	c->why = why;
	c->state = CH_DONE;
	return (long)out;
}

/* A whole trailer line in c->line: "Dump-Incomplete: cause" is kept. */
static void trailer_line(struct col_chunked *c)
{
	static const char name[] = "Dump-Incomplete:";
	const char *v = c->line + sizeof(name) - 1, *end = c->line + c->linelen;
	size_t n = 0;

	if (c->linelen < sizeof(name) - 1 || strncasecmp(c->line, name, sizeof(name) - 1))
		return;
	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	c->incomplete = true;
	for (; v < end && n < sizeof(c->incomplete_why) - 1; v++)
		c->incomplete_why[n++] = (unsigned char)*v < 0x20 || *v == 0x7f ? '?' : *v;
	c->incomplete_why[n] = '\0';
	if (!n)
		strcpy(c->incomplete_why, "unknown");
}

long col_chunked_feed(struct col_chunked *c, unsigned char *buf, size_t len)
{
	size_t i = 0, out = 0;

	if (c->why)
		return 0;
	while (i < len && c->state != CH_DONE) {
		unsigned char ch = buf[i];

		switch (c->state) {
		case CH_SIZE:
			if (hexval(ch) >= 0) {
				/* 15 hex digits: far above any record, never an overflow. */
				if (++c->digits > 15)
					return chunk_fail(c, "chunk size too large", out);
				c->size = c->size * 16 + (uint64_t)hexval(ch);
				i++;
				break;
			}
			if (!c->digits)
				return chunk_fail(c, "malformed chunk size", out);
			if (ch == ' ' || ch == '\t')
				c->state = CH_SIZE_BWS;
			else if (ch == ';')
				c->state = CH_EXT;
			else if (ch == '\r')
				c->state = CH_SIZE_LF;
			else
				return chunk_fail(c, "malformed chunk size", out);
			i++;
			break;
		case CH_SIZE_BWS:
			if (ch == ';')
				c->state = CH_EXT;
			else if (ch == '\r')
				c->state = CH_SIZE_LF;
			else if (ch != ' ' && ch != '\t')
				return chunk_fail(c, "malformed chunk size", out);
			i++;
			break;
		case CH_EXT:
			if (ch == '\r')
				c->state = CH_SIZE_LF;
			else if ((ch < 0x20 && ch != '\t') || ch == 0x7f)
				return chunk_fail(c, "malformed chunk extension", out);
			if (++c->trailer > COL_MAX_TRAILER)
				return chunk_fail(c, "chunk extensions too long", out);
			i++;
			break;
		case CH_SIZE_LF:
			if (ch != '\n')
				return chunk_fail(c, "chunk size line without CRLF", out);
			i++;
			c->digits = 0;
			c->trailer = 0;		/* the bound is per line of extensions */
			c->state = c->size ? CH_DATA : CH_TRAILER;
			break;
		case CH_DATA: {
			size_t n = len - i;

			if (n > c->size)
				n = (size_t)c->size;
			memmove(buf + out, buf + i, n);
			out += n;
			i += n;
			c->size -= n;
			if (!c->size)
				c->state = CH_DATA_CR;
			break;
		}
		case CH_DATA_CR:
			if (ch != '\r')
				return chunk_fail(c, "chunk data without CRLF", out);
			c->state = CH_DATA_LF;
			i++;
			break;
		case CH_DATA_LF:
			if (ch != '\n')
				return chunk_fail(c, "chunk data without CRLF", out);
			c->state = CH_SIZE;
			i++;
			break;
		case CH_TRAILER:
			if (ch == '\r')
				c->state = CH_END_LF;
			else if (ch == ' ' || ch == '\t' || ch == ':' || !is_tchar((char)ch))
				return chunk_fail(c, "malformed trailer", out);
			else
				c->state = CH_TRAILER_LINE;
			if (++c->trailer > COL_MAX_TRAILER)
				return chunk_fail(c, "trailers too long", out);
			c->linelen = 0;
			if (ch != '\r')
				c->line[c->linelen++] = (char)ch;
			i++;
			break;
		case CH_TRAILER_LINE:
			if (ch == '\r')
				c->state = CH_TRAILER_LF;
			else if (ch == '\n')
				return chunk_fail(c, "malformed trailer", out);
			else if (c->linelen < sizeof(c->line) - 1)
				c->line[c->linelen++] = (char)ch;
			if (++c->trailer > COL_MAX_TRAILER)
				return chunk_fail(c, "trailers too long", out);
			i++;
			break;
		case CH_TRAILER_LF:
			if (ch != '\n')
				return chunk_fail(c, "malformed trailer", out);
			trailer_line(c);
			c->state = CH_TRAILER;
			i++;
			break;
		case CH_END_LF:
			if (ch != '\n')
				return chunk_fail(c, "chunked body without its final CRLF", out);
			c->state = CH_DONE;
			i++;
			break;
		}
	}
	c->done = c->state == CH_DONE && !c->why;
	return (long)out;
}

/* The flattened format (makedumpfile -F): a 4096-byte header block whose
 * first 32 bytes are the signature "makedumpfile" (16 bytes, NUL padded),
 * type 1 and version 1 (big-endian int64); then records of a 16-byte
 * header {int64 offset; int64 buf_size} (big-endian) followed by buf_size
 * bytes to write at offset; the stream ends with a header whose offset and
 * buf_size are both -1. */
#define FLAT_SIG	"makedumpfile\0\0\0\0"
#define FLAT_HEADER	4096

static uint64_t be64(const unsigned char *p)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

void col_sink_init(struct col_sink *s, int fd, uint64_t max_size)
{
	memset(s, 0, sizeof(*s));
	s->fd = fd;
	s->max_size = max_size;
	s->mode = SINK_SNIFF;
}

static int sink_fail(struct col_sink *s, int status, const char *fmt, const char *arg)
{
	s->status = status;
	snprintf(s->why, sizeof(s->why), fmt, arg);
	return -1;
}

static int put_at(struct col_sink *s, const unsigned char *buf, size_t len, uint64_t off)
{
	while (len) {
		ssize_t n = pwrite(s->fd, buf, len, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return sink_fail(s, 500, "write: %s", n ? strerror(errno) : "no progress");
		buf += n;
		len -= (size_t)n;
		off += (uint64_t)n;
		if (off > s->size)
			s->size = off;
	}
	return 0;
}

static int sink_raw(struct col_sink *s, const unsigned char *buf, size_t len)
{
	if (len > s->max_size - s->size)
		return sink_fail(s, 413, "%s", "the body is larger than --max-size");
	return put_at(s, buf, len, s->size);
}

static int sink_flat(struct col_sink *s, const unsigned char *buf, size_t len)
{
	while (len) {
		size_t n;

		if (s->skip) {
			n = len < s->skip ? len : (size_t)s->skip;
			s->skip -= n;
			buf += n;
			len -= n;
			continue;
		}
		if (s->end)
			return sink_fail(s, 400, "%s", "data after the end of the flattened stream");
		if (!s->left) {
			int64_t off, size;

			n = sizeof(s->rec) - s->reclen;
			if (n > len)
				n = len;
			memcpy(s->rec + s->reclen, buf, n);
			s->reclen += n;
			buf += n;
			len -= n;
			if (s->reclen < sizeof(s->rec))
				break;
			s->reclen = 0;
			off = (int64_t)be64(s->rec);
			size = (int64_t)be64(s->rec + 8);
			if (off == -1 && size == -1) {
				s->end = true;
				continue;
			}
			if (off < 0 || size <= 0)
				return sink_fail(s, 400, "%s", "bad flattened record (negative offset or size)");
			if ((uint64_t)size > COL_MAX_RECORD)
				return sink_fail(s, 400, "%s", "flattened record larger than 1 GiB");
			if ((uint64_t)off > s->max_size || (uint64_t)size > s->max_size - (uint64_t)off)
				return sink_fail(s, 413, "%s", "flattened record beyond --max-size");
			s->off = (uint64_t)off;
			s->left = (uint64_t)size;
			continue;
		}
		n = len < s->left ? len : (size_t)s->left;
		if (put_at(s, buf, n, s->off))
			return -1;
		s->off += n;
		s->left -= n;
		buf += n;
		len -= n;
	}
	return 0;
}

int col_sink_write(struct col_sink *s, const unsigned char *buf, size_t len)
{
	if (s->status)
		return -1;
	s->received += len;
	if (s->mode == SINK_SNIFF) {
		size_t n = sizeof(s->head) - s->headlen;

		if (n > len)
			n = len;
		memcpy(s->head + s->headlen, buf, n);
		s->headlen += n;
		buf += n;
		len -= n;
		if (s->headlen < sizeof(s->head))
			return 0;
		if (!memcmp(s->head, FLAT_SIG, sizeof(s->head))) {
			s->mode = SINK_FLAT;
			/* The rest of the header: type and version, then padding. */
			s->skip = FLAT_HEADER - sizeof(s->head);
			s->reclen = 0;
		} else {
			s->mode = SINK_RAW;
			if (sink_raw(s, s->head, s->headlen))
				return -1;
		}
	}
	if (s->mode == SINK_FLAT) {
		/* Check type and version as they go by: bytes 16..31 of the header. */
		while (len && s->skip > FLAT_HEADER - 32) {
			size_t at = FLAT_HEADER - (size_t)s->skip;

			s->rec[at - 16] = *buf++;
			len--;
			s->skip--;
			if (at == 31) {
				if (be64(s->rec) != 1 || be64(s->rec + 8) != 1)
					return sink_fail(s, 400, "%s",
							 "flattened header: type or version is not 1");
			}
		}
		return sink_flat(s, buf, len);
	}
	return sink_raw(s, buf, len);
}

int col_sink_finish(struct col_sink *s)
{
	if (s->status)
		return -1;
	if (s->mode == SINK_SNIFF) {
		s->mode = SINK_RAW;
		return sink_raw(s, s->head, s->headlen);
	}
	if (s->mode == SINK_FLAT && !s->end)
		return sink_fail(s, 400, "%s", "the flattened stream ended without its end marker");
	return 0;
}

/* One connection: the head, the body into a temporary file, the commit. */

static const char *reason_phrase(int status)
{
	switch (status) {
	case 100: return "Continue";
	case 201: return "Created";
	case 400: return "Bad Request";
	case 405: return "Method Not Allowed";
	case 408: return "Request Timeout";
	case 409: return "Conflict";
	case 411: return "Length Required";
	case 413: return "Content Too Large";
	case 417: return "Expectation Failed";
	case 431: return "Request Header Fields Too Large";
	case 501: return "Not Implemented";
	default: return "Internal Server Error";
	}
}

static void send_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		p += n;
		len -= (size_t)n;
	}
}

/* The answer; @stored: the name the body was stored as ("Stored-As:"), or NULL. */
static void respond_as(int fd, struct col_result *res, int status, const char *msg,
		      const char *stored)
{
	char buf[1024];
	int n;

	n = snprintf(buf, sizeof(buf),
		     "HTTP/1.1 %d %s\r\nContent-Type: text/plain\r\nContent-Length: %zu\r\n"
		     "%s%s%s%sConnection: close\r\n\r\n%s\n",
		     status, reason_phrase(status), strlen(msg) + 1,
		     status == 405 ? "Allow: PUT\r\n" : "", stored ? "Stored-As: " : "",
		     stored ? stored : "", stored ? "\r\n" : "", msg);
	if (n > 0 && (size_t)n < sizeof(buf))
		send_all(fd, buf, (size_t)n);
	res->status = status;
}

static void respond(int fd, struct col_result *res, int status, const char *msg)
{
	respond_as(fd, res, status, msg, NULL);
}

/*
 * 1: readable, 0: no byte for the idle timeout, -1: stopped (SIGTERM) or error.
 * SIGTERM and SIGINT, blocked by the caller (main.c), are let in only while
 * waiting (ppoll): one that comes between the check and the wait is not lost.
 */
static int wait_readable(int fd, const struct col_conf *conf)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	struct timespec now, end, left;
	sigset_t mask;
	int r;

	sigprocmask(SIG_BLOCK, NULL, &mask);
	sigdelset(&mask, SIGTERM);
	sigdelset(&mask, SIGINT);
	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += conf->idle_timeout;
	for (;;) {
		if (conf->stop && *conf->stop)
			return -1;
		clock_gettime(CLOCK_MONOTONIC, &now);
		left.tv_sec = end.tv_sec - now.tv_sec;
		left.tv_nsec = end.tv_nsec - now.tv_nsec;
		if (left.tv_nsec < 0) {
			left.tv_sec--;
			left.tv_nsec += 1000000000;
		}
		if (left.tv_sec < 0)
			return 0;
		r = ppoll(&p, 1, &left, &mask);
		if (r > 0)
			return 1;
		if (r < 0 && errno != EINTR)
			return -1;
	}
}

/* Reads what there is: >0 bytes, 0 EOF, -1 error or stop, -2 idle timeout. */
static ssize_t read_some(int fd, const struct col_conf *conf, void *buf, size_t len)
{
	for (;;) {
		int w = wait_readable(fd, conf);
		ssize_t n;

		if (w <= 0)
			return w ? -1 : -2;
		n = read(fd, buf, len);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		return n;
	}
}

/* After a refusal: read what the client still sends, a bounded amount, so
 * that closing does not reset the connection before it reads the answer. */
static void drain(int fd, const struct col_conf *conf)
{
	struct col_conf quick = *conf;
	char buf[65536];
	size_t total = 0;

	shutdown(fd, SHUT_WR);
	quick.idle_timeout = conf->idle_timeout < 2 ? conf->idle_timeout : 2;
	while (total < (256u << 20)) {
		ssize_t n = read_some(fd, &quick, buf, sizeof(buf));

		if (n <= 0)
			break;
		total += (size_t)n;
	}
}

/*
 * Whether a dump that came whole as a transfer is not whole as a dump: a
 * kdump-compressed file (what makedumpfile -F of the lab's capture rebuilds
 * to) is checked as kdump-save checks one on its disk (kdumpfmt.c). Other
 * formats are taken as they are.
 */
static bool dump_not_whole(int fd, char *err, size_t errlen)
{
	struct kdump_info info;
	char sig[8];
	bool bad;
	FILE *f;
	int d;

	if (pread(fd, sig, sizeof(sig), 0) != (ssize_t)sizeof(sig) || memcmp(sig, "KDUMP   ", 8))
		return false;
	d = dup(fd);
	f = d >= 0 ? fdopen(d, "r") : NULL;
	if (!f) {
		if (d >= 0)
			close(d);
		return false;	/* the fsync and rename still say what the disk did */
	}
	bad = kdump_check(f, &info, err, errlen) != 0;
	fclose(f);
	return bad;
}

static bool exists_at(int dirfd, const char *name)
{
	struct stat st;

	return fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

/* mkdir @name in @dirfd (0700) when it is missing, then fsync @dirfd; the open directory. */
static int open_dir(int dirfd, const char *name, col_sync_fn sync, char *err, size_t errlen)
{
	int fd;

	if (mkdirat(dirfd, name, 0700) == 0) {
		if (sync(dirfd)) {
			snprintf(err, errlen, "fsync of the directory above %s: %s", name,
				 strerror(errno));
			return -1;
		}
	} else if (errno != EEXIST) {
		snprintf(err, errlen, "mkdir %s: %s", name, strerror(errno));
		return -1;
	}
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		snprintf(err, errlen, "open %s: %s", name, strerror(errno));
	return fd;
}

/* @tmp to @final without replacing anything: 0, 1 when @final exists, -1. */
static int rename_new(int dirfd, const char *tmp, const char *final)
{
	if (renameat2(dirfd, tmp, dirfd, final, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno == EEXIST)
		return 1;
	if (errno != EINVAL && errno != ENOSYS)
		return -1;
	/* A file system without RENAME_NOREPLACE: link never replaces either. */
	if (linkat(dirfd, tmp, dirfd, final, 0))
		return errno == EEXIST ? 1 : -1;
	unlinkat(dirfd, tmp, 0);
	return 0;
}

/*
 * fsync @fd (@tmp in @dirfd), rename to @final, fsync the directory.
 * 0, 1 (@final exists: nothing renamed), or -1 with @err.
 */
static int commit(int dirfd, int fd, const char *tmp, const char *final, col_sync_fn sync,
		  char *err, size_t errlen)
{
	int r;

	if (sync(fd)) {
		snprintf(err, errlen, "fsync %s: %s", tmp, strerror(errno));
		return -1;
	}
	r = rename_new(dirfd, tmp, final);
	if (r < 0) {
		snprintf(err, errlen, "rename %s to %s: %s", tmp, final, strerror(errno));
		return -1;
	}
	if (r > 0) {
		snprintf(err, errlen, "%s exists", final);
		return 1;
	}
	if (sync(dirfd)) {
		snprintf(err, errlen, "fsync of the directory after renaming %s: %s", final,
			 strerror(errno));
		/* Not durable, so not saved: back to the temporary name. */
		renameat(dirfd, final, dirfd, tmp);
		return -1;
	}
	return 0;
}

enum body_end { BODY_DONE, BODY_CUT, BODY_IDLE, BODY_BAD, BODY_SENDER };

void col_serve(int fd, const struct col_conf *conf, struct col_result *res)
{
	static unsigned char buf[1 << 16];
	char head[COL_MAX_HEAD], tmp[COL_MAX_COMP + 32], partial[COL_MAX_COMP + 32];
	char err[256], where[3 * COL_MAX_COMP + 8];
	size_t hlen = 0, hend = 0, extra;
	struct col_chunked ch;
	struct col_sink sink;
	struct col_req r;
	enum body_end how = BODY_DONE;
	const char *why = "";
	uint64_t left;
	int status, pfd = -1, sfd = -1, ffd = -1, c;

	memset(res, 0, sizeof(*res));
	res->outcome = COL_REFUSED;

	/* The head. */
	while (!hend) {
		ssize_t n;

		if (hlen == sizeof(head)) {
			respond(fd, res, 431, "the request head is larger than 8 KiB");
			snprintf(res->line, sizeof(res->line), "refused a request (431 head larger than 8 KiB)");
			drain(fd, conf);
			return;
		}
		n = read_some(fd, conf, head + hlen, sizeof(head) - hlen);
		if (n <= 0) {
			if (n == -2 && hlen)
				respond(fd, res, 408, "no request within the idle timeout");
			res->outcome = COL_FAILED;
			snprintf(res->line, sizeof(res->line), "closed without a whole request (%s)",
				 n == -2 ? "idle timeout" : n == 0 ? "connection closed" : "read error or stopped");
			return;
		}
		hlen += (size_t)n;
		hend = col_head_len(head, hlen);
	}
	status = col_parse_head(head, hend, conf->max_size, &r, &why);
	if (status) {
		respond(fd, res, status, why);
		if (status != 405 && r.name[0]) {
			res->have_req = true;
			res->kind = r.kind;
		}
		snprintf(res->line, sizeof(res->line), "refused %.*s (%d %s)",
			 (int)strcspn(head, "\r\n") > 200 ? 200 : (int)strcspn(head, "\r\n"), head,
			 status, why);
		/* The request line as it came: no control bytes into the log. */
		for (char *c = res->line; *c; c++)
			if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7f)
				*c = '?';
		drain(fd, conf);
		return;
	}
	res->have_req = true;
	res->kind = r.kind;
	snprintf(where, sizeof(where), "%s/%s/%s", r.prefix, r.stamp, r.name);
	snprintf(tmp, sizeof(tmp), ".%s.%d.part", r.name, (int)getpid());
	snprintf(partial, sizeof(partial), "dump-incomplete.%s", r.stamp);

	/* Where it goes. */
	pfd = open_dir(conf->dirfd, r.prefix, conf->sync, err, sizeof(err));
	if (pfd >= 0)
		sfd = open_dir(pfd, r.stamp, conf->sync, err, sizeof(err));
	if (sfd < 0)
		goto fail500;
	if (exists_at(sfd, r.name) || (r.kind == COL_DUMP && exists_at(sfd, partial))) {
		respond(fd, res, 409, exists_at(sfd, r.name) ? "exists" : "a partial dump exists");
		snprintf(res->line, sizeof(res->line), "refused %s (409 exists)", where);
		drain(fd, conf);
		goto out;
	}
	ffd = openat(sfd, tmp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (ffd < 0) {
		snprintf(err, sizeof(err), "create %s: %s", tmp, strerror(errno));
		goto fail500;
	}
	if (r.expect_continue)
		send_all(fd, "HTTP/1.1 100 Continue\r\n\r\n", 25);

	/* The body. */
	col_sink_init(&sink, ffd, conf->max_size);
	if (r.kind != COL_DUMP)
		sink.mode = SINK_RAW;	/* only a dump is ever de-flattened */
	col_chunked_init(&ch);
	left = r.length;
	extra = hlen - hend;
	memcpy(buf, head + hend, extra);
	for (;;) {
		ssize_t n;
		long d;

		if (extra) {
			n = (ssize_t)extra;
			extra = 0;
		} else {
			if (r.chunked ? ch.done : !left)
				break;
			n = read_some(fd, conf, buf, sizeof(buf));
			if (n <= 0) {
				how = n == -2 ? BODY_IDLE : BODY_CUT;
				why = n == -2 ? "idle timeout" : n == 0 ? "connection closed" :
					"read error or stopped";
				break;
			}
		}
		if (r.chunked) {
			d = col_chunked_feed(&ch, buf, (size_t)n);
		} else {
			d = (long)((uint64_t)n < left ? (uint64_t)n : left);
			left -= (uint64_t)d;
		}
		if (col_sink_write(&sink, buf, (size_t)d)) {
			how = BODY_BAD;
			why = sink.why;
			status = sink.status;
			break;
		}
		if (r.chunked && ch.why) {
			how = BODY_BAD;
			why = ch.why;
			status = 400;
			break;
		}
	}
	if (how == BODY_DONE && r.kind == COL_DUMP && ch.incomplete) {
		/* Whole as a transfer, but the sender's makedumpfile did not finish. */
		snprintf(err, sizeof(err), "the sender says incomplete: %s", ch.incomplete_why);
		how = BODY_SENDER;
		why = err;
	}
	if (how == BODY_DONE && col_sink_finish(&sink)) {
		how = BODY_BAD;
		why = sink.why;
		status = sink.status;
	}
	if (how == BODY_DONE && r.kind == COL_DUMP) {
		char check[200];

		if (dump_not_whole(ffd, check, sizeof(check))) {
			/* As kdump-save does on its disk: kept, flagged incomplete, never "saved". */
			snprintf(err, sizeof(err), "not a whole dump: %s", check);
			how = BODY_SENDER;
			why = err;
		}
	}
	res->bytes = sink.size;

	if (how == BODY_DONE) {
		c = commit(sfd, ffd, tmp, r.name, conf->sync, err, sizeof(err));
		if (c > 0) {
			unlinkat(sfd, tmp, 0);
			respond(fd, res, 409, "exists");
			snprintf(res->line, sizeof(res->line), "refused %s (409 exists)", where);
			goto out;
		}
		if (c < 0) {
			unlinkat(sfd, tmp, 0);
			goto fail500;
		}
		respond_as(fd, res, 201, "saved", r.name);
		res->outcome = COL_SAVED;
		snprintf(res->line, sizeof(res->line), "saved %s (%llu bytes)", where,
			 (unsigned long long)sink.size);
		goto out;
	}

	/* Cut short or refused half-way: a dump keeps what came. */
	if (sink.mode == SINK_SNIFF) {
		col_sink_finish(&sink);
		res->bytes = sink.size;
	}
	if (r.kind == COL_DUMP) {
		char cerr[256];

		c = commit(sfd, ffd, tmp, partial, conf->sync, cerr, sizeof(cerr));
		if (how == BODY_SENDER)
			respond_as(fd, res, c ? (c > 0 ? 409 : 500) : 201, c ? cerr : "saved incomplete",
				   c ? NULL : partial);
		if (c == 0) {
			res->outcome = COL_PARTIAL;
			snprintf(res->line, sizeof(res->line),
				 "PARTIAL %s/%s/%s (%llu bytes): %s", r.prefix, r.stamp, partial,
				 (unsigned long long)sink.size, why);
		} else {
			/* Never a final name for it; what came stays under its temporary name. */
			res->outcome = COL_FAILED;
			snprintf(res->line, sizeof(res->line),
				 "FAILED %s: %s; keeping it as %s failed: %.160s (kept as %s)", where,
				 why, partial, cerr, tmp);
		}
	} else {
		unlinkat(sfd, tmp, 0);
		res->outcome = COL_FAILED;
		snprintf(res->line, sizeof(res->line), "FAILED %s: %s (nothing kept)", where, why);
	}
	if (how == BODY_BAD) {
		respond(fd, res, status, why);
		drain(fd, conf);
	} else if (how == BODY_IDLE) {
		respond(fd, res, 408, "no byte within the idle timeout");
	}
	goto out;

fail500:
	respond(fd, res, 500, err);
	res->outcome = COL_FAILED;
	snprintf(res->line, sizeof(res->line), "FAILED %s: %s (500)", where[0] ? where : "?", err);
	drain(fd, conf);
out:
	if (ffd >= 0)
		close(ffd);
	if (sfd >= 0)
		close(sfd);
	if (pfd >= 0)
		close(pfd);
}
