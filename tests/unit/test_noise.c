// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * test_noise.c - lib/noise.c fed with synthetic gaps and trace records (no
 * kernel, no spinner): each gap must come back with the causes whose
 * records lie inside it, each charged its exclusive time, the rest of the
 * gap to the first (outermost, earliest) cause, so that the shares add up
 * to the gap; and the per-cpu totals (noise, % available, histogram, time
 * stolen per kind, ranked sources, the worst gaps) must agree with the gaps
 * the test made.  Sources are checked by the words the contract fixes
 * ("IRQ 24", the function, "comm/pid"), not by their whole text.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "nohz.h"

#define CPU	1
#define SPIN	777			/* the spinner's tid */
#define W0	1000000000ULL		/* the window: one second */
#define W1	(W0 + 1000000000ULL)
#define MS	1000000ULL

struct scene {
	struct nohz_gap gaps[64];
	size_t ngaps;
	struct nohz_trace_rec recs[512];
	size_t nrecs;
	uint64_t dropped, lost, lost_from;
	bool untraced;			/* recs NULL */
};

static struct scene *scene_new(void)
{
	struct scene *sc = calloc(1, sizeof(*sc));

	assert_non_null(sc);
	return sc;
}

/* gap - a gap of dur ns at start (the clock's ns); returns its start */
static uint64_t gap(struct scene *sc, uint64_t start, uint64_t dur)
{
	assert_true(sc->ngaps < 64);
	sc->gaps[sc->ngaps].start_ns = start;
	sc->gaps[sc->ngaps].dur_ns = dur;
	sc->ngaps++;
	return start;
}

/* rec - a record of type at ts on CPU, the spinner running */
static struct nohz_trace_rec *rec(struct scene *sc, uint64_t ts, enum nohz_rec_type type)
{
	struct nohz_trace_rec *r;

	assert_true(sc->nrecs < 512);
	r = &sc->recs[sc->nrecs++];
	memset(r, 0, sizeof(*r));
	r->ts = ts;
	r->cpu = CPU;
	r->type = type;
	r->pid = SPIN;
	r->tgid = SPIN - 1;
	snprintf(r->comm, sizeof(r->comm), "nohz-spin/%d", CPU);
	return r;
}

static struct nohz_trace_rec *named(struct scene *sc, uint64_t ts, enum nohz_rec_type type,
				    int64_t val, const char *name)
{
	struct nohz_trace_rec *r = rec(sc, ts, type);

	r->val = val;
	snprintf(r->name, sizeof(r->name), "%s", name);
	return r;
}

/* frame - an entry at a and its exit at b */
static void frame(struct scene *sc, uint64_t a, uint64_t b, enum nohz_rec_type in,
		  enum nohz_rec_type out, int64_t val, const char *name)
{
	named(sc, a, in, val, name);
	named(sc, b, out, val, name);
}

/* hrtimer - one hrtimer running fn from a to b */
static void hrtimer(struct scene *sc, uint64_t a, uint64_t b, const char *fn)
{
	named(sc, a, NOHZ_REC_HRTIMER, 0, fn)->ptr = 0xffff888000001000ULL;
	named(sc, b, NOHZ_REC_HRTIMER_EXIT, 0, "")->ptr = 0xffff888000001000ULL;
}

/* sw - sched_switch at ts from prev to next (tid, comm) */
static void sw(struct scene *sc, uint64_t ts, pid_t prev, const char *prev_comm, pid_t next,
	       const char *next_comm)
{
	struct nohz_trace_rec *r = rec(sc, ts, NOHZ_REC_SWITCH);

	r->pid = prev;
	snprintf(r->comm, sizeof(r->comm), "%s", prev_comm);
	r->val = prev;
	r->tid = next;
	r->tgid = next == SPIN ? SPIN - 1 : next;
	snprintf(r->tcomm, sizeof(r->tcomm), "%s", next_comm);
}

static void opts_init(struct nohz_noise_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->threshold_ns = 1000;
	o->min_available = -1;
}

static bool near(double a, double b, double eps)
{
	return fabs(a - b) <= eps;
}

/* invariants - what must hold of any result */
static void invariants(const struct nohz_noise_cpu *c)
{
	uint64_t hist = 0, kinds = 0, marks = 0, maxd = 0;

	for (int b = 0; b < NOHZ_HIST_BUCKETS; b++)
		hist += c->hist[b];
	assert_int_equal(hist, c->gaps);
	assert_int_equal(c->nmarks, c->gaps);
	for (size_t i = 0; i < c->nmarks; i++) {
		marks += c->marks[i].duration_ns;
		if (c->marks[i].duration_ns > maxd)
			maxd = c->marks[i].duration_ns;
		if (i)
			assert_true(c->marks[i - 1].start_ns <= c->marks[i].start_ns);
		assert_true(c->marks[i].start_ns + c->marks[i].duration_ns <= c->window_ns);
	}
	assert_int_equal(marks, c->noise_ns);
	assert_int_equal(maxd, c->max_gap_ns);
	assert_true(near(c->available_pct,
			 100.0 * (1.0 - (double)c->noise_ns / (double)c->window_ns), 1e-6));
	for (int k = 0; k < NOHZ_NOISE_KINDS; k++)
		kinds += c->stolen_by_kind[k];
	if (c->traced && !c->unattributed)
		assert_int_equal(kinds, c->noise_ns);
	assert_true(c->nworst <= c->gaps);
	for (size_t i = 0; i < c->nworst; i++) {
		const struct nohz_noise_gap *g = &c->worst[i];
		uint64_t sum = 0;

		if (i)
			assert_true(c->worst[i - 1].duration_ns >= g->duration_ns);
		for (size_t j = 0; j < g->ncauses; j++) {
			sum += g->causes[j].stolen_ns;
			if (j)	/* largest share first */
				assert_true(g->causes[j - 1].stolen_ns >= g->causes[j].stolen_ns);
			assert_true(g->causes[j].kind < NOHZ_NOISE_KINDS);
		}
		if (g->ncauses)
			assert_int_equal(sum, g->duration_ns);
	}
	for (size_t i = 1; i < c->nsources; i++)
		assert_true(c->sources[i - 1].stolen_ns >= c->sources[i].stolen_ns);
}

