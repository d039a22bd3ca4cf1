// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * fuzz_cmdline.c - libFuzzer target: the kernel command line, isolcpus=
 * values, and durations (options of every tool).
 *
 * The input is a command line.  Its first word, when it holds no '=', is
 * also tried as a key, so the fuzzer can reach odd keys ("", "a-b", "--").
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nohz.h"
#include "fuzz.h"

static const char *const keys[] = {
	"nohz_full", "isolcpus", "rcu_nocbs", "irqaffinity", "nohz",
	"rcu_nocb_poll", "skew_tick", "idle", "",
};

/* one_key - the value of key into buffers of several sizes; they agree */
static void one_key(const char *cmdline, const char *key)
{
	static char big[8192];
	char small[8], err[256];
	struct nohz_isolcpus iso;
	int rc, rc2;

	rc = nohz_cmdline_param(cmdline, key, big, sizeof(big));
	FUZZ_ASSERT(rc == 1 || rc == 0 || rc == -ENOENT);
	FUZZ_ASSERT(memchr(big, '\0', sizeof(big)));
	if (rc != 1)
		FUZZ_ASSERT(big[0] == '\0');
	memset(small, 'x', sizeof(small));
	rc2 = nohz_cmdline_param(cmdline, key, small, 4);
	FUZZ_ASSERT(rc2 == rc);
	FUZZ_ASSERT(small[4] == 'x' && memchr(small, '\0', 4));
	FUZZ_ASSERT(!strncmp(small, big, 3));
	FUZZ_ASSERT(nohz_cmdline_param(cmdline, key, NULL, 0) == rc);
	FUZZ_ASSERT(nohz_cmdline_param(cmdline, key, small, 0) == rc);
	if (rc == 1) {
		err[0] = '\0';
		if (nohz_isolcpus_parse(big, &iso, err, sizeof(err)) < 0)
			FUZZ_ASSERT(err[0]);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = fuzz_cstr(data, size), err[256];
	struct nohz_isolcpus iso;
	size_t wl = strcspn(in, " \t\n=");
	double sec;

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		one_key(in, keys[i]);
	if (in[wl] != '=') {
		char *key = strndup(in, wl);

		if (!key)
			abort();
		one_key(in, key);
		free(key);
	}
	nohz_cmdline_param(NULL, "nohz_full", NULL, 0);

	err[0] = '\0';
	if (nohz_isolcpus_parse(in, &iso, err, sizeof(err)) < 0)
		FUZZ_ASSERT(err[0]);
	err[0] = '\0';
	sec = -1;
	if (nohz_parse_duration(in, &sec, err, sizeof(err)) == 0)
		FUZZ_ASSERT(sec > 0 && sec <= 366 * 86400.0);
	else
		FUZZ_ASSERT(err[0]);
	free(in);
	return 0;
}
