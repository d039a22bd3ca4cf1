// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * test_workload.c - the workload (lib/workload*.c) on root trees: cgroup
 * mounts from mountinfo (v1, v2, hybrid, a subtree mount, escapes), paths
 * from /proc/PID/cgroup, a process by pid, a cgroup by directory, by path
 * inside its hierarchy and by container id (unique, ambiguous, unknown),
 * the workload.* findings with their remedies, the refresh at the end of a
 * window (major faults, a thread gone, runnable twice), an isolated v2
 * partition, and container detection from namespaces and signs.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "nohz.h"
#include "internal.h"
#include "tree.h"

#define ID1 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define ID2 "0123456789ab99990123456789abcdef0123456789abcdef0123456789abcdef"
#define CT1 "/system.slice/docker-" ID1 ".scope"

/*
 * wl_thread - proc/PID/task/TID/{stat,status} as Linux 6.x writes them,
 * field by field from proc(5): state, last cpu (39), rt_priority (40),
 * policy (41), majflt (12), utime (14); status with Cpus_allowed_list and
 * VmLck (kB, -1: no VmLck line)
 */
static void wl_thread(const char *root, int pid, int tid, const char *comm, char state,
		      int cpu, const char *allowed, int policy, int prio,
		      unsigned long long majflt, long vmlck)
{
	char f[53][32], stat[2048], path[256], lck[64] = "";
	size_t off;

	for (int i = 0; i < 53; i++)
		snprintf(f[i], sizeof(f[i]), "0");
	snprintf(f[4], 32, "1");
	snprintf(f[9], 32, "%u", 0x00400040u);	/* a user task */
	snprintf(f[12], 32, "%llu", majflt);
	snprintf(f[14], 32, "100");
	snprintf(f[18], 32, "%d", policy ? -1 - prio : 20);
	snprintf(f[20], 32, "3");
	snprintf(f[39], 32, "%d", cpu);
	snprintf(f[40], 32, "%d", prio);
	snprintf(f[41], 32, "%d", policy);
	off = snprintf(stat, sizeof(stat), "%d (%s) %c", tid, comm, state);
	for (int i = 4; i <= 52; i++)
		off += snprintf(stat + off, sizeof(stat) - off, " %s", f[i]);
	snprintf(stat + off, sizeof(stat) - off, "\n");
	snprintf(path, sizeof(path), "proc/%d/task/%d/stat", pid, tid);
	tree_put(root, path, "%s", stat);
	if (vmlck >= 0)
		snprintf(lck, sizeof(lck), "VmLck:\t%8ld kB\n", vmlck);
	snprintf(path, sizeof(path), "proc/%d/task/%d/status", pid, tid);
	tree_put(root, path, "Name:\t%s\nState:\t%c (x)\nTgid:\t%d\nPid:\t%d\n%s"
		 "Cpus_allowed_list:\t%s\n", comm, state, pid, tid, lck, allowed);
	if (pid == tid) {
		snprintf(path, sizeof(path), "proc/%d/stat", pid);
		tree_put(root, path, "%s", stat);
		snprintf(path, sizeof(path), "proc/%d/status", pid);
		tree_put(root, path, "Name:\t%s\nState:\t%c (x)\nTgid:\t%d\nPid:\t%d\n%s"
			 "Cpus_allowed_list:\t%s\n", comm, state, pid, tid, lck, allowed);
	}
}

/* host - 4 cpus, 1-3 nohz_full and isolated, RT throttling on */
static char *host(void)
{
	char *root = tree_new();

	tree_put(root, "sys/devices/system/cpu/online", "0-3\n");
	tree_put(root, "sys/devices/system/cpu/possible", "0-3\n");
	tree_put(root, "sys/devices/system/cpu/nohz_full", "1-3\n");
	tree_put(root, "sys/devices/system/cpu/isolated", "1-3\n");
	tree_put(root, "proc/sys/kernel/sched_rt_runtime_us", "950000\n");
	tree_put(root, "proc/sys/kernel/sched_rt_period_us", "1000000\n");
	tree_put(root, "proc/cmdline", "nohz_full=1-3 isolcpus=1-3\n");
	return root;
}

/*
 * v2_app - a v2 host (no mountinfo: the usual mount point is found) with
 * a docker container ID1 holding process 100 (threads 101-103) and, in a
 * sub-cgroup, process 110; cpuset.cpus.effective cpus
 */
