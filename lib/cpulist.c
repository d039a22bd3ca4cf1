// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * cpulist.c - cpu sets in the kernel's list and mask syntax.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define WORDS (NOHZ_MAX_CPUS / 64)

void nohz_cpuset_zero(struct nohz_cpuset *s)
{
	memset(s, 0, sizeof(*s));
}

void nohz_cpuset_set(struct nohz_cpuset *s, int cpu)
{
	if (cpu >= 0 && cpu < NOHZ_MAX_CPUS)
		s->bits[cpu / 64] |= 1ULL << (cpu % 64);
}

void nohz_cpuset_clear(struct nohz_cpuset *s, int cpu)
{
	if (cpu >= 0 && cpu < NOHZ_MAX_CPUS)
		s->bits[cpu / 64] &= ~(1ULL << (cpu % 64));
}

bool nohz_cpuset_isset(const struct nohz_cpuset *s, int cpu)
{
	if (cpu < 0 || cpu >= NOHZ_MAX_CPUS)
		return false;
	return s->bits[cpu / 64] & (1ULL << (cpu % 64));
}

int nohz_cpuset_count(const struct nohz_cpuset *s)
{
	int n = 0;

	for (int i = 0; i < WORDS; i++)
		n += __builtin_popcountll(s->bits[i]);
	return n;
}

bool nohz_cpuset_empty(const struct nohz_cpuset *s)
{
	for (int i = 0; i < WORDS; i++)
		if (s->bits[i])
			return false;
	return true;
}

int nohz_cpuset_next(const struct nohz_cpuset *s, int prev)
{
	int cpu = prev + 1;

	if (cpu < 0)
		cpu = 0;
	while (cpu < NOHZ_MAX_CPUS) {
		uint64_t w = s->bits[cpu / 64] >> (cpu % 64);

		if (w)
			return cpu + __builtin_ctzll(w);
		cpu = (cpu / 64 + 1) * 64;
	}
	return -1;
}

int nohz_cpuset_last(const struct nohz_cpuset *s)
{
	for (int i = WORDS - 1; i >= 0; i--)
		if (s->bits[i])
			return i * 64 + 63 - __builtin_clzll(s->bits[i]);
	return -1;
}

void nohz_cpuset_and(struct nohz_cpuset *d, const struct nohz_cpuset *a,
				 const struct nohz_cpuset *b)
{
	for (int i = 0; i < WORDS; i++)
		d->bits[i] = a->bits[i] & b->bits[i];
}

void nohz_cpuset_or(struct nohz_cpuset *d, const struct nohz_cpuset *a,
				const struct nohz_cpuset *b)
{
	for (int i = 0; i < WORDS; i++)
		d->bits[i] = a->bits[i] | b->bits[i];
}

void nohz_cpuset_andnot(struct nohz_cpuset *d, const struct nohz_cpuset *a,
				    const struct nohz_cpuset *b)
{
	for (int i = 0; i < WORDS; i++)
		d->bits[i] = a->bits[i] & ~b->bits[i];
}

bool nohz_cpuset_intersects(const struct nohz_cpuset *a,
					const struct nohz_cpuset *b)
{
	for (int i = 0; i < WORDS; i++)
		if (a->bits[i] & b->bits[i])
			return true;
	return false;
}

bool nohz_cpuset_subset(const struct nohz_cpuset *a,
				    const struct nohz_cpuset *b)
{
	for (int i = 0; i < WORDS; i++)
		if (a->bits[i] & ~b->bits[i])
			return false;
	return true;
}

bool nohz_cpuset_equal(const struct nohz_cpuset *a,
				   const struct nohz_cpuset *b)
{
	return memcmp(a, b, sizeof(*a)) == 0;
}

/* parse_num - decimal cpu number at *p; advances p; -1 when none or too big */
static long parse_num(const char **p)
{
	long v = 0;

	if (!isdigit((unsigned char)**p))
		return -1;
	while (isdigit((unsigned char)**p)) {
		v = v * 10 + (**p - '0');
		if (v >= NOHZ_MAX_CPUS * 16L)
			v = NOHZ_MAX_CPUS * 16L;	/* clamp: reported as too large */
		(*p)++;
	}
	return v;
}

static int bad_token(char *err, size_t errlen, const char *tok, size_t toklen,
		     const char *why)
{
	nohz_err(err, errlen, "'%.*s' %s", (int)toklen, tok, why);
	return -EINVAL;
}

/*
 * The kernel's bitmap_parselist(): groups separated by ',', each "N",
 * "N-M" or "N-M:used/group".  We do not accept "all"/"N" keywords of newer
 * kernels' isolcpus: callers can expand those before parsing.
 */
