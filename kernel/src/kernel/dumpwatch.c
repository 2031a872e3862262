// SPDX-License-Identifier: GPL-2.0
/*
 * dumpwatch: a hard-lockup watchdog and a dump button, so that even a CPU
 * spinning with interrupts off ends in a kdump dump.
 *
 * Every CPU beats from a pinned hrtimer once a second. A CPU with interrupts
 * off stops beating, and it is caught two ways:
 *
 *  - by the others: each heartbeat also looks at the other CPUs' last beat;
 *    one older than the threshold is reported (CPU, task, since when) and the
 *    healthy CPU panics, so kdump captures the machine;
 *  - by itself, where the hardware has NMIs (arm64 GICv3 pseudo-NMI): a
 *    per-CPU perf cycle counter overflows into an NMI, which sees its own
 *    CPU's heartbeat stale and panics with the stuck context's registers.
 *    This works with a single CPU too.
 *
 * While a crash stop is in progress the same NMI stops a CPU that could not
 * take the crash-stop IPI, so its registers are saved into the dump. Without
 * NMIs (GICv2, as on the Raspberry Pi 4) that CPU's registers are missing, and
 * the report says so.
 *
 * The dump button is a GPIO line (dumpwatch.button=CHIP:LINE[:falling]): its
 * edge reports the CPUs whose heartbeat is stale and panics, on a healthy or
 * a stuck machine.
 */
#define pr_fmt(fmt) "dumpwatch: " fmt

#include <linux/atomic.h>
#include <linux/cpuhotplug.h>
#include <linux/cpumask.h>
#include <linux/gpio/consumer.h>
#include <linux/gpio/driver.h>
#include <linux/gpio/machine.h>
#include <linux/hrtimer.h>
#include <linux/init.h>
#include <linux/interrupt.h>
#include <linux/kernel.h>
#include <linux/moduleparam.h>
#include <linux/panic.h>
#include <linux/percpu.h>
#include <linux/perf_event.h>
#include <linux/printk.h>
#include <linux/sched.h>
#include <linux/sched/cputime.h>
#include <linux/sched/debug.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <linux/timekeeping.h>

#ifdef CONFIG_ARM64
#include <asm/cpufeature.h>
#include <asm/smp.h>
#endif

#include "sched/sched.h"

#define DW_BEAT_NS	NSEC_PER_SEC
#define DW_MAX_THRESH	600

static bool enabled = true;
module_param(enabled, bool, 0644);
MODULE_PARM_DESC(enabled, "panic when a CPU's heartbeat stops (hard lockup)");

static unsigned int thresh = 10;

static int thresh_set(const char *val, const struct kernel_param *kp)
{
	unsigned int n;
	int ret = kstrtouint(val, 0, &n);

	if (ret)
		return ret;
	if (n < 1 || n > DW_MAX_THRESH)
		return -EINVAL;
	WRITE_ONCE(thresh, n);
	return 0;
}

static const struct kernel_param_ops thresh_ops = {
	.set = thresh_set,
	.get = param_get_uint,
};

module_param_cb(thresh, &thresh_ops, &thresh, 0644);
MODULE_PARM_DESC(thresh, "seconds without a heartbeat before a CPU counts as stuck (1-600)");

static bool nmi;
module_param(nmi, bool, 0444);
MODULE_PARM_DESC(nmi, "per-CPU NMIs are in use (read-only)");

static unsigned long nmi_period = 100000000;
module_param(nmi_period, ulong, 0444);
MODULE_PARM_DESC(nmi_period, "CPU cycles between two NMIs of the per-CPU perf event");

static char *button;
module_param(button, charp, 0444);
MODULE_PARM_DESC(button, "dump button: GPIO CHIP:LINE[:rising|:falling]");

struct dw_cpu {
	struct hrtimer timer;
	u64 beat;			/* ktime_get_mono_fast_ns() of the last beat */
	struct perf_event *event;	/* the NMI source, or NULL */
};

static DEFINE_PER_CPU(struct dw_cpu, dw_cpu);
static struct cpumask dw_active;
static atomic_t dw_fired = ATOMIC_INIT(0);

static u64 dw_limit_ns(void)
{
	return (u64)READ_ONCE(thresh) * NSEC_PER_SEC;
}

/* How long CPU cpu has gone without a heartbeat at now (0 if it beat since). */
static u64 dw_age(int cpu, u64 now)
{
	u64 beat = READ_ONCE(per_cpu(dw_cpu, cpu).beat);

	return now > beat ? now - beat : 0;
}

