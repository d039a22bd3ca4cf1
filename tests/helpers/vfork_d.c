/*
 * vfork_d - a process that sits in uninterruptible sleep (D) for a known time.
 *
 * Usage: vfork_d MS
 * Prints "ready PID", then vfork()s; the child sleeps MS milliseconds and
 * exits without exec, and until then the parent waits in the kernel in state
 * D (vfork's wait for the child's mm release is TASK_KILLABLE, which /proc
 * shows as D).  Afterwards prints "vfork_ms X": how long vfork() took as the
 * parent measured it, the witness for the D time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
	long ms = argc > 1 ? atol(argv[1]) : 0;
	double t0, t1;
	pid_t child;

	if (ms <= 0) {
		fprintf(stderr, "usage: vfork_d MS\n");
		return 2;
	}
	printf("ready %d\n", (int)getpid());
	fflush(stdout);
	t0 = mono_ms();
	child = vfork();
	if (child == 0) {
		struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

		nanosleep(&ts, NULL);
		_exit(0);
	}
	t1 = mono_ms();
	if (child < 0) {
		perror("vfork_d: vfork");
		return 1;
	}
	waitpid(child, NULL, 0);
	printf("vfork_ms %.1f\n", t1 - t0);
	return 0;
}
