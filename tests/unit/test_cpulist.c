// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * test_cpulist.c - cpu sets: the kernel's list syntax (bitmap_parselist) and
 * mask syntax (bitmap_parse) against sets built bit by bit here, error text
 * naming the bad token, list and mask round trips on random sets from a fixed
 * seed, truncation into small buffers (guard bytes after the buffer), and the
 * set operations at the 64-bit word edges.
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

#include "nohz.h"

/* set_of - a set from a -1 terminated list of cpus */
static struct nohz_cpuset set_of(const int *cpus)
{
	struct nohz_cpuset s;

	memset(&s, 0, sizeof(s));
	for (; *cpus >= 0; cpus++)
		s.bits[*cpus / 64] |= 1ULL << (*cpus % 64);
	return s;
}

#define SET(...) set_of((const int[]){ __VA_ARGS__, -1 })

static void assert_set_equal(const struct nohz_cpuset *got, const struct nohz_cpuset *want)
{
	if (memcmp(got, want, sizeof(*got))) {
		char a[256], b[256];

		fail_msg("got {%s}, want {%s}", nohz_cpuset_format(got, a, sizeof(a)),
			 nohz_cpuset_format(want, b, sizeof(b)));
	}
}

static void parse_ok(const char *list, struct nohz_cpuset want)
{
	struct nohz_cpuset s;
	char err[256] = "";
	int rc;

	memset(&s, 0xa5, sizeof(s));	/* parse must start from empty */
	rc = nohz_cpuset_parse(&s, list, err, sizeof(err));
	if (rc)
		fail_msg("parse '%s': rc %d, err '%s'", list, rc, err);
	assert_set_equal(&s, &want);
}

/* parse_bad - -EINVAL and an error that quotes the bad token */
static void parse_bad(const char *list, const char *token)
{
	struct nohz_cpuset s;
	char err[256] = "", quoted[64];
	int rc = nohz_cpuset_parse(&s, list, err, sizeof(err));

	if (rc != -EINVAL)
		fail_msg("parse '%s': rc %d, want -EINVAL", list, rc);
	snprintf(quoted, sizeof(quoted), "'%s'", token);
	if (!strstr(err, quoted))
		fail_msg("parse '%s': err '%s' does not name %s", list, err, quoted);
}

static void test_parse_lists(void **state)
{
	struct nohz_cpuset s;

	nohz_cpuset_zero(&s);
	for (int c = 1; c <= 15; c++)
		nohz_cpuset_set(&s, c);
	parse_ok("1-15", s);
	parse_ok("0,2-5,8", SET(0, 2, 3, 4, 5, 8));
	/* kernel: "used/group" keeps the first `used` of every `group` cpus */
	parse_ok("0-15:2/4", SET(0, 1, 4, 5, 8, 9, 12, 13));
	parse_ok("1-10:1/3", SET(1, 4, 7, 10));
	parse_ok("0-3:4/4", SET(0, 1, 2, 3));
	parse_ok("", SET(-1));
	parse_ok("\n", SET(-1));
	parse_ok("  3\n", SET(3));
	parse_ok("3 \n", SET(3));
	parse_ok("7", SET(7));
	parse_ok("5-5", SET(5));
	parse_ok("8,1,8,3", SET(1, 3, 8));	/* order and repeats do not matter */
	parse_ok("0-1,1-2", SET(0, 1, 2));
	parse_ok("63-64", SET(63, 64));
	parse_ok("8191", SET(8191));
	parse_ok("0007", SET(7));
}

/* "Spaces are tolerated" (nohz.h) and the kernel skips blanks between groups. */
static void test_parse_spaces(void **state)
{
	parse_ok("1, 2", SET(1, 2));
	parse_ok(" 1 , 2 ", SET(1, 2));
	parse_ok("0-1,\t4", SET(0, 1, 4));
}

static void test_parse_full_range(void **state)
{
	struct nohz_cpuset s;

	assert_int_equal(nohz_cpuset_parse(&s, "0-8191", NULL, 0), 0);
	assert_int_equal(nohz_cpuset_count(&s), NOHZ_MAX_CPUS);
	assert_int_equal(nohz_cpuset_last(&s), 8191);
}

