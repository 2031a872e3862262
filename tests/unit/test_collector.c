// SPDX-License-Identifier: GPL-2.0
/* Unit tests of dump-collector: names, the head, chunked bodies, the de-flattener, a connection. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "collector/collector.h"
#include "tap.h"

static char tmpdir[] = "/tmp/collector-test-XXXXXX";
static int dirfd_;

static void test_components(void)
{
	char long64[65], long65[66];

	memset(long64, 'a', 64);
	long64[64] = '\0';
	memset(long65, 'a', 65);
	long65[65] = '\0';
	ok(col_valid_component("abc", 3), "component abc");
	ok(col_valid_component("a.B-c_9", 7), "component a.B-c_9");
	ok(col_valid_component(long64, 64), "a 64-character component");
	ok(!col_valid_component(long65, 65), "not a 65-character component");
	ok(!col_valid_component("", 0), "not an empty component");
	ok(!col_valid_component(".x", 2), "not a component starting with '.'");
	ok(!col_valid_component("..", 2), "not ..");
	ok(!col_valid_component("a/b", 3), "not a/b");
	ok(!col_valid_component("a b", 3), "not a b");
	ok(!col_valid_component("%2e", 3), "not %%2e");
}

static int path(const char *p, struct col_req *r)
{
	const char *why;

	memset(r, 0, sizeof(*r));
	return col_parse_path(p, strlen(p), r, &why);
}

static void test_paths(void)
{
	struct col_req r;

	ok(path("/lab/202611281300/dump.202611281300", &r) == 0 && r.kind == COL_DUMP &&
	   !strcmp(r.prefix, "lab") && !strcmp(r.stamp, "202611281300") &&
	   !strcmp(r.name, "dump.202611281300"), "dump path");
	ok(path("/p/s-1/dmesg.s-1", &r) == 0 && r.kind == COL_DMESG, "dmesg path");
	ok(path("/p/s/kdump-save.log.s", &r) == 0 && r.kind == COL_LOG, "log path");
	ok(path("/p/s/dump.t", &r) < 0, "NAME's stamp must be the directory's");
	ok(path("/p/s/vmcore.s", &r) < 0, "another NAME is refused");
	ok(path("/p/s/dump-incomplete.s", &r) < 0, "dump-incomplete is never sent");
	ok(path("/s/dump.s", &r) < 0, "two components are refused");
	ok(path("/a/p/s/dump.s", &r) < 0, "four components are refused");
	ok(path("/p/s/dump.s/", &r) < 0, "a trailing slash is refused");
	ok(path("/p//dump.", &r) < 0, "an empty component is refused");
	ok(path("/../s/dump.s", &r) < 0, ".. is refused");
	ok(path("/p/s/dump.s?x=1", &r) < 0, "a query is refused");
	ok(path("p/s/dump.s", &r) < 0, "a path not starting with / is refused");
	ok(path("", &r) < 0, "an empty path is refused");
}

static int head(const char *h, struct col_req *r)
{
	const char *why;

	return col_parse_head(h, strlen(h), 1000, r, &why);
}

static void test_head(void)
{
	const char *put = "PUT /p/s/dump.s HTTP/1.1\r\nHost: x\r\n";
	struct col_req r;
	char h[512];

	ok(col_head_len("PUT / HTTP/1.1\r\nHost: x\r\n", 25) == 0, "an unfinished head");
	ok(col_head_len("PUT / HTTP/1.1\r\n\r\nbody", 22) == 18, "the head ends at the blank line");
	ok(col_head_len("PUT / HTTP/1.1\n\nbody", 20) == 16, "bare LF lines");

	snprintf(h, sizeof(h), "%sContent-Length: 12\r\n\r\n", put);
	ok(head(h, &r) == 0 && r.has_length && r.length == 12 && !r.chunked, "Content-Length");
	snprintf(h, sizeof(h), "%scontent-length:   7  \r\ncontent-length: 7\r\n\r\n", put);
	ok(head(h, &r) == 0 && r.length == 7, "header names in any case, blanks, a repeated equal length");
	snprintf(h, sizeof(h), "%sTransfer-Encoding: Chunked\r\nExpect: 100-continue\r\n\r\n", put);
	ok(head(h, &r) == 0 && r.chunked && r.expect_continue, "chunked, Expect: 100-continue");
	ok(head("GET /p/s/dump.s HTTP/1.1\r\n\r\n", &r) == 405, "GET is 405");
	ok(head("POST /x HTTP/1.1\r\n\r\n", &r) == 405, "POST is 405");
	ok(head("PUT /p/s/dump.s HTTP/2\r\nContent-Length: 1\r\n\r\n", &r) == 400, "HTTP/2 is 400");
	ok(head("PUT /p/s/dump.s\r\n\r\n", &r) == 400, "a request line without a version is 400");
	ok(head("PUT /p/s/x HTTP/1.1\r\nContent-Length: 1\r\n\r\n", &r) == 400, "a bad path is 400");
	snprintf(h, sizeof(h), "%s\r\n", put);
	ok(head(h, &r) == 411, "no length is 411");
	snprintf(h, sizeof(h), "%sContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n", put);
	ok(head(h, &r) == 400, "both a length and chunked is 400");
	snprintf(h, sizeof(h), "%sContent-Length: 1\r\nContent-Length: 2\r\n\r\n", put);
	ok(head(h, &r) == 400, "two different lengths is 400");
	snprintf(h, sizeof(h), "%sContent-Length: 12a\r\n\r\n", put);
	ok(head(h, &r) == 400, "Content-Length 12a is 400");
	snprintf(h, sizeof(h), "%sContent-Length: -1\r\n\r\n", put);
	ok(head(h, &r) == 400, "Content-Length -1 is 400");
	snprintf(h, sizeof(h), "%sContent-Length: 99999999999999999999999\r\n\r\n", put);
	ok(head(h, &r) == 400, "a 23-digit Content-Length is 400");
	snprintf(h, sizeof(h), "%sContent-Length: 1001\r\n\r\n", put);
	ok(head(h, &r) == 413, "a Content-Length above --max-size is 413");
	snprintf(h, sizeof(h), "%sTransfer-Encoding: gzip, chunked\r\n\r\n", put);
	ok(head(h, &r) == 501, "another transfer coding is 501");
	snprintf(h, sizeof(h), "%sNoColon\r\nContent-Length: 1\r\n\r\n", put);
	ok(head(h, &r) == 400, "a header line without a colon is 400");
	snprintf(h, sizeof(h), "%sContent-Length : 1\r\n\r\n", put);
	ok(head(h, &r) == 400, "blank before the colon is 400");
	snprintf(h, sizeof(h), "%sX: a\r\n b\r\nContent-Length: 1\r\n\r\n", put);
	ok(head(h, &r) == 400, "obsolete line folding is 400");
}

/* Decodes @in split in pieces of @step bytes (0: random); the data or NULL on an error. */
static char *dechunk(const char *in, size_t step, size_t *outlen, bool *done)
{
	size_t len = strlen(in), at = 0, out = 0;
	unsigned char *buf = malloc(len + 1);
	char *res = malloc(len + 1);
	struct col_chunked c;

	col_chunked_init(&c);
	while (at < len) {
		size_t n = step ? step : 1 + (size_t)rand() % 7;
		long d;

		if (n > len - at)
			n = len - at;
		memcpy(buf, in + at, n);
		d = col_chunked_feed(&c, buf, n);
		if (c.why) {
			free(buf);
			free(res);
			return NULL;
		}
		memcpy(res + out, buf, (size_t)d);
		out += (size_t)d;
		at += n;
	}
	free(buf);
	res[out] = '\0';
	*outlen = out;
	*done = c.done;
	return res;
}

