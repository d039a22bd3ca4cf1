// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sleeping-beauties - report threads stuck in uninterruptible sleep (D):
 * which, how long, where in the kernel, in which cgroup or container.
 *
 *   sleeping-beauties                    sample /proc every 100 ms, report waits > 1 s
 *   sleeping-beauties -t 200ms --trace   exact durations from sched tracepoints
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "common.h"

#define MAX_PIDS 1024

const char tool_name[] = "sleeping-beauties";

enum { OPT_COMM = 256, OPT_TRACE, OPT_ROOT };

struct sb {
	struct nohz_dwatch_opts o;
	pid_t pids[MAX_PIDS];
	const char *root;
	double seconds;
	unsigned long count;
	bool json, quiet, said_no_stacks;
};

static struct nohz_dwatch *volatile sb_watch;
static volatile sig_atomic_t sb_stop;

static void usage(FILE *f)
{
	fprintf(f,
"Usage: sleeping-beauties [options]\n"
"Report threads stuck in uninterruptible sleep (state D, usually waiting\n"
"for I/O): pid, tid, name, command line, cgroup or container, wchan, kernel\n"
"stack, how long they have waited and when they woke; at the end, threads\n"
"and wait sites ranked by time stuck.\n"
"\n"
"  -i, --interval TIME     scan /proc every TIME (default 100ms)\n"
"  -t, --threshold TIME    report waits longer than TIME (default 1s;\n"
"                          0 reports every thread seen in D)\n"
"                          TIME: 250, 250ms, 1.5s; a bare number is ms\n"
"  -d, --duration DURATION stop after DURATION: 10, 1.5s, 500ms, 2m, 1h\n"
"                          (default: until SIGINT/SIGTERM)\n"
"  -n, --count N           stop after N scans\n"
"  -p, --pid LIST          only these processes (thread groups), e.g. 12,345\n"
"      --comm NAME         only threads or processes named NAME\n"
"      --trace             exact durations, no sampling gaps: sched_switch\n"
"                          and sched_wakeup in a tracefs instance of its own\n"
"                          (root); the instance is removed on exit\n"
"      --root DIR          read DIR/proc instead of /proc (a captured tree)\n"
"  -j, --json              JSON Lines: one object per event, then a summary\n"
"  -q, --quiet             print only the summary\n"
"  -h, --help              this text\n"
"  -V, --version           print the version\n"
"\n"
"Sampling times a wait to within one interval; a thread already in D at the\n"
"first scan is shown with '>=' (its wait began earlier).  Kernel stacks\n"
"(/proc/PID/task/TID/stack) need root; without them wchan names the site.\n"
"\n"
"Exit status: 0 when no wait passed the threshold, 1 when one did, 2 on\n"
"bad input or errors.\n");
}

/* sb_on_signal - stop; a signal during setup is kept for when it is done */
static void sb_on_signal(int sig)
{
	sb_stop = 1;
	if (sb_watch)
		nohz_dwatch_stop(sb_watch);
}

/* sb_parse_ms - "250", "250ms", "1.5s", "900us" -> ns; bare numbers are ms */
static uint64_t sb_parse_ms(const char *what, const char *s, double lo_ms, double hi_ms)
{
	static const struct { const char *unit; double ms; } units[] = {
		{ "", 1 }, { "ms", 1 }, { "s", 1e3 }, { "us", 1e-3 },
	};
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || errno || !isfinite(v) || isspace((unsigned char)*s))
		die("cannot parse %s '%s': not a number with an optional unit (ms, s)",
		    what, s);
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(end, units[i].unit))
			continue;
		v *= units[i].ms;
		if (v < lo_ms || v > hi_ms)
			die("cannot parse %s '%s': must be %g ms to %g s", what, s, lo_ms,
			    hi_ms / 1e3);
		return (uint64_t)(v * 1e6 + 0.5);
	}
	die("cannot parse %s '%s': unknown unit '%s' (use ms or s)", what, s, end);
}

static size_t sb_parse_pids(const char *s, pid_t *pids)
{
	const char *p = s;
	size_t n = 0;

	while (*p) {
		char *end;
		long v;

		errno = 0;
		v = strtol(p, &end, 10);
		if (end == p || errno || v <= 0 || v > 0x3fffffff || (*end && *end != ','))
			die("cannot parse pid list '%s': want numbers like 12,345", s);
		if (n == MAX_PIDS)
			die("cannot parse pid list '%s': more than %d pids", s, MAX_PIDS);
		pids[n++] = (pid_t)v;
		p = *end ? end + 1 : end;
	}
	if (!n)
		die("cannot parse pid list '%s': it is empty", s);
	return n;
}

