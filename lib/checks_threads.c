// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * checks_threads.c - which threads may run on the target CPUs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* allowed_on_targets - thread may be scheduled on a target CPU */
static bool allowed_on_targets(struct check_ctx *c, const struct nohz_thread *t)
{
	return nohz_cpuset_intersects(&t->status.cpus_allowed, &c->t);
}

/* A per-CPU kthread bound to one CPU is expected there. */
static bool bound_percpu(const struct nohz_thread *t)
{
	return nohz_cpuset_count(&t->status.cpus_allowed) == 1 &&
	       nohz_kthread_percpu(t->stat.comm);
}

static void thread_scan_skip(struct check_ctx *c, struct nohz_finding *f)
{
	f_set(f, NOHZ_SKIP, "/proc has no readable threads under %s",
	      nohz_sys_root(c->sys));
}

void check_threads_kthreads(struct check_ctx *c, struct nohz_finding *f)
{
	struct strbuf sb, rb;
	char pids[NOHZ_REMEDY_LEN];
	int bad = 0, seen = 0, fixed = 0;

	if (!c->threads_ok || !c->nthreads)
		return thread_scan_skip(c, f);
	sb_init(&sb, f->evidence, sizeof(f->evidence) - NOHZ_PREFIX_ROOM);
	sb_init(&rb, pids, sizeof(pids) - 64);
	for (size_t i = 0; i < c->nthreads; i++) {
		const struct nohz_thread *t = &c->threads[i];
		char b[256];

		if (!t->kthread)
			continue;
		seen++;
		if (!allowed_on_targets(c, t) || bound_percpu(t))
			continue;
		/* per-CPU kthreads bound to a CPU other than a target are fine too */
		if (nohz_cpuset_count(&t->status.cpus_allowed) == 1 &&
		    !nohz_cpuset_intersects(&t->status.cpus_allowed, &c->t))
			continue;
		/* per-CPU kthreads parked on a CPU are not movable */
		if (nohz_kthread_percpu(t->stat.comm))
			continue;
		/* nor are workqueue rescuers and others the kernel keeps wide; they
		 * sleep unless memory is short, so they are counted, not failed */
		if (t->stat.flags & NOHZ_PF_NO_SETAFFINITY) {
			fixed++;
			continue;
		}
		bad++;
		sb_item(&sb, ", ", "%s (pid %d, cpus %s)", t->stat.comm, t->stat.tid,
			nohz_cpuset_format(&t->status.cpus_allowed, b, sizeof(b)));
		sb_item(&rb, " ", "%d", t->stat.tid);
	}
	sb_finish(&sb);
	if (!bad) {
		f_set(f, NOHZ_PASS, "%d kernel threads; none movable left on %s", seen,
		      c->tlist);
		if (fixed)
			snprintf(f->evidence + strlen(f->evidence),
				 sizeof(f->evidence) - strlen(f->evidence),
				 " (%d more the kernel keeps wide: PF_NO_SETAFFINITY)", fixed);
		return;
	}
	{
		f_prefix(f, NOHZ_FAIL, "%d unbound kernel threads may run on target "
			 "CPUs: ", bad);
	}
	f_remedy(f, "for p in %s; do taskset -pc %s $p; done%s (rcuo* threads: also "
		 "boot with rcu_nocbs=%s; kworker/u*: set the workqueue cpumask)", pids,
		 c->hklist, rb.dropped ? "; more threads than listed: run the check again "
		 "after these" : "", c->tlist);
}

void check_threads_user(struct check_ctx *c, struct nohz_finding *f)
{
	struct strbuf sb;
	int bad = 0, seen = 0;
	pid_t last_pid = 0;
	const char *leader = "";

	if (!c->threads_ok || !c->nthreads)
		return thread_scan_skip(c, f);
	sb_init(&sb, f->evidence, sizeof(f->evidence) - NOHZ_PREFIX_ROOM);
	for (size_t i = 0; i < c->nthreads; i++) {
		const struct nohz_thread *t = &c->threads[i];

		if (t->stat.tid == t->pid)
			leader = t->stat.comm;	/* sorted: the leader comes first */
		if (t->kthread)
			continue;
		seen++;
		/* a thread pinned inside the targets is the workload itself */
		if (!allowed_on_targets(c, t) ||
		    nohz_cpuset_subset(&t->status.cpus_allowed, &c->t))
			continue;
		/* report a process once, when any of its threads may float */
		if (t->pid == last_pid)
			continue;
		last_pid = t->pid;
		bad++;
		sb_item(&sb, ", ", "%s (pid %d)", t->stat.tid == t->pid || !leader[0] ?
			t->stat.comm : leader, t->pid);
	}
	sb_finish(&sb);
	if (!bad) {
		f_set(f, NOHZ_PASS, "%d user threads; none may float onto %s", seen, c->tlist);
		return;
	}
	{
		f_prefix(f, NOHZ_WARN, "%d processes may be scheduled on target CPUs "
			 "as well as elsewhere: ", bad);
	}
	f_remedy(f, "confine them: systemctl set-property --runtime -- {init,system,user}.slice "
		 "AllowedCPUs=%s (or CPUAffinity=%s in /etc/systemd/system.conf; "
		 "taskset -apc %s PID)", c->hklist, c->hklist, c->hklist);
}

void check_threads_runnable(struct check_ctx *c, struct nohz_finding *f)
{
	struct strbuf sb;
	int cpu, bad = 0, *running;

	if (!c->threads_ok || !c->nthreads)
		return thread_scan_skip(c, f);
	running = calloc(NOHZ_MAX_CPUS, sizeof(*running));
	if (!running)
		return;
	for (size_t i = 0; i < c->nthreads; i++) {
		const struct nohz_thread *t = &c->threads[i];

		if (t->stat.state == 'R' && t->stat.processor >= 0 &&
		    t->stat.processor < NOHZ_MAX_CPUS)
			running[t->stat.processor]++;
	}
	sb_init(&sb, f->evidence, sizeof(f->evidence) - NOHZ_PREFIX_ROOM);
	nohz_cpuset_for_each(cpu, &c->t)
		if (running[cpu] > 1) {
			sb_item(&sb, ", ", "CPU %d: %d runnable", cpu, running[cpu]);
			bad++;
		}
	sb_finish(&sb);
	free(running);
	if (bad) {
		f_prefix(f, NOHZ_WARN, "more than one runnable thread (the tick "
			 "stays for SCHED): ");
		f_remedy(f, "run one thread per isolated CPU; move the others with taskset");
		return;
	}
	f_set(f, NOHZ_PASS, "at most one runnable thread on each of %s at scan time",
	      c->tlist);
}
