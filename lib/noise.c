// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * noise.c - how much time a busy CPU lost, and to what: the spinner's gaps
 * joined with the trace records of the same CPU on the same clock.
 *
 * Each gap is replayed from its records as a stack of frames (an entry
 * opens one, its exit closes it; a switch away from the spinner opens a
 * thread frame, the switch back closes it).  The time between two records
 * is charged to the innermost open frame, so a cause is charged what it
 * ran exclusively; time with no frame open (kernel entry and exit around
 * the first interruption) goes to the gap's first cause, up to what entry
 * and exit cost (LOOSE_NS an interruption): more than that is time nothing
 * the kernel traces ran, the hardware's or the hypervisor's.  The shares
 * of a gap thus add up to the gap, and a CPU's kinds to its noise.  Wrapper
 * frames (the local timer interrupt, a function-call IPI) take the name of
 * the first hrtimer or function they run.  Names and remedies come from
 * lib/remedy.c, as the explanation's do; printing is lib/noise_out.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define FRAMES_MAX 32
#define CAUSES_MAX 64
#define LOOSE_NS 5000	/* kernel entry and exit of one interruption, at most */
#define HW_NAME "no kernel event: hardware or hypervisor (SMI, NMI, host preemption)"

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

/* A cause while a gap is replayed: what names it, and its time. */
struct cause {
	enum nohz_noise_kind kind;
	int64_t id;		/* irq, vector; TIMER 1: no hrtimer; IPI 1: function */
	pid_t pid;		/* THREAD */
	char name[96];		/* function, action, vector, IPI, task name */
	uint64_t stolen, paired;	/* exclusive time; inclusive of closed frames */
	bool closed;		/* a frame of it ended with its own exit */
};

struct frame {
	enum nohz_rec_type type;	/* the record that opened it */
	int ci;			/* cause, -1 while a wrapper waits for its name */
	int64_t key;		/* irq, vector, hrtimer: to match the exit */
	uint64_t start, acc;	/* acc: time charged while ci is -1 */
};

struct replay {
	struct cause c[CAUSES_MAX];
	int nc, first;
	struct frame f[FRAMES_MAX];
	int nf;
	uint64_t last, loose;	/* loose: time with no frame open */
	unsigned int entries;	/* frames opened with none open */
};

static int cause_get(struct replay *r, enum nohz_noise_kind kind, int64_t id, pid_t pid,
		     const char *name)
{
	struct cause *c;

	for (int i = 0; i < r->nc; i++)
		if (r->c[i].kind == kind && r->c[i].id == id && r->c[i].pid == pid &&
		    !strcmp(r->c[i].name, name))
			return i;
	if (r->nc == CAUSES_MAX)
		return r->nc - 1;	/* a gap with 64 causes: the rest share one */
	c = &r->c[r->nc];
	memset(c, 0, sizeof(*c));
	c->kind = kind;
	c->id = id;
	c->pid = pid;
	snprintf(c->name, sizeof(c->name), "%s", name);
	if (r->first < 0)
		r->first = r->nc;
	return r->nc++;
}

/* charge - the time up to now goes to the innermost frame */
static void charge(struct replay *r, uint64_t now)
{
	uint64_t dt = now > r->last ? now - r->last : 0;

	r->last = now > r->last ? now : r->last;
	if (!r->nf) {
		r->loose += dt;
		return;
	}
	if (r->f[r->nf - 1].ci >= 0)
		r->c[r->f[r->nf - 1].ci].stolen += dt;
	else
		r->f[r->nf - 1].acc += dt;
}

/* resolve - a wrapper frame gets its cause: what it waited for is known */
static void resolve(struct replay *r, struct frame *f, int ci)
{
	f->ci = ci;
	r->c[ci].stolen += f->acc;
	f->acc = 0;
}

static void push(struct replay *r, enum nohz_rec_type type, int ci, int64_t key,
		 uint64_t ts)
{
	struct frame *f;

	if (r->nf == FRAMES_MAX)
		return;		/* deeper than any kernel nests: keep charging the top */
	if (!r->nf)
		r->entries++;
	f = &r->f[r->nf++];
	*f = (struct frame){ .type = type, .ci = ci, .key = key, .start = ts };
}

