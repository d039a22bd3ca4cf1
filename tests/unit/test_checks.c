// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * test_checks.c - the table of checks and the report (lib/checks.c): ids
 * unique, worst-verdict ordering, a clean host where every check passes or
 * skips, a root with nothing but the online list (SKIP, no crash) and
 * garbage in every file the checks read.  The checks of each group are
 * tested in test_checks_{boot,irq,sys,threads}.c on the tree of
 * checks_tree.h.
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

static void test_table(void **state)
{
	size_t n = nohz_checks_count();

	assert_true(n >= 20);
	for (size_t i = 0; i < n; i++) {
		const char *id = nohz_check_id(i);

		assert_non_null(id);
		assert_true(id[0]);
		assert_non_null(nohz_check_title(i));
		assert_true(nohz_check_title(i)[0]);
		for (const char *p = id; *p; p++)
			assert_true(islower((unsigned char)*p) || *p == '.' || *p == '_');
		for (size_t j = 0; j < i; j++)
			if (!strcmp(id, nohz_check_id(j)))
				fail_msg("check id '%s' twice (%zu, %zu)", id, j, i);
	}
	assert_null(nohz_check_id(n));
	assert_null(nohz_check_title(n));
	assert_string_equal(nohz_verdict_name(NOHZ_PASS), "PASS");
	assert_string_equal(nohz_verdict_name(NOHZ_SKIP), "SKIP");
	assert_string_equal(nohz_verdict_name(NOHZ_WARN), "WARN");
	assert_string_equal(nohz_verdict_name(NOHZ_FAIL), "FAIL");
}

static void test_report_verdict(void **state)
{
	static const struct {
		const char *vs;
		enum nohz_verdict want;
	} cases[] = {
		{ "", NOHZ_PASS }, { "S", NOHZ_PASS }, { "SSS", NOHZ_PASS }, { "P", NOHZ_PASS },
		{ "PS", NOHZ_PASS }, { "SPW", NOHZ_WARN }, { "WP", NOHZ_WARN },
		{ "FWPS", NOHZ_FAIL }, { "SWF", NOHZ_FAIL }, { "PPPPF", NOHZ_FAIL },
		{ "WSW", NOHZ_WARN }, { "SF", NOHZ_FAIL },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct nohz_report r;

		memset(&r, 0, sizeof(r));
		for (const char *p = cases[i].vs; *p; p++) {
			enum nohz_verdict v = *p == 'P' ? NOHZ_PASS : *p == 'S' ? NOHZ_SKIP :
					      *p == 'W' ? NOHZ_WARN : NOHZ_FAIL;

			assert_non_null(nohz_report_add(&r, "x.y", "t", "g", v));
		}
		if (nohz_report_verdict(&r) != cases[i].want)
			fail_msg("'%s': %s, want %s", cases[i].vs,
				 nohz_verdict_name(nohz_report_verdict(&r)),
				 nohz_verdict_name(cases[i].want));
		nohz_report_free(&r);
		assert_null(r.f);
		assert_int_equal(r.n, 0);
	}
	/* growth past the first allocation keeps earlier findings */
	{
		struct nohz_report r;
		char *ids = malloc(300 * 8);

		memset(&r, 0, sizeof(r));
		for (int i = 0; i < 300; i++) {
			struct nohz_finding *f;

			snprintf(ids + i * 8, 8, "c.%d", i);
			f = nohz_report_add(&r, ids + i * 8, "t", "g", NOHZ_PASS);
			assert_non_null(f);
			assert_string_equal(f->evidence, "");
			snprintf(f->evidence, sizeof(f->evidence), "%d", i);
		}
		assert_string_equal(nohz_report_find(&r, "c.0")->evidence, "0");
		assert_string_equal(nohz_report_find(&r, "c.299")->evidence, "299");
		assert_null(nohz_report_find(&r, "c.300"));
		nohz_report_free(&r);
		free(ids);
	}
}

