// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * test_explain.c - attribution, ranking and remedies of lib/explain.c fed
 * with synthetic parsed records (no kernel involved): every count the test
 * generates must come back on the right row, in the right order, with the
 * remedy that names the right command.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "nohz.h"

/* timer:tick_stop format of a 6.18 kernel, as read from tracefs */
static const char fmt_618[] =
	"name: tick_stop\nID: 454\nformat:\n"
	"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
	"\tfield:int success;\toffset:8;\tsize:4;\tsigned:1;\n"
	"\tfield:int dependency;\toffset:12;\tsize:4;\tsigned:1;\n\n"
	"print fmt: \"success=%d dependency=%s\", REC->success, "
	"__print_symbolic(REC->dependency, { 0, \"NONE\" }, { (1 << 0), \"POSIX_TIMER\" }, "
	"{ (1 << 1), \"PERF_EVENTS\" }, { (1 << 2), \"SCHED\" }, { (1 << 3), "
	"\"CLOCK_UNSTABLE\" }, { (1 << 4), \"RCU\" }, { (1 << 5), \"RCU_EXP\" })\n";

static uint64_t ts_now;

/* rec - a record on cpu at the next microsecond */
static struct nohz_trace_rec rec(int cpu, enum nohz_rec_type type)
{
	struct nohz_trace_rec r;

	memset(&r, 0, sizeof(r));
	r.cpu = cpu;
	r.type = type;
	r.ts = ts_now += 1000;
	return r;
}

static void add(struct nohz_explain *ex, const struct nohz_trace_rec *r)
{
	assert_int_equal(nohz_explain_add(ex, r), 0);
}

/* add_tick - one local timer interrupt that ran the tick on cpu */
static void add_tick(struct nohz_explain *ex, int cpu, pid_t running)
{
	struct nohz_trace_rec r = rec(cpu, NOHZ_REC_TICK);

	r.pid = running;
	add(ex, &r);
	r = rec(cpu, NOHZ_REC_HRTIMER);
	r.pid = running;
	r.ptr = 0xffff888000001000ULL;
	strcpy(r.name, "tick_nohz_handler");
	add(ex, &r);
	r = rec(cpu, NOHZ_REC_TICK_EXIT);
	add(ex, &r);
}

static void add_switch(struct nohz_explain *ex, int cpu, pid_t tid, const char *comm,
		       pid_t tgid)
{
	struct nohz_trace_rec r = rec(cpu, NOHZ_REC_SWITCH);

	r.tid = tid;
	r.tgid = tgid;
	snprintf(r.tcomm, sizeof(r.tcomm), "%s", comm);
	add(ex, &r);
}

static void add_named(struct nohz_explain *ex, int cpu, enum nohz_rec_type type,
		      int64_t val, const char *name)
{
	struct nohz_trace_rec r = rec(cpu, type);

	r.val = val;
	snprintf(r.name, sizeof(r.name), "%s", name);
	add(ex, &r);
}

static void add_tick_stop(struct nohz_explain *ex, int cpu, int64_t mask, pid_t pid,
			  const char *comm)
{
	struct nohz_trace_rec r = rec(cpu, NOHZ_REC_TICK_STOP);

	r.val = 0;
	r.val2 = mask;
	r.pid = pid;
	r.tgid = pid;
	snprintf(r.comm, sizeof(r.comm), "%s", comm);
	add(ex, &r);
}

static const struct nohz_source *find(const struct nohz_explain_cpu *c,
				      enum nohz_src_kind kind, const char *what_prefix)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->src[i].kind == kind &&
		    !strncmp(c->src[i].what, what_prefix, strlen(what_prefix)))
			return &c->src[i];
	return NULL;
}

static void base_opts(struct nohz_explain_opts *o, const pid_t *spin, size_t nspin)
{
	memset(o, 0, sizeof(*o));
	o->seconds = 5;
	nohz_cpuset_set(&o->housekeeping, 0);
	o->kernel_nohz_full = 1;
	nohz_cpuset_set(&o->nohz_full, 1);
	o->spinners = spin;
	o->nspinners = nspin;
	o->self = 999;
	o->perf_users = "";
}

