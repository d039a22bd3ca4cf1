// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * checks_boot.c - kernel build, boot options and CPU topology checks.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"

/* dmesg_line - copy the first dmesg line containing needle, "" if none */
static bool dmesg_line(struct check_ctx *c, const char *needle, char *out, size_t len)
{
	const char *p = c->dmesg ? strstr(c->dmesg, needle) : NULL;
	size_t n;

	out[0] = '\0';
	if (!p)
		return false;
	n = strcspn(p, "\n");
	snprintf(out, len, "%.*s", (int)n, p);
	return true;
}

void check_kernel_config(struct check_ctx *c, struct nohz_finding *f)
{
	char v[16], line[256];
	const char *src = nohz_kconfig_source(c->sys);
	int full;

	if (dmesg_line(c, "Housekeeping: nohz unsupported", line, sizeof(line))) {
		f_set(f, NOHZ_FAIL, "dmesg: \"%s\"", line);
		f_remedy(f, "boot a kernel built with CONFIG_NO_HZ_FULL=y "
			 "(e.g. the distribution's -rt or default server kernel)");
		return;
	}
	if (!src) {
		f_set(f, NOHZ_SKIP, "no kernel config readable (/proc/config.gz, "
		      "/boot/config-%s)", c->k->release[0] ? c->k->release : "RELEASE");
		return;
	}
	full = nohz_kconfig(c->sys, "NO_HZ_FULL", v, sizeof(v));
	if (full <= 0 || strcmp(v, "y")) {
		char idle[8] = "";

		nohz_kconfig(c->sys, "NO_HZ_IDLE", idle, sizeof(idle));
		f_set(f, NOHZ_FAIL, "CONFIG_NO_HZ_FULL is not set in %s%s: this kernel "
		      "cannot stop the tick on a busy CPU", src,
		      idle[0] == 'y' ? " (only NO_HZ_IDLE)" : "");
		f_remedy(f, "boot a kernel built with CONFIG_NO_HZ_FULL=y");
		return;
	}
	{
		char nocb[8] = "", iso[8] = "";
		struct strbuf sb;

		nohz_kconfig(c->sys, "RCU_NOCB_CPU", nocb, sizeof(nocb));
		nohz_kconfig(c->sys, "CPU_ISOLATION", iso, sizeof(iso));
		sb_init(&sb, f->evidence, sizeof(f->evidence));
		sb_printf(&sb, "%s: NO_HZ_FULL=y, RCU_NOCB_CPU=%s, CPU_ISOLATION=%s", src,
			  nocb[0] ? nocb : "n", iso[0] ? iso : "n");
		if (nocb[0] != 'y' || iso[0] != 'y') {
			f->verdict = NOHZ_WARN;
			f_remedy(f, "use a kernel with CONFIG_RCU_NOCB_CPU=y and "
				 "CONFIG_CPU_ISOLATION=y");
		}
	}
}

void check_kernel_hz(struct check_ctx *c, struct nohz_finding *f)
{
	if (c->k->hz > 0)
		f_set(f, NOHZ_PASS, "HZ=%d: a CPU that keeps its tick is interrupted "
		      "%d times a second", c->k->hz, c->k->hz);
	else
		f_set(f, NOHZ_SKIP, "CONFIG_HZ unknown (no kernel config readable)");
}

void check_cpu_online(struct check_ctx *c, struct nohz_finding *f)
{
	struct nohz_cpuset off;
	char list[2048], on[2048];

	nohz_cpuset_andnot(&off, &c->t, &c->k->online);
	nohz_cpuset_format(&c->k->online, on, sizeof(on));
	if (!nohz_cpuset_empty(&off)) {
		f_set(f, NOHZ_FAIL, "CPUs %s are not online (online: %s)",
		      nohz_cpuset_format(&off, list, sizeof(list)), on);
		f_remedy(f, "bring them online: echo 1 > /sys/devices/system/cpu/cpuN/online");
		return;
	}
	f_set(f, NOHZ_PASS, "targets %s within online %s", c->tlist, on);
}

