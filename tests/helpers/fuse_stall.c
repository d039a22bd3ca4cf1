/*
 * fuse_stall - a FUSE file system whose one file stalls every read.
 *
 * Usage: fuse_stall MOUNTPOINT STALL_MS
 * Serves /stall (64 KiB of zeros); each read sleeps STALL_MS before it
 * answers, so the reading thread sits in the kernel waiting on the server,
 * the way it would on a hung network file system, and prints "stall_ms X",
 * the time it really held the request.  Runs in the foreground,
 * single-threaded, until SIGTERM/SIGINT (fuse unmounts on the way out).
 * Exits 77 when built without the fuse3 headers.
 */
#if __has_include(<fuse3/fuse.h>)
#define FUSE_USE_VERSION 31
#include <errno.h>
#include <fuse3/fuse.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define STALL_SIZE (64 * 1024)
static long stall_ms;

/* stall_getattr - a root directory holding one regular file */
static int stall_getattr(const char *path, struct stat *st,
			 struct fuse_file_info *fi)
{
	memset(st, 0, sizeof(*st));
	if (!strcmp(path, "/")) {
		st->st_mode = S_IFDIR | 0755;
		st->st_nlink = 2;
		return 0;
	}
	if (strcmp(path, "/stall"))
		return -ENOENT;
	st->st_mode = S_IFREG | 0444;
	st->st_nlink = 1;
	st->st_size = STALL_SIZE;
	return 0;
}

static int stall_readdir(const char *path, void *buf, fuse_fill_dir_t fill,
			 off_t off, struct fuse_file_info *fi,
			 enum fuse_readdir_flags flags)
{
	if (strcmp(path, "/"))
		return -ENOENT;
	fill(buf, ".", NULL, 0, 0);
	fill(buf, "..", NULL, 0, 0);
	fill(buf, "stall", NULL, 0, 0);
	return 0;
}

static int stall_open(const char *path, struct fuse_file_info *fi)
{
	return strcmp(path, "/stall") ? -ENOENT : 0;
}

/* stall_read - sleep, then answer with zeros; a signal ends the sleep */
static int stall_read(const char *path, char *buf, size_t size, off_t off,
		      struct fuse_file_info *fi)
{
	struct timespec ts = { stall_ms / 1000, (stall_ms % 1000) * 1000000L }, t0, t1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	nanosleep(&ts, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("stall_ms %.1f\n", (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6);
	fflush(stdout);
	if (off >= STALL_SIZE)
		return 0;
	if (size > (size_t)(STALL_SIZE - off))
		size = STALL_SIZE - off;
	memset(buf, 0, size);
	return size;
}

static const struct fuse_operations stall_ops = {
	.getattr = stall_getattr,
	.readdir = stall_readdir,
	.open = stall_open,
	.read = stall_read,
};

int main(int argc, char **argv)
{
	char *fargv[] = { argv[0], "-f", "-s", "-o", "fsname=fuse_stall",
			  argc > 1 ? argv[1] : NULL, NULL };

	if (argc != 3 || (stall_ms = atol(argv[2])) < 0) {
		fprintf(stderr, "usage: fuse_stall MOUNTPOINT STALL_MS\n");
		return 2;
	}
	return fuse_main(6, fargv, &stall_ops, NULL);
}
#else
#include <stdio.h>
int main(void)
{
	fprintf(stderr, "fuse_stall: built without fuse3 headers\n");
	return 77;
}
#endif
