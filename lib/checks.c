// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * checks.c - the table of static isolation checks and the report.
 *
 * Adding a check is adding a row here and its function in checks_*.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static const struct check {
	const char *id;
	const char *group;
	const char *title;
	check_fn fn;
} checks[] = {
	{ "kernel.config", "kernel", "kernel built with full dynticks", check_kernel_config },
	{ "kernel.hz", "kernel", "tick rate (CONFIG_HZ)", check_kernel_hz },
	{ "cpu.online", "cpu", "target CPUs online", check_cpu_online },
	{ "cpu.housekeeping", "cpu", "housekeeping CPUs left (per NUMA node)", check_cpu_housekeeping },
	{ "cpu.smt", "cpu", "SMT siblings of target CPUs", check_cpu_smt },
	{ "boot.nohz_full", "boot", "nohz_full applied to the target CPUs", check_boot_nohz_full },
	{ "boot.isolcpus", "boot", "target CPUs isolated from the scheduler", check_boot_isolcpus },
	{ "boot.rcu_nocbs", "boot", "RCU callbacks offloaded from target CPUs", check_boot_rcu_nocbs },
	{ "boot.extras", "boot", "other boot options (idle, irqaffinity, ...)", check_boot_extras },
	{ "irq.affinity", "irq", "device IRQs kept off target CPUs", check_irq_affinity },
	{ "irq.default_affinity", "irq", "default affinity of new IRQs", check_irq_default },
	{ "irq.irqbalance", "irq", "irqbalance keeps off target CPUs", check_irq_irqbalance },
	{ "work.cpumask", "work", "unbound workqueue cpumask", check_work_cpumask },
	{ "work.writeback", "work", "writeback workqueue cpumask", check_work_writeback },
	{ "work.unbound", "work", "per-workqueue cpumasks", check_work_unbound },
	{ "threads.kthreads", "threads", "unbound kernel threads kept off target CPUs", check_threads_kthreads },
	{ "threads.user", "threads", "user threads kept off target CPUs", check_threads_user },
	{ "threads.runnable", "threads", "at most one runnable thread per target CPU", check_threads_runnable },
	{ "sysctl.stat_interval", "sysctl", "vmstat update interval", check_sysctl_stat_interval },
	{ "sysctl.watchdog", "sysctl", "lockup watchdog off target CPUs", check_sysctl_watchdog },
	{ "sysctl.timer_migration", "sysctl", "timer migration", check_sysctl_timer_migration },
	{ "sysctl.rt_runtime", "sysctl", "RT throttling", check_sysctl_rt_runtime },
	{ "sysctl.numa_balancing", "sysctl", "automatic NUMA balancing", check_sysctl_numa_balancing },
	{ "clocksource", "clock", "clocksource", check_clocksource },
	{ "power.governor", "power", "cpufreq governor of target CPUs", check_power_governor },
	{ "power.cpuidle", "power", "deep idle states of target CPUs", check_power_cpuidle },
	{ "mm.thp", "mm", "transparent hugepages and KSM", check_mm_thp },
	{ "mm.mce", "mm", "machine check polling", check_mm_mce },
	{ "tuned", "tuned", "tuned profile intent vs applied", check_tuned },
};

size_t nohz_checks_count(void)
{
	return ARRAY_SIZE(checks);
}

const char *nohz_check_id(size_t i)
{
	return i < ARRAY_SIZE(checks) ? checks[i].id : NULL;
}

const char *nohz_check_title(size_t i)
{
	return i < ARRAY_SIZE(checks) ? checks[i].title : NULL;
}

const char *nohz_verdict_name(enum nohz_verdict v)
{
	switch (v) {
	case NOHZ_PASS: return "PASS";
	case NOHZ_SKIP: return "SKIP";
	case NOHZ_WARN: return "WARN";
	case NOHZ_FAIL: return "FAIL";
	}
	return "?";
}

void f_set(struct nohz_finding *f, enum nohz_verdict v, const char *fmt, ...)
{
	va_list ap;

	f->verdict = v;
	va_start(ap, fmt);
	vsnprintf(f->evidence, sizeof(f->evidence), fmt, ap);
	va_end(ap);
}

