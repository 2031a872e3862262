// SPDX-License-Identifier: GPL-2.0
/*
 * The run as data: parsed from `./dumpable run CASE [options]`, validated
 * here and only here (the messages and exit status 2 are the ones users
 * and tests know), and written to runs/<id>/spec.json without host paths.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lab.h"

FILE *spec_errors;

static int bad(const char *fmt, ...)
{
	FILE *out = spec_errors ? spec_errors : stderr;
	va_list ap;

	fputs("dumpable: ", out);
	va_start(ap, fmt);
	vfprintf(out, fmt, ap);
	va_end(ap);
	fputc('\n', out);
	return -1;
}

/* A decimal number of digits only (no sign, no blanks), at most @max. */
static bool number(const char *s, int max, int *v)
{
	long x = 0;

	if (!s || !*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		x = x * 10 + (*s - '0');
		if (x > max)
			x = max + 1L;
	}
	*v = (int)x;
	return x <= max;
}

/*
 * The capture faults, one flag each (--fault NAME), and what a fatal case
 * must come to under each. Small disks and short deadlines: quick tests.
 */
static const struct fault faults[] = {
	{ "disk-full", "partial", "4M", "ext4", "", 0,
	  "a 4 MiB dump disk, smaller than the dump: makedumpfile runs out of room", false },
	{ "no-disk", "capture-failed", NULL, NULL, "", 20,
	  "no dump disk attached: kdump-save finds no LABEL=dumps", false },
	{ "read-only", "capture-failed", "16M", "ext4", ",readonly=on", 0,
	  "the dump disk attached read-only: the mount is refused", false },
	{ "wrong-fs", "capture-failed", "16M", "vfat", "", 0,
	  "a FAT disk labelled dumps where kdump.fstype says ext4: the mount fails", false },
	{ "slow-disk", "capture-failed", "16M", "ext4", ",throttling.bps-total=32768", 20,
	  "a disk throttled to 32 KiB/s: the save outlasts kdump.timeout=20 and its watchdog "
	  "powers the machine off", false },
	{ "makedumpfile-killed", "partial", "16M", "ext4", ",throttling.bps-total=131072", 40,
	  "a disk throttled to 128 KiB/s: makedumpfile is killed at 3/4 of kdump.timeout=40 "
	  "mid-dump, what it wrote is kept", false },
	{ "no-collector", "dump", "256M", "ext4", "", 0,
	  "--dump-to net with nothing listening at the URL, and a disk: kdump-save saves to the "
	  "disk instead", true },
};

const struct fault *fault_lookup(const char *name)
{
	size_t i;

	for (i = 0; name && i < sizeof(faults) / sizeof(faults[0]); i++)
		if (!strcmp(name, faults[i].name))
			return &faults[i];
	return NULL;
}

const char *fault_names(void)
{
	return "disk-full, no-disk, read-only, wrong-fs, slow-disk, makedumpfile-killed, no-collector";
}

struct raw {	/* the options as given, before they are checked */
	const char *smp, *mem, *gic, *nmi, *watchdog, *cpu, *button, *timeout, *board;
	const char *fault, *crashkernel, *save_timeout, *kernel, *dump_to;
};

/* The options that take a value: the flag, where it goes, the message when missing. */
static const struct {
	const char *flag;
	size_t off;
	const char *needs;
} valued[] = {
	{ "--gic", offsetof(struct raw, gic), "--gic needs 2 or 3" },
	{ "--nmi", offsetof(struct raw, nmi), "--nmi needs on or off" },
	{ "--watchdog", offsetof(struct raw, watchdog), "--watchdog needs on or off" },
	{ "--cpu", offsetof(struct raw, cpu), "--cpu needs a CPU number" },
	{ "--press-button-after", offsetof(struct raw, button), "--press-button-after needs seconds" },
	{ "--smp", offsetof(struct raw, smp), "--smp needs a number" },
	{ "--mem", offsetof(struct raw, mem), "--mem needs a size" },
	{ "--timeout", offsetof(struct raw, timeout), "--timeout needs seconds" },
	{ "--board", offsetof(struct raw, board), "--board needs a board" },
	{ "--fault", offsetof(struct raw, fault), "--fault needs a fault" },
	{ "--crashkernel", offsetof(struct raw, crashkernel), "--crashkernel needs a size" },
	{ "--save-timeout", offsetof(struct raw, save_timeout), "--save-timeout needs seconds" },
	{ "--dump-to", offsetof(struct raw, dump_to), "--dump-to needs disk or net" },
	{ "--kernel", offsetof(struct raw, kernel), "--kernel needs a kernel (6.1, 6.12, 6.12-buddy)" },
};