static void sb_parse(struct sb *sb, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "interval", required_argument, NULL, 'i' },
		{ "threshold", required_argument, NULL, 't' },
		{ "duration", required_argument, NULL, 'd' },
		{ "count", required_argument, NULL, 'n' },
		{ "pid", required_argument, NULL, 'p' },
		{ "comm", required_argument, NULL, OPT_COMM },
		{ "trace", no_argument, NULL, OPT_TRACE },
		{ "root", required_argument, NULL, OPT_ROOT },
		{ "json", no_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(sb, 0, sizeof(*sb));
	sb->o.interval_ns = 100000000ull;
	sb->o.threshold_ns = 1000000000ull;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":i:t:d:n:p:jqhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'i':
			sb->o.interval_ns = sb_parse_ms("interval", optarg, 1, 3600e3);
			break;
		case 't':
			sb->o.threshold_ns = sb_parse_ms("threshold", optarg, 0, 86400e3);
			break;
		case 'd':
			sb->seconds = tool_duration("duration", optarg);
			break;
		case 'n': {
			long n;

			if (tool_parse_long(optarg, 1, 0x7fffffff, &n) < 0)
				die("cannot parse count '%s': want a whole number > 0", optarg);
			sb->count = n;
			break;
		}
		case 'p':
			sb->o.npids = sb_parse_pids(optarg, sb->pids);
			sb->o.pids = sb->pids;
			break;
		case OPT_COMM:
			if (!*optarg || strlen(optarg) > 63)
				die("cannot parse name '%s': want 1 to 63 characters", optarg);
			sb->o.comm = optarg;
			break;
		case OPT_TRACE:
			sb->o.trace = true;
			break;
		case OPT_ROOT:
			if (!*optarg)	/* not silently "/" */
				die("cannot open root '': No such file or directory");
			sb->root = optarg;
			break;
		case 'j':
			sb->json = true;
			break;
		case 'q':
			sb->quiet = true;
			break;
		default:	/* -h, -V, bad options */
			tool_std_option(c, argv, usage, "sleeping-beauties -h");
		}
	}
	tool_no_operands(argc, argv, "sleeping-beauties -h");
	if (sb->o.trace && sb->root)
		die("--trace reads the running kernel: it cannot be combined with --root");
}

static double ms(uint64_t ns)
{
	return (double)ns / 1e6;
}

/* wall_time - wall clock of a CLOCK_MONOTONIC instant, as "HH:MM:SS.mmm" */
static double wall_time(uint64_t mono_ns, char *buf, size_t len)
{
	struct timespec m, r;
	double wall;
	time_t secs;
	struct tm tm;

	clock_gettime(CLOCK_MONOTONIC, &m);
	clock_gettime(CLOCK_REALTIME, &r);
	wall = r.tv_sec + r.tv_nsec / 1e9 - (m.tv_sec + m.tv_nsec / 1e9 - mono_ns / 1e9);
	secs = (time_t)wall;
	localtime_r(&secs, &tm);
	snprintf(buf, len, "%02d:%02d:%02d.%03d", tm.tm_hour, tm.tm_min, tm.tm_sec,
		 (int)((wall - secs) * 1000));
	return wall;
}

static void print_json_event(enum nohz_dwait_event ev, const struct nohz_dwait *w)
{
	const struct nohz_cgroup_info *cg = &w->cgroup;
	uint64_t at = w->start_ns + w->dur_ns;
	char tbuf[32];
	double now = wall_time(at, tbuf, sizeof(tbuf));

	printf("{\"event\":\"%s\",\"time\":%.3f,\"pid\":%d,\"tid\":%d,",
	       ev == NOHZ_DWAIT_STUCK ? "stuck" : "woke", now, (int)w->pid, (int)w->tid);
	json_kv("comm", w->comm, true);
	printf("\"waited_ms\":%.1f,\"since_start\":%s,", ms(w->dur_ns),
	       w->since_start ? "true" : "false");
	json_kv("site", w->site, true);
	json_kv("wchan", w->wchan, true);
	if (ev == NOHZ_DWAIT_STUCK) {
		printf("\"gone\":%s,", w->gone ? "true" : "false");
		json_kv("cmdline", w->cmdline, true);
		json_kv("cgroup", cg->path, true);
		if (cg->runtime[0]) {
			printf("\"container\":{");
			json_kv("runtime", cg->runtime, true);
			json_kv("id", cg->id, false);
			printf("},");
		} else {
			printf("\"container\":null,");
		}
		json_kv("pod", cg->pod, true);
		json_kv("unit", cg->unit, true);
		printf("\"stack\":[");
		for (const char *p = w->stack; *p;) {
			size_t n = strcspn(p, "\n");
			char frame[256];

			snprintf(frame, sizeof(frame), "%.*s", (int)n, p);
			nohz_json_string(stdout, frame);
			p += n;
			if (*p) {
				p++;
				putchar(',');
			}
		}
		printf("],\"stack_denied\":%s,", w->stack_denied ? "true" : "false");
	}
	printf("\"started\":%.3f}\n", now - w->dur_ns / 1e9);
}

