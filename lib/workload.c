// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * workload.c - the application the CPUs were isolated for: a process, or a
 * cgroup (a path or a container id) with every process below it.  Reads its
 * threads once when opened and again at the end of the window; samples the
 * runnable threads on its CPUs both times.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

#define WL_MAX_DEPTH 32		/* cgroup levels walked below the workload */

/* self_pid - the checker's own process on the live system, else 0 */
static pid_t self_pid(struct nohz_sys *sys)
{
	return nohz_sys_live(sys) ? getpid() : 0;
}

/* wl_thread_read - stat and status of one thread; -ENOENT when it is gone */
static int wl_thread_read(struct nohz_sys *sys, pid_t pid, pid_t tid,
			  struct nohz_wl_thread *t, struct nohz_status *status)
{
	char path[128], buf[16384];	/* status: masks of 8192 cpus fit */
	struct nohz_stat st;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", (int)pid, (int)tid);
	if (nohz_sys_read(sys, path, buf, sizeof(buf)) <= 0)
		return -ENOENT;
	if (nohz_stat_parse(buf, &st) < 0)
		return -EINVAL;
	if (status) {
		snprintf(path, sizeof(path), "/proc/%d/task/%d/status", (int)pid, (int)tid);
		if (nohz_sys_read(sys, path, buf, sizeof(buf)) <= 0)
			return -ENOENT;
		if (nohz_status_parse(buf, status) < 0)
			return -EINVAL;
		t->allowed = status->cpus_allowed;
	}
	t->pid = pid;
	t->tid = tid;
	snprintf(t->comm, sizeof(t->comm), "%s", st.comm);
	t->state = st.state;
	t->processor = st.processor;
	t->policy = st.policy;
	t->rt_priority = st.rt_priority;
	t->nice = st.nice;
	t->majflt = st.majflt;
	t->cpu_ticks = st.utime + st.stime;
	return 0;
}

static int wl_push_thread(struct nohz_workload *w, const struct nohz_wl_thread *t)
{
	if (w->n % 64 == 0) {
		struct nohz_wl_thread *nt = realloc(w->t, (w->n + 64) * sizeof(*nt));

		if (!nt)
			return -ENOMEM;
		w->t = nt;
	}
	w->t[w->n++] = *t;
	return 0;
}

/*
 * wl_add_proc - a process and all its threads; 0, -ENOENT when it is gone
 * (or is this checker), -ENOMEM.  cpu: the v1 cpu controller's mount.
 */
static int wl_add_proc(struct nohz_sys *sys, struct nohz_workload *w, pid_t pid,
		       const struct cg_mount *cpu)
{
	struct nohz_wl_proc *p;
	char path[128], text[8192];
	struct dirent *de;
	DIR *d;
	int rc = 0;

	if (pid == self_pid(sys))
		return -ENOENT;
	for (size_t i = 0; i < w->nprocs; i++)
		if (w->procs[i].pid == pid)
			return 0;	/* v1 cgroup.procs may repeat a pid */
	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	d = nohz_sys_opendir(sys, path);
	if (!d)
		return -ENOENT;
	if (w->nprocs % 16 == 0) {
		struct nohz_wl_proc *np = realloc(w->procs, (w->nprocs + 16) * sizeof(*np));

		if (!np) {
			closedir(d);
			return -ENOMEM;
		}
		w->procs = np;
	}
	p = &w->procs[w->nprocs];
	memset(p, 0, sizeof(*p));
	p->pid = pid;
	p->vmlck_kb = -1;
	while ((de = readdir(d))) {
		struct nohz_wl_thread t = { 0 };
		struct nohz_status st;

		if (!str_digits(de->d_name) ||
		    wl_thread_read(sys, pid, (pid_t)atoi(de->d_name), &t, &st) < 0)
			continue;
		if (t.tid == pid) {
			snprintf(p->comm, sizeof(p->comm), "%s", t.comm);
			p->vmlck_kb = st.vmlck_kb;
		}
		/* VmLck belongs to the mm: any thread tells it */
		if (p->vmlck_kb < 0)
			p->vmlck_kb = st.vmlck_kb;
		rc = wl_push_thread(w, &t);
		if (rc < 0)
			break;
		p->nthreads++;
	}
	closedir(d);
	if (rc < 0 || !p->nthreads)
		return rc < 0 ? rc : -ENOENT;
	if (!p->comm[0])
		snprintf(p->comm, sizeof(p->comm), "%s", w->t[w->n - 1].comm);
	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pid);
	if (cpu && nohz_sys_read(sys, path, text, sizeof(text)) > 0)
		cg_proc_path(text, cpu, p->cpu_cg, sizeof(p->cpu_cg));
	w->nprocs++;
	return 0;
}

