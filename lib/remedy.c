// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * remedy.c - what each source of interruptions is called and what removes
 * it: the names of record types, source kinds and tick dependencies (read
 * from the kernel's own tick_stop format when it can), then one table where
 * a row is (kind, name pattern, remedy template); the first matching row
 * wins, so specific names come before the "*" of their kind.  A kind with
 * NOCB matches only on a cpu whose RCU callbacks are already offloaded:
 * such a row comes before the one that says to boot with rcu_nocbs=.
 *
 * Template escapes: %C the cpu, %H housekeeping cpus as a list, %M the same
 * as a hex mask, %P the task's pid, %T "comm/pid", %F the name (function,
 * action, vector), %I the number (irq), %S the foreign tasks on the cpu,
 * %U other processes holding perf events, %N how many tasks a row merges,
 * %L their pids, %R " rcu_nocbs=CPU" unless the cpu's callbacks are
 * already offloaded.
 */
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static const char *const rec_names[NOHZ_REC_TYPES] = {
	[NOHZ_REC_TICK] = "local_timer_entry",
	[NOHZ_REC_TICK_EXIT] = "local_timer_exit",
	[NOHZ_REC_TICK_STOP] = "tick_stop",
	[NOHZ_REC_HRTIMER_START] = "hrtimer_start",
	[NOHZ_REC_HRTIMER] = "hrtimer_expire_entry",
	[NOHZ_REC_WORK] = "workqueue_execute_start",
	[NOHZ_REC_IRQ] = "irq_handler_entry",
	[NOHZ_REC_SOFTIRQ] = "softirq_entry",
	[NOHZ_REC_SWITCH] = "sched_switch",
	[NOHZ_REC_WAKEUP] = "sched_wakeup",
	[NOHZ_REC_IPI] = "ipi_entry",
	[NOHZ_REC_CSD] = "csd_function_entry",
	[NOHZ_REC_IRQ_EXIT] = "irq_handler_exit",
	[NOHZ_REC_SOFTIRQ_EXIT] = "softirq_exit",
	[NOHZ_REC_HRTIMER_EXIT] = "hrtimer_expire_exit",
	[NOHZ_REC_WORK_END] = "workqueue_execute_end",
	[NOHZ_REC_IPI_EXIT] = "ipi_exit",
	[NOHZ_REC_CSD_EXIT] = "csd_function_exit",
	[NOHZ_REC_NMI] = "nmi_handler",
};

const char *nohz_rec_type_name(enum nohz_rec_type t)
{
	return t < NOHZ_REC_TYPES ? rec_names[t] : "?";
}

static const char *const kind_names[NOHZ_SRC_KINDS] = {
	[NOHZ_SRC_TICK] = "tick", [NOHZ_SRC_TICK_DEP] = "tick-dep",
	[NOHZ_SRC_TIMER] = "timer", [NOHZ_SRC_WORK] = "work",
	[NOHZ_SRC_IRQ] = "irq", [NOHZ_SRC_SOFTIRQ] = "softirq",
	[NOHZ_SRC_IPI] = "ipi", [NOHZ_SRC_TASK] = "task",
	[NOHZ_SRC_WAKEUP] = "wakeup",
};

const char *nohz_src_kind_name(enum nohz_src_kind k)
{
	return k < NOHZ_SRC_KINDS ? kind_names[k] : "?";
}

/* The kernel's TICK_DEP_BIT_* order (include/linux/tick.h). */
static const char *const dep_names[] = {
	"POSIX_TIMER", "PERF_EVENTS", "SCHED", "CLOCK_UNSTABLE", "RCU", "RCU_EXP",
};

const char *nohz_tick_dep_name(int64_t mask)
{
	if (mask == 0)
		return "NONE";
	for (size_t i = 0; i < ARRAY_SIZE(dep_names); i++)
		if (mask == (int64_t)1 << i)
			return dep_names[i];
	return NULL;
}

/* dep_value - "(1 << 3)", "1<<3", "8", "0x8" -> 8; -1 if not a number */
static long dep_value(const char *s, const char **end)
{
	long v, sh;
	char *e;

	while (*s == ' ' || *s == '(')
		s++;
	v = strtol(s, &e, 0);
	if (e == s)
		return -1;
	s = e;
	while (*s == ' ')
		s++;
	if (s[0] == '<' && s[1] == '<') {
		sh = strtol(s + 2, &e, 0);
		if (e == s + 2 || sh < 0 || sh > 62)
			return -1;
		v <<= sh;
		s = e;
	}
	while (*s == ' ' || *s == ')')
		s++;
	*end = s;
	return v;
}