int nohz_cpuset_parse(struct nohz_cpuset *s, const char *list,
				  char *err, size_t errlen)
{
	const char *p = list;

	nohz_cpuset_zero(s);
	if (!list)
		return bad_token(err, errlen, "", 0, "is empty");
	while (isspace((unsigned char)*p))
		p++;
	while (*p && *p != '\n') {
		const char *tok;
		size_t toklen;

		while (*p == ' ' || *p == '\t')
			p++;
		tok = p;
		toklen = strcspn(tok, ",\n");
		long a, b, used = 1, group = 1;

		while (toklen && isspace((unsigned char)tok[toklen - 1]))
			toklen--;
		a = parse_num(&p);
		if (a < 0)
			return bad_token(err, errlen, tok, toklen ? toklen : 1,
					 "is not a cpu number or range");
		b = a;
		if (*p == '-') {
			p++;
			b = parse_num(&p);
			if (b < 0)
				return bad_token(err, errlen, tok, toklen,
						 "has no range end");
			if (*p == ':') {
				p++;
				used = parse_num(&p);
				if (used < 0 || *p != '/')
					return bad_token(err, errlen, tok, toklen,
							 "has a bad stride (want N-M:used/group)");
				p++;
				group = parse_num(&p);
				if (group <= 0 || used <= 0 || used > group)
					return bad_token(err, errlen, tok, toklen,
							 "has a bad stride (want 0 < used <= group)");
			}
		}
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p && *p != ',' && *p != '\n')
			return bad_token(err, errlen, tok, toklen,
					 "is not a cpu number or range");
		if (b < a)
			return bad_token(err, errlen, tok, toklen,
					 "is a reversed range");
		if (b >= NOHZ_MAX_CPUS)
			return bad_token(err, errlen, tok, toklen,
					 "is past the largest cpu supported (" "8191)");
		for (long c = a; c <= b; c++)
			if ((c - a) % group < used)
				nohz_cpuset_set(s, (int)c);
		if (*p == ',') {
			p++;
			if (!*p || *p == '\n')
				return bad_token(err, errlen, ",", 1,
						 "ends the list without a cpu");
		}
	}
	return 0;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int nohz_cpuset_parse_mask(struct nohz_cpuset *s, const char *mask,
				       char *err, size_t errlen)
{
	size_t n = strlen(mask);

	nohz_cpuset_zero(s);
	while (n && isspace((unsigned char)mask[n - 1]))
		n--;
	if (n >= 2 && mask[0] == '0' && (mask[1] == 'x' || mask[1] == 'X')) {
		mask += 2;
		n -= 2;
	}
	if (!n)
		return bad_token(err, errlen, mask, 0, "is not a hex cpu mask");
	/*
	 * ',' separates 32-bit words, most significant first, and a word may be
	 * short ("1,0" is cpu 32); without a comma the mask is one hex number.
	 */
	bool words = memchr(mask, ',', n) != NULL;

	for (size_t end = n, word = 0;; word++) {
		size_t start = end;
		int bit = (int)(word * 32);

		while (start > 0 && mask[start - 1] != ',')
			start--;
		if (end == start || (words && end - start > 8))
			return bad_token(err, errlen, mask, n,
					 "is not a hex cpu mask (bad 32-bit word)");
		for (size_t i = end; i-- > start; bit += 4) {
			int v = hexval((unsigned char)mask[i]);

			if (v < 0)
				return bad_token(err, errlen, mask, n, "is not a hex cpu mask");
			for (int k = 0; k < 4; k++)
				if (v & (1 << k)) {
					if (bit + k >= NOHZ_MAX_CPUS)
						return bad_token(err, errlen, mask, n,
								 "is wider than 8192 cpus");
					nohz_cpuset_set(s, bit + k);
				}
		}
		if (start == 0)
			break;
		end = start - 1;
	}
	return 0;
}

char *nohz_cpuset_format(const struct nohz_cpuset *s, char *buf,
				     size_t len)
{
	size_t off = 0;
	int cpu = nohz_cpuset_next(s, -1);

	if (!len)
		return buf;
	buf[0] = '\0';
	while (cpu >= 0) {
		int end = cpu, w;

		while (nohz_cpuset_isset(s, end + 1))
			end++;
		if (end == cpu)
			w = snprintf(buf + off, len - off, "%s%d", off ? "," : "", cpu);
		else
			w = snprintf(buf + off, len - off, "%s%d-%d", off ? "," : "",
				     cpu, end);
		if (w < 0 || (size_t)w >= len - off) {
			/* mark truncation where it is visible */
			if (len >= 4)
				strcpy(buf + (off + 4 <= len ? off : len - 4), "...");
			return buf;
		}
		off += w;
		cpu = nohz_cpuset_next(s, end);
	}
	return buf;
}

char *nohz_cpuset_format_mask(const struct nohz_cpuset *s, char *buf,
					  size_t len)
{
	int last = nohz_cpuset_last(s);
	int words = last < 0 ? 1 : last / 32 + 1;
	size_t off = 0;

	if (!len)
		return buf;
	buf[0] = '\0';
	for (int w = words - 1; w >= 0; w--) {
		uint32_t v = (uint32_t)(s->bits[w / 2] >> ((w % 2) * 32));
		int n = snprintf(buf + off, len - off, w == words - 1 ? "%x" : ",%08x", v);

		if (n < 0 || (size_t)n >= len - off)
			return buf;
		off += n;
	}
	return buf;
}
