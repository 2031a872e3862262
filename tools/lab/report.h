/* SPDX-License-Identifier: GPL-2.0 */
/* The run's record: spec.json, result.json and the summary (report.c). */
#ifndef LAB_REPORT_H
#define LAB_REPORT_H

#include <jansson.h>

#include "lab.h"

struct report {
	const struct spec *s;
	const struct paths *p;
	const struct events *e;
	const struct harvest *h;
	const struct verdict *v;
	json_t *triage;		/* triage --json, parsed; NULL when none */
	bool triage_txt;	/* runs/<id>/triage.txt has something to show */
};

/* The spec as data: no host paths. */
json_t *spec_json(const struct spec *s);
int write_json(json_t *j, const char *path);
/* runs/<id>/result.json */
int write_result(const struct report *r, const char *path);
/* The summary on stdout, from the same data. */
void print_summary(const struct report *r);

#endif
