// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * irqtop-out.c - batch frames of irqtop: plain text (aligned columns, the
 * same marks as the screen) and JSON (one object per frame and line).  A
 * frame is built in one growing buffer and written with one fwrite, so a
 * 1024-CPU frame costs no stdio call per cell.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "irqtop.h"

static const char *const src_key[SRC_MAX] = { "interrupts", "softirqs" };

/* out - the text of one frame */
struct out {
	char *p;
	size_t len, cap;
};

/* out_need - room for n more bytes and a NUL */
static void out_need(struct out *o, size_t n)
{
	if (o->len + n + 1 <= o->cap)
		return;
	while (o->len + n + 1 > o->cap)
		o->cap = o->cap ? o->cap * 2 : 65536;
	o->p = realloc(o->p, o->cap);
	if (!o->p)
		die("out of memory");
}

static void out_mem(struct out *o, const char *s, size_t n)
{
	out_need(o, n);
	memcpy(o->p + o->len, s, n);
	o->len += n;
}

static void out_str(struct out *o, const char *s)
{
	out_mem(o, s, strlen(s));
}

static void out_pad(struct out *o, int n)
{
	if (n <= 0)
		return;
	out_need(o, (size_t)n);
	memset(o->p + o->len, ' ', (size_t)n);
	o->len += (size_t)n;
}

static void __attribute__((format(printf, 2, 3))) out_printf(struct out *o,
							       const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	out_need(o, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(o->p + o->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	o->len += (size_t)n;
}

/* out_cell - value right-aligned in w, then a marker and a blank */
static void out_cell(struct out *o, const char *s, int len, int w, char mark)
{
	out_pad(o, w - len);
	out_mem(o, s, (size_t)len);
	out_mem(o, &mark, 1);
}

/* out_json_str - s as a JSON string literal */
static void out_json_str(struct out *o, const char *s)
{
	out_mem(o, "\"", 1);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			out_mem(o, "\\", 1);
			out_mem(o, s, 1);
		} else if (c < 0x20) {
			out_printf(o, "\\u%04x", c);
		} else {
			out_mem(o, s, 1);
		}
	}
	out_mem(o, "\"", 1);
}

/* out_json_num - whole numbers as such, others with 3 decimals, NAN as null */
static void out_json_num(struct out *o, double v)
{
	char buf[32];
	int n;

	if (isnan(v))
		n = snprintf(buf, sizeof(buf), "null");
	else if (v == floor(v) && fabs(v) < 1e15)
		n = irqtop_utoa(buf, (uint64_t)llround(fabs(v)));
	else
		n = snprintf(buf, sizeof(buf), "%.3f", v);
	out_mem(o, buf, (size_t)n);
}

/* out_eol - end a line without the blanks of empty trailing cells */
static void out_eol(struct out *o)
{
	while (o->len && o->p[o->len - 1] == ' ')
		o->len--;
	out_mem(o, "\n", 1);
}

/* out_flush - write the frame at once and empty the buffer */
static void out_flush(struct out *o)
{
	if (o->len && fwrite(o->p, 1, o->len, stdout) != o->len)
		die("cannot write: %s", strerror(errno));
	fflush(stdout);
	o->len = 0;
}

/* fmt_set - a cpu list, "(none)" when empty */
static const char *fmt_set(const struct nohz_cpuset *s, char *buf, size_t len)
{
	if (nohz_cpuset_empty(s))
		return "(none)";
	return nohz_cpuset_format(s, buf, len);
}

/*
 * text_frame - two header lines, the column titles, ticks/s and tasks, then
 * one line per row: NAME TOTAL one cell per CPU DESCRIPTION.  A cell is the
 * value right-aligned and one mark: '*' on an isolated CPU's title, '!' on
 * activity there.
 */
