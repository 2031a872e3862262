// SPDX-License-Identifier: GPL-2.0
/* Small helpers of the runner: files, child processes, time, progress lines. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lab.h"
#include "proc.h"

double mono_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}

char *path_join(char *buf, size_t len, const char *dir, const char *name)
{
	int n = snprintf(buf, len, "%s/%s", dir, name);

	if (n < 0 || (size_t)n >= len) {
		fprintf(stderr, "dumpable: path too long: %s/%s\n", dir, name);
		exit(2);
	}
	return buf;
}

void progress(const char *fmt, ...)
{
	va_list ap;

	fputs("[dumpable] ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0, cap = 0;

	if (!f)
		return NULL;
	for (;;) {
		char *nb;

		if (cap - n < 4096) {
			cap = cap ? 2 * cap : 8192;
			nb = realloc(buf, cap + 1);
			if (!nb) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
		}
		size_t got = fread(buf + n, 1, cap - n, f);

		n += got;
		if (!got)
			break;
	}
	fclose(f);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

char *read_text(const char *path)
{
	return read_file(path, NULL);
}

int write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f);
}

static int redirect(int fd, const char *path)
{
	int o = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (o < 0)
		return -1;
	dup2(o, fd);
	close(o);
	return 0;
}

int run_cmd2(const char *const *argv, const char *out, const char *err)
{
	sigset_t none;
	pid_t pid;
	int st;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		if (redirect(STDOUT_FILENO, out))
			_exit(127);
		if (err == out ? dup2(STDOUT_FILENO, STDERR_FILENO) < 0 : redirect(STDERR_FILENO, err))
			_exit(127);
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int run_cmd(const char *const *argv, const char *out)
{
	return run_cmd2(argv, out, out);
}
