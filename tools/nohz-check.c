// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nohz-check - are these CPUs really isolated?  Static checks of what the
 * kernel applied, then a live test that spins on every target CPU and
 * counts what still interrupts it.  Exit 0 PASS, 1 FAIL, 2 ERROR.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"

const char tool_name[] = "nohz-check";

struct opts {
	const char *cpus;
	const char *root;
	double seconds;
	double threshold;
	bool static_only;
	bool json;
	bool quiet;
	bool color;
	int explain;		/* -1 --no-explain, 0 when FAIL, 1 --explain */
	const char *trace_file;	/* --trace FILE */
	const char *pid;	/* --pid PID */
	pid_t pid_val;
	const char *cgroup;	/* --cgroup PATH|ID */
	uint64_t noise_threshold_ns;	/* --noise-threshold */
	uint64_t max_gap_ns;	/* --max-gap, 0 none */
	double min_available;	/* --min-available, 0 none */
	const char *svg;	/* --svg FILE */
};

enum { OPT_EXPLAIN = 256, OPT_NO_EXPLAIN, OPT_TRACE, OPT_NOISE_THR, OPT_MAX_GAP,
       OPT_MIN_AVAIL, OPT_SVG };
enum { OPT_CGROUP = 320 };

/* The workload of --pid / --cgroup (or the container we run in), and where
 * the checker runs (lib/workload.c). */
static struct nohz_workload wl;
static struct nohz_container ct;
static bool wl_on, ct_on;
static volatile sig_atomic_t wl_stop;

static void usage(FILE *f)
{
	fprintf(f,
"Usage: %s [options]\n"
"Check that CPUs are isolated (nohz_full, isolcpus, rcu_nocbs) and prove it live.\n"
"\n"
"  -c, --cpus LIST        target CPUs (default: nohz_full, else isolated,\n"
"                         else all online CPUs but the first)\n"
"  -p, --pid PID          check a running application: its threads are judged\n"
"                         and the union of their affinity is the target list\n"
"      --cgroup CGROUP    the same for every process of a cgroup, whose cpuset\n"
"                         is the target list: a directory under /sys/fs/cgroup,\n"
"                         a path in the cpuset (v1) or v2 tree, or a container id\n"
"  -d, --duration TIME    live test window (default 10s; ms, s, m, h)\n"
"  -T, --threshold N      ticks allowed per CPU (default 1%% of HZ x seconds)\n"
"  -s, --static-only      skip the live test\n"
"  -r, --root DIR         read a captured tree instead of / (static checks only)\n"
"  -j, --json             JSON report on stdout\n"
"  -q, --quiet            print only the verdict line (and FAIL findings)\n"
"      --explain          always rank who interrupted the target CPUs, with a\n"
"                         remedy each (default: only when the verdict is FAIL)\n"
"      --no-explain       do not trace the target CPUs at all\n"
"      --trace FILE       keep every traced event in FILE, one a line:\n"
"                         CPU SECONDS TASK-PID SYSTEM:EVENT FIELDS\n"
"      --noise-threshold TIME  a gap in the spinner's loop longer than this is\n"
"                         noise (default 1us; ns, us, ms, s)\n"
"      --max-gap TIME     FAIL a target CPU that sees a single gap longer than\n"
"                         this (e.g. 20us), naming its cause\n"
"      --min-available PCT  FAIL a target CPU with less CPU time available\n"
"                         (100 x (1 - noise / window))\n"
"      --svg FILE         draw the window's gaps per CPU, coloured by cause\n"
"      --list-checks      list the static checks and exit\n"
"  -h, --help             this help\n"
"  -V, --version          version\n"
"\n"
"Exit status: 0 PASS (warnings allowed), 1 FAIL, 2 error or interrupted.\n"
"The live test needs root (perf_event_open on tracepoints, tracefs).  With\n"
"--pid or --cgroup it starts no spinner: it counts on the workload's CPUs while\n"
"the workload runs.\n", tool_name);
}