/* The command line into @r and @s->exec/keep; -1 bad usage, 1 help. */
static int spec_options(struct spec *s, struct raw *r, int argc, char **argv)
{
	int i;
	size_t k;

	for (i = 0; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-h") || !strcmp(a, "--help"))
			return 1;
		if (!strcmp(a, "--keep")) {
			s->keep = true;
			continue;
		}
		if (!strcmp(a, "--exec")) {
			if (i + 1 >= argc)
				return bad("--exec needs a file");
			s->exec = argv[++i];
			continue;
		}
		for (k = 0; k < sizeof(valued) / sizeof(valued[0]); k++)
			if (!strcmp(a, valued[k].flag))
				break;
		if (k == sizeof(valued) / sizeof(valued[0]))
			return bad("unknown option '%s' (see ./dumpable --help)", a);
		if (i + 1 >= argc)
			return bad("%s", valued[k].needs);
		*(const char **)((char *)r + valued[k].off) = argv[++i];
	}
	return 0;
}

static int on_off(const char *flag, const char *v, bool *out)
{
	if (!strcmp(v, "on") || !strcmp(v, "off")) {
		*out = !strcmp(v, "on");
		return 0;
	}
	return bad("%s: '%s' is not on or off", flag, v);
}

/*
 * The board, and what its machine fixes: an option that asks for something
 * else is refused; one not given takes the board's value (or the lab's default).
 */
static int spec_board(struct spec *s, struct raw *r)
{
	const struct board *b = board_lookup(r->board);
	static char gic[2];

	if (!b)
		return bad("--board: '%s' is not a board the lab knows (virt, rpi4)", r->board);
	if (!b->qemu_machine)
		return bad("--board %s: the lab cannot boot it yet (virt)", r->board);
	s->board = b;
	if (b->fixed_smp && r->smp && (!number(r->smp, 1000000, &s->smp) || s->smp != b->fixed_smp))
		return bad("--board %s: --smp %s: the machine has %d CPUs, no other number",
			   b->name, r->smp, b->fixed_smp);
	if (b->fixed_mem && r->mem && strcmp(r->mem, b->fixed_mem))
		return bad("--board %s: --mem %s: the machine has %s of memory, no other size",
			   b->name, r->mem, b->fixed_mem);
	if (b->fixed_gic && r->gic && (r->gic[0] - '0' != b->fixed_gic || r->gic[1]))
		return bad("--board %s: --gic %s: its interrupt controller is a GICv%d (GIC-400)",
			   b->name, r->gic, b->fixed_gic);
	if (b->fixed_gic == 2 && r->nmi && !strcmp(r->nmi, "on"))
		return bad("--board %s: --nmi on: its GICv2 has no pseudo-NMI", b->name);
	if (b->no_button && r->button)
		return bad("--board %s: --press-button-after: QEMU cannot press the button on GPIO 21 "
			   "(its BCM2711 GPIO model has no inputs; see docs/raspberry-pi-4.md)", b->name);
	if (b->fixed_cmdline && !strcmp(r->watchdog, "off"))
		return bad("--board %s: --watchdog off: the board boots its own cmdline.txt, "
			   "where dumpwatch is on", b->name);
	snprintf(gic, sizeof(gic), "%d", b->fixed_gic ? b->fixed_gic : 3);
	r->smp = r->smp ? r->smp : "4";	/* virt's default; rpi4 has 4 */
	r->mem = r->mem ? r->mem : b->fixed_mem ? b->fixed_mem : "1G";
	r->gic = r->gic ? r->gic : gic;
	return 0;
}

/* The machine: CPUs, memory, interrupt controller, NMI, watchdog. */
static int spec_machine(struct spec *s, const struct raw *r)
{
	struct stat st;

	if (!number(r->smp, 1000000, &s->smp))
		return bad("--smp: '%s' is not a number", r->smp);
	if (s->smp < 1 || s->smp > 8)
		return bad("--smp: 1 to 8 CPUs");
	if (!number(r->timeout, 1000000, &s->timeout_s))
		return bad("--timeout: '%s' is not a number", r->timeout);
	if (!*r->mem || strspn(r->mem, "0123456789KMGkmg") != strlen(r->mem) ||
	    strlen(r->mem) >= sizeof(s->mem))
		return bad("--mem: '%s' is not a size like 1G or 512M", r->mem);
	strcpy(s->mem, r->mem);
	if (s->exec && (stat(s->exec, &st) || !S_ISREG(st.st_mode)))
		return bad("--exec: no such file: %s", s->exec);
	if (strcmp(r->gic, "2") && strcmp(r->gic, "3"))
		return bad("--gic: '%s' is not 2 or 3", r->gic);
	s->gic = r->gic[0] - '0';
	if (on_off("--nmi", r->nmi ? r->nmi : s->gic == 3 ? "on" : "off", &s->nmi))
		return -1;
	if (s->gic != 3 && s->nmi)
		return bad("--nmi on needs --gic 3: GICv2 has no pseudo-NMI");
	if (on_off("--watchdog", r->watchdog, &s->watchdog))
		return -1;
	return 0;
}

