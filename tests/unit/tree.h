/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tree.h - small root trees (proc/, sys/, etc/) for the unit tests: a
 * temporary directory, files written with printf formats (parents made on
 * the way), gzip'd files, fake threads, and removal.  Include after cmocka.h.
 */
#ifndef NOHZ_TEST_TREE_H
#define NOHZ_TEST_TREE_H

#include <errno.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

/* Roots not yet freed: a failed test longjmps past its tree_free. */
static char *tree_roots[64];

/*
 * tree_new - an empty root under $TMPDIR, else /dev/shm (tmpfs: trees of
 * hundreds of files build in milliseconds), else /tmp; free with tree_free
 */
static inline char *tree_new(void)
{
	const char *tmp = getenv("TMPDIR");
	char *root = malloc(4096);

	assert_non_null(root);
	if (!tmp || !*tmp)
		tmp = access("/dev/shm", W_OK | X_OK) == 0 ? "/dev/shm" : "/tmp";
	snprintf(root, 4096, "%s/nohz-unit-XXXXXX", tmp);
	assert_non_null(mkdtemp(root));
	for (size_t i = 0; i < sizeof(tree_roots) / sizeof(tree_roots[0]); i++)
		if (!tree_roots[i]) {
			tree_roots[i] = root;
			break;
		}
	return root;
}

/* tree_mkdir - mkdir -p ROOT/path */
static inline void tree_mkdir(const char *root, const char *path)
{
	char full[4096];

	if (snprintf(full, sizeof(full), "%s/%s", root, path[0] == '/' ? path + 1 : path) >=
	    (int)sizeof(full))
		fail_msg("path too long: %s", path);
	for (char *p = full + strlen(root) + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(full, 0755) < 0 && errno != EEXIST)
			fail_msg("mkdir %s: %s", full, strerror(errno));
		*p = '/';
	}
	if (mkdir(full, 0755) < 0 && errno != EEXIST)
		fail_msg("mkdir %s: %s", full, strerror(errno));
}

/* tree_path - ROOT/path into out, parents created */
static inline void tree_path(const char *root, const char *path, char *out, size_t len)
{
	char dir[4096], *slash;

	if (path[0] == '/')
		path++;
	if (snprintf(out, len, "%s/%s", root, path) >= (int)len ||
	    snprintf(dir, sizeof(dir), "%s", path) >= (int)sizeof(dir))
		fail_msg("path too long: %s", path);
	slash = strrchr(dir, '/');
	if (slash) {
		*slash = '\0';
		tree_mkdir(root, dir);
	}
}

/* tree_write - ROOT/path holds exactly len bytes of data */
static inline void tree_write(const char *root, const char *path, const void *data,
			      size_t len)
{
	char full[4096];
	FILE *f;

	tree_path(root, path, full, sizeof(full));
	f = fopen(full, "w");
	if (!f)
		fail_msg("fopen %s: %s", full, strerror(errno));
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/* tree_put - ROOT/path holds the formatted text (no newline added) */
static inline __attribute__((format(printf, 3, 4)))
void tree_put(const char *root, const char *path, const char *fmt, ...)
{
	char *text;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&text, fmt, ap);
	va_end(ap);
	assert_true(n >= 0);
	tree_write(root, path, text, (size_t)n);
	free(text);
}

/* tree_gz - ROOT/path holds text gzip'd with zlib, as /proc/config.gz */
static inline void tree_gz(const char *root, const char *path, const char *text)
{
	char full[4096];
	gzFile gz;

	tree_path(root, path, full, sizeof(full));
	gz = gzopen(full, "wb9");
	assert_non_null(gz);
	assert_int_equal(gzwrite(gz, text, (unsigned)strlen(text)), (int)strlen(text));
	assert_int_equal(gzclose(gz), Z_OK);
}

/* tree_rm - rm -f ROOT/path (a file) */
static inline void tree_rm(const char *root, const char *path)
{
	char full[4096];

	if (snprintf(full, sizeof(full), "%s/%s", root, path[0] == '/' ? path + 1 : path) <
	    (int)sizeof(full))
		unlink(full);
}

