// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * fuzz_stat.c - libFuzzer target: /proc/PID/stat, status, cgroup and stack
 * texts, the parsers every thread scan runs on text a process controls (a
 * comm may hold any byte but NUL and newline, ')' and blanks included).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nohz.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = fuzz_cstr(data, size), site[64], tiny[2];
	struct nohz_cgroup_info ci;
	struct nohz_status status;
	struct nohz_stat st;

	if (nohz_stat_parse(in, &st) == 0) {
		FUZZ_ASSERT(st.tid > 0);
		FUZZ_ASSERT(memchr(st.comm, '\0', sizeof(st.comm)));
		FUZZ_ASSERT(strstr(in, st.comm));
	}
	if (nohz_status_parse(in, &status) == 0)
		FUZZ_ASSERT(nohz_cpuset_last(&status.cpus_allowed) < NOHZ_MAX_CPUS);
	if (nohz_cgroup_info_parse(in, &ci) == 0) {
		FUZZ_ASSERT(memchr(ci.path, '\0', sizeof(ci.path)));
		FUZZ_ASSERT(memchr(ci.id, '\0', sizeof(ci.id)));
		FUZZ_ASSERT(memchr(ci.unit, '\0', sizeof(ci.unit)));
	}
	if (nohz_stack_site(in, site, sizeof(site)) == 0)
		FUZZ_ASSERT(memchr(site, '\0', sizeof(site)));
	nohz_stack_site(in, tiny, sizeof(tiny));
	nohz_stack_site(in, tiny, 0);
	nohz_kthread_percpu(in);
	free(in);
	return 0;
}
