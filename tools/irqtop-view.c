// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * irqtop-view.c - what irqtop shows: the samples (the two files, the tick
 * counters, the task counts), and the view built from the last two: shown
 * CPU columns, rows with per-column values (rates or counts), their order,
 * and the text of a value.  Both the batch frames and the screen draw it.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "irqtop.h"

static const char *const src_file[SRC_MAX] = { NOHZ_PROC_INTERRUPTS, NOHZ_PROC_SOFTIRQS };

/* ------------------------------------------------------------------ */
/* sampling                                                           */
/* ------------------------------------------------------------------ */

/* ticks_open - perf counters of the local timer tick on the online CPUs */
static void ticks_open(struct irqtop *t)
{
	struct nohz_cpuset *cpus = &t->ctr_cpus;

	if (t->loc_ticks) {
		snprintf(t->ctr_note, sizeof(t->ctr_note), "-L given");
		return;
	}
	if (!nohz_sys_live(t->sys)) {
		snprintf(t->ctr_note, sizeof(t->ctr_note), "not the live system");
		return;
	}
	if (t->have_kernel) {
		*cpus = t->k.online;
	} else {	/* no sysfs: the CPUs /proc/interrupts has */
		struct nohz_interrupts it;

		if (nohz_interrupts_read(t->sys, NOHZ_PROC_INTERRUPTS, &it, NULL, 0) < 0)
			return;
		nohz_interrupts_cpus(&it, cpus);
		nohz_interrupts_free(&it);
	}
	if (nohz_counters_open(&t->ctr, cpus, 1u << NOHZ_EV_TICK, t->ctr_note,
			       sizeof(t->ctr_note)) < 0)
		return;
	if (!nohz_counters_has(t->ctr, NOHZ_EV_TICK) || nohz_counters_enable(t->ctr) < 0) {
		nohz_counters_close(t->ctr);
		t->ctr = NULL;
		snprintf(t->ctr_note, sizeof(t->ctr_note), "tick tracepoint not countable");
	}
}

int irqtop_sample(struct irqtop *t, char *err, size_t errlen)
{
	uint64_t *swap;
	int rc, cpu;

	/*
	 * Counters are opened before the first read and read right before
	 * the files, every time, so perf ticks and LOC deltas cover the same
	 * window.
	 */
	if (!t->ctr_tried) {
		t->ctr_tried = true;
		ticks_open(t);
	}
	swap = t->tick_prev;
	t->tick_prev = t->tick_cur;
	t->tick_cur = swap;
	if (t->ctr)
		nohz_cpuset_for_each(cpu, &t->ctr_cpus) {
			uint64_t v = 0;

			nohz_counters_read(t->ctr, cpu, NOHZ_EV_TICK, &v);
			t->tick_cur[cpu] = v;
		}
	/* the older sample goes; the newer becomes the base of the rates */
	for (int s = 0; s < SRC_MAX; s++) {
		nohz_interrupts_free(&t->prev[s]);
		t->prev[s] = t->cur[s];
		memset(&t->cur[s], 0, sizeof(t->cur[s]));
		if (s == SRC_SOFTIRQ && !t->softirqs)
			continue;
		rc = nohz_interrupts_read(t->sys, src_file[s], &t->cur[s], err, errlen);
		if (rc < 0)
			return rc;
	}
	t->t_prev = t->t_cur;
	t->t_cur = irqtop_now();
	t->have_prev = t->samples++ > 0;
	nohz_tasks_running(t->sys, t->tasks, NOHZ_MAX_CPUS,
			   nohz_sys_live(t->sys) ? getpid() : 0);
	return 0;
}

/* ------------------------------------------------------------------ */
/* the view: shown columns, rows, values                              */
/* ------------------------------------------------------------------ */

/* build_columns - shown CPUs: the file's columns, -c, -i */
static int build_columns(struct irqtop *t, char *err, size_t errlen)
{
	const struct nohz_interrupts *it = &t->cur[SRC_IRQ];
	struct nohz_cpuset have;
	char list[256];

	t->ncols = 0;
	for (int i = 0; i < it->ncpus; i++) {
		int cpu = it->cpus[i];

		if (t->filtered && !nohz_cpuset_isset(&t->filter, cpu))
			continue;
		if (t->iso_only && !nohz_cpuset_isset(&t->iso, cpu))
			continue;
		t->cols[t->ncols++] = cpu;
	}
	if (t->ncols)
		return 0;
	nohz_interrupts_cpus(it, &have);
	if (t->iso_only && nohz_cpuset_empty(&t->iso))
		snprintf(err, errlen, "no isolated CPU to show: nohz_full and isolated "
			 "are empty");
	else
		snprintf(err, errlen, "no CPU to show: %s has CPUs %s", src_file[SRC_IRQ],
			 nohz_cpuset_format(&have, list, sizeof(list)));
	return -ENOENT;
}

