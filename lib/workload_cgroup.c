// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * workload_cgroup.c - cgroup hierarchies (v1 and v2) as mounted here, the
 * cpuset of a cgroup, and the cgroup that --cgroup names.
 *
 * A cgroup path from /proc/PID/cgroup is relative to the reader's cgroup
 * namespace and a mount shows one directory of its hierarchy (mountinfo's
 * root field), so a directory is found by stripping that root, as systemd
 * and libcgroup do.  RHEL 8-era hosts mount v1 (cpuset, cpu,cpuacct) with
 * an empty v2 beside it; newer ones mount v2 alone.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

void cg_unescape(char *s)
{
	char *d = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' &&
		    s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*d++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
		} else {
			*d++ = *s;
		}
	}
	*d = '\0';
}

/* mount_add - keep one entry per mount point: a later mount hides it */
static void mount_add(struct cg_mounts *ms, const struct cg_mount *m)
{
	for (size_t i = 0; i < ms->n; i++)
		if (!strcmp(ms->m[i].dir, m->dir)) {
			ms->m[i] = *m;
			return;
		}
	if (ms->n < CG_MOUNTS_MAX)
		ms->m[ms->n++] = *m;
}

int cg_mounts_parse(const char *text, struct cg_mounts *ms)
{
	const char *line = text;

	memset(ms, 0, sizeof(*ms));
	while (line && *line) {
		const char *eol = strchr(line, '\n');
		char buf[2048], *f[8], *dash, *save = NULL, *tok;
		size_t ll = eol ? (size_t)(eol - line) : strlen(line);
		struct cg_mount m = { 0 };
		int n = 0;

		if (ll >= sizeof(buf)) {
			line = eol ? eol + 1 : NULL;
			continue;
		}
		memcpy(buf, line, ll);
		buf[ll] = '\0';
		line = eol ? eol + 1 : NULL;
		/* "ID PARENT MAJ:MIN ROOT POINT OPTS [OPTIONAL...] - TYPE SRC SUPER" */
		dash = strstr(buf, " - ");
		if (!dash)
			continue;
		*dash = '\0';
		for (tok = strtok_r(buf, " ", &save); tok && n < 5; tok = strtok_r(NULL, " ", &save))
			f[n++] = tok;
		if (n < 5)
			continue;
		save = NULL;
		f[5] = strtok_r(dash + 3, " ", &save);
		f[6] = f[5] ? strtok_r(NULL, " ", &save) : NULL;
		f[7] = f[6] ? strtok_r(NULL, " ", &save) : NULL;
		if (!f[5])
			continue;
		if (!strcmp(f[5], "cgroup2"))
			m.version = 2;
		else if (!strcmp(f[5], "cgroup"))
			m.version = 1;
		else
			continue;
		cg_unescape(f[3]);
		cg_unescape(f[4]);
		snprintf(m.root, sizeof(m.root), "%s", f[3]);
		snprintf(m.dir, sizeof(m.dir), "%s", f[4]);
		snprintf(m.opts, sizeof(m.opts), "%s", f[7] ? f[7] : "");
		mount_add(ms, &m);
	}
	return (int)ms->n;
}

