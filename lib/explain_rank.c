// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * explain_rank.c - the end of an explanation: once the window is closed,
 * drop the spinners, give timers armed before the window their armer when
 * it was seen later, merge the rows that differ only by pid into one
 * source, attach the remedies (lib/remedy.c) and rank every cpu by count.
 * The rows are counted by lib/explain.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

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
			const struct ex_armer *a = ex_armer_slot(ex, r->cpu, (uint64_t)r->id,
								 false);

			if (a) {
				r->pid = a->pid;
				ex_set_task(r, a->tgid, a->comm);
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
		if (ex_timer_irq_end(ex, c) < 0)
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
