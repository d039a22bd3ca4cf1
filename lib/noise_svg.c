// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * noise_svg.c - the noise of a window as an SVG timeline: a lane per cpu
 * with each gap at its time, coloured by its main cause, a legend, a time
 * axis, and each cpu's gap histogram beside its lane.
 *
 * The picture stays small and exact whatever the counts: the gaps that
 * fall in one pixel column of a lane become one rect with the longest
 * one's colour, so a lane holds at most TL_W rects.  Every coordinate is
 * a whole pixel (crispEdges), so a 1 ns gap is still a sharp 1 px line,
 * and the data-* attributes of each lane say where its pixels are
 * (tests/helpers/svgcheck.py renders the file and looks there).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

#define SVG_W		1200
#define LABEL_X		8	/* the lanes' labels */
#define TL_X		180	/* the timeline */
#define TL_W		740
#define HIST_X		940	/* the histograms */
#define HIST_W		240
#define LANES_Y		96	/* top of the first lane, below the header */
#define LANE_H_MAX	40
#define LANE_H_MIN	4
#define LANES_H		1600	/* lanes get thinner past this height */
#define TEXT_H		12	/* thinner lanes carry no text of their own */

/*
 * The kinds as nohz_noise_kind_name() names them, and one more for gaps no
 * trace record explained: kept here so the picture needs nothing else of
 * lib/noise.c.  Colours: distinct hues, none close to the lanes' greys.
 */
#define KIND_NONE	NOHZ_NOISE_KINDS
#define KIND_UNSET	0xff
static const struct svg_kind {
	const char *name, *colour;
} svg_kinds[NOHZ_NOISE_KINDS + 1] = {
	[NOHZ_NOISE_IRQ]	= { "irq", "#d62728" },
	[NOHZ_NOISE_SOFTIRQ]	= { "softirq", "#ff7f0e" },
	[NOHZ_NOISE_TIMER]	= { "timer", "#1f77b4" },
	[NOHZ_NOISE_WORK]	= { "work", "#2ca02c" },
	[NOHZ_NOISE_THREAD]	= { "thread", "#9467bd" },
	[NOHZ_NOISE_IPI]	= { "ipi", "#e377c2" },
	[NOHZ_NOISE_NMI]	= { "nmi", "#8c564b" },
	[NOHZ_NOISE_HW]		= { "hw", "#17becf" },
	[KIND_NONE]		= { "not attributed", "#9e9e9e" },
};
static const char *const lane_bg[2] = { "#f2f2f2", "#e6e6e6" };

struct svg_layout {
	uint64_t window_ns;	/* the longest window: the time axis */
	size_t n;
	int lane_h, pad;	/* pad: rows between two lanes' bands */
	int label_every;	/* thin lanes: "CPU N" on every so many */
	int height;
	int bmin, bmax;		/* histogram buckets shown, bmin > bmax: none */
	int bar_w;
	uint64_t hmax;		/* largest count, the bars' common scale */
};

/*
 * svg_puts - s as XML character data or attribute text: the markup bytes
 * escaped, whitespace controls as spaces, other controls dropped, bytes
 * that are not UTF-8 as '?' (one bad byte would make the file unreadable)
 */
static void svg_puts(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		size_t len;

		switch (*p) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&apos;", f); break;
		case '\t': case '\n': case '\r': fputc(' ', f); break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				break;
			if (*p < 0x80) {
				fputc(*p, f);
				break;
			}
			len = utf8_len(p);
			if (!len) {
				fputc('?', f);
				break;
			}
			fwrite(p, 1, len, f);
			p += len;
			continue;
		}
		p++;
	}
}

/* svg_fmt_ns - ns as "12ns", "1.5us", "130ms", "2s" with sig significant
 * digits at most */