static void test_chunked(void)
{
	static const char body[] =
		"4;name=value\r\nWiki\r\n5 ; a=\"b;c\" ;d\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n"
		"0\r\nX-Trailer: yes\r\nOther: 1\r\n\r\n";
	static const char want[] = "Wikipedia in\r\n\r\nchunks.";
	static const char *const bad[] = {
		"zz\r\n", "\r\n", "1x\r\na\r\n", "fffffffffffffffff\r\n", "3\r\nabcX\r\n",
		"3\nabc\r\n", "1 x\r\na\r\n", "0\r\n: bad\r\n\r\n", "-1\r\n",
	};
	size_t n, steps[] = { 1, 2, 3, 5, 64, 0, 0, 0 };
	unsigned int i;
	bool done;
	char *out;

	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		out = dechunk(body, steps[i], &n, &done);
		ok(out && n == strlen(want) && !memcmp(out, want, n) && done,
		   "chunked with extensions and trailers, fed %zu bytes at a time%s", steps[i],
		   steps[i] ? "" : " (random)");
		free(out);
	}
	{
		/* 3000 chunks, each with an extension: the 8 KiB bound is per chunk. */
		size_t len = 3000 * 20 + 8, at = 0;
		char *many = malloc(len);

		for (i = 0; i < 3000; i++)
			at += (size_t)sprintf(many + at, "1;ext=%08u\r\nx\r\n", i);
		strcpy(many + at, "0\r\n\r\n");
		out = dechunk(many, 4096, &n, &done);
		ok(out && n == 3000 && done, "3000 chunks with extensions (60 KB of them)");
		free(out);
		memset(many, 'a', len - 1);
		many[0] = '1';
		many[1] = ';';
		many[len - 1] = '\0';
		out = dechunk(many, 4096, &n, &done);
		ok(!out, "one chunk's extensions over 8 KiB are refused");
		free(out);
		free(many);
	}
	{
		static const char tr[] = "2\r\nab\r\n0\r\nX: 1\r\ndump-incomplete:  killed at 45 s \r\n\r\n";
		struct col_chunked c;
		unsigned char b[sizeof(tr)];
		long d = 0;

		col_chunked_init(&c);
		for (i = 0; i < sizeof(tr) - 1; i++) {
			b[i] = (unsigned char)tr[i];
			d += col_chunked_feed(&c, b + i, 1);
		}
		ok(d == 2 && c.done && c.incomplete && !strcmp(c.incomplete_why, "killed at 45 s"),
		   "the trailer Dump-Incomplete is read, fed byte by byte: '%s'", c.incomplete_why);
		col_chunked_init(&c);
		memcpy(b, "0\r\n\r\n", 5);
		ok(col_chunked_feed(&c, b, 5) == 0 && c.done && !c.incomplete,
		   "no trailer: not incomplete");
	}
	out = dechunk("5\r\nhello\r\n0\r\n\r\nEXTRA", 1, &n, &done);
	ok(out && n == 5 && done, "bytes after the end are ignored");
	free(out);
	out = dechunk("5\r\nhello\r\n0\r\n", 1, &n, &done);
	ok(out && n == 5 && !done, "not done before the final CRLF");
	free(out);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		out = dechunk(bad[i], 1, &n, &done);
		ok(!out, "malformed chunked body %u refused", i);
		free(out);
	}
}

