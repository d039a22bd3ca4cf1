// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * counters.c - per-CPU tracepoint counters through libperf.
 *
 * One cpu-wide counting event per tracepoint and cpu: no sampling and no
 * mmap, so the counters never need the tick themselves (a sampling or
 * multiplexed event would be a PERF_EVENTS tick dependency).  On each cpu
 * the events form one group whose leader alone starts disabled: enabling
 * or disabling the leader switches them all, in one cross-CPU call, over
 * one window.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/perf_event.h>
#include <perf/core.h>
#include <perf/cpumap.h>
#include <perf/evlist.h>
#include <perf/evsel.h>
#include <perf/threadmap.h>

#include "internal.h"

/* alt: a second tracepoint summed into the same count */
static const struct {
	const char *system, *event, *key, *alt;
} events[NOHZ_EV_MAX] = {
	[NOHZ_EV_TICK]     = { "irq_vectors", "local_timer_entry", "ticks" },
	[NOHZ_EV_WORK]     = { "workqueue", "workqueue_execute_start", "work" },
	[NOHZ_EV_IRQ]      = { "irq", "irq_handler_entry", "irqs" },
	[NOHZ_EV_SOFTIRQ]  = { "irq", "softirq_entry", "softirqs" },
	[NOHZ_EV_SWITCH]   = { "sched", "sched_switch", "switches" },
	[NOHZ_EV_RESCHED]  = { "irq_vectors", "reschedule_entry", "resched_ipis" },
	/* an IPI to one CPU arrives as call_function_single */
	[NOHZ_EV_CALLFUNC] = { "irq_vectors", "call_function_entry", "callfunc_ipis",
			       "call_function_single_entry" },
};

struct nohz_counters {
	struct perf_cpu_map *cpus;
	struct perf_thread_map *threads;
	struct perf_evlist *group;	/* in open order; the first leads */
	struct perf_evsel *ev[NOHZ_EV_MAX];
	struct perf_evsel *alt[NOHZ_EV_MAX];
	bool local[NOHZ_MAX_CPUS];	/* cpu we ran on at disable: no IPI there */
	int map_idx[NOHZ_MAX_CPUS];	/* cpu -> index in cpus, -1 none */
};

const char *nohz_event_name(enum nohz_event ev)
{
	static char names[NOHZ_EV_MAX][64];

	if (ev >= NOHZ_EV_MAX)
		return "?";
	if (!names[ev][0])
		snprintf(names[ev], sizeof(names[ev]), "%s:%s", events[ev].system,
			 events[ev].event);
	return names[ev];
}

const char *nohz_event_key(enum nohz_event ev)
{
	return ev < NOHZ_EV_MAX ? events[ev].key : "?";
}

static int quiet_print(enum libperf_print_level level, const char *fmt, va_list ap)
{
	return 0;
}

static void paranoid_hint(int e, char *err, size_t errlen)
{
	long lvl = 2;
	FILE *f = fopen("/proc/sys/kernel/perf_event_paranoid", "r");

	if (f) {
		if (fscanf(f, "%ld", &lvl) != 1)
			lvl = 2;
		fclose(f);
	}
	if (e == -EACCES || e == -EPERM)
		nohz_err(err, errlen, "perf_event_open denied (perf_event_paranoid=%ld): "
			 "run as root or 'sysctl kernel.perf_event_paranoid=-1'", lvl);
	else
		nohz_err(err, errlen, "perf_event_open failed: %s", strerror(-e));
}

/*
 * evsel_open - a cpu-wide counter of system:event on c's cpus, joining c's
 * group (the first one opened leads it and starts disabled, the others
 * count whenever it does); *out stays NULL when this kernel lacks the
 * tracepoint; -EACCES/-EPERM and -ENOMEM are errors
 */
static int evsel_open(struct nohz_counters *c, struct perf_evsel **out,
		      const char *system, const char *event)
{
	struct perf_event_attr attr = {
		.type = PERF_TYPE_TRACEPOINT,
		.size = sizeof(attr),
		.read_format = PERF_FORMAT_TOTAL_TIME_ENABLED |
			       PERF_FORMAT_TOTAL_TIME_RUNNING,
		.disabled = perf_evlist__next(c->group, NULL) == NULL,
	};
	int id = nohz_tracepoint_id(system, event), rc;

	*out = NULL;
	if (id < 0)
		return 0;	/* this kernel lacks it: _has() says so */
	attr.config = id;
	*out = perf_evsel__new(&attr);
	if (!*out)
		return -ENOMEM;
	perf_evlist__add(c->group, *out);
	perf_evlist__set_leader(c->group);
	rc = perf_evsel__open(*out, c->cpus, c->threads);
	if (rc < 0) {
		perf_evlist__remove(c->group, *out);
		perf_evlist__set_leader(c->group);
		perf_evsel__delete(*out);
		*out = NULL;
		return rc == -EACCES || rc == -EPERM ? rc : 0;
	}
	return 0;
}

