// SPDX-License-Identifier: GPL-2.0
/*
 * `lab lava-jobs OUT`: the lab's runs as LAVA jobs (./dumpable lava jobs;
 * docs/lava.md). Each case, with the same run options `./dumpable run`
 * takes, is parsed by spec_parse() into a run spec; each spec becomes
 *   OUT/jobs/<job>.yaml          a LAVA job (device type qemu, or
 *                                bcm2711-rpi-4-b for --board rpi4)
 *   OUT/files/Image              the kernel every job boots
 *   OUT/files/<job>/initrd.img   the lab's main initramfs with the run's layer
 *                                appended (write_run_layer(), as `./dumpable run`)
 *   OUT/devices/<device>.jinja2  the device dictionary of the run's machine
 *                                (virt: LAVA's qemu device type, with the
 *                                lab's GIC, CPUs and memory and a virtio-mmio
 *                                network card)
 *   OUT/jobs.tsv                 job, device, case, expected outcome, kernel, board
 * The dump goes home over the network: the capture kernel gets
 * `ip=dhcp kdump.url=COLLECTOR/<job>`, so each job's dump is filed under
 * its own name by build/host/dump-collector.
 *
 * The job's verdict is the lab's: one monitor on the console lines the
 * runner watches (events.c), one LAVA test case per event (armed, trigger
 * case, p4ni9's exit status, capture kernel up, saved), each passed or
 * failed by what the case expects (a "survived" case fails on a capture
 * kernel). `lab lava-report DIR` (below) reads the jobs' LAVA logs back.
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kdump-save/net.h"
#include "lab.h"
#include "proc.h"

/* On QEMU's user network the host's loopback is 10.0.2.2 (NET_HOST_ADDR). */
#define LAVA_COLLECTOR "http://" NET_HOST_ADDR ":8471"

/*
 * The console lines of the runner's events (events.c: line_event()) as one
 * regular expression: the event's words are both the LAVA test case and its
 * result, which the job's fixupdict turns into pass or fail. "saved" is
 * the dump's line only, as line_event() has it ("] saved /" on a disk,
 * "] saved dump" on the collector), not the dmesg's or the log's.
 */
#define LAVA_PATTERN "(?:dumpable|kdump-save): (?:\\[ *[0-9.]+\\] )?(?P<test_case_id>(?P<result>" \
	"armed|ERROR|trigger case|exec begin|p4ni9 returned: exit status [0-9]+|exec end|" \
	"capture kernel up|saved(?= /| dump)|PARTIAL|FAILED|survived))"
#define LAVA_START "dumpable: main kernel up"
#define LAVA_END "reboot: (?:Power down|Restarting system)"
/* The boot action waits for the kernel starting /init (the monitor then watches /init). */
#define LAVA_PROMPT "Run /init as init process"

struct lava_opts {
	const char *out;
	char files_url[PATH_MAX + 16];
	const char *collector;
	const char *cases;
	int nopts;
	char **opts;	/* the run options, as ./dumpable run takes them */
};

static int lava_usage(void)
{
	fputs("usage: lab lava-jobs OUT [--cases \"1 2 5\"] [--collector http://A.B.C.D:PORT]\n"
	      "                     [--files-url URL] [run options of ./dumpable run]\n", stderr);
	return 2;
}

/* 'text' as a YAML single-quoted scalar (backslashes stay as they are). */
static void yq(FILE *f, const char *text)
{
	fputc('\'', f);
	for (; *text; text++) {
		if (*text == '\'')
			fputc('\'', f);
		fputc(*text, f);
	}
	fputc('\'', f);
}

static int copy_file(const char *from, const char *to)
{
	char buf[1 << 16];
	int in = open(from, O_RDONLY), out;
	ssize_t n = 0;

	if (in < 0)
		return -1;
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (out < 0) {
		close(in);
		return -1;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, n) != n) {
			n = -1;
			break;
		}
	close(in);
	if (close(out) || n < 0)
		return -1;
	return 0;
}

