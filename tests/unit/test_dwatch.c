// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * test_dwatch.c - following waits through sampling passes driven with our
 * own clock over a temporary /proc tree that the test edits between passes:
 * start and end dated at the midpoints between passes, the threshold, the
 * details of a report (cmdline, cgroup, wchan, stack, site), a thread that
 * ran between two sightings in D (two waits, not one), a reused tid, filters,
 * waits still open at the end, a thread vanishing while reported, and the
 * summary by thread and by site.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "nohz.h"
#include "tree.h"

#define MS(x) ((uint64_t)(x) * 1000000ull)
#define HEX64 "4f1c2d3e5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d"

struct ev {
	enum nohz_dwait_event kind;
	struct nohz_dwait w;
};

struct rec {
	int n;
	struct ev e[16];
};

static void on_event(enum nohz_dwait_event kind, const struct nohz_dwait *w, void *arg)
{
	struct rec *r = arg;

	if (r->n < 16) {
		r->e[r->n].kind = kind;
		r->e[r->n].w = *w;
	}
	r->n++;
}

/* thread - one thread's stat, and schedstat when runtime > 0 */
static void thread(const char *root, int pid, int tid, const char *comm, char state,
		   unsigned long long start, unsigned long long runtime, int nthreads)
{
	char path[128];

	snprintf(path, sizeof(path), "proc/%d/task/%d/stat", pid, tid);
	tree_put(root, path,
		 "%d (%s) %c 1 %d %d 0 -1 4194304 120 0 3 0 50 7 0 0 20 0 %d 0 %llu "
		 "3133440 394 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0 "
		 "0 0 0 0 0 0 0 0\n", tid, comm, state, pid, pid, nthreads, start);
	if (runtime) {
		snprintf(path, sizeof(path), "proc/%d/task/%d/schedstat", pid, tid);
		tree_put(root, path, "%llu 0 1\n", runtime);
	}
}

static char *db_tree(void)
{
	char *root = tree_new();

	thread(root, 100, 100, "db", 'S', 500, 1000, 1);
	tree_put(root, "proc/100/comm", "db\n");
	tree_write(root, "proc/100/cmdline", "/usr/bin/db\0--fsync\0", 20);
	tree_put(root, "proc/100/cgroup", "0::/system.slice/docker-" HEX64 ".scope\n");
	tree_put(root, "proc/100/task/100/wchan", "jbd2_log_wait_commit");
	tree_put(root, "proc/100/task/100/stack",
		 "[<0>] jbd2_log_wait_commit+0xc5/0x150\n[<0>] ext4_sync_file+0x1c4/0x380\n"
		 "[<0>] __x64_sys_fdatasync+0x4f/0x90\n");
	return root;
}

static struct nohz_dwatch *watch(struct nohz_sys *sys, struct rec *r, uint64_t thr,
				 const pid_t *pids, size_t npids, const char *comm)
{
	struct nohz_dwatch_opts o = {
		.interval_ns = MS(100), .threshold_ns = thr, .pids = pids, .npids = npids,
		.comm = comm, .fn = on_event, .arg = r,
	};
	struct nohz_dwatch *w;
	char err[256];

	assert_int_equal(nohz_dwatch_open(&w, sys, &o, err, sizeof(err)), 0);
	return w;
}