static void test_dep_names(void **state)
{
	static const char *const want[] = {
		"POSIX_TIMER", "PERF_EVENTS", "SCHED", "CLOCK_UNSTABLE", "RCU", "RCU_EXP",
	};
	char names[32][24];

	/* the built-in order is the kernel's TICK_DEP_BIT_* order */
	assert_string_equal(nohz_tick_dep_name(0), "NONE");
	for (int i = 0; i < 6; i++)
		assert_string_equal(nohz_tick_dep_name((int64_t)1 << i), want[i]);
	assert_null(nohz_tick_dep_name(3));
	assert_null(nohz_tick_dep_name(64));

	/* and the kernel's own format file says the same */
	assert_int_equal(nohz_tick_dep_parse(fmt_618, names, 32), 6);
	for (int i = 0; i < 6; i++)
		assert_string_equal(names[i], want[i]);
	assert_string_equal(names[6], "");
}

static void test_dep_parse_follows_format(void **state)
{
	char names[32][24];
	const char *reordered =
		"print fmt: \"dependency=%s\", __print_symbolic(REC->dependency, "
		"{ 0, \"NONE\" }, { (1 << 2), \"PERF_EVENTS\" }, {1<<0, \"SCHED\"}, "
		"{ 0x10, \"RCU\" })";

	/* a kernel with another order is read as it says, not as we assume */
	assert_int_equal(nohz_tick_dep_parse(reordered, names, 32), 3);
	assert_string_equal(names[0], "SCHED");
	assert_string_equal(names[2], "PERF_EVENTS");
	assert_string_equal(names[4], "RCU");
	assert_string_equal(names[1], "");
	/* not a tick_stop format, or none at all */
	assert_int_equal(nohz_tick_dep_parse("print fmt: \"x=%d\", REC->x", names, 32), 0);
	assert_int_equal(nohz_tick_dep_parse(NULL, names, 32), 0);
	assert_int_equal(nohz_tick_dep_parse("REC->dependency { (1 << 99), \"X\" }", names,
					     32), 0);
	/* truncated input stops cleanly */
	assert_int_equal(nohz_tick_dep_parse("REC->dependency, { (1 << 1), \"PERF", names,
					     32), 0);
}

/* the scenario the live test induces, with known counts */
static struct nohz_explain *scenario(void)
{
	struct nohz_explain *ex = nohz_explain_new();
	struct nohz_trace_rec r;

