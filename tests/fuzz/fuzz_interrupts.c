// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * fuzz_interrupts.c - libFuzzer target: /proc/interrupts and /proc/softirqs.
 *
 * The input is the file's bytes, not NUL-terminated (the parser takes a
 * length).  A table that parses is walked through every lookup of the API
 * and checked: counts within their row, totals that add up, columns that
 * ascend, every row found again by its name.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nohz.h"
#include "fuzz.h"

static void walk(const struct nohz_interrupts *t)
{
	struct nohz_cpuset cpus;

	FUZZ_ASSERT(t->ncpus > 0 && t->ncpus <= NOHZ_MAX_CPUS);
	for (int i = 1; i < t->ncpus; i++)
		FUZZ_ASSERT(t->cpus[i] > t->cpus[i - 1]);
	nohz_interrupts_cpus(t, &cpus);
	FUZZ_ASSERT(nohz_cpuset_count(&cpus) == t->ncpus);
	for (int i = 0; i < t->ncpus; i++)
		FUZZ_ASSERT(nohz_interrupts_column(t, t->cpus[i]) == i);
	FUZZ_ASSERT(nohz_interrupts_column(t, -1) == -1);
	FUZZ_ASSERT(nohz_interrupts_column(t, NOHZ_MAX_CPUS) == -1);

	for (size_t r = 0; r < t->nrows; r++) {
		const struct nohz_irq_row *row = &t->rows[r];
		const struct nohz_irq_row *f;
		uint64_t sum = 0;

		FUZZ_ASSERT(row->ncounts > 0 && row->ncounts <= t->ncpus);
		FUZZ_ASSERT(row->name && row->name[0] && row->desc);
		FUZZ_ASSERT(!strchr(row->name, ':') && !strchr(row->desc, '\n'));
		for (int c = 0; c < row->ncounts; c++)
			sum += row->counts[c];
		FUZZ_ASSERT(sum == row->total);
		for (int c = 0; c < t->ncpus; c++)
			FUZZ_ASSERT(nohz_interrupts_count(t, row, t->cpus[c]) ==
				    (c < row->ncounts ? row->counts[c] : 0));
		f = nohz_interrupts_find(t, row->name);
		FUZZ_ASSERT(f && !strcmp(f->name, row->name));
		FUZZ_ASSERT(f <= row && nohz_interrupts_match(t, t, r) == row);
		if (row->irq >= 0) {
			f = nohz_interrupts_find_irq(t, row->irq);
			FUZZ_ASSERT(f && f->irq == row->irq);
		}
	}
	FUZZ_ASSERT(!nohz_interrupts_find_irq(t, -1));
	FUZZ_ASSERT(nohz_interrupts_delta(5, 7) == 2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nohz_interrupts t, u;
	char err[256];

	err[0] = '\0';
	if (nohz_interrupts_parse(&t, (const char *)data, size, err, sizeof(err)) == 0) {
		walk(&t);
		/* a second read of the same file pairs row by row */
		FUZZ_ASSERT(nohz_interrupts_parse(&u, (const char *)data, size, NULL, 0) == 0);
		FUZZ_ASSERT(u.nrows == t.nrows);
		for (size_t r = 0; r < t.nrows; r++) {
			const struct nohz_irq_row *m = nohz_interrupts_match(&u, &t, r);

			FUZZ_ASSERT(m && !strcmp(m->name, t.rows[r].name));
		}
		nohz_interrupts_free(&u);
		nohz_interrupts_free(&t);
	} else {
		FUZZ_ASSERT(err[0]);
		FUZZ_ASSERT(t.rows == NULL && t.mem_ == NULL && t.text_ == NULL);
	}
	nohz_interrupts_free(&t);	/* a zeroed table frees too */
	return 0;
}
