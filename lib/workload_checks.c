// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * workload_checks.c - is the application isolated: the workload.* findings,
 * each with what was seen and the command that fixes it.
 *
 * "Isolated" cpus are those the kernel runs tickless (nohz_full) or keeps
 * out of the scheduler domains (isolated, also an isolated v2 partition);
 * every other online cpu is housekeeping.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

#define GROUP "workload"

struct wl_ctx {
	struct nohz_sys *sys;
	const struct nohz_workload *w;
	const struct nohz_kernel *k;
	struct nohz_cpuset iso;		/* isolated cpus */
	struct nohz_cpuset hk;		/* online minus iso */
	char isolist[512], hklist[512], cpulist[512];
	struct nohz_cpuset pool;	/* cpus for busy workload threads */
	char quietlist[512];		/* where its quiet threads go, "" none */
	char foreignlist[512];		/* where other programs' threads go */
	char iso_from[700];		/* "nohz_full 2-7, isolated 2-7" */
};

static bool is_rt(const struct nohz_wl_thread *t)
{
	return t->policy == 1 || t->policy == 2;	/* SCHED_FIFO, SCHED_RR */
}

/* boot_remedy - the boot options that would isolate cpus for the workload */
static void boot_remedy(const struct wl_ctx *c, struct nohz_finding *f, const char *then)
{
	struct nohz_cpuset want = c->w->cpus;
	int first = nohz_cpuset_next(&c->k->online, -1);
	char b[512];

	/* the boot cpu stays housekeeping */
	if (first >= 0)
		nohz_cpuset_clear(&want, first);
	if (nohz_cpuset_empty(&want)) {
		want = c->k->online;
		if (first >= 0)
			nohz_cpuset_clear(&want, first);
	}
	nohz_cpuset_format(&want, b, sizeof(b));
	f_remedy(f, "no CPU is isolated on this host: boot with nohz_full=%s "
		 "isolcpus=domain,managed_irq,%s rcu_nocbs=%s (CPUs for the workload, "
		 "never the boot CPU)%s", b, b, b, then);
}

/* cpuset_remedy - how to give the workload the cpus want */
static void cpuset_remedy(const struct wl_ctx *c, struct nohz_finding *f, const char *want)
{
	const struct nohz_workload *w = c->w;
	const struct nohz_cgroup_info *ci = &w->container;
	char cmd[1200] = "";

	if (w->kind == NOHZ_WL_PID && !w->has_cpuset) {
		f_remedy(f, "taskset -apc %s %d", want, (int)w->pid);
		return;
	}
	if (ci->id[0] && (!strcmp(ci->runtime, "docker") || !strcmp(ci->runtime, "podman")))
		snprintf(cmd, sizeof(cmd), "%s update --cpuset-cpus %s %.12s; or ",
			 ci->runtime, want, ci->id);
	else if (ci->pod[0] || !strcmp(ci->runtime, "kubepods"))
		snprintf(cmd, sizeof(cmd), "kubelet --cpu-manager-policy=static "
			 "--reserved-cpus=%s and a Guaranteed pod with whole CPUs; or ",
			 c->hklist[0] ? c->hklist : "0");
	if (w->kind == NOHZ_WL_PID)
		f_remedy(f, "taskset -apc %s %d (its cgroup %s allows %s: %secho %s > "
			 "%s/cpuset.cpus)", want, (int)w->pid, w->cg_path, c->cpulist, cmd,
			 want, w->cg_dir);
	else
		f_remedy(f, "%secho %s > %s/cpuset.cpus", cmd, want, w->cg_dir);
}

