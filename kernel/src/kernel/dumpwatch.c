// SPDX-License-Identifier: GPL-2.0
/*
 * dumpwatch: a hard-lockup detector and a dump button, so that even a CPU
 * spinning with interrupts masked ends in a kdump dump.
 *
 * Every watched CPU beats from a pinned hard hrtimer, at most 2/5 of the
 * threshold apart (as the mainline lockup detectors time theirs) and at least
 * once a second, and records the task it interrupted. A CPU with interrupts
 * masked stops beating, and it is caught two ways:
 *
 *  - by the others: each beat also looks at the other CPUs' last beat; one
 *    older than the threshold is reported (CPU, task, since when) and the
 *    healthy CPU panics, so that kdump captures the machine;
 *  - by itself, where the PMU interrupt is a pseudo-NMI: a per-CPU cycle
 *    counter overflows into an NMI, which sees its own CPU's beat stale and
 *    panics with the stuck context's registers. This works on one CPU too.
 *
 * Stopping the stuck CPU for the dump is the architecture's business: arm64
 * sends its crash-stop IPI as a pseudo-NMI where it can. Without NMIs (GICv2,
 * as on the Raspberry Pi 4) that CPU's registers are missing from the dump,
 * and the report says so.
 *
 * The detector follows the conventions of kernel/watchdog.c: the threshold
 * is kernel.watchdog_thresh unless dumpwatch.thresh overrides it,
 * kernel.watchdog=0 turns it off, only the CPUs in kernel.watchdog_cpumask
 * are watched (nohz_full CPUs are not, by default), and touch_nmi_watchdog()
 * counts as a beat.
 *
 * The dump button is a GPIO line, bound from the device tree
 * ("dumpable,dump-button") or given on the command line
 * (dumpwatch.button=CHIP:LINE[:rising|:falling]): its edge reports the CPUs
 * whose beat is stale and panics, on a healthy machine or a stuck one.
 *
 * See Documentation/admin-guide/dumpwatch.rst.
 */
#define pr_fmt(fmt) "dumpwatch: " fmt

#include <linux/atomic.h>
#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/cpumask.h>
#include <linux/export.h>
#include <linux/gpio/consumer.h>
#include <linux/gpio/machine.h>
#include <linux/hrtimer.h>
#include <linux/init.h>
#include <linux/interrupt.h>
#include <linux/kernel.h>
#include <linux/mod_devicetable.h>
#include <linux/moduleparam.h>
#include <linux/nmi.h>
#include <linux/panic.h>
#include <linux/percpu.h>
#include <linux/perf_event.h>
#include <linux/perf/arm_pmu.h>
#include <linux/platform_device.h>
#include <linux/printk.h>
#include <linux/sched.h>
#include <linux/sched/debug.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <linux/timekeeping.h>

#include <asm/cpufeature.h>

#define DW_MAX_THRESH		600
#define DW_DEFAULT_THRESH	10

struct dw_cpu {
	struct hrtimer timer;
	u64 beat;			/* ktime_get_mono_fast_ns() of the last beat */
	pid_t pid;			/* the task the last beat interrupted */
	char comm[TASK_COMM_LEN];
	bool reported;			/* this lockup was reported already */
	u64 nmi_stale_beat;		/* the stale beat the last NMI saw */
	struct perf_event *event;	/* the NMI source, or NULL */
};

static DEFINE_PER_CPU(struct dw_cpu, dw_cpu);

/*
 * The CPUs whose timer runs. A CPU is set here only after its first beat is
 * written (smp_wmb() before cpumask_set_cpu()); a reader that finds a CPU
 * here therefore reads a beat at least that new (smp_rmb() after the test),
 * never one from before a long time offline.
 */
static struct cpumask dw_active;
static bool dw_started;
static bool dw_pmu_nmi;		/* the PMU's interrupt is an NMI */

static bool enabled = true;
module_param(enabled, bool, 0644);
MODULE_PARM_DESC(enabled, "panic when a CPU's heartbeat stops (hard lockup)");

static bool dw_panic = true;
module_param_named(panic, dw_panic, bool, 0644);
MODULE_PARM_DESC(panic, "panic on a hard lockup (N: only report it)");

static unsigned int thresh;

static void dw_reconfigure(void);

static int thresh_set(const char *val, const struct kernel_param *kp)
{
	unsigned int n;
	int ret = kstrtouint(val, 0, &n);

	if (ret)
		return ret;
	if (n > DW_MAX_THRESH)
		return -EINVAL;
	WRITE_ONCE(thresh, n);
	dw_reconfigure();
	return 0;
}

