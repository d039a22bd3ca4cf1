// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * live.c - the live test: a busy CPU is the only one that tells a working
 * nohz_full from plain tickless idle, so spin on every target and count
 * what still interrupts it, from a housekeeping CPU.
 */
#include <errno.h>
#include <math.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"

static volatile sig_atomic_t live_stopping;
static struct nohz_spin *volatile live_spin;

void nohz_live_stop(void)
{
	struct nohz_spin *s = live_spin;

	live_stopping = 1;
	if (s)
		nohz_spin_stop(s);
}

/* sleep_until_stop - sleep for secs or until nohz_live_stop; seconds slept */
static double sleep_until_stop(double secs)
{
	uint64_t start = now_ns(), end = start + (uint64_t)(secs * 1e9);

	while (!live_stopping) {
		uint64_t now = now_ns();
		struct timespec ts;

		if (now >= end)
			break;
		/* short slices keep the reaction to a stop quick */
		ts.tv_sec = 0;
		ts.tv_nsec = (long)((end - now) > 50000000 ? 50000000 : end - now);
		nanosleep(&ts, NULL);
	}
	return (now_ns() - start) / 1e9;
}

/* steal_read - each target's steal time so far (ns, /proc/stat), -1 unknown */
static void steal_read(const struct nohz_live *res, int64_t *out)
{
	long hz = sysconf(_SC_CLK_TCK);
	char line[512];
	FILE *f = fopen("/proc/stat", "re");

	for (size_t j = 0; j < res->n; j++)
		out[j] = -1;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long v[8];
		int cpu;

		if (strncmp(line, "cpu", 3) || line[3] < '0' || line[3] > '9' ||
		    sscanf(line + 3, "%d %llu %llu %llu %llu %llu %llu %llu %llu", &cpu, &v[0],
			   &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]) != 9 || hz <= 0)
			continue;
		for (size_t j = 0; j < res->n; j++)
			if (res->cpus[j].cpu == cpu)
				out[j] = (int64_t)(v[7] * (1000000000ULL / (unsigned long)hz));
	}
	fclose(f);
}

/* live_noise - the spinners' gaps over [w0, w1], attributed with the trace */
static int live_noise(const struct nohz_spin *spin, const struct nohz_trace *tr,
		      const struct nohz_live_opts *o, struct nohz_live *res, uint64_t w0,
		      uint64_t w1, const int64_t *steal, char *err, size_t errlen)
{
	/* explain NULL: the remedies are worded from the trace's facts, as the
	 * explanation's are (nohz_noise_build) */
	struct nohz_noise_opts no = {
		.threshold_ns = o->noise_threshold_ns, .max_gap_ns = o->max_gap_ns,
		.min_available = o->min_available, .worst = o->noise_worst,
	};
	int64_t *sp = calloc(nohz_spin_count(spin) + 1, sizeof(*sp));
	int rc;

	if (!sp)
		return -ENOMEM;
	/* steal was read per target; the spinners are in target order */
	for (size_t i = 0; i < nohz_spin_count(spin); i++) {
		sp[i] = -1;
		for (size_t j = 0; j < res->n; j++)
			if (res->cpus[j].cpu == nohz_spin_cpu(spin, i))
				sp[i] = steal[j];
	}
	rc = nohz_noise_build(&res->noise, spin, tr, w0, w1, sp, &no);
	free(sp);
	if (rc < 0)
		nohz_err(err, errlen, "cannot work out the noise: %s", strerror(-rc));
	return rc;
}

/* live_explain - rank what the trace saw; the spinners (or the workload's
 * own threads) are the load */
static int live_explain(struct nohz_trace *tr, const struct nohz_live_opts *o,
			struct nohz_live *res, char *err, size_t errlen)
{
	struct nohz_explain_opts eo = { 0 };
	pid_t *tids = calloc(res->n + o->nown + 1, sizeof(*tids));
	int rc;