static void check_housekeeping(struct wl_ctx *c, struct nohz_finding *f)
{
	const struct nohz_workload *w = c->w;
	struct nohz_cpuset bad, want;
	char b[512], wl[512];

	if (nohz_cpuset_empty(&w->cpus)) {
		f_set(f, NOHZ_SKIP, "the workload has no CPU (%s is empty)", w->cpus_from);
		return;
	}
	nohz_cpuset_and(&bad, &w->cpus, &c->hk);
	if (nohz_cpuset_empty(&c->iso)) {
		f_set(f, NOHZ_FAIL, "CPUs %s (%s) are all housekeeping CPUs: nohz_full "
		      "and isolated are empty", c->cpulist, w->cpus_from);
		boot_remedy(c, f, "");
		return;
	}
	if (nohz_cpuset_empty(&bad)) {
		f_set(f, NOHZ_PASS, "CPUs %s (%s) are all isolated (%s)", c->cpulist,
		      w->cpus_from, c->iso_from);
		return;
	}
	f_set(f, NOHZ_FAIL, "CPUs %s (%s) include housekeeping CPU %s (isolated: %s)",
	      c->cpulist, w->cpus_from, nohz_cpuset_format(&bad, b, sizeof(b)), c->iso_from);
	nohz_cpuset_and(&want, &w->cpus, &c->iso);
	if (nohz_cpuset_empty(&want))
		want = c->iso;
	cpuset_remedy(c, f, nohz_cpuset_format(&want, wl, sizeof(wl)));
}

static void check_affinity(struct wl_ctx *c, struct nohz_finding *f)
{
	const struct nohz_workload *w = c->w;
	struct strbuf sb, rb;
	int bad = 0;

	if (nohz_cpuset_empty(&c->iso)) {
		f_set(f, NOHZ_FAIL, "no CPU is isolated on this host (nohz_full and isolated "
		      "are empty): the %zu threads run on housekeeping CPUs", w->n);
		boot_remedy(c, f, ", then pin each thread to one of them (taskset -pc CPU TID)");
		return;
	}
	sb_init(&sb, f->evidence, sizeof(f->evidence));
	sb_init(&rb, f->remedy, sizeof(f->remedy));
	for (size_t i = 0; i < w->n; i++) {
		const struct nohz_wl_thread *t = &w->t[i];
		struct nohz_cpuset want;
		char a[256], b[256];

		if (nohz_cpuset_subset(&t->allowed, &c->iso))
			continue;
		bad++;
		sb_item(&sb, ", ", "%s/%d on %s", t->comm, (int)t->tid,
			nohz_cpuset_format(&t->allowed, a, sizeof(a)));
		nohz_cpuset_and(&want, &t->allowed, &c->iso);
		if (nohz_cpuset_empty(&want))
			nohz_cpuset_and(&want, &w->cpus, &c->iso);
		if (nohz_cpuset_empty(&want))
			want = c->iso;
		sb_item(&rb, "; ", "taskset -pc %s %d", nohz_cpuset_format(&want, b, sizeof(b)),
			(int)t->tid);
	}
	sb_finish(&sb);
	sb_finish_note(&rb, "threads");
	if (!bad) {
		f_set(f, NOHZ_PASS, "all %zu threads may run only on isolated CPUs (%s)", w->n,
		      c->iso_from);
		return;
	}
	f_prefix(f, NOHZ_FAIL, "%d of %zu threads may run on housekeeping CPUs (isolated: "
		 "%s): ", bad, w->n, c->isolist);
}

/* thread_busy - runnable when sampled, or on a cpu for more than share of
 * the window */
static bool thread_busy(const struct nohz_workload *w, const struct nohz_wl_thread *t,
			double share)
{
	long hz = sysconf(_SC_CLK_TCK);

	return t->state == 'R' ||
	       (w->window > 0 && hz > 0 && t->cpu_delta > share * hz * w->window);
}

/* cpu_taken - a busy thread of the workload is pinned to cpu alone */
static bool cpu_taken(const struct nohz_workload *w, int cpu)
{
	for (size_t i = 0; i < w->n; i++) {
		const struct nohz_wl_thread *t = &w->t[i];

		if (nohz_cpuset_count(&t->allowed) == 1 && nohz_cpuset_isset(&t->allowed, cpu) &&
		    thread_busy(w, t, 0.1))
			return true;
	}
	return false;
}

/* run_count - threads seen runnable on cpu by one sample */
static unsigned int run_count(const struct nohz_workload *w, unsigned int sample, int cpu)
{
	unsigned int n = 0;

	for (size_t i = 0; i < w->nrun; i++)
		n += w->run[i].cpu == cpu && w->run[i].sample == sample;
	return n;
}