static void test_wait_dated(void **state)
{
	char *root = db_tree();
	struct nohz_sys *sys = nohz_sys_open(root);
	struct rec r = { 0 };
	struct nohz_dwatch *w = watch(sys, &r, MS(250), NULL, 0, NULL);
	const struct nohz_dsum *rows;

	assert_int_equal(nohz_dwatch_scan(w, MS(1000)), 0);
	thread(root, 100, 100, "db", 'D', 500, 1100, 1);	/* it ran, then slept */
	nohz_dwatch_scan(w, MS(1100));		/* began between 1000 and 1100 */
	nohz_dwatch_scan(w, MS(1200));
	assert_int_equal(r.n, 0);		/* 150 ms: not yet */
	nohz_dwatch_scan(w, MS(1300));
	assert_int_equal(r.n, 1);
	assert_int_equal(r.e[0].kind, NOHZ_DWAIT_STUCK);
	assert_int_equal(r.e[0].w.pid, 100);
	assert_int_equal(r.e[0].w.tid, 100);
	assert_string_equal(r.e[0].w.comm, "db");
	assert_int_equal(r.e[0].w.start_ns, MS(1050));
	assert_int_equal(r.e[0].w.dur_ns, MS(250));
	assert_true(r.e[0].w.since_start);
	assert_false(r.e[0].w.woken);
	assert_string_equal(r.e[0].w.cmdline, "/usr/bin/db --fsync");
	assert_string_equal(r.e[0].w.cgroup.runtime, "docker");
	assert_string_equal(r.e[0].w.cgroup.id, HEX64);
	assert_string_equal(r.e[0].w.wchan, "jbd2_log_wait_commit");
	assert_string_equal(r.e[0].w.stack, "jbd2_log_wait_commit+0xc5/0x150\n"
			    "ext4_sync_file+0x1c4/0x380\n__x64_sys_fdatasync+0x4f/0x90");
	assert_string_equal(r.e[0].w.site, "jbd2_log_wait_commit");
	assert_false(r.e[0].w.stack_denied);
	nohz_dwatch_scan(w, MS(1400));
	assert_int_equal(r.n, 1);		/* reported once */
	thread(root, 100, 100, "db", 'S', 500, 1101, 1);
	nohz_dwatch_scan(w, MS(1500));		/* woke between 1400 and 1500 */
	assert_int_equal(r.n, 2);
	assert_int_equal(r.e[1].kind, NOHZ_DWAIT_WOKE);
	assert_true(r.e[1].w.woken);
	assert_int_equal(r.e[1].w.dur_ns, MS(1450) - MS(1050));

	assert_int_equal(nohz_dwatch_summary(w, false, &rows), 1);
	assert_int_equal(rows[0].tid, 100);
	assert_int_equal(rows[0].waits, 1);
	assert_int_equal(rows[0].total_ns, MS(400));
	assert_false(rows[0].ongoing);
	assert_int_equal(nohz_dwatch_summary(w, true, &rows), 1);
	assert_string_equal(rows[0].name, "jbd2_log_wait_commit");
	assert_int_equal(rows[0].threads, 1);
	assert_int_equal(nohz_dwatch_stats(w)->reported, 1);
	assert_int_equal(nohz_dwatch_stats(w)->scans, 6);
	nohz_dwatch_close(w);
	nohz_sys_close(sys);
	tree_free(root);
}

/* In D at two passes, but it ran in between: two waits, not one long one. */
static void test_ran_between(void **state)
{
	char *root = db_tree();
	struct nohz_sys *sys = nohz_sys_open(root);
	struct rec r = { 0 };
	struct nohz_dwatch *w = watch(sys, &r, MS(150), NULL, 0, NULL);

	thread(root, 100, 100, "db", 'D', 500, 1000, 1);
	nohz_dwatch_scan(w, MS(1000));		/* already in D: start unknown */
	thread(root, 100, 100, "db", 'D', 500, 1200, 1);
	nohz_dwatch_scan(w, MS(1100));
	nohz_dwatch_scan(w, MS(1200));
	/* one wait from 1000 would be 200 ms; the new one is 150 ms */
	assert_int_equal(r.n, 1);
	assert_true(r.e[0].w.since_start);
	assert_int_equal(r.e[0].w.start_ns, MS(1050));
	assert_int_equal(r.e[0].w.dur_ns, MS(150));
	nohz_dwatch_close(w);

	/* the same without the run: one wait, dated from the first pass */
	r.n = 0;
	w = watch(sys, &r, MS(150), NULL, 0, NULL);
	nohz_dwatch_scan(w, MS(1000));
	nohz_dwatch_scan(w, MS(1100));
	nohz_dwatch_scan(w, MS(1200));
	assert_int_equal(r.n, 1);
	assert_false(r.e[0].w.since_start);
	assert_int_equal(r.e[0].w.dur_ns, MS(200));
	nohz_dwatch_close(w);
	nohz_sys_close(sys);
	tree_free(root);
}