int nohz_counters_open(struct nohz_counters **out, const struct nohz_cpuset *cpus,
		       unsigned int mask, char *err, size_t errlen)
{
	struct nohz_counters *c;
	char list[8192];
	int rc = 0, opened = 0, cpu;

	*out = NULL;
	if (nohz_cpuset_empty(cpus)) {
		nohz_err(err, errlen, "no cpu to count on");
		return -EINVAL;
	}
	rc = nohz_tracefs_ensure(err, errlen);
	if (rc < 0)
		return rc;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	libperf_init(quiet_print);
	c->cpus = perf_cpu_map__new(nohz_cpuset_format(cpus, list, sizeof(list)));
	c->threads = perf_thread_map__new_dummy();
	c->group = perf_evlist__new();
	if (!c->cpus || !c->threads || !c->group) {
		rc = -ENOMEM;
		goto fail;
	}
	perf_thread_map__set_pid(c->threads, 0, -1);
	for (int i = 0; i < NOHZ_MAX_CPUS; i++)
		c->map_idx[i] = -1;
	for (int i = 0; i < perf_cpu_map__nr(c->cpus); i++)
		c->map_idx[perf_cpu_map__cpu(c->cpus, i).cpu] = i;
	nohz_cpuset_for_each(cpu, cpus)
		if (c->map_idx[cpu] < 0) {
			nohz_err(err, errlen, "cpu %d is not usable for counting", cpu);
			rc = -EINVAL;
			goto fail;
		}

	for (int ev = 0; ev < NOHZ_EV_MAX; ev++) {
		if (!(mask & (1u << ev)))
			continue;
		rc = evsel_open(c, &c->ev[ev], events[ev].system, events[ev].event);
		if (rc < 0)
			goto fail;
		if (c->ev[ev] && events[ev].alt) {
			rc = evsel_open(c, &c->alt[ev], events[ev].system, events[ev].alt);
			if (rc < 0)
				goto fail;
		}
		opened += c->ev[ev] != NULL;
	}
	if (!opened) {
		nohz_err(err, errlen, "none of the requested tracepoints can be counted "
			 "on this kernel");
		rc = -ENOENT;
		goto fail;
	}
	*out = c;
	return 0;
fail:
	if (rc == -EACCES || rc == -EPERM || (rc < 0 && err && !err[0]))
		paranoid_hint(rc, err, errlen);
	nohz_counters_close(c);
	return rc;
}

/*
 * Enabling or disabling the group from a housekeeping cpu is one IPI
 * (call_function_single) to each counted cpu.  The enable IPI arrives
 * before the group is on; the disable IPI is the one the function-call
 * counter cannot miss, and nohz_counters_read takes it off again.
 */
static struct perf_evsel *leader(struct nohz_counters *c)
{
	return perf_evlist__next(c->group, NULL);
}

int nohz_counters_enable(struct nohz_counters *c)
{
	return perf_evsel__enable(leader(c)) < 0 ? -errno : 0;
}

int nohz_counters_disable(struct nohz_counters *c)
{
	int self = sched_getcpu();

	if (self >= 0 && self < NOHZ_MAX_CPUS)
		c->local[self] = true;
	return perf_evsel__disable(leader(c)) < 0 ? -errno : 0;
}

bool nohz_counters_has(const struct nohz_counters *c, enum nohz_event ev)
{
	return ev < NOHZ_EV_MAX && c->ev[ev];
}

static int evsel_read(struct nohz_counters *c, struct perf_evsel *e, int cpu,
		      uint64_t *val)
{
	struct perf_counts_values counts = { 0 };

	if (perf_evsel__read(e, c->map_idx[cpu], 0, &counts) < 0)
		return -EIO;
	/* cpu-wide tracepoint counters are never multiplexed; scale anyway */
	if (counts.run && counts.run < counts.ena)
		counts.val = (uint64_t)((double)counts.val * counts.ena / counts.run);
	*val = counts.val;
	return 0;
}

int nohz_counters_read(struct nohz_counters *c, int cpu, enum nohz_event ev,
		       uint64_t *val)
{
	uint64_t v2 = 0;

	if (ev >= NOHZ_EV_MAX || !c->ev[ev] || cpu < 0 || cpu >= NOHZ_MAX_CPUS ||
	    c->map_idx[cpu] < 0)
		return -ENOENT;
	if (evsel_read(c, c->ev[ev], cpu, val) < 0 ||
	    (c->alt[ev] && evsel_read(c, c->alt[ev], cpu, &v2) < 0))
		return -EIO;
	/* the alt counter saw the disable IPI (see leader()) */
	if (ev == NOHZ_EV_CALLFUNC && v2 && !c->local[cpu])
		v2--;
	*val += v2;
	return 0;
}

/* members first: a closed leader would turn its enabled members loose */
void nohz_counters_close(struct nohz_counters *c)
{
	if (!c)
		return;
	for (int ev = NOHZ_EV_MAX - 1; ev >= 0; ev--) {
		struct perf_evsel *e[2] = { c->alt[ev], c->ev[ev] };

		for (int i = 0; i < 2; i++) {
			if (!e[i] || e[i] == leader(c))
				continue;
			perf_evsel__close(e[i]);
			perf_evlist__remove(c->group, e[i]);
			perf_evsel__delete(e[i]);
		}
	}
	if (c->group) {
		struct perf_evsel *l = leader(c);

		if (l) {
			perf_evsel__close(l);
			perf_evlist__remove(c->group, l);
			perf_evsel__delete(l);
		}
		perf_evlist__delete(c->group);
	}
	perf_cpu_map__put(c->cpus);
	perf_thread_map__put(c->threads);
	free(c);
}