/* move_quiet - a thread of the workload that needs no cpu of its own: to
 * housekeeping cpus its cpuset allows, else onto the last workload cpu */
static void move_quiet(const struct wl_ctx *c, struct strbuf *rb, pid_t tid)
{
	if (c->quietlist[0])
		sb_item(rb, "; ", "taskset -pc %s %d", c->quietlist, (int)tid);
	else
		sb_item(rb, "; ", "taskset -pc %d %d", nohz_cpuset_last(&c->pool), (int)tid);
}

/* move_foreign - a thread of another program: off the workload's cpus */
static void move_foreign(const struct wl_ctx *c, struct strbuf *rb, pid_t tid)
{
	if (c->foreignlist[0])
		sb_item(rb, "; ", "taskset -pc %s %d", c->foreignlist, (int)tid);
	else
		sb_item(rb, "; ", "taskset -pc CPU %d (a CPU outside the workload's: it has "
			"every online CPU now)", (int)tid);
}

static void check_pinned(struct wl_ctx *c, struct nohz_finding *f)
{
	const struct nohz_workload *w = c->w;
	struct nohz_cpuset free_cpus = c->pool;
	struct strbuf sb, rb;
	int bad = 0, cpu = -1;

	/* a free isolated cpu each for busy threads, the quiet ones elsewhere */
	nohz_cpuset_for_each(cpu, &c->pool)
		if (cpu_taken(w, cpu))
			nohz_cpuset_clear(&free_cpus, cpu);
	cpu = -1;
	sb_init(&sb, f->evidence, sizeof(f->evidence));
	sb_init(&rb, f->remedy, sizeof(f->remedy));
	for (size_t i = 0; i < w->n; i++) {
		const struct nohz_wl_thread *t = &w->t[i];
		bool busy = thread_busy(w, t, 0.1);
		char a[256];

		if (nohz_cpuset_count(&t->allowed) <= 1)
			continue;
		bad++;
		sb_item(&sb, ", ", "%s/%d may move across %s", t->comm, (int)t->tid,
			nohz_cpuset_format(&t->allowed, a, sizeof(a)));
		if (busy && (cpu = nohz_cpuset_next(&free_cpus, cpu)) >= 0)
			sb_item(&rb, "; ", "taskset -pc %d %d", cpu, (int)t->tid);
		else
			move_quiet(c, &rb, t->tid);
	}
	sb_finish(&sb);
	sb_finish_note(&rb, "threads");
	if (!bad) {
		f_set(f, NOHZ_PASS, "each of the %zu threads is pinned to one CPU", w->n);
		return;
	}
	f_prefix(f, NOHZ_WARN, "%d of %zu threads are not pinned to one CPU: ", bad, w->n);
	if (rb.len + 120 < rb.cap)
		sb_printf(&rb, " (a busy thread gets a free CPU of its own, %s)",
			  c->quietlist[0] ? "quiet ones housekeeping CPUs" :
			  "quiet ones share the last: no housekeeping CPU in its cpuset");
}