static const char *svg_fmt_ns(char *buf, size_t len, uint64_t ns, int sig)
{
	static const struct { uint64_t div; const char *unit; } u[] = {
		{ 1000000000, "s" }, { 1000000, "ms" }, { 1000, "us" }, { 1, "ns" },
	};
	size_t i = 0;
	double v;
	int dec;
	char *dot;

	while (i < ARRAY_SIZE(u) - 1 && ns < u[i].div)
		i++;
	v = (double)ns / u[i].div;
	dec = v >= 100 ? 0 : v >= 10 ? sig - 2 : sig - 1;
	snprintf(buf, len, "%.*f", dec > 0 ? dec : 0, v);
	dot = strchr(buf, '.');
	if (dot) {	/* "1.50" -> "1.5", "2.0" -> "2" */
		char *e = buf + strlen(buf) - 1;

		while (e > dot && *e == '0')
			*e-- = '\0';
		if (e == dot)
			*e = '\0';
	}
	snprintf(buf + strlen(buf), len - strlen(buf), "%s", u[i].unit);
	return buf;
}

/* svg_col - the pixel column of ns on the time axis, as a real number */
static double svg_col(const struct svg_layout *L, double ns)
{
	return ns * TL_W / (double)L->window_ns;
}

/* svg_bucket_low - the lower edge of log2 bucket b (as struct nohz_gaps) */
static uint64_t svg_bucket_low(int b)
{
	return b <= 0 ? 0 : 1ULL << b;
}

/* svg_layout_init - lane height from the cpu count, the axis from the
 * longest window, the histogram's buckets from every cpu's */
static void svg_layout_init(struct svg_layout *L, const struct nohz_noise *n)
{
	memset(L, 0, sizeof(*L));
	L->n = n->n;
	L->bmin = NOHZ_HIST_BUCKETS;
	L->bmax = -1;
	for (size_t i = 0; i < n->n; i++) {
		const struct nohz_noise_cpu *c = &n->cpus[i];

		if (c->window_ns > L->window_ns)
			L->window_ns = c->window_ns;
		/* no window at all: the marks are the axis */
		for (size_t m = 0; !c->window_ns && m < c->nmarks; m++)
			if (c->marks[m].start_ns + c->marks[m].duration_ns > L->window_ns)
				L->window_ns = c->marks[m].start_ns + c->marks[m].duration_ns;
		for (int b = 0; b < NOHZ_HIST_BUCKETS; b++) {
			if (!c->hist[b])
				continue;
			L->bmin = b < L->bmin ? b : L->bmin;
			L->bmax = b > L->bmax ? b : L->bmax;
			L->hmax = c->hist[b] > L->hmax ? c->hist[b] : L->hmax;
		}
	}
	if (!L->window_ns)
		L->window_ns = 1;
	if (L->bmin <= L->bmax)
		L->bar_w = HIST_W / (L->bmax - L->bmin + 1);
	if (L->bar_w > 24)
		L->bar_w = 24;

	L->lane_h = n->n ? LANES_H / (int)(n->n > LANES_H ? LANES_H : n->n) : LANE_H_MAX;
	if (L->lane_h > LANE_H_MAX)
		L->lane_h = LANE_H_MAX;
	if (L->lane_h < LANE_H_MIN)
		L->lane_h = LANE_H_MIN;
	L->pad = L->lane_h >= TEXT_H ? 3 : L->lane_h >= 6 ? 1 : 0;
	L->label_every = (16 + L->lane_h - 1) / L->lane_h;
	L->height = LANES_Y + (int)n->n * L->lane_h + 36;
}

/* svg_legend - a swatch and a name per kind; data-kind finds them */
static void svg_legend(FILE *f, int y)
{
	int x = LABEL_X;

	for (size_t k = 0; k < ARRAY_SIZE(svg_kinds); k++) {
		fprintf(f, "<rect class=\"key\" data-kind=\"%s\" x=\"%d\" y=\"%d\" width=\"10\" "
			"height=\"10\" fill=\"%s\"/><text x=\"%d\" y=\"%d\">%s</text>\n",
			svg_kinds[k].name, x, y, svg_kinds[k].colour, x + 14, y + 9,
			svg_kinds[k].name);
		x += 14 + 6 * (int)strlen(svg_kinds[k].name) + 18;
	}
}

