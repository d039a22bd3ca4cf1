// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * test_checks_boot.c - kernel build, boot options and CPU topology checks
 * (lib/checks_boot.c) on root trees: boot CPU cleared from nohz_full, RCU
 * offload from the command line, the boot log, nohz_full and the kernel
 * config, isolcpus flags, NUMA nodes without housekeeping, SMT siblings.
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

static void test_kernel_config(void **state)
{
	char *root = base_tree();
	struct nohz_report r;

	tree_gz(root, "proc/config.gz", "# CONFIG_NO_HZ_FULL is not set\nCONFIG_NO_HZ_IDLE=y\n"
		"CONFIG_HZ=250\n");
	run(root, "1-3", &r);
	expect(&r, "kernel.config", NOHZ_FAIL, "CONFIG_NO_HZ_FULL is not set in /proc/config.gz",
	       "CONFIG_NO_HZ_FULL=y");
	expect(&r, "kernel.config", NOHZ_FAIL, "only NO_HZ_IDLE", NULL);
	expect(&r, "kernel.hz", NOHZ_PASS, "HZ=250", NULL);
	assert_int_equal(nohz_report_verdict(&r), NOHZ_FAIL);
	nohz_report_free(&r);

	/* the boot log says so even without a config */
	tree_rm(root, "proc/config.gz");
	tree_put(root, "dmesg", "%s[    0.0] Housekeeping: nohz unsupported. Build with "
		 "CONFIG_NO_HZ_FULL\n", good_dmesg);
	run(root, "1-3", &r);
	expect(&r, "kernel.config", NOHZ_FAIL, "Housekeeping: nohz unsupported", "NO_HZ_FULL");
	expect(&r, "kernel.hz", NOHZ_SKIP, NULL, NULL);
	nohz_report_free(&r);

	/* no config, no word in dmesg: cannot say */
	tree_put(root, "dmesg", "%s", good_dmesg);
	run(root, "1-3", &r);
	expect(&r, "kernel.config", NOHZ_SKIP, "6.1.0-test", NULL);
	nohz_report_free(&r);

	/* the boot config is read when config.gz is absent */
	tree_put(root, "boot/config-6.1.0-test", "CONFIG_NO_HZ_FULL=y\nCONFIG_HZ=300\n");
	run(root, "1-3", &r);
	expect(&r, "kernel.config", NOHZ_WARN, "/boot/config-6.1.0-test", "RCU_NOCB_CPU");
	expect(&r, "kernel.hz", NOHZ_PASS, "HZ=300", NULL);
	nohz_report_free(&r);
	tree_free(root);
}

static void test_boot_nohz_full(void **state)
{
	char *root = base_tree();
	struct nohz_report r;

	/* asked for 0-3: the kernel drops the boot CPU */
	tree_put(root, "proc/cmdline", "ro nohz_full=0-3 isolcpus=managed_irq,domain,1-3 "
		 "rcu_nocbs=1-3\n");
	tree_put(root, "dmesg", "[    0.0] NO_HZ: Clearing 0 from nohz_full range for "
		 "timekeeping\n%s", good_dmesg);
	run(root, "1-3", &r);
	expect(&r, "boot.nohz_full", NOHZ_FAIL, "requested nohz_full=0-3", "nohz_full=1-3");
	expect(&r, "boot.nohz_full", NOHZ_FAIL, "applied '1-3'", NULL);
	expect(&r, "boot.nohz_full", NOHZ_FAIL, "Clearing 0 from nohz_full range", NULL);
	nohz_report_free(&r);

	/* applied as asked */
	tree_put(root, "proc/cmdline", "ro nohz_full=1-3 isolcpus=managed_irq,domain,1-3\n");
	run(root, "1-3", &r);
	expect(&r, "boot.nohz_full", NOHZ_PASS, "nohz_full = 1-3", NULL);
	assert_string_equal(get(&r, "boot.nohz_full")->remedy, "");
	/* a subset of the applied cpus is fine too */
	nohz_report_free(&r);
	run(root, "2", &r);
	expect(&r, "boot.nohz_full", NOHZ_PASS, NULL, NULL);
	nohz_report_free(&r);

	/* no nohz_full at all */
	tree_put(root, "proc/cmdline", "ro quiet\n");
	tree_put(root, "sys/devices/system/cpu/nohz_full", "(null)\n");
	run(root, "1-3", &r);
	expect(&r, "boot.nohz_full", NOHZ_FAIL, "CPUs 1-3 are not nohz_full", "nohz_full=1-3");
	expect(&r, "boot.nohz_full", NOHZ_FAIL, "(null)", NULL);
	expect(&r, "boot.nohz_full", NOHZ_FAIL, "no nohz_full= on the cmdline", NULL);
	nohz_report_free(&r);

	/* targets beyond what was asked */
	tree_put(root, "proc/cmdline", "ro nohz_full=2-3\n");
	tree_put(root, "sys/devices/system/cpu/nohz_full", "2-3\n");
	run(root, "1-3", &r);
	expect(&r, "boot.nohz_full", NOHZ_FAIL, "CPUs 1 are not nohz_full", NULL);
	expect(&r, "boot.nohz_full", NOHZ_FAIL, "cmdline nohz_full=2-3", NULL);
	nohz_report_free(&r);

	/* a value the kernel cannot parse */
	tree_put(root, "proc/cmdline", "ro nohz_full=1-3x\n");
	run(root, "1-3", &r);
	expect(&r, "boot.nohz_full", NOHZ_FAIL, "nohz_full=1-3x", "nohz_full=1-3");
	nohz_report_free(&r);
	tree_free(root);
}