static void check_runnable(struct wl_ctx *c, struct nohz_finding *f)
{
	const struct nohz_workload *w = c->w;
	struct strbuf sb, rb;
	int cpu, bad = 0, always = 0;

	if (!w->samples) {
		f_set(f, NOHZ_SKIP, "no sample of the runnable threads was taken");
		return;
	}
	sb_init(&sb, f->evidence, sizeof(f->evidence));
	sb_init(&rb, f->remedy, sizeof(f->remedy));
	nohz_cpuset_for_each(cpu, &w->cpus) {
		unsigned int nbad = 0, most = 0, worst = 0;
		pid_t keep = 0;
		int free_cpu = -1;
		size_t k = 0;

		for (unsigned int s = 0; s < w->samples; s++) {
			unsigned int n = run_count(w, s, cpu);

			nbad += n > 1;
			if (n > most) {
				most = n;
				worst = s;
			}
		}
		if (!nbad)
			continue;
		bad++;
		always += nbad == w->samples;
		/* of the worst sample, keep a thread of the workload, move the rest */
		for (size_t i = 0; i < w->nrun && !keep; i++)
			if (w->run[i].cpu == cpu && w->run[i].sample == worst && w->run[i].own)
				keep = w->run[i].tid;
		sb_item(&sb, ", ", "CPU %d: %u runnable in %u of %u samples (", cpu, most, nbad,
			w->samples);
		for (size_t i = 0; i < w->nrun; i++) {
			const struct nohz_wl_runnable *r = &w->run[i];

			if (r->cpu != cpu || r->sample != worst)
				continue;
			sb_printf(&sb, "%s%s/%d%s", k++ ? ", " : "", r->comm, (int)r->tid,
				  r->own ? "" : " not of the workload");
			if (!keep)
				keep = r->tid;
			if (r->tid == keep)
				continue;
			if (!r->own) {
				move_foreign(c, &rb, r->tid);
				continue;
			}
			/* an isolated workload cpu with nothing runnable or taken */
			do
				free_cpu = nohz_cpuset_next(&c->pool, free_cpu);
			while (free_cpu >= 0 && (free_cpu == cpu || cpu_taken(w, free_cpu) ||
						 run_count(w, worst, free_cpu)));
			if (free_cpu >= 0)
				sb_item(&rb, "; ", "taskset -pc %d %d", free_cpu, (int)r->tid);
			else
				move_quiet(c, &rb, r->tid);
		}
		sb_printf(&sb, ")");
	}
	sb_finish(&sb);
	sb_finish_note(&rb, "threads");
	if (!bad) {
		f_set(f, NOHZ_PASS, "at most one runnable thread on each of CPUs %s "
		      "(%u sample%s)", c->cpulist, w->samples, w->samples > 1 ? "s" : "");
		return;
	}
	/* seen at both ends of the window: it lasts, the tick stays (SCHED) */
	f_prefix(f, always == bad && w->samples > 1 ? NOHZ_FAIL : NOHZ_WARN,
		 "more than one runnable thread on %d CPU%s (the tick stays on for SCHED): ",
		 bad, bad > 1 ? "s" : "");
	if (rb.len + 60 < rb.cap)
		sb_printf(&rb, " (one runnable thread per isolated CPU)");
}

/*
 * check_policy_busy_rt - an RT thread that never sleeps starves the per-CPU
 * kernel threads of its cpu (ksoftirqd, kworkers, RCU) whenever they need
 * it; busy polling alone on an isolated cpu needs no RT priority
 */
static void check_policy_busy_rt(struct wl_ctx *c, struct nohz_finding *f)
{
	const struct nohz_workload *w = c->w;
	char busy[NOHZ_EVIDENCE_LEN];
	struct strbuf sb, rb;
	int n = 0;

	sb_init(&sb, busy, sizeof(busy));
	sb_init(&rb, f->remedy, sizeof(f->remedy));
	for (size_t i = 0; i < w->n; i++) {
		const struct nohz_wl_thread *t = &w->t[i];

		/* runnable when sampled, or on a cpu most of the window */
		if (!is_rt(t) || t->gone || !thread_busy(w, t, 0.5))
			continue;
		n++;
		sb_item(&sb, ", ", "%s/%d (%s %u, CPU %d)", t->comm, (int)t->tid,
			nohz_sched_policy_name(t->policy), t->rt_priority, t->processor);
		sb_item(&rb, "; ", "chrt -o -p 0 %d", (int)t->tid);
	}
	sb_finish(&sb);
	sb_finish_note(&rb, "threads");
	if (!n) {
		f->remedy[0] = '\0';
		return;
	}
	f_prefix(f, NOHZ_WARN, "%d busy RT thread%s, %s: it starves the per-CPU kernel "
		 "threads of its CPU (ksoftirqd, kworkers) whenever they need it; ", n,
		 n > 1 ? "s" : "", busy);
	if (rb.len + 120 < rb.cap)
		sb_printf(&rb, " (a busy-polling thread alone on an isolated CPU needs no RT "
			  "priority; or keep per-CPU work off its CPU)");
}

