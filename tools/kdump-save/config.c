// SPDX-License-Identifier: GPL-2.0
/* kdump-save settings: defaults, kdump.* kernel parameters, --options. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/errf.h"
#include "config.h"
#include "net.h"

void save_config_defaults(struct save_config *c)
{
	memset(c, 0, sizeof(*c));
	strcpy(c->device, "/dev/vda");
	strcpy(c->fstype, "ext4");
	strcpy(c->dir, "/var/crash");
	strcpy(c->vmcore, "/proc/vmcore");
	strcpy(c->makedumpfile, "/usr/bin/makedumpfile");
	c->level = 31;
	c->timeout = 600;
	c->after = AFTER_REBOOT;
}

static int set_str(char *dst, size_t size, const char *key, const char *v,
		   char *err, size_t errlen)
{
	if (!*v)
		return errf(err, errlen, "%s: empty value", key);
	if (strlen(v) >= size)
		return errf(err, errlen, "%s: value too long (max %zu)", key, size - 1);
	strcpy(dst, v);
	return 0;
}

static int set_int(int *dst, const char *key, const char *v, int lo, int hi,
		   char *err, size_t errlen)
{
	char *end;
	long n;

	n = strtol(v, &end, 10);
	if (!*v || *end || n < lo || n > hi)
		return errf(err, errlen, "%s: '%s' is not a number in %d..%d", key, v, lo, hi);
	*dst = (int)n;
	return 0;
}

int save_config_set(struct save_config *c, const char *kv, char *err, size_t errlen)
{
	const char *eq = strchr(kv, '=');
	char key[32];
	const char *v;
	size_t n;

	if (!eq)
		return errf(err, errlen, "'%s': expected key=value", kv);
	n = (size_t)(eq - kv);
	if (n == 0 || n >= sizeof(key))
		return errf(err, errlen, "'%s': bad key", kv);
	memcpy(key, kv, n);
	key[n] = '\0';
	v = eq + 1;

	if (!strcmp(key, "device")) {
		c->device_set = true;
		return set_str(c->device, sizeof(c->device), key, v, err, errlen);
	}
	if (!strcmp(key, "fstype"))
		return set_str(c->fstype, sizeof(c->fstype), key, v, err, errlen);
	if (!strcmp(key, "dir")) {
		if (v[0] != '/' || strstr(v, ".."))
			return errf(err, errlen, "dir: '%s' must be an absolute path without '..'", v);
		return set_str(c->dir, sizeof(c->dir), key, v, err, errlen);
	}
	if (!strcmp(key, "vmcore"))
		return set_str(c->vmcore, sizeof(c->vmcore), key, v, err, errlen);
	if (!strcmp(key, "makedumpfile"))
		return set_str(c->makedumpfile, sizeof(c->makedumpfile), key, v, err, errlen);
	if (!strcmp(key, "url")) {
		struct net_url u;

		if (net_url_parse(v, &u, err, errlen))
			return -1;
		return set_str(c->url, sizeof(c->url), key, v, err, errlen);
	}
	if (!strcmp(key, "level"))
		return set_int(&c->level, key, v, 0, 31, err, errlen);
	if (!strcmp(key, "keep"))
		return set_int(&c->keep, key, v, 0, 100000, err, errlen);
	if (!strcmp(key, "timeout"))
		return set_int(&c->timeout, key, v, 1, 86400, err, errlen);
	if (!strcmp(key, "after")) {
		if (!strcmp(v, "reboot"))
			c->after = AFTER_REBOOT;
		else if (!strcmp(v, "poweroff"))
			c->after = AFTER_POWEROFF;
		else if (!strcmp(v, "none"))
			c->after = AFTER_NONE;
		else
			return errf(err, errlen, "after: '%s' is not reboot, poweroff or none", v);
		return 0;
	}
	return errf(err, errlen, "unknown setting '%s' (device, fstype, dir, url, level, keep, timeout, after, vmcore, makedumpfile)",
		    key);
}

/*
 * All or nothing: the words are applied to a copy, and the copy replaces
 * @c only when every kdump.* word was good. A bad word leaves @c as it was.
 */
int save_config_cmdline(struct save_config *c, const char *cmdline, char *err, size_t errlen)
{
	struct save_config t = *c;
	const char *p = cmdline;
	char word[256];

	while (*p) {
		size_t n;

		while (isspace((unsigned char)*p))
			p++;
		n = strcspn(p, " \t\n");
		if (n == 0)
			break;
		if (!strncmp(p, "kdump.", 6)) {
			if (n - 6 >= sizeof(word))
				return errf(err, errlen, "kernel parameter too long: %.40s...", p);
			memcpy(word, p + 6, n - 6);
			word[n - 6] = '\0';
			if (save_config_set(&t, word, err, errlen))
				return -1;
		}
		p += n;
	}
	*c = t;
	return 0;
}

void save_stamp(time_t t, char *buf, size_t len)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y%m%d%H%M", &tm);
}