/* what: "hard LOCKUP: CPU#%d stuck with interrupts off" or a milder word */
static void dw_report(int cpu, u64 age, const char *what, bool by_nmi)
{
	struct task_struct *p = READ_ONCE(cpu_curr(cpu));
	u64 last = ktime_get_mono_fast_ns() - age;

	pr_emerg("%s CPU#%d for %llu.%03llu s (last heartbeat %llu.%03llu s after boot), running %s[%d]%s\n",
		 what, cpu, age / NSEC_PER_SEC, (age % NSEC_PER_SEC) / NSEC_PER_MSEC,
		 last / NSEC_PER_SEC, (last % NSEC_PER_SEC) / NSEC_PER_MSEC,
		 p ? p->comm : "?", p ? task_pid_nr(p) : -1,
		 by_nmi ? ", seen by its own NMI" : "");
}

/* Reports every CPU whose heartbeat is older than two beats; returns how many. */
static int dw_report_stale(u64 now)
{
	int cpu, n = 0;

	for_each_cpu(cpu, &dw_active) {
		u64 age = dw_age(cpu, now);

		if (age > 2 * DW_BEAT_NS) {
			dw_report(cpu, age, "no heartbeat (interrupts off?) from", false);
			n++;
		}
	}
	return n;
}

static void dw_say_regs(int cpu)
{
	if (READ_ONCE(nmi))
		pr_emerg("CPU#%d will be stopped by NMI: its registers go into the dump\n", cpu);
	else
		pr_emerg("no NMI on this machine: CPU#%d cannot be stopped, its registers will be missing from the dump\n",
			 cpu);
}

static void dw_check_others(u64 now)
{
	u64 limit = dw_limit_ns();
	int cpu, self = smp_processor_id();

	/* Where NMIs work, the stuck CPU reports itself first. */
	if (READ_ONCE(nmi))
		limit += 2 * DW_BEAT_NS;
	for_each_cpu(cpu, &dw_active) {
		u64 age = dw_age(cpu, now);

		if (cpu == self || age <= limit)
			continue;
		if (atomic_cmpxchg(&dw_fired, 0, 1))
			return;
		dw_report(cpu, age, "hard LOCKUP: interrupts off on", false);
		dw_say_regs(cpu);
		panic("dumpwatch: hard LOCKUP on CPU#%d", cpu);
	}
}

static enum hrtimer_restart dw_heartbeat(struct hrtimer *timer)
{
	u64 now = ktime_get_mono_fast_ns();

	WRITE_ONCE(this_cpu_ptr(&dw_cpu)->beat, now);
	if (READ_ONCE(enabled))
		dw_check_others(now);
	hrtimer_forward_now(timer, ns_to_ktime(DW_BEAT_NS));
	return HRTIMER_RESTART;
}

/* The per-CPU perf overflow handler: an NMI where pseudo-NMI is on. */
static void dw_nmi(struct perf_event *event, struct perf_sample_data *data,
		   struct pt_regs *regs)
{
	int cpu = smp_processor_id();
	u64 age;

	/* Never throttled: unthrottling needs the tick this CPU may not take. */
	event->hw.interrupts = 0;

#ifdef CONFIG_ARM64
	/* A crash stop in progress that this CPU missed: stop here. */
	if (arm64_crash_stop_nmi(regs))
		return;
#endif
	if (!READ_ONCE(enabled) || !cpumask_test_cpu(cpu, &dw_active))
		return;
	age = dw_age(cpu, ktime_get_mono_fast_ns());
	if (age <= dw_limit_ns())
		return;
	if (atomic_read(&panic_cpu) != PANIC_CPU_INVALID ||
	    atomic_cmpxchg(&dw_fired, 0, 1))
		return;
	dw_report(cpu, age, "hard LOCKUP: interrupts off on", true);
	show_regs(regs);
	nmi_panic(regs, "dumpwatch: hard LOCKUP (NMI)");
}

static bool dw_nmi_possible(void)
{
#ifdef CONFIG_ARM64
	return system_uses_irq_prio_masking();
#else
	return false;
#endif
}

static void dw_nmi_enable(unsigned int cpu)
{
	struct perf_event_attr attr = {
		.type		= PERF_TYPE_HARDWARE,
		.config		= PERF_COUNT_HW_CPU_CYCLES,
		.size		= sizeof(attr),
		.pinned		= 1,
		.sample_period	= nmi_period,
	};
	struct perf_event *event;

	event = perf_event_create_kernel_counter(&attr, cpu, NULL, dw_nmi, NULL);
	if (IS_ERR(event)) {
		pr_warn("CPU#%u: no perf cycle counter (%ld): NMI detection off\n",
			cpu, PTR_ERR(event));
		WRITE_ONCE(nmi, false);
		return;
	}
	this_cpu_ptr(&dw_cpu)->event = event;
}

