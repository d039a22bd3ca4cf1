// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * test_checks_irq.c - IRQ affinity and workqueue cpumask checks
 * (lib/checks_irq.c) on root trees: the offending IRQs and workqueues are
 * named, and every command of a remedy that writes somewhere is exactly
 * the write for an offender, with the housekeeping mask computed here.
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

static void test_irq_affinity(void **state)
{
	char *root = base_tree();
	struct nohz_report r;

	/* eth0 may go anywhere and the kernel put it on cpu 2 */
	irq(root, 24, "0-3", "2");
	run(root, "1-3", &r);
	expect(&r, "irq.affinity", NOHZ_FAIL, "IRQ 24 (eth0-rx-0) -> 2",
	       "echo 0 > /proc/irq/24/smp_affinity_list");
	assert_null(strstr(get(&r, "irq.affinity")->evidence, "IRQ 0 "));
	assert_null(strstr(get(&r, "irq.affinity")->remedy, "managed"));
	nohz_report_free(&r);

	/* no effective list: smp_affinity_list decides */
	irq(root, 24, "1", "");
	run(root, "1-3", &r);
	expect(&r, "irq.affinity", NOHZ_FAIL, "IRQ 24 (eth0-rx-0) -> 1", NULL);
	nohz_report_free(&r);

	/* on housekeeping only: fine */
	irq(root, 24, "0-3", "0");
	run(root, "1-3", &r);
	expect(&r, "irq.affinity", NOHZ_PASS, NULL, NULL);
	nohz_report_free(&r);

	/* a virtio queue (managed): the remedy says the write will be refused */
	irq(root, 25, "3", "3");
	run(root, "1-3", &r);
	expect(&r, "irq.affinity", NOHZ_FAIL, "IRQ 25 (virtio0-input.0) -> 3",
	       "echo 0 > /proc/irq/25/smp_affinity_list");
	expect(&r, "irq.affinity", NOHZ_FAIL, NULL, "managed_irq");
	nohz_report_free(&r);

	/* an IRQ with no handler in /proc/interrupts never fires */
	irq(root, 25, "0", "0");
	irq(root, 40, "0-3", "1");
	run(root, "1-3", &r);
	expect(&r, "irq.affinity", NOHZ_PASS, NULL, NULL);
	nohz_report_free(&r);

	/* default affinity for new IRQs */
	tree_put(root, "proc/irq/default_smp_affinity", "f\n");
	run(root, "1-3", &r);
	expect(&r, "irq.default_affinity", NOHZ_WARN, "includes target CPUs 1-3",
	       "echo 1 > /proc/irq/default_smp_affinity");
	nohz_report_free(&r);

	/* no /proc/irq at all */
	tree_free(root);
	root = base_tree();
	{
		char cmd[4200];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s/proc/irq'", root);
		assert_int_equal(system(cmd), 0);
	}
	run(root, "1-3", &r);
	expect(&r, "irq.affinity", NOHZ_SKIP, NULL, NULL);
	expect(&r, "irq.default_affinity", NOHZ_SKIP, NULL, NULL);
	nohz_report_free(&r);
	tree_free(root);
}

/*
 * Many IRQs on the targets: the evidence is cut with a count, and every
 * command of the remedy that writes somewhere is exactly
 * "echo HK > /proc/irq/N/smp_affinity_list" for a routed IRQ N.
 */
