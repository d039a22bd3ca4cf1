/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nohz.h - libnohz, the whole public API of nohz-tools.
 *
 * Conventions: functions return 0 (or a count) on success and a negative
 * errno on failure; parsers take an (err, errlen) buffer that receives one
 * human sentence naming the bad input.  Every paired object has a _free or
 * _close.  Paths are always relative to a root directory (default "/"), so
 * the same code reads a live host, a captured tree or a test fixture.
 */
#ifndef NOHZ_H
#define NOHZ_H

#include <dirent.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#define NOHZ_VERSION "0.1.0"
#define NOHZ_MAX_CPUS 8192

/* Exit codes shared by every tool. */
enum nohz_exit { NOHZ_EXIT_PASS = 0, NOHZ_EXIT_FAIL = 1, NOHZ_EXIT_ERROR = 2 };

/* ------------------------------------------------------------------ */
/* cpu lists (lib/cpulist.c)                                          */
/* ------------------------------------------------------------------ */

struct nohz_cpuset {
	uint64_t bits[NOHZ_MAX_CPUS / 64];
};

void nohz_cpuset_zero(struct nohz_cpuset *s);
void nohz_cpuset_set(struct nohz_cpuset *s, int cpu);
void nohz_cpuset_clear(struct nohz_cpuset *s, int cpu);
bool nohz_cpuset_isset(const struct nohz_cpuset *s, int cpu);
int nohz_cpuset_count(const struct nohz_cpuset *s);
bool nohz_cpuset_empty(const struct nohz_cpuset *s);
/* nohz_cpuset_next - first cpu > prev in s, or -1 */
int nohz_cpuset_next(const struct nohz_cpuset *s, int prev);
/* nohz_cpuset_last - highest cpu in s, or -1 */
int nohz_cpuset_last(const struct nohz_cpuset *s);
#define nohz_cpuset_for_each(cpu, s) \
	for ((cpu) = nohz_cpuset_next((s), -1); (cpu) >= 0; \
	     (cpu) = nohz_cpuset_next((s), (cpu)))
void nohz_cpuset_and(struct nohz_cpuset *d, const struct nohz_cpuset *a,
		     const struct nohz_cpuset *b);
void nohz_cpuset_or(struct nohz_cpuset *d, const struct nohz_cpuset *a,
		    const struct nohz_cpuset *b);
/* d = a & ~b */
void nohz_cpuset_andnot(struct nohz_cpuset *d, const struct nohz_cpuset *a,
			const struct nohz_cpuset *b);
bool nohz_cpuset_intersects(const struct nohz_cpuset *a,
			    const struct nohz_cpuset *b);
/* nohz_cpuset_subset - true when every cpu of a is in b */
bool nohz_cpuset_subset(const struct nohz_cpuset *a, const struct nohz_cpuset *b);
bool nohz_cpuset_equal(const struct nohz_cpuset *a, const struct nohz_cpuset *b);

/*
 * nohz_cpuset_parse - parse the kernel's list syntax: "1-15", "0,2-5,8",
 * "0-15:2/4" (groups of 2 every 4), "" (empty).  Spaces and a trailing
 * newline are tolerated.  Returns 0 or -EINVAL with the bad token in err.
 */
int nohz_cpuset_parse(struct nohz_cpuset *s, const char *list, char *err,
		      size_t errlen);
/* nohz_cpuset_parse_mask - parse a hex mask "ff" or "00000000,0000000f" */
int nohz_cpuset_parse_mask(struct nohz_cpuset *s, const char *mask, char *err,
			   size_t errlen);
/* nohz_cpuset_format - "1-3,5"; "" when empty; truncated lists end in "..." */
char *nohz_cpuset_format(const struct nohz_cpuset *s, char *buf, size_t len);
/* nohz_cpuset_format_mask - hex mask as the kernel prints it ("f", "1,00000000") */
char *nohz_cpuset_format_mask(const struct nohz_cpuset *s, char *buf, size_t len);

/* ------------------------------------------------------------------ */
/* system reader (lib/sys.c): files under a root directory            */
/* ------------------------------------------------------------------ */

struct nohz_sys;

/* nohz_sys_open - root NULL or "/" is the live system; NULL + errno on error */
struct nohz_sys *nohz_sys_open(const char *root);
void nohz_sys_close(struct nohz_sys *sys);
const char *nohz_sys_root(const struct nohz_sys *sys);
/* nohz_sys_live - true when reading the running kernel (root is "/") */
bool nohz_sys_live(const struct nohz_sys *sys);
/* nohz_sys_fd - directory fd of the root, for openat() */
int nohz_sys_fd(const struct nohz_sys *sys);

/* nohz_sys_read - whole small file into buf, trailing newlines stripped;
 * returns its length or -errno (-ENOENT when absent) */
int nohz_sys_read(struct nohz_sys *sys, const char *path, char *buf, size_t len);
/* nohz_sys_read_alloc - whole file of any size; caller frees *buf */
int nohz_sys_read_alloc(struct nohz_sys *sys, const char *path, char **buf,
			size_t *len);
int nohz_sys_read_long(struct nohz_sys *sys, const char *path, long *val);
/* nohz_sys_read_cpuset - a file in list syntax; "(null)" reads as empty */
int nohz_sys_read_cpuset(struct nohz_sys *sys, const char *path,
			 struct nohz_cpuset *s);
/* nohz_sys_read_cpumask - a file in hex mask syntax */
int nohz_sys_read_cpumask(struct nohz_sys *sys, const char *path,
			  struct nohz_cpuset *s);
bool nohz_sys_exists(struct nohz_sys *sys, const char *path);
/* nohz_sys_opendir - DIR* of a directory under the root, NULL + errno */
DIR *nohz_sys_opendir(struct nohz_sys *sys, const char *path);

/* nohz_kconfig - value of CONFIG_name ("y", "250", ...) from /proc/config.gz
 * or /boot/config-RELEASE; returns 1 set, 0 not set, -ENOENT no config found.
 * name is without the CONFIG_ prefix. */
int nohz_kconfig(struct nohz_sys *sys, const char *name, char *val, size_t len);
/* nohz_kconfig_source - which file the config came from, or NULL */
const char *nohz_kconfig_source(struct nohz_sys *sys);
/* nohz_sys_hz - CONFIG_HZ, or -ENOENT when no config is readable */
int nohz_sys_hz(struct nohz_sys *sys);

/* What the running kernel applied, gathered once. */
struct nohz_kernel {
	char release[128];	/* /proc/sys/kernel/osrelease */
	char cmdline[4096];	/* /proc/cmdline */
	struct nohz_cpuset online;
	struct nohz_cpuset possible;
	struct nohz_cpuset nohz_full;	/* sysfs; empty when "(null)" or absent */
	struct nohz_cpuset isolated;	/* sysfs isolated (isolcpus domain) */
	bool has_nohz_full_file;
	bool has_isolated_file;
	int hz;			/* CONFIG_HZ, 0 when unknown */
};
int nohz_kernel_read(struct nohz_sys *sys, struct nohz_kernel *k);

/* nohz_default_cpus - nohz_full, else isolated, else online minus the first */
void nohz_default_cpus(const struct nohz_kernel *k, struct nohz_cpuset *s);

/* ------------------------------------------------------------------ */
/* kernel command line (lib/cmdline.c)                                */
/* ------------------------------------------------------------------ */

/*
 * nohz_cmdline_param - find the last "key" or "key=value" word.
 * Returns 1 with value copied, 0 when present without '=', -ENOENT absent.
 */
int nohz_cmdline_param(const char *cmdline, const char *key, char *val,
		       size_t len);

struct nohz_isolcpus {
	struct nohz_cpuset cpus;
	bool domain;		/* true also when no flag is given */
	bool nohz;
	bool managed_irq;
};
/* nohz_isolcpus_parse - "nohz,domain,managed_irq,1-3" or "1-3" */
int nohz_isolcpus_parse(const char *val, struct nohz_isolcpus *iso, char *err,
			size_t errlen);

/* ------------------------------------------------------------------ */
/* /proc threads (lib/proc.c)                                         */
/* ------------------------------------------------------------------ */

#define NOHZ_PF_KTHREAD 0x00200000u	/* task->flags bit for kernel threads */
#define NOHZ_PF_NO_SETAFFINITY 0x04000000u	/* affinity cannot be changed */