static const struct kernel_param_ops thresh_ops = {
	.set = thresh_set,
	.get = param_get_uint,
};

module_param_cb(thresh, &thresh_ops, &thresh, 0644);
MODULE_PARM_DESC(thresh, "seconds without a heartbeat before a CPU counts as stuck (1-600; 0: kernel.watchdog_thresh)");

static bool nmi;
module_param(nmi, bool, 0444);
MODULE_PARM_DESC(nmi, "per-CPU perf NMIs are in use (read-only)");

static bool perf = true;

static int perf_set(const char *val, const struct kernel_param *kp);

static const struct kernel_param_ops perf_ops = {
	.set = perf_set,
	.get = param_get_bool,
};

module_param_cb(perf, &perf_ops, &perf, 0644);
MODULE_PARM_DESC(perf, "use a per-CPU perf cycle counter NMI where the PMU interrupt is an NMI");

static unsigned long nmi_period = 100000000;
module_param(nmi_period, ulong, 0444);
MODULE_PARM_DESC(nmi_period, "CPU cycles between two NMIs of the per-CPU perf event");

static char *button;
module_param(button, charp, 0444);
MODULE_PARM_DESC(button, "dump button: GPIO CHIP:LINE[:rising|:falling]");

static bool dw_panic_in_progress(void)
{
	return atomic_read(&panic_cpu) != PANIC_CPU_INVALID;
}

/* The threshold in seconds; 0 when the detector is off. */
static unsigned int dw_thresh(void)
{
	unsigned int t = READ_ONCE(thresh);

	if (!READ_ONCE(enabled) || !READ_ONCE(watchdog_user_enabled))
		return 0;
	return t ? t : max(READ_ONCE(watchdog_thresh), 0);
}

/*
 * Beats come at most 2/5 of the threshold apart, as mainline's lockup
 * detectors time theirs, so a healthy CPU is never near the threshold; and
 * at least once a second, so that the dump button can tell a CPU that
 * stopped beating a few seconds ago.
 */
static u64 dw_period_ns(void)
{
	unsigned int t = READ_ONCE(thresh);

	if (!t)
		t = READ_ONCE(watchdog_thresh) > 0 ? READ_ONCE(watchdog_thresh) :
						     DW_DEFAULT_THRESH;
	return min_t(u64, (u64)t * NSEC_PER_SEC * 2 / 5, NSEC_PER_SEC);
}

/* Whether cpu is watched; orders the reads of its beat after the test. */
static bool dw_watched(int cpu)
{
	if (!cpumask_test_cpu(cpu, &dw_active) ||
	    !cpumask_test_cpu(cpu, &watchdog_cpumask))
		return false;
	/* Pairs with the smp_wmb() in dw_start_local(). */
	smp_rmb();
	return true;
}

/* How long cpu has gone without a heartbeat at now (0 if it beat since). */
static u64 dw_age(int cpu, u64 now)
{
	u64 beat = READ_ONCE(per_cpu(dw_cpu, cpu).beat);

	return now > beat ? now - beat : 0;
}

static void dw_report(int cpu, u64 now, u64 age, const char *what, bool by_nmi)
{
	struct dw_cpu *c = per_cpu_ptr(&dw_cpu, cpu);
	u64 last = now - age;

	pr_emerg("%s CPU#%d for %llu.%03llu s (last heartbeat %llu.%03llu s after boot), running %.*s[%d]%s\n",
		 what, cpu, age / NSEC_PER_SEC, (age % NSEC_PER_SEC) / NSEC_PER_MSEC,
		 last / NSEC_PER_SEC, (last % NSEC_PER_SEC) / NSEC_PER_MSEC,
		 (int)sizeof(c->comm), c->comm, READ_ONCE(c->pid),
		 by_nmi ? ", seen by its own NMI" : "");
}

/* Reports every CPU whose heartbeat is two beats late; returns how many. */
static int dw_report_stale(u64 now)
{
	u64 late = 2 * dw_period_ns();
	int cpu, n = 0;

	for_each_cpu(cpu, &dw_active) {
		u64 age;

		if (!dw_watched(cpu))
			continue;
		age = dw_age(cpu, now);
		if (age > late) {
			dw_report(cpu, now, age, "no heartbeat (interrupts off?) from", false);
			n++;
		}
	}
	return n;
}

