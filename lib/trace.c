// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * trace.c - record what interrupts the target CPUs, in a tracefs instance of
 * our own, and hand every event to lib/explain.c as a parsed record.
 *
 * As rtla does, a private instance ("nohz-trace-PID-N") holds every setting
 * we touch - tracing_cpumask (the targets only), trace_clock (the
 * spinners' clock: x86-tsc or mono, see lib/clock.c), the
 * events, tracing_on - so the global buffer and other users' settings are
 * never changed, and removing the instance undoes it all.
 *
 * The measurement must not cause what it reports, so everything that
 * disturbs a CPU happens before the window: enabling events (kernel text
 * patching, IPIs on every CPU), opening the per-CPU trace_pipe_raw files,
 * allocating the read pages and aggregation tables, creating the reader
 * thread (a new stack is a mapping change of the process whose spinners
 * run on the targets: a TLB shootdown IPI on each).  The window itself only
 * flips tracing_on.  The reader sits on the housekeeping CPUs and polls
 * with non-blocking reads every READ_PERIOD_MS: a blocked reader would make
 * the ring buffer wake it with irq_work on the very CPU being measured.
 */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <event-parse.h>
#include <kbuffer.h>
#include <tracefs.h>

#include "internal.h"

#define READ_PERIOD_MS 100
#define PAGES_PER_PASS 4096	/* per cpu and poll, so one busy cpu cannot starve */
#define INSTANCE_PREFIX "nohz-trace-"
#define DUMP_BUF (256 * 1024)

/* One target cpu's trace_pipe_raw, read a sub-buffer at a time; with
 * noise on, the window's records too (allocated up front, see above). */
struct cpu_reader {
	int cpu;
	struct tracefs_cpu *tcpu;
	void *page;
	struct kbuffer *kbuf;
	struct nohz_trace_rec *recs;
	size_t nrecs, crecs;
	uint64_t lost;
	uint64_t lost_from;		/* UINT64_MAX: nothing lost yet */
};

/* the record log: this many records at most in all, split over the cpus */
#define RECS_TOTAL (1u << 20)
#define RECS_CPU_MIN 16384u
#define RECS_CPU_MAX 262144u

enum reader_state { R_IDLE, R_RUN, R_STOP, R_QUIT };

struct nohz_trace {
	struct tracefs_instance *inst;
	struct trace_dec *dec;
	struct nohz_cpuset cpus;
	struct cpu_reader *rd;
	size_t nrd;
	char missing[512];
	FILE *dump;
	char *dumpbuf;
	struct nohz_explain *ex;
	struct nohz_clock clk;		/* the trace clock, as the spinners read it */
	bool noise;
	int err;			/* first error of the reader */
	uint64_t t0, t1;
	pthread_t th;
	bool thread;			/* th exists and is not joined */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	enum reader_state state;
	bool ready;			/* the reader is set up and waiting */
	pid_t owner;			/* a forked child must not tear down */
	struct nohz_trace *next;	/* open traces, for the exit handler */
};

static pthread_mutex_t open_lock = PTHREAD_MUTEX_INITIALIZER;
static struct nohz_trace *open_traces;
static pthread_once_t exit_once = PTHREAD_ONCE_INIT;

/* ------------------------------------------------------------------ */
/* reading                                                            */
/* ------------------------------------------------------------------ */

/* reader_page - account every event of the sub-buffer in rd->page */
static void reader_page(struct nohz_trace *t, struct cpu_reader *rd)
{
	struct nohz_trace_rec r;
	unsigned long long ts;
	int missed;
	void *data;

	if (kbuffer_load_subbuffer(rd->kbuf, rd->page) < 0)
		return;
	missed = kbuffer_missed_events(rd->kbuf);
	if (missed) {
		nohz_explain_lost(t->ex, rd->cpu, missed > 0 ? (uint64_t)missed : 1);
		rd->lost += missed > 0 ? (uint64_t)missed : 1;
		/* dropped before this page: after the last record kept */
		if (rd->lost_from == UINT64_MAX)
			rd->lost_from = rd->nrecs ? rd->recs[rd->nrecs - 1].ts : 0;
	}
	for (data = kbuffer_read_event(rd->kbuf, &ts); data;
	     data = kbuffer_next_event(rd->kbuf, &ts)) {
		struct tep_record rec = {
			.ts = ts, .cpu = rd->cpu, .data = data,
			.size = kbuffer_event_size(rd->kbuf),
			.record_size = kbuffer_curr_size(rd->kbuf),
		};
		int rc;

		if (!trace_dec_record(t->dec, &rec, &r))
			continue;
		r.ts = nohz_clock_ns(&t->clk, r.ts);
		if (rd->crecs) {
			if (rd->nrecs < rd->crecs) {
				rd->recs[rd->nrecs++] = r;
			} else {
				rd->lost++;
				if (rd->lost_from == UINT64_MAX)
					rd->lost_from = rd->recs[rd->nrecs - 1].ts;
			}
		}
		if (t->dump)
			trace_dec_dump(t->dec, t->dump, &rec, &r);
		rc = nohz_explain_add(t->ex, &r);
		if (rc < 0 && !t->err)
			t->err = rc;
	}
}

/* trace_drain - read what the target cpus' buffers hold now */
static void trace_drain(struct nohz_trace *t)
{
	for (size_t i = 0; i < t->nrd; i++)
		for (int n = 0; n < PAGES_PER_PASS; n++) {
			int got = tracefs_cpu_read(t->rd[i].tcpu, t->rd[i].page, true);

			if (got <= 0)
				break;
			reader_page(t, &t->rd[i]);
		}
}

/* trace_flush - the partly filled last page of each cpu, which a plain read
 * leaves behind */
static void trace_flush(struct nohz_trace *t)
{
	for (size_t i = 0; i < t->nrd; i++)
		for (int n = 0; n < PAGES_PER_PASS; n++) {
			int got = tracefs_cpu_flush(t->rd[i].tcpu, t->rd[i].page);

			if (got <= 0)
				break;
			reader_page(t, &t->rd[i]);
		}
}

static void *trace_reader(void *arg)
{
	struct nohz_trace *t = arg;
	struct timespec ts;

	/* a thread's first malloc maps its own arena: not in the window */
	free(malloc(64));
	pthread_mutex_lock(&t->lock);
	t->ready = true;
	pthread_cond_broadcast(&t->cond);
	while (t->state == R_IDLE)
		pthread_cond_wait(&t->cond, &t->lock);
	while (t->state == R_RUN) {
		pthread_mutex_unlock(&t->lock);
		trace_drain(t);
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_nsec += READ_PERIOD_MS * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_mutex_lock(&t->lock);
		while (t->state == R_RUN &&
		       pthread_cond_timedwait(&t->cond, &t->lock, &ts) == 0)
			;
	}
	pthread_mutex_unlock(&t->lock);
	if (t->state == R_STOP) {
		trace_drain(t);		/* tracing is off: the rest */
		trace_flush(t);
	}
	if (t->dump)
		fflush(t->dump);
	return NULL;
}

static void reader_set(struct nohz_trace *t, enum reader_state s)
{
	pthread_mutex_lock(&t->lock);
	t->state = s;
	pthread_cond_broadcast(&t->cond);
	pthread_mutex_unlock(&t->lock);
}

static void reader_join(struct nohz_trace *t)
{
	if (!t->thread)
		return;
	pthread_join(t->th, NULL);
	t->thread = false;
}

/* readers_open - a non-blocking trace_pipe_raw reader per target cpu */
static int readers_open(struct nohz_trace *t, char *err, size_t errlen)
{
	int cpu;

	t->rd = calloc((size_t)nohz_cpuset_count(&t->cpus), sizeof(*t->rd));
	if (!t->rd)
		return -ENOMEM;
	nohz_cpuset_for_each(cpu, &t->cpus) {
		struct cpu_reader *rd = &t->rd[t->nrd++];

		rd->cpu = cpu;
		rd->lost_from = UINT64_MAX;
		rd->tcpu = tracefs_cpu_open(t->inst, cpu, true);
		if (!rd->tcpu) {
			nohz_err(err, errlen, "cannot open the trace buffer of cpu %d: %s", cpu,
				 strerror(errno));
			return errno ? -errno : -EIO;
		}
		rd->page = calloc(1, (size_t)tracefs_cpu_read_size(rd->tcpu));
		rd->kbuf = kbuffer_alloc(KBUFFER_LSIZE_SAME_AS_HOST, KBUFFER_ENDIAN_SAME_AS_HOST);
		if (!rd->page || !rd->kbuf)
			return -ENOMEM;
		if (t->noise) {
			size_t per = RECS_TOTAL / (size_t)nohz_cpuset_count(&t->cpus);

			/* untouched until used: address space, not memory */
			rd->crecs = per < RECS_CPU_MIN ? RECS_CPU_MIN :
				    per > RECS_CPU_MAX ? RECS_CPU_MAX : per;
			rd->recs = calloc(rd->crecs, sizeof(*rd->recs));
			if (!rd->recs)
				return -ENOMEM;
		}
	}
	return 0;
}

/* reader_start - the reader thread, pinned off the targets, signals blocked */
static int reader_start(struct nohz_trace *t, char *err, size_t errlen)
{
	struct nohz_cpuset online, hk;
	struct nohz_sys *sys = nohz_sys_open("/");
	pthread_attr_t attr;
	sigset_t all, old;
	int rc, cpu;

	pthread_attr_init(&attr);
	if (sys && nohz_sys_read_cpuset(sys, "/sys/devices/system/cpu/online", &online) == 0) {
		nohz_cpuset_andnot(&hk, &online, &t->cpus);
		if (!nohz_cpuset_empty(&hk)) {
			size_t sz = CPU_ALLOC_SIZE(nohz_cpuset_last(&hk) + 1);
			cpu_set_t *m = CPU_ALLOC(nohz_cpuset_last(&hk) + 1);

			if (m) {
				CPU_ZERO_S(sz, m);
				nohz_cpuset_for_each(cpu, &hk)
					CPU_SET_S(cpu, sz, m);
				pthread_attr_setaffinity_np(&attr, sz, m);
				CPU_FREE(m);
			}
		}
	}
	nohz_sys_close(sys);
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&t->th, &attr, trace_reader, t);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_attr_destroy(&attr);
	if (rc) {
		nohz_err(err, errlen, "cannot start the trace reader: %s", strerror(rc));
		return -rc;
	}
	t->thread = true;
	pthread_mutex_lock(&t->lock);
	while (!t->ready)
		pthread_cond_wait(&t->cond, &t->lock);
	pthread_mutex_unlock(&t->lock);
	return 0;
}