	assert_non_null(ex);
	/* 1250 ticks over 5 s with the spinner (tid 1000) running */
	for (int i = 0; i < 1250; i++) {
		add_tick(ex, 1, 1000);
		/* 40 of them follow a SCHED failure to stop */
		if (i < 40)
			add_tick_stop(ex, 1, 4, 1000, "nohz-spin/1");
	}
	/* a POSIX timer armed by timer_hog (500) on cpu 1, expiring 100 times */
	for (int i = 0; i < 100; i++) {
		r = rec(1, NOHZ_REC_HRTIMER_START);
		r.pid = 500;
		r.tgid = 500;
		r.ptr = 0xffff888000002000ULL;
		strcpy(r.comm, "timer_hog");
		strcpy(r.name, "posix_timer_fn");
		add(ex, &r);
		r = rec(1, NOHZ_REC_TICK);
		add(ex, &r);
		r = rec(1, NOHZ_REC_HRTIMER);
		r.pid = 1000;
		r.ptr = 0xffff888000002000ULL;
		strcpy(r.name, "posix_timer_fn");
		add(ex, &r);
		r = rec(1, NOHZ_REC_TICK_EXIT);
		add(ex, &r);
		add_switch(ex, 1, 500, "timer_hog", 500);
		add_switch(ex, 1, 1000, "nohz-spin/1", 999);
	}
	/* a second busy task: 60 switches each way */
	for (int i = 0; i < 60; i++) {
		add_switch(ex, 1, 2000, "stress", 2000);
		add_switch(ex, 1, 1000, "nohz-spin/1", 999);
	}
	for (int i = 0; i < 5; i++)
		add_named(ex, 1, NOHZ_REC_WORK, 0, "vmstat_update");
	for (int i = 0; i < 3; i++)
		add_named(ex, 1, NOHZ_REC_WORK, 0, "wb_workfn");
	for (int i = 0; i < 7; i++) {
		add_named(ex, 1, NOHZ_REC_IRQ, 36, "virtio1-req.0");
		add_named(ex, 1, NOHZ_REC_SOFTIRQ, 4, "BLOCK");
	}
	add_switch(ex, 1, 16, "rcuop/1", 16);
	add_switch(ex, 1, 16, "rcuop/1", 16);
	/* a thread of our own process (self = 999) that is not a spinner */
	add_switch(ex, 1, 1001, "nohz-check", 999);
	/* three short-lived shells: one row */
	add_switch(ex, 1, 3001, "bash", 3001);
	add_switch(ex, 1, 3002, "bash", 3002);
	add_switch(ex, 1, 3003, "bash", 3003);
	/* the idle task is never a source */
	add_switch(ex, 1, 0, "swapper/1", 0);
	/* woken onto cpu 1 but never ran; and one woken onto cpu 0 (ignored) */
	r = rec(1, NOHZ_REC_WAKEUP);
	r.tid = 4000;
	r.val = 1;
	strcpy(r.tcomm, "sleeper");
	add(ex, &r);
	r.tid = 4001;
	r.val = 0;
	add(ex, &r);
	/* IPIs and what they ran */
	for (int i = 0; i < 4; i++) {
		add_named(ex, 1, NOHZ_REC_IPI, 0, "call_function_single");
		add_named(ex, 1, NOHZ_REC_CSD, 0, "flush_tlb_func");
	}
	/* cpu 2: idle, the tick stopped twice */
	r = rec(2, NOHZ_REC_TICK_STOP);
	r.val = 1;
	add(ex, &r);
	add(ex, &r);
	nohz_explain_lost(ex, 2, 17);
	return ex;
}

