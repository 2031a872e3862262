// SPDX-License-Identifier: GPL-2.0
/* p4ni9: command line, messages and machine state, kept apart from main() for tests. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

const char p4ni9_usage[] =
	"usage: p4ni9 list [--tsv] [--kernel 6.1|6.12]\n"
	"       p4ni9 status\n"
	"       p4ni9 arm CASE\n"
	"       p4ni9 [trigger] CASE [--arm] [--force] [--yes]\n"
	"       p4ni9 raw N\n"
	"\n"
	"Makes this kernel fail on purpose with the p4ni9(2) system call, so that\n"
	"kdump captures a dump. CASE is a number or a name from `p4ni9 list`.\n"
	"\n"
	"  list      the cases: number, name, what happens, what makes a dump\n"
	"            (--tsv: tab-separated, with expectations, for scripts;\n"
	"            --kernel: as that kernel series has them, default the running one)\n"
	"  status    is a crash kernel loaded, and will each case end in a dump\n"
	"            with the settings as they are now\n"
	"  arm CASE  write the settings that make CASE end in a dump\n"
	"  CASE      trigger it. Refused when no crash kernel is loaded (the machine\n"
	"            would crash with nothing saved) unless --force. Asks for\n"
	"            confirmation on a terminal; elsewhere needs --yes.\n"
	"            --arm writes the case's settings first. lock-unlock is harmless\n"
	"            and needs neither --force nor --yes.\n"
	"  raw N     call p4ni9(N) for any int N, no checks: tests the kernel's own\n"
	"            argument and privilege checks. It crashes the machine for a\n"
	"            valid N.\n"
	"\n"
	"Needs CAP_SYS_BOOT in the initial user namespace (root outside containers).\n"
	"\n"
	"exit status:\n"
	"  0  done; for a case, the system call returned 0\n"
	"  1  another error (a setting could not be written, I/O)\n"
	"  2  bad command line or unknown case\n"
	"  3  refused: no crash kernel loaded, or not confirmed\n"
	"  4  this kernel has no p4ni9 system call (not patched, or CONFIG_P4NI9=n),\n"
	"     or does not say its number (/sys/kernel/p4ni9_nr; 451 on 6.1)\n"
	"  5  the kernel said EPERM: the caller lacks CAP_SYS_BOOT\n"
	"  6  the kernel said EINVAL: no such case\n";

static bool parse_int(const char *s, int *v)
{
	char *end;
	long long n;

	if (!*s || isspace((unsigned char)*s))
		return false;
	errno = 0;
	n = strtoll(s, &end, 10);
	if (errno || *end || n < INT_MIN || n > INT_MAX)
		return false;
	*v = (int)n;
	return true;
}

static bool is_option(const char *a)
{
	/* "-1" is a number for `raw`, not an option. */
	return a[0] == '-' && !isdigit((unsigned char)a[1]);
}

