// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * test_fuzz_regress.c - inputs the fuzz targets of tests/fuzz/ found
 * breaking a parser, kept so that the fix stays.  Each test names the
 * target and what went wrong before the fix.
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_interrupts_nul_byte),
		cmocka_unit_test(test_interrupts_zero_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