	if (!tids)
		return -ENOMEM;
	for (size_t j = 0; j < res->n; j++)
		if (res->cpus[j].spinner_tid)
			tids[eo.nspinners++] = res->cpus[j].spinner_tid;
	for (size_t j = 0; j < o->nown; j++)	/* workload mode */
		tids[eo.nspinners++] = o->own[j];
	eo.spinners = tids;
	eo.housekeeping = res->housekeeping;
	rc = nohz_trace_explain(tr, &eo, &res->explain);
	free(tids);
	if (rc < 0)
		nohz_err(err, errlen, "cannot explain the trace: %s", strerror(-rc));
	return rc;
}

int nohz_live_run(struct nohz_sys *sys, const struct nohz_cpuset *targets,
		  const struct nohz_live_opts *o, struct nohz_live *res,
		  char *err, size_t errlen)
{
	struct nohz_spin_opts so = { 0 };
	struct nohz_trace_opts to = { .dump = o->trace_file };
	struct nohz_counters *cnt = NULL;
	struct nohz_trace *tr = NULL;
	struct nohz_spin *spin = NULL;
	struct nohz_clock clk;
	struct nohz_kernel k;
	int64_t *steal0 = NULL, *steal1 = NULL;
	uint64_t w0 = 0, w1 = 0;
	cpu_set_t hkmask;
	int rc, cpu, i;

	memset(res, 0, sizeof(*res));
	live_stopping = 0;
	rc = nohz_kernel_read(sys, &k);
	if (rc < 0) {
		nohz_err(err, errlen, "cannot read the online CPUs: %s", strerror(-rc));
		return rc;
	}
	res->hz = k.hz;
	res->threshold = o->threshold > 0 ? o->threshold :
			 (k.hz > 0 ? 0.01 * k.hz * o->seconds : 0.01 * 1000 * o->seconds);
	nohz_cpuset_andnot(&res->housekeeping, &k.online, targets);
	if (nohz_cpuset_empty(&res->housekeeping)) {
		nohz_err(err, errlen, "no housekeeping CPU left to measure from: keep one "
			 "online CPU out of the target list");
		return -EINVAL;
	}
	/* the checker must not disturb what it measures */
	CPU_ZERO(&hkmask);
	nohz_cpuset_for_each(cpu, &res->housekeeping)
		if (cpu < CPU_SETSIZE)
			CPU_SET(cpu, &hkmask);
	if (sched_setaffinity(0, sizeof(hkmask), &hkmask) < 0) {
		nohz_err(err, errlen, "cannot move to housekeeping CPUs: %s", strerror(errno));
		return -errno;
	}

	res->n = nohz_cpuset_count(targets);
	res->cpus = calloc(res->n, sizeof(*res->cpus));
	steal0 = calloc(res->n, sizeof(*steal0));
	steal1 = calloc(res->n, sizeof(*steal1));
	if (!res->cpus || !steal0 || !steal1) {
		rc = -ENOMEM;
		goto out;
	}
	/* one clock for the spinners and the trace: the TSC when the trace can
	 * read it too, else CLOCK_MONOTONIC */
	nohz_clock_get(&clk, NOHZ_CLOCK_AUTO, NULL, 0);
	i = 0;
	nohz_cpuset_for_each(cpu, targets)
		res->cpus[i++].cpu = cpu;

	rc = nohz_counters_open(&cnt, targets, NOHZ_EV_ALL, err, errlen);
	if (rc < 0)
		goto out;
	/* explain: set up before the spinners, enabling events patches text */
	if (o->trace) {
		to.noise = !o->no_spin;
		to.clock = &clk;
		rc = nohz_trace_open_opts(&tr, targets, &to, err, errlen);
		if (rc == -ENOTSUP && clk.tsc) {
			/* no x86-tsc trace clock here: both on CLOCK_MONOTONIC */
			nohz_clock_get(&clk, NOHZ_CLOCK_MONO, NULL, 0);
			rc = nohz_trace_open_opts(&tr, targets, &to, err, errlen);
		}
		if (rc < 0)
			goto out;
	}

	/* workload mode: the workload is the load, nothing to start */
	if (!o->no_spin) {
		so.cpus = *targets;
		so.seconds = 0;		/* until stopped: the window is timed here */
		so.measure = true;
		so.threshold_ns = o->noise_threshold_ns ? o->noise_threshold_ns :
				  NOHZ_NOISE_THRESHOLD_NS;
		so.log_cap = nohz_spin_log_cap(o->seconds + (o->warmup > 0 ? o->warmup : 0.2) + 1,
					 res->n);
		so.clock = clk.tsc ? NOHZ_CLOCK_TSC : NOHZ_CLOCK_MONO;
		so.name = "nohz-spin";
		rc = nohz_spin_start(&spin, &so, err, errlen);
		if (rc < 0)
			goto out;
		live_spin = spin;
		for (size_t s = 0; s < nohz_spin_count(live_spin); s++)
			for (size_t j = 0; j < res->n; j++)
				if (res->cpus[j].cpu == nohz_spin_cpu(live_spin, s))
					res->cpus[j].spinner_tid = nohz_spin_tid(live_spin, s);

		/* let the spinners settle so their own start is not counted */
		sleep_until_stop(o->warmup > 0 ? o->warmup : 0.2);
	}
	if (!live_stopping) {
		/* stdio allocates: steal is read just outside the window */
		steal_read(res, steal0);
		rc = nohz_counters_enable(cnt);
		if (rc < 0) {
			nohz_err(err, errlen, "cannot enable counters: %s", strerror(-rc));
			goto stop;
		}
		/* explain: inside the counters' window, so their own enable and
		 * disable IPIs are not reported */
		if (tr && (rc = nohz_trace_start(tr, err, errlen)) < 0) {
			nohz_counters_disable(cnt);
			goto stop;
		}
		w0 = nohz_clock_now(&clk);
		res->seconds = sleep_until_stop(o->seconds);
		w1 = nohz_clock_now(&clk);
		if (tr)
			nohz_trace_stop(tr);
		nohz_counters_disable(cnt);
		steal_read(res, steal1);
		for (size_t j = 0; j < res->n; j++)
			steal1[j] = steal0[j] >= 0 && steal1[j] >= steal0[j] ?
				    steal1[j] - steal0[j] : -1;
	}
	res->interrupted = live_stopping;
	for (size_t j = 0; j < res->n; j++)
		for (int ev = 0; ev < NOHZ_EV_MAX; ev++) {
			uint64_t v;

			if (nohz_counters_read(cnt, res->cpus[j].cpu, ev, &v) == 0) {
				res->cpus[j].ev[ev] = v;
				res->cpus[j].have[ev] = true;
			}
		}
stop:
	if (spin) {
		nohz_spin_stop(spin);
		nohz_spin_wait(spin);
		live_spin = NULL;
	}
out:
	/* explain: the spinners are known now, and are not a source */
	if (tr && rc >= 0)
		rc = live_explain(tr, o, res, err, errlen);
	if (spin && rc >= 0 && w1 > w0)
		rc = live_noise(spin, tr, o, res, w0, w1, steal1, err, errlen);
	nohz_spin_free(spin);
	nohz_trace_close(tr);
	nohz_counters_close(cnt);
	free(steal0);
	free(steal1);
	if (rc < 0) {
		nohz_noise_free(res->noise);
		res->noise = NULL;
		free(res->cpus);
		res->cpus = NULL;
		res->n = 0;
	}
	return rc;
}

