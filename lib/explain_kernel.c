// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * explain_kernel.c - what the kernel applied that the remedies depend on
 * and struct nohz_kernel does not hold: the cpus whose RCU callbacks are
 * offloaded, so that no remedy asks for an rcu_nocbs= already in force.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"

#define OFFLOAD "Offload RCU callbacks from "

/*
 * log_nocbs - the set from the kernel's own boot line "Offload RCU callbacks
 * from CPUs: 1-3." ("(none)."; 4.x kernels also had "from all CPUs").  The
 * kernel prints it whenever callbacks can be offloaded at all, after
 * "Kernel command line:": a log that still holds that line and not this one
 * means none.  1 known, 0 not (no log, or it no longer reaches back to boot).
 */
static int log_nocbs(const char *log, const struct nohz_kernel *k, struct nohz_cpuset *s)
{
	const char *p = log ? strstr(log, OFFLOAD) : NULL;
	char list[1024];

	nohz_cpuset_zero(s);
	if (!p)
		return log && strstr(log, "Kernel command line:") ? 1 : 0;
	p += strlen(OFFLOAD);
	if (!strncmp(p, "all CPUs", 8)) {
		*s = k->possible;
		return 1;
	}
	if (strncmp(p, "CPUs:", 5))
		return 0;
	p += 5 + strspn(p + 5, " \t");
	if (!strncmp(p, "(none)", 6))
		return 1;
	snprintf(list, sizeof(list), "%.*s", (int)strcspn(p, ".\r\n"), p);
	return nohz_cpuset_parse(s, list, NULL, 0) == 0;
}

/* rebuild - what rcu_init_nohz() makes of the boot options and the config */
static void rebuild(struct nohz_sys *sys, const struct nohz_kernel *k, struct nohz_cpuset *s)
{
	char raw[1024], v[8];
	int rc = nohz_cmdline_param(k->cmdline, "rcu_nocbs", raw, sizeof(raw));

	nohz_cpuset_zero(s);
	/* without CONFIG_RCU_NOCB_CPU rcu_nocbs= is ignored (unknown: trusted);
	 * "all" and a list the kernel cannot parse mean every cpu, and a bare
	 * "rcu_nocbs" offloads none at boot (it allows it at run time) */
	if (rc == 1 && nohz_kconfig(sys, "RCU_NOCB_CPU", v, sizeof(v)) != 0 &&
	    (!strcasecmp(raw, "all") || nohz_cpuset_parse(s, raw, NULL, 0) < 0))
		*s = k->possible;
	/* NO_HZ_FULL selects RCU_NOCB_CPU, and nohz_full cpus are offloaded */
	nohz_cpuset_or(s, s, &k->nohz_full);
	if (rc < 0 && nohz_cpuset_empty(&k->nohz_full) &&
	    nohz_kconfig(sys, "RCU_NOCB_CPU_DEFAULT_ALL", v, sizeof(v)) == 1 && v[0] == 'y')
		*s = k->possible;
	if (!nohz_cpuset_empty(&k->possible))
		nohz_cpuset_and(s, s, &k->possible);
}

int kernel_rcu_nocbs(struct nohz_sys *sys, const struct nohz_kernel *k,
		     const char *log, struct nohz_cpuset *s)
{
	char *own = NULL;
	int rc;

	if (!log && sys_dmesg(sys, &own) == 0)
		log = own;
	rc = log_nocbs(log, k, s);
	free(own);
	if (rc == 1)
		return 1;
	rebuild(sys, k, s);
	return 0;
}