static int mkdirs(const char *path)
{
	char buf[LAB_PATH], *p;

	snprintf(buf, sizeof(buf), "%s", path);
	for (p = buf + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			if (mkdir(buf, 0755) && errno != EEXIST)
				return -1;
			*p = '/';
		}
	return mkdir(buf, 0755) && errno != EEXIST ? -1 : 0;
}

/* QEMU's -m (1G, 512M) in MiB, or -1. */
static long mem_mib(const char *mem)
{
	char *end;
	long v = strtol(mem, &end, 10);

	if (end == mem || v <= 0)
		return -1;
	if (!*end || *end == 'M' || *end == 'm')
		return v;
	if (*end == 'G' || *end == 'g')
		return v * 1024;
	return -1;
}

/* The machine's name: "virt-gic3-smp4-1g" (plus -nmi-off, -wd-off), or the board's. */
static void machine_name(const struct spec *s, char *buf, size_t len)
{
	size_t n;

	if (strcmp(s->board->name, "virt")) {
		snprintf(buf, len, "%s", s->board->name);
		return;
	}
	n = snprintf(buf, len, "virt-gic%d-smp%d-%s", s->gic, s->smp, s->mem);
	if (n < len && s->gic == 3 && !s->nmi)
		n += snprintf(buf + n, len - n, "-nmi-off");
	if (n < len && !s->watchdog)
		snprintf(buf + n, len - n, "-wd-off");
	for (; *buf; buf++)
		if (*buf >= 'A' && *buf <= 'Z')
			*buf += 'a' - 'A';
}

/* QEMU's options beyond LAVA's qemu device type: CPUs, no reboot, a virtio-mmio NIC. */
static void qemu_extra(const struct spec *s, FILE *f, const char *indent)
{
	fprintf(f, "%s- '-smp %d'\n%s- '-no-reboot'\n", indent, s->smp, indent);
	fprintf(f, "%s- '-netdev " NET_QEMU_NETDEV "'\n%s- '-device " NET_QEMU_DEVICE "'\n",
		indent, indent);
}

/* OUT/devices/<device>.jinja2: LAVA's qemu device type with the machine's settings. */
static int write_device(const struct spec *s, const char *out, const char *device)
{
	char path[LAB_PATH], machine[64];
	FILE *f;

	snprintf(path, sizeof(path), "%s/devices/%s.jinja2", out, device);
	f = fopen(path, "w");
	if (!f)
		return -1;
	s->board->qemu_machine(s, machine, sizeof(machine));
	fprintf(f, "{# dumpable-kernel: the lab's %s (./dumpable lava jobs; docs/lava.md) #}\n",
		device);
	fputs("{% extends 'qemu.jinja2' %}\n{% set arch = 'arm64' %}\n", f);
	fprintf(f, "{%% set machine = '%s' %%}\n{%% set cpu = '%s' %%}\n{%% set memory = %ld %%}\n",
		machine, s->board->qemu_cpu, mem_mib(s->mem));
	fprintf(f, "{%% set extra_options = ['-smp %d', '-no-reboot', '-netdev " NET_QEMU_NETDEV "', "
		"'-device " NET_QEMU_DEVICE "'] %%}\n", s->smp);
	return fclose(f);
}

/* What each console event means for a run that expects @expected. */
static void fixupdict(FILE *f, const char *expected)
{
	bool dump = !strcmp(expected, "dump");

	fprintf(f, "        armed: pass\n        ERROR: fail\n        trigger case: pass\n"
		"        exec begin: pass\n");
	/*
	 * p4ni9's exit status (tools/p4ni9/cli.h): 0 the call returned (leak-lock
	 * returns, then fails at the next schedule), else it failed (ENOSYS, EPERM...).
	 */
	fprintf(f, "        'p4ni9 returned: exit status 0': pass\n");
	for (int i = 1; i <= 6; i++)
		fprintf(f, "        'p4ni9 returned: exit status %d': fail\n", i);
	fprintf(f, "        exec end: %s\n", dump ? "fail" : "pass");
	fprintf(f, "        capture kernel up: %s\n        saved: %s\n", dump ? "pass" : "fail",
		dump ? "pass" : "fail");
	fprintf(f, "        PARTIAL: fail\n        FAILED: fail\n        survived: %s\n",
		dump ? "fail" : "pass");
}