/* reserve - room for rows and rows x columns cells, kept across frames */
static int reserve(struct irqtop *t, size_t rows, size_t cells)
{
	if (rows > t->cap_rows) {
		void *p = realloc(t->rows, rows * sizeof(*t->rows));

		if (!p)
			return -ENOMEM;
		t->rows = p;
		t->cap_rows = rows;
	}
	if (cells > t->cap_cells) {
		double *v = realloc(t->vals, cells * sizeof(*v));
		uint64_t *d;

		if (!v)
			return -ENOMEM;
		t->vals = v;
		d = realloc(t->deltas, cells * sizeof(*d));
		if (!d)
			return -ENOMEM;
		t->deltas = d;
		t->cap_cells = cells;
	}
	return 0;
}

/* build_row - values of one file row over the shown columns */
static void build_row(struct irqtop *t, struct irqtop_row *v, const int *map,
		      const int *pmap, const struct nohz_irq_row *pr)
{
	const struct nohz_irq_row *r = v->r;
	bool known = false;

	v->total = 0;
	v->hot = 0;
	for (int j = 0; j < t->ncols; j++) {
		int c = map[j];
		uint64_t d = 0, was = 0;

		v->vals[j] = NAN;
		v->deltas[j] = 0;
		if (!v->percpu || c < 0 || (!t->absolute && !t->have_prev))
			continue;
		if (t->absolute) {
			v->vals[j] = (double)r->counts[c];
		} else {
			/* a row new since the last read counted from 0 */
			if (pr && pmap[j] >= 0 && pmap[j] < pr->ncounts)
				was = pr->counts[pmap[j]];
			d = nohz_interrupts_delta(was, r->counts[c]);
			v->deltas[j] = d;
			v->vals[j] = (double)d / t->dt;
			if (d && nohz_cpuset_isset(&t->iso, t->cols[j]))
				v->hot++;
		}
		v->total += v->vals[j];
		known = true;
	}
	if (!v->percpu) {
		known = t->absolute || t->have_prev;
		if (t->absolute)
			v->total = (double)r->total;
		else if (known)
			v->total = (double)nohz_interrupts_delta(pr ? pr->total : 0,
								 r->total) / t->dt;
	}
	if (!known)
		v->total = NAN;
}

/* build_ticks - ticks/s per shown column: perf when counting, else LOC */
static void build_ticks(struct irqtop *t, const int *map, const int *pmap)
{
	const struct nohz_irq_row *loc = nohz_interrupts_find(&t->cur[SRC_IRQ], "LOC");
	const struct nohz_irq_row *ploc = t->have_prev ?
		nohz_interrupts_find(&t->prev[SRC_IRQ], "LOC") : NULL;

	for (int j = 0; j < t->ncols; j++) {
		int cpu = t->cols[j];

		t->ticks[j] = NAN;
		if (!t->have_prev)
			continue;
		if (t->ctr)
			t->ticks[j] = (double)(t->tick_cur[cpu] - t->tick_prev[cpu]) / t->dt;
		else if (loc && ploc && map[j] >= 0 && map[j] < loc->ncounts &&
			 pmap[j] >= 0 && pmap[j] < ploc->ncounts)
			t->ticks[j] = (double)nohz_interrupts_delta(ploc->counts[pmap[j]],
						loc->counts[map[j]]) / t->dt;
	}
}

int irqtop_build(struct irqtop *t, char *err, size_t errlen)
{
	static int map[SRC_MAX][NOHZ_MAX_CPUS], pmap[SRC_MAX][NOHZ_MAX_CPUS];
	size_t want = 0, n = 0, order = 0;
	int rc;

	t->nrows = 0;	/* a failed build leaves an empty view, not a stale one */
	rc = build_columns(t, err, errlen);
	if (rc < 0)
		return rc;
	t->dt = t->have_prev ? (double)(t->t_cur - t->t_prev) / 1e9 : 0;
	if (t->have_prev && t->dt <= 0)
		t->dt = 1e-9;
	for (int s = 0; s < SRC_MAX; s++) {
		want += t->cur[s].nrows;
		for (int j = 0; j < t->ncols; j++) {
			map[s][j] = nohz_interrupts_column(&t->cur[s], t->cols[j]);
			pmap[s][j] = t->have_prev ?
				nohz_interrupts_column(&t->prev[s], t->cols[j]) : -1;
		}
	}
	if (reserve(t, want, want * (size_t)t->ncols) < 0) {
		snprintf(err, errlen, "out of memory for %zu rows of %d CPUs", want, t->ncols);
		return -ENOMEM;
	}
	for (int s = 0; s < SRC_MAX; s++) {
		const struct nohz_interrupts *cur = &t->cur[s];

		for (size_t i = 0; i < cur->nrows; i++, order++) {
			struct irqtop_row *v = &t->rows[n];
			const struct nohz_irq_row *pr = NULL;

			if (t->have_prev && t->prev[s].nrows)
				pr = nohz_interrupts_match(&t->prev[s], cur, i);
			v->r = &cur->rows[i];
			v->src = s;
			v->order = order;
			v->percpu = v->r->ncounts >= cur->ncpus;
			v->vals = t->vals + n * (size_t)t->ncols;
			v->deltas = t->deltas + n * (size_t)t->ncols;
			build_row(t, v, map[s], pmap[s], pr);
			if (t->nonzero && v->total == 0)
				continue;	/* NAN (not known yet) is kept */
			n++;
		}
	}
	t->nrows = n;
	build_ticks(t, map[SRC_IRQ], pmap[SRC_IRQ]);
	irqtop_sort_rows(t);
	return 0;
}