struct nohz_stat {
	pid_t tid;
	char comm[64];
	char state;
	pid_t ppid;
	unsigned long flags;
	unsigned long long majflt;
	unsigned long long utime, stime;	/* clock ticks */
	long priority, nice;
	unsigned long long starttime;	/* clock ticks since boot */
	unsigned long long wchan;
	int processor;			/* last CPU it ran on */
	unsigned int rt_priority, policy;
	unsigned long long delayacct_blkio_ticks;
};
/* nohz_stat_parse - one /proc/PID[/task/TID]/stat line; -EINVAL if malformed */
int nohz_stat_parse(const char *line, struct nohz_stat *st);

struct nohz_status {
	struct nohz_cpuset cpus_allowed;
	long vmlck_kb;			/* -1 when absent */
	unsigned long long voluntary_ctxt, nonvoluntary_ctxt;
	pid_t tgid;
};
/* nohz_status_parse - the fields above from a /proc/.../status text */
int nohz_status_parse(const char *text, struct nohz_status *st);

struct nohz_thread {
	struct nohz_stat stat;
	struct nohz_status status;
	pid_t pid;			/* thread group id */
	bool kthread;
};
/*
 * nohz_threads_each - call fn for every thread under /proc of sys; threads
 * that vanish mid-scan are skipped.  fn returns nonzero to stop.
 */
int nohz_threads_each(struct nohz_sys *sys,
		      int (*fn)(const struct nohz_thread *t, void *arg), void *arg);
/* nohz_kthread_percpu - name shows a per-CPU kthread (ksoftirqd/N, ...) */
bool nohz_kthread_percpu(const char *comm);

/* ------------------------------------------------------------------ */
/* /proc/interrupts and /proc/softirqs (lib/interrupts.c)             */
/* ------------------------------------------------------------------ */

#define NOHZ_PROC_INTERRUPTS "/proc/interrupts"
#define NOHZ_PROC_SOFTIRQS "/proc/softirqs"

/* One row: "  24:  0  15  IR-PCI-MSI 524288-edge  nvme0q0" or "LOC: ...". */
struct nohz_irq_row {
	const char *name;	/* "24", "LOC", "NET_RX" */
	const char *desc;	/* "IR-PCI-MSI 524288-edge nvme0q0", "Local timer
				 * interrupts"; blank runs folded; "" when none */
	int irq;		/* IRQ number of a numbered row, -1 otherwise */
	int ncounts;		/* counts given: ncpus, or fewer (ERR, MIS: 1) */
	const uint64_t *counts;	/* counts[col] for col < ncounts, by column */
	uint64_t total;		/* sum of counts */
};

/*
 * A parsed file.  Names and descriptions point into the text as read; rows,
 * counts and cpus share one allocation.  Read-only for callers.
 */
struct nohz_interrupts {
	int ncpus;			/* columns (the CPUs online when read) */
	const int *cpus;		/* cpu id of each column, ascending */
	size_t nrows;
	const struct nohz_irq_row *rows;	/* in file order */
	char *text_;			/* private */
	void *mem_;			/* private */
};

/*
 * nohz_interrupts_parse - parse len bytes of /proc/interrupts or
 * /proc/softirqs text (copied once).  -EINVAL with "line N: ..." in err on
 * bad input, -ENOMEM.  t needs no init; free it with nohz_interrupts_free.
 */
int nohz_interrupts_parse(struct nohz_interrupts *t, const char *text,
			  size_t len, char *err, size_t errlen);
/* nohz_interrupts_read - read path (NOHZ_PROC_INTERRUPTS, NOHZ_PROC_SOFTIRQS)
 * under sys in one go and parse it in place; err names the file */
int nohz_interrupts_read(struct nohz_sys *sys, const char *path,
			 struct nohz_interrupts *t, char *err, size_t errlen);
/* nohz_interrupts_free - release a table (a zeroed one too) and zero it */
void nohz_interrupts_free(struct nohz_interrupts *t);
/* nohz_interrupts_find - row called name ("LOC", "24", "NET_RX"), or NULL */
const struct nohz_irq_row *nohz_interrupts_find(const struct nohz_interrupts *t,
						const char *name);
/* nohz_interrupts_find_irq - row of numbered IRQ irq, or NULL */
const struct nohz_irq_row *nohz_interrupts_find_irq(const struct nohz_interrupts *t,
						    int irq);
/* nohz_interrupts_match - the row of t with the name of row i of other;
 * tries index i first, so pairing two reads of a file is linear; or NULL */
const struct nohz_irq_row *nohz_interrupts_match(const struct nohz_interrupts *t,
						 const struct nohz_interrupts *other,
						 size_t i);
/* nohz_interrupts_delta - cur - prev of one count; the kernel's counts are
 * unsigned int, so one that went down wrapped at 2^32 (else 0) */
uint64_t nohz_interrupts_delta(uint64_t prev, uint64_t cur);
/* nohz_interrupts_column - column of cpu, or -1 when the file has none */
int nohz_interrupts_column(const struct nohz_interrupts *t, int cpu);
/* nohz_interrupts_count - count of row r on cpu (an id, not a column);
 * 0 when the file has no such column or the row is shorter (ERR, MIS) */
uint64_t nohz_interrupts_count(const struct nohz_interrupts *t,
			       const struct nohz_irq_row *r, int cpu);
/* nohz_interrupts_cpus - the cpus that have a column */
void nohz_interrupts_cpus(const struct nohz_interrupts *t, struct nohz_cpuset *s);

/*
 * nohz_tasks_running - per CPU, the threads in state R (running or
 * runnable) whose last CPU (stat field 39) it is, from /proc/[pid]/task/[tid]/stat
 * under sys.  counts[cpu] for cpu < ncpus is zeroed first; threads of the
 * process exclude (0: none) are not counted.  Returns threads seen or -errno.
 */
int nohz_tasks_running(struct nohz_sys *sys, unsigned int *counts, int ncpus,
		       pid_t exclude);

/* ------------------------------------------------------------------ */
/* isolation checks (lib/checks.c: one table)                         */
/* ------------------------------------------------------------------ */

enum nohz_verdict { NOHZ_PASS, NOHZ_SKIP, NOHZ_WARN, NOHZ_FAIL };
const char *nohz_verdict_name(enum nohz_verdict v);

#define NOHZ_EVIDENCE_LEN 1024
#define NOHZ_REMEDY_LEN 1024

struct nohz_finding {
	const char *id;		/* stable, e.g. "kernel.nohz_full" */
	const char *title;
	const char *group;	/* kernel, boot, irq, work, threads, sysctl, ... */
	enum nohz_verdict verdict;
	char evidence[NOHZ_EVIDENCE_LEN];
	char remedy[NOHZ_REMEDY_LEN];	/* "" when nothing to do */
};

struct nohz_report {
	struct nohz_cpuset targets;
	struct nohz_kernel kernel;
	size_t n, cap;
	struct nohz_finding *f;
};

/* nohz_checks_run - run every static check on targets; appends to r */
int nohz_checks_run(struct nohz_sys *sys, const struct nohz_cpuset *targets,
		    struct nohz_report *r);
/* nohz_report_add - add a finding (used by the live test too) */
struct nohz_finding *nohz_report_add(struct nohz_report *r, const char *id,
				     const char *title, const char *group,
				     enum nohz_verdict v);
/* nohz_report_verdict - worst verdict: FAIL > WARN > PASS (SKIP ignored) */
enum nohz_verdict nohz_report_verdict(const struct nohz_report *r);
const struct nohz_finding *nohz_report_find(const struct nohz_report *r,
					    const char *id);
void nohz_report_free(struct nohz_report *r);
/* nohz_checks_count / nohz_check_id - the table, for listings and docs */
size_t nohz_checks_count(void);
const char *nohz_check_id(size_t i);
const char *nohz_check_title(size_t i);

/* ------------------------------------------------------------------ */
/* tracefs (lib/tracefs.c)                                            */
/* ------------------------------------------------------------------ */

/* nohz_tracefs_ensure - mount tracefs at /sys/kernel/tracing when absent;
 * 0 or -errno with a sentence in err saying what to do */
int nohz_tracefs_ensure(char *err, size_t errlen);
/* nohz_tracepoint_id - id of "system:event", or -errno */
int nohz_tracepoint_id(const char *system, const char *event);

