// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pig - spin on CPUs and report every gap the loop saw (OS noise), with
 * optional per-CPU tick/IRQ/work counters for the same window.
 *
 *   pig -s 1                      spin one second on the current CPU
 *   pig -c 1 -s 10 --count        the perf stat + taskset recipe in one go
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "common.h"

const char tool_name[] = "pig";

enum { OPT_COUNT = 256, OPT_CLOCK, OPT_EXPLAIN };

struct pig {
	struct nohz_spin_opts so;
	bool pinned;			/* -c given, or the current CPU */
	bool count, json, quiet, mlock, explain;
	struct nohz_cpuset count_cpus;
	struct nohz_counters *ctr;
	char ctr_err[256];
	struct nohz_trace *tr;		/* --explain */
	struct nohz_clock clk;
	struct nohz_noise *noise;
};

static struct nohz_spin *volatile pig_spin;
static volatile sig_atomic_t pig_signalled;

/* usage - the -h text */
static void usage(FILE *f)
{
	fprintf(f,
"Usage: pig [options]\n"
"Spin on CPUs, reading a fast clock in a tight loop, and report every gap\n"
"between two reads that is longer than a threshold: time the CPU was taken\n"
"away (interrupts, ticks, other tasks, the hypervisor).\n"
"\n"
"  -s, --seconds DURATION  spin this long: 10, 1.5, 500ms, 2m, 1h (default:\n"
"                          until SIGINT/SIGTERM); -d, --duration is the same\n"
"  -c, --cpus LIST         one pinned spinner per CPU in LIST (e.g. 1-3,5)\n"
"  -t, --threads N         N spinners without pinning\n"
"                          (neither -c nor -t: one spinner pinned to the\n"
"                          CPU pig starts on, e.g. under taskset -c 1)\n"
"  -p, --priority PRIO     SCHED_FIFO priority 1-99 (needs -s)\n"
"  -m, --mlock             lock all memory (mlockall) before spinning\n"
"  -T, --threshold TIME    record gaps longer than TIME: 500ns, 2us, 1ms; a\n"
"                          bare number is microseconds (default: %d x the\n"
"                          median loop cost, at least %d ns)\n"
"      --count             also count ticks, IRQs, softirqs, work items,\n"
"                          context switches and IPIs on the spun CPUs\n"
"                          (perf tracepoints; with -t: on all allowed CPUs)\n"
"      --clock CLOCK       auto (default), tsc or mono (clock_gettime)\n"
"      --explain           trace the spun CPUs and name what caused each gap:\n"
"                          the largest gaps with their causes, the time\n"
"                          stolen per kind and per source, with remedies\n"
"                          (needs root and pinned spinners)\n"
"  -j, --json              JSON output\n"
"  -q, --quiet             no histogram, only the per-CPU summary\n"
"  -h, --help              this text\n"
"  -V, --version           print the version\n"
"\n"
"Columns: loops and ns/loop (wall time / iterations); gaps = gaps longer\n"
"than the threshold; gap time = their sum / wall time; min, avg, max,\n"
"p99 and p99.9 are of those gaps only, not of all loop iterations\n"
"(nearest rank, at most 3.2%% above the true value); worst at = start of\n"
"the longest gap after the start of the run.  To compare with oslat, take\n"
"oslat's histogram buckets above the same threshold.\n"
"\n"
"Exit status: 0 when the run completed, also when stopped by SIGINT or\n"
"SIGTERM after spinning (results are printed); 2 on bad input, on errors,\n"
"or when stopped before any spinning was measured.\n",
		NOHZ_SPIN_AUTO_MULT, NOHZ_SPIN_AUTO_FLOOR_NS);
}

/* pig_on_signal - SIGINT/SIGTERM: stop the spinners, results still print */
static void pig_on_signal(int sig)
{
	pig_signalled = 1;
	nohz_spin_stop(pig_spin);
}

/* pig_parse_long - whole decimal number in [lo, hi] */
static long pig_parse_long(const char *what, const char *s, long lo, long hi)
{
	long v;
	int rc = tool_parse_long(s, lo, hi, &v);

	if (rc == -EINVAL)
		die("cannot parse %s '%s': not a whole number", what, s);
	if (rc < 0)
		die("cannot parse %s '%s': must be %ld-%ld", what, s, lo, hi);
	return v;
}

