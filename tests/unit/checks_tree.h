/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * checks_tree.h - the root tree the checks tests start from: base_tree() is
 * a 4-CPU host isolated by the book (nohz_full, isolcpus, rcu_nocbs = 1-3,
 * IRQs and work on CPU 0, quiet sysctls) on which every check must PASS or
 * SKIP; each test breaks one thing in it.  run() runs the checks, expect()
 * asserts one finding.  Include after cmocka.h.
 */
#ifndef NOHZ_TEST_CHECKS_TREE_H
#define NOHZ_TEST_CHECKS_TREE_H

#include <stdio.h>
#include <string.h>

#include "nohz.h"
#include "tree.h"

#define KTHREAD_FLAGS 0x00208040ul	/* PF_KTHREAD | PF_NOFREEZE | ... */
#define USER_FLAGS 0x00400100ul

static const char good_config[] =
	"CONFIG_NO_HZ_COMMON=y\nCONFIG_NO_HZ_FULL=y\nCONFIG_RCU_NOCB_CPU=y\n"
	"CONFIG_CPU_ISOLATION=y\nCONFIG_HZ_1000=y\nCONFIG_HZ=1000\n";

static const char good_dmesg[] =
	"[    0.000000] Linux version 6.1.0-test\n"
	"[    0.000000] Command line: BOOT_IMAGE=/vmlinuz nohz_full=1-3\n"
	"[    0.000000] NO_HZ: Full dynticks CPUs: 1-3.\n"
	"[    0.000000] rcu: \tOffload RCU callbacks from CPUs: 1-3.\n"
	"[    0.100000] clocksource: Switched to clocksource tsc\n";

/* cpu_dirs - sysfs of cpus 0..n-1: NUMA node, no SMT sibling, governor, idle */
static inline void cpu_dirs(const char *root, int n, int cpus_per_node)
{
	char path[256];

	for (int c = 0; c < n; c++) {
		snprintf(path, sizeof(path), "sys/devices/system/cpu/cpu%d/node%d", c,
			 c / cpus_per_node);
		tree_mkdir(root, path);
		snprintf(path, sizeof(path),
			 "sys/devices/system/cpu/cpu%d/topology/thread_siblings_list", c);
		tree_put(root, path, "%d\n", c);
		snprintf(path, sizeof(path),
			 "sys/devices/system/cpu/cpu%d/cpufreq/scaling_governor", c);
		tree_put(root, path, "performance\n");
		snprintf(path, sizeof(path), "sys/devices/system/cpu/cpu%d/cpuidle/state0/name", c);
		tree_put(root, path, "POLL\n");
		snprintf(path, sizeof(path),
			 "sys/devices/system/cpu/cpu%d/cpuidle/state0/latency", c);
		tree_put(root, path, "0\n");
		snprintf(path, sizeof(path),
			 "sys/devices/system/cpu/cpu%d/cpuidle/state0/disable", c);
		tree_put(root, path, "0\n");
	}
}

/* irq - proc/irq/N with both affinity files ("" effective: none written) */
static inline void irq(const char *root, int n, const char *aff, const char *eff)
{
	char path[128];

	snprintf(path, sizeof(path), "proc/irq/%d/smp_affinity_list", n);
	tree_put(root, path, "%s\n", aff);
	snprintf(path, sizeof(path), "proc/irq/%d/effective_affinity_list", n);
	tree_put(root, path, "%s\n", eff);
}

static const char interrupts4[] =
	"           CPU0       CPU1       CPU2       CPU3       \n"
	"  0:         44          0          0          0   IO-APIC   2-edge      timer\n"
	"  1:          9          0          0          0   IO-APIC   1-edge      i8042\n"
	" 24:       1000          0          0          0  IR-PCI-MSI 524288-edge      eth0-rx-0\n"
	" 25:        500          0          0          0  PCI-MSI 49152-edge      virtio0-input.0\n"
	"NMI:          0          0          0          0   Non-maskable interrupts\n"
	"LOC:      12345        100        100        100   Local timer interrupts\n"
	"ERR:          0\n";