static void parse_args(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{ "cpus", required_argument, NULL, 'c' },
		{ "duration", required_argument, NULL, 'd' },
		{ "threshold", required_argument, NULL, 'T' },
		{ "static-only", no_argument, NULL, 's' },
		{ "root", required_argument, NULL, 'r' },
		{ "json", no_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "list-checks", no_argument, NULL, 'L' },
		{ "explain", no_argument, NULL, OPT_EXPLAIN },
		{ "no-explain", no_argument, NULL, OPT_NO_EXPLAIN },
		{ "trace", required_argument, NULL, OPT_TRACE },
		{ "pid", required_argument, NULL, 'p' },
		{ "cgroup", required_argument, NULL, OPT_CGROUP },
		{ "noise-threshold", required_argument, NULL, OPT_NOISE_THR },
		{ "max-gap", required_argument, NULL, OPT_MAX_GAP },
		{ "min-available", required_argument, NULL, OPT_MIN_AVAIL },
		{ "svg", required_argument, NULL, OPT_SVG },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ 0 }
	};
	int c;

	o->seconds = 10;
	o->noise_threshold_ns = NOHZ_NOISE_THRESHOLD_NS;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":c:d:T:sr:jqhVp:", lo, NULL)) != -1) {
		switch (c) {
		case 'c': o->cpus = optarg; break;
		case 'd': o->seconds = tool_duration("duration", optarg); break;
		case 'T': {
			char *end;

			errno = 0;
			o->threshold = strtod(optarg, &end);
			/* written so that nan and inf fail it too */
			if (errno || end == optarg || *end ||
			    !(o->threshold >= 0 && o->threshold < 1e15))
				die("cannot parse threshold '%s': want a tick count >= 0", optarg);
			if (o->threshold == 0)
				o->threshold = 0.5;	/* "0": any tick fails */
			break;
		}
		case 's': o->static_only = true; break;
		case OPT_EXPLAIN: o->explain = 1; break;
		case OPT_NO_EXPLAIN: o->explain = -1; break;
		case OPT_TRACE: o->trace_file = optarg; break;
		case 'p': {
			long v;

			if (tool_parse_long(optarg, 1, 0x7fffffff, &v) < 0)
				die("cannot parse pid '%s': want a process id", optarg);
			o->pid = optarg;
			o->pid_val = (pid_t)v;
			break;
		}
		case OPT_CGROUP: o->cgroup = optarg; break;
		case OPT_NOISE_THR:
			o->noise_threshold_ns = tool_duration_ns("noise threshold", optarg);
			break;
		case OPT_MAX_GAP: o->max_gap_ns = tool_duration_ns("max gap", optarg); break;
		case OPT_MIN_AVAIL: {
			char *end;

			errno = 0;
			o->min_available = strtod(optarg, &end);
			if (errno || end == optarg || *end ||
			    !(o->min_available > 0 && o->min_available <= 100))
				die("cannot parse min available '%s': want a percentage "
				    "above 0 and at most 100", optarg);
			break;
		}
		case OPT_SVG: o->svg = optarg; break;
		case 'r': o->root = optarg; break;
		case 'j': o->json = true; break;
		case 'q': o->quiet = true; break;
		case 'L':
			for (size_t i = 0; i < nohz_checks_count(); i++)
				printf("%-24s %s\n", nohz_check_id(i), nohz_check_title(i));
			exit(0);
		/* its own version line ("nohz-check 0.1.0"), no hint for ':' */
		case 'V': printf("%s %s\n", tool_name, NOHZ_VERSION); exit(0);
		case ':': tool_bad_option(c, argv, NULL);
		default: tool_std_option(c, argv, usage, "--help");	/* -h, unknown */
		}
	}
	tool_no_operands(argc, argv, "--help");
	if (o->pid && o->cgroup)
		die("--pid and --cgroup exclude each other");
	if ((o->pid || o->cgroup) && o->cpus)
		die("-c cannot be used with %s: the workload's CPUs are the targets",
		    o->pid ? "--pid" : "--cgroup");
	if (o->max_gap_ns && o->max_gap_ns <= o->noise_threshold_ns)
		die("--max-gap %.0f ns must be longer than the noise threshold (%llu ns): "
		    "shorter gaps are not recorded", (double)o->max_gap_ns,
		    (unsigned long long)o->noise_threshold_ns);
	if ((o->max_gap_ns || o->min_available > 0 || o->svg) && (o->pid || o->cgroup))
		die("%s needs the spinners: not with %s", o->svg ? "--svg" : o->max_gap_ns ?
		    "--max-gap" : "--min-available", o->pid ? "--pid" : "--cgroup");
}