static void test_ranking_and_remedies(void **state)
{
	static const pid_t spin[] = { 1000, 1002 };
	struct nohz_explain_opts o;
	struct nohz_explain *ex = scenario();
	const struct nohz_explain_cpu *c;
	const struct nohz_source *s;

	base_opts(&o, spin, 2);
	assert_int_equal(nohz_explain_finish(ex, &o), 0);
	assert_int_equal(nohz_explain_finish(ex, &o), -EALREADY);
	c = nohz_explain_cpu(ex, 1);
	assert_non_null(c);
	assert_int_equal(c->timer_irqs, 1350);
	assert_int_equal(c->ticks, 1250);
	assert_int_equal(c->lost, 0);

	/* ranked by count, highest first */
	for (size_t i = 1; i < c->n; i++)
		assert_true(c->src[i - 1].count >= c->src[i].count);
	assert_int_equal(c->src[0].kind, NOHZ_SRC_TICK);
	assert_int_equal(c->src[0].count, 1250);
	assert_true(c->src[0].rate > 249.99 && c->src[0].rate < 250.01);
	assert_non_null(strstr(c->src[0].remedy, "tick-dep"));

	/* the spinner is the load, never a source */
	for (size_t i = 0; i < c->n; i++)
		assert_false(c->src[i].pid == 1000);

	s = find(c, NOHZ_SRC_TIMER, "posix_timer_fn");
	assert_non_null(s);
	assert_int_equal(s->count, 100);
	assert_int_equal(s->pid, 500);
	assert_string_equal(s->what, "posix_timer_fn (armed by timer_hog/500)");
	assert_non_null(strstr(s->remedy, "taskset -a -pc 0 500"));

	s = find(c, NOHZ_SRC_TICK_DEP, "SCHED");
	assert_non_null(s);
	assert_int_equal(s->count, 40);
	assert_int_equal(s->ticks, 40);
	/* the foreign tasks, busiest first; the spinner not among them */
	assert_non_null(strstr(s->what, "timer_hog/500 (100)"));
	assert_non_null(strstr(s->what, "stress/2000 (60)"));
	assert_null(strstr(s->what, "nohz-spin"));
	assert_true(strstr(s->what, "timer_hog") < strstr(s->what, "stress"));
	assert_non_null(strstr(s->remedy, "isolcpus=domain,1"));

	s = find(c, NOHZ_SRC_TASK, "stress/2000");
	assert_non_null(s);
	assert_int_equal(s->count, 60);
	assert_non_null(strstr(s->remedy, "taskset -a -pc 0 2000"));

	s = find(c, NOHZ_SRC_WORK, "vmstat_update");
	assert_non_null(s);
	assert_int_equal(s->count, 5);
	assert_true(s->rate > 0.99 && s->rate < 1.01);
	assert_non_null(strstr(s->remedy, "sysctl vm.stat_interval=120"));

	s = find(c, NOHZ_SRC_WORK, "wb_workfn");
	assert_non_null(s);
	assert_int_equal(s->count, 3);
	assert_non_null(strstr(s->remedy,
			       "echo 1 > /sys/bus/workqueue/devices/writeback/cpumask"));

	s = find(c, NOHZ_SRC_IRQ, "IRQ 36 (virtio1-req.0)");
	assert_non_null(s);
	assert_int_equal(s->count, 7);
	assert_non_null(strstr(s->remedy, "echo 0 > /proc/irq/36/smp_affinity_list"));
	s = find(c, NOHZ_SRC_SOFTIRQ, "BLOCK");
	assert_non_null(s);
	assert_int_equal(s->count, 7);

	s = find(c, NOHZ_SRC_TASK, "rcuop/1/16");
	assert_non_null(s);
	assert_int_equal(s->count, 2);
	assert_non_null(strstr(s->remedy, "rcu_nocbs=1"));
	assert_non_null(strstr(s->remedy, "taskset -pc 0 16"));

	s = find(c, NOHZ_SRC_TASK, "nohz-check/1001");
	assert_non_null(s);
	assert_true(s->self);

	s = find(c, NOHZ_SRC_TASK, "bash (3 tasks)");
	assert_non_null(s);
	assert_int_equal(s->count, 3);
	assert_int_equal(s->ntasks, 3);
	assert_non_null(strstr(s->remedy, "3001 3002 3003"));

	s = find(c, NOHZ_SRC_WAKEUP, "sleeper/4000");
	assert_non_null(s);
	assert_int_equal(s->count, 1);
	assert_null(find(c, NOHZ_SRC_WAKEUP, "sleeper/4001"));
	assert_null(find(c, NOHZ_SRC_TASK, "swapper"));

	s = find(c, NOHZ_SRC_IPI, "call_function_single");
	assert_non_null(s);
	assert_int_equal(s->count, 4);
	s = find(c, NOHZ_SRC_IPI, "function call flush_tlb_func");
	assert_non_null(s);
	assert_non_null(strstr(s->remedy, "TLB"));

	c = nohz_explain_cpu(ex, 2);
	assert_non_null(c);
	assert_int_equal(c->tick_stops, 2);
	assert_int_equal(c->lost, 17);
	assert_int_equal(c->n, 0);
	assert_null(nohz_explain_cpu(ex, 3));
	nohz_explain_free(ex);
}

static void test_tick_remedy_by_kernel(void **state)
{
	struct nohz_explain_opts o;
	const struct nohz_explain_cpu *c;
	struct nohz_explain *ex;

	/* no CONFIG_NO_HZ_FULL: the tick is the kernel's, not the tuning's */
	ex = nohz_explain_new();
	add_tick(ex, 1, 1000);
	base_opts(&o, NULL, 0);
	o.kernel_nohz_full = -1;
	assert_int_equal(nohz_explain_finish(ex, &o), 0);
	c = nohz_explain_cpu(ex, 1);
	assert_non_null(strstr(c->src[0].remedy, "CONFIG_NO_HZ_FULL"));
	nohz_explain_free(ex);

	/* the kernel can, this cpu is not nohz_full */
	ex = nohz_explain_new();
	add_tick(ex, 3, 1000);
	base_opts(&o, NULL, 0);
	assert_int_equal(nohz_explain_finish(ex, &o), 0);
	c = nohz_explain_cpu(ex, 3);
	assert_non_null(strstr(c->src[0].remedy, "CPU 3 is not nohz_full"));
	assert_non_null(strstr(c->src[0].remedy, "nohz_full=3"));
	nohz_explain_free(ex);
}