static void dw_say_regs(int cpu)
{
	if (system_uses_irq_prio_masking())
		pr_emerg("CPU#%d will be stopped by NMI: its registers go into the dump\n", cpu);
	else
		pr_emerg("no NMI on this machine: CPU#%d cannot be stopped, its registers will be missing from the dump\n",
			 cpu);
}

static void dw_check_others(u64 now)
{
	unsigned int t = dw_thresh();
	int cpu, self = smp_processor_id();
	u64 limit;

	if (!t)
		return;
	limit = (u64)t * NSEC_PER_SEC;
	/* Where the stuck CPU has its own NMI, let it report itself first. */
	if (READ_ONCE(nmi))
		limit += 2 * dw_period_ns();

	for_each_cpu(cpu, &dw_active) {
		struct dw_cpu *c = per_cpu_ptr(&dw_cpu, cpu);
		u64 age;

		if (cpu == self || !dw_watched(cpu))
			continue;
		age = dw_age(cpu, now);
		/* Once per lockup, by one CPU. */
		if (age <= limit || xchg(&c->reported, true))
			continue;
		dw_report(cpu, now, age, "hard LOCKUP: interrupts off on", false);
		dw_say_regs(cpu);
		if (READ_ONCE(dw_panic))
			panic("dumpwatch: hard LOCKUP on CPU#%d", cpu);
	}
}

static void dw_beat(struct dw_cpu *c, u64 now)
{
	WRITE_ONCE(c->beat, now);
	WRITE_ONCE(c->reported, false);
	WRITE_ONCE(c->pid, task_pid_nr(current));
	memcpy(c->comm, current->comm, sizeof(c->comm));
}

static enum hrtimer_restart dw_heartbeat(struct hrtimer *timer)
{
	struct dw_cpu *c = container_of(timer, struct dw_cpu, timer);
	u64 now = ktime_get_mono_fast_ns();

	hrtimer_forward_now(timer, ns_to_ktime(dw_period_ns()));
	dw_beat(c, now);
	/*
	 * Once a panic is in progress, CPUs that it stopped stop beating:
	 * that is no lockup, and a second panic would only get in the way.
	 */
	if (!dw_panic_in_progress())
		dw_check_others(now);
	return HRTIMER_RESTART;
}

/* touch_nmi_watchdog(): this CPU knowingly runs long with interrupts off. */
void arch_touch_nmi_watchdog(void)
{
	raw_cpu_write(dw_cpu.beat, ktime_get_mono_fast_ns());
}
EXPORT_SYMBOL(arch_touch_nmi_watchdog);

/* The per-CPU perf overflow handler: an NMI where the PMU's interrupt is. */
static void dw_nmi(struct perf_event *event, struct perf_sample_data *data,
		   struct pt_regs *regs)
{
	struct dw_cpu *c = this_cpu_ptr(&dw_cpu);
	int cpu = smp_processor_id();
	unsigned int t;
	u64 now, age;

	/* Never throttled: unthrottling needs the tick this CPU may not take. */
	event->hw.interrupts = 0;

	t = dw_thresh();
	if (!t || dw_panic_in_progress() || !dw_watched(cpu))
		return;
	now = ktime_get_mono_fast_ns();
	age = dw_age(cpu, now);
	if (age <= (u64)t * NSEC_PER_SEC)
		return;
	/*
	 * The same stale beat on two NMIs in a row. After the CPU was held up
	 * (by a hypervisor, say), the timer's interrupt is pending behind this
	 * NMI, and the beat it brings is taken before the next NMI.
	 */
	if (c->nmi_stale_beat != READ_ONCE(c->beat)) {
		c->nmi_stale_beat = READ_ONCE(c->beat);
		return;
	}
	if (xchg(&c->reported, true))
		return;
	dw_report(cpu, now, age, "hard LOCKUP: interrupts off on", true);
	show_regs(regs);
	if (READ_ONCE(dw_panic))
		nmi_panic(regs, "dumpwatch: hard LOCKUP (NMI)");
}

static void dw_update_nmi(void)
{
	bool events = false;
	int cpu;

	for_each_cpu(cpu, &dw_active)
		events |= !!per_cpu(dw_cpu, cpu).event;
	WRITE_ONCE(nmi, dw_pmu_nmi && READ_ONCE(perf) && events);
}

static int perf_set(const char *val, const struct kernel_param *kp)
{
	int cpu, ret;
	bool on;

	ret = kstrtobool(val, &on);
	if (ret)
		return ret;
	if (!READ_ONCE(dw_started)) {
		perf = on;
		return 0;
	}

	cpus_read_lock();
	WRITE_ONCE(perf, on);
	for_each_online_cpu(cpu) {
		struct perf_event *event = per_cpu(dw_cpu, cpu).event;

		if (!event)
			continue;
		if (on)
			perf_event_enable(event);
		else
			perf_event_disable(event);
	}
	dw_update_nmi();
	cpus_read_unlock();
	return 0;
}

