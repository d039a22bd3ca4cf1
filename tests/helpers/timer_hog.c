// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * timer_hog - a known source of interruptions for the explanation tests.
 *
 *   timer_hog -c CPU [-d SECONDS] [-p HZ] [-i HZ] [-s] [-n NAME]
 *
 * Pins itself to CPU.  -p: a periodic POSIX timer (timer_create on
 * CLOCK_MONOTONIC: hrtimer posix_timer_fn on that CPU); -i: a periodic
 * ITIMER_REAL (hrtimer it_real_fn); both are re-armed from this task, so a
 * trace of timer:hrtimer_start names it.  -s: spin instead of sleeping (a
 * second busy task on the CPU); with -p the timer then runs on the
 * process CPU-time clock, which on a nohz_full CPU is a POSIX_TIMER tick
 * dependency.  -n sets the thread name (comm).  Runs for SECONDS (default
 * 60) or until SIGTERM/SIGINT, then prints "pid P posix N itimer M" with
 * the signals it received: the independent count to compare with.
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static void period(struct timespec *ts, double hz)
{
	long ns = (long)(1e9 / hz);

	ts->tv_sec = ns / 1000000000L;
	ts->tv_nsec = ns % 1000000000L;
}

int main(int argc, char **argv)
{
	double secs = 60, posix_hz = 0, itimer_hz = 0;
	const char *name = NULL;
	unsigned long nposix = 0, nitimer = 0;
	struct timespec start, now;
	bool spin = false;
	sigset_t set;
	timer_t tid;
	cpu_set_t cs;
	int cpu = -1, c;

	while ((c = getopt(argc, argv, "c:d:p:i:sn:")) != -1) {
		switch (c) {
		case 'c': cpu = atoi(optarg); break;
		case 'd': secs = atof(optarg); break;
		case 'p': posix_hz = atof(optarg); break;
		case 'i': itimer_hz = atof(optarg); break;
		case 's': spin = true; break;
		case 'n': name = optarg; break;
		default:
			fprintf(stderr, "usage: timer_hog -c CPU [-d S] [-p HZ] [-i HZ] [-s] "
				"[-n NAME]\n");
			return 2;
		}
	}
	if (cpu < 0) {
		fprintf(stderr, "timer_hog: need -c CPU\n");
		return 2;
	}
	CPU_ZERO(&cs);
	CPU_SET(cpu, &cs);
	if (sched_setaffinity(0, sizeof(cs), &cs) < 0) {
		fprintf(stderr, "timer_hog: cannot pin to CPU %d: %s\n", cpu, strerror(errno));
		return 2;
	}
	if (name)
		prctl(PR_SET_NAME, name);

	/* every signal of interest is taken synchronously */
	sigemptyset(&set);
	sigaddset(&set, SIGRTMIN);
	sigaddset(&set, SIGALRM);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, NULL);

	if (posix_hz > 0) {
		struct sigevent sev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGRTMIN };
		struct itimerspec its;

		if (timer_create(spin ? CLOCK_PROCESS_CPUTIME_ID : CLOCK_MONOTONIC, &sev,
				 &tid) < 0) {
			fprintf(stderr, "timer_hog: timer_create: %s\n", strerror(errno));
			return 2;
		}
		period(&its.it_interval, posix_hz);
		its.it_value = its.it_interval;
		timer_settime(tid, 0, &its, NULL);
	}
	if (itimer_hz > 0) {
		struct itimerval iv;
		struct timespec p;

		period(&p, itimer_hz);
		iv.it_interval.tv_sec = p.tv_sec;
		iv.it_interval.tv_usec = p.tv_nsec / 1000;
		iv.it_value = iv.it_interval;
		setitimer(ITIMER_REAL, &iv, NULL);
	}
	printf("ready pid %d\n", (int)getpid());
	fflush(stdout);

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		struct timespec zero = { 0, 0 }, wait = { 0, 100000000 };
		int sig;

		clock_gettime(CLOCK_MONOTONIC, &now);
		if ((now.tv_sec - start.tv_sec) + (now.tv_nsec - start.tv_nsec) / 1e9 >= secs)
			break;
		if (spin) {
			for (volatile int k = 0; k < 1000000; k++)
				;
			sig = sigtimedwait(&set, NULL, &zero);
		} else {
			sig = sigtimedwait(&set, NULL, &wait);
		}
		if (sig == SIGTERM || sig == SIGINT)
			break;
		if (sig == SIGRTMIN)
			nposix++;
		else if (sig == SIGALRM)
			nitimer++;
	}
	printf("pid %d posix %lu itimer %lu\n", (int)getpid(), nposix, nitimer);
	return 0;
}