/* wl_add_cgroup - the processes of dir and of every cgroup below it */
static int wl_add_cgroup(struct nohz_sys *sys, struct nohz_workload *w, const char *dir,
			 const struct cg_mount *cpu, int depth)
{
	char path[1200], *text = NULL, *line, *save = NULL;
	struct dirent *de;
	DIR *d;
	int rc;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	rc = nohz_sys_read_alloc(sys, path, &text, NULL);
	if (rc < 0)
		return rc;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		pid_t pid = (pid_t)atoi(line);

		/* a pid of another pid namespace reads as 0 */
		if (pid > 0 && wl_add_proc(sys, w, pid, cpu) == -ENOMEM) {
			free(text);
			return -ENOMEM;
		}
	}
	free(text);
	if (depth >= WL_MAX_DEPTH)
		return 0;
	d = nohz_sys_opendir(sys, dir);
	if (!d)
		return 0;
	while ((de = readdir(d))) {
		char sub[1200];

		if (de->d_name[0] == '.')
			continue;
		if (snprintf(sub, sizeof(sub), "%s/%s", dir, de->d_name) >= 1024 ||
		    snprintf(path, sizeof(path), "%s/cgroup.procs", sub) >= (int)sizeof(path))
			continue;
		if (nohz_sys_exists(sys, path) &&
		    wl_add_cgroup(sys, w, sub, cpu, depth + 1) == -ENOMEM) {
			closedir(d);
			return -ENOMEM;
		}
	}
	closedir(d);
	return 0;
}

static int wl_push_run(struct nohz_workload *w, const struct nohz_wl_runnable *r)
{
	if (w->nrun % 32 == 0) {
		struct nohz_wl_runnable *nr = realloc(w->run, (w->nrun + 32) * sizeof(*nr));

		if (!nr)
			return -ENOMEM;
		w->run = nr;
	}
	w->run[w->nrun++] = *r;
	return 0;
}

static bool wl_own(const struct nohz_workload *w, pid_t tid)
{
	for (size_t i = 0; i < w->n; i++)
		if (w->t[i].tid == tid)
			return true;
	return false;
}

static int thread_cmp(const void *a, const void *b)
{
	const struct nohz_wl_thread *x = a, *y = b;

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return (x->tid > y->tid) - (x->tid < y->tid);
}