static void test_tick_deps(void **state)
{
	struct nohz_explain_opts o;
	const struct nohz_explain_cpu *c;
	const struct nohz_source *s;
	struct nohz_explain *ex = nohz_explain_new();

	add_tick_stop(ex, 1, 1, 500, "timer_hog");
	add_tick(ex, 1, 500);
	add_tick_stop(ex, 1, 2, 1000, "nohz-spin/1");
	add_tick_stop(ex, 1, 2, 1000, "nohz-spin/1");
	add_tick(ex, 1, 1000);
	add_tick_stop(ex, 1, 16, 1000, "nohz-spin/1");
	add_tick_stop(ex, 1, 8, 1000, "nohz-spin/1");
	add_tick_stop(ex, 1, 32, 1000, "nohz-spin/1");
	add_tick_stop(ex, 1, 64, 1000, "nohz-spin/1");	/* unknown to us */
	base_opts(&o, (pid_t[]){ 1000 }, 1);
	o.self_perf = true;		/* only we hold perf events */
	assert_int_equal(nohz_explain_finish(ex, &o), 0);
	c = nohz_explain_cpu(ex, 1);

	s = find(c, NOHZ_SRC_TICK_DEP, "POSIX_TIMER");
	assert_non_null(s);
	assert_string_equal(s->what, "POSIX_TIMER (task timer_hog/500)");
	assert_int_equal(s->ticks, 1);
	assert_non_null(strstr(s->remedy, "taskset -a -pc 0 500"));

	s = find(c, NOHZ_SRC_TICK_DEP, "PERF_EVENTS");
	assert_non_null(s);
	assert_int_equal(s->count, 2);
	assert_int_equal(s->ticks, 1);	/* two reports, one tick followed */
	assert_true(s->self);		/* said so, not hidden */
	assert_non_null(strstr(s->remedy, "own counters"));

	assert_non_null(strstr(find(c, NOHZ_SRC_TICK_DEP, "RCU")->remedy, "rcu_nocbs=1"));
	assert_non_null(strstr(find(c, NOHZ_SRC_TICK_DEP, "CLOCK_UNSTABLE")->remedy,
			       "tsc=reliable"));
	assert_non_null(strstr(find(c, NOHZ_SRC_TICK_DEP, "RCU_EXP")->remedy,
			       "rcu_normal"));
	assert_non_null(find(c, NOHZ_SRC_TICK_DEP, "?"));
	nohz_explain_free(ex);

	/* with another perf user, it is named and we are not blamed */
	ex = nohz_explain_new();
	add_tick_stop(ex, 1, 2, 1000, "nohz-spin/1");
	base_opts(&o, NULL, 0);
	o.self_perf = true;
	o.perf_users = "perf/77";
	assert_int_equal(nohz_explain_finish(ex, &o), 0);
	s = find(nohz_explain_cpu(ex, 1), NOHZ_SRC_TICK_DEP, "PERF_EVENTS");
	assert_false(s->self);
	assert_non_null(strstr(s->remedy, "perf/77"));
	nohz_explain_free(ex);
}

static void test_timer_irq_without_expiry(void **state)
{
	struct nohz_explain_opts o;
	const struct nohz_explain_cpu *c;
	struct nohz_explain *ex = nohz_explain_new();
	struct nohz_trace_rec r = rec(1, NOHZ_REC_TICK);

	add(ex, &r);
	r = rec(1, NOHZ_REC_TICK_EXIT);
	add(ex, &r);
	r = rec(1, NOHZ_REC_TICK);	/* no exit: closed by finish */
	add(ex, &r);
	/* an unknown armer: the remedy does not invent a pid */
	add_named(ex, 1, NOHZ_REC_HRTIMER, 0, "hrtimer_wakeup");
	base_opts(&o, NULL, 0);
	assert_int_equal(nohz_explain_finish(ex, &o), 0);
	c = nohz_explain_cpu(ex, 1);
	assert_int_equal(c->timer_irqs, 2);
	assert_int_equal(c->ticks, 0);
	assert_int_equal(find(c, NOHZ_SRC_TICK, "timer interrupt, no hrtimer")->count, 1);
	assert_null(strstr(find(c, NOHZ_SRC_TIMER, "hrtimer_wakeup")->remedy, "PID"));
	nohz_explain_free(ex);
}

