// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * spin.c - the spin engine: busy loops that read a fast clock and record
 * every gap between two reads longer than a threshold.
 *
 * The hot loop is a clock read, a subtraction, a compare against the
 * threshold, a compare against the deadline and a relaxed load of the stop
 * flag.  Gaps go to an out-of-line cold path; all conversion to ns and the
 * statistics happen after the loop.  Plain rdtsc (no lfence): the
 * out-of-order window it leaves is tens of ns, far below the microsecond
 * gaps we look for, and an lfence would double the loop cost.
 */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "clock.h"
#include "internal.h"

#define SPIN_MAX_THREADS 4096
#define SPIN_STACK (256 * 1024)
#define SPIN_MEDIAN_SAMPLES 2048

struct spinner {
	struct nohz_spin *s;
	size_t idx;
	int cpu;			/* -1: unpinned */
	pthread_t th;
	bool created, joined;
	pid_t tid;
	uint64_t thr_ns;
	uint64_t thr_ticks;		/* UINT64_MAX when not measuring */
	uint64_t median_ticks;
	uint64_t t_start, t_end, loops;	/* raw run, in clock ticks */
	struct nohz_gap_stats st;
	struct nohz_gaps gaps;
	struct nohz_gap *log;		/* raw ticks while spinning, ns after */
	size_t nlog;
	uint64_t dropped;
};

struct nohz_spin {
	atomic_bool stop;
	/* keep the flag alone on its line: spinners only ever read it */
	char pad[64 - sizeof(atomic_bool)];
	struct nohz_spin_opts o;
	struct nohz_clock clk;
	bool tsc;			/* clock is rdtsc, else CLOCK_MONOTONIC */
	uint64_t mult;			/* ns per tick, 32.32 fixed point */
	double ticks_per_ns;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	size_t ready;
	bool go;
	bool cancelled;			/* stopped before go: do not spin at all */
	size_t n;
	struct spinner **sp;
};

/* spin_ticks_to_ns - clock ticks to ns with the 32.32 multiplier */
static inline uint64_t spin_ticks_to_ns(const struct nohz_spin *s, uint64_t ticks)
{
	return (uint64_t)(((unsigned __int128)ticks * s->mult) >> 32);
}

/* ------------------------------------------------------------------ */
/* the loop                                                           */
/* ------------------------------------------------------------------ */

/* spin_record - the cold path: one gap from prev to now (ticks) */
static __attribute__((noinline, cold)) void
spin_record(struct spinner *t, uint64_t prev, uint64_t now, uint64_t start)
{
	/* an unpinned spinner may migrate to a CPU whose TSC is a bit behind */
	if ((int64_t)(now - prev) < 0)
		return;
	nohz_gaps_add(&t->gaps, spin_ticks_to_ns(t->s, now - prev), prev - start);
	if (t->nlog < t->s->o.log_cap) {
		t->log[t->nlog].start_ns = prev;
		t->log[t->nlog++].dur_ns = now - prev;
	} else {
		t->dropped++;
	}
}

/* spin_loop - the hot loop: until the deadline (dur ticks, 0 none) or stop */
static inline __attribute__((always_inline)) void
spin_loop(struct spinner *t, uint64_t (*read)(void), uint64_t dur)
{
	const atomic_bool *stop = &t->s->stop;
	const uint64_t thr = t->thr_ticks;
	uint64_t start = read(), prev = start, now, loops = 0;
	const uint64_t end = dur ? start + dur : UINT64_MAX;

	do {
		now = read();
		if (__builtin_expect(now - prev > thr, 0))
			spin_record(t, prev, now, start);
		prev = now;
		loops++;
	} while (__builtin_expect(now < end, 1) &&
		 !__builtin_expect(atomic_load_explicit(stop, memory_order_relaxed), 0));
	t->t_start = start;
	t->t_end = now;
	t->loops = loops;
}

/* two copies of the loop, each with its clock read inlined */
static __attribute__((noinline)) void spin_loop_tsc(struct spinner *t, uint64_t dur)
{
	spin_loop(t, clock_read_tsc, dur);
}