/* build - the noise of the scene with o; checks the invariants */
static void build(struct nohz_noise_cpu *c, const struct scene *sc,
		  const struct nohz_noise_opts *o)
{
	struct nohz_noise_in in = {
		.cpu = CPU, .spinner_tid = SPIN, .w0 = W0, .w1 = W1,
		.threshold_ns = 1000, .loop_ns = 20,
		.gaps = sc->gaps, .ngaps = sc->ngaps, .dropped = sc->dropped,
		.recs = sc->untraced ? NULL : sc->recs, .nrecs = sc->untraced ? 0 : sc->nrecs,
		.lost = sc->lost, .lost_from = sc->lost_from, .steal_ns = -1,
	};

	memset(c, 0, sizeof(*c));
	assert_int_equal(nohz_noise_cpu_build(c, &in, o), 0);
	assert_int_equal(c->cpu, CPU);
	assert_int_equal(c->spinner_tid, SPIN);
	if (!sc->dropped)
		assert_int_equal(c->window_ns, W1 - W0);
	invariants(c);
}

static void build_default(struct nohz_noise_cpu *c, const struct scene *sc)
{
	struct nohz_noise_opts o;

	opts_init(&o);
	build(c, sc, &o);
}

/* worst_at - the worst gap that starts at start (the clock's ns) */
static const struct nohz_noise_gap *worst_at(const struct nohz_noise_cpu *c, uint64_t start)
{
	for (size_t i = 0; i < c->nworst; i++)
		if (c->worst[i].start_ns == start - W0)
			return &c->worst[i];
	fail_msg("no worst gap at %llu ns into the window", (unsigned long long)(start - W0));
	return NULL;
}

/* ncauses - g has n causes; they are printed when not */
static void ncauses(const struct nohz_noise_gap *g, size_t n)
{
	if (g->ncauses != n)
		for (size_t i = 0; i < g->ncauses; i++)
			print_message("  cause %zu: %s '%s' stolen %llu duration %llu\n", i,
				      nohz_noise_kind_name(g->causes[i].kind), g->causes[i].source,
				      (unsigned long long)g->causes[i].stolen_ns,
				      (unsigned long long)g->causes[i].duration_ns);
	assert_int_equal(g->ncauses, n);
}

static const struct nohz_noise_cause *cause(const struct nohz_noise_gap *g,
					    enum nohz_noise_kind kind, const char *word)
{
	for (size_t i = 0; i < g->ncauses; i++)
		if (g->causes[i].kind == kind && strstr(g->causes[i].source, word))
			return &g->causes[i];
	fail_msg("no %s cause with '%s' among %zu", nohz_noise_kind_name(kind), word,
		 g->ncauses);
	return NULL;
}

static const struct nohz_noise_source *source(const struct nohz_noise_cpu *c,
					      enum nohz_noise_kind kind, const char *word)
{
	for (size_t i = 0; i < c->nsources; i++)
		if (c->sources[i].kind == kind && strstr(c->sources[i].source, word))
			return &c->sources[i];
	return NULL;
}

/* stolen_kind - what the causes of kind took in g */
static uint64_t stolen_kind(const struct nohz_noise_gap *g, enum nohz_noise_kind kind)
{
	uint64_t s = 0;

	for (size_t i = 0; i < g->ncauses; i++)
		if (g->causes[i].kind == kind)
			s += g->causes[i].stolen_ns;
	return s;
}

static void test_kind_names(void **state)
{
	static const char *const want[NOHZ_NOISE_KINDS] = {
		[NOHZ_NOISE_IRQ] = "irq", [NOHZ_NOISE_SOFTIRQ] = "softirq",
		[NOHZ_NOISE_TIMER] = "timer", [NOHZ_NOISE_WORK] = "work",
		[NOHZ_NOISE_THREAD] = "thread", [NOHZ_NOISE_IPI] = "ipi",
		[NOHZ_NOISE_NMI] = "nmi", [NOHZ_NOISE_HW] = "hw",
	};

	for (int k = 0; k < NOHZ_NOISE_KINDS; k++)
		assert_string_equal(nohz_noise_kind_name(k), want[k]);
	/* NULLs are harmless */
	nohz_noise_cpu_free(NULL);
	nohz_noise_free(NULL);
	assert_null(nohz_noise_cpu_find(NULL, 1));
}

/*
 * A local timer interrupt that ran tick_sched_timer, then the TIMER
 * softirq at its exit.  Gap of 20 us: tick +1..+4 us with the hrtimer at
 * +1.5..+3.5, softirq +5..+14.  The tick is reported through its hrtimer:
 * 3 us of its own; the softirq 9 us; the 8 us left (kernel entry, exit)
 * go to the first cause, the timer: 11 us, not to the largest.
 */
static void test_tick_then_softirq(void **state)
{
	struct scene *sc = scene_new();
	struct nohz_noise_cpu c;
	const struct nohz_noise_gap *g;
	const struct nohz_noise_cause *t, *s;
	uint64_t G = gap(sc, W0 + 100 * MS, 20000);

	rec(sc, G + 1000, NOHZ_REC_TICK);
	hrtimer(sc, G + 1500, G + 3500, "tick_sched_timer");
	rec(sc, G + 4000, NOHZ_REC_TICK_EXIT);
	frame(sc, G + 5000, G + 14000, NOHZ_REC_SOFTIRQ, NOHZ_REC_SOFTIRQ_EXIT, 1, "TIMER");
	build_default(&c, sc);

	assert_true(c.traced);
	assert_int_equal(c.gaps, 1);
	assert_int_equal(c.noise_ns, 20000);
	assert_int_equal(c.unattributed, 0);
	assert_int_equal(c.nworst, 1);
	g = worst_at(&c, G);
	assert_int_equal(g->duration_ns, 20000);
	ncauses(g, 2);
	t = cause(g, NOHZ_NOISE_TIMER, "tick_sched_timer");
	s = cause(g, NOHZ_NOISE_SOFTIRQ, "TIMER");
	assert_int_equal(t->stolen_ns, 11000);	/* 2 + 1 (the tick's own) + 8 */
	assert_int_equal(s->stolen_ns, 9000);
	assert_int_equal(s->duration_ns, 9000);	/* entry to exit */
	/* the timer interrupt's entry to exit (3 us), or its hrtimer's (2 us):
	 * not both added up */
	assert_in_range(t->duration_ns, 2000, 3000);
	assert_ptr_equal(&g->causes[0], t);	/* largest share first */
	assert_int_equal(c.stolen_by_kind[NOHZ_NOISE_TIMER], 11000);
	assert_int_equal(c.stolen_by_kind[NOHZ_NOISE_SOFTIRQ], 9000);
	assert_int_equal(c.nmarks, 1);
	assert_int_equal(c.marks[0].kind, NOHZ_NOISE_TIMER);
	assert_true(c.marks[0].attributed);
	assert_int_equal(c.marks[0].start_ns, G - W0);
	nohz_noise_cpu_free(&c);
	free(sc);
}