/* svg_axis - time ticks in 1-2-5 steps over the timeline and bucket edges
 * over the histograms; labels above y when up, else below */
static void svg_axis(FILE *f, const struct svg_layout *L, int y, bool up)
{
	static const struct { uint64_t div; const char *unit; } u[] = {
		{ 1000000000, "s" }, { 1000000, "ms" }, { 1000, "us" }, { 1, "ns" },
	};
	uint64_t raw = L->window_ns / 8 ? L->window_ns / 8 : 1, p = 1, step, m10 = 1;
	int ty = up ? y - 4 : y + 4, ly = up ? y - 7 : y + 15, dec = 0;
	size_t i = 0;
	char a[32];

	while (p <= raw / 10)
		p *= 10;
	step = p >= raw ? p : 2 * p >= raw ? 2 * p : 5 * p >= raw ? 5 * p : 10 * p;
	while (i < ARRAY_SIZE(u) - 1 && L->window_ns < u[i].div)
		i++;
	/* just the decimals the step needs: 0.5 s, 2.5 ms, 10 us */
	while (dec < 9 && (step * m10) % u[i].div) {
		dec++;
		m10 *= 10;
	}
	fprintf(f, "<g class=\"axis\" stroke=\"#444\">\n"
		"<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>\n", TL_X, y, TL_X + TL_W, y);
	for (uint64_t t = 0; t <= L->window_ns; t += step) {
		int x = TL_X + (int)svg_col(L, (double)t);

		fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>"
			"<text x=\"%d\" y=\"%d\" stroke=\"none\" text-anchor=\"%s\">%.*f %s</text>\n",
			x, y, x, ty, x, ly, t ? "middle" : "start", dec,
			(double)t / u[i].div, u[i].unit);
		if (L->window_ns - t < step)
			break;	/* t + step would wrap past UINT64_MAX */
	}
	/* a bucket edge label every ~44 px, each "lower.." */
	for (int b = L->bmin; L->bar_w && b <= L->bmax; b += (44 + L->bar_w - 1) / L->bar_w)
		fprintf(f, "<text x=\"%d\" y=\"%d\" stroke=\"none\">%s..</text>\n",
			HIST_X + (b - L->bmin) * L->bar_w, ly,
			svg_fmt_ns(a, sizeof(a), svg_bucket_low(b), 2));
	fputs("</g>\n", f);
}

/* svg_head - the prolog, the title, one line on the window, the legend
 * and the axis above the lanes */
static void svg_head(FILE *f, const struct svg_layout *L, const struct nohz_noise *n,
		     const char *title)
{
	char w[32], th[32];

	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
		"viewBox=\"0 0 %d %d\" font-family=\"DejaVu Sans, Helvetica, sans-serif\" "
		"font-size=\"10\" shape-rendering=\"crispEdges\" data-lanes=\"%zu\" "
		"data-window-ns=\"%llu\">\n<title>", SVG_W, L->height, SVG_W, L->height,
		n->n, (unsigned long long)L->window_ns);
	svg_puts(f, title ? title : "nohz noise");
	fprintf(f, "</title>\n<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n",
		SVG_W, L->height);
	if (title) {
		fprintf(f, "<text x=\"%d\" y=\"22\" font-size=\"16\" font-weight=\"bold\">",
			LABEL_X);
		svg_puts(f, title);
		fputs("</text>\n", f);
	}
	fprintf(f, "<text x=\"%d\" y=\"40\" fill=\"#444\">window %s, %zu CPU%s, gaps over %s",
		LABEL_X, svg_fmt_ns(w, sizeof(w), L->window_ns, 3), n->n, n->n == 1 ? "" : "s",
		svg_fmt_ns(th, sizeof(th), n->threshold_ns, 3));
	if (n->clock) {
		fputs(", clock ", f);
		svg_puts(f, n->clock);
	}
	fputs("; each gap at least 1 px wide, a pixel column the colour of its "
	      "longest gap</text>\n", f);
	svg_legend(f, 52);
	fprintf(f, "<text x=\"%d\" y=\"74\" fill=\"#444\">gaps per log2 length bucket "
		"(bar: log count)</text>\n", HIST_X);
	svg_axis(f, L, LANES_Y - 4, true);
}