/* pig_parse_threshold - "500ns", "2us", "1.5ms", "0.001s"; bare = us */
static uint64_t pig_parse_threshold(const char *s)
{
	static const struct { const char *unit; double ns; } units[] = {
		{ "", 1e3 }, { "ns", 1 }, { "us", 1e3 }, { "ms", 1e6 }, { "s", 1e9 },
	};
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || errno || !isfinite(v))
		die("cannot parse threshold '%s': not a number with an optional unit "
		    "(ns, us, ms, s)", s);
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(end, units[i].unit))
			continue;
		v *= units[i].ns;
		if (v < 1 || v > 3600e9)
			die("cannot parse threshold '%s': must be 1 ns to 1 h", s);
		return (uint64_t)(v + 0.5);
	}
	die("cannot parse threshold '%s': unknown unit '%s' (use ns, us, ms, s)", s, end);
}

/* pig_rt_throttle - RT throttling settings; false when off or unknown */
static bool pig_rt_throttle(struct nohz_sys *sys, long *runtime, long *period)
{
	if (nohz_sys_read_long(sys, "/proc/sys/kernel/sched_rt_runtime_us", runtime) < 0 ||
	    nohz_sys_read_long(sys, "/proc/sys/kernel/sched_rt_period_us", period) < 0)
		return false;
	return *runtime >= 0 && *runtime < *period;
}

/* pig_parse - options into p; bad input dies with one line */
static void pig_parse(struct pig *p, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "seconds", required_argument, NULL, 's' },
		{ "duration", required_argument, NULL, 'd' },
		{ "cpus", required_argument, NULL, 'c' },
		{ "threads", required_argument, NULL, 't' },
		{ "priority", required_argument, NULL, 'p' },
		{ "mlock", no_argument, NULL, 'm' },
		{ "threshold", required_argument, NULL, 'T' },
		{ "count", no_argument, NULL, OPT_COUNT },
		{ "clock", required_argument, NULL, OPT_CLOCK },
		{ "json", no_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "explain", no_argument, NULL, OPT_EXPLAIN },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct nohz_cpuset online;
	struct nohz_sys *sys;
	char buf[256], onl[256];
	bool have_c = false, have_t = false, throttled;
	long runtime = 0, period = 0;
	int c, rc;

	memset(p, 0, sizeof(*p));
	p->so.measure = true;
	p->so.name = tool_name;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":s:d:c:t:p:mT:jqhV", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
		case 'd':
			p->so.seconds = tool_duration("duration", optarg);
			break;
		case 'c':
			tool_cpulist(optarg, &p->so.cpus);
			have_c = true;
			break;
		case 't':
			p->so.nthreads = (int)pig_parse_long("thread count", optarg, 1, 4096);
			have_t = true;
			break;
		case 'p':
			p->so.fifo_prio = (int)pig_parse_long("priority", optarg, 1, 99);
			break;
		case 'm':
			p->mlock = true;
			break;
		case 'T':
			p->so.threshold_ns = pig_parse_threshold(optarg);
			break;
		case OPT_COUNT:
			p->count = true;
			break;
		case OPT_CLOCK:
			if (!strcmp(optarg, "auto"))
				p->so.clock = NOHZ_CLOCK_AUTO;
			else if (!strcmp(optarg, "tsc"))
				p->so.clock = NOHZ_CLOCK_TSC;
			else if (!strcmp(optarg, "mono"))
				p->so.clock = NOHZ_CLOCK_MONO;
			else
				die("unknown clock '%s' (use auto, tsc or mono)", optarg);
			break;
		case 'j':
			p->json = true;
			break;
		case OPT_EXPLAIN:
			p->explain = true;
			break;
		case 'q':
			p->quiet = true;
			break;
		default:	/* -h, -V, bad options */
			tool_std_option(c, argv, usage, "pig -h");
		}
	}
	tool_no_operands(argc, argv, "pig -h");
	if (have_c && have_t)
		die("-c and -t cannot be combined");
	if (p->explain && have_t)
		die("--explain needs pinned spinners: use -c, not -t");
	if (p->so.fifo_prio && p->so.seconds <= 0)
		die("refusing to run a SCHED_FIFO spinner without a time limit (give -s DURATION)");

	sys = nohz_sys_open("/");
	if (!sys)
		die("cannot open /: %s", strerror(errno));
	rc = nohz_sys_read_cpuset(sys, "/sys/devices/system/cpu/online", &online);
	throttled = p->so.fifo_prio && pig_rt_throttle(sys, &runtime, &period);
	nohz_sys_close(sys);
	if (rc < 0)
		die("cannot read /sys/devices/system/cpu/online: %s", strerror(-rc));
	if (have_c && !nohz_cpuset_subset(&p->so.cpus, &online)) {
		struct nohz_cpuset off;
		char on[256];

		nohz_cpuset_andnot(&off, &p->so.cpus, &online);
		die("CPU%s %s %s not online (online: %s)", nohz_cpuset_count(&off) > 1 ? "s" : "",
		    nohz_cpuset_format(&off, buf, sizeof(buf)),
		    nohz_cpuset_count(&off) > 1 ? "are" : "is",
		    nohz_cpuset_format(&online, on, sizeof(on)));
	}
	if (!have_c && !have_t) {
		int cpu = sched_getcpu();

		if (cpu < 0)
			die("cannot find the current CPU: %s", strerror(errno));
		nohz_cpuset_set(&p->so.cpus, cpu);
	}
	p->pinned = !have_t;
	if (p->explain && nohz_cpuset_subset(&online, &p->so.cpus))
		die("--explain needs a CPU outside -c %s for its trace reader (online: %s)",
		    nohz_cpuset_format(&p->so.cpus, buf, sizeof(buf)),
		    nohz_cpuset_format(&online, onl, sizeof(onl)));
	/* a warning only once the input is known good: bad input is one line */
	if (throttled)
		tool_warn("warning: RT throttling is on (sched_rt_runtime_us=%ld of %ld): "
			  "SCHED_FIFO spinners are paused %.0f ms every %.0f ms; "
			  "'sysctl kernel.sched_rt_runtime_us=-1' turns it off",
			  runtime, period, (period - runtime) / 1e3, period / 1e3);

	if (p->pinned) {
		p->count_cpus = p->so.cpus;
	} else {
		cpu_set_t set;

		CPU_ZERO(&set);
		if (sched_getaffinity(0, sizeof(set), &set) == 0) {
			for (int cpu = 0; cpu < CPU_SETSIZE; cpu++)
				if (CPU_ISSET(cpu, &set) && nohz_cpuset_isset(&online, cpu))
					nohz_cpuset_set(&p->count_cpus, cpu);
		} else {
			p->count_cpus = online;
		}
	}
}

