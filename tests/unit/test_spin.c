// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * test_spin.c - the spin engine's contract, without timing assertions:
 * bad options are refused with a sentence, spinners run where they are
 * pinned (checked in /proc/self/task), are named, block signals, stop when
 * asked, and their statistics are self-consistent.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "nohz.h"

static void opts_init(struct nohz_spin_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->measure = true;
}

/* read_task - first line of /proc/self/task/TID/FILE, "" when absent */
static void read_task(pid_t tid, const char *file, char *buf, size_t len)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/task/%d/%s", (int)tid, file);
	buf[0] = '\0';
	f = fopen(path, "r");
	if (!f)
		return;
	if (!fgets(buf, (int)len, f))
		buf[0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
}

/* task_status_hex - a hex field ("SigBlk") of /proc/self/task/TID/status */
static unsigned long long task_status_hex(pid_t tid, const char *key)
{
	char path[128], line[256];
	unsigned long long v = 0;
	size_t kl = strlen(key);
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/task/%d/status", (int)tid);
	f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, kl) && line[kl] == ':')
			v = strtoull(line + kl + 1, NULL, 16);
	fclose(f);
	return v;
}

static void check_stats(const struct nohz_gap_stats *st)
{
	uint64_t total = 0;

	assert_non_null(st);
	assert_true(st->loops > 0);
	for (int b = 0; b < NOHZ_HIST_BUCKETS; b++)
		total += st->hist[b];
	assert_int_equal(total, st->count);
	if (st->count) {
		assert_true(st->min_ns <= st->p99_ns);
		assert_true(st->p99_ns <= st->p999_ns);
		assert_true(st->p999_ns <= st->max_ns);
		assert_true(st->min_ns >= st->threshold_ns - 1);
		assert_true(st->sum_ns >= st->max_ns);
		assert_true(st->worst_at_ns <= st->elapsed_ns);
	} else {
		assert_int_equal(st->max_ns, 0);
		assert_int_equal(st->p99_ns, 0);
	}
}

static void test_bad_options(void **state)
{
	struct nohz_spin_opts o;
	struct nohz_spin *s = (void *)1;
	char err[256] = "";

	opts_init(&o);		/* no cpu, no thread */
	assert_int_equal(nohz_spin_start(&s, &o, err, sizeof(err)), -EINVAL);
	assert_null(s);
	assert_true(strlen(err) > 0);

	opts_init(&o);
	o.nthreads = 1;
	o.fifo_prio = 1000;
	err[0] = '\0';
	assert_int_equal(nohz_spin_start(&s, &o, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "1000"));

	opts_init(&o);
	nohz_cpuset_set(&o.cpus, NOHZ_MAX_CPUS - 1);	/* not online anywhere */
	err[0] = '\0';
	assert_true(nohz_spin_start(&s, &o, err, sizeof(err)) < 0);
	assert_null(s);
	assert_non_null(strstr(err, "CPU"));

	/* NULLs are harmless */
	nohz_spin_stop(NULL);
	nohz_spin_free(NULL);
	assert_int_equal(nohz_spin_count(NULL), 0);
	assert_int_equal(nohz_spin_wait(NULL), -EINVAL);
}

/* a pinned spinner runs on its CPU under its name with signals blocked */
static void test_pinned_runs_there(void **state)
{
	struct nohz_spin_opts o;
	struct nohz_spin *s;
	char err[256], buf[512];
	pid_t tid;

	opts_init(&o);
	nohz_cpuset_set(&o.cpus, 0);
	o.name = "utest";
	assert_int_equal(nohz_spin_start(&s, &o, err, sizeof(err)), 0);
	assert_int_equal(nohz_spin_count(s), 1);
	assert_int_equal(nohz_spin_cpu(s, 0), 0);
	assert_int_equal(nohz_spin_cpu(s, 1), -1);
	tid = nohz_spin_tid(s, 0);
	assert_true(tid > 0 && tid != getpid());

	read_task(tid, "comm", buf, sizeof(buf));
	assert_string_equal(buf, "utest/0");
	/* SIGINT and SIGTERM blocked in the spinner, not in this thread */
	assert_true(task_status_hex(tid, "SigBlk") & (1ULL << (SIGINT - 1)));
	assert_true(task_status_hex(tid, "SigBlk") & (1ULL << (SIGTERM - 1)));
	assert_false(task_status_hex(getpid(), "SigBlk") & (1ULL << (SIGINT - 1)));
	/* its allowed CPUs are exactly CPU 0 */
	{
		char path[64], line[256];
		FILE *f;
		bool found = false;

		snprintf(path, sizeof(path), "/proc/self/task/%d/status", (int)tid);
		f = fopen(path, "r");
		assert_non_null(f);
		while (fgets(line, sizeof(line), f))
			if (!strncmp(line, "Cpus_allowed_list:", 18)) {
				found = true;
				assert_string_equal(line + 18 + strspn(line + 18, " \t"), "0\n");
			}
		fclose(f);
		assert_true(found);
	}
	nohz_spin_stop(s);
	assert_int_equal(nohz_spin_wait(s), 0);
	check_stats(nohz_spin_stats(s, 0));
	assert_int_equal(nohz_spin_stats(s, 0)->last_cpu, 0);
	assert_null(nohz_spin_stats(s, 1));
	nohz_spin_free(s);
}

