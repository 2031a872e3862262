// SPDX-License-Identifier: GPL-2.0
/* p4ni9: list, check and trigger the p4ni9(2) cases. See `p4ni9 --help`. */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cli.h"

static int call_p4ni9(const struct p4ni9_state *st, int which)
{
	long r;

	fflush(NULL);
	r = syscall(st->nr, which);
	return r < 0 ? errno : 0;
}

static int report(const char *what, int err)
{
	if (err)
		fprintf(stderr, "p4ni9: %s: %s\n", what, p4ni9_strerror(err));
	else
		printf("p4ni9: %s: %s\n", what, p4ni9_strerror(err));
	return p4ni9_exit_code(err);
}

static bool confirmed(const struct p4ni9_row *c)
{
	char answer[16];

	fprintf(stderr, "p4ni9: case %d (%s) %s: this kernel will fail. Type 'yes': ",
		c->nr, c->name, c->what);
	if (!fgets(answer, sizeof(answer), stdin))
		return false;
	return !strcmp(answer, "yes\n");
}

/*
 * The syscall number belongs to another call on kernels without p4ni9, and
 * p4ni9's number differs between series: never call a number the running
 * kernel has not confirmed.
 */
static bool check_present(const struct p4ni9_state *st)
{
	if (st->kallsyms_read && !st->has_p4ni9) {
		fprintf(stderr, "p4ni9: %s\n", p4ni9_strerror(ENOSYS));
		return false;
	}
	if (st->nr < 0) {
		fprintf(stderr, "p4ni9: the system call number of this kernel is %s\n", st->nr_why);
		return false;
	}
	return true;
}

static int trigger(const struct p4ni9_opts *o, const struct p4ni9_state *st)
{
	const struct p4ni9_row *c = o->c;
	char what[64], why[256];
	int err;

	if (!check_present(st))
		return EXIT_ENOSYS;
	if (o->arm && p4ni9_arm("", c, st->series, stderr))
		return EXIT_FAIL;
	if (c->outcome == OUTCOME_DUMP) {
		if (st->crash_loaded != 1 && !o->force) {
			fprintf(stderr,
				"p4ni9: refusing: no crash kernel is loaded, the machine would crash with no dump.\n"
				"       Load one (kexec -p), or use --force.\n");
			return EXIT_REFUSED;
		}
		if (!p4ni9_will_dump("", st, c, why, sizeof(why)))
			fprintf(stderr, "p4ni9: warning: case %s will not end in a dump: %s\n",
				c->name, why);
		if (!o->yes) {
			if (!isatty(STDIN_FILENO)) {
				fprintf(stderr, "p4ni9: refusing: not a terminal; pass --yes to confirm\n");
				return EXIT_REFUSED;
			}
			if (!confirmed(c)) {
				fprintf(stderr, "p4ni9: not confirmed, nothing done\n");
				return EXIT_REFUSED;
			}
		}
	}
	printf("p4ni9: triggering case %d (%s): %s\n", c->nr, c->name, c->what);
	snprintf(what, sizeof(what), "case %d (%s)", c->nr, c->name);
	err = call_p4ni9(st, c->nr);
	if (!err && c->then_yield) {
		printf("p4ni9: returned with preemption disabled; yielding the CPU\n");
		fflush(stdout);
		sched_yield();
	}
	return report(what, err);
}

int main(int argc, char **argv)
{
	struct p4ni9_opts o;
	struct p4ni9_state st;
	char what[64];
	int rc;

	rc = p4ni9_parse(argc, argv, &o, stderr);
	if (rc)
		return rc;
	switch (o.cmd) {
	case CMD_HELP:
		fputs(p4ni9_usage, stdout);
		return EXIT_OK;
	case CMD_LIST:
		if (o.series < 0) {
			p4ni9_read_state("", &st);
			o.series = st.series;
		}
		p4ni9_list(stdout, o.tsv, o.series);
		return EXIT_OK;
	case CMD_STATUS:
		p4ni9_read_state("", &st);
		p4ni9_status(stdout, "", &st);
		return EXIT_OK;
	case CMD_ARM:
		p4ni9_read_state("", &st);
		return p4ni9_arm("", o.c, st.series, stderr) ? EXIT_FAIL : EXIT_OK;
	case CMD_RAW:
		p4ni9_read_state("", &st);
		if (!check_present(&st))
			return EXIT_ENOSYS;
		snprintf(what, sizeof(what), "p4ni9(%d)", o.raw);
		return report(what, call_p4ni9(&st, o.raw));
	case CMD_TRIGGER:
		p4ni9_read_state("", &st);
		return trigger(&o, &st);
	}
	return EXIT_FAIL;
}
