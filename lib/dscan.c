// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * dscan.c - the D-state scan of every sampling interval, kept cheap for
 * tens of thousands of threads.
 *
 * Opening and closing a /proc file costs more than reading it, and
 * do_task_stat is the dearest read under /proc/PID/task.  So the scanner
 * keeps a task dir fd per process and a schedstat fd per thread open between
 * passes, and preads schedstat (three numbers) first.  Only a thread itself
 * can put itself to sleep: one seen sleeping (neither R nor D) whose CPU time
 * has not moved since cannot have entered D, and its stat is not read.
 * schedstat is read before stat, so a run between the two reads shows up as
 * a change next time.  A task dir links 2 + its threads: while that count
 * holds and no thread died, the thread list is unchanged and getdents is
 * skipped.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

#define FD_MARGIN 128		/* fds left to the rest of the program */
#define NO_FD (-2)		/* no schedstat to keep open */

struct dthr {
	pid_t tid;
	int fd;			/* schedstat; -1 not open yet */
	unsigned long long runtime;	/* 0 unknown */
	char state;		/* as last read, 0 never */
};

struct dproc {
	pid_t pid;
	int taskfd;		/* -1 not open */
	struct dthr *t;		/* sorted by tid */
	size_t n, cap;
	bool listed;
};

struct nohz_dscan {
	struct nohz_sys *sys;
	int procfd;
	pid_t *pids;		/* fixed set, or NULL for all */
	size_t npids;
	struct dproc *p, *q;	/* sorted by pid; q is the spare for merging */
	size_t n, cap, qcap;
	pid_t *cur;		/* this pass's pid list */
	size_t ncur, ccur;
	pid_t *tids;
	size_t ctids;
	long budget;		/* fds we may still keep */
	unsigned long long stat_reads;
	int (*fn)(const struct nohz_dthread *t, void *arg);
	void *arg;
	int count, stop;
};

static int pid_cmp(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return (x > y) - (x < y);
}

/* fd_keep - open a file to keep open, within the fd budget */
static int fd_keep(struct nohz_dscan *s, int dirfd, const char *path, int flags)
{
	int fd;

	if (s->budget <= 0)
		return -EMFILE;
	fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | flags);
	if (fd < 0) {
		if (errno == EMFILE || errno == ENFILE)
			s->budget = 0;
		return -errno;
	}
	s->budget--;
	return fd;
}

static void fd_drop(struct nohz_dscan *s, int *fd)
{
	if (*fd >= 0) {
		close(*fd);
		s->budget++;
	}
	*fd = -1;
}

static int grow(void **v, size_t *cap, size_t want, size_t size)
{
	void *p;
	size_t nc = *cap ? *cap : 16;

	if (want <= *cap)
		return 0;
	while (nc < want)
		nc *= 2;
	p = realloc(*v, nc * size);
	if (!p)
		return -ENOMEM;
	*v = p;
	*cap = nc;
	return 0;
}

/* read_dir - the numeric names of a directory, sorted */
static int read_dir(struct nohz_dscan *s, int dirfd, pid_t **out, size_t *n,
		    size_t *cap)
{
	char dents[16384];
	ssize_t len;

	*n = 0;
	if (lseek(dirfd, 0, SEEK_SET) < 0)
		return -errno;
	while ((len = getdents64(dirfd, dents, sizeof(dents))) > 0) {
		for (ssize_t off = 0; off < len;) {
			struct dirent64 *d = (struct dirent64 *)(dents + off);

			off += d->d_reclen;
			if (!isdigit((unsigned char)d->d_name[0]))
				continue;
			if (grow((void **)out, cap, *n + 1, sizeof(**out)) < 0)
				return -ENOMEM;
			(*out)[(*n)++] = (pid_t)atoi(d->d_name);
		}
	}
	if (len < 0)
		return -errno;
	if (*n)		/* *out is still NULL when nothing was listed */
		qsort(*out, *n, sizeof(**out), pid_cmp);
	return 0;
}