static int proc_cmp(const void *a, const void *b)
{
	const struct nohz_wl_proc *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

static int run_cmp(const void *a, const void *b)
{
	const struct nohz_wl_runnable *x = a, *y = b;

	if (x->sample != y->sample)
		return x->sample < y->sample ? -1 : 1;
	if (x->cpu != y->cpu)
		return x->cpu < y->cpu ? -1 : 1;
	return (x->tid > y->tid) - (x->tid < y->tid);
}

/*
 * wl_sample - every thread of the host in state R whose last cpu is one of
 * the workload's: two of them on one cpu keep its tick (SCHED)
 */
static int wl_sample(struct nohz_sys *sys, struct nohz_workload *w)
{
	DIR *proc = nohz_sys_opendir(sys, "/proc");
	pid_t self = self_pid(sys);
	struct dirent *de;
	int rc = 0;

	if (!proc)
		return -errno;
	while (rc == 0 && (de = readdir(proc))) {
		char tdir[300];
		struct dirent *te;
		DIR *tasks;

		if (!str_digits(de->d_name) || atoi(de->d_name) == self)
			continue;
		snprintf(tdir, sizeof(tdir), "/proc/%s/task", de->d_name);
		tasks = nohz_sys_opendir(sys, tdir);
		if (!tasks)
			continue;
		while (rc == 0 && (te = readdir(tasks))) {
			struct nohz_wl_runnable r = { .sample = w->samples };
			struct nohz_wl_thread t;

			if (!str_digits(te->d_name) ||
			    wl_thread_read(sys, (pid_t)atoi(de->d_name), (pid_t)atoi(te->d_name),
					   &t, NULL) < 0)
				continue;
			if (t.state != 'R' || t.processor < 0 || t.processor >= NOHZ_MAX_CPUS ||
			    !nohz_cpuset_isset(&w->cpus, t.processor))
				continue;
			r.cpu = t.processor;
			r.pid = t.pid;
			r.tid = t.tid;
			snprintf(r.comm, sizeof(r.comm), "%.15s", t.comm);
			r.own = wl_own(w, t.tid);
			rc = wl_push_run(w, &r);
		}
		closedir(tasks);
	}
	closedir(proc);
	w->samples++;
	if (w->nrun)
		qsort(w->run, w->nrun, sizeof(*w->run), run_cmp);
	return rc;
}

/* wl_cpuset_of_procs - union of the cpusets of the processes' cgroups */
static void wl_cpuset_of_procs(struct nohz_sys *sys, struct nohz_workload *w,
			       const struct cg_mount *cm)
{
	nohz_cpuset_zero(&w->cpuset);
	for (size_t i = 0; cm && i < w->nprocs; i++) {
		char path[64], text[8192], cg[512], dir[1024], from[1200];
		struct nohz_cpuset s;

		snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)w->procs[i].pid);
		if (nohz_sys_read(sys, path, text, sizeof(text)) <= 0 ||
		    cg_proc_path(text, cm, cg, sizeof(cg)) < 0 ||
		    cg_dir(cm, cg, dir, sizeof(dir)) < 0 ||
		    cg_read_cpus(sys, cm, dir, &s, from, sizeof(from)) < 0)
			continue;
		nohz_cpuset_or(&w->cpuset, &w->cpuset, &s);
		w->has_cpuset = true;
		if (!w->cg_path[0]) {
			/* the first process's cgroup stands for the workload */
			w->cg_version = cm->version;
			snprintf(w->cg_path, sizeof(w->cg_path), "%s", cg);
			snprintf(w->cg_dir, sizeof(w->cg_dir), "%s", dir);
		}
	}
}

/* wl_affinity - union of the threads' affinity */
static void wl_affinity(struct nohz_workload *w, struct nohz_cpuset *s)
{
	nohz_cpuset_zero(s);
	for (size_t i = 0; i < w->n; i++)
		nohz_cpuset_or(s, s, &w->t[i].allowed);
}

/* wl_finish - cpus, partition, container name, the first runnable sample;
 * processes and threads in id order (readdir order is the hash's) */
static int wl_finish(struct nohz_sys *sys, struct nohz_workload *w,
		     const struct cg_mount *cm)
{
	struct nohz_cgroup_info ci;
	char text[600];

	if (w->n)
		qsort(w->t, w->n, sizeof(*w->t), thread_cmp);
	if (w->nprocs)
		qsort(w->procs, w->nprocs, sizeof(*w->procs), proc_cmp);

	if (w->kind != NOHZ_WL_CGROUP || !w->has_cpuset) {
		wl_affinity(w, &w->cpus);
		snprintf(w->cpus_from, sizeof(w->cpus_from), "%s",
			 w->kind == NOHZ_WL_CGROUP ? "affinity of its threads (no cpuset "
			 "controller)" : "affinity of its threads");
	} else {
		w->cpus = w->cpuset;
	}
	if (cm && w->cg_dir[0])
		cg_partition(sys, cm, w->cg_dir, w->partition, sizeof(w->partition),
			     &w->partition_cpus);
	if (w->cg_path[0]) {
		snprintf(text, sizeof(text), "0::%s\n", w->cg_path);
		if (nohz_cgroup_info_parse(text, &ci) == 0)
			w->container = ci;
	}
	w->opened_ns = now_ns();
	return wl_sample(sys, w);
}

/* thread_status - status of a process or thread id: /proc/ID (hidden but
 * there for a thread), else /proc/PID/task/ID as captured trees hold it */
static int thread_status(struct nohz_sys *sys, pid_t id, struct nohz_status *st)
{
	char path[300], buf[16384];
	struct dirent *de;
	DIR *proc;
	int rc = -ENOENT;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)id);
	if (nohz_sys_read(sys, path, buf, sizeof(buf)) > 0)
		return nohz_status_parse(buf, st);
	proc = nohz_sys_opendir(sys, "/proc");
	while (proc && rc < 0 && (de = readdir(proc))) {
		if (!str_digits(de->d_name))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/task/%d/status", de->d_name, (int)id);
		if (nohz_sys_read(sys, path, buf, sizeof(buf)) > 0)
			rc = nohz_status_parse(buf, st);
	}
	if (proc)
		closedir(proc);
	return rc;
}

