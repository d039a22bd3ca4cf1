// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * test_checks_sys.c - sysctl, clocksource, power, memory and tuned checks
 * (lib/checks_sys.c) on root trees: each setting that disturbs isolated
 * CPUs is flagged with the sysctl or echo that fixes it; tuned profile
 * intent is compared with the nohz_full the kernel applied.
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

static void test_sysctls(void **state)
{
	char *root = base_tree();
	struct nohz_report r;

	tree_put(root, "proc/sys/vm/stat_interval", "1\n");
	tree_put(root, "proc/sys/kernel/watchdog", "1\n");
	tree_put(root, "proc/sys/kernel/nmi_watchdog", "1\n");
	tree_put(root, "proc/sys/kernel/watchdog_cpumask", "0-3\n");
	tree_put(root, "proc/sys/kernel/timer_migration", "0\n");
	tree_put(root, "proc/sys/kernel/sched_rt_runtime_us", "950000\n");
	tree_put(root, "proc/sys/kernel/numa_balancing", "1\n");
	run(root, "1-3", &r);
	expect(&r, "sysctl.stat_interval", NOHZ_WARN, "vm.stat_interval = 1 s",
	       "sysctl vm.stat_interval=120");
	expect(&r, "sysctl.watchdog", NOHZ_WARN, "CPUs 1-3", "kernel.watchdog_cpumask=0");
	expect(&r, "sysctl.timer_migration", NOHZ_WARN, "= 0", "timer_migration=1");
	expect(&r, "sysctl.rt_runtime", NOHZ_WARN, "950000", "sched_rt_runtime_us=-1");
	expect(&r, "sysctl.numa_balancing", NOHZ_WARN, "= 1", "numa_balancing=0");
	assert_int_equal(nohz_report_verdict(&r), NOHZ_WARN);
	nohz_report_free(&r);

	tree_put(root, "proc/sys/kernel/watchdog_cpumask", "0\n");
	run(root, "1-3", &r);
	expect(&r, "sysctl.watchdog", NOHZ_PASS, "CPUs 0 only", NULL);
	nohz_report_free(&r);

	tree_rm(root, "proc/sys/vm/stat_interval");
	tree_rm(root, "proc/sys/kernel/watchdog");
	run(root, "1-3", &r);
	expect(&r, "sysctl.stat_interval", NOHZ_SKIP, "stat_interval", NULL);
	expect(&r, "sysctl.watchdog", NOHZ_SKIP, NULL, NULL);
	nohz_report_free(&r);
	tree_free(root);
}

static void test_clock_power_mm(void **state)
{
	char *root = base_tree();
	struct nohz_report r;

	tree_put(root, "sys/devices/system/clocksource/clocksource0/current_clocksource",
		 "hpet\n");
	tree_put(root, "dmesg", "%s[   5.0] clocksource: Marking TSC unstable due to "
		 "clocksource watchdog\n", good_dmesg);
	tree_put(root, "sys/devices/system/cpu/cpu2/cpufreq/scaling_governor", "powersave\n");
	tree_put(root, "sys/devices/system/cpu/cpu3/cpuidle/state1/name", "C6\n");
	tree_put(root, "sys/devices/system/cpu/cpu3/cpuidle/state1/latency", "133\n");
	tree_put(root, "sys/devices/system/cpu/cpu3/cpuidle/state1/disable", "0\n");
	tree_put(root, "sys/kernel/mm/transparent_hugepage/enabled", "[always] madvise never\n");
	tree_put(root, "sys/devices/system/machinecheck/machinecheck0/ignore_ce", "0\n");
	run(root, "1-3", &r);
	expect(&r, "clocksource", NOHZ_WARN, "Marking TSC unstable", "echo tsc > ");
	expect(&r, "power.governor", NOHZ_WARN, "CPU 2: powersave", "performance");
	expect(&r, "power.cpuidle", NOHZ_WARN, "CPU 3 C6 (133 us)", "disable");
	expect(&r, "mm.thp", NOHZ_WARN, "[always]", "echo madvise > ");
	expect(&r, "mm.mce", NOHZ_WARN, "ignore_ce = 0", "ignore_ce");
	nohz_report_free(&r);

	/* a disabled deep state is fine */
	tree_put(root, "sys/devices/system/cpu/cpu3/cpuidle/state1/disable", "1\n");
	run(root, "1-3", &r);
	expect(&r, "power.cpuidle", NOHZ_PASS, NULL, NULL);
	nohz_report_free(&r);
	tree_free(root);
}

