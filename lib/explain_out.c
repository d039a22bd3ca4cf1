// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * explain_out.c - an explanation as text (the ranked table with a remedy
 * under each row) and as JSON, through the public accessors only.
 */
#include <stdio.h>

#include "internal.h"

void nohz_explain_print(FILE *f, const struct nohz_explain *ex,
			const struct nohz_cpuset *cpus, size_t top)
{
	struct nohz_cpuset have;
	int cpu;

	nohz_explain_cpus(ex, &have);
	nohz_cpuset_for_each(cpu, &have) {
		const struct nohz_explain_cpu *c = nohz_explain_cpu(ex, cpu);
		size_t n;

		if (cpus && !nohz_cpuset_isset(cpus, cpu))
			continue;
		fprintf(f, "CPU %d: %llu events in %.2f s; %llu local timer interrupts, "
			"%llu scheduler ticks, tick stopped %llu times", cpu,
			(unsigned long long)c->events, nohz_explain_seconds(ex),
			(unsigned long long)c->timer_irqs, (unsigned long long)c->ticks,
			(unsigned long long)c->tick_stops);
		if (c->lost)
			fprintf(f, "; %llu events LOST (counts are low)",
				(unsigned long long)c->lost);
		fputc('\n', f);
		if (!c->n) {
			fprintf(f, "  nothing but the spinner ran\n");
			continue;
		}
		fprintf(f, "  %8s %9s  %-8s  %s\n", "count", "rate/s", "kind", "source");
		n = top && top < c->n ? top : c->n;
		for (size_t i = 0; i < n; i++) {
			const struct nohz_source *s = &c->src[i];

			fprintf(f, "  %8llu %9.2f  %-8s  %s%s\n", (unsigned long long)s->count,
				s->rate, nohz_src_kind_name(s->kind), s->what,
				s->self ? " [the measurement itself]" : "");
			if (s->remedy[0])
				fprintf(f, "  %8s %9s  %-8s  -> %s\n", "", "", "", s->remedy);
		}
		if (n < c->n)
			fprintf(f, "  ... %zu more sources (--explain shows all)\n", c->n - n);
	}
}

void nohz_explain_print_json(FILE *f, const struct nohz_explain *ex,
			     const struct nohz_cpuset *cpus)
{
	struct nohz_cpuset have;
	bool first = true;
	int cpu;

	nohz_explain_cpus(ex, &have);
	fputc('[', f);
	nohz_cpuset_for_each(cpu, &have) {
		const struct nohz_explain_cpu *c = nohz_explain_cpu(ex, cpu);

		if (cpus && !nohz_cpuset_isset(cpus, cpu))
			continue;
		fprintf(f, "%s{\"cpu\":%d,\"seconds\":%.3f,\"events\":%llu,\"lost\":%llu,"
			"\"timer_irqs\":%llu,\"ticks\":%llu,\"tick_stops\":%llu,\"sources\":[",
			first ? "" : ",", cpu, nohz_explain_seconds(ex),
			(unsigned long long)c->events, (unsigned long long)c->lost,
			(unsigned long long)c->timer_irqs, (unsigned long long)c->ticks,
			(unsigned long long)c->tick_stops);
		first = false;
		for (size_t i = 0; i < c->n; i++) {
			const struct nohz_source *s = &c->src[i];

			fprintf(f, "%s{\"count\":%llu,\"rate\":%.3f,\"kind\":\"%s\",\"source\":",
				i ? "," : "", (unsigned long long)s->count, s->rate,
				nohz_src_kind_name(s->kind));
			nohz_json_string(f, s->what);
			fprintf(f, ",\"pid\":%d,\"comm\":", (int)s->pid);
			nohz_json_string(f, s->comm);
			fprintf(f, ",\"tasks\":%d,\"ticks\":%llu,\"self\":%s,\"remedy\":",
				s->ntasks, (unsigned long long)s->ticks, s->self ? "true" : "false");
			nohz_json_string(f, s->remedy);
			fputc('}', f);
		}
		fputs("]}", f);
	}
	fputc(']', f);
}
