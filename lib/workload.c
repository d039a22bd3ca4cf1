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

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

/* self_pid - the checker's own process on the live system, else 0 */
static pid_t self_pid(struct nohz_sys *sys)
{
	return nohz_sys_live(sys) ? getpid() : 0;
}

/* wl_thread_read - stat and status of one thread; -ENOENT when it is gone */
static int wl_thread_read(struct nohz_sys *sys, pid_t pid, pid_t tid,
			  struct nohz_wl_thread *t, struct nohz_status *status)
{
	char path[128], buf[4096];
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
	char path[128], text[4096];
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

		if (!all_digits(de->d_name) ||
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
		snprintf(sub, sizeof(sub), "%s/%s", dir, de->d_name);
		snprintf(path, sizeof(path), "%s/cgroup.procs", sub);
		if (strlen(sub) < 1024 && nohz_sys_exists(sys, path) &&
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
		char tdir[64];
		struct dirent *te;
		DIR *tasks;

		if (!all_digits(de->d_name) || atoi(de->d_name) == self)
			continue;
		snprintf(tdir, sizeof(tdir), "/proc/%s/task", de->d_name);
		tasks = nohz_sys_opendir(sys, tdir);
		if (!tasks)
			continue;
		while (rc == 0 && (te = readdir(tasks))) {
			struct nohz_wl_runnable r = { .sample = w->samples };
			struct nohz_wl_thread t;

			if (!all_digits(te->d_name) ||
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
	return rc;
}

/* wl_cpuset_of_procs - union of the cpusets of the processes' cgroups */
static void wl_cpuset_of_procs(struct nohz_sys *sys, struct nohz_workload *w,
			       const struct cg_mount *cm)
{
	nohz_cpuset_zero(&w->cpuset);
	for (size_t i = 0; cm && i < w->nprocs; i++) {
		char path[64], text[4096], cg[512], dir[1024], from[1200];
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

/* wl_finish - cpus, partition, container name, the first runnable sample */
static int wl_finish(struct nohz_sys *sys, struct nohz_workload *w,
		     const struct cg_mount *cm)
{
	struct nohz_cgroup_info ci;
	char text[600];

	if (w->kind == NOHZ_WL_PID || !w->has_cpuset) {
		wl_affinity(w, &w->cpus);
		snprintf(w->cpus_from, sizeof(w->cpus_from), "%s",
			 w->kind == NOHZ_WL_PID ? "affinity of its threads" :
			 "affinity of its threads (no cpuset controller)");
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

int nohz_workload_pid(struct nohz_sys *sys, pid_t pid, struct nohz_workload *w,
		      char *err, size_t errlen)
{
	struct cg_mounts ms;
	const struct cg_mount *cm;
	char path[64], buf[4096];
	struct nohz_status st;
	int rc;

	memset(w, 0, sizeof(*w));
	w->kind = NOHZ_WL_PID;
	snprintf(w->spec, sizeof(w->spec), "%d", (int)pid);
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if (pid <= 0 || nohz_sys_read(sys, path, buf, sizeof(buf)) <= 0 ||
	    nohz_status_parse(buf, &st) < 0) {
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

/* spec_dir - spec as a cgroup directory: under a mount point, or a path
 * inside the cpuset or v2 hierarchy; fills *mount, dir, path */
static int spec_dir(struct nohz_sys *sys, const struct cg_mounts *ms,
		    const struct cg_mount *cm, const char *spec,
		    const struct cg_mount **mount, char *dir, size_t dirlen,
		    char *path, size_t pathlen)
{
	const struct cg_mount *best = NULL, *try[2];
	char probe[1200];

	/* the longest mount point that holds spec */
	for (size_t i = 0; spec[0] == '/' && i < ms->n; i++) {
		size_t dl = strlen(ms->m[i].dir);

		if (!strncmp(spec, ms->m[i].dir, dl) && (!spec[dl] || spec[dl] == '/') &&
		    (!best || dl > strlen(best->dir)))
			best = &ms->m[i];
	}
	if (best) {
		const char *rest = spec + strlen(best->dir);

		snprintf(dir, dirlen, "%s", spec);
		while (strlen(dir) > 1 && dir[strlen(dir) - 1] == '/')
			dir[strlen(dir) - 1] = '\0';
		snprintf(probe, sizeof(probe), "%s/cgroup.procs", dir);
		if (!nohz_sys_exists(sys, probe))
			return -ENOENT;
		snprintf(path, pathlen, "%s%s%s", strcmp(best->root, "/") ? best->root : "",
			 *rest == '/' ? "" : "/", rest);
		while (strlen(path) > 1 && path[strlen(path) - 1] == '/')
			path[strlen(path) - 1] = '\0';
		*mount = best;
		return 0;
	}
	/* relative to the cpuset hierarchy, then to v2 */
	try[0] = cm;
	try[1] = cg_mount_find(ms, NULL);
	for (int i = 0; i < 2; i++) {
		char p[600];

		if (!try[i] || (i == 1 && try[1] == try[0]))
			continue;
		snprintf(p, sizeof(p), "%s%s%s", strcmp(try[i]->root, "/") ? try[i]->root : "",
			 spec[0] == '/' ? "" : "/", spec);
		while (strlen(p) > 1 && p[strlen(p) - 1] == '/')
			p[strlen(p) - 1] = '\0';
		if (cg_dir(try[i], p, dir, dirlen) < 0)
			continue;
		snprintf(probe, sizeof(probe), "%s/cgroup.procs", dir);
		if (nohz_sys_exists(sys, probe)) {
			snprintf(path, pathlen, "%s", p);
			*mount = try[i];
			return 0;
		}
	}
	return -ENOENT;
}

/* component_end - end of the path component of path that contains id
 * (also with '-' escaped as '_', as systemd slice names do), or NULL */
static const char *component_end(const char *path, const char *id)
{
	char esc[256];
	const char *hit;

	snprintf(esc, sizeof(esc), "%s", id);
	for (char *p = esc; *p; p++)
		if (*p == '-')
			*p = '_';
	hit = strstr(path, id);
	if (!hit)
		hit = strstr(path, esc);
	return hit ? strchrnul(hit, '/') : NULL;
}

struct id_match {
	const struct cg_mount *m;
	char path[512];
	pid_t pid;
};

/* id_line - in /proc/PID/cgroup text, the cgroup named after id: the line
 * of the cpuset hierarchy first, then v2, then any mounted v1 one */
static bool id_line(const char *text, const char *id, const struct cg_mounts *ms,
		    const struct cg_mount *cm, struct id_match *out)
{
	const struct cg_mount *order[CG_MOUNTS_MAX + 2];
	size_t n = 0;

	order[n++] = cm;
	order[n++] = cg_mount_find(ms, NULL);
	for (size_t i = 0; i < ms->n && n < ARRAY_SIZE(order); i++)
		order[n++] = &ms->m[i];
	for (size_t i = 0; i < n; i++) {
		char path[512];
		const char *end;

		if (!order[i] || cg_proc_path(text, order[i], path, sizeof(path)) < 0)
			continue;
		end = component_end(path, id);
		if (!end)
			continue;
		out->m = order[i];
		snprintf(out->path, sizeof(out->path), "%.*s", (int)(end - path), path);
		return true;
	}
	return false;
}

/* spec_id - the one cgroup some process's /proc/PID/cgroup names after id */
static int spec_id(struct nohz_sys *sys, const struct cg_mounts *ms,
		   const struct cg_mount *cm, const char *id, const struct cg_mount **mount,
		   char *dir, size_t dirlen, char *path, size_t pathlen, char *err,
		   size_t errlen)
{
	struct id_match found[2] = { 0 };
	int nfound = 0, nproc = 0;
	DIR *proc = nohz_sys_opendir(sys, "/proc");
	struct dirent *de;

	if (!proc) {
		nohz_err(err, errlen, "cannot read /proc: %s", strerror(errno));
		return -errno;
	}
	while ((de = readdir(proc))) {
		char p[300], text[4096];
		struct id_match mt;
		int k;

		if (!all_digits(de->d_name))
			continue;
		snprintf(p, sizeof(p), "/proc/%s/cgroup", de->d_name);
		if (nohz_sys_read(sys, p, text, sizeof(text)) <= 0)
			continue;
		nproc++;
		if (!id_line(text, id, ms, cm, &mt))
			continue;
		mt.pid = (pid_t)atoi(de->d_name);
		for (k = 0; k < nfound; k++)
			if (found[k].m == mt.m && !strcmp(found[k].path, mt.path))
				break;
		if (k < nfound)
			continue;
		/* podman's monitor sits in libpod-conmon-ID.scope: the container wins */
		if (nfound == 1 && strstr(found[0].path, "conmon") && !strstr(mt.path, "conmon")) {
			found[0] = mt;
			continue;
		}
		if (nfound == 1 && strstr(mt.path, "conmon"))
			continue;
		if (nfound < 2)
			found[nfound] = mt;
		nfound++;
	}
	closedir(proc);
	if (!nfound) {
		nohz_err(err, errlen, "no such cgroup, and no /proc/PID/cgroup of the %d "
			 "processes here names '%s'", nproc, id);
		return -ENOENT;
	}
	if (nfound > 1) {
		nohz_err(err, errlen, "'%s' names %d cgroups (%s of pid %d, %s of pid %d%s): "
			 "give more of the id", id, nfound, found[0].path, (int)found[0].pid,
			 found[1].path, (int)found[1].pid, nfound > 2 ? ", ..." : "");
		return -EINVAL;
	}
	*mount = found[0].m;
	snprintf(path, pathlen, "%s", found[0].path);
	if (cg_dir(found[0].m, found[0].path, dir, dirlen) < 0) {
		nohz_err(err, errlen, "'%s' is cgroup %s, which %s does not show", id,
			 found[0].path, found[0].m->dir);
		return -ENOENT;
	}
	return 0;
}

int nohz_workload_cgroup(struct nohz_sys *sys, const char *spec,
			 struct nohz_workload *w, char *err, size_t errlen)
{
	struct cg_mounts ms;
	const struct cg_mount *cm, *m = NULL;
	bool idlike = *spec && strlen(spec) < 200;
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
	for (const char *p = spec; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("-_.:", *p))
			idlike = false;
	rc = spec_dir(sys, &ms, cm, spec, &m, w->cg_dir, sizeof(w->cg_dir), w->cg_path,
		      sizeof(w->cg_path));
	if (rc < 0 && idlike) {
		rc = spec_id(sys, &ms, cm, spec, &m, w->cg_dir, sizeof(w->cg_dir),
			     w->cg_path, sizeof(w->cg_path), err, errlen);
		if (rc < 0)
			return rc;
	} else if (rc < 0) {
		char where[600] = "";

		for (size_t i = 0; i < ms.n; i++)
			if (ms.m[i].version == 2 || &ms.m[i] == cm)
				snprintf(where + strlen(where), sizeof(where) - strlen(where),
					 "%s%s", where[0] ? ", " : "", ms.m[i].dir);
		nohz_err(err, errlen, "no such cgroup (a directory with cgroup.procs under %s)",
			 where[0] ? where : "a cgroup mount");
		return -ENOENT;
	}
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

int nohz_workload_self(struct nohz_sys *sys, struct nohz_workload *w, char *err,
		       size_t errlen)
{
	struct cg_mounts ms;
	const struct cg_mount *cm;
	char text[4096], path[512], dir[1024];
	int rc;

	cg_mounts_read(sys, &ms);
	cm = cg_cpuset_mount(sys, &ms);
	if (!cm || nohz_sys_read(sys, "/proc/self/cgroup", text, sizeof(text)) <= 0 ||
	    cg_proc_path(text, cm, path, sizeof(path)) < 0 ||
	    cg_dir(cm, path, dir, sizeof(dir)) < 0) {
		memset(w, 0, sizeof(*w));
		nohz_err(err, errlen, "cannot find this process's own cgroup");
		return -ENOENT;
	}
	rc = nohz_workload_cgroup(sys, dir, w, err, errlen);
	if (rc == 0)
		snprintf(w->spec, sizeof(w->spec), "%s", "self");
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