static void check_policy(struct wl_ctx *c, struct nohz_finding *f)
{
	const struct nohz_workload *w = c->w;
	struct strbuf sb;
	bool *done = calloc(w->n + 1, sizeof(*done));

	if (!done)
		return;
	sb_init(&sb, f->evidence, sizeof(f->evidence));
	/* one group per policy and priority (nice for the fair classes) */
	for (size_t i = 0; i < w->n; i++) {
		const struct nohz_wl_thread *t = &w->t[i];
		size_t count = 0;

		if (done[i])
			continue;
		if (is_rt(t))
			sb_item(&sb, "; ", "%s %u:", nohz_sched_policy_name(t->policy),
				t->rt_priority);
		else
			sb_item(&sb, "; ", "%s nice %ld:", nohz_sched_policy_name(t->policy),
				t->nice);
		for (size_t j = i; j < w->n; j++) {
			const struct nohz_wl_thread *u = &w->t[j];

			if (done[j] || u->policy != t->policy ||
			    (is_rt(t) ? u->rt_priority != t->rt_priority : u->nice != t->nice))
				continue;
			done[j] = true;
			if (count++ < 6)
				sb_printf(&sb, " %s/%d", u->comm, (int)u->tid);
		}
		if (count > 6)
			sb_printf(&sb, " and %zu more", count - 6);
	}
	sb_finish(&sb);
	free(done);
	f->verdict = w->n ? NOHZ_PASS : NOHZ_SKIP;
	check_policy_busy_rt(c, f);
}

static void check_rt_throttle(struct wl_ctx *c, struct nohz_finding *f)
{
	const struct nohz_workload *w = c->w;
	long runtime, period = 1000000;
	const struct cg_mount *m;
	struct cg_mounts ms;
	struct strbuf sb;
	int nrt = 0;

	sb_init(&sb, f->evidence, sizeof(f->evidence));
	for (size_t i = 0; i < w->n; i++)
		if (is_rt(&w->t[i]))
			nrt++;
	if (!nrt) {
		f_set(f, NOHZ_PASS, "no SCHED_FIFO or SCHED_RR thread: RT throttling does "
		      "not apply");
		return;
	}
	if (nohz_sys_read_long(c->sys, "/proc/sys/kernel/sched_rt_runtime_us", &runtime) < 0) {
		f_set(f, NOHZ_SKIP, "%d RT threads, but /proc/sys/kernel/sched_rt_runtime_us "
		      "is unreadable", nrt);
		return;
	}
	nohz_sys_read_long(c->sys, "/proc/sys/kernel/sched_rt_period_us", &period);
	if (runtime < 0) {
		f_set(f, NOHZ_PASS, "%d RT threads; RT throttling is off "
		      "(kernel.sched_rt_runtime_us = -1)", nrt);
		return;
	}
	sb_printf(&sb, "%d RT threads may run only %ld us of every %ld us "
		  "(kernel.sched_rt_runtime_us): a busy one is stopped for %ld ms each "
		  "period", nrt, runtime, period, (period - runtime) / 1000);
	/* v1 RT group scheduling: the cpu cgroup's own budget */
	cg_mounts_read(c->sys, &ms);
	m = cg_mount_find(&ms, "cpu");
	for (size_t p = 0; m && p < w->nprocs; p++) {
		const struct nohz_wl_proc *pr = &w->procs[p];
		char dir[1024], path[1200];
		long grt, gper;
		bool rt = false;

		for (size_t i = 0; i < w->n; i++)
			rt |= w->t[i].pid == pr->pid && is_rt(&w->t[i]);
		if (!rt || !pr->cpu_cg[0] || cg_dir(m, pr->cpu_cg, dir, sizeof(dir)) < 0)
			continue;
		snprintf(path, sizeof(path), "%s/cpu.rt_runtime_us", dir);
		if (nohz_sys_read_long(c->sys, path, &grt) < 0)
			continue;
		snprintf(path, sizeof(path), "%s/cpu.rt_period_us", dir);
		if (nohz_sys_read_long(c->sys, path, &gper) == 0)
			sb_item(&sb, "; ", "%s (pid %d): %s/cpu.rt_runtime_us = %ld of %ld us",
				pr->comm, (int)pr->pid, dir, grt, gper);
		else
			sb_item(&sb, "; ", "%s (pid %d): %s/cpu.rt_runtime_us = %ld", pr->comm,
				(int)pr->pid, dir, grt);
	}
	sb_finish(&sb);
	f->verdict = NOHZ_WARN;
	f_remedy(f, "sysctl -w kernel.sched_rt_runtime_us=-1 (keep it in "
		 "/etc/sysctl.d/: kernel.sched_rt_runtime_us = -1); safe only when every RT "
		 "thread is on an isolated CPU");
}