static void test_parse_errors(void **state)
{
	struct nohz_cpuset s;

	parse_bad("abc", "abc");
	parse_bad("1,abc,3", "abc");
	parse_bad("15-1", "15-1");
	parse_bad("1-99999", "1-99999");
	parse_bad("8192", "8192");
	parse_bad("99999999999999999999999", "99999999999999999999999");
	parse_bad("1-", "1-");
	parse_bad("-1", "-1");
	parse_bad("1-3:0/4", "1-3:0/4");
	parse_bad("1-3:5/4", "1-3:5/4");
	parse_bad("1-3:2", "1-3:2");
	parse_bad("1-3:2/0", "1-3:2/0");
	parse_bad("1 2", "1 2");
	parse_bad("1x", "1x");
	parse_bad("0x3", "0x3");
	parse_bad("1,", ",");
	parse_bad("0-3,", ",");
	/* an empty group between commas: -EINVAL, some error text */
	{
		char err[128] = "";

		assert_int_equal(nohz_cpuset_parse(&s, "1,,2", err, sizeof(err)), -EINVAL);
		assert_true(err[0]);
	}
	assert_int_equal(nohz_cpuset_parse(&s, NULL, NULL, 0), -EINVAL);
	/* a tiny err buffer is filled, not overrun */
	{
		char err[8];

		memset(err, 'x', sizeof(err));
		assert_int_equal(nohz_cpuset_parse(&s, "abcdefghijkl", err, 4), -EINVAL);
		assert_int_equal(strlen(err), 3);
		assert_int_equal(err[4], 'x');
	}
}

/* xorshift64: a fixed sequence, the same on every run */
static uint64_t rng = 0x9e3779b97f4a7c15ULL;
static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static struct nohz_cpuset random_set(int kind)
{
	struct nohz_cpuset s;
	int maxcpu = kind % 3 == 0 ? 64 : kind % 3 == 1 ? 300 : NOHZ_MAX_CPUS;
	int n = (int)(rnd() % 40);

	nohz_cpuset_zero(&s);
	for (int i = 0; i < n; i++) {
		int a = (int)(rnd() % maxcpu), len = (int)(rnd() % 4 ? 1 : rnd() % 70);

		for (int c = a; c < a + len && c < maxcpu; c++)
			nohz_cpuset_set(&s, c);
	}
	if (kind % 7 == 0)
		nohz_cpuset_set(&s, maxcpu - 1);
	return s;
}

/* list_ref - the canonical list text, written here without ranges logic reuse */
static void list_ref(const struct nohz_cpuset *s, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (int c = 0; c < NOHZ_MAX_CPUS; c++) {
		int e = c;

		if (!(s->bits[c / 64] >> (c % 64) & 1))
			continue;
		while (e + 1 < NOHZ_MAX_CPUS && (s->bits[(e + 1) / 64] >> ((e + 1) % 64) & 1))
			e++;
		off += snprintf(buf + off, len - off, off ? ",%d" : "%d", c);
		if (e > c)
			off += snprintf(buf + off, len - off, "-%d", e);
		c = e;
	}
}

static void test_format_round_trip(void **state)
{
	static char buf[65536], ref[65536];

	for (int i = 0; i < 2000; i++) {
		struct nohz_cpuset s = random_set(i), back;
		char err[128];

		nohz_cpuset_format(&s, buf, sizeof(buf));
		list_ref(&s, ref, sizeof(ref));
		assert_string_equal(buf, ref);
		if (nohz_cpuset_parse(&back, buf, err, sizeof(err)))
			fail_msg("parse of formatted '%.80s...' failed: %s", buf, err);
		assert_set_equal(&back, &s);
	}
	/* every other cpu: the longest list there is */
	{
		struct nohz_cpuset s, back;

		nohz_cpuset_zero(&s);
		for (int c = 0; c < NOHZ_MAX_CPUS; c += 2)
			nohz_cpuset_set(&s, c);
		nohz_cpuset_format(&s, buf, sizeof(buf));
		assert_int_equal(nohz_cpuset_parse(&back, buf, NULL, 0), 0);
		assert_set_equal(&back, &s);
	}
}