/* ------------------------------------------------------------------ */
/* D-state threads (lib/dstate.c, dscan.c, dwatch.c, dtrace.c)        */
/* ------------------------------------------------------------------ */

/* One thread seen by a scan. */
struct nohz_dthread {
	pid_t pid;			/* thread group */
	char pcomm[64];			/* the group leader's comm */
	struct nohz_stat stat;		/* tid, comm, state, starttime, ... */
	unsigned long long runtime_ns;	/* CPU time (schedstat); 0 unknown */
};
/*
 * nohz_dstate_scan - one pass over /proc/PID/task/TID/stat under sys, for
 * the thread groups in pids (all when npids is 0).  fn gets every thread in
 * state D (every thread when all is true) and returns nonzero to stop.
 * Threads that vanish mid-scan are skipped.  Returns the number of threads
 * read, or -errno when /proc itself cannot be read.
 */
int nohz_dstate_scan(struct nohz_sys *sys, const pid_t *pids, size_t npids,
		     bool all, int (*fn)(const struct nohz_dthread *t, void *arg),
		     void *arg);

/*
 * nohz_dscan - the same scan for every sampling interval, made cheap: fds of
 * /proc stay open between passes, and a thread whose schedstat CPU time did
 * not move since a pass that saw it sleeping (not R, not D) cannot have
 * entered D, so its stat is not read again.  Only the pids given (none: all).
 */
struct nohz_dscan;
int nohz_dscan_open(struct nohz_dscan **out, struct nohz_sys *sys,
		    const pid_t *pids, size_t npids);
/* nohz_dscan_run - one pass, fn for each thread in D (nonzero stops);
 * returns the number of threads checked, or -errno */
int nohz_dscan_run(struct nohz_dscan *s,
		   int (*fn)(const struct nohz_dthread *t, void *arg), void *arg);
/* nohz_dscan_stat_reads - stat files read so far (the rest were skipped) */
unsigned long long nohz_dscan_stat_reads(const struct nohz_dscan *s);
void nohz_dscan_close(struct nohz_dscan *s);

/* Where a process lives, from /proc/PID/cgroup. */
struct nohz_cgroup_info {
	char path[512];		/* the v2 path ("0::"), else the first line's */
	char runtime[16];	/* docker, containerd, crio, podman, kubepods, "" */
	char id[72];		/* container id (64 hex digits), "" */
	char pod[64];		/* kubernetes pod uid, "" */
	char unit[128];		/* innermost systemd unit (.service, .scope), "" */
};
/* nohz_cgroup_info_parse - the text of /proc/PID/cgroup; -EINVAL if empty */
int nohz_cgroup_info_parse(const char *text, struct nohz_cgroup_info *ci);

/* nohz_stack_site - function of the first frame of a kernel stack text
 * ("[<0>] folio_wait_bit_common+0x110/0x310" -> "folio_wait_bit_common");
 * 0, or -ENOENT when the text holds no frame */
int nohz_stack_site(const char *stack, char *site, size_t len);

#define NOHZ_DSTACK_LEN 2048

/* One wait: a thread's continuous time in D. */
struct nohz_dwait {
	pid_t pid, tid;
	char comm[64];
	char cmdline[256];		/* "" for kernel threads */
	struct nohz_cgroup_info cgroup;
	char wchan[64];			/* "" when unknown */
	char stack[NOHZ_DSTACK_LEN];	/* frames, one a line; "" when unreadable */
	bool stack_denied;		/* stacks need root: none could be read */
	char site[64];			/* top stack frame, else wchan, else "?" */
	uint64_t start_ns;		/* CLOCK_MONOTONIC; estimated when sampling */
	uint64_t dur_ns;		/* so far; the whole wait once woken */
	bool since_start;		/* false: already in D when watching began */
	bool woken;
	bool gone;			/* exited before its details could be read */
};

enum nohz_dwait_event {
	NOHZ_DWAIT_STUCK,		/* a wait just passed the threshold */
	NOHZ_DWAIT_WOKE,		/* a reported wait ended */
};

struct nohz_dwatch_opts {
	uint64_t interval_ns;		/* sampling period; trace mode: polling */
	uint64_t threshold_ns;		/* report waits longer than this */
	const pid_t *pids;		/* thread groups to watch; NULL: all */
	size_t npids;
	const char *comm;		/* thread or process name; NULL: all */
	bool trace;			/* sched_switch/sched_wakeup, root */
	void (*fn)(enum nohz_dwait_event ev, const struct nohz_dwait *w,
		   void *arg);
	void *arg;
};

/* One row of the summary: a thread (tid > 0) or a wait site. */
struct nohz_dsum {
	char name[64];			/* site, or the thread's comm */
	pid_t pid, tid;			/* thread rows */
	unsigned long waits;		/* reported waits */
	unsigned long threads;		/* site rows: distinct threads */
	uint64_t total_ns, max_ns;
	bool ongoing;			/* a wait was still in D at the end */
};

struct nohz_dwatch_stats {
	uint64_t scans;			/* sampling passes / trace polls */
	uint64_t threads;		/* threads read by the last scan */
	uint64_t scan_ns_sum, scan_ns_max;
	uint64_t elapsed_ns;
	uint64_t events, lost;		/* trace mode: events read, lost */
	unsigned long reported;		/* waits that passed the threshold */
};

struct nohz_dwatch;
/*
 * nohz_dwatch_open - prepare to watch the /proc of sys (trace mode: the
 * live kernel, in a tracefs instance of its own).  0 or -errno with a
 * sentence in err.
 */
int nohz_dwatch_open(struct nohz_dwatch **out, struct nohz_sys *sys,
		     const struct nohz_dwatch_opts *o, char *err, size_t errlen);
/* nohz_dwatch_scan - one sampling pass as if at time now (ns); for callers
 * that drive their own clock */
int nohz_dwatch_scan(struct nohz_dwatch *w, uint64_t now);
/*
 * nohz_dwatch_run - watch for seconds (<= 0: no limit) or count passes
 * (0: no limit), until nohz_dwatch_stop; waits still in D at the end go
 * to the summary.  0 or -errno with a sentence in err.
 */
int nohz_dwatch_run(struct nohz_dwatch *w, double seconds, unsigned long count,
		    char *err, size_t errlen);
/* nohz_dwatch_stop - make run return; async-signal-safe */
void nohz_dwatch_stop(struct nohz_dwatch *w);
/* nohz_dwatch_summary - rows ranked by total time in D (sites or threads) */
size_t nohz_dwatch_summary(struct nohz_dwatch *w, bool sites,
			   const struct nohz_dsum **rows);
const struct nohz_dwatch_stats *nohz_dwatch_stats(const struct nohz_dwatch *w);
/* nohz_dwatch_close - also removes the tracefs instance of trace mode */
void nohz_dwatch_close(struct nohz_dwatch *w);

/* ------------------------------------------------------------------ */
/* per-CPU event counters through libperf (lib/counters.c)            */
/* ------------------------------------------------------------------ */

enum nohz_event {
	NOHZ_EV_TICK,		/* irq_vectors:local_timer_entry */
	NOHZ_EV_WORK,		/* workqueue:workqueue_execute_start */
	NOHZ_EV_IRQ,		/* irq:irq_handler_entry */
	NOHZ_EV_SOFTIRQ,	/* irq:softirq_entry */
	NOHZ_EV_SWITCH,		/* sched:sched_switch */
	NOHZ_EV_RESCHED,	/* irq_vectors:reschedule_entry */
	NOHZ_EV_CALLFUNC,	/* irq_vectors:call_function_entry + _single_entry */
	NOHZ_EV_MAX
};
#define NOHZ_EV_ALL ((1u << NOHZ_EV_MAX) - 1)
/* nohz_event_name - "irq_vectors:local_timer_entry"; nohz_event_key - "ticks" */
const char *nohz_event_name(enum nohz_event ev);
const char *nohz_event_key(enum nohz_event ev);

struct nohz_counters;
/*
 * nohz_counters_open - one counter per event in mask per cpu, opened
 * disabled.  Events this kernel lacks are left out (see _has); returns 0, or
 * -errno with a sentence in err (e.g. perf_event_paranoid too high).
 */
int nohz_counters_open(struct nohz_counters **out, const struct nohz_cpuset *cpus,
		       unsigned int mask, char *err, size_t errlen);
