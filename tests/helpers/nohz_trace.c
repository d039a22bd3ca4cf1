// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nohz_trace - drive lib/trace.c and lib/explain.c alone, for the live
 * tests: trace CPUS for a window, optionally with a spinner on each and the
 * libperf counters open, and print the explanation.
 *
 *   nohz_trace -c LIST [-d SECONDS] [--spin] [--counters] [--trace FILE]
 *              [-j] [--hold]
 *
 * --hold: after opening, print "ready" and wait for SIGUSR1 before the
 * window (lets a test observe tracefs with the instance in place).
 * SIGINT/SIGTERM end the window early; the exit is the normal teardown.
 */
#include <getopt.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "nohz.h"

static volatile sig_atomic_t stopping, go;

static void on_stop(int sig)
{
	stopping = 1;
}

static void on_go(int sig)
{
	go = 1;
}

static void nap(double secs)
{
	double left = secs;

	while (!stopping && left > 0) {
		struct timespec ts = { 0, 50000000 };

		if (left < 0.05)
			ts.tv_nsec = (long)(left * 1e9);
		nanosleep(&ts, NULL);
		left -= 0.05;
	}
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "cpus", required_argument, NULL, 'c' },
		{ "duration", required_argument, NULL, 'd' },
		{ "spin", no_argument, NULL, 's' },
		{ "counters", no_argument, NULL, 'C' },
		{ "trace", required_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' },
		{ "hold", no_argument, NULL, 'H' },
		{ 0 }
	};
	struct nohz_cpuset cpus;
	struct nohz_trace *t = NULL;
	struct nohz_spin *sp = NULL;
	struct nohz_counters *cnt = NULL;
	struct nohz_explain *ex = NULL;
	struct nohz_explain_opts eo = { 0 };
	struct sigaction sa = { .sa_handler = on_stop };
	const char *list = NULL, *dump = NULL;
	bool spin = false, counters = false, json = false, hold = false;
	double secs = 5;
	pid_t tids[NOHZ_MAX_CPUS];
	char err[512];
	int c, rc = 2;

	while ((c = getopt_long(argc, argv, "c:d:t:j", lo, NULL)) != -1) {
		switch (c) {
		case 'c': list = optarg; break;
		case 'd':
			if (nohz_parse_duration(optarg, &secs, err, sizeof(err)) < 0) {
				fprintf(stderr, "nohz_trace: cannot parse duration %s\n", err);
				return 2;
			}
			break;
		case 's': spin = true; break;
		case 'C': counters = true; break;
		case 't': dump = optarg; break;
		case 'j': json = true; break;
		case 'H': hold = true; break;
		default: return 2;
		}
	}
	if (!list || nohz_cpuset_parse(&cpus, list, err, sizeof(err)) < 0 ||
	    nohz_cpuset_empty(&cpus)) {
		fprintf(stderr, "nohz_trace: need -c LIST%s%s\n", list ? ": " : "",
			list ? err : "");
		return 2;
	}
	/* like the live test: measure from the other cpus */
	{
		cpu_set_t hk;
		int cpu;

		CPU_ZERO(&hk);
		for (cpu = 0; cpu < CPU_SETSIZE && cpu <= nohz_cpuset_last(&cpus) + 64; cpu++)
			if (!nohz_cpuset_isset(&cpus, cpu))
				CPU_SET(cpu, &hk);
		sched_setaffinity(0, sizeof(hk), &hk);
	}
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = on_go;
	sigaction(SIGUSR1, &sa, NULL);

	if (nohz_trace_open(&t, &cpus, dump, err, sizeof(err)) < 0) {
		fprintf(stderr, "nohz_trace: %s\n", err);
		return 2;
	}
	if (hold) {
		printf("ready\n");
		fflush(stdout);
		while (!go && !stopping)
			nap(0.05);
	}
	if (counters && nohz_counters_open(&cnt, &cpus, NOHZ_EV_ALL, err, sizeof(err)) < 0) {
		fprintf(stderr, "nohz_trace: %s\n", err);
		goto out;
	}
	if (spin) {
		struct nohz_spin_opts so = { .cpus = cpus, .name = "nohz-spin" };

		if (nohz_spin_start(&sp, &so, err, sizeof(err)) < 0) {
			fprintf(stderr, "nohz_trace: %s\n", err);
			goto out;
		}
		for (size_t i = 0; i < nohz_spin_count(sp); i++)
			tids[eo.nspinners++] = nohz_spin_tid(sp, i);
		eo.spinners = tids;
		nap(0.2);
	}
	if (cnt)
		nohz_counters_enable(cnt);
	if (nohz_trace_start(t, err, sizeof(err)) < 0) {
		fprintf(stderr, "nohz_trace: %s\n", err);
		goto out;
	}
	nap(secs);
	nohz_trace_stop(t);
	if (cnt)
		nohz_counters_disable(cnt);
	if (nohz_trace_explain(t, &eo, &ex) < 0) {
		fprintf(stderr, "nohz_trace: cannot explain\n");
		goto out;
	}
	if (json) {
		nohz_explain_print_json(stdout, ex, &cpus);
		putchar('\n');
	} else {
		nohz_explain_print(stdout, ex, &cpus, 0);
	}
	if (cnt) {
		int cpu;

		/* the counters' view of the same window, for comparison */
		nohz_cpuset_for_each(cpu, &cpus) {
			uint64_t v;

			if (nohz_counters_read(cnt, cpu, NOHZ_EV_TICK, &v) == 0)
				fprintf(stderr, "counters: cpu %d ticks %llu\n", cpu,
					(unsigned long long)v);
		}
	}
	rc = stopping ? 2 : 0;
out:
	if (sp) {
		nohz_spin_stop(sp);
		nohz_spin_wait(sp);
		nohz_spin_free(sp);
	}
	nohz_explain_free(ex);
	nohz_trace_close(t);
	nohz_counters_close(cnt);
	return rc;
}