static void test_format_simple(void **state)
{
	struct nohz_cpuset s = SET(1, 2, 3, 5, 7, 8);
	char buf[64];

	assert_string_equal(nohz_cpuset_format(&s, buf, sizeof(buf)), "1-3,5,7-8");
	s = SET(-1);
	assert_string_equal(nohz_cpuset_format(&s, buf, sizeof(buf)), "");
	s = SET(0);
	assert_string_equal(nohz_cpuset_format(&s, buf, sizeof(buf)), "0");
	s = SET(63, 64);
	assert_string_equal(nohz_cpuset_format(&s, buf, sizeof(buf)), "63-64");
	s = SET(8191);
	assert_string_equal(nohz_cpuset_format(&s, buf, sizeof(buf)), "8191");
	/* len 0 touches nothing */
	buf[0] = 'x';
	assert_ptr_equal(nohz_cpuset_format(&s, buf, 0), buf);
	assert_int_equal(buf[0], 'x');
}

/*
 * Every buffer size from 1 to past the full text: never a byte past len,
 * NUL-terminated, either the full text or (len >= 4) a prefix of it ending
 * in "...".
 */
static void test_format_truncation(void **state)
{
	struct nohz_cpuset sets[4];
	char full[512], buf[600];

	sets[0] = SET(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20);
	sets[1] = SET(1000, 1001, 1002, 2000, 3000, 4000, 5000, 8191);
	sets[2] = random_set(5);
	nohz_cpuset_zero(&sets[3]);
	for (int c = 0; c < 200; c += 3)
		nohz_cpuset_set(&sets[3], c);
	for (size_t k = 0; k < 4; k++) {
		size_t flen = strlen(nohz_cpuset_format(&sets[k], full, sizeof(full)));

		for (size_t len = 1; len <= flen + 2 && len < 500; len++) {
			size_t n;

			memset(buf, 'Z', sizeof(buf));
			nohz_cpuset_format(&sets[k], buf, len);
			for (size_t i = len; i < sizeof(buf); i++)
				if (buf[i] != 'Z')
					fail_msg("set %zu len %zu: byte %zu written", k, len, i);
			n = strnlen(buf, len);
			assert_true(n < len);
			if (n == flen) {
				assert_string_equal(buf, full);
				continue;
			}
			if (len < 4)
				continue;
			if (n < 3 || strcmp(buf + n - 3, "..."))
				fail_msg("set %zu len %zu: '%s' does not end in ...", k, len, buf);
			if (strncmp(buf, full, n - 3))
				fail_msg("set %zu len %zu: '%s' is not a prefix of '%s'", k, len,
					 buf, full);
		}
	}
}

static void mask_ok(const char *mask, struct nohz_cpuset want)
{
	struct nohz_cpuset s;
	char err[256] = "";
	int rc;

	memset(&s, 0x5a, sizeof(s));
	rc = nohz_cpuset_parse_mask(&s, mask, err, sizeof(err));
	if (rc)
		fail_msg("mask '%s': rc %d, err '%s'", mask, rc, err);
	assert_set_equal(&s, &want);
}

static void test_parse_mask(void **state)
{
	struct nohz_cpuset s;
	char err[256];

	mask_ok("ff", SET(0, 1, 2, 3, 4, 5, 6, 7));
	mask_ok("0000000f", SET(0, 1, 2, 3));
	mask_ok("00000000,0000000f", SET(0, 1, 2, 3));
	mask_ok("1,00000000", SET(32));
	mask_ok("0x3", SET(0, 1));
	mask_ok("0X3", SET(0, 1));
	mask_ok("A0", SET(5, 7));
	mask_ok("f\n", SET(0, 1, 2, 3));
	mask_ok("0", SET(-1));
	mask_ok("80000000,00000000,00000001", SET(0, 95));
	for (const char *const *g = (const char *const[]){ "garbage", "", "0x", "1-3", "f f",
						    "ffg", NULL }; *g; g++) {
		err[0] = '\0';
		if (nohz_cpuset_parse_mask(&s, *g, err, sizeof(err)) != -EINVAL)
			fail_msg("mask '%s' accepted", *g);
		assert_true(err[0]);
	}
	/* the widest mask there is, and one bit more */
	{
		static char wide[4096];
		size_t off = 0;

		for (int w = 0; w < NOHZ_MAX_CPUS / 32; w++)
			off += snprintf(wide + off, sizeof(wide) - off, w ? ",%08x" : "%x",
					w ? 0 : 0x80000000u);
		assert_int_equal(nohz_cpuset_parse_mask(&s, wide, NULL, 0), 0);
		assert_int_equal(nohz_cpuset_count(&s), 1);
		assert_true(nohz_cpuset_isset(&s, 8191));
		memmove(wide + 2, wide, off + 1);
		wide[0] = '1';
		wide[1] = ',';
		assert_int_equal(nohz_cpuset_parse_mask(&s, wide, NULL, 0), -EINVAL);
	}
}