static void check_mlock(struct wl_ctx *c, struct nohz_finding *f)
{
	const struct nohz_workload *w = c->w;
	struct strbuf sb, ok;
	char okbuf[NOHZ_EVIDENCE_LEN];
	int bad = 0, nrt = 0;

	sb_init(&sb, f->evidence, sizeof(f->evidence));
	sb_init(&ok, okbuf, sizeof(okbuf));
	for (size_t p = 0; p < w->nprocs; p++) {
		const struct nohz_wl_proc *pr = &w->procs[p];
		const char *pol = NULL;

		for (size_t i = 0; i < w->n && !pol; i++)
			if (w->t[i].pid == pr->pid && is_rt(&w->t[i]))
				pol = nohz_sched_policy_name(w->t[i].policy);
		if (!pol) {
			sb_item(&ok, ", ", "%s (pid %d) %ld kB", pr->comm, (int)pr->pid,
				pr->vmlck_kb);
			continue;
		}
		nrt++;
		if (pr->vmlck_kb > 0) {
			sb_item(&ok, ", ", "%s (pid %d, %s) %ld kB", pr->comm, (int)pr->pid, pol,
				pr->vmlck_kb);
			continue;
		}
		bad++;
		sb_item(&sb, ", ", "%s (pid %d) runs %s threads with VmLck %s", pr->comm,
			(int)pr->pid, pol, pr->vmlck_kb < 0 ? "unknown" : "0 kB");
	}
	sb_finish(&sb);
	sb_finish(&ok);
	if (!bad) {
		f_set(f, NOHZ_PASS, "%s; locked memory: %s", nrt ? "every RT process locks its "
		      "memory" : "no RT process", okbuf);
		return;
	}
	f_prefix(f, NOHZ_WARN, "%d RT process%s without locked memory (a page fault "
		 "stalls it): ", bad, bad > 1 ? "es" : "");
	f_remedy(f, "lock its memory at start: mlockall(MCL_CURRENT | MCL_FUTURE) "
		 "(needs CAP_IPC_LOCK or a memlock limit: ulimit -l unlimited, systemd "
		 "LimitMEMLOCK=infinity, docker run --ulimit memlock=-1 --cap-add IPC_LOCK)");
}

static void check_majflt(struct wl_ctx *c, struct nohz_finding *f)
{
	const struct nohz_workload *w = c->w;
	unsigned long long total = 0;
	struct strbuf sb;
	int bad = 0;

	if (w->samples < 2 || w->window <= 0) {
		f_set(f, NOHZ_SKIP, "no window to count faults in (static checks only): run "
		      "the live test to count major faults while the workload runs");
		return;
	}
	sb_init(&sb, f->evidence, sizeof(f->evidence));
	for (size_t i = 0; i < w->n; i++) {
		const struct nohz_wl_thread *t = &w->t[i];

		if (t->gone || !t->majflt_delta)
			continue;
		bad++;
		total += t->majflt_delta;
		sb_item(&sb, ", ", "%s/%d: %llu", t->comm, (int)t->tid, t->majflt_delta);
	}
	sb_finish(&sb);
	if (!bad) {
		f_set(f, NOHZ_PASS, "no major page fault in %zu threads over %.1f s", w->n,
		      w->window);
		return;
	}
	f_prefix(f, NOHZ_WARN, "%llu major page faults in %.1f s (each one waits for I/O): ",
		 total, w->window);
	f_remedy(f, "fault in and lock memory before the hot path: mlockall(MCL_CURRENT | "
		 "MCL_FUTURE) and touch buffers at start; keep hot data off file-backed and "
		 "swappable memory (swapon --show, vm.swappiness)");
}

