// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * noise_inject - a known, periodic thief of CPU time for the noise tests.
 *
 *   noise_inject -c CPU [-p PERIOD_MS] [-r RUN_MS] [-d SECONDS] [-o LOG]
 *                [-S SLICE_MS] [-n NICE]
 *
 * Pins itself to CPU (SCHED_OTHER, named "noise-inject"), then every
 * PERIOD_MS (default 100; clock_nanosleep to absolute times, no drift)
 * wakes and busy-runs until it has used RUN_MS (default 2) of its own CPU
 * time, for SECONDS (default 5).  A spinner on the same CPU sees each run
 * as a gap the trace should charge to the thread "noise-inject/PID".
 * Its time slice (sched_setattr sched_runtime, Linux 6.12 and later; -S,
 * default RUN_MS + 1, 0 the kernel's) is made longer than a run: with the
 * default slice (0.75 ms x (1 + log2 CPUs)) a tick in the middle of a run
 * hands the CPU back to the spinner, and the run shows as two gaps; -n
 * (default 0) lowers its nice value for the same reason.
 *
 * The log (LOG, default stdout), written at the end so that no write
 * falls inside a run: "ready pid P" first (on stdout, flushed, at the
 * start), then one line per run "START END CPU" (CLOCK_MONOTONIC ns at
 * the first and last clock read of the run, and the CPU time the run
 * used, ns), then "total_run_ns N runs M" where N is the sum of END -
 * START.  Exits 0, or 2 on bad options or when it cannot pin itself.
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* struct sched_attr of <linux/sched/types.h>, which clashes with <sched.h> */
struct inject_sched_attr {
	uint32_t size, sched_policy;
	uint64_t sched_flags;
	int32_t sched_nice;
	uint32_t sched_priority;
	uint64_t sched_runtime, sched_deadline, sched_period;
};

struct run {
	uint64_t start, end, cpu;
};

static volatile sig_atomic_t stopping;

static void on_stop(int sig)
{
	stopping = 1;
}

static uint64_t ns_of(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static double number(const char *opt, const char *s)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !(v > 0 && v < 1e6)) {
		fprintf(stderr, "noise_inject: bad %s '%s'\n", opt, s);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	double period_ms = 100, run_ms = 2, secs = 5, slice_ms = -1;
	const char *log = NULL;
	struct sigaction sa = { .sa_handler = on_stop };
	struct timespec next;
	struct run *runs;
	size_t n = 0, cap;
	uint64_t period, run, end_at, total = 0;
	cpu_set_t cs;
	FILE *out = stdout;
	int cpu = -1, c, nice_val = 0;

	while ((c = getopt(argc, argv, "c:p:r:d:o:S:n:")) != -1) {
		switch (c) {
		case 'c': {
			char *end;
			long v = strtol(optarg, &end, 10);

			if (end == optarg || *end || v < 0 || v >= CPU_SETSIZE) {
				fprintf(stderr, "noise_inject: bad -c '%s'\n", optarg);
				return 2;
			}
			cpu = (int)v;
			break;
		}
		case 'p': period_ms = number("-p", optarg); break;
		case 'r': run_ms = number("-r", optarg); break;
		case 'd': secs = number("-d", optarg); break;
		case 'o': log = optarg; break;
		case 'n': nice_val = atoi(optarg); break;
		case 'S': slice_ms = strcmp(optarg, "0") ? number("-S", optarg) : 0; break;
		default:
			fprintf(stderr, "usage: noise_inject -c CPU [-p MS] [-r MS] [-d S] "
				"[-o LOG] [-S MS] [-n NICE]\n");
			return 2;
		}
	}
	if (cpu < 0 || run_ms >= period_ms) {
		fprintf(stderr, "noise_inject: need -c CPU and a run shorter than the period\n");
		return 2;
	}
	CPU_ZERO(&cs);
	CPU_SET(cpu, &cs);
	if (sched_setaffinity(0, sizeof(cs), &cs) < 0) {
		fprintf(stderr, "noise_inject: cannot pin to CPU %d: %s\n", cpu, strerror(errno));
		return 2;
	}
	{
		struct inject_sched_attr at = { .size = sizeof(at), .sched_policy = SCHED_OTHER };

		if (slice_ms < 0)
			slice_ms = run_ms + 1;
		/* 0.1 ms to 100 ms: the kernel's bounds of a custom slice */
		at.sched_runtime = slice_ms > 0 ? (uint64_t)((slice_ms < 100 ? slice_ms : 100) *
							   1e6) : 0;
		if (at.sched_runtime && at.sched_runtime < 100000)
			at.sched_runtime = 100000;
		at.sched_nice = nice_val;
		if (syscall(SYS_sched_setattr, 0, &at, 0) < 0)
			fprintf(stderr, "noise_inject: sched_setattr: %s (default slice)\n",
				strerror(errno));
		if (nice_val && setpriority(PRIO_PROCESS, 0, nice_val) < 0)
			fprintf(stderr, "noise_inject: nice %d: %s\n", nice_val, strerror(errno));
	}
	prctl(PR_SET_NAME, "noise-inject");
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	period = (uint64_t)(period_ms * 1e6);
	run = (uint64_t)(run_ms * 1e6);
	cap = (size_t)(secs * 1e9 / (double)period) + 2;
	runs = calloc(cap, sizeof(*runs));
	if (!runs) {
		fprintf(stderr, "noise_inject: out of memory\n");
		return 2;
	}
	if (log && !(out = fopen(log, "w"))) {
		fprintf(stderr, "noise_inject: cannot write %s: %s\n", log, strerror(errno));
		return 2;
	}
	printf("ready pid %d\n", (int)getpid());
	fflush(stdout);

	/* the first run one period from now, on the pinned CPU */
	clock_gettime(CLOCK_MONOTONIC, &next);
	end_at = (uint64_t)next.tv_sec * 1000000000ULL + next.tv_nsec + (uint64_t)(secs * 1e9);
	while (!stopping && n < cap) {
		uint64_t t, c0, now;

		next.tv_nsec += (long)(period % 1000000000ULL);
		next.tv_sec += (time_t)(period / 1000000000ULL);
		if (next.tv_nsec >= 1000000000L) {
			next.tv_nsec -= 1000000000L;
			next.tv_sec++;
		}
		t = (uint64_t)next.tv_sec * 1000000000ULL + next.tv_nsec;
		if (t + run > end_at)
			break;
		if (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL) == EINTR)
			continue;
		runs[n].start = ns_of(CLOCK_MONOTONIC);
		c0 = ns_of(CLOCK_THREAD_CPUTIME_ID);
		do
			now = ns_of(CLOCK_THREAD_CPUTIME_ID);
		while (now - c0 < run && !stopping);
		runs[n].end = ns_of(CLOCK_MONOTONIC);
		runs[n].cpu = now - c0;
		n++;
	}
	for (size_t i = 0; i < n; i++) {
		fprintf(out, "%llu %llu %llu\n", (unsigned long long)runs[i].start,
			(unsigned long long)runs[i].end, (unsigned long long)runs[i].cpu);
		total += runs[i].end - runs[i].start;
	}
	fprintf(out, "total_run_ns %llu runs %zu\n", (unsigned long long)total, n);
	if (out != stdout && fclose(out) != 0)
		return 2;
	free(runs);
	return 0;
}
