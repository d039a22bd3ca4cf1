// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * dtrace.c - exact D-state waits from the scheduler's tracepoints.
 *
 * Everything happens in a tracefs instance of our own ("nohz-sb-PID"), so
 * the global buffer and other users' settings stay untouched and removing
 * the instance undoes it all: sched_switch filtered to tasks that leave the
 * CPU in TASK_UNINTERRUPTIBLE (prev_state bit 2) with a stacktrace trigger
 * on the same condition, and sched_wakeup.  The instance clock is "mono" so
 * event times compare with now_ns().  Stack addresses are named with the
 * kallsyms libtraceevent loads anyway, and frames in the scheduler and lock
 * text sections are dropped, as /proc/PID/stack does, so the first frame is
 * the wait site.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <event-parse.h>
#include <tracefs.h>

#include "internal.h"

#define SWITCH_COND "prev_state & 2"	/* TASK_UNINTERRUPTIBLE as the tracepoint reports it */

struct dtrace {
	struct tracefs_instance *inst;
	struct tep_handle *tep;
	int id_switch, id_wakeup, id_stack;
	struct tep_format_field *prev_pid, *prev_state, *prev_comm, *wake_pid;
	struct tep_format_field *stack_size, *stack_caller;
	bool trigger;
	uint64_t events, lost;
	uint64_t sched_lo, sched_hi, lock_lo, lock_hi;
	void (*fn)(const struct dtrace_ev *ev, void *arg);
	void *arg;
};

/* sched_bounds - where the scheduler and lock text sections lie */
static void sched_bounds(struct dtrace *t)
{
	FILE *f = fopen("/proc/kallsyms", "re");
	char line[512], name[256];
	unsigned long long addr;
	char type;
	int found = 0;

	if (!f)
		return;
	while (found < 4 && fgets(line, sizeof(line), f)) {
		/* cheap filter first: 100k+ lines */
		if (!strstr(line, "_text_") ||
		    sscanf(line, "%llx %c %255s", &addr, &type, name) != 3)
			continue;
		if (!strcmp(name, "__sched_text_start"))
			t->sched_lo = addr, found++;
		else if (!strcmp(name, "__sched_text_end"))
			t->sched_hi = addr, found++;
		else if (!strcmp(name, "__lock_text_start"))
			t->lock_lo = addr, found++;
		else if (!strcmp(name, "__lock_text_end"))
			t->lock_hi = addr, found++;
	}
	fclose(f);
}

static bool in_sched(const struct dtrace *t, uint64_t a)
{
	return (a >= t->sched_lo && a < t->sched_hi) || (a >= t->lock_lo && a < t->lock_hi);
}

/* stack_format - frames from the first scheduler frame on, scheduler left out */
static void stack_format(const struct dtrace *t, const uint64_t *a, size_t n,
			 char *out, size_t len)
{
	struct strbuf sb;
	size_t i0 = 0;

	sb_init(&sb, out, len);
	if (!t->sched_lo)
		return;		/* addresses hidden (kptr_restrict): /proc has the stack */
	while (i0 < n && !in_sched(t, a[i0]))
		i0++;
	if (i0 == n)
		i0 = 0;		/* no scheduler frame: keep them all */
	for (size_t i = i0; i < n; i++) {
		const char *name = tep_find_function(t->tep, a[i]);
		unsigned long long at = tep_find_function_address(t->tep, a[i]);

		if (in_sched(t, a[i]) || sb.len + 80 > len)
			continue;
		if (name)
			sb_printf(&sb, "%s%s+0x%llx", sb.len ? "\n" : "", name,
				  (unsigned long long)(a[i] - at));
		else
			sb_printf(&sb, "%s0x%llx", sb.len ? "\n" : "", (unsigned long long)a[i]);
	}
}

static void stack_record(struct dtrace *t, struct tep_record *rec)
{
	uint64_t a[64];
	unsigned long long size, v;
	size_t n, off = t->stack_caller->offset;
	char text[NOHZ_DSTACK_LEN];
	struct dtrace_ev ev = { .kind = DTRACE_STACK };

	if (tep_read_number_field(t->stack_size, rec->data, &size) < 0 ||
	    (size_t)rec->size <= off)
		return;
	n = ((size_t)rec->size - off) / sizeof(uint64_t);
	if (size < n)
		n = size;
	if (n > 64)
		n = 64;
	for (size_t i = 0; i < n; i++) {
		memcpy(&v, (const char *)rec->data + off + i * sizeof(uint64_t), sizeof(v));
		a[i] = v;
	}
	stack_format(t, a, n, text, sizeof(text));
	if (!text[0])
		return;
	ev.tid = tep_data_pid(t->tep, rec);
	ev.ts = rec->ts;
	ev.stack = text;
	t->fn(&ev, t->arg);
}

