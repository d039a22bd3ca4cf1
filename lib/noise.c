// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * noise.c - how much time a busy CPU lost, and to what: the spinner's gaps
 * joined with the trace records of the same CPU on the same clock.  Each
 * gap in the window is replayed from its records (lib/noise_replay.c); this
 * file selects the gaps reported in full, sums the kinds and the sources
 * over all gaps, and names each source with its remedy through
 * lib/remedy.c, as the explanation does.  Printing is lib/noise_out.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static const char *const kind_names[NOHZ_NOISE_KINDS] = {
	[NOHZ_NOISE_IRQ] = "irq", [NOHZ_NOISE_SOFTIRQ] = "softirq",
	[NOHZ_NOISE_TIMER] = "timer", [NOHZ_NOISE_WORK] = "work",
	[NOHZ_NOISE_THREAD] = "thread", [NOHZ_NOISE_IPI] = "ipi",
	[NOHZ_NOISE_NMI] = "nmi", [NOHZ_NOISE_HW] = "hw",
};

const char *nohz_noise_kind_name(enum nohz_noise_kind k)
{
	return k < NOHZ_NOISE_KINDS ? kind_names[k] : "?";
}

static int cause_cmp(const void *a, const void *b)
{
	const struct nohz_noise_cause *x = a, *y = b;

	return x->stolen_ns < y->stolen_ns ? 1 : x->stolen_ns > y->stolen_ns ? -1 :
	       strcmp(x->source, y->source);
}

/* name_cause - the source text and remedy of c, as the explanation words it */
static void name_cause(const struct noise_cause *c, int cpu, const struct nohz_noise_opts *o,
		       char *what, size_t wlen, char *remedy, size_t rlen)
{
	static const struct nohz_explain_opts none;
	const struct nohz_explain_opts *eo = o->explain ? o->explain : &none;
	struct nohz_source s = { .cpu = cpu, .pid = c->pid };
	struct remedy_in in = { .name = c->name, .id = c->id, .comm = c->name };

	if (c->id == NOISE_MORE_ID) {
		/* causes of several kinds and names: no one remedy */
		snprintf(what, wlen, "%s", c->name);
		remedy[0] = '\0';
		return;
	}
	switch (c->kind) {
	case NOHZ_NOISE_IRQ: s.kind = NOHZ_SRC_IRQ; break;
	case NOHZ_NOISE_SOFTIRQ: s.kind = NOHZ_SRC_SOFTIRQ; break;
	case NOHZ_NOISE_TIMER:
		s.kind = c->id || explain_is_tick_fn(c->name) ? NOHZ_SRC_TICK : NOHZ_SRC_TIMER;
		break;
	case NOHZ_NOISE_WORK: s.kind = NOHZ_SRC_WORK; break;
	case NOHZ_NOISE_THREAD: s.kind = NOHZ_SRC_TASK; break;
	case NOHZ_NOISE_IPI: s.kind = NOHZ_SRC_IPI; break;
	case NOHZ_NOISE_NMI:
		snprintf(what, wlen, "NMI %s", c->name);
		snprintf(remedy, rlen, "NMIs come from the NMI watchdog (boot with "
			 "nmi_watchdog=0, or sysctl kernel.nmi_watchdog=0) or from perf "
			 "sampling on CPU %d", cpu);
		return;
	default:
		snprintf(what, wlen, "%s", c->name);
		snprintf(remedy, rlen, "on a VM the host took the CPU (pin the vCPUs to "
			 "host CPUs of their own and compare steal time); on bare metal "
			 "look for SMIs (BIOS power management, rtla hwlat)");
		return;
	}
	if (s.kind == NOHZ_SRC_TASK)
		snprintf(s.comm, sizeof(s.comm), "%.15s", c->name);
	remedy_describe(&s, &in, eo);
	snprintf(what, wlen, "%s", s.what);
	snprintf(remedy, rlen, "%s", s.remedy);
}

/* Sources over every gap of a cpu: a growing array, searched linearly
 * (a cpu has tens of sources; thousands only when thousands of tasks ran). */
struct src_acc {
	struct noise_cause key;
	uint64_t count, stolen;
};