static char *v2_app(const char *cpus)
{
	char *root = host();

	tree_put(root, "sys/fs/cgroup/cgroup.controllers", "cpuset cpu io memory pids\n");
	tree_put(root, "sys/fs/cgroup/cgroup.procs", "1\n");
	tree_put(root, "sys/fs/cgroup/cpuset.cpus.effective", "0-3\n");
	tree_put(root, "sys/fs/cgroup" CT1 "/cgroup.procs", "100\n");
	tree_put(root, "sys/fs/cgroup" CT1 "/cpuset.cpus.effective", "%s\n", cpus);
	tree_put(root, "sys/fs/cgroup" CT1 "/cpuset.cpus.partition", "member\n");
	tree_put(root, "sys/fs/cgroup" CT1 "/sub/cgroup.procs", "110\n999\n");
	tree_put(root, "proc/1/cgroup", "0::/init.scope\n");
	wl_thread(root, 1, 1, "systemd", 'S', 0, "0", 0, 0, 0, 0);
	tree_put(root, "proc/100/cgroup", "0::" CT1 "\n");
	tree_put(root, "proc/110/cgroup", "0::" CT1 "/sub\n");
	/* 100 sleeps; 101 and 102 spin on cpu 2; 103 is FIFO 50, may float */
	wl_thread(root, 100, 100, "app", 'S', 2, "1-2", 0, 0, 3, 0);
	wl_thread(root, 100, 101, "app-rx", 'R', 2, "2", 0, 0, 7, 0);
	wl_thread(root, 100, 102, "app-tx", 'R', 2, "2", 0, 0, 0, 0);
	wl_thread(root, 100, 103, "app-rt", 'S', 1, "1-2", 1, 50, 0, 0);
	wl_thread(root, 110, 110, "helper", 'S', 1, "1", 0, 0, 0, 0);
	return root;
}

static struct nohz_sys *sys_of(const char *root)
{
	struct nohz_sys *sys = nohz_sys_open(root);

	assert_non_null(sys);
	return sys;
}

/* judge - the workload.* findings of w on the host of sys */
static void judge(struct nohz_sys *sys, const struct nohz_workload *w, struct nohz_report *r)
{
	struct nohz_kernel k;

	memset(r, 0, sizeof(*r));
	assert_int_equal(nohz_kernel_read(sys, &k), 0);
	nohz_workload_check(sys, w, &k, r);
}

/* expect - finding id has verdict v, evidence has ev and remedy has rem */
static const struct nohz_finding *expect(const struct nohz_report *r, const char *id,
					 enum nohz_verdict v, const char *ev, const char *rem)
{
	const struct nohz_finding *f = nohz_report_find(r, id);

	if (!f)
		fail_msg("no finding %s", id);
	if (f->verdict != v)
		fail_msg("%s: %s, want %s: %s", id, nohz_verdict_name(f->verdict),
			 nohz_verdict_name(v), f->evidence);
	if (ev && !strstr(f->evidence, ev))
		fail_msg("%s: evidence lacks '%s': %s", id, ev, f->evidence);
	if (rem && !strstr(f->remedy, rem))
		fail_msg("%s: remedy lacks '%s': %s", id, rem, f->remedy);
	return f;
}

static const struct nohz_wl_thread *thread(const struct nohz_workload *w, pid_t tid)
{
	for (size_t i = 0; i < w->n; i++)
		if (w->t[i].tid == tid)
			return &w->t[i];
	fail_msg("thread %d not in the workload", (int)tid);
	return NULL;
}