/* pop - close the top frame at ts; paired when its own exit closed it */
static void pop(struct replay *r, uint64_t ts, bool paired)
{
	struct frame *f = &r->f[--r->nf];

	if (f->ci < 0) {
		/* a timer interrupt that ran no hrtimer, an IPI that ran no function */
		if (f->type == NOHZ_REC_TICK)
			resolve(r, f, cause_get(r, NOHZ_NOISE_TIMER, 1, 0,
						"timer interrupt, no hrtimer expired"));
		else
			resolve(r, f, cause_get(r, NOHZ_NOISE_IPI, 0, 0, "call_function"));
	}
	r->c[f->ci].paired += ts - f->start;
	r->c[f->ci].closed |= paired;
}

static enum nohz_rec_type exit_of(enum nohz_rec_type t)
{
	switch (t) {
	case NOHZ_REC_TICK: return NOHZ_REC_TICK_EXIT;
	case NOHZ_REC_HRTIMER: return NOHZ_REC_HRTIMER_EXIT;
	case NOHZ_REC_IRQ: return NOHZ_REC_IRQ_EXIT;
	case NOHZ_REC_SOFTIRQ: return NOHZ_REC_SOFTIRQ_EXIT;
	case NOHZ_REC_WORK: return NOHZ_REC_WORK_END;
	case NOHZ_REC_IPI: return NOHZ_REC_IPI_EXIT;
	case NOHZ_REC_CSD: return NOHZ_REC_CSD_EXIT;
	default: return NOHZ_REC_TYPES;
	}
}

/* rec_key - what pairs an entry with its exit */
static int64_t rec_key(const struct nohz_trace_rec *x)
{
	switch (x->type) {
	case NOHZ_REC_HRTIMER:
	case NOHZ_REC_HRTIMER_EXIT:
		return (int64_t)x->ptr;
	case NOHZ_REC_IRQ:
	case NOHZ_REC_IRQ_EXIT:
	case NOHZ_REC_SOFTIRQ:
	case NOHZ_REC_SOFTIRQ_EXIT:
		return x->val;
	default:
		return 0;
	}
}

/* close_to - an exit: close the frames above its entry too (their exits
 * were lost), then the entry; an exit with no entry in the gap is ignored */
static void close_to(struct replay *r, const struct nohz_trace_rec *x)
{
	for (int i = r->nf - 1; i >= 0; i--) {
		if (exit_of(r->f[i].type) != x->type || r->f[i].key != rec_key(x))
			continue;
		while (r->nf > i + 1)
			pop(r, x->ts, false);
		pop(r, x->ts, true);
		return;
	}
}

/* wrapper_of - the open wrapper frame a child of type t names, or NULL */
static struct frame *wrapper_of(struct replay *r, enum nohz_rec_type t)
{
	struct frame *f = r->nf ? &r->f[r->nf - 1] : NULL;

	if (!f || f->ci >= 0)
		return NULL;
	if ((t == NOHZ_REC_HRTIMER && f->type == NOHZ_REC_TICK) ||
	    (t == NOHZ_REC_CSD && f->type == NOHZ_REC_IPI))
		return f;
	return NULL;
}

/* thread_pop - close the thread frame and whatever ran above it */
static void thread_pop(struct replay *r, uint64_t ts)
{
	for (int i = r->nf - 1; i >= 0; i--)
		if (r->f[i].type == NOHZ_REC_SWITCH) {
			while (r->nf > i)
				pop(r, ts, r->nf == i + 1);
			return;
		}
}