static void test_timer_armed_before_window(void **state)
{
	struct nohz_explain_opts o;
	const struct nohz_explain_cpu *c;
	const struct nohz_source *s;
	struct nohz_explain *ex = nohz_explain_new();
	struct nohz_trace_rec r;

	/* two expiries of a timer armed before tracing began ... */
	for (int i = 0; i < 2; i++) {
		r = rec(1, NOHZ_REC_HRTIMER);
		r.ptr = 0xabc0;
		strcpy(r.name, "it_real_fn");
		add(ex, &r);
	}
	/* ... then its task re-arms it and it fires three more times */
	for (int i = 0; i < 3; i++) {
		r = rec(1, NOHZ_REC_HRTIMER_START);
		r.ptr = 0xabc0;
		r.pid = r.tgid = 500;
		strcpy(r.comm, "timer_hog");
		add(ex, &r);
		r = rec(1, NOHZ_REC_HRTIMER);
		r.ptr = 0xabc0;
		strcpy(r.name, "it_real_fn");
		add(ex, &r);
	}
	/* a timer re-armed from its own interrupt is nobody's: not the task
	 * that happened to run (the spinner) */
	r = rec(1, NOHZ_REC_HRTIMER_START);
	r.ptr = 0x5550;
	r.pid = r.tgid = 999;
	r.val = 1;
	strcpy(r.comm, "nohz-spin/1");
	add(ex, &r);
	r = rec(1, NOHZ_REC_HRTIMER);
	r.ptr = 0x5550;
	strcpy(r.name, "watchdog_timer_fn");
	add(ex, &r);
	/* a kernel timer armed from a task's context is still not the task's */
	r = rec(1, NOHZ_REC_HRTIMER_START);
	r.ptr = 0x7770;
	r.pid = r.tgid = 999;
	strcpy(r.comm, "nohz-spin/1");
	add(ex, &r);
	r = rec(1, NOHZ_REC_HRTIMER);
	r.ptr = 0x7770;
	strcpy(r.name, "dl_task_timer");
	add(ex, &r);
	/* another timer of the same function nobody re-armed */
	r = rec(1, NOHZ_REC_HRTIMER);
	r.ptr = 0xdef0;
	strcpy(r.name, "it_real_fn");
	add(ex, &r);
	base_opts(&o, NULL, 0);
	assert_int_equal(nohz_explain_finish(ex, &o), 0);
	c = nohz_explain_cpu(ex, 1);
	assert_int_equal(c->n, 4);
	s = find(c, NOHZ_SRC_TIMER, "dl_task_timer");
	assert_non_null(s);
	assert_string_equal(s->what, "dl_task_timer");
	assert_int_equal(s->pid, 0);
	assert_false(s->self);
	s = find(c, NOHZ_SRC_TIMER, "watchdog_timer_fn");
	assert_non_null(s);
	assert_string_equal(s->what, "watchdog_timer_fn");
	assert_false(s->self);
	assert_non_null(strstr(s->remedy, "nowatchdog"));
	s = find(c, NOHZ_SRC_TIMER, "it_real_fn (armed by timer_hog/500)");
	assert_non_null(s);
	assert_int_equal(s->count, 5);
	assert_int_equal(s->ntasks, 1);
	s = find(c, NOHZ_SRC_TIMER, "it_real_fn");
	while (s && strcmp(s->what, "it_real_fn"))
		s++;
	assert_non_null(s);
	assert_string_equal(s->what, "it_real_fn");
	assert_int_equal(s->count, 1);
	assert_int_equal(s->pid, 0);
	nohz_explain_free(ex);
}

