/*
 * sleepers - start N threads that sleep, for scans of many threads.
 *
 * Usage: sleepers N [SECONDS]
 * Prints "ready PID" once every thread runs, then lives SECONDS (default
 * 600) or until killed.  Threads get small stacks so 10000 of them are cheap.
 */
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static pthread_barrier_t started;

static void *sleeper(void *arg)
{
	pthread_barrier_wait(&started);
	for (;;)
		pause();
	return NULL;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 0;
	unsigned secs = argc > 2 ? (unsigned)atoi(argv[2]) : 600;
	pthread_attr_t attr;

	if (n < 1 || n > 100000) {
		fprintf(stderr, "usage: sleepers N [SECONDS]\n");
		return 2;
	}
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, PTHREAD_STACK_MIN);
	pthread_barrier_init(&started, NULL, (unsigned)n + 1);
	for (long i = 0; i < n; i++) {
		pthread_t t;

		if (pthread_create(&t, &attr, sleeper, NULL)) {
			fprintf(stderr, "sleepers: only %ld threads could start\n", i);
			return 1;
		}
	}
	pthread_barrier_wait(&started);
	printf("ready %d\n", (int)getpid());
	fflush(stdout);
	while (secs)
		secs = sleep(secs);
	return 0;
}