static const struct {
	const char *id, *title;
	void (*fn)(struct wl_ctx *c, struct nohz_finding *f);
} wl_checks[] = {
	{ "workload.housekeeping", "no housekeeping CPU in the workload's CPUs", check_housekeeping },
	{ "workload.affinity", "workload threads only on isolated CPUs", check_affinity },
	{ "workload.pinned", "each workload thread pinned to one CPU", check_pinned },
	{ "workload.runnable", "at most one runnable thread per workload CPU", check_runnable },
	{ "workload.policy", "scheduling policy and priority", check_policy },
	{ "workload.rt_throttle", "RT throttling of SCHED_FIFO/RR threads", check_rt_throttle },
	{ "workload.mlock", "memory locked by RT processes", check_mlock },
	{ "workload.majflt", "major page faults during the window", check_majflt },
};

void nohz_workload_check(struct nohz_sys *sys, const struct nohz_workload *w,
			 const struct nohz_kernel *k, struct nohz_report *r)
{
	struct wl_ctx *c = calloc(1, sizeof(*c));
	struct strbuf sb;
	char b[512];

	if (!c)
		return;
	c->sys = sys;
	c->w = w;
	c->k = k;
	nohz_cpuset_or(&c->iso, &k->nohz_full, &k->isolated);
	sb_init(&sb, c->iso_from, sizeof(c->iso_from));
	if (!nohz_cpuset_empty(&k->nohz_full))
		sb_item(&sb, ", ", "nohz_full %s", nohz_cpuset_format(&k->nohz_full, b, sizeof(b)));
	if (!nohz_cpuset_empty(&k->isolated))
		sb_item(&sb, ", ", "isolated %s", nohz_cpuset_format(&k->isolated, b, sizeof(b)));
	if (!strcmp(w->partition, "isolated")) {
		nohz_cpuset_or(&c->iso, &c->iso, &w->partition_cpus);
		sb_item(&sb, ", ", "isolated partition %s",
			nohz_cpuset_format(&w->partition_cpus, b, sizeof(b)));
	}
	if (!sb.len)
		sb_printf(&sb, "none");
	nohz_cpuset_and(&c->iso, &c->iso, &k->online);
	nohz_cpuset_andnot(&c->hk, &k->online, &c->iso);
	nohz_cpuset_format(&c->iso, c->isolist, sizeof(c->isolist));
	nohz_cpuset_format(&c->hk, c->hklist, sizeof(c->hklist));
	nohz_cpuset_format(&w->cpus, c->cpulist, sizeof(c->cpulist));
	{
		/* where threads that need no isolated cpu may go: quiet ones of
		 * the workload within what its cpuset allows, others anywhere */
		const struct nohz_cpuset *allowed = w->has_cpuset ? &w->cpuset : &k->online;
		struct nohz_cpuset s;

		nohz_cpuset_and(&c->pool, &w->cpus, &c->iso);
		if (nohz_cpuset_empty(&c->pool))
			c->pool = w->cpus;
		if (nohz_cpuset_empty(&c->iso))
			nohz_cpuset_andnot(&s, allowed, &w->cpus);
		else
			nohz_cpuset_and(&s, allowed, &c->hk);
		nohz_cpuset_format(&s, c->quietlist, sizeof(c->quietlist));
		nohz_cpuset_andnot(&s, &c->hk, &w->cpus);
		if (nohz_cpuset_empty(&s) && !nohz_cpuset_empty(&c->iso))
			s = c->hk;
		nohz_cpuset_format(&s, c->foreignlist, sizeof(c->foreignlist));
	}
	for (size_t i = 0; i < ARRAY_SIZE(wl_checks); i++) {
		struct nohz_finding *f = nohz_report_add(r, wl_checks[i].id, wl_checks[i].title,
							 GROUP, NOHZ_PASS);

		if (!f)
			break;
		if (!w->n && strcmp(wl_checks[i].id, "workload.housekeeping")) {
			f_set(f, NOHZ_SKIP, "the workload has no thread");
			continue;
		}
		wl_checks[i].fn(c, f);
	}
	free(c);
}
