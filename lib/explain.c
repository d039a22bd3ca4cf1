// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * explain.c - turn the events recorded on target CPUs into sources of
 * interruptions, ranked by count, each with the remedy that removes it.
 *
 * Aggregation is streaming (a record is counted and forgotten) so a long
 * window on many CPUs costs memory per distinct source, not per event.
 * What cannot be known while streaming - which tids are our spinners, the
 * window length - is applied once in nohz_explain_finish.  The tables are
 * allocated up front: records arrive while the window is open, and growing
 * an mmap-sized array there would remap memory of the process whose
 * spinners run on the measured CPUs (a TLB shootdown IPI on each of them).
 * Names, words and remedies come from lib/remedy.c, printing from
 * lib/explain_out.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define ROWS_RESERVED 2048
#define ARMERS_RESERVED 1024

/* One source being counted: a row of the future table. */
struct ex_row {
	int cpu;
	enum nohz_src_kind kind;
	int64_t id;		/* irq, vector, dependency mask; IPI 1: csd;
				 * TIMER: the hrtimer while its armer is unknown */
	pid_t pid, tgid;	/* the task (TASK, timer armer, POSIX_TIMER) */
	bool self;
	uint64_t count, ticks, wakeups;
	char name[64];		/* function, action, vector, dependency */
	char comm[16];
};

/* Who last armed an hrtimer: expiries are charged to that task. */
struct ex_armer {
	bool used;
	int cpu;
	uint64_t ptr;
	pid_t pid, tgid;
	char comm[16];
};

struct ex_cpu {
	struct nohz_explain_cpu pub;
	struct nohz_source *src;	/* after finish */
	bool in_timer_irq, irq_expired;
	long dep_row;		/* last tick_stop failure not yet followed by a tick */
	char others[256];	/* foreign tasks, for SCHED */
};

struct nohz_explain {
	struct ex_cpu *cpu[NOHZ_MAX_CPUS];
	struct ex_row *rows;
	size_t nrows, rcap;
	uint32_t *index;	/* open addressing: row index + 1 */
	size_t icap;
	struct ex_armer *arm;
	size_t narm, acap;
	double seconds;
	bool finished;
};

/* ------------------------------------------------------------------ */
/* aggregation                                                        */
/* ------------------------------------------------------------------ */

static bool is_tick_fn(const char *fn)
{
	/* the tick's hrtimer: tick_nohz_handler since 6.9, tick_sched_timer
	 * before; tick_handle_periodic is not an hrtimer */
	return !strcmp(fn, "tick_nohz_handler") || !strcmp(fn, "tick_sched_timer") ||
	       !strcmp(fn, "tick_nohz_highres_handler");
}

/* is_task_timer - an hrtimer a task arms for itself (sleeps, its timers):
 * only those are charged to the task that armed them; the kernel arms its
 * own (deadline servers, watchdogs, ...) in whatever task happens to run */
static bool is_task_timer(const char *fn)
{
	static const char *const fns[] = {
		"posix_timer_fn", "it_real_fn", "hrtimer_wakeup", "timerfd_tmrproc",
		"alarmtimer_fired", "io_timeout_fn", "io_link_timeout_fn",
	};

	for (size_t i = 0; i < ARRAY_SIZE(fns); i++)
		if (!strcmp(fn, fns[i]))
			return true;
	return false;
}

static uint64_t hash_mix(uint64_t h, uint64_t v)
{
	return h ^ (v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2));
}

static uint64_t row_hash(int cpu, int kind, int64_t id, pid_t pid, const char *name)
{
	uint64_t h = 1469598103934665603ULL;

	h = hash_mix(h, (uint64_t)cpu);
	h = hash_mix(h, (uint64_t)kind);
	h = hash_mix(h, (uint64_t)id);
	h = hash_mix(h, (uint64_t)pid);
	for (; *name; name++)
		h = (h ^ (unsigned char)*name) * 1099511628211ULL;
	return h;
}

static int index_grow(struct nohz_explain *ex, size_t cap)
{
	uint32_t *idx = calloc(cap, sizeof(*idx));

	if (!idx)
		return -ENOMEM;
	for (size_t i = 0; i < ex->nrows; i++) {
		const struct ex_row *r = &ex->rows[i];
		size_t j = row_hash(r->cpu, r->kind, r->id, r->pid, r->name) & (cap - 1);

		while (idx[j])
			j = (j + 1) & (cap - 1);
		idx[j] = (uint32_t)i + 1;
	}
	free(ex->index);
	ex->index = idx;
	ex->icap = cap;
	return 0;
}