/* The test cases a passing job has, for `lava run` (jobs.tsv). */
static const char *wanted_cases(const struct spec *s, const char *expected)
{
	if (!strcmp(expected, "dump"))
		return s->exec ? "armed,exec_begin,capture_kernel_up,saved" :
				 "armed,trigger_case,capture_kernel_up,saved";
	return s->exec ? "armed,exec_begin,exec_end" :
			 "armed,trigger_case,p4ni9_returned_exit_status_0,survived";
}

static void job_head(FILE *f, const struct spec *s, const char *job, const char *expected,
		     int test_min)
{
	fprintf(f, "# dumpable-kernel: case %d (%s) on %s, kernel %s, expecting %s.\n"
		"# Made by ./dumpable lava jobs (docs/lava.md); the dump goes to the collector.\n",
		s->row->nr, s->row->name, s->board->name, s->kernel, expected);
	fprintf(f, "device_type: %s\njob_name: %s\n",
		strcmp(s->board->name, "virt") ? "bcm2711-rpi-4-b" : "qemu", job);
	fprintf(f, "timeouts:\n  job:\n    minutes: %d\n  action:\n    minutes: %d\n"
		"  connection:\n    minutes: %d\n", test_min + 8, test_min, test_min);
	fputs("priority: medium\nvisibility: public\n", f);
}

static void job_metadata(FILE *f, const struct spec *s, const char *expected,
			 const char *machine)
{
	fprintf(f, "metadata:\n  dumpable.case: '%d'\n  dumpable.case-name: %s\n"
		"  dumpable.expected: %s\n  dumpable.kernel: '%s'\n  dumpable.machine: %s\n",
		s->row->nr, s->row->name, expected, s->kernel, machine);
}

static void job_test(FILE *f, const struct spec *s, const char *expected, int test_min)
{
	fprintf(f, "- test:\n    timeout:\n      minutes: %d\n    monitors:\n", test_min);
	fprintf(f, "    - name: dumpable-%s\n      start: ", s->row->name);
	yq(f, LAVA_START);
	fputs("\n      end: ", f);
	yq(f, LAVA_END);
	fputs("\n      pattern: ", f);
	yq(f, LAVA_PATTERN);
	fputs("\n      fixupdict:\n", f);
	fixupdict(f, expected);
}

/* The QEMU job: deploy to tmpfs, boot with qemu, the monitor. */
static int write_virt_job(FILE *f, const struct spec *s, const struct lava_opts *o,
			  const char *job, const char *expected, const char *machine,
			  int test_min)
{
	char cmdline[1024], qm[64];

	if (kernel_cmdline(s->board, s, cmdline, sizeof(cmdline)) ||
	    s->board->qemu_machine(s, qm, sizeof(qm)))
		return -1;
	job_head(f, s, job, expected, test_min);
	fprintf(f, "context:\n  arch: arm64\n  machine: %s\n  cpu: %s\n  memory: %ld\n"
		"  extra_options:\n", qm, s->board->qemu_cpu, mem_mib(s->mem));
	qemu_extra(s, f, "  ");
	job_metadata(f, s, expected, machine);
	fputs("actions:\n- deploy:\n    timeout:\n      minutes: 2\n    to: tmpfs\n    images:\n"
	      "      kernel:\n        image_arg: ", f);
	fprintf(f, "'-kernel {kernel} -append \"%s\"'\n", cmdline);
	fprintf(f, "        url: %s/Image\n", o->files_url);
	fprintf(f, "      initrd:\n        image_arg: '-initrd {initrd}'\n"
		"        url: %s/%s/initrd.img\n", o->files_url, job);
	fputs("- boot:\n    timeout:\n      minutes: 2\n    method: qemu\n    media: tmpfs\n"
	      "    prompts:\n    - ", f);
	yq(f, LAVA_PROMPT);
	fputc('\n', f);
	job_test(f, s, expected, test_min);
	return 0;
}

