// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * test_dstate.c - the D-state scanners and their parsers: /proc/PID/cgroup
 * lines as docker, containerd, cri-o, podman, kubelet and systemd write them;
 * kernel stack texts; the stateless and the fd-keeping scan over temporary
 * trees (odd comms, vanished and broken threads, pid filters, the schedstat
 * skip, threads appearing and dying) and over tests/fixtures/dstate-host;
 * and a real D-state thread of this process (a thread parked in vfork),
 * checked against /proc/self/task/TID/stat read here.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "nohz.h"
#include "tree.h"

#define HEX64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static void test_cgroup_docker(void **state)
{
	struct nohz_cgroup_info ci;

	/* systemd cgroup driver, cgroup v2 */
	assert_int_equal(nohz_cgroup_info_parse(
		"0::/system.slice/docker-" HEX64 ".scope\n", &ci), 0);
	assert_string_equal(ci.path, "/system.slice/docker-" HEX64 ".scope");
	assert_string_equal(ci.runtime, "docker");
	assert_string_equal(ci.id, HEX64);
	assert_string_equal(ci.pod, "");
	assert_string_equal(ci.unit, "docker-" HEX64 ".scope");
	/* cgroupfs driver on a v1/hybrid host: the v2 line is "/" */
	assert_int_equal(nohz_cgroup_info_parse(
		"12:pids:/docker/" HEX64 "\n11:memory:/docker/" HEX64 "\n"
		"1:name=systemd:/docker/" HEX64 "\n0::/\n", &ci), 0);
	assert_string_equal(ci.path, "/docker/" HEX64);
	assert_string_equal(ci.runtime, "docker");
	assert_string_equal(ci.id, HEX64);
	assert_string_equal(ci.unit, "");
}

static void test_cgroup_kubernetes(void **state)
{
	struct nohz_cgroup_info ci;

	/* kubelet with the systemd driver and containerd */
	assert_int_equal(nohz_cgroup_info_parse(
		"0::/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod"
		"3c1e9a2b_7d4f_4e8a_b1c2_d3e4f5a6b7c8.slice/cri-containerd-" HEX64 ".scope\n",
		&ci), 0);
	assert_string_equal(ci.runtime, "containerd");
	assert_string_equal(ci.id, HEX64);
	assert_string_equal(ci.pod, "3c1e9a2b-7d4f-4e8a-b1c2-d3e4f5a6b7c8");
	/* guaranteed QoS has no class slice; cri-o */
	assert_int_equal(nohz_cgroup_info_parse(
		"0::/kubepods.slice/kubepods-pod6f1d2c3b_4a5e_4f60_9a7b_8c9d0e1f2a3b.slice/"
		"crio-" HEX64 ".scope\n", &ci), 0);
	assert_string_equal(ci.runtime, "crio");
	assert_string_equal(ci.id, HEX64);
	assert_string_equal(ci.pod, "6f1d2c3b-4a5e-4f60-9a7b-8c9d0e1f2a3b");
	/* cri-o's conmon sits next to the container */
	assert_int_equal(nohz_cgroup_info_parse(
		"0::/kubepods.slice/kubepods-pod1.slice/crio-conmon-" HEX64 ".scope", &ci), 0);
	assert_string_equal(ci.runtime, "crio");
	assert_string_equal(ci.id, HEX64);
	/* kubelet with the cgroupfs driver: a bare id under the pod */
	assert_int_equal(nohz_cgroup_info_parse(
		"0::/kubepods/burstable/pod0d7a3c5e-1111-2222-3333-444455556666/" HEX64 "\n",
		&ci), 0);
	assert_string_equal(ci.runtime, "kubepods");
	assert_string_equal(ci.id, HEX64);
	assert_string_equal(ci.pod, "0d7a3c5e-1111-2222-3333-444455556666");
	/* the pod's own cgroup: a pod, no container */
	assert_int_equal(nohz_cgroup_info_parse(
		"0::/kubepods/besteffort/podabc-def\n", &ci), 0);
	assert_string_equal(ci.runtime, "");
	assert_string_equal(ci.id, "");
	assert_string_equal(ci.pod, "abc-def");
}

