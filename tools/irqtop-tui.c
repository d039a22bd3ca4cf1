// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * irqtop-tui.c - the interactive screen of irqtop (ncurses).
 *
 * Layout: a title bar, the kernel's isolation line, the column header, the
 * ticks/s and tasks summary rows, the interrupt rows, a status line.  NAME
 * and TOTAL stay put; CPU columns scroll sideways, so 1024 CPUs are read a
 * screenful at a time.  The loop sleeps in poll() on the terminal, so keys
 * act at once and a signal (SIGINT, SIGTERM, or ncurses' SIGWINCH) wakes it.
 */
#include <curses.h>
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "irqtop.h"

enum { PAIR_HOT = 1, PAIR_ISO, PAIR_DIM };
enum { TOP_ROWS = 5 };	/* title, kernel line, header, ticks/s, tasks */

struct tui {
	struct irqtop *t;
	int col_off, row_off;
	int namew, totw, colw;	/* only grow, so columns do not jitter */
	bool paused, help, prompt;
	char input[128];
	size_t ilen;
	char msg[512];
};

static const double steps[] = { 0.1, 0.2, 0.25, 0.5, 1, 2, 3, 5, 10, 15, 30, 60 };

/* visible_cols - CPU columns that fit beside NAME and TOTAL */
static int visible_cols(const struct tui *u)
{
	int room = COLS - (u->namew + 1 + u->totw + 1);
	int n = room / (u->colw + 2);

	return n < 1 ? 1 : n;
}

static void clamp_scroll(struct tui *u)
{
	int vis = visible_cols(u), rows = LINES - TOP_ROWS - 1;

	if (u->col_off > u->t->ncols - vis)
		u->col_off = u->t->ncols - vis;
	if (u->col_off < 0)
		u->col_off = 0;
	if (rows < 1)
		rows = 1;
	if (u->row_off > (int)u->t->nrows - rows)
		u->row_off = (int)u->t->nrows - rows;
	if (u->row_off < 0)
		u->row_off = 0;
}

/* cell - one value at the cursor: right-aligned, then its marker */
static void cell(const struct tui *u, const char *s, int w, char mark, attr_t attr)
{
	int len = (int)strlen(s), pad = w > len ? w - len : 0;

	printw("%*s", 1 + pad, "");
	attron(attr);
	addstr(s);
	addch((chtype)mark);
	attroff(attr);
}

static attr_t hot_attr(void)
{
	return (has_colors() ? COLOR_PAIR(PAIR_HOT) : A_REVERSE) | A_BOLD;
}

static void draw_title(const struct tui *u)
{
	const struct irqtop *t = u->t;
	char when[16], sort[32], nf[512], is[512], hk[512];
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	strftime(when, sizeof(when), "%H:%M:%S", &tm);
	attron(A_REVERSE);
	mvhline(0, 0, ' ', COLS);
	mvprintw(0, 0, " irqtop %s  every %gs  sort: %s  %s%s%s%s", NOHZ_VERSION,
		 t->interval, irqtop_sort_name(t, sort, sizeof(sort)),
		 t->absolute ? "counts since boot" : "rates per second",
		 t->iso_only ? "  isolated only" : "", t->nonzero ? "  nonzero rows" : "",
		 u->paused ? "  [PAUSED]" : "");
	mvprintw(0, COLS - 9 > 0 ? COLS - 9 : 0, "%s", when);
	attroff(A_REVERSE);
	mvprintw(1, 0, "nohz_full: %s  isolated: %s  housekeeping: %s  HZ: %d  ticks: %s",
		 nohz_cpuset_empty(&t->k.nohz_full) ? "(none)" :
		 nohz_cpuset_format(&t->k.nohz_full, nf, sizeof(nf)),
		 nohz_cpuset_empty(&t->k.isolated) ? "(none)" :
		 nohz_cpuset_format(&t->k.isolated, is, sizeof(is)),
		 nohz_cpuset_empty(&t->hk) ? "(none)" : nohz_cpuset_format(&t->hk, hk, sizeof(hk)),
		 t->k.hz, t->ctr ? "perf" : "LOC");
}

/* draw_rest - the description after the last drawn cell, when room is left */
static void draw_rest(const char *s)
{
	int y, x;

	getyx(stdscr, y, x);
	if (COLS - x > 4)
		mvaddnstr(y, x + 1, s, COLS - x - 1);
}

static void draw_table(struct tui *u)
{
	struct irqtop *t = u->t;
	bool whole = irqtop_whole(t);
	int vis, last, y, rows;
	char buf[64];
	double sum;

	vis = visible_cols(u);
	clamp_scroll(u);
	last = u->col_off + vis < t->ncols ? u->col_off + vis : t->ncols;

	attron(A_BOLD);
	mvprintw(2, 0, "%-*s %*s ", u->namew, "NAME", u->totw, "TOTAL");
	for (int j = u->col_off; j < last; j++) {
		snprintf(buf, sizeof(buf), "CPU%d", t->cols[j]);
		cell(u, buf, u->colw, irqtop_col_iso(t, j) ? '*' : ' ',
		     irqtop_col_iso(t, j) && has_colors() ? COLOR_PAIR(PAIR_ISO) : 0);
	}
	draw_rest("DESCRIPTION");
	if (u->col_off > 0)
		mvaddch(2, u->namew + 1 + u->totw, '<');
	if (last < t->ncols)
		mvaddch(2, COLS - 1, '>');
	attroff(A_BOLD);

	sum = 0;
	for (int j = 0; j < t->ncols; j++)
		sum += isnan(t->ticks[j]) ? 0 : t->ticks[j];
	irqtop_fmt(buf, t->have_prev ? sum : NAN, whole);
	mvprintw(3, 0, "%-*s %*s ", u->namew, "ticks/s", u->totw, buf);
	for (int j = u->col_off; j < last; j++) {
		bool hot = irqtop_col_iso(t, j) && t->ticks[j] > 0;

		irqtop_fmt(buf, t->ticks[j], whole);
		cell(u, buf, u->colw, hot ? '!' : ' ', hot ? hot_attr() : 0);
	}
	draw_rest(t->ctr ? "ticks (perf)" : "ticks (LOC)");

	sum = 0;
	for (int j = 0; j < t->ncols; j++)
		sum += t->tasks[t->cols[j]];
	mvprintw(4, 0, "%-*s %*.0f ", u->namew, "tasks", u->totw, sum);
	for (int j = u->col_off; j < last; j++) {
		unsigned int k = t->tasks[t->cols[j]];
		bool hot = irqtop_col_iso(t, j) && k > 1;

		snprintf(buf, sizeof(buf), "%u", k);
		cell(u, buf, u->colw, hot ? '!' : ' ', hot ? hot_attr() : 0);
	}
	draw_rest("running or runnable threads");
	mvchgat(4, 0, -1, A_UNDERLINE, 0, NULL);

	rows = LINES - TOP_ROWS - 1;
	for (y = 0; y < rows && u->row_off + y < (int)t->nrows; y++) {
		const struct irqtop_row *v = &t->rows[u->row_off + y];

		irqtop_fmt(buf, v->total, whole);
		mvprintw(TOP_ROWS + y, 0, "%-*s %*s ", u->namew, v->r->name, u->totw, buf);
		for (int j = u->col_off; j < last; j++) {
			bool hot = !t->absolute && v->deltas[j] && irqtop_col_iso(t, j);

			if (v->percpu)
				irqtop_fmt(buf, v->vals[j], whole);
			else
				buf[0] = '\0';
			cell(u, buf, u->colw, hot ? '!' : ' ', hot ? hot_attr() : 0);
		}
		draw_rest(*v->r->desc ? v->r->desc : v->src == SRC_SOFTIRQ ? "softirq" : "");
	}
}

static void draw_status(const struct tui *u)
{
	const struct irqtop *t = u->t;
	int vis = visible_cols(u), last, rows;

	move(LINES - 1, 0);
	clrtoeol();
	if (u->prompt) {
		mvprintw(LINES - 1, 0, "CPUs to show (e.g. 1-3,8; empty: all): %s", u->input);
		return;
	}
	if (u->msg[0]) {
		attron(A_BOLD);
		mvaddnstr(LINES - 1, 0, u->msg, COLS - 1);
		attroff(A_BOLD);
		return;
	}
	last = u->col_off + vis < t->ncols ? u->col_off + vis : t->ncols;
	rows = u->row_off + LINES - TOP_ROWS - 1;
	if (rows > (int)t->nrows)
		rows = (int)t->nrows;
	attron(has_colors() ? COLOR_PAIR(PAIR_DIM) : A_DIM);
	mvprintw(LINES - 1, 0, "cols %d-%d of %d  rows %d-%d of %zu  |  h help  q quit",
		 t->ncols ? u->col_off + 1 : 0, last, t->ncols,
		 t->nrows ? u->row_off + 1 : 0, rows, t->nrows);
	attroff(has_colors() ? COLOR_PAIR(PAIR_DIM) : A_DIM);
}

/* draw_help - the keys and marks in a box over the table */
static void draw_help(const struct irqtop *t)
{
	static const char *const lines[] = {
		"irqtop keys",
		"",
		"q            quit",
		"space, p     pause / resume",
		"s            sort: total, name, then each CPU column",
		"+ / -        longer / shorter interval",
		"c            choose the CPUs to show",
		"i            only isolated CPUs (nohz_full or isolated)",
		"a            rates per second / counts since boot",
		"z            hide rows that are zero on the shown CPUs",
		"left, right  scroll CPU columns (Home, End)",
		"up, down     scroll rows (PgUp, PgDn)",
		"",
		"CPUn*  isolated CPU      value!  activity on an isolated CPU",
		"ticks/s  local timer ticks per second (perf, else LOC)",
		"tasks    threads in state R whose last CPU it is",
		"",
		"any key closes this help",
	};
	int n = (int)(sizeof(lines) / sizeof(lines[0])), w = 64;
	int y0 = (LINES - n - 2) / 2, x0 = (COLS - w) / 2;

	if (y0 < 0)
		y0 = 0;
	if (x0 < 0)
		x0 = 0;
	for (int i = 0; i < n + 2; i++) {
		move(y0 + i, x0);
		attron(A_REVERSE);
		printw("%-*s", w, "");
		attroff(A_REVERSE);
	}
	attron(A_REVERSE);
	for (int i = 0; i < n; i++)
		mvaddnstr(y0 + 1 + i, x0 + 2, lines[i], w - 4);
	if (!t->ctr)	/* why ticks come from LOC */
		mvprintw(y0 + n - 1, x0 + 2, "ticks from LOC: %.*s", w - 20, t->ctr_note);
	attroff(A_REVERSE);
}

static void draw(struct tui *u)
{
	struct irqtop *t = u->t;
	int namew, totw, colw;

	irqtop_widths(t, &namew, &totw, &colw);
	if (namew > u->namew)
		u->namew = namew;
	if (totw > u->totw)
		u->totw = totw;
	if (colw > u->colw)
		u->colw = colw;
	erase();
	draw_title(u);
	draw_table(u);
	draw_status(u);
	if (u->help)
		draw_help(t);
	refresh();
}

/* rebuild - the view after a change of options; undo the change on error */
static bool rebuild(struct tui *u)
{
	char err[256];

	if (irqtop_build(u->t, err, sizeof(err)) < 0) {
		snprintf(u->msg, sizeof(u->msg), "%s", err);
		return false;
	}
	return true;
}

static void set_interval(struct tui *u, int dir)
{
	struct irqtop *t = u->t;
	int n = (int)(sizeof(steps) / sizeof(steps[0])), i;

	if (dir > 0) {
		for (i = 0; i < n - 1 && steps[i] <= t->interval + 1e-9; i++)
			;
	} else {
		for (i = n - 1; i > 0 && steps[i] >= t->interval - 1e-9; i--)
			;
	}
	t->interval = steps[i];
}

static void cycle_sort(struct tui *u)
{
	struct irqtop *t = u->t;
	int j;

	switch (t->sort) {
	case SORT_TOTAL:
		t->sort = SORT_NAME;
		break;
	case SORT_NAME:
		t->sort = SORT_CPU;
		t->sort_cpu = t->cols[0];
		u->col_off = 0;
		break;
	case SORT_CPU:
		for (j = 0; j < t->ncols && t->cols[j] != t->sort_cpu; j++)
			;
		if (j + 1 >= t->ncols) {
			t->sort = SORT_TOTAL;
			break;
		}
		t->sort_cpu = t->cols[j + 1];
		if (j + 1 >= u->col_off + visible_cols(u))	/* keep it in view */
			u->col_off = j + 2 - visible_cols(u);
		break;
	}
	irqtop_sort_rows(t);
}

static void prompt_done(struct tui *u)
{
	struct irqtop *t = u->t;
	struct nohz_cpuset old = t->filter;
	bool was = t->filtered;
	char err[256];

	u->prompt = false;
	u->input[u->ilen] = '\0';
	if (!u->ilen) {
		t->filtered = false;
	} else if (nohz_cpuset_parse(&t->filter, u->input, err, sizeof(err)) < 0) {
		snprintf(u->msg, sizeof(u->msg), "cannot parse cpu list '%s': %s", u->input, err);
		t->filter = old;
		return;
	} else {
		struct nohz_cpuset beyond;

		nohz_cpuset_andnot(&beyond, &t->filter, &t->k.possible);
		if (t->have_kernel && !nohz_cpuset_empty(&beyond)) {
			snprintf(u->msg, sizeof(u->msg), "cpu list '%s' has CPU %d, which this "
				 "machine cannot have", u->input, nohz_cpuset_next(&beyond, -1));
			t->filter = old;
			return;
		}
		t->filtered = true;
	}
	if (!rebuild(u)) {
		t->filter = old;
		t->filtered = was;
		rebuild(u);
	}
	u->col_off = 0;
}

static void prompt_key(struct tui *u, int ch)
{
	if (ch == '\n' || ch == '\r' || ch == KEY_ENTER) {
		prompt_done(u);
	} else if (ch == 27) {
		u->prompt = false;
	} else if (ch == KEY_BACKSPACE || ch == 127 || ch == 8) {
		if (u->ilen)
			u->input[--u->ilen] = '\0';
	} else if (ch >= 32 && ch < 127 && u->ilen + 1 < sizeof(u->input)) {
		u->input[u->ilen++] = (char)ch;
		u->input[u->ilen] = '\0';
	}
}

/* key - act on one key; false to quit */
static bool key(struct tui *u, int ch, uint64_t *next)
{
	struct irqtop *t = u->t;
	int page = LINES - TOP_ROWS - 1;

	if (u->prompt) {
		prompt_key(u, ch);
		return true;
	}
	if (ch != KEY_RESIZE)
		u->msg[0] = '\0';
	if (u->help && ch != KEY_RESIZE) {
		u->help = false;
		return true;
	}
	switch (ch) {
	case 'q':
	case 'Q':
		return false;
	case ' ':
	case 'p':
		u->paused = !u->paused;
		break;
	case 's':
		cycle_sort(u);
		break;
	case '+':
	case '=':
	case '-':
		set_interval(u, ch == '-' ? -1 : 1);
		*next = t->t_cur + (uint64_t)(t->interval * 1e9);
		break;
	case 'c':
		u->prompt = true;
		u->ilen = 0;
		u->input[0] = '\0';
		break;
	case 'i':
		t->iso_only = !t->iso_only;
		if (!rebuild(u)) {
			t->iso_only = !t->iso_only;
			rebuild(u);
		}
		break;
	case 'a':
		t->absolute = !t->absolute;
		u->totw = u->colw = 0;
		rebuild(u);
		break;
	case 'z':
		t->nonzero = !t->nonzero;
		rebuild(u);
		break;
	case 'h':
	case '?':
		u->help = true;
		break;
	case KEY_LEFT:
		u->col_off--;
		break;
	case KEY_RIGHT:
		u->col_off++;
		break;
	case KEY_HOME:
		u->col_off = 0;
		break;
	case KEY_END:
		u->col_off = t->ncols;
		break;
	case KEY_UP:
		u->row_off--;
		break;
	case KEY_DOWN:
		u->row_off++;
		break;
	case KEY_PPAGE:
		u->row_off -= page;
		break;
	case KEY_NPAGE:
		u->row_off += page;
		break;
	}
	clamp_scroll(u);
	return true;
}

int irqtop_tui(struct irqtop *t, char *err, size_t errlen)
{
	struct tui u = { .t = t };
	uint64_t next;
	int rc = 0;

	if (irqtop_build(t, err, errlen) < 0)
		return -ENOENT;
	if (!initscr()) {
		snprintf(err, errlen, "cannot start the terminal screen");
		return -EIO;
	}
	cbreak();
	noecho();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	curs_set(0);
	if (has_colors()) {
		start_color();
		use_default_colors();
		init_pair(PAIR_HOT, COLOR_RED, -1);
		init_pair(PAIR_ISO, COLOR_CYAN, -1);
		init_pair(PAIR_DIM, COLOR_BLUE, -1);
	}
	next = t->t_cur + (uint64_t)(t->interval * 1e9);
	while (!irqtop_stop) {
		struct pollfd pfd = { .fd = STDIN_FILENO, .events = POLLIN };
		uint64_t now = irqtop_now();
		int ch;

		draw(&u);
		poll(&pfd, 1, next > now ? (int)((next - now) / 1000000) + 1 : 0);
		if (irqtop_stop)
			break;
		while ((ch = getch()) != ERR)
			if (!key(&u, ch, &next))
				goto out;
		now = irqtop_now();
		if (now < next)
			continue;
		next += (uint64_t)(t->interval * 1e9);
		if (next < now)
			next = now + (uint64_t)(t->interval * 1e9);
		if (u.paused)
			continue;
		rc = irqtop_sample(t, err, errlen);
		if (rc < 0)
			break;
		if (!rebuild(&u)) {	/* CPUs went offline: show what is left */
			t->filtered = t->iso_only = false;
			rebuild(&u);
		}
	}
out:
	endwin();
	return rc;
}
