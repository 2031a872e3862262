/* SPDX-License-Identifier: GPL-2.0 */
#ifndef COLLECTOR_H
#define COLLECTOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * dump-collector: receives kdump-save's files over HTTP/1.1 PUT and stores
 * them like kdump-save does on a disk (docs/capture.md, "The network
 * target: the collector").
 */

#define COL_MAX_HEAD	8192		/* request line and headers */
#define COL_MAX_COMP	64		/* PREFIX, STAMP, NAME */
#define COL_MAX_RECORD	(1ULL << 30)	/* one flattened record's data */
#define COL_MAX_TRAILER	8192		/* chunked trailer section */

enum col_kind { COL_DUMP, COL_DMESG, COL_LOG };

/* One parsed request head. */
struct col_req {
	char prefix[COL_MAX_COMP + 1];
	char stamp[COL_MAX_COMP + 1];
	char name[COL_MAX_COMP + 1];
	enum col_kind kind;
	bool chunked;
	bool has_length;
	bool expect_continue;
	uint64_t length;		/* Content-Length */
};

/* Whether @s (@n bytes) is [A-Za-z0-9._-]+, not starting with '.', at most 64. */
bool col_valid_component(const char *s, size_t n);

/*
 * "/PREFIX/STAMP/NAME" into @r. Returns 0, or -1 with why in @why.
 */
int col_parse_path(const char *path, size_t n, struct col_req *r, const char **why);

/*
 * The length of the head (through the blank line) in @buf, 0 when it is not
 * complete yet.
 */
size_t col_head_len(const char *buf, size_t len);

/*
 * Parses a complete head (@len bytes, from col_head_len()). Returns 0, or
 * the HTTP status to refuse with (400, 405, 411, 413, 501) and why in @why.
 * @max_size: a Content-Length above it is 413.
 */
int col_parse_head(const char *buf, size_t len, uint64_t max_size, struct col_req *r,
		   const char **why);

/* Transfer-Encoding: chunked (RFC 9112, 7.1), decoded in place, fed any split. */
struct col_chunked {
	int state;
	uint64_t size;			/* of the chunk being read, then what is left of it */
	unsigned int digits;
	size_t trailer;			/* bytes of this chunk's extensions, or of the trailers */
	bool done;			/* the last chunk and the trailers were read */
	char line[256];			/* the trailer line being read (cut at 255) */
	size_t linelen;
	/* The trailer "Dump-Incomplete: <cause>": the sender's dump is not whole. */
	bool incomplete;
	char incomplete_why[128];
	const char *why;		/* when col_chunked_feed() failed */
};

void col_chunked_init(struct col_chunked *c);

/*
 * Decodes @len bytes at @buf: the chunks' data is moved to the front of
 * @buf. Returns how many data bytes. Malformed input sets c->why (the data
 * before it is still returned; nothing after). Bytes after the end (c->done)
 * are ignored.
 */
long col_chunked_feed(struct col_chunked *c, unsigned char *buf, size_t len);

/*
 * Where the body goes: a file, written as is, or, when the body starts with
 * makedumpfile's flattened header (makedumpfile -F), de-flattened: each
 * record's data is written at its offset, as makedumpfile -R would.
 */
enum { SINK_SNIFF, SINK_RAW, SINK_FLAT };

struct col_sink {
	int fd;
	uint64_t max_size;		/* of the file written */
	int mode;
	unsigned char head[16];		/* the first bytes, until the mode is known */
	size_t headlen;
	/* flattened: */
	uint64_t skip;			/* of the 4096-byte header block still to skip */
	unsigned char rec[16];		/* a record header being read */
	size_t reclen;
	uint64_t off, left;		/* where the record's data goes; how much is left */
	bool end;			/* the end marker was read */
	uint64_t size;			/* the file's size so far */
	uint64_t received;		/* body bytes */
	int status;			/* when it failed: 400, 413 or 500 */
	char why[128];
};

void col_sink_init(struct col_sink *s, int fd, uint64_t max_size);
/* Returns 0, or -1 with s->status and s->why. */
int col_sink_write(struct col_sink *s, const unsigned char *buf, size_t len);
/* The body ended: a flattened stream must have had its end marker. */
int col_sink_finish(struct col_sink *s);

/* One connection. */
typedef int (*col_sync_fn)(int fd);

struct col_conf {
	const char *dir;
	int dirfd;
	int idle_timeout;		/* seconds */
	uint64_t max_size;
	col_sync_fn sync;		/* fsync; tests make it fail */
	volatile int *stop;		/* set by SIGTERM: the body ends as cut short */
};

enum col_outcome {
	COL_REFUSED,			/* answered 4xx/5xx before or while reading */
	COL_SAVED,			/* 201 */
	COL_PARTIAL,			/* dump-incomplete.STAMP kept */
	COL_FAILED,			/* cut short, nothing kept, or a 500 */
};

struct col_result {
	enum col_outcome outcome;
	enum col_kind kind;
	bool have_req;			/* kind and line are about a parsed request */
	int status;			/* the status sent, 0 when none */
	uint64_t bytes;			/* the file's size */
	char line[1024];			/* the log line, without "dump-collector: " */
};

/* Serves one request on @fd (not closed). */
void col_serve(int fd, const struct col_conf *conf, struct col_result *res);

#endif