/*
 * The Raspberry Pi 4 job: LAVA's bcm2711-rpi-4-b (u-boot, TFTP). The
 * kernel's command line without console= (LAVA's console_device) goes
 * into extra_kernel_args. Not run here: no board (docs/lava.md).
 */
static int write_rpi4_job(FILE *f, const struct spec *s, const struct lava_opts *o,
			  const char *job, const char *expected, const char *machine,
			  int test_min)
{
	char cmdline[1024], *args = cmdline, *sp;

	if (kernel_cmdline(s->board, s, cmdline, sizeof(cmdline)))
		return -1;
	if (!strncmp(cmdline, "console=", 8) && (sp = strchr(cmdline, ' ')))
		args = sp + 1;
	job_head(f, s, job, expected, test_min);
	fputs("context:\n  console_device: ttyS1\n  extra_kernel_args: ", f);
	yq(f, args);
	fputc('\n', f);
	job_metadata(f, s, expected, machine);
	fputs("actions:\n- deploy:\n    timeout:\n      minutes: 4\n    to: tftp\n", f);
	fprintf(f, "    kernel:\n      url: %s/Image\n      type: image\n", o->files_url);
	fprintf(f, "    ramdisk:\n      url: %s/%s/initrd.img\n", o->files_url, job);
	fprintf(f, "    dtb:\n      url: %s/bcm2711-rpi-4-b.dtb\n", o->files_url);
	fputs("- boot:\n    timeout:\n      minutes: 4\n    method: u-boot\n    commands: ramdisk\n"
	      "    prompts:\n    - ", f);
	yq(f, LAVA_PROMPT);
	fputc('\n', f);
	job_test(f, s, expected, test_min);
	return 0;
}

/* One spec: its files, device and job. */
static int lava_job(const struct spec *s, const struct lava_opts *o, FILE *index)
{
	const char *expected = spec_expected(s);
	const char *images = getenv("DUMPABLE_IMAGES");
	char machine[64], job[128], device[128], dir[LAB_PATH], layer[LAB_PATH + 16];
	char initrd[LAB_PATH + 16], conf[LAB_PATH + 16], base[LAB_PATH], path[LAB_PATH];
	static struct paths p;
	bool virt = !strcmp(s->board->name, "virt");
	int test_min, rc;
	FILE *f;

	machine_name(s, machine, sizeof(machine));
	snprintf(job, sizeof(job), "dumpable-%s-%s-%s", s->row->name, machine, s->kernel);
	if (strlen(job) > 64) {
		fprintf(stderr, "dumpable: lava: job name %s: longer than the collector takes (64)\n", job);
		return -1;
	}
	snprintf(device, sizeof(device), virt ? "dumpable-%s" : "%s", machine);
	snprintf(dir, sizeof(dir), "%s/files/%s", o->out, job);
	if (mkdirs(dir))
		return -1;
	/* The capture kernel's words for the network target: net_capture_words(), as `run --dump-to net`. */
	memset(&p, 0, sizeof(p));
	snprintf(p.net_url, sizeof(p.net_url), "%s/%s", o->collector, job);
	snprintf(layer, sizeof(layer), "%s/run.cpio", dir);
	snprintf(conf, sizeof(conf), "%s/run.conf", dir);
	snprintf(initrd, sizeof(initrd), "%s/initrd.img", dir);
	path_join(base, sizeof(base), images, "main.cpio.gz");
	if (write_run_layer(s, &p, conf, layer) || initrd_join(base, layer, initrd)) {
		fprintf(stderr, "dumpable: lava: cannot write %s (%s): %s\n", initrd, base,
			strerror(errno));
		return -1;
	}
	if (virt && write_device(s, o->out, device))
		return -1;
	/* The phases' deadlines, as the runner has them, in whole minutes. */
	test_min = (2 * s->timeout_s + save_deadline_s(s) + s->board->slow_save_s + 59) / 60;
	snprintf(path, sizeof(path), "%s/jobs/%s.yaml", o->out, job);
	f = fopen(path, "w");
	if (!f)
		return -1;
	rc = virt ? write_virt_job(f, s, o, job, expected, machine, test_min) :
		    write_rpi4_job(f, s, o, job, expected, machine, test_min);
	if (fclose(f) || rc)
		return -1;
	fprintf(index, "%s\t%s\t%d\t%s\t%s\t%s\t%s\t%s\t", job, device, s->row->nr, s->row->name,
		expected, s->kernel, s->board->name, wanted_cases(s, expected));
	/* The spec as ./dumpable run takes it, for `lab lava-report` to parse again. */
	fprintf(index, "%s", s->row->name);
	for (int i = 1; i <= o->nopts; i++)
		fprintf(index, " %s", o->opts[i]);
	fputc('\n', index);
	printf("%s\n", path);
	return 0;
}