/* a device interrupt, named by number and action */
static void test_irq_named(void **state)
{
	struct scene *sc = scene_new();
	struct nohz_noise_cpu c;
	const struct nohz_noise_gap *g;
	const struct nohz_noise_cause *i;
	const struct nohz_noise_source *s;
	uint64_t G = gap(sc, W0 + 200 * MS, 6000);

	frame(sc, G + 1000, G + 4000, NOHZ_REC_IRQ, NOHZ_REC_IRQ_EXIT, 24, "virtio0-input");
	build_default(&c, sc);

	g = worst_at(&c, G);
	ncauses(g, 1);
	i = cause(g, NOHZ_NOISE_IRQ, "IRQ 24");
	assert_non_null(strstr(i->source, "virtio0-input"));
	assert_int_equal(i->stolen_ns, 6000);	/* the whole gap: the only cause */
	assert_int_equal(i->duration_ns, 3000);
	s = source(&c, NOHZ_NOISE_IRQ, "IRQ 24");
	assert_non_null(s);
	assert_int_equal(s->count, 1);
	assert_int_equal(s->stolen_ns, 6000);
	assert_int_equal(c.stolen_by_kind[NOHZ_NOISE_IRQ], 6000);
	nohz_noise_cpu_free(&c);
	free(sc);
}

/* another task ran: from the spinner's switch out to its switch back in */
static void test_thread_switch(void **state)
{
	struct scene *sc = scene_new();
	struct nohz_noise_cpu c;
	const struct nohz_noise_gap *g;
	const struct nohz_noise_cause *t;
	const struct nohz_noise_source *s;
	uint64_t G = gap(sc, W0 + 300 * MS, 52000);

	sw(sc, G + 2000, SPIN, "nohz-spin/1", 4321, "stress");
	sw(sc, G + 50000, 4321, "stress", SPIN, "nohz-spin/1");
	build_default(&c, sc);

	g = worst_at(&c, G);
	ncauses(g, 1);
	t = cause(g, NOHZ_NOISE_THREAD, "stress/4321");
	assert_int_equal(t->duration_ns, 48000);
	assert_int_equal(t->stolen_ns, 52000);
	s = source(&c, NOHZ_NOISE_THREAD, "stress/4321");
	assert_non_null(s);
	assert_int_equal(s->count, 1);
	assert_int_equal(s->stolen_ns, 52000);
	assert_int_equal(c.stolen_by_kind[NOHZ_NOISE_THREAD], 52000);
	assert_int_equal(c.marks[0].kind, NOHZ_NOISE_THREAD);
	nohz_noise_cpu_free(&c);
	free(sc);
}

/* two tasks in a row before the spinner came back: each its own frame */
static void test_thread_chain(void **state)
{
	struct scene *sc = scene_new();
	struct nohz_noise_cpu c;
	const struct nohz_noise_gap *g;
	uint64_t G = gap(sc, W0 + 310 * MS, 17000);

	sw(sc, G + 1000, SPIN, "nohz-spin/1", 4321, "stress");
	sw(sc, G + 11000, 4321, "stress", 55, "kworker/1:0");
	sw(sc, G + 16000, 55, "kworker/1:0", SPIN, "nohz-spin/1");
	build_default(&c, sc);

	g = worst_at(&c, G);
	ncauses(g, 2);
	assert_int_equal(cause(g, NOHZ_NOISE_THREAD, "stress/4321")->stolen_ns, 12000);
	assert_int_equal(cause(g, NOHZ_NOISE_THREAD, "kworker/1:0/55")->stolen_ns, 5000);
	assert_int_equal(cause(g, NOHZ_NOISE_THREAD, "kworker/1:0/55")->duration_ns, 5000);
	assert_int_equal(c.nsources, 2);
	nohz_noise_cpu_free(&c);
	free(sc);
}

/* an interrupt while the other task ran is taken out of the task's time */
static void test_nested_irq_in_thread(void **state)
{
	struct scene *sc = scene_new();
	struct nohz_noise_cpu c;
	const struct nohz_noise_gap *g;
	uint64_t G = gap(sc, W0 + 320 * MS, 31000);

	sw(sc, G + 1000, SPIN, "nohz-spin/1", 4321, "stress");
	frame(sc, G + 10000, G + 13000, NOHZ_REC_IRQ, NOHZ_REC_IRQ_EXIT, 24, "virtio0-input");
	sw(sc, G + 30000, 4321, "stress", SPIN, "nohz-spin/1");
	build_default(&c, sc);

	g = worst_at(&c, G);
	ncauses(g, 2);
	/* 29 us switched out, 3 of them in the IRQ, + 2 us left to the first */
	assert_int_equal(cause(g, NOHZ_NOISE_THREAD, "stress/4321")->stolen_ns, 28000);
	assert_int_equal(cause(g, NOHZ_NOISE_IRQ, "IRQ 24")->stolen_ns, 3000);
	assert_int_equal(g->causes[0].kind, NOHZ_NOISE_THREAD);
	assert_int_equal(c.stolen_by_kind[NOHZ_NOISE_THREAD], 28000);
	assert_int_equal(c.stolen_by_kind[NOHZ_NOISE_IRQ], 3000);
	nohz_noise_cpu_free(&c);
	free(sc);
}