static inline char *base_tree(void)
{
	char *root = tree_new();

	tree_put(root, "proc/sys/kernel/osrelease", "6.1.0-test\n");
	tree_put(root, "proc/cmdline", "BOOT_IMAGE=/vmlinuz root=/dev/vda ro nohz_full=1-3 "
		 "isolcpus=managed_irq,domain,1-3 rcu_nocbs=1-3 irqaffinity=0 skew_tick=1 "
		 "tsc=reliable nosoftlockup\n");
	tree_put(root, "sys/devices/system/cpu/online", "0-3\n");
	tree_put(root, "sys/devices/system/cpu/possible", "0-3\n");
	tree_put(root, "sys/devices/system/cpu/nohz_full", "1-3\n");
	tree_put(root, "sys/devices/system/cpu/isolated", "1-3\n");
	tree_put(root, "sys/devices/system/cpu/smt/active", "0\n");
	cpu_dirs(root, 4, 4);
	tree_gz(root, "proc/config.gz", good_config);
	tree_put(root, "dmesg", "%s", good_dmesg);

	irq(root, 0, "0", "0");
	irq(root, 1, "0", "0");
	irq(root, 24, "0", "0");
	irq(root, 25, "0", "0");
	tree_put(root, "proc/irq/default_smp_affinity", "1\n");
	tree_put(root, "proc/interrupts", "%s", interrupts4);

	tree_put(root, "sys/devices/virtual/workqueue/cpumask", "1\n");
	tree_put(root, "sys/devices/virtual/workqueue/writeback/cpumask", "1\n");
	tree_put(root, "sys/bus/workqueue/devices/writeback/cpumask", "1\n");
	tree_put(root, "sys/bus/workqueue/devices/writeback/numa", "0\n");

	tree_thread(root, 1, 1, "systemd", 'S', USER_FLAGS, 0, "0");
	tree_thread(root, 2, 2, "kthreadd", 'S', KTHREAD_FLAGS, 0, "0");
	tree_thread(root, 15, 15, "ksoftirqd/1", 'S', KTHREAD_FLAGS, 1, "1");
	tree_thread(root, 16, 16, "migration/1", 'S', KTHREAD_FLAGS, 1, "1");
	tree_thread(root, 17, 17, "kworker/1:0H-kblockd", 'I', KTHREAD_FLAGS, 1, "1");
	tree_thread(root, 20, 20, "rcuop/1", 'S', KTHREAD_FLAGS, 0, "0");
	tree_thread(root, 500, 500, "spinner", 'R', USER_FLAGS, 2, "2");

	tree_put(root, "proc/sys/vm/stat_interval", "120\n");
	tree_put(root, "proc/sys/kernel/watchdog", "0\n");
	tree_put(root, "proc/sys/kernel/nmi_watchdog", "0\n");
	tree_put(root, "proc/sys/kernel/timer_migration", "1\n");
	tree_put(root, "proc/sys/kernel/sched_rt_runtime_us", "-1\n");
	tree_put(root, "proc/sys/kernel/numa_balancing", "0\n");
	tree_put(root, "sys/devices/system/clocksource/clocksource0/current_clocksource",
		 "tsc\n");
	tree_put(root, "sys/devices/system/clocksource/clocksource0/available_clocksource",
		 "tsc hpet acpi_pm \n");
	tree_put(root, "sys/kernel/mm/transparent_hugepage/enabled", "always [madvise] never\n");
	tree_put(root, "sys/kernel/mm/ksm/run", "0\n");
	tree_put(root, "sys/devices/system/machinecheck/machinecheck0/ignore_ce", "1\n");
	return root;
}

/* run - nohz_checks_run on root for the target list; r must be freed */
static inline void run(const char *root, const char *targets, struct nohz_report *r)
{
	struct nohz_sys *sys = nohz_sys_open(root);
	struct nohz_cpuset t;
	int rc;

	assert_non_null(sys);
	assert_int_equal(nohz_cpuset_parse(&t, targets, NULL, 0), 0);
	memset(r, 0, sizeof(*r));
	rc = nohz_checks_run(sys, &t, r);
	nohz_sys_close(sys);
	if (rc)
		fail_msg("nohz_checks_run: %d", rc);
	assert_int_equal(r->n, nohz_checks_count());
}

static inline const struct nohz_finding *get(const struct nohz_report *r, const char *id)
{
	const struct nohz_finding *f = nohz_report_find(r, id);

	if (!f)
		fail_msg("no finding '%s'", id);
	return f;
}

/*
 * assert_count - the evidence shows `needle` once per listed item and ends
 * in ", and N more" (or lists them all): listed + N must be total.
 */
static inline void assert_count(const struct nohz_finding *f, const char *needle, int total)
{
	const char *m = strstr(f->evidence, ", and ");
	int shown = 0, more = 0;

	for (const char *p = f->evidence; (p = strstr(p, needle)); p++)
		shown++;
	if (m && sscanf(m, ", and %d more", &more) != 1)
		more = 0;
	if (shown + more != total)
		fail_msg("%s: %d listed + %d more != %d in '...%s'", f->id, shown, more, total,
			 f->evidence + (strlen(f->evidence) > 120 ? strlen(f->evidence) - 120 : 0));
}

/*
 * expect - finding id has verdict v, and its evidence / remedy contain the
 * given texts (NULL: not checked).  Prints the finding when it does not.
 */
static inline const struct nohz_finding *expect(const struct nohz_report *r, const char *id,
					 enum nohz_verdict v, const char *ev,
					 const char *remedy)
{
	const struct nohz_finding *f = get(r, id);

	if (f->verdict != v || (ev && !strstr(f->evidence, ev)) ||
	    (remedy && !strstr(f->remedy, remedy)))
		fail_msg("%s: %s '%s' (remedy '%s'); want %s with '%s' / '%s'", id,
			 nohz_verdict_name(f->verdict), f->evidence, f->remedy,
			 nohz_verdict_name(v), ev ? ev : "", remedy ? remedy : "");
	return f;
}

#endif