/* noise_cause - the main cause of gap g, "kind source" (a task name is
 * anyone's: its control bytes as '?') */
static void noise_cause(const struct nohz_noise_gap *g, char *b, size_t len)
{
	if (!g->ncauses)
		snprintf(b, len, "not attributed");
	else
		snprintf(b, len, "%s %s", nohz_noise_kind_name(g->causes[0].kind),
			 g->causes[0].source);
	for (; *b; b++)
		if ((unsigned char)*b < 0x20 || *b == 0x7f)
			*b = '?';
}

/* cause_remedy - the remedy of the source behind gap g's main cause */
static const char *cause_remedy(const struct nohz_noise_cpu *c, const struct nohz_noise_gap *g)
{
	for (size_t i = 0; g->ncauses && i < c->nsources; i++)
		if (c->sources[i].kind == g->causes[0].kind &&
		    !strcmp(c->sources[i].source, g->causes[0].source))
			return c->sources[i].remedy;
	return "";
}

/* judge_noise - the latency findings: the longest gap, the time available */
static void judge_noise(const struct nohz_live *res, struct nohz_report *r)
{
	const struct nohz_noise *n = res->noise;
	struct nohz_finding *f;
	struct strbuf sb;
	char cause[160];
	const char *fix = "";
	bool bad = false;

	if (n->max_gap_ns) {
		f = nohz_report_add(r, "live.max_gap", "longest gap on target CPUs", "live",
				    NOHZ_PASS);
		if (!f)
			return;
		sb_init(&sb, f->evidence, sizeof(f->evidence) - NOHZ_PREFIX_ROOM);
		for (size_t i = 0; i < n->n; i++) {
			const struct nohz_noise_cpu *c = &n->cpus[i];

			if (c->max_gap_ns <= n->max_gap_ns || !c->nworst)
				continue;
			if (!bad)
				fix = cause_remedy(c, &c->worst[0]);
			bad = true;
			noise_cause(&c->worst[0], cause, sizeof(cause));
			sb_item(&sb, "; ", "CPU %d: %.1f us at %.6f s (%s)", c->cpu,
				c->worst[0].duration_ns / 1e3, c->worst[0].start_ns / 1e9, cause);
		}
		sb_finish(&sb);
		if (bad) {
			f_prefix(f, NOHZ_FAIL, "gaps over %g us: ", n->max_gap_ns / 1e3);
			if (fix[0])
				f_remedy(f, "%s", fix);
			else
				f_remedy(f, "remove the causes named here, the largest first "
					 "(see \"where the time went\" and its remedies)");
		} else {
			f_set(f, NOHZ_PASS, "no gap over %g us on %zu busy CPUs",
			      n->max_gap_ns / 1e3, n->n);
		}
	}
	if (n->min_available > 0) {
		f = nohz_report_add(r, "live.available", "CPU time available on target CPUs",
				    "live", NOHZ_PASS);
		if (!f)
			return;
		bad = false;
		sb_init(&sb, f->evidence, sizeof(f->evidence) - NOHZ_PREFIX_ROOM);
		for (size_t i = 0; i < n->n; i++) {
			const struct nohz_noise_cpu *c = &n->cpus[i];
			bool low = c->available_pct < n->min_available;

			bad |= low;
			sb_item(&sb, ", ", "CPU %d: %.4f%%%s", c->cpu, c->available_pct,
				low && c->nsources ? " (" : "");
			if (low && c->nsources)
				sb_printf(&sb, "mostly %s %s)", nohz_noise_kind_name(c->sources[0].kind),
					  c->sources[0].source);
		}
		sb_finish(&sb);
		f_prefix(f, bad ? NOHZ_FAIL : NOHZ_PASS, "at least %g%% wanted: ", n->min_available);
		if (bad)
			f_remedy(f, "remove the sources that steal the most time (see \"where "
				 "the time went\" and its remedies)");
	}
}