/* a work item in a kworker: the item's time is its own, the rest the thread's */
static void test_work_in_kworker(void **state)
{
	struct scene *sc = scene_new();
	struct nohz_noise_cpu c;
	const struct nohz_noise_gap *g;
	const struct nohz_noise_cause *w;
	uint64_t G = gap(sc, W0 + 330 * MS, 10000);

	sw(sc, G + 1000, SPIN, "nohz-spin/1", 60, "kworker/1:1");
	frame(sc, G + 2000, G + 8000, NOHZ_REC_WORK, NOHZ_REC_WORK_END, 0, "vmstat_update");
	sc->recs[sc->nrecs - 1].pid = sc->recs[sc->nrecs - 2].pid = 60;
	sw(sc, G + 9000, 60, "kworker/1:1", SPIN, "nohz-spin/1");
	build_default(&c, sc);

	g = worst_at(&c, G);
	w = cause(g, NOHZ_NOISE_WORK, "vmstat_update");
	assert_int_equal(w->stolen_ns, 6000);
	assert_int_equal(w->duration_ns, 6000);
	assert_int_equal(cause(g, NOHZ_NOISE_THREAD, "kworker/1:1/60")->stolen_ns, 4000);
	assert_ptr_equal(&g->causes[0], w);
	assert_int_equal(c.marks[0].kind, NOHZ_NOISE_WORK);
	nohz_noise_cpu_free(&c);
	free(sc);
}

/* a function-call IPI and the function it ran; a reschedule IPI */
static void test_ipi(void **state)
{
	struct scene *sc = scene_new();
	struct nohz_noise_cpu c;
	const struct nohz_noise_gap *g;
	uint64_t G = gap(sc, W0 + 400 * MS, 10000), H;

	named(sc, G + 1000, NOHZ_REC_IPI, 0, "call_function_single");
	frame(sc, G + 2000, G + 6000, NOHZ_REC_CSD, NOHZ_REC_CSD_EXIT, 0, "ipi_mb");
	named(sc, G + 7000, NOHZ_REC_IPI_EXIT, 0, "call_function_single");
	H = gap(sc, W0 + 410 * MS, 4000);
	frame(sc, H + 500, H + 2500, NOHZ_REC_IPI, NOHZ_REC_IPI_EXIT, 0, "reschedule");
	build_default(&c, sc);

	g = worst_at(&c, G);
	assert_true(g->ncauses >= 1);
	assert_int_equal(stolen_kind(g, NOHZ_NOISE_IPI), 10000);	/* only IPI causes */
	/* the function is named; its time is the IPI's entry to exit (6 us) or
	 * the function's (4 us), not both added up */
	assert_in_range(cause(g, NOHZ_NOISE_IPI, "ipi_mb")->duration_ns, 4000, 6000);
	g = worst_at(&c, H);
	ncauses(g, 1);
	assert_int_equal(cause(g, NOHZ_NOISE_IPI, "reschedule")->stolen_ns, 4000);
	assert_int_equal(cause(g, NOHZ_NOISE_IPI, "reschedule")->duration_ns, 2000);
	assert_int_equal(c.stolen_by_kind[NOHZ_NOISE_IPI], 14000);
	nohz_noise_cpu_free(&c);
	free(sc);
}

/* an NMI: one record at its end, val its length */
static void test_nmi(void **state)
{
	struct scene *sc = scene_new();
	struct nohz_noise_cpu c;
	const struct nohz_noise_gap *g;
	const struct nohz_noise_cause *n;
	uint64_t G = gap(sc, W0 + 420 * MS, 8000);

	named(sc, G + 5000, NOHZ_REC_NMI, 4000, "perf_event_nmi_handler");
	build_default(&c, sc);

	g = worst_at(&c, G);
	ncauses(g, 1);
	n = &g->causes[0];
	assert_int_equal(n->kind, NOHZ_NOISE_NMI);
	assert_int_equal(n->stolen_ns, 8000);
	assert_int_equal(n->duration_ns, 4000);
	assert_int_equal(c.stolen_by_kind[NOHZ_NOISE_NMI], 8000);
	nohz_noise_cpu_free(&c);
	free(sc);
}

/*
 * The remainder of a gap (time no traced frame was open: kernel entry and
 * exit) goes to its first cause, up to 5 us per interruption that opened
 * with nothing else open; beyond that the CPU was elsewhere: hardware or
 * hypervisor.  The shares still add up to the gap.
 */
static void test_remainder_to_first_cause(void **state)
{
	static const char hw[] = "outside the traced handlers: hardware or hypervisor";
	struct scene *sc = scene_new();
	struct nohz_noise_cpu c;
	const struct nohz_noise_gap *g;
	uint64_t G = gap(sc, W0 + 430 * MS, 20000), H, K;

	/* 3 us of IRQ in 20 us: 5 us of entry and exit to it, 12 us to hw */
	frame(sc, G + 1000, G + 4000, NOHZ_REC_IRQ, NOHZ_REC_IRQ_EXIT, 24, "virtio0-input");
	/* two interruptions: 10 us of entry and exit, to the earlier one */
	H = gap(sc, W0 + 440 * MS, 30000);
	frame(sc, H + 2000, H + 4000, NOHZ_REC_IRQ, NOHZ_REC_IRQ_EXIT, 24, "virtio0-input");
	frame(sc, H + 10000, H + 16000, NOHZ_REC_SOFTIRQ, NOHZ_REC_SOFTIRQ_EXIT, 9, "RCU");
	/* a remainder within the allowance: all of it to the IRQ */
	K = gap(sc, W0 + 450 * MS, 6000);
	frame(sc, K + 1000, K + 4000, NOHZ_REC_IRQ, NOHZ_REC_IRQ_EXIT, 24, "virtio0-input");
	build_default(&c, sc);

	g = worst_at(&c, G);
	ncauses(g, 2);
	assert_int_equal(cause(g, NOHZ_NOISE_IRQ, "IRQ 24")->stolen_ns, 8000);
	assert_int_equal(cause(g, NOHZ_NOISE_IRQ, "IRQ 24")->duration_ns, 3000);
	assert_int_equal(cause(g, NOHZ_NOISE_HW, hw)->stolen_ns, 12000);
	assert_int_equal(g->causes[1].kind, NOHZ_NOISE_IRQ);	/* hw is the larger share */
	g = worst_at(&c, H);
	ncauses(g, 3);
	assert_int_equal(cause(g, NOHZ_NOISE_IRQ, "IRQ 24")->stolen_ns, 12000);
	assert_int_equal(cause(g, NOHZ_NOISE_SOFTIRQ, "RCU")->stolen_ns, 6000);
	assert_int_equal(cause(g, NOHZ_NOISE_HW, hw)->stolen_ns, 12000);
	g = worst_at(&c, K);
	ncauses(g, 1);
	assert_int_equal(cause(g, NOHZ_NOISE_IRQ, "IRQ 24")->stolen_ns, 6000);
	assert_int_equal(c.stolen_by_kind[NOHZ_NOISE_HW], 24000);
	assert_int_equal(c.stolen_by_kind[NOHZ_NOISE_IRQ] + c.stolen_by_kind[NOHZ_NOISE_SOFTIRQ] +
			 c.stolen_by_kind[NOHZ_NOISE_HW], 20000 + 30000 + 6000);
	nohz_noise_cpu_free(&c);
	free(sc);
}