/* ------------------------------------------------------------------ */
/* setup and teardown                                                 */
/* ------------------------------------------------------------------ */

static void trace_exit_handler(void)
{
	/* a tool that exits with a trace open still leaves tracefs as found */
	while (open_traces)
		nohz_trace_close(open_traces);
}

static void exit_register(void)
{
	atexit(trace_exit_handler);
}

/* clock_is - the instance's trace clock is name ("[name]" in the list) */
static bool clock_is(struct tracefs_instance *inst, const char *name)
{
	char *cur = tracefs_instance_file_read(inst, "trace_clock", NULL), want[32];
	bool ok;

	snprintf(want, sizeof(want), "[%s]", name);
	ok = cur && strstr(cur, want);
	free(cur);
	return ok;
}

/* instance_create - our own instance, quiet, recording only the targets */
static int instance_create(struct nohz_trace *t, char *err, size_t errlen)
{
	static atomic_int seq;
	char list[8192];
	int rc;

	rc = own_instance_open(&t->inst, INSTANCE_PREFIX, atomic_fetch_add(&seq, 1),
			       OWN_INST_REAP, err, errlen);
	if (rc < 0)
		return rc;
	pthread_mutex_lock(&open_lock);
	t->next = open_traces;
	open_traces = t;
	pthread_mutex_unlock(&open_lock);
	tracefs_trace_off(t->inst);
	if (tracefs_instance_set_affinity(t->inst, nohz_cpuset_format(&t->cpus, list,
					  sizeof(list))) < 0) {
		nohz_err(err, errlen, "cannot set tracing_cpumask of %s to %s",
			 tracefs_instance_get_name(t->inst), list);
		return -EINVAL;
	}
	/* the spinners' clock: a gap and the events inside it on one line */
	if (tracefs_instance_file_write(t->inst, "trace_clock", t->clk.trace_clock) < 0 ||
	    !clock_is(t->inst, t->clk.trace_clock)) {
		nohz_err(err, errlen, "cannot set trace_clock of %s to %s (this kernel's "
			 "clocks: %s/trace_clock)", tracefs_instance_get_name(t->inst),
			 t->clk.trace_clock, tracefs_tracing_dir());
		return -ENOTSUP;
	}
	return 0;
}