static void dw_nmi_create(unsigned int cpu)
{
	struct perf_event_attr attr = {
		.type		= PERF_TYPE_HARDWARE,
		.config		= PERF_COUNT_HW_CPU_CYCLES,
		.size		= sizeof(attr),
		.pinned		= 1,
		.disabled	= !READ_ONCE(perf),
		.sample_period	= nmi_period,
	};
	struct perf_event *event;

	event = perf_event_create_kernel_counter(&attr, cpu, NULL, dw_nmi, NULL);
	if (IS_ERR(event)) {
		pr_warn("CPU#%u: no perf cycle counter (%ld): no NMI detection there\n",
			cpu, PTR_ERR(event));
		return;
	}
	per_cpu(dw_cpu, cpu).event = event;
}

/* Starts the beat on this CPU; interrupts are off or cannot reach the timer. */
static void dw_start_local(void)
{
	struct dw_cpu *c = this_cpu_ptr(&dw_cpu);

	dw_beat(c, ktime_get_mono_fast_ns());
	hrtimer_start(&c->timer, ns_to_ktime(dw_period_ns()),
		      HRTIMER_MODE_REL_PINNED_HARD);
	/* The first beat is visible before the CPU is: see dw_watched(). */
	smp_wmb();
	cpumask_set_cpu(smp_processor_id(), &dw_active);
}

/*
 * Runs on this CPU with interrupts off, or in its hotplug thread: the pinned
 * timer's callback cannot be running, so trying to cancel it is enough.
 */
static void dw_stop_local(void)
{
	struct dw_cpu *c = this_cpu_ptr(&dw_cpu);

	cpumask_clear_cpu(smp_processor_id(), &dw_active);
	hrtimer_try_to_cancel(&c->timer);
}

/*
 * Restarts the beat on this CPU with the current period, if the CPU is in
 * kernel.watchdog_cpumask, from an IPI. A beat already queued with a longer
 * period would otherwise come after a new, lower threshold.
 */
static void dw_reconfigure_local(void *unused)
{
	if (cpumask_test_cpu(smp_processor_id(), &dw_active))
		dw_stop_local();
	if (cpumask_test_cpu(smp_processor_id(), &watchdog_cpumask))
		dw_start_local();
}

static void dw_reconfigure_cpuslocked(void)
{
	int cpu;

	if (!READ_ONCE(dw_started))
		return;
	for_each_online_cpu(cpu)
		smp_call_function_single(cpu, dw_reconfigure_local, NULL, 1);
}

static void dw_reconfigure(void)
{
	if (!READ_ONCE(dw_started))
		return;
	cpus_read_lock();
	dw_reconfigure_cpuslocked();
	cpus_read_unlock();
}

/*
 * kernel/watchdog.c calls this, CPUs locked, after kernel.watchdog,
 * kernel.watchdog_thresh or kernel.watchdog_cpumask changed.
 */
void watchdog_nmi_start(void)
{
	dw_reconfigure_cpuslocked();
}

/* CPU hotplug callbacks: they run on cpu, in its hotplug thread. */
static int dw_cpu_online(unsigned int cpu)
{
	struct dw_cpu *c = per_cpu_ptr(&dw_cpu, cpu);

	hrtimer_init(&c->timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_PINNED_HARD);
	c->timer.function = dw_heartbeat;
	if (dw_pmu_nmi)
		dw_nmi_create(cpu);
	if (cpumask_test_cpu(cpu, &watchdog_cpumask)) {
		local_irq_disable();
		dw_start_local();
		local_irq_enable();
	}
	dw_update_nmi();
	return 0;
}

static int dw_cpu_offline(unsigned int cpu)
{
	struct dw_cpu *c = per_cpu_ptr(&dw_cpu, cpu);

	if (cpumask_test_cpu(cpu, &dw_active))
		dw_stop_local();
	if (c->event) {
		perf_event_release_kernel(c->event);
		c->event = NULL;
	}
	return 0;
}

