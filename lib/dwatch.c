// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * dwatch.c - follow threads through uninterruptible sleep: one wait per
 * continuous stay in D, reported when it passes the threshold and again when
 * it ends, summed by thread and by wait site.
 *
 * Sampling sees a thread in D only at scan times.  A wait that began between
 * two scans is dated at their midpoint, and so is its end, which keeps a
 * duration within one interval of the truth.  Between two sightings in D the
 * thread may have run and gone back to sleep; its schedstat CPU time tells
 * one long wait from many short ones.  Trace mode dates
 * both ends from the scheduler's own events (lib/dtrace.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

#define RUNS_UNKNOWN ULLONG_MAX
#define GC_NS 5000000000ull	/* trace mode: look for vanished threads this often */

struct dep {			/* one thread followed while it is in D */
	pid_t pid, tid;		/* pid 0: not resolved yet (trace mode) */
	unsigned long long starttime, runs;	/* runs: CPU time, schedstat */
	uint64_t start, last, gen;
	bool since_start, ignored;
	char comm[64], pcomm[64];
	char *stack;		/* trace mode: frames captured at the switch */
	struct nohz_dwait *rep;	/* set once reported */
};

struct site_thread {
	size_t site;
	pid_t tid;
};

struct nohz_dwatch {
	struct nohz_sys *sys;
	struct nohz_dwatch_opts o;
	pid_t *pids;
	char comm[64];
	struct dtrace *tr;
	struct nohz_dscan *scan;
	struct dep *v;		/* sorted by tid */
	size_t n, cap;
	uint64_t gen, prev_scan, now, last_gc;
	bool scanned;		/* prev_scan is set */
	struct nohz_dsum *thr, *site, *rows;
	size_t nthr, nsite, nrows, cthr, csite, crows;
	struct site_thread *st;
	size_t nst, cst;
	struct nohz_dwatch_stats stats;
	volatile sig_atomic_t stop;
};

/* grow - make room for one more element in a dynamic array */
static int grow(void **v, size_t *cap, size_t n, size_t size)
{
	void *p;
	size_t nc;

	if (n < *cap)
		return 0;
	nc = *cap ? *cap * 2 : 16;
	p = realloc(*v, nc * size);
	if (!p)
		return -ENOMEM;
	*v = p;
	*cap = nc;
	return 0;
}

