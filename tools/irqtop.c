// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * irqtop - per-CPU interrupt rates with the isolated CPUs first: what
 * `watch -n1 -d "grep -E 'LOC|CPU' /proc/interrupts"` shows while tuning,
 * as rates, with nohz_full/isolated columns marked, ticks/s from perf and
 * the running-task count of every CPU.
 *
 *   irqtop                         interactive screen on a terminal
 *   irqtop -b -n 5 -c 1-3          five plain text frames for CPUs 1-3
 *   irqtop -J -n 1 -S              one JSON frame, softirqs included
 *   irqtop --root DIR -a -b -n 1   absolute counts of a captured tree
 *
 * This file holds the options and the main loops; irqtop-view.c samples
 * and builds what is shown, irqtop-out.c prints batch frames, irqtop-tui.c
 * draws the screen.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "irqtop.h"

const char tool_name[] = "irqtop";

volatile sig_atomic_t irqtop_stop;

/* usage - the -h text: every option, what the columns and summary rows mean */
static void usage(FILE *f)
{
	fprintf(f,
"Usage: irqtop [options]\n"
"Per-CPU interrupt rates from /proc/interrupts (and /proc/softirqs), with\n"
"the nohz_full and isolated CPUs marked and any activity on them shown.\n"
"\n"
"  -c, --cpus LIST         show these CPUs (e.g. 1-3,8; default: all)\n"
"  -i, --isolated          show only isolated CPUs (nohz_full or isolated)\n"
"  -d, --delay SECONDS     refresh interval: 1, 0.5, 250ms (default 1)\n"
"  -a, --absolute          counts since boot instead of rates per second\n"
"  -S, --softirqs          add the rows of /proc/softirqs\n"
"  -s, --sort KEY          total (default), name, or cpuN (that CPU's column)\n"
"  -z, --nonzero           hide rows that are zero on every shown CPU\n"
"  -L, --loc-ticks         take ticks/s from LOC deltas; open no perf counter\n"
"  -b, --batch             plain text frames (automatic when stdin or stdout\n"
"                          is not a terminal)\n"
"  -n, --iterations COUNT  frames to print in batch or JSON mode (default:\n"
"                          until SIGINT or SIGTERM)\n"
"  -J, -j, --json          JSON frames, one object per line\n"
"      --root DIR          read proc/ and sys/ under DIR (a captured tree);\n"
"                          the files are read again for every frame\n"
"  -h, --help              this text\n"
"  -V, --version           print the version\n"
"\n"
"Columns: one per CPU; '*' after CPUn marks an isolated CPU (listed in\n"
"nohz_full or in isolated); '!' after a value is activity on an isolated\n"
"CPU.  TOTAL is the sum over the shown CPUs (ERR and MIS are not per CPU:\n"
"they have a TOTAL only).  Rates are count differences divided by the\n"
"measured time between two reads; the first frame comes one interval after\n"
"the start (at once with -a).\n"
"\n"
"Summary rows: ticks/s is local timer ticks per second, counted with the\n"
"perf tracepoint irq_vectors:local_timer_entry when possible (root, live\n"
"system), else LOC deltas.  tasks is the number of threads in state R\n"
"(running, or runnable and waiting) whose last CPU is that CPU, read from\n"
"/proc/PID/task/TID/stat (state and processor fields), irqtop's own\n"
"threads left out: 1 on a busy isolated CPU is the goal; 2 or more (marked\n"
"'!') keeps the tick running there.\n"
"\n"
"Keys: q quit, space or p pause, s cycle sort (total, name, each CPU),\n"
"+ and - change the interval, c choose CPUs, i isolated CPUs only,\n"
"a rates/absolute, z hide zero rows, left/right scroll CPU columns,\n"
"up/down/PgUp/PgDn scroll rows, h help.\n"
"\n"
"Exit status: 0, or 2 on bad input or an unreadable file.\n");
}