/* svg_open - the --svg file, opened before any measurement so that a bad
 * path costs no window */
static FILE *svg_open(const char *path)
{
	FILE *f = fopen(path, "we");

	if (!f)
		die("cannot write --svg file '%s': %s", path, strerror(errno));
	return f;
}

static const char *vcolor(const struct opts *o, enum nohz_verdict v)
{
	if (!o->color)
		return "";
	switch (v) {
	case NOHZ_PASS: return "\033[32m";
	case NOHZ_WARN: return "\033[33m";
	case NOHZ_FAIL: return "\033[31;1m";
	default: return "\033[2m";
	}
}

static const char *reset(const struct opts *o)
{
	return o->color ? "\033[0m" : "";
}

static void print_live_table(const struct nohz_live *lv)
{
	printf("\nLive test: %s for %.1f s%s; counted from CPU(s) ",
	       wl_on ? "the workload on its own CPUs (no spinner)" :
	       "one busy spinner per target CPU", lv->seconds,
	       lv->interrupted ? " (interrupted)" : "");
	{
		char b[256];

		printf("%s\n", nohz_cpuset_format(&lv->housekeeping, b, sizeof(b)));
	}
	printf("  %5s %8s %9s %7s %6s %9s %9s %6s %6s\n", "CPU", "ticks", "ticks/s",
	       "work", "irqs", "softirqs", "switches", "resch", "call");
	for (size_t i = 0; i < lv->n; i++) {
		const struct nohz_live_cpu *c = &lv->cpus[i];
		char v[NOHZ_EV_MAX][24];

		for (int e = 0; e < NOHZ_EV_MAX; e++)
			if (c->have[e])
				snprintf(v[e], sizeof(v[e]), "%llu", (unsigned long long)c->ev[e]);
			else
				snprintf(v[e], sizeof(v[e]), "-");
		printf("  %5d %8s %9.1f %7s %6s %9s %9s %6s %6s\n", c->cpu, v[NOHZ_EV_TICK],
		       lv->seconds > 0 ? c->ev[NOHZ_EV_TICK] / lv->seconds : 0.0,
		       v[NOHZ_EV_WORK], v[NOHZ_EV_IRQ], v[NOHZ_EV_SOFTIRQ], v[NOHZ_EV_SWITCH],
		       v[NOHZ_EV_RESCHED], v[NOHZ_EV_CALLFUNC]);
	}
	printf("  threshold: %.0f ticks per CPU (1%% of HZ=%d x %.1f s unless -T)\n",
	       lv->threshold, lv->hz, lv->seconds);
	if (lv->noise) {
		printf("\nNoise: time each busy target CPU lost\n");
		nohz_noise_print_summary(stdout, lv->noise);
	}
}

/* print_noise - histogram, time stolen per kind, worst gaps and sources */
static void print_noise(const struct opts *o, const struct nohz_noise *n)
{
	printf("\nWhere the time went (%s):\n", o->explain > 0 || o->max_gap_ns ?
	       "every gap over the limits and the largest" : "the largest gaps; --explain "
	       "lists every source");
	nohz_noise_print_details(stdout, n, o->explain > 0 ? 0 : NOHZ_NOISE_WORST);
}