static irqreturn_t dw_button_irq(int irq, void *dev_id)
{
	if (dw_panic_in_progress())
		return IRQ_HANDLED;

	pr_emerg("dump button pressed (heard on CPU#%d)\n", smp_processor_id());
	if (!dw_report_stale(ktime_get_mono_fast_ns()))
		pr_emerg("every CPU has a fresh heartbeat\n");
	else if (!system_uses_irq_prio_masking())
		pr_emerg("no NMI on this machine: the stuck CPUs' registers will be missing from the dump\n");
	panic("dumpwatch: dump button");
	return IRQ_HANDLED;
}

static int dw_button_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct gpio_desc *gpio;
	unsigned long trigger;
	int irq, ret;

	gpio = devm_gpiod_get(dev, NULL, GPIOD_IN);
	if (IS_ERR(gpio))
		return dev_err_probe(dev, PTR_ERR(gpio), "cannot get the button's GPIO\n");
	irq = gpiod_to_irq(gpio);
	if (irq < 0)
		return dev_err_probe(dev, irq, "the button's GPIO has no interrupt\n");

	/* A press asserts the line: its level rises, or falls if active low. */
	trigger = gpiod_is_active_low(gpio) ? IRQF_TRIGGER_FALLING : IRQF_TRIGGER_RISING;
	ret = devm_request_irq(dev, irq, dw_button_irq, trigger | IRQF_NO_THREAD,
			       "dump-button", NULL);
	if (ret)
		return dev_err_probe(dev, ret, "cannot request IRQ %d\n", irq);

	dev_info(dev, "dump button on IRQ %d (%s edge)\n", irq,
		 trigger == IRQF_TRIGGER_FALLING ? "falling" : "rising");
	return 0;
}

static const struct of_device_id dw_button_of_match[] = {
	{ .compatible = "dumpable,dump-button" },
	{ }
};

static struct platform_driver dw_button_driver = {
	.probe = dw_button_probe,
	.driver = {
		.name = "dump-button",
		.of_match_table = dw_button_of_match,
		.suppress_bind_attrs = true,
	},
};

/* dumpwatch.button=CHIP:LINE[:rising|:falling], for machines without a DT node */
static struct gpiod_lookup_table dw_button_lookup = {
	.dev_id = "dump-button",
	.table = {
		{ },
		{ },
	},
};

static char dw_button_chip[64];

static int __init dw_button_cmdline(void)
{
	struct gpiod_lookup *l = &dw_button_lookup.table[0];
	enum gpio_lookup_flags flags = GPIO_ACTIVE_HIGH | GPIO_PULL_DOWN;
	struct platform_device *pdev;
	char *line, *edge;
	unsigned int nr;

	strscpy(dw_button_chip, button, sizeof(dw_button_chip));
	line = strchr(dw_button_chip, ':');
	if (!line)
		goto bad;
	*line++ = '\0';
	edge = strchr(line, ':');
	if (edge) {
		*edge++ = '\0';
		if (!strcmp(edge, "falling"))
			flags = GPIO_ACTIVE_LOW | GPIO_PULL_UP;
		else if (strcmp(edge, "rising"))
			goto bad;
	}
	if (!*dw_button_chip || kstrtouint(line, 0, &nr) || nr > U16_MAX)
		goto bad;

	*l = GPIO_LOOKUP(dw_button_chip, nr, NULL, flags);
	gpiod_add_lookup_table(&dw_button_lookup);
	pdev = platform_device_register_simple("dump-button", PLATFORM_DEVID_NONE, NULL, 0);
	if (IS_ERR(pdev)) {
		gpiod_remove_lookup_table(&dw_button_lookup);
		return PTR_ERR(pdev);
	}
	return 0;
bad:
	pr_err("dump button: '%s' is not CHIP:LINE[:rising|:falling]\n", button);
	return -EINVAL;
}

static int __init dumpwatch_init(void)
{
	int ret;

	dw_pmu_nmi = arm_pmu_irq_is_nmi();
	ret = cpuhp_setup_state(CPUHP_AP_ONLINE_DYN, "dumpwatch:online",
				dw_cpu_online, dw_cpu_offline);
	if (ret < 0) {
		pr_err("cannot start: %d\n", ret);
		return ret;
	}
	WRITE_ONCE(dw_started, true);
	pr_info("watching %u CPUs, threshold %u s, %s\n",
		cpumask_weight(&dw_active), dw_thresh(),
		nmi ? "per-CPU perf NMIs" : "no NMI: only other CPUs can see a stuck one");

	ret = platform_driver_register(&dw_button_driver);
	if (ret)
		pr_err("dump button: cannot register the driver: %d\n", ret);
	else if (button && *button)
		dw_button_cmdline();
	return 0;
}
late_initcall(dumpwatch_init);