static __attribute__((noinline)) void spin_loop_mono(struct spinner *t, uint64_t dur)
{
	spin_loop(t, clock_read_mono, dur);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* spin_sample - n consecutive loop costs, for the median */
static inline __attribute__((always_inline)) void
spin_sample(uint64_t (*read)(void), uint64_t *d, size_t n)
{
	uint64_t prev = read(), now;

	for (size_t i = 0; i < n; i++) {
		now = read();
		d[i] = now - prev;
		prev = now;
	}
}

/* spin_median_ticks - median cost of one loop iteration, in ticks */
static uint64_t spin_median_ticks(const struct nohz_spin *s)
{
	uint64_t d[SPIN_MEDIAN_SAMPLES];

	/* first pass warms caches and branch predictors, second one counts */
	for (int pass = 0; pass < 2; pass++) {
		if (s->tsc)
			spin_sample(clock_read_tsc, d, SPIN_MEDIAN_SAMPLES);
		else
			spin_sample(clock_read_mono, d, SPIN_MEDIAN_SAMPLES);
	}
	qsort(d, SPIN_MEDIAN_SAMPLES, sizeof(d[0]), cmp_u64);
	return d[SPIN_MEDIAN_SAMPLES / 2];
}

/* spin_threshold_ns - the recording threshold of one spinner */
static uint64_t spin_threshold_ns(const struct nohz_spin *s, uint64_t median)
{
	uint64_t ns;

	if (s->o.threshold_ns)
		return s->o.threshold_ns;
	ns = spin_ticks_to_ns(s, median * NOHZ_SPIN_AUTO_MULT);
	return ns < NOHZ_SPIN_AUTO_FLOOR_NS ? NOHZ_SPIN_AUTO_FLOOR_NS : ns;
}

/* spin_thread - one spinner: set up, calibrate, wait for go, spin */
static void *spin_thread(void *arg)
{
	struct spinner *t = arg;
	struct nohz_spin *s = t->s;
	uint64_t dur = 0;
	bool run;

	/* touch the recorder here: first-touch pages land on this CPU's node
	 * and no page fault waits for the first gap */
	nohz_gaps_reset(&t->gaps);
	if (t->log)
		memset(t->log, 0, s->o.log_cap * sizeof(*t->log));
	t->tid = gettid();
	if (s->o.name) {
		char name[16];

		if (t->cpu >= 0)
			snprintf(name, sizeof(name), "%s/%d", s->o.name, t->cpu);
		else
			snprintf(name, sizeof(name), "%s:%zu", s->o.name, t->idx);
		pthread_setname_np(pthread_self(), name);
	}
	t->thr_ticks = UINT64_MAX;
	if (s->o.measure) {
		t->median_ticks = spin_median_ticks(s);
		t->thr_ns = spin_threshold_ns(s, t->median_ticks);
		/* a threshold under a few loops would log every loop (a clock
		 * read that is a syscall, an emulated TSC): raise it */
		if (t->thr_ns < 4 * spin_ticks_to_ns(s, t->median_ticks))
			t->thr_ns = 4 * spin_ticks_to_ns(s, t->median_ticks);
		/* recorded: gaps of more than thr_ns, i.e. ticks above floor(thr) */
		t->thr_ticks = (uint64_t)((double)t->thr_ns * s->ticks_per_ns);
	}
	/* dur 0 means no limit; rounded up, and one tick more for the rounding
	 * of the tick -> ns multiplier: a run is never reported shorter than
	 * it was asked to be */
	if (s->o.seconds > 0)
		dur = (uint64_t)ceil(s->o.seconds * 1e9 * s->ticks_per_ns) + 1;

	pthread_mutex_lock(&s->lock);
	s->ready++;
	pthread_cond_broadcast(&s->cond);
	while (!s->go)
		pthread_cond_wait(&s->cond, &s->lock);
	run = !s->cancelled;
	pthread_mutex_unlock(&s->lock);

	if (run) {
		t->st.start_mono_ns = now_ns();
		if (s->tsc)
			spin_loop_tsc(t, dur);
		else
			spin_loop_mono(t, dur);
	}
	t->st.last_cpu = sched_getcpu();
	return NULL;
}

/* ------------------------------------------------------------------ */
/* start / stop / results                                             */
/* ------------------------------------------------------------------ */

/* spin_clock_setup - choose the clock and its tick -> ns conversion */
static int spin_clock_setup(struct nohz_spin *s, char *err, size_t errlen)
{
	int rc = nohz_clock_get(&s->clk, s->o.clock, err, errlen);

	if (rc < 0)
		return rc;
	s->tsc = s->clk.tsc;
	s->ticks_per_ns = s->clk.ticks_per_ns;
	s->mult = s->clk.mult;
	return 0;
}

/* spin_create - start spinner t with its affinity and policy set up front */
static int spin_create(struct nohz_spin *s, struct spinner *t, char *err, size_t errlen)
{
	pthread_attr_t attr;
	cpu_set_t *set = NULL;
	size_t setsz = CPU_ALLOC_SIZE(NOHZ_MAX_CPUS);
	int rc;

	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, SPIN_STACK);
	if (t->cpu >= 0) {
		set = CPU_ALLOC(NOHZ_MAX_CPUS);
		if (!set) {
			pthread_attr_destroy(&attr);
			return -ENOMEM;
		}
		CPU_ZERO_S(setsz, set);
		CPU_SET_S(t->cpu, setsz, set);
		pthread_attr_setaffinity_np(&attr, setsz, set);
	}
	if (s->o.fifo_prio > 0) {
		struct sched_param sp = { .sched_priority = s->o.fifo_prio };

		pthread_attr_setinheritsched(&attr, PTHREAD_EXPLICIT_SCHED);
		pthread_attr_setschedpolicy(&attr, SCHED_FIFO);
		pthread_attr_setschedparam(&attr, &sp);
	}
	rc = pthread_create(&t->th, &attr, spin_thread, t);
	pthread_attr_destroy(&attr);
	if (set)
		CPU_FREE(set);
	if (rc == 0) {
		t->created = true;
		return 0;
	}
	if (rc == EPERM && s->o.fifo_prio > 0)
		nohz_err(err, errlen, "cannot start a SCHED_FIFO spinner at priority %d: %s",
			 s->o.fifo_prio, strerror(rc));
	else if (t->cpu >= 0)
		nohz_err(err, errlen, "cannot start a spinner on CPU %d: %s", t->cpu,
			 strerror(rc));
	else
		nohz_err(err, errlen, "cannot start a spinner thread: %s", strerror(rc));
	return -rc;
}