/*
 * A collector's URL with a job's prefix, checked as kdump-save checks it
 * (net_url_parse(): an IPv4 address, the capture kernel has no resolver).
 */
static bool collector_ok(const char *url)
{
	char full[320], err[200];
	struct net_url u;

	snprintf(full, sizeof(full), "%s/dumpable-job", url);
	if (!net_url_parse(full, &u, err, sizeof(err)))
		return true;
	fprintf(stderr, "dumpable: lava: --collector '%s': %s\n", url, err);
	return false;
}

int cmd_lava_jobs(int argc, char **argv)
{
	struct lava_opts o = { .collector = NULL, .cases = "0 1 2 3 4 5" };
	const char *kdir = getenv("DUMPABLE_KDIR"), *files_url = NULL;
	char **rest = calloc(argc + 2, sizeof(char *)), path[LAB_PATH], abs[PATH_MAX];
	char cases[256], *tok, *save = NULL;
	FILE *index;
	int i, n = 0, failed = 0, count = 0;

	if (!rest)
		return 2;
	if (argc >= 1 && argv[0][0] != '-')
		o.out = argv[0];
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--cases") && i + 1 < argc)
			o.cases = argv[++i];
		else if (!strcmp(argv[i], "--collector") && i + 1 < argc)
			o.collector = argv[++i];
		else if (!strcmp(argv[i], "--files-url") && i + 1 < argc)
			files_url = argv[++i];
		else
			rest[1 + n++] = argv[i];
	}
	if (!o.out || !kdir || !getenv("DUMPABLE_IMAGES")) {
		free(rest);
		return lava_usage();
	}
	o.opts = rest;
	o.nopts = n;
	/* Every spec is checked before anything is written. */
	snprintf(cases, sizeof(cases), "%s", o.cases);
	for (tok = strtok_r(cases, " ,", &save); tok; tok = strtok_r(NULL, " ,", &save)) {
		struct spec s;

		rest[0] = tok;
		if (spec_parse(&s, n + 1, rest))
			goto bad;
		for (i = 1; i <= n; i++)
			if (!strcmp(rest[i], "--dump-to") && i < n && strcmp(rest[i + 1], "net")) {
				fprintf(stderr, "dumpable: lava: a LAVA job's dump goes to the collector: "
					"--dump-to net only\n");
				goto bad;
			}
		if (strcmp(spec_expected(&s), "dump") && strcmp(spec_expected(&s), "survived")) {
			fprintf(stderr, "dumpable: lava: case %s expects %s: a LAVA job passes on a "
				"dump or on survival only\n", s.row->name, spec_expected(&s));
			goto bad;
		}
		if (s.fault || s.button_after_s >= 0 || s.keep) {
			fprintf(stderr, "dumpable: lava: --fault, --press-button-after and --keep need "
				"the lab's own runner (./dumpable run)\n");
			goto bad;
		}
		if (strcmp(s.board->name, "virt") && !o.collector) {
			fprintf(stderr, "dumpable: lava: --board %s: name the collector the board "
				"reaches (--collector http://A.B.C.D:PORT)\n", s.board->name);
			goto bad;
		}
		count++;
	}
	if (!count) {
		fprintf(stderr, "dumpable: lava: --cases names no case\n");
		goto bad;
	}
	if (!o.collector)
		o.collector = LAVA_COLLECTOR;
	if (!collector_ok(o.collector))
		goto bad;
	snprintf(path, sizeof(path), "%s/jobs", o.out);
	if (mkdirs(path) || !realpath(o.out, abs)) {
		fprintf(stderr, "dumpable: lava: cannot make %s: %s\n", path, strerror(errno));
		free(rest);
		return 1;
	}
	snprintf(path, sizeof(path), "%s/devices", o.out);
	mkdirs(path);
	if (files_url)
		snprintf(o.files_url, sizeof(o.files_url), "%s", files_url);
	else
		snprintf(o.files_url, sizeof(o.files_url), "file://%s/files", abs);
	snprintf(path, sizeof(path), "%s/files", o.out);
	mkdirs(path);
	{
		char from[LAB_PATH], to[LAB_PATH];

		path_join(from, sizeof(from), kdir, "Image");
		path_join(to, sizeof(to), path, "Image");
		if (copy_file(from, to)) {
			fprintf(stderr, "dumpable: lava: cannot copy %s: %s\n", from, strerror(errno));
			free(rest);
			return 1;
		}
		path_join(from, sizeof(from), kdir, "dtbs/broadcom/bcm2711-rpi-4-b.dtb");
		path_join(to, sizeof(to), path, "bcm2711-rpi-4-b.dtb");
		copy_file(from, to);	/* the Pi 4's jobs only */
	}
	snprintf(path, sizeof(path), "%s/jobs.tsv", o.out);
	index = fopen(path, "w");
	if (!index) {
		free(rest);
		return 1;
	}
	fputs("# job\tdevice\tcase\tname\texpected\tkernel\tboard\ttest cases that must pass\tspec\n",
	      index);
	snprintf(cases, sizeof(cases), "%s", o.cases);
	for (tok = strtok_r(cases, " ,", &save); tok; tok = strtok_r(NULL, " ,", &save)) {
		struct spec s;

		rest[0] = tok;
		if (spec_parse(&s, n + 1, rest) || lava_job(&s, &o, index))
			failed++;
	}
	fclose(index);
	free(rest);
	return failed ? 1 : 0;