int nohz_workload_pid(struct nohz_sys *sys, pid_t pid, struct nohz_workload *w,
		      char *err, size_t errlen)
{
	struct cg_mounts ms;
	const struct cg_mount *cm;
	struct nohz_status st;
	int rc;

	memset(w, 0, sizeof(*w));
	w->kind = NOHZ_WL_PID;
	snprintf(w->spec, sizeof(w->spec), "%d", (int)pid);
	if (pid <= 0 || thread_status(sys, pid, &st) < 0) {
		nohz_err(err, errlen, "no process %d", (int)pid);
		return -ESRCH;
	}
	/* a thread id names its process */
	w->pid = st.tgid > 0 ? st.tgid : pid;
	if (w->pid == self_pid(sys)) {
		nohz_err(err, errlen, "process %d is this checker", (int)pid);
		return -EINVAL;
	}
	cg_mounts_read(sys, &ms);
	rc = wl_add_proc(sys, w, w->pid, cg_mount_find(&ms, "cpu"));
	if (rc < 0) {
		nohz_err(err, errlen, rc == -ENOMEM ? "out of memory" :
			 "no process %d (it exited)", (int)pid);
		nohz_workload_free(w);
		return rc == -ENOMEM ? rc : -ESRCH;
	}
	cm = cg_cpuset_mount(sys, &ms);
	wl_cpuset_of_procs(sys, w, cm);
	rc = wl_finish(sys, w, cm);
	if (rc < 0)
		nohz_workload_free(w);
	return rc;
}

int nohz_workload_cgroup(struct nohz_sys *sys, const char *spec,
			 struct nohz_workload *w, char *err, size_t errlen)
{
	struct cg_mounts ms;
	const struct cg_mount *cm, *m = NULL;
	int rc;

	memset(w, 0, sizeof(*w));
	w->kind = NOHZ_WL_CGROUP;
	snprintf(w->spec, sizeof(w->spec), "%s", spec);
	if (!*spec) {
		nohz_err(err, errlen, "an empty cgroup name");
		return -EINVAL;
	}
	if (!cg_mounts_read(sys, &ms)) {
		nohz_err(err, errlen, "no cgroup file system is mounted under %s",
			 nohz_sys_root(sys));
		return -ENOENT;
	}
	cm = cg_cpuset_mount(sys, &ms);
	rc = cg_resolve(sys, &ms, cm, spec, &m, w->cg_dir, sizeof(w->cg_dir), w->cg_path,
			sizeof(w->cg_path), err, errlen);
	if (rc < 0)
		return rc;
	w->cg_version = m->version;
	rc = wl_add_cgroup(sys, w, w->cg_dir, cg_mount_find(&ms, "cpu"), 0);
	if (rc < 0) {
		nohz_err(err, errlen, "cannot read %s/cgroup.procs: %s", w->cg_dir,
			 strerror(-rc));
		nohz_workload_free(w);
		return rc;
	}
	if (!w->n) {
		nohz_err(err, errlen, "cgroup %s has no process", w->cg_dir);
		nohz_workload_free(w);
		return -ENOENT;
	}
	/* the cpuset: the cgroup's own, else that of its processes */
	if (m == cm) {
		char from[1200] = "";

		w->has_cpuset = cg_read_cpus(sys, m, w->cg_dir, &w->cpuset, from,
					     sizeof(from)) == 0;
		/* the file, and the cgroup when it was an ancestor's */
		if (w->has_cpuset && !strncmp(from, w->cg_dir, strlen(w->cg_dir)) &&
		    from[strlen(w->cg_dir)] == '/' && !strchr(from + strlen(w->cg_dir) + 1, '/'))
			snprintf(w->cpus_from, sizeof(w->cpus_from), "%s",
				 from + strlen(w->cg_dir) + 1);
		else if (w->has_cpuset)
			snprintf(w->cpus_from, sizeof(w->cpus_from), "%.30s of a parent cgroup",
				 strrchr(from, '/') + 1);
	} else {
		char path[512], dir[1024];

		snprintf(path, sizeof(path), "%s", w->cg_path);
		snprintf(dir, sizeof(dir), "%s", w->cg_dir);
		wl_cpuset_of_procs(sys, w, cm);
		/* keep the cgroup that was asked for as the workload's name */
		snprintf(w->cg_path, sizeof(w->cg_path), "%s", path);
		snprintf(w->cg_dir, sizeof(w->cg_dir), "%s", dir);
		w->cg_version = m->version;
		snprintf(w->cpus_from, sizeof(w->cpus_from), "cpuset of its processes");
	}
	rc = wl_finish(sys, w, m == cm ? cm : NULL);
	if (rc < 0)
		nohz_workload_free(w);
	return rc;
}