/* report - a thread read in D: full parse, leader's name, to the caller */
static void report(struct nohz_dscan *s, pid_t pid, const char *line,
		   unsigned long long runtime)
{
	struct nohz_dthread t;
	char path[32], buf[80];

	if (nohz_stat_parse(line, &t.stat) < 0)
		return;
	t.pid = pid;
	t.runtime_ns = runtime;
	snprintf(t.pcomm, sizeof(t.pcomm), "%s", t.stat.comm);
	snprintf(path, sizeof(path), "%d/comm", (int)pid);
	if (pid != t.stat.tid && dstate_read_at(s->procfd, path, buf, sizeof(buf)) > 0)
		snprintf(t.pcomm, sizeof(t.pcomm), "%.*s", (int)strcspn(buf, "\n"), buf);
	s->stop = s->fn(&t, s->arg);
}

/* thread_check - look at one thread; 1 when it is gone */
static int thread_check(struct nohz_dscan *s, struct dproc *pe, int taskfd,
			struct dthr *th)
{
	unsigned long long rt = 0;
	char path[48], buf[1024];
	const char *rp;
	int n;

	if (th->fd == -1) {
		snprintf(path, sizeof(path), "%d/schedstat", (int)th->tid);
		th->fd = fd_keep(s, taskfd, path, 0);
		if (th->fd < 0)
			th->fd = th->fd == -EMFILE ? -1 : NO_FD;
	}
	if (th->fd >= 0) {
		n = (int)pread(th->fd, buf, sizeof(buf) - 1, 0);
		if (n < 0 && errno == ESRCH)
			return 1;
		if (n > 0) {
			buf[n] = '\0';
			rt = strtoull(buf, NULL, 10);
		} else {
			fd_drop(s, &th->fd);
			th->fd = NO_FD;
		}
	}
	if (rt && rt == th->runtime && th->state && th->state != 'R' && th->state != 'D') {
		s->count++;
		return 0;
	}
	th->runtime = rt;
	snprintf(path, sizeof(path), "%d/stat", (int)th->tid);
	n = dstate_read_at(taskfd, path, buf, sizeof(buf));
	if (n <= 0)
		return n == -ENOENT || n == -ESRCH;
	s->stat_reads++;
	rp = memrchr(buf, ')', n);
	th->state = rp && rp[1] == ' ' ? rp[2] : 0;
	s->count += th->state != 0;
	if (th->state == 'D')
		report(s, pe->pid, buf, rt);
	return 0;
}

/* relist - read the task dir again: keep known threads, check new ones */
static int relist(struct nohz_dscan *s, struct dproc *pe, int taskfd)
{
	size_t nt = 0, i = 0, j = 0, k = 0;
	struct dthr *nv;
	int rc = read_dir(s, taskfd, &s->tids, &nt, &s->ctids);

	if (rc < 0)
		return rc;
	nv = calloc(nt ? nt : 1, sizeof(*nv));
	if (!nv)
		return -ENOMEM;
	while (i < nt) {
		if (j < pe->n && pe->t[j].tid < s->tids[i]) {
			fd_drop(s, &pe->t[j++].fd);	/* gone */
			continue;
		}
		if (j < pe->n && pe->t[j].tid == s->tids[i]) {
			nv[k++] = pe->t[j++];
		} else {
			nv[k] = (struct dthr){ .tid = s->tids[i], .fd = -1 };
			if (!s->stop && thread_check(s, pe, taskfd, nv + k) == 1) {
				fd_drop(s, &nv[k].fd);
				i++;
				continue;
			}
			k++;
		}
		i++;
	}
	while (j < pe->n)
		fd_drop(s, &pe->t[j++].fd);
	free(pe->t);
	pe->t = nv;
	pe->n = k;
	pe->cap = nt ? nt : 1;
	pe->listed = true;
	return 0;
}