int nohz_tick_dep_parse(const char *format, char names[][24], int nbits)
{
	const char *p = format ? strstr(format, "REC->dependency") : NULL;
	int found = 0;

	for (int i = 0; i < nbits; i++)
		names[i][0] = '\0';
	if (!p)
		return 0;
	/* each entry is  { VALUE, "NAME" }  */
	while ((p = strchr(p, '{')) != NULL) {
		const char *q, *e;
		long v = dep_value(p + 1, &q);
		size_t len;
		int bit;

		p++;
		if (v <= 0 || (v & (v - 1)) || *q != ',')
			continue;	/* NONE (0) or not a single bit */
		q = strchr(q, '"');
		if (!q || !(e = strchr(q + 1, '"')))
			break;
		bit = __builtin_ctzl((unsigned long)v);
		len = (size_t)(e - q - 1);
		if (bit < nbits && len > 0 && len < 24) {
			memcpy(names[bit], q + 1, len);
			names[bit][len] = '\0';
			found++;
		}
	}
	return found;
}


#define NOCB 0x100	/* a row for cpus whose RCU callbacks are offloaded */

struct rule {
	unsigned int kind;	/* enum nohz_src_kind, maybe | NOCB */
	const char *pat;
	const char *text;
};

static const struct rule rules[] = {
	/* why the tick could not stop: timer:tick_stop dependency */
	{ NOHZ_SRC_TICK_DEP, "POSIX_TIMER", "a POSIX CPU-time timer of %T needs the tick "
	  "(timer_create on a CPU-time clock, setitimer ITIMER_PROF/ITIMER_VIRTUAL, "
	  "RLIMIT_CPU): remove it, or run that process off CPU %C (taskset -a -pc %H %P)" },
	{ NOHZ_SRC_TICK_DEP, "SCHED", "more than one task was runnable on CPU %C (%S): "
	  "move the others off (taskset -a -pc %H PID), or keep the scheduler away with "
	  "isolcpus=domain,%C or an isolated cpuset partition" },
	{ NOHZ_SRC_TICK_DEP, "CLOCK_UNSTABLE", "the clocksource is unstable (TSC): fix it, "
	  "or boot with tsc=reliable when the TSC is known good" },
	{ NOHZ_SRC_TICK_DEP | NOCB, "RCU", "RCU turned the tick on: a grace period "
	  "waited for CPU %C, whose callbacks are already offloaded, while it ran in "
	  "the kernel, not in user space (system calls, page faults, kernel threads): "
	  "keep the task in user space during the run (memory touched up front, no "
	  "blocking calls); if callbacks pile up, give the rcuo* kthreads housekeeping "
	  "time on housekeeping CPUs (taskset -pc %H PID for each rcuo*)" },
	{ NOHZ_SRC_TICK_DEP, "RCU", "RCU needs CPU %C (callbacks or a grace period): "
	  "boot with rcu_nocbs=%C" },
	{ NOHZ_SRC_TICK_DEP, "RCU_EXP", "expedited RCU grace periods: avoid their "
	  "triggers during the run (module loading, synchronize_rcu_expedited users) "
	  "or boot with rcupdate.rcu_normal=1" },
	{ NOHZ_SRC_TICK_DEP, "*", "tick dependency %F: see TICK_DEP_BIT_* in the kernel's "
	  "include/linux/tick.h" },

	/* hrtimers, by function */
	{ NOHZ_SRC_TIMER, "posix_timer_fn", "a POSIX timer (timer_create) of %T expires "
	  "here: run that process off CPU %C (taskset -a -pc %H %P)" },
	{ NOHZ_SRC_TIMER, "it_real_fn", "an interval timer (setitimer ITIMER_REAL, alarm) "
	  "of %T: run that process off CPU %C (taskset -a -pc %H %P)" },
	{ NOHZ_SRC_TIMER, "hrtimer_wakeup", "a timed sleep (nanosleep, poll or futex "
	  "timeout) of %T: move it off CPU %C (taskset -pc %H %P)" },
	{ NOHZ_SRC_TIMER, "timerfd_tmrproc", "a timerfd of %T: move it off CPU %C "
	  "(taskset -a -pc %H %P)" },
	{ NOHZ_SRC_TIMER, "watchdog_timer_fn", "the soft-lockup watchdog: boot with "
	  "nowatchdog, or sysctl kernel.watchdog_cpumask=%H" },
	{ NOHZ_SRC_TIMER, "sched_rt_period_timer", "RT throttling accounting: sysctl "
	  "kernel.sched_rt_runtime_us=-1" },
	{ NOHZ_SRC_TIMER, "perf_mux_hrtimer_handler", "perf multiplexes more events than "
	  "counters on CPU %C: use fewer perf events at once (holders: %U)" },
	{ NOHZ_SRC_TIMER, "perf_swevent_hrtimer", "a sampling perf event (cpu-clock, "
	  "task-clock) on CPU %C: stop it (holders: %U)" },
	{ NOHZ_SRC_TIMER, "hrtick", "the HRTICK scheduler feature: echo NO_HRTICK > "
	  "/sys/kernel/debug/sched/features" },
	{ NOHZ_SRC_TIMER, "*", "an hrtimer %F armed by %T: move the arming task off "
	  "CPU %C (taskset -pc %H %P)" },

	/* workqueue items, by function */
	{ NOHZ_SRC_WORK, "vmstat_update", "per-CPU vmstat folding: sysctl "
	  "vm.stat_interval=120" },
	{ NOHZ_SRC_WORK, "refresh_vm_stats", "a write to /proc/sys/vm/stat_refresh queues "
	  "this on every CPU: stop whatever writes it" },
	{ NOHZ_SRC_WORK, "wb_workfn", "writeback: echo %M > "
	  "/sys/bus/workqueue/devices/writeback/cpumask (and echo 0 > "
	  "/sys/bus/workqueue/devices/writeback/numa)" },
	{ NOHZ_SRC_WORK, "lru_add_drain_per_cpu", "lru_add_drain_all() from another CPU "
	  "(munmap, mlock, migration, compaction): avoid them during the run" },
	{ NOHZ_SRC_WORK, "drain_local_pages_wq", "page allocator per-CPU list drains: "
	  "memory pressure elsewhere; keep free memory" },
	{ NOHZ_SRC_WORK, "drain_local_*stock*", "memory cgroup charge drains: a cgroup "
	  "near its memory limit" },
	{ NOHZ_SRC_WORK, "flush_to_ldisc", "tty input processing: keep the tty's IRQ and "
	  "its writers off CPU %C" },
	{ NOHZ_SRC_WORK | NOCB, "kfree_rcu_monitor", "kfree_rcu batching of objects "
	  "freed on CPU %C; offloading its RCU callbacks (already done) does not move "
	  "it: newer kernels queue it unbound (echo %M > "
	  "/sys/devices/virtual/workqueue/cpumask), older ones on the CPU that freed "
	  "them: keep kernel work that frees objects (closing files or sockets, "
	  "exiting threads) off CPU %C" },
	{ NOHZ_SRC_WORK, "kfree_rcu_monitor", "kfree_rcu batching: boot with rcu_nocbs=%C" },
	{ NOHZ_SRC_WORK, "*", "work item %F: unbound work obeys echo %M > "
	  "/sys/devices/virtual/workqueue/cpumask; per-CPU work is queued by a producer "
	  "on this CPU (trace workqueue:workqueue_queue_work to find it)" },

	/* softirqs, by vector name */
	{ NOHZ_SRC_SOFTIRQ, "TIMER", "timer-wheel callbacks expiring on CPU %C: they "
	  "follow the tick; nohz_full=%C and sysctl kernel.timer_migration=1" },
	{ NOHZ_SRC_SOFTIRQ | NOCB, "RCU", "RCU core work on CPU %C, whose callbacks are "
	  "already offloaded: the tick raises it to report quiescent states and to wake "
	  "the rcuo* kthreads for callbacks queued here; remove what keeps the tick "
	  "(tick-dep rows), keep kernel work that frees objects (closing files or "
	  "sockets, exiting threads) off CPU %C, or boot with rcu_nocb_poll so that "
	  "CPU %C need not wake them" },
	{ NOHZ_SRC_SOFTIRQ, "RCU", "RCU callback processing on CPU %C: boot with "
	  "rcu_nocbs=%C" },
	{ NOHZ_SRC_SOFTIRQ, "SCHED", "load balancing from the tick: isolcpus=domain,%C "
	  "or an isolated cpuset partition" },
	{ NOHZ_SRC_SOFTIRQ, "NET_*", "network processing: move the NIC IRQs (irq rows) "
	  "and RPS/XPS (/sys/class/net/*/queues/*/rps_cpus, xps_cpus) off CPU %C" },
	{ NOHZ_SRC_SOFTIRQ, "BLOCK", "block I/O completions: move the disk's IRQs off "
	  "CPU %C" },
	{ NOHZ_SRC_SOFTIRQ, "HRTIMER", "soft hrtimers expiring on CPU %C (timer rows)" },
	{ NOHZ_SRC_SOFTIRQ, "*", "softirq %F raised on CPU %C, usually by an IRQ there: "
	  "move the IRQs (irq rows)" },

	/* IPIs (id 0) and the functions they ran (id 1: csd) */
	{ NOHZ_SRC_IPI, "reschedule", "other CPUs woke or kicked a task here (task rows): "
	  "keep tasks and their wakers off CPU %C (isolcpus=domain,%C)" },
	{ NOHZ_SRC_IPI, "call_function*", "cross-CPU function calls (the function rows "
	  "name them)" },
	{ NOHZ_SRC_IPI, "irq_work", "irq_work self-interrupts (perf, printk, tracing "
	  "wakeups) on CPU %C" },
	{ NOHZ_SRC_IPI, "flush_tlb_func", "TLB shootdowns: a process whose threads run "
	  "(or ran) on CPU %C changed its mappings (munmap, mprotect, madvise), or "
	  "reclaim unmapped its pages: keep other processes off CPU %C "
	  "(isolcpus=domain,%C) and give the isolated task its memory up front" },
	{ NOHZ_SRC_IPI, "remote_function", "perf events enabled or disabled on CPU %C "
	  "from another CPU (a perf tool starting or stopping)" },
	{ NOHZ_SRC_IPI, "do_sync_core", "kernel text patching (enabling tracepoints, "
	  "kprobes, static keys, module load): avoid it during the run" },
	{ NOHZ_SRC_IPI, "nohz_csd_func", "idle load balancing kick: isolcpus=domain,%C" },
	{ NOHZ_SRC_IPI, "*", "function %F called on CPU %C from another CPU" },

	/* tasks, by comm */
	{ NOHZ_SRC_TASK, "rcuo*", "an RCU callback offload thread: rcu_nocbs=%C puts its "
	  "work there; keep the thread off CPU %C: taskset -pc %H %P" },
	{ NOHZ_SRC_TASK | NOCB, "rcuc/*", "the per-CPU RCU core thread (rcutree."
	  "use_softirq=0, PREEMPT_RT): CPU %C's callbacks are already offloaded, but the "
	  "tick still wakes it to report quiescent states: stop the tick there "
	  "(nohz_full=%C, then the tick-dep rows) and keep kernel work off CPU %C" },
	{ NOHZ_SRC_TASK, "rcuc/*", "the per-CPU RCU core thread: boot with rcu_nocbs=%C "
	  "and nohz_full=%C" },
	{ NOHZ_SRC_TASK, "rcu_*", "an RCU grace-period thread: taskset -pc %H %P" },
	{ NOHZ_SRC_TASK, "ksoftirqd/*", "softirqs deferred to their thread: see the "
	  "softirq rows" },
	{ NOHZ_SRC_TASK, "kworker/u*", "an unbound workqueue worker: echo %M > "
	  "/sys/devices/virtual/workqueue/cpumask" },
	{ NOHZ_SRC_TASK, "kworker/*", "a per-CPU workqueue worker: see the work rows" },
	{ NOHZ_SRC_TASK, "migration/*", "the stopper thread (task migration, "
	  "stop_machine): isolcpus=domain,%C keeps load balancing away" },
	{ NOHZ_SRC_TASK, "cpuhp/*", "the CPU hotplug thread: no hotplug during the run" },
	{ NOHZ_SRC_TASK, "k*swapd*", "memory reclaim: taskset -pc %H %P" },
	{ NOHZ_SRC_TASK, "kcompactd*", "memory compaction: taskset -pc %H %P" },
	{ NOHZ_SRC_TASK, "*", "another task shared CPU %C: move it off (taskset -a -pc %H "
	  "%P), or keep the scheduler away (isolcpus=domain,%C, an isolated cpuset "
	  "partition)" },
};