static void text_frame(struct irqtop *t, struct out *o, long frame)
{
	char a[8192], b[8192], c[8192], buf[32];
	bool whole = irqtop_whole(t);
	int namew, totw, w, n;
	double sum;
	time_t now = time(NULL);
	struct tm tm;

	irqtop_widths(t, &namew, &totw, &w);
	localtime_r(&now, &tm);
	strftime(buf, sizeof(buf), "%H:%M:%S", &tm);
	out_printf(o, "irqtop %s  %s  frame %ld  interval %.2f s  %s\n", NOHZ_VERSION, buf,
		   frame, t->have_prev ? t->dt : t->interval,
		   t->absolute ? "counts since boot" : "rates per second");
	out_printf(o, "nohz_full: %s  isolated: %s  housekeeping: %s  HZ: %d  ticks: %s\n",
		   t->have_kernel ? fmt_set(&t->k.nohz_full, a, sizeof(a)) : "?",
		   t->have_kernel ? fmt_set(&t->k.isolated, b, sizeof(b)) : "?",
		   fmt_set(&t->hk, c, sizeof(c)), t->k.hz, t->ctr ? "perf" : "LOC");

	out_str(o, "NAME");
	out_pad(o, namew - 4 + 1);
	out_cell(o, "TOTAL", 5, totw, ' ');
	for (int j = 0; j < t->ncols; j++) {
		n = snprintf(buf, sizeof(buf), "CPU%d", t->cols[j]);
		out_pad(o, 1);
		out_cell(o, buf, n, w, irqtop_col_iso(t, j) ? '*' : ' ');
	}
	out_str(o, " DESCRIPTION\n");

	/* ticks/s */
	out_str(o, "ticks/s");
	sum = 0;
	for (int j = 0; j < t->ncols; j++)
		sum += isnan(t->ticks[j]) ? 0 : t->ticks[j];
	n = irqtop_fmt(buf, t->have_prev ? sum : NAN, whole);
	out_pad(o, namew - 7 + 1);
	out_cell(o, buf, n, totw, ' ');
	for (int j = 0; j < t->ncols; j++) {
		n = irqtop_fmt(buf, t->ticks[j], whole);
		out_pad(o, 1);
		out_cell(o, buf, n, w, irqtop_col_iso(t, j) && t->ticks[j] > 0 ? '!' : ' ');
	}
	out_printf(o, " local timer ticks per second (%s)\n",
		   t->ctr ? "perf irq_vectors:local_timer_entry" : "LOC deltas");

	/* tasks */
	out_str(o, "tasks");
	sum = 0;
	for (int j = 0; j < t->ncols; j++)
		sum += t->tasks[t->cols[j]];
	n = irqtop_fmt(buf, sum, true);
	out_pad(o, namew - 5 + 1);
	out_cell(o, buf, n, totw, ' ');
	for (int j = 0; j < t->ncols; j++) {
		unsigned int k = t->tasks[t->cols[j]];

		n = irqtop_utoa(buf, k);
		out_pad(o, 1);
		out_cell(o, buf, n, w, irqtop_col_iso(t, j) && k > 1 ? '!' : ' ');
	}
	out_str(o, " threads running or runnable, by last CPU\n");

	for (size_t i = 0; i < t->nrows; i++) {
		const struct irqtop_row *v = &t->rows[i];
		size_t l = strlen(v->r->name);

		out_mem(o, v->r->name, l);
		out_pad(o, namew - (int)l + 1);
		n = irqtop_fmt(buf, v->total, whole);
		out_cell(o, buf, n, totw, ' ');
		for (int j = 0; j < t->ncols; j++) {
			if (v->percpu)
				n = irqtop_fmt(buf, v->vals[j], whole);
			else
				n = 0;
			out_pad(o, 1);
			out_cell(o, buf, n, w, !t->absolute && v->deltas[j] &&
				 irqtop_col_iso(t, j) ? '!' : ' ');
		}
		out_mem(o, " ", 1);
		out_str(o, *v->r->desc ? v->r->desc :
			(v->src == SRC_SOFTIRQ ? "softirq" : ""));
		out_eol(o);
	}
	out_mem(o, "\n", 1);
}

