/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz.h - shared by the libFuzzer targets of tests/fuzz/.
 */
#ifndef NOHZ_FUZZ_H
#define NOHZ_FUZZ_H

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* FUZZ_ASSERT - an invariant broke: abort, so libFuzzer keeps the input */
#define FUZZ_ASSERT(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, \
			__LINE__, #cond); \
		abort(); \
	} \
} while (0)

/* fuzz_cstr - the input as a NUL-terminated string (it may hold NULs) */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/*
 * A scratch root for targets that read files through struct nohz_sys:
 * made once under $TMPDIR, removed at exit (tests/fuzz/run.sh also gives
 * each run a TMPDIR of its own and removes it, for runs that crash).
 */
static char fuzz_root[4096];

static int fuzz_rm_one(const char *path, const struct stat *sb, int flag,
		       struct FTW *ftw)
{
	(void)sb; (void)flag; (void)ftw;
	remove(path);
	return 0;
}

static void fuzz_root_remove(void)
{
	if (fuzz_root[0])
		nftw(fuzz_root, fuzz_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* fuzz_root_init - create the scratch root once; returns its path */
static inline const char *fuzz_root_init(void)
{
	const char *tmp = getenv("TMPDIR");

	if (fuzz_root[0])
		return fuzz_root;
	snprintf(fuzz_root, sizeof(fuzz_root), "%s/nohz-fuzz.XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(fuzz_root))
		abort();
	atexit(fuzz_root_remove);
	return fuzz_root;
}

/* fuzz_mkdirs - every directory of rel (relative to the root) but the last
 * component */
static inline void fuzz_mkdirs(const char *rel)
{
	char path[8192];

	snprintf(path, sizeof(path), "%s/%s", fuzz_root, rel);
	for (char *p = path + strlen(fuzz_root) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			abort();
		*p = '/';
	}
}

/* fuzz_put - rel under the root holds exactly len bytes of data */
static inline void fuzz_put(const char *rel, const void *data, size_t len)
{
	char path[8192];
	int fd;

	fuzz_mkdirs(rel);
	snprintf(path, sizeof(path), "%s/%s", fuzz_root, rel);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || (len && write(fd, data, len) != (ssize_t)len))
		abort();
	close(fd);
}

/* fuzz_del - rel under the root is absent */
static inline void fuzz_del(const char *rel)
{
	char path[8192];

	snprintf(path, sizeof(path), "%s/%s", fuzz_root, rel);
	unlink(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