/* print_explanation - who interrupted the targets, ranked, with remedies */
static void print_explanation(const struct opts *o, const struct nohz_explain *ex,
			      const struct nohz_cpuset *targets)
{
	printf("\nWho interrupted the target CPUs (%s):\n", o->explain > 0 ? "--explain" :
	       "the verdict is FAIL; --no-explain skips this");
	nohz_explain_print(stdout, ex, targets, o->explain > 0 ? 0 : 15);
	if (o->trace_file)
		printf("  every event: %s\n", o->trace_file);
}

static void print_text(const struct opts *o, const struct nohz_report *r,
		       const struct nohz_live *lv, const struct nohz_explain *ex,
		       const char *root)
{
	enum nohz_verdict v = nohz_report_verdict(r);
	char t[2048], b[2048];

	if (!o->quiet) {
		printf("nohz-check %s: kernel %s, HZ=%s, root %s\n", NOHZ_VERSION,
		       r->kernel.release[0] ? r->kernel.release : "?",
		       r->kernel.hz ? (snprintf(b, sizeof(b), "%d", r->kernel.hz), b) : "?",
		       root);
		printf("target CPUs %s; nohz_full '%s'; ", nohz_cpuset_format(&r->targets, t,
		       sizeof(t)), nohz_cpuset_format(&r->kernel.nohz_full, b, sizeof(b)));
		printf("isolated '%s'\n\n", nohz_cpuset_format(&r->kernel.isolated, b,
		       sizeof(b)));
		if (wl_on) {
			nohz_workload_print(stdout, &wl);
			putchar('\n');
		}
	}
	for (size_t i = 0; i < r->n; i++) {
		const struct nohz_finding *f = &r->f[i];

		if (o->quiet && f->verdict != NOHZ_FAIL)
			continue;
		printf("%s%-4s%s %-24s %s\n", vcolor(o, f->verdict),
		       nohz_verdict_name(f->verdict), reset(o), f->id, f->evidence);
		if (f->remedy[0] && f->verdict >= NOHZ_WARN)
			printf("     %-24s fix: %s\n", "", f->remedy);
	}
	if (lv && lv->n && !o->quiet)
		print_live_table(lv);
	if (lv && lv->noise && !o->quiet)
		print_noise(o, lv->noise);
	if (ex)
		print_explanation(o, ex, &r->targets);
	printf("\n%sverdict: %s%s (CPUs %s)\n", vcolor(o, v), nohz_verdict_name(v),
	       reset(o), nohz_cpuset_format(&r->targets, t, sizeof(t)));
}