void check_cpu_housekeeping(struct check_ctx *c, struct nohz_finding *f)
{
	struct strbuf sb;
	int cpu, nodes_bad = 0;
	bool seen[1024] = { false };

	if (nohz_cpuset_empty(&c->hk)) {
		f_set(f, NOHZ_FAIL, "no online CPU is left for housekeeping "
		      "(timekeeping, RCU, IRQs, kthreads need one)");
		f_remedy(f, "keep at least one CPU per NUMA node out of the target list, "
			 "usually CPU 0");
		return;
	}
	sb_init(&sb, f->evidence, sizeof(f->evidence));
	sb_printf(&sb, "housekeeping CPUs %s", c->hklist);
	nohz_cpuset_for_each(cpu, &c->t) {
		int node = nohz_cpu_node(c->sys, cpu), hk;
		bool has_hk = false;

		if (node < 0 || node >= 1024 || seen[node])
			continue;
		seen[node] = true;
		nohz_cpuset_for_each(hk, &c->hk)
			if (nohz_cpu_node(c->sys, hk) == node) {
				has_hk = true;
				break;
			}
		if (!has_hk) {
			sb_item(&sb, nodes_bad ? ", " : "; ",
				"NUMA node %d has target CPUs but no housekeeping CPU", node);
			nodes_bad++;
		}
	}
	sb_finish(&sb);
	if (nodes_bad) {
		f->verdict = NOHZ_WARN;
		f_remedy(f, "keep one CPU of each NUMA node for housekeeping so node-local "
			 "kthreads and IRQs have somewhere to run");
	}
}

void check_cpu_smt(struct check_ctx *c, struct nohz_finding *f)
{
	char path[96], buf[256];
	struct strbuf sb;
	long active = -1;
	int cpu, bad = 0, seen = 0;

	nohz_sys_read_long(c->sys, "/sys/devices/system/cpu/smt/active", &active);
	sb_init(&sb, f->evidence, sizeof(f->evidence));
	nohz_cpuset_for_each(cpu, &c->t) {
		struct nohz_cpuset sib, out;

		snprintf(path, sizeof(path),
			 "/sys/devices/system/cpu/cpu%d/topology/thread_siblings_list", cpu);
		if (nohz_sys_read_cpuset(c->sys, path, &sib) < 0)
			continue;
		seen++;
		nohz_cpuset_andnot(&out, &sib, &c->t);
		if (!nohz_cpuset_empty(&out)) {
			sb_item(&sb, ", ", "CPU %d shares a core with %s", cpu,
				nohz_cpuset_format(&out, buf, sizeof(buf)));
			bad++;
		}
	}
	sb_finish(&sb);
	if (bad) {
		f->verdict = NOHZ_WARN;
		f_remedy(f, "isolate whole cores (add the siblings to the target list and "
			 "keep them idle) or boot with nosmt");
		return;
	}
	if (active < 0 && !seen)
		f_set(f, NOHZ_SKIP, "no SMT information (smt/active, thread_siblings_list)");
	else
		f_set(f, NOHZ_PASS, "SMT %s; no target CPU shares a core with a non-target",
		      active == 1 ? "active" : "inactive");
}

/* cmdline_cpus - cpus of "key=list"; 1 found, 0 absent, -EINVAL bad list */
static int cmdline_cpus(struct check_ctx *c, const char *key, struct nohz_cpuset *s,
			char *raw, size_t rawlen)
{
	int rc = nohz_cmdline_param(c->k->cmdline, key, raw, rawlen);

	nohz_cpuset_zero(s);
	if (rc < 0)
		return 0;
	if (!strcasecmp(raw, "all")) {	/* cpu-list keyword of newer kernels */
		*s = c->k->possible;
		return 1;
	}
	if (nohz_cpuset_parse(s, raw, NULL, 0) < 0)
		return -EINVAL;
	return 1;
}

