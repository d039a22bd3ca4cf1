// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * gaps.c - the gap recorder: count, min/avg/max, a log2 histogram for
 * people and a fine log-linear one for percentiles.
 *
 * nohz_gaps_add runs on the spinner's CPU right after an interruption, so
 * it is branch-light integer code that touches three cache lines.
 */
#include <math.h>
#include <string.h>

#include "internal.h"

#define SUB (1u << NOHZ_GAPS_SUB_BITS)

void nohz_gaps_reset(struct nohz_gaps *g)
{
	memset(g, 0, sizeof(*g));
	g->min_ns = UINT64_MAX;
}

int nohz_gaps_bucket(uint64_t ns)
{
	int b = ns ? 63 - __builtin_clzll(ns) : 0;

	return b < NOHZ_HIST_BUCKETS ? b : NOHZ_HIST_BUCKETS - 1;
}

uint64_t nohz_gaps_bucket_low(int i)
{
	if (i <= 0)
		return 0;
	return i < 64 ? 1ULL << i : UINT64_MAX;
}

/* gaps_slot - fine bucket of v: exact below SUB, then SUB slots per octave */
static unsigned int gaps_slot(uint64_t v)
{
	unsigned int msb, shift;

	if (v < SUB)
		return (unsigned int)v;
	msb = 63 - __builtin_clzll(v);
	shift = msb - NOHZ_GAPS_SUB_BITS;
	return ((shift + 1) << NOHZ_GAPS_SUB_BITS) + (unsigned int)((v >> shift) & (SUB - 1));
}

/* gaps_slot_high - largest value that falls in fine bucket slot */
static uint64_t gaps_slot_high(unsigned int slot)
{
	unsigned int shift;
	uint64_t low;

	if (slot < SUB)
		return slot;
	shift = (slot >> NOHZ_GAPS_SUB_BITS) - 1;
	low = (uint64_t)(SUB + (slot & (SUB - 1))) << shift;
	return low + ((1ULL << shift) - 1);
}

void nohz_gaps_add(struct nohz_gaps *g, uint64_t ns, uint64_t at)
{
	g->count++;
	if (ns < g->min_ns)
		g->min_ns = ns;
	if (ns > g->max_ns || g->count == 1) {
		g->max_ns = ns;
		g->worst_at = at;
	}
	g->sum_ns = g->sum_ns + ns < g->sum_ns ? UINT64_MAX : g->sum_ns + ns;
	g->hist[nohz_gaps_bucket(ns)]++;
	g->fine[gaps_slot(ns)]++;
}

uint64_t nohz_gaps_percentile(const struct nohz_gaps *g, double pct)
{
	unsigned __int128 want;
	uint64_t rank, seen = 0, v;
	unsigned int i;

	if (!g->count || !(pct > 0))
		return 0;
	if (pct > 100)
		pct = 100;
	/* rank = ceil(count * pct / 100) in integers: pct in parts per 10^6 */
	want = (unsigned __int128)g->count * (uint64_t)llround(pct * 10000.0);
	rank = (uint64_t)((want + 999999) / 1000000);
	if (rank < 1)
		rank = 1;
	for (i = 0; i < NOHZ_GAPS_SLOTS; i++) {
		seen += g->fine[i];
		if (seen >= rank)
			break;
	}
	if (i == NOHZ_GAPS_SLOTS)
		return g->max_ns;
	v = gaps_slot_high(i);
	if (v > g->max_ns)
		v = g->max_ns;
	if (v < g->min_ns)
		v = g->min_ns;
	return v;
}