/* json_set - one cpu list member: ,"key":"1-3" */
static void json_set(struct out *o, const char *key, const struct nohz_cpuset *s)
{
	char buf[16384];

	out_printf(o, ",\"%s\":", key);
	out_json_str(o, nohz_cpuset_format(s, buf, sizeof(buf)));
}

/* json_frame - the frame as one JSON object on one line */
static void json_frame(struct irqtop *t, struct out *o, long frame)
{
	char sb[32];

	out_printf(o, "{\"tool\":\"irqtop\",\"version\":\"%s\",\"frame\":%ld,\"time\":%ld",
		   NOHZ_VERSION, frame, (long)time(NULL));
	out_str(o, ",\"interval\":");
	out_json_num(o, t->have_prev ? t->dt : NAN);
	out_printf(o, ",\"mode\":\"%s\",\"sort\":\"%s\",\"root\":",
		   t->absolute ? "absolute" : "rate", irqtop_sort_name(t, sb, sizeof(sb)));
	out_json_str(o, nohz_sys_root(t->sys));
	out_printf(o, ",\"hz\":%d", t->k.hz);
	json_set(o, "nohz_full", &t->k.nohz_full);
	json_set(o, "isolated", &t->k.isolated);
	json_set(o, "housekeeping", &t->hk);
	out_printf(o, ",\"ticks_source\":\"%s\",\"ticks_note\":", t->ctr ? "perf" : "LOC");
	out_json_str(o, t->ctr ? "" : t->ctr_note);
	out_str(o, ",\"cpus\":[");
	for (int j = 0; j < t->ncols; j++) {
		int cpu = t->cols[j];

		out_printf(o, "%s{\"cpu\":%d,\"isolated\":%s,\"ticks\":", j ? "," : "", cpu,
			   irqtop_col_iso(t, j) ? "true" : "false");
		out_json_num(o, t->ticks[j]);
		out_printf(o, ",\"tasks\":%u}", t->tasks[cpu]);
	}
	out_str(o, "],\"rows\":[");
	for (size_t i = 0; i < t->nrows; i++) {
		const struct irqtop_row *v = &t->rows[i];

		out_str(o, i ? ",{\"name\":" : "{\"name\":");
		out_json_str(o, v->r->name);
		out_printf(o, ",\"source\":\"%s\",\"irq\":%d,\"desc\":", src_key[v->src],
			   v->r->irq);
		out_json_str(o, v->r->desc);
		out_printf(o, ",\"percpu\":%s,\"isolated_hits\":%d,\"total\":",
			   v->percpu ? "true" : "false", v->hot);
		out_json_num(o, v->total);
		out_str(o, ",\"values\":[");
		for (int j = 0; v->percpu && j < t->ncols; j++) {
			if (j)
				out_mem(o, ",", 1);
			out_json_num(o, v->vals[j]);
		}
		out_str(o, "]");
		if (!t->absolute && t->have_prev) {
			out_str(o, ",\"deltas\":[");
			for (int j = 0; v->percpu && j < t->ncols; j++) {
				char buf[24];
				int n = irqtop_utoa(buf, v->deltas[j]);

				if (j)
					out_mem(o, ",", 1);
				out_mem(o, buf, (size_t)n);
			}
			out_str(o, "]");
		}
		out_str(o, "}");
	}
	out_str(o, "]}\n");
}

static struct out frame_out;

void irqtop_print_frame(struct irqtop *t, long frame)
{
	if (t->json)
		json_frame(t, &frame_out, frame);
	else
		text_frame(t, &frame_out, frame);
	out_flush(&frame_out);
}

void irqtop_print_done(void)
{
	free(frame_out.p);
	frame_out = (struct out){ 0 };
}
