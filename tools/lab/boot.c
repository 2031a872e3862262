// SPDX-License-Identifier: GPL-2.0
/*
 * Boot and watch: QEMU with its serial console on a pipe (our stdin end is
 * read line by line as bytes arrive, each byte copied to console.log) and
 * its monitor on QMP over a unix socket. One poll(2) loop waits on the
 * console, QMP and a signalfd (SIGCHLD, SIGINT, SIGTERM) under the current
 * phase's deadline on CLOCK_MONOTONIC. QEMU is stopped and reaped on every
 * way out of the loop.
 */
#define _GNU_SOURCE	/* pipe2 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "boot.h"
#include "proc.h"
#include "qmp.h"

/* QEMU's command line for @s on virt. */
static int virt_argv(const struct spec *s, const struct paths *p, const char *initrd,
		     struct qemu *q, const char **argv, size_t max)
{
	const char *fmt[][2] = {
		{ "-M", q->machine }, { "-cpu", s->board->qemu_cpu }, { "-smp", q->smp },
		{ "-m", s->mem }, { "-display", "none" }, { "-no-reboot", NULL },
		/* --dump-to net: QEMU's user network to the collector (NET_HOST_ADDR) */
		{ s->net ? "-netdev" : "-nic", s->net ? NET_QEMU_NETDEV : "none" },
		{ "-monitor", "none" }, { "-kernel", q->image },
		{ "-initrd", initrd }, { "-append", q->append },
		{ "-chardev", "stdio,id=con,signal=off" }, { "-serial", "chardev:con" },
		{ "-qmp", q->qmp_arg },
		/* the dump disk last: a fault may leave it out */
		{ "-drive", q->drive }, { "-device", "virtio-blk-device,drive=dump" },
	};
	size_t i, n = 0, count = sizeof(fmt) / sizeof(fmt[0]);

	if (s->board->qemu_machine(s, q->machine, sizeof(q->machine)) ||
	    kernel_cmdline(s->board, s, q->append, sizeof(q->append)))
		return -1;
	snprintf(q->smp, sizeof(q->smp), "%d", s->smp);
	path_join(q->image, sizeof(q->image), p->kdir, "Image");
	snprintf(q->drive, sizeof(q->drive), "if=none,file=%s/disk.img,format=raw,id=dump%s",
		 p->run, s->fault ? s->fault->drive_opts : "");
	/* no-disk; --dump-to net, but for the no-collector fault's disk to fall back on */
	if ((s->fault && !s->fault->disk_size) || (s->net && !spec_net_fault(s)))
		count -= 2;
	argv[n++] = "qemu-system-aarch64";
	for (i = 0; i < count && n + 3 < max; i++) {
		argv[n++] = fmt[i][0];
		if (fmt[i][1])
			argv[n++] = fmt[i][1];
	}
	if (s->net && n + 3 < max) {
		argv[n++] = "-device";
		argv[n++] = NET_QEMU_DEVICE;
	}
	argv[n] = NULL;
	return 0;
}

/* The lab's own dump disk: an ext4 image read back with debugfs. */
static void virt_harvest(const struct spec *s, const struct paths *p, struct harvest *h)
{
	char disk[LAB_PATH], cmd[LAB_PATH + 32], log[LAB_PATH], crash[LAB_PATH];
	const char *argv[] = { "debugfs", "-R", cmd, disk, NULL };
	/* A guest stopped mid-save leaves a journal: replay it, as a mount would. */
	const char *replay[] = { "e2fsck", "-y", "-E", "journal_only", disk, NULL };

	path_join(disk, sizeof(disk), p->run, "disk.img");
	snprintf(cmd, sizeof(cmd), "rdump /var/crash %s", p->run);
	path_join(crash, sizeof(crash), p->run, "crash");
	memset(h, 0, sizeof(*h));
	if (s->net && !spec_net_fault(s)) {	/* what the collector filed under the run's id */
		path_join(log, sizeof(log), p->run, "collected");
		path_join(crash, sizeof(crash), log, p->id);
		harvest_dir(crash, h);
		return;
	}
	if (access(disk, F_OK))		/* --fault no-disk */
		return;
	path_join(log, sizeof(log), p->run, "e2fsck.log");
	run_cmd(replay, log);
	path_join(log, sizeof(log), p->run, "debugfs.log");
	if (run_cmd(argv, log) == 0)
		harvest_dir(crash, h);
	if (!s->keep)
		unlink(disk);
}

