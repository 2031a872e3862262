// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the LAVA side of the lab runner (tools/lab/lava.c), without
 * LAVA or QEMU: `lab lava-jobs` on a stand-in kernel and initramfs (the
 * job's text, the run's layer with the collector's URL, the initrd made of
 * the two, refusals), and `lab lava-report` on LAVA logs made from the
 * runner's own console fixtures (the lab's verdict and LAVA's).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lab/lab.h"
#include "lab/proc.h"
#include "tap.h"

#ifndef FIXTURES
#define FIXTURES "tests/unit/fixtures"
#endif

int cmd_lava_jobs(int argc, char **argv);
int cmd_lava_report(int argc, char **argv);

static char tmp[256];

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static bool has(const char *path, const char *text)
{
	char *t = read_text(path);
	bool yes = t && strstr(t, text);

	free(t);
	return yes;
}

/* lab lava-jobs OUT ARGS..., stdout and stderr out of the TAP stream. */
static int jobs(const char *out, const char *a1, const char *a2, const char *a3, const char *a4)
{
	char *argv[8] = { (char *)out };
	int argc = 1, rc, saved = dup(1), saved2 = dup(2);
	FILE *null = fopen("/dev/null", "w");

	for (const char *a[] = { a1, a2, a3, a4 }, **p = a; p < a + 4 && *p; p++)
		argv[argc++] = (char *)*p;
	fflush(stdout);
	dup2(fileno(null), 1);
	dup2(fileno(null), 2);
	rc = cmd_lava_jobs(argc, argv);
	fflush(stdout);
	fflush(stderr);
	dup2(saved, 1);
	dup2(saved2, 2);
	close(saved);
	close(saved2);
	fclose(null);
	return rc;
}

