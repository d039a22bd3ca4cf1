// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * dstate.c - find threads in uninterruptible sleep (state D) in /proc, and
 * read what explains a wait: command line, cgroup, wchan, kernel stack.
 *
 * The one-shot scan reads every thread of the machine, so it avoids stdio,
 * readdir and allocation: directory fds, getdents64, one read() of each stat
 * file into a stack buffer, no task dir for single-threaded processes, and a
 * full parse only for the few threads found in D.  Repeated scans use the
 * cheaper scanner of dscan.c.
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

#define DENTS_BUF 16384

struct scan_ctx {
	int procfd;
	bool all;
	int (*fn)(const struct nohz_dthread *t, void *arg);
	void *arg;
	int count;
	int stop;
};

int dstate_read_at(int dirfd, const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd, e;

	fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	/* seq_file hands out a whole stat line in one read */
	n = read(fd, buf, len - 1);
	e = errno;
	close(fd);
	if (n < 0)
		return -e;
	buf[n] = '\0';
	return (int)n;
}

/* stat_peek - state and num_threads (field 20) of a stat line, no parse */
static int stat_peek(const char *buf, size_t n, char *state, long *nthreads)
{
	const char *rp = memrchr(buf, ')', n), *p, *end = buf + n;
	int field;

	if (!rp || end - rp < 4 || rp[1] != ' ')
		return -EINVAL;
	*state = rp[2];
	p = rp + 2;
	for (field = 3; field < 20; field++) {
		p = memchr(p, ' ', end - p);
		if (!p)
			return -EINVAL;
		p++;
	}
	*nthreads = strtol(p, NULL, 10);
	return 0;
}

/* scan_thread - hand one stat line to the caller when it is wanted */
static int scan_thread(struct scan_ctx *c, pid_t pid, const char *pcomm,
		       const char *line, size_t n)
{
	const char *rp = memrchr(line, ')', n);
	struct nohz_dthread t;

	c->count++;
	if (!c->all && (!rp || rp[1] != ' ' || rp[2] != 'D'))
		return 0;
	if (nohz_stat_parse(line, &t.stat) < 0)
		return 0;
	t.pid = pid;
	t.runtime_ns = 0;
	snprintf(t.pcomm, sizeof(t.pcomm), "%s", pcomm);
	return c->fn(&t, c->arg);
}