static void test_irq_affinity_many(void **state)
{
	char *root = base_tree(), *text, *rem, *save = NULL;
	struct nohz_report r;
	const struct nohz_finding *f;
	size_t off = 0, cap = 1 << 16;
	int cmds = 0;

	text = malloc(cap);
	assert_non_null(text);
	off += snprintf(text + off, cap - off, "%s", interrupts4);
	for (int n = 100; n < 180; n++) {
		irq(root, n, "0-3", "0-3");
		off += snprintf(text + off, cap - off, "%4d:  1  2  3  4  PCI-MSI %d-edge  "
				"eth1-rx-%d\n", n, n * 1000, n - 100);
	}
	tree_write(root, "proc/interrupts", text, off);
	free(text);
	run(root, "1-3", &r);
	f = expect(&r, "irq.affinity", NOHZ_FAIL, "IRQ 1", NULL);
	assert_non_null(strstr(f->evidence, " more"));
	assert_count(f, "(eth1-rx-", 80);
	rem = strdup(f->remedy);
	for (char *cmd = strtok_r(rem, ";", &save); cmd; cmd = strtok_r(NULL, ";", &save)) {
		char want[128];
		int n = -1;

		while (*cmd == ' ')
			cmd++;
		if (!strchr(cmd, '>'))
			continue;
		if (sscanf(cmd, "echo 0 > /proc/irq/%d/", &n) != 1 || n < 100 || n >= 180)
			fail_msg("remedy command '%s' (remedy '%s')", cmd, f->remedy);
		snprintf(want, sizeof(want), "echo 0 > /proc/irq/%d/smp_affinity_list", n);
		if (strcmp(cmd, want))
			fail_msg("remedy command '%s' is not '%s'", cmd, want);
		cmds++;
	}
	assert_true(cmds >= 5);
	free(rem);
	nohz_report_free(&r);
	tree_free(root);
}

static void test_irqbalance(void **state)
{
	char *root = base_tree();
	struct nohz_report r;

	tree_thread(root, 700, 700, "irqbalance", 'S', USER_FLAGS, 0, "0");
	/* no banned list: irqbalance itself keeps off isolated + nohz_full */
	run(root, "1-3", &r);
	expect(&r, "irq.irqbalance", NOHZ_PASS, "pid 700", NULL);
	nohz_report_free(&r);
	tree_put(root, "sys/devices/system/cpu/nohz_full", "2-3\n");
	tree_put(root, "sys/devices/system/cpu/isolated", "\n");
	run(root, "1-3", &r);
	expect(&r, "irq.irqbalance", NOHZ_FAIL, "CPUs 1 ", "IRQBALANCE_BANNED_CPULIST=1-3");
	nohz_report_free(&r);
	tree_put(root, "etc/default/irqbalance", "# banned\nIRQBALANCE_BANNED_CPULIST=1-3\n");
	run(root, "1-3", &r);
	expect(&r, "irq.irqbalance", NOHZ_PASS, "keeps off the targets", NULL);
	nohz_report_free(&r);
	tree_put(root, "etc/default/irqbalance", "IRQBALANCE_BANNED_CPUS=\"00000006\"\n");
	run(root, "1-3", &r);
	expect(&r, "irq.irqbalance", NOHZ_FAIL, "CPUs 3", NULL);
	nohz_report_free(&r);
	tree_free(root);
}

/* the hex mask in "echo MASK > file" must be exactly online minus targets */
static void assert_mask_remedy(const char *remedy, const char *file,
			       const struct nohz_cpuset *want)
{
	char mask[512], tail[512], fmt[64];
	struct nohz_cpuset got;

	snprintf(fmt, sizeof(fmt), "echo %%511s > %%511s");
	if (sscanf(remedy, fmt, mask, tail) != 2)
		fail_msg("remedy '%s' is not an echo", remedy);
	tail[strcspn(tail, ";")] = '\0';
	assert_string_equal(tail, file);
	if (nohz_cpuset_parse_mask(&got, mask, NULL, 0))
		fail_msg("remedy mask '%s' does not parse", mask);
	assert_true(nohz_cpuset_equal(&got, want));
}