/* A new thread under the same tid (another starttime) is another wait. */
static void test_tid_reused(void **state)
{
	char *root = db_tree();
	struct nohz_sys *sys = nohz_sys_open(root);
	struct rec r = { 0 };
	struct nohz_dwatch *w = watch(sys, &r, 0, NULL, 0, NULL);

	thread(root, 100, 100, "db", 'D', 500, 0, 1);
	nohz_dwatch_scan(w, MS(1000));
	assert_int_equal(r.n, 1);		/* threshold 0: reported at once */
	assert_int_equal(r.e[0].w.dur_ns, 0);
	assert_false(r.e[0].w.since_start);
	thread(root, 100, 100, "db", 'D', 777, 0, 1);
	nohz_dwatch_scan(w, MS(1100));
	assert_int_equal(r.n, 3);
	assert_int_equal(r.e[1].kind, NOHZ_DWAIT_WOKE);
	assert_int_equal(r.e[1].w.dur_ns, MS(50));
	assert_int_equal(r.e[2].kind, NOHZ_DWAIT_STUCK);
	assert_int_equal(r.e[2].w.start_ns, MS(1050));
	nohz_dwatch_close(w);
	nohz_sys_close(sys);
	tree_free(root);
}

static void test_filters(void **state)
{
	char *root = db_tree();
	struct nohz_sys *sys = nohz_sys_open(root);
	struct rec r = { 0 };
	pid_t pids[] = { 200 };
	struct nohz_dwatch *w;

	thread(root, 100, 100, "db", 'D', 500, 0, 2);
	thread(root, 100, 101, "db-writer", 'D', 501, 0, 2);
	thread(root, 200, 200, "other", 'D', 600, 0, 1);
	/* --comm matches a thread's name or its process's */
	w = watch(sys, &r, 0, NULL, 0, "db");
	nohz_dwatch_scan(w, MS(1000));
	assert_int_equal(r.n, 2);
	assert_true(r.e[0].w.tid + r.e[1].w.tid == 201);
	nohz_dwatch_close(w);
	r.n = 0;
	w = watch(sys, &r, 0, NULL, 0, "db-writer");
	nohz_dwatch_scan(w, MS(1000));
	assert_int_equal(r.n, 1);
	assert_int_equal(r.e[0].w.tid, 101);
	assert_int_equal(r.e[0].w.pid, 100);
	nohz_dwatch_close(w);
	r.n = 0;
	w = watch(sys, &r, 0, pids, 1, NULL);
	nohz_dwatch_scan(w, MS(1000));
	assert_int_equal(r.n, 1);
	assert_int_equal(r.e[0].w.tid, 200);
	/* no stack file: site falls back to wchan, then "?" */
	assert_string_equal(r.e[0].w.stack, "");
	assert_string_equal(r.e[0].w.site, "?");
	nohz_dwatch_close(w);
	nohz_sys_close(sys);
	tree_free(root);
}