static int rows_grow(struct nohz_explain *ex, size_t cap)
{
	struct ex_row *rows = realloc(ex->rows, cap * sizeof(*rows));

	if (!rows)
		return -ENOMEM;
	ex->rows = rows;
	ex->rcap = cap;
	return 0;
}

/* row_get - the row of (cpu, kind, id, pid, name), created at zero */
static struct ex_row *row_get(struct nohz_explain *ex, int cpu, enum nohz_src_kind kind,
			      int64_t id, pid_t pid, const char *name)
{
	struct ex_row *r;
	size_t j;

	if ((ex->nrows + 1) * 2 > ex->icap && index_grow(ex, ex->icap * 2) < 0)
		return NULL;
	j = row_hash(cpu, kind, id, pid, name) & (ex->icap - 1);
	for (; ex->index[j]; j = (j + 1) & (ex->icap - 1)) {
		r = &ex->rows[ex->index[j] - 1];
		if (r->cpu == cpu && r->kind == kind && r->id == id && r->pid == pid &&
		    !strcmp(r->name, name))
			return r;
	}
	if (ex->nrows == ex->rcap && rows_grow(ex, ex->rcap * 2) < 0)
		return NULL;
	r = &ex->rows[ex->nrows];
	memset(r, 0, sizeof(*r));
	r->cpu = cpu;
	r->kind = kind;
	r->pid = pid;
	r->id = id;
	snprintf(r->name, sizeof(r->name), "%s", name);
	ex->index[j] = (uint32_t)++ex->nrows;
	return r;
}

static struct ex_cpu *cpu_get(struct nohz_explain *ex, int cpu)
{
	struct ex_cpu *c;

	if (cpu < 0 || cpu >= NOHZ_MAX_CPUS)
		return NULL;
	if (ex->cpu[cpu])
		return ex->cpu[cpu];
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->pub.cpu = cpu;
	c->dep_row = -1;
	ex->cpu[cpu] = c;
	return c;
}

static int armers_grow(struct nohz_explain *ex, size_t cap)
{
	struct ex_armer *a = calloc(cap, sizeof(*a));

	if (!a)
		return -ENOMEM;
	for (size_t i = 0; i < ex->acap; i++) {
		const struct ex_armer *o = &ex->arm[i];
		size_t j;

		if (!o->used)
			continue;
		j = hash_mix((uint64_t)o->cpu, o->ptr) & (cap - 1);
		while (a[j].used)
			j = (j + 1) & (cap - 1);
		a[j] = *o;
	}
	free(ex->arm);
	ex->arm = a;
	ex->acap = cap;
	return 0;
}

/* armer_slot - the slot of hrtimer ptr on cpu (matching, or a new one) */
static struct ex_armer *armer_slot(struct nohz_explain *ex, int cpu, uint64_t ptr, bool add)
{
	size_t j;

	if (add && (ex->narm + 1) * 2 > ex->acap && armers_grow(ex, ex->acap * 2) < 0)
		return NULL;
	j = hash_mix((uint64_t)cpu, ptr) & (ex->acap - 1);
	for (; ex->arm[j].used; j = (j + 1) & (ex->acap - 1))
		if (ex->arm[j].cpu == cpu && ex->arm[j].ptr == ptr)
			return &ex->arm[j];
	if (!add)
		return NULL;
	ex->narm++;
	ex->arm[j].used = true;
	ex->arm[j].cpu = cpu;
	ex->arm[j].ptr = ptr;
	return &ex->arm[j];
}

struct nohz_explain *nohz_explain_new(void)
{
	struct nohz_explain *ex = calloc(1, sizeof(*ex));

	if (!ex)
		return NULL;
	if (rows_grow(ex, ROWS_RESERVED) < 0 || index_grow(ex, ROWS_RESERVED * 2) < 0 ||
	    armers_grow(ex, ARMERS_RESERVED) < 0) {
		nohz_explain_free(ex);
		return NULL;
	}
	return ex;
}

void nohz_explain_lost(struct nohz_explain *ex, int cpu, uint64_t n)
{
	struct ex_cpu *c = cpu_get(ex, cpu);

	if (c)
		c->pub.lost += n;
}

/* timer_irq_end - close the local timer interrupt in progress on c */
static int timer_irq_end(struct nohz_explain *ex, struct ex_cpu *c)
{
	struct ex_row *r;

	if (!c->in_timer_irq)
		return 0;
	c->in_timer_irq = false;
	if (c->irq_expired)
		return 0;
	r = row_get(ex, c->pub.cpu, NOHZ_SRC_TICK, 1, 0, "timer interrupt, no hrtimer expired");
	if (!r)
		return -ENOMEM;
	r->count++;
	return 0;
}