bad:
	free(rest);
	return 2;
}

/*
 * `lab lava-report DIR`: after lab/lava-run ran DIR's jobs with lava-run,
 * each job's verdict, the lab's own (classify()) from LAVA's log: its
 * "target" lines are the console, fed to the runner's events (events.c);
 * the dump is what the collector filed under the job's name
 * (DIR/dumps/<job>/<stamp>/). LAVA's own verdict (the job, and the
 * monitor's test cases) must agree. Prints the table and writes
 * DIR/results.tsv; exit 1 when a job did not pass.
 */

/* "2026-11-28T13:12:32.436777" -> seconds into the day, or -1. */
static double lava_dt(const char *dt)
{
	int h, m;
	double sec;
	const char *t = dt ? strchr(dt, 'T') : NULL;

	if (!t || sscanf(t + 1, "%d:%d:%lf", &h, &m, &sec) != 3)
		return -1;
	return h * 3600.0 + m * 60.0 + sec;
}

struct lava_job_result {
	bool job_pass;		/* LAVA's job result */
	int cases_pass, cases_fail;
	char cases[512];	/* "armed=pass,trigger_case=pass,..." */
	char error[200];	/* LAVA's error, if it said one */
	double seconds;		/* the job, first log line to last */
};

/* Reads @log (lava-run's output: one JSON object a line) into @e and @r. */
static int read_lava_log(const char *log, struct events *e, struct lava_job_result *r)
{
	FILE *f = fopen(log, "r");
	char *line = NULL;
	size_t cap = 0;
	double t0 = -1, t = 0;

	memset(r, 0, sizeof(*r));
	events_init(e);
	if (!f)
		return -1;
	while (getline(&line, &cap, f) > 0) {
		json_t *j = json_loads(line, 0, NULL), *msg;
		const char *lvl;

		if (!j)
			continue;
		lvl = json_string_value(json_object_get(j, "lvl"));
		msg = json_object_get(j, "msg");
		t = lava_dt(json_string_value(json_object_get(j, "dt")));
		if (t0 < 0)
			t0 = t;
		if (t < t0)
			t += 86400;	/* past midnight */
		if (lvl && !strcmp(lvl, "target") && json_is_string(msg)) {
			events_feed(e, json_string_value(msg), t - t0);
		} else if (lvl && !strcmp(lvl, "results") && json_is_object(msg)) {
			const char *def = json_string_value(json_object_get(msg, "definition"));
			const char *c = json_string_value(json_object_get(msg, "case"));
			const char *res = json_string_value(json_object_get(msg, "result"));
			size_t n = strlen(r->cases);

			if (def && c && res && !strcmp(def, "lava") && !strcmp(c, "job"))
				r->job_pass = !strcmp(res, "pass");
			if (def && c && res && !strncmp(def, "dumpable-", 9)) {
				snprintf(r->cases + n, sizeof(r->cases) - n, "%s%s=%s", n ? "," : "",
					 c, res);
				if (!strcmp(res, "pass"))
					r->cases_pass++;
				else
					r->cases_fail++;
			}
		} else if (lvl && !strcmp(lvl, "error") && json_is_string(msg) && !r->error[0]) {
			snprintf(r->error, sizeof(r->error), "%s", json_string_value(msg));
		}
		json_decref(j);
	}
	free(line);
	fclose(f);
	r->seconds = t0 < 0 ? 0 : t - t0;
	e->end = r->seconds;
	return 0;
}