int nohz_trace_open(struct nohz_trace **out, const struct nohz_cpuset *cpus,
		    const char *dump, char *err, size_t errlen)
{
	struct nohz_trace_opts o = { .dump = dump };

	return nohz_trace_open_opts(out, cpus, &o, err, errlen);
}

int nohz_trace_open_opts(struct nohz_trace **out, const struct nohz_cpuset *cpus,
			 const struct nohz_trace_opts *o, char *err, size_t errlen)
{
	const char *dump = o->dump;
	pthread_condattr_t cattr;
	struct nohz_trace *t;
	int rc, cpu;

	*out = NULL;
	if (nohz_cpuset_empty(cpus)) {
		nohz_err(err, errlen, "no cpu to trace");
		return -EINVAL;
	}
	rc = nohz_tracefs_ensure(err, errlen);
	if (rc < 0)
		return rc;
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->cpus = *cpus;
	t->owner = getpid();
	t->noise = o->noise;
	if (o->clock)
		t->clk = *o->clock;
	else
		nohz_clock_get(&t->clk, NOHZ_CLOCK_MONO, NULL, 0);
	pthread_mutex_init(&t->lock, NULL);
	pthread_condattr_init(&cattr);
	pthread_condattr_setclock(&cattr, CLOCK_MONOTONIC);
	pthread_cond_init(&t->cond, &cattr);
	pthread_condattr_destroy(&cattr);
	t->ex = nohz_explain_new();
	if (!t->ex) {
		rc = -ENOMEM;
		goto fail;
	}
	if (dump) {
		t->dump = fopen(dump, "we");
		if (!t->dump) {
			rc = -errno;
			nohz_err(err, errlen, "cannot write trace file '%s': %s", dump,
				 strerror(errno));
			goto fail;
		}
		/* stdio would allocate its buffer at the first line */
		t->dumpbuf = malloc(DUMP_BUF);
		if (t->dumpbuf)
			setvbuf(t->dump, t->dumpbuf, _IOFBF, DUMP_BUF);
	}
	/* the per-cpu state too is allocated here, not at the first event */
	nohz_cpuset_for_each(cpu, cpus)
		nohz_explain_lost(t->ex, cpu, 0);
	pthread_once(&exit_once, exit_register);
	rc = instance_create(t, err, errlen);
	if (rc < 0)
		goto fail;
	rc = trace_dec_open(&t->dec, t->inst, t->noise, t->missing, sizeof(t->missing), err, errlen);
	if (rc < 0)
		goto fail;
	rc = readers_open(t, err, errlen);
	if (rc < 0)
		goto fail;
	rc = reader_start(t, err, errlen);
	if (rc < 0)
		goto fail;
	*out = t;
	return 0;
fail:
	if (rc == -ENOMEM)
		nohz_err(err, errlen, "out of memory setting up the trace");
	nohz_trace_close(t);
	return rc;
}

