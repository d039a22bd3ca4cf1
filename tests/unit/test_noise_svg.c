// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * test_noise_svg.c - the noise timeline as SVG, read back as text: a lane
 * group per cpu in order, a rect per gap where gaps are sparse and at
 * their time, one rect per pixel column at most where they are dense (the
 * longest gap's colour), 1 ns gaps 1 px wide, gaps past the window kept
 * inside it, the legend, XML escaping, thin lanes for 1024 cpus, and
 * write errors.  Colours are taken from the legend, not copied here.
 *
 * NOHZ_SVG_SAMPLE=PATH (and NOHZ_SVG_SAMPLE_MANY=PATH, 1024 cpus) also
 * write a sample for tests/tools/noise-svg.sh to render and check.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "nohz.h"

#define MS 1000000ULL
#define S 1000000000ULL
#define NOT_ATTR ((enum nohz_noise_kind)-1)	/* a mark with attributed false */

static const char *const kinds[] = {
	"irq", "softirq", "timer", "work", "thread", "ipi", "nmi", "hw", "not attributed",
};

static uint64_t rnd_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

static int bucket(uint64_t ns)
{
	int b = ns ? 63 - __builtin_clzll(ns) : 0;

	return b < NOHZ_HIST_BUCKETS ? b : NOHZ_HIST_BUCKETS - 1;
}

/* cpu_init - cpu with room for nmarks marks and a window */
static void cpu_init(struct nohz_noise_cpu *c, int cpu, uint64_t window, size_t nmarks)
{
	memset(c, 0, sizeof(*c));
	c->cpu = cpu;
	c->window_ns = window;
	c->threshold_ns = 1000;
	c->traced = true;
	c->steal_ns = -1;
	c->marks = calloc(nmarks ? nmarks : 1, sizeof(*c->marks));
	assert_non_null(c->marks);
}

/* cpu_add - append a mark, keeping hist, gaps, max and % available true */
static void cpu_add(struct nohz_noise_cpu *c, uint64_t start, uint64_t dur,
		    enum nohz_noise_kind k)
{
	struct nohz_noise_mark *m = &c->marks[c->nmarks++];

	m->start_ns = start;
	m->duration_ns = dur;
	m->attributed = k != NOT_ATTR;
	m->kind = k == NOT_ATTR ? NOHZ_NOISE_IRQ : k;
	c->hist[bucket(dur)]++;
	c->gaps++;
	c->noise_ns += dur;
	c->max_gap_ns = dur > c->max_gap_ns ? dur : c->max_gap_ns;
	c->available_pct = 100.0 * (1.0 - (double)c->noise_ns / (double)c->window_ns);
}

static void noise_init(struct nohz_noise *n, size_t ncpus)
{
	memset(n, 0, sizeof(*n));
	n->threshold_ns = 1000;
	n->min_available = -1;
	n->clock = "tsc";
	n->n = ncpus;
	n->cpus = calloc(ncpus ? ncpus : 1, sizeof(*n->cpus));
	assert_non_null(n->cpus);
}

static void noise_fini(struct nohz_noise *n)
{
	for (size_t i = 0; i < n->n; i++)
		free(n->cpus[i].marks);
	free(n->cpus);
}

/* render - the SVG of n as a string */
static char *render(const struct nohz_noise *n, const char *title, size_t *len)
{
	char *buf = NULL;
	size_t l = 0;
	FILE *f = open_memstream(&buf, &l);
	int rc;

	assert_non_null(f);
	rc = nohz_noise_svg(f, n, title);
	assert_int_equal(fclose(f), 0);
	if (rc)
		fail_msg("nohz_noise_svg: %d", rc);
	assert_int_equal(strlen(buf), l);	/* no NUL inside */
	if (len)
		*len = l;
	return buf;
}

static size_t count(const char *s, const char *end, const char *needle)
{
	size_t k = 0, nl = strlen(needle);

	for (const char *p = strstr(s, needle); p && (!end || p < end); p = strstr(p + nl, needle))
		k++;
	return k;
}

/* attr - the value of name="..." in the tag that starts at tag */
static const char *attr(const char *tag, const char *name, char *out, size_t len)
{
	const char *gt = strchr(tag, '>'), *p = tag, *q;
	size_t nl = strlen(name);

	for (;;) {
		p = strstr(p, name);
		if (!p || (gt && p > gt))
			fail_msg("no %s= in '%.80s'", name, tag);
		if (p[-1] == ' ' && p[nl] == '=' && p[nl + 1] == '"')
			break;
		p += nl;
	}
	p += nl + 2;
	q = strchr(p, '"');
	assert_non_null(q);
	assert_true((size_t)(q - p) < len);
	memcpy(out, p, q - p);
	out[q - p] = '\0';
	return out;
}

static long attr_long(const char *tag, const char *name)
{
	char v[64];

	return strtol(attr(tag, name, v, sizeof(v)), NULL, 10);
}

/* lane - the group of cpu's lane, *end at its "</g>" (lanes nest none) */
static const char *lane(const char *svg, int cpu, const char **end)
{
	char key[64];
	const char *p;

	snprintf(key, sizeof(key), "<g class=\"lane\" data-cpu=\"%d\"", cpu);
	p = strstr(svg, key);
	if (!p)
		fail_msg("no lane for cpu %d", cpu);
	*end = strstr(p, "</g>");
	assert_non_null(*end);
	assert_null(memmem(p + 1, *end - p - 1, "<g", 2));
	return p;
}

/* colour - the fill the legend gives kind */
static void colour(const char *svg, const char *kind, char *out, size_t len)
{
	char key[64];
	const char *p;

	snprintf(key, sizeof(key), "data-kind=\"%s\"", kind);
	p = strstr(svg, key);
	if (!p)
		fail_msg("legend lacks %s", kind);
	while (p > svg && *p != '<')
		p--;
	attr(p, "fill", out, len);
}

static void test_lanes_sparse(void **state)
{
	static const struct { uint64_t at, dur; enum nohz_noise_kind k; } m3[] = {
		{ 100 * MS, 5000, NOHZ_NOISE_IRQ }, { 300 * MS, 2000, NOHZ_NOISE_TIMER },
		{ 500 * MS, 1, NOHZ_NOISE_SOFTIRQ }, { 700 * MS, 30000, NOHZ_NOISE_HW },
		{ 900 * MS, 1500, NOHZ_NOISE_THREAD },
	}, m7[] = {
		{ 200 * MS, 3000, NOT_ATTR }, { 600 * MS, 4000, NOHZ_NOISE_IPI },
	};
	struct nohz_noise n;
	const char *p, *end, *l3, *e3;
	char *svg, want[16], fill[16];
	long x0, x1;
	size_t i;

	noise_init(&n, 2);
	cpu_init(&n.cpus[0], 3, S, 5);
	cpu_init(&n.cpus[1], 7, S, 2);
	for (i = 0; i < 5; i++)
		cpu_add(&n.cpus[0], m3[i].at, m3[i].dur, m3[i].k);
	for (i = 0; i < 2; i++)
		cpu_add(&n.cpus[1], m7[i].at, m7[i].dur, m7[i].k);
	svg = render(&n, "two", NULL);

	assert_int_equal(count(svg, NULL, "<g class=\"lane\""), 2);
	l3 = lane(svg, 3, &e3);
	p = lane(svg, 7, &end);
	assert_true(l3 < p);	/* in the order of n->cpus */
	assert_int_equal(count(l3, e3, "class=\"gap\""), 5);
	assert_int_equal(count(p, end, "class=\"gap\""), 2);
	assert_int_equal(attr_long(l3, "data-gaps"), 5);
	assert_int_equal(attr_long(p, "data-gaps"), 2);
	assert_non_null(strstr(l3, ">CPU 3<"));

	/* each gap at its time, the colour of its kind, at least 1 px */
	x0 = attr_long(l3, "data-x0");
	x1 = attr_long(l3, "data-x1");
	assert_true(x1 - x0 >= 100);
	p = l3;
	for (i = 0; i < 5; i++) {
		p = strstr(p, "class=\"gap\"");
		while (*p != '<')
			p--;
		assert_int_equal(attr_long(p, "x"),
				 x0 + (long)(m3[i].at * (uint64_t)(x1 - x0) / S));
		assert_true(attr_long(p, "width") >= 1);
		assert_true(attr_long(p, "height") >= 1);
		colour(svg, kinds[m3[i].k], want, sizeof(want));
		assert_string_equal(attr(p, "fill", fill, sizeof(fill)), want);
		p = strchr(p, '>');
	}
	p = lane(svg, 7, &end);
	colour(svg, "not attributed", want, sizeof(want));
	p = strstr(p, "class=\"gap\"");
	while (*p != '<')
		p--;
	assert_string_equal(attr(p, "fill", fill, sizeof(fill)), want);

	/* histogram: a bar per nonempty bucket, its range on it */
	assert_int_equal(count(l3, e3, "class=\"hbar\""), 4);	/* 2 us and 1.5 us share one */
	assert_int_equal(count(l3, e3, "data-bucket=\"12\""), 1);	/* 5 us */
	assert_int_equal(count(l3, e3, "data-bucket=\"0\""), 1);	/* 1 ns */
	assert_non_null(memmem(l3, e3 - l3, "1.02us..2.05us: 2 gaps", 22));
	assert_non_null(strstr(svg, "us..</text>"));
	free(svg);
	noise_fini(&n);
}

static void test_merge(void **state)
{
	struct nohz_noise n;
	const char *p, *end;
	char *svg, want[16], fill[16];
	long x0, x1, rects, last = -1;
	size_t len;

	noise_init(&n, 1);
	cpu_init(&n.cpus[0], 0, 10 * S, 10000);
	for (size_t i = 0; i < 10000; i++)
		cpu_add(&n.cpus[0], i * (10 * S / 10000) + rnd() % 1000, 1000 + rnd() % 50000,
			(enum nohz_noise_kind)(rnd() % NOHZ_NOISE_KINDS));
	svg = render(&n, NULL, &len);
	p = lane(svg, 0, &end);
	x0 = attr_long(p, "data-x0");
	x1 = attr_long(p, "data-x1");
	rects = (long)count(p, end, "class=\"gap\"");
	assert_true(rects >= 1);
	if (rects > x1 - x0)
		fail_msg("%ld rects for %ld px", rects, x1 - x0);
	/* merged rects do not overlap and stay on the timeline */
	for (p = strstr(p, "class=\"gap\""); p && p < end; p = strstr(p + 1, "class=\"gap\"")) {
		const char *t = p;
		long x, w;

		while (*t != '<')
			t--;
		x = attr_long(t, "x");
		w = attr_long(t, "width");
		assert_true(w >= 1 && x >= x0 && x + w <= x1 && x >= last);
		last = x + w;
	}
	assert_true(len < 256 * 1024);
	free(svg);
	noise_fini(&n);

	/* three gaps in one column, either order: one rect, the longest's colour */
	for (int rev = 0; rev < 2; rev++) {
		static const struct { uint64_t at, dur; enum nohz_noise_kind k; } m[] = {
			{ 0, 5, NOHZ_NOISE_IRQ }, { 10, 50, NOHZ_NOISE_TIMER },
			{ 100, 20, NOHZ_NOISE_WORK },
		};

		noise_init(&n, 1);
		cpu_init(&n.cpus[0], 1, S, 3);
		for (int i = 0; i < 3; i++)
			cpu_add(&n.cpus[0], m[rev ? 2 - i : i].at, m[rev ? 2 - i : i].dur,
				m[rev ? 2 - i : i].k);
		svg = render(&n, NULL, NULL);
		p = lane(svg, 1, &end);
		assert_int_equal(count(p, end, "class=\"gap\""), 1);
		p = strstr(p, "class=\"gap\"");
		while (*p != '<')
			p--;
		assert_int_equal(attr_long(p, "width"), 1);
		colour(svg, "timer", want, sizeof(want));
		assert_string_equal(attr(p, "fill", fill, sizeof(fill)), want);
		free(svg);
		noise_fini(&n);
	}
}

/* gaps at and past the window's end, and endless ones, stay on the timeline */
static void test_clamp(void **state)
{
	struct nohz_noise n;
	const char *p, *end;
	char *svg, want[16], fill[16];
	long x0, x1;

	noise_init(&n, 2);
	cpu_init(&n.cpus[0], 0, S, 3);
	cpu_init(&n.cpus[1], 1, S / 2, 1);	/* a shorter window: band shorter */
	cpu_add(&n.cpus[0], S, 1, NOHZ_NOISE_NMI);
	cpu_add(&n.cpus[0], 5 * S, 1000, NOHZ_NOISE_NMI);
	cpu_add(&n.cpus[0], 0, UINT64_MAX, NOHZ_NOISE_HW);
	/* an unknown kind is drawn as not attributed; 0 ns still gets 1 px */
	cpu_add(&n.cpus[1], S / 4, 0, (enum nohz_noise_kind)77);
	svg = render(&n, NULL, NULL);
	p = lane(svg, 0, &end);
	x0 = attr_long(p, "data-x0");
	x1 = attr_long(p, "data-x1");
	for (p = strstr(p, "class=\"gap\""); p && p < end; p = strstr(p + 1, "class=\"gap\"")) {
		const char *t = p;

		while (*t != '<')
			t--;
		assert_true(attr_long(t, "width") >= 1);
		assert_true(attr_long(t, "x") >= x0 &&
			    attr_long(t, "x") + attr_long(t, "width") <= x1);
	}
	p = lane(svg, 1, &end);
	assert_int_equal(count(p, end, "class=\"gap\""), 1);
	p = strstr(p, "class=\"gap\"");
	while (*p != '<')
		p--;
	assert_int_equal(attr_long(p, "width"), 1);
	colour(svg, "not attributed", want, sizeof(want));
	assert_string_equal(attr(p, "fill", fill, sizeof(fill)), want);
	free(svg);
	noise_fini(&n);

	/* no window at all: the marks make the axis */
	noise_init(&n, 1);
	cpu_init(&n.cpus[0], 0, 0, 1);
	n.cpus[0].marks[0] = (struct nohz_noise_mark){ 10, 10, NOHZ_NOISE_IRQ, true };
	n.cpus[0].nmarks = 1;
	svg = render(&n, NULL, NULL);
	assert_int_equal(count(svg, NULL, "class=\"gap\""), 1);
	free(svg);
	noise_fini(&n);
}

static struct nohz_noise many(size_t ncpus)
{
	struct nohz_noise n;

	noise_init(&n, ncpus);
	for (size_t i = 0; i < ncpus; i++) {
		cpu_init(&n.cpus[i], (int)i, S, 8);
		for (int k = 0; k < 8; k++)
			cpu_add(&n.cpus[i], rnd() % S, 1000 + rnd() % (1 + (i % 7) * 100000),
				(enum nohz_noise_kind)((i + k) % NOHZ_NOISE_KINDS));
	}
	return n;
}

static void test_many_cpus(void **state)
{
	struct nohz_noise n = many(1024);
	const char *p = NULL, *end;
	long prev = 0, h;
	size_t len, labels;
	char *svg;

	n.cpus[5].hist[30] = 1000000000;	/* bars of 1 gap would round to 0 px */
	svg = render(&n, "1024", &len);

	h = attr_long(strstr(svg, "<svg"), "height");
	assert_int_equal(count(svg, NULL, "<g class=\"lane\""), 1024);
	for (int cpu = 0; cpu < 1024; cpu++) {
		const char *q = lane(svg, cpu, &end);
		long y0 = attr_long(q, "data-y0"), y1 = attr_long(q, "data-y1");

		assert_true(!p || q > p);
		assert_true(y0 >= prev && y1 > y0 && y1 <= h);
		assert_true(count(q, end, "class=\"gap\"") >= 1);
		for (const char *b = strstr(q, "class=\"hbar\""); b && b < end;
		     b = strstr(b + 1, "class=\"hbar\"")) {
			const char *t = b;

			while (*t != '<')
				t--;
			assert_true(attr_long(t, "height") >= 1);
		}
		prev = y1;
		p = q;
	}
	/* a label on every few lanes, not on each */
	labels = count(svg, NULL, ">CPU ");
	if (labels < 1024 / 8 || labels > 1024 / 2)
		fail_msg("%zu lane labels for 1024 thin lanes", labels);
	/* thin lanes: no per-lane sentences, no bar tooltips */
	assert_int_equal(count(svg, NULL, "available"), 0);
	assert_int_equal(count(svg, NULL, "<title>"), 1);
	assert_true(len < 2 * 1024 * 1024);
	free(svg);
	noise_fini(&n);
}

static void test_legend(void **state)
{
	struct nohz_noise n;
	char *svg, key[64], c[9][16];

	noise_init(&n, 0);
	svg = render(&n, NULL, NULL);
	for (size_t k = 0; k < 9; k++) {
		snprintf(key, sizeof(key), ">%s</text>", kinds[k]);
		assert_non_null(strstr(svg, key));
		colour(svg, kinds[k], c[k], sizeof(c[k]));
		for (size_t j = 0; j < k; j++)
			assert_string_not_equal(c[j], c[k]);
	}
	assert_int_equal(count(svg, NULL, "<g class=\"lane\""), 0);
	free(svg);
	noise_fini(&n);
}

static void test_escape(void **state)
{
	struct nohz_noise n;
	const char *want = "a&lt;b&amp;c&quot;d&apos;ef g?h\xc3\xa9&gt;";
	char *svg;

	noise_init(&n, 1);
	cpu_init(&n.cpus[0], 0, S, 1);
	cpu_add(&n.cpus[0], 10, 2000, NOHZ_NOISE_IRQ);
	n.clock = "t<s>c";
	svg = render(&n, "a<b&c\"d'e\x01" "f\tg\xffh\xc3\xa9>", NULL);
	assert_int_equal(count(svg, NULL, want), 2);	/* <title> and the heading */
	assert_null(strstr(svg, "a<b"));
	assert_non_null(strstr(svg, "clock t&lt;s&gt;c"));
	for (const unsigned char *p = (const unsigned char *)svg; *p; p++)
		assert_true(*p >= 0x20 || *p == '\n');
	free(svg);

	svg = render(&n, NULL, NULL);
	assert_non_null(strstr(svg, "<title>nohz noise</title>"));
	assert_null(strstr(svg, "font-size=\"16\""));
	free(svg);
	noise_fini(&n);
}

static void test_deterministic(void **state)
{
	struct nohz_noise n = many(16);
	char *a = render(&n, "same", NULL), *b = render(&n, "same", NULL);

	assert_string_equal(a, b);
	free(a);
	free(b);
	noise_fini(&n);
}

static void test_write_error(void **state)
{
	struct nohz_noise n = many(4);
	int saved;

	for (int unbuffered = 0; unbuffered < 2; unbuffered++) {
		FILE *f = fopen("/dev/full", "w");

		if (!f)
			skip();
		if (unbuffered)
			setvbuf(f, NULL, _IONBF, 0);
		errno = 1234;
		assert_int_equal(nohz_noise_svg(f, &n, "full"), -ENOSPC);
		saved = errno;
		assert_int_equal(saved, 1234);	/* errno left as found */
		fclose(f);
	}
	assert_int_equal(nohz_noise_svg(NULL, &n, NULL), -EINVAL);
	assert_int_equal(nohz_noise_svg(stdout, NULL, NULL), -EINVAL);
	noise_fini(&n);
}

/* write_sample - n as SVG to the file env names, when it names one */
static void write_sample(const char *env, const struct nohz_noise *n, const char *title)
{
	const char *path = getenv(env);
	FILE *f;

	if (!path || !*path)
		return;
	f = fopen(path, "w");
	if (!f)
		fail_msg("%s: cannot open %s", env, path);
	assert_int_equal(nohz_noise_svg(f, n, title), 0);
	assert_int_equal(fclose(f), 0);
}

/* the sample: a noisy cpu, a dense one, a quiet one, one untraced with a
 * shorter window */
static void test_sample(void **state)
{
	struct nohz_noise n, m = many(1024);
	char *svg;

	noise_init(&n, 4);
	n.min_available = 99.9;
	cpu_init(&n.cpus[0], 2, 10 * S, 200);
	for (int i = 0; i < 200; i++)
		cpu_add(&n.cpus[0], rnd() % (10 * S), 1000 + (rnd() % 4096) * (rnd() % 4096),
			(enum nohz_noise_kind)(rnd() % NOHZ_NOISE_KINDS));
	cpu_init(&n.cpus[1], 3, 10 * S, 10000);
	for (int i = 0; i < 10000; i++)
		cpu_add(&n.cpus[1], (uint64_t)i * (10 * S / 10000), 1000 + rnd() % 3000,
			i % 250 ? NOHZ_NOISE_TIMER : NOHZ_NOISE_SOFTIRQ);
	cpu_init(&n.cpus[2], 4, 10 * S, 0);
	n.cpus[2].available_pct = 100;
	cpu_init(&n.cpus[3], 5, 5 * S, 30);
	n.cpus[3].traced = false;
	for (int i = 0; i < 30; i++)
		cpu_add(&n.cpus[3], (uint64_t)i * (5 * S / 30), 2000 + rnd() % 20000, NOT_ATTR);
	svg = render(&n, "nohz noise: sample <4 CPUs>", NULL);
	assert_int_equal(count(svg, NULL, "<g class=\"lane\""), 4);
	free(svg);
	write_sample("NOHZ_SVG_SAMPLE", &n, "nohz noise: sample <4 CPUs>");
	write_sample("NOHZ_SVG_SAMPLE_MANY", &m, "nohz noise: 1024 CPUs");
	noise_fini(&n);
	noise_fini(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lanes_sparse),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_clamp),
		cmocka_unit_test(test_many_cpus),
		cmocka_unit_test(test_legend),
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_write_error),
		cmocka_unit_test(test_sample),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