/* replay_rec - one record inside the gap */
static void replay_rec(struct replay *r, const struct nohz_trace_rec *x, pid_t spinner)
{
	struct frame *w;
	int ci;

	switch (x->type) {
	case NOHZ_REC_TICK:
		charge(r, x->ts);
		push(r, x->type, -1, 0, x->ts);
		return;
	case NOHZ_REC_IPI:
		charge(r, x->ts);
		/* the function-call IPIs name themselves by the function they run */
		if (!strncmp(x->name, "call_function", 13)) {
			push(r, x->type, -1, 0, x->ts);
			return;
		}
		push(r, x->type, cause_get(r, NOHZ_NOISE_IPI, 0, 0, x->name), 0, x->ts);
		return;
	case NOHZ_REC_HRTIMER:
	case NOHZ_REC_CSD:
		charge(r, x->ts);
		ci = x->type == NOHZ_REC_HRTIMER ?
		     cause_get(r, NOHZ_NOISE_TIMER, 0, 0, x->name) :
		     cause_get(r, NOHZ_NOISE_IPI, 1, 0, x->name);
		w = wrapper_of(r, x->type);
		if (w)
			resolve(r, w, ci);
		push(r, x->type, ci, rec_key(x), x->ts);
		return;
	case NOHZ_REC_IRQ:
		charge(r, x->ts);
		push(r, x->type, cause_get(r, NOHZ_NOISE_IRQ, x->val, 0, x->name), x->val, x->ts);
		return;
	case NOHZ_REC_SOFTIRQ:
		charge(r, x->ts);
		push(r, x->type, cause_get(r, NOHZ_NOISE_SOFTIRQ, x->val, 0, x->name), x->val,
		     x->ts);
		return;
	case NOHZ_REC_WORK:
		charge(r, x->ts);
		push(r, x->type, cause_get(r, NOHZ_NOISE_WORK, 0, 0, x->name), 0, x->ts);
		return;
	case NOHZ_REC_TICK_EXIT:
	case NOHZ_REC_HRTIMER_EXIT:
	case NOHZ_REC_IRQ_EXIT:
	case NOHZ_REC_SOFTIRQ_EXIT:
	case NOHZ_REC_WORK_END:
	case NOHZ_REC_IPI_EXIT:
	case NOHZ_REC_CSD_EXIT:
		charge(r, x->ts);
		close_to(r, x);
		return;
	case NOHZ_REC_SWITCH:
		charge(r, x->ts);
		if (x->tid == spinner) {
			thread_pop(r, x->ts);
			return;
		}
		if ((pid_t)x->val != spinner)
			thread_pop(r, x->ts);	/* one foreign task to the next */
		push(r, x->type, cause_get(r, NOHZ_NOISE_THREAD, 0, x->tid,
					   x->tid ? x->tcomm : "idle"), 0, x->ts);
		return;
	case NOHZ_REC_NMI: {
		/* traced at its end, with its length */
		uint64_t len = x->val > 0 ? (uint64_t)x->val : 0;
		uint64_t start = x->ts > len ? x->ts - len : 0;

		charge(r, start > r->last ? start : r->last);
		ci = cause_get(r, NOHZ_NOISE_NMI, 0, 0, x->name);
		len = x->ts > r->last ? x->ts - r->last : 0;
		r->c[ci].stolen += len;
		r->c[ci].paired += len;
		r->c[ci].closed = true;
		r->last = x->ts > r->last ? x->ts : r->last;
		return;
	}
	default:
		return;		/* wakeups, timer starts, tick stops: no time of their own */
	}
}

static int cause_cmp(const void *a, const void *b)
{
	const struct nohz_noise_cause *x = a, *y = b;

	return x->stolen_ns < y->stolen_ns ? 1 : x->stolen_ns > y->stolen_ns ? -1 :
	       strcmp(x->source, y->source);
}

/* name_cause - the source text and remedy of c, as the explanation words it */
static void name_cause(const struct cause *c, int cpu, const struct nohz_noise_opts *o,
		       char *what, size_t wlen, char *remedy, size_t rlen)
{
	static const struct nohz_explain_opts none;
	const struct nohz_explain_opts *eo = o->explain ? o->explain : &none;
	struct nohz_source s = { .cpu = cpu, .pid = c->pid };
	struct remedy_in in = { .name = c->name, .id = c->id, .comm = c->name };

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
		snprintf(remedy, rlen, "no kernel event: on a VM the host took the CPU "
			 "(pin the vCPUs to host CPUs of their own and compare steal time); "
			 "on bare metal look for SMIs (BIOS power management, "
			 "rtla hwlat)");
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
	struct cause key;
	uint64_t count, stolen;
};

struct build {
	struct src_acc *s;
	size_t n, cap;
};

static int src_add(struct build *b, const struct cause *c)
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