static void test_cgroup_podman_systemd(void **state)
{
	struct nohz_cgroup_info ci;

	/* rootless podman under the user's manager */
	assert_int_equal(nohz_cgroup_info_parse(
		"0::/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-"
		HEX64 ".scope/container\n", &ci), 0);
	assert_string_equal(ci.runtime, "podman");
	assert_string_equal(ci.id, HEX64);
	assert_string_equal(ci.unit, "libpod-" HEX64 ".scope");
	/* a plain service, a login session, the root */
	assert_int_equal(nohz_cgroup_info_parse(
		"0::/system.slice/systemd-udevd.service/udev\n", &ci), 0);
	assert_string_equal(ci.runtime, "");
	assert_string_equal(ci.unit, "systemd-udevd.service");
	assert_int_equal(nohz_cgroup_info_parse(
		"0::/user.slice/user-0.slice/session-4.scope\n", &ci), 0);
	assert_string_equal(ci.unit, "session-4.scope");
	assert_int_equal(nohz_cgroup_info_parse("0::/\n", &ci), 0);
	assert_string_equal(ci.path, "/");
	assert_string_equal(ci.unit, "");
	/* 63 hex digits are not a container id */
	assert_int_equal(nohz_cgroup_info_parse(
		"0::/docker/" HEX64 "x\n", &ci), 0);
	assert_string_equal(ci.id, "");
	assert_int_equal(nohz_cgroup_info_parse("", &ci), -EINVAL);
	assert_int_equal(nohz_cgroup_info_parse("garbage without colons\n", &ci), -EINVAL);
}

static void test_stack_site(void **state)
{
	char site[64];

	assert_int_equal(nohz_stack_site("[<0>] folio_wait_bit_common+0x110/0x310\n"
					 "[<0>] filemap_get_pages+0x749/0x760\n",
					 site, sizeof(site)), 0);
	assert_string_equal(site, "folio_wait_bit_common");
	/* module frames, and the normalized form without "[<0>] " */
	assert_int_equal(nohz_stack_site("[<0>] rpc_wait_bit_killable+0x11/0x60 [sunrpc]\n",
					 site, sizeof(site)), 0);
	assert_string_equal(site, "rpc_wait_bit_killable");
	assert_int_equal(nohz_stack_site("bdev_open.part.0+0x82/0x3b0\nx+0x1", site,
					 sizeof(site)), 0);
	assert_string_equal(site, "bdev_open.part.0");
	assert_int_equal(nohz_stack_site("", site, sizeof(site)), -ENOENT);
	assert_string_equal(site, "");
	assert_int_equal(nohz_stack_site("[<0>]\n\n", site, sizeof(site)), -ENOENT);
	/* truncated into a small buffer, still terminated */
	assert_int_equal(nohz_stack_site("[<0>] abcdefgh+0x1/0x2\n", site, 5), 0);
	assert_string_equal(site, "abcd");
}

/* stat_line - a 52-field stat line with num_threads and starttime set */
static void put_thread(const char *root, int pid, int tid, const char *comm, char state,
		       int nthreads, unsigned long long start)
{
	char path[128];
	char line[1024];

	snprintf(line, sizeof(line),
		 "%d (%s) %c 1 %d %d 0 -1 4194304 120 0 3 0 50 7 0 0 20 0 %d 0 %llu "
		 "3133440 394 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0 "
		 "0 0 0 0 0 0 0 0\n", tid, comm, state, pid, pid, nthreads, start);
	snprintf(path, sizeof(path), "proc/%d/task/%d/stat", pid, tid);
	tree_put(root, path, "%s", line);
	if (pid == tid) {
		snprintf(path, sizeof(path), "proc/%d/stat", pid);
		tree_put(root, path, "%s", line);
		snprintf(path, sizeof(path), "proc/%d/comm", pid);
		tree_put(root, path, "%s\n", comm);
	}
}

