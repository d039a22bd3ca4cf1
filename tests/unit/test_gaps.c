// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * test_gaps.c - the gap recorder: exact log2 buckets, percentiles on known
 * inputs checked against a sort-based nearest-rank reference written here,
 * and the edges (no gap, one gap, zero, huge values, odd percentiles).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "nohz.h"

static struct nohz_gaps *new_gaps(void)
{
	struct nohz_gaps *g = malloc(sizeof(*g));

	assert_non_null(g);
	memset(g, 0xa5, sizeof(*g));	/* reset must clear everything */
	nohz_gaps_reset(g);
	return g;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* ref_percentile - nearest rank on a sorted copy, by the textbook */
static uint64_t ref_percentile(const uint64_t *v, size_t n, double pct)
{
	uint64_t *c = malloc(n * sizeof(*c));
	size_t rank;
	uint64_t r;

	assert_non_null(c);
	memcpy(c, v, n * sizeof(*c));
	qsort(c, n, sizeof(*c), cmp_u64);
	/* smallest rank with rank >= pct/100 * n, done in integers */
	for (rank = 1; rank < n && (double)rank * 100.0 < pct * (double)n - 1e-9; rank++)
		;
	r = c[rank - 1];
	free(c);
	return r;
}

static void test_bucket_exact(void **state)
{
	static const struct { uint64_t ns; int b; } cases[] = {
		{ 0, 0 }, { 1, 0 }, { 2, 1 }, { 3, 1 }, { 4, 2 }, { 7, 2 }, { 8, 3 },
		{ 999, 9 }, { 1000, 9 }, { 1023, 9 }, { 1024, 10 }, { 1025, 10 },
		{ 1000000, 19 }, { (1ULL << 39) - 1, 38 }, { 1ULL << 39, 39 },
		{ 1ULL << 40, 39 }, { UINT64_MAX, 39 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(nohz_gaps_bucket(cases[i].ns), cases[i].b);
	assert_int_equal(nohz_gaps_bucket_low(0), 0);
	assert_int_equal(nohz_gaps_bucket_low(1), 2);
	assert_int_equal(nohz_gaps_bucket_low(10), 1024);
	assert_int_equal(nohz_gaps_bucket_low(39), 1ULL << 39);
	/* every bucket's lower edge falls in that bucket, the value below it not */
	for (int b = 1; b < NOHZ_HIST_BUCKETS; b++) {
		assert_int_equal(nohz_gaps_bucket(nohz_gaps_bucket_low(b)), b);
		assert_int_equal(nohz_gaps_bucket(nohz_gaps_bucket_low(b) - 1), b - 1);
	}
}

static void test_hist_counts(void **state)
{
	struct nohz_gaps *g = new_gaps();
	uint64_t total = 0;

	nohz_gaps_add(g, 1500, 10);	/* bucket 10 */
	nohz_gaps_add(g, 2047, 20);	/* bucket 10 */
	nohz_gaps_add(g, 2048, 30);	/* bucket 11 */
	nohz_gaps_add(g, 5000000, 40);	/* bucket 22 */
	assert_int_equal(g->hist[10], 2);
	assert_int_equal(g->hist[11], 1);
	assert_int_equal(g->hist[22], 1);
	for (int b = 0; b < NOHZ_HIST_BUCKETS; b++)
		total += g->hist[b];
	assert_int_equal(total, 4);
	assert_int_equal(g->count, 4);
	assert_int_equal(g->min_ns, 1500);
	assert_int_equal(g->max_ns, 5000000);
	assert_int_equal(g->sum_ns, 1500 + 2047 + 2048 + 5000000);
	assert_int_equal(g->worst_at, 40);
	free(g);
}

static void test_empty(void **state)
{
	struct nohz_gaps *g = new_gaps();

	assert_int_equal(g->count, 0);
	assert_int_equal(g->max_ns, 0);
	assert_int_equal(g->sum_ns, 0);
	assert_int_equal(nohz_gaps_percentile(g, 50), 0);
	assert_int_equal(nohz_gaps_percentile(g, 99), 0);
	assert_int_equal(nohz_gaps_percentile(g, 99.9), 0);
	assert_int_equal(nohz_gaps_percentile(g, 100), 0);
	for (int b = 0; b < NOHZ_HIST_BUCKETS; b++)
		assert_int_equal(g->hist[b], 0);
	free(g);
}

static void test_one_gap(void **state)
{
	struct nohz_gaps *g = new_gaps();

	nohz_gaps_add(g, 12345, 777);
	assert_int_equal(g->count, 1);
	assert_int_equal(g->min_ns, 12345);
	assert_int_equal(g->max_ns, 12345);
	assert_int_equal(g->worst_at, 777);
	assert_int_equal(g->hist[13], 1);
	/* with one gap every percentile is that gap, exactly (clamped) */
	assert_int_equal(nohz_gaps_percentile(g, 0.001), 12345);
	assert_int_equal(nohz_gaps_percentile(g, 50), 12345);
	assert_int_equal(nohz_gaps_percentile(g, 99), 12345);
	assert_int_equal(nohz_gaps_percentile(g, 99.9), 12345);
	assert_int_equal(nohz_gaps_percentile(g, 100), 12345);
	free(g);
}

static void test_zero_gap(void **state)
{
	struct nohz_gaps *g = new_gaps();

	nohz_gaps_add(g, 0, 5);
	assert_int_equal(g->count, 1);
	assert_int_equal(g->min_ns, 0);
	assert_int_equal(g->max_ns, 0);
	assert_int_equal(g->worst_at, 5);	/* the first gap is the worst so far */
	assert_int_equal(g->hist[0], 1);
	assert_int_equal(nohz_gaps_percentile(g, 99), 0);
	free(g);
}

/* 1..100: all below 64 are exact, 64..127 sit in buckets two wide */
static void test_percentiles_1_to_100(void **state)
{
	struct nohz_gaps *g = new_gaps();

	for (uint64_t v = 100; v >= 1; v--)	/* order must not matter */
		nohz_gaps_add(g, v, v);
	assert_int_equal(nohz_gaps_percentile(g, 1), 1);
	assert_int_equal(nohz_gaps_percentile(g, 50), 50);
	assert_int_equal(nohz_gaps_percentile(g, 63), 63);
	assert_int_equal(nohz_gaps_percentile(g, 90), 91);	/* [90,91] */
	assert_int_equal(nohz_gaps_percentile(g, 99), 99);	/* [98,99] */
	assert_int_equal(nohz_gaps_percentile(g, 99.9), 100);	/* rank 100 */
	assert_int_equal(nohz_gaps_percentile(g, 100), 100);
	assert_int_equal(nohz_gaps_percentile(g, 150), 100);	/* capped at 100% */
	assert_int_equal(nohz_gaps_percentile(g, 0), 0);	/* not a percentile */
	assert_int_equal(nohz_gaps_percentile(g, -5), 0);
	assert_int_equal(g->worst_at, 100);
	free(g);
}

/* 1000 gaps of 1 us and 10 of 50 us: p99 is the bulk, p99.9 the tail */
static void test_percentiles_bulk_and_tail(void **state)
{
	struct nohz_gaps *g = new_gaps();

	for (int i = 0; i < 1000; i++)
		nohz_gaps_add(g, 1000, i);
	for (int i = 0; i < 10; i++)
		nohz_gaps_add(g, 50000, 5000 + i);
	/* rank ceil(0.99 * 1010) = 1000 -> 1000, whose fine bucket is
	 * [992, 1007]: reported as its upper edge */
	assert_int_equal(nohz_gaps_percentile(g, 99), 1007);
	/* rank 1009 -> 50000; bucket [49152, 50175] clamped to the max */
	assert_int_equal(nohz_gaps_percentile(g, 99.9), 50000);
	assert_int_equal(g->worst_at, 5000);	/* ties keep the first */
	assert_int_equal(g->hist[9], 1000);
	assert_int_equal(g->hist[15], 10);
	free(g);
}

/* pseudo-random gaps over 9 decades against the sort-based reference */
static void test_percentiles_vs_reference(void **state)
{
	enum { N = 20000 };
	static const double pcts[] = { 1, 10, 50, 90, 99, 99.9, 99.99, 100 };
	uint64_t *v = malloc(N * sizeof(*v)), x = 88172645463325252ULL;
	struct nohz_gaps *g = new_gaps();

	assert_non_null(v);
	for (size_t i = 0; i < N; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		/* log-uniform from 1 ns to ~1 s */
		v[i] = (x >> 34) >> (x % 30);
		nohz_gaps_add(g, v[i], i);
	}
	for (size_t k = 0; k < sizeof(pcts) / sizeof(pcts[0]); k++) {
		uint64_t want = ref_percentile(v, N, pcts[k]);
		uint64_t got = nohz_gaps_percentile(g, pcts[k]);

		/* never below the truth, at most one fine bucket (1/32) above */
		assert_true(got >= want);
		assert_true(got <= want + want / 32);
	}
	free(v);
	free(g);
}

/* fine buckets across power-of-two edges: v <= p50({v, big}) <= v + v/32 */
static void test_fine_bucket_edges(void **state)
{
	struct nohz_gaps *g = malloc(sizeof(*g));
	uint64_t prev = 0;

	assert_non_null(g);
	for (uint64_t v = 0; v < 70000; v += (v < 300 ? 1 : 7)) {
		uint64_t r;

		nohz_gaps_reset(g);
		nohz_gaps_add(g, v, 0);
		nohz_gaps_add(g, UINT64_MAX, 0);
		r = nohz_gaps_percentile(g, 50);
		assert_true(r >= v);
		assert_true(r <= v + v / 32);
		if (v < 64)
			assert_int_equal(r, v);
		assert_true(r >= prev);	/* monotonic in v */
		prev = r;
	}
	free(g);
}

static void test_huge_values(void **state)
{
	struct nohz_gaps *g = new_gaps();
	uint64_t half = 1ULL << 63, r;

	nohz_gaps_add(g, UINT64_MAX, 1);
	nohz_gaps_add(g, half, 2);
	assert_int_equal(g->count, 2);
	assert_true(g->sum_ns == UINT64_MAX);	/* saturated, not wrapped */
	assert_true(g->max_ns == UINT64_MAX);
	assert_true(g->min_ns == half);
	assert_int_equal(g->hist[NOHZ_HIST_BUCKETS - 1], 2);
	assert_int_equal(g->worst_at, 1);
	assert_true(nohz_gaps_percentile(g, 100) == UINT64_MAX);
	r = nohz_gaps_percentile(g, 50);
	assert_true(r >= half && r <= half + half / 32);
	/* and a small gap after them still lands in its own bucket */
	nohz_gaps_add(g, 3, 3);
	assert_int_equal(g->hist[1], 1);
	assert_int_equal(g->min_ns, 3);
	assert_int_equal(nohz_gaps_percentile(g, 1), 3);
	free(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bucket_exact),
		cmocka_unit_test(test_hist_counts),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_one_gap),
		cmocka_unit_test(test_zero_gap),
		cmocka_unit_test(test_percentiles_1_to_100),
		cmocka_unit_test(test_percentiles_bulk_and_tail),
		cmocka_unit_test(test_percentiles_vs_reference),
		cmocka_unit_test(test_fine_bucket_edges),
		cmocka_unit_test(test_huge_values),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