struct ctx {
	const struct nohz_source *s;
	const struct remedy_in *in;
	const struct nohz_explain_opts *o;
	const char *name;	/* what %F shows */
};

static void put_task(struct strbuf *sb, const struct ctx *x)
{
	if (x->s->ntasks > 1)
		sb_printf(sb, "%s (%d tasks)", x->in->comm && x->in->comm[0] ?
			  x->in->comm : "?", x->s->ntasks);
	else if (x->s->pid > 0)
		sb_printf(sb, "%s/%d", x->in->comm && x->in->comm[0] ? x->in->comm : "?",
			  (int)x->s->pid);
	else
		sb_printf(sb, "an unknown task");
}

/* expand - write template t with the escapes above into buf */
static void expand(char *buf, size_t len, const char *t, const struct ctx *x)
{
	struct strbuf sb;
	char set[1024];

	sb_init(&sb, buf, len);
	for (; *t; t++) {
		if (*t != '%' || !t[1]) {
			sb_printf(&sb, "%c", *t);
			continue;
		}
		switch (*++t) {
		case 'C': sb_printf(&sb, "%d", x->s->cpu); break;
		case 'H':
			sb_printf(&sb, "%s", nohz_cpuset_empty(&x->o->housekeeping) ?
				  "HOUSEKEEPING_CPUS" :
				  nohz_cpuset_format(&x->o->housekeeping, set, sizeof(set)));
			break;
		case 'M':
			sb_printf(&sb, "%s", nohz_cpuset_empty(&x->o->housekeeping) ?
				  "HOUSEKEEPING_MASK" :
				  nohz_cpuset_format_mask(&x->o->housekeeping, set, sizeof(set)));
			break;
		case 'P':
			if (x->s->pid > 0)
				sb_printf(&sb, "%d", (int)x->s->pid);
			else
				sb_printf(&sb, "PID");
			break;
		case 'T': put_task(&sb, x); break;
		case 'F': sb_printf(&sb, "%s", x->name); break;
		case 'I': sb_printf(&sb, "%lld", (long long)x->in->id); break;
		case 'S':
			sb_printf(&sb, "%s", x->in->others && x->in->others[0] ?
				  x->in->others : "no other task was traced there");
			break;
		case 'N': sb_printf(&sb, "%d", x->s->ntasks); break;
		case 'L': sb_printf(&sb, "%s", x->in->pids ? x->in->pids : ""); break;
		case 'R':
			if (!nohz_cpuset_isset(&x->o->rcu_nocbs, x->s->cpu))
				sb_printf(&sb, " rcu_nocbs=%d", x->s->cpu);
			break;
		case 'U':
			sb_printf(&sb, "%s", x->o->perf_users && x->o->perf_users[0] ?
				  x->o->perf_users : "none found");
			break;
		default: sb_printf(&sb, "%%%c", *t); break;
		}
	}
}