struct seen {
	int n;
	pid_t pid[16], tid[16];
	char comm[16][64], pcomm[16][64];
	char state[16];
};

static int collect(const struct nohz_dthread *t, void *arg)
{
	struct seen *s = arg;

	if (s->n < 16) {
		s->pid[s->n] = t->pid;
		s->tid[s->n] = t->stat.tid;
		s->state[s->n] = t->stat.state;
		snprintf(s->comm[s->n], 64, "%s", t->stat.comm);
		snprintf(s->pcomm[s->n], 64, "%s", t->pcomm);
	}
	s->n++;
	return 0;
}

static int find(const struct seen *s, pid_t tid)
{
	for (int i = 0; i < s->n && i < 16; i++)
		if (s->tid[i] == tid)
			return i;
	return -1;
}

/* odd_tree - the processes of the scan tests */
static char *odd_tree(void)
{
	char *root = tree_new();

	put_thread(root, 10, 10, "sshd", 'S', 1, 100);
	put_thread(root, 20, 20, "app", 'S', 3, 200);
	put_thread(root, 20, 21, "a) D (b", 'D', 3, 201);	/* comm fakes a state */
	put_thread(root, 20, 22, "worker 2", 'D', 3, 202);
	put_thread(root, 30, 30, "x y", 'D', 1, 300);
	tree_mkdir(root, "proc/40/task/40");			/* vanished */
	tree_put(root, "proc/50/stat", "50 (broken D 1");	/* truncated */
	tree_put(root, "proc/50/task/50/stat", "50 (broken D 1");
	tree_put(root, "proc/self", "not a process dir");
	return root;
}

static void test_scan_tree(void **state)
{
	char *root = odd_tree();
	struct nohz_sys *sys = nohz_sys_open(root);
	struct seen s = { 0 };
	pid_t pids[] = { 30, 40, 999 };
	int i;

	assert_non_null(sys);
	assert_int_equal(nohz_dstate_scan(sys, NULL, 0, false, collect, &s), 5);
	assert_int_equal(s.n, 3);
	assert_true((i = find(&s, 21)) >= 0);
	assert_int_equal(s.pid[i], 20);
	assert_string_equal(s.comm[i], "a) D (b");
	assert_string_equal(s.pcomm[i], "app");
	assert_true((i = find(&s, 22)) >= 0);
	assert_string_equal(s.comm[i], "worker 2");
	assert_true((i = find(&s, 30)) >= 0);
	assert_int_equal(s.pid[i], 30);
	assert_string_equal(s.pcomm[i], "x y");
	/* every thread */
	memset(&s, 0, sizeof(s));
	assert_int_equal(nohz_dstate_scan(sys, NULL, 0, true, collect, &s), 5);
	assert_int_equal(s.n, 5);
	assert_int_equal(s.state[find(&s, 10)], 'S');
	/* only some pids; absent ones are no error */
	memset(&s, 0, sizeof(s));
	assert_int_equal(nohz_dstate_scan(sys, pids, 3, false, collect, &s), 1);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.tid[0], 30);
	nohz_sys_close(sys);
	tree_free(root);
}

static int stop_first(const struct nohz_dthread *t, void *arg)
{
	++*(int *)arg;
	return 1;
}

static void test_scan_stop_and_errors(void **state)
{
	char *root = odd_tree(), *empty = tree_new();
	struct nohz_sys *sys = nohz_sys_open(root), *esys = nohz_sys_open(empty);
	struct nohz_dscan *sc;
	int calls = 0;

	nohz_dstate_scan(sys, NULL, 0, false, stop_first, &calls);
	assert_int_equal(calls, 1);
	calls = 0;
	assert_int_equal(nohz_dscan_open(&sc, sys, NULL, 0), 0);
	assert_true(nohz_dscan_run(sc, stop_first, &calls) >= 1);
	assert_int_equal(calls, 1);
	nohz_dscan_close(sc);
	/* a root without proc/ */
	assert_int_equal(nohz_dstate_scan(esys, NULL, 0, false, collect, &calls), -ENOENT);
	assert_int_equal(nohz_dscan_open(&sc, esys, NULL, 0), -ENOENT);
	assert_null(sc);
	nohz_sys_close(sys);
	nohz_sys_close(esys);
	tree_free(root);
	tree_free(empty);
}

