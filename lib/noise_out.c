// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * noise_out.c - the noise of the busy CPUs as text (a per-CPU table, the
 * histogram laid out as rtla osnoise hist does, the worst gaps with their
 * causes, the sources ranked by time stolen) and as JSON keys.  Source
 * names can hold task names, which anyone can set: control bytes are
 * shown as '?' in text (JSON escapes them).
 */
#include <stdio.h>
#include <string.h>

#include "internal.h"

#define CAUSES_SHOWN 4	/* per gap in the text when it is shortened */

/* put_safe - s with control bytes and bytes that are not UTF-8 as '?' (a
 * terminal takes stray bytes 0x80-0x9f for controls) */
static void put_safe(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		size_t len = *p >= 0x80 ? utf8_len(p) : 1;

		if (!len || *p < 0x20 || *p == 0x7f) {
			fputc('?', f);
			p++;
			continue;
		}
		fwrite(p, 1, len, f);
		p += len;
	}
}

/* fmt_ns - a duration for people: "850 ns", "12.3 us", "4.05 ms", "1.20 s" */
static const char *fmt_ns(char *b, size_t len, uint64_t ns)
{
	if (ns < 1000)
		snprintf(b, len, "%llu ns", (unsigned long long)ns);
	else if (ns < 1000000)
		snprintf(b, len, "%.1f us", ns / 1e3);
	else if (ns < 1000000000)
		snprintf(b, len, "%.2f ms", ns / 1e6);
	else
		snprintf(b, len, "%.2f s", ns / 1e9);
	return b;
}

/* fmt_edge - a bucket's lower edge: "512 ns", "1 us", "32 ms" */
static const char *fmt_edge(char *b, size_t len, uint64_t ns)
{
	if (ns < 1024)
		snprintf(b, len, "%llu ns", (unsigned long long)ns);
	else if (ns < 1048576)
		snprintf(b, len, "%llu us", (unsigned long long)(ns / 1000));
	else if (ns < 1073741824ULL)
		snprintf(b, len, "%llu ms", (unsigned long long)(ns / 1000000));
	else
		snprintf(b, len, "%llu s", (unsigned long long)(ns / 1000000000ULL));
	return b;
}

void nohz_noise_print_summary(FILE *f, const struct nohz_noise *n)
{
	char a[32], b[32], c1[32], d[32], e[32];

	fprintf(f, "  %5s %10s %11s %9s %11s %7s %11s %11s\n", "CPU", "window", "noise",
		"avail %", "max gap", "gaps", "p99", "p99.9");
	for (size_t i = 0; i < n->n; i++) {
		const struct nohz_noise_cpu *c = &n->cpus[i];

		fprintf(f, "  %5d %10s %11s %9.4f %11s %7llu %11s %11s\n", c->cpu,
			fmt_ns(a, sizeof(a), c->window_ns), fmt_ns(b, sizeof(b), c->noise_ns),
			c->available_pct, fmt_ns(c1, sizeof(c1), c->max_gap_ns),
			(unsigned long long)c->gaps, fmt_ns(d, sizeof(d), c->p99_ns),
			fmt_ns(e, sizeof(e), c->p999_ns));
	}
	if (n->n)
		fprintf(f, "  noise: gaps over %s in the spinner's loop (clock %s); "
			"avail = 100 x (1 - noise / window)\n",
			fmt_ns(a, sizeof(a), n->cpus[0].threshold_ns), n->clock);
}

/* print_hist - one row per bucket any cpu has, one column per cpu */
static void print_hist(FILE *f, const struct nohz_noise *n)
{
	char b[32];
	int lo = NOHZ_HIST_BUCKETS, hi = -1;

	for (size_t i = 0; i < n->n; i++)
		for (int k = 0; k < NOHZ_HIST_BUCKETS; k++)
			if (n->cpus[i].hist[k]) {
				lo = k < lo ? k : lo;
				hi = k > hi ? k : hi;
			}
	if (hi < 0)
		return;
	fprintf(f, "\n  Gap histogram (log2 buckets, lower edge)\n  %8s", "Index");
	for (size_t i = 0; i < n->n; i++)
		fprintf(f, "   CPU-%03d", n->cpus[i].cpu);
	fputc('\n', f);
	for (int k = lo; k <= hi; k++) {
		fprintf(f, "  %8s", fmt_edge(b, sizeof(b), nohz_gaps_bucket_low(k)));
		for (size_t i = 0; i < n->n; i++)
			fprintf(f, " %9llu", (unsigned long long)n->cpus[i].hist[k]);
		fputc('\n', f);
	}
	fprintf(f, "  %8s", "count:");
	for (size_t i = 0; i < n->n; i++)
		fprintf(f, " %9llu", (unsigned long long)n->cpus[i].gaps);
	fprintf(f, "\n  %8s", "min:");
	for (size_t i = 0; i < n->n; i++)
		fprintf(f, " %9s", fmt_ns(b, sizeof(b), n->cpus[i].min_gap_ns));
	fprintf(f, "\n  %8s", "avg:");
	for (size_t i = 0; i < n->n; i++)
		fprintf(f, " %9s", fmt_ns(b, sizeof(b), n->cpus[i].gaps ?
					  n->cpus[i].noise_ns / n->cpus[i].gaps : 0));
	fprintf(f, "\n  %8s", "max:");
	for (size_t i = 0; i < n->n; i++)
		fprintf(f, " %9s", fmt_ns(b, sizeof(b), n->cpus[i].max_gap_ns));
	fputc('\n', f);
}

