// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * test_util.c - durations with units, JSON string escaping (every byte
 * 0..255, decoded back by a small JSON string reader written here), and
 * the bounded evidence appender: truncation says ", and N more" with the
 * right N and never writes past the buffer (guard bytes).
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "internal.h"

static void dur_ok(const char *s, double want)
{
	char err[256] = "";
	double v = -1;
	int rc = nohz_parse_duration(s, &v, err, sizeof(err));

	if (rc)
		fail_msg("'%s': rc %d err '%s'", s, rc, err);
	if (fabs(v - want) > 1e-9 * want)
		fail_msg("'%s': %.12g s, want %.12g", s, v, want);
}

static void dur_bad(const char *s, const char *needle)
{
	char err[256] = "";
	double v = 42;
	int rc = nohz_parse_duration(s, &v, err, sizeof(err));

	if (rc != -EINVAL)
		fail_msg("'%s': rc %d (%g s), want -EINVAL", s, rc, v);
	assert_true(v == 42);	/* untouched on error */
	if (needle && !strstr(err, needle))
		fail_msg("'%s': err '%s' lacks '%s'", s, err, needle);
}

static void test_duration(void **state)
{
	dur_ok("10", 10);
	dur_ok("1.5s", 1.5);
	dur_ok("500ms", 0.5);
	dur_ok("2m", 120);
	dur_ok("1h", 3600);
	dur_ok("250us", 250e-6);
	dur_ok("1d", 86400);
	dur_ok("0.25", 0.25);
	dur_ok("1e3ms", 1);
	dur_ok("366d", 366 * 86400.0);

	dur_bad("0", "greater than zero");
	dur_bad("0s", "greater than zero");
	dur_bad("-1", "'-1'");
	dur_bad("-5ms", "'-5ms'");
	dur_bad("abc", "'abc'");
	dur_bad("10x", "'x'");
	dur_bad("10 s", NULL);
	dur_bad("10sec", "'sec'");
	dur_bad("", NULL);
	dur_bad(NULL, NULL);
	dur_bad("1e400", "'1e400'");
	dur_bad("nan", NULL);
	dur_bad("inf", NULL);
	dur_bad("367d", "year");
	dur_bad("s", NULL);
	dur_bad("ms", NULL);
	/* a NULL err buffer is fine */
	{
		double v;

		assert_int_equal(nohz_parse_duration("abc", &v, NULL, 0), -EINVAL);
	}
}

/* json_of - what nohz_json_string writes for s */
static char *json_of(const char *s, size_t *len)
{
	char *out = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&out, &n);

	assert_non_null(f);
	nohz_json_string(f, s);
	assert_int_equal(fclose(f), 0);
	if (len)
		*len = n;
	return out;
}

/*
 * json_decode - RFC 8259 string literal to bytes: only \" \\ \/ \b \f \n \r
 * \t \uXXXX (XXXX < 0x100 here) escapes; raw bytes < 0x20 are invalid.
 * Returns the decoded length or -1.
 */
static int json_decode(const char *j, char *out)
{
	size_t n = 0;

	if (*j++ != '"')
		return -1;
	for (; *j != '"'; j++) {
		unsigned char c = (unsigned char)*j;

		if (!c || c < 0x20)
			return -1;
		if (c != '\\') {
			out[n++] = (char)c;
			continue;
		}
		switch (*++j) {
		case '"': out[n++] = '"'; break;
		case '\\': out[n++] = '\\'; break;
		case '/': out[n++] = '/'; break;
		case 'b': out[n++] = '\b'; break;
		case 'f': out[n++] = '\f'; break;
		case 'n': out[n++] = '\n'; break;
		case 'r': out[n++] = '\r'; break;
		case 't': out[n++] = '\t'; break;
		case 'u': {
			unsigned v;

			if (sscanf(j + 1, "%4x", &v) != 1 || v > 0xff)
				return -1;
			for (int k = 1; k <= 4; k++)
				if (!strchr("0123456789abcdefABCDEF", j[k]) || !j[k])
					return -1;
			out[n++] = (char)v;
			j += 4;
			break;
		}
		default:
			return -1;
		}
	}
	if (j[1])
		return -1;	/* text after the closing quote */
	return (int)n;
}

static void test_json_string(void **state)
{
	char *j;
	char in[256], dec[512];
	size_t len;

	j = json_of("plain", NULL);
	assert_string_equal(j, "\"plain\"");
	free(j);
	j = json_of("say \"hi\" \\ back", NULL);
	assert_string_equal(j, "\"say \\\"hi\\\" \\\\ back\"");
	free(j);
	j = json_of("a\nb\tc\rd\x01" "e\x1f", NULL);
	assert_string_equal(j, "\"a\\nb\\tc\\rd\\u0001e\\u001f\"");
	free(j);
	j = json_of("", NULL);
	assert_string_equal(j, "\"\"");
	free(j);
	j = json_of(NULL, NULL);
	assert_string_equal(j, "\"\"");
	free(j);
	/* UTF-8 passes through */
	j = json_of("caf\xc3\xa9", NULL);
	assert_string_equal(j, "\"caf\xc3\xa9\"");
	free(j);
	/* every byte 1..255 round-trips through a strict decoder */
	for (int i = 1; i < 256; i++)
		in[i - 1] = (char)i;
	in[255] = '\0';
	j = json_of(in, &len);
	assert_int_equal(strlen(j), len);
	assert_int_equal(json_decode(j, dec), 255);
	assert_memory_equal(dec, in, 255);
	free(j);
}