static void set_task(struct ex_row *r, pid_t tgid, const char *comm)
{
	if (tgid)
		r->tgid = tgid;
	if (comm[0])
		snprintf(r->comm, sizeof(r->comm), "%.15s", comm);
}

/* add_timer - an hrtimer expired: the tick, or a timer charged to its armer */
static struct ex_row *add_timer(struct nohz_explain *ex, struct ex_cpu *c,
				const struct nohz_trace_rec *rec)
{
	const struct ex_armer *a;
	struct ex_row *r;

	if (c->in_timer_irq)
		c->irq_expired = true;
	if (is_tick_fn(rec->name)) {
		c->pub.ticks++;
		if (c->dep_row >= 0) {
			ex->rows[c->dep_row].ticks++;
			c->dep_row = -1;
		}
		return row_get(ex, rec->cpu, NOHZ_SRC_TICK, 0, 0, "scheduler tick");
	}
	if (!is_task_timer(rec->name))
		return row_get(ex, rec->cpu, NOHZ_SRC_TIMER, 0, 0, rec->name);
	/* armed before the window: keyed by address, resolved at finish if
	 * the same timer is re-armed later */
	a = armer_slot(ex, rec->cpu, rec->ptr, false);
	r = row_get(ex, rec->cpu, NOHZ_SRC_TIMER, a ? 0 : (int64_t)rec->ptr, a ? a->pid : 0,
		    rec->name);
	if (r && a)
		set_task(r, a->tgid, a->comm);
	return r;
}

int nohz_explain_add(struct nohz_explain *ex, const struct nohz_trace_rec *rec)
{
	struct ex_cpu *c;
	struct ex_row *r = NULL;
	struct ex_armer *a;
	const char *dep;

	if (rec->cpu < 0 || rec->cpu >= NOHZ_MAX_CPUS || rec->type >= NOHZ_REC_TYPES)
		return -EINVAL;
	c = cpu_get(ex, rec->cpu);
	if (!c)
		return -ENOMEM;
	c->pub.events++;
	switch (rec->type) {
	case NOHZ_REC_TICK:
		if (timer_irq_end(ex, c) < 0)
			return -ENOMEM;
		c->pub.timer_irqs++;
		c->in_timer_irq = true;
		c->irq_expired = false;
		return 0;
	case NOHZ_REC_TICK_EXIT:
		return timer_irq_end(ex, c);
	case NOHZ_REC_TICK_STOP:
		if (rec->val) {
			c->pub.tick_stops++;
			return 0;
		}
		dep = rec->name[0] ? rec->name : nohz_tick_dep_name(rec->val2);
		/* the task matters for POSIX_TIMER only: the timer is the task's */
		r = row_get(ex, rec->cpu, NOHZ_SRC_TICK_DEP, rec->val2,
			    rec->val2 == 1 ? rec->pid : 0, dep ? dep : "?");
		if (!r)
			return -ENOMEM;
		if (rec->val2 == 1)
			set_task(r, rec->tgid, rec->comm);
		c->dep_row = r - ex->rows;
		break;
	case NOHZ_REC_HRTIMER_START:
		a = armer_slot(ex, rec->cpu, rec->ptr, true);
		if (!a)
			return -ENOMEM;
		/* armed from interrupt context: no task owns it */
		a->pid = rec->val ? 0 : rec->pid;
		a->tgid = rec->val ? 0 : rec->tgid;
		snprintf(a->comm, sizeof(a->comm), "%.15s", rec->val ? "" : rec->comm);
		return 0;
	case NOHZ_REC_HRTIMER:
		r = add_timer(ex, c, rec);
		break;
	case NOHZ_REC_WORK:
		r = row_get(ex, rec->cpu, NOHZ_SRC_WORK, 0, 0, rec->name);
		break;
	case NOHZ_REC_IRQ:
		r = row_get(ex, rec->cpu, NOHZ_SRC_IRQ, rec->val, 0, rec->name);
		break;
	case NOHZ_REC_SOFTIRQ:
		r = row_get(ex, rec->cpu, NOHZ_SRC_SOFTIRQ, rec->val, 0, rec->name);
		break;
	case NOHZ_REC_IPI:
		r = row_get(ex, rec->cpu, NOHZ_SRC_IPI, 0, 0, rec->name);
		break;
	case NOHZ_REC_CSD:
		/* not charged to the interrupted task: the sender is on another
		 * cpu (a batched reclaim flush, say, hits whoever runs) */
		r = row_get(ex, rec->cpu, NOHZ_SRC_IPI, 1, 0, rec->name);
		break;
	case NOHZ_REC_SWITCH:
	case NOHZ_REC_WAKEUP:
		if (rec->tid <= 0)
			return 0;	/* the idle task */
		if (rec->type == NOHZ_REC_WAKEUP && rec->val != rec->cpu)
			return 0;	/* woken onto another cpu */
		r = row_get(ex, rec->cpu, NOHZ_SRC_TASK, 0, rec->tid, "");
		if (!r)
			return -ENOMEM;
		set_task(r, rec->tgid, rec->tcomm);
		if (rec->type == NOHZ_REC_WAKEUP) {
			r->wakeups++;
			return 0;
		}
		break;
	default:
		return -EINVAL;
	}
	if (!r)
		return -ENOMEM;
	r->count++;
	return 0;
}