/* rule_find - the first row for kind and name; nocb: the cpu's RCU
 * callbacks are offloaded, so its NOCB rows apply */
static const struct rule *rule_find(enum nohz_src_kind kind, const char *name, bool nocb)
{
	for (size_t i = 0; i < ARRAY_SIZE(rules); i++)
		if ((rules[i].kind & ~NOCB) == kind && (nocb || !(rules[i].kind & NOCB)) &&
		    fnmatch(rules[i].pat, name, 0) == 0)
			return &rules[i];
	return NULL;
}

/* tick_remedy - the scheduler tick: the cure depends on the kernel */
static const char *tick_remedy(const struct nohz_source *s, const struct nohz_explain_opts *o)
{
	if (o->kernel_nohz_full < 0)
		return "this kernel is built without CONFIG_NO_HZ_FULL: a busy CPU ticks "
		       "at HZ whatever the tuning; boot a kernel with CONFIG_NO_HZ_FULL=y "
		       "and nohz_full=%C%R";
	if (!nohz_cpuset_isset(&o->nohz_full, s->cpu))
		return "CPU %C is not nohz_full: boot with nohz_full=%C%R "
		       "(and isolcpus=domain,%C)";
	return "a nohz_full CPU keeps ticking only for a reason: see the tick-dep rows; "
	       "one or two ticks around the start and end of the window are normal";
}