static void test_mounts_parse(void **state)
{
	static const char hybrid[] =
		"31 23 0:28 / /sys/fs/cgroup ro,nosuid - tmpfs tmpfs ro,mode=755\n"
		"32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime shared:9 - cgroup cgroup "
		"rw,cpu,cpuacct\n"
		"34 31 0:31 / /sys/fs/cgroup/cpuset rw,relatime shared:10 - cgroup cgroup rw,cpuset\n"
		"41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n"
		"50 23 0:40 / /mnt/my\\040cg rw - cgroup2 cgroup2 rw\n"
		"60 23 8:1 / / rw - ext4 /dev/vda rw\n";
	static const char docker_v1[] =
		"700 690 0:31 /docker/" ID1 " /sys/fs/cgroup/cpuset ro - cgroup cgroup rw,cpuset\n";
	struct cg_mounts ms;
	const struct cg_mount *m;
	char dir[1024];

	assert_int_equal(cg_mounts_parse(hybrid, &ms), 4);
	m = cg_mount_find(&ms, "cpuset");
	assert_non_null(m);
	assert_string_equal(m->dir, "/sys/fs/cgroup/cpuset");
	assert_int_equal(m->version, 1);
	/* "cpu" is a whole word: not cpuset, not cpuacct alone */
	m = cg_mount_find(&ms, "cpu");
	assert_non_null(m);
	assert_string_equal(m->dir, "/sys/fs/cgroup/cpu,cpuacct");
	assert_null(cg_mount_find(&ms, "memory"));
	m = cg_mount_find(&ms, NULL);
	assert_string_equal(m->dir, "/sys/fs/cgroup/unified");
	assert_string_equal(ms.m[3].dir, "/mnt/my cg");
	assert_int_equal(cg_dir(cg_mount_find(&ms, "cpuset"), "/rt/app", dir, sizeof(dir)), 0);
	assert_string_equal(dir, "/sys/fs/cgroup/cpuset/rt/app");
	assert_int_equal(cg_dir(cg_mount_find(&ms, "cpuset"), "/", dir, sizeof(dir)), 0);
	assert_string_equal(dir, "/sys/fs/cgroup/cpuset");

	/* a container's view without a cgroup namespace: only its own subtree */
	assert_int_equal(cg_mounts_parse(docker_v1, &ms), 1);
	m = cg_mount_find(&ms, "cpuset");
	assert_int_equal(cg_dir(m, "/docker/" ID1, dir, sizeof(dir)), 0);
	assert_string_equal(dir, "/sys/fs/cgroup/cpuset");
	assert_int_equal(cg_dir(m, "/docker/" ID1 "/x", dir, sizeof(dir)), 0);
	assert_string_equal(dir, "/sys/fs/cgroup/cpuset/x");
	assert_int_equal(cg_dir(m, "/docker/other", dir, sizeof(dir)), -ENOENT);
	assert_int_equal(cg_dir(m, "/docker/" ID1 "0", dir, sizeof(dir)), -ENOENT);
}

static void test_proc_path(void **state)
{
	static const char text[] =
		"12:pids:/user.slice\n"
		"11:cpuset:/rt/app\n"
		"4:cpu,cpuacct:/rt\n"
		"1:name=systemd:/user.slice/session-1.scope\n"
		"0::/user.slice/session-1.scope\n";
	struct cg_mount v1cs = { .version = 1, .dir = "/c", .root = "/", .opts = "rw,cpuset" };
	struct cg_mount v1cpu = { .version = 1, .dir = "/p", .root = "/",
				  .opts = "rw,cpu,cpuacct" };
	struct cg_mount v2 = { .version = 2, .dir = "/u", .root = "/", .opts = "rw" };
	struct cg_mount mem = { .version = 1, .dir = "/m", .root = "/", .opts = "rw,memory" };
	char p[512];

	assert_int_equal(cg_proc_path(text, &v1cs, p, sizeof(p)), 0);
	assert_string_equal(p, "/rt/app");
	assert_int_equal(cg_proc_path(text, &v1cpu, p, sizeof(p)), 0);
	assert_string_equal(p, "/rt");
	assert_int_equal(cg_proc_path(text, &v2, p, sizeof(p)), 0);
	assert_string_equal(p, "/user.slice/session-1.scope");
	assert_int_equal(cg_proc_path(text, &mem, p, sizeof(p)), -ENOENT);
}

