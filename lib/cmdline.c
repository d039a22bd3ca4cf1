// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * cmdline.c - the kernel command line and the isolcpus= syntax.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

/*
 * Words are separated by spaces; a value may be double-quoted.  Like the
 * kernel, the last occurrence wins, and '-' and '_' are equivalent in the key.
 */
static bool key_match(const char *w, size_t wl, const char *key)
{
	size_t kl = strlen(key);

	if (wl < kl)
		return false;
	for (size_t i = 0; i < kl; i++) {
		char a = w[i] == '-' ? '_' : w[i], b = key[i] == '-' ? '_' : key[i];

		if (a != b)
			return false;
	}
	return wl == kl || w[kl] == '=';
}

int nohz_cmdline_param(const char *cmdline, const char *key, char *val, size_t len)
{
	const char *p = cmdline;
	int found = -ENOENT;

	if (val && len)
		val[0] = '\0';
	while (p && *p) {
		const char *w;
		size_t wl = 0;
		bool quoted = false;

		while (isspace((unsigned char)*p))
			p++;
		if (!*p)
			break;
		w = p;
		while (p[wl] && (quoted || !isspace((unsigned char)p[wl]))) {
			if (p[wl] == '"')
				quoted = !quoted;
			wl++;
		}
		p += wl;
		if (wl == 2 && !strncmp(w, "--", 2))
			break;	/* the rest goes to init */
		if (!key_match(w, wl, key))
			continue;
		if (wl == strlen(key)) {
			found = 0;
			if (val && len)
				val[0] = '\0';
			continue;
		}
		{
			const char *v = w + strlen(key) + 1;
			size_t vl = wl - strlen(key) - 1;

			if (vl >= 2 && v[0] == '"' && v[vl - 1] == '"') {
				v++;
				vl -= 2;
			}
			if (val && len)
				snprintf(val, len, "%.*s", (int)vl, v);
			found = 1;
		}
	}
	return found;
}

int nohz_isolcpus_parse(const char *val, struct nohz_isolcpus *iso, char *err,
			size_t errlen)
{
	const char *p = val;
	bool any_flag = false;

	memset(iso, 0, sizeof(*iso));
	/* leading flags: each is a word followed by ',' */
	for (;;) {
		size_t n = strcspn(p, ",");

		if (!isalpha((unsigned char)*p))
			break;
		if (n == 4 && !strncmp(p, "nohz", 4))
			iso->nohz = true;
		else if (n == 6 && !strncmp(p, "domain", 6))
			iso->domain = true;
		else if (n == 11 && !strncmp(p, "managed_irq", 11))
			iso->managed_irq = true;
		else {
			nohz_err(err, errlen, "isolcpus flag '%.*s' is unknown "
				 "(nohz, domain, managed_irq)", (int)n, p);
			return -EINVAL;
		}
		any_flag = true;
		p += n;
		if (*p == ',')
			p++;
	}
	/* the kernel defaults to "domain" when no flag is given */
	if (!any_flag || (!iso->nohz && !iso->managed_irq))
		iso->domain = iso->domain || !any_flag;
	return nohz_cpuset_parse(&iso->cpus, p, err, errlen);
}