/* fmt_ns - compact duration, 3 significant digits: 812ns, 1.02us, 16.4us, 2.10ms */
static const char *fmt_ns(uint64_t ns, char *buf, size_t len)
{
	static const struct { double div; const char *unit; } u[] = {
		{ 1e3, "us" }, { 1e6, "ms" }, { 1e9, "s" },
	};
	double v = (double)ns;
	size_t i = 0;

	if (ns < 1000) {
		snprintf(buf, len, "%" PRIu64 "ns", ns);
		return buf;
	}
	while (i + 1 < sizeof(u) / sizeof(u[0]) && v >= u[i + 1].div * 0.9995)
		i++;
	v /= u[i].div;
	snprintf(buf, len, "%.*f%s", v < 9.995 ? 2 : v < 99.95 ? 1 : 0, v, u[i].unit);
	return buf;
}

/* ns_per_loop - wall time per iteration, interruptions included */
static double ns_per_loop(const struct nohz_gap_stats *st)
{
	return st->loops ? (double)st->elapsed_ns / (double)st->loops : 0;
}

/* print_text - summary table, histogram, counter table */
static void print_text(const struct pig *p, struct nohz_spin *s)
{
	size_t n = nohz_spin_count(s);
	const struct nohz_gap_stats *st0 = nohz_spin_stats(s, 0);
	int lo = NOHZ_HIST_BUCKETS, hi = -1;
	char b1[32];
	double mhz;
	const char *clk = nohz_spin_clock(s, &mhz);

	printf("%zu spinner%s, clock %s", n, n > 1 ? "s" : "", clk);
	if (!strcmp(clk, "tsc"))
		printf(" at %.1f MHz", mhz);
	printf(", gaps over %s recorded%s\n", fmt_ns(st0->threshold_ns, b1, sizeof(b1)),
	       pig_signalled ? ", stopped by a signal" : "");
	printf("%-5s %8s %12s %7s %8s %8s %8s %8s %8s %8s %8s %9s\n", "CPU", "TID", "loops",
	       "ns/loop", "gaps", "gap-time", "min-us", "avg-us", "p99-us", "p99.9-us",
	       "max-us", "worst-at");
	for (size_t i = 0; i < n; i++) {
		const struct nohz_gap_stats *st = nohz_spin_stats(s, i);
		char cpu[16];

		if (nohz_spin_cpu(s, i) >= 0)
			snprintf(cpu, sizeof(cpu), "%d", nohz_spin_cpu(s, i));
		else
			snprintf(cpu, sizeof(cpu), "-");
		printf("%-5s %8d %12" PRIu64 " %7.1f %8" PRIu64 " %7.3f%%", cpu,
		       (int)nohz_spin_tid(s, i), st->loops, ns_per_loop(st), st->count,
		       st->elapsed_ns ? 100.0 * (double)st->sum_ns / (double)st->elapsed_ns : 0);
		if (st->count)
			printf(" %8.2f %8.2f %8.2f %8.2f %8.2f %8.3fs\n", st->min_ns / 1e3,
			       (double)st->sum_ns / st->count / 1e3, st->p99_ns / 1e3,
			       st->p999_ns / 1e3, st->max_ns / 1e3, st->worst_at_ns / 1e9);
		else
			printf(" %8s %8s %8s %8s %8s %9s\n", "-", "-", "-", "-", "-", "-");
		for (int b = 0; b < NOHZ_HIST_BUCKETS; b++) {
			if (!st->hist[b])
				continue;
			lo = b < lo ? b : lo;
			hi = b > hi ? b : hi;
		}
	}
	if (!p->quiet && hi >= 0) {
		printf("\n%-17s", "gap length");
		for (size_t i = 0; i < n; i++) {
			char col[32];	/* "thread " and any size_t */

			if (nohz_spin_cpu(s, i) >= 0)
				snprintf(col, sizeof(col), "CPU %d", nohz_spin_cpu(s, i));
			else
				snprintf(col, sizeof(col), "thread %zu", i);
			printf(" %10s", col);
		}
		putchar('\n');
		for (int b = lo; b <= hi; b++) {
			char l[16], h[16], row[40];

			fmt_ns(nohz_gaps_bucket_low(b), l, sizeof(l));
			if (b == NOHZ_HIST_BUCKETS - 1)
				snprintf(row, sizeof(row), ">= %s", l);
			else
				snprintf(row, sizeof(row), "%s - %s", l,
					 fmt_ns(nohz_gaps_bucket_low(b + 1), h, sizeof(h)));
			printf("%-17s", row);
			for (size_t i = 0; i < n; i++)
				printf(" %10" PRIu64, nohz_spin_stats(s, i)->hist[b]);
			putchar('\n');
		}
	}
	if (p->count && p->ctr) {
		int cpu;

		printf("\n%-5s", "CPU");
		for (int ev = 0; ev < NOHZ_EV_MAX; ev++)
			printf(" %13s", nohz_event_key(ev));
		printf(" %9s\n", "ticks/s");
		nohz_cpuset_for_each(cpu, &p->count_cpus) {
			uint64_t v, ticks = 0;

			printf("%-5d", cpu);
			for (int ev = 0; ev < NOHZ_EV_MAX; ev++) {
				if (nohz_counters_read(p->ctr, cpu, ev, &v) < 0) {
					printf(" %13s", "-");
					continue;
				}
				if (ev == NOHZ_EV_TICK)
					ticks = v;
				printf(" %13" PRIu64, v);
			}
			printf(" %9.1f\n", st0->elapsed_ns ? ticks * 1e9 / st0->elapsed_ns : 0);
		}
	}
}

