// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nohz_ipi - IPIs of a known count onto a spinner, for the noise tests.
 *
 *   nohz_ipi [-c CPU] [-H CPU] [-d SECONDS] [-p MS]
 *
 * Runs the live test of libnohz (nohz_live_run, trace on) on CPU -c
 * (default 1) for SECONDS (default 4) while a thread pinned to the
 * housekeeping CPU -H (default 0) calls membarrier(PRIVATE_EXPEDITED)
 * every MS (default 20): the kernel IPIs every CPU running a thread of
 * this process, that is the spinner, and waits for them.  A call counts
 * when the window was open (the trace instance of this process recording)
 * before and after it.  Prints one JSON object:
 *
 *   {"cpu":1,"calls":N,"calls_total":M,"ipi_marks":K,"seconds":S,<noise keys>}
 *
 * calls: made inside the window; ipi_marks: gaps of the window whose
 * largest share is an IPI; the rest are nohz_noise_print_json_cpu's keys.
 * Exit 0, 2 on errors (one line on stderr).
 */
#include <errno.h>
#include <glob.h>
#include <linux/membarrier.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "nohz.h"

static atomic_bool done;
static int hk_cpu;
static long period_ms = 20;
static unsigned long calls, calls_total;
static int call_errno;

static int membarrier(int cmd, unsigned int flags)
{
	return (int)syscall(__NR_membarrier, cmd, flags, 0);
}

/* window_open - the trace instance of this process is recording */
static int window_open(char *path, size_t len)
{
	char buf[8] = "";
	FILE *f;

	if (!path[0]) {
		char pat[128];
		glob_t g;

		snprintf(pat, sizeof(pat), "/sys/kernel/tracing/instances/nohz-trace-%d-*/tracing_on",
			 (int)getpid());
		if (glob(pat, 0, NULL, &g) != 0)
			return 0;
		snprintf(path, len, "%s", g.gl_pathv[0]);
		globfree(&g);
	}
	f = fopen(path, "r");
	if (!f) {
		path[0] = '\0';	/* gone: closed, or another instance later */
		return 0;
	}
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	return buf[0] == '1';
}

static void *sender(void *arg)
{
	struct timespec next;
	cpu_set_t cs;
	char path[256] = "";

	CPU_ZERO(&cs);
	CPU_SET(hk_cpu, &cs);
	sched_setaffinity(0, sizeof(cs), &cs);
	clock_gettime(CLOCK_MONOTONIC, &next);
	while (!atomic_load(&done)) {
		int before, after;

		next.tv_nsec += period_ms * 1000000L;
		while (next.tv_nsec >= 1000000000L) {
			next.tv_nsec -= 1000000000L;
			next.tv_sec++;
		}
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
		before = window_open(path, sizeof(path));
		if (membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0) < 0) {
			call_errno = errno;
			break;
		}
		calls_total++;
		after = window_open(path, sizeof(path));
		if (before && after)
			calls++;
	}
	return NULL;
}

int main(int argc, char **argv)
{
	struct nohz_live_opts lo = { .seconds = 4, .trace = true };
	struct nohz_live res;
	struct nohz_cpuset targets;
	const struct nohz_noise_cpu *nc;
	struct nohz_sys *sys;
	pthread_t th;
	unsigned long marks = 0;
	int cpu = 1, c, rc;
	char err[512];

	while ((c = getopt(argc, argv, "c:H:d:p:")) != -1) {
		switch (c) {
		case 'c': cpu = atoi(optarg); break;
		case 'H': hk_cpu = atoi(optarg); break;
		case 'd':
			if (nohz_parse_duration(optarg, &lo.seconds, err, sizeof(err)) < 0) {
				fprintf(stderr, "nohz_ipi: cannot parse duration %s\n", err);
				return 2;
			}
			break;
		case 'p': period_ms = atol(optarg); break;
		default:
			fprintf(stderr, "usage: nohz_ipi [-c CPU] [-H CPU] [-d S] [-p MS]\n");
			return 2;
		}
	}
	if (period_ms <= 0 || period_ms >= 1000 || cpu == hk_cpu) {
		fprintf(stderr, "nohz_ipi: want 0 < -p < 1000 and -c other than -H\n");
		return 2;
	}
	if (membarrier(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0) < 0) {
		fprintf(stderr, "nohz_ipi: membarrier register: %s\n", strerror(errno));
		return 2;
	}
	sys = nohz_sys_open(NULL);
	if (!sys) {
		fprintf(stderr, "nohz_ipi: cannot open /: %s\n", strerror(errno));
		return 2;
	}
	nohz_cpuset_zero(&targets);
	nohz_cpuset_set(&targets, cpu);
	if (pthread_create(&th, NULL, sender, NULL) != 0) {
		fprintf(stderr, "nohz_ipi: cannot start the sender\n");
		return 2;
	}
	rc = nohz_live_run(sys, &targets, &lo, &res, err, sizeof(err));
	atomic_store(&done, true);
	pthread_join(th, NULL);
	if (rc < 0) {
		fprintf(stderr, "nohz_ipi: %s\n", err);
		nohz_sys_close(sys);
		return 2;
	}
	if (call_errno) {
		fprintf(stderr, "nohz_ipi: membarrier: %s\n", strerror(call_errno));
		return 2;
	}
	nc = nohz_noise_cpu_find(res.noise, cpu);
	if (!nc) {
		fprintf(stderr, "nohz_ipi: no noise result for CPU %d\n", cpu);
		return 2;
	}
	for (size_t i = 0; i < nc->nmarks; i++)
		if (nc->marks[i].kind == NOHZ_NOISE_IPI)
			marks++;
	printf("{\"cpu\":%d,\"calls\":%lu,\"calls_total\":%lu,\"ipi_marks\":%lu,"
	       "\"seconds\":%.3f", cpu, calls, calls_total, marks, res.seconds);
	nohz_noise_print_json_cpu(stdout, nc);
	printf("}\n");
	nohz_live_free(&res);
	nohz_sys_close(sys);
	return 0;
}