/* A known file, and its flattened stream with the records in mixed order. */
#define KNOWN_LEN 100000

static unsigned char known[KNOWN_LEN];

static void be64put(unsigned char *p, int64_t v)
{
	int i;

	for (i = 7; i >= 0; i--) {
		p[i] = (unsigned char)v;
		v = (int64_t)((uint64_t)v >> 8);
	}
}

static size_t flat_header(unsigned char *p, int64_t type, int64_t version)
{
	memset(p, 0, 4096);
	memcpy(p, "makedumpfile", 12);
	be64put(p + 16, type);
	be64put(p + 24, version);
	return 4096;
}

static size_t flat_record(unsigned char *p, int64_t off, int64_t size, const void *data)
{
	be64put(p, off);
	be64put(p + 8, size);
	if (data && size > 0)
		memcpy(p + 16, data, (size_t)size);
	return 16 + (size_t)(data && size > 0 ? size : 0);
}

static unsigned char *flatten(size_t *len)
{
	/* Pieces of the file: [start, end), written in this order. */
	static const size_t cuts[][2] = {
		{ 4096, 8192 }, { 0, 4096 }, { 50000, KNOWN_LEN }, { 8192, 8193 },
		{ 8193, 30000 }, { 30000, 50000 },
	};
	unsigned char *s = malloc(4096 + KNOWN_LEN + 16 * 8 + 16);
	size_t n = flat_header(s, 1, 1), i;

	for (i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++)
		n += flat_record(s + n, (int64_t)cuts[i][0], (int64_t)(cuts[i][1] - cuts[i][0]),
				 known + cuts[i][0]);
	n += flat_record(s + n, -1, -1, NULL);
	*len = n;
	return s;
}