/*
 * One finding per kind of interruption.  Ticks are judged against the
 * threshold; the others WARN on any and FAIL above the same threshold.
 */
static const struct {
	enum nohz_event ev;
	const char *id, *title, *what, *remedy;
} live_rows[] = {
	{ NOHZ_EV_TICK, "live.ticks", "ticks on busy target CPUs", "ticks",
	  "see the FAIL findings above and the explanation below; a busy nohz_full "
	  "CPU should see almost none" },
	{ NOHZ_EV_SWITCH, "live.switches", "foreign tasks on target CPUs", "context switches",
	  "another task shared the CPU: move it off (taskset) or keep the CPU in isolcpus" },
	{ NOHZ_EV_WORK, "live.work", "work items on target CPUs", "work items",
	  "set the workqueue and writeback cpumasks to housekeeping CPUs; raise "
	  "vm.stat_interval" },
	{ NOHZ_EV_IRQ, "live.irqs", "device IRQs on target CPUs", "device IRQs",
	  "route the IRQs to housekeeping CPUs (irq.affinity remedy)" },
	{ NOHZ_EV_SOFTIRQ, "live.softirqs", "softirqs on target CPUs", "softirqs",
	  "softirqs follow ticks and IRQs: remove those first" },
	{ NOHZ_EV_RESCHED, "live.ipis", "IPIs on target CPUs", "reschedule IPIs",
	  "IPIs come from other CPUs waking or flushing work here: see the explanation" },
	{ NOHZ_EV_CALLFUNC, "live.callfunc", "function-call IPIs on target CPUs",
	  "function-call IPIs", "avoid work that broadcasts IPIs (mprotect, module load, "
	  "TLB shootdowns from shared mm)" },
};

