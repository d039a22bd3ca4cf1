/*
 * workload - a stand-in application for the workload tests: threads with
 * chosen affinities and scheduling policies that spin or sleep.
 *
 * Usage: workload [-s SECONDS] [-m] [-M CPUS] [-f FILE:PAGES:DELAY] THREAD...
 *   THREAD   CPUS:POLICY[:PRIO]:ACTION, e.g. 1:other:spin, 0-1:fifo:10:sleep
 *            POLICY other, batch, idle, fifo or rr; ACTION spin or sleep
 *   -s       live SECONDS (default 60), then exit
 *   -m       mlockall(MCL_CURRENT | MCL_FUTURE) first
 *   -M CPUS  affinity of the main thread (default: left as inherited)
 *   -f       after DELAY seconds, drop FILE's cached pages and read PAGES
 *            of them through a mapping: PAGES major faults, in the main
 *            thread (FILE is written first)
 * Prints "ready PID TID..." (the threads in argument order) once every
 * thread runs with its settings; exits 1 when a setting is refused.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define MAX_THREADS 64

struct spec {
	cpu_set_t cpus;
	int policy, prio;
	int spin;
	pid_t tid;
	int err;
	const char *text;
};

static atomic_bool stop;
static pthread_barrier_t started;

static int parse_cpus(const char *s, cpu_set_t *set)
{
	char *end;

	CPU_ZERO(set);
	while (*s) {
		long a = strtol(s, &end, 10), b = a;

		if (end == s || a < 0 || a >= CPU_SETSIZE)
			return -1;
		s = end;
		if (*s == '-') {
			b = strtol(s + 1, &end, 10);
			if (end == s + 1 || b < a || b >= CPU_SETSIZE)
				return -1;
			s = end;
		}
		for (long c = a; c <= b; c++)
			CPU_SET(c, set);
		if (*s == ',')
			s++;
		else if (*s)
			return -1;
	}
	return 0;
}

static int parse_spec(char *arg, struct spec *sp)
{
	char *f[4], *save = NULL;
	int n = 0;

	sp->text = strdup(arg);
	for (char *t = strtok_r(arg, ":", &save); t && n < 4; t = strtok_r(NULL, ":", &save))
		f[n++] = t;
	if (n < 3 || parse_cpus(f[0], &sp->cpus) < 0)
		return -1;
	if (!strcmp(f[1], "other"))
		sp->policy = SCHED_OTHER;
	else if (!strcmp(f[1], "batch"))
		sp->policy = SCHED_BATCH;
	else if (!strcmp(f[1], "idle"))
		sp->policy = SCHED_IDLE;
	else if (!strcmp(f[1], "fifo"))
		sp->policy = SCHED_FIFO;
	else if (!strcmp(f[1], "rr"))
		sp->policy = SCHED_RR;
	else
		return -1;
	if (sp->policy == SCHED_FIFO || sp->policy == SCHED_RR) {
		if (n != 4)
			return -1;
		sp->prio = atoi(f[2]);
	} else if (n != 3) {
		return -1;
	}
	sp->spin = !strcmp(f[n - 1], "spin");
	return sp->spin || !strcmp(f[n - 1], "sleep") ? 0 : -1;
}

static void *run(void *arg)
{
	struct spec *sp = arg;
	struct sched_param p = { .sched_priority = sp->prio };

	sp->tid = (pid_t)syscall(SYS_gettid);
	if (sched_setaffinity(0, sizeof(sp->cpus), &sp->cpus) < 0 ||
	    sched_setscheduler(0, sp->policy, &p) < 0)
		sp->err = errno;
	pthread_barrier_wait(&started);
	if (sp->err)
		return NULL;
	while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
		if (!sp->spin)
			usleep(100000);
	}
	return NULL;
}

/* fault_file - write pages of FILE now; fault_run reads them back later */
static int fault_fd = -1;
static long fault_pages;

static int fault_prepare(const char *path, long pages)
{
	char page[4096];

	fault_fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fault_fd < 0)
		return -1;
	memset(page, 0x5a, sizeof(page));
	for (long i = 0; i < pages; i++)
		if (write(fault_fd, page, sizeof(page)) != (ssize_t)sizeof(page))
			return -1;
	fault_pages = pages;
	return fsync(fault_fd);
}