static int tmpfile_fd(void)
{
	char name[64];
	int fd;

	snprintf(name, sizeof(name), "%s/sinkXXXXXX", tmpdir);
	fd = mkstemp(name);
	if (fd >= 0)
		unlink(name);
	return fd;
}

static bool file_is(int fd, const void *want, size_t len)
{
	unsigned char *got = malloc(len + 1);
	struct stat st;
	bool same;

	same = !fstat(fd, &st) && (size_t)st.st_size == len &&
	       pread(fd, got, len + 1, 0) == (ssize_t)len && !memcmp(got, want, len);
	free(got);
	return same;
}

/* Feeds @len bytes to a new sink in pieces of @step (0: random); the sink's result. */
static int sink_feed(struct col_sink *s, int fd, const unsigned char *p, size_t len, size_t step,
		     uint64_t max)
{
	size_t at = 0;

	col_sink_init(s, fd, max);
	while (at < len) {
		size_t n = step ? step : 1 + (size_t)rand() % 9000;

		if (n > len - at)
			n = len - at;
		if (col_sink_write(s, p + at, n))
			return -1;
		at += n;
	}
	return col_sink_finish(s);
}

static void test_sink(void)
{
	size_t steps[] = { 1, 7, 16, 4096, 65536, 0, 0 }, len, i;
	unsigned char *flat = flatten(&len), bad[8192];
	struct col_sink s;
	int fd;

	for (i = 0; i < KNOWN_LEN; i++)
		known[i] = (unsigned char)(rand() >> 7);
	free(flat);
	flat = flatten(&len);
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		fd = tmpfile_fd();
		ok(sink_feed(&s, fd, flat, len, steps[i], 1 << 20) == 0 && s.mode == SINK_FLAT &&
		   s.size == KNOWN_LEN && file_is(fd, known, KNOWN_LEN),
		   "a flattened stream (records in mixed order) rebuilds the file, fed %zu bytes at a time",
		   steps[i]);
		close(fd);
	}
	fd = tmpfile_fd();
	ok(sink_feed(&s, fd, known, KNOWN_LEN, 0, 1 << 20) == 0 && s.mode == SINK_RAW &&
	   file_is(fd, known, KNOWN_LEN), "a body that is not flattened is stored as is");
	close(fd);
	fd = tmpfile_fd();
	ok(sink_feed(&s, fd, (const unsigned char *)"makedump", 8, 1, 100) == 0 &&
	   file_is(fd, "makedump", 8), "a body shorter than the signature is stored as is");
	close(fd);
	fd = tmpfile_fd();
	ok(sink_feed(&s, fd, (const unsigned char *)"", 0, 1, 100) == 0 && file_is(fd, "", 0),
	   "an empty body is an empty file");
	close(fd);
	fd = tmpfile_fd();
	ok(sink_feed(&s, fd, known, 1001, 0, 1000) < 0 && s.status == 413,
	   "a raw body above --max-size is 413");
	close(fd);

	/* Hostile flattened streams. */
	fd = tmpfile_fd();
	ok(sink_feed(&s, fd, flat, len - 16, 0, 1 << 20) < 0 && s.status == 400 && s.size == KNOWN_LEN,
	   "a flattened stream without its end marker fails at its end, what came is written");
	close(fd);
	fd = tmpfile_fd();
	ok(sink_feed(&s, fd, flat, len - 100, 0, 1 << 20) < 0 && s.status == 400,
	   "a flattened stream cut inside a record fails at its end");
	close(fd);

	{
		struct {
			int64_t type, version, off, size;
			int status;
			const char *what;
		} cases[] = {
			{ 2, 1, 0, 10, 400, "type 2" },
			{ 1, 2, 0, 10, 400, "version 2" },
			{ 1, 1, -5, 10, 400, "a negative offset" },
			{ 1, 1, 0, 0, 400, "buf_size 0" },
			{ 1, 1, 0, -7, 400, "a negative buf_size" },
			{ 1, 1, -1, 10, 400, "offset -1 with a size" },
			{ 1, 1, 0, (int64_t)1 << 31, 400, "buf_size 2 GiB (above 1 GiB)" },
			{ 1, 1, 0, INT64_MAX, 400, "buf_size INT64_MAX" },
			{ 1, 1, INT64_MAX - 5, 10, 413, "offset + size overflowing" },
			{ 1, 1, 1 << 20, 1, 413, "a record beyond --max-size" },
		};

		for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
			size_t n = flat_header(bad, cases[i].type, cases[i].version);

			n += flat_record(bad + n, cases[i].off, cases[i].size, NULL);
			fd = tmpfile_fd();
			ok(sink_feed(&s, fd, bad, n, 0, 1 << 20) < 0 && s.status == cases[i].status &&
			   s.size == 0, "flattened record with %s: %d, nothing written", cases[i].what,
			   cases[i].status);
			close(fd);
		}
	}
	{
		size_t n = flat_header(bad, 1, 1);

		n += flat_record(bad + n, 0, 3, "abc");
		n += flat_record(bad + n, -1, -1, NULL);
		n += flat_record(bad + n, 0, 3, "xyz");
		fd = tmpfile_fd();
		ok(sink_feed(&s, fd, bad, n, 0, 100) < 0 && s.status == 400,
		   "data after the end marker is 400");
		close(fd);
	}
	free(flat);
}