int nohz_counters_enable(struct nohz_counters *c);
int nohz_counters_disable(struct nohz_counters *c);
bool nohz_counters_has(const struct nohz_counters *c, enum nohz_event ev);
/* nohz_counters_read - count on cpu since enable; -ENOENT when not counted */
int nohz_counters_read(struct nohz_counters *c, int cpu, enum nohz_event ev,
		       uint64_t *val);
void nohz_counters_close(struct nohz_counters *c);

/* ------------------------------------------------------------------ */
/* live test (lib/live.c): spinners on targets, counters from outside  */
/* ------------------------------------------------------------------ */

struct nohz_live_cpu {
	int cpu;
	uint64_t ev[NOHZ_EV_MAX];	/* counts over the window */
	bool have[NOHZ_EV_MAX];		/* false: event not countable here */
	pid_t spinner_tid;
};

struct nohz_live_opts {
	double seconds;			/* measurement window */
	double threshold;		/* max ticks per CPU; <= 0: 1% of HZ x seconds */
	double warmup;			/* seconds spinners run before counting */
	bool trace;			/* trace the targets to explain them (lib/trace.c) */
	const char *trace_file;		/* and keep every event there as text; NULL */
	/* a workload (lib/workload.c) instead of spinners: no spinner starts,
	 * the targets are counted as the workload runs on them, and its
	 * threads are the expected load, not sources of interruptions */
	bool no_spin;
	const pid_t *own;		/* the workload's thread ids */
	size_t nown;
	/* the spinners' noise (lib/noise.c), attributed when tracing */
	uint64_t noise_threshold_ns;	/* 0: NOHZ_NOISE_THRESHOLD_NS */
	uint64_t max_gap_ns;		/* FAIL a cpu with a longer gap; 0 none */
	double min_available;		/* FAIL a cpu with less % available; <= 0 none */
	size_t noise_worst;		/* gaps attributed in full; 0: NOHZ_NOISE_WORST */
};

struct nohz_explain;
struct nohz_noise;
struct nohz_live {
	double seconds;			/* window actually measured */
	double threshold;		/* ticks allowed per CPU */
	int hz;				/* 0 when unknown */
	bool interrupted;		/* stopped early by nohz_live_stop */
	struct nohz_cpuset housekeeping;	/* where the checker itself ran */
	size_t n;
	struct nohz_live_cpu *cpus;
	struct nohz_explain *explain;	/* who interrupted, when opts.trace; NULL */
	struct nohz_noise *noise;	/* time lost per spinner; NULL without spinners */
};

/*
 * nohz_live_run - pin one spinner per target cpu, count events on the
 * targets over the window from a housekeeping cpu (the caller is moved off
 * the targets), stop the spinners.  Returns 0, or -errno with err set.
 */
int nohz_live_run(struct nohz_sys *sys, const struct nohz_cpuset *targets,
		  const struct nohz_live_opts *o, struct nohz_live *res,
		  char *err, size_t errlen);
/* nohz_live_stop - end the window early; async-signal-safe */
void nohz_live_stop(void);
/* nohz_live_judge - add the live.* findings for res to r */
void nohz_live_judge(const struct nohz_live *res, struct nohz_report *r);
void nohz_live_free(struct nohz_live *res);

/* ------------------------------------------------------------------ */
/* tracing and explanations (lib/trace.c, lib/explain.c)              */
/* ------------------------------------------------------------------ */

/*
 * Who interrupted a target CPU, and what to do about it.  lib/trace.c
 * records the target CPUs in a tracefs instance of its own and turns every
 * raw event into a struct nohz_trace_rec; lib/explain.c aggregates the
 * records into per-CPU sources ranked by count, each with a remedy.
 * Records may be fed to explain by anything (the unit tests feed synthetic
 * ones), in time order per CPU.
 */
enum nohz_rec_type {
	NOHZ_REC_TICK,		/* irq_vectors:local_timer_entry */
	NOHZ_REC_TICK_EXIT,	/* irq_vectors:local_timer_exit */
	NOHZ_REC_TICK_STOP,	/* timer:tick_stop: val success, val2 dependency
				 * mask, name its decoded name ("SCHED") */
	NOHZ_REC_HRTIMER_START,	/* timer:hrtimer_start: ptr timer, name function,
				 * val 1 when armed from interrupt context */
	NOHZ_REC_HRTIMER,	/* timer:hrtimer_expire_entry: ptr, name function */
	NOHZ_REC_WORK,		/* workqueue:workqueue_execute_start: name function */
	NOHZ_REC_IRQ,		/* irq:irq_handler_entry: val irq, name action */
	NOHZ_REC_SOFTIRQ,	/* irq:softirq_entry: val vector, name "TIMER" */
	NOHZ_REC_SWITCH,	/* sched:sched_switch: tid/tcomm the next task */
	NOHZ_REC_WAKEUP,	/* sched:sched_wakeup: tid/tcomm woken, val target cpu */
	NOHZ_REC_IPI,		/* irq_vectors IPI entries: name "reschedule",
				 * "call_function", "call_function_single",
				 * "irq_work" */
	NOHZ_REC_CSD,		/* csd:csd_function_entry: name function an IPI ran */
	/* the ends of the above, traced for the noise attribution only
	 * (nohz_trace_opts.noise): durations of what interrupted a gap */
	NOHZ_REC_IRQ_EXIT,	/* irq:irq_handler_exit: val irq */
	NOHZ_REC_SOFTIRQ_EXIT,	/* irq:softirq_exit: val vector */
	NOHZ_REC_HRTIMER_EXIT,	/* timer:hrtimer_expire_exit: ptr */
	NOHZ_REC_WORK_END,	/* workqueue:workqueue_execute_end: name function */
	NOHZ_REC_IPI_EXIT,	/* irq_vectors IPI exits: name as NOHZ_REC_IPI */
	NOHZ_REC_CSD_EXIT,	/* csd:csd_function_exit: name function */
	NOHZ_REC_NMI,		/* nmi:nmi_handler: name handler, val delta_ns */
	NOHZ_REC_TYPES
};
/* nohz_rec_type_name - "local_timer_entry", "tick_stop", ... */
const char *nohz_rec_type_name(enum nohz_rec_type t);

struct nohz_trace_rec {
	uint64_t ts;		/* ns of the trace clock: CLOCK_MONOTONIC ("mono"),
				 * or TSC ticks scaled to ns ("x86-tsc", see
				 * struct nohz_clock) */
	int cpu;
	enum nohz_rec_type type;
	pid_t pid;		/* task running when it fired; 0 idle */
	pid_t tid;		/* SWITCH: next task; WAKEUP: woken task */
	pid_t tgid;		/* process of tid (SWITCH, WAKEUP) else of pid;
				 * 0 unknown */
	int64_t val, val2;
	uint64_t ptr;		/* HRTIMER*: the hrtimer's address */
	char comm[16];		/* name of pid, "" unknown */
	char tcomm[16];		/* name of tid */
	char name[64];
};

enum nohz_src_kind {
	NOHZ_SRC_TICK,		/* the scheduler tick itself */
	NOHZ_SRC_TICK_DEP,	/* why the tick could not stop (tick_stop) */
	NOHZ_SRC_TIMER,		/* an hrtimer other than the tick */
	NOHZ_SRC_WORK,		/* a workqueue item */
	NOHZ_SRC_IRQ,		/* a device interrupt */
	NOHZ_SRC_SOFTIRQ,
	NOHZ_SRC_IPI,		/* an IPI, or the function it ran */
	NOHZ_SRC_TASK,		/* another task ran on the cpu */
	NOHZ_SRC_WAKEUP,	/* another task was woken onto it, never ran */
	NOHZ_SRC_KINDS
};
/* nohz_src_kind_name - "tick", "tick-dep", "timer", "work", "irq", ... */
const char *nohz_src_kind_name(enum nohz_src_kind k);

/* One ranked source of interruptions on one cpu. */
struct nohz_source {
	int cpu;
	enum nohz_src_kind kind;
	uint64_t count;		/* events in the window */
	double rate;		/* count per second of the window */
	uint64_t ticks;		/* TICK_DEP: ticks that followed this reason */
	pid_t pid;		/* the task involved (TASK, timer armer...), 0;
				 * the busiest one of a group */
	char comm[16];		/* its name, "" */
	int ntasks;		/* tasks of that name merged into this row */
	bool self;		/* caused by the measurement itself */
	char what[128];		/* "vmstat_update", "IRQ 36 (virtio1-req.0)",
				 * "stress/1234", "SCHED (with stress/1234)" */
	char remedy[512];	/* the command or boot option that removes it */
};

