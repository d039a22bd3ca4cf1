/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * internal.h - helpers shared inside libnohz; not installed, not exported
 * (the version script exports only what include/nohz.h declares).
 */
#ifndef NOHZ_INTERNAL_H
#define NOHZ_INTERNAL_H

#include <stdarg.h>
#include "nohz.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* nohz_err - format one sentence into (err, errlen) when err is non-NULL */
void nohz_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* strbuf - bounded appender for evidence text; never overflows */
struct strbuf {
	char *buf;
	size_t len, cap;
	int dropped;		/* items that did not fit */
};
void sb_init(struct strbuf *sb, char *buf, size_t cap);
void sb_printf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* sb_item - append "sep item"; counts items that no longer fit */
void sb_item(struct strbuf *sb, const char *sep, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* sb_finish - append ", and N more" when items were dropped */
void sb_finish(struct strbuf *sb);
/* sb_finish_note - for command lists: "; N more WHAT: run the check again" */
void sb_finish_note(struct strbuf *sb, const char *what);

/* str_digits - s is a non-empty run of decimal digits (a /proc pid name) */
bool str_digits(const char *s);

/* now_ns - CLOCK_MONOTONIC in ns */
uint64_t now_ns(void);

/* explain internals: lib/explain.c counts sources, lib/remedy.c words them */
struct remedy_in {
	const char *name;	/* function, action, vector, IPI or dependency */
	int64_t id;		/* irq, vector, dependency mask; IPI: 1 = csd fn */
	const char *comm;	/* the task involved (s->pid), "" unknown */
	const char *others;	/* foreign tasks seen on the cpu, for SCHED */
	const char *pids;	/* the pids of a merged group, "12 34 ..." */
};
/* The replay of one gap (lib/noise_replay.c), for lib/noise.c. */
#define NOISE_FRAMES_MAX 32
#define NOISE_CAUSES_MAX 64
#define NOISE_MORE_ID (-1)	/* id of the row the causes past the limit share */
/* A cause while a gap is replayed: what names it, and its time. */
struct noise_cause {
	enum nohz_noise_kind kind;
	int64_t id;		/* irq, vector; TIMER 1: no hrtimer; IPI 1: function */
	pid_t pid;		/* THREAD */
	char name[96];		/* function, action, vector, IPI, task name */
	uint64_t stolen, paired;	/* exclusive time; inclusive of closed frames */
	bool closed;		/* a frame of it ended with its own exit */
};

struct noise_frame {
	enum nohz_rec_type type;	/* the record that opened it */
	int ci;			/* cause, -1 while a wrapper waits for its name */
	int64_t key;		/* irq, vector, hrtimer: to match the exit */
	uint64_t start, acc;	/* acc: time charged while ci is -1 */
};

struct noise_replay {
	struct noise_cause c[NOISE_CAUSES_MAX];
	int nc, first;
	struct noise_frame f[NOISE_FRAMES_MAX];
	int nf;
	uint64_t last, loose;	/* loose: time with no frame open */
	unsigned int entries;	/* frames opened with none open */
};

/* noise_gap_replay - the causes of gap [gs, ge] (clipped to the window; rs
 * its real start) into r, from the records of in from *cur on (left after
 * the gap's); counts c's records in and out */
void noise_gap_replay(struct noise_replay *r, const struct nohz_noise_in *in, size_t *cur,
		      uint64_t rs, uint64_t gs, uint64_t ge, struct nohz_noise_cpu *c);

/* utf8_len - length of the well-formed UTF-8 sequence (no overlong, no
 * surrogate, not U+FFFE/F) at s, 0 if none: names from others are shown
 * only as such sequences */
size_t utf8_len(const unsigned char *s);
/* proc_perf_holders - processes holding perf event fds, "comm/pid, ..." into
 * buf; *self when this process holds some */
void proc_perf_holders(char *buf, size_t len, bool *self);
/* trace_explain_defaults - fill what eo leaves zero from the live system
 * (housekeeping, nohz_full, rcu_nocbs, CONFIG_NO_HZ_FULL, the window) */
void trace_explain_defaults(const struct nohz_trace *t, struct nohz_explain_opts *eo);
/* explain_is_tick_fn - fn is the tick's hrtimer function */
bool explain_is_tick_fn(const char *fn);
/* remedy_describe - fill s->what and s->remedy (and s->self for perf) */
void remedy_describe(struct nohz_source *s, const struct remedy_in *in,
		     const struct nohz_explain_opts *o);

/* The aggregator, shared by lib/explain.c (counting while the window is
 * open) and lib/explain_rank.c (turning rows into ranked sources). */
struct ex_row {			/* one source being counted */
	int cpu;
	enum nohz_src_kind kind;
	int64_t id;		/* irq, vector, dependency mask; IPI 1: csd;
				 * TIMER: the hrtimer while its armer is unknown */
	pid_t pid, tgid;	/* the task (TASK, timer armer, POSIX_TIMER) */
	bool self;
	uint64_t count, ticks, wakeups;
	char name[64];		/* function, action, vector, dependency */
	char comm[16];
};

struct ex_armer {		/* who last armed an hrtimer: its expiries' owner */
	bool used;
	int cpu;
	uint64_t ptr;
	pid_t pid, tgid;
	char comm[16];
};

struct ex_cpu {
	struct nohz_explain_cpu pub;
	struct nohz_source *src;	/* after finish */
	bool in_timer_irq, irq_expired;
	long dep_row;		/* last tick_stop failure not yet followed by a tick */
	char others[256];	/* foreign tasks, for SCHED */
};

struct nohz_explain {
	struct ex_cpu *cpu[NOHZ_MAX_CPUS];
	struct ex_row *rows;
	size_t nrows, rcap;
	uint32_t *index;	/* open addressing: row index + 1 */
	size_t icap;
	struct ex_armer *arm;
	size_t narm, acap;
	double seconds;
	bool finished;
};

/* ex_armer_slot - the slot of hrtimer ptr on cpu: the matching one, else
 * a new one when add (NULL on ENOMEM), else NULL */
struct ex_armer *ex_armer_slot(struct nohz_explain *ex, int cpu, uint64_t ptr, bool add);
/* ex_set_task - give r the process and name when known */
void ex_set_task(struct ex_row *r, pid_t tgid, const char *comm);
/* ex_timer_irq_end - close the local timer interrupt in progress on c;
 * 0 or -ENOMEM */
int ex_timer_irq_end(struct nohz_explain *ex, struct ex_cpu *c);

/* kernel_rcu_nocbs - the cpus whose RCU callbacks the kernel offloaded: its
 * own boot line in the kernel log, else rebuilt as the kernel does from
 * rcu_nocbs=, nohz_full and the config; log: the kernel log when the
 * caller has read it already, NULL to read it here; 1 read from the log,
 * 0 rebuilt */
int kernel_rcu_nocbs(struct nohz_sys *sys, const struct nohz_kernel *k,
		     const char *log, struct nohz_cpuset *s);

/* tracefs instances of our own (lib/tracefs.c): every setting lib/trace.c
 * and lib/dtrace.c make is in one, so removing it undoes them all */
struct tracefs_instance;
#define OWN_INST_REAP		1	/* remove those of processes that are gone */
#define OWN_INST_REPLACE	2	/* ours exists: a run with our pid left it */
/* own_instance_open - create "PREFIX PID" (seq < 0) or "PREFIX PID-SEQ" once
 * tracefs is reachable (nohz_tracefs_ensure); without OWN_INST_REPLACE an
 * existing one is kept and refused (-EEXIST).  0 or -errno with err */
int own_instance_open(struct tracefs_instance **out, const char *prefix, int seq,
		      unsigned int flags, char *err, size_t errlen);
/* own_instance_close - events off, removed (retrying up to wait_ms while a
 * reader still holds one of its files), freed; NULL is fine */
void own_instance_close(struct tracefs_instance *inst, int wait_ms);

/* trace internals: lib/trace.c reads the ring buffers, lib/trace_events.c
 * chooses the events and decodes them */
struct tep_handle;
struct tep_record;
struct tracefs_instance;
struct trace_dec;
/* trace_dec_open - read the event formats and kallsyms, enable in inst every
 * event this kernel has (the others are listed in missing); 0 or -errno */
int trace_dec_open(struct trace_dec **out, struct tracefs_instance *inst, bool noise,
		   char *missing, size_t mlen, char *err, size_t errlen);
struct tep_handle *trace_dec_tep(struct trace_dec *d);
/* trace_dec_record - decode one raw event into out: 1 ours, 0 not */
int trace_dec_record(struct trace_dec *d, struct tep_record *rec,
		     struct nohz_trace_rec *out);
/* trace_dec_dump - the --trace line of a decoded event */
void trace_dec_dump(struct trace_dec *d, FILE *f, struct tep_record *rec,
		    const struct nohz_trace_rec *r);
void trace_dec_close(struct trace_dec *d);

/* sys_dmesg - the kernel log: klogctl on the live system, else ROOT/dmesg or
 * ROOT/var/log/dmesg; caller frees; -ENOENT when none is readable */
int sys_dmesg(struct nohz_sys *sys, char **buf);

/* The static checks: one table in checks.c, functions per group. */
struct check_ctx {
	struct nohz_sys *sys;
	const struct nohz_kernel *k;
	struct nohz_cpuset t;		/* targets */
	struct nohz_cpuset hk;		/* online housekeeping cpus */
	char tlist[2048], hklist[2048], hkmask[2400];
	char *dmesg;			/* NULL when unreadable */
	struct nohz_thread *threads;	/* one /proc scan shared by checks */
	size_t nthreads;
	bool threads_ok;
};
typedef void (*check_fn)(struct check_ctx *c, struct nohz_finding *f);

/* verdict helpers: set verdict and evidence/remedy with printf formats */
void f_set(struct nohz_finding *f, enum nohz_verdict v, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void f_remedy(struct nohz_finding *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* f_prefix - put a sentence before the evidence gathered so far; checks
 * that use it gather into at most NOHZ_EVIDENCE_LEN - NOHZ_PREFIX_ROOM */
#define NOHZ_PREFIX_ROOM 128
void f_prefix(struct nohz_finding *f, enum nohz_verdict v, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

void check_kernel_config(struct check_ctx *c, struct nohz_finding *f);
void check_kernel_hz(struct check_ctx *c, struct nohz_finding *f);
void check_boot_nohz_full(struct check_ctx *c, struct nohz_finding *f);
void check_boot_isolcpus(struct check_ctx *c, struct nohz_finding *f);
void check_boot_rcu_nocbs(struct check_ctx *c, struct nohz_finding *f);
void check_boot_extras(struct check_ctx *c, struct nohz_finding *f);
void check_cpu_online(struct check_ctx *c, struct nohz_finding *f);
void check_cpu_housekeeping(struct check_ctx *c, struct nohz_finding *f);
void check_cpu_smt(struct check_ctx *c, struct nohz_finding *f);
void check_irq_affinity(struct check_ctx *c, struct nohz_finding *f);
void check_irq_default(struct check_ctx *c, struct nohz_finding *f);
void check_irq_irqbalance(struct check_ctx *c, struct nohz_finding *f);
void check_work_cpumask(struct check_ctx *c, struct nohz_finding *f);
void check_work_writeback(struct check_ctx *c, struct nohz_finding *f);
void check_work_unbound(struct check_ctx *c, struct nohz_finding *f);
void check_threads_kthreads(struct check_ctx *c, struct nohz_finding *f);
void check_threads_user(struct check_ctx *c, struct nohz_finding *f);
void check_threads_runnable(struct check_ctx *c, struct nohz_finding *f);
void check_sysctl_stat_interval(struct check_ctx *c, struct nohz_finding *f);
void check_sysctl_watchdog(struct check_ctx *c, struct nohz_finding *f);
void check_sysctl_timer_migration(struct check_ctx *c, struct nohz_finding *f);
void check_sysctl_rt_runtime(struct check_ctx *c, struct nohz_finding *f);
void check_sysctl_numa_balancing(struct check_ctx *c, struct nohz_finding *f);
void check_clocksource(struct check_ctx *c, struct nohz_finding *f);
void check_power_governor(struct check_ctx *c, struct nohz_finding *f);
void check_power_cpuidle(struct check_ctx *c, struct nohz_finding *f);
void check_mm_thp(struct check_ctx *c, struct nohz_finding *f);
void check_mm_mce(struct check_ctx *c, struct nohz_finding *f);
void check_tuned(struct check_ctx *c, struct nohz_finding *f);

/* D-state threads (lib/dstate.c, lib/dwatch.c, lib/dtrace.c) */
/* dstate_read_at - one read() of a small file into buf, NUL-terminated;
 * its length or -errno */
int dstate_read_at(int dirfd, const char *path, char *buf, size_t len);
/* dstate_details_read - cmdline, cgroup, site and, while the thread is still
 * waiting, wchan and (unless w->stack is set) the kernel stack */
void dstate_details_read(struct nohz_sys *sys, struct nohz_dwait *w, bool waiting);
/* dstate_tgid - thread group of a thread id, or -ENOENT */
pid_t dstate_tgid(struct nohz_sys *sys, pid_t tid);
/* One "ID:CONTROLLERS:PATH" line of /proc/PID/cgroup; the fields point
 * into the text, not NUL-terminated. */
struct cgroup_line {
	const char *id, *ctl, *path;
	size_t idlen, ctllen, pathlen;
	bool v2;			/* "0::PATH" */
};
/* cgroup_line_next - the next line at *pos that has two ':' (others are
 * skipped); *pos moves past it.  false at the end of the text.  Shared by
 * nohz_cgroup_info_parse and cg_proc_path (lib/workload_cgroup.c). */
bool cgroup_line_next(const char **pos, struct cgroup_line *l);

enum dtrace_kind { DTRACE_SLEEP, DTRACE_STACK, DTRACE_WAKE };
struct dtrace_ev {
	enum dtrace_kind kind;
	pid_t tid;
	uint64_t ts;		/* CLOCK_MONOTONIC ns */
	const char *comm;	/* SLEEP */
	const char *stack;	/* STACK: frames one a line, scheduler frames left out */
};
struct dtrace;
/* dtrace_open - own tracefs instance with sched_switch (D only, with a
 * stack trigger) and sched_wakeup enabled; 0 or -errno with err */
int dtrace_open(struct dtrace **out, char *err, size_t errlen);
/* dtrace_drain - hand every buffered event to fn, oldest first */
int dtrace_drain(struct dtrace *t, void (*fn)(const struct dtrace_ev *ev, void *arg),
		 void *arg);
uint64_t dtrace_events(const struct dtrace *t);
uint64_t dtrace_lost(const struct dtrace *t);
/* dtrace_close - disable, remove the instance, free */
void dtrace_close(struct dtrace *t);

/* workload internals: lib/workload_cgroup.c finds cgroup hierarchies for
 * lib/workload.c and lib/workload_container.c */
struct cg_mount {
	int version;			/* 1 or 2 */
	char dir[256];			/* mount point: "/sys/fs/cgroup/cpuset" */
	char root[256];			/* the hierarchy's directory shown there */
	char opts[256];			/* super options: "rw,cpuset" */
};
#define CG_MOUNTS_MAX 32
struct cg_mounts {
	size_t n;
	struct cg_mount m[CG_MOUNTS_MAX];
};
/* cg_mounts_parse - the cgroup and cgroup2 lines of a mountinfo text */
int cg_mounts_parse(const char *text, struct cg_mounts *ms);
/* cg_mounts_read - /proc/self/mountinfo under sys, else the usual mount
 * points that exist there (/sys/fs/cgroup, .../cpuset, .../cpu, ...) */
int cg_mounts_read(struct nohz_sys *sys, struct cg_mounts *ms);
/* cg_mount_find - the v1 mount of controller, or (NULL) the v2 mount */
const struct cg_mount *cg_mount_find(const struct cg_mounts *ms,
				     const char *controller);
/* cg_cpuset_mount - where the cpuset controller is: v1 cpuset, else v2 */
const struct cg_mount *cg_cpuset_mount(struct nohz_sys *sys,
				       const struct cg_mounts *ms);
/* cg_dir - directory of hierarchy path on mount m; -ENOENT when outside
 * what the mount shows */
int cg_dir(const struct cg_mount *m, const char *path, char *out, size_t len);
/* cg_proc_path - path of a process in m's hierarchy from /proc/PID/cgroup
 * text ("0::/x" for v2, "N:cpuset:/x" for v1); -ENOENT when not listed */
int cg_proc_path(const char *text, const struct cg_mount *m, char *out, size_t len);
/* cg_read_cpus - effective cpus of the cgroup at dir on m (walking up while
 * the files are absent); from names the file; -ENOENT when none */
int cg_read_cpus(struct nohz_sys *sys, const struct cg_mount *m, const char *dir,
		 struct nohz_cpuset *s, char *from, size_t fromlen);
/* cg_partition - v2: the first non-"member" cpuset.cpus.partition of dir
 * and its ancestors, with that cgroup's cpus; 0 when found, -ENOENT */
int cg_partition(struct nohz_sys *sys, const struct cg_mount *m, const char *dir,
		 char *part, size_t partlen, struct nohz_cpuset *cpus);
/* cg_unescape - mountinfo's octal escapes (\040) in place */
void cg_unescape(char *s);
/*
 * cg_resolve - the cgroup --cgroup names: a directory under a mount point,
 * a path in the cpuset (cm) or v2 hierarchy, else a container id that one
 * cgroup of some /proc/PID/cgroup contains.  Fills *m, dir and path; -ENOENT
 * or -EINVAL (ambiguous id) with a sentence in err.
 */
int cg_resolve(struct nohz_sys *sys, const struct cg_mounts *ms, const struct cg_mount *cm,
	       const char *spec, const struct cg_mount **m, char *dir, size_t dirlen,
	       char *path, size_t pathlen, char *err, size_t errlen);

#endif
