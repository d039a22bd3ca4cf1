// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * test_fuzz_regress.c - inputs that the fuzz targets of tests/fuzz/ and
 * the bad-input matrix (tests/tools/badinput.sh) found breaking the library,
 * kept so that the fixes stay.  Each test names who found it and what went
 * wrong before the fix.  Run under the sanitizer build too (make SAN=1),
 * where the undefined behaviour ones abort.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "nohz.h"

/*
 * fuzz_interrupts: a NUL byte inside the text (a zero-filled block of a
 * captured file) ended a row name early, so a row named "" came out, with
 * irq 0 ("" is all digits), and nohz_interrupts_find("") found it.
 */
static const char nul_rows[] =
	"           CPU0       CPU1\n"
	"  0:         10          0   IO-APIC   2-edge      timer\n"
	"\0:          5          7   IO-APIC   1-edge      i8042\n"
	"LOC:       1000       2000   Local timer interrupts\n";

static void test_interrupts_nul_byte(void **state)
{
	struct nohz_interrupts t;
	char err[256] = "";

	(void)state;
	assert_int_equal(nohz_interrupts_parse(&t, nul_rows, sizeof(nul_rows) - 1,
					       err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "line 3: NUL byte"));
	assert_null(t.rows);
	assert_null(t.mem_);
	/* a NUL inside a description, and after the last row */
	{
		static const char desc[] = "  CPU0\n  1:  5  IO-APIC\0x\n";
		static const char tail[] = "  CPU0\n  1:  5  IO-APIC\n\0";

		assert_int_equal(nohz_interrupts_parse(&t, desc, sizeof(desc) - 1,
						       err, sizeof(err)), -EINVAL);
		assert_non_null(strstr(err, "line 2: NUL byte"));
		assert_int_equal(nohz_interrupts_parse(&t, tail, sizeof(tail) - 1,
						       err, sizeof(err)), -EINVAL);
		assert_non_null(strstr(err, "line 3: NUL byte"));
	}
	/* the same text without the NUL parses: the check is not too wide */
	{
		char *ok = malloc(sizeof(nul_rows));

		assert_non_null(ok);
		memcpy(ok, nul_rows, sizeof(nul_rows));
		ok[strlen(nul_rows)] = '1';
		assert_int_equal(nohz_interrupts_parse(&t, ok, sizeof(nul_rows) - 1,
						       err, sizeof(err)), 0);
		assert_int_equal(t.nrows, 3);
		assert_null(nohz_interrupts_find(&t, ""));
		assert_non_null(nohz_interrupts_find_irq(&t, 1));
		nohz_interrupts_free(&t);
		free(ok);
	}
}

/* the same through a file: a zero-filled /proc/interrupts of a capture */
static void test_interrupts_zero_file(void **state)
{
	char root[] = "/tmp/nohz-regress.XXXXXX", path[256], cmd[300];
	static const char zeros[4096];
	struct nohz_interrupts t;
	struct nohz_sys *sys;
	char err[512] = "";
	int fd;

	(void)state;
	assert_non_null(mkdtemp(root));
	snprintf(path, sizeof(path), "%s/proc", root);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/proc/interrupts", root);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, zeros, sizeof(zeros)), (ssize_t)sizeof(zeros));
	close(fd);
	sys = nohz_sys_open(root);
	assert_non_null(sys);
	assert_int_equal(nohz_interrupts_read(sys, NOHZ_PROC_INTERRUPTS, &t, err,
					      sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "/proc/interrupts: line 1: NUL byte"));
	nohz_sys_close(sys);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	assert_int_equal(system(cmd), 0);
}

/* tmp_root - an empty directory; rm_root removes it again */
static void tmp_root(char *root, size_t len)
{
	snprintf(root, len, "%s/nohz-regress.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	assert_non_null(mkdtemp(root));
}

static void rm_root(const char *root)
{
	char cmd[4200];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	assert_int_equal(system(cmd), 0);
}

static int count_d(const struct nohz_dthread *t, void *arg)
{
	(void)t;
	++*(int *)arg;
	return 0;
}

/*
 * badinput (sleeping-beauties --root on a tree whose proc/ is empty): the
 * repeated scanner sorted an empty pid list through qsort(NULL, 0, ...),
 * undefined behaviour that UBSan stops on.
 */
static void test_dscan_empty_proc(void **state)
{
	char root[4096], path[4200];
	struct nohz_dscan *ds;
	struct nohz_sys *sys;
	int n = 0;

	(void)state;
	tmp_root(root, sizeof(root));
	snprintf(path, sizeof(path), "%s/proc", root);
	assert_int_equal(mkdir(path, 0755), 0);
	sys = nohz_sys_open(root);
	assert_non_null(sys);
	assert_int_equal(nohz_dscan_open(&ds, sys, NULL, 0), 0);
	assert_int_equal(nohz_dscan_run(ds, count_d, &n), 0);
	assert_int_equal(nohz_dscan_run(ds, count_d, &n), 0);
	assert_int_equal(n, 0);
	nohz_dscan_close(ds);
	assert_int_equal(nohz_dstate_scan(sys, NULL, 0, true, count_d, &n), 0);
	nohz_sys_close(sys);
	rm_root(root);
}

/*
 * badinput (pig -s 0.0000000001): a duration shorter than half a clock
 * tick rounded to a deadline of 0 ticks, which the spinners read as "no
 * limit": the run never ended.  alarm() turns a regression into a failed
 * test instead of a hung one.
 */
static void test_spin_tiny_duration(void **state)
{
	struct nohz_spin_opts o;
	struct nohz_spin *s;
	char err[256];

	(void)state;
	memset(&o, 0, sizeof(o));
	nohz_cpuset_set(&o.cpus, 0);
	o.measure = true;
	o.seconds = 1e-10;
	alarm(60);
	assert_int_equal(nohz_spin_start(&s, &o, err, sizeof(err)), 0);
	assert_int_equal(nohz_spin_wait(s), 0);	/* returns without a stop */
	alarm(0);
	assert_true(nohz_spin_stats(s, 0)->loops >= 1);
	nohz_spin_free(s);
}

/*
 * badinput (--root ''): an empty root opened the live system, so a tool
 * given an unset variable as its captured tree reported on this host.
 */
static void test_sys_empty_root(void **state)
{
	struct nohz_sys *sys;

	(void)state;
	errno = 0;
	assert_null(nohz_sys_open(""));
	assert_int_equal(errno, ENOENT);
	sys = nohz_sys_open(NULL);	/* NULL stays the live system */
	assert_non_null(sys);
	assert_true(nohz_sys_live(sys));
	nohz_sys_close(sys);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_interrupts_nul_byte),
		cmocka_unit_test(test_interrupts_zero_file),
		cmocka_unit_test(test_dscan_empty_proc),
		cmocka_unit_test(test_spin_tiny_duration),
		cmocka_unit_test(test_sys_empty_root),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
