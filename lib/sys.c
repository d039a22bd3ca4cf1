// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * sys.c - read the kernel's files under a root directory.
 *
 * Every path is opened relative to a directory fd, so a captured tree (a
 * sosreport, a test fixture) reads exactly like the live "/".
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/klog.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "internal.h"

struct nohz_sys {
	int dirfd;
	bool live;
	char root[PATH_MAX];
	char *config;		/* kernel config text, loaded on first use */
	size_t config_len;
	int config_state;	/* 0 not tried, 1 loaded, -1 none found */
	char config_src[PATH_MAX];
};

struct nohz_sys *nohz_sys_open(const char *root)
{
	struct nohz_sys *sys;
	struct stat st;

	/* "" is not "/": an empty --root is a mistake (an unset variable), and
	 * reading the live host instead would report on the wrong machine */
	if (!root)
		root = "/";
	sys = calloc(1, sizeof(*sys));
	if (!sys)
		return NULL;
	sys->dirfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (sys->dirfd < 0) {
		int e = errno;

		free(sys);
		errno = e;
		return NULL;
	}
	if (fstat(sys->dirfd, &st) == 0) {
		struct stat rs;

		sys->live = stat("/", &rs) == 0 && rs.st_dev == st.st_dev &&
			    rs.st_ino == st.st_ino;
	}
	snprintf(sys->root, sizeof(sys->root), "%s", root);
	return sys;
}

void nohz_sys_close(struct nohz_sys *sys)
{
	if (!sys)
		return;
	close(sys->dirfd);
	free(sys->config);
	free(sys);
}

const char *nohz_sys_root(const struct nohz_sys *sys)
{
	return sys->root;
}

bool nohz_sys_live(const struct nohz_sys *sys)
{
	return sys->live;
}

int nohz_sys_fd(const struct nohz_sys *sys)
{
	return sys->dirfd;
}

static const char *rel(const char *path)
{
	while (*path == '/')
		path++;
	return *path ? path : ".";
}

static int sys_openat(struct nohz_sys *sys, const char *path)
{
	return openat(sys->dirfd, rel(path), O_RDONLY | O_CLOEXEC);
}

int nohz_sys_read(struct nohz_sys *sys, const char *path, char *buf, size_t len)
{
	ssize_t n, off = 0;
	int fd;

	if (!len)
		return -EINVAL;
	fd = sys_openat(sys, path);
	if (fd < 0)
		return -errno;
	while ((size_t)off < len - 1) {
		n = read(fd, buf + off, len - 1 - off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			int e = -errno;

			close(fd);
			buf[0] = '\0';
			return e;
		}
		if (!n)
			break;
		off += n;
	}
	close(fd);
	while (off && (buf[off - 1] == '\n' || buf[off - 1] == '\0'))
		off--;
	buf[off] = '\0';
	return (int)off;
}

int nohz_sys_read_alloc(struct nohz_sys *sys, const char *path, char **out,
			size_t *outlen)
{
	size_t cap = 65536, off = 0;
	char *buf;
	int fd;

	fd = sys_openat(sys, path);
	if (fd < 0)
		return -errno;
	buf = malloc(cap);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	for (;;) {
		ssize_t n;

		if (cap - off < 4096) {
			char *nb = realloc(buf, cap * 2);

			if (!nb) {
				free(buf);
				close(fd);
				return -ENOMEM;
			}
			buf = nb;
			cap *= 2;
		}
		n = read(fd, buf + off, cap - off - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			int e = -errno;

			free(buf);
			close(fd);
			return e;
		}
		if (!n)
			break;
		off += n;
	}
	close(fd);
	buf[off] = '\0';
	*out = buf;
	if (outlen)
		*outlen = off;
	return 0;
}

int nohz_sys_read_long(struct nohz_sys *sys, const char *path, long *val)
{
	char buf[64], *end;
	int rc = nohz_sys_read(sys, path, buf, sizeof(buf));

	if (rc < 0)
		return rc;
	errno = 0;
	/* sysfs numbers are decimal ("08" is 8) unless marked hex */
	*val = strtol(buf, &end, strncasecmp(buf, "0x", 2) ? 10 : 16);
	if (end == buf || errno)
		return -EINVAL;
	return 0;
}

int nohz_sys_read_cpuset(struct nohz_sys *sys, const char *path,
			 struct nohz_cpuset *s)
{
	char buf[8192];
	int rc = nohz_sys_read(sys, path, buf, sizeof(buf));

	nohz_cpuset_zero(s);
	if (rc < 0)
		return rc;
	if (!strcmp(buf, "(null)"))	/* nohz_full without the boot option */
		return 0;
	return nohz_cpuset_parse(s, buf, NULL, 0);
}

int nohz_sys_read_cpumask(struct nohz_sys *sys, const char *path,
			  struct nohz_cpuset *s)
{
	char buf[4096];
	int rc = nohz_sys_read(sys, path, buf, sizeof(buf));

	nohz_cpuset_zero(s);
	if (rc < 0)
		return rc;
	return nohz_cpuset_parse_mask(s, buf, NULL, 0);
}

bool nohz_sys_exists(struct nohz_sys *sys, const char *path)
{
	return faccessat(sys->dirfd, rel(path), F_OK, 0) == 0;
}