/* print_kinds - time stolen per kind, as osnoise's columns */
static void print_kinds(FILE *f, const struct nohz_noise *n)
{
	char b[32];

	fprintf(f, "\n  Time stolen by kind\n  %5s", "CPU");
	for (int k = 0; k < NOHZ_NOISE_KINDS; k++)
		fprintf(f, " %10s", nohz_noise_kind_name(k));
	fprintf(f, " %10s\n", "steal");
	for (size_t i = 0; i < n->n; i++) {
		const struct nohz_noise_cpu *c = &n->cpus[i];

		fprintf(f, "  %5d", c->cpu);
		for (int k = 0; k < NOHZ_NOISE_KINDS; k++)
			fprintf(f, " %10s", c->traced ? fmt_ns(b, sizeof(b),
							       c->stolen_by_kind[k]) : "-");
		fprintf(f, " %10s\n", c->steal_ns >= 0 ?
			fmt_ns(b, sizeof(b), (uint64_t)c->steal_ns) : "-");
	}
}

static void print_cpu(FILE *f, const struct nohz_noise *n, const struct nohz_noise_cpu *c,
		      size_t top)
{
	size_t nw = top && top < c->nworst ? top : c->nworst;
	char a[32], b[32];

	fprintf(f, "\n  CPU %d: %llu gaps, %s lost of %s", c->cpu,
		(unsigned long long)c->gaps, fmt_ns(a, sizeof(a), c->noise_ns),
		fmt_ns(b, sizeof(b), c->window_ns));
	if (c->unattributed)
		fprintf(f, "; %llu gaps not attributed%s", (unsigned long long)c->unattributed,
			c->traced ? " (the logs were full)" : " (not traced)");
	if (c->lost_events)
		fprintf(f, "; %llu trace events LOST", (unsigned long long)c->lost_events);
	fputc('\n', f);
	if (!nw)
		return;
	fprintf(f, "    worst gaps (start from the window's start: length, causes)\n");
	for (size_t i = 0; i < nw; i++) {
		const struct nohz_noise_gap *g = &c->worst[i];

		fprintf(f, "    %10.6f s %11s%s", g->start_ns / 1e9,
			fmt_ns(a, sizeof(a), g->duration_ns),
			n->max_gap_ns && g->duration_ns > n->max_gap_ns ? " OVER" : "");
		if (!g->ncauses)
			fprintf(f, "  (not attributed)");
		/* the text keeps a gap to one line: its main causes */
		for (size_t k = 0; k < g->ncauses && (!top || k < CAUSES_SHOWN); k++) {
			const struct nohz_noise_cause *x = &g->causes[k];

			fprintf(f, "%s %s ", k ? "," : " ", nohz_noise_kind_name(x->kind));
			put_safe(f, x->source);
			fprintf(f, " %s", fmt_ns(a, sizeof(a), x->stolen_ns));
			if (x->duration_ns != x->stolen_ns)
				fprintf(f, " (ran %s)", fmt_ns(b, sizeof(b), x->duration_ns));
		}
		if (top && g->ncauses > CAUSES_SHOWN)
			fprintf(f, ", %zu more", g->ncauses - CAUSES_SHOWN);
		fputc('\n', f);
	}
	if (nw < c->nworst)
		fprintf(f, "    ... %zu more gaps over the limit\n", c->nworst - nw);
	if (!c->nsources)
		return;
	fprintf(f, "    time stolen by source\n    %11s %7s  %-8s %s\n", "stolen", "gaps",
		"kind", "source");
	for (size_t i = 0; i < c->nsources && (!top || i < top); i++) {
		const struct nohz_noise_source *s = &c->sources[i];

		fprintf(f, "    %11s %7llu  %-8s ", fmt_ns(a, sizeof(a), s->stolen_ns),
			(unsigned long long)s->count, nohz_noise_kind_name(s->kind));
		put_safe(f, s->source);
		fputc('\n', f);
		if (s->remedy[0]) {
			fprintf(f, "    %11s %7s  %-8s -> ", "", "", "");
			put_safe(f, s->remedy);
			fputc('\n', f);
		}
	}
	if (top && c->nsources > top)
		fprintf(f, "    ... %zu more sources\n", c->nsources - top);
}