void nohz_explain_cpus(const struct nohz_explain *ex, struct nohz_cpuset *s)
{
	nohz_cpuset_zero(s);
	for (int cpu = 0; cpu < NOHZ_MAX_CPUS; cpu++)
		if (ex->cpu[cpu])
			nohz_cpuset_set(s, cpu);
}

const struct nohz_explain_cpu *nohz_explain_cpu(const struct nohz_explain *ex, int cpu)
{
	if (cpu < 0 || cpu >= NOHZ_MAX_CPUS || !ex->cpu[cpu])
		return NULL;
	return &ex->cpu[cpu]->pub;
}

double nohz_explain_seconds(const struct nohz_explain *ex)
{
	return ex->seconds;
}

/* ------------------------------------------------------------------ */
/* ranking                                                            */
/* ------------------------------------------------------------------ */

static bool is_spinner(const struct nohz_explain_opts *o, pid_t tid)
{
	for (size_t i = 0; i < o->nspinners; i++)
		if (o->spinners[i] == tid)
			return true;
	return false;
}

static int src_cmp(const void *a, const void *b)
{
	const struct nohz_source *x = a, *y = b;
	int c;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	c = strcmp(x->what, y->what);
	return c ? c : (x->pid > y->pid) - (x->pid < y->pid);
}

/* row_key_cmp - order rows by cpu, then by what merges them, then pid */
static int row_key_cmp(const void *a, const void *b)
{
	const struct ex_row *x = *(struct ex_row *const *)a, *y = *(struct ex_row *const *)b;
	int c;

	if (x->cpu != y->cpu)
		return x->cpu < y->cpu ? -1 : 1;
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	if (x->self != y->self)
		return x->self ? -1 : 1;
	c = strcmp(x->name, y->name);
	if (!c)
		c = strcmp(x->comm, y->comm);
	return c ? c : (x->pid > y->pid) - (x->pid < y->pid);
}

/* same_group - rows that differ only by pid: tasks (or timer armers) of one
 * name, e.g. many short-lived shells, make one row */
static bool same_group(const struct ex_row *x, const struct ex_row *y)
{
	return x->cpu == y->cpu && x->kind == y->kind && x->id == y->id &&
	       x->self == y->self && !strcmp(x->name, y->name) && !strcmp(x->comm, y->comm);
}

/* foreign_tasks - "stress/1234 (500), sh (3 tasks, 7)": for SCHED */
static void foreign_tasks(const struct ex_cpu *c, char *buf, size_t len)
{
	struct strbuf sb;
	int shown = 0;

	sb_init(&sb, buf, len);
	for (size_t i = 0; i < c->pub.n && shown < 3; i++) {
		const struct nohz_source *s = &c->src[i];

		if (s->kind != NOHZ_SRC_TASK)
			continue;
		if (s->ntasks > 1)
			sb_item(&sb, ", ", "%s (%d tasks, %llu)", s->comm[0] ? s->comm : "?",
				s->ntasks, (unsigned long long)s->count);
		else
			sb_item(&sb, ", ", "%s/%d (%llu)", s->comm[0] ? s->comm : "?",
				(int)s->pid, (unsigned long long)s->count);
		shown++;
	}
	sb_finish(&sb);
}

