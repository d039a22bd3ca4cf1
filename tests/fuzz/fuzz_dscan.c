// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * fuzz_dscan.c - libFuzzer target: the /proc scanners that read stat lines
 * with parsers of their own (dstate.c's stat_peek, dscan.c's state peek,
 * interrupts.c's stat_sched for irqtop's task counts) before or instead of
 * nohz_stat_parse.
 *
 * Input: a stat line, then optionally a NUL and a status text.  They are
 * written under a scratch root as the stat files of process 1 and of its
 * threads 1 and 2 (so both the single-thread shortcut and the task-dir
 * walk run, depending on field 20), and every scanner reads that root.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nohz.h"
#include "fuzz.h"

static const char default_status[] =
	"Name:\tfuzz\nTgid:\t1\nCpus_allowed_list:\t0-3\nVmLck:\t0 kB\n"
	"voluntary_ctxt_switches:\t1\nnonvoluntary_ctxt_switches:\t2\n";

static int on_dthread(const struct nohz_dthread *t, void *arg)
{
	(void)arg;
	FUZZ_ASSERT(t->stat.tid > 0 && t->pid == 1);
	FUZZ_ASSERT(memchr(t->pcomm, '\0', sizeof(t->pcomm)));
	return 0;
}

static int on_thread(const struct nohz_thread *t, void *arg)
{
	(void)arg;
	FUZZ_ASSERT(t->stat.tid > 0 && t->pid == 1);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, '\0', size);
	size_t statlen = nul ? (size_t)(nul - data) : size;
	const char *status = nul ? (const char *)nul + 1 : default_status;
	size_t stlen = nul ? size - statlen - 1 : strlen(default_status);
	unsigned int counts[8];
	struct nohz_dscan *ds;
	struct nohz_sys *sys;
	pid_t one = 1;
	int rc;

	fuzz_root_init();
	fuzz_put("proc/1/stat", data, statlen);
	fuzz_put("proc/1/comm", "fuzz\n", 5);
	for (int tid = 1; tid <= 2; tid++) {
		char p[64];

		snprintf(p, sizeof(p), "proc/1/task/%d/stat", tid);
		fuzz_put(p, data, statlen);
		snprintf(p, sizeof(p), "proc/1/task/%d/status", tid);
		fuzz_put(p, status, stlen);
		snprintf(p, sizeof(p), "proc/1/task/%d/schedstat", tid);
		fuzz_put(p, "1000 0 1\n", 9);
	}

	sys = nohz_sys_open(fuzz_root);
	FUZZ_ASSERT(sys);
	rc = nohz_dstate_scan(sys, NULL, 0, true, on_dthread, NULL);
	FUZZ_ASSERT(rc >= 0 && rc <= 3);
	rc = nohz_dstate_scan(sys, &one, 1, false, on_dthread, NULL);
	FUZZ_ASSERT(rc >= 0 && rc <= 3);
	rc = nohz_tasks_running(sys, counts, 8, 0);
	FUZZ_ASSERT(rc >= 0 && rc <= 3);
	FUZZ_ASSERT(nohz_threads_each(sys, on_thread, NULL) == 0);
	if (nohz_dscan_open(&ds, sys, NULL, 0) == 0) {
		nohz_dscan_run(ds, on_dthread, NULL);
		nohz_dscan_run(ds, on_dthread, NULL);	/* the cached path */
		nohz_dscan_close(ds);
	}
	nohz_sys_close(sys);
	return 0;
}