const struct board_ops virt_ops = {
	.prepare = prepare,
	.argv = virt_argv,
	.harvest = virt_harvest,
};

const struct board_ops *board_ops(const struct board *b)
{
	return !strcmp(b->name, "rpi4") ? &rpi4_ops : &virt_ops;
}

/* The child: its own process group (a Ctrl-C is ours to handle), killed with us. */
static void qemu_exec(const char **argv, int con_r, int con_w, const char *log)
{
	sigset_t none;
	int fd;

	setpgid(0, 0);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	fd = con_r >= 0 ? con_r : open("/dev/null", O_RDONLY);
	dup2(fd, STDIN_FILENO);
	dup2(con_w, STDOUT_FILENO);
	fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	dup2(fd, STDERR_FILENO);
	execvp(argv[0], (char *const *)argv);
	fprintf(stderr, "cannot run %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

int qemu_start(struct qemu *q, const struct spec *s, const struct paths *p, const char *initrd)
{
	const char *argv[48];
	char log[LAB_PATH];
	int pipefd[2], infd[2] = { -1, -1 }, sig = q->sig;

	memset(q, 0, sizeof(*q));
	q->con = q->qmp = q->in = -1;
	q->sig = sig;
	q->pid = -1;
	snprintf(q->tmp, sizeof(q->tmp), "%s/dumpable-lab.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(q->tmp))
		return -1;
	/* A short path: a unix socket's name has room for 107 bytes. */
	path_join(q->qmp_path, sizeof(q->qmp_path), q->tmp, "qmp");
	snprintf(q->qmp_arg, sizeof(q->qmp_arg), "unix:%s,server=on,wait=off", q->qmp_path);
	if (board_ops(s->board)->argv(s, p, initrd, q, argv, sizeof(argv) / sizeof(argv[0])))
		return -1;
	/* A board typed on gets its console's input from us; others from /dev/null. */
	if (s->board->trigger && pipe2(infd, O_CLOEXEC))
		return -1;
	if (pipe2(pipefd, O_CLOEXEC)) {
		close(infd[0]);
		close(infd[1]);
		return -1;
	}
	path_join(log, sizeof(log), p->run, "qemu.log");
	fflush(NULL);
	q->t0 = mono_now();
	q->pid = fork();
	if (q->pid == 0)
		qemu_exec(argv, infd[0], pipefd[1], log);
	close(pipefd[1]);
	if (infd[0] >= 0)
		close(infd[0]);
	q->in = infd[1];
	q->con = pipefd[0];
	return q->pid < 0 ? -1 : 0;
}

int lab_signals(void)
{
	sigset_t mask;

	sigemptyset(&mask);
	sigaddset(&mask, SIGCHLD);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	return signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
}

/* Reaps QEMU if it has gone; true when it has. */
bool qemu_reaped(struct qemu *q)
{
	int st;

	if (q->pid < 0)
		return true;
	if (waitpid(q->pid, &st, WNOHANG) != q->pid)
		return false;
	q->pid = -1;
	return true;
}

/* Waits up to @secs for QEMU to exit. */
static bool qemu_wait(struct qemu *q, double secs)
{
	double end = mono_now() + secs;

	while (!qemu_reaped(q)) {
		struct pollfd pf = { .fd = q->sig, .events = POLLIN };
		struct signalfd_siginfo si;
		double left = end - mono_now();

		if (left <= 0)
			return false;
		if (poll(&pf, 1, (int)(left * 1000) + 1) > 0 &&
		    read(q->sig, &si, sizeof(si)) < 0 && errno != EAGAIN)
			return false;
	}
	return true;
}

void qemu_stop(struct qemu *q)
{
	if (q->pid > 0 && !qemu_reaped(q)) {
		/* Politely first: QMP "quit", then SIGTERM, then SIGKILL. */
		if (q->qmp >= 0)
			qmp_send(q->qmp, "quit");
		else
			kill(q->pid, SIGTERM);
		if (!qemu_wait(q, 3)) {
			kill(q->pid, SIGKILL);
			waitpid(q->pid, NULL, 0);
			q->pid = -1;
		}
	}
	if (q->con >= 0)
		close(q->con);
	if (q->qmp >= 0)
		close(q->qmp);
	if (q->in >= 0)
		close(q->in);
	q->con = q->qmp = q->in = -1;
	free(q->argtext);
	q->argtext = NULL;
	if (q->tmp[0]) {
		unlink(q->qmp_path);
		rmdir(q->tmp);
		q->tmp[0] = '\0';
	}
}