static int rmdir_in(const char *root, const char *path)
{
	char full[4096];

	snprintf(full, sizeof(full), "%s/%s", root, path);
	return rmdir(full);
}

/* The cached scanner agrees with the stateless one, then skips what it may. */
static void test_dscan_skip(void **state)
{
	char *root = odd_tree();
	struct nohz_sys *sys = nohz_sys_open(root);
	struct nohz_dscan *sc;
	struct seen s = { 0 };
	unsigned long long reads;

	tree_put(root, "proc/10/task/10/schedstat", "1000 50 3\n");
	tree_put(root, "proc/20/task/20/schedstat", "2000 50 3\n");
	assert_int_equal(nohz_dscan_open(&sc, sys, NULL, 0), 0);
	assert_int_equal(nohz_dscan_run(sc, collect, &s), 5);
	assert_int_equal(s.n, 3);
	assert_true(find(&s, 21) >= 0 && find(&s, 22) >= 0 && find(&s, 30) >= 0);
	assert_string_equal(s.pcomm[find(&s, 22)], "app");
	reads = nohz_dscan_stat_reads(sc);

	/* sshd "enters D" without its CPU time moving: impossible, not read */
	put_thread(root, 10, 10, "sshd", 'D', 1, 100);
	memset(&s, 0, sizeof(s));
	assert_int_equal(nohz_dscan_run(sc, collect, &s), 5);
	assert_int_equal(s.n, 3);
	assert_int_equal(find(&s, 10), -1);
	/* 21, 22, 30 (D) and the broken 50 are read; 10 and 20 are not */
	assert_int_equal(nohz_dscan_stat_reads(sc) - reads, 4);

	/* it ran: read again, and found in D */
	tree_put(root, "proc/10/task/10/schedstat", "1500 50 4\n");
	memset(&s, 0, sizeof(s));
	nohz_dscan_run(sc, collect, &s);
	assert_int_equal(s.n, 4);
	assert_true(find(&s, 10) >= 0);

	/* a new thread (the dir's link count moves) and a vanished one */
	put_thread(root, 20, 23, "late", 'D', 4, 203);
	tree_rm(root, "proc/20/task/22/stat");
	assert_int_equal(rmdir_in(root, "proc/20/task/22"), 0);
	memset(&s, 0, sizeof(s));
	nohz_dscan_run(sc, collect, &s);
	assert_true(find(&s, 23) >= 0);
	assert_int_equal(s.pid[find(&s, 23)], 20);
	assert_int_equal(find(&s, 22), -1);
	assert_true(find(&s, 21) >= 0);
	nohz_dscan_close(sc);

	/* a pid list */
	pid_t pids[] = { 20, 20, 10 };
	assert_int_equal(nohz_dscan_open(&sc, sys, pids, 3), 0);
	memset(&s, 0, sizeof(s));
	nohz_dscan_run(sc, collect, &s);
	assert_int_equal(s.n, 3);	/* 10, 21, 23 */
	assert_int_equal(find(&s, 30), -1);
	nohz_dscan_close(sc);
	nohz_sys_close(sys);
	tree_free(root);
}