static void test_work_writeback(void **state)
{
	static const char wb[] = "/sys/bus/workqueue/devices/writeback/cpumask";
	char *root = base_tree();
	struct nohz_report r;
	struct nohz_cpuset hk;

	/* 8 cpus, targets 1-3: housekeeping 0,4-7 is mask f1 */
	tree_put(root, "sys/devices/system/cpu/online", "0-7\n");
	tree_put(root, "sys/devices/system/cpu/possible", "0-7\n");
	cpu_dirs(root, 8, 8);
	nohz_cpuset_parse(&hk, "0,4-7", NULL, 0);
	tree_put(root, "sys/bus/workqueue/devices/writeback/cpumask", "ff\n");
	run(root, "1-3", &r);
	expect(&r, "work.writeback", NOHZ_FAIL, "allows work on target CPUs 1-3",
	       "echo f1 > /sys/bus/workqueue/devices/writeback/cpumask");
	assert_mask_remedy(get(&r, "work.writeback")->remedy, wb, &hk);
	assert_null(strstr(get(&r, "work.writeback")->remedy, "numa"));
	nohz_report_free(&r);

	/* NUMA affinity on: it has to go too */
	tree_put(root, "sys/bus/workqueue/devices/writeback/numa", "1\n");
	run(root, "1-3", &r);
	expect(&r, "work.writeback", NOHZ_FAIL, NULL,
	       "; echo 0 > /sys/bus/workqueue/devices/writeback/numa");
	nohz_report_free(&r);

	/* a mask above cpu 31 */
	tree_put(root, "sys/devices/system/cpu/online", "0-39\n");
	nohz_cpuset_parse(&hk, "0,4-39", NULL, 0);
	tree_put(root, "sys/bus/workqueue/devices/writeback/cpumask", "ff,ffffffff\n");
	run(root, "1-3", &r);
	expect(&r, "work.writeback", NOHZ_FAIL, NULL, "echo ff,fffffff1 > ");
	assert_mask_remedy(get(&r, "work.writeback")->remedy, wb, &hk);
	nohz_report_free(&r);

	/* the unbound cpumask */
	tree_put(root, "sys/devices/virtual/workqueue/cpumask", "ff,ffffffff\n");
	run(root, "1-3", &r);
	expect(&r, "work.cpumask", NOHZ_FAIL, "target CPUs 1-3",
	       "echo ff,fffffff1 > /sys/devices/virtual/workqueue/cpumask");
	nohz_report_free(&r);

	/* absent on this kernel */
	tree_rm(root, "sys/bus/workqueue/devices/writeback/cpumask");
	tree_rm(root, "sys/devices/virtual/workqueue/cpumask");
	run(root, "1-3", &r);
	expect(&r, "work.writeback", NOHZ_SKIP, "not readable", NULL);
	expect(&r, "work.cpumask", NOHZ_SKIP, "not readable", NULL);
	nohz_report_free(&r);
	tree_free(root);
}

/* Many workqueues: every write in the remedy targets a real cpumask file. */
static void test_work_unbound_many(void **state)
{
	char *root = base_tree(), *rem, *save = NULL;
	struct nohz_report r;
	const struct nohz_finding *f;
	int cmds = 0;

	for (int i = 0; i < 100; i++) {
		char path[128];

		snprintf(path, sizeof(path), "sys/devices/virtual/workqueue/wq_number_%02d/cpumask",
			 i);
		tree_put(root, path, "f\n");
	}
	run(root, "1-3", &r);
	f = expect(&r, "work.unbound", NOHZ_WARN, "100 workqueues may run on target CPUs",
		   "echo 1 > /sys/devices/virtual/workqueue/wq_number_");
	assert_count(f, "wq_number_", 100);
	rem = strdup(f->remedy);
	for (char *cmd = strtok_r(rem, ";", &save); cmd; cmd = strtok_r(NULL, ";", &save)) {
		char want[160];
		int n = -1;

		while (*cmd == ' ')
			cmd++;
		if (!strchr(cmd, '>'))
			continue;
		if (sscanf(cmd, "echo 1 > /sys/devices/virtual/workqueue/wq_number_%d", &n) != 1)
			fail_msg("remedy command '%s'", cmd);
		snprintf(want, sizeof(want),
			 "echo 1 > /sys/devices/virtual/workqueue/wq_number_%02d/cpumask", n);
		if (strcmp(cmd, want))
			fail_msg("remedy command '%s' is not '%s'", cmd, want);
		cmds++;
	}
	assert_true(cmds >= 3);
	free(rem);
	nohz_report_free(&r);
	tree_free(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_irq_affinity),
		cmocka_unit_test(test_irq_affinity_many),
		cmocka_unit_test(test_irqbalance),
		cmocka_unit_test(test_work_writeback),
		cmocka_unit_test(test_work_unbound_many),
	};

	return cmocka_run_group_tests(tests, NULL, tree_cleanup);
}