/* ------------------------------------------------------------------ */
/* order and text of values                                           */
/* ------------------------------------------------------------------ */

/* key_val - sort key of a value; not known yet sorts last */
static double key_val(double v)
{
	return isnan(v) ? -1 : v;
}

/* cmp_rows - by t->sort, largest first; ties keep the files' order */
static int cmp_rows(const void *pa, const void *pb, void *arg)
{
	const struct irqtop_row *a = pa, *b = pb;
	const struct irqtop *t = arg;
	double ka, kb;
	int col;

	switch (t->sort) {
	case SORT_NAME:
		if (a->src != b->src)
			return a->src - b->src;
		if ((a->r->irq >= 0) != (b->r->irq >= 0))
			return a->r->irq >= 0 ? -1 : 1;
		if (a->r->irq != b->r->irq)
			return a->r->irq < b->r->irq ? -1 : 1;
		if (strcmp(a->r->name, b->r->name))
			return strcmp(a->r->name, b->r->name);
		break;
	case SORT_CPU:
		col = t->sort_col;
		if (col >= 0) {
			ka = key_val(a->vals[col]);
			kb = key_val(b->vals[col]);
			if (ka != kb)
				return ka > kb ? -1 : 1;
		}
		/* ties by total */
		__attribute__((fallthrough));
	case SORT_TOTAL:
		ka = key_val(a->total);
		kb = key_val(b->total);
		if (ka != kb)
			return ka > kb ? -1 : 1;
		break;
	}
	return a->order < b->order ? -1 : a->order > b->order;
}

void irqtop_sort_rows(struct irqtop *t)
{
	t->sort_col = -1;	/* a CPU not shown sorts by total */
	for (int j = 0; t->sort == SORT_CPU && j < t->ncols; j++)
		if (t->cols[j] == t->sort_cpu)
			t->sort_col = j;
	qsort_r(t->rows, t->nrows, sizeof(*t->rows), cmp_rows, t);
}

const char *irqtop_sort_name(const struct irqtop *t, char *buf, size_t len)
{
	switch (t->sort) {
	case SORT_NAME:
		return "name";
	case SORT_CPU:
		snprintf(buf, len, "cpu%d", t->sort_cpu);
		return buf;
	default:
		return "total";
	}
}

int irqtop_utoa(char *buf, uint64_t v)
{
	char tmp[24];
	int n = 0, len;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	len = n;
	while (n)
		*buf++ = tmp[--n];
	*buf = '\0';
	return len;
}

bool irqtop_whole(const struct irqtop *t)
{
	return t->absolute || t->interval <= 1.05;
}

int irqtop_fmt(char *buf, double v, bool whole)
{
	if (isnan(v)) {
		strcpy(buf, "-");
		return 1;
	}
	if (v < 0)
		v = 0;
	/* over intervals above 1 s, rates under 10 keep a decimal: 0.5/s is not 0 */
	if (whole || v >= 10 || v == floor(v))
		return irqtop_utoa(buf, (uint64_t)llround(v));
	return snprintf(buf, 16, v >= 0.1 ? "%.1f" : "%.2f", v);
}


void irqtop_widths(const struct irqtop *t, int *namew, int *totw, int *colw)
{
	double maxv = 0, maxt = 0;
	bool frac = false;
	char buf[32];

	*namew = 7;	/* "ticks/s" */
	for (size_t i = 0; i < t->nrows; i++) {
		const struct irqtop_row *v = &t->rows[i];
		int l = (int)strlen(v->r->name);

		if (l > *namew)
			*namew = l;
		if (!isnan(v->total) && v->total > maxt)
			maxt = v->total;
		for (int j = 0; j < t->ncols; j++) {
			double x = v->vals[j];

			if (isnan(x))
				continue;
			if (x > maxv)
				maxv = x;
			if (!irqtop_whole(t) && x < 10 && x != floor(x))
				frac = true;
		}
	}
	for (int j = 0; j < t->ncols; j++)
		if (!isnan(t->ticks[j]) && t->ticks[j] > maxv)
			maxv = t->ticks[j];
	*colw = snprintf(buf, sizeof(buf), "CPU%d", t->ncols ? t->cols[t->ncols - 1] : 0);
	if (irqtop_fmt(buf, maxv, true) > *colw)
		*colw = (int)strlen(buf);
	if (frac && *colw < 4)
		*colw = 4;
	*totw = irqtop_fmt(buf, maxt, true);
	if (*totw < 5)
		*totw = 5;
}

bool irqtop_col_iso(const struct irqtop *t, int j)
{
	return nohz_cpuset_isset(&t->iso, t->cols[j]);
}
