/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * irqtop.h - state shared by irqtop.c (options, sampling, plain and JSON
 * frames) and irqtop-tui.c (the interactive screen).
 */
#ifndef IRQTOP_H
#define IRQTOP_H

#include <signal.h>
#include "common.h"

enum irqtop_sort { SORT_TOTAL, SORT_NAME, SORT_CPU };
enum { SRC_IRQ, SRC_SOFTIRQ, SRC_MAX };

/* One displayed row: a row of /proc/interrupts or /proc/softirqs. */
struct irqtop_row {
	const struct nohz_irq_row *r;
	int src;		/* SRC_IRQ, SRC_SOFTIRQ */
	size_t order;		/* position in the files: the stable tie-break */
	bool percpu;		/* one count per CPU (ERR and MIS have one) */
	double total;		/* over the shown CPUs; the row's own when !percpu */
	int hot;		/* nonzero cells on isolated CPUs */
	double *vals;		/* per shown column; NAN when not known yet */
	uint64_t *deltas;	/* per shown column, counts over the interval */
};

struct irqtop {
	/* options */
	const char *root;
	double interval;	/* seconds */
	long frames;		/* batch frames to print, 0: until stopped */
	bool absolute, softirqs, batch, json, iso_only, nonzero, loc_ticks;
	bool filtered;
	struct nohz_cpuset filter;	/* -c */
	const char *filter_arg;
	enum irqtop_sort sort;
	int sort_cpu;
	int sort_col;		/* shown column of sort_cpu, -1 none */

	/* the system */
	struct nohz_sys *sys;
	struct nohz_kernel k;
	bool have_kernel;
	struct nohz_cpuset iso;	/* nohz_full | isolated */
	struct nohz_cpuset hk;	/* online & ~iso */

	/* the last two samples */
	struct nohz_interrupts cur[SRC_MAX], prev[SRC_MAX];
	uint64_t t_cur, t_prev;	/* CLOCK_MONOTONIC ns */
	bool have_prev;
	long samples;
	bool ctr_tried;
	struct nohz_counters *ctr;	/* NULL: ticks come from LOC */
	struct nohz_cpuset ctr_cpus;	/* the CPUs counted */
	char ctr_note[256];		/* why there are no counters */
	uint64_t *tick_cur, *tick_prev;	/* by cpu id */
	unsigned int *tasks;		/* by cpu id */

	/* the view built from them */
	double dt;		/* seconds between the samples */
	int ncols;
	int *cols;		/* cpu id of each shown column */
	double *ticks;		/* ticks/s per shown column, NAN unknown */
	size_t nrows, cap_rows, cap_cells;
	struct irqtop_row *rows;
	double *vals;
	uint64_t *deltas;
};

extern volatile sig_atomic_t irqtop_stop;

/* irqtop_now - CLOCK_MONOTONIC in ns */
uint64_t irqtop_now(void);
/* irqtop_sample - read the files, counters and task counts once more */
int irqtop_sample(struct irqtop *t, char *err, size_t errlen);
/* irqtop_build - shown columns, rows, values and order from the samples;
 * -ENOENT when the cpu selection leaves no column */
int irqtop_build(struct irqtop *t, char *err, size_t errlen);
/* irqtop_sort_rows - order rows by t->sort */
void irqtop_sort_rows(struct irqtop *t);
/* irqtop_fmt - text of one value ("-" when unknown), a whole number when
 * whole (counts, rates over intervals up to 1 s); returns its length */
int irqtop_fmt(char *buf, double v, bool whole);
/* irqtop_whole - whether values of this view print as whole numbers */
bool irqtop_whole(const struct irqtop *t);
/* irqtop_sort_name - "total", "name", "cpu3" */
const char *irqtop_sort_name(const struct irqtop *t, char *buf, size_t len);
/* irqtop_widths - NAME, TOTAL and CPU column widths that fit the view */
void irqtop_widths(const struct irqtop *t, int *namew, int *totw, int *colw);
/* irqtop_col_iso - shown column j is an isolated CPU */
bool irqtop_col_iso(const struct irqtop *t, int j);
/* irqtop_utoa - decimal digits of v into buf; returns the length */
int irqtop_utoa(char *buf, uint64_t v);
/* irqtop_print_frame - one batch frame (text or JSON) of the view on stdout */
void irqtop_print_frame(struct irqtop *t, long frame);
/* irqtop_print_done - release the frame buffer */
void irqtop_print_done(void);
/* irqtop_tui - the interactive screen until q or a signal */
int irqtop_tui(struct irqtop *t, char *err, size_t errlen);

#endif