/* What happens in the guest: the CPU to trigger on, the button. */
static int spec_trigger(struct spec *s, const struct raw *r)
{
	if (r->cpu) {
		if (!number(r->cpu, 1000000, &s->trigger_cpu))
			return bad("--cpu: '%s' is not a number", r->cpu);
		if (s->trigger_cpu >= s->smp)
			return bad("--cpu %s: the guest has CPUs 0-%d", r->cpu, s->smp - 1);
	}
	if (r->button && !number(r->button, 1000000, &s->button_after_s))
		return bad("--press-button-after: '%s' is not a number of seconds", r->button);
	return 0;
}

/* The capture: the fault, crashkernel= (8M..1024M), kdump.timeout. */
static int spec_capture(struct spec *s, const struct raw *r)
{
	int mib;

	if (r->dump_to && strcmp(r->dump_to, "disk") && strcmp(r->dump_to, "net"))
		return bad("--dump-to: '%s' is not disk or net", r->dump_to);
	s->net = r->dump_to && !strcmp(r->dump_to, "net");
	if (s->net && strcmp(s->board->name, "virt"))
		return bad("--board %s: --dump-to net: QEMU's raspi4b has no network device (no GENET "
			   "model); the network target is for a Pi 4 on a desk network (docs/capture.md)",
			   s->board->name);
	if (r->fault && !(s->fault = fault_lookup(r->fault)))
		return bad("--fault: '%s' is not a fault the lab knows (%s)", r->fault,
			   fault_names());
	if (s->net && s->fault && !spec_net_fault(s))
		return bad("--fault %s is about the dump disk: not with --dump-to net", r->fault);
	if (spec_net_fault(s)) {
		if (strcmp(s->board->name, "virt"))
			return bad("--fault %s: the network target is virt's only", r->fault);
		s->net = true;
	}
	if (r->crashkernel) {
		size_t n = strlen(r->crashkernel);
		char digits[16];

		if (n < 2 || n >= sizeof(digits) || (r->crashkernel[n - 1] != 'M' &&
						     r->crashkernel[n - 1] != 'm'))
			return bad("--crashkernel: '%s' is not a size in MiB like 64M", r->crashkernel);
		memcpy(digits, r->crashkernel, n - 1);
		digits[n - 1] = '\0';
		if (!number(digits, 1000000, &mib) || mib < 8 || mib > 1024)
			return bad("--crashkernel: '%s': 8M to 1024M", r->crashkernel);
		snprintf(s->crashkernel, sizeof(s->crashkernel), "%dM", mib);
	}
	if (r->save_timeout) {
		if (!number(r->save_timeout, 1000000, &s->save_timeout_s) || s->save_timeout_s < 4 ||
		    s->save_timeout_s > 86400)
			return bad("--save-timeout: '%s' is not 4 to 86400 seconds", r->save_timeout);
	} else if (s->fault && s->fault->save_timeout_s) {
		s->save_timeout_s = s->fault->save_timeout_s;
	}
	return 0;
}

int spec_parse(struct spec *s, int argc, char **argv)
{
	struct raw r = {
		.watchdog = "on", .timeout = "120",
		.board = "virt",
	};
	int rc;

	memset(s, 0, sizeof(*s));
	s->kernel = "6.1";
	s->series = SERIES_6_1;
	s->trigger_cpu = -1;
	s->button_after_s = -1;
	if (argc < 1)
		return bad("usage: ./dumpable run CASE [options] (see ./dumpable --help)");
	rc = spec_options(s, &r, argc - 1, argv + 1);
	if (rc)
		return rc;
	if (r.kernel) {
		/* 6.12-buddy: 6.12 with the buddy hard-lockup detector. */
		bool buddy = !strcmp(r.kernel, "6.12-buddy");
		int k = p4ni9_series_lookup(buddy ? "6.12" : r.kernel);

		if (k < 0)
			return bad("--kernel: '%s' is not a kernel the lab builds (6.1, 6.12, 6.12-buddy)",
				   r.kernel);
		s->series = k;
		s->kernel = buddy ? "6.12-buddy" : p4ni9_series_name(k);
	}
	if (spec_board(s, &r) || spec_machine(s, &r) || spec_trigger(s, &r) ||
	    spec_capture(s, &r))
		return -1;
	s->row = p4ni9_case_lookup(argv[0]);
	if (!s->row)
		return bad("no case '%s': see ./dumpable cases", argv[0]);
	return 0;
}

static const char *expected_healthy(const struct spec *s)
{
	/* The button makes a dump whatever the case does. */
	if (s->button_after_s >= 0)
		return "dump";
	/*
	 * A CPU stuck with IRQs off is seen by dumpwatch (6.1) from another
	 * CPU or by its own NMI; on 6.12 by mainline's perf detector (its own
	 * NMI) or, without NMIs, an RCU stall on another CPU. With neither it
	 * hangs; --watchdog off turns both off.
	 */
	if (s->row->needs_watcher && (!s->watchdog || (s->smp == 1 && !s->nmi)))
		return "hung";
	return p4ni9_outcome_name(s->row->outcome);
}

const char *spec_expected(const struct spec *s)
{
	const char *e = expected_healthy(s);

	/* A capture fault changes what a dump comes to, nothing else. */
	return s->fault && !strcmp(e, "dump") ? s->fault->expect : e;
}
