// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * proc.c - threads from /proc: stat and status parsing, iteration.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

/*
 * The comm field may hold spaces and ')' itself, so fields are counted from
 * the last ')' of the line, as procps does.
 */
int nohz_stat_parse(const char *line, struct nohz_stat *st)
{
	const char *open = strchr(line, '('), *close = strrchr(line, ')');
	unsigned long long f[52];
	const char *p;
	char *end;
	int n = 0;

	memset(st, 0, sizeof(*st));
	if (!open || !close || close < open || close[1] != ' ' || !close[2])
		return -EINVAL;
	st->tid = (pid_t)strtol(line, &end, 10);
	if (end == line || st->tid <= 0)
		return -EINVAL;
	snprintf(st->comm, sizeof(st->comm), "%.*s", (int)(close - open - 1), open + 1);
	st->state = close[2];
	p = close + 3;
	/* f[0] is field 4 (ppid) */
	while (*p && n < (int)ARRAY_SIZE(f)) {
		while (*p == ' ')
			p++;
		if (!*p || *p == '\n')
			break;
		if (*p == '-') {
			f[n++] = (unsigned long long)strtoll(p, &end, 10);
		} else {
			f[n++] = strtoull(p, &end, 10);
		}
		if (end == p)
			return -EINVAL;
		p = end;
	}
	if (n < 36)	/* through field 39 (processor) */
		return -EINVAL;
	st->ppid = (pid_t)f[0];
	st->flags = (unsigned long)f[5];
	st->majflt = f[8];
	st->utime = f[10];
	st->stime = f[11];
	st->priority = (long)f[14];
	st->nice = (long)f[15];
	st->starttime = f[18];
	st->wchan = f[31];
	st->processor = (int)f[35];
	if (n > 37) {
		st->rt_priority = (unsigned)f[36];
		st->policy = (unsigned)f[37];
	}
	if (n > 38)
		st->delayacct_blkio_ticks = f[38];
	return 0;
}

int nohz_status_parse(const char *text, struct nohz_status *st)
{
	const char *p = text;
	int seen = 0;

	memset(st, 0, sizeof(*st));
	st->vmlck_kb = -1;
	while (p && *p) {
		const char *eol = strchr(p, '\n');
		size_t ll = eol ? (size_t)(eol - p) : strlen(p);
		char val[8192];

		if (!strncmp(p, "Cpus_allowed_list:", 18)) {
			snprintf(val, sizeof(val), "%.*s", (int)(ll - 18), p + 18);
			if (nohz_cpuset_parse(&st->cpus_allowed, val, NULL, 0) == 0)
				seen |= 1;
		} else if (!strncmp(p, "VmLck:", 6)) {
			st->vmlck_kb = strtol(p + 6, NULL, 10);
		} else if (!strncmp(p, "Tgid:", 5)) {
			st->tgid = (pid_t)strtol(p + 5, NULL, 10);
		} else if (!strncmp(p, "voluntary_ctxt_switches:", 24)) {
			st->voluntary_ctxt = strtoull(p + 24, NULL, 10);
		} else if (!strncmp(p, "nonvoluntary_ctxt_switches:", 27)) {
			st->nonvoluntary_ctxt = strtoull(p + 27, NULL, 10);
		}
		p = eol ? eol + 1 : NULL;
	}
	return seen ? 0 : -EINVAL;
}

/* thread_read - stat + status of one thread; -ENOENT when it vanished */
static int thread_read(struct nohz_sys *sys, const char *dir, pid_t pid,
		       struct nohz_thread *t)
{
	char path[700], buf[4096];
	char *status;
	int rc;

	snprintf(path, sizeof(path), "%s/stat", dir);
	if (nohz_sys_read(sys, path, buf, sizeof(buf)) <= 0)
		return -ENOENT;
	if (nohz_stat_parse(buf, &t->stat) < 0)
		return -EINVAL;
	snprintf(path, sizeof(path), "%s/status", dir);
	if (nohz_sys_read_alloc(sys, path, &status, NULL) < 0)
		return -ENOENT;
	rc = nohz_status_parse(status, &t->status);
	free(status);
	if (rc < 0)
		return rc;
	t->pid = pid;
	t->kthread = t->stat.flags & NOHZ_PF_KTHREAD;
	return 0;
}

int nohz_threads_each(struct nohz_sys *sys,
		      int (*fn)(const struct nohz_thread *t, void *arg), void *arg)
{
	DIR *proc = nohz_sys_opendir(sys, "/proc");
	struct dirent *de;
	int stop = 0;

	if (!proc)
		return -errno;
	while (!stop && (de = readdir(proc))) {
		char tdir[300];
		DIR *tasks;
		struct dirent *te;

		if (!str_digits(de->d_name))
			continue;
		snprintf(tdir, sizeof(tdir), "/proc/%s/task", de->d_name);
		tasks = nohz_sys_opendir(sys, tdir);
		if (!tasks)
			continue;	/* exited meanwhile */
		while (!stop && (te = readdir(tasks))) {
			struct nohz_thread t;
			char dir[600];

			if (!str_digits(te->d_name))
				continue;
			snprintf(dir, sizeof(dir), "%s/%s", tdir, te->d_name);
			if (thread_read(sys, dir, (pid_t)atoi(de->d_name), &t) < 0)
				continue;
			stop = fn(&t, arg);
		}
		closedir(tasks);
	}
	closedir(proc);
	return 0;
}

/* Kernel threads bound to one CPU by design: expected on an isolated CPU. */
bool nohz_kthread_percpu(const char *comm)
{
	static const char *const prefixes[] = {
		"ksoftirqd/", "cpuhp/", "migration/", "idle_inject/",
		"watchdog/", "rcuc/", "kworker/", "irq_work/", "posixcputmr/",
	};

	for (size_t i = 0; i < ARRAY_SIZE(prefixes); i++) {
		size_t n = strlen(prefixes[i]);

		if (!strncmp(comm, prefixes[i], n)) {
			/* kworker/u* are unbound, kworker/N:M are per-CPU */
			if (!strcmp(prefixes[i], "kworker/"))
				return isdigit((unsigned char)comm[n]);
			return true;
		}
	}
	return false;
}

/* proc_perf_holders - processes with perf event fds: others into buf, us in *self */
void proc_perf_holders(char *buf, size_t len, bool *self)
{
	struct strbuf sb;
	struct dirent *de;
	DIR *proc = opendir("/proc");

	sb_init(&sb, buf, len);
	*self = false;
	if (!proc)
		return;
	while ((de = readdir(proc))) {
		pid_t pid = (pid_t)atoi(de->d_name);
		char path[64], link[64], comm[64] = "?";
		struct dirent *fe;
		bool found = false;
		DIR *fd;
		FILE *f;

		if (pid <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
		fd = opendir(path);
		if (!fd)
			continue;
		while (!found && (fe = readdir(fd))) {
			char lp[320];
			ssize_t n;

			snprintf(lp, sizeof(lp), "%s/%s", path, fe->d_name);
			n = readlink(lp, link, sizeof(link) - 1);
			found = n > 0 && (link[n] = '\0', !strcmp(link, "anon_inode:[perf_event]"));
		}
		closedir(fd);
		if (!found)
			continue;
		if (pid == getpid()) {
			*self = true;
			continue;
		}
		snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
		f = fopen(path, "re");
		if (f) {
			if (fgets(comm, sizeof(comm), f))
				comm[strcspn(comm, "\n")] = '\0';
			fclose(f);
		}
		sb_item(&sb, ", ", "%s/%d", comm, (int)pid);
	}
	closedir(proc);
	sb_finish(&sb);
}