int p4ni9_parse(int argc, char **argv, struct p4ni9_opts *o, FILE *err)
{
	const char *pos[2] = { NULL, NULL };
	int npos = 0, i;

	memset(o, 0, sizeof(*o));
	o->cmd = CMD_HELP;
	o->series = -1;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (is_option(a)) {
			if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
				o->cmd = CMD_HELP;
				return EXIT_OK;
			} else if (!strcmp(a, "--tsv")) {
				o->tsv = true;
			} else if (!strcmp(a, "--force")) {
				o->force = true;
			} else if (!strcmp(a, "--yes") || !strcmp(a, "-y")) {
				o->yes = true;
			} else if (!strcmp(a, "--arm")) {
				o->arm = true;
			} else if (!strcmp(a, "--kernel")) {
				if (i + 1 >= argc || (o->series = p4ni9_series_lookup(argv[i + 1])) < 0) {
					fprintf(err, "p4ni9: --kernel needs 6.1 or 6.12\n");
					return EXIT_USAGE;
				}
				i++;
			} else {
				fprintf(err, "p4ni9: unknown option '%s' (see p4ni9 --help)\n", a);
				return EXIT_USAGE;
			}
			continue;
		}
		if (npos == 2) {
			fprintf(err, "p4ni9: unexpected argument '%s' (see p4ni9 --help)\n", a);
			return EXIT_USAGE;
		}
		pos[npos++] = a;
	}
	if (npos == 0) {
		fprintf(err, "p4ni9: no command (see p4ni9 --help)\n");
		return EXIT_USAGE;
	}

	if (!strcmp(pos[0], "list") || !strcmp(pos[0], "status")) {
		o->cmd = pos[0][0] == 'l' ? CMD_LIST : CMD_STATUS;
		if (npos > 1) {
			fprintf(err, "p4ni9: '%s' takes no argument\n", pos[0]);
			return EXIT_USAGE;
		}
	} else if (!strcmp(pos[0], "raw")) {
		o->cmd = CMD_RAW;
		if (npos < 2 || !parse_int(pos[1], &o->raw)) {
			fprintf(err, "p4ni9: raw needs an int (%d..%d), got '%s'\n",
				INT_MIN, INT_MAX, npos < 2 ? "" : pos[1]);
			return EXIT_USAGE;
		}
	} else {
		const char *arg = pos[0];

		o->cmd = CMD_TRIGGER;
		if (!strcmp(pos[0], "arm") || !strcmp(pos[0], "trigger")) {
			o->cmd = pos[0][0] == 'a' ? CMD_ARM : CMD_TRIGGER;
			if (npos < 2) {
				fprintf(err, "p4ni9: '%s' needs a CASE\n", pos[0]);
				return EXIT_USAGE;
			}
			arg = pos[1];
		} else if (npos > 1) {
			fprintf(err, "p4ni9: unexpected argument '%s' (see p4ni9 --help)\n", pos[1]);
			return EXIT_USAGE;
		}
		o->c = p4ni9_case_lookup(arg);
		if (!o->c) {
			fprintf(err, "p4ni9: no case '%s': cases are 0-%d or their names (p4ni9 list)\n",
				arg, P4NI9_NR_CASES - 1);
			return EXIT_USAGE;
		}
	}
	if ((o->force || o->yes || o->arm) && o->cmd != CMD_TRIGGER) {
		fprintf(err, "p4ni9: --force, --yes and --arm go with a CASE to trigger\n");
		return EXIT_USAGE;
	}
	if ((o->tsv || o->series >= 0) && o->cmd != CMD_LIST) {
		fprintf(err, "p4ni9: --tsv and --kernel go with list\n");
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

const char *p4ni9_strerror(int err)
{
	switch (err) {
	case 0:
		return "returned 0";
	case ENOSYS:
		return "this kernel has no p4ni9 system call (not patched, or CONFIG_P4NI9=n)";
	case EPERM:
		return "permission denied: p4ni9 needs CAP_SYS_BOOT in the initial user namespace";
	case EINVAL:
		return "invalid argument: the kernel knows no such case";
	default:
		return strerror(err);
	}
}

int p4ni9_exit_code(int err)
{
	switch (err) {
	case 0:
		return EXIT_OK;
	case ENOSYS:
		return EXIT_ENOSYS;
	case EPERM:
		return EXIT_EPERM;
	case EINVAL:
		return EXIT_EINVAL;
	default:
		return EXIT_FAIL;
	}
}

void p4ni9_list(FILE *out, bool tsv, enum p4ni9_series series)
{
	int i, j;

	if (tsv)
		fprintf(out, "nr\tname\toutcome\tverdict\tneeds_watcher\tsettings\texpect\n");
	else
		fprintf(out, "%-2s  %-18s  %-52s  %s\n", "nr", "name", "what happens",
			"what makes a dump");
	for (i = 0; i < P4NI9_NR_CASES; i++) {
		const struct p4ni9_row *c = &p4ni9_cases[i];
		const struct p4ni9_setting *set;

		if (!tsv) {
			fprintf(out, "%-2d  %-18s  %-52s  %s\n", c->nr, c->name, c->what,
				p4ni9_dump_via(c, series));
			continue;
		}
		fprintf(out, "%d\t%s\t%s\t%s\t%d\t", c->nr, c->name,
			p4ni9_outcome_name(c->outcome), c->verdict, c->needs_watcher);
		set = p4ni9_settings(c, series);
		for (j = 0; j < P4NI9_MAX_SETTINGS && set[j].path; j++)
			fprintf(out, "%s%s=%s", j ? "," : "", set[j].path, set[j].value);
		fprintf(out, "%s\t%s\n", j ? "" : "-", p4ni9_expect(c, series));
	}
}

static int read_file(const char *root, const char *path, char *buf, size_t len)
{
	char full[512];
	FILE *f;
	size_t n;

	snprintf(full, sizeof(full), "%s%s", root, path);
	f = fopen(full, "r");
	if (!f)
		return -1;
	n = fread(buf, 1, len - 1, f);
	fclose(f);
	buf[n] = '\0';
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return 0;
}

/* "0-3,5" -> 5 */
static int count_cpus(const char *list)
{
	const char *p = list;
	int n = 0;

	while (*p) {
		char *end;
		long a = strtol(p, &end, 10), b;

		if (end == p)
			return -1;
		b = a;
		if (*end == '-') {
			p = end + 1;
			b = strtol(p, &end, 10);
			if (end == p || b < a)
				return -1;
		}
		n += (int)(b - a + 1);
		p = end;
		if (*p == ',')
			p++;
		else if (*p)
			return -1;
	}
	return n;
}

/*
 * The running kernel's series and p4ni9's number there: what the kernel
 * says in /sys/kernel/p4ni9_nr (6.12 on), else 451 on a 6.1 release (the
 * 6.1 series predates the file). Any other kernel that does not say is
 * refused: there 451 may be cachestat or anything else.
 */
static void p4ni9_find_nr(const char *root, struct p4ni9_state *st)
{
	char buf[64], *end;
	long n;

	st->release[0] = '\0';
	if (!read_file(root, "/proc/sys/kernel/osrelease", buf, sizeof(buf)))
		snprintf(st->release, sizeof(st->release), "%s", buf);
	st->series = !strncmp(st->release, "6.12.", 5) || !strcmp(st->release, "6.12") ||
		     !strncmp(st->release, "6.12-", 5) ? SERIES_6_12 : SERIES_6_1;
	st->nr = -1;
	if (!read_file(root, P4NI9_NR_FILE, buf, sizeof(buf))) {
		n = strtol(buf, &end, 10);
		if (end == buf || *end || n < 0 || n > 4095) {
			snprintf(st->nr_why, sizeof(st->nr_why), "%s holds '%.20s', not a number",
				 P4NI9_NR_FILE, buf);
			return;
		}
		st->nr = (int)n;
		snprintf(st->nr_why, sizeof(st->nr_why), "%s", P4NI9_NR_FILE);
		if (st->kallsyms_read && !st->has_p4ni9) {
			st->nr = -1;
			snprintf(st->nr_why, sizeof(st->nr_why),
				 "%s says %ld but /proc/kallsyms has no sys_p4ni9: refusing",
				 P4NI9_NR_FILE, n);
		}
		return;
	}
	if (!strncmp(st->release, "6.1.", 4) || !strcmp(st->release, "6.1")) {
		st->nr = P4NI9_NR_6_1;
		snprintf(st->nr_why, sizeof(st->nr_why), "the 6.1 series' number (release %s)",
			 st->release);
		return;
	}
	snprintf(st->nr_why, sizeof(st->nr_why),
		 "unknown: release %s is not 6.1 and has no %s (p4ni9 is 451 only on 6.1; "
		 "451 is cachestat since 6.5)", *st->release ? st->release : "unknown",
		 P4NI9_NR_FILE);
}

void p4ni9_read_state(const char *root, struct p4ni9_state *st)
{
	char buf[256], full[512];
	FILE *f;

	st->crash_loaded = -1;
	if (!read_file(root, "/sys/kernel/kexec_crash_loaded", buf, sizeof(buf)))
		st->crash_loaded = atoi(buf) ? 1 : 0;
	st->online_cpus = -1;
	if (!read_file(root, "/sys/devices/system/cpu/online", buf, sizeof(buf)))
		st->online_cpus = count_cpus(buf);

	/* Syscall 451 is another call on other kernels: look for ours by name. */
	st->has_p4ni9 = false;
	st->kallsyms_read = false;
	snprintf(full, sizeof(full), "%s/proc/kallsyms", root);
	f = fopen(full, "r");
	if (f) {
		char line[512];

		st->kallsyms_read = true;
		while (fgets(line, sizeof(line), f)) {
			char *sym = strrchr(line, ' ');
			size_t n;

			if (!sym)
				continue;
			sym++;
			n = strcspn(sym, "\t\n");
			sym[n] = '\0';
			if (n >= 9 && !strcmp(sym + n - 9, "sys_p4ni9")) {
				st->has_p4ni9 = true;
				break;
			}
		}
		fclose(f);
	}
	p4ni9_find_nr(root, st);
}

bool p4ni9_will_dump(const char *root, const struct p4ni9_state *st,
		     const struct p4ni9_row *c, char *why, size_t whylen)
{
	const struct p4ni9_setting *set;
	char buf[64];
	int j;

	if (c->outcome != OUTCOME_DUMP) {
		snprintf(why, whylen, "harmless: returns 0");
		return false;
	}
	if (st->crash_loaded != 1) {
		snprintf(why, whylen, "no crash kernel loaded");
		return false;
	}
	if (c->needs_watcher && st->online_cpus == 1 && st->series == SERIES_6_1 &&
	    (read_file(root, DUMPWATCH_NMI, buf, sizeof(buf)) || strcmp(buf, "Y"))) {
		snprintf(why, whylen,
			 "one CPU and no NMI (dumpwatch.nmi): nothing can see it, it would hang");
		return false;
	}
	if (c->needs_watcher && st->online_cpus == 1 && st->series == SERIES_6_12 &&
	    (read_file(root, NMI_WATCHDOG, buf, sizeof(buf)) || strcmp(buf, "1"))) {
		snprintf(why, whylen,
			 "one CPU and no perf NMI watchdog (%s): nothing can see it, it would hang",
			 NMI_WATCHDOG);
		return false;
	}
	set = p4ni9_settings(c, st->series);
	for (j = 0; j < P4NI9_MAX_SETTINGS && set[j].path; j++) {
		const struct p4ni9_setting *s = &set[j];

		if (read_file(root, s->path, buf, sizeof(buf))) {
			snprintf(why, whylen, "%s is missing", s->path);
			return false;
		}
		if (strcmp(buf, s->value)) {
			snprintf(why, whylen, "%s is %s, needs %s (p4ni9 arm %s)",
				 s->path, buf, s->value, c->name);
			return false;
		}
	}
	snprintf(why, whylen, "%s", p4ni9_dump_via(c, st->series));
	return true;
}

void p4ni9_status(FILE *out, const char *root, const struct p4ni9_state *st)
{
	char why[256];
	int i;

	fprintf(out, "crash kernel: %s\n",
		st->crash_loaded == 1 ? "loaded" :
		st->crash_loaded == 0 ? "not loaded (kexec -p)" :
		"unknown (no /sys/kernel/kexec_crash_loaded: kernel without kexec?)");
	fprintf(out, "p4ni9 system call: %s\n",
		st->has_p4ni9 ? "present" :
		st->kallsyms_read ? "missing (kernel not patched, or CONFIG_P4NI9=n)" :
		"unknown (/proc/kallsyms unreadable)");
	if (st->nr >= 0)
		fprintf(out, "p4ni9 number: %d (%s)\n", st->nr, st->nr_why);
	else
		fprintf(out, "p4ni9 number: %s\n", st->nr_why);
	fprintf(out, "kernel series: %s\n", p4ni9_series_name(st->series));
	if (st->online_cpus >= 0)
		fprintf(out, "online CPUs: %d\n", st->online_cpus);
	fprintf(out, "\n%-2s  %-18s  %-5s  %s\n", "nr", "name", "dump?", "why");
	for (i = 0; i < P4NI9_NR_CASES; i++) {
		const struct p4ni9_row *c = &p4ni9_cases[i];
		bool yes = p4ni9_will_dump(root, st, c, why, sizeof(why));

		fprintf(out, "%-2d  %-18s  %-5s  %s\n", c->nr, c->name,
			c->outcome != OUTCOME_DUMP ? "-" : yes ? "yes" : "NO", why);
	}
}

int p4ni9_arm(const char *root, const struct p4ni9_row *c, enum p4ni9_series series,
	      FILE *err)
{
	const struct p4ni9_setting *set = p4ni9_settings(c, series);
	char full[512], cur[64];
	int j;

	for (j = 0; j < P4NI9_MAX_SETTINGS && set[j].path; j++) {
		const struct p4ni9_setting *s = &set[j];
		FILE *f;
		int e = 0;

		/*
		 * A value already in place is not written again: some
		 * files refuse a write in some states (the perf sample rate
		 * once dynamic throttling is off), so arming twice must
		 * not fail where arming once works.
		 */
		if (!read_file(root, s->path, cur, sizeof(cur)) && !strcmp(cur, s->value)) {
			fprintf(err, "p4ni9: %s = %s (already)\n", s->path, s->value);
			continue;
		}
		snprintf(full, sizeof(full), "%s%s", root, s->path);
		f = fopen(full, "w");
		if (!f) {
			e = errno;
		} else {
			if (fprintf(f, "%s\n", s->value) < 0)
				e = errno;
			if (fclose(f) && !e)
				e = errno;
		}
		if (e) {
			fprintf(err, "p4ni9: cannot set %s to %s: %s\n", s->path, s->value,
				strerror(e));
			return e;
		}
		fprintf(err, "p4ni9: %s = %s\n", s->path, s->value);
	}
	return 0;
}
