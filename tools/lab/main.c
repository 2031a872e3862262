// SPDX-License-Identifier: GPL-2.0
/*
 * lab: the lab runner (see lab.h).
 *   lab run CASE [options]       one run (./dumpable run; paths from the environment)
 *   lab check CASE [options]     only check the options: exit 0 good, 2 bad, 3 --help
 *   lab capture-cmdline [--board B] [--label L] [--url URL]   the capture kernel's command
 *                                line (--url: the network target, kdump.url=)
 *   lab cmdline [--board B] [--kernel S]   the main kernel's command line (the board's
 *                                defaults, for kernel series S: 6.1 by default)
 *   lab lava-jobs OUT [...]      the runs as LAVA jobs (./dumpable lava jobs; lava.c)
 *   lab lava-report DIR          their verdicts after lab/lava-run (./dumpable lava run)
 */
#include <stdio.h>
#include <string.h>

#include "lab.h"
#include "kdump-save/net.h"

int cmd_run(int argc, char **argv);
int cmd_lava_jobs(int argc, char **argv);
int cmd_lava_report(int argc, char **argv);

static int usage(void)
{
	fputs("usage: lab run CASE [options] | lab check CASE [options]\n"
	      "       lab capture-cmdline [--board virt|rpi4] [--label LABEL] [--url URL]\n"
	      "       lab cmdline [--board virt|rpi4] [--kernel 6.1|6.12]\n"
	      "       lab lava-jobs OUT [--cases LIST] [--collector URL] [--files-url URL] [options]\n"
	      "       lab lava-report DIR\n"
	      "The lab runner; ./dumpable run is its front door (see ./dumpable --help).\n",
	      stderr);
	return 2;
}

static int cmd_check(int argc, char **argv)
{
	struct spec s;
	int rc = spec_parse(&s, argc, argv);

	return rc < 0 ? 2 : rc ? 3 : 0;
}

/* capture-cmdline and cmdline: the command lines as the board's kernels get them. */
static int cmd_cmdline(bool capture, int argc, char **argv)
{
	const char *board = "virt", *label = NULL, *kernel = "6.1", *url = NULL;
	const struct board *b;
	char buf[1024], net[400] = "", err[256];
	struct net_url u;
	int i, series;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--board") && i + 1 < argc)
			board = argv[++i];
		else if (capture && !strcmp(argv[i], "--label") && i + 1 < argc)
			label = argv[++i];
		else if (capture && !strcmp(argv[i], "--url") && i + 1 < argc)
			url = argv[++i];
		else if (!capture && !strcmp(argv[i], "--kernel") && i + 1 < argc)
			kernel = argv[++i];
		else
			return usage();
	}
	b = board_lookup(board);
	if (!b) {
		fprintf(stderr, "lab: no board '%s' (virt, rpi4)\n", board);
		return 2;
	}
	if (label && (!*label || strspn(label, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") != strlen(label))) {
		fprintf(stderr, "lab: dump label '%s': letters, digits, - and _ only\n", label);
		return 2;
	}
	/* Checked as kdump-save checks it: a bad word would make it ignore all of them. */
	if (url && (net_url_parse(url, &u, err, sizeof(err)) ||
		    net_capture_words(url, net, sizeof(net)))) {
		fprintf(stderr, "lab: --%s\n", err);
		return 2;
	}
	series = p4ni9_series_lookup(kernel);
	if (series < 0) {
		fprintf(stderr, "lab: --kernel: '%s' is not a kernel series the lab builds (6.1, 6.12)\n",
			kernel);
		return 2;
	}
	if (capture ? capture_cmdline(b, label, 0, net, buf, sizeof(buf)) :
		      board_cmdline(b, series, buf, sizeof(buf)))
		return 2;
	puts(buf);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage();
	if (!strcmp(argv[1], "run"))
		return cmd_run(argc - 2, argv + 2);
	if (!strcmp(argv[1], "check"))
		return cmd_check(argc - 2, argv + 2);
	if (!strcmp(argv[1], "capture-cmdline"))
		return cmd_cmdline(true, argc - 2, argv + 2);
	if (!strcmp(argv[1], "lava-report"))
		return cmd_lava_report(argc - 2, argv + 2);
	if (!strcmp(argv[1], "lava-jobs"))
		return cmd_lava_jobs(argc - 2, argv + 2);
	if (!strcmp(argv[1], "cmdline"))
		return cmd_cmdline(false, argc - 2, argv + 2);
	return usage();
}