static void print_json(const struct nohz_report *r, const struct nohz_live *lv,
		       const struct nohz_explain *ex, const char *root)
{
	char b[2048];

	printf("{");
	json_kv("tool", tool_name, true);
	json_kv("version", NOHZ_VERSION, true);
	json_kv("verdict", nohz_verdict_name(nohz_report_verdict(r)), true);
	json_kv("cpus", nohz_cpuset_format(&r->targets, b, sizeof(b)), true);
	json_kv("root", root, true);
	printf("\"kernel\":{");
	json_kv("release", r->kernel.release, true);
	printf("\"hz\":%d,", r->kernel.hz);
	json_kv("cmdline", r->kernel.cmdline, true);
	json_kv("online", nohz_cpuset_format(&r->kernel.online, b, sizeof(b)), true);
	json_kv("nohz_full", nohz_cpuset_format(&r->kernel.nohz_full, b, sizeof(b)), true);
	json_kv("isolated", nohz_cpuset_format(&r->kernel.isolated, b, sizeof(b)), false);
	printf("},");
	if (lv && lv->n) {
		printf("\"live\":{\"seconds\":%.3f,\"threshold\":%.1f,\"interrupted\":%s,",
		       lv->seconds, lv->threshold, lv->interrupted ? "true" : "false");
		if (lv->noise) {
			printf("\"noise_threshold_ns\":%llu,\"clock\":\"%s\",",
			       (unsigned long long)lv->noise->threshold_ns, lv->noise->clock);
			if (lv->noise->max_gap_ns)
				printf("\"max_gap_ns\":%llu,",
				       (unsigned long long)lv->noise->max_gap_ns);
			if (lv->noise->min_available > 0)
				printf("\"min_available_pct\":%g,", lv->noise->min_available);
		}
		json_kv("housekeeping", nohz_cpuset_format(&lv->housekeeping, b, sizeof(b)),
			true);
		printf("\"cpus\":[");
		for (size_t i = 0; i < lv->n; i++) {
			const struct nohz_live_cpu *c = &lv->cpus[i];

			printf("%s{\"cpu\":%d,\"spinner_tid\":%d", i ? "," : "", c->cpu,
			       (int)c->spinner_tid);
			for (int e = 0; e < NOHZ_EV_MAX; e++)
				if (c->have[e])
					printf(",\"%s\":%llu", nohz_event_key(e),
					       (unsigned long long)c->ev[e]);
				else
					printf(",\"%s\":null", nohz_event_key(e));
			printf(",\"ticks_per_sec\":%.2f", lv->seconds > 0 ?
			       c->ev[NOHZ_EV_TICK] / lv->seconds : 0.0);
			if (nohz_noise_cpu_find(lv->noise, c->cpu))
				nohz_noise_print_json_cpu(stdout,
							  nohz_noise_cpu_find(lv->noise, c->cpu));
			printf("}");
		}
		printf("]},");
	}
	if (ex) {
		printf("\"explain\":");
		nohz_explain_print_json(stdout, ex, &r->targets);
		printf(",");
	}
	if (wl_on) {
		printf("\"workload\":");
		nohz_workload_print_json(stdout, &wl);
		printf(",");
	}
	printf("\"findings\":[");
	for (size_t i = 0; i < r->n; i++) {
		const struct nohz_finding *f = &r->f[i];

		printf("%s{", i ? "," : "");
		json_kv("id", f->id, true);
		json_kv("title", f->title, true);
		json_kv("group", f->group, true);
		json_kv("verdict", nohz_verdict_name(f->verdict), true);
		json_kv("evidence", f->evidence, true);
		json_kv("remedy", f->remedy, false);
		printf("}");
	}
	printf("]}\n");
}

static void on_signal(int sig)
{
	wl_stop = 1;
	nohz_live_stop();
}

/*
 * workload_open - container signs, then the workload of --pid or --cgroup,
 * or the container we run in when no CPU list is given; its online CPUs
 * become the targets.  false: no workload, targets untouched.
 */
static bool workload_open(const struct opts *o, struct nohz_sys *sys,
			  const struct nohz_kernel *k, struct nohz_cpuset *targets)
{
	char err[1024], b[2048];

	if (nohz_sys_live(sys))
		ct_on = nohz_container_detect(sys, &ct) == 0;
	if (o->pid) {
		if (nohz_workload_pid(sys, o->pid_val, &wl, err, sizeof(err)) < 0)
			die("--pid %s: %s", o->pid, err);
	} else if (o->cgroup) {
		if (nohz_workload_cgroup(sys, o->cgroup, &wl, err, sizeof(err)) < 0)
			die("cannot resolve --cgroup '%s': %s", o->cgroup, err);
	} else if (o->cpus || !ct_on || !ct.inside ||
		   nohz_workload_self(sys, &wl, err, sizeof(err)) < 0) {
		return false;
	}
	wl_on = true;
	nohz_cpuset_and(targets, &wl.cpus, &k->online);
	if (nohz_cpuset_empty(targets))
		die("the workload has no online CPU (%s: '%s')", wl.cpus_from,
		    nohz_cpuset_format(&wl.cpus, b, sizeof(b)));
	return true;
}

/*
 * workload_watch - the live test on the workload's CPUs as it runs; when
 * no CPU is left to count from or counting fails, watch it for the window
 * all the same (faults, runnable threads).  0 after a live test, 1 after
 * a plain watch (with a workload.live finding saying why).
 */