/* Per-cpu totals behind the ranking. */
struct nohz_explain_cpu {
	int cpu;
	uint64_t events;	/* records fed */
	uint64_t lost;		/* events the ring buffer dropped */
	uint64_t timer_irqs;	/* local timer interrupts */
	uint64_t ticks;		/* of which ran the scheduler tick */
	uint64_t tick_stops;	/* tick_stop success=1: the tick did stop */
	size_t n;		/* sources, ranked by count */
	const struct nohz_source *src;
};

struct nohz_explain_opts {
	double seconds;		/* window length, for rates */
	struct nohz_cpuset housekeeping;	/* where remedies move things */
	struct nohz_cpuset nohz_full;	/* cpus the kernel runs tickless */
	struct nohz_cpuset rcu_nocbs;	/* cpus whose RCU callbacks the kernel
					 * offloaded (rcu_nocbs, nohz_full) */
	int kernel_nohz_full;	/* CONFIG_NO_HZ_FULL: 1 yes, -1 no, 0 unknown */
	const pid_t *spinners;	/* tids expected on the targets: not sources */
	size_t nspinners;
	pid_t self;		/* our process: its threads are the measurement */
	const char *perf_users;	/* other holders of perf events ("perf/12"),
				 * or NULL; shown for PERF_EVENTS */
	bool self_perf;		/* we hold perf events (the counters) */
};

struct nohz_explain;
/* nohz_explain_new - an empty aggregator; NULL on ENOMEM */
struct nohz_explain *nohz_explain_new(void);
/* nohz_explain_add - account one record (in time order per cpu); -ENOMEM */
int nohz_explain_add(struct nohz_explain *ex, const struct nohz_trace_rec *r);
/* nohz_explain_lost - the ring buffer of cpu dropped n events; n = 0
 * just makes cpu known (allocated now, listed even without records) */
void nohz_explain_lost(struct nohz_explain *ex, int cpu, uint64_t n);
/*
 * nohz_explain_finish - drop the spinners, name the foreign tasks behind
 * SCHED, attach remedies, rank every cpu by count.  Call once, after the
 * last add.  0 or -ENOMEM.
 */
int nohz_explain_finish(struct nohz_explain *ex, const struct nohz_explain_opts *o);
/* nohz_explain_cpu - results of cpu after finish, NULL when unknown */
const struct nohz_explain_cpu *nohz_explain_cpu(const struct nohz_explain *ex, int cpu);
/* nohz_explain_cpus - the cpus that have records (or were made known) */
void nohz_explain_cpus(const struct nohz_explain *ex, struct nohz_cpuset *s);
double nohz_explain_seconds(const struct nohz_explain *ex);
/*
 * nohz_explain_print - per cpu in cpus (NULL: all), the ranked table
 * "count rate/s kind source" with the remedy under each row; at most top
 * rows per cpu (0: all).  nohz_explain_print_json writes one JSON array
 * of {"cpu", "seconds", "events", "lost", ..., "sources": [...]}.
 */
void nohz_explain_print(FILE *f, const struct nohz_explain *ex,
			const struct nohz_cpuset *cpus, size_t top);
void nohz_explain_print_json(FILE *f, const struct nohz_explain *ex,
			     const struct nohz_cpuset *cpus);
void nohz_explain_free(struct nohz_explain *ex);

/*
 * nohz_tick_dep_parse - read the dependency names of timer:tick_stop from
 * its format file text (__print_symbolic(REC->dependency, { 0, "NONE" },
 * { (1 << 0), "POSIX_TIMER" }, ...)): names[bit] for each single-bit mask.
 * Returns the number of names found (0: not the expected format).
 */
int nohz_tick_dep_parse(const char *format, char names[][24], int nbits);
/* nohz_tick_dep_name - name of a dependency mask from the kernel's
 * TICK_DEP_BIT_* order (POSIX_TIMER=1, PERF_EVENTS=2, SCHED=4,
 * CLOCK_UNSTABLE=8, RCU=16, RCU_EXP=32); "NONE" for 0, NULL if unknown */
const char *nohz_tick_dep_name(int64_t mask);

struct nohz_trace;
struct nohz_clock;
/* Options of nohz_trace_open_opts. */
struct nohz_trace_opts {
	const char *dump;	/* every event as text into this file; NULL */
	/* noise attribution: also trace the exits of interruptions and keep
	 * every record of the window per cpu (nohz_trace_records) */
	bool noise;
	/* the spinners' clock: the instance's trace_clock becomes the same
	 * one ("x86-tsc" for the TSC, "mono" for CLOCK_MONOTONIC) and record
	 * times are that clock in ns (nohz_clock_ns); NULL: "mono" */
	const struct nohz_clock *clock;
};
/*
 * nohz_trace_open - create a tracefs instance "nohz-trace-PID-N" that records only
 * cpus (tracing_cpumask), enable the events above in it (those the kernel
 * lacks are left out), load kallsyms for function names; tracing stays off
 * until nohz_trace_start.  Enabling tracepoints patches kernel text (IPIs
 * on every cpu): open before the spinners start, not inside the window.
 * dump: when non-NULL, a file that gets every event as text, one a line:
 * "CPU SECONDS.NANOSECONDS TASK-PID SYSTEM:EVENT FIELDS".  Instances left
 * by dead processes of ours are removed.  0 or -errno with err set.
 */
int nohz_trace_open_opts(struct nohz_trace **out, const struct nohz_cpuset *cpus,
			 const struct nohz_trace_opts *o, char *err, size_t errlen);
/* nohz_trace_join - after nohz_trace_stop: wait until the reader has read
 * the rest (nohz_trace_explain does it too) */
void nohz_trace_join(struct nohz_trace *t);
/* nohz_trace_records - after nohz_trace_join (or explain): the records of
 * cpu in time order when opts.noise, *lost set to those that did not fit
 * or the ring buffer dropped, *lost_from to the time (ns of the clock)
 * from which records may be missing (UINT64_MAX: none missing); NULL with
 * *n 0 otherwise */
const struct nohz_trace_rec *nohz_trace_records(const struct nohz_trace *t, int cpu,
						size_t *n, uint64_t *lost,
						uint64_t *lost_from);
int nohz_trace_open(struct nohz_trace **out, const struct nohz_cpuset *cpus,
		    const char *dump, char *err, size_t errlen);
/* nohz_trace_start - tracing on and a reader thread on the other cpus; the
 * window starts now.  Reads are non-blocking: no wakeup IPIs on targets. */
int nohz_trace_start(struct nohz_trace *t, char *err, size_t errlen);
/* nohz_trace_stop - tracing off, the rest read; the window ends now */
int nohz_trace_stop(struct nohz_trace *t);
/* nohz_trace_seconds - window length between start and stop */
double nohz_trace_seconds(const struct nohz_trace *t);
/* nohz_trace_missing - events this kernel lacks, "a:b c:d", "" */
const char *nohz_trace_missing(const struct nohz_trace *t);
/*
 * nohz_trace_explain - after stop: finish the aggregation with o and hand
 * it over (the caller frees *out; once per trace).  Fields left zero are
 * filled from the live system: seconds (the window), housekeeping (online
 * minus targets), nohz_full and kernel_nohz_full (sysfs, kernel config),
 * rcu_nocbs (the kernel log, else cmdline and config),
 * self (getpid), perf_users (/proc/PID/fd of other processes).
 */
int nohz_trace_explain(struct nohz_trace *t, const struct nohz_explain_opts *o,
		       struct nohz_explain **out);
/* nohz_trace_close - stop, tracing off, events off, instance removed;
 * safe on NULL and on a trace that never started */
void nohz_trace_close(struct nohz_trace *t);

/* ------------------------------------------------------------------ */
/* workload: processes, cgroups and containers (lib/workload.c)       */
/* ------------------------------------------------------------------ */

/*
 * The application the CPUs were isolated for: one process, or a cgroup (a
 * v2 path, a v1 cpuset path, or a container id found in /proc/PID/cgroup)
 * with every process below it.  Its CPUs become the targets of the checks;
 * nohz_workload_check judges its threads.  lib/workload_cgroup.c finds the
 * cgroup hierarchies and the cgroup --cgroup names, lib/workload_container.c
 * tells a container from a host, lib/workload_checks.c writes the
 * workload.* findings, lib/workload_out.c prints the workload.
 */