#define GUARD 64

/* sb_run - add nitems "itemN" to a cap-byte buffer; returns the text */
static char *sb_run(size_t cap, int nitems, const char *sep, struct strbuf *sb)
{
	char *mem = malloc(cap + GUARD);
	char item[32];

	assert_non_null(mem);
	memset(mem, 'Z', cap + GUARD);
	sb_init(sb, mem, cap);
	for (int i = 0; i < nitems; i++) {
		snprintf(item, sizeof(item), "item%d", i);
		sb_item(sb, sep, "%s", item);
	}
	sb_finish(sb);
	for (size_t i = cap; i < cap + GUARD; i++)
		if (mem[i] != 'Z')
			fail_msg("cap %zu, %d items: byte %zu written past the end", cap, nitems, i);
	if (cap)
		assert_true(strnlen(mem, cap) < cap);
	return mem;
}

/* shown + N of ", and N more" == items added, and the shown ones are in order */
static void test_sb_truncation(void **state)
{
	struct strbuf sb;

	for (size_t cap = 0; cap <= 200; cap += cap < 40 ? 1 : 7) {
		for (int nitems = 0; nitems <= 60; nitems += 3) {
			char *text = sb_run(cap, nitems, ", ", &sb);
			int shown = 0, more = 0;
			char *tail;

			if (!cap) {
				free(text);
				continue;
			}
			tail = strstr(text, ", and ");
			if (tail) {
				if (sscanf(tail, ", and %d more", &more) != 1)
					fail_msg("tail '%s'", tail);
				assert_string_equal(strstr(tail, " more"), " more");
				*tail = '\0';
			}
			for (char *p = text; *p;) {
				char want[32];

				snprintf(want, sizeof(want), "item%d", shown);
				if (strncmp(p, want, strlen(want)))
					fail_msg("cap %zu: item %d is '%s'", cap, shown, p);
				p += strlen(want);
				shown++;
				if (*p) {
					assert_int_equal(strncmp(p, ", ", 2), 0);
					p += 2;
				}
			}
			/* when the tail itself did not fit, nothing may claim a count */
			if (shown + more != nitems && cap >= 24)
				fail_msg("cap %zu: %d shown + %d more != %d items", cap, shown,
					 more, nitems);
			free(text);
		}
	}
	/* a roomy buffer keeps everything and adds no tail */
	{
		char *text = sb_run(1024, 5, "; ", &sb);

		assert_string_equal(text, "item0; item1; item2; item3; item4");
		free(text);
	}
	/* a 64-byte buffer with 100 items: a count is given */
	{
		char *text = sb_run(64, 100, ", ", &sb);

		assert_non_null(strstr(text, " more"));
		free(text);
	}
}

/* one item longer than the whole buffer is dropped and counted */
static void test_sb_long_item(void **state)
{
	char buf[64 + GUARD], big[300];
	struct strbuf sb;

	memset(buf, 'Z', sizeof(buf));
	memset(big, 'b', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	sb_init(&sb, buf, 64);
	sb_item(&sb, ", ", "short");
	sb_item(&sb, ", ", "%s", big);
	sb_finish(&sb);
	assert_string_equal(buf, "short, and 1 more");
	for (size_t i = 64; i < sizeof(buf); i++)
		assert_int_equal(buf[i], 'Z');
	/* sb_printf on a full buffer keeps what fitted */
	sb_init(&sb, buf, 16);
	sb_printf(&sb, "0123456789");
	sb_printf(&sb, "abcdefghij");
	assert_string_equal(buf, "0123456789");
	for (size_t i = 64; i < sizeof(buf); i++)
		assert_int_equal(buf[i], 'Z');
}

static void test_nohz_err(void **state)
{
	char err[8];

	memset(err, 'Z', sizeof(err));
	nohz_err(err, 5, "%s", "abcdefgh");
	assert_string_equal(err, "abcd");
	assert_int_equal(err[5], 'Z');
	nohz_err(NULL, 10, "x");	/* no buffer: nothing */
	nohz_err(err, 0, "x");
	assert_string_equal(err, "abcd");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_duration),
		cmocka_unit_test(test_json_string),
		cmocka_unit_test(test_sb_truncation),
		cmocka_unit_test(test_sb_long_item),
		cmocka_unit_test(test_nohz_err),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