static void test_jobs(void)
{
	char path[512], kdir[300], images[300], out[300], *initrd;
	size_t len = 0;

	snprintf(kdir, sizeof(kdir), "%s/kdir", tmp);
	snprintf(images, sizeof(images), "%s/images", tmp);
	mkdir(kdir, 0755);
	mkdir(images, 0755);
	snprintf(path, sizeof(path), "%s/Image", kdir);
	put(path, "not a kernel");
	snprintf(path, sizeof(path), "%s/main.cpio.gz", images);
	put(path, "12345");	/* 5 bytes: the layer starts at 8 */
	setenv("DUMPABLE_KDIR", kdir, 1);
	setenv("DUMPABLE_IMAGES", images, 1);
	spec_errors = fopen("/dev/null", "w");

	snprintf(out, sizeof(out), "%s/out", tmp);
	ok(jobs(out, "--cases", "1 2", NULL, NULL) == 0, "lava-jobs: cases 1 and 2 on virt");
	snprintf(path, sizeof(path), "%s/jobs/dumpable-null-deref-virt-gic3-smp4-1g-6.1.yaml", out);
	ok(has(path, "device_type: qemu\n"), "lava-jobs: the job is for LAVA's qemu device type");
	ok(has(path, "  machine: virt,gic-version=3\n"), "lava-jobs: its context has the lab's machine");
	ok(has(path, "- '-device virtio-net-device,netdev=net0'\n"),
	   "lava-jobs: and the virtio-mmio network card");
	ok(has(path, "irqchip.gicv3_pseudo_nmi=1\"'\n"), "lava-jobs: the main command line is the run's");
	ok(has(path, "        capture kernel up: pass\n") && has(path, "        survived: fail\n"),
	   "lava-jobs: a dump case passes on a capture kernel, fails on survival");
	snprintf(path, sizeof(path), "%s/jobs/dumpable-lock-unlock-virt-gic3-smp4-1g-6.1.yaml", out);
	ok(has(path, "        capture kernel up: fail\n") && has(path, "        survived: pass\n"),
	   "lava-jobs: case 2 fails on a capture kernel, passes on survival");
	snprintf(path, sizeof(path), "%s/files/dumpable-null-deref-virt-gic3-smp4-1g-6.1/run.conf", out);
	ok(has(path, "ip=dhcp kdump.url=http://10.0.2.2:8471/dumpable-null-deref-virt-gic3-smp4-1g-6.1'"),
	   "lava-jobs: the capture kernel sends to the collector under the job's name");
	snprintf(path, sizeof(path), "%s/files/dumpable-null-deref-virt-gic3-smp4-1g-6.1/initrd.img", out);
	initrd = read_file(path, &len);
	ok(initrd && len > 8 && !memcmp(initrd, "12345\0\0\0" "070701", 14),
	   "lava-jobs: the initrd is the main initramfs, zeros to 4 bytes, then the run's cpio");
	free(initrd);
	snprintf(path, sizeof(path), "%s/devices/dumpable-virt-gic3-smp4-1g.jinja2", out);
	ok(has(path, "{% extends 'qemu.jinja2' %}") && has(path, "{% set memory = 1024 %}"),
	   "lava-jobs: the device dictionary extends LAVA's qemu device type");
	snprintf(path, sizeof(path), "%s/jobs.tsv", out);
	ok(has(path, "dumpable-lock-unlock-virt-gic3-smp4-1g-6.1\tdumpable-virt-gic3-smp4-1g\t2\t"
		     "lock-unlock\tsurvived\t6.1\tvirt\tarmed,trigger_case,p4ni9_returned_exit_status_0,"
		     "survived\tlock-unlock\n"), "lava-jobs: jobs.tsv has the job, its device and spec");

	ok(jobs(out, "--cases", "1", "--gic", "2") == 0, "lava-jobs: --gic 2");
	snprintf(path, sizeof(path), "%s/devices/dumpable-virt-gic2-smp4-1g.jinja2", out);
	ok(has(path, "{% set machine = 'virt,gic-version=2' %}"), "lava-jobs: a GICv2 device");
	ok(jobs(out, "--cases", "1", "--board", "rpi4") == 2,
	   "lava-jobs: --board rpi4 without --collector is refused");
	ok(jobs(out, "--cases", "1", "--collector", "http://lab.example:80") == 2,
	   "lava-jobs: a collector by name is refused (no resolver in the capture kernel)");
	ok(jobs(out, "--cases", "5", "--watchdog", "off") == 2,
	   "lava-jobs: a run that expects hung is refused");
	ok(jobs(out, "--cases", "1", "--fault", "disk-full") == 2, "lava-jobs: --fault is refused");
	ok(jobs(out, "--cases", "nonesuch", NULL, NULL) == 2, "lava-jobs: an unknown case is refused");
}

/* A LAVA log (lava-run's JSON lines) from a console fixture, with the results LAVA would give. */
static void lava_log(const char *fixture, const char *dir, const char *results, bool job_pass)
{
	char path[512], *text, *line, *save = NULL;
	FILE *f;
	int s = 0;

	snprintf(path, sizeof(path), "%s/%s.console", FIXTURES, fixture);
	text = read_text(path);
	snprintf(path, sizeof(path), "%s/lava.log", dir);
	f = fopen(path, "w");
	if (!f || !text) {
		free(text);
		if (f)
			fclose(f);
		return;
	}
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save), s++) {
		fprintf(f, "{\"dt\": \"2026-11-28T23:59:%02d.000000\", \"lvl\": \"target\", \"msg\": \"",
			s % 60);
		for (char *c = line; *c; c++)
			if (*c == '"' || *c == '\\')
				fprintf(f, "\\%c", *c);
			else if ((unsigned char)*c >= 0x20 && (unsigned char)*c < 0x7f)
				fputc(*c, f);
		fputs("\"}\n", f);
	}
	for (const char *r = results; r && *r;) {
		const char *comma = strchr(r, ','), *eq = strchr(r, '=');
		int n = comma ? (int)(comma - r) : (int)strlen(r);

		fprintf(f, "{\"dt\": \"2026-11-29T00:00:01.000000\", \"lvl\": \"results\", \"msg\": "
			"{\"case\": \"%.*s\", \"definition\": \"dumpable-x\", \"result\": \"%.*s\"}}\n",
			(int)(eq - r), r, n - (int)(eq - r) - 1, eq + 1);
		r = comma ? comma + 1 : r + n;
	}
	fprintf(f, "{\"dt\": \"2026-11-29T00:00:02.000000\", \"lvl\": \"results\", \"msg\": "
		"{\"case\": \"job\", \"definition\": \"lava\", \"result\": \"%s\"}}\n",
		job_pass ? "pass" : "fail");
	fclose(f);
	free(text);
}