DIR *nohz_sys_opendir(struct nohz_sys *sys, const char *path)
{
	int fd = openat(sys->dirfd, rel(path), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d;

	if (fd < 0)
		return NULL;
	d = fdopendir(fd);
	if (!d) {
		int e = errno;

		close(fd);
		errno = e;
	}
	return d;
}

/* config_gunzip - inflate /proc/config.gz through an fd under the root */
static int config_gunzip(struct nohz_sys *sys, const char *path)
{
	int fd = sys_openat(sys, path);
	size_t cap = 1 << 18, off = 0;
	gzFile gz;
	char *buf;

	if (fd < 0)
		return -errno;
	gz = gzdopen(fd, "rb");
	if (!gz) {
		close(fd);
		return -ENOMEM;
	}
	buf = malloc(cap);
	while (buf) {
		int n;

		if (cap - off < 65536) {
			char *nb = realloc(buf, cap * 2);

			if (!nb) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = nb;
			cap *= 2;
		}
		n = gzread(gz, buf + off, (unsigned)(cap - off - 1));
		if (n < 0) {
			free(buf);
			buf = NULL;
			break;
		}
		if (!n)
			break;
		off += n;
	}
	gzclose(gz);
	if (!buf)
		return -EIO;
	buf[off] = '\0';
	sys->config = buf;
	sys->config_len = off;
	return 0;
}

static int config_load(struct nohz_sys *sys)
{
	char rel_path[300], release[128];

	if (sys->config_state)
		return sys->config_state > 0 ? 0 : -ENOENT;
	sys->config_state = -1;
	if (config_gunzip(sys, "/proc/config.gz") == 0) {
		snprintf(sys->config_src, sizeof(sys->config_src), "/proc/config.gz");
		sys->config_state = 1;
		return 0;
	}
	if (nohz_sys_read(sys, "/proc/sys/kernel/osrelease", release,
			  sizeof(release)) > 0) {
		snprintf(rel_path, sizeof(rel_path), "/boot/config-%s", release);
		if (nohz_sys_read_alloc(sys, rel_path, &sys->config,
					&sys->config_len) == 0) {
			snprintf(sys->config_src, sizeof(sys->config_src), "%s",
				 rel_path);
			sys->config_state = 1;
			return 0;
		}
	}
	return -ENOENT;
}

int nohz_kconfig(struct nohz_sys *sys, const char *name, char *val, size_t len)
{
	size_t nlen = strlen(name);
	const char *p;

	if (config_load(sys) < 0)
		return -ENOENT;
	for (p = sys->config; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		if (strncmp(p, "CONFIG_", 7) == 0 && strncmp(p + 7, name, nlen) == 0 &&
		    p[7 + nlen] == '=') {
			const char *v = p + 8 + nlen;
			size_t vl = strcspn(v, "\n");

			if (vl && v[0] == '"' && v[vl - 1] == '"' && vl >= 2) {
				v++;
				vl -= 2;
			}
			if (val && len)
				snprintf(val, len, "%.*s", (int)vl, v);
			return 1;
		}
	}
	if (val && len)
		val[0] = '\0';
	return 0;
}

const char *nohz_kconfig_source(struct nohz_sys *sys)
{
	return config_load(sys) == 0 ? sys->config_src : NULL;
}

int nohz_sys_hz(struct nohz_sys *sys)
{
	char v[32];

	if (nohz_kconfig(sys, "HZ", v, sizeof(v)) <= 0)
		return -ENOENT;
	return atoi(v) > 0 ? atoi(v) : -ENOENT;
}

int nohz_kernel_read(struct nohz_sys *sys, struct nohz_kernel *k)
{
	int rc;

	memset(k, 0, sizeof(*k));
	nohz_sys_read(sys, "/proc/sys/kernel/osrelease", k->release,
		      sizeof(k->release));
	nohz_sys_read(sys, "/proc/cmdline", k->cmdline, sizeof(k->cmdline));
	rc = nohz_sys_read_cpuset(sys, "/sys/devices/system/cpu/online", &k->online);
	if (rc < 0)
		return rc;	/* without it nothing can be said */
	if (nohz_sys_read_cpuset(sys, "/sys/devices/system/cpu/possible",
				 &k->possible) < 0)
		k->possible = k->online;
	k->has_nohz_full_file = nohz_sys_read_cpuset(sys,
		"/sys/devices/system/cpu/nohz_full", &k->nohz_full) == 0;
	k->has_isolated_file = nohz_sys_read_cpuset(sys,
		"/sys/devices/system/cpu/isolated", &k->isolated) == 0;
	rc = nohz_sys_hz(sys);
	k->hz = rc > 0 ? rc : 0;
	return 0;
}

void nohz_default_cpus(const struct nohz_kernel *k, struct nohz_cpuset *s)
{
	if (!nohz_cpuset_empty(&k->nohz_full)) {
		*s = k->nohz_full;
	} else if (!nohz_cpuset_empty(&k->isolated)) {
		*s = k->isolated;
	} else {
		*s = k->online;
		nohz_cpuset_clear(s, nohz_cpuset_next(&k->online, -1));
	}
}

int sys_dmesg(struct nohz_sys *sys, char **buf)
{
	if (sys->live) {
		int n = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0);
		char *b;

		if (n > 0 && (b = malloc(n + 1))) {
			int got = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, b, n);

			if (got >= 0) {
				b[got] = '\0';
				*buf = b;
				return 0;
			}
			free(b);
		}
	}
	if (nohz_sys_read_alloc(sys, "/dmesg", buf, NULL) == 0)
		return 0;
	if (nohz_sys_read_alloc(sys, "/var/log/dmesg", buf, NULL) == 0)
		return 0;
	*buf = NULL;
	return -ENOENT;
}