/*
 * svg_lane_gaps - the gaps of one lane: each column takes the kind of the
 * longest gap over it, then runs of one kind become one rect
 */
static void svg_lane_gaps(FILE *f, const struct svg_layout *L,
			  const struct nohz_noise_cpu *c, int y0, int y1)
{
	uint64_t dur[TL_W];
	unsigned char kind[TL_W];

	memset(kind, KIND_UNSET, sizeof(kind));
	for (size_t i = 0; i < c->nmarks; i++) {
		const struct nohz_noise_mark *m = &c->marks[i];
		double s = (double)m->start_ns;
		int a = (int)floor(fmin(svg_col(L, s), TL_W - 1));
		int b = (int)ceil(fmin(svg_col(L, s + (double)m->duration_ns), TL_W));
		unsigned char k = m->attributed && (unsigned int)m->kind < NOHZ_NOISE_KINDS ?
				  (unsigned char)m->kind : KIND_NONE;

		if (b <= a)
			b = a + 1;	/* a 1 ns gap is still a line */
		for (int x = a; x < b; x++) {
			if (kind[x] != KIND_UNSET && dur[x] >= m->duration_ns)
				continue;
			kind[x] = k;
			dur[x] = m->duration_ns;
		}
	}
	for (int x = 0; x < TL_W;) {
		int e = x + 1;

		if (kind[x] == KIND_UNSET) {
			x++;
			continue;
		}
		while (e < TL_W && kind[e] == kind[x])
			e++;
		fprintf(f, "<rect class=\"gap\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
			"fill=\"%s\"/>\n", TL_X + x, y0, e - x, y1 - y0,
			svg_kinds[kind[x]].colour);
		x = e;
	}
}

/* svg_lane_hist - a bar per nonempty bucket, log count, the lane's band
 * high at the largest count of any cpu */
static void svg_lane_hist(FILE *f, const struct svg_layout *L,
			  const struct nohz_noise_cpu *c, int y0, int y1, bool tips)
{
	double top = log2(1.0 + (double)L->hmax);
	char lo[32], hi[32];

	if (!L->bar_w)
		return;
	for (int b = L->bmin; b <= L->bmax; b++) {
		int h;

		if (!c->hist[b])
			continue;
		h = (int)lround((y1 - y0) * log2(1.0 + (double)c->hist[b]) / top);
		h = h < 1 ? 1 : h;
		fprintf(f, "<rect class=\"hbar\" data-bucket=\"%d\" x=\"%d\" y=\"%d\" "
			"width=\"%d\" height=\"%d\" fill=\"#555555\"", b,
			HIST_X + (b - L->bmin) * L->bar_w, y1 - h,
			L->bar_w > 2 ? L->bar_w - 1 : L->bar_w, h);
		if (!tips) {
			fputs("/>\n", f);
			continue;
		}
		svg_fmt_ns(lo, sizeof(lo), svg_bucket_low(b), 3);
		if (b == NOHZ_HIST_BUCKETS - 1)
			hi[0] = '\0';	/* the last bucket has no upper edge */
		else
			svg_fmt_ns(hi, sizeof(hi), svg_bucket_low(b + 1), 3);
		fprintf(f, "><title>%s..%s: %llu gaps</title></rect>\n", lo, hi,
			(unsigned long long)c->hist[b]);
	}
}

/* svg_lane_label - "CPU N", % available and the longest gap; red when
 * the cpu misses the limits n carries */