static void test_boot_isolcpus(void **state)
{
	char *root = base_tree();
	struct nohz_report r;

	tree_put(root, "proc/cmdline", "ro nohz_full=1-3 isolcpus=1-3 rcu_nocbs=1-3 "
		 "irqaffinity=0\n");
	run(root, "1-3", &r);
	expect(&r, "boot.isolcpus", NOHZ_WARN, "managed_irq", "isolcpus=managed_irq,domain,1-3");
	nohz_report_free(&r);

	tree_put(root, "sys/devices/system/cpu/isolated", "\n");
	tree_put(root, "proc/cmdline", "ro nohz_full=1-3\n");
	run(root, "1-3", &r);
	expect(&r, "boot.isolcpus", NOHZ_WARN, "CPUs 1-3 are not isolated", "isolcpus=");
	nohz_report_free(&r);

	/* an isolated cgroup v2 partition covers them instead */
	tree_put(root, "sys/fs/cgroup/rt.slice/cpuset.cpus.partition", "isolated\n");
	tree_put(root, "sys/fs/cgroup/rt.slice/cpuset.cpus.effective", "1-3\n");
	run(root, "1-3", &r);
	expect(&r, "boot.isolcpus", NOHZ_PASS, "partition", NULL);
	nohz_report_free(&r);

	tree_put(root, "proc/cmdline", "ro isolcpus=bogus,1-3\n");
	run(root, "1-3", &r);
	expect(&r, "boot.isolcpus", NOHZ_FAIL, "isolcpus=bogus,1-3", NULL);
	nohz_report_free(&r);
	tree_free(root);
}

