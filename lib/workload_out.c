// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * workload_out.c - the workload as text (a line saying what it is, a row
 * per thread) and as one JSON object.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

#define WL_ROWS_MAX 64		/* thread rows in the text output */

/* wl_name - "process 1234 (app)" or "cgroup v2 /x.scope (docker 0123...)" */
static void wl_name(const struct nohz_workload *w, char *buf, size_t len)
{
	const struct nohz_cgroup_info *ci = &w->container;
	size_t off = 0;

	if (w->kind == NOHZ_WL_PID)
		off = snprintf(buf, len, "process %d (%s)%s", (int)w->pid,
			       w->nprocs ? w->procs[0].comm : "?", w->cg_path[0] ? " in " : "");
	else if (w->kind == NOHZ_WL_PIDNS)
		off = snprintf(buf, len, "every process of this pid namespace%s",
			       w->cg_path[0] ? " in " : "");
	if (off < len && w->cg_path[0])
		off += snprintf(buf + off, len - off, "cgroup v%d %s", w->cg_version, w->cg_path);
	if (off < len && ci->id[0])
		off += snprintf(buf + off, len - off, " (%s %.12s)", ci->runtime, ci->id);
	else if (off < len && ci->pod[0])
		snprintf(buf + off, len - off, " (pod %s)", ci->pod);
}

void nohz_workload_print(FILE *f, const struct nohz_workload *w)
{
	long hz = sysconf(_SC_CLK_TCK);
	char name[1200], b[512], a[512];
	size_t rows = 0;

	wl_name(w, name, sizeof(name));
	fprintf(f, "Workload: %s\n", name);
	if (w->cg_dir[0])
		fprintf(f, "  cgroup directory %s\n", w->cg_dir);
	fprintf(f, "  CPUs %s (%s)", nohz_cpuset_format(&w->cpus, b, sizeof(b)), w->cpus_from);
	if (w->partition[0])
		fprintf(f, ", cpuset partition '%s' (%s)", w->partition,
			nohz_cpuset_format(&w->partition_cpus, a, sizeof(a)));
	fprintf(f, "; %zu process%s, %zu thread%s", w->nprocs, w->nprocs == 1 ? "" : "es",
		w->n, w->n == 1 ? "" : "s");
	if (w->window > 0)
		fprintf(f, "; watched for %.1f s", w->window);
	fprintf(f, "\n  %7s %-16s %-14s %4s %-10s %4s %5s %6s %5s\n", "TID", "COMM", "POLICY",
		"PRIO", "CPUS", "LAST", "STATE", "MAJFLT", "CPU%");
	for (size_t i = 0; i < w->n; i++) {
		const struct nohz_wl_thread *t = &w->t[i];
		char prio[16], pct[16];

		if (rows++ == WL_ROWS_MAX) {
			fprintf(f, "  ... and %zu more threads (--json lists them all)\n",
				w->n - WL_ROWS_MAX);
			break;
		}
		if (t->policy == 1 || t->policy == 2)
			snprintf(prio, sizeof(prio), "%u", t->rt_priority);
		else
			snprintf(prio, sizeof(prio), "n%ld", t->nice);
		if (w->window > 0 && hz > 0 && !t->gone)
			snprintf(pct, sizeof(pct), "%.0f", 100.0 * t->cpu_delta / hz / w->window);
		else
			snprintf(pct, sizeof(pct), "-");
		fprintf(f, "  %7d %-16.16s %-14s %4s %-10s %4d %5c %6llu %5s\n", (int)t->tid,
			t->comm, nohz_sched_policy_name(t->policy), prio,
			nohz_cpuset_format(&t->allowed, b, sizeof(b)), t->processor,
			t->gone ? 'X' : t->state, w->window > 0 ? t->majflt_delta : t->majflt,
			pct);
	}
	if (!w->window)
		fprintf(f, "  (MAJFLT: since the thread started; a live window counts them "
			"while it runs)\n");
}