void check_boot_nohz_full(struct check_ctx *c, struct nohz_finding *f)
{
	struct nohz_cpuset req, miss, notapp;
	char raw[1024], a[2048], b[2048], line[256];
	int rc = cmdline_cpus(c, "nohz_full", &req, raw, sizeof(raw));

	nohz_cpuset_format(&c->k->nohz_full, a, sizeof(a));
	nohz_cpuset_andnot(&miss, &c->t, &c->k->nohz_full);
	if (rc < 0) {
		f_set(f, NOHZ_FAIL, "/proc/cmdline has nohz_full=%s, which the kernel "
		      "cannot parse", raw);
		f_remedy(f, "boot with nohz_full=%s", c->tlist);
		return;
	}
	nohz_cpuset_andnot(&notapp, &req, &c->k->nohz_full);
	if (rc == 1 && !nohz_cpuset_empty(&notapp)) {
		if (!dmesg_line(c, "NO_HZ: Clearing", line, sizeof(line)))
			dmesg_line(c, "Housekeeping: must include", line, sizeof(line));
		f_set(f, NOHZ_FAIL, "requested nohz_full=%s but the kernel applied '%s'%s%s%s",
		      raw, a[0] ? a : "(null)", line[0] ? " (dmesg: \"" : "", line,
		      line[0] ? "\")" : "");
		f_remedy(f, "boot with nohz_full=%s (never the boot CPU)", c->tlist);
		return;
	}
	if (!nohz_cpuset_empty(&miss)) {
		f_set(f, NOHZ_FAIL, "CPUs %s are not nohz_full (%s '%s'%s%s)",
		      nohz_cpuset_format(&miss, b, sizeof(b)),
		      c->k->has_nohz_full_file ? "kernel reports" :
		      "no /sys/devices/system/cpu/nohz_full; requested", c->k->has_nohz_full_file ?
		      (a[0] ? a : "(null)") : (rc == 1 ? raw : ""),
		      rc == 1 ? ", cmdline nohz_full=" : ", no nohz_full= on the cmdline",
		      rc == 1 ? raw : "");
		f_remedy(f, "boot with nohz_full=%s", c->tlist);
		return;
	}
	dmesg_line(c, "NO_HZ: Full dynticks CPUs", line, sizeof(line));
	f_set(f, NOHZ_PASS, "/sys/devices/system/cpu/nohz_full = %s%s%s%s", a,
	      line[0] ? " (dmesg: \"" : "", line, line[0] ? "\")" : "");
}

/* isolated_partitions - cpus in cgroup v2 cpusets whose partition is
 * isolated; their names go to names */
static void isolated_partitions(struct check_ctx *c, struct nohz_cpuset *out,
				char *names, size_t len)
{
	static const char *const roots[] = { "/sys/fs/cgroup", "/sys/fs/cgroup/unified" };
	struct strbuf sb;

	sb_init(&sb, names, len);
	nohz_cpuset_zero(out);
	for (size_t i = 0; i < ARRAY_SIZE(roots); i++) {
		char path[512], buf[64], b[256];
		struct dirent *de;
		DIR *d = nohz_sys_opendir(c->sys, roots[i]);

		if (!d)
			continue;
		while ((de = readdir(d))) {
			struct nohz_cpuset s;

			if (de->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%s/cpuset.cpus.partition", roots[i],
				 de->d_name);
			if (nohz_sys_read(c->sys, path, buf, sizeof(buf)) <= 0 ||
			    strncmp(buf, "isolated", 8))
				continue;
			snprintf(path, sizeof(path), "%s/%s/cpuset.cpus.effective", roots[i],
				 de->d_name);
			if (nohz_sys_read_cpuset(c->sys, path, &s) == 0) {
				nohz_cpuset_or(out, out, &s);
				sb_item(&sb, ", ", "%s (%s)", de->d_name,
					nohz_cpuset_format(&s, b, sizeof(b)));
			}
		}
		closedir(d);
	}
	sb_finish(&sb);
}

