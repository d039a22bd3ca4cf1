// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * clock.c - the spinners' clock and the trace's: the TSC where it ticks at
 * a constant rate (calibrated once against CLOCK_MONOTONIC; the trace clock
 * "x86-tsc" reads the same counter), else CLOCK_MONOTONIC (the trace clock
 * "mono").  Ticks of either become ns with one 32.32 multiplier.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "internal.h"

#define TSC_CALIB_NS 20000000ULL	/* 20 ms against CLOCK_MONOTONIC */

/* tsc_is_clocksource - the kernel keeps time with the TSC: it found the
 * TSCs of all CPUs in step (the window's edges are read on a housekeeping
 * CPU, the gaps on the targets) */
static bool tsc_is_clocksource(void)
{
	char cs[32] = "";
	FILE *f = fopen("/sys/devices/system/clocksource/clocksource0/current_clocksource",
			"re");

	if (!f)
		return false;
	if (!fgets(cs, sizeof(cs), f))
		cs[0] = '\0';
	fclose(f);
	return !strcmp(cs, "tsc\n");
}

/* tsc_usable - the TSC ticks at a constant rate, also in idle states, and
 * in step on every CPU */
static bool tsc_usable(void)
{
	bool constant = false, nonstop = false;
	char *line = NULL;
	size_t cap = 0;
	FILE *f;

	if (!HAVE_TSC || !tsc_is_clocksource())
		return false;
	f = fopen("/proc/cpuinfo", "re");
	if (!f)
		return false;
	while (getline(&line, &cap, f) > 0) {
		if (strncmp(line, "flags", 5))
			continue;
		constant = strstr(line, " constant_tsc") != NULL;
		nonstop = strstr(line, " nonstop_tsc") != NULL;
		break;
	}
	free(line);
	fclose(f);
	return constant && nonstop;
}

/* tsc_pair - a (tsc, CLOCK_MONOTONIC) pair read as close together as we can */
static void tsc_pair(uint64_t *tsc, uint64_t *ns)
{
	uint64_t best = UINT64_MAX;

	for (int i = 0; i < 7; i++) {
		uint64_t a = clock_read_tsc(), m = now_ns(), b = clock_read_tsc();

		if (b - a < best) {
			best = b - a;
			*tsc = a + (b - a) / 2;
			*ns = m;
		}
	}
}

static double tsc_ticks_per_ns;
static pthread_once_t tsc_once = PTHREAD_ONCE_INIT;

/* tsc_calibrate - ticks per ns of the TSC, measured once per process */
static void tsc_calibrate(void)
{
	uint64_t t0 = 0, n0 = 0, t1 = 0, n1 = 0;

	tsc_pair(&t0, &n0);
	do {
		struct timespec ts = { 0, 5000000 };

		nanosleep(&ts, NULL);
	} while (now_ns() - n0 < TSC_CALIB_NS);
	tsc_pair(&t1, &n1);
	if (t1 > t0 && n1 > n0)
		tsc_ticks_per_ns = (double)(t1 - t0) / (double)(n1 - n0);
}

double clock_tsc_rate(void)
{
	pthread_once(&tsc_once, tsc_calibrate);
	return tsc_ticks_per_ns;
}

int nohz_clock_get(struct nohz_clock *c, enum nohz_clock_kind kind, char *err,
		   size_t errlen)
{
	bool usable = kind != NOHZ_CLOCK_MONO && tsc_usable();

	memset(c, 0, sizeof(*c));
	if (kind == NOHZ_CLOCK_TSC && !usable) {
		nohz_err(err, errlen, "the TSC is not usable as a clock here "
			 "(needs constant_tsc and nonstop_tsc in /proc/cpuinfo, and tsc as the "
			 "kernel's clocksource)");
		return -ENOTSUP;
	}
	if (usable) {
		usable = clock_tsc_rate() > 0;
	}
	if (kind == NOHZ_CLOCK_TSC && !usable) {
		nohz_err(err, errlen, "could not calibrate the TSC against CLOCK_MONOTONIC");
		return -ENOTSUP;
	}
	c->tsc = usable;
	c->ticks_per_ns = usable ? clock_tsc_rate() : 1.0;
	c->mult = (uint64_t)((1.0 / c->ticks_per_ns) * 4294967296.0 + 0.5);
	c->name = usable ? "tsc" : "mono";
	c->trace_clock = usable ? "x86-tsc" : "mono";
	return 0;
}

uint64_t nohz_clock_ns(const struct nohz_clock *c, uint64_t ticks)
{
	return (uint64_t)(((unsigned __int128)ticks * c->mult) >> 32);
}

uint64_t nohz_clock_now(const struct nohz_clock *c)
{
	return nohz_clock_ns(c, c->tsc ? clock_read_tsc() : clock_read_mono());
}

