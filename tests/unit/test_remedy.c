// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * test_remedy.c - the remedies that depend on the cpus whose RCU callbacks
 * are offloaded: on such a cpu no remedy says to boot with rcu_nocbs=, and
 * each says what to do instead; elsewhere the advice stays.  Then where
 * that set comes from (lib/explain_kernel.c), on small root trees.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "internal.h"
#include "tree.h"

#define CPU 3

/* One remedy that used to say "boot with rcu_nocbs=" whatever the kernel
 * applied: the record that brings it, and a word of its offloaded form. */
static const struct rcu_case {
	const char *rule;
	enum nohz_rec_type type;	/* TICK: a whole tick (entry, tick hrtimer, exit) */
	int64_t val, val2;
	const char *name;		/* the name, or the comm for SWITCH */
	int kernel_nohz_full;
	enum nohz_src_kind kind;
	const char *said;		/* in the remedy when CPU is offloaded */
} rcu_cases[] = {
	{ "tick-dep RCU", NOHZ_REC_TICK_STOP, 0, 16, "", 1, NOHZ_SRC_TICK_DEP,
	  "ran in the kernel, not in user space" },
	{ "softirq RCU", NOHZ_REC_SOFTIRQ, 9, 0, "RCU", 1, NOHZ_SRC_SOFTIRQ,
	  "rcu_nocb_poll" },
	{ "work kfree_rcu_monitor", NOHZ_REC_WORK, 0, 0, "kfree_rcu_monitor", 1,
	  NOHZ_SRC_WORK, "echo 1 > /sys/devices/virtual/workqueue/cpumask" },
	{ "task rcuc/*", NOHZ_REC_SWITCH, 0, 0, "rcuc/3", 1, NOHZ_SRC_TASK,
	  "stop the tick there (nohz_full=3" },
	{ "tick, cpu not nohz_full", NOHZ_REC_TICK, 0, 0, "", 1, NOHZ_SRC_TICK,
	  "CPU 3 is not nohz_full: boot with nohz_full=3 (and isolcpus=domain,3)" },
	{ "tick, no CONFIG_NO_HZ_FULL", NOHZ_REC_TICK, 0, 0, "", -1, NOHZ_SRC_TICK,
	  "CONFIG_NO_HZ_FULL=y and nohz_full=3" },
};

static uint64_t ts_now;

static void add(struct nohz_explain *ex, enum nohz_rec_type type, int64_t val,
		int64_t val2, const char *name)
{
	struct nohz_trace_rec r;

	memset(&r, 0, sizeof(r));
	r.cpu = CPU;
	r.type = type;
	r.ts = ts_now += 1000;
	r.pid = 1000;
	r.val = val;
	r.val2 = val2;
	if (type == NOHZ_REC_SWITCH) {
		r.tid = 20;
		r.tgid = 20;
		snprintf(r.tcomm, sizeof(r.tcomm), "%s", name);
	} else {
		snprintf(r.name, sizeof(r.name), "%s", name);
	}
	assert_int_equal(nohz_explain_add(ex, &r), 0);
}

/* remedy_on - the remedy of case c's source when the offloaded cpus are
 * nocbs, into out */
static void remedy_on(const struct rcu_case *c, const char *nocbs, char *out, size_t len)
{
	struct nohz_explain *ex = nohz_explain_new();
	const struct nohz_explain_cpu *ec;
	struct nohz_explain_opts o;

	assert_non_null(ex);
	if (c->type == NOHZ_REC_TICK) {
		add(ex, NOHZ_REC_TICK, 0, 0, "");
		add(ex, NOHZ_REC_HRTIMER, 0, 0, "tick_nohz_handler");
		add(ex, NOHZ_REC_TICK_EXIT, 0, 0, "");
	} else {
		add(ex, c->type, c->val, c->val2, c->name);
	}
	memset(&o, 0, sizeof(o));
	o.seconds = 1;
	nohz_cpuset_set(&o.housekeeping, 0);
	nohz_cpuset_set(&o.nohz_full, 1);	/* not CPU: the tick rows need it so */
	o.kernel_nohz_full = c->kernel_nohz_full;
	o.perf_users = "";
	assert_int_equal(nohz_cpuset_parse(&o.rcu_nocbs, nocbs, NULL, 0), 0);
	assert_int_equal(nohz_explain_finish(ex, &o), 0);
	ec = nohz_explain_cpu(ex, CPU);
	assert_non_null(ec);
	out[0] = '\0';
	for (size_t i = 0; i < ec->n; i++)
		if (ec->src[i].kind == c->kind)
			snprintf(out, len, "%s", ec->src[i].remedy);
	nohz_explain_free(ex);
	if (!out[0])
		fail_msg("%s: no source of kind %s", c->rule, nohz_src_kind_name(c->kind));
}

static void test_rcu_remedies_follow_offload(void **state)
{
	char r[512];

	for (size_t i = 0; i < sizeof(rcu_cases) / sizeof(rcu_cases[0]); i++) {
		const struct rcu_case *c = &rcu_cases[i];

		/* not offloaded (other cpus are): the advice stays */
		remedy_on(c, "1-2", r, sizeof(r));
		if (!strstr(r, "rcu_nocbs=3"))
			fail_msg("%s, CPU 3 not offloaded: no rcu_nocbs=3 in \"%s\"", c->rule, r);
		/* offloaded: something else, and true */
		remedy_on(c, "1-3", r, sizeof(r));
		if (strstr(r, "rcu_nocbs="))
			fail_msg("%s, CPU 3 offloaded: still \"%s\"", c->rule, r);
		if (!strstr(r, c->said))
			fail_msg("%s, CPU 3 offloaded: \"%s\" lacks \"%s\"", c->rule, r, c->said);
	}
}