void check_boot_isolcpus(struct check_ctx *c, struct nohz_finding *f)
{
	struct nohz_cpuset part, covered, miss;
	struct nohz_isolcpus iso = { 0 };
	char raw[1024] = "", a[2048], b[2048], parts[512];
	int rc = nohz_cmdline_param(c->k->cmdline, "isolcpus", raw, sizeof(raw));

	isolated_partitions(c, &part, parts, sizeof(parts));
	nohz_cpuset_or(&covered, &c->k->isolated, &part);
	nohz_cpuset_andnot(&miss, &c->t, &covered);
	nohz_cpuset_format(&c->k->isolated, a, sizeof(a));
	if (rc == 1 && nohz_isolcpus_parse(raw, &iso, NULL, 0) < 0) {
		f_set(f, NOHZ_FAIL, "/proc/cmdline has isolcpus=%s, which does not parse", raw);
		f_remedy(f, "boot with isolcpus=managed_irq,domain,%s", c->tlist);
		return;
	}
	if (!nohz_cpuset_empty(&miss)) {
		f_set(f, NOHZ_WARN, "CPUs %s are not isolated from the scheduler "
		      "(sysfs isolated '%s'%s%s): other tasks can be balanced onto them",
		      nohz_cpuset_format(&miss, b, sizeof(b)), a,
		      rc == 1 ? ", cmdline isolcpus=" : ", no isolcpus= on the cmdline",
		      rc == 1 ? raw : "");
		f_remedy(f, "boot with isolcpus=managed_irq,domain,%s, or put the CPUs in an "
			 "isolated cgroup v2 cpuset partition", c->tlist);
		return;
	}
	f_set(f, NOHZ_PASS, "%s%s%s%s%s%s", a[0] ? "sysfs isolated " : "", a,
	      !nohz_cpuset_empty(&part) ? (a[0] ? "; isolated cpuset partitions " :
					   "isolated cpuset partitions ") : "",
	      !nohz_cpuset_empty(&part) ? parts : "",
	      rc == 1 ? "; isolcpus=" : "", rc == 1 ? raw : "");
	if (rc == 1 && !iso.managed_irq) {
		f->verdict = NOHZ_WARN;
		strncat(f->evidence, "; managed_irq flag missing: managed device IRQs may "
			"still land on isolated CPUs", sizeof(f->evidence) - strlen(f->evidence) - 1);
		f_remedy(f, "boot with isolcpus=managed_irq,domain,%s", c->tlist);
	}
}

void check_boot_rcu_nocbs(struct check_ctx *c, struct nohz_finding *f)
{
	struct nohz_cpuset req, off, miss;
	char raw[1024], line[256], b[2048], why[128] = "", v[8];
	int rc = cmdline_cpus(c, "rcu_nocbs", &req, raw, sizeof(raw));
	bool have_dmesg = dmesg_line(c, "Offload RCU callbacks from CPUs:", line, sizeof(line));
	/* a bare "rcu_nocbs" offloads no CPU at boot: it only lets CPUs be
	 * offloaded at run time (rcu_nocb_setup) */
	bool bare = rc == 1 && !raw[0];

	if (rc < 0) {
		f_set(f, NOHZ_FAIL, "/proc/cmdline has rcu_nocbs=%s, which the kernel "
		      "cannot parse", raw);
		f_remedy(f, "boot with rcu_nocbs=%s", c->tlist);
		return;
	}
	/* what the kernel applied: its boot line, else rcu_init_nohz() redone */
	kernel_rcu_nocbs(c->sys, c->k, c->dmesg, &off);
	if (!have_dmesg && !(rc == 1 && nohz_cpuset_subset(&c->t, &req))) {
		if (nohz_cpuset_subset(&c->t, &c->k->nohz_full))
			snprintf(why, sizeof(why), "implied by nohz_full (CONFIG_RCU_NOCB_CPU=y)");
		else if (nohz_kconfig(c->sys, "RCU_NOCB_CPU_DEFAULT_ALL", v, sizeof(v)) == 1 &&
			 v[0] == 'y')
			snprintf(why, sizeof(why), "CONFIG_RCU_NOCB_CPU_DEFAULT_ALL=y");
	}
	nohz_cpuset_andnot(&miss, &c->t, &off);
	if (nohz_cpuset_empty(&miss)) {
		struct strbuf sb;

		sb_init(&sb, f->evidence, sizeof(f->evidence));
		if (rc == 1)
			sb_item(&sb, "; ", bare ? "rcu_nocbs (bare)" : "rcu_nocbs=%s", raw);
		if (have_dmesg)
			sb_item(&sb, "; ", "dmesg: %s", line);
		if (why[0])
			sb_item(&sb, "; ", "%s", why);
		f->verdict = NOHZ_PASS;
		return;
	}
	f_set(f, NOHZ_FAIL, "RCU callbacks are not offloaded from CPUs %s (%s%s%s)",
	      nohz_cpuset_format(&miss, b, sizeof(b)),
	      bare ? "a bare rcu_nocbs offloads no CPU at boot" :
	      rc == 1 ? "rcu_nocbs=" : "no rcu_nocbs= on the cmdline",
	      rc == 1 && !bare ? raw : "", have_dmesg ? "" : ", no offload line in dmesg");
	f_remedy(f, "boot with rcu_nocbs=%s (and move the rcuo* kthreads to %s)",
		 c->tlist, c->hklist);
}