/* A process by pid: its threads, their union of cpus, every finding. */
static void test_pid_findings(void **state)
{
	char *root = v2_app("1-2"), err[256];
	struct nohz_sys *sys = sys_of(root);
	struct nohz_workload w;
	struct nohz_report r;

	/* a thread id names its process */
	assert_int_equal(nohz_workload_pid(sys, 102, &w, err, sizeof(err)), 0);
	assert_int_equal(w.kind, NOHZ_WL_PID);
	assert_int_equal(w.pid, 100);
	assert_int_equal(w.n, 4);
	assert_int_equal(w.nprocs, 1);
	assert_int_equal(w.procs[0].vmlck_kb, 0);
	assert_string_equal(w.cpus_from, "affinity of its threads");
	{
		char b[64];

		assert_string_equal(nohz_cpuset_format(&w.cpus, b, sizeof(b)), "1-2");
	}
	assert_string_equal(w.cg_path, CT1);
	assert_string_equal(w.container.runtime, "docker");
	assert_string_equal(w.container.id, ID1);
	assert_int_equal(thread(&w, 103)->policy, 1);
	assert_int_equal(thread(&w, 103)->rt_priority, 50);
	assert_int_equal(thread(&w, 101)->majflt, 7);
	assert_int_equal(w.samples, 1);
	judge(sys, &w, &r);
	expect(&r, "workload.housekeeping", NOHZ_PASS, "CPUs 1-2 (affinity of its threads) "
	       "are all isolated (nohz_full 1-3, isolated 1-3)", NULL);
	expect(&r, "workload.affinity", NOHZ_PASS, "all 4 threads", NULL);
	/*
	 * 100 and 103 float over 1-2 and sleep: quiet threads go to
	 * housekeeping cpus, but its cpuset (1-2) has none: they share cpu 2
	 */
	expect(&r, "workload.pinned", NOHZ_WARN, "2 of 4 threads are not pinned to one CPU: "
	       "app/100 may move across 1-2, app-rt/103 may move across 1-2",
	       "taskset -pc 2 100; taskset -pc 2 103 (a busy thread gets a free CPU of its "
	       "own, quiet ones share the last: no housekeeping CPU in its cpuset)");
	/* one sample only: a WARN; app-rx stays, app-tx goes to free cpu 1 */
	expect(&r, "workload.runnable", NOHZ_WARN, "CPU 2: 2 runnable in 1 of 1 samples "
	       "(app-rx/101, app-tx/102)", "taskset -pc 1 102");
	expect(&r, "workload.policy", NOHZ_PASS, "SCHED_OTHER nice 0: app/100 app-rx/101 "
	       "app-tx/102; SCHED_FIFO 50: app-rt/103", NULL);
	expect(&r, "workload.rt_throttle", NOHZ_WARN, "1 RT threads may run only 950000 us of "
	       "every 1000000 us", "sysctl -w kernel.sched_rt_runtime_us=-1");
	expect(&r, "workload.mlock", NOHZ_WARN, "app (pid 100) runs SCHED_FIFO threads with "
	       "VmLck 0 kB", "mlockall(MCL_CURRENT | MCL_FUTURE)");
	expect(&r, "workload.majflt", NOHZ_SKIP, "no window", NULL);
	nohz_report_free(&r);

	/*
	 * The end of the window: 101 faulted 10 more times, 103 is gone, both
	 * spinners still runnable: the second sample makes runnable a FAIL.
	 */
	wl_thread(root, 100, 101, "app-rx", 'R', 2, "2", 0, 0, 17, 0);
	tree_rm(root, "proc/100/task/103/stat");
	assert_int_equal(nohz_workload_refresh(sys, &w), 0);
	assert_int_equal(w.samples, 2);
	assert_int_equal(thread(&w, 101)->majflt_delta, 10);
	assert_int_equal(thread(&w, 102)->majflt_delta, 0);
	assert_true(thread(&w, 103)->gone);
	assert_true(w.window >= 0);
	w.window = 2.5;		/* the tree is read faster than any clock */
	judge(sys, &w, &r);
	expect(&r, "workload.runnable", NOHZ_FAIL, "CPU 2: 2 runnable in 2 of 2 samples", NULL);
	expect(&r, "workload.majflt", NOHZ_WARN, "10 major page faults in 2.5 s (each one "
	       "waits for I/O): app-rx/101: 10", "mlockall");
	nohz_report_free(&r);
	nohz_workload_free(&w);

	/* locked memory and no throttling: those two pass */
	wl_thread(root, 100, 100, "app", 'S', 2, "1-2", 0, 0, 3, 2048);
	wl_thread(root, 100, 103, "app-rt", 'S', 1, "1-2", 1, 50, 0, 2048);
	tree_put(root, "proc/sys/kernel/sched_rt_runtime_us", "-1\n");
	assert_int_equal(nohz_workload_pid(sys, 100, &w, err, sizeof(err)), 0);
	judge(sys, &w, &r);
	expect(&r, "workload.mlock", NOHZ_PASS, "app (pid 100, SCHED_FIFO) 2048 kB", NULL);
	expect(&r, "workload.rt_throttle", NOHZ_PASS, "RT throttling is off", NULL);
	nohz_report_free(&r);
	nohz_workload_free(&w);

	assert_int_equal(nohz_workload_pid(sys, 4242, &w, err, sizeof(err)), -ESRCH);
	assert_string_equal(err, "no process 4242");
	nohz_sys_close(sys);
	tree_free(root);
}

