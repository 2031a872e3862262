// SPDX-License-Identifier: GPL-2.0
/* Unit tests of kdump-save's settings and names. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "kdump-save/config.h"
#include "kdump-save/durable.h"
#include "kdump-save/watchdog.h"
#include "kdump-save/label.h"
#include "kdump-save/store.h"
#include "kdump-save/net.h"
#include "tap.h"

/* A disk that fails: fsync returns EIO from the @fail_at-th call on. */
static int sync_calls, fail_at;

static int failing_sync(int fd)
{
	(void)fd;
	if (++sync_calls >= fail_at) {
		errno = EIO;
		return -1;
	}
	return 0;
}

static bool exists_at(int dirfd, const char *name)
{
	struct stat st;

	return fstatat(dirfd, name, &st, 0) == 0;
}

static int touch_at(int dirfd, const char *name)
{
	int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	if (fd < 0 || write(fd, "KDUMP   ", 8) != 8)
		return -1;
	return close(fd);
}

/* fsync, rename, fsync the directory: a failed fsync is never "saved". */
static void test_durable(void)
{
	char dir[] = "/tmp/kdump-save-durable-XXXXXX", err[256], buf[300];
	struct stat st;
	int dfd, fd;
	ssize_t n;

	if (!mkdtemp(dir) || (dfd = open(dir, O_RDONLY | O_DIRECTORY)) < 0) {
		ok(0, "temporary dir for the durable tests");
		return;
	}
	touch_at(dfd, "dump-incomplete");
	sync_calls = 0, fail_at = 1;
	ok(durable_commit(dfd, "dump-incomplete", "dump.1", failing_sync, err, sizeof(err)) == -1 &&
	   strstr(err, "fsync dump-incomplete") && exists_at(dfd, "dump-incomplete") &&
	   !exists_at(dfd, "dump.1"),
	   "the file's fsync fails (EIO): not committed, keeps its incomplete name: %s", err);
	sync_calls = 0, fail_at = 2;
	ok(durable_commit(dfd, "dump-incomplete", "dump.1", failing_sync, err, sizeof(err)) == -1 &&
	   strstr(err, "directory"), "the directory's fsync fails: an error, not saved: %s", err);
	touch_at(dfd, "dump-incomplete");
	sync_calls = 0, fail_at = 3;
	ok(durable_commit(dfd, "dump-incomplete", "dump.2", failing_sync, err, sizeof(err)) == 0 &&
	   sync_calls == 2 && exists_at(dfd, "dump.2") && !exists_at(dfd, "dump-incomplete"),
	   "both fsyncs good: renamed, two fsyncs (file, directory)");
	ok(durable_commit(dfd, "nothing", "dump.3", fsync, err, sizeof(err)) == -1,
	   "a missing file is an error: %s", err);
	ok(durable_write(dfd, "kdump-save.log.1", "hello\n", 6, fsync, err, sizeof(err)) == 0 &&
	   (fd = openat(dfd, "kdump-save.log.1", O_RDONLY)) >= 0 &&
	   (n = read(fd, buf, sizeof(buf))) == 6 && !memcmp(buf, "hello\n", 6) &&
	   !exists_at(dfd, ".kdump-save.log.1.tmp"), "durable_write: whole file, no temporary left");
	ok(durable_reserve(dfd, "kdump-save.log.2", 65536, err, sizeof(err)) == 0 &&
	   fstatat(dfd, ".kdump-save.log.2.tmp", &st, 0) == 0 && st.st_size == 65536 &&
	   !exists_at(dfd, "kdump-save.log.2"),
	   "durable_reserve: 64 KiB taken as the temporary, nothing under the final name");
	ok(durable_write(dfd, "kdump-save.log.2", "hello\n", 6, fsync, err, sizeof(err)) == 0 &&
	   fstatat(dfd, "kdump-save.log.2", &st, 0) == 0 && st.st_size == 6 &&
	   !exists_at(dfd, ".kdump-save.log.2.tmp"),
	   "durable_write over a reservation: cut to what was written, no temporary left");
	memset(buf, 'n', sizeof(buf) - 1);
	buf[sizeof(buf) - 1] = '\0';
	ok(durable_reserve(dfd, buf, 1, err, sizeof(err)) == -1 && !strncmp(err, "nnnn", 4) &&
	   durable_reserve(-1, "x", 1, err, sizeof(err)) == -1 && strstr(err, "create"),
	   "durable_reserve: a name too long, a bad directory: errors (%s)", err);
	sync_calls = 0, fail_at = 1;
	ok(durable_write(dfd, "dmesg.1", "x", 1, failing_sync, err, sizeof(err)) == -1 &&
	   !exists_at(dfd, "dmesg.1") && !exists_at(dfd, ".dmesg.1.tmp"),
	   "durable_write on a failing disk: no file under the final name, no temporary: %s", err);
	close(dfd);
	if (fork() == 0)
		execlp("rm", "rm", "-rf", dir, (char *)NULL);
	wait(NULL);
}