/* a gap with no record inside: hardware or hypervisor */
static void test_hw(void **state)
{
	static const char hw[] = "no kernel event: hardware or hypervisor";
	struct scene *sc = scene_new();
	struct nohz_noise_cpu c;
	const struct nohz_noise_gap *g;
	uint64_t G = gap(sc, W0 + 500 * MS, 7000), H;

	H = gap(sc, W0 + 600 * MS, 3000);
	frame(sc, H + 500, H + 1500, NOHZ_REC_IRQ, NOHZ_REC_IRQ_EXIT, 24, "virtio0-input");
	build_default(&c, sc);

	assert_true(c.traced);
	g = worst_at(&c, G);
	ncauses(g, 1);
	assert_int_equal(g->causes[0].kind, NOHZ_NOISE_HW);
	assert_memory_equal(g->causes[0].source, hw, strlen(hw));
	assert_int_equal(g->causes[0].stolen_ns, 7000);
	assert_int_equal(c.stolen_by_kind[NOHZ_NOISE_HW], 7000);
	assert_int_equal(c.stolen_by_kind[NOHZ_NOISE_IRQ], 3000);
	assert_int_equal(worst_at(&c, H)->causes[0].kind, NOHZ_NOISE_IRQ);
	assert_int_equal(c.marks[0].kind, NOHZ_NOISE_HW);
	assert_true(c.marks[0].attributed);
	assert_int_equal(c.unattributed, 0);
	nohz_noise_cpu_free(&c);
	free(sc);
}

/* records between the gaps, before the first and after the last are not causes */
static void test_outside_ignored(void **state)
{
	struct scene *sc = scene_new();
	struct nohz_noise_cpu c;
	uint64_t G = W0 + 100 * MS, H = W0 + 500 * MS;

	frame(sc, G - 20000, G - 18000, NOHZ_REC_IRQ, NOHZ_REC_IRQ_EXIT, 30, "eth0");
	gap(sc, G, 5000);
	frame(sc, G + 1000, G + 3000, NOHZ_REC_IRQ, NOHZ_REC_IRQ_EXIT, 24, "virtio0-input");
	frame(sc, G + 9000, G + 12000, NOHZ_REC_IRQ, NOHZ_REC_IRQ_EXIT, 31, "ahci");
	rec(sc, G + 50000, NOHZ_REC_TICK);
	hrtimer(sc, G + 51000, G + 52000, "it_real_fn");
	rec(sc, G + 53000, NOHZ_REC_TICK_EXIT);
	named(sc, G + 60000, NOHZ_REC_IPI, 0, "reschedule");
	gap(sc, H, 3000);
	sw(sc, H + 10000, SPIN, "nohz-spin/1", 4321, "stress");
	sw(sc, H + 90000, 4321, "stress", SPIN, "nohz-spin/1");
	frame(sc, W1 - 5000, W1 - 4000, NOHZ_REC_SOFTIRQ, NOHZ_REC_SOFTIRQ_EXIT, 9, "RCU");
	build_default(&c, sc);

	assert_int_equal(c.gaps, 2);
	assert_int_equal(c.noise_ns, 8000);
	assert_int_equal(c.nsources, 2);
	assert_non_null(source(&c, NOHZ_NOISE_IRQ, "IRQ 24"));
	assert_non_null(source(&c, NOHZ_NOISE_HW, "no kernel event"));
	assert_null(source(&c, NOHZ_NOISE_IRQ, "IRQ 30"));
	assert_null(source(&c, NOHZ_NOISE_IRQ, "IRQ 31"));
	assert_int_equal(c.stolen_by_kind[NOHZ_NOISE_IRQ], 5000);
	assert_int_equal(c.stolen_by_kind[NOHZ_NOISE_HW], 3000);
	for (int k = 0; k < NOHZ_NOISE_KINDS; k++)
		if (k != NOHZ_NOISE_IRQ && k != NOHZ_NOISE_HW)
			assert_int_equal(c.stolen_by_kind[k], 0);
	assert_int_equal(worst_at(&c, G)->ncauses, 1);
	assert_int_equal(worst_at(&c, H)->causes[0].kind, NOHZ_NOISE_HW);
	nohz_noise_cpu_free(&c);
	free(sc);
}

/* gaps across the window's edges are cut at them; gaps outside it dropped */
static void test_window_clipping(void **state)
{
	struct scene *sc = scene_new();
	struct nohz_noise_cpu c;

	gap(sc, W0 - 50000, 10000);		/* before the window */
	gap(sc, W0 - 10000, 20000);		/* 10 us of it inside */
	gap(sc, W0 + 500 * MS, 3000);
	gap(sc, W1 - 5000, 20000);		/* 5 us of it inside */
	gap(sc, W1 + 1000, 5000);		/* after */
	build_default(&c, sc);

	assert_int_equal(c.gaps, 3);
	assert_int_equal(c.noise_ns, 18000);
	assert_int_equal(c.max_gap_ns, 10000);
	assert_int_equal(c.nmarks, 3);
	assert_int_equal(c.marks[0].start_ns, 0);
	assert_int_equal(c.marks[0].duration_ns, 10000);
	assert_int_equal(c.marks[1].start_ns, 500 * MS);
	assert_int_equal(c.marks[2].start_ns, W1 - W0 - 5000);
	assert_int_equal(c.marks[2].duration_ns, 5000);
	assert_int_equal(c.nworst, 3);
	assert_int_equal(c.worst[0].start_ns, 0);
	assert_int_equal(c.worst[0].duration_ns, 10000);
	assert_int_equal(c.worst[1].duration_ns, 5000);
	assert_int_equal(c.worst[1].start_ns, W1 - W0 - 5000);
	assert_int_equal(c.worst[2].duration_ns, 3000);
	assert_int_equal(c.stolen_by_kind[NOHZ_NOISE_HW], 18000);
	assert_int_equal(c.hist[nohz_gaps_bucket(10000)], 1);	/* the clipped length */
	assert_true(near(c.available_pct, 100.0 * (1 - 18000 / 1e9), 1e-9));
	nohz_noise_cpu_free(&c);
	free(sc);
}

