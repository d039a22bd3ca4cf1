// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * test_checks_threads.c - which threads may run on the target CPUs
 * (lib/checks_threads.c) on root trees with fake /proc threads: unbound
 * kthreads (rcuo*, kworker/u*) flagged, per-CPU kthreads on their CPU not;
 * floating user processes once each; two runnable threads on one CPU; with
 * hundreds of offenders the evidence count stays right and the remedy's
 * for-loop lists only pids.
 */
#include <ctype.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "nohz.h"
#include "checks_tree.h"

static void test_threads_kthreads(void **state)
{
	char *root = base_tree();
	struct nohz_report r;
	const struct nohz_finding *f;

	tree_thread(root, 30, 30, "rcuop/2", 'S', KTHREAD_FLAGS, 2, "0-3");
	tree_thread(root, 31, 31, "kworker/u8:1-events_unbound", 'I', KTHREAD_FLAGS, 3, "0-3");
	tree_thread(root, 32, 32, "kworker/2:1", 'I', KTHREAD_FLAGS, 2, "2");
	tree_thread(root, 33, 33, "ksoftirqd/3", 'S', KTHREAD_FLAGS, 3, "3");
	run(root, "1-3", &r);
	f = expect(&r, "threads.kthreads", NOHZ_FAIL, "rcuop/2 (pid 30",
		   "taskset -pc 0 $p");
	expect(&r, "threads.kthreads", NOHZ_FAIL, "2 unbound kernel threads", NULL);
	/* the loop covers exactly the two, in /proc order (not sorted) */
	if (!strstr(f->remedy, "for p in 30 31; ") && !strstr(f->remedy, "for p in 31 30; "))
		fail_msg("remedy '%s' does not loop over pids 30 and 31", f->remedy);
	assert_non_null(strstr(f->evidence, "kworker/u8:1-events_unbound (pid 31"));
	/* per-CPU kthreads bound to their CPU are expected there */
	assert_null(strstr(f->evidence, "ksoftirqd"));
	assert_null(strstr(f->evidence, "kworker/2:1"));
	assert_null(strstr(f->evidence, "migration"));
	/* and a user thread is not a kthread */
	assert_null(strstr(f->evidence, "spinner"));
	nohz_report_free(&r);
	tree_free(root);
}

/* many_kthreads - base tree plus 200 rcuo threads free to run anywhere */
static char *many_kthreads(struct nohz_report *r)
{
	char *root = base_tree();

	for (int i = 0; i < 200; i++) {
		char comm[32];

		snprintf(comm, sizeof(comm), "rcuop/%d", i);
		tree_thread(root, 1000 + i, 1000 + i, comm, 'S', KTHREAD_FLAGS, 0, "0-3");
	}
	run(root, "1-3", r);
	return root;
}

/*
 * Hundreds of unbound kthreads: the evidence, cut to fit, still ends in
 * ", and N more" once the count is put in front of it.
 */
static void test_threads_kthreads_many_evidence(void **state)
{
	struct nohz_report r;
	char *root = many_kthreads(&r);
	const struct nohz_finding *f;
	size_t n;

	f = expect(&r, "threads.kthreads", NOHZ_FAIL, "200 unbound kernel threads", NULL);
	n = strlen(f->evidence);
	if (n < 5 || strcmp(f->evidence + n - 5, " more"))
		fail_msg("evidence does not end in ', and N more': '...%s'",
			 f->evidence + (n > 60 ? n - 60 : 0));
	assert_count(f, "rcuop/", 200);
	nohz_report_free(&r);
	tree_free(root);
}

/*
 * ... and the remedy's for-loop lists only pids of flagged threads: no
 * ", and N more" words, which taskset would take for pid N.
 */
static void test_threads_kthreads_many_remedy(void **state)
{
	struct nohz_report r;
	char *root = many_kthreads(&r), *list, *end, *save = NULL;
	const struct nohz_finding *f;
	int words = 0;

	f = expect(&r, "threads.kthreads", NOHZ_FAIL, NULL, "for p in ");
	list = strdup(strstr(f->remedy, "for p in ") + 9);
	end = strstr(list, "; do ");
	assert_non_null(end);
	*end = '\0';
	for (char *w = strtok_r(list, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
		char *e;
		long pid = strtol(w, &e, 10);

		if (*e || pid < 1000 || pid >= 1200)
			fail_msg("for-loop word '%s' is not a flagged pid (remedy '...%s')",
				 w, strstr(f->remedy, "; do ") - 40);
		words++;
	}
	assert_true(words >= 10);
	free(list);
	nohz_report_free(&r);
	tree_free(root);
}

static void test_threads_user_runnable(void **state)
{
	char *root = base_tree();
	struct nohz_report r;
	const struct nohz_finding *f;

	/* a process free to float, with a second thread; and a 2nd runner on cpu 2 */
	tree_thread(root, 600, 600, "sshd", 'S', USER_FLAGS, 1, "0-3");
	tree_thread(root, 600, 601, "sshd-worker", 'S', USER_FLAGS, 1, "0-3");
	tree_thread(root, 610, 610, "stress", 'R', USER_FLAGS, 2, "0-3");
	run(root, "1-3", &r);
	f = expect(&r, "threads.user", NOHZ_WARN, "2 processes may be scheduled",
		   "AllowedCPUs=0");
	assert_non_null(strstr(f->evidence, "sshd (pid 600)"));
	assert_non_null(strstr(f->evidence, "stress (pid 610)"));
	assert_null(strstr(f->evidence, "sshd-worker"));	/* once per process */
	assert_null(strstr(f->evidence, "spinner"));	/* pinned in the targets */
	expect(&r, "threads.runnable", NOHZ_WARN, "CPU 2: 2 runnable", "taskset");
	nohz_report_free(&r);
	tree_free(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_threads_kthreads),
		cmocka_unit_test(test_threads_kthreads_many_evidence),
		cmocka_unit_test(test_threads_kthreads_many_remedy),
		cmocka_unit_test(test_threads_user_runnable),
	};

	return cmocka_run_group_tests(tests, NULL, tree_cleanup);
}