int nohz_trace_start(struct nohz_trace *t, char *err, size_t errlen)
{
	if (t->state != R_IDLE)
		return -EALREADY;
	if (tracefs_trace_on(t->inst) < 0) {
		nohz_err(err, errlen, "cannot turn tracing on in the tracefs instance");
		return -EIO;
	}
	t->t0 = now_ns();
	reader_set(t, R_RUN);
	return 0;
}

int nohz_trace_stop(struct nohz_trace *t)
{
	if (!t || t->state != R_RUN)
		return -EINVAL;
	/* one write, then the reader finishes on its own: the caller's
	 * window (the counters') ends right after this */
	tracefs_trace_off(t->inst);
	t->t1 = now_ns();
	reader_set(t, R_STOP);
	return 0;
}

double nohz_trace_seconds(const struct nohz_trace *t)
{
	uint64_t end = t->t1 ? t->t1 : (t->t0 ? now_ns() : 0);

	return t->t0 ? (end - t->t0) / 1e9 : 0;
}

void nohz_trace_join(struct nohz_trace *t)
{
	if (!t || !t->thread)
		return;
	if (t->state == R_RUN)
		nohz_trace_stop(t);
	else if (t->state == R_IDLE)
		reader_set(t, R_QUIT);
	reader_join(t);
}