/* A connection: a child writes @req then closes, or with @hold keeps it open. */
static int fsync_calls, fsync_fail_at;

static int test_sync(int fd)
{
	if (fsync_fail_at && ++fsync_calls >= fsync_fail_at) {
		errno = EIO;
		return -1;
	}
	return fsync(fd);
}

static int serve(const void *req, size_t len, bool hold, struct col_result *res, char *resp,
		 size_t resplen)
{
	struct col_conf conf = {
		.dir = tmpdir, .dirfd = dirfd_, .idle_timeout = 1, .max_size = 1 << 20,
		.sync = test_sync,
	};
	int sv[2], st;
	ssize_t n;
	size_t got = 0;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		return -1;
	pid = fork();
	if (pid == 0) {
		const char *p = req;

		close(sv[1]);
		while (len) {
			n = write(sv[0], p, len);
			if (n <= 0)
				_exit(1);
			p += n;
			len -= (size_t)n;
		}
		if (hold)
			sleep(5);
		shutdown(sv[0], SHUT_WR);
		_exit(0);
	}
	col_serve(sv[1], &conf, res);
	close(sv[1]);
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	while (got + 1 < resplen && (n = read(sv[0], resp + got, resplen - 1 - got)) > 0)
		got += (size_t)n;
	resp[got] = '\0';
	close(sv[0]);
	return 0;
}

static bool status_is(const char *resp, int status)
{
	char want[32];

	snprintf(want, sizeof(want), "HTTP/1.1 %d ", status);
	return !strncmp(resp, want, strlen(want));
}

static bool at_path_is(const char *rel, const void *want, size_t len, mode_t mode)
{
	struct stat st;
	int fd = openat(dirfd_, rel, O_RDONLY);
	bool same;

	if (fd < 0)
		return false;
	same = !fstat(fd, &st) && (st.st_mode & 07777) == mode && file_is(fd, want, len);
	close(fd);
	return same;
}

static bool exists(const char *rel)
{
	struct stat st;

	return fstatat(dirfd_, rel, &st, 0) == 0;
}

/* No temporary file left in @rel. */
static bool no_part(const char *rel)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "ls -A %s/%s | grep -q part", tmpdir, rel);
	return system(cmd) != 0;
}

