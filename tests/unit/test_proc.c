// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * test_proc.c - /proc/PID/stat and status parsing on lines built field by
 * field from proc(5) (tree.h), on this process's own files checked against
 * gettid/getpid/sched_getaffinity, and thread iteration over a temporary
 * root tree (vanished and malformed threads skipped) and over the live /proc
 * (our own threads found, by tid).
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>
#include <cmocka.h>

#include "nohz.h"
#include "tree.h"

static void test_stat_fields(void **state)
{
	char line[2048];
	struct nohz_stat st;

	tree_stat_line(line, sizeof(line), 4321, "bash", 'S', 4194560, 3);
	assert_int_equal(nohz_stat_parse(line, &st), 0);
	assert_int_equal(st.tid, 4321);
	assert_string_equal(st.comm, "bash");
	assert_int_equal(st.state, 'S');
	assert_int_equal(st.ppid, 1);
	assert_int_equal(st.flags, 4194560);
	assert_int_equal(st.majflt, 7);
	assert_int_equal(st.utime, 500);
	assert_int_equal(st.stime, 60);
	assert_int_equal(st.priority, 20);
	assert_int_equal(st.nice, 0);
	assert_int_equal(st.starttime, 4242);
	assert_int_equal(st.processor, 3);
}

/* A line copied from a real RT kthread: negative priority, policy 1 (FIFO). */
static void test_stat_real_rt_line(void **state)
{
	const char *line = "17 (migration/1) S 2 0 0 0 -1 69238848 0 0 0 0 0 52 0 0 -100 0 1 "
			   "0 3 0 0 18446744073709551615 0 0 0 0 0 0 0 2147483647 0 0 0 0 "
			   "17 1 99 1 0 0 0 0 0 0 0 0 0 0 0\n";
	struct nohz_stat st;

	assert_int_equal(nohz_stat_parse(line, &st), 0);
	assert_int_equal(st.tid, 17);
	assert_string_equal(st.comm, "migration/1");
	assert_int_equal(st.ppid, 2);
	assert_true(st.flags & NOHZ_PF_KTHREAD);
	assert_int_equal(st.stime, 52);
	assert_int_equal(st.priority, -100);
	assert_int_equal(st.nice, 0);
	assert_int_equal(st.starttime, 3);
	assert_int_equal(st.processor, 1);
	assert_int_equal(st.rt_priority, 99);
	assert_int_equal(st.policy, 1);
	/* a user process of 6.x: not a kthread, nice -5 */
	line = "29841 (cat) R 29835 29835 14599 0 -1 4194304 102 0 0 0 0 0 0 0 15 -5 1 0 "
	       "70803 3133440 394 18446744073709551615 94368024363008 94368024382889 "
	       "140730189126064 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0 94368024398896 "
	       "94368024400512 94368234991616 140730189130371 140730189130391 "
	       "140730189130391 140730189131755 0\n";
	assert_int_equal(nohz_stat_parse(line, &st), 0);
	assert_int_equal(st.tid, 29841);
	assert_int_equal(st.state, 'R');
	assert_false(st.flags & NOHZ_PF_KTHREAD);
	assert_int_equal(st.nice, -5);
	assert_int_equal(st.starttime, 70803);
	assert_int_equal(st.processor, 0);
}

/* comm may hold spaces and ')': fields count from the last ')' */
static void test_stat_weird_comm(void **state)
{
	static const char *const comms[] = {
		"my (weird) app", "a b", ") S 1 2 3", "x)", "((", "", "tmux: server",
		"kworker/u8:2-events_unbound",
	};
	char line[2048];
	struct nohz_stat st;

	for (size_t i = 0; i < sizeof(comms) / sizeof(comms[0]); i++) {
		tree_stat_line(line, sizeof(line), 100 + (int)i, comms[i], 'D', 0, 1);
		if (nohz_stat_parse(line, &st))
			fail_msg("comm '%s' not parsed", comms[i]);
		assert_string_equal(st.comm, comms[i]);
		assert_int_equal(st.tid, 100 + (int)i);
		assert_int_equal(st.state, 'D');
		assert_int_equal(st.processor, 1);
	}
	/* a comm longer than the field is cut, not overrun */
	{
		char longc[200];

		memset(longc, 'c', sizeof(longc) - 1);
		longc[sizeof(longc) - 1] = '\0';
		tree_stat_line(line, sizeof(line), 5, longc, 'S', 0, 0);
		assert_int_equal(nohz_stat_parse(line, &st), 0);
		assert_int_equal(strlen(st.comm), sizeof(st.comm) - 1);
	}
}

