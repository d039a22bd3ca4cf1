/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * clock.h - the spinners' clock reads, inlined into their loops (lib/spin.c)
 * and shared with the clock setup (lib/clock.c).
 */
#ifndef NOHZ_CLOCK_H
#define NOHZ_CLOCK_H

#include <stdint.h>
#include <time.h>
#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#define HAVE_TSC 1
#else
#define HAVE_TSC 0
#endif
/* clock_read_tsc - raw TSC ticks */
static inline __attribute__((always_inline)) uint64_t clock_read_tsc(void)
{
#if HAVE_TSC
	return __rdtsc();
#else
	return 0;
#endif
}

/* clock_read_mono - CLOCK_MONOTONIC in ns, through the vDSO: the trace
 * clock "mono" reads the same time */
static inline __attribute__((always_inline)) uint64_t clock_read_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* clock_tsc_rate - the TSC's ticks per ns, measured once; 0 unusable */
double clock_tsc_rate(void);

#endif /* NOHZ_CLOCK_H */
