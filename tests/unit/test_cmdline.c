// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * test_cmdline.c - the kernel command line as the kernel reads it
 * (kernel/params.c: last occurrence wins, '-' == '_' in names, quoted
 * values, "--" ends the kernel's part) and the isolcpus= flag syntax of
 * kernel/sched/isolation.c.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "nohz.h"

/* param - look key up; val is poisoned first so a stale value shows */
static int param(const char *cmdline, const char *key, char *val, size_t len)
{
	memset(val, '#', len);
	val[len - 1] = '\0';
	return nohz_cmdline_param(cmdline, key, val, len);
}

static void test_param_basic(void **state)
{
	const char *cl = "BOOT_IMAGE=/vmlinuz-6.1.0 root=UUID=1234-abcd ro quiet "
			 "nohz_full=1-15 rcu_nocbs=1-15 isolcpus=managed_irq,domain,1-15";
	char v[256];

	assert_int_equal(param(cl, "nohz_full", v, sizeof(v)), 1);
	assert_string_equal(v, "1-15");
	assert_int_equal(param(cl, "root", v, sizeof(v)), 1);
	assert_string_equal(v, "UUID=1234-abcd");	/* only the first '=' splits */
	assert_int_equal(param(cl, "BOOT_IMAGE", v, sizeof(v)), 1);
	assert_string_equal(v, "/vmlinuz-6.1.0");
	assert_int_equal(param(cl, "isolcpus", v, sizeof(v)), 1);
	assert_string_equal(v, "managed_irq,domain,1-15");
	/* bare flags: 0 and an empty value */
	assert_int_equal(param(cl, "quiet", v, sizeof(v)), 0);
	assert_string_equal(v, "");
	assert_int_equal(param(cl, "ro", v, sizeof(v)), 0);
	/* absent */
	assert_int_equal(param(cl, "irqaffinity", v, sizeof(v)), -ENOENT);
	assert_string_equal(v, "");
	assert_int_equal(param("", "quiet", v, sizeof(v)), -ENOENT);
	assert_int_equal(nohz_cmdline_param(NULL, "quiet", NULL, 0), -ENOENT);
	/* a value without '=' content */
	assert_int_equal(param("a= b=2", "a", v, sizeof(v)), 1);
	assert_string_equal(v, "");
	/* NULL val only reports presence */
	assert_int_equal(nohz_cmdline_param(cl, "nohz_full", NULL, 0), 1);
	assert_int_equal(nohz_cmdline_param(cl, "quiet", NULL, 0), 0);
	/* tabs and newlines separate words too (the file ends in '\n') */
	assert_int_equal(param("a=1\tnohz_full=3\n", "nohz_full", v, sizeof(v)), 1);
	assert_string_equal(v, "3");
}

static void test_param_last_wins(void **state)
{
	char v[64];

	assert_int_equal(param("nohz_full=1 x=y nohz_full=2-3", "nohz_full", v, sizeof(v)), 1);
	assert_string_equal(v, "2-3");
	/* the last word decides even between a value and a bare flag */
	assert_int_equal(param("foo=1 foo", "foo", v, sizeof(v)), 0);
	assert_string_equal(v, "");
	assert_int_equal(param("foo foo=2", "foo", v, sizeof(v)), 1);
	assert_string_equal(v, "2");
}

static void test_param_dash_underscore(void **state)
{
	char v[64];

	assert_int_equal(param("nohz-full=1-3", "nohz_full", v, sizeof(v)), 1);
	assert_string_equal(v, "1-3");
	assert_int_equal(param("nohz_full=1-3", "nohz-full", v, sizeof(v)), 1);
	assert_string_equal(v, "1-3");
	assert_int_equal(param("rcu-nocbs=1 rcu_nocbs=2", "rcu_nocbs", v, sizeof(v)), 1);
	assert_string_equal(v, "2");
	/* only the name is folded: the value keeps its dashes */
	assert_int_equal(param("a_b=x-y_z", "a-b", v, sizeof(v)), 1);
	assert_string_equal(v, "x-y_z");
}

static void test_param_quotes(void **state)
{
	char v[64];
	const char *cl = "a=1 dyndbg=\"file net/* +p\" b=2 c=\"\" d=\"x\"y";

	assert_int_equal(param(cl, "dyndbg", v, sizeof(v)), 1);
	assert_string_equal(v, "file net/* +p");
	/* the quoted spaces did not split words: b is found whole */
	assert_int_equal(param(cl, "b", v, sizeof(v)), 1);
	assert_string_equal(v, "2");
	assert_int_equal(param(cl, "c", v, sizeof(v)), 1);
	assert_string_equal(v, "");
	/* words inside quotes are not keys */
	assert_int_equal(param("x=\"nohz_full=1 y\"", "nohz_full", v, sizeof(v)), -ENOENT);
	assert_int_equal(param(cl, "net/*", v, sizeof(v)), -ENOENT);
}

static void test_param_double_dash(void **state)
{
	char v[64];

	assert_int_equal(param("a=1 -- a=2", "a", v, sizeof(v)), 1);
	assert_string_equal(v, "1");
	assert_int_equal(param("ro -- nohz_full=1-3", "nohz_full", v, sizeof(v)), -ENOENT);
	assert_int_equal(param("ro -- single", "single", v, sizeof(v)), -ENOENT);
	/* "--x" is an ordinary word */
	assert_int_equal(param("--x=1 a=3", "a", v, sizeof(v)), 1);
	assert_string_equal(v, "3");
}

static void test_param_prefix_keys(void **state)
{
	const char *cl = "nohz_full=1-3 nohz=off rcu_nocbs_poll rcu_nocbs=2";
	char v[64];

	assert_int_equal(param("nohz_full=1-3", "nohz", v, sizeof(v)), -ENOENT);
	assert_int_equal(param("nohz_full=1-3", "nohz_full_x", v, sizeof(v)), -ENOENT);
	assert_int_equal(param(cl, "nohz", v, sizeof(v)), 1);
	assert_string_equal(v, "off");
	assert_int_equal(param(cl, "nohz_full", v, sizeof(v)), 1);
	assert_string_equal(v, "1-3");
	assert_int_equal(param(cl, "rcu_nocbs", v, sizeof(v)), 1);
	assert_string_equal(v, "2");
	assert_int_equal(param("rcu_nocbs_poll", "rcu_nocbs", v, sizeof(v)), -ENOENT);
	/* and a key longer than the word */
	assert_int_equal(param("nohz", "nohz_full", v, sizeof(v)), -ENOENT);
}

static void test_param_truncation(void **state)
{
	char v[8];

	memset(v, 'Z', sizeof(v));
	assert_int_equal(nohz_cmdline_param("k=0123456789", "k", v, 5), 1);
	assert_string_equal(v, "0123");
	assert_int_equal(v[5], 'Z');
}

static void iso_ok(const char *val, const char *cpus, bool domain, bool nohz, bool managed)
{
	struct nohz_isolcpus iso;
	struct nohz_cpuset want;
	char err[256] = "";
	int rc;

	memset(&iso, 0xa5, sizeof(iso));
	rc = nohz_isolcpus_parse(val, &iso, err, sizeof(err));
	if (rc)
		fail_msg("isolcpus '%s': rc %d err '%s'", val, rc, err);
	assert_int_equal(nohz_cpuset_parse(&want, cpus, NULL, 0), 0);
	assert_true(nohz_cpuset_equal(&iso.cpus, &want));
	if (iso.domain != domain || iso.nohz != nohz || iso.managed_irq != managed)
		fail_msg("isolcpus '%s': domain %d nohz %d managed_irq %d, want %d %d %d",
			 val, iso.domain, iso.nohz, iso.managed_irq, domain, nohz, managed);
}

static void test_isolcpus(void **state)
{
	/* no flag: the kernel means "domain" */
	iso_ok("1-3", "1-3", true, false, false);
	iso_ok("nohz,domain,managed_irq,1-3", "1-3", true, true, true);
	iso_ok("managed_irq,domain,1-3,5", "1-3,5", true, false, true);
	/* flags given: only those (the kernel sets domain only without flags) */
	iso_ok("managed_irq,2-3", "2-3", false, false, true);
	iso_ok("nohz,1", "1", false, true, false);
	iso_ok("domain,0-7:2/4", "0,1,4,5", true, false, false);
}

static void test_isolcpus_errors(void **state)
{
	struct nohz_isolcpus iso;
	char err[256] = "";

	assert_int_equal(nohz_isolcpus_parse("bogus,1-3", &iso, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "'bogus'"));
	err[0] = '\0';
	assert_int_equal(nohz_isolcpus_parse("nohz,tick,1-3", &iso, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "'tick'"));
	err[0] = '\0';
	/* a bad cpu list after good flags names the list's token */
	assert_int_equal(nohz_isolcpus_parse("domain,3-1", &iso, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "'3-1'"));
	/* flags are case-sensitive like the kernel's strncmp */
	assert_int_equal(nohz_isolcpus_parse("Domain,1", &iso, NULL, 0), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_param_basic),
		cmocka_unit_test(test_param_last_wins),
		cmocka_unit_test(test_param_dash_underscore),
		cmocka_unit_test(test_param_quotes),
		cmocka_unit_test(test_param_double_dash),
		cmocka_unit_test(test_param_prefix_keys),
		cmocka_unit_test(test_param_truncation),
		cmocka_unit_test(test_isolcpus),
		cmocka_unit_test(test_isolcpus_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