/* The usual places, for a captured tree without /proc/self/mountinfo. */
static void mounts_guess(struct nohz_sys *sys, struct cg_mounts *ms)
{
	static const struct {
		const char *dir, *probe, *opts, *ctl;	/* ctl: NULL for v2 */
	} guess[] = {
		{ "/sys/fs/cgroup", "cgroup.controllers", "", NULL },
		{ "/sys/fs/cgroup/unified", "cgroup.controllers", "", NULL },
		{ "/sys/fs/cgroup/cpuset", "cpuset.cpus", "rw,cpuset", "cpuset" },
		{ "/sys/fs/cgroup/cpuset", "cpus", "rw,cpuset", "cpuset" },
		{ "/sys/fs/cgroup/cpu,cpuacct", "cpu.shares", "rw,cpu,cpuacct", "cpu" },
		{ "/sys/fs/cgroup/cpu", "cpu.shares", "rw,cpu", "cpu" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(guess); i++) {
		struct cg_mount m = { .version = guess[i].ctl ? 1 : 2 };
		char probe[300];

		snprintf(probe, sizeof(probe), "%s/%s", guess[i].dir, guess[i].probe);
		/* one mount per controller: cpu,cpuacct is often linked as cpu */
		if (!nohz_sys_exists(sys, probe) ||
		    (guess[i].ctl && cg_mount_find(ms, guess[i].ctl)))
			continue;
		snprintf(m.dir, sizeof(m.dir), "%s", guess[i].dir);
		snprintf(m.root, sizeof(m.root), "/");
		snprintf(m.opts, sizeof(m.opts), "%s", guess[i].opts);
		mount_add(ms, &m);
	}
}

int cg_mounts_read(struct nohz_sys *sys, struct cg_mounts *ms)
{
	char *text = NULL;

	memset(ms, 0, sizeof(*ms));
	if (nohz_sys_read_alloc(sys, "/proc/self/mountinfo", &text, NULL) >= 0) {
		cg_mounts_parse(text, ms);
		free(text);
	}
	if (!ms->n)
		mounts_guess(sys, ms);
	return (int)ms->n;
}

/* has_token - the comma-separated list has the word tok */
static bool has_token(const char *list, const char *tok, size_t toklen)
{
	const char *p = list;

	while (*p) {
		const char *e = strchrnul(p, ',');

		if ((size_t)(e - p) == toklen && !strncmp(p, tok, toklen))
			return true;
		p = *e ? e + 1 : e;
	}
	return false;
}

/* has_word - the space-separated list (cgroup.controllers) has word */
static bool has_word(const char *list, const char *word)
{
	size_t wl = strlen(word);

	for (const char *p = strstr(list, word); p; p = strstr(p + 1, word))
		if ((p == list || p[-1] == ' ') && (!p[wl] || p[wl] == ' '))
			return true;
	return false;
}

const struct cg_mount *cg_mount_find(const struct cg_mounts *ms, const char *controller)
{
	for (size_t i = 0; i < ms->n; i++) {
		const struct cg_mount *m = &ms->m[i];

		if (!controller && m->version == 2)
			return m;
		if (controller && m->version == 1 &&
		    has_token(m->opts, controller, strlen(controller)))
			return m;
	}
	return NULL;
}

const struct cg_mount *cg_cpuset_mount(struct nohz_sys *sys, const struct cg_mounts *ms)
{
	const struct cg_mount *v1 = cg_mount_find(ms, "cpuset");
	const struct cg_mount *v2 = NULL;

	if (v1)
		return v1;
	/* several v2 mounts (a hybrid host and a bind): the one with cpuset */
	for (size_t i = 0; i < ms->n; i++) {
		char path[600], buf[512];

		if (ms->m[i].version != 2)
			continue;
		if (!v2)
			v2 = &ms->m[i];
		snprintf(path, sizeof(path), "%s/cgroup.controllers", ms->m[i].dir);
		if (nohz_sys_read(sys, path, buf, sizeof(buf)) >= 0 && has_word(buf, "cpuset"))
			return &ms->m[i];
	}
	return v2;
}

int cg_dir(const struct cg_mount *m, const char *path, char *out, size_t len)
{
	size_t rl = strlen(m->root);
	const char *rest;

	if (!strcmp(m->root, "/")) {
		rest = path;
	} else {
		/* a mount of a subtree: the path must lie inside it */
		if (strncmp(path, m->root, rl) || (path[rl] && path[rl] != '/'))
			return -ENOENT;
		rest = path + rl;
	}
	while (*rest == '/')
		rest++;
	if (snprintf(out, len, "%s%s%s", m->dir, *rest ? "/" : "", rest) >= (int)len)
		return -ENAMETOOLONG;
	return 0;
}

int cg_proc_path(const char *text, const struct cg_mount *m, char *out, size_t len)
{
	struct cgroup_line l;

	while (cgroup_line_next(&text, &l)) {
		bool match = l.v2;

		if (m->version != 2) {
			/* the line's first controller is one of the mount's */
			const char *comma = memchr(l.ctl, ',', l.ctllen);

			match = l.ctllen && has_token(m->opts, l.ctl,
						      comma ? (size_t)(comma - l.ctl) : l.ctllen);
		}
		if (!match)
			continue;
		if (l.pathlen >= len)
			return -ENAMETOOLONG;
		snprintf(out, len, "%.*s", (int)l.pathlen, l.path);
		return 0;
	}
	return -ENOENT;
}

/* parent_dir - strip the last component of dir, not above top; false at top */
static bool parent_dir(char *dir, const char *top)
{
	char *slash = strrchr(dir, '/');

	if (!strcmp(dir, top) || !slash || (size_t)(slash - dir) < strlen(top))
		return false;
	*slash = '\0';
	return true;
}

int cg_read_cpus(struct nohz_sys *sys, const struct cg_mount *m, const char *dir,
		 struct nohz_cpuset *s, char *from, size_t fromlen)
{
	static const char *const v1[] = { "cpuset.effective_cpus", "cpuset.cpus",
					  "effective_cpus", "cpus" };
	static const char *const v2[] = { "cpuset.cpus.effective" };
	const char *const *files = m->version == 2 ? v2 : v1;
	size_t nfiles = m->version == 2 ? ARRAY_SIZE(v2) : ARRAY_SIZE(v1);
	char d[1024];

	snprintf(d, sizeof(d), "%s", dir);
	do {
		for (size_t i = 0; i < nfiles; i++) {
			char path[1200];

			snprintf(path, sizeof(path), "%s/%s", d, files[i]);
			if (nohz_sys_read_cpuset(sys, path, s) == 0) {
				snprintf(from, fromlen, "%s", path);
				return 0;
			}
		}
	} while (parent_dir(d, m->dir));
	nohz_cpuset_zero(s);
	return -ENOENT;
}

int cg_partition(struct nohz_sys *sys, const struct cg_mount *m, const char *dir,
		 char *part, size_t partlen, struct nohz_cpuset *cpus)
{
	char d[1024];

	if (m->version != 2)
		return -ENOENT;
	snprintf(d, sizeof(d), "%s", dir);
	do {
		char path[1200], buf[128];

		snprintf(path, sizeof(path), "%s/cpuset.cpus.partition", d);
		if (nohz_sys_read(sys, path, buf, sizeof(buf)) > 0 && strcmp(buf, "member")) {
			/* "isolated", "root", "isolated invalid (reason)" */
			snprintf(part, partlen, "%.*s", (int)strcspn(buf, " "), buf);
			if (strstr(buf, "invalid"))
				snprintf(part, partlen, "%s", "invalid");
			snprintf(path, sizeof(path), "%s/cpuset.cpus.effective", d);
			if (nohz_sys_read_cpuset(sys, path, cpus) < 0)
				nohz_cpuset_zero(cpus);
			return 0;
		}
	} while (parent_dir(d, m->dir));
	return -ENOENT;
}

/* ------------------------------------------------------------------ */
/* --cgroup: a directory, a path in a hierarchy, or a container id     */
/* ------------------------------------------------------------------ */

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
		char p[300], text[8192];
		struct id_match mt;
		int k;

		if (!str_digits(de->d_name))
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

int cg_resolve(struct nohz_sys *sys, const struct cg_mounts *ms, const struct cg_mount *cm,
	       const char *spec, const struct cg_mount **m, char *dir, size_t dirlen,
	       char *path, size_t pathlen, char *err, size_t errlen)
{
	bool idlike = *spec && strlen(spec) < 200;
	char where[600] = "";

	for (const char *p = spec; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("-_.:", *p))
			idlike = false;
	if (spec_dir(sys, ms, cm, spec, m, dir, dirlen, path, pathlen) == 0)
		return 0;
	if (idlike)
		return spec_id(sys, ms, cm, spec, m, dir, dirlen, path, pathlen, err, errlen);
	for (size_t i = 0; i < ms->n; i++)
		if (ms->m[i].version == 2 || &ms->m[i] == cm)
			snprintf(where + strlen(where), sizeof(where) - strlen(where), "%s%s",
				 where[0] ? ", " : "", ms->m[i].dir);
	nohz_err(err, errlen, "no such cgroup (a directory with cgroup.procs under %s)",
		 where[0] ? where : "a cgroup mount");
	return -ENOENT;
}