/* The same container by directory, by path in the hierarchy, by id. */
static void test_cgroup_specs(void **state)
{
	static const char *const specs[] = {
		"/sys/fs/cgroup" CT1, "/sys/fs/cgroup" CT1 "/", CT1, CT1 + 1,
		ID1, "0123456789ab", "docker-" ID1,
	};
	char *root = v2_app("1-2"), err[512];
	struct nohz_sys *sys = sys_of(root);
	struct nohz_workload w;
	struct nohz_report r;

	for (size_t i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
		char b[64];

		if (nohz_workload_cgroup(sys, specs[i], &w, err, sizeof(err)) < 0)
			fail_msg("spec '%s': %s", specs[i], err);
		assert_int_equal(w.kind, NOHZ_WL_CGROUP);
		assert_int_equal(w.cg_version, 2);
		assert_string_equal(w.cg_path, CT1);
		assert_string_equal(w.cg_dir, "/sys/fs/cgroup" CT1);
		/* the sub-cgroup's process too; pid 999 does not exist */
		assert_int_equal(w.nprocs, 2);
		assert_int_equal(w.n, 5);
		assert_true(w.has_cpuset);
		assert_string_equal(w.cpus_from, "cpuset.cpus.effective");
		assert_string_equal(nohz_cpuset_format(&w.cpus, b, sizeof(b)), "1-2");
		assert_string_equal(w.container.id, ID1);
		nohz_workload_free(&w);
	}

	/* a cpuset with housekeeping cpu 0: FAIL, and docker's own command */
	tree_put(root, "sys/fs/cgroup" CT1 "/cpuset.cpus.effective", "0-2\n");
	assert_int_equal(nohz_workload_cgroup(sys, ID1, &w, err, sizeof(err)), 0);
	judge(sys, &w, &r);
	expect(&r, "workload.housekeeping", NOHZ_FAIL, "CPUs 0-2 (cpuset.cpus.effective) "
	       "include housekeeping CPU 0 (isolated: nohz_full 1-3, isolated 1-3)",
	       "docker update --cpuset-cpus 1-2 0123456789ab; or echo 1-2 > "
	       "/sys/fs/cgroup" CT1 "/cpuset.cpus");
	nohz_report_free(&r);
	nohz_workload_free(&w);

	/* no such cgroup, no such id */
	assert_int_equal(nohz_workload_cgroup(sys, "/sys/fs/cgroup/nope", &w, err,
					      sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "no such cgroup"));
	assert_int_equal(nohz_workload_cgroup(sys, "deadbeef", &w, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "names 'deadbeef'"));
	assert_int_equal(nohz_workload_cgroup(sys, "", &w, err, sizeof(err)), -EINVAL);

	/* two containers share the prefix: ambiguous, unless more is given */
	tree_put(root, "sys/fs/cgroup/system.slice/docker-" ID2 ".scope/cgroup.procs", "200\n");
	tree_put(root, "proc/200/cgroup", "0::/system.slice/docker-" ID2 ".scope\n");
	wl_thread(root, 200, 200, "other", 'S', 3, "3", 0, 0, 0, 0);
	assert_int_equal(nohz_workload_cgroup(sys, "0123456789ab", &w, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "names 2 cgroups"));
	assert_int_equal(nohz_workload_cgroup(sys, "0123456789ab9999", &w, err, sizeof(err)),
			 0);
	assert_int_equal(w.n, 1);
	assert_int_equal(w.t[0].tid, 200);
	nohz_workload_free(&w);
	nohz_sys_close(sys);
	tree_free(root);
}

/*
 * A RHEL 8-era host: v1 cpuset and cpu,cpuacct from mountinfo, a container
 * found by id in /proc/PID/cgroup, its cpu cgroup's RT budget reported.
 */