/* dep_find - index of tid, or the insertion point as -(pos + 1) */
static long dep_find(const struct nohz_dwatch *w, pid_t tid)
{
	size_t lo = 0, hi = w->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (w->v[mid].tid == tid)
			return (long)mid;
		if (w->v[mid].tid < tid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -(long)lo - 1;
}

static struct dep *dep_insert(struct nohz_dwatch *w, long pos, pid_t tid)
{
	size_t at = (size_t)(-pos - 1);

	if (grow((void **)&w->v, &w->cap, w->n, sizeof(*w->v)) < 0)
		return NULL;
	memmove(w->v + at + 1, w->v + at, (w->n - at) * sizeof(*w->v));
	w->n++;
	memset(w->v + at, 0, sizeof(*w->v));
	w->v[at].tid = tid;
	w->v[at].runs = RUNS_UNKNOWN;
	return w->v + at;
}

static void dep_remove(struct nohz_dwatch *w, size_t i)
{
	free(w->v[i].stack);
	free(w->v[i].rep);
	memmove(w->v + i, w->v + i + 1, (w->n - i - 1) * sizeof(*w->v));
	w->n--;
}

/* sum_row - the summary row of a thread (tid > 0) or a site */
static struct nohz_dsum *sum_row(struct nohz_dsum **v, size_t *n, size_t *cap,
				 const char *name, pid_t pid, pid_t tid)
{
	for (size_t i = 0; i < *n; i++)
		if ((*v)[i].tid == tid && (*v)[i].pid == pid &&
		    !strcmp((*v)[i].name, name))
			return *v + i;
	if (grow((void **)v, cap, *n, sizeof(**v)) < 0)
		return NULL;
	memset(*v + *n, 0, sizeof(**v));
	snprintf((*v)[*n].name, sizeof((*v)[*n].name), "%s", name);
	(*v)[*n].pid = pid;
	(*v)[*n].tid = tid;
	return *v + (*n)++;
}

static void sum_one(struct nohz_dsum *r, uint64_t dur, bool ongoing)
{
	r->waits++;
	r->total_ns += dur;
	if (dur > r->max_ns)
		r->max_ns = dur;
	r->ongoing |= ongoing;
}

/* sum_add - count a finished wait by thread and by site */
static void sum_add(struct nohz_dwatch *w, const struct nohz_dwait *d)
{
	struct nohz_dsum *t = sum_row(&w->thr, &w->nthr, &w->cthr, d->comm, d->pid, d->tid);
	struct nohz_dsum *s = sum_row(&w->site, &w->nsite, &w->csite, d->site, 0, 0);
	size_t i;

	if (t)
		sum_one(t, d->dur_ns, false);
	if (!s)
		return;
	sum_one(s, d->dur_ns, false);
	for (i = 0; i < w->nst; i++)
		if (w->st[i].site == (size_t)(s - w->site) && w->st[i].tid == d->tid)
			return;
	if (grow((void **)&w->st, &w->cst, w->nst, sizeof(*w->st)) < 0)
		return;
	w->st[w->nst++] = (struct site_thread){ s - w->site, d->tid };
	s->threads++;
}

static bool pid_wanted(const struct nohz_dwatch *w, pid_t pid)
{
	if (!w->o.npids)
		return true;
	for (size_t i = 0; i < w->o.npids; i++)
		if (w->pids[i] == pid)
			return true;
	return false;
}

/* wait_report - the wait of d passed the threshold: gather details, tell */
static void wait_report(struct nohz_dwatch *w, struct dep *d, uint64_t now,
			bool waiting)
{
	struct nohz_dwait *r;

	if (!d->pid) {		/* trace mode: only the tid is in the event */
		pid_t pid = dstate_tgid(w->sys, d->tid);
		char path[64], buf[64];

		d->pid = pid > 0 ? pid : d->tid;
		snprintf(path, sizeof(path), "proc/%d/comm", (int)d->pid);
		if (dstate_read_at(nohz_sys_fd(w->sys), path, buf, sizeof(buf)) > 0)
			snprintf(d->pcomm, sizeof(d->pcomm), "%.*s",
				 (int)strcspn(buf, "\n"), buf);
		if (!pid_wanted(w, d->pid) ||
		    (w->comm[0] && strcmp(d->comm, w->comm) && strcmp(d->pcomm, w->comm)))
			d->ignored = true;
	}
	if (d->ignored)
		return;
	r = calloc(1, sizeof(*r));
	if (!r)
		return;
	r->pid = d->pid;
	r->tid = d->tid;
	snprintf(r->comm, sizeof(r->comm), "%s", d->comm);
	if (d->stack)
		snprintf(r->stack, sizeof(r->stack), "%s", d->stack);
	dstate_details_read(w->sys, r, waiting);
	r->start_ns = d->start;
	r->dur_ns = now - d->start;
	r->since_start = d->since_start;
	d->rep = r;
	w->stats.reported++;
	if (w->o.fn)
		w->o.fn(NOHZ_DWAIT_STUCK, r, w->o.arg);
}

/* wait_end - the wait of d ended at end: tell and count it if reported */
static void wait_end(struct nohz_dwatch *w, struct dep *d, uint64_t end)
{
	struct nohz_dwait *r = d->rep;

	if (!r)
		return;
	r->dur_ns = end > d->start ? end - d->start : 0;
	r->woken = true;
	if (w->o.fn)
		w->o.fn(NOHZ_DWAIT_WOKE, r, w->o.arg);
	sum_add(w, r);
}

static void check_threshold(struct nohz_dwatch *w, struct dep *d, uint64_t now)
{
	/* trace mode: events newer than now may already be in */
	if (!d->rep && !d->ignored && now >= d->start &&
	    now - d->start >= w->o.threshold_ns)
		wait_report(w, d, now, true);
}

/* sample_thread - one thread seen in D by a scan at w->now */
static int sample_thread(const struct nohz_dthread *t, void *arg)
{
	struct nohz_dwatch *w = arg;
	uint64_t now = w->now;
	unsigned long long runs = t->runtime_ns ? t->runtime_ns : RUNS_UNKNOWN;
	long pos;
	struct dep *d = NULL;

	if (w->comm[0] && strcmp(t->stat.comm, w->comm) && strcmp(t->pcomm, w->comm))
		return 0;
	pos = dep_find(w, t->stat.tid);
	if (pos >= 0) {
		d = w->v + pos;
		/* a new thread under a reused tid, or it ran since the last scan */
		if (d->starttime != t->stat.starttime ||
		    (runs != RUNS_UNKNOWN && d->runs != RUNS_UNKNOWN && runs != d->runs)) {
			wait_end(w, d, (d->last + now) / 2);
			dep_remove(w, pos);
			pos = dep_find(w, t->stat.tid);
			d = NULL;
		}
	}
	if (!d) {
		d = dep_insert(w, pos, t->stat.tid);
		if (!d)
			return 0;
		d->pid = t->pid;
		d->starttime = t->stat.starttime;
		d->since_start = w->scanned;
		d->start = d->since_start ? (w->prev_scan + now) / 2 : now;
		snprintf(d->comm, sizeof(d->comm), "%s", t->stat.comm);
		snprintf(d->pcomm, sizeof(d->pcomm), "%s", t->pcomm);
	}
	d->runs = runs;
	d->last = now;
	d->gen = w->gen;
	check_threshold(w, d, now);
	return 0;
}

int nohz_dwatch_scan(struct nohz_dwatch *w, uint64_t now)
{
	uint64_t t0 = now_ns(), took;
	int n;

	if (w->tr)
		return -EINVAL;
	w->gen++;
	w->now = now;
	n = nohz_dscan_run(w->scan, sample_thread, w);
	if (n < 0)
		return n;
	/* threads not seen in D this time woke between the two scans */
	for (size_t i = w->n; i-- > 0;) {
		if (w->v[i].gen == w->gen)
			continue;
		wait_end(w, w->v + i, (w->v[i].last + now) / 2);
		dep_remove(w, i);
	}
	w->prev_scan = now;
	w->scanned = true;
	took = now_ns() - t0;
	w->stats.scans++;
	w->stats.threads = n;
	w->stats.scan_ns_sum += took;
	if (took > w->stats.scan_ns_max)
		w->stats.scan_ns_max = took;
	return 0;
}

/* trace_event - one scheduler event of trace mode */
static void trace_event(const struct dtrace_ev *ev, void *arg)
{
	struct nohz_dwatch *w = arg;
	long pos = dep_find(w, ev->tid);
	struct dep *d = pos >= 0 ? w->v + pos : NULL;

	switch (ev->kind) {
	case DTRACE_SLEEP:
		if (d && !d->since_start && ev->ts <= d->start) {
			d->start = ev->ts;	/* seeded by the first scan: now exact */
			d->since_start = true;
			return;
		}
		if (d) {		/* its wakeup was lost */
			wait_end(w, d, ev->ts);
			dep_remove(w, pos);
			pos = dep_find(w, ev->tid);
		}
		d = dep_insert(w, pos, ev->tid);
		if (!d)
			return;
		d->start = ev->ts;
		d->since_start = true;
		snprintf(d->comm, sizeof(d->comm), "%s", ev->comm);
		break;
	case DTRACE_STACK:
		if (d && !d->stack && !d->rep)
			d->stack = strdup(ev->stack);
		break;
	case DTRACE_WAKE:
		if (!d || ev->ts < d->start)
			return;
		/* passed the threshold between two polls: report it now */
		if (!d->rep && !d->ignored && ev->ts - d->start >= w->o.threshold_ns)
			wait_report(w, d, ev->ts, false);
		wait_end(w, d, ev->ts);
		dep_remove(w, pos);
		break;
	}
}

/* trace_poll - read the events so far, then report long waits as of now */
static int trace_poll(struct nohz_dwatch *w, uint64_t now)
{
	uint64_t t0 = now_ns(), took;
	int rc;

	w->now = now;
	rc = dtrace_drain(w->tr, trace_event, w);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < w->n; i++)
		check_threshold(w, w->v + i, now);
	/* a thread that exited without a wakeup event seen: events were lost */
	if (now - w->last_gc > GC_NS) {
		w->last_gc = now;
		for (size_t i = w->n; i-- > 0;) {
			char path[32];

			snprintf(path, sizeof(path), "proc/%d", (int)w->v[i].tid);
			if (now - w->v[i].start > GC_NS &&
			    faccessat(nohz_sys_fd(w->sys), path, F_OK, 0) < 0) {
				wait_end(w, w->v + i, now);
				dep_remove(w, i);
			}
		}
	}
	took = now_ns() - t0;
	w->stats.scans++;
	w->stats.scan_ns_sum += took;
	if (took > w->stats.scan_ns_max)
		w->stats.scan_ns_max = took;
	w->stats.events = dtrace_events(w->tr);
	w->stats.lost = dtrace_lost(w->tr);
	return 0;
}