/* Does @have ("a=pass,b=pass") hold every case of @want ("a,b") passed? */
static bool cases_passed(const char *have, const char *want)
{
	char w[256], *tok, *save = NULL, needle[80];

	snprintf(w, sizeof(w), "%s", want);
	for (tok = strtok_r(w, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		const char *p = have;
		size_t n = (size_t)snprintf(needle, sizeof(needle), "%s=pass", tok);
		bool found = false;

		while ((p = strstr(p, needle))) {
			if ((p == have || p[-1] == ',') && (p[n] == ',' || !p[n]))
				found = true;
			p += n;
		}
		if (!found)
			return false;
	}
	return true;
}

/* The "verdict:" line of DIR/runs/<job>/triage.txt. */
static void triage_verdict(const char *path, char *buf, size_t len)
{
	char *text = read_text(path), *p;

	snprintf(buf, len, "-");
	if (!text)
		return;
	p = strstr(text, "verdict:");
	if (p) {
		p += strlen("verdict:");
		p += strspn(p, " ");
		snprintf(buf, len, "%.*s", (int)strcspn(p, "\n"), p);
	}
	free(text);
}

int cmd_lava_report(int argc, char **argv)
{
	char path[LAB_PATH], *line = NULL;
	size_t cap = 0;
	int jobs = 0, passed = 0;
	FILE *index, *out;

	if (argc != 1) {
		fputs("usage: lab lava-report DIR (after lab/lava-run DIR)\n", stderr);
		return 2;
	}
	snprintf(path, sizeof(path), "%s/jobs.tsv", argv[0]);
	index = fopen(path, "r");
	snprintf(path, sizeof(path), "%s/results.tsv", argv[0]);
	out = index ? fopen(path, "w") : NULL;
	if (!index || !out) {
		fprintf(stderr, "dumpable: lava: no %s/jobs.tsv (./dumpable lava jobs DIR first)\n",
			argv[0]);
		return 2;
	}
	fputs("# job\tcase\texpected\toutcome\tlab\tlava\thow\ttriage\tseconds\tdump\twhy\n", out);
	printf("\n%-50s %-4s %-9s %-15s %-5s %-5s %-13s %-23s %7s\n", "job", "case", "expected",
	       "outcome", "lab", "lava", "how", "triage", "time");
	while (getline(&line, &cap, index) > 0) {
		char *f[9], *p = line, *argvs[32], dir[LAB_PATH + 80], crash[LAB_PATH + 80];
		char triage[80], *dmesg = NULL;
		struct lava_job_result r;
		struct events e;
		struct harvest h;
		struct verdict v;
		struct spec s;
		int i, n = 0;
		bool lava_ok, ok;

		if (line[0] == '#')
			continue;
		line[strcspn(line, "\n")] = '\0';
		for (i = 0; i < 9; i++) {
			f[i] = p;
			p = strchr(p, '\t');
			if (!p && i < 8)
				break;
			if (p)
				*p++ = '\0';
		}
		if (i < 8 || strcmp(f[6], "virt"))
			continue;	/* the Pi 4's jobs are not run here */
		for (p = strtok(f[8], " "); p && n < 31; p = strtok(NULL, " "))
			argvs[n++] = p;
		argvs[n] = NULL;
		if (spec_parse(&s, n, argvs))
			continue;
		snprintf(dir, sizeof(dir), "%s/runs/%s", argv[0], f[0]);
		path_join(path, sizeof(path), dir, "lava.log");
		if (read_lava_log(path, &e, &r))
			continue;	/* not run (JOBS) */
		jobs++;
		if (!r.job_pass && e.saved < 0 && e.survived < 0)
			e.hung_in = events_phase(&e);
		snprintf(crash, sizeof(crash), "%s/dumps/%s", argv[0], f[0]);
		memset(&h, 0, sizeof(h));
		harvest_dir(crash, &h);
		if (h.dmesg[0])
			dmesg = read_text(h.dmesg);
		classify(&s, &e, &h, dmesg, &v);
		lava_ok = r.job_pass && !r.cases_fail && cases_passed(r.cases, f[7]);
		ok = v.match && lava_ok;
		passed += ok;
		path_join(path, sizeof(path), dir, "triage.txt");
		triage_verdict(path, triage, sizeof(triage));
		printf("%-50s %-4s %-9s %-15s %-5s %-5s %-13s %-23s %5.1f s\n", f[0], f[2], f[4],
		       v.outcome, v.match ? "PASS" : "FAIL", lava_ok ? "pass" : "fail",
		       v.how && h.dump[0] ? v.how : "-", triage, r.seconds);
		if (!v.match)
			printf("    lab: %s\n", v.why);
		if (!lava_ok)
			printf("    lava: job %s, test cases %s (want %s passed)%s%s\n",
			       r.job_pass ? "pass" : "fail", r.cases[0] ? r.cases : "none", f[7],
			       r.error[0] ? "; " : "", r.error);
		fprintf(out, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%.1f\t%s\t%s\n", f[0], f[2], f[4],
			v.outcome, v.match ? "pass" : "fail", lava_ok ? "pass" : "fail",
			v.how && h.dump[0] ? v.how : "-", triage, r.seconds, h.dump, v.why);
		free(dmesg);
		dmesg = NULL;
	}
	free(line);
	fclose(index);
	fclose(out);
	printf("\n%d of %d jobs passed (lab verdict and LAVA's test cases)\n", passed, jobs);
	return jobs && passed == jobs ? 0 : 1;
}