/* the worst gaps are the largest once clipped: a long gap mostly outside
 * the window is as long as its part inside */
static void test_worst_after_clipping(void **state)
{
	struct scene *sc = scene_new();
	struct nohz_noise_opts o;
	struct nohz_noise_cpu c;

	gap(sc, W0 - 200000, 202000);		/* 2 us inside */
	gap(sc, W0 + 100 * MS, 5000);
	gap(sc, W0 + 200 * MS, 3000);
	gap(sc, W1 - 1500, 300000);		/* 1.5 us inside */
	opts_init(&o);
	build(&c, sc, &o);			/* the invariants: longest first */
	assert_int_equal(c.gaps, 4);
	assert_int_equal(c.nworst, 4);
	assert_int_equal(c.worst[0].duration_ns, 5000);
	assert_int_equal(c.worst[3].duration_ns, 1500);
	nohz_noise_cpu_free(&c);

	o.worst = 1;
	build(&c, sc, &o);
	assert_int_equal(c.nworst, 1);
	assert_int_equal(c.worst[0].duration_ns, 5000);
	assert_int_equal(c.worst[0].start_ns, 100 * MS);
	nohz_noise_cpu_free(&c);

	/* --max-gap judges the part inside too: 2 us is not over 4 us */
	o.worst = 1;
	o.max_gap_ns = 4000;
	build(&c, sc, &o);
	assert_int_equal(c.nworst, 1);
	assert_int_equal(c.worst[0].duration_ns, 5000);
	nohz_noise_cpu_free(&c);
	free(sc);
}

/* worst_case - 30 gaps of 2..31 us in shuffled order; nworst and order */
static void worst_case(uint64_t max_gap, size_t worst, size_t want)
{
	struct scene *sc = scene_new();
	struct nohz_noise_opts o;
	struct nohz_noise_cpu c;

	for (int i = 0; i < 30; i++)
		gap(sc, W0 + (i + 1) * 10 * MS, 2000 + ((i * 7) % 30) * 1000);
	opts_init(&o);
	o.max_gap_ns = max_gap;
	o.worst = worst;
	build(&c, sc, &o);

	assert_int_equal(c.gaps, 30);
	assert_int_equal(c.max_gap_ns, 31000);
	assert_int_equal(c.nworst, want);
	for (size_t k = 0; k < c.nworst; k++) {
		const struct nohz_noise_gap *g = &c.worst[k];
		uint64_t d = 31000 - k * 1000;
		int i;

		assert_int_equal(g->duration_ns, d);
		for (i = 0; i < 30; i++)	/* its start: the gap of that length */
			if (sc->gaps[i].dur_ns == d)
				break;
		assert_int_equal(g->start_ns, sc->gaps[i].start_ns - W0);
		ncauses(g, 1);
		assert_int_equal(g->causes[0].kind, NOHZ_NOISE_HW);
	}
	nohz_noise_cpu_free(&c);
	free(sc);
}

static void test_worst(void **state)
{
	worst_case(0, 0, NOHZ_NOISE_WORST);	/* the 10 largest */
	worst_case(18500, 0, 13);		/* and all 13 over max_gap */
	worst_case(28500, 0, 10);		/* 3 over it, among the 10 */
	worst_case(0, 5, 5);			/* opts.worst */
	worst_case(18500, 5, 13);		/* max_gap wins over opts.worst */

	/* fewer gaps than that: all of them */
	{
		struct scene *sc = scene_new();
		struct nohz_noise_cpu c;

		gap(sc, W0 + 1 * MS, 3000);
		gap(sc, W0 + 2 * MS, 9000);
		gap(sc, W0 + 3 * MS, 1500);
		gap(sc, W0 + 4 * MS, 4000);
		build_default(&c, sc);
		assert_int_equal(c.nworst, 4);
		assert_int_equal(c.worst[0].duration_ns, 9000);
		assert_int_equal(c.worst[0].start_ns, 2 * MS);
		assert_int_equal(c.worst[3].duration_ns, 1500);
		nohz_noise_cpu_free(&c);
		free(sc);
	}
}