static void svg_lane_label(FILE *f, const struct svg_layout *L, const struct nohz_noise *n,
			   const struct nohz_noise_cpu *c, size_t i, int top)
{
	bool bad = (n->min_available >= 0 && c->available_pct < n->min_available) ||
		   (n->max_gap_ns && c->max_gap_ns > n->max_gap_ns);
	const char *fill = bad ? "#c00000" : "#000000";
	char mx[32];

	if (L->lane_h < TEXT_H) {
		if (i % L->label_every == 0)
			fprintf(f, "<text class=\"label\" x=\"%d\" y=\"%d\" font-size=\"9\" "
				"fill=\"%s\">CPU %d</text>\n", LABEL_X,
				top + L->lane_h / 2 + 4, fill, c->cpu);
		return;
	}
	svg_fmt_ns(mx, sizeof(mx), c->max_gap_ns, 3);
	if (L->lane_h >= 28) {
		fprintf(f, "<text class=\"label\" x=\"%d\" y=\"%d\" fill=\"%s\">"
			"<tspan font-size=\"12\" font-weight=\"bold\">CPU %d</tspan> "
			"%llu gaps%s</text>\n<text x=\"%d\" y=\"%d\" fill=\"%s\">"
			"%.3f%% available, max %s</text>\n", LABEL_X, top + L->lane_h / 2 - 2,
			fill, c->cpu, (unsigned long long)c->gaps,
			c->traced ? "" : ", not traced", LABEL_X, top + L->lane_h / 2 + 11,
			fill, c->available_pct, mx);
		return;
	}
	fprintf(f, "<text class=\"label\" x=\"%d\" y=\"%d\" font-size=\"%d\" fill=\"%s\">"
		"CPU %d  %.2f%%  max %s</text>\n", LABEL_X, top + L->lane_h / 2 + 4,
		L->lane_h >= 16 ? 10 : 9, fill, c->cpu, c->available_pct, mx);
}

/* svg_lane - one cpu: its band as long as its window, gaps, label, histogram */
static void svg_lane(FILE *f, const struct svg_layout *L, const struct nohz_noise *n,
		     size_t i)
{
	const struct nohz_noise_cpu *c = &n->cpus[i];
	int top = LANES_Y + (int)i * L->lane_h;
	int y0 = top + L->pad, y1 = top + L->lane_h - L->pad;
	int w = c->window_ns ? (int)ceil(svg_col(L, (double)c->window_ns)) : TL_W;
	const char *bg = lane_bg[i & 1];

	if (y1 - y0 < 2)	/* thin lanes: the band fills the lane */
		y0 = top, y1 = top + L->lane_h;
	w = w < 1 ? 1 : w > TL_W ? TL_W : w;
	fprintf(f, "<g class=\"lane\" data-cpu=\"%d\" data-y0=\"%d\" data-y1=\"%d\" "
		"data-x0=\"%d\" data-x1=\"%d\" data-gaps=\"%zu\" data-bg=\"%s\">\n"
		"<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>\n",
		c->cpu, y0, y1, TL_X, TL_X + TL_W, c->nmarks, bg,
		TL_X, y0, w, y1 - y0, bg);
	if (L->bar_w)
		fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>\n",
			HIST_X, y0, (L->bmax - L->bmin + 1) * L->bar_w, y1 - y0, bg);
	svg_lane_label(f, L, n, c, i, top);
	svg_lane_gaps(f, L, c, y0, y1);
	svg_lane_hist(f, L, c, y0, y1, L->lane_h >= TEXT_H);
	fputs("</g>\n", f);
}

int nohz_noise_svg(FILE *f, const struct nohz_noise *n, const char *title)
{
	struct svg_layout L;
	int saved = errno, err;

	if (!f || !n || (n->n && !n->cpus))
		return -EINVAL;
	svg_layout_init(&L, n);
	errno = 0;	/* what a failed write leaves here is the answer */
	svg_head(f, &L, n, title);
	for (size_t i = 0; i < n->n; i++)
		svg_lane(f, &L, n, i);
	if (n->n * L.lane_h > 400)	/* the axis again under tall pictures */
		svg_axis(f, &L, LANES_Y + (int)n->n * L.lane_h + 4, false);
	fputs("</svg>\n", f);
	if (fflush(f) || ferror(f)) {
		err = errno ? errno : EIO;
		errno = saved;
		return -err;
	}
	errno = saved;
	return 0;
}