/* gap_replay - the causes of gap [gs, ge] from the records from *cur on */
static void gap_replay(struct replay *r, const struct nohz_noise_in *in, size_t *cur,
		       uint64_t gs, uint64_t ge, struct nohz_noise_cpu *c)
{
	size_t i = *cur;
	uint64_t allow;

	memset(r, 0, sizeof(*r));
	r->first = -1;
	r->last = gs;
	for (; i < in->nrecs && in->recs[i].ts < gs; i++)
		c->events_outside += in->recs[i].ts >= in->w0;
	for (; i < in->nrecs && in->recs[i].ts <= ge; i++) {
		replay_rec(r, &in->recs[i], in->spinner_tid);
		c->events_in_gaps++;
	}
	*cur = i;
	charge(r, ge);
	while (r->nf)
		pop(r, ge, false);
	if (r->first < 0) {
		r->first = cause_get(r, NOHZ_NOISE_HW, 0, 0, HW_NAME);
		r->c[r->first].stolen += r->loose;
		return;
	}
	/* entry and exit belong to the interruption; longer than they can
	 * take, the CPU was elsewhere */
	allow = (uint64_t)(r->entries ? r->entries : 1) * LOOSE_NS;
	r->c[r->first].stolen += r->loose < allow ? r->loose : allow;
	if (r->loose > allow)
		r->c[cause_get(r, NOHZ_NOISE_HW, 0, 0, HW_NAME)].stolen += r->loose - allow;
}

static int u64_desc(const void *a, const void *b)
{
	const struct nohz_gap *x = *(const struct nohz_gap *const *)a;
	const struct nohz_gap *y = *(const struct nohz_gap *const *)b;

	return x->dur_ns < y->dur_ns ? 1 : x->dur_ns > y->dur_ns ? -1 :
	       (x->start_ns > y->start_ns) - (x->start_ns < y->start_ns);
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
static int fill_worst(struct nohz_noise_gap *w, const struct replay *r, int cpu,
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
static enum nohz_noise_kind main_kind(const struct replay *r)
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

int nohz_noise_cpu_build(struct nohz_noise_cpu *c, const struct nohz_noise_in *in,
			 const struct nohz_noise_opts *o)
{
	size_t want = o->worst ? o->worst : NOHZ_NOISE_WORST, nin = 0, cur = 0, k = 0;
	uint64_t thr = in->threshold_ns, last_rec;
	const struct nohz_gap **order = NULL;
	size_t *slot = NULL;		/* gap -> its place in worst, or k */
	struct nohz_gaps *acc = calloc(1, sizeof(*acc));
	struct build b = { 0 };
	struct replay *r = malloc(sizeof(*r));
	int rc = -ENOMEM;

	memset(c, 0, sizeof(*c));
	c->cpu = in->cpu;
	c->spinner_tid = in->spinner_tid;
	c->window_ns = in->w1 > in->w0 ? in->w1 - in->w0 : 0;
	c->threshold_ns = thr;
	c->loop_ns = in->loop_ns;
	c->traced = in->recs != NULL;
	c->lost_events = in->lost;
	c->steal_ns = in->steal_ns;
	c->unattributed = in->dropped;
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
			order[nin++] = &in->gaps[i];
	}
	qsort(order, nin, sizeof(*order), u64_desc);
	while (k < nin && (k < want || (o->max_gap_ns && order[k]->dur_ns > o->max_gap_ns)))
		k++;
	c->worst = calloc(k ? k : 1, sizeof(*c->worst));
	if (!c->worst)
		goto out;
	c->nworst = k;
	for (size_t i = 0; i < in->ngaps; i++)
		slot[i] = k;
	for (size_t j = 0; j < k; j++)
		slot[order[j] - in->gaps] = j;
	/* a full record log: gaps after its last record cannot be attributed */
	last_rec = in->nrecs && in->lost ? in->recs[in->nrecs - 1].ts : UINT64_MAX;
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
		if (!in->recs || gs > last_rec) {
			c->unattributed++;
			continue;
		}
		gap_replay(r, in, &cur, gs, ge, c);
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
	int rc = 0;

	*out = NULL;
	if (!n)
		return -ENOMEM;
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
			in.recs = nohz_trace_records(t, in.cpu, &in.nrecs, &in.lost);
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