static void test_stat_malformed(void **state)
{
	char line[2048], cut[2048];
	struct nohz_stat st;
	static const char *const bad[] = {
		"", "\n", "1234", "1234 (x)", "1234 (x) ", "1234 (x", "1234 x) S 1",
		"(x) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 "
		"28 29 30 31 32 33 34 35 36 37 38",
		"abc (x) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 "
		"27 28 29 30 31 32 33 34 35 36 37 38",
		"0 (x) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 "
		"28 29 30 31 32 33 34 35 36 37 38",
		"12 (x) S 1 2 3 4 5 abc 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 "
		"27 28 29 30 31 32 33 34 35 36 37 38",
		"12 (x) S 1 2 - 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 "
		"27 28 29 30 31 32 33 34 35 36 37 38",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (nohz_stat_parse(bad[i], &st) != -EINVAL)
			fail_msg("accepted '%s'", bad[i]);
	/* every truncation short of field 39 (processor) is -EINVAL */
	tree_stat_line(line, sizeof(line), 77, "trunc me", 'R', 0, 1);
	{
		/* the offset just after field 39 */
		const char *p = strrchr(line, ')') + 2;
		size_t end39;
		int field = 3;

		while (field < 39) {
			p = strchr(p, ' ') + 1;
			field++;
		}
		end39 = (size_t)(strchr(p, ' ') - line);
		for (size_t n = 0; n < end39; n++) {
			memcpy(cut, line, n);
			cut[n] = '\0';
			if (nohz_stat_parse(cut, &st) != -EINVAL)
				fail_msg("accepted truncated '%s'", cut);
		}
		memcpy(cut, line, end39);
		cut[end39] = '\0';
		assert_int_equal(nohz_stat_parse(cut, &st), 0);
		assert_int_equal(st.processor, 1);
	}
}

static const char status_text[] =
	"Name:\tmy (weird) app\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t4321\n"
	"Ngid:\t0\nPid:\t4322\nPPid:\t1\nVmPeak:\t  10000 kB\nVmLck:\t      64 kB\n"
	"VmPin:\t       0 kB\nThreads:\t2\nCpus_allowed:\t0000000f\n"
	"Cpus_allowed_list:\t0-1,3\nMems_allowed:\t00000001\nMems_allowed_list:\t0\n"
	"voluntary_ctxt_switches:\t1523\nnonvoluntary_ctxt_switches:\t77\n";

static void test_status(void **state)
{
	struct nohz_status st;
	struct nohz_cpuset want;

	assert_int_equal(nohz_status_parse(status_text, &st), 0);
	assert_int_equal(nohz_cpuset_parse(&want, "0,1,3", NULL, 0), 0);
	assert_true(nohz_cpuset_equal(&st.cpus_allowed, &want));
	assert_int_equal(st.vmlck_kb, 64);
	assert_int_equal(st.tgid, 4321);
	assert_int_equal(st.voluntary_ctxt, 1523);
	assert_int_equal(st.nonvoluntary_ctxt, 77);
	/* a kthread has no Vm* lines: VmLck reads -1 */
	assert_int_equal(nohz_status_parse("Name:\tkthreadd\nTgid:\t2\nCpus_allowed_list:\t0-3\n",
					   &st), 0);
	assert_int_equal(st.vmlck_kb, -1);
	assert_int_equal(st.tgid, 2);
	assert_int_equal(nohz_cpuset_count(&st.cpus_allowed), 4);
	/* no trailing newline */
	assert_int_equal(nohz_status_parse("Cpus_allowed_list:\t5", &st), 0);
	assert_true(nohz_cpuset_isset(&st.cpus_allowed, 5));
	/* without Cpus_allowed_list (or with a bad one) it is not a status */
	assert_int_equal(nohz_status_parse("Name:\tx\nCpus_allowed:\tf\n", &st), -EINVAL);
	assert_int_equal(nohz_status_parse("Cpus_allowed_list:\tzz\n", &st), -EINVAL);
	assert_int_equal(nohz_status_parse("", &st), -EINVAL);
}

/* Our own stat and status, against the system calls that know the truth. */
static void test_self_witness(void **state)
{
	char path[64], buf[4096], name[16] = "my (weird) app";
	cpu_set_t one, mask;
	struct nohz_stat st;
	struct nohz_status ss;
	int cpu = -1;
	FILE *f;
	size_t n;

	assert_int_equal(sched_getaffinity(0, sizeof(mask), &mask), 0);
	for (int c = CPU_SETSIZE - 1; c >= 0; c--)
		if (CPU_ISSET(c, &mask))
			cpu = c;	/* lowest allowed */
	assert_true(cpu >= 0);
	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	assert_int_equal(sched_setaffinity(0, sizeof(one), &one), 0);
	prctl(PR_GET_NAME, buf);
	assert_int_equal(prctl(PR_SET_NAME, name), 0);

	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", gettid());
	f = fopen(path, "r");
	assert_non_null(f);
	n = fread(buf + 16, 1, sizeof(buf) - 17, f);
	fclose(f);
	buf[16 + n] = '\0';
	assert_int_equal(nohz_stat_parse(buf + 16, &st), 0);
	prctl(PR_SET_NAME, buf);
	assert_int_equal(st.tid, gettid());
	assert_string_equal(st.comm, "my (weird) app");
	assert_int_equal(st.state, 'R');
	assert_int_equal(st.ppid, getppid());
	assert_int_equal(st.processor, cpu);	/* pinned: it can only be there */
	assert_false(st.flags & NOHZ_PF_KTHREAD);

	f = fopen("/proc/self/status", "r");
	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	assert_int_equal(nohz_status_parse(buf, &ss), 0);
	assert_int_equal(ss.tgid, getpid());
	assert_int_equal(nohz_cpuset_count(&ss.cpus_allowed), 1);
	assert_true(nohz_cpuset_isset(&ss.cpus_allowed, cpu));
	assert_true(ss.vmlck_kb >= 0);
	assert_int_equal(sched_setaffinity(0, sizeof(mask), &mask), 0);
}

struct seen {
	int n;
	struct nohz_thread t[16];
	int stop_after;
};

static int collect(const struct nohz_thread *t, void *arg)
{
	struct seen *s = arg;

	if (s->n < 16)
		s->t[s->n] = *t;
	s->n++;
	return s->stop_after && s->n >= s->stop_after;
}

static const struct nohz_thread *find_tid(const struct seen *s, pid_t tid)
{
	for (int i = 0; i < s->n && i < 16; i++)
		if (s->t[i].stat.tid == tid)
			return &s->t[i];
	return NULL;
}

static void test_threads_each_tree(void **state)
{
	char *root = tree_new();
	struct nohz_sys *sys;
	struct seen s = { 0 };
	const struct nohz_thread *t;

	/* a process with two threads, a kthread, a vanished thread, junk */
	tree_thread(root, 1, 1, "systemd", 'S', 4194560, 0, "0-3");
	tree_thread(root, 100, 100, "my (weird) app", 'R', 4194304, 2, "2");
	tree_thread(root, 100, 101, "worker", 'S', 4194368, 1, "0-3");
	tree_thread(root, 2, 2, "kthreadd", 'S', 2129984, 0, "0-3");
	tree_thread(root, 20, 20, "ksoftirqd/1", 'S', 69238848, 1, "1");
	tree_mkdir(root, "proc/100/task/102");	/* exited: no stat */
	tree_mkdir(root, "proc/300/task");	/* exited: empty task dir */
	tree_mkdir(root, "proc/301");		/* exited: no task dir */
	tree_thread(root, 400, 400, "nostatus", 'S', 0, 0, "0");
	tree_rm(root, "proc/400/task/400/status");
	tree_put(root, "proc/401/task/401/stat", "garbage\n");
	tree_put(root, "proc/401/task/401/status", "Cpus_allowed_list:\t0\n");
	tree_thread(root, 402, 402, "badstatus", 'S', 0, 0, "0");
	tree_put(root, "proc/402/task/402/status", "Name:\tbadstatus\n");
	tree_put(root, "proc/self/task/1/stat", "not a pid dir\n");
	tree_put(root, "proc/cpuinfo", "processor: 0\n");
	tree_put(root, "proc/12abc/task/12/stat", "junk\n");

	sys = nohz_sys_open(root);
	assert_non_null(sys);
	assert_int_equal(nohz_threads_each(sys, collect, &s), 0);
	assert_int_equal(s.n, 5);
	t = find_tid(&s, 1);
	assert_non_null(t);
	assert_int_equal(t->pid, 1);
	assert_false(t->kthread);
	assert_string_equal(t->stat.comm, "systemd");
	t = find_tid(&s, 100);
	assert_non_null(t);
	assert_string_equal(t->stat.comm, "my (weird) app");
	assert_int_equal(t->stat.state, 'R');
	assert_int_equal(t->stat.processor, 2);
	assert_int_equal(t->status.tgid, 100);
	assert_true(nohz_cpuset_isset(&t->status.cpus_allowed, 2));
	assert_int_equal(nohz_cpuset_count(&t->status.cpus_allowed), 1);
	t = find_tid(&s, 101);
	assert_non_null(t);
	assert_int_equal(t->pid, 100);	/* thread group from the directory */
	assert_string_equal(t->stat.comm, "worker");
	t = find_tid(&s, 2);
	assert_non_null(t);
	assert_true(t->kthread);
	assert_int_equal(t->status.vmlck_kb, -1);
	t = find_tid(&s, 20);
	assert_non_null(t);
	assert_true(t->kthread);
	assert_string_equal(t->stat.comm, "ksoftirqd/1");

	/* fn returning nonzero stops the walk */
	memset(&s, 0, sizeof(s));
	s.stop_after = 2;
	assert_int_equal(nohz_threads_each(sys, collect, &s), 0);
	assert_int_equal(s.n, 2);
	nohz_sys_close(sys);
	tree_free(root);

	/* a root without /proc: an error, fn never called */
	root = tree_new();
	sys = nohz_sys_open(root);
	memset(&s, 0, sizeof(s));
	assert_int_equal(nohz_threads_each(sys, collect, &s), -ENOENT);
	assert_int_equal(s.n, 0);
	nohz_sys_close(sys);
	tree_free(root);
}

struct live {
	pid_t want[3];
	int found[3];
	int ours;
};

static int live_fn(const struct nohz_thread *t, void *arg)
{
	struct live *l = arg;

	if (t->pid != getpid())
		return 0;
	l->ours++;
	for (int i = 0; i < 3; i++)
		if (t->stat.tid == l->want[i])
			l->found[i]++;
	return 0;
}

static pthread_barrier_t bar;
static pid_t child_tid[2];

static void *child(void *arg)
{
	child_tid[(long)arg] = gettid();
	pthread_barrier_wait(&bar);	/* tids known */
	pthread_barrier_wait(&bar);	/* scan done */
	return NULL;
}

/* The live /proc: our three threads, by the tids gettid() gave them. */
static void test_threads_each_live(void **state)
{
	struct nohz_sys *sys = nohz_sys_open("/");
	struct live l = { 0 };
	pthread_t th[2];

	assert_non_null(sys);
	assert_true(nohz_sys_live(sys));
	pthread_barrier_init(&bar, NULL, 3);
	for (long i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&th[i], NULL, child, (void *)i), 0);
	pthread_barrier_wait(&bar);
	l.want[0] = gettid();
	l.want[1] = child_tid[0];
	l.want[2] = child_tid[1];
	assert_int_equal(nohz_threads_each(sys, live_fn, &l), 0);
	pthread_barrier_wait(&bar);
	for (int i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	pthread_barrier_destroy(&bar);
	nohz_sys_close(sys);
	assert_int_equal(l.ours, 3);
	for (int i = 0; i < 3; i++)
		assert_int_equal(l.found[i], 1);
}

static void test_kthread_percpu(void **state)
{
	static const char *const yes[] = {
		"ksoftirqd/0", "ksoftirqd/13", "cpuhp/1", "migration/3", "kworker/1:0",
		"kworker/0:1H", "kworker/3:2-events", "kworker/1:1H-kblockd", "rcuc/2",
		"watchdog/1", "idle_inject/0", "irq_work/5", "posixcputmr/2",
	};
	static const char *const no[] = {
		"kworker/u8:2", "kworker/u16:0-events_unbound", "kworker/R-rcu_gp", "kworker/",
		"rcuop/1", "rcuog/0", "rcuos/3", "rcu_preempt", "kthreadd", "ksoftirqd",
		"kswapd0", "irq/24-nvme0q1", "bash", "", "xksoftirqd/1", "migration",
	};

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		if (!nohz_kthread_percpu(yes[i]))
			fail_msg("'%s' is a per-CPU kthread", yes[i]);
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		if (nohz_kthread_percpu(no[i]))
			fail_msg("'%s' is not a per-CPU kthread", no[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stat_fields),
		cmocka_unit_test(test_stat_real_rt_line),
		cmocka_unit_test(test_stat_weird_comm),
		cmocka_unit_test(test_stat_malformed),
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_self_witness),
		cmocka_unit_test(test_threads_each_tree),
		cmocka_unit_test(test_threads_each_live),
		cmocka_unit_test(test_kthread_percpu),
	};

	return cmocka_run_group_tests(tests, NULL, tree_cleanup);
}