struct nohz_wl_thread {
	pid_t pid, tid;
	char comm[64];
	char state;			/* at the last read */
	int processor;			/* cpu it last ran on */
	struct nohz_cpuset allowed;	/* Cpus_allowed_list */
	unsigned int policy;		/* SCHED_OTHER 0, FIFO 1, RR 2, BATCH 3,
					 * IDLE 5, DEADLINE 6 */
	unsigned int rt_priority;	/* 1-99 for FIFO and RR */
	long nice;
	unsigned long long majflt;	/* major faults, when opened */
	unsigned long long cpu_ticks;	/* utime + stime in clock ticks, when opened */
	unsigned long long majflt_delta;	/* over the window (nohz_workload_refresh) */
	unsigned long long cpu_delta;	/* CPU time over the window, clock ticks */
	bool gone;			/* exited before the refresh */
};

struct nohz_wl_proc {
	pid_t pid;
	char comm[64];
	long vmlck_kb;			/* VmLck of /proc/PID/status; -1 unknown */
	char cpu_cg[256];		/* v1 "cpu" controller cgroup path, "" */
	size_t nthreads;
};

/* A thread seen runnable (state R) on a workload cpu by one sample. */
struct nohz_wl_runnable {
	int cpu;
	unsigned int sample;		/* 0 at open, 1 at refresh */
	pid_t pid, tid;
	char comm[16];
	bool own;			/* a thread of the workload */
};

enum nohz_wl_kind {
	NOHZ_WL_PID,			/* one process */
	NOHZ_WL_CGROUP,			/* a cgroup and every cgroup below it */
	NOHZ_WL_PIDNS,			/* every process a pid namespace shows */
};

struct nohz_workload {
	enum nohz_wl_kind kind;
	char spec[256];			/* as given: "1234", a path, an id */
	pid_t pid;			/* NOHZ_WL_PID: the process */
	int cg_version;			/* of cg_path: 1 or 2; 0 none found */
	char cg_path[512];		/* cgroup holding the cpuset, in its hierarchy */
	char cg_dir[1024];		/* that cgroup's directory under the root */
	struct nohz_cgroup_info container;	/* runtime and id named by cg_path */
	struct nohz_cpuset cpus;	/* the targets: the cpuset (cgroup) or
					 * the union of the threads' affinity (pid) */
	char cpus_from[64];		/* "cpuset.cpus.effective", "affinity of
					 * its threads", ... */
	struct nohz_cpuset cpuset;	/* the cgroup's effective cpuset */
	bool has_cpuset;		/* false: no cpuset controller found */
	char partition[16];		/* v2 cpuset.cpus.partition of cg_dir or an
					 * ancestor when not "member", else "" */
	struct nohz_cpuset partition_cpus;	/* the cpus of that partition */
	size_t nprocs;
	struct nohz_wl_proc *procs;
	size_t n;
	struct nohz_wl_thread *t;
	size_t nrun;
	struct nohz_wl_runnable *run;
	unsigned int samples;		/* runnable samples taken (1 or 2) */
	double window;			/* seconds between open and refresh; 0 none */
	uint64_t opened_ns;		/* CLOCK_MONOTONIC at open */
};

/*
 * nohz_workload_pid - the threads of process pid (a thread id names its
 * process) under sys; the cpus are the union of their affinities.
 * -ESRCH with "no process PID" in err when there is none.
 */
int nohz_workload_pid(struct nohz_sys *sys, pid_t pid, struct nohz_workload *w,
		      char *err, size_t errlen);
/*
 * nohz_workload_cgroup - every process in a cgroup and below it.  spec is a
 * directory under a cgroup mount ("/sys/fs/cgroup/cpuset/rt"), a path
 * inside the cpuset (v1) or v2 hierarchy ("/machine.slice/x.scope",
 * "rt/app"), or a container id (or a unique part of one) that some
 * process's /proc/PID/cgroup names.  The cpus are the cgroup's effective
 * cpuset.  -ENOENT, or -EINVAL when an id names several cgroups; err says.
 */
int nohz_workload_cgroup(struct nohz_sys *sys, const char *spec,
			 struct nohz_workload *w, char *err, size_t errlen);
/* nohz_workload_self - the container, seen from inside it: the cgroup this
 * process runs in, or when the mounts do not show it, every process of the
 * pid namespace; the checker's own process left out */
int nohz_workload_self(struct nohz_sys *sys, struct nohz_workload *w, char *err,
		       size_t errlen);
/*
 * nohz_workload_refresh - at the end of a window: major faults and CPU time
 * since open, threads gone, a second runnable sample.  0 or -errno.
 */
int nohz_workload_refresh(struct nohz_sys *sys, struct nohz_workload *w);
/* nohz_workload_tids - the thread ids, for nohz_live_opts.own; caller frees */
pid_t *nohz_workload_tids(const struct nohz_workload *w, size_t *n);
/*
 * nohz_workload_check - add the workload.* findings: housekeeping (no
 * housekeeping cpu in its cpuset), affinity (threads only on isolated
 * cpus), pinned, runnable, policy, rt_throttle, mlock, majflt; each with
 * evidence and the command that fixes it.  Isolated cpus are those of
 * k->nohz_full, k->isolated and an isolated v2 partition.
 */
void nohz_workload_check(struct nohz_sys *sys, const struct nohz_workload *w,
			 const struct nohz_kernel *k, struct nohz_report *r);
/* nohz_workload_print - what the workload is and a row per thread;
 * nohz_workload_print_json - the same as one JSON object */
void nohz_workload_print(FILE *f, const struct nohz_workload *w);
void nohz_workload_print_json(FILE *f, const struct nohz_workload *w);
void nohz_workload_free(struct nohz_workload *w);
/* nohz_sched_policy_name - "SCHED_FIFO", ...; "SCHED_?" when unknown */
const char *nohz_sched_policy_name(unsigned int policy);

/* Where the checker runs: a host, or a container that hides the host. */
struct nohz_container {
	bool inside;			/* own pid namespace: host threads hidden */
	bool pidns, cgroupns;		/* not the host's (initial) namespaces */
	char signs[512];		/* what says container: "/.dockerenv, ..." */
	char runtime[16];		/* docker, podman, containerd, lxc, ... */
	char id[72];			/* container id when a cgroup path names it */
	struct nohz_cpuset cpus;	/* own cpuset as visible; empty unknown */
	char cpus_from[256];		/* the file it came from */
};
/* nohz_container_detect - read the signs under sys; 0 or -errno */
int nohz_container_detect(struct nohz_sys *sys, struct nohz_container *c);
/* nohz_container_check - add workload.container: what is visible from
 * here and what cannot be verified (nothing added on a plain host) */
void nohz_container_check(const struct nohz_container *c,
			  const struct nohz_kernel *k, struct nohz_report *r);

/* ------------------------------------------------------------------ */
/* topology through libnuma (lib/topology.c)                          */
/* ------------------------------------------------------------------ */

/* nohz_cpu_node - NUMA node of cpu (reads sysfs under sys), -1 unknown */
int nohz_cpu_node(struct nohz_sys *sys, int cpu);
/* nohz_numa_available - libnuma reports NUMA support on the live system */
bool nohz_numa_available(void);

/* ------------------------------------------------------------------ */
/* gap recorder (lib/gaps.c): what a busy loop saw between two reads  */
/* ------------------------------------------------------------------ */

#define NOHZ_HIST_BUCKETS 40	/* log2 buckets of gap length in ns */
/* Fine log-linear buckets behind the percentiles: values below
 * 2^NOHZ_GAPS_SUB_BITS ns are exact; above, each power of two is split in
 * 2^NOHZ_GAPS_SUB_BITS equal parts, so a percentile is reported at most
 * 1/32 (3.2%) above the true value. */
#define NOHZ_GAPS_SUB_BITS 5
#define NOHZ_GAPS_SLOTS ((64 - NOHZ_GAPS_SUB_BITS + 1) << NOHZ_GAPS_SUB_BITS)

struct nohz_gaps {
	uint64_t count;
	uint64_t min_ns, max_ns;
	uint64_t sum_ns;		/* saturates at UINT64_MAX */
	uint64_t worst_at;		/* `at` given with the longest gap */
	uint64_t hist[NOHZ_HIST_BUCKETS];	/* bucket i: [2^i, 2^(i+1)) ns;
						 * the last also holds all above */
	uint64_t fine[NOHZ_GAPS_SLOTS];
};

