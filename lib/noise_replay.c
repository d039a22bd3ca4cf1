// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * noise_replay.c - the causes of one gap, from the trace records inside it.
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
#include <string.h>

#include "internal.h"

#define LOOSE_NS 5000	/* kernel entry and exit of one interruption, at most */
#define HW_NAME "no kernel event: hardware or hypervisor (SMI, NMI, host preemption)"
#define HW_REST "outside the traced handlers: hardware or hypervisor (VM exits, SMI)"
#define MORE_NAME "more causes"

static int cause_get(struct noise_replay *r, enum nohz_noise_kind kind, int64_t id, pid_t pid,
		     const char *name)
{
	struct noise_cause *c;

	for (int i = 0; i < r->nc; i++)
		if (r->c[i].kind == kind && r->c[i].id == id && r->c[i].pid == pid &&
		    !strcmp(r->c[i].name, name))
			return i;
	/* a gap with this many causes: the rest share one row, hw keeps one */
	if (kind != NOHZ_NOISE_HW && r->nc >= NOISE_CAUSES_MAX - 2) {
		for (int i = 0; i < r->nc; i++)
			if (!strcmp(r->c[i].name, MORE_NAME))
				return i;
		id = NOISE_MORE_ID;
		pid = 0;
		name = MORE_NAME;
	}
	if (r->nc == NOISE_CAUSES_MAX)
		return r->nc - 1;
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
static void charge(struct noise_replay *r, uint64_t now)
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
static void resolve(struct noise_replay *r, struct noise_frame *f, int ci)
{
	f->ci = ci;
	r->c[ci].stolen += f->acc;
	f->acc = 0;
}

static void push(struct noise_replay *r, enum nohz_rec_type type, int ci, int64_t key,
		 uint64_t ts)
{
	struct noise_frame *f;

	if (r->nf == NOISE_FRAMES_MAX)
		return;		/* deeper than any kernel nests: keep charging the top */
	if (!r->nf)
		r->entries++;
	f = &r->f[r->nf++];
	*f = (struct noise_frame){ .type = type, .ci = ci, .key = key, .start = ts };
}

/* pop - close the top frame at ts; paired when its own exit closed it */
static void pop(struct noise_replay *r, uint64_t ts, bool paired)
{
	struct noise_frame *f = &r->f[--r->nf];

	if (f->ci < 0) {
		/* a timer interrupt that ran no hrtimer, an IPI that ran no function */
		if (f->type == NOHZ_REC_TICK)
			resolve(r, f, cause_get(r, NOHZ_NOISE_TIMER, 1, 0,
						"timer interrupt, no hrtimer expired"));
		else
			resolve(r, f, cause_get(r, NOHZ_NOISE_IPI, 0, 0, "call_function"));
	}
	/* a wrapper named by this frame spans it: its span is the one counted */
	if (!r->nf || r->f[r->nf - 1].ci != f->ci)
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
static void close_to(struct noise_replay *r, const struct nohz_trace_rec *x)
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
static struct noise_frame *wrapper_of(struct noise_replay *r, enum nohz_rec_type t)
{
	struct noise_frame *f = r->nf ? &r->f[r->nf - 1] : NULL;

	if (!f || f->ci >= 0)
		return NULL;
	if ((t == NOHZ_REC_HRTIMER && f->type == NOHZ_REC_TICK) ||
	    (t == NOHZ_REC_CSD && f->type == NOHZ_REC_IPI))
		return f;
	return NULL;
}

/* thread_pop - close the thread frame and whatever ran above it */
static void thread_pop(struct noise_replay *r, uint64_t ts)
{
	for (int i = r->nf - 1; i >= 0; i--)
		if (r->f[i].type == NOHZ_REC_SWITCH) {
			while (r->nf > i)
				pop(r, ts, r->nf == i + 1);
			return;
		}
}

/* replay_rec - one record inside the gap */
static void replay_rec(struct noise_replay *r, const struct nohz_trace_rec *x, pid_t spinner)
{
	struct noise_frame *w;
	int ci;

	/* the time up to a record is the current frame's (an NMI's record
	 * comes at its end and charges up to its start itself) */
	if (x->type != NOHZ_REC_NMI)
		charge(r, x->ts);
	switch (x->type) {
	case NOHZ_REC_TICK:
		push(r, x->type, -1, 0, x->ts);
		return;
	case NOHZ_REC_IPI:
		/* the function-call IPIs name themselves by the function they run */
		if (!strncmp(x->name, "call_function", 13)) {
			push(r, x->type, -1, 0, x->ts);
			return;
		}
		push(r, x->type, cause_get(r, NOHZ_NOISE_IPI, 0, 0, x->name), 0, x->ts);
		return;
	case NOHZ_REC_HRTIMER:
	case NOHZ_REC_CSD:
		ci = x->type == NOHZ_REC_HRTIMER ?
		     cause_get(r, NOHZ_NOISE_TIMER, 0, 0, x->name) :
		     cause_get(r, NOHZ_NOISE_IPI, 1, 0, x->name);
		w = wrapper_of(r, x->type);
		if (w)
			resolve(r, w, ci);
		push(r, x->type, ci, rec_key(x), x->ts);
		return;
	case NOHZ_REC_IRQ:
		push(r, x->type, cause_get(r, NOHZ_NOISE_IRQ, x->val, 0, x->name), x->val, x->ts);
		return;
	case NOHZ_REC_SOFTIRQ:
		push(r, x->type, cause_get(r, NOHZ_NOISE_SOFTIRQ, x->val, 0, x->name), x->val,
		     x->ts);
		return;
	case NOHZ_REC_WORK:
		push(r, x->type, cause_get(r, NOHZ_NOISE_WORK, 0, 0, x->name), 0, x->ts);
		return;
	case NOHZ_REC_TICK_EXIT:
	case NOHZ_REC_HRTIMER_EXIT:
	case NOHZ_REC_IRQ_EXIT:
	case NOHZ_REC_SOFTIRQ_EXIT:
	case NOHZ_REC_WORK_END:
	case NOHZ_REC_IPI_EXIT:
	case NOHZ_REC_CSD_EXIT:
		close_to(r, x);
		return;
	case NOHZ_REC_SWITCH:
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
		return;		/* wakeups, timer starts, tick stops: no frame of their own */
	}
}

void noise_gap_replay(struct noise_replay *r, const struct nohz_noise_in *in, size_t *cur,
		      uint64_t rs, uint64_t gs, uint64_t ge, struct nohz_noise_cpu *c)
{
	size_t i = *cur;
	uint64_t allow;

	memset(r, 0, sizeof(*r));
	r->first = -1;
	r->last = gs;		/* records before gs open frames, charge nothing */
	for (; i < in->nrecs && in->recs[i].ts < rs; i++)
		c->events_outside += in->recs[i].ts >= in->w0;
	for (; i < in->nrecs && in->recs[i].ts <= ge; i++) {
		replay_rec(r, &in->recs[i], in->spinner_tid);
		c->events_in_gaps += in->recs[i].ts >= in->w0;
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
		r->c[cause_get(r, NOHZ_NOISE_HW, 1, 0, HW_REST)].stolen += r->loose - allow;
}