struct build {
	struct src_acc *s;
	size_t n, cap;
};

static int src_add(struct build *b, const struct noise_cause *c)
{
	for (size_t i = 0; i < b->n; i++) {
		struct src_acc *a = &b->s[i];

		if (a->key.kind == c->kind && a->key.id == c->id && a->key.pid == c->pid &&
		    !strcmp(a->key.name, c->name)) {
			a->count++;
			a->stolen += c->stolen;
			return 0;
		}
	}
	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 32;
		struct src_acc *s = realloc(b->s, cap * sizeof(*s));

		if (!s)
			return -ENOMEM;
		b->s = s;
		b->cap = cap;
	}
	b->s[b->n++] = (struct src_acc){ .key = *c, .count = 1, .stolen = c->stolen };
	return 0;
}

/* A gap of the window: its length once clipped, and where it is in the log. */
struct clipped {
	uint64_t dur;
	size_t i;
};

static int clipped_desc(const void *a, const void *b)
{
	const struct clipped *x = a, *y = b;

	return x->dur < y->dur ? 1 : x->dur > y->dur ? -1 : (x->i > y->i) - (x->i < y->i);
}

static int src_cmp(const void *a, const void *b)
{
	const struct nohz_noise_source *x = a, *y = b;

	return x->stolen_ns < y->stolen_ns ? 1 : x->stolen_ns > y->stolen_ns ? -1 :
	       strcmp(x->source, y->source);
}

/* clip - gap g inside the window, false when too little of it is left */
static bool clip(const struct nohz_gap *g, const struct nohz_noise_in *in, uint64_t thr,
		 uint64_t *gs, uint64_t *ge)
{
	*gs = g->start_ns > in->w0 ? g->start_ns : in->w0;
	*ge = g->start_ns + g->dur_ns < in->w1 ? g->start_ns + g->dur_ns : in->w1;
	return *ge > *gs && *ge - *gs > thr;
}

/* fill_worst - the causes of one reported gap */
static int fill_worst(struct nohz_noise_gap *w, const struct noise_replay *r, int cpu,
		      const struct nohz_noise_opts *o)
{
	char remedy[8];

	w->causes = calloc((size_t)r->nc, sizeof(*w->causes));
	if (!w->causes)
		return -ENOMEM;
	w->ncauses = (size_t)r->nc;
	for (int k = 0; k < r->nc; k++) {
		struct nohz_noise_cause *c = &w->causes[k];

		c->kind = r->c[k].kind;
		name_cause(&r->c[k], cpu, o, c->source, sizeof(c->source), remedy,
			   sizeof(remedy));
		c->stolen_ns = r->c[k].stolen;
		c->duration_ns = r->c[k].closed ? r->c[k].paired : r->c[k].stolen;
	}
	qsort(w->causes, w->ncauses, sizeof(*w->causes), cause_cmp);
	return 0;
}

/* main_kind - the kind with the largest share of the gap */
static enum nohz_noise_kind main_kind(const struct noise_replay *r)
{
	int best = 0;

	for (int k = 1; k < r->nc; k++)
		if (r->c[k].stolen > r->c[best].stolen)
			best = k;
	return r->c[best].kind;
}

/* cpu_sources - the ranked sources of c from the accumulator */
static int cpu_sources(struct nohz_noise_cpu *c, const struct build *b,
		       const struct nohz_noise_opts *o)
{
	c->sources = calloc(b->n ? b->n : 1, sizeof(*c->sources));
	if (!c->sources)
		return -ENOMEM;
	c->nsources = b->n;
	for (size_t i = 0; i < b->n; i++) {
		struct nohz_noise_source *s = &c->sources[i];

		s->kind = b->s[i].key.kind;
		s->count = b->s[i].count;
		s->stolen_ns = b->s[i].stolen;
		name_cause(&b->s[i].key, c->cpu, o, s->source, sizeof(s->source), s->remedy,
			   sizeof(s->remedy));
	}
	qsort(c->sources, c->nsources, sizeof(*c->sources), src_cmp);
	return 0;
}