/* print_json - the same as one JSON object */
static void print_json(const struct pig *p, struct nohz_spin *s)
{
	size_t n = nohz_spin_count(s);
	double mhz;
	const char *clk = nohz_spin_clock(s, &mhz);

	printf("{\n  \"tool\": \"pig\",\n  \"version\": \"%s\",\n", NOHZ_VERSION);
	printf("  \"clock\": \"%s\",\n  \"clock_mhz\": %.3f,\n", clk, mhz);
	if (p->so.seconds > 0)
		printf("  \"seconds\": %.6g,\n", p->so.seconds);
	else
		printf("  \"seconds\": null,\n");
	printf("  \"fifo_priority\": %d,\n  \"interrupted\": %s,\n", p->so.fifo_prio,
	       pig_signalled ? "true" : "false");
	printf("  \"gaps_over\": \"threshold_ns: gaps, min/avg/max and percentiles are of "
	       "the gaps longer than it, not of all loop iterations; percentiles are "
	       "nearest rank, at most 3.2%% above the true value\",\n");
	printf("  \"histogram_keys\": \"lower edge in ns of the bucket [2^i, 2^(i+1)) ns\",\n");
	printf("  \"spinners\": [");
	for (size_t i = 0; i < n; i++) {
		const struct nohz_gap_stats *st = nohz_spin_stats(s, i);
		bool first = true;

		printf("%s\n    {", i ? "," : "");
		if (nohz_spin_cpu(s, i) >= 0)
			printf("\"cpu\": %d, ", nohz_spin_cpu(s, i));
		else
			printf("\"cpu\": null, ");
		printf("\"tid\": %d, \"last_cpu\": %d, \"loops\": %" PRIu64 ", "
		       "\"elapsed_ns\": %" PRIu64 ", \"ns_per_loop\": %.3f, "
		       "\"loop_median_ns\": %" PRIu64 ", \"threshold_ns\": %" PRIu64 ",\n",
		       (int)nohz_spin_tid(s, i), st->last_cpu, st->loops, st->elapsed_ns,
		       ns_per_loop(st), st->loop_median_ns, st->threshold_ns);
		printf("     \"gaps\": %" PRIu64 ", \"gap_total_ns\": %" PRIu64 ", "
		       "\"min_ns\": %" PRIu64 ", \"avg_ns\": %.1f, \"max_ns\": %" PRIu64 ", "
		       "\"p99_ns\": %" PRIu64 ", \"p999_ns\": %" PRIu64 ",\n",
		       st->count, st->sum_ns, st->min_ns,
		       st->count ? (double)st->sum_ns / st->count : 0.0, st->max_ns,
		       st->p99_ns, st->p999_ns);
		printf("     \"worst_at_ns\": %" PRIu64 ", \"worst_mono_ns\": %" PRIu64 ",\n",
		       st->worst_at_ns, st->count ? st->start_mono_ns + st->worst_at_ns : 0);
		printf("     \"histogram\": {");
		for (int b = 0; b < NOHZ_HIST_BUCKETS; b++) {
			if (!st->hist[b])
				continue;
			printf("%s\"%" PRIu64 "\": %" PRIu64, first ? "" : ", ",
			       nohz_gaps_bucket_low(b), st->hist[b]);
			first = false;
		}
		printf("}}");
	}
	printf("\n  ]");
	if (p->noise) {
		printf(",\n  \"noise\": [");
		for (size_t i = 0; i < p->noise->n; i++) {
			printf("%s\n    {\"cpu\": %d", i ? "," : "", p->noise->cpus[i].cpu);
			nohz_noise_print_json_cpu(stdout, &p->noise->cpus[i]);
			printf("}");
		}
		printf("\n  ]");
	}
	if (p->count) {
		int cpu;
		bool first = true;

		if (!p->ctr) {
			printf(",\n  \"counters\": null,\n  \"counters_error\": ");
			nohz_json_string(stdout, p->ctr_err);
		} else {
			printf(",\n  \"counters\": [");
			nohz_cpuset_for_each(cpu, &p->count_cpus) {
				uint64_t v;

				printf("%s\n    {\"cpu\": %d", first ? "" : ",", cpu);
				for (int ev = 0; ev < NOHZ_EV_MAX; ev++) {
					if (nohz_counters_read(p->ctr, cpu, ev, &v) == 0)
						printf(", \"%s\": %" PRIu64, nohz_event_key(ev), v);
				}
				printf("}");
				first = false;
			}
			printf("\n  ]");
		}
	}
	printf("\n}\n");
}