static void test_capture_kernel(void)
{
	char why[128];

	ok(capture_kernel(1, "console=ttyAMA0 elfcorehdr=0x4f000000 kdump.timeout=30", true, false,
			  why, sizeof(why)), "PID 1, /proc/vmcore, elfcorehdr=: a capture kernel");
	ok(capture_kernel(1, "console=ttyAMA0", true, true, why, sizeof(why)),
	   "PID 1, /proc/vmcore, linux,elfcorehdr in the device tree (arm64): a capture kernel");
	ok(!capture_kernel(4242, "elfcorehdr=0x4f000000", true, true, why, sizeof(why)) &&
	   strstr(why, "PID 1"), "run by hand (not PID 1): not a capture kernel (%s)", why);
	ok(!capture_kernel(1, "elfcorehdr=0x4f000000", false, true, why, sizeof(why)),
	   "no /proc/vmcore: not a capture kernel (%s)", why);
	ok(!capture_kernel(1, "console=ttyAMA0 root=/dev/vda", true, false, why, sizeof(why)) &&
	   !capture_kernel(1, "kdump.xelfcorehdr=1", true, false, why, sizeof(why)),
	   "no elfcorehdr anywhere: not a capture kernel (%s)", why);
}

static void fire_exit(void)
{
	_exit(42);
}

/* The watchdog fires on its deadline while the parent is busy, and stops when told. */
static void test_watchdog(void)
{
	struct timespec d, t1, t2;
	int st = 0;
	pid_t pid;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	d = t1;
	d.tv_sec += 1;
	pid = watchdog_start(&d, NULL, fire_exit);
	ok(pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 42,
	   "the watchdog fires at its monotonic deadline");
	clock_gettime(CLOCK_MONOTONIC, &t2);
	ok(t2.tv_sec - t1.tv_sec >= 1 && t2.tv_sec - t1.tv_sec <= 5,
	   "... not before it, and not long after (%ld s)", (long)(t2.tv_sec - t1.tv_sec));
	d.tv_sec += 60;
	pid = watchdog_start(&d, NULL, fire_exit);
	usleep(100000);
	watchdog_stop(pid);
	ok(pid > 0 && waitpid(pid, &st, WNOHANG) <= 0, "stopped before its deadline: it never fires");
}