void nohz_live_judge(const struct nohz_live *res, struct nohz_report *r)
{
	/* read before adding rows: nohz_report_add may move the findings */
	const struct nohz_finding *kc = nohz_report_find(r, "kernel.config");
	bool cannot_stop = kc && kc->verdict == NOHZ_FAIL;

	for (size_t i = 0; i < ARRAY_SIZE(live_rows); i++) {
		enum nohz_event ev = live_rows[i].ev;
		struct nohz_finding *f = nohz_report_add(r, live_rows[i].id,
						live_rows[i].title, "live", NOHZ_PASS);
		struct strbuf sb;
		uint64_t worst = 0, total = 0;
		bool have = false;

		if (!f)
			return;
		sb_init(&sb, f->evidence, sizeof(f->evidence) - NOHZ_PREFIX_ROOM);
		for (size_t j = 0; j < res->n; j++) {
			const struct nohz_live_cpu *c = &res->cpus[j];

			if (!c->have[ev])
				continue;
			have = true;
			total += c->ev[ev];
			if (c->ev[ev] > worst)
				worst = c->ev[ev];
			if (c->ev[ev])
				sb_item(&sb, ", ", "CPU %d: %llu (%.1f/s)", c->cpu,
					(unsigned long long)c->ev[ev],
					res->seconds > 0 ? c->ev[ev] / res->seconds : 0.0);
		}
		sb_finish(&sb);
		if (!have) {
			f_set(f, NOHZ_SKIP, "%s cannot be counted on this kernel",
			      nohz_event_name(ev));
			continue;
		}
		if (!total) {
			f_set(f, NOHZ_PASS, "no %s in %.1f s on %zu busy CPUs", live_rows[i].what,
			      res->seconds, res->n);
			continue;
		}
		f_prefix(f, (double)worst > res->threshold ? NOHZ_FAIL :
			 ev == NOHZ_EV_TICK ? NOHZ_PASS : NOHZ_WARN,
			 "%llu %s in %.1f s (threshold %.0f per CPU): ",
			 (unsigned long long)total, live_rows[i].what, res->seconds,
			 res->threshold);
		if (f->verdict == NOHZ_FAIL && ev == NOHZ_EV_TICK && cannot_stop)
			/* the root cause: the kernel cannot stop a busy tick at all */
			f_remedy(f, "this kernel cannot stop the tick on a busy CPU "
				 "(kernel.config): boot a kernel with CONFIG_NO_HZ_FULL=y");
		else if (f->verdict != NOHZ_PASS)
			f_remedy(f, "%s", live_rows[i].remedy);
	}
	if (res->noise)
		judge_noise(res, r);
}

void nohz_live_free(struct nohz_live *res)
{
	nohz_explain_free(res->explain);
	res->explain = NULL;
	nohz_noise_free(res->noise);
	res->noise = NULL;
	free(res->cpus);
	res->cpus = NULL;
	res->n = 0;
}
