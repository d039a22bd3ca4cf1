// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * workload_cgroup.c - cgroup hierarchies (v1 and v2) as mounted here, the
 * cpuset of a cgroup, and whether the checker runs inside a container.
 *
 * A cgroup path from /proc/PID/cgroup is relative to the reader's cgroup
 * namespace and a mount shows one directory of its hierarchy (mountinfo's
 * root field), so a directory is found by stripping that root, as systemd
 * and libcgroup do.  RHEL 8-era hosts mount v1 (cpuset, cpu,cpuacct) with
 * an empty v2 beside it; newer ones mount v2 alone.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

/* Inode numbers of the initial namespaces (include/linux/proc_ns.h). */
#define PROC_PID_INIT_INO 0xEFFFFFFCU
#define PROC_CGROUP_INIT_INO 0xEFFFFFFBU

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
	const char *line = text;

	while (line && *line) {
		const char *eol = strchr(line, '\n');
		size_t ll = eol ? (size_t)(eol - line) : strlen(line);
		const char *c1 = memchr(line, ':', ll);
		const char *c2 = c1 ? memchr(c1 + 1, ':', ll - (c1 + 1 - line)) : NULL;

		if (c2) {
			const char *ctl = c1 + 1, *path = c2 + 1;
			size_t cl = c2 - ctl, pl = line + ll - path;
			bool match;

			if (m->version == 2) {
				match = cl == 0 && c1 - line == 1 && line[0] == '0';
			} else {
				/* the line's first controller is one of the mount's */
				const char *comma = memchr(ctl, ',', cl);

				match = cl && has_token(m->opts, ctl, comma ? (size_t)(comma - ctl) : cl);
			}
			if (match) {
				if (pl >= len)
					return -ENAMETOOLONG;
				snprintf(out, len, "%.*s", (int)pl, path);
				return 0;
			}
		}
		line = eol ? eol + 1 : NULL;
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
/* inside a container?                                                */
/* ------------------------------------------------------------------ */

/* ns_initial - 1 when /proc/self/ns/NAME is the initial namespace, 0 when
 * another one, -1 when unreadable */
static int ns_initial(struct nohz_sys *sys, const char *name, unsigned int ino)
{
	char path[64], link[64], want[64];
	ssize_t n;

	snprintf(path, sizeof(path), "proc/self/ns/%s", name);
	n = readlinkat(nohz_sys_fd(sys), path, link, sizeof(link) - 1);
	if (n <= 0)
		return -1;
	link[n] = '\0';
	snprintf(want, sizeof(want), "%s:[%u]", name, ino);
	return !strcmp(link, want);
}

/* kthreadd_visible - pid 2 is the kernel's kthreadd: the host's pid view */
static bool kthreadd_visible(struct nohz_sys *sys)
{
	struct nohz_stat st;
	char buf[1024];

	return nohz_sys_read(sys, "/proc/2/stat", buf, sizeof(buf)) > 0 &&
	       nohz_stat_parse(buf, &st) == 0 && (st.flags & NOHZ_PF_KTHREAD) &&
	       !strcmp(st.comm, "kthreadd");
}

/* environ_value - VAR=value of a NUL-separated environment, or NULL */
static const char *environ_value(const char *env, size_t len, const char *var)
{
	size_t vl = strlen(var);

	for (size_t off = 0; off < len; off += strlen(env + off) + 1)
		if (!strncmp(env + off, var, vl) && env[off + vl] == '=')
			return env + off + vl + 1;
	return NULL;
}

/* own_cpus - this process's cpuset as its cgroup shows it, else its affinity */
static void own_cpus(struct nohz_sys *sys, struct nohz_container *c)
{
	struct cg_mounts ms;
	const struct cg_mount *m;
	char text[4096], path[512], dir[1024];

	cg_mounts_read(sys, &ms);
	m = cg_cpuset_mount(sys, &ms);
	if (m && nohz_sys_read(sys, "/proc/self/cgroup", text, sizeof(text)) > 0 &&
	    cg_proc_path(text, m, path, sizeof(path)) == 0 &&
	    cg_dir(m, path, dir, sizeof(dir)) == 0 &&
	    cg_read_cpus(sys, m, dir, &c->cpus, c->cpus_from, sizeof(c->cpus_from)) == 0 &&
	    !nohz_cpuset_empty(&c->cpus))
		return;
	if (nohz_sys_read(sys, "/proc/self/status", text, sizeof(text)) > 0) {
		struct nohz_status st;

		if (nohz_status_parse(text, &st) == 0) {
			c->cpus = st.cpus_allowed;
			snprintf(c->cpus_from, sizeof(c->cpus_from),
				 "Cpus_allowed_list of /proc/self/status");
			return;
		}
	}
	nohz_cpuset_zero(&c->cpus);
	c->cpus_from[0] = '\0';
}

int nohz_container_detect(struct nohz_sys *sys, struct nohz_container *c)
{
	struct strbuf sb;
	struct nohz_cgroup_info ci;
	struct cg_mounts ms;
	char text[4096], *env = NULL;
	size_t envlen = 0;
	int pidns, cgns;

	memset(c, 0, sizeof(*c));
	sb_init(&sb, c->signs, sizeof(c->signs));
	if (nohz_sys_exists(sys, "/.dockerenv")) {
		sb_item(&sb, ", ", "/.dockerenv");
		snprintf(c->runtime, sizeof(c->runtime), "docker");
	}
	if (nohz_sys_exists(sys, "/run/.containerenv")) {
		sb_item(&sb, ", ", "/run/.containerenv");
		snprintf(c->runtime, sizeof(c->runtime), "podman");
	}
	if (nohz_sys_read_alloc(sys, "/proc/1/environ", &env, &envlen) >= 0) {
		const char *v = environ_value(env, envlen, "container");

		if (v && *v) {
			sb_item(&sb, ", ", "container=%s in pid 1's environment", v);
			snprintf(c->runtime, sizeof(c->runtime), "%s", v);
		}
		if (environ_value(env, envlen, "KUBERNETES_SERVICE_HOST"))
			sb_item(&sb, ", ", "KUBERNETES_SERVICE_HOST in pid 1's environment");
		free(env);
	}
	if (nohz_sys_read(sys, "/proc/1/cgroup", text, sizeof(text)) > 0 &&
	    nohz_cgroup_info_parse(text, &ci) == 0 && ci.id[0]) {
		sb_item(&sb, ", ", "pid 1 in %s cgroup %s", ci.runtime, ci.path);
		if (!c->runtime[0])
			snprintf(c->runtime, sizeof(c->runtime), "%s", ci.runtime);
		snprintf(c->id, sizeof(c->id), "%s", ci.id);
	}
	cg_mounts_read(sys, &ms);
	for (size_t i = 0; i < ms.n; i++)
		if (strcmp(ms.m[i].root, "/")) {
			sb_item(&sb, ", ", "%s shows only cgroup %s", ms.m[i].dir, ms.m[i].root);
			break;
		}
	pidns = ns_initial(sys, "pid", PROC_PID_INIT_INO);
	cgns = ns_initial(sys, "cgroup", PROC_CGROUP_INIT_INO);
	/* without the link (old kernel, not root): kthreadd shows the host's view */
	c->pidns = pidns == 0 ||
		   (pidns < 0 && nohz_sys_exists(sys, "/proc/1/stat") && !kthreadd_visible(sys));
	c->cgroupns = cgns == 0;
	if (c->pidns)
		sb_item(&sb, ", ", "a pid namespace of its own");
	if (c->cgroupns)
		sb_item(&sb, ", ", "a cgroup namespace of its own");
	sb_finish(&sb);
	c->inside = c->pidns;
	own_cpus(sys, c);
	return 0;
}