/* The network target's pure parts: the URL, names, request and response heads. */
static void test_net_pure(void)
{
	struct net_url u;
	char err[256], buf[512], stored[64];
	const char *r;

	ok(net_url_parse("http://10.0.2.2:8099/run-1_a.b", &u, err, sizeof(err)) == 0 &&
	   u.addr.sin_port == htons(8099) && u.addr.sin_addr.s_addr == inet_addr("10.0.2.2") &&
	   !strcmp(u.prefix, "run-1_a.b") && !strcmp(u.hostport, "10.0.2.2:8099"),
	   "url: address, port and prefix taken");
	ok(net_url_parse("https://10.0.2.2:8099/x", &u, err, sizeof(err)) == -1 &&
	   net_url_parse("http://10.0.2.2/x", &u, err, sizeof(err)) == -1 &&
	   net_url_parse("http://10.0.2.2:0/x", &u, err, sizeof(err)) == -1 &&
	   net_url_parse("http://10.0.2.2:65536/x", &u, err, sizeof(err)) == -1 &&
	   net_url_parse("http://10.0.2.2:80x/x", &u, err, sizeof(err)) == -1 &&
	   net_url_parse("http://10.0.2.2:80", &u, err, sizeof(err)) == -1,
	   "url: not http, no port, port 0, 65536, 80x, no prefix: refused");
	ok(net_url_parse("http://collector.lan:80/x", &u, err, sizeof(err)) == -1 &&
	   strstr(err, "IPv4"), "url: a host name is refused (no resolver): %s", err);
	ok(net_url_parse("http://10.0.2.2:80/../x", &u, err, sizeof(err)) == -1 &&
	   net_url_parse("http://10.0.2.2:80/.x", &u, err, sizeof(err)) == -1 &&
	   net_url_parse("http://10.0.2.2:80/a/b", &u, err, sizeof(err)) == -1 &&
	   net_url_parse("http://10.0.2.2:80/a b", &u, err, sizeof(err)) == -1,
	   "url: prefixes with '..', a leading dot, a slash or a space refused");
	ok(net_name_ok("dump.202611281300-1") && !net_name_ok("") && !net_name_ok(".x") &&
	   !net_name_ok("a/b") && !net_name_ok("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
	   "names: 1-64 of [A-Za-z0-9._-], no leading dot");
	{
		struct save_config c;

		save_config_defaults(&c);
		ok(save_config_cmdline(&c, "kdump.url=http://10.0.2.2:8099/r1 kdump.level=1", err,
				       sizeof(err)) == 0 && !strcmp(c.url, "http://10.0.2.2:8099/r1"),
		   "kdump.url= taken from the command line");
		ok(save_config_cmdline(&c, "kdump.level=3 kdump.url=ftp://x", err, sizeof(err)) == -1 &&
		   c.level == 1 && strstr(err, "url"), "a bad kdump.url= refuses all words: %s", err);
	}
	net_url_parse("http://10.0.2.2:8099/r1", &u, err, sizeof(err));
	ok(http_put_head(buf, sizeof(buf), &u, "202611281300", "dump.202611281300", -1) > 0 &&
	   !strncmp(buf, "PUT /r1/202611281300/dump.202611281300 HTTP/1.1\r\n", 49) &&
	   strstr(buf, "\r\nTransfer-Encoding: chunked\r\n") && strstr(buf, "\r\nTrailer: Dump-Incomplete\r\n") &&
	   strstr(buf, "\r\nExpect: 100-continue\r\n") && strstr(buf, "\r\nHost: 10.0.2.2:8099\r\n") &&
	   strstr(buf, "\r\n\r\n") == buf + strlen(buf) - 4, "PUT head, chunked");
	ok(http_put_head(buf, sizeof(buf), &u, "s", "dmesg.s", 1234) > 0 &&
	   strstr(buf, "\r\nContent-Length: 1234\r\n") && !strstr(buf, "chunked") && !strstr(buf, "Trailer"),
	   "PUT head, Content-Length");
	ok(http_put_head(buf, 40, &u, "s", "dmesg.s", 1) == -1, "PUT head too long for the buffer: -1");
	ok(http_chunk_head(buf, sizeof(buf), 65536) == 7 && !strcmp(buf, "10000\r\n"), "chunk size line in hex");
	r = "HTTP/1.1 201 Created\r\nContent-Length: 0\r\nStored-As:  dump-incomplete.s-2\r\n\r\n";
	ok(http_response(r, strlen(r), stored, sizeof(stored)) == 201 && !strcmp(stored, "dump-incomplete.s-2"),
	   "201 with Stored-As read");
	r = "HTTP/1.1 100 Continue\r\n\r\n";
	ok(http_response(r, strlen(r), stored, sizeof(stored)) == 100 && !stored[0], "100 Continue");
	r = "HTTP/1.1 409 Conflict\r\nstored-as: x\r\n";
	ok(http_response(r, strlen(r), stored, sizeof(stored)) == -1, "a head without its empty line is not complete");
	r = "HTTP/1.1 2x1 Created\r\n\r\n";
	ok(http_response(r, strlen(r), stored, sizeof(stored)) == -1 &&
	   http_response("SSH-2.0\r\n\r\n", 11, stored, sizeof(stored)) == -1, "not HTTP: -1");
	r = "HTTP/1.0 201 OK\r\nStored-As: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n";
	ok(http_response(r, strlen(r), stored, 8) == 201 && !strcmp(stored, "aaaaaaa"),
	   "a long Stored-As is cut to the buffer");
}

/*
 * A PUT to a server in a child process on loopback: it answers 100, reads
 * the whole request, and answers 201. The bytes it got are checked here.
 */
static void test_net_put(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t al = sizeof(a);
	char url[64], err[256], stored[64], got[4096];
	int ls, sp[2], status = -1, code;
	struct net_url u;
	struct put p;
	ssize_t n = 0;
	pid_t pid;

	ls = socket(AF_INET, SOCK_STREAM, 0);
	if (ls < 0 || bind(ls, (struct sockaddr *)&a, sizeof(a)) || listen(ls, 1) ||
	    getsockname(ls, (struct sockaddr *)&a, &al) || socketpair(AF_UNIX, SOCK_STREAM, 0, sp)) {
		ok(0, "loopback server: %s", strerror(errno));
		return;
	}
	pid = fork();
	if (pid == 0) {
		char req[4096];
		size_t have = 0;
		int c = accept(ls, NULL, NULL);
		ssize_t k;

		if (c < 0 || write(c, "HTTP/1.1 100 Continue\r\n\r\n", 25) != 25)
			_exit(1);
		/* Until the last chunk and its trailer's empty line. */
		while (have < sizeof(req) - 1 && (k = read(c, req + have, sizeof(req) - 1 - have)) > 0) {
			have += (size_t)k;
			req[have] = '\0';
			if (strstr(req, "\r\n0\r\n") && !memcmp(req + have - 4, "\r\n\r\n", 4) &&
			    strstr(strstr(req, "\r\n0\r\n"), "\r\n\r\n"))
				break;
		}
		if (write(sp[1], req, have) < 0 ||
		    write(c, "HTTP/1.1 201 Created\r\nStored-As: dump-incomplete.s\r\n\r\n", 55) != 55)
			_exit(1);
		_exit(0);
	}
	close(sp[1]);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/r1", ntohs(a.sin_port));
	net_url_parse(url, &u, err, sizeof(err));
	ok(put_begin(&p, &u, "s", "dump.s", -1, 2000, &status, err, sizeof(err)) == 0 && status == 100,
	   "put_begin: connected, 100 Continue (%d) %s", status, status ? "" : err);
	ok(put_write(&p, "hello", 5, err, sizeof(err)) == 0 && put_write(&p, "", 0, err, sizeof(err)) == 0 &&
	   put_write(&p, "0123456789abcdefX", 17, err, sizeof(err)) == 0, "put_write: two chunks (and an empty write)");
	code = put_end(&p, "killed\r\nX-Evil: 1", stored, sizeof(stored), err, sizeof(err));
	ok(code == 201 && !strcmp(stored, "dump-incomplete.s"), "put_end: 201, Stored-As %s", stored);
	waitpid(pid, &status, 0);
	n = read(sp[0], got, sizeof(got) - 1);
	got[n > 0 ? n : 0] = '\0';
	ok(n > 0 && strstr(got, "\r\n\r\n5\r\nhello\r\n11\r\n0123456789abcdefX\r\n0\r\n"
			   "Dump-Incomplete: killed  X-Evil: 1\r\n\r\n"),
	   "the body as sent: chunks in hex, the last chunk, one trailer line (CR LF of the cause blanked)");
	close(sp[0]);
	close(ls);
	/* Nobody listening: refused within the wait. */
	ok(put_begin(&p, &u, "s", "dump.s", -1, 600, &status, err, sizeof(err)) == -1 &&
	   strstr(err, "cannot connect"), "put_begin with no collector: %s", err);
}

int main(void)
{
	struct save_config c;
	char err[256], stamp[16];

	save_config_defaults(&c);
	ok(!strcmp(c.device, "/dev/vda") && !strcmp(c.dir, "/var/crash") && c.level == 31 &&
	   c.after == AFTER_REBOOT, "defaults: /dev/vda, /var/crash, -d 31, reboot");
	ok(save_config_cmdline(&c, "console=ttyAMA0 kdump.device=/dev/mmcblk0p2 kdump.after=poweroff "
			       "kdump.level=1 kdump.dir=/dumps rdinit=/init\n", err, sizeof(err)) == 0,
	   "kernel command line parsed");
	ok(!strcmp(c.device, "/dev/mmcblk0p2") && !strcmp(c.dir, "/dumps") && c.level == 1 &&
	   c.after == AFTER_POWEROFF, "kdump.* values taken, others ignored");
	ok(save_config_set(&c, "level=32", err, sizeof(err)) == -1 && strstr(err, "0..31"),
	   "level 32 refused: %s", err);
	ok(save_config_set(&c, "after=halt", err, sizeof(err)) == -1, "after=halt refused: %s", err);
	ok(save_config_set(&c, "dir=var/crash", err, sizeof(err)) == -1 &&
	   save_config_set(&c, "dir=/a/../b", err, sizeof(err)) == -1,
	   "relative dir and .. refused: %s", err);
	ok(save_config_set(&c, "colour=blue", err, sizeof(err)) == -1 && strstr(err, "unknown"),
	   "unknown setting refused: %s", err);
	ok(save_config_set(&c, "device", err, sizeof(err)) == -1, "no '=' refused");
	ok(save_config_set(&c, "device=", err, sizeof(err)) == -1, "empty value refused");
	ok(save_config_cmdline(&c, "kdump.timeout=abc", err, sizeof(err)) == -1,
	   "bad number on the command line refused: %s", err);
	save_config_defaults(&c);
	ok(save_config_cmdline(&c, "kdump.device=/dev/sdb kdump.timeout=30 kdump.level=99 "
			       "kdump.dir=/x", err, sizeof(err)) == -1 && strstr(err, "level"),
	   "a bad kdump.* word is refused and named: %s", err);
	ok(!strcmp(c.device, "/dev/vda") && c.timeout == 600 && !strcmp(c.dir, "/var/crash") &&
	   !c.device_set, "all or nothing: the good words before the bad one are not applied");
	ok(save_config_cmdline(&c, "kdump.timeout=30 kdump.device=LABEL=dumps", err, sizeof(err)) == 0 &&
	   c.timeout == 30 && c.device_set, "all good: all applied");
	save_stamp(0, stamp, sizeof(stamp));
	ok(!strcmp(stamp, "197001010000"), "stamp of the epoch is 197001010000 (%s)", stamp);
	save_stamp(1795785600 - 35700, stamp, sizeof(stamp));
	ok(!strcmp(stamp, "202611270325"), "stamp is YYYYMMDDHHMM in UTC (%s)", stamp);

	{
		static unsigned char b[FS_LABEL_PROBE];
		char label[32], dir[] = "/tmp/kdump-save-test-XXXXXX", path[512], dev[600];
		FILE *f;

		memset(b, 0, sizeof(b));
		ok(fs_label(b, sizeof(b), label, sizeof(label)) == -1, "zeros have no label");
		b[1024 + 0x38] = 0x53;
		b[1024 + 0x39] = 0xEF;
		memcpy(b + 1024 + 0x78, "dumps", 5);
		ok(fs_label(b, sizeof(b), label, sizeof(label)) == 0 && !strcmp(label, "dumps"),
		   "ext4 label: %s", label);
		ok(fs_label(b, 1100, label, sizeof(label)) == -1, "a short read is no superblock");
		memset(b, 0, sizeof(b));
		b[510] = 0x55;
		b[511] = 0xAA;
		memcpy(b + 0x52, "FAT32   ", 8);
		memcpy(b + 0x47, "bootfs     ", 11);
		ok(fs_label(b, sizeof(b), label, sizeof(label)) == 0 && !strcmp(label, "bootfs"),
		   "FAT32 label, blanks cut: '%s'", label);
		memset(b + 0x47, 0, 11);
		memset(b + 0x52, 0, 8);
		memcpy(b + 0x36, "FAT16   ", 8);
		memcpy(b + 0x2B, "BOOT       ", 11);
		ok(fs_label(b, sizeof(b), label, sizeof(label)) == 0 && !strcmp(label, "BOOT"),
		   "FAT16 label: %s", label);
		ok(fs_label(b, sizeof(b), label, 3) == 0 && !strcmp(label, "BO"),
		   "a label longer than the buffer is cut, not overrun");

		/* find_by_label over a fake /sys/class/block and /dev */
		ok(mkdtemp(dir) != NULL, "temporary dir");
		snprintf(path, sizeof(path), "%s/sys", dir);
		mkdir(path, 0700);
		snprintf(path, sizeof(path), "%s/sys/vda", dir);
		mkdir(path, 0700);
		snprintf(path, sizeof(path), "%s/sys/mmcblk0p1", dir);
		mkdir(path, 0700);
		snprintf(path, sizeof(path), "%s/mmcblk0p1", dir);
		f = fopen(path, "w");
		if (f) {
			fwrite(b, 1, sizeof(b), f);
			fclose(f);
		}
		snprintf(path, sizeof(path), "%s/sys", dir);
		ok(find_by_label(path, dir, "BOOT", dev, sizeof(dev)) == 0 && strstr(dev, "/mmcblk0p1"),
		   "LABEL=BOOT found: %s", dev);
		ok(find_by_label(path, dir, "nope", dev, sizeof(dev)) == -1, "LABEL=nope not found");
		if (fork() == 0)
			execlp("rm", "rm", "-rf", dir, (char *)NULL);
	}

	/* Naming a new dump directory, and which old ones to delete. */
	{
		char name[32], *none[1] = { NULL };
		char *day[] = { "202611270325", "202611270325-1", "lost+found" };
		char *gap[] = { "202611270325", "202611270325-2" };
		char *epoch[] = { "197001010000-9", "197001010000-10", "197001010000-2", "notes.txt" };
		char *old[] = { "197001010000" };
		char *mix[] = { "197001010000-10", "x", "202611270325", "197001010000-9",
				"197001010000-1", "197001010000", "202611270325-1", "19700101000-1",
				"197001010000-", "197001010000-01" };
		time_t t = 1795785600 - 35700;
		char s[13];
		unsigned long n;

		ok(store_new_name(t, none, 0, name, sizeof(name)) == 0 && !strcmp(name, "202611270325"),
		   "clock set, nothing there: the plain stamp (%s)", name);
		ok(store_new_name(t, day, 3, name, sizeof(name)) == 0 && !strcmp(name, "202611270325-2"),
		   "clock set, stamp and -1 taken: -2 (%s)", name);
		ok(store_new_name(t, gap, 2, name, sizeof(name)) == 0 && !strcmp(name, "202611270325-1"),
		   "clock set: the smallest free -N, as kdump-tools (%s)", name);
		ok(store_new_name(0, none, 0, name, sizeof(name)) == 0 && !strcmp(name, "197001010000-1"),
		   "clock unset, nothing there: 197001010000-1 (%s)", name);
		ok(store_new_name(42, epoch, 4, name, sizeof(name)) == 0 && !strcmp(name, "197001010000-11"),
		   "clock unset: one more than the highest N, not a gap left by pruning (%s)", name);
		ok(store_new_name(59, old, 1, name, sizeof(name)) == 0 && !strcmp(name, "197001010000-1"),
		   "clock unset, a plain 197001010000 there: -1 (%s)", name);
		ok(store_new_name(STORE_CLOCK_SET - 1, none, 0, name, sizeof(name)) == 0 &&
		   !strcmp(name, "199912312359-1"), "1999 counts as unset (%s)", name);
		ok(store_new_name(0, epoch, 4, name, 10) == -1, "a name that does not fit is an error");
		ok(store_parse("197001010000-10", s, &n) == 0 && !strcmp(s, "197001010000") && n == 10 &&
		   store_parse("197001010000-0", s, &n) == -1 && store_parse("19700101000a", s, &n) == -1 &&
		   store_parse("1970010100001", s, &n) == -1 && store_parse("197001010000-1x", s, &n) == -1,
		   "names parsed: stamp and counter; anything else is not ours");

		ok(store_prune(mix, 10, 0) == 0, "keep=0 deletes nothing");
		ok(store_prune(mix, 10, 3) == 3 && !strcmp(mix[0], "197001010000") &&
		   !strcmp(mix[1], "197001010000-1") && !strcmp(mix[2], "197001010000-9"),
		   "keep=3 of 6: deletes the 3 oldest: %s %s %s", mix[0], mix[1], mix[2]);
		ok(!strcmp(mix[3], "197001010000-10") && !strcmp(mix[4], "202611270325") &&
		   !strcmp(mix[5], "202611270325-1"),
		   "-10 is newer than -9, and a set clock newer than 1970: keeps %s %s %s",
		   mix[3], mix[4], mix[5]);
		ok(!strcmp(mix[6], "19700101000-1") && !strcmp(mix[7], "197001010000-") &&
		   !strcmp(mix[8], "197001010000-01") && !strcmp(mix[9], "x"),
		   "names not ours sort last and are never deleted");
		ok(store_prune(mix, 10, 6) == 0 && store_prune(mix, 10, 1) == 5 &&
		   !strcmp(mix[5], "202611270325-1"), "keep=6 of 6 deletes none; keep=1 keeps only the newest");
	}
	test_durable();
	test_capture_kernel();
	test_watchdog();
	test_net_pure();
	test_net_put();
	tap_plan(tap_n);
	return tap_done();
}