static void test_v1_rt_group(void **state)
{
	char *root = host(), err[512], b[64];
	struct nohz_sys *sys = sys_of(root);
	struct nohz_workload w;
	struct nohz_report r;

	tree_put(root, "proc/self/mountinfo",
		 "25 20 0:22 / /sys/fs/cgroup ro - tmpfs tmpfs ro,mode=755\n"
		 "30 25 0:27 / /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct\n"
		 "31 25 0:28 / /sys/fs/cgroup/cpuset rw - cgroup cgroup rw,cpuset\n"
		 "32 25 0:29 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n");
	tree_put(root, "sys/fs/cgroup/cpuset/docker/" ID1 "/cgroup.procs", "300\n");
	tree_put(root, "sys/fs/cgroup/cpuset/docker/" ID1 "/cpuset.effective_cpus", "3\n");
	tree_put(root, "sys/fs/cgroup/cpuset/docker/" ID1 "/cpuset.cpus", "3\n");
	tree_put(root, "sys/fs/cgroup/cpu,cpuacct/docker/" ID1 "/cpu.rt_runtime_us", "0\n");
	tree_put(root, "proc/300/cgroup", "11:memory:/docker/" ID1 "\n4:cpuset:/docker/" ID1
		 "\n3:cpu,cpuacct:/docker/" ID1 "\n1:name=systemd:/docker/" ID1 "\n");
	wl_thread(root, 300, 300, "rtapp", 'R', 3, "3", 1, 80, 0, 512);
	assert_int_equal(nohz_workload_cgroup(sys, "0123456789abcdef", &w, err, sizeof(err)), 0);
	assert_int_equal(w.cg_version, 1);
	assert_string_equal(w.cg_dir, "/sys/fs/cgroup/cpuset/docker/" ID1);
	assert_string_equal(w.cpus_from, "cpuset.effective_cpus");
	assert_string_equal(nohz_cpuset_format(&w.cpus, b, sizeof(b)), "3");
	assert_string_equal(w.procs[0].cpu_cg, "/docker/" ID1);
	assert_string_equal(w.container.runtime, "docker");
	judge(sys, &w, &r);
	expect(&r, "workload.housekeeping", NOHZ_PASS, "CPUs 3", NULL);
	expect(&r, "workload.pinned", NOHZ_PASS, NULL, NULL);
	expect(&r, "workload.runnable", NOHZ_PASS, "1 sample", NULL);
	expect(&r, "workload.rt_throttle", NOHZ_WARN, "rtapp (pid 300): /sys/fs/cgroup/"
	       "cpu,cpuacct/docker/" ID1 "/cpu.rt_runtime_us = 0", NULL);
	expect(&r, "workload.mlock", NOHZ_PASS, "rtapp (pid 300, SCHED_FIFO) 512 kB", NULL);
	/* a busy RT thread starves the kernel threads of its cpu */
	expect(&r, "workload.policy", NOHZ_WARN, "1 busy RT thread, rtapp/300 (SCHED_FIFO 80, "
	       "CPU 3): it starves the per-CPU kernel threads", "chrt -o -p 0 300");
	expect(&r, "workload.policy", NOHZ_WARN, "; SCHED_FIFO 80: rtapp/300", NULL);
	nohz_report_free(&r);
	nohz_workload_free(&w);

	/* by path relative to the cpuset mount, with or without the slash */
	assert_int_equal(nohz_workload_cgroup(sys, "docker/" ID1, &w, err, sizeof(err)), 0);
	assert_string_equal(w.cg_path, "/docker/" ID1);
	nohz_workload_free(&w);
	nohz_sys_close(sys);
	tree_free(root);
}

/* A thread that may run on housekeeping cpu 0: FAIL, pinned into 1-3. */
static void test_affinity_and_no_isolation(void **state)
{
	char *root = v2_app("1-2"), err[256];
	struct nohz_sys *sys = sys_of(root);
	struct nohz_workload w;
	struct nohz_report r;

	wl_thread(root, 100, 102, "app-tx", 'R', 2, "0-3", 0, 0, 0, 0);
	assert_int_equal(nohz_workload_pid(sys, 100, &w, err, sizeof(err)), 0);
	judge(sys, &w, &r);
	expect(&r, "workload.affinity", NOHZ_FAIL, "1 of 4 threads may run on housekeeping "
	       "CPUs (isolated: 1-3): app-tx/102 on 0-3", "taskset -pc 1-3 102");
	expect(&r, "workload.housekeeping", NOHZ_FAIL, "include housekeeping CPU 0",
	       "taskset -apc 1-3 100");
	nohz_report_free(&r);
	nohz_workload_free(&w);

	/* nothing isolated at all: the boot options, never with the boot cpu */
	tree_put(root, "sys/devices/system/cpu/nohz_full", "(null)\n");
	tree_put(root, "sys/devices/system/cpu/isolated", "\n");
	assert_int_equal(nohz_workload_pid(sys, 100, &w, err, sizeof(err)), 0);
	judge(sys, &w, &r);
	expect(&r, "workload.affinity", NOHZ_FAIL, "no CPU is isolated on this host",
	       "nohz_full=1-3 isolcpus=domain,managed_irq,1-3 rcu_nocbs=1-3");
	expect(&r, "workload.housekeeping", NOHZ_FAIL, "are all housekeeping CPUs",
	       "nohz_full=1-3");
	nohz_report_free(&r);
	nohz_workload_free(&w);
	nohz_sys_close(sys);
	tree_free(root);
}