/* nohz_gaps_reset - empty the recorder */
void nohz_gaps_reset(struct nohz_gaps *g);
/* nohz_gaps_add - record one gap of ns that started at `at` (any time base) */
void nohz_gaps_add(struct nohz_gaps *g, uint64_t ns, uint64_t at);
/* nohz_gaps_bucket - log2 bucket of a gap: floor(log2(ns)), clamped to range */
int nohz_gaps_bucket(uint64_t ns);
/* nohz_gaps_bucket_low - lower edge in ns of log2 bucket i */
uint64_t nohz_gaps_bucket_low(int i);
/*
 * nohz_gaps_percentile - nearest-rank percentile (0 < pct <= 100) of the
 * recorded gaps: the smallest v with at least pct% of them <= v, rounded up
 * to its fine bucket's upper edge and clamped to [min, max]; 0 when empty.
 */
uint64_t nohz_gaps_percentile(const struct nohz_gaps *g, double pct);

/* ------------------------------------------------------------------ */
/* spin engine (lib/spin.c), shared by nohz-check and pig             */
/* ------------------------------------------------------------------ */

/*
 * Each spinner reads a fast clock in a tight loop and records every gap
 * between two consecutive reads longer than the threshold.  The loop makes
 * no syscall, allocation or lock; it checks a stop flag and its deadline on
 * every iteration, so even a SCHED_FIFO spinner stops on time.  The clock
 * is rdtsc when the CPU has constant_tsc and nonstop_tsc (calibrated
 * against CLOCK_MONOTONIC), else clock_gettime(CLOCK_MONOTONIC_RAW).
 */
enum nohz_clock_kind {
	NOHZ_CLOCK_AUTO,	/* tsc when usable, else mono */
	NOHZ_CLOCK_TSC,		/* rdtsc; start fails with -ENOTSUP when unusable */
	NOHZ_CLOCK_MONO,	/* clock_gettime(CLOCK_MONOTONIC), vDSO */
};

/*
 * The spinners' clock, shared with the trace so that a gap and the events
 * inside it are on one time line: the TSC (the trace clock "x86-tsc"
 * reads the same counter) or CLOCK_MONOTONIC (trace clock "mono").  Times
 * are clock ticks scaled to ns with one multiplier, measured once per
 * process against CLOCK_MONOTONIC.
 */
struct nohz_clock {
	bool tsc;
	double ticks_per_ns;
	uint64_t mult;			/* ns per tick, 32.32 fixed point */
	const char *name;		/* "tsc" or "mono" */
	const char *trace_clock;	/* "x86-tsc" or "mono" */
};
/* nohz_clock_get - the clock for kind; -ENOTSUP with err for an unusable TSC */
int nohz_clock_get(struct nohz_clock *c, enum nohz_clock_kind kind, char *err,
		   size_t errlen);
/* nohz_clock_now - the clock now, in its ns */
uint64_t nohz_clock_now(const struct nohz_clock *c);
/* nohz_clock_ns - ticks of c (a trace record's raw time) in its ns */
uint64_t nohz_clock_ns(const struct nohz_clock *c, uint64_t ticks);

/* Default threshold: this many median loop costs, and at least the floor. */
#define NOHZ_SPIN_AUTO_MULT 20
#define NOHZ_SPIN_AUTO_FLOOR_NS 1000

struct nohz_gap_stats {
	uint64_t loops;		/* loop iterations */
	uint64_t elapsed_ns;	/* wall time spun */
	uint64_t threshold_ns;	/* gaps longer than this were recorded */
	uint64_t loop_median_ns;	/* median loop cost, measured before the run */
	uint64_t count;		/* gaps above threshold */
	uint64_t min_ns, max_ns, sum_ns;	/* of those gaps */
	uint64_t p99_ns, p999_ns;	/* of those gaps (nohz_gaps_percentile) */
	uint64_t worst_at_ns;	/* start of the longest gap, from the run's start */
	uint64_t start_mono_ns;	/* CLOCK_MONOTONIC when the run started */
	uint64_t run_start_ns, run_end_ns;	/* the run on the spinner's clock */
	int last_cpu;		/* CPU the spinner ended on */
	uint64_t hist[NOHZ_HIST_BUCKETS];	/* bucket i: [2^i, 2^(i+1)) ns */
};

struct nohz_spin_opts {
	struct nohz_cpuset cpus;	/* one pinned spinner per cpu */
	int nthreads;			/* unpinned spinners when cpus is empty */
	double seconds;			/* <= 0: until nohz_spin_stop */
	int fifo_prio;			/* 0: SCHED_OTHER */
	uint64_t threshold_ns;		/* 0: NOHZ_SPIN_AUTO_MULT x median loop */
	bool measure;			/* record gaps (pig) or just burn */
	enum nohz_clock_kind clock;
	/* measure: also keep every gap with its start (nohz_spin_log), up to
	 * this many per spinner (0: none); the log is touched before the run */
	size_t log_cap;
	const char *name;		/* thread name prefix: "pig" -> "pig/3"; NULL keeps */
};

struct nohz_spin;
/*
 * nohz_spin_start - start the spinners; returns once every one runs (tids
 * known), or -errno with a sentence in err.  Signals are blocked in the
 * spinner threads, so they reach the caller's threads.
 */
int nohz_spin_start(struct nohz_spin **out, const struct nohz_spin_opts *o,
		    char *err, size_t errlen);
/* nohz_spin_stop - ask every spinner to stop; async-signal-safe */
void nohz_spin_stop(struct nohz_spin *s);
/* nohz_spin_wait - join all spinners (after the duration or a stop) */
int nohz_spin_wait(struct nohz_spin *s);
size_t nohz_spin_count(const struct nohz_spin *s);
/* nohz_spin_tid - thread id of spinner i, once it runs */
pid_t nohz_spin_tid(const struct nohz_spin *s, size_t i);
/* nohz_spin_cpu - cpu spinner i is pinned to, -1 when unpinned */
int nohz_spin_cpu(const struct nohz_spin *s, size_t i);
/* nohz_spin_stats - results of spinner i, complete after nohz_spin_wait */
const struct nohz_gap_stats *nohz_spin_stats(const struct nohz_spin *s, size_t i);
/* nohz_spin_gaps - the whole recorder of spinner i, for other percentiles */
const struct nohz_gaps *nohz_spin_gaps(const struct nohz_spin *s, size_t i);
/* One gap of a spinner's log: start and length in the clock's ns. */
struct nohz_gap {
	uint64_t start_ns, dur_ns;
};
/* nohz_spin_log_cap - a log_cap for n spinners over seconds (<= 0: no limit) */
size_t nohz_spin_log_cap(double seconds, size_t n);
/* nohz_spin_log - the gap log of spinner i in time order (after wait);
 * *dropped: gaps that did not fit */
const struct nohz_gap *nohz_spin_log(const struct nohz_spin *s, size_t i, size_t *n,
				     uint64_t *dropped);
/* nohz_spin_clock_of - the clock the spinners read */
const struct nohz_clock *nohz_spin_clock_of(const struct nohz_spin *s);
/* nohz_spin_clock - clock in use ("tsc" or "mono") and its rate in MHz */
const char *nohz_spin_clock(const struct nohz_spin *s, double *mhz);
void nohz_spin_free(struct nohz_spin *s);

/* ------------------------------------------------------------------ */
/* noise (lib/noise.c): the spinners' gaps joined with the trace       */
/* ------------------------------------------------------------------ */

/*
 * How much time each busy CPU lost, and to what.  A gap is time the
 * spinner did not run (longer than the noise threshold); the trace records
 * whose times fall inside it are its causes, each charged the time it ran
 * exclusively (its entry to its exit, minus what nested in it), the rest
 * of the gap (kernel entry and exit) going to the first cause.  A gap with
 * no record inside is hardware or hypervisor time.  % available follows
 * rtla osnoise: 100 x (1 - noise / window).
 */