/* per source over all gaps, ranked by time stolen; totals; histogram */
static void test_sources_and_totals(void **state)
{
	struct scene *sc = scene_new();
	struct nohz_noise_cpu c;
	const struct nohz_noise_source *s;
	uint64_t G, hw = 0;
	static const enum nohz_noise_kind order[] = {
		NOHZ_NOISE_HW, NOHZ_NOISE_IRQ, NOHZ_NOISE_IRQ, NOHZ_NOISE_THREAD,
		NOHZ_NOISE_TIMER, NOHZ_NOISE_HW, NOHZ_NOISE_IRQ,
	};

	gap(sc, W0 + 5 * MS, 1500);				/* hw */
	G = gap(sc, W0 + 10 * MS, 4000);			/* IRQ 24: 3 x 4 us */
	frame(sc, G + 500, G + 3500, NOHZ_REC_IRQ, NOHZ_REC_IRQ_EXIT, 24, "virtio0-input");
	G = gap(sc, W0 + 210 * MS, 4000);
	frame(sc, G + 500, G + 3500, NOHZ_REC_IRQ, NOHZ_REC_IRQ_EXIT, 24, "virtio0-input");
	G = gap(sc, W0 + 300 * MS, 60000);			/* a task, 60 us */
	sw(sc, G + 1000, SPIN, "nohz-spin/1", 4321, "stress");
	sw(sc, G + 59000, 4321, "stress", SPIN, "nohz-spin/1");
	G = gap(sc, W0 + 350 * MS, 8000);			/* the tick, 8 us */
	rec(sc, G + 1000, NOHZ_REC_TICK);
	hrtimer(sc, G + 2000, G + 6000, "tick_sched_timer");
	rec(sc, G + 7000, NOHZ_REC_TICK_EXIT);
	gap(sc, W0 + 390 * MS, 2500);				/* hw */
	G = gap(sc, W0 + 410 * MS, 4000);
	frame(sc, G + 500, G + 3500, NOHZ_REC_IRQ, NOHZ_REC_IRQ_EXIT, 24, "virtio0-input");
	build_default(&c, sc);

	assert_int_equal(c.gaps, 7);
	assert_int_equal(c.noise_ns, 12000 + 60000 + 8000 + 4000);
	assert_int_equal(c.max_gap_ns, 60000);
	assert_true(near(c.available_pct, 100.0 * (1 - 84000 / 1e9), 1e-9));
	/* the histogram: log2 buckets of the lengths */
	assert_int_equal(c.hist[10], 1);	/* 1.5 us */
	assert_int_equal(c.hist[11], 4);	/* 4 us x 3, 2.5 us */
	assert_int_equal(c.hist[12], 1);	/* 8 us */
	assert_int_equal(c.hist[15], 1);	/* 60 us */
	/* per kind */
	assert_int_equal(c.stolen_by_kind[NOHZ_NOISE_THREAD], 60000);
	assert_int_equal(c.stolen_by_kind[NOHZ_NOISE_IRQ], 12000);
	assert_int_equal(c.stolen_by_kind[NOHZ_NOISE_TIMER], 8000);
	assert_int_equal(c.stolen_by_kind[NOHZ_NOISE_HW], 4000);
	/* the sources, most stolen first */
	assert_true(c.nsources >= 4);
	assert_int_equal(c.sources[0].kind, NOHZ_NOISE_THREAD);
	assert_non_null(strstr(c.sources[0].source, "stress/4321"));
	assert_int_equal(c.sources[0].count, 1);
	assert_int_equal(c.sources[0].stolen_ns, 60000);
	assert_int_equal(c.sources[1].kind, NOHZ_NOISE_IRQ);
	assert_non_null(strstr(c.sources[1].source, "IRQ 24"));
	assert_int_equal(c.sources[1].count, 3);
	assert_int_equal(c.sources[1].stolen_ns, 12000);
	assert_int_equal(c.sources[2].kind, NOHZ_NOISE_TIMER);
	assert_non_null(strstr(c.sources[2].source, "tick_sched_timer"));
	assert_int_equal(c.sources[2].count, 1);
	assert_int_equal(c.sources[2].stolen_ns, 8000);
	for (size_t i = 3; i < c.nsources; i++) {
		assert_int_equal(c.sources[i].kind, NOHZ_NOISE_HW);
		hw += c.sources[i].stolen_ns;
	}
	assert_int_equal(hw, 4000);
	s = source(&c, NOHZ_NOISE_HW, "no kernel event");
	assert_non_null(s);
	if (c.nsources == 4)	/* one hw row for both */
		assert_int_equal(s->count, 2);
	/* every gap's mark, in time order, with its main kind */
	for (size_t i = 0; i < c.nmarks; i++) {
		assert_int_equal(c.marks[i].start_ns, sc->gaps[i].start_ns - W0);
		assert_int_equal(c.marks[i].duration_ns, sc->gaps[i].dur_ns);
		assert_int_equal(c.marks[i].kind, order[i]);
		assert_true(c.marks[i].attributed);
	}
	nohz_noise_cpu_free(&c);
	free(sc);
}

/* an entry without its exit ends with the gap; nothing carries over */
static void test_missing_exit(void **state)
{
	struct scene *sc = scene_new();
	struct nohz_noise_cpu c;
	const struct nohz_noise_gap *g;
	uint64_t G = gap(sc, W0 + 100 * MS, 10000), H, K;

	frame(sc, G + 1000, G + 3000, NOHZ_REC_IRQ, NOHZ_REC_IRQ_EXIT, 24, "virtio0-input");
	named(sc, G + 4000, NOHZ_REC_SOFTIRQ, 3, "NET_RX");	/* no exit */
	H = gap(sc, W0 + 101 * MS, 3000);			/* nothing inside */
	K = gap(sc, W0 + 102 * MS, 10000);
	sw(sc, K + 1000, SPIN, "nohz-spin/1", 4321, "stress");	/* never back */
	build_default(&c, sc);

	g = worst_at(&c, G);
	ncauses(g, 2);
	assert_int_equal(cause(g, NOHZ_NOISE_SOFTIRQ, "NET_RX")->stolen_ns, 6000);
	assert_int_equal(cause(g, NOHZ_NOISE_IRQ, "IRQ 24")->stolen_ns, 4000);
	assert_int_equal(g->causes[0].kind, NOHZ_NOISE_SOFTIRQ);
	g = worst_at(&c, H);
	ncauses(g, 1);
	assert_int_equal(g->causes[0].kind, NOHZ_NOISE_HW);
	g = worst_at(&c, K);
	ncauses(g, 1);
	assert_int_equal(cause(g, NOHZ_NOISE_THREAD, "stress/4321")->stolen_ns, 10000);
	assert_int_equal(c.stolen_by_kind[NOHZ_NOISE_SOFTIRQ], 6000);
	assert_int_equal(c.stolen_by_kind[NOHZ_NOISE_HW], 3000);
	assert_int_equal(c.stolen_by_kind[NOHZ_NOISE_THREAD], 10000);
	nohz_noise_cpu_free(&c);
	free(sc);
}