/*
 * tree_stat_line - a /proc/PID/stat line of the shape Linux 6.x prints (52
 * fields), built field by field from proc(5) numbering, not from the parser.
 */
static inline void tree_stat_line(char *buf, size_t len, int tid, const char *comm,
				  char state, unsigned long flags, int processor)
{
	char f[53][32];
	size_t off;

	for (int i = 0; i < 53; i++)
		snprintf(f[i], sizeof(f[i]), "0");
	snprintf(f[4], 32, "1");		/* ppid */
	snprintf(f[5], 32, "%d", tid);		/* pgrp */
	snprintf(f[6], 32, "%d", tid);		/* session */
	snprintf(f[8], 32, "-1");		/* tpgid */
	snprintf(f[9], 32, "%lu", flags);
	snprintf(f[10], 32, "1234");		/* minflt */
	snprintf(f[12], 32, "7");		/* majflt */
	snprintf(f[14], 32, "500");		/* utime */
	snprintf(f[15], 32, "60");		/* stime */
	snprintf(f[18], 32, "20");		/* priority */
	snprintf(f[20], 32, "1");		/* num_threads */
	snprintf(f[22], 32, "4242");		/* starttime */
	snprintf(f[23], 32, "3133440");		/* vsize */
	snprintf(f[25], 32, "18446744073709551615");	/* rsslim */
	snprintf(f[38], 32, "17");		/* exit_signal */
	snprintf(f[39], 32, "%d", processor);
	off = snprintf(buf, len, "%d (%s) %c", tid, comm, state);
	for (int i = 4; i <= 52 && off < len; i++)
		off += snprintf(buf + off, len - off, " %s", f[i]);
	if (off < len)
		snprintf(buf + off, len - off, "\n");
}

/*
 * tree_thread - proc/PID/task/TID/{stat,status} (and proc/PID/{stat,status}
 * for the leader): comm, state, task flags, last cpu, Cpus_allowed_list.
 */
static inline void tree_thread(const char *root, int pid, int tid, const char *comm,
			       char state, unsigned long flags, int processor,
			       const char *cpus)
{
	char stat[2048], path[256];
	bool kthread = flags & 0x00200000u;

	tree_stat_line(stat, sizeof(stat), tid, comm, state, flags, processor);
	for (int leader = 0; leader < 2; leader++) {
		if (leader && pid != tid)
			break;
		if (leader)
			snprintf(path, sizeof(path), "proc/%d/stat", pid);
		else
			snprintf(path, sizeof(path), "proc/%d/task/%d/stat", pid, tid);
		tree_put(root, path, "%s", stat);
		strcpy(path + strlen(path) - 4, "status");
		tree_put(root, path,
			 "Name:\t%s\nState:\t%c (x)\nTgid:\t%d\nPid:\t%d\nPPid:\t1\n"
			 "%s"
			 "Cpus_allowed:\tf\nCpus_allowed_list:\t%s\n"
			 "voluntary_ctxt_switches:\t10\nnonvoluntary_ctxt_switches:\t2\n",
			 comm, state, pid, tid,
			 kthread ? "" : "VmPeak:\t  1000 kB\nVmLck:\t       0 kB\n", cpus);
	}
}

static inline int tree_rm_one(const char *path, const struct stat *st, int flag,
			      struct FTW *ftw)
{
	return remove(path);
}

/* tree_free - rm -rf the root and free its name */
static inline void tree_free(char *root)
{
	if (!root)
		return;
	for (size_t i = 0; i < sizeof(tree_roots) / sizeof(tree_roots[0]); i++)
		if (tree_roots[i] == root)
			tree_roots[i] = NULL;
	nftw(root, tree_rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(root);
}

/* tree_cleanup - group teardown: remove the roots failed tests left */
static inline int tree_cleanup(void **state)
{
	for (size_t i = 0; i < sizeof(tree_roots) / sizeof(tree_roots[0]); i++)
		tree_free(tree_roots[i]);
	return 0;
}

#endif