/* An isolated v2 partition isolates its cpus without boot options. */
static void test_partition(void **state)
{
	char *root = v2_app("2"), err[256];
	struct nohz_sys *sys = sys_of(root);
	struct nohz_workload w;
	struct nohz_report r;
	char b[64];

	tree_put(root, "sys/devices/system/cpu/nohz_full", "(null)\n");
	tree_put(root, "sys/devices/system/cpu/isolated", "\n");
	tree_put(root, "sys/fs/cgroup/system.slice/cpuset.cpus.partition", "isolated\n");
	tree_put(root, "sys/fs/cgroup/system.slice/cpuset.cpus.effective", "2-3\n");
	wl_thread(root, 100, 100, "app", 'S', 2, "2", 0, 0, 3, 0);
	wl_thread(root, 100, 103, "app-rt", 'S', 2, "2", 1, 50, 0, 0);
	assert_int_equal(nohz_workload_cgroup(sys, CT1, &w, err, sizeof(err)), 0);
	assert_string_equal(w.partition, "isolated");
	assert_string_equal(nohz_cpuset_format(&w.partition_cpus, b, sizeof(b)), "2-3");
	judge(sys, &w, &r);
	expect(&r, "workload.housekeeping", NOHZ_PASS, "isolated partition 2-3", NULL);
	nohz_report_free(&r);
	nohz_workload_free(&w);
	nohz_sys_close(sys);
	tree_free(root);
}

/* ns - proc/self/ns/NAME as the kernel shows it: a link to "NAME:[ino]" */
static void ns(const char *root, const char *name, unsigned int ino)
{
	char path[256], target[64];

	tree_mkdir(root, "proc/self/ns");
	snprintf(path, sizeof(path), "%s/proc/self/ns/%s", root, name);
	snprintf(target, sizeof(target), "%s:[%u]", name, ino);
	unlink(path);
	assert_int_equal(symlink(target, path), 0);
}

static void test_container_detect(void **state)
{
	char *root = host(), b[64];
	struct nohz_sys *sys = sys_of(root);
	struct nohz_container c;
	struct nohz_kernel k;
	struct nohz_report r = { 0 };

	assert_int_equal(nohz_kernel_read(sys, &k), 0);
	/* a plain host: no signs, nothing to say */
	ns(root, "pid", 0xEFFFFFFCU);
	ns(root, "cgroup", 0xEFFFFFFBU);
	assert_int_equal(nohz_container_detect(sys, &c), 0);
	assert_false(c.inside);
	assert_string_equal(c.signs, "");
	nohz_container_check(&c, &k, &r);
	assert_int_equal(r.n, 0);

	/* a stray /.dockerenv on a host view: reported, not believed */
	tree_write(root, ".dockerenv", "", 0);
	assert_int_equal(nohz_container_detect(sys, &c), 0);
	assert_false(c.inside);
	nohz_container_check(&c, &k, &r);
	expect(&r, "workload.container", NOHZ_PASS, "host view", NULL);
	nohz_report_free(&r);

	/* inside: own pid and cgroup namespaces, own cpuset 2-3 (isolated) */
	ns(root, "pid", 4026532500U);
	ns(root, "cgroup", 4026532501U);
	tree_write(root, "proc/1/environ", "PATH=/bin\0container=podman\0HOME=/", 34);
	tree_put(root, "proc/self/mountinfo",
		 "900 800 0:30 / /sys/fs/cgroup ro - cgroup2 cgroup rw\n");
	tree_put(root, "proc/self/cgroup", "0::/\n");
	tree_put(root, "sys/fs/cgroup/cgroup.controllers", "cpuset cpu\n");
	tree_put(root, "sys/fs/cgroup/cpuset.cpus.effective", "2-3\n");
	assert_int_equal(nohz_container_detect(sys, &c), 0);
	assert_true(c.inside);
	assert_true(c.pidns);
	assert_true(c.cgroupns);
	assert_string_equal(c.runtime, "podman");
	assert_string_equal(nohz_cpuset_format(&c.cpus, b, sizeof(b)), "2-3");
	assert_string_equal(c.cpus_from, "/sys/fs/cgroup/cpuset.cpus.effective");
	assert_non_null(strstr(c.signs, "container=podman in pid 1's environment"));
	nohz_container_check(&c, &k, &r);
	expect(&r, "workload.container", NOHZ_WARN, "Own cpuset 2-3 is isolated on the host",
	       "nohz-check --cgroup");
	expect(&r, "workload.container", NOHZ_WARN, "the pid namespace hides them", NULL);
	nohz_report_free(&r);

	/* own cpuset 0-1 where only 1-3 are isolated */
	tree_put(root, "sys/fs/cgroup/cpuset.cpus.effective", "0-1\n");
	assert_int_equal(nohz_container_detect(sys, &c), 0);
	nohz_container_check(&c, &k, &r);
	expect(&r, "workload.container", NOHZ_WARN, "Own cpuset 0-1 includes CPU 0, not "
	       "isolated on the host", NULL);
	nohz_report_free(&r);

	/* no namespace links: no kthreadd among the visible pids means inside */
	tree_rm(root, "proc/self/ns/pid");
	wl_thread(root, 1, 1, "sh", 'S', 2, "2-3", 0, 0, 0, 0);
	assert_int_equal(nohz_container_detect(sys, &c), 0);
	assert_true(c.inside);
	nohz_sys_close(sys);
	tree_free(root);
}