/* on_signal - SIGINT, SIGTERM, SIGHUP: the loops stop and clean up */
static void on_signal(int sig)
{
	irqtop_stop = sig;
}

uint64_t irqtop_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* sleep_until - absolute CLOCK_MONOTONIC deadline; false when signalled */
static bool sleep_until(uint64_t ns)
{
	struct timespec ts = { .tv_sec = (time_t)(ns / 1000000000ULL),
			       .tv_nsec = (long)(ns % 1000000000ULL) };

	while (!irqtop_stop) {
		int rc = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);

		if (!rc)
			return !irqtop_stop;
		if (rc != EINTR)
			return false;
	}
	return false;
}

/* run_batch - print frames until -n is reached or a signal comes */
static int run_batch(struct irqtop *t)
{
	char err[512];
	uint64_t next = t->t_cur;
	long frame = 0;

	for (;;) {
		if (t->absolute || t->have_prev) {
			if (irqtop_build(t, err, sizeof(err)) < 0)
				die("%s", err);
			irqtop_print_frame(t, ++frame);
			/* nobody can read the frames (stdout closed, disk full) */
			if (!tool_stdout_ok(NULL))
				return -1;
			if (t->frames && frame >= t->frames)
				break;
		}
		next += (uint64_t)(t->interval * 1e9);
		if (!sleep_until(next))
			break;
		if (irqtop_sample(t, err, sizeof(err)) < 0)
			die("%s", err);
	}
	irqtop_print_done();
	return 0;
}

/* ------------------------------------------------------------------ */
/* options and main                                                   */
/* ------------------------------------------------------------------ */

enum { OPT_ROOT = 256 };

static const struct option longopts[] = {
	{ "cpus", required_argument, NULL, 'c' },
	{ "isolated", no_argument, NULL, 'i' },
	{ "delay", required_argument, NULL, 'd' },
	{ "absolute", no_argument, NULL, 'a' },
	{ "softirqs", no_argument, NULL, 'S' },
	{ "sort", required_argument, NULL, 's' },
	{ "nonzero", no_argument, NULL, 'z' },
	{ "loc-ticks", no_argument, NULL, 'L' },
	{ "batch", no_argument, NULL, 'b' },
	{ "iterations", required_argument, NULL, 'n' },
	{ "json", no_argument, NULL, 'J' },
	{ "root", required_argument, NULL, OPT_ROOT },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

/* parse_sort - "total", "name", "cpuN" or "N" */
static void parse_sort(struct irqtop *t, const char *s)
{
	long v;

	if (!strcmp(s, "total")) {
		t->sort = SORT_TOTAL;
		return;
	}
	if (!strcmp(s, "name")) {
		t->sort = SORT_NAME;
		return;
	}
	if (!strncmp(s, "cpu", 3) || !strncmp(s, "CPU", 3))
		s += 3;
	if (tool_parse_long(s, 0, NOHZ_MAX_CPUS - 1, &v) < 0)
		die("unknown sort key '%s' (use total, name or cpuN)", s);
	t->sort = SORT_CPU;
	t->sort_cpu = (int)v;
}

/* parse_args - options into t; bad input ends here with exit 2 */
static void parse_args(struct irqtop *t, int argc, char **argv)
{
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":c:id:aSs:zLbn:JjhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			tool_cpulist(optarg, &t->filter);
			t->filtered = true;
			t->filter_arg = optarg;
			break;
		case 'i':
			t->iso_only = true;
			break;
		case 'd':
			t->interval = tool_duration("interval", optarg);
			if (t->interval < 0.001)	/* below that it is a busy loop */
				die("cannot parse interval '%s': shorter than 1ms", optarg);
			break;
		case 'a':
			t->absolute = true;
			break;
		case 'S':
			t->softirqs = true;
			break;
		case 's':
			parse_sort(t, optarg);
			break;
		case 'z':
			t->nonzero = true;
			break;
		case 'L':
			t->loc_ticks = true;
			break;
		case 'b':
			t->batch = true;
			break;
		case 'n':
			if (tool_parse_long(optarg, 1, LONG_MAX, &t->frames) < 0)
				die("cannot parse count '%s': not a whole number above 0", optarg);
			break;
		case 'J':
		case 'j':
			t->json = true;
			break;
		case OPT_ROOT:
			if (!*optarg)
				die("cannot open root '': the path is empty");
			t->root = optarg;
			break;
		default:	/* -h, -V, bad options */
			tool_std_option(c, argv, usage, "irqtop -h");
		}
	}
	tool_no_operands(argc, argv, "irqtop -h");
}