/* perf_remedy - PERF_EVENTS: name the holders, or own up to it */
static const char *perf_remedy(struct nohz_source *s, const struct nohz_explain_opts *o)
{
	if (o->perf_users && o->perf_users[0])
		return "a perf event needs the tick (frequency sampling or throttling; "
		       "perf record/top -F keep every nohz_full CPU ticking): stop it; "
		       "holders: %U";
	if (o->self_perf) {
		s->self = true;
		return "no other process holds perf events: this checker's own counters "
		       "keep the tick on this kernel; count without them (the LOC row of "
		       "/proc/interrupts) to see the real figure";
	}
	return "a perf event needs the tick (frequency sampling or throttling); its "
	       "holder was not found (it may have exited)";
}

void remedy_describe(struct nohz_source *s, const struct remedy_in *in,
		     const struct nohz_explain_opts *o)
{
	struct ctx x = { s, in, o, in->name ? in->name : "" };
	const char *text = NULL, *name = in->name ? in->name : "";
	bool nocb = nohz_cpuset_isset(&o->rcu_nocbs, s->cpu);
	const struct rule *r;
	struct strbuf sb;
	char task[64];

	sb_init(&sb, task, sizeof(task));
	put_task(&sb, &x);
	switch (s->kind) {
	case NOHZ_SRC_TICK:
		snprintf(s->what, sizeof(s->what), "%s", name);
		text = in->id ? "timer interrupts that expired no hrtimer: the periodic "
				"tick without high-resolution timers, or early programming" :
			       tick_remedy(s, o);
		break;
	case NOHZ_SRC_TICK_DEP:
		if (!strcmp(name, "POSIX_TIMER"))
			snprintf(s->what, sizeof(s->what), "%s (task %s)", name, task);
		else if (!strcmp(name, "SCHED") && in->others && in->others[0])
			snprintf(s->what, sizeof(s->what), "%s (with %s)", name, in->others);
		else
			snprintf(s->what, sizeof(s->what), "%s", name);
		if (!strcmp(name, "PERF_EVENTS"))
			text = perf_remedy(s, o);
		break;
	case NOHZ_SRC_TIMER:
		if (s->pid > 0)
			snprintf(s->what, sizeof(s->what), "%s (armed by %s)", name, task);
		else
			snprintf(s->what, sizeof(s->what), "%s", name);
		r = rule_find(s->kind, name, nocb);
		/* a timer armed before the window has no known owner */
		if (s->pid <= 0 && (strstr(r->text, "%T") || strstr(r->text, "%P")))
			text = "an hrtimer %F armed before the window or from another CPU: "
			       "find its task with timer:hrtimer_start on CPU %C";
		break;
	case NOHZ_SRC_WORK:
		snprintf(s->what, sizeof(s->what), "%s", name);
		break;
	case NOHZ_SRC_IRQ:
		snprintf(s->what, sizeof(s->what), "IRQ %lld (%s)", (long long)in->id, name);
		text = "echo %H > /proc/irq/%I/smp_affinity_list (and ban CPU %C in "
		       "irqbalance: IRQBALANCE_BANNED_CPULIST=%C)";
		break;
	case NOHZ_SRC_SOFTIRQ:
		snprintf(s->what, sizeof(s->what), "%s softirq", name);
		break;
	case NOHZ_SRC_IPI:
		snprintf(s->what, sizeof(s->what), in->id ? "function call %s" : "%s IPI",
			 name);
		break;
	case NOHZ_SRC_TASK:
	case NOHZ_SRC_WAKEUP:
		snprintf(s->what, sizeof(s->what), "%s%s", task,
			 s->kind == NOHZ_SRC_WAKEUP ? " (woken, never ran)" : "");
		name = in->comm ? in->comm : "";
		if (s->self)
			text = "a thread of this checker ran on CPU %C: the measurement "
			       "disturbed it (report this)";
		else if (s->ntasks > 1 &&
			 !strcmp(rule_find(NOHZ_SRC_TASK, name, nocb)->pat, "*"))
			text = "%N tasks named %F ran on CPU %C (pids %L): start them on "
			       "housekeeping CPUs (taskset -c %H; children inherit their "
			       "parent's affinity), or keep the scheduler away "
			       "(isolcpus=domain,%C, an isolated cpuset partition)";
		break;
	default:
		break;
	}
	if (!text) {
		r = rule_find(s->kind == NOHZ_SRC_WAKEUP ? NOHZ_SRC_TASK : s->kind, name, nocb);
		text = r ? r->text : "";
	}
	x.name = name;
	expand(s->remedy, sizeof(s->remedy), text, &x);
}