/* ------------------------------------------------------------------ */
/* where the set comes from                                           */
/* ------------------------------------------------------------------ */

#define BOOT "[    0.000000] Kernel command line: BOOT_IMAGE=/vmlinuz quiet\n"
#define NOCB_Y "CONFIG_RCU_NOCB_CPU=y\n"

static const struct nocbs_case {
	const char *why;
	const char *dmesg;	/* ROOT/dmesg, NULL none */
	const char *config;	/* ROOT/proc/config.gz, NULL none */
	const char *cmdline;
	const char *nohz_full;	/* what sysfs reports */
	int from_log;
	const char *want;
} nocbs_cases[] = {
	{ "the kernel's line wins", BOOT "[    0.1] rcu: \tOffload RCU callbacks from "
	  "CPUs: 1-3.\n", NULL, "rcu_nocbs=5", "", 1, "1-3" },
	{ "it says none", BOOT "rcu: \tOffload RCU callbacks from CPUs: (none).\n",
	  NOCB_Y, "rcu_nocbs", "", 1, "" },
	{ "4.x: all", BOOT "rcu: \tOffload RCU callbacks from all CPUs\n", NULL, "", "",
	  1, "0-7" },
	{ "boot log without the line: nothing offloaded", BOOT "rcu: Hierarchical RCU\n",
	  NOCB_Y, "rcu_nocbs=2", "", 1, "" },
	{ "log wrapped: rebuilt", "[99999.0] eth0: link up\n", NOCB_Y, "rcu_nocbs=2-3",
	  "", 0, "2-3" },
	{ "no log, config unknown: rcu_nocbs= trusted", NULL, NULL, "rcu_nocbs=2-3", "",
	  0, "2-3" },
	{ "no RCU_NOCB_CPU: rcu_nocbs= ignored", NULL, "# CONFIG_RCU_NOCB_CPU is not set\n",
	  "rcu_nocbs=2-3", "", 0, "" },
	{ "all", NULL, NOCB_Y, "rcu_nocbs=all", "", 0, "0-7" },
	{ "a list the kernel cannot parse: all", NULL, NOCB_Y, "rcu_nocbs=2-x", "", 0,
	  "0-7" },
	{ "bare rcu_nocbs: none at boot", NULL, NOCB_Y, "rcu_nocbs", "", 0, "" },
	{ "nohz_full cpus are offloaded too", NULL, NOCB_Y, "nohz_full=4-5 rcu_nocbs=2",
	  "4-5", 0, "2,4-5" },
	{ "nohz_full alone", NULL, NULL, "nohz_full=4-5", "4-5", 0, "4-5" },
	{ "DEFAULT_ALL", NULL, NOCB_Y "CONFIG_RCU_NOCB_CPU_DEFAULT_ALL=y\n", "quiet", "",
	  0, "0-7" },
	{ "DEFAULT_ALL yields to rcu_nocbs", NULL, NOCB_Y
	  "CONFIG_RCU_NOCB_CPU_DEFAULT_ALL=y\n", "rcu_nocbs", "", 0, "" },
	{ "DEFAULT_ALL yields to nohz_full", NULL, NOCB_Y
	  "CONFIG_RCU_NOCB_CPU_DEFAULT_ALL=y\n", "nohz_full=6", "6", 0, "6" },
	{ "cpus that do not exist are dropped", NULL, NOCB_Y, "rcu_nocbs=6-9", "", 0,
	  "6-7" },
};

static void test_kernel_rcu_nocbs(void **state)
{
	for (size_t i = 0; i < sizeof(nocbs_cases) / sizeof(nocbs_cases[0]); i++) {
		const struct nocbs_case *c = &nocbs_cases[i];
		char *root = tree_new(), got[256];
		struct nohz_cpuset s;
		struct nohz_kernel k;
		struct nohz_sys *sys;
		int rc;

		if (c->dmesg)
			tree_put(root, "dmesg", "%s", c->dmesg);
		if (c->config)
			tree_gz(root, "proc/config.gz", c->config);
		sys = nohz_sys_open(root);
		assert_non_null(sys);
		memset(&k, 0, sizeof(k));
		snprintf(k.cmdline, sizeof(k.cmdline), "%s", c->cmdline);
		assert_int_equal(nohz_cpuset_parse(&k.possible, "0-7", NULL, 0), 0);
		assert_int_equal(nohz_cpuset_parse(&k.nohz_full, c->nohz_full, NULL, 0), 0);
		rc = kernel_rcu_nocbs(sys, &k, NULL, &s);
		nohz_cpuset_format(&s, got, sizeof(got));
		if (rc != c->from_log || strcmp(got, c->want))
			fail_msg("%s: got '%s' (%s), want '%s' (%s)", c->why, got,
				 rc ? "log" : "rebuilt", c->want, c->from_log ? "log" : "rebuilt");
		nohz_sys_close(sys);
		tree_free(root);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rcu_remedies_follow_offload),
		cmocka_unit_test(test_kernel_rcu_nocbs),
	};

	return cmocka_run_group_tests(tests, NULL, tree_cleanup);
}