static int workload_watch(struct nohz_sys *sys, const struct nohz_kernel *k,
			  const struct nohz_cpuset *targets, struct nohz_live_opts *lo,
			  struct nohz_live *lv, struct nohz_report *r)
{
	const struct nohz_cpuset *mine = ct_on && ct.inside && !nohz_cpuset_empty(&ct.cpus) ?
					 &ct.cpus : &k->online;
	struct nohz_cpuset avail;
	struct nohz_finding *f;
	char err[512] = "", b[512];
	size_t n;
	pid_t *tids = nohz_workload_tids(&wl, &n);
	int rc = -1;

	lo->no_spin = true;
	lo->own = tids;
	lo->nown = tids ? n : 0;
	nohz_cpuset_andnot(&avail, mine, targets);
	if (nohz_cpuset_empty(&avail))
		snprintf(err, sizeof(err), "no CPU outside the workload's CPUs %s is left "
			 "to count from", nohz_cpuset_format(targets, b, sizeof(b)));
	else
		rc = nohz_live_run(sys, targets, lo, lv, err, sizeof(err));
	free(tids);
	if (rc == 0) {
		nohz_workload_refresh(sys, &wl);
		return 0;
	}
	f = nohz_report_add(r, "workload.live", "live counters on the workload's CPUs",
			    "live", NOHZ_SKIP);
	/* short naps keep a stop quick; the window itself is timed by refresh */
	for (double slept = 0; !wl_stop && slept < lo->seconds; slept += 0.05)
		usleep(50000);
	memset(lv, 0, sizeof(*lv));
	lv->interrupted = wl_stop;
	nohz_workload_refresh(sys, &wl);
	lv->seconds = wl.window;
	if (f)
		snprintf(f->evidence, sizeof(f->evidence), "not counted: %s; the workload "
			 "was watched for %.1f s instead (faults, runnable threads)", err,
			 wl.window);
	return 1;
}