static void jkv(FILE *f, const char *k, const char *v, bool comma)
{
	fprintf(f, "\"%s\":", k);
	nohz_json_string(f, v);
	if (comma)
		fputc(',', f);
}

void nohz_workload_print_json(FILE *f, const struct nohz_workload *w)
{
	char b[512], name[1200];

	wl_name(w, name, sizeof(name));
	fputc('{', f);
	jkv(f, "kind", w->kind == NOHZ_WL_PID ? "pid" : w->kind == NOHZ_WL_CGROUP ? "cgroup" :
	    "pidns", true);
	jkv(f, "spec", w->spec, true);
	jkv(f, "name", name, true);
	fprintf(f, "\"pid\":%d,", (int)w->pid);
	fprintf(f, "\"cgroup\":{\"version\":%d,", w->cg_version);
	jkv(f, "path", w->cg_path, true);
	jkv(f, "dir", w->cg_dir, true);
	jkv(f, "partition", w->partition, true);
	jkv(f, "partition_cpus", nohz_cpuset_format(&w->partition_cpus, b, sizeof(b)), false);
	fprintf(f, "},\"container\":{");
	jkv(f, "runtime", w->container.runtime, true);
	jkv(f, "id", w->container.id, true);
	jkv(f, "pod", w->container.pod, true);
	jkv(f, "unit", w->container.unit, false);
	fputs("},", f);
	jkv(f, "cpus", nohz_cpuset_format(&w->cpus, b, sizeof(b)), true);
	jkv(f, "cpus_from", w->cpus_from, true);
	if (w->has_cpuset)
		jkv(f, "cpuset", nohz_cpuset_format(&w->cpuset, b, sizeof(b)), true);
	else
		fputs("\"cpuset\":null,", f);
	fprintf(f, "\"window\":%.3f,\"samples\":%u,\"processes\":[", w->window, w->samples);
	for (size_t i = 0; i < w->nprocs; i++) {
		const struct nohz_wl_proc *p = &w->procs[i];

		fprintf(f, "%s{\"pid\":%d,", i ? "," : "", (int)p->pid);
		jkv(f, "comm", p->comm, true);
		fprintf(f, "\"vmlck_kb\":%ld,\"threads\":%zu,", p->vmlck_kb, p->nthreads);
		jkv(f, "cpu_cgroup", p->cpu_cg, false);
		fputc('}', f);
	}
	fputs("],\"threads\":[", f);
	for (size_t i = 0; i < w->n; i++) {
		const struct nohz_wl_thread *t = &w->t[i];
		char st[2] = { t->state, 0 };

		fprintf(f, "%s{\"pid\":%d,\"tid\":%d,", i ? "," : "", (int)t->pid, (int)t->tid);
		jkv(f, "comm", t->comm, true);
		jkv(f, "state", st, true);
		fprintf(f, "\"processor\":%d,", t->processor);
		jkv(f, "allowed", nohz_cpuset_format(&t->allowed, b, sizeof(b)), true);
		jkv(f, "policy", nohz_sched_policy_name(t->policy), true);
		fprintf(f, "\"rt_priority\":%u,\"nice\":%ld,\"majflt\":%llu,\"majflt_delta\":%llu,"
			"\"cpu_delta\":%llu,\"gone\":%s}", t->rt_priority, t->nice, t->majflt,
			t->majflt_delta, t->cpu_delta, t->gone ? "true" : "false");
	}
	fputs("],\"runnable\":[", f);
	for (size_t i = 0; i < w->nrun; i++) {
		const struct nohz_wl_runnable *r = &w->run[i];

		fprintf(f, "%s{\"cpu\":%d,\"sample\":%u,\"pid\":%d,\"tid\":%d,", i ? "," : "",
			r->cpu, r->sample, (int)r->pid, (int)r->tid);
		jkv(f, "comm", r->comm, true);
		fprintf(f, "\"own\":%s}", r->own ? "true" : "false");
	}
	fputs("]}", f);
}