/* spin_release - let the spinners go (they stop at once if stop is set) */
static void spin_release(struct nohz_spin *s)
{
	pthread_mutex_lock(&s->lock);
	s->cancelled = atomic_load(&s->stop);
	s->go = true;
	pthread_cond_broadcast(&s->cond);
	pthread_mutex_unlock(&s->lock);
}

int nohz_spin_start(struct nohz_spin **out, const struct nohz_spin_opts *o,
		    char *err, size_t errlen)
{
	struct nohz_spin *s;
	sigset_t all, old;
	size_t n, i = 0;
	int cpu = -1, rc;

	*out = NULL;
	n = nohz_cpuset_empty(&o->cpus) ? (size_t)(o->nthreads > 0 ? o->nthreads : 0)
					: (size_t)nohz_cpuset_count(&o->cpus);
	if (n == 0 || n > SPIN_MAX_THREADS) {
		nohz_err(err, errlen, "need 1 to %d spinners, not %zu", SPIN_MAX_THREADS, n);
		return -EINVAL;
	}
	if (o->fifo_prio < 0 || o->fifo_prio > sched_get_priority_max(SCHED_FIFO)) {
		nohz_err(err, errlen, "SCHED_FIFO priority %d is out of range (1-%d)",
			 o->fifo_prio, sched_get_priority_max(SCHED_FIFO));
		return -EINVAL;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->o = *o;
	s->n = n;
	atomic_init(&s->stop, false);
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->cond, NULL);
	rc = spin_clock_setup(s, err, errlen);
	if (rc < 0)
		goto fail;
	s->sp = calloc(n, sizeof(*s->sp));
	if (!s->sp) {
		rc = -ENOMEM;
		goto fail;
	}
	for (i = 0; i < n; i++) {
		/* one spinner per cache-aligned block: no false sharing */
		s->sp[i] = aligned_alloc(64, (sizeof(struct spinner) + 63) & ~(size_t)63);
		if (!s->sp[i]) {
			rc = -ENOMEM;
			goto fail;
		}
		memset(s->sp[i], 0, sizeof(struct spinner));
		s->sp[i]->s = s;
		if (o->measure && o->log_cap) {
			s->sp[i]->log = malloc(o->log_cap * sizeof(struct nohz_gap));
			if (!s->sp[i]->log) {
				rc = -ENOMEM;
				goto fail;
			}
		}
		s->sp[i]->idx = i;
		s->sp[i]->cpu = -1;
		s->sp[i]->st.last_cpu = -1;
		if (!nohz_cpuset_empty(&o->cpus)) {
			cpu = nohz_cpuset_next(&o->cpus, cpu);
			s->sp[i]->cpu = cpu;
		}
	}

	/* spinners must never run a signal handler: block all in them */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = 0;
	for (i = 0; i < n && rc == 0; i++)
		rc = spin_create(s, s->sp[i], err, errlen);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc < 0) {
		atomic_store(&s->stop, true);
		spin_release(s);
		goto fail;
	}

	pthread_mutex_lock(&s->lock);
	while (s->ready < n)
		pthread_cond_wait(&s->cond, &s->lock);
	pthread_mutex_unlock(&s->lock);
	spin_release(s);
	*out = s;
	return 0;
fail:
	nohz_spin_free(s);
	return rc;
}

void nohz_spin_stop(struct nohz_spin *s)
{
	if (s)
		atomic_store(&s->stop, true);
}