void check_boot_extras(struct check_ctx *c, struct nohz_finding *f)
{
	struct strbuf sb, rb;
	char val[1024], b[2048];
	struct nohz_cpuset ia;
	int warn = 0;

	sb_init(&sb, f->evidence, sizeof(f->evidence));
	sb_init(&rb, f->remedy, sizeof(f->remedy));
	if (nohz_cmdline_param(c->k->cmdline, "idle", val, sizeof(val)) == 1 &&
	    !strcmp(val, "poll")) {
		sb_item(&sb, "; ", "idle=poll keeps a full-rate tick on idle isolated CPUs");
		sb_item(&rb, "; ", "drop idle=poll");
		warn++;
	}
	if (nohz_cmdline_param(c->k->cmdline, "irqaffinity", val, sizeof(val)) == 1) {
		if (nohz_cpuset_parse(&ia, val, NULL, 0) == 0 &&
		    nohz_cpuset_intersects(&ia, &c->t)) {
			nohz_cpuset_and(&ia, &ia, &c->t);
			sb_item(&sb, "; ", "irqaffinity=%s includes target CPUs %s", val,
				nohz_cpuset_format(&ia, b, sizeof(b)));
			sb_item(&rb, "; ", "boot with irqaffinity=%s", c->hklist);
			warn++;
		} else {
			sb_item(&sb, "; ", "irqaffinity=%s", val);
		}
	} else {
		sb_item(&sb, "; ", "no irqaffinity= (new IRQs may start on target CPUs)");
		sb_item(&rb, "; ", "boot with irqaffinity=%s", c->hklist);
		warn++;
	}
	{
		/* key looked for, and the word tuning profiles put on the cmdline */
		static const struct { const char *key, *word; } nice[] = {
			{ "skew_tick", "skew_tick=1" },
			{ "tsc", "tsc=reliable" },
			{ "nosoftlockup", "nosoftlockup" },
		};
		char have[128] = "", miss[128] = "";

		for (size_t i = 0; i < ARRAY_SIZE(nice); i++) {
			bool on = nohz_cmdline_param(c->k->cmdline, nice[i].key, NULL, 0) >= 0;
			char *dst = on ? have : miss;

			snprintf(dst + strlen(dst), 128 - strlen(dst), "%s%s", *dst ? " " : "",
				 nice[i].word);
		}
		if (have[0])
			sb_item(&sb, "; ", "has %s", have);
		if (miss[0])
			sb_item(&sb, "; ", "tuning profiles also set %s", miss);
	}
	sb_finish(&sb);
	f->verdict = warn ? NOHZ_WARN : NOHZ_PASS;
}