enum nohz_noise_kind {
	NOHZ_NOISE_IRQ,		/* a device interrupt handler */
	NOHZ_NOISE_SOFTIRQ,
	NOHZ_NOISE_TIMER,	/* the tick and other hrtimers, timer interrupts */
	NOHZ_NOISE_WORK,	/* a workqueue item */
	NOHZ_NOISE_THREAD,	/* another task ran */
	NOHZ_NOISE_IPI,		/* an IPI and the function it ran */
	NOHZ_NOISE_NMI,
	NOHZ_NOISE_HW,		/* no kernel event: SMI, NMI, host preemption */
	NOHZ_NOISE_KINDS
};
/* nohz_noise_kind_name - "irq", "softirq", "timer", "work", "thread",
 * "ipi", "nmi", "hw" */
const char *nohz_noise_kind_name(enum nohz_noise_kind k);

/* One cause inside one gap. */
struct nohz_noise_cause {
	enum nohz_noise_kind kind;
	char source[128];	/* "IRQ 24 (virtio0)", "tick_sched_timer",
				 * "RCU softirq", "stress/1234", ... */
	uint64_t duration_ns;	/* its own entry to exit when both were
				 * traced, else its share of the gap */
	uint64_t stolen_ns;	/* its share of the gap (the shares add up to
				 * the gap) */
};

struct nohz_noise_gap {
	uint64_t start_ns;	/* from the window's start */
	uint64_t duration_ns;
	size_t ncauses;		/* 0: not attributed (no trace, log full) */
	struct nohz_noise_cause *causes;	/* largest share first */
};

/* Every gap of the window, for pictures: start, length, main cause. */
struct nohz_noise_mark {
	uint64_t start_ns, duration_ns;	/* start from the window's start */
	enum nohz_noise_kind kind;	/* its largest share's kind */
	bool attributed;
};

/* One named source on one cpu, over every gap of the window. */
struct nohz_noise_source {
	enum nohz_noise_kind kind;
	char source[128];
	uint64_t count;		/* gaps it was inside */
	uint64_t stolen_ns;
	char remedy[512];	/* what removes it ("" none known) */
};

struct nohz_noise_cpu {
	int cpu;
	pid_t spinner_tid;
	uint64_t window_ns;
	uint64_t threshold_ns;	/* gaps longer than this are noise */
	uint64_t loop_ns;	/* median cost of one loop of the spinner */
	uint64_t noise_ns;	/* sum of the gaps */
	double available_pct;
	uint64_t max_gap_ns, gaps;
	uint64_t min_gap_ns;
	uint64_t p99_ns, p999_ns;
	uint64_t hist[NOHZ_HIST_BUCKETS];	/* log2 buckets, as struct nohz_gaps */
	uint64_t stolen_by_kind[NOHZ_NOISE_KINDS];
	bool traced;		/* causes come from a trace */
	uint64_t unattributed;	/* gaps the log or the trace could not hold */
	uint64_t dropped;	/* gaps the spinner's log could not hold: the
				 * figures cover the window up to log_full_ns */
	uint64_t log_full_ns;	/* from the window's start; 0: the log held all */
	uint64_t lost_events;	/* trace records dropped */
	/* records of the window inside a gap, and outside every gap (in
	 * interruptions shorter than the threshold): with one clock on both
	 * sides, nearly all of them are inside */
	uint64_t events_in_gaps, events_outside;
	int64_t steal_ns;	/* hypervisor steal time over the window, -1 unknown */
	size_t nworst;		/* the largest gaps, and every one over max_gap */
	struct nohz_noise_gap *worst;	/* longest first */
	size_t nsources;
	struct nohz_noise_source *sources;	/* most time stolen first */
	size_t nmarks;
	struct nohz_noise_mark *marks;	/* every gap, in time order */
};

struct nohz_noise {
	uint64_t threshold_ns;	/* asked for */
	uint64_t max_gap_ns;	/* --max-gap, 0 none */
	double min_available;	/* --min-available, <= 0 none */
	const char *clock;	/* "tsc" or "mono" */
	size_t n;
	struct nohz_noise_cpu *cpus;
};

struct nohz_noise_opts {
	uint64_t threshold_ns;	/* 0: NOHZ_NOISE_THRESHOLD_NS */
	uint64_t max_gap_ns;	/* also attribute every gap over this; 0 none */
	double min_available;	/* only carried to the result; <= 0 none */
	size_t worst;		/* largest gaps attributed in full (0: 10) */
	/* for the remedies (NULL members: unknown) */
	const struct nohz_explain_opts *explain;
};
#define NOHZ_NOISE_THRESHOLD_NS 1000
#define NOHZ_NOISE_WORST 10

/* One cpu's raw material for nohz_noise_cpu_build. */
struct nohz_noise_in {
	int cpu;
	pid_t spinner_tid;	/* its switches away are THREAD causes */
	uint64_t w0, w1;	/* the window, the clock's ns */
	uint64_t threshold_ns, loop_ns;
	const struct nohz_gap *gaps;	/* time order, over the threshold */
	size_t ngaps;
	uint64_t dropped;	/* gaps the log could not hold */
	const struct nohz_trace_rec *recs;	/* time order; NULL: not traced */
	size_t nrecs;
	uint64_t lost;
	uint64_t lost_from;	/* records may be missing from this time on;
				 * 0 with lost > 0: from the start */
	int64_t steal_ns;
};
/* nohz_noise_cpu_build - the noise of one cpu from its gaps and records;
 * 0 or -ENOMEM (c is then freed) */
int nohz_noise_cpu_build(struct nohz_noise_cpu *c, const struct nohz_noise_in *in,
			 const struct nohz_noise_opts *o);
void nohz_noise_cpu_free(struct nohz_noise_cpu *c);
/*
 * nohz_noise_build - the noise of every spinner of s over the window
 * [w0, w1] (nohz_clock_now of the spinners' clock; both 0: each spinner's
 * own run, run_start_ns to run_end_ns), attributed with the
 * records of t when t was opened with opts.noise (NULL: counts only).
 * steal_ns: per spinner, -1 unknown (NULL: all unknown).  0 or -errno.
 */
int nohz_noise_build(struct nohz_noise **out, const struct nohz_spin *s,
		     const struct nohz_trace *t, uint64_t w0, uint64_t w1,
		     const int64_t *steal_ns, const struct nohz_noise_opts *o);
void nohz_noise_free(struct nohz_noise *n);
/* nohz_noise_cpu_find - the result of cpu, NULL */
const struct nohz_noise_cpu *nohz_noise_cpu_find(const struct nohz_noise *n, int cpu);
/*
 * nohz_noise_print - per cpu: window, noise, % available, longest gap,
 * gaps, p99/p99.9; the histogram (as rtla osnoise hist, one column a cpu);
 * time stolen per kind; the worst gaps with their causes (at most top
 * per cpu, 0: all kept); the sources ranked by time stolen with remedies.
 */
void nohz_noise_print(FILE *f, const struct nohz_noise *n, size_t top);
/* nohz_noise_print_summary - just the per-cpu table */
void nohz_noise_print_summary(FILE *f, const struct nohz_noise *n);
/* nohz_noise_print_details - all but the table; top 0 also prints every
 * cause of a gap (else the main ones) */
void nohz_noise_print_details(FILE *f, const struct nohz_noise *n, size_t top);
/* nohz_noise_print_json_cpu - the noise keys of one cpu, each preceded by a
 * comma: ,"noise_ns":..,"available_pct":..,"max_gap_ns":..,"gaps":..,
 * "gap_hist":{..},"worst":[..],"sources":[..],"stolen_by_kind":{..},... */
void nohz_noise_print_json_cpu(FILE *f, const struct nohz_noise_cpu *c);
/*
 * nohz_noise_svg - a timeline of the window as SVG: one lane per cpu, each
 * gap at its time (at least 1 px wide) coloured by its main cause, a
 * legend, a time axis, and each cpu's gap histogram beside it.  0 or
 * -errno (a write error).
 */
int nohz_noise_svg(FILE *f, const struct nohz_noise *n, const char *title);

/* ------------------------------------------------------------------ */
/* duration and number parsing (lib/util.c)                           */
/* ------------------------------------------------------------------ */

/* nohz_parse_duration - "10", "1.5s", "500ms", "20us", "800ns", "2m", "1h"
 * -> seconds (> 0); a bare number is seconds */
int nohz_parse_duration(const char *s, double *seconds, char *err, size_t errlen);
/* nohz_json_string - write s as a JSON string literal, quotes included */
void nohz_json_string(FILE *f, const char *s);

#ifdef __cplusplus
}
#endif
#endif /* NOHZ_H */
