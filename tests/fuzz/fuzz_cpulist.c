// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * fuzz_cpulist.c - libFuzzer target: cpu lists and hex masks.
 *
 * Beyond "no crash": a list that parses must format back to a list that
 * parses to the same set, and the same for masks; formatting into every
 * small buffer must stay inside it and end in a NUL.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nohz.h"
#include "fuzz.h"

/* check_format_small - nohz_cpuset_format into short buffers stays inside */
static void check_format_small(const struct nohz_cpuset *s)
{
	char buf[24];

	for (size_t len = 0; len < sizeof(buf); len++) {
		memset(buf, 'x', sizeof(buf));
		nohz_cpuset_format(s, buf, len);
		for (size_t i = len; i < sizeof(buf); i++)
			FUZZ_ASSERT(buf[i] == 'x');
		if (len)
			FUZZ_ASSERT(memchr(buf, '\0', len));
		memset(buf, 'x', sizeof(buf));
		nohz_cpuset_format_mask(s, buf, len);
		for (size_t i = len; i < sizeof(buf); i++)
			FUZZ_ASSERT(buf[i] == 'x');
		if (len)
			FUZZ_ASSERT(memchr(buf, '\0', len));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char out[64 * 1024];	/* 4096 single cpus: "0,2,...,8190" < 24 KB */
	struct nohz_cpuset s, back;
	char *in = fuzz_cstr(data, size);
	char err[256];

	err[0] = '\0';
	if (nohz_cpuset_parse(&s, in, err, sizeof(err)) == 0) {
		nohz_cpuset_format(&s, out, sizeof(out));
		FUZZ_ASSERT(nohz_cpuset_parse(&back, out, err, sizeof(err)) == 0);
		FUZZ_ASSERT(nohz_cpuset_equal(&s, &back));
		FUZZ_ASSERT(nohz_cpuset_last(&s) < NOHZ_MAX_CPUS);
		check_format_small(&s);
	} else {
		FUZZ_ASSERT(err[0] && memchr(err, '\0', sizeof(err)));
	}

	err[0] = '\0';
	if (nohz_cpuset_parse_mask(&s, in, err, sizeof(err)) == 0) {
		nohz_cpuset_format_mask(&s, out, sizeof(out));
		FUZZ_ASSERT(nohz_cpuset_parse_mask(&back, out, err, sizeof(err)) == 0);
		FUZZ_ASSERT(nohz_cpuset_equal(&s, &back));
		check_format_small(&s);
	} else {
		FUZZ_ASSERT(err[0]);
	}
	/* the NULL error buffer the sysfs readers pass */
	nohz_cpuset_parse(&s, in, NULL, 0);
	nohz_cpuset_parse_mask(&s, in, NULL, 0);
	free(in);
	return 0;
}