static long fault_run(void)
{
	volatile char sum = 0;
	char *m;

	/* clean pages leave the page cache, so each touch reads the disk */
	posix_fadvise(fault_fd, 0, 0, POSIX_FADV_DONTNEED);
	m = mmap(NULL, fault_pages * 4096, PROT_READ, MAP_SHARED, fault_fd, 0);
	if (m == MAP_FAILED)
		return -1;
	madvise(m, fault_pages * 4096, MADV_RANDOM);	/* no readahead */
	for (long i = 0; i < fault_pages; i++)
		sum += m[i * 4096];
	munmap(m, fault_pages * 4096);
	return sum == 0x7f;	/* 0: the reads cannot be optimized away */
}

static void nap(double secs)
{
	struct timespec ts = { (time_t)secs, (long)((secs - (time_t)secs) * 1e9) };

	while (secs > 0 && nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

int main(int argc, char **argv)
{
	static struct spec sp[MAX_THREADS];
	pthread_t th[MAX_THREADS];
	double secs = 60, fdelay = 0;
	char *fault = NULL;
	int n = 0, c, bad = 0;

	while ((c = getopt(argc, argv, "s:mM:f:")) != -1) {
		switch (c) {
		case 's': secs = atof(optarg); break;
		case 'm':
			if (mlockall(MCL_CURRENT | MCL_FUTURE) < 0) {
				perror("workload: mlockall");
				return 1;
			}
			break;
		case 'M': {
			cpu_set_t set;

			if (parse_cpus(optarg, &set) < 0 ||
			    sched_setaffinity(0, sizeof(set), &set) < 0) {
				fprintf(stderr, "workload: bad -M '%s'\n", optarg);
				return 1;
			}
			break;
		}
		case 'f': fault = optarg; break;
		default: goto usage;
		}
	}
	if (fault) {
		char *p1 = strchr(fault, ':'), *p2 = p1 ? strchr(p1 + 1, ':') : NULL;

		if (!p2)
			goto usage;
		*p1 = *p2 = '\0';
		fdelay = atof(p2 + 1);
		if (fault_prepare(fault, atol(p1 + 1)) < 0) {
			perror("workload: fault file");
			return 1;
		}
	}
	for (int i = optind; i < argc; i++) {
		if (n == MAX_THREADS || parse_spec(argv[i], &sp[n]) < 0) {
			fprintf(stderr, "workload: bad thread '%s'\n", argv[i]);
			goto usage;
		}
		n++;
	}
	if (!n)
		goto usage;
	pthread_barrier_init(&started, NULL, (unsigned)n + 1);
	for (int i = 0; i < n; i++)
		if (pthread_create(&th[i], NULL, run, &sp[i])) {
			fprintf(stderr, "workload: cannot start thread %d\n", i);
			return 1;
		}
	pthread_barrier_wait(&started);
	for (int i = 0; i < n; i++)
		if (sp[i].err) {
			fprintf(stderr, "workload: thread '%s': %s\n", sp[i].text,
				strerror(sp[i].err));
			bad = 1;
		}
	if (bad) {
		atomic_store(&stop, true);
		return 1;
	}
	printf("ready %d", (int)getpid());
	for (int i = 0; i < n; i++)
		printf(" %d", (int)sp[i].tid);
	printf("\n");
	fflush(stdout);
	if (fault) {
		nap(fdelay);
		if (fault_run() < 0)
			perror("workload: mmap");
		secs -= fdelay;
	}
	nap(secs);
	atomic_store(&stop, true);
	for (int i = 0; i < n; i++)
		pthread_join(th[i], NULL);
	if (fault)
		unlink(fault);
	return 0;
usage:
	fprintf(stderr, "usage: workload [-s SECONDS] [-m] [-M CPUS] "
		"[-f FILE:PAGES:DELAY] CPUS:POLICY[:PRIO]:spin|sleep...\n");
	return 2;
}