/* pig_trace_open - --explain: the spun CPUs traced on the spinners' clock,
 * tracing on before they start (enabling events is done by then) */
static void pig_trace_open(struct pig *p)
{
	struct nohz_trace_opts to = { .noise = true, .clock = &p->clk };
	char err[512];
	int rc;

	if (geteuid() != 0)
		die("--explain needs root (tracefs and its events)");
	if (nohz_clock_get(&p->clk, p->so.clock, err, sizeof(err)) < 0)
		die("%s", err);
	rc = nohz_trace_open_opts(&p->tr, &p->so.cpus, &to, err, sizeof(err));
	if (rc == -ENOTSUP && p->clk.tsc && p->so.clock == NOHZ_CLOCK_AUTO) {
		nohz_clock_get(&p->clk, NOHZ_CLOCK_MONO, NULL, 0);
		rc = nohz_trace_open_opts(&p->tr, &p->so.cpus, &to, err, sizeof(err));
	}
	if (rc < 0)
		die("--explain: %s", err);
	p->so.clock = p->clk.tsc ? NOHZ_CLOCK_TSC : NOHZ_CLOCK_MONO;
	p->so.log_cap = nohz_spin_log_cap(p->so.seconds,
					  (size_t)nohz_cpuset_count(&p->so.cpus));
	if (nohz_trace_start(p->tr, err, sizeof(err)) < 0) {
		nohz_trace_close(p->tr);
		die("--explain: %s", err);
	}
}