/* The fixture host: its D threads are those the generator wrote as D. */
static void test_fixture_host(void **state)
{
	const char *fix = getenv("FIX");
	char root[4096];
	struct nohz_sys *sys;
	struct nohz_dscan *sc;
	struct seen s = { 0 }, c = { 0 };
	const pid_t want[] = { 77, 815, 816, 2001, 3117 };

	snprintf(root, sizeof(root), "%s/dstate-host", fix && *fix ? fix : "tests/fixtures");
	sys = nohz_sys_open(root);
	assert_non_null(sys);
	assert_true(nohz_dstate_scan(sys, NULL, 0, false, collect, &s) >= 10);
	assert_int_equal(nohz_dscan_open(&sc, sys, NULL, 0), 0);
	assert_true(nohz_dscan_run(sc, collect, &c) >= 10);
	nohz_dscan_close(sc);
	assert_int_equal(s.n, 5);
	assert_int_equal(c.n, 5);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		assert_true(find(&s, want[i]) >= 0);
		assert_true(find(&c, want[i]) >= 0);
	}
	assert_string_equal(s.comm[find(&s, 2001)], "(udev-worker)");
	assert_string_equal(s.comm[find(&s, 3117)], "GC Thread#0");
	assert_string_equal(c.pcomm[find(&c, 3117)], "java");
	assert_int_equal(c.pid[find(&c, 816)], 812);
	nohz_sys_close(sys);
}

/* A thread of ours parked in vfork() sits in D until its child exits. */
static volatile pid_t vfork_tid;

static void *vfork_thread(void *arg)
{
	pid_t child;

	vfork_tid = gettid();
	child = vfork();
	if (child == 0) {
		struct timespec ts = { 1, 500000000 };

		nanosleep(&ts, NULL);
		_exit(0);
	}
	if (child > 0)
		waitpid(child, NULL, 0);
	return NULL;
}

/* proc_state - state letter of a thread, read here with stdio */
static char proc_state(pid_t tid)
{
	char path[64], line[1024], *rp;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", (int)tid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	rp = fgets(line, sizeof(line), f) ? strrchr(line, ')') : NULL;
	fclose(f);
	return rp ? rp[2] : 0;
}

static void test_live_vfork(void **state)
{
	struct nohz_sys *sys = nohz_sys_open("/");
	pid_t self = getpid();
	struct nohz_dscan *sc;
	struct seen s = { 0 }, c = { 0 };
	pthread_t t;
	int tries = 0;

	assert_int_equal(nohz_dscan_open(&sc, sys, &self, 1), 0);
	nohz_dscan_run(sc, collect, &c);	/* before: the thread does not exist */
	assert_int_equal(c.n, 0);
	vfork_tid = 0;
	assert_int_equal(pthread_create(&t, NULL, vfork_thread, NULL), 0);
	while ((!vfork_tid || proc_state(vfork_tid) != 'D') && tries++ < 500)
		usleep(2000);
	if (proc_state(vfork_tid) != 'D') {
		pthread_join(t, NULL);
		nohz_dscan_close(sc);
		nohz_sys_close(sys);
		skip();		/* the vforking thread never showed D */
	}
	nohz_dstate_scan(sys, &self, 1, false, collect, &s);
	nohz_dscan_run(sc, collect, &c);
	assert_int_equal(proc_state(vfork_tid), 'D');	/* still: the scans saw D */
	assert_true(find(&s, vfork_tid) >= 0);
	assert_int_equal(s.pid[find(&s, vfork_tid)], self);
	assert_true(find(&c, vfork_tid) >= 0);
	pthread_join(t, NULL);
	/* woken: neither scanner reports it */
	memset(&s, 0, sizeof(s));
	nohz_dscan_run(sc, collect, &s);
	assert_int_equal(find(&s, vfork_tid), -1);
	nohz_dscan_close(sc);
	nohz_sys_close(sys);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cgroup_docker),
		cmocka_unit_test(test_cgroup_kubernetes),
		cmocka_unit_test(test_cgroup_podman_systemd),
		cmocka_unit_test(test_stack_site),
		cmocka_unit_test(test_scan_tree),
		cmocka_unit_test(test_scan_stop_and_errors),
		cmocka_unit_test(test_dscan_skip),
		cmocka_unit_test(test_fixture_host),
		cmocka_unit_test(test_live_vfork),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