static void print_text_event(enum nohz_dwait_event ev, const struct nohz_dwait *w)
{
	const struct nohz_cgroup_info *cg = &w->cgroup;
	const char *ge = w->since_start ? "" : ">=";
	char tbuf[32];

	wall_time(w->start_ns + w->dur_ns, tbuf, sizeof(tbuf));
	if (ev == NOHZ_DWAIT_WOKE) {
		printf("%s pid %d tid %d %s: woke, bored for %s%.0f ms in %s\n", tbuf,
		       (int)w->pid, (int)w->tid, w->comm, ge, ms(w->dur_ns), w->site);
		return;
	}
	printf("%s pid %d tid %d %s: in D for %s%.0f ms so far\n", tbuf, (int)w->pid,
	       (int)w->tid, w->comm, ge, ms(w->dur_ns));
	printf("    cmdline   %s\n", w->cmdline[0] ? w->cmdline :
	       w->gone ? "? (exited)" : "(kernel thread)");
	if (cg->path[0]) {
		printf("    cgroup    %s", cg->path);
		/* a container's scope unit only repeats its id */
		if (cg->unit[0] && !(cg->id[0] && strstr(cg->unit, cg->id)))
			printf(" (unit %s)", cg->unit);
		putchar('\n');
	}
	if (cg->runtime[0] || cg->pod[0]) {
		printf("    container %s", cg->runtime[0] ? cg->runtime : "kubepods");
		if (cg->id[0])
			printf(" %.12s", cg->id);
		if (cg->pod[0])
			printf(" (pod %s)", cg->pod);
		putchar('\n');
	}
	if (w->wchan[0] || !w->stack[0])
		printf("    wchan     %s\n", w->wchan[0] ? w->wchan : "?");
	for (const char *p = w->stack, *lead = "    stack     "; *p; lead = "              ") {
		size_t n = strcspn(p, "\n");

		printf("%s%.*s\n", lead, (int)n, p);
		p += n + (p[n] == '\n');
	}
}

static void sb_event(enum nohz_dwait_event ev, const struct nohz_dwait *w, void *arg)
{
	struct sb *sb = arg;

	if (w->stack_denied && !sb->said_no_stacks) {
		sb->said_no_stacks = true;
		tool_warn("kernel stacks need root; showing wchan only");
	}
	if (sb->quiet)
		return;
	if (sb->json)
		print_json_event(ev, w);
	else
		print_text_event(ev, w);
	if (fflush(stdout) == EOF || ferror(stdout))
		nohz_dwatch_stop(sb_watch);	/* reader gone (EPIPE) */
}

static void print_json_rows(const struct nohz_dsum *r, size_t n, bool sites)
{
	for (size_t i = 0; i < n; i++) {
		printf("%s{", i ? "," : "");
		if (!sites)
			printf("\"pid\":%d,\"tid\":%d,", (int)r[i].pid, (int)r[i].tid);
		json_kv(sites ? "site" : "comm", r[i].name, true);
		if (sites)
			printf("\"threads\":%lu,", r[i].threads);
		printf("\"waits\":%lu,\"total_ms\":%.1f,\"max_ms\":%.1f,\"still_in_d\":%s}",
		       r[i].waits, ms(r[i].total_ns), ms(r[i].max_ns),
		       r[i].ongoing ? "true" : "false");
	}
}