/* seed_thread - trace mode: a thread already in D when tracing began */
static int seed_thread(const struct nohz_dthread *t, void *arg)
{
	struct nohz_dwatch *w = arg;
	long pos = dep_find(w, t->stat.tid);
	struct dep *d;

	if (pos >= 0 ||
	    (w->comm[0] && strcmp(t->stat.comm, w->comm) && strcmp(t->pcomm, w->comm)))
		return 0;
	d = dep_insert(w, pos, t->stat.tid);
	if (!d)
		return 0;
	d->pid = t->pid;
	d->start = w->now;
	snprintf(d->comm, sizeof(d->comm), "%s", t->stat.comm);
	snprintf(d->pcomm, sizeof(d->pcomm), "%s", t->pcomm);
	return 0;
}

int nohz_dwatch_open(struct nohz_dwatch **out, struct nohz_sys *sys,
		     const struct nohz_dwatch_opts *o, char *err, size_t errlen)
{
	struct nohz_dwatch *w;
	int fd, rc;

	*out = NULL;
	fd = openat(nohz_sys_fd(sys), "proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		nohz_err(err, errlen, "cannot read %s/proc: %s",
			 strcmp(nohz_sys_root(sys), "/") ? nohz_sys_root(sys) : "",
			 strerror(-rc));
		return rc;
	}
	close(fd);
	if (o->interval_ns == 0) {
		nohz_err(err, errlen, "the interval must be greater than zero");
		return -EINVAL;
	}
	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->sys = sys;
	w->o = *o;
	if (o->npids) {
		w->pids = malloc(o->npids * sizeof(*w->pids));
		if (!w->pids) {
			free(w);
			return -ENOMEM;
		}
		memcpy(w->pids, o->pids, o->npids * sizeof(*w->pids));
	}
	w->o.pids = w->pids;
	snprintf(w->comm, sizeof(w->comm), "%s", o->comm ? o->comm : "");
	w->o.comm = w->comm;
	if (o->trace) {
		if (!nohz_sys_live(sys)) {
			nohz_err(err, errlen, "trace mode reads the running kernel: "
				 "it cannot be combined with --root");
			nohz_dwatch_close(w);
			return -EINVAL;
		}
		rc = dtrace_open(&w->tr, err, errlen);
		if (rc < 0) {
			nohz_dwatch_close(w);
			return rc;
		}
		w->now = w->last_gc = now_ns();
		nohz_dstate_scan(sys, w->pids, w->o.npids, false, seed_thread, w);
	} else {
		rc = nohz_dscan_open(&w->scan, sys, w->pids, w->o.npids);
		if (rc < 0) {
			nohz_err(err, errlen, "cannot read /proc: %s", strerror(-rc));
			nohz_dwatch_close(w);
			return rc;
		}
	}
	*out = w;
	return 0;
}