/*
 * The kernel (bitmap_parse) reads comma-separated 32-bit words: a short
 * word is zero-padded on the left.  "1,0" is cpu 32, not cpu 4.  The kernel
 * prints full words, but masks typed by people (IRQBALANCE_BANNED_CPUS,
 * tool options) need not be.
 */
static void test_parse_mask_short_words(void **state)
{
	mask_ok("1,0", SET(32));
	mask_ok("f,f", SET(0, 1, 2, 3, 32, 33, 34, 35));
}

static void test_format_mask(void **state)
{
	struct nohz_cpuset s;
	char buf[4096];

	s = SET(0, 1, 2, 3);
	assert_string_equal(nohz_cpuset_format_mask(&s, buf, sizeof(buf)), "f");
	s = SET(32);
	assert_string_equal(nohz_cpuset_format_mask(&s, buf, sizeof(buf)), "1,00000000");
	s = SET(-1);
	assert_string_equal(nohz_cpuset_format_mask(&s, buf, sizeof(buf)), "0");
	s = SET(0, 63, 64);
	assert_string_equal(nohz_cpuset_format_mask(&s, buf, sizeof(buf)),
			    "1,80000000,00000001");
	s = SET(31);
	assert_string_equal(nohz_cpuset_format_mask(&s, buf, sizeof(buf)), "80000000");
	for (int i = 0; i < 2000; i++) {
		struct nohz_cpuset back;

		s = random_set(i);
		nohz_cpuset_format_mask(&s, buf, sizeof(buf));
		if (nohz_cpuset_parse_mask(&back, buf, NULL, 0))
			fail_msg("mask '%.60s...' does not parse back", buf);
		assert_set_equal(&back, &s);
	}
	/* small buffers: never written past */
	s = SET(0, 100, 8191);
	for (size_t len = 0; len < 40; len++) {
		char small[64];

		memset(small, 'Z', sizeof(small));
		nohz_cpuset_format_mask(&s, small, len);
		for (size_t i = len; i < sizeof(small); i++)
			assert_int_equal(small[i], 'Z');
		if (len)
			assert_true(strnlen(small, len) < len);
	}
}