static int dtrace_record(struct tep_event *e, struct tep_record *rec, int cpu,
			 void *arg)
{
	struct dtrace *t = arg;
	struct dtrace_ev ev = { .ts = rec->ts };
	unsigned long long pid, state;
	char comm[17];

	t->events++;
	if (rec->missed_events)
		t->lost += rec->missed_events > 0 ? (uint64_t)rec->missed_events : 1;
	if (e->id == t->id_switch) {
		if (tep_read_number_field(t->prev_state, rec->data, &state) < 0 ||
		    !(state & 2) ||
		    tep_read_number_field(t->prev_pid, rec->data, &pid) < 0)
			return 0;
		snprintf(comm, sizeof(comm), "%.16s",
			 (const char *)rec->data + t->prev_comm->offset);
		ev.kind = DTRACE_SLEEP;
		ev.tid = (pid_t)pid;
		ev.comm = comm;
		t->fn(&ev, t->arg);
	} else if (e->id == t->id_wakeup) {
		if (tep_read_number_field(t->wake_pid, rec->data, &pid) < 0)
			return 0;
		ev.kind = DTRACE_WAKE;
		ev.tid = (pid_t)pid;
		t->fn(&ev, t->arg);
	} else if (e->id == t->id_stack) {
		stack_record(t, rec);
	}
	return 0;
}

/* event_fields - ids and fields of the three events we read */
static int event_fields(struct dtrace *t)
{
	struct tep_event *sw = tep_find_event_by_name(t->tep, "sched", "sched_switch");
	struct tep_event *wk = tep_find_event_by_name(t->tep, "sched", "sched_wakeup");
	struct tep_event *st = tep_find_event_by_name(t->tep, "ftrace", "kernel_stack");

	if (!sw || !wk)
		return -ENOENT;
	t->id_switch = sw->id;
	t->id_wakeup = wk->id;
	t->id_stack = st ? st->id : -1;
	t->prev_pid = tep_find_field(sw, "prev_pid");
	t->prev_state = tep_find_field(sw, "prev_state");
	t->prev_comm = tep_find_field(sw, "prev_comm");
	t->wake_pid = tep_find_field(wk, "pid");
	if (st) {
		t->stack_size = tep_find_field(st, "size");
		t->stack_caller = tep_find_field(st, "caller");
		if (!t->stack_size || !t->stack_caller)
			t->id_stack = -1;
	}
	return t->prev_pid && t->prev_state && t->prev_comm && t->wake_pid ? 0 : -ENOENT;
}

int dtrace_open(struct dtrace **out, char *err, size_t errlen)
{
	static const char *const systems[] = { "sched", "ftrace", NULL };
	struct dtrace *t;
	const char *name;
	int rc;

	*out = NULL;
	if (geteuid() != 0) {
		nohz_err(err, errlen, "trace mode needs root (tracefs, /proc/kallsyms)");
		return -EPERM;
	}
	rc = nohz_tracefs_ensure(err, errlen);
	if (rc < 0)
		return rc;
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	rc = own_instance_open(&t->inst, "nohz-sb-", -1, OWN_INST_REPLACE, err, errlen);
	if (rc < 0)
		goto fail;
	name = tracefs_instance_get_name(t->inst);
	rc = -EIO;
	if (tracefs_instance_file_write(t->inst, "trace_clock", "mono") < 0) {
		nohz_err(err, errlen, "cannot set the trace clock to mono in %s", name);
		goto fail;
	}
	t->tep = tracefs_local_events_system(NULL, systems);
	if (!t->tep || event_fields(t) < 0) {
		rc = -ENOENT;
		nohz_err(err, errlen, "this kernel lacks sched:sched_switch or sched:sched_wakeup");
		goto fail;
	}
	if (tracefs_event_file_write(t->inst, "sched", "sched_switch", "filter",
				     SWITCH_COND) < 0) {
		nohz_err(err, errlen, "cannot set the sched_switch filter '%s'", SWITCH_COND);
		goto fail;
	}
	/* without the trigger stacks come from /proc when a wait is reported */
	t->trigger = t->id_stack >= 0 &&
		tracefs_event_file_write(t->inst, "sched", "sched_switch", "trigger",
					 "stacktrace if " SWITCH_COND) > 0;
	if (tracefs_event_enable(t->inst, "sched", "sched_switch") < 0 ||
	    tracefs_event_enable(t->inst, "sched", "sched_wakeup") < 0) {
		nohz_err(err, errlen, "cannot enable sched_switch and sched_wakeup in %s", name);
		goto fail;
	}
	if (t->trigger)
		sched_bounds(t);
	*out = t;
	return 0;
fail:
	dtrace_close(t);
	return rc;
}

int dtrace_drain(struct dtrace *t, void (*fn)(const struct dtrace_ev *ev, void *arg),
		 void *arg)
{
	t->fn = fn;
	t->arg = arg;
	errno = 0;
	if (tracefs_iterate_raw_events(t->tep, t->inst, NULL, 0, dtrace_record, t) < 0)
		return errno ? -errno : -EIO;
	return 0;
}

uint64_t dtrace_events(const struct dtrace *t)
{
	return t->events;
}

uint64_t dtrace_lost(const struct dtrace *t)
{
	return t->lost;
}

void dtrace_close(struct dtrace *t)
{
	if (!t)
		return;
	if (t->inst && t->trigger)
		tracefs_event_file_write(t->inst, "sched", "sched_switch", "trigger",
					 "!stacktrace if " SWITCH_COND);
	own_instance_close(t->inst, 500);
	tep_free(t->tep);
	free(t);
}