/* scan_pid - the threads of one process; gone processes are skipped */
static int scan_pid(struct scan_ctx *c, pid_t pid)
{
	char path[64], line[1024], dents[DENTS_BUF], pcomm[64] = "";
	const char *lp, *rp;
	long nthreads = 0;
	char state;
	int n, taskfd, rc = 0;

	snprintf(path, sizeof(path), "%d/stat", (int)pid);
	n = dstate_read_at(c->procfd, path, line, sizeof(line));
	if (n <= 0 || stat_peek(line, n, &state, &nthreads) < 0)
		return 0;
	lp = strchr(line, '(');
	rp = memrchr(line, ')', n);
	if (lp && rp > lp)
		snprintf(pcomm, sizeof(pcomm), "%.*s", (int)(rp - lp - 1), lp + 1);
	/* a lone thread: the process stat is its stat, no task dir to walk */
	if (nthreads == 1)
		return scan_thread(c, pid, pcomm, line, n);

	snprintf(path, sizeof(path), "%d/task", (int)pid);
	taskfd = openat(c->procfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (taskfd < 0)
		return 0;
	while (!rc) {
		ssize_t len = getdents64(taskfd, dents, sizeof(dents));

		if (len <= 0)
			break;
		for (ssize_t off = 0; off < len && !rc;) {
			struct dirent64 *d = (struct dirent64 *)(dents + off);
			char tpath[300];

			off += d->d_reclen;
			if (!isdigit((unsigned char)d->d_name[0]))
				continue;
			snprintf(tpath, sizeof(tpath), "%s/stat", d->d_name);
			n = dstate_read_at(taskfd, tpath, line, sizeof(line));
			if (n > 0)
				rc = scan_thread(c, pid, pcomm, line, n);
		}
	}
	close(taskfd);
	return rc;
}

int nohz_dstate_scan(struct nohz_sys *sys, const pid_t *pids, size_t npids,
		     bool all, int (*fn)(const struct nohz_dthread *t, void *arg),
		     void *arg)
{
	struct scan_ctx c = { .all = all, .fn = fn, .arg = arg };
	char dents[DENTS_BUF];

	c.procfd = openat(nohz_sys_fd(sys), "proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (c.procfd < 0)
		return -errno;
	for (size_t i = 0; i < npids && !c.stop; i++)
		c.stop = scan_pid(&c, pids[i]);
	while (!npids && !c.stop) {
		ssize_t len = getdents64(c.procfd, dents, sizeof(dents));

		if (len < 0) {
			int e = -errno;

			close(c.procfd);
			return e;
		}
		if (!len)
			break;
		for (ssize_t off = 0; off < len && !c.stop;) {
			struct dirent64 *d = (struct dirent64 *)(dents + off);

			off += d->d_reclen;
			if (isdigit((unsigned char)d->d_name[0]))
				c.stop = scan_pid(&c, (pid_t)atoi(d->d_name));
		}
	}
	close(c.procfd);
	return c.count;
}

/* hex_id - s holds exactly 64 hex digits, then its end or a '.' */
static bool hex_id(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n && isxdigit((unsigned char)s[i]); i++)
		;
	return i == 64 && (i == n || s[i] == '.');
}

/* cgroup_pod - kubernetes pod uid of "pod<uid>" or "kubepods-...-pod<uid>.slice" */
static void cgroup_pod(struct nohz_cgroup_info *ci, const char *s, size_t n)
{
	const char *end = s + n, *uid = NULL;

	if (n > 3 && !strncmp(s, "pod", 3)) {
		uid = s + 3;
	} else if (n > 6 && !strncmp(end - 6, ".slice", 6)) {
		end -= 6;
		for (const char *p = s; p + 4 <= end; p++)
			if (!strncmp(p, "-pod", 4))
				uid = p + 4;
	}
	if (!uid || uid >= end)
		return;
	snprintf(ci->pod, sizeof(ci->pod), "%.*s", (int)(end - uid), uid);
	/* systemd slice names escape the uid's '-' as '_' */
	for (char *p = ci->pod; *p; p++)
		if (*p == '_')
			*p = '-';
}

/* cgroup_component - container id, pod and unit named by one path component */
static void cgroup_component(struct nohz_cgroup_info *ci, const char *s,
			     size_t n, const char *parent, bool kube)
{
	static const struct { const char *prefix, *runtime; } scopes[] = {
		{ "docker-", "docker" },
		{ "cri-containerd-", "containerd" },
		{ "containerd-", "containerd" },
		{ "crio-conmon-", "crio" },
		{ "crio-", "crio" },
		{ "libpod-conmon-", "podman" },
		{ "libpod-", "podman" },
	};
	const char *dot = memrchr(s, '.', n);

	for (size_t i = 0; i < ARRAY_SIZE(scopes); i++) {
		size_t pl = strlen(scopes[i].prefix);

		if (n > pl && !strncmp(s, scopes[i].prefix, pl) &&
		    hex_id(s + pl, n - pl)) {
			snprintf(ci->runtime, sizeof(ci->runtime), "%s", scopes[i].runtime);
			snprintf(ci->id, sizeof(ci->id), "%.64s", s + pl);
			break;
		}
	}
	/* cgroupfs drivers: /docker/ID, /kubepods/QOS/podUID/ID, /libpod_parent/... */
	if (hex_id(s, n)) {
		snprintf(ci->runtime, sizeof(ci->runtime), "%s",
			 !strcmp(parent, "docker") ? "docker" :
			 !strcmp(parent, "libpod_parent") ? "podman" :
			 kube ? "kubepods" : "container");
		snprintf(ci->id, sizeof(ci->id), "%.64s", s);
	}
	if (kube)
		cgroup_pod(ci, s, n);
	if (dot && (!strncmp(dot, ".service", 8) || !strncmp(dot, ".scope", 6)))
		snprintf(ci->unit, sizeof(ci->unit), "%.*s", (int)n, s);
}

bool cgroup_line_next(const char **pos, struct cgroup_line *l)
{
	const char *line = *pos;

	while (line && *line) {
		const char *eol = strchrnul(line, '\n');
		const char *c1 = memchr(line, ':', eol - line);
		const char *c2 = c1 ? memchr(c1 + 1, ':', eol - (c1 + 1)) : NULL;

		*pos = *eol ? eol + 1 : eol;
		if (c2) {
			l->id = line;
			l->idlen = c1 - line;
			l->ctl = c1 + 1;
			l->ctllen = c2 - l->ctl;
			l->path = c2 + 1;
			l->pathlen = eol - l->path;
			l->v2 = l->idlen == 1 && line[0] == '0' && !l->ctllen;
			return true;
		}
		line = *pos;
	}
	return false;
}

int nohz_cgroup_info_parse(const char *text, struct nohz_cgroup_info *ci)
{
	const char *pos = text, *best = NULL, *p;
	struct cgroup_line l;
	char parent[128] = "";
	size_t bestlen = 0;
	bool kube = false;

	memset(ci, 0, sizeof(*ci));
	/* the v2 line "0::PATH"; on hybrid hosts the first v1 path that says more */
	while (cgroup_line_next(&pos, &l)) {
		bool root = l.pathlen <= 1;

		if (!best || (l.v2 && !root) || (bestlen <= 1 && !root)) {
			best = l.path;
			bestlen = l.pathlen;
		}
	}
	if (!best)
		return -EINVAL;
	snprintf(ci->path, sizeof(ci->path), "%.*s", (int)bestlen, best);
	for (p = ci->path; *p;) {
		const char *q;

		while (*p == '/')
			p++;
		q = strchrnul(p, '/');
		if (q > p) {
			size_t n = q - p;

			if (!strncmp(p, "kubepods", 8))
				kube = true;
			cgroup_component(ci, p, n, parent, kube);
			snprintf(parent, sizeof(parent), "%.*s", (int)n, p);
		}
		p = q;
	}
	return 0;
}

/* frame_name - start of the symbol in a stack line, past "[<0>] " */
static const char *frame_name(const char *line)
{
	while (*line == ' ' || *line == '\t')
		line++;
	if (*line == '[') {
		const char *r = strchr(line, ']');

		if (!r)
			return NULL;
		line = r + 1;
		while (*line == ' ')
			line++;
	}
	return line;
}

static size_t symbol_len(const char *s)
{
	size_t n = 0;

	while (isalnum((unsigned char)s[n]) || s[n] == '_' || s[n] == '.' || s[n] == '$')
		n++;
	return n;
}

int nohz_stack_site(const char *stack, char *site, size_t len)
{
	for (const char *line = stack; line && *line;) {
		const char *eol = strchr(line, '\n'), *name = frame_name(line);
		size_t n = name ? symbol_len(name) : 0;

		if (n && (!eol || name + n <= eol)) {
			snprintf(site, len, "%.*s", (int)n, name);
			return 0;
		}
		line = eol ? eol + 1 : NULL;
	}
	if (len)
		site[0] = '\0';
	return -ENOENT;
}

/* stack_normalize - "[<0>] f+0x1/0x2" lines into "f+0x1/0x2" lines */
static void stack_normalize(const char *in, char *out, size_t len)
{
	struct strbuf sb;

	sb_init(&sb, out, len);
	for (const char *line = in; line && *line;) {
		const char *eol = strchr(line, '\n'), *name = frame_name(line);
		size_t n = eol ? (size_t)(eol - line) : strlen(line);

		if (name && name < line + n && sb.len + (line + n - name) + 2 < len)
			sb_printf(&sb, "%s%.*s", sb.len ? "\n" : "",
				  (int)(line + n - name), name);
		line = eol ? eol + 1 : NULL;
	}
}

void dstate_details_read(struct nohz_sys *sys, struct nohz_dwait *w, bool waiting)
{
	int root = nohz_sys_fd(sys), n;
	char path[96], buf[4096];

	snprintf(path, sizeof(path), "proc/%d/cmdline", (int)w->pid);
	n = dstate_read_at(root, path, buf, sizeof(buf));
	w->cmdline[0] = '\0';
	w->gone = n == -ENOENT || n == -ESRCH;
	if (n > 0) {
		for (int i = 0; i < n; i++)
			if (buf[i] == '\0' || buf[i] == '\n')
				buf[i] = ' ';
		while (n > 0 && buf[n - 1] == ' ')
			buf[--n] = '\0';
		snprintf(w->cmdline, sizeof(w->cmdline), "%.255s", buf);
	}

	snprintf(path, sizeof(path), "proc/%d/cgroup", (int)w->pid);
	if (dstate_read_at(root, path, buf, sizeof(buf)) <= 0 ||
	    nohz_cgroup_info_parse(buf, &w->cgroup) < 0)
		memset(&w->cgroup, 0, sizeof(w->cgroup));

	/* once the wait is over they would describe something else */
	w->wchan[0] = '\0';
	if (waiting) {
		/* "0" means unknown, or not ours to see */
		snprintf(path, sizeof(path), "proc/%d/task/%d/wchan", (int)w->pid,
			 (int)w->tid);
		n = dstate_read_at(root, path, buf, sizeof(buf));
		if (n > 0 && strcmp(buf, "0") && strcmp(buf, "0\n"))
			snprintf(w->wchan, sizeof(w->wchan), "%.*s", (int)symbol_len(buf), buf);
	}
	if (waiting && !w->stack[0]) {
		snprintf(path, sizeof(path), "proc/%d/task/%d/stack", (int)w->pid,
			 (int)w->tid);
		n = dstate_read_at(root, path, buf, sizeof(buf));
		if (n > 0)
			stack_normalize(buf, w->stack, sizeof(w->stack));
		w->stack_denied = n == -EACCES || n == -EPERM;
	}
	if (nohz_stack_site(w->stack, w->site, sizeof(w->site)) < 0)
		snprintf(w->site, sizeof(w->site), "%s", w->wchan[0] ? w->wchan : "?");
}

pid_t dstate_tgid(struct nohz_sys *sys, pid_t tid)
{
	char path[64], buf[2048];
	const char *p;

	snprintf(path, sizeof(path), "proc/%d/status", (int)tid);
	if (dstate_read_at(nohz_sys_fd(sys), path, buf, sizeof(buf)) <= 0)
		return -ENOENT;
	p = strstr(buf, "\nTgid:");
	return p ? (pid_t)strtol(p + 6, NULL, 10) : -ENOENT;
}