/* wl_pidns - every process under /proc: in a pid namespace, the container */
static int wl_pidns(struct nohz_sys *sys, struct nohz_workload *w, char *err,
		    size_t errlen)
{
	struct cg_mounts ms;
	DIR *proc = nohz_sys_opendir(sys, "/proc");
	struct dirent *de;
	int rc = 0;

	memset(w, 0, sizeof(*w));
	w->kind = NOHZ_WL_PIDNS;
	snprintf(w->spec, sizeof(w->spec), "%s", "self");
	if (!proc) {
		nohz_err(err, errlen, "cannot read /proc: %s", strerror(errno));
		return -errno;
	}
	cg_mounts_read(sys, &ms);
	while (rc != -ENOMEM && (de = readdir(proc)))
		if (str_digits(de->d_name))
			rc = wl_add_proc(sys, w, (pid_t)atoi(de->d_name),
					 cg_mount_find(&ms, "cpu"));
	closedir(proc);
	if (rc == -ENOMEM || !w->n) {
		nohz_err(err, errlen, rc == -ENOMEM ? "out of memory" :
			 "no process to check under /proc");
		nohz_workload_free(w);
		return rc == -ENOMEM ? rc : -ENOENT;
	}
	rc = wl_finish(sys, w, NULL);
	if (rc < 0)
		nohz_workload_free(w);
	return rc;
}

int nohz_workload_self(struct nohz_sys *sys, struct nohz_workload *w, char *err,
		       size_t errlen)
{
	struct cg_mounts ms;
	const struct cg_mount *cm;
	char text[8192], path[512], dir[1024];
	int rc = -ENOENT;

	cg_mounts_read(sys, &ms);
	cm = cg_cpuset_mount(sys, &ms);
	if (cm && nohz_sys_read(sys, "/proc/self/cgroup", text, sizeof(text)) > 0 &&
	    cg_proc_path(text, cm, path, sizeof(path)) == 0 &&
	    cg_dir(cm, path, dir, sizeof(dir)) == 0)
		rc = nohz_workload_cgroup(sys, dir, w, err, errlen);
	if (rc == 0)
		snprintf(w->spec, sizeof(w->spec), "%s", "self");
	else
		rc = wl_pidns(sys, w, err, errlen);
	return rc;
}

int nohz_workload_refresh(struct nohz_sys *sys, struct nohz_workload *w)
{
	for (size_t i = 0; i < w->n; i++) {
		struct nohz_wl_thread *t = &w->t[i], now = { 0 };

		if (wl_thread_read(sys, t->pid, t->tid, &now, NULL) < 0) {
			t->gone = true;
			continue;
		}
		t->majflt_delta = now.majflt >= t->majflt ? now.majflt - t->majflt : 0;
		t->cpu_delta = now.cpu_ticks >= t->cpu_ticks ? now.cpu_ticks - t->cpu_ticks : 0;
		t->state = now.state;
		t->processor = now.processor;
	}
	w->window = (now_ns() - w->opened_ns) / 1e9;
	return wl_sample(sys, w);
}

pid_t *nohz_workload_tids(const struct nohz_workload *w, size_t *n)
{
	pid_t *tids = calloc(w->n + 1, sizeof(*tids));

	*n = 0;
	if (!tids)
		return NULL;
	for (size_t i = 0; i < w->n; i++)
		tids[(*n)++] = w->t[i].tid;
	return tids;
}

void nohz_workload_free(struct nohz_workload *w)
{
	free(w->t);
	free(w->procs);
	free(w->run);
	w->t = NULL;
	w->procs = NULL;
	w->run = NULL;
	w->n = w->nprocs = w->nrun = 0;
}

const char *nohz_sched_policy_name(unsigned int policy)
{
	static const char *const names[] = {
		"SCHED_OTHER", "SCHED_FIFO", "SCHED_RR", "SCHED_BATCH", "SCHED_ISO",
		"SCHED_IDLE", "SCHED_DEADLINE", "SCHED_EXT",
	};

	return policy < ARRAY_SIZE(names) ? names[policy] : "SCHED_?";
}