static void test_boot_rcu_nocbs(void **state)
{
	char *root = base_tree();
	struct nohz_report r;

	/* nothing on the cmdline (nohz_full implies it): the boot log shows it */
	tree_put(root, "proc/cmdline", "ro nohz_full=1-3\n");
	run(root, "1-3", &r);
	expect(&r, "boot.rcu_nocbs", NOHZ_PASS, "Offload RCU callbacks from CPUs: 1-3", NULL);
	nohz_report_free(&r);

	/* neither cmdline nor log, and no nohz_full that would imply it */
	tree_put(root, "dmesg", "[    0.0] Linux version 6.1.0-test\n");
	tree_put(root, "proc/cmdline", "ro\n");
	tree_put(root, "sys/devices/system/cpu/nohz_full", "(null)\n");
	run(root, "1-3", &r);
	expect(&r, "boot.rcu_nocbs", NOHZ_FAIL, "not offloaded from CPUs 1-3", "rcu_nocbs=1-3");
	expect(&r, "boot.rcu_nocbs", NOHZ_FAIL, "no offload line in dmesg", NULL);
	nohz_report_free(&r);

	/* offloaded from part of the targets */
	tree_put(root, "dmesg", "[    0.0] rcu: \tOffload RCU callbacks from CPUs: 2-3.\n");
	run(root, "1-3", &r);
	expect(&r, "boot.rcu_nocbs", NOHZ_FAIL, "not offloaded from CPUs 1 ", NULL);
	nohz_report_free(&r);

	/* bare rcu_nocbs offloads nothing at boot; nohz_full still does */
	tree_put(root, "dmesg", "\n");
	tree_put(root, "proc/cmdline", "ro nohz_full=1-3 rcu_nocbs\n");
	tree_put(root, "sys/devices/system/cpu/nohz_full", "1-3\n");
	run(root, "1-3", &r);
	expect(&r, "boot.rcu_nocbs", NOHZ_PASS, "rcu_nocbs (bare)", NULL);
	nohz_report_free(&r);
	tree_put(root, "proc/cmdline", "ro rcu_nocbs\n");
	tree_put(root, "sys/devices/system/cpu/nohz_full", "(null)\n");
	run(root, "1-3", &r);
	expect(&r, "boot.rcu_nocbs", NOHZ_FAIL, "bare rcu_nocbs offloads no CPU at boot",
	       "rcu_nocbs=1-3");
	nohz_report_free(&r);

	tree_put(root, "proc/cmdline", "ro rcu_nocbs=2\n");
	run(root, "1-3", &r);
	expect(&r, "boot.rcu_nocbs", NOHZ_FAIL, "CPUs 1,3", NULL);
	nohz_report_free(&r);
	tree_free(root);
}

/*
 * The kernel offloads RCU callbacks without rcu_nocbs= too: from every
 * nohz_full cpu (rcu_init_nohz(); kernel-parameters.txt, nohz_full: "will
 * have their RCU callbacks offloaded, just as if they had also been called
 * out in the rcu_nocbs= boot parameter"), and from all cpus when built with
 * CONFIG_RCU_NOCB_CPU_DEFAULT_ALL.  With the boot log rotated away, that is
 * no reason to FAIL.
 */
static void test_boot_rcu_nocbs_implied(void **state)
{
	char *root = base_tree();
	struct nohz_report r;

	tree_put(root, "dmesg", "[    0.0] Linux version 6.1.0-test\n");
	tree_put(root, "proc/cmdline", "ro nohz_full=1-3\n");
	run(root, "1-3", &r);
	expect(&r, "boot.rcu_nocbs", NOHZ_PASS, NULL, NULL);
	nohz_report_free(&r);

	tree_put(root, "proc/cmdline", "ro\n");
	tree_put(root, "sys/devices/system/cpu/nohz_full", "(null)\n");
	tree_gz(root, "proc/config.gz", "CONFIG_NO_HZ_FULL=y\nCONFIG_RCU_NOCB_CPU=y\n"
		"CONFIG_RCU_NOCB_CPU_DEFAULT_ALL=y\nCONFIG_HZ=1000\n");
	run(root, "1-3", &r);
	expect(&r, "boot.rcu_nocbs", NOHZ_PASS, "CONFIG_RCU_NOCB_CPU_DEFAULT_ALL=y", NULL);
	nohz_report_free(&r);

	/* DEFAULT_ALL applies only when rcu_nocbs is not given at all */
	tree_put(root, "proc/cmdline", "ro rcu_nocbs\n");
	run(root, "1-3", &r);
	expect(&r, "boot.rcu_nocbs", NOHZ_FAIL, "bare rcu_nocbs offloads no CPU at boot", NULL);
	nohz_report_free(&r);
	/* and the kernel's own line wins over it */
	tree_put(root, "proc/cmdline", "ro rcu_nocbs=2\n");
	tree_put(root, "dmesg", "[    0.0] rcu: \tOffload RCU callbacks from CPUs: 2.\n");
	run(root, "3", &r);
	expect(&r, "boot.rcu_nocbs", NOHZ_FAIL, "not offloaded from CPUs 3 ", NULL);
	nohz_report_free(&r);
	tree_free(root);
}

/* an rcu_nocbs= that does not parse is reported as what it is */
static void test_boot_rcu_nocbs_bad(void **state)
{
	char *root = base_tree();
	struct nohz_report r;

	tree_put(root, "dmesg", "\n");
	tree_put(root, "proc/cmdline", "ro nohz_full=1-3 rcu_nocbs=1-3x\n");
	run(root, "1-3", &r);
	expect(&r, "boot.rcu_nocbs", NOHZ_FAIL, "rcu_nocbs=1-3x", "rcu_nocbs=1-3");
	nohz_report_free(&r);
	tree_free(root);
}