int nohz_noise_cpu_build(struct nohz_noise_cpu *c, const struct nohz_noise_in *raw,
			 const struct nohz_noise_opts *o)
{
	struct nohz_noise_in win = *raw;
	const struct nohz_noise_in *in = &win;
	size_t want = o->worst ? o->worst : NOHZ_NOISE_WORST, nin = 0, cur = 0, k = 0;
	uint64_t thr = in->threshold_ns, lost_from;
	struct clipped *order = NULL;
	size_t *slot = NULL;		/* gap -> its place in worst, or k */
	struct nohz_gaps *acc = calloc(1, sizeof(*acc));
	struct build b = { 0 };
	struct noise_replay *r = malloc(sizeof(*r));
	int rc = -ENOMEM;

	memset(c, 0, sizeof(*c));
	/* a full gap log: the figures cover the window up to its last gap,
	 * what came after is unknown */
	if (raw->dropped && raw->ngaps) {
		const struct nohz_gap *l = &raw->gaps[raw->ngaps - 1];
		uint64_t end = l->start_ns + l->dur_ns;

		if (end < win.w1)
			win.w1 = end > win.w0 ? end : win.w0;
		c->log_full_ns = win.w1 - win.w0;
	}
	c->dropped = raw->dropped;
	c->cpu = in->cpu;
	c->spinner_tid = in->spinner_tid;
	c->window_ns = in->w1 > in->w0 ? in->w1 - in->w0 : 0;
	c->threshold_ns = thr;
	c->loop_ns = in->loop_ns;
	c->traced = in->recs != NULL;
	c->lost_events = in->lost;
	c->steal_ns = in->steal_ns;
	if (!acc || !r)
		goto out;
	nohz_gaps_reset(acc);
	order = calloc(in->ngaps ? in->ngaps : 1, sizeof(*order));
	c->marks = calloc(in->ngaps ? in->ngaps : 1, sizeof(*c->marks));
	slot = malloc((in->ngaps ? in->ngaps : 1) * sizeof(*slot));
	if (!order || !c->marks || !slot)
		goto out;
	/* the gaps of the window, and which of them are reported in full */
	for (size_t i = 0; i < in->ngaps; i++) {
		uint64_t gs, ge;

		if (clip(&in->gaps[i], in, thr, &gs, &ge))
			order[nin++] = (struct clipped){ ge - gs, i };
	}
	qsort(order, nin, sizeof(*order), clipped_desc);
	while (k < nin && (k < want || (o->max_gap_ns && order[k].dur > o->max_gap_ns)))
		k++;
	c->worst = calloc(k ? k : 1, sizeof(*c->worst));
	if (!c->worst)
		goto out;
	c->nworst = k;
	for (size_t i = 0; i < in->ngaps; i++)
		slot[i] = k;
	for (size_t j = 0; j < k; j++)
		slot[order[j].i] = j;
	/* records lost (ring buffer overrun, full log): the gaps from there on
	 * cannot be attributed */
	lost_from = in->lost ? in->lost_from : UINT64_MAX;
	for (size_t i = 0; i < in->ngaps; i++) {
		const struct nohz_gap *g = &in->gaps[i];
		struct nohz_noise_mark *m;
		uint64_t gs, ge, d;
		size_t w = slot[i];

		if (!clip(g, in, thr, &gs, &ge))
			continue;
		d = ge - gs;
		m = &c->marks[c->nmarks++];
		m->start_ns = gs - in->w0;
		m->duration_ns = d;
		m->kind = NOHZ_NOISE_HW;
		c->gaps++;
		c->noise_ns += d;
		if (d > c->max_gap_ns)
			c->max_gap_ns = d;
		nohz_gaps_add(acc, d, gs);
		if (w < k) {
			c->worst[w].start_ns = gs - in->w0;
			c->worst[w].duration_ns = d;
		}
		if (!in->recs || ge > lost_from) {
			c->unattributed++;
			continue;
		}
		/* records from the gap's real start: a frame opened before w0 */
		noise_gap_replay(r, in, &cur, g->start_ns, gs, ge, c);
		m->attributed = true;
		m->kind = main_kind(r);
		for (int j = 0; j < r->nc; j++) {
			c->stolen_by_kind[r->c[j].kind] += r->c[j].stolen;
			if (src_add(&b, &r->c[j]) < 0)
				goto out;
		}
		if (w < k && fill_worst(&c->worst[w], r, c->cpu, o) < 0)
			goto out;
	}
	for (; in->recs && cur < in->nrecs && in->recs[cur].ts <= in->w1; cur++)
		c->events_outside += in->recs[cur].ts >= in->w0;
	memcpy(c->hist, acc->hist, sizeof(c->hist));
	c->min_gap_ns = c->gaps ? acc->min_ns : 0;
	c->p99_ns = nohz_gaps_percentile(acc, 99.0);
	c->p999_ns = nohz_gaps_percentile(acc, 99.9);
	c->available_pct = c->window_ns ?
			   100.0 * (1.0 - (double)c->noise_ns / (double)c->window_ns) : 0;
	rc = cpu_sources(c, &b, o);
out:
	free(b.s);
	free(slot);
	free(order);
	free(acc);
	free(r);
	if (rc < 0)
		nohz_noise_cpu_free(c);
	return rc;
}