static void sleep_until(const volatile sig_atomic_t *stop, uint64_t t)
{
	struct timespec ts = { (time_t)(t / 1000000000ull), (long)(t % 1000000000ull) };

	while (!*stop && clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

int nohz_dwatch_run(struct nohz_dwatch *w, double seconds, unsigned long count,
		    char *err, size_t errlen)
{
	uint64_t t0 = now_ns(), next = t0, end = 0;
	unsigned long passes = 0;
	int rc = 0;

	if (seconds > 0)
		end = t0 + (uint64_t)(seconds * 1e9);
	while (!w->stop) {
		uint64_t t = now_ns();

		rc = w->tr ? trace_poll(w, t) : nohz_dwatch_scan(w, t);
		if (rc < 0) {
			nohz_err(err, errlen, "cannot read %s: %s",
				 w->tr ? "the trace buffer" : "/proc", strerror(-rc));
			break;
		}
		if ((count && ++passes >= count) || (end && t >= end))
			break;
		next += w->o.interval_ns;
		t = now_ns();
		if (next < t)
			next = t;	/* a scan slower than the interval: no catch-up burst */
		if (end && next > end)
			next = end;
		sleep_until(&w->stop, next);
	}
	/* wakeups that happened before the stop */
	if (w->tr && rc == 0)
		rc = trace_poll(w, now_ns());
	w->stats.elapsed_ns = now_ns() - t0;
	return rc;
}

void nohz_dwatch_stop(struct nohz_dwatch *w)
{
	w->stop = 1;
}

static int sum_cmp(const void *a, const void *b)
{
	const struct nohz_dsum *x = a, *y = b;

	if (x->total_ns != y->total_ns)
		return x->total_ns < y->total_ns ? 1 : -1;
	if (x->tid != y->tid)
		return x->tid < y->tid ? -1 : 1;
	return strcmp(x->name, y->name);
}

size_t nohz_dwatch_summary(struct nohz_dwatch *w, bool sites,
			   const struct nohz_dsum **rows)
{
	size_t n = sites ? w->nsite : w->nthr;

	/* finished waits, then the reported ones still in D */
	w->nrows = 0;
	for (size_t i = 0; i < n; i++) {
		if (grow((void **)&w->rows, &w->crows, w->nrows, sizeof(*w->rows)) < 0)
			break;
		w->rows[w->nrows++] = sites ? w->site[i] : w->thr[i];
	}
	for (size_t i = 0; i < w->n; i++) {
		const struct nohz_dwait *r = w->v[i].rep;
		struct nohz_dsum *row;
		uint64_t dur;

		if (!r)
			continue;
		dur = w->now > r->start_ns ? w->now - r->start_ns : 0;
		row = sites ? sum_row(&w->rows, &w->nrows, &w->crows, r->site, 0, 0)
			    : sum_row(&w->rows, &w->nrows, &w->crows, r->comm, r->pid, r->tid);
		if (!row)
			continue;
		if (sites) {		/* one open wait per tid: count it unless seen */
			bool seen = false;

			for (size_t j = 0; j < w->nst; j++)
				seen |= w->st[j].tid == r->tid &&
					!strcmp(w->site[w->st[j].site].name, r->site);
			row->threads += !seen;
		}
		sum_one(row, dur, true);
	}
	if (w->nrows)
		qsort(w->rows, w->nrows, sizeof(*w->rows), sum_cmp);
	*rows = w->rows;
	return w->nrows;
}

const struct nohz_dwatch_stats *nohz_dwatch_stats(const struct nohz_dwatch *w)
{
	return &w->stats;
}

void nohz_dwatch_close(struct nohz_dwatch *w)
{
	if (!w)
		return;
	if (w->tr)
		dtrace_close(w->tr);
	nohz_dscan_close(w->scan);
	for (size_t i = 0; i < w->n; i++) {
		free(w->v[i].stack);
		free(w->v[i].rep);
	}
	free(w->v);
	free(w->pids);
	free(w->thr);
	free(w->site);
	free(w->rows);
	free(w->st);
	free(w);
}