/* without a trace: counted, measured, not attributed */
static void test_not_traced(void **state)
{
	struct scene *sc = scene_new();
	struct nohz_noise_cpu c;
	const struct nohz_gap *last;

	gap(sc, W0 + 1 * MS, 3000);
	gap(sc, W0 + 2 * MS, 9000);
	gap(sc, W0 + 3 * MS, 1500);
	sc->untraced = true;
	build_default(&c, sc);

	assert_false(c.traced);
	assert_int_equal(c.gaps, 3);
	assert_int_equal(c.noise_ns, 13500);
	assert_int_equal(c.max_gap_ns, 9000);
	assert_int_equal(c.unattributed, 3);
	assert_int_equal(c.nworst, 3);
	for (size_t i = 0; i < c.nworst; i++)
		assert_int_equal(c.worst[i].ncauses, 0);
	for (size_t i = 0; i < c.nmarks; i++)
		assert_false(c.marks[i].attributed);
	nohz_noise_cpu_free(&c);

	/* traced, but the gap log dropped gaps after its last one: the figures
	 * cover the window up to there; the ring buffer lost records from the
	 * start: no gap is attributed (none is called hardware for it) */
	sc->untraced = false;
	sc->dropped = 4;
	sc->lost = 7;
	build_default(&c, sc);
	assert_true(c.traced);
	assert_int_equal(c.dropped, 4);
	last = &sc->gaps[sc->ngaps - 1];
	assert_int_equal(c.log_full_ns, last->start_ns + last->dur_ns - W0);
	assert_int_equal(c.window_ns, c.log_full_ns);
	assert_int_equal(c.unattributed, c.gaps);
	assert_int_equal(c.stolen_by_kind[NOHZ_NOISE_HW], 0);
	assert_int_equal(c.lost_events, 7);
	nohz_noise_cpu_free(&c);
	free(sc);
}

/* an IRQ entered before the window and left inside it: an IRQ, not hw */
static void test_straddles_window_start(void **state)
{
	struct scene *sc = scene_new();
	struct nohz_noise_cpu c;
	const struct nohz_noise_gap *g;

	gap(sc, W0 - 4000, 10000);
	frame(sc, W0 - 3000, W0 + 2000, NOHZ_REC_IRQ, NOHZ_REC_IRQ_EXIT, 24, "virtio0-input");
	build_default(&c, sc);
	assert_int_equal(c.gaps, 1);
	g = worst_at(&c, W0);
	assert_int_equal(g->duration_ns, 6000);
	ncauses(g, 1);
	assert_int_equal(cause(g, NOHZ_NOISE_IRQ, "IRQ 24")->stolen_ns, 6000);
	assert_int_equal(cause(g, NOHZ_NOISE_IRQ, "IRQ 24")->duration_ns, 5000);
	assert_int_equal(c.stolen_by_kind[NOHZ_NOISE_HW], 0);
	nohz_noise_cpu_free(&c);
	free(sc);
}

/* records lost in the middle of the window (a ring-buffer overrun): the gaps
 * before are attributed, those after are not, and none is called hardware */
static void test_lost_mid_window(void **state)
{
	struct scene *sc = scene_new();
	struct nohz_noise_cpu c;
	uint64_t G = gap(sc, W0 + 100 * MS, 5000);

	frame(sc, G + 1000, G + 4000, NOHZ_REC_IRQ, NOHZ_REC_IRQ_EXIT, 24, "virtio0-input");
	gap(sc, W0 + 600 * MS, 5000);
	sc->lost = 3;
	sc->lost_from = W0 + 500 * MS;
	build_default(&c, sc);
	assert_int_equal(c.gaps, 2);
	assert_int_equal(c.unattributed, 1);
	assert_true(c.marks[0].attributed);
	assert_false(c.marks[1].attributed);
	assert_int_equal(c.stolen_by_kind[NOHZ_NOISE_IRQ], 5000);
	assert_int_equal(c.stolen_by_kind[NOHZ_NOISE_HW], 0);
	nohz_noise_cpu_free(&c);
	free(sc);
}

/* a gap with more causes than a gap keeps: the rest share one row, and the
 * hardware's share still has its own */
static void test_many_causes(void **state)
{
	struct scene *sc = scene_new();
	struct nohz_noise_cpu c;
	const struct nohz_noise_gap *g;
	uint64_t G = gap(sc, W0 + 10 * MS, 1000000), sum = 0;
	char name[16];

	for (int i = 0; i < 80; i++) {
		snprintf(name, sizeof(name), "dev%d", i);
		frame(sc, G + 1000 + i * 1000, G + 1500 + i * 1000, NOHZ_REC_IRQ,
		      NOHZ_REC_IRQ_EXIT, 100 + i, name);
	}
	build_default(&c, sc);
	g = worst_at(&c, G);
	assert_true(g->ncauses <= 64);
	assert_non_null(cause(g, NOHZ_NOISE_IRQ, "more causes"));
	assert_non_null(cause(g, NOHZ_NOISE_HW, "hardware or hypervisor"));
	for (size_t i = 0; i < g->ncauses; i++)
		sum += g->causes[i].stolen_ns;
	assert_int_equal(sum, 1000000);
	nohz_noise_cpu_free(&c);
	free(sc);
}

/* a quiet window */
static void test_no_gaps(void **state)
{
	struct scene *sc = scene_new();
	struct nohz_noise_cpu c;

	frame(sc, W0 + 1000, W0 + 3000, NOHZ_REC_IRQ, NOHZ_REC_IRQ_EXIT, 24, "virtio0-input");
	build_default(&c, sc);
	assert_int_equal(c.gaps, 0);
	assert_int_equal(c.noise_ns, 0);
	assert_int_equal(c.max_gap_ns, 0);
	assert_int_equal(c.nworst, 0);
	assert_int_equal(c.nsources, 0);
	assert_true(near(c.available_pct, 100.0, 1e-12));
	nohz_noise_cpu_free(&c);
	free(sc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kind_names),
		cmocka_unit_test(test_tick_then_softirq),
		cmocka_unit_test(test_irq_named),
		cmocka_unit_test(test_thread_switch),
		cmocka_unit_test(test_thread_chain),
		cmocka_unit_test(test_nested_irq_in_thread),
		cmocka_unit_test(test_work_in_kworker),
		cmocka_unit_test(test_ipi),
		cmocka_unit_test(test_nmi),
		cmocka_unit_test(test_remainder_to_first_cause),
		cmocka_unit_test(test_hw),
		cmocka_unit_test(test_outside_ignored),
		cmocka_unit_test(test_window_clipping),
		cmocka_unit_test(test_worst),
		cmocka_unit_test(test_worst_after_clipping),
		cmocka_unit_test(test_sources_and_totals),
		cmocka_unit_test(test_missing_exit),
		cmocka_unit_test(test_not_traced),
		cmocka_unit_test(test_no_gaps),
		cmocka_unit_test(test_straddles_window_start),
		cmocka_unit_test(test_lost_mid_window),
		cmocka_unit_test(test_many_causes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