void nohz_noise_print_details(FILE *f, const struct nohz_noise *n, size_t top)
{
	print_hist(f, n);
	print_kinds(f, n);
	for (size_t i = 0; i < n->n; i++)
		print_cpu(f, n, &n->cpus[i], top);
}

void nohz_noise_print(FILE *f, const struct nohz_noise *n, size_t top)
{
	nohz_noise_print_summary(f, n);
	nohz_noise_print_details(f, n, top);
}

void nohz_noise_print_json_cpu(FILE *f, const struct nohz_noise_cpu *c)
{
	bool first = true;

	fprintf(f, ",\"window_ns\":%llu,\"threshold_ns\":%llu,\"loop_ns\":%llu,"
		"\"noise_ns\":%llu,\"available_pct\":%.6f,\"max_gap_ns\":%llu,\"gaps\":%llu,"
		"\"min_gap_ns\":%llu,\"p99_ns\":%llu,\"p999_ns\":%llu,\"gap_hist\":{",
		(unsigned long long)c->window_ns, (unsigned long long)c->threshold_ns,
		(unsigned long long)c->loop_ns, (unsigned long long)c->noise_ns,
		c->available_pct, (unsigned long long)c->max_gap_ns,
		(unsigned long long)c->gaps, (unsigned long long)c->min_gap_ns,
		(unsigned long long)c->p99_ns,
		(unsigned long long)c->p999_ns);
	for (int k = 0; k < NOHZ_HIST_BUCKETS; k++)
		if (c->hist[k]) {
			fprintf(f, "%s\"%llu\":%llu", first ? "" : ",",
				(unsigned long long)nohz_gaps_bucket_low(k),
				(unsigned long long)c->hist[k]);
			first = false;
		}
	fprintf(f, "},\"traced\":%s,\"unattributed\":%llu,\"lost_events\":%llu,"
		"\"events_in_gaps\":%llu,\"events_outside\":%llu,",
		c->traced ? "true" : "false", (unsigned long long)c->unattributed,
		(unsigned long long)c->lost_events, (unsigned long long)c->events_in_gaps,
		(unsigned long long)c->events_outside);
	if (c->steal_ns >= 0)
		fprintf(f, "\"steal_ns\":%lld,", (long long)c->steal_ns);
	else
		fprintf(f, "\"steal_ns\":null,");
	/* not traced: no kind is known, not zero time of each */
	fprintf(f, "\"stolen_by_kind\":{");
	for (int k = 0; c->traced && k < NOHZ_NOISE_KINDS; k++)
		fprintf(f, "%s\"%s\":%llu", k ? "," : "", nohz_noise_kind_name(k),
			(unsigned long long)c->stolen_by_kind[k]);
	fprintf(f, "},\"worst\":[");
	for (size_t i = 0; i < c->nworst; i++) {
		const struct nohz_noise_gap *g = &c->worst[i];

		fprintf(f, "%s{\"start_ns\":%llu,\"duration_ns\":%llu,\"causes\":[", i ? "," : "",
			(unsigned long long)g->start_ns, (unsigned long long)g->duration_ns);
		for (size_t k = 0; k < g->ncauses; k++) {
			const struct nohz_noise_cause *x = &g->causes[k];

			fprintf(f, "%s{\"kind\":\"%s\",\"source\":", k ? "," : "",
				nohz_noise_kind_name(x->kind));
			nohz_json_string(f, x->source);
			fprintf(f, ",\"duration_ns\":%llu,\"stolen_ns\":%llu}",
				(unsigned long long)x->duration_ns,
				(unsigned long long)x->stolen_ns);
		}
		fputs("]}", f);
	}
	fprintf(f, "],\"sources\":[");
	for (size_t i = 0; i < c->nsources; i++) {
		const struct nohz_noise_source *s = &c->sources[i];

		fprintf(f, "%s{\"kind\":\"%s\",\"source\":", i ? "," : "",
			nohz_noise_kind_name(s->kind));
		nohz_json_string(f, s->source);
		fprintf(f, ",\"count\":%llu,\"stolen_ns\":%llu,\"remedy\":",
			(unsigned long long)s->count, (unsigned long long)s->stolen_ns);
		nohz_json_string(f, s->remedy);
		fputc('}', f);
	}
	fputc(']', f);
}