/* source_emit - one source from the rows[0..n) of a group */
static void source_emit(struct nohz_explain *ex, struct ex_row **rows, size_t n,
			const struct nohz_explain_opts *o)
{
	struct ex_cpu *c = ex->cpu[rows[0]->cpu];
	struct nohz_source *s = &c->src[c->pub.n++];
	const struct ex_row *top = rows[0];
	struct remedy_in in;
	struct strbuf sb;
	char pids[128];

	memset(s, 0, sizeof(*s));
	sb_init(&sb, pids, sizeof(pids));
	for (size_t i = 0; i < n; i++) {
		s->count += rows[i]->count;
		s->ticks += rows[i]->ticks;
		if (rows[i]->count > top->count)
			top = rows[i];
		/* rows come sorted by pid: count each task once */
		if (rows[i]->pid > 0 && (!i || rows[i]->pid != rows[i - 1]->pid)) {
			sb_item(&sb, " ", "%d", (int)rows[i]->pid);
			s->ntasks++;
		}
	}
	sb_finish(&sb);
	s->cpu = top->cpu;
	s->kind = top->kind;
	s->pid = top->pid;
	s->self = top->self;
	memcpy(s->comm, top->comm, sizeof(s->comm));
	s->rate = o->seconds > 0 ? s->count / o->seconds : 0;
	in = (struct remedy_in){ .name = top->name, .id = top->id, .comm = top->comm,
				 .others = c->others, .pids = pids };
	remedy_describe(s, &in, o);
}

/* rows_select - the rows worth a source; timers armed before the window
 * get their armer if the same timer was re-armed in it */
static size_t rows_select(struct nohz_explain *ex, const struct nohz_explain_opts *o,
			  struct ex_row **v)
{
	size_t nv = 0;

	for (size_t i = 0; i < ex->nrows; i++) {
		struct ex_row *r = &ex->rows[i];

		if (r->kind == NOHZ_SRC_TIMER && r->id) {
			const struct ex_armer *a = armer_slot(ex, r->cpu, (uint64_t)r->id, false);

			if (a) {
				r->pid = a->pid;
				set_task(r, a->tgid, a->comm);
			}
			r->id = 0;
		}
		if (r->kind == NOHZ_SRC_TASK) {
			if (is_spinner(o, r->pid))
				continue;	/* expected: the load itself */
			if (!r->count) {
				r->kind = NOHZ_SRC_WAKEUP;
				r->count = r->wakeups;
			}
		}
		if (!r->count)
			continue;
		r->self = o->self > 0 && r->tgid == o->self;
		v[nv++] = r;
	}
	return nv;
}

int nohz_explain_finish(struct nohz_explain *ex, const struct nohz_explain_opts *o)
{
	struct ex_row **v;
	size_t nv;

	if (ex->finished)
		return -EALREADY;
	ex->seconds = o->seconds;
	v = calloc(ex->nrows ? ex->nrows : 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (int cpu = 0; cpu < NOHZ_MAX_CPUS; cpu++) {
		struct ex_cpu *c = ex->cpu[cpu];
		size_t n = 0;

		if (!c)
			continue;
		if (timer_irq_end(ex, c) < 0)
			goto nomem;
		for (size_t i = 0; i < ex->nrows; i++)
			n += ex->rows[i].cpu == cpu;
		c->src = calloc(n ? n : 1, sizeof(*c->src));
		if (!c->src)
			goto nomem;
		c->pub.src = c->src;
	}
	nv = rows_select(ex, o, v);
	qsort(v, nv, sizeof(*v), row_key_cmp);
	/* SCHED names the foreign tasks of its cpu: the task rows go first */
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0, j; i < nv; i = j) {
			bool task = v[i]->kind == NOHZ_SRC_TASK;

			for (j = i + 1; j < nv && same_group(v[i], v[j]); j++)
				;
			if (task == (pass == 0))
				source_emit(ex, v + i, j - i, o);
			if (pass == 0 && (j >= nv || v[j]->cpu != v[i]->cpu)) {
				struct ex_cpu *c = ex->cpu[v[i]->cpu];

				qsort(c->src, c->pub.n, sizeof(*c->src), src_cmp);
				foreign_tasks(c, c->others, sizeof(c->others));
			}
		}
	for (int cpu = 0; cpu < NOHZ_MAX_CPUS; cpu++)
		if (ex->cpu[cpu])
			qsort(ex->cpu[cpu]->src, ex->cpu[cpu]->pub.n, sizeof(struct nohz_source),
			      src_cmp);
	free(v);
	ex->finished = true;
	return 0;
nomem:
	free(v);
	return -ENOMEM;
}

void nohz_explain_free(struct nohz_explain *ex)
{
	if (!ex)
		return;
	for (int cpu = 0; cpu < NOHZ_MAX_CPUS; cpu++)
		if (ex->cpu[cpu]) {
			free(ex->cpu[cpu]->src);
			free(ex->cpu[cpu]);
		}
	free(ex->rows);
	free(ex->index);
	free(ex->arm);
	free(ex);
}
