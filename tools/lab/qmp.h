/* SPDX-License-Identifier: GPL-2.0 */
/* QEMU's QMP monitor on a unix socket (qmp.c). */
#ifndef LAB_QMP_H
#define LAB_QMP_H

#include <stdio.h>

/* Connects, reads the greeting, negotiates; the socket, or -1. Logs to @log. */
int qmp_open(const char *path, FILE *log);
/* Sends {"execute": @command}. */
int qmp_send(int fd, const char *command);
/* A human monitor command's output ("info registers -a") to @out; 0 once it came. */
int qmp_hmp(int fd, const char *cmdline, FILE *out, double timeout_s, FILE *log);

#endif