static void test_many_sources(void **state)
{
	struct nohz_explain_opts o;
	const struct nohz_explain_cpu *c;
	struct nohz_explain *ex = nohz_explain_new();
	char name[32];

	/* enough distinct rows to grow the index several times */
	for (int irq = 0; irq < 5000; irq++) {
		snprintf(name, sizeof(name), "dev%d", irq);
		for (int k = 0; k <= irq % 3; k++)
			add_named(ex, 1 + irq % 4, NOHZ_REC_IRQ, irq, name);
	}
	base_opts(&o, NULL, 0);
	assert_int_equal(nohz_explain_finish(ex, &o), 0);
	for (int cpu = 1; cpu <= 4; cpu++) {
		c = nohz_explain_cpu(ex, cpu);
		assert_int_equal(c->n, 1250);
		for (size_t i = 0; i < c->n; i++) {
			int irq = atoi(c->src[i].what + 4);

			assert_int_equal(irq % 4, cpu - 1);
			assert_int_equal(c->src[i].count, (uint64_t)(irq % 3 + 1));
		}
	}
	nohz_explain_free(ex);
}

static void test_bad_records(void **state)
{
	struct nohz_explain *ex = nohz_explain_new();
	struct nohz_trace_rec r = rec(-1, NOHZ_REC_TICK);

	assert_int_equal(nohz_explain_add(ex, &r), -EINVAL);
	r.cpu = NOHZ_MAX_CPUS;
	assert_int_equal(nohz_explain_add(ex, &r), -EINVAL);
	r.cpu = 0;
	r.type = NOHZ_REC_TYPES;
	assert_int_equal(nohz_explain_add(ex, &r), -EINVAL);
	assert_string_equal(nohz_rec_type_name(NOHZ_REC_TYPES), "?");
	assert_string_equal(nohz_src_kind_name(NOHZ_SRC_TICK_DEP), "tick-dep");
	nohz_explain_free(ex);
	nohz_explain_free(NULL);
}

static void test_print(void **state)
{
	static const pid_t spin[] = { 1000 };
	struct nohz_explain_opts o;
	struct nohz_explain *ex = scenario();
	struct nohz_cpuset only1;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	int depth = 0;

	base_opts(&o, spin, 1);
	assert_int_equal(nohz_explain_finish(ex, &o), 0);

	f = open_memstream(&buf, &len);
	nohz_explain_print(f, ex, NULL, 3);
	fclose(f);
	assert_non_null(strstr(buf, "CPU 1: "));
	assert_non_null(strstr(buf, "1250    250.00  tick      scheduler tick"));
	assert_non_null(strstr(buf, "more sources"));
	assert_non_null(strstr(buf, "17 events LOST"));
	free(buf);

	nohz_cpuset_zero(&only1);
	nohz_cpuset_set(&only1, 1);
	f = open_memstream(&buf, &len);
	nohz_explain_print_json(f, ex, &only1);
	fclose(f);
	assert_int_equal(buf[0], '[');
	assert_non_null(strstr(buf, "\"kind\":\"irq\",\"source\":\"IRQ 36 (virtio1-req.0)\""));
	assert_null(strstr(buf, "\"cpu\":2"));
	/* brackets balance outside strings */
	for (const char *p = buf; *p; p++) {
		if (*p == '"') {
			for (p++; *p && *p != '"'; p++)
				if (*p == '\\')
					p++;
			continue;
		}
		depth += (*p == '[' || *p == '{') - (*p == ']' || *p == '}');
		assert_true(depth >= 0);
	}
	assert_int_equal(depth, 0);
	free(buf);
	nohz_explain_free(ex);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dep_names),
		cmocka_unit_test(test_dep_parse_follows_format),
		cmocka_unit_test(test_ranking_and_remedies),
		cmocka_unit_test(test_tick_remedy_by_kernel),
		cmocka_unit_test(test_tick_deps),
		cmocka_unit_test(test_timer_irq_without_expiry),
		cmocka_unit_test(test_timer_armed_before_window),
		cmocka_unit_test(test_many_sources),
		cmocka_unit_test(test_bad_records),
		cmocka_unit_test(test_print),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