/* cleanup - close the perf counters and free the samples and the view */
static void cleanup(struct irqtop *t)
{
	for (int s = 0; s < SRC_MAX; s++) {
		nohz_interrupts_free(&t->cur[s]);
		nohz_interrupts_free(&t->prev[s]);
	}
	nohz_counters_close(t->ctr);
	nohz_sys_close(t->sys);
	free(t->tick_cur);
	free(t->tick_prev);
	free(t->tasks);
	free(t->cols);
	free(t->ticks);
	free(t->rows);
	free(t->vals);
	free(t->deltas);
}

int main(int argc, char **argv)
{
	static struct irqtop top;
	struct irqtop *t = &top;
	struct nohz_cpuset iso;
	char err[512];
	int rc = 0;

	t->interval = 1;
	t->root = "/";
	parse_args(t, argc, argv);
	if (!t->json && !t->batch && (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)))
		t->batch = true;

	t->sys = nohz_sys_open(t->root);
	if (!t->sys)
		die("cannot open root '%s': %s", t->root, strerror(errno));
	t->tick_cur = calloc(NOHZ_MAX_CPUS, sizeof(*t->tick_cur));
	t->tick_prev = calloc(NOHZ_MAX_CPUS, sizeof(*t->tick_prev));
	t->tasks = calloc(NOHZ_MAX_CPUS, sizeof(*t->tasks));
	t->cols = calloc(NOHZ_MAX_CPUS, sizeof(*t->cols));
	t->ticks = calloc(NOHZ_MAX_CPUS, sizeof(*t->ticks));
	if (!t->tick_cur || !t->tick_prev || !t->tasks || !t->cols || !t->ticks)
		die("out of memory");

	t->have_kernel = nohz_kernel_read(t->sys, &t->k) == 0;
	if (t->have_kernel && t->filtered) {
		/* offline CPUs of -c are shown once online; impossible ones never */
		struct nohz_cpuset beyond;
		char list[256];

		nohz_cpuset_andnot(&beyond, &t->filter, &t->k.possible);
		if (!nohz_cpuset_empty(&beyond))
			die("cpu list '%s' has CPU %d, which this machine cannot have "
			    "(possible: %s)", t->filter_arg, nohz_cpuset_next(&beyond, -1),
			    nohz_cpuset_format(&t->k.possible, list, sizeof(list)));
	}
	nohz_cpuset_or(&iso, &t->k.nohz_full, &t->k.isolated);
	t->iso = iso;

	tool_signals(on_signal, 0, true);

	if (irqtop_sample(t, err, sizeof(err)) < 0)
		die("%s", err);
	if (t->have_kernel)
		nohz_cpuset_andnot(&t->hk, &t->k.online, &t->iso);
	else
		nohz_interrupts_cpus(&t->cur[SRC_IRQ], &t->hk);
	if (irqtop_build(t, err, sizeof(err)) < 0)
		die("%s", err);

	if (t->batch || t->json) {
		rc = run_batch(t);
	} else {
		rc = irqtop_tui(t, err, sizeof(err));
		if (rc < 0) {
			cleanup(t);
			die("%s", err);
		}
	}
	cleanup(t);
	return rc < 0 ? NOHZ_EXIT_ERROR : 0;
}