static void test_serve(void)
{
	char req[8192 + 512], resp[2048];
	struct col_result res;
	unsigned char *flat, *big;
	size_t len, n;
	struct stat st;

	n = (size_t)snprintf(req, sizeof(req),
			     "PUT /lab/s1/dmesg.s1 HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello");
	serve(req, n, false, &res, resp, sizeof(resp));
	ok(status_is(resp, 201) && res.outcome == COL_SAVED &&
	   at_path_is("lab/s1/dmesg.s1", "hello", 5, 0600) && no_part("lab/s1"),
	   "Content-Length: 201, the file (0600)");
	ok(!fstatat(dirfd_, "lab", &st, 0) && (st.st_mode & 07777) == 0700 &&
	   !fstatat(dirfd_, "lab/s1", &st, 0) && (st.st_mode & 07777) == 0700,
	   "the directories are 0700");
	ok(!strcmp(res.line, "saved lab/s1/dmesg.s1 (5 bytes)"), "the log line: %s", res.line);
	ok(strstr(resp, "\r\nStored-As: dmesg.s1\r\n") != NULL, "201 says Stored-As: dmesg.s1");

	serve(req, n, false, &res, resp, sizeof(resp));
	ok(status_is(resp, 409) && res.outcome == COL_REFUSED &&
	   at_path_is("lab/s1/dmesg.s1", "hello", 5, 0600), "the same name again: 409, not overwritten");

	n = (size_t)snprintf(req, sizeof(req),
			     "PUT /lab/s1/kdump-save.log.s1 HTTP/1.1\r\nTransfer-Encoding: chunked\r\n"
			     "\r\n3;x=y\r\nabc\r\n2\r\nde\r\n0\r\nT: 1\r\n\r\n");
	serve(req, n, false, &res, resp, sizeof(resp));
	ok(status_is(resp, 201) && at_path_is("lab/s1/kdump-save.log.s1", "abcde", 5, 0600),
	   "chunked: 201, the file");

	n = (size_t)snprintf(req, sizeof(req),
			     "PUT /lab/s2/dump.s2 HTTP/1.1\r\nContent-Length: 100\r\n\r\n0123456789");
	serve(req, n, false, &res, resp, sizeof(resp));
	ok(res.outcome == COL_PARTIAL && at_path_is("lab/s2/dump-incomplete.s2", "0123456789", 10, 0600) &&
	   !exists("lab/s2/dump.s2") && no_part("lab/s2"),
	   "a dump cut short (closed) is kept as dump-incomplete, never dump");
	ok(!strcmp(res.line, "PARTIAL lab/s2/dump-incomplete.s2 (10 bytes): connection closed"),
	   "the log line: %s", res.line);
	n = (size_t)snprintf(req, sizeof(req),
			     "PUT /lab/s2/dump.s2 HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc");
	serve(req, n, false, &res, resp, sizeof(resp));
	ok(status_is(resp, 409) && !exists("lab/s2/dump.s2"),
	   "a dump where a partial dump exists: 409");

	n = (size_t)snprintf(req, sizeof(req),
			     "PUT /lab/s3/dump.s3 HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n");
	serve(req, n, true, &res, resp, sizeof(resp));
	ok(status_is(resp, 408) && res.outcome == COL_PARTIAL &&
	   at_path_is("lab/s3/dump-incomplete.s3", "abcd", 4, 0600) && !exists("lab/s3/dump.s3"),
	   "a chunked dump idle for --idle-timeout: 408, kept as dump-incomplete");

	n = (size_t)snprintf(req, sizeof(req),
			     "PUT /lab/s4/dmesg.s4 HTTP/1.1\r\nContent-Length: 100\r\n\r\nabc");
	serve(req, n, false, &res, resp, sizeof(resp));
	ok(res.outcome == COL_FAILED && !exists("lab/s4/dmesg.s4") && no_part("lab/s4"),
	   "a dmesg cut short: nothing kept, no temporary left");

	n = (size_t)snprintf(req, sizeof(req),
			     "PUT /lab/s5/dump.s5 HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\nzz\r\n");
	serve(req, n, false, &res, resp, sizeof(resp));
	ok(status_is(resp, 400) && res.outcome == COL_PARTIAL &&
	   at_path_is("lab/s5/dump-incomplete.s5", "abcd", 4, 0600),
	   "a malformed chunk size: 400, what came of the dump kept partial");

	/* The file's fsync fails, then the directory's. */
	n = (size_t)snprintf(req, sizeof(req),
			     "PUT /lab/s6/dmesg.s6 HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc");
	mkdirat(dirfd_, "lab/s6", 0700);
	fsync_calls = 0;
	fsync_fail_at = 1;
	serve(req, n, false, &res, resp, sizeof(resp));
	ok(status_is(resp, 500) && strstr(resp, "fsync") && !exists("lab/s6/dmesg.s6") &&
	   no_part("lab/s6"), "the file's fsync fails: 500, no final name");
	fsync_calls = 0;
	fsync_fail_at = 2;
	serve(req, n, false, &res, resp, sizeof(resp));
	ok(status_is(resp, 500) && !exists("lab/s6/dmesg.s6") && no_part("lab/s6"),
	   "the directory's fsync fails: 500, no final name");
	fsync_fail_at = 0;
	serve(req, n, false, &res, resp, sizeof(resp));
	ok(status_is(resp, 201) && at_path_is("lab/s6/dmesg.s6", "abc", 3, 0600),
	   "then a retry saves it");

	/* A flattened dump, de-flattened on the way. */
	flat = flatten(&len);
	big = malloc(len + 256);
	n = (size_t)snprintf((char *)big, 256,
			     "PUT /lab/s7/dump.s7 HTTP/1.1\r\nContent-Length: %zu\r\n\r\n", len);
	memcpy(big + n, flat, len);
	serve(big, n + len, false, &res, resp, sizeof(resp));
	ok(status_is(resp, 201) && at_path_is("lab/s7/dump.s7", known, KNOWN_LEN, 0600) &&
	   res.bytes == KNOWN_LEN, "a flattened dump is saved de-flattened");
	n = (size_t)snprintf((char *)big, 256,
			     "PUT /lab/s8/dump.s8 HTTP/1.1\r\nContent-Length: %zu\r\n\r\n", len - 16);
	memcpy(big + n, flat, len - 16);
	serve(big, n + len - 16, false, &res, resp, sizeof(resp));
	ok(status_is(resp, 400) && res.outcome == COL_PARTIAL && !exists("lab/s8/dump.s8") &&
	   at_path_is("lab/s8/dump-incomplete.s8", known, KNOWN_LEN, 0600),
	   "a flattened dump without its end marker: 400, kept partial");
	n = (size_t)snprintf((char *)big, 256,
			     "PUT /lab/s9/dump.s9 HTTP/1.1\r\nContent-Length: %zu\r\n\r\n", len);
	memcpy(big + n, flat, len);
	be64put(big + n + 4096 + 8, (int64_t)1 << 40);	/* the first record's buf_size */
	serve(big, n + len, false, &res, resp, sizeof(resp));
	ok(status_is(resp, 400) && res.outcome == COL_PARTIAL && !exists("lab/s9/dump.s9"),
	   "a flattened record of 1 TiB: 400, nothing called saved");
	free(big);
	free(flat);

	flat = flatten(&len);
	big = malloc(len + 256);
	n = (size_t)snprintf((char *)big, 256,
			     "PUT /lab/s12/dmesg.s12 HTTP/1.1\r\nContent-Length: %zu\r\n\r\n", len);
	memcpy(big + n, flat, len);
	serve(big, n + len, false, &res, resp, sizeof(resp));
	ok(status_is(resp, 201) && at_path_is("lab/s12/dmesg.s12", flat, len, 0600),
	   "a dmesg that looks flattened is stored as is: only a dump is de-flattened");
	free(big);
	free(flat);

	n = (size_t)snprintf(req, sizeof(req),
			     "PUT /lab/s13/dmesg.s13 HTTP/1.1\r\nExpect: 100-continue\r\n"
			     "Content-Length: 2\r\n\r\nhi");
	serve(req, n, false, &res, resp, sizeof(resp));
	ok(!strncmp(resp, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 ", 37) &&
	   at_path_is("lab/s13/dmesg.s13", "hi", 2, 0600), "Expect: 100-continue: 100, then 201");

	n = (size_t)snprintf(req, sizeof(req),
			     "PUT /lab/s14/dump.s14 HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
			     "4\r\nabcd\r\n0\r\nDump-Incomplete: makedumpfile killed\r\n\r\n");
	serve(req, n, false, &res, resp, sizeof(resp));
	ok(status_is(resp, 201) && strstr(resp, "\r\nStored-As: dump-incomplete.s14\r\n") &&
	   res.outcome == COL_PARTIAL && at_path_is("lab/s14/dump-incomplete.s14", "abcd", 4, 0600) &&
	   !exists("lab/s14/dump.s14") && no_part("lab/s14"),
	   "a dump sent whole with the trailer Dump-Incomplete: 201, Stored-As: dump-incomplete.s14");
	ok(strstr(res.line, "PARTIAL lab/s14/dump-incomplete.s14 (4 bytes): the sender says incomplete: "
		  "makedumpfile killed") == res.line, "the log line: %s", res.line);
	n = (size_t)snprintf(req, sizeof(req),
			     "PUT /lab/s16/dump.s16 HTTP/1.1\r\nContent-Length: 12\r\n\r\nKDUMP   junk");
	serve(req, n, false, &res, resp, sizeof(resp));
	ok(status_is(resp, 201) && strstr(resp, "\r\nStored-As: dump-incomplete.s16\r\n") &&
	   res.outcome == COL_PARTIAL && at_path_is("lab/s16/dump-incomplete.s16", "KDUMP   junk", 12, 0600) &&
	   !exists("lab/s16/dump.s16") && strstr(res.line, "not a whole dump"),
	   "a kdump-compressed dump that came whole but is not a whole dump: kept partial (%s)", res.line);
	flat = flatten(&len);
	big = malloc(len + 512);
	n = (size_t)snprintf((char *)big, 256,
			     "PUT /lab/s15/dump.s15 HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
			     "%zx\r\n", len - 16);
	memcpy(big + n, flat, len - 16);
	n += len - 16;
	n += (size_t)sprintf((char *)big + n, "\r\n0\r\nDump-Incomplete: killed\r\n\r\n");
	serve(big, n, false, &res, resp, sizeof(resp));
	ok(status_is(resp, 201) && res.outcome == COL_PARTIAL &&
	   at_path_is("lab/s15/dump-incomplete.s15", known, KNOWN_LEN, 0600),
	   "a flattened dump without its end marker but with Dump-Incomplete: 201, kept partial");
	free(big);
	free(flat);

	/* Refusals. */
	n = (size_t)snprintf(req, sizeof(req), "PUT /a\033[2J/b HTTP/1.1\r\n\r\n");
	serve(req, n, false, &res, resp, sizeof(resp));
	ok(status_is(resp, 400) && !strchr(res.line, '\033'), "no control bytes in the log: %s",
	   res.line);
	memset(req, 'a', sizeof(req));
	memcpy(req, "PUT /lab/s/dump.s HTTP/1.1\r\nX: ", 31);
	serve(req, sizeof(req), false, &res, resp, sizeof(resp));
	ok(status_is(resp, 431), "a head larger than 8 KiB: 431");
	n = (size_t)snprintf(req, sizeof(req), "DELETE /lab/s1/dmesg.s1 HTTP/1.1\r\n\r\n");
	serve(req, n, false, &res, resp, sizeof(resp));
	ok(status_is(resp, 405) && strstr(resp, "Allow: PUT") && exists("lab/s1/dmesg.s1"),
	   "DELETE: 405");
	n = (size_t)snprintf(req, sizeof(req),
			     "PUT /lab/../dump.. HTTP/1.1\r\nContent-Length: 1\r\n\r\nx");
	serve(req, n, false, &res, resp, sizeof(resp));
	ok(status_is(resp, 400) && !strncmp(res.line, "refused PUT /lab/../dump.. HTTP/1.1 (400 ", 41),
	   "a path with ..: 400, logged: %s", res.line);
	n = (size_t)snprintf(req, sizeof(req),
			     "PUT /lab/s10/dump.s10 HTTP/1.1\r\nContent-Length: 2000000\r\n\r\n");
	serve(req, n, false, &res, resp, sizeof(resp));
	ok(status_is(resp, 413) && !exists("lab/s10"), "a length above --max-size: 413, nothing made");
	n = (size_t)snprintf(req, sizeof(req), "PUT /lab/s11/dump.s11 HTTP/1.1\r\nContent-Len");
	serve(req, n, false, &res, resp, sizeof(resp));
	ok(res.outcome == COL_FAILED && !exists("lab/s11"), "a head cut short: nothing made");
}

int main(void)
{
	char cmd[128];
	int rc;

	srand(1);
	tap_plan(123);
	if (!mkdtemp(tmpdir) || (dirfd_ = open(tmpdir, O_RDONLY | O_DIRECTORY)) < 0) {
		ok(0, "a temporary directory");
		return 1;
	}
	test_components();
	test_paths();
	test_head();
	test_chunked();
	test_sink();
	test_serve();
	rc = tap_done();
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	if (system(cmd))
		rc = 1;
	return rc;
}