static void print_summary(struct sb *sb, struct nohz_dwatch *w)
{
	const struct nohz_dwatch_stats *st = nohz_dwatch_stats(w);
	const struct nohz_dsum *thr, *site;
	double avg = st->scans ? ms(st->scan_ns_sum) / st->scans : 0;
	/* each summary call reuses one row buffer: sites first, then threads */
	size_t nthr, nsite = nohz_dwatch_summary(w, true, &site);

	if (sb->json) {
		printf("{\"event\":\"summary\",\"mode\":\"%s\",\"interval_ms\":%.1f,"
		       "\"threshold_ms\":%.1f,\"elapsed_ms\":%.1f,\"scans\":%" PRIu64 ","
		       "\"threads_scanned\":%" PRIu64 ",\"scan_ms_avg\":%.3f,"
		       "\"scan_ms_max\":%.3f,\"events\":%" PRIu64 ",\"lost_events\":%" PRIu64
		       ",\"reported\":%lu,\"sites\":[",
		       sb->o.trace ? "trace" : "sampling", ms(sb->o.interval_ns),
		       ms(sb->o.threshold_ns), ms(st->elapsed_ns), st->scans, st->threads,
		       avg, ms(st->scan_ns_max), st->events, st->lost, st->reported);
		print_json_rows(site, nsite, true);
		nthr = nohz_dwatch_summary(w, false, &thr);
		printf("],\"threads\":[");
		print_json_rows(thr, nthr, false);
		printf("]}\n");
		return;
	}
	if (!sb->quiet)
		putchar('\n');
	if (sb->o.trace)
		printf("summary: %lu wait%s over %.0f ms in %.1f s (%" PRIu64 " events, %"
		       PRIu64 " lost)\n", st->reported, st->reported == 1 ? "" : "s",
		       ms(sb->o.threshold_ns), st->elapsed_ns / 1e9, st->events, st->lost);
	else
		printf("summary: %lu wait%s over %.0f ms in %.1f s (%" PRIu64 " scans of %"
		       PRIu64 " threads, %.2f ms per scan, max %.2f)\n", st->reported,
		       st->reported == 1 ? "" : "s", ms(sb->o.threshold_ns),
		       st->elapsed_ns / 1e9, st->scans, st->threads, avg, ms(st->scan_ns_max));
	if (!nsite)
		return;
	printf("wait sites by time in D:\n  %9s %6s %8s  %s\n", "TOTAL_MS", "WAITS",
	       "THREADS", "SITE");
	for (size_t i = 0; i < nsite; i++)
		printf("  %9.0f %6lu %8lu  %s%s\n", ms(site[i].total_ns), site[i].waits,
		       site[i].threads, site[i].name, site[i].ongoing ? " (still in D)" : "");
	nthr = nohz_dwatch_summary(w, false, &thr);
	printf("threads by time in D:\n  %9s %6s %9s %8s %8s  %s\n", "TOTAL_MS", "WAITS",
	       "MAX_MS", "PID", "TID", "COMM");
	for (size_t i = 0; i < nthr; i++)
		printf("  %9.0f %6lu %9.0f %8d %8d  %s%s\n", ms(thr[i].total_ns),
		       thr[i].waits, ms(thr[i].max_ns), (int)thr[i].pid, (int)thr[i].tid,
		       thr[i].name, thr[i].ongoing ? " (still in D)" : "");
}

int main(int argc, char **argv)
{
	struct rlimit rl;
	struct nohz_dwatch *w;
	struct nohz_sys *sys;
	struct sb sb;
	char err[512];
	int rc;

	sb_parse(&sb, argc, argv);
	/* the scanner keeps a /proc fd per thread open between passes */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	tool_signals(sb_on_signal, 0, true);

	sys = nohz_sys_open(sb.root ? sb.root : "/");
	if (!sys)
		die("cannot open root '%s': %s", sb.root ? sb.root : "/", strerror(errno));
	sb.o.fn = sb_event;
	sb.o.arg = &sb;
	rc = nohz_dwatch_open(&w, sys, &sb.o, err, sizeof(err));
	if (rc < 0) {
		nohz_sys_close(sys);
		die("%s", err);
	}
	sb_watch = w;
	if (sb_stop)
		nohz_dwatch_stop(w);
	if (!sb.quiet && !sb.json)
		printf("%s every %.0f ms, reporting waits over %.0f ms%s\n",
		       sb.o.trace ? "tracing sched_switch/sched_wakeup, read" : "scanning /proc",
		       ms(sb.o.interval_ns), ms(sb.o.threshold_ns),
		       sb.seconds > 0 || sb.count ? "" : " (Ctrl-C to stop)");
	rc = nohz_dwatch_run(w, sb.seconds, sb.count, err, sizeof(err));
	if (rc < 0)
		tool_warn("%s", err);
	else
		print_summary(&sb, w);
	sb_watch = NULL;
	rc = rc < 0 ? NOHZ_EXIT_ERROR :
	     nohz_dwatch_stats(w)->reported ? NOHZ_EXIT_FAIL : NOHZ_EXIT_PASS;
	/* a report nobody could read (stdout closed, disk full) is no verdict */
	if (!tool_stdout_ok("the report"))
		rc = NOHZ_EXIT_ERROR;
	nohz_dwatch_close(w);
	nohz_sys_close(sys);
	return rc;
}