static int dw_cpu_online(unsigned int cpu)
{
	struct dw_cpu *c = this_cpu_ptr(&dw_cpu);

	WRITE_ONCE(c->beat, ktime_get_mono_fast_ns());
	hrtimer_init(&c->timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_PINNED_HARD);
	c->timer.function = dw_heartbeat;
	hrtimer_start(&c->timer, ns_to_ktime(DW_BEAT_NS), HRTIMER_MODE_REL_PINNED_HARD);
	if (nmi)
		dw_nmi_enable(cpu);
	cpumask_set_cpu(cpu, &dw_active);
	return 0;
}

static int dw_cpu_offline(unsigned int cpu)
{
	struct dw_cpu *c = this_cpu_ptr(&dw_cpu);

	cpumask_clear_cpu(cpu, &dw_active);
	hrtimer_cancel(&c->timer);
	if (c->event) {
		perf_event_release_kernel(c->event);
		c->event = NULL;
	}
	return 0;
}

static irqreturn_t dw_button_irq(int irq, void *dev_id)
{
	int cpu = smp_processor_id();

	pr_emerg("dump button pressed (heard on CPU#%d)\n", cpu);
	if (!dw_report_stale(ktime_get_mono_fast_ns()))
		pr_emerg("every CPU has a fresh heartbeat\n");
	else if (!READ_ONCE(nmi))
		pr_emerg("no NMI on this machine: the stuck CPUs' registers will be missing from the dump\n");
	panic("dumpwatch: dump button");
	return IRQ_HANDLED;
}

static int dw_match_label(struct gpio_chip *gc, void *data)
{
	return gc->label && !strcmp(gc->label, data);
}

static void __init dw_button_init(void)
{
	unsigned long irqflags = IRQF_TRIGGER_RISING;
	enum gpio_lookup_flags lflags = GPIO_ACTIVE_HIGH;
	char spec[64], *line_s, *edge;
	struct gpio_desc *desc;
	struct gpio_chip *gc;
	unsigned int line;
	int irq, ret;

	if (!button || !*button)
		return;
	strscpy(spec, button, sizeof(spec));
	line_s = strchr(spec, ':');
	if (!line_s)
		goto bad;
	*line_s++ = '\0';
	edge = strchr(line_s, ':');
	if (edge) {
		*edge++ = '\0';
		if (!strcmp(edge, "falling")) {
			irqflags = IRQF_TRIGGER_FALLING;
			lflags |= GPIO_PULL_UP;
		} else if (strcmp(edge, "rising")) {
			goto bad;
		}
	}
	if (kstrtouint(line_s, 0, &line))
		goto bad;

	gc = gpiochip_find(spec, dw_match_label);
	if (!gc) {
		pr_err("dump button: no GPIO chip labelled '%s'\n", spec);
		return;
	}
	desc = gpiochip_request_own_desc(gc, line, "dump-button", lflags, GPIOD_IN);
	if (IS_ERR(desc)) {
		pr_err("dump button: cannot take %s line %u: %ld\n", spec, line, PTR_ERR(desc));
		return;
	}
	irq = gpiod_to_irq(desc);
	if (irq < 0) {
		pr_err("dump button: %s line %u has no interrupt: %d\n", spec, line, irq);
		return;
	}
	ret = request_irq(irq, dw_button_irq, irqflags, "dump-button", NULL);
	if (ret) {
		pr_err("dump button: request_irq %d: %d\n", irq, ret);
		return;
	}
	pr_info("dump button on %s line %u (irq %d, %s edge)\n", spec, line, irq,
		irqflags == IRQF_TRIGGER_FALLING ? "falling" : "rising");
	return;
bad:
	pr_err("dump button: '%s' is not CHIP:LINE[:rising|:falling]\n", button);
}

static int __init dumpwatch_init(void)
{
	int ret;

	nmi = dw_nmi_possible();
	ret = cpuhp_setup_state(CPUHP_AP_ONLINE_DYN, "dumpwatch:online",
				dw_cpu_online, dw_cpu_offline);
	if (ret < 0) {
		pr_err("cannot start: %d\n", ret);
		return ret;
	}
	pr_info("watching %u CPUs, threshold %u s, %s\n", num_online_cpus(), thresh,
		nmi ? "per-CPU perf NMIs" : "no NMI: only other CPUs can see a stuck one");
	dw_button_init();
	return 0;
}
late_initcall(dumpwatch_init);
