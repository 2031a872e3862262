// SPDX-License-Identifier: GPL-2.0
/* Unit tests of the p4ni9 tool: command line, case table, messages, state. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "p4ni9/cli.h"
#include "tap.h"

static FILE *sink;

static int parse(struct p4ni9_opts *o, const char *a1, const char *a2, const char *a3)
{
	char *argv[5] = { "p4ni9", (char *)a1, (char *)a2, (char *)a3, NULL };
	int argc = 1 + !!a1 + !!a2 + !!a3;

	return p4ni9_parse(argc, argv, o, sink);
}

static void put(const char *root, const char *path, const char *value)
{
	char full[512], dir[512], *slash;
	FILE *f;

	snprintf(full, sizeof(full), "%s%s", root, path);
	snprintf(dir, sizeof(dir), "%s", full);
	for (slash = dir + strlen(root) + 1; (slash = strchr(slash, '/')); slash++) {
		*slash = '\0';
		mkdir(dir, 0700);
		*slash = '/';
	}
	f = fopen(full, "w");
	if (f) {
		fputs(value, f);
		fclose(f);
	}
}

static void unlink_file(const char *root, const char *path)
{
	char full[512];

	snprintf(full, sizeof(full), "%s%s", root, path);
	unlink(full);
}

static void get(const char *root, const char *path, char *buf, size_t len)
{
	char full[512];
	FILE *f;
	size_t n = 0;

	snprintf(full, sizeof(full), "%s%s", root, path);
	f = fopen(full, "r");
	if (f) {
		n = fread(buf, 1, len - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
}

int main(void)
{
	struct p4ni9_opts o;
	struct p4ni9_state st;
	char root[] = "/tmp/p4ni9-test-XXXXXX", why[256], buf[64];
	int i;

	sink = fopen("/dev/null", "w");

	/* The table agrees with the kernel's uapi list. */
{
		static const struct { int nr; const char *name; } uapi[] = {
			{ P4NI9_PANIC, "panic" },
			{ P4NI9_NULL_DEREF, "null-deref" },
			{ P4NI9_LOCK_UNLOCK, "lock-unlock" },
			{ P4NI9_LEAK_LOCK, "leak-lock" },
			{ P4NI9_DOUBLE_LOCK, "double-lock" },
			{ P4NI9_DOUBLE_LOCK_IRQOFF, "double-lock-irqoff" },
		};

		ok(sizeof(uapi) / sizeof(uapi[0]) == P4NI9_NR_CASES, "one row per uapi case");
		for (i = 0; i < P4NI9_NR_CASES; i++)
			ok(p4ni9_cases[uapi[i].nr].nr == uapi[i].nr &&
			   !strcmp(p4ni9_cases[uapi[i].nr].name, uapi[i].name),
			   "row %d is %s, as in linux/p4ni9.h", uapi[i].nr, uapi[i].name);
	}

	ok(p4ni9_case_lookup("1") == &p4ni9_cases[1], "case by number");
	ok(p4ni9_case_lookup("double-lock-irqoff") == &p4ni9_cases[5], "case by name");
	ok(!p4ni9_case_lookup("6") && !p4ni9_case_lookup("-1") && !p4ni9_case_lookup("") &&
	   !p4ni9_case_lookup("1x") && !p4ni9_case_lookup("panicky"),
	   "no case for 6, -1, empty, 1x, panicky");

	ok(parse(&o, NULL, NULL, NULL) == EXIT_USAGE, "no command is a usage error");
	ok(parse(&o, "--help", NULL, NULL) == EXIT_OK && o.cmd == CMD_HELP, "--help");
	ok(parse(&o, "list", "--tsv", NULL) == EXIT_OK && o.cmd == CMD_LIST && o.tsv, "list --tsv");
	ok(parse(&o, "status", "x", NULL) == EXIT_USAGE, "status takes no argument");
	ok(parse(&o, "null-deref", "--yes", NULL) == EXIT_OK && o.cmd == CMD_TRIGGER &&
	   o.c->nr == 1 && o.yes, "CASE --yes triggers by name");
	ok(parse(&o, "trigger", "4", "--arm") == EXIT_OK && o.cmd == CMD_TRIGGER &&
	   o.c->nr == 4 && o.arm, "trigger 4 --arm");
	ok(parse(&o, "arm", "leak-lock", NULL) == EXIT_OK && o.cmd == CMD_ARM && o.c->nr == 3,
	   "arm leak-lock");
	ok(parse(&o, "arm", NULL, NULL) == EXIT_USAGE, "arm needs a case");
	ok(parse(&o, "7", NULL, NULL) == EXIT_USAGE, "unknown case 7 is a usage error");
	ok(parse(&o, "-1", NULL, NULL) == EXIT_USAGE, "case -1 is a usage error, not an option");
	ok(parse(&o, "1", "--frobnicate", NULL) == EXIT_USAGE, "unknown option");
	ok(parse(&o, "list", "--yes", NULL) == EXIT_USAGE, "--yes only with a case");
	ok(parse(&o, "status", "--tsv", NULL) == EXIT_USAGE, "--tsv only with list");
	ok(parse(&o, "raw", "-1", NULL) == EXIT_OK && o.cmd == CMD_RAW && o.raw == -1, "raw -1");
	ok(parse(&o, "raw", "-2147483648", NULL) == EXIT_OK && o.raw == INT_MIN, "raw INT_MIN");
	ok(parse(&o, "raw", "2147483647", NULL) == EXIT_OK && o.raw == INT_MAX, "raw INT_MAX");
	ok(parse(&o, "raw", "2147483648", NULL) == EXIT_USAGE, "raw INT_MAX+1 is refused");
	ok(parse(&o, "raw", "0x10", NULL) == EXIT_USAGE && parse(&o, "raw", NULL, NULL) == EXIT_USAGE,
	   "raw needs a decimal int");

	ok(p4ni9_exit_code(0) == 0 && p4ni9_exit_code(ENOSYS) == EXIT_ENOSYS &&
	   p4ni9_exit_code(EPERM) == EXIT_EPERM && p4ni9_exit_code(EINVAL) == EXIT_EINVAL &&
	   p4ni9_exit_code(EIO) == EXIT_FAIL, "exit codes per errno");
	ok(strstr(p4ni9_strerror(ENOSYS), "not patched") != NULL, "ENOSYS says: not patched");
	ok(strstr(p4ni9_strerror(EPERM), "CAP_SYS_BOOT") != NULL, "EPERM names CAP_SYS_BOOT");
	ok(strstr(p4ni9_strerror(EINVAL), "no such case") != NULL, "EINVAL says: no such case");
	ok(strstr(p4ni9_usage, "exit status") && strstr(p4ni9_usage, "--force"),
	   "usage documents exit status and --force");

	/* State and settings, on a fake /proc and /sys. */
	ok(mkdtemp(root) != NULL, "temporary root %s", root);
	put(root, "/sys/kernel/kexec_crash_loaded", "0\n");
	put(root, "/sys/devices/system/cpu/online", "0-3\n");
	put(root, "/proc/kallsyms", "0000 T _text\n0000 T __arm64_sys_p4ni9\n");
	put(root, "/proc/sys/kernel/panic_on_oops", "0\n");
	put(root, "/proc/sys/kernel/osrelease", "6.1.192\n");
	p4ni9_read_state(root, &st);
	ok(st.nr == 451 && st.series == SERIES_6_1, "6.1 without %s: 451 (%s)", P4NI9_NR_FILE,
	   st.nr_why);
	ok(st.crash_loaded == 0 && st.online_cpus == 4 && st.has_p4ni9, "state read: 4 CPUs, p4ni9 there");
	ok(!p4ni9_will_dump(root, &st, &p4ni9_cases[0], why, sizeof(why)) &&
	   strstr(why, "no crash kernel"), "no crash kernel: no dump (%s)", why);
	put(root, "/sys/kernel/kexec_crash_loaded", "1\n");
	p4ni9_read_state(root, &st);
	ok(p4ni9_will_dump(root, &st, &p4ni9_cases[0], why, sizeof(why)), "panic dumps once armed");
	ok(!p4ni9_will_dump(root, &st, &p4ni9_cases[1], why, sizeof(why)) &&
	   strstr(why, "panic_on_oops is 0"), "null-deref needs panic_on_oops (%s)", why);
	ok(p4ni9_arm(root, &p4ni9_cases[1], SERIES_6_1, sink) == 0, "arm null-deref");
	get(root, "/proc/sys/kernel/panic_on_oops", buf, sizeof(buf));
	ok(!strcmp(buf, "1\n") && p4ni9_will_dump(root, &st, &p4ni9_cases[1], why, sizeof(why)),
	   "null-deref dumps after arm");
	ok(p4ni9_arm(root, &p4ni9_cases[5], SERIES_6_1, sink) == ENOENT, "arm fails clearly on a missing setting");
	put(root, "/sys/devices/system/cpu/online", "0\n");
	put(root, "/sys/module/dumpwatch/parameters/enabled", "Y\n");
	put(root, "/sys/module/dumpwatch/parameters/thresh", "10\n");
	put(root, "/proc/sys/kernel/perf_event_max_sample_rate", "100000\n");
	put(root, "/proc/sys/kernel/perf_cpu_time_max_percent", "0\n");
	put(root, "/sys/module/dumpwatch/parameters/nmi", "N\n");
	p4ni9_read_state(root, &st);
	ok(!p4ni9_will_dump(root, &st, &p4ni9_cases[5], why, sizeof(why)) && strstr(why, "hang"),
	   "double-lock-irqoff on one CPU without NMI would hang (%s)", why);
	put(root, "/sys/module/dumpwatch/parameters/nmi", "Y\n");
	ok(p4ni9_will_dump(root, &st, &p4ni9_cases[5], why, sizeof(why)),
	   "double-lock-irqoff on one CPU with NMI dumps (%s)", why);
	put(root, "/sys/devices/system/cpu/online", "0-1\n");
	put(root, "/sys/module/dumpwatch/parameters/nmi", "N\n");
	p4ni9_read_state(root, &st);
	ok(p4ni9_will_dump(root, &st, &p4ni9_cases[5], why, sizeof(why)),
	   "double-lock-irqoff on two CPUs without NMI dumps (%s)", why);
	/* Arming again leaves a value already in place alone (its mtime stays). */
	{
		const struct timespec old[2] = { { 1, 0 }, { 1, 0 } };
		char path[512];
		struct stat sb;

		snprintf(path, sizeof(path), "%s/proc/sys/kernel/perf_event_max_sample_rate", root);
		utimensat(AT_FDCWD, path, old, 0);
		ok(p4ni9_arm(root, &p4ni9_cases[5], SERIES_6_1, sink) == 0 && !stat(path, &sb) &&
		   sb.st_mtim.tv_sec == 1, "arming twice does not write a setting already in place");
	}
	put(root, "/proc/kallsyms", "0000 T _text\n0000 T __arm64_sys_cachestat\n");
	p4ni9_read_state(root, &st);
	ok(!st.has_p4ni9 && st.kallsyms_read, "another kernel's syscall 451 is not taken for p4ni9");

	/* The number on 6.12 comes from the kernel; it is never guessed. */
	put(root, "/proc/kallsyms", "0000 T _text\n0000 T __arm64_sys_p4ni9\n");
	put(root, "/proc/sys/kernel/osrelease", "6.12.95\n");
	p4ni9_read_state(root, &st);
	ok(st.series == SERIES_6_12 && st.nr == -1 && strstr(st.nr_why, "cachestat"),
	   "6.12 without %s: no number, a clear reason (%s)", P4NI9_NR_FILE, st.nr_why);
	put(root, P4NI9_NR_FILE, "600\n");
	p4ni9_read_state(root, &st);
	ok(st.nr == 600, "6.12: the number from %s (%d)", P4NI9_NR_FILE, st.nr);
	put(root, P4NI9_NR_FILE, "six\n");
	p4ni9_read_state(root, &st);
	ok(st.nr == -1 && strstr(st.nr_why, "not a number"), "a garbled %s is refused (%s)",
	   P4NI9_NR_FILE, st.nr_why);
	put(root, P4NI9_NR_FILE, "600\n");
	put(root, "/proc/kallsyms", "0000 T _text\n0000 T __arm64_sys_cachestat\n");
	p4ni9_read_state(root, &st);
	ok(st.nr == -1 && strstr(st.nr_why, "no sys_p4ni9"),
	   "a number without sys_p4ni9 in kallsyms is a mismatch (%s)", st.nr_why);
	put(root, "/proc/sys/kernel/osrelease", "6.6.1\n");
	unlink_file(root, P4NI9_NR_FILE);
	put(root, "/proc/kallsyms", "0000 T _text\n0000 T __arm64_sys_p4ni9\n");
	p4ni9_read_state(root, &st);
	ok(st.nr == -1, "another release without %s: no number (%s)", P4NI9_NR_FILE, st.nr_why);
	ok(!strcmp(p4ni9_series_name(SERIES_6_12), "6.12") && p4ni9_series_lookup("6.12") == SERIES_6_12 &&
	   p4ni9_series_lookup("6.1") == SERIES_6_1 && p4ni9_series_lookup("5.10") == -1,
	   "series names");
	ok(strstr(p4ni9_dump_via(&p4ni9_cases[5], SERIES_6_12), "hardlockup_panic") &&
	   strstr(p4ni9_dump_via(&p4ni9_cases[5], SERIES_6_1), "dumpwatch") &&
	   p4ni9_settings(&p4ni9_cases[1], SERIES_6_12) == p4ni9_cases[1].settings,
	   "case 5 differs per series, the others do not");
	ok(parse(&o, "list", "--kernel", "6.12") == EXIT_OK && o.series == SERIES_6_12,
	   "list --kernel 6.12");
	ok(parse(&o, "list", "--kernel", "5.4") == EXIT_USAGE, "list --kernel 5.4 is refused");

	for (i = 0; i < P4NI9_NR_CASES; i++)
		if (p4ni9_cases[i].outcome == OUTCOME_DUMP && !*p4ni9_cases[i].expect)
			break;
	ok(i == P4NI9_NR_CASES, "every dumping case says what its dump must show");

	if (fork() == 0)
		execlp("rm", "rm", "-rf", root, (char *)NULL);
	tap_plan(tap_n);
	return tap_done();
}