void nohz_noise_cpu_free(struct nohz_noise_cpu *c)
{
	if (!c)
		return;
	for (size_t i = 0; c->worst && i < c->nworst; i++)
		free(c->worst[i].causes);
	free(c->worst);
	free(c->sources);
	free(c->marks);
	c->worst = NULL;
	c->sources = NULL;
	c->marks = NULL;
	c->nworst = c->nsources = c->nmarks = 0;
}

int nohz_noise_build(struct nohz_noise **out, const struct nohz_spin *s,
		     const struct nohz_trace *t, uint64_t w0, uint64_t w1,
		     const int64_t *steal_ns, const struct nohz_noise_opts *o)
{
	struct nohz_noise *n = calloc(1, sizeof(*n));
	size_t ns = nohz_spin_count(s);
	struct nohz_explain_opts eo = { 0 };
	struct nohz_noise_opts no = *o;
	int rc = 0;

	*out = NULL;
	if (!n)
		return -ENOMEM;
	/* remedies need the housekeeping CPUs and the kernel's facts */
	if (!no.explain && t) {
		trace_explain_defaults(t, &eo);
		no.explain = &eo;
	}
	o = &no;
	n->threshold_ns = o->threshold_ns ? o->threshold_ns : NOHZ_NOISE_THRESHOLD_NS;
	n->max_gap_ns = o->max_gap_ns;
	n->min_available = o->min_available;
	n->clock = nohz_spin_clock(s, NULL);
	n->cpus = calloc(ns ? ns : 1, sizeof(*n->cpus));
	if (!n->cpus) {
		free(n);
		return -ENOMEM;
	}
	for (size_t i = 0; i < ns && rc == 0; i++) {
		const struct nohz_gap_stats *st = nohz_spin_stats(s, i);
		struct nohz_noise_in in = {
			.cpu = nohz_spin_cpu(s, i), .spinner_tid = nohz_spin_tid(s, i),
			.w0 = w0 || w1 ? w0 : st->run_start_ns,
			.w1 = w0 || w1 ? w1 : st->run_end_ns, .threshold_ns = st->threshold_ns,
			.loop_ns = st->loop_median_ns, .steal_ns = steal_ns ? steal_ns[i] : -1,
		};

		in.gaps = nohz_spin_log(s, i, &in.ngaps, &in.dropped);
		if (t)
			in.recs = nohz_trace_records(t, in.cpu, &in.nrecs, &in.lost,
						     &in.lost_from);
		rc = nohz_noise_cpu_build(&n->cpus[n->n], &in, o);
		if (rc == 0)
			n->n++;
	}
	if (rc < 0) {
		nohz_noise_free(n);
		return rc;
	}
	*out = n;
	return 0;
}

const struct nohz_noise_cpu *nohz_noise_cpu_find(const struct nohz_noise *n, int cpu)
{
	for (size_t i = 0; n && i < n->n; i++)
		if (n->cpus[i].cpu == cpu)
			return &n->cpus[i];
	return NULL;
}

void nohz_noise_free(struct nohz_noise *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->n; i++)
		nohz_noise_cpu_free(&n->cpus[i]);
	free(n->cpus);
	free(n);
}