const struct nohz_trace_rec *nohz_trace_records(const struct nohz_trace *t, int cpu,
						size_t *n, uint64_t *lost,
						uint64_t *lost_from)
{
	*n = 0;
	if (lost)
		*lost = 0;
	if (lost_from)
		*lost_from = UINT64_MAX;
	/* the reader owns the logs until it is joined */
	if (!t || t->thread)
		return NULL;
	for (size_t i = 0; i < t->nrd; i++)
		if (t->rd[i].cpu == cpu) {
			*n = t->rd[i].nrecs;
			if (lost)
				*lost = t->rd[i].lost;
			if (lost_from)
				*lost_from = t->rd[i].lost_from;
			return t->rd[i].crecs ? t->rd[i].recs : NULL;
		}
	return NULL;
}

const char *nohz_trace_missing(const struct nohz_trace *t)
{
	return t->missing;
}

/* trace_explain_defaults - what the caller left zero, from the live system */
void trace_explain_defaults(const struct nohz_trace *t, struct nohz_explain_opts *eo)
{
	struct nohz_sys *sys = nohz_sys_open("/");
	struct nohz_kernel k;
	char v[16];
	int rc;

	if (eo->seconds <= 0)
		eo->seconds = nohz_trace_seconds(t);
	if (!eo->self)
		eo->self = getpid();
	if (!sys)
		return;
	if (nohz_kernel_read(sys, &k) == 0) {
		if (nohz_cpuset_empty(&eo->housekeeping))
			nohz_cpuset_andnot(&eo->housekeeping, &k.online, &t->cpus);
		if (nohz_cpuset_empty(&eo->nohz_full))
			eo->nohz_full = k.nohz_full;
		if (nohz_cpuset_empty(&eo->rcu_nocbs))
			kernel_rcu_nocbs(sys, &k, NULL, &eo->rcu_nocbs);
	}
	if (!eo->kernel_nohz_full) {
		rc = nohz_kconfig(sys, "NO_HZ_FULL", v, sizeof(v));
		eo->kernel_nohz_full = rc == 1 ? 1 : rc == 0 ? -1 : 0;
	}
	nohz_sys_close(sys);
}

int nohz_trace_explain(struct nohz_trace *t, const struct nohz_explain_opts *o,
		       struct nohz_explain **out)
{
	struct nohz_explain_opts eo = { 0 };
	char perf[1024];
	int rc;

	*out = NULL;
	if (!t->ex)
		return -EALREADY;
	if (t->state == R_RUN)
		nohz_trace_stop(t);
	else if (t->state == R_IDLE)
		reader_set(t, R_QUIT);
	reader_join(t);
	if (t->err)
		return t->err;
	if (o)
		eo = *o;
	trace_explain_defaults(t, &eo);
	if (!eo.perf_users) {
		proc_perf_holders(perf, sizeof(perf), &eo.self_perf);
		eo.perf_users = perf;
	}
	rc = nohz_explain_finish(t->ex, &eo);
	if (rc < 0)
		return rc;
	*out = t->ex;
	t->ex = NULL;
	return 0;
}

void nohz_trace_close(struct nohz_trace *t)
{
	struct nohz_trace **p;

	if (!t)
		return;
	if (t->owner != getpid()) {
		/* a forked child: the parent owns tracefs and the thread */
		t->thread = false;
		if (t->inst)
			tracefs_instance_free(t->inst);
		t->inst = NULL;
		t->nrd = 0;
	}
	if (t->thread) {
		if (t->state == R_RUN)
			nohz_trace_stop(t);
		else if (t->state == R_IDLE)
			reader_set(t, R_QUIT);
		reader_join(t);
	}
	for (size_t i = 0; i < t->nrd; i++) {
		if (t->rd[i].tcpu)
			tracefs_cpu_close(t->rd[i].tcpu);
		free(t->rd[i].page);
		free(t->rd[i].recs);
		if (t->rd[i].kbuf)
			kbuffer_free(t->rd[i].kbuf);
	}
	free(t->rd);
	if (t->inst) {
		tracefs_trace_off(t->inst);
		own_instance_close(t->inst, 100);
	}
	pthread_mutex_lock(&open_lock);
	for (p = &open_traces; *p; p = &(*p)->next)
		if (*p == t) {
			*p = t->next;
			break;
		}
	pthread_mutex_unlock(&open_lock);
	trace_dec_close(t->dec);
	if (t->dump)
		fclose(t->dump);
	free(t->dumpbuf);
	nohz_explain_free(t->ex);
	pthread_mutex_destroy(&t->lock);
	pthread_cond_destroy(&t->cond);
	free(t);
}