/* a time-limited run ends by itself; the auto threshold has its floor */
static void test_duration_ends(void **state)
{
	struct nohz_spin_opts o;
	struct nohz_spin *s;
	const struct nohz_gap_stats *st;
	char err[256];

	opts_init(&o);
	nohz_cpuset_set(&o.cpus, 0);
	o.seconds = 0.05;
	assert_int_equal(nohz_spin_start(&s, &o, err, sizeof(err)), 0);
	assert_int_equal(nohz_spin_wait(s), 0);	/* returns without a stop */
	st = nohz_spin_stats(s, 0);
	check_stats(st);
	/* the loop compares against its own deadline: it ran at least that
	 * long and (no timing claim) stopped by itself */
	assert_true(st->elapsed_ns >= 50000000);
	assert_true(st->threshold_ns >= NOHZ_SPIN_AUTO_FLOOR_NS);
	assert_true(st->loop_median_ns > 0);
	assert_true(st->threshold_ns >= st->loop_median_ns);
	assert_true(st->start_mono_ns > 0);
	assert_non_null(nohz_spin_gaps(s, 0));
	assert_int_equal(nohz_spin_gaps(s, 0)->count, st->count);
	nohz_spin_free(s);
}

/* unpinned spinners until stopped; an explicit threshold is kept */
static void test_unpinned_until_stop(void **state)
{
	struct nohz_spin_opts o;
	struct nohz_spin *s;
	char err[256];

	opts_init(&o);
	o.nthreads = 3;
	o.threshold_ns = 5000;
	assert_int_equal(nohz_spin_start(&s, &o, err, sizeof(err)), 0);
	assert_int_equal(nohz_spin_count(s), 3);
	usleep(20000);
	nohz_spin_stop(s);
	assert_int_equal(nohz_spin_wait(s), 0);
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(nohz_spin_cpu(s, i), -1);
		assert_true(nohz_spin_tid(s, i) > 0);
		check_stats(nohz_spin_stats(s, i));
		assert_int_equal(nohz_spin_stats(s, i)->threshold_ns, 5000);
	}
	assert_true(nohz_spin_tid(s, 0) != nohz_spin_tid(s, 1));
	nohz_spin_free(s);
}

/* burn mode records nothing; the mono clock is 1000 MHz by definition */
static void test_burn_and_mono(void **state)
{
	struct nohz_spin_opts o;
	struct nohz_spin *s;
	char err[256];
	double mhz = 0;

	opts_init(&o);
	o.measure = false;
	o.nthreads = 1;
	o.clock = NOHZ_CLOCK_MONO;
	o.seconds = 0.02;
	assert_int_equal(nohz_spin_start(&s, &o, err, sizeof(err)), 0);
	assert_string_equal(nohz_spin_clock(s, &mhz), "mono");
	assert_true(mhz > 999.999 && mhz < 1000.001);
	nohz_spin_wait(s);
	assert_true(nohz_spin_stats(s, 0)->loops > 0);
	assert_int_equal(nohz_spin_stats(s, 0)->count, 0);
	assert_int_equal(nohz_spin_stats(s, 0)->threshold_ns, 0);
	nohz_spin_free(s);
}

/* the TSC clock when the CPU offers one; free without wait joins */
static void test_tsc_and_free_running(void **state)
{
	struct nohz_spin_opts o;
	struct nohz_spin *s;
	char err[256];
	double mhz = 0;
	int rc;

	opts_init(&o);
	o.nthreads = 1;
	o.clock = NOHZ_CLOCK_TSC;
	rc = nohz_spin_start(&s, &o, err, sizeof(err));
	if (rc == -ENOTSUP) {
		assert_non_null(strstr(err, "TSC"));
		skip();
	}
	assert_int_equal(rc, 0);
	assert_string_equal(nohz_spin_clock(s, &mhz), "tsc");
	assert_true(mhz > 10 && mhz < 100000);
	nohz_spin_free(s);	/* stops and joins; ASan sees no leak */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_options),
		cmocka_unit_test(test_pinned_runs_there),
		cmocka_unit_test(test_duration_ends),
		cmocka_unit_test(test_unpinned_until_stop),
		cmocka_unit_test(test_burn_and_mono),
		cmocka_unit_test(test_tsc_and_free_running),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