int main(int argc, char **argv)
{
	struct opts o = { 0 };
	struct nohz_report r = { 0 };
	struct nohz_live lv = { 0 };
	const struct nohz_explain *ex;
	struct nohz_cpuset targets, off;
	struct nohz_kernel k;
	struct nohz_sys *sys;
	const char *nc = getenv("NO_COLOR");
	FILE *svg = NULL;
	char err[512], b[2048], b2[2048];
	int rc, exit_code;

	parse_args(argc, argv, &o);
	o.color = !o.json && isatty(STDOUT_FILENO) && !(nc && *nc);
	sys = nohz_sys_open(o.root);
	if (!sys)
		die("cannot open root directory '%s': %s", o.root ? o.root : "/",
		    strerror(errno));
	if (!nohz_sys_live(sys))
		o.static_only = true;	/* a captured tree cannot be spun on */
	if (o.trace_file && o.static_only)
		die("--trace needs the live test (not --static-only, not --root)");
	if ((o.svg || o.max_gap_ns || o.min_available > 0) && o.static_only)
		die("%s needs the live test (not --static-only, not --root)", o.svg ? "--svg" :
		    o.max_gap_ns ? "--max-gap" : "--min-available");
	if (o.svg)
		svg = svg_open(o.svg);
	rc = nohz_kernel_read(sys, &k);
	if (rc < 0)
		die("cannot read %s/sys/devices/system/cpu/online: %s (is --root a "
		    "captured host tree?)", o.root ? o.root : "", strerror(-rc));
	if (workload_open(&o, sys, &k, &targets)) {
		/* --pid, --cgroup, or the container we run in: its CPUs */
	} else if (o.cpus) {
		if (nohz_cpuset_parse(&targets, o.cpus, err, sizeof(err)) < 0)
			die("cannot parse cpu list '%s': %s", o.cpus, err);
		if (nohz_cpuset_empty(&targets))
			die("cpu list '%s' is empty", o.cpus);
		nohz_cpuset_andnot(&off, &targets, &k.online);
		if (!nohz_cpuset_empty(&off))
			die("CPU %s in '%s' %s not online (online: %s)",
			    nohz_cpuset_format(&off, b, sizeof(b)), o.cpus,
			    nohz_cpuset_count(&off) > 1 ? "are" : "is",
			    nohz_cpuset_format(&k.online, b2, sizeof(b2)));
	} else {
		nohz_default_cpus(&k, &targets);
		if (nohz_cpuset_empty(&targets))
			die("no default target: this host has a single online CPU; use -c");
	}
	if (!o.static_only && geteuid() != 0)
		tool_warn("not root: the live test may fail to open tracepoint counters "
			  "(use --static-only, or run as root)");

	rc = nohz_checks_run(sys, &targets, &r);
	if (rc < 0)
		die("static checks failed: %s", strerror(-rc));

	exit_code = NOHZ_EXIT_PASS;
	if (!o.static_only) {
		struct nohz_live_opts lo = { .seconds = o.seconds, .threshold = o.threshold,
					     .trace = o.explain >= 0 || o.trace_file,
					     .trace_file = o.trace_file,
					     .noise_threshold_ns = o.noise_threshold_ns,
					     .max_gap_ns = o.max_gap_ns,
					     .min_available = o.min_available };

		tool_signals(on_signal, 0, true);
		if (!o.quiet && !o.json && isatty(STDERR_FILENO))
			tool_warn("live test on CPUs %s for %.1f s...",
				  nohz_cpuset_format(&targets, b, sizeof(b)), o.seconds);
		rc = wl_on ? workload_watch(sys, &k, &targets, &lo, &lv, &r) :
		     nohz_live_run(sys, &targets, &lo, &lv, err, sizeof(err));
		if (rc < 0) {
			nohz_report_free(&r);
			nohz_sys_close(sys);
			die("live test failed: %s", err);
		}
		if (rc == 0)
			nohz_live_judge(&lv, &r);
		if (lv.interrupted)
			exit_code = NOHZ_EXIT_ERROR;
	}

	if (ct_on && (wl_on || ct.inside))
		nohz_container_check(&ct, &r.kernel, &r);
	if (wl_on)
		nohz_workload_check(sys, &wl, &r.kernel, &r);

	/* the explanation: asked for, or the verdict is FAIL */
	ex = lv.explain && (o.explain > 0 || (o.explain == 0 &&
					      nohz_report_verdict(&r) == NOHZ_FAIL)) ?
	     lv.explain : NULL;
	if (o.json)
		print_json(&r, o.static_only ? NULL : &lv, ex, nohz_sys_root(sys));
	else
		print_text(&o, &r, o.static_only ? NULL : &lv, ex, nohz_sys_root(sys));
	if (svg) {
		snprintf(b2, sizeof(b2), "nohz-check: CPUs %s, %.1f s, noise over %llu ns",
			 nohz_cpuset_format(&r.targets, b, sizeof(b)), lv.seconds,
			 (unsigned long long)o.noise_threshold_ns);
		if (!lv.noise)
			tool_warn("--svg: no noise was measured (no spinner ran); '%s' is empty",
				  o.svg);
		else if (nohz_noise_svg(svg, lv.noise, b2) < 0 || fflush(svg) != 0)
			tool_warn("cannot write --svg file '%s': %s", o.svg, strerror(errno));
		if (fclose(svg) != 0 && lv.noise)
			tool_warn("cannot write --svg file '%s': %s", o.svg, strerror(errno));
	}
	if (lv.interrupted)
		tool_warn("interrupted after %.1f s: partial results", lv.seconds);
	else
		exit_code = nohz_report_verdict(&r) == NOHZ_FAIL ? NOHZ_EXIT_FAIL :
							       NOHZ_EXIT_PASS;
	/* a report nobody could read (stdout closed, disk full) is no verdict */
	if (!tool_stdout_ok("the report"))
		exit_code = NOHZ_EXIT_ERROR;
	nohz_live_free(&lv);
	nohz_workload_free(&wl);
	nohz_report_free(&r);
	nohz_sys_close(sys);
	return exit_code;
}