/* Inside a container whose cgroup the mounts do not show: the pid namespace. */
static void test_self_pidns(void **state)
{
	char *root = host(), err[256], b[64];
	struct nohz_sys *sys = sys_of(root);
	struct nohz_workload w;

	tree_put(root, "proc/self/mountinfo",
		 "51 48 0:31 /.. /sys/fs/cgroup/cpuset rw - cgroup cgroup rw,cpuset\n");
	tree_put(root, "proc/self/cgroup", "3:cpuset:/\n");
	wl_thread(root, 1, 1, "sh", 'S', 2, "2", 0, 0, 0, 0);
	wl_thread(root, 7, 7, "app", 'R', 3, "3", 0, 0, 0, 0);
	assert_int_equal(nohz_workload_self(sys, &w, err, sizeof(err)), 0);
	assert_int_equal(w.kind, NOHZ_WL_PIDNS);
	assert_int_equal(w.nprocs, 2);
	assert_string_equal(nohz_cpuset_format(&w.cpus, b, sizeof(b)), "2-3");
	nohz_workload_free(&w);
	nohz_sys_close(sys);
	tree_free(root);
}

/* The JSON object parses as the fields say (checked by shape, not by a parser). */
static void test_print(void **state)
{
	char *root = v2_app("1-2"), err[256], *buf = NULL;
	struct nohz_sys *sys = sys_of(root);
	struct nohz_workload w;
	size_t len = 0;
	FILE *f;

	assert_int_equal(nohz_workload_cgroup(sys, ID1, &w, err, sizeof(err)), 0);
	f = open_memstream(&buf, &len);
	nohz_workload_print_json(f, &w);
	fclose(f);
	assert_non_null(strstr(buf, "\"kind\":\"cgroup\""));
	assert_non_null(strstr(buf, "\"cpus\":\"1-2\""));
	assert_non_null(strstr(buf, "{\"pid\":100,\"tid\":103,\"comm\":\"app-rt\",\"state\":\"S\","
			       "\"processor\":1,\"allowed\":\"1-2\",\"policy\":\"SCHED_FIFO\","
			       "\"rt_priority\":50"));
	assert_non_null(strstr(buf, "\"runnable\":[{\"cpu\":2,\"sample\":0,\"pid\":100,"
			       "\"tid\":101"));
	free(buf);
	buf = NULL;
	f = open_memstream(&buf, &len);
	nohz_workload_print(f, &w);
	fclose(f);
	assert_non_null(strstr(buf, "Workload: cgroup v2 " CT1 " (docker 0123456789ab)"));
	assert_non_null(strstr(buf, "CPUs 1-2 (cpuset.cpus.effective); 2 processes, 5 threads"));
	assert_non_null(strstr(buf, "    103 app-rt           SCHED_FIFO       50 1-2"));
	free(buf);
	nohz_workload_free(&w);
	nohz_sys_close(sys);
	tree_free(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mounts_parse),
		cmocka_unit_test(test_proc_path),
		cmocka_unit_test(test_pid_findings),
		cmocka_unit_test(test_cgroup_specs),
		cmocka_unit_test(test_v1_rt_group),
		cmocka_unit_test(test_affinity_and_no_isolation),
		cmocka_unit_test(test_partition),
		cmocka_unit_test(test_container_detect),
		cmocka_unit_test(test_self_pidns),
		cmocka_unit_test(test_print),
	};

	return cmocka_run_group_tests(tests, NULL, tree_cleanup);
}