/*
 * Kernels since 5.x take "all" in cpu lists (Documentation/admin-guide/
 * kernel-parameters.rst, "cpu lists"); rcu_nocbs=all offloads every cpu
 * and is common in tuning guides.  With the boot log rotated away, the
 * command line alone must be enough.
 */
static void test_boot_rcu_nocbs_all(void **state)
{
	char *root = base_tree();
	struct nohz_report r;

	tree_put(root, "dmesg", "\n");
	tree_put(root, "proc/cmdline", "ro nohz_full=1-3 rcu_nocbs=all\n");
	run(root, "1-3", &r);
	expect(&r, "boot.rcu_nocbs", NOHZ_PASS, NULL, NULL);
	nohz_report_free(&r);
	tree_free(root);
}

static void test_boot_extras(void **state)
{
	char *root = base_tree();
	struct nohz_report r;

	tree_put(root, "proc/cmdline", "ro nohz_full=1-3 rcu_nocbs=1-3 idle=poll "
		 "irqaffinity=0-1\n");
	run(root, "1-3", &r);
	expect(&r, "boot.extras", NOHZ_WARN, "idle=poll", "drop idle=poll");
	expect(&r, "boot.extras", NOHZ_WARN, "irqaffinity=0-1 includes target CPUs 1",
	       "irqaffinity=0");
	expect(&r, "boot.extras", NOHZ_WARN, "skew_tick=1", NULL);
	nohz_report_free(&r);
	tree_free(root);
}

static void test_cpu_checks(void **state)
{
	char *root = base_tree();
	struct nohz_report r;

	/* cpu 5 is not online */
	run(root, "1-3,5", &r);
	expect(&r, "cpu.online", NOHZ_FAIL, "CPUs 5 are not online", "online");
	nohz_report_free(&r);

	/* every cpu a target: nothing left to keep house */
	run(root, "0-3", &r);
	expect(&r, "cpu.housekeeping", NOHZ_FAIL, "no online CPU is left", "CPU 0");
	nohz_report_free(&r);

	/* two NUMA nodes, targets fill node 1 */
	tree_free(root);
	root = base_tree();
	for (int c = 2; c < 4; c++) {
		char a[128], b[128];

		snprintf(a, sizeof(a), "%s/sys/devices/system/cpu/cpu%d/node0", root, c);
		snprintf(b, sizeof(b), "%s/sys/devices/system/cpu/cpu%d/node1", root, c);
		assert_int_equal(rename(a, b), 0);
	}
	run(root, "2-3", &r);
	expect(&r, "cpu.housekeeping", NOHZ_WARN, "NUMA node 1 has target CPUs but no "
	       "housekeeping CPU", "NUMA node");
	nohz_report_free(&r);
	run(root, "1,3", &r);
	expect(&r, "cpu.housekeeping", NOHZ_PASS, "housekeeping CPUs 0,2", NULL);
	nohz_report_free(&r);

	/* SMT: cpu 1 shares a core with housekeeping cpu 0 */
	tree_put(root, "sys/devices/system/cpu/cpu1/topology/thread_siblings_list", "0-1\n");
	tree_put(root, "sys/devices/system/cpu/smt/active", "1\n");
	run(root, "1-3", &r);
	expect(&r, "cpu.smt", NOHZ_WARN, "CPU 1 shares a core with 0", "nosmt");
	nohz_report_free(&r);
	tree_free(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kernel_config),
		cmocka_unit_test(test_boot_nohz_full),
		cmocka_unit_test(test_boot_isolcpus),
		cmocka_unit_test(test_boot_rcu_nocbs),
		cmocka_unit_test(test_boot_rcu_nocbs_implied),
		cmocka_unit_test(test_boot_rcu_nocbs_bad),
		cmocka_unit_test(test_boot_rcu_nocbs_all),
		cmocka_unit_test(test_boot_extras),
		cmocka_unit_test(test_cpu_checks),
	};

	return cmocka_run_group_tests(tests, NULL, tree_cleanup);
}