static void test_set_ops_edges(void **state)
{
	static const int edge[] = { 0, 1, 62, 63, 64, 65, 127, 128, 4095, 4096, 8190, 8191 };
	struct nohz_cpuset a, b, d, e;

	/* single bits at every word edge: set, isset, next, last, clear */
	for (size_t i = 0; i < sizeof(edge) / sizeof(edge[0]); i++) {
		int c = edge[i];

		nohz_cpuset_zero(&a);
		assert_true(nohz_cpuset_empty(&a));
		nohz_cpuset_set(&a, c);
		assert_false(nohz_cpuset_empty(&a));
		assert_true(nohz_cpuset_isset(&a, c));
		assert_false(nohz_cpuset_isset(&a, c ? c - 1 : 1));
		assert_int_equal(nohz_cpuset_count(&a), 1);
		assert_int_equal(nohz_cpuset_next(&a, -1), c);
		assert_int_equal(nohz_cpuset_next(&a, c - 1), c);
		assert_int_equal(nohz_cpuset_next(&a, c), -1);
		assert_int_equal(nohz_cpuset_last(&a), c);
		nohz_cpuset_clear(&a, c);
		assert_true(nohz_cpuset_empty(&a));
		assert_int_equal(nohz_cpuset_next(&a, -1), -1);
		assert_int_equal(nohz_cpuset_last(&a), -1);
	}
	/* out of range is ignored, not written */
	nohz_cpuset_zero(&a);
	nohz_cpuset_set(&a, -1);
	nohz_cpuset_set(&a, NOHZ_MAX_CPUS);
	nohz_cpuset_set(&a, 1 << 30);
	assert_true(nohz_cpuset_empty(&a));
	assert_false(nohz_cpuset_isset(&a, -1));
	assert_false(nohz_cpuset_isset(&a, NOHZ_MAX_CPUS));
	assert_int_equal(nohz_cpuset_next(&a, NOHZ_MAX_CPUS + 5), -1);
	assert_int_equal(nohz_cpuset_next(&a, -100), -1);

	a = SET(0, 63, 64, 8191);
	b = SET(63, 65, 8191);
	/* next walks across words */
	assert_int_equal(nohz_cpuset_next(&a, 0), 63);
	assert_int_equal(nohz_cpuset_next(&a, 63), 64);
	assert_int_equal(nohz_cpuset_next(&a, 64), 8191);
	assert_int_equal(nohz_cpuset_next(&a, 8191), -1);
	assert_int_equal(nohz_cpuset_next(&a, -7), 0);
	nohz_cpuset_and(&d, &a, &b);
	e = SET(63, 8191);
	assert_set_equal(&d, &e);
	nohz_cpuset_or(&d, &a, &b);
	e = SET(0, 63, 64, 65, 8191);
	assert_set_equal(&d, &e);
	assert_int_equal(nohz_cpuset_count(&d), 5);
	nohz_cpuset_andnot(&d, &a, &b);
	e = SET(0, 64);
	assert_set_equal(&d, &e);
	nohz_cpuset_andnot(&d, &b, &a);
	e = SET(65);
	assert_set_equal(&d, &e);
	/* in place: d may be a */
	d = a;
	nohz_cpuset_and(&d, &d, &b);
	e = SET(63, 8191);
	assert_set_equal(&d, &e);
	assert_true(nohz_cpuset_intersects(&a, &b));
	e = SET(1, 62, 66, 8190);
	assert_false(nohz_cpuset_intersects(&a, &e));
	e = SET(8191);
	assert_true(nohz_cpuset_intersects(&a, &e));
	assert_true(nohz_cpuset_subset(&e, &a));
	assert_false(nohz_cpuset_subset(&a, &e));
	e = SET(-1);
	assert_true(nohz_cpuset_subset(&e, &a));	/* empty is a subset of all */
	assert_false(nohz_cpuset_intersects(&e, &e));
	e = SET(0, 63, 64, 8191);
	assert_true(nohz_cpuset_equal(&a, &e));
	nohz_cpuset_clear(&e, 64);
	assert_false(nohz_cpuset_equal(&a, &e));
	assert_int_equal(nohz_cpuset_last(&e), 8191);
	nohz_cpuset_clear(&e, 8191);
	assert_int_equal(nohz_cpuset_last(&e), 63);
}

/* for_each visits exactly the set bits, ascending: compared with a bit scan */
static void test_for_each(void **state)
{
	for (int i = 0; i < 200; i++) {
		struct nohz_cpuset s = random_set(i);
		int cpu, prev = -1, n = 0;

		nohz_cpuset_for_each(cpu, &s) {
			assert_true(cpu > prev);
			for (int c = prev + 1; c < cpu; c++)
				assert_false(s.bits[c / 64] >> (c % 64) & 1);
			assert_true(s.bits[cpu / 64] >> (cpu % 64) & 1);
			prev = cpu;
			n++;
		}
		for (int c = prev + 1; c < NOHZ_MAX_CPUS; c++)
			assert_false(s.bits[c / 64] >> (c % 64) & 1);
		assert_int_equal(n, nohz_cpuset_count(&s));
		assert_int_equal(prev, nohz_cpuset_last(&s));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_lists),
		cmocka_unit_test(test_parse_spaces),
		cmocka_unit_test(test_parse_full_range),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_format_simple),
		cmocka_unit_test(test_format_round_trip),
		cmocka_unit_test(test_format_truncation),
		cmocka_unit_test(test_parse_mask),
		cmocka_unit_test(test_parse_mask_short_words),
		cmocka_unit_test(test_format_mask),
		cmocka_unit_test(test_set_ops_edges),
		cmocka_unit_test(test_for_each),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