/* taskdir_open - the task dir of pe, kept open when the fd budget allows */
static int taskdir_open(struct nohz_dscan *s, struct dproc *pe, const char *path)
{
	int fd = fd_keep(s, s->procfd, path, O_DIRECTORY);

	pe->taskfd = fd >= 0 ? fd : -1;
	if (fd == -EMFILE)	/* out of fds: open for this pass only */
		fd = openat(s->procfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return fd;
}

/* proc_scan - every thread of one process */
static void proc_scan(struct nohz_dscan *s, struct dproc *pe)
{
	char path[32];
	bool dirty = !pe->listed || !pe->n;
	struct stat st;
	int fd = pe->taskfd;

	snprintf(path, sizeof(path), "%d/task", (int)pe->pid);
	if (fd < 0 && (fd = taskdir_open(s, pe, path)) < 0)
		return;		/* gone */
	if (!dirty && (fstat(fd, &st) < 0 || st.st_nlink != pe->n + 2))
		dirty = true;
	for (size_t i = 0; i < pe->n && !s->stop;) {
		if (thread_check(s, pe, fd, pe->t + i) == 1) {
			fd_drop(s, &pe->t[i].fd);
			memmove(pe->t + i, pe->t + i + 1, (pe->n - i - 1) * sizeof(*pe->t));
			pe->n--;
			dirty = true;
		} else {
			i++;
		}
	}
	/* changed: reopen too, in case the pid now belongs to a new process */
	if (dirty && !s->stop && pe->listed && pe->taskfd >= 0) {
		fd_drop(s, &pe->taskfd);
		fd = taskdir_open(s, pe, path);
	}
	if (dirty && !s->stop && fd >= 0)
		relist(s, pe, fd);
	if (fd >= 0 && fd != pe->taskfd)
		close(fd);
}

static void proc_drop(struct nohz_dscan *s, struct dproc *pe)
{
	for (size_t i = 0; i < pe->n; i++)
		fd_drop(s, &pe->t[i].fd);
	fd_drop(s, &pe->taskfd);
	free(pe->t);
}

int nohz_dscan_run(struct nohz_dscan *s,
		   int (*fn)(const struct nohz_dthread *t, void *arg), void *arg)
{
	size_t j = 0, k = 0, cap;
	struct dproc *t;
	int rc;

	s->fn = fn;
	s->arg = arg;
	s->count = 0;
	s->stop = 0;
	if (s->npids) {
		s->cur = s->pids;
		s->ncur = s->npids;
	} else if ((rc = read_dir(s, s->procfd, &s->cur, &s->ncur, &s->ccur)) < 0) {
		return rc;
	}
	/* merge this pass's pids with the processes known from the last one */
	if (grow((void **)&s->q, &s->qcap, s->ncur, sizeof(*s->q)) < 0)
		return -ENOMEM;
	for (size_t i = 0; i < s->ncur; i++) {
		while (j < s->n && s->p[j].pid < s->cur[i])
			proc_drop(s, s->p + j++);
		if (j < s->n && s->p[j].pid == s->cur[i])
			s->q[k++] = s->p[j++];
		else
			s->q[k++] = (struct dproc){ .pid = s->cur[i], .taskfd = -1 };
	}
	while (j < s->n)
		proc_drop(s, s->p + j++);
	t = s->p;
	s->p = s->q;
	s->q = t;
	cap = s->cap;
	s->cap = s->qcap;
	s->qcap = cap;
	s->n = k;
	for (size_t i = 0; i < s->n && !s->stop; i++)
		proc_scan(s, s->p + i);
	return s->count;
}

int nohz_dscan_open(struct nohz_dscan **out, struct nohz_sys *sys,
		    const pid_t *pids, size_t npids)
{
	struct nohz_dscan *s;
	struct rlimit rl;
	int rc;

	*out = NULL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->sys = sys;
	s->procfd = openat(nohz_sys_fd(sys), "proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s->procfd < 0) {
		rc = -errno;
		free(s);
		return rc;
	}
	if (npids) {
		s->pids = malloc(npids * sizeof(*pids));
		if (!s->pids) {
			nohz_dscan_close(s);
			return -ENOMEM;
		}
		memcpy(s->pids, pids, npids * sizeof(*pids));
		qsort(s->pids, npids, sizeof(*pids), pid_cmp);
		for (size_t i = 0; i < npids; i++)	/* drop duplicates */
			if (!s->npids || s->pids[s->npids - 1] != s->pids[i])
				s->pids[s->npids++] = s->pids[i];
	}
	s->budget = 1024 - FD_MARGIN;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
		s->budget = (long)rl.rlim_cur - FD_MARGIN;
	*out = s;
	return 0;
}

unsigned long long nohz_dscan_stat_reads(const struct nohz_dscan *s)
{
	return s->stat_reads;
}

void nohz_dscan_close(struct nohz_dscan *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++)
		proc_drop(s, s->p + i);
	if (s->procfd >= 0)
		close(s->procfd);
	if (s->cur != s->pids)
		free(s->cur);
	free(s->pids);
	free(s->p);
	free(s->q);
	free(s->tids);
	free(s);
}
