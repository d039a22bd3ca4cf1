// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * util.c - small shared helpers: error text, bounded strings, durations, JSON.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"

void nohz_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

void sb_init(struct strbuf *sb, char *buf, size_t cap)
{
	sb->buf = buf;
	sb->cap = cap;
	sb->len = 0;
	sb->dropped = 0;
	if (cap)
		buf[0] = '\0';
}

static int sb_vappend(struct strbuf *sb, const char *fmt, va_list ap)
{
	int n;

	if (sb->len >= sb->cap)
		return -1;
	n = vsnprintf(sb->buf + sb->len, sb->cap - sb->len, fmt, ap);
	if (n < 0 || (size_t)n >= sb->cap - sb->len) {
		sb->buf[sb->len] = '\0';	/* keep what fitted before */
		return -1;
	}
	sb->len += n;
	return 0;
}

void sb_printf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sb_vappend(sb, fmt, ap);
	va_end(ap);
}

void sb_item(struct strbuf *sb, const char *sep, const char *fmt, ...)
{
	size_t keep = sb->len;
	va_list ap;
	int rc = 0;

	/* once one item is dropped, drop the rest: the tail says how many */
	if (sb->dropped || sb->len + 24 >= sb->cap) {
		sb->dropped++;
		return;
	}
	if (sb->len && sep)
		sb_printf(sb, "%s", sep);
	va_start(ap, fmt);
	rc = sb_vappend(sb, fmt, ap);
	va_end(ap);
	/* keep room for ", and N more" */
	if (rc < 0 || sb->len + 24 >= sb->cap) {
		sb->len = keep;
		sb->buf[keep] = '\0';
		sb->dropped++;
	}
}

void sb_finish(struct strbuf *sb)
{
	if (sb->dropped) {
		int d = sb->dropped;

		sb->dropped = 0;
		sb_printf(sb, ", and %d more", d);
	}
}

void sb_finish_note(struct strbuf *sb, const char *what)
{
	if (sb->dropped) {
		int d = sb->dropped;

		sb->dropped = 0;
		sb_printf(sb, "; %d more %s: run the check again after these", d, what);
	}
}

bool str_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

int nohz_parse_duration(const char *s, double *seconds, char *err, size_t errlen)
{
	char *end;
	double v, mult = 1;

	if (!s || !*s || isspace((unsigned char)*s)) {
		nohz_err(err, errlen, "'%s' is empty", s ? s : "");
		return -EINVAL;
	}
	errno = 0;
	v = strtod(s, &end);
	if (end == s || errno) {
		nohz_err(err, errlen, "'%s' is not a number with an optional unit "
			 "(ns, us, ms, s, m, h, d)", s);
		return -EINVAL;
	}
	if (!strcmp(end, "") || !strcmp(end, "s"))
		mult = 1;
	else if (!strcmp(end, "ms"))
		mult = 1e-3;
	else if (!strcmp(end, "us"))
		mult = 1e-6;
	else if (!strcmp(end, "ns"))
		mult = 1e-9;
	else if (!strcmp(end, "m") || !strcmp(end, "min"))
		mult = 60;
	else if (!strcmp(end, "h"))
		mult = 3600;
	else if (!strcmp(end, "d"))
		mult = 86400;
	else {
		nohz_err(err, errlen, "'%s' has an unknown unit '%s' (use ns, us, ms, s, m, h, d)", s, end);
		return -EINVAL;
	}
	v *= mult;
	if (!isfinite(v) || v <= 0) {
		nohz_err(err, errlen, "'%s' must be greater than zero", s);
		return -EINVAL;
	}
	if (v > 366 * 86400.0) {
		nohz_err(err, errlen, "'%s' is longer than a year", s);
		return -EINVAL;
	}
	*seconds = v;
	return 0;
}

void nohz_json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
		switch (*p) {
		case '"': fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		case '\n': fputs("\\n", f); break;
		case '\t': fputs("\\t", f); break;
		case '\r': fputs("\\r", f); break;
		default:
			if (*p < 0x20)
				fprintf(f, "\\u%04x", *p);
			else
				fputc(*p, f);
		}
	}
	fputc('"', f);
}

/* utf8_len - length of the well-formed UTF-8 sequence at s, 0 if none */
size_t utf8_len(const unsigned char *s)
{
	unsigned int c = s[0], cp, n, i;

	if (c >= 0xc2 && c <= 0xdf)
		n = 1, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		n = 2, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 3, cp = c & 0x07;
	else
		return 0;
	for (i = 1; i <= n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* overlong, surrogates, past U+10FFFF and U+FFFE/F are not XML */
	if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp == 0xfffe || cp == 0xffff)
		return 0;
	return n + 1;
}