/* Open waits count in the summary; a vanished thread ends its wait. */
static void test_open_and_vanished(void **state)
{
	char *root = db_tree();
	struct nohz_sys *sys = nohz_sys_open(root);
	struct rec r = { 0 };
	struct nohz_dwatch *w = watch(sys, &r, MS(100), NULL, 0, NULL);
	const struct nohz_dsum *rows;
	char path[4096];

	thread(root, 100, 100, "db", 'D', 500, 0, 2);
	thread(root, 100, 101, "db", 'D', 501, 0, 2);
	tree_put(root, "proc/100/task/101/wchan", "jbd2_log_wait_commit");
	nohz_dwatch_scan(w, MS(1000));
	nohz_dwatch_scan(w, MS(1100));
	assert_int_equal(r.n, 2);
	/* 101 disappears mid-wait */
	snprintf(path, sizeof(path), "%s/proc/100/task/101/stat", root);
	unlink(path);
	snprintf(path, sizeof(path), "%s/proc/100/task/101/wchan", root);
	unlink(path);
	snprintf(path, sizeof(path), "%s/proc/100/task/101", root);
	assert_int_equal(rmdir(path), 0);
	nohz_dwatch_scan(w, MS(1200));
	assert_int_equal(r.n, 3);
	assert_int_equal(r.e[2].kind, NOHZ_DWAIT_WOKE);
	assert_int_equal(r.e[2].w.tid, 101);
	assert_int_equal(r.e[2].w.dur_ns, MS(150));
	nohz_dwatch_scan(w, MS(1300));
	/* 100 is still waiting: 300 ms so far, same site as 101's */
	assert_int_equal(nohz_dwatch_summary(w, true, &rows), 1);
	assert_string_equal(rows[0].name, "jbd2_log_wait_commit");
	assert_int_equal(rows[0].waits, 2);
	assert_int_equal(rows[0].threads, 2);
	assert_int_equal(rows[0].total_ns, MS(450));
	assert_int_equal(rows[0].max_ns, MS(300));
	assert_true(rows[0].ongoing);
	assert_int_equal(nohz_dwatch_summary(w, false, &rows), 2);
	assert_int_equal(rows[0].tid, 100);	/* ranked by time */
	assert_int_equal(rows[0].total_ns, MS(300));
	assert_true(rows[0].ongoing);
	assert_int_equal(rows[1].tid, 101);
	assert_false(rows[1].ongoing);
	nohz_dwatch_close(w);
	nohz_sys_close(sys);
	tree_free(root);
}

static void test_open_errors(void **state)
{
	char *empty = tree_new(), *root = db_tree();
	struct nohz_sys *esys = nohz_sys_open(empty), *sys = nohz_sys_open(root);
	struct nohz_dwatch_opts o = { .interval_ns = MS(100) };
	struct nohz_dwatch *w;
	const struct nohz_dsum *rows;
	char err[256] = "";

	assert_int_equal(nohz_dwatch_open(&w, esys, &o, err, sizeof(err)), -ENOENT);
	assert_null(w);
	assert_non_null(strstr(err, "/proc"));
	o.interval_ns = 0;
	assert_int_equal(nohz_dwatch_open(&w, sys, &o, err, sizeof(err)), -EINVAL);
	o.interval_ns = MS(100);
	o.trace = true;
	assert_int_equal(nohz_dwatch_open(&w, sys, &o, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "--root"));
	/* a run over a fixed count of passes */
	o.trace = false;
	assert_int_equal(nohz_dwatch_open(&w, sys, &o, err, sizeof(err)), 0);
	assert_int_equal(nohz_dwatch_run(w, 0, 3, err, sizeof(err)), 0);
	assert_int_equal(nohz_dwatch_stats(w)->scans, 3);
	assert_int_equal(nohz_dwatch_stats(w)->threads, 1);
	assert_int_equal(nohz_dwatch_summary(w, true, &rows), 0);	/* no waits at all */
	assert_int_equal(nohz_dwatch_summary(w, false, &rows), 0);
	nohz_dwatch_close(w);
	nohz_sys_close(esys);
	nohz_sys_close(sys);
	tree_free(empty);
	tree_free(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wait_dated),
		cmocka_unit_test(test_ran_between),
		cmocka_unit_test(test_tid_reused),
		cmocka_unit_test(test_filters),
		cmocka_unit_test(test_open_and_vanished),
		cmocka_unit_test(test_open_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
