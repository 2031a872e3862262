/* SPDX-License-Identifier: GPL-2.0 */
/* Small helpers of the runner: files, child processes. */
#ifndef LAB_PROC_H
#define LAB_PROC_H

#include <stddef.h>

/* Runs argv[0] (searched in PATH), stdout and stderr into @out; its exit status, -1 if it could not run. */
int run_cmd(const char *const *argv, const char *out);
/* The same with stdout into @out and stderr into @err. */
int run_cmd2(const char *const *argv, const char *out, const char *err);
/* A whole file, NUL-terminated; its length in *@len (may be NULL). */
char *read_file(const char *path, size_t *len);
int write_text(const char *path, const char *text);

/* The phases run.c strings together. */
struct spec;
struct paths;
int prepare(const struct spec *s, const struct paths *p, char *initrd, size_t len);
/*
 * The run's initrd layer for @s into @layer (a newc cpio: run.conf, the
 * --exec script), the capture kernel sending to @p->net_url when it is set
 * (net_capture_words()); run.conf also into @conf_path (NULL: not). 0 or -1.
 */
int write_run_layer(const struct spec *s, const struct paths *p, const char *conf_path,
		    const char *layer);
/* @a, zeros to a 4-byte boundary, then @b, into @out (the main initramfs and a layer). */
int initrd_join(const char *a, const char *b, const char *out);

#endif
