// SPDX-License-Identifier: GPL-2.0
/*
 * The boards the lab knows, one row each: what their kernels' command
 * lines say and how QEMU boots them. The capture kernel's command line is
 * built here and nowhere else (lab/make-board-image asks `lab
 * capture-cmdline`). A board without qemu_machine cannot be run yet.
 */
#include <stdio.h>
#include <string.h>

#include "lab.h"

static int virt_machine(const struct spec *s, char *buf, size_t len)
{
	int n = snprintf(buf, len, "virt,gic-version=%d", s->gic);

	return n < 0 || (size_t)n >= len ? -1 : 0;
}

static void virt_describe(const struct spec *s, char *buf, size_t len)
{
	snprintf(buf, len, "qemu-virt-gicv%d-cortex-a72", s->gic);
}

static int rpi4_machine(const struct spec *s, char *buf, size_t len)
{
	(void)s;
	return snprintf(buf, len, "raspi4b") >= (int)len ? -1 : 0;
}

static void rpi4_describe(const struct spec *s, char *buf, size_t len)
{
	(void)s;
	snprintf(buf, len, "qemu-raspi4b-bcm2711");
}

static const struct board boards[] = {
	{
		.name = "virt",
		.console = "ttyAMA0",
		.button = "9030000.pl061:3",	/* QEMU's power button line */
		.panic_s = 5,
		.capture_after = "poweroff",	/* -no-reboot: QEMU exits */
		.dump_label = "dumps",
		.save_timeout_s = 60,	/* saves take 2.5-3.5 s here */
		/*
		 * Measured floor 18M (./dumpable bench crashkernel, every fatal
		 * case, 1 and 4 GiB guests), 24M once the kernels had networking
		 * (6.12 over the network; docs/capture.md), plus a third.
		 */
		.crashkernel = "32M",
		.qemu_cpu = "cortex-a72",
		.qemu_machine = virt_machine,
		.describe = virt_describe,
	},
	{
		/* The mini UART (serial1 in the upstream DT); GPIO 21 to GND. */
		.name = "rpi4",
		.console = "ttyS1,115200",
		.button = "pinctrl-bcm2711:21:falling",
		.panic_s = 10,
		.capture_fstype = "vfat",
		.capture_dir = "/var/crash",
		.capture_after = "reboot",
		.keep = 3,		/* the boot partition must not fill up */
		.dump_label = "bootfs",
		/* QEMU 10's raspi4b: lab/boot-rpi4 has its command line (tools/lab/rpi4.c). */
		.qemu_machine = rpi4_machine,
		.describe = rpi4_describe,
		.fixed_smp = 4,
		.fixed_gic = 2,		/* GIC-400: no pseudo-NMI */
		.fixed_mem = "2G",
		.no_button = true,	/* QEMU's BCM2711 GPIO has no inputs to drive */
		.fixed_cmdline = true,
		.trigger = typed_trigger,
		.slow_save_s = 180,	/* PIO SDHCI: 30-55 s, its console lines in a late burst */
		/*
		 * QEMU's mini UART with the emulator DT's edge-triggered interrupt
		 * can miss a transmit interrupt; the capture kernel's tty output
		 * then waits (kdump-save blocked after the save, no reboot). A
		 * received byte raises the interrupt, and the 8250 handler then
		 * transmits too.
		 */
		.nudge_s = 5,
		.wake_s = 5,
		.save_timeout_s = 180,	/* saves took 18-37 s on QEMU's PIO SD */
		.crashkernel = "64M",	/* not measured on the Pi 4 yet: left as it was */
	},
};

const struct board *board_lookup(const char *name)
{
	size_t i;

	for (i = 0; name && i < sizeof(boards) / sizeof(boards[0]); i++)
		if (!strcmp(name, boards[i].name))
			return &boards[i];
	return NULL;
}

int capture_cmdline(const struct board *b, const char *label, int save_timeout_s,
		    const char *extra, char *buf, size_t len)
{
	size_t n;

	n = snprintf(buf, len,
		     "console=%s reset_devices nr_cpus=1 cma=0 panic=%d rdinit=/init rootfstype=ramfs "
		     "kdump.device=LABEL=%s",
		     b->console, b->panic_s, label ? label : b->dump_label);
	if (n < len && b->capture_fstype)
		n += snprintf(buf + n, len - n, " kdump.fstype=%s", b->capture_fstype);
	if (n < len && b->capture_dir)
		n += snprintf(buf + n, len - n, " kdump.dir=%s", b->capture_dir);
	if (n < len)
		n += snprintf(buf + n, len - n, " kdump.after=%s", b->capture_after);
	if (n < len && b->keep)
		n += snprintf(buf + n, len - n, " kdump.keep=%d", b->keep);
	if (n < len)
		n += snprintf(buf + n, len - n, " kdump.timeout=%d",
			      save_timeout_s > 0 ? save_timeout_s : b->save_timeout_s);
	if (n < len && extra && *extra)
		n += snprintf(buf + n, len - n, " %s", extra);
	return n < len ? 0 : -1;
}

int net_capture_words(const char *url, char *buf, size_t len)
{
	int n = snprintf(buf, len, "ip=dhcp kdump.url=%s", url);

	return n < 0 || (size_t)n >= len ? -1 : 0;
}

int save_deadline_s(const struct spec *s)
{
	return (s->save_timeout_s > 0 ? s->save_timeout_s : s->board->save_timeout_s) + SAVE_GRACE_S;
}

/*
 * The dump button's parameter: dumpwatch's on 6.1, the dump-button
 * driver's (kernel/src/drivers/misc/dump-button.c) on later series.
 */
static const char *button_param(enum p4ni9_series series)
{
	return series == SERIES_6_1 ? "dumpwatch.button" : "dump_button.gpio";
}

static size_t base_cmdline(const struct board *b, enum p4ni9_series series,
			   const char *crashkernel, char *buf, size_t len)
{
	int n = snprintf(buf, len, "console=%s crashkernel=%s panic=%d rdinit=/init %s=%s",
			 b->console, crashkernel && *crashkernel ? crashkernel : b->crashkernel,
			 b->panic_s, button_param(series), b->button);

	return n < 0 ? len : (size_t)n;
}

int board_cmdline(const struct board *b, enum p4ni9_series series, char *buf, size_t len)
{
	return base_cmdline(b, series, NULL, buf, len) < len ? 0 : -1;
}

int kernel_cmdline(const struct board *b, const struct spec *s, char *buf, size_t len)
{
	size_t n;

	n = base_cmdline(b, s ? s->series : SERIES_6_1, s ? s->crashkernel : NULL, buf, len);
	if (n < len && s && s->nmi)
		n += snprintf(buf + n, len - n, " irqchip.gicv3_pseudo_nmi=1");
	if (n < len && s && !s->watchdog)
		n += snprintf(buf + n, len - n, s->series == SERIES_6_12 ? " nmi_watchdog=0" :
			      " dumpwatch.enabled=0");
	return n < len ? 0 : -1;
}