/* spin_summarize - turn the raw run of t into its nohz_gap_stats */
static void spin_summarize(struct spinner *t)
{
	const struct nohz_spin *s = t->s;
	struct nohz_gap_stats *st = &t->st;
	const struct nohz_gaps *g = &t->gaps;

	st->loops = t->loops;
	st->elapsed_ns = t->loops ? spin_ticks_to_ns(s, t->t_end - t->t_start) : 0;
	st->threshold_ns = t->thr_ns;
	st->loop_median_ns = spin_ticks_to_ns(s, t->median_ticks);
	st->count = g->count;
	st->min_ns = g->count ? g->min_ns : 0;
	st->max_ns = g->max_ns;
	st->sum_ns = g->sum_ns;
	st->p99_ns = nohz_gaps_percentile(g, 99.0);
	st->p999_ns = nohz_gaps_percentile(g, 99.9);
	st->worst_at_ns = g->count ? spin_ticks_to_ns(s, g->worst_at) : 0;
	st->run_start_ns = t->loops ? spin_ticks_to_ns(s, t->t_start) : 0;
	st->run_end_ns = t->loops ? spin_ticks_to_ns(s, t->t_end) : 0;
	memcpy(st->hist, g->hist, sizeof(st->hist));
	for (size_t i = 0; i < t->nlog; i++) {
		t->log[i].start_ns = spin_ticks_to_ns(s, t->log[i].start_ns);
		t->log[i].dur_ns = spin_ticks_to_ns(s, t->log[i].dur_ns);
	}
}

int nohz_spin_wait(struct nohz_spin *s)
{
	if (!s)
		return -EINVAL;
	for (size_t i = 0; i < s->n; i++) {
		struct spinner *t = s->sp[i];

		if (!t || !t->created || t->joined)
			continue;
		pthread_join(t->th, NULL);
		t->joined = true;
		spin_summarize(t);
	}
	return 0;
}

size_t nohz_spin_count(const struct nohz_spin *s)
{
	return s ? s->n : 0;
}

pid_t nohz_spin_tid(const struct nohz_spin *s, size_t i)
{
	return s && i < s->n ? s->sp[i]->tid : -1;
}

int nohz_spin_cpu(const struct nohz_spin *s, size_t i)
{
	return s && i < s->n ? s->sp[i]->cpu : -1;
}

const struct nohz_gap_stats *nohz_spin_stats(const struct nohz_spin *s, size_t i)
{
	return s && i < s->n ? &s->sp[i]->st : NULL;
}

const struct nohz_gaps *nohz_spin_gaps(const struct nohz_spin *s, size_t i)
{
	return s && i < s->n ? &s->sp[i]->gaps : NULL;
}

size_t nohz_spin_log_cap(double seconds, size_t n)
{
	/* ~20k a second; 256 MiB at most in all: the log is touched up front */
	double want = seconds > 0 ? seconds * 20000 : (1 << 20);
	size_t cap = want < 16384 ? 16384 : want > (1 << 20) ? (1 << 20) : (size_t)want;
	size_t most = ((size_t)1 << 24) / (n ? n : 1);

	if (most < 4096)
		most = 4096;
	return cap < most ? cap : most;
}

const struct nohz_gap *nohz_spin_log(const struct nohz_spin *s, size_t i, size_t *n,
				     uint64_t *dropped)
{
	const struct spinner *t = s && i < s->n ? s->sp[i] : NULL;

	*n = t && t->joined ? t->nlog : 0;
	if (dropped)
		*dropped = t ? t->dropped : 0;
	return *n ? t->log : NULL;
}

const struct nohz_clock *nohz_spin_clock_of(const struct nohz_spin *s)
{
	return s ? &s->clk : NULL;
}

const char *nohz_spin_clock(const struct nohz_spin *s, double *mhz)
{
	if (mhz)
		*mhz = s ? s->ticks_per_ns * 1000.0 : 0;
	return s && s->tsc ? "tsc" : "mono";
}

void nohz_spin_free(struct nohz_spin *s)
{
	if (!s)
		return;
	atomic_store(&s->stop, true);
	if (s->sp) {
		bool any = false;

		for (size_t i = 0; i < s->n; i++)
			any |= s->sp[i] && s->sp[i]->created && !s->sp[i]->joined;
		if (any) {
			spin_release(s);
			nohz_spin_wait(s);
		}
		for (size_t i = 0; i < s->n; i++) {
			if (s->sp[i])
				free(s->sp[i]->log);
			free(s->sp[i]);
		}
		free(s->sp);
	}
	pthread_cond_destroy(&s->cond);
	pthread_mutex_destroy(&s->lock);
	free(s);
}
