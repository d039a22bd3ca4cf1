// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * workload_container.c - is the checker inside a container, and what can it
 * see from there.  A container hides the host's threads (its own pid
 * namespace) and usually the host's cgroup tree (its own cgroup namespace);
 * sysfs still shows what the host isolated.  Files such as /.dockerenv are
 * signs only: a pid namespace of its own is what makes the view partial.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

/* Inode numbers of the initial namespaces (include/linux/proc_ns.h). */
#define PROC_PID_INIT_INO 0xEFFFFFFCU
#define PROC_CGROUP_INIT_INO 0xEFFFFFFBU

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
	char text[8192], path[512], dir[1024];

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
	char text[8192], *env = NULL;
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
			/* "/docker/ID": a subtree; "/..": outside our cgroup namespace */
			sb_item(&sb, ", ", strncmp(ms.m[i].root, "/..", 3) ?
				"%s shows only cgroup %s" : "%s is mounted from outside this "
				"cgroup namespace (%s)", ms.m[i].dir, ms.m[i].root);
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

void nohz_container_check(const struct nohz_container *c, const struct nohz_kernel *k,
			  struct nohz_report *r)
{
	struct nohz_finding *f;
	struct nohz_cpuset iso, hk;
	char cpus[512], b[512];
	struct strbuf sb;

	if (!c->inside && !c->signs[0])
		return;
	f = nohz_report_add(r, "workload.container", "what can be verified from here",
			    "workload", NOHZ_PASS);
	if (!f)
		return;
	if (!c->inside) {
		f_set(f, NOHZ_PASS, "host view: the host's pid namespace (kernel threads "
		      "visible)%s%s", c->signs[0] ? "; container signs ignored: " : "", c->signs);
		return;
	}
	nohz_cpuset_or(&iso, &k->nohz_full, &k->isolated);
	nohz_cpuset_andnot(&hk, &c->cpus, &iso);
	nohz_cpuset_format(&c->cpus, cpus, sizeof(cpus));
	sb_init(&sb, f->evidence, sizeof(f->evidence));
	sb_printf(&sb, "inside a container");
	if (c->runtime[0] || c->id[0])
		sb_printf(&sb, " (%s%s%.12s)", c->runtime, c->id[0] ? " " : "", c->id);
	sb_printf(&sb, ": %s. ", c->signs);
	if (nohz_cpuset_empty(&c->cpus))
		sb_printf(&sb, "Own cpuset unknown. ");
	else if (nohz_cpuset_empty(&iso))
		sb_printf(&sb, "Own cpuset %s; the host isolates no CPU. ", cpus);
	else if (nohz_cpuset_empty(&hk))
		sb_printf(&sb, "Own cpuset %s is isolated on the host (%s). ", cpus,
			  nohz_cpuset_format(&iso, b, sizeof(b)));
	else
		sb_printf(&sb, "Own cpuset %s includes CPU %s, not isolated on the host. ", cpus,
			  nohz_cpuset_format(&hk, b, sizeof(b)));
	sb_printf(&sb, "Not verifiable from inside: threads of the host and of other "
		  "containers, kernel threads included, on CPUs %s (the pid namespace hides "
		  "them: threads.* and workload.runnable see this container only)%s",
		  nohz_cpuset_empty(&c->cpus) ? "?" : cpus,
		  c->cgroupns ? "; the host's cgroup tree (cgroup namespace)" : "");
	f->verdict = NOHZ_WARN;
	f_remedy(f, "run the check on the host: nohz-check --cgroup %.12s", c->id[0] ? c->id :
		 "CONTAINER-ID");
}
