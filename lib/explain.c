// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * explain.c - turn the events recorded on target CPUs into sources of
 * interruptions, ranked by count, each with the remedy that removes it.
 *
 * Aggregation is streaming (a record is counted and forgotten) so a long
 * window on many CPUs costs memory per distinct source, not per event.
 * What cannot be known while streaming - which tids are our spinners, the
 * window length - is applied once in nohz_explain_finish, with the ranking
 * (lib/explain_rank.c).  The tables are allocated up front: records arrive
 * while the window is open, and growing an mmap-sized array there would
 * remap memory of the process whose spinners run on the measured CPUs (a
 * TLB shootdown IPI on each of them).  Names, words and remedies come from
 * lib/remedy.c, printing from lib/explain_out.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define ROWS_RESERVED 2048
#define ARMERS_RESERVED 1024

bool explain_is_tick_fn(const char *fn)
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

/* ex_armer_slot - the slot of hrtimer ptr on cpu (matching, or a new one) */
struct ex_armer *ex_armer_slot(struct nohz_explain *ex, int cpu, uint64_t ptr, bool add)
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

/* ex_timer_irq_end - close the local timer interrupt in progress on c */
int ex_timer_irq_end(struct nohz_explain *ex, struct ex_cpu *c)
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

void ex_set_task(struct ex_row *r, pid_t tgid, const char *comm)
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
	if (explain_is_tick_fn(rec->name)) {
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
	a = ex_armer_slot(ex, rec->cpu, rec->ptr, false);
	r = row_get(ex, rec->cpu, NOHZ_SRC_TIMER, a ? 0 : (int64_t)rec->ptr, a ? a->pid : 0,
		    rec->name);
	if (r && a)
		ex_set_task(r, a->tgid, a->comm);
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
	/* the exits and NMIs serve the noise attribution (lib/noise.c) */
	if (rec->type >= NOHZ_REC_IRQ_EXIT)
		return 0;
	c = cpu_get(ex, rec->cpu);
	if (!c)
		return -ENOMEM;
	c->pub.events++;
	switch (rec->type) {
	case NOHZ_REC_TICK:
		if (ex_timer_irq_end(ex, c) < 0)
			return -ENOMEM;
		c->pub.timer_irqs++;
		c->in_timer_irq = true;
		c->irq_expired = false;
		return 0;
	case NOHZ_REC_TICK_EXIT:
		return ex_timer_irq_end(ex, c);
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
			ex_set_task(r, rec->tgid, rec->comm);
		c->dep_row = r - ex->rows;
		break;
	case NOHZ_REC_HRTIMER_START:
		a = ex_armer_slot(ex, rec->cpu, rec->ptr, true);
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
		ex_set_task(r, rec->tgid, rec->tcomm);
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
