// SPDX-License-Identifier: GPL-2.0
/*
 * Dump button: a GPIO line whose edge panics the machine, so that kdump
 * captures it, whatever the kernel is doing (as long as the CPU that takes
 * the interrupt has interrupts enabled).
 *
 * The line comes from the device tree ("dumpable,dump-button") or, for
 * machines without such a node, from the command line:
 *
 *   dump_button.gpio=CHIP:LINE[:rising|:falling]
 *
 * CHIP is the GPIO chip's label. "rising" (the default) is an active-high
 * line with a pull-down, "falling" an active-low one with a pull-up.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/device.h>
#include <linux/err.h>
#include <linux/gpio/consumer.h>
#include <linux/gpio/machine.h>
#include <linux/init.h>
#include <linux/interrupt.h>
#include <linux/kstrtox.h>
#include <linux/limits.h>
#include <linux/mod_devicetable.h>
#include <linux/moduleparam.h>
#include <linux/panic.h>
#include <linux/platform_device.h>
#include <linux/printk.h>
#include <linux/smp.h>
#include <linux/string.h>

#define DRIVER_NAME "dump-button"

static char *gpio_param;
module_param_named(gpio, gpio_param, charp, 0444);
MODULE_PARM_DESC(gpio, "GPIO line of a dump button: CHIP:LINE[:rising|:falling]");

static irqreturn_t dump_button_irq(int irq, void *dev_id)
{
	/*
	 * A press during a panic must not start another one: the panicking
	 * CPU runs with interrupts enabled once it is done.
	 */
	if (atomic_read(&panic_cpu) != PANIC_CPU_INVALID)
		return IRQ_HANDLED;

	pr_emerg("dump button pressed (heard on CPU#%d)\n", smp_processor_id());
	panic("dump button");
}

static int dump_button_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	unsigned long trigger;
	struct gpio_desc *desc;
	int irq, ret;

	desc = devm_gpiod_get(dev, NULL, GPIOD_IN);
	if (IS_ERR(desc))
		return dev_err_probe(dev, PTR_ERR(desc), "failed to get GPIO\n");

	irq = gpiod_to_irq(desc);
	if (irq < 0)
		return dev_err_probe(dev, irq, "failed to get IRQ of GPIO\n");

	/* A press asserts the line. */
	trigger = gpiod_is_active_low(desc) ? IRQF_TRIGGER_FALLING : IRQF_TRIGGER_RISING;
	ret = devm_request_irq(dev, irq, dump_button_irq, trigger | IRQF_NO_THREAD,
			       DRIVER_NAME, NULL);
	if (ret)
		return dev_err_probe(dev, ret, "failed to request IRQ %d\n", irq);

	dev_info(dev, "armed on IRQ %d (%s edge)\n", irq,
		 trigger == IRQF_TRIGGER_FALLING ? "falling" : "rising");
	return 0;
}

static const struct of_device_id dump_button_of_match[] = {
	{ .compatible = "dumpable,dump-button" },
	{ }
};

static struct platform_driver dump_button_driver = {
	.probe = dump_button_probe,
	.driver = {
		.name = DRIVER_NAME,
		.of_match_table = dump_button_of_match,
		.suppress_bind_attrs = true,
	},
};

static struct gpiod_lookup_table dump_button_lookup = {
	.dev_id = DRIVER_NAME,
	.table = {
		{ },	/* filled in from dump_button.gpio= */
		{ },
	},
};

/* dump_button.gpio=CHIP:LINE[:rising|:falling]: a device without a DT node. */
static int __init dump_button_add_device(void)
{
	static char chip[64];
	enum gpio_lookup_flags flags = GPIO_ACTIVE_HIGH | GPIO_PULL_DOWN;
	struct platform_device *pdev;
	char *line, *edge;
	unsigned int hwnum;

	if (strscpy(chip, gpio_param, sizeof(chip)) < 0)
		goto bad;
	line = strchr(chip, ':');
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
	/* U16_MAX would make gpiolib look the line up by name. */
	if (!*chip || kstrtouint(line, 10, &hwnum) || hwnum >= U16_MAX)
		goto bad;

	dump_button_lookup.table[0] = GPIO_LOOKUP(chip, hwnum, NULL, flags);
	gpiod_add_lookup_table(&dump_button_lookup);

	pdev = platform_device_register_simple(DRIVER_NAME, PLATFORM_DEVID_NONE, NULL, 0);
	if (IS_ERR(pdev)) {
		gpiod_remove_lookup_table(&dump_button_lookup);
		return PTR_ERR(pdev);
	}
	return 0;

bad:
	pr_err("gpio=%s: not CHIP:LINE[:rising|:falling]\n", gpio_param);
	return -EINVAL;
}

static int __init dump_button_init(void)
{
	int ret;

	ret = platform_driver_register(&dump_button_driver);
	if (ret || !gpio_param || !*gpio_param)
		return ret;

	/* The driver stays for the device tree's buttons even if this fails. */
	return dump_button_add_device();
}
device_initcall(dump_button_init);