/* The clean host: nothing to report, and the findings in table order. */
static void test_clean_host(void **state)
{
	char *root = base_tree();
	struct nohz_report r;

	run(root, "1-3", &r);
	for (size_t i = 0; i < r.n; i++) {
		const struct nohz_finding *f = &r.f[i];

		assert_string_equal(f->id, nohz_check_id(i));
		if (f->verdict != NOHZ_PASS && f->verdict != NOHZ_SKIP)
			fail_msg("clean host: %s %s: %s (remedy: %s)", f->id,
				 nohz_verdict_name(f->verdict), f->evidence, f->remedy);
		assert_true(strlen(f->evidence) < sizeof(f->evidence));
	}
	assert_int_equal(nohz_report_verdict(&r), NOHZ_PASS);
	/* SKIP only where the tree has nothing: no tuned */
	expect(&r, "tuned", NOHZ_SKIP, NULL, NULL);
	expect(&r, "kernel.config", NOHZ_PASS, "/proc/config.gz", NULL);
	expect(&r, "kernel.hz", NOHZ_PASS, "HZ=1000", NULL);
	expect(&r, "boot.nohz_full", NOHZ_PASS, "Full dynticks CPUs: 1-3", NULL);
	expect(&r, "boot.rcu_nocbs", NOHZ_PASS, "rcu_nocbs=1-3", NULL);
	expect(&r, "irq.affinity", NOHZ_PASS, "none of 4 IRQs", NULL);
	expect(&r, "threads.kthreads", NOHZ_PASS, "5 kernel threads", NULL);
	expect(&r, "threads.user", NOHZ_PASS, "2 user threads", NULL);
	assert_int_equal(r.kernel.hz, 1000);
	assert_int_equal(nohz_cpuset_count(&r.targets), 3);
	for (size_t i = 0; i < r.n; i++)
		assert_string_equal(r.f[i].remedy, "");
	nohz_report_free(&r);
	tree_free(root);
}

/* A root with nothing but the online list: every check runs, none crashes. */
static void test_missing_files(void **state)
{
	static const char *const skip[] = {
		"kernel.config", "kernel.hz", "irq.affinity", "irq.default_affinity",
		"work.cpumask", "work.writeback", "work.unbound", "threads.kthreads",
		"threads.user", "threads.runnable", "sysctl.stat_interval", "sysctl.watchdog",
		"sysctl.timer_migration", "sysctl.rt_runtime", "sysctl.numa_balancing",
		"clocksource", "power.governor", "power.cpuidle", "mm.thp", "mm.mce", "tuned",
	};
	char *root = tree_new();
	struct nohz_report r;
	struct nohz_sys *sys;
	struct nohz_cpuset t;

	tree_put(root, "sys/devices/system/cpu/online", "0-3\n");
	run(root, "1-3", &r);
	for (size_t i = 0; i < sizeof(skip) / sizeof(skip[0]); i++)
		expect(&r, skip[i], NOHZ_SKIP, NULL, NULL);
	/* what is known from the online list alone still counts */
	expect(&r, "cpu.online", NOHZ_PASS, NULL, NULL);
	expect(&r, "boot.nohz_full", NOHZ_FAIL, NULL, NULL);
	for (size_t i = 0; i < r.n; i++)
		assert_true(strlen(r.f[i].evidence) > 0);
	nohz_report_free(&r);
	tree_free(root);

	/* without the online list there is no report */
	root = tree_new();
	sys = nohz_sys_open(root);
	nohz_cpuset_parse(&t, "1", NULL, 0);
	memset(&r, 0, sizeof(r));
	assert_int_equal(nohz_checks_run(sys, &t, &r), -ENOENT);
	assert_int_equal(r.n, 0);
	nohz_report_free(&r);
	nohz_sys_close(sys);
	tree_free(root);
}

/* Garbage in every file the checks read: verdicts, no crash. */
static void test_garbage_files(void **state)
{
	static const char *const files[] = {
		"proc/cmdline", "sys/devices/system/cpu/nohz_full",
		"sys/devices/system/cpu/isolated", "proc/irq/24/smp_affinity_list",
		"proc/irq/24/effective_affinity_list", "proc/irq/default_smp_affinity",
		"proc/interrupts", "sys/devices/virtual/workqueue/cpumask",
		"sys/bus/workqueue/devices/writeback/cpumask", "proc/1/task/1/stat",
		"proc/2/task/2/status", "proc/sys/vm/stat_interval", "proc/sys/kernel/watchdog",
		"dmesg", "sys/devices/system/cpu/cpu1/topology/thread_siblings_list",
		"etc/tuned/active_profile", "etc/tuned/cpu-partitioning-variables.conf",
	};
	static const char *const junk[] = {
		"", "\n", "(((", "isolated_cores=\nnohz_full=\"", "-1-\n", "Offload RCU callbacks "
		"from CPUs:", "cpu-partitioning", "\xff\xfe\x01",
	};

	for (size_t j = 0; j < sizeof(junk) / sizeof(junk[0]); j++) {
		char *root = base_tree();
		struct nohz_report r;

		for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
			tree_write(root, files[i], junk[j], strlen(junk[j]));
		run(root, "1-3", &r);
		for (size_t i = 0; i < r.n; i++)
			assert_true(r.f[i].verdict <= NOHZ_FAIL);
		nohz_report_free(&r);
		tree_free(root);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_report_verdict),
		cmocka_unit_test(test_clean_host),
		cmocka_unit_test(test_missing_files),
		cmocka_unit_test(test_garbage_files),
	};

	return cmocka_run_group_tests(tests, NULL, tree_cleanup);
}