void f_prefix(struct nohz_finding *f, enum nohz_verdict v, const char *fmt, ...)
{
	char pre[NOHZ_EVIDENCE_LEN];
	size_t pl, el = strlen(f->evidence);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(pre, sizeof(pre), fmt, ap);
	va_end(ap);
	pl = strlen(pre);
	/* callers keep NOHZ_PREFIX_ROOM free; cut only as a last resort */
	if (pl + el >= sizeof(f->evidence))
		el = sizeof(f->evidence) - 1 - pl;
	memmove(f->evidence + pl, f->evidence, el);
	memcpy(f->evidence, pre, pl);
	f->evidence[pl + el] = '\0';
	f->verdict = v;
}

void f_remedy(struct nohz_finding *f, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(f->remedy, sizeof(f->remedy), fmt, ap);
	va_end(ap);
}

struct nohz_finding *nohz_report_add(struct nohz_report *r, const char *id,
				     const char *title, const char *group,
				     enum nohz_verdict v)
{
	struct nohz_finding *f;

	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 64;
		struct nohz_finding *nf = realloc(r->f, cap * sizeof(*nf));

		if (!nf)
			return NULL;
		r->f = nf;
		r->cap = cap;
	}
	f = &r->f[r->n++];
	memset(f, 0, sizeof(*f));
	f->id = id;
	f->title = title;
	f->group = group;
	f->verdict = v;
	return f;
}

enum nohz_verdict nohz_report_verdict(const struct nohz_report *r)
{
	enum nohz_verdict v = NOHZ_PASS;

	for (size_t i = 0; i < r->n; i++)
		if (r->f[i].verdict > v)
			v = r->f[i].verdict;
	return v == NOHZ_SKIP ? NOHZ_PASS : v;
}

const struct nohz_finding *nohz_report_find(const struct nohz_report *r,
					    const char *id)
{
	for (size_t i = 0; i < r->n; i++)
		if (!strcmp(r->f[i].id, id))
			return &r->f[i];
	return NULL;
}

void nohz_report_free(struct nohz_report *r)
{
	free(r->f);
	r->f = NULL;
	r->n = r->cap = 0;
}

static int collect_thread(const struct nohz_thread *t, void *arg)
{
	struct check_ctx *c = arg;

	if (c->nthreads % 256 == 0) {
		struct nohz_thread *nt = realloc(c->threads,
						 (c->nthreads + 256) * sizeof(*nt));
		if (!nt)
			return 1;
		c->threads = nt;
	}
	c->threads[c->nthreads++] = *t;
	return 0;
}

/* by process, then thread: reports list the same order on any filesystem */
static int cmp_thread(const void *a, const void *b)
{
	const struct nohz_thread *x = a, *y = b;

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return x->stat.tid < y->stat.tid ? -1 : x->stat.tid > y->stat.tid;
}

int nohz_checks_run(struct nohz_sys *sys, const struct nohz_cpuset *targets,
		    struct nohz_report *r)
{
	struct check_ctx *c = calloc(1, sizeof(*c));
	int rc;

	if (!c)
		return -ENOMEM;
	rc = nohz_kernel_read(sys, &r->kernel);
	if (rc < 0) {
		free(c);
		return rc;
	}
	r->targets = *targets;
	c->sys = sys;
	c->k = &r->kernel;
	c->t = *targets;
	nohz_cpuset_andnot(&c->hk, &r->kernel.online, targets);
	nohz_cpuset_format(&c->t, c->tlist, sizeof(c->tlist));
	nohz_cpuset_format(&c->hk, c->hklist, sizeof(c->hklist));
	nohz_cpuset_format_mask(&c->hk, c->hkmask, sizeof(c->hkmask));
	sys_dmesg(sys, &c->dmesg);
	c->threads_ok = nohz_threads_each(sys, collect_thread, c) == 0;
	if (c->nthreads)
		qsort(c->threads, c->nthreads, sizeof(*c->threads), cmp_thread);

	for (size_t i = 0; i < ARRAY_SIZE(checks); i++) {
		struct nohz_finding *f = nohz_report_add(r, checks[i].id, checks[i].title,
							 checks[i].group, NOHZ_PASS);
		if (!f) {
			rc = -ENOMEM;
			break;
		}
		checks[i].fn(c, f);
	}
	free(c->dmesg);
	free(c->threads);
	free(c);
	return rc;
}