static void test_report(void)
{
	char dir[300], path[512], job[600];
	const char *a = "dumpable-lock-unlock-virt-gic3-smp4-1g-6.1";
	const char *b = "dumpable-lock-unlock-enosys";
	char *argv[] = { dir };
	FILE *null, *index;
	int rc, saved = dup(1);

	snprintf(dir, sizeof(dir), "%s/report", tmp);
	mkdir(dir, 0755);
	snprintf(path, sizeof(path), "%s/runs", dir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/jobs.tsv", dir);
	index = fopen(path, "w");
	if (!index)
		return;
	fprintf(index, "# header\n%s\tdev\t2\tlock-unlock\tsurvived\t6.1\tvirt\t"
		"armed,trigger_case,p4ni9_returned_exit_status_0,survived\tlock-unlock\n", a);
	fprintf(index, "%s\tdev\t2\tlock-unlock\tsurvived\t6.1\tvirt\t"
		"armed,trigger_case,p4ni9_returned_exit_status_0,survived\tlock-unlock\n", b);
	fprintf(index, "dumpable-null-deref-rpi4-6.1\trpi4\t1\tnull-deref\tdump\t6.1\trpi4\t"
		"armed\tnull-deref --board rpi4\n");
	fclose(index);
	snprintf(job, sizeof(job), "%s/runs/%s", dir, a);
	mkdir(job, 0755);
	lava_log("lock-unlock", job,
		 "armed=pass,trigger_case=pass,p4ni9_returned_exit_status_0=pass,survived=pass", true);
	snprintf(job, sizeof(job), "%s/runs/%s", dir, b);
	mkdir(job, 0755);
	lava_log("enosys", job,
		 "armed=pass,trigger_case=pass,p4ni9_returned_exit_status_4=fail,survived=pass", true);

	null = fopen("/dev/null", "w");
	fflush(stdout);
	dup2(fileno(null), 1);
	rc = cmd_lava_report(1, argv);
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	fclose(null);
	ok(rc == 1, "lava-report: exit 1 when a job failed");
	snprintf(path, sizeof(path), "%s/results.tsv", dir);
	snprintf(job, sizeof(job), "%s\t2\tsurvived\tsurvived\tpass\tpass\t-\t-\t", a);
	ok(has(path, job), "lava-report: case 2's console in LAVA's log: survived, both verdicts pass");
	snprintf(job, sizeof(job), "%s\t2\tsurvived\terror\tfail\tfail\t", b);
	ok(has(path, job), "lava-report: a call that failed (ENOSYS): error, both verdicts fail");
	ok(!has(path, "rpi4"), "lava-report: the Pi 4's jobs are not run here, not reported");
}

int main(void)
{
	snprintf(tmp, sizeof(tmp), "/tmp/test_lava.XXXXXX");
	if (!mkdtemp(tmp))
		return 1;
	test_jobs();
	test_report();
	tap_plan(tap_n);
	{
		char cmd[300];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
		if (system(cmd))
			fprintf(stderr, "test_lava: cannot remove %s\n", tmp);
	}
	return tap_done();
}