int main(int argc, char **argv)
{
	struct nohz_spin *s;
	struct pig p;
	char err[512];
	bool measured = false;
	int rc;

	pig_parse(&p, argc, argv);

	if (p.mlock && mlockall(MCL_CURRENT | MCL_FUTURE) < 0)
		die("mlockall: %s", strerror(errno));
	if (p.count) {
		rc = nohz_counters_open(&p.ctr, &p.count_cpus, NOHZ_EV_ALL, p.ctr_err,
					sizeof(p.ctr_err));
		if (rc < 0) {
			p.ctr = NULL;
			if (!p.ctr_err[0])
				snprintf(p.ctr_err, sizeof(p.ctr_err), "%s", strerror(-rc));
			tool_warn("cannot count events, going on without: %s", p.ctr_err);
		}
	}

	tool_signals(pig_on_signal, SA_RESTART, false);
	if (p.explain)
		pig_trace_open(&p);

	rc = nohz_spin_start(&s, &p.so, err, sizeof(err));
	if (rc < 0) {
		nohz_trace_close(p.tr);
		nohz_counters_close(p.ctr);
		die("%s", err);
	}
	pig_spin = s;
	/* a signal during the start: the spinners ran only microseconds */
	measured = !pig_signalled;
	if (!measured)
		nohz_spin_stop(s);
	else if (p.ctr)
		nohz_counters_enable(p.ctr);
	nohz_spin_wait(s);
	if (p.ctr)
		nohz_counters_disable(p.ctr);
	pig_spin = NULL;
	if (p.tr) {
		struct nohz_noise_opts no = { .threshold_ns = p.so.threshold_ns };

		nohz_trace_stop(p.tr);
		nohz_trace_join(p.tr);
		/* each spinner's own run is its window */
		rc = nohz_noise_build(&p.noise, s, p.tr, 0, 0, NULL, &no);
		if (rc < 0)
			tool_warn("cannot attribute the gaps: %s", strerror(-rc));
	}
	if (measured) {
		if (p.json) {
			print_json(&p, s);
		} else {
			print_text(&p, s);
			if (p.noise) {
				printf("\nWhat caused the gaps:\n");
				if (p.quiet)
					nohz_noise_print_summary(stdout, p.noise);
				else
					nohz_noise_print(stdout, p.noise, NOHZ_NOISE_WORST);
			}
		}
	} else {
		tool_warn("stopped before any spinning was measured");
	}
	/* results nobody could read (stdout closed, disk full) are no pass */
	if (measured && !tool_stdout_ok("the results"))
		measured = false;
	nohz_noise_free(p.noise);
	nohz_spin_free(s);
	nohz_trace_close(p.tr);
	nohz_counters_close(p.ctr);
	return measured ? NOHZ_EXIT_PASS : NOHZ_EXIT_ERROR;
}