static void test_tuned(void **state)
{
	char *root = base_tree();
	struct nohz_report r;

	tree_put(root, "etc/tuned/active_profile", "cpu-partitioning\n");
	tree_put(root, "etc/tuned/cpu-partitioning-variables.conf",
		 "# Examples:\n# isolated_cores=2-23\nisolated_cores=1-3\n");
	run(root, "1-3", &r);
	expect(&r, "tuned", NOHZ_PASS, "isolated_cores=1-3", NULL);
	nohz_report_free(&r);

	/* the profile wants 1-2 but the kernel runs 1-3: not rebooted */
	tree_put(root, "etc/tuned/cpu-partitioning-variables.conf", "isolated_cores=1-2\n");
	run(root, "1-3", &r);
	expect(&r, "tuned", NOHZ_FAIL, "intends isolated_cores=1-2", "reboot");
	expect(&r, "tuned", NOHZ_FAIL, "nohz_full '1-3'", NULL);
	assert_int_equal(nohz_report_verdict(&r), NOHZ_FAIL);
	nohz_report_free(&r);

	tree_put(root, "etc/tuned/cpu-partitioning-variables.conf", "# nothing\n");
	run(root, "1-3", &r);
	expect(&r, "tuned", NOHZ_WARN, "without isolated_cores", "isolated_cores=1-3");
	nohz_report_free(&r);

	tree_put(root, "etc/tuned/active_profile", "realtime\n");
	tree_put(root, "etc/tuned/realtime-variables.conf", "isolated_cores = 1-3\n");
	run(root, "1-3", &r);
	expect(&r, "tuned", NOHZ_PASS, "isolated_cores=1-3", NULL);
	nohz_report_free(&r);

	tree_put(root, "etc/tuned/active_profile", "balanced\n");
	run(root, "1-3", &r);
	expect(&r, "tuned", NOHZ_PASS, "does not partition", NULL);
	nohz_report_free(&r);
	tree_free(root);
}

/*
 * The realtime-virtual-host and -guest profiles take isolated_cores from
 * their own file, /etc/tuned/PROFILE-variables.conf (tuned's profiles
 * realtime-virtual-host/tuned.conf: [variables] include=...), not from
 * realtime-variables.conf.
 */
static void test_tuned_virtual_profiles(void **state)
{
	static const char *const profiles[] = { "realtime-virtual-host", "realtime-virtual-guest" };

	for (size_t i = 0; i < 2; i++) {
		char *root = base_tree(), path[128];
		struct nohz_report r;

		tree_put(root, "etc/tuned/active_profile", "%s\n", profiles[i]);
		snprintf(path, sizeof(path), "etc/tuned/%s-variables.conf", profiles[i]);
		tree_put(root, path, "isolated_cores=1-2\n");
		run(root, "1-3", &r);
		expect(&r, "tuned", NOHZ_FAIL, "intends isolated_cores=1-2", "reboot");
		nohz_report_free(&r);
		tree_free(root);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sysctls),
		cmocka_unit_test(test_clock_power_mm),
		cmocka_unit_test(test_tuned),
		cmocka_unit_test(test_tuned_virtual_profiles),
	};

	return cmocka_run_group_tests(tests, NULL, tree_cleanup);
}
