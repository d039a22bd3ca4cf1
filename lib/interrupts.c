// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * interrupts.c - parse /proc/interrupts and /proc/softirqs.
 *
 * Both files are a header of "CPUn" column titles, then one row per source:
 * "NAME:" (right-aligned), one count per column, then a free-text
 * description.  Rows may carry fewer counts (x86 ERR and MIS have one).  The
 * text is read once and edited in place: names and descriptions become
 * NUL-terminated strings inside it, so a 1024-CPU file costs two
 * allocations, not one per field.  A tool refreshing every second re-reads
 * the whole file, so this path is kept lean.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* count_rows - upper bound of rows: lines that hold a ':' */
static size_t count_rows(const char *s, const char *end)
{
	size_t lines = 1, colons = 0;

	for (const char *p = s; p < end; p++) {
		lines += *p == '\n';
		colons += *p == ':';
	}
	return lines < colons ? lines : colons;
}

/* header_scan - count "CPUn" titles of the first non-blank line; 0 on error */
static int header_scan(const char *s, const char *eol, char *err, size_t errlen)
{
	int n = 0;

	while (s < eol) {
		const char *tok;

		while (s < eol && is_blank(*s))
			s++;
		if (s >= eol)
			break;
		tok = s;
		if (eol - s < 4 || memcmp(s, "CPU", 3) || !is_digit(s[3])) {
			while (s < eol && !is_blank(*s))
				s++;
			nohz_err(err, errlen, "line 1: header title '%.*s' is not CPUn",
				 (int)(s - tok > 32 ? 32 : s - tok), tok);
			return 0;
		}
		for (s += 3; s < eol && is_digit(*s); s++)
			;
		if (s < eol && !is_blank(*s)) {
			nohz_err(err, errlen, "line 1: bad header title near '%.*s'",
				 (int)(eol - tok > 32 ? 32 : eol - tok), tok);
			return 0;
		}
		if (++n > NOHZ_MAX_CPUS) {
			nohz_err(err, errlen, "line 1: more than %d CPU columns",
				 NOHZ_MAX_CPUS);
			return 0;
		}
	}
	if (!n)
		nohz_err(err, errlen, "line 1: no CPU columns in the header");
	return n;
}

/* header_parse - fill cpus[] from a header that header_scan accepted */
static int header_parse(const char *s, const char *eol, int *cpus, int n,
			char *err, size_t errlen)
{
	for (int i = 0; i < n; i++) {
		long v = 0;

		while (is_blank(*s))
			s++;
		for (s += 3; s < eol && is_digit(*s); s++) {
			v = v * 10 + (*s - '0');
			if (v >= NOHZ_MAX_CPUS) {
				nohz_err(err, errlen, "line 1: CPU number beyond %d",
					 NOHZ_MAX_CPUS - 1);
				return -EINVAL;
			}
		}
		if (i && v <= cpus[i - 1]) {
			nohz_err(err, errlen, "line 1: CPU%ld after CPU%d: columns must ascend",
				 v, cpus[i - 1]);
			return -EINVAL;
		}
		cpus[i] = (int)v;
	}
	return 0;
}

/* parse_count - one decimal count ending in a blank or the line end;
 * returns the end, s when the token is not a count, NULL on overflow */
static char *parse_count(char *s, char *eol, uint64_t *val)
{
	uint64_t v = 0;
	char *p;

	for (p = s; p < eol && is_digit(*p); p++) {
		unsigned d = (unsigned)(*p - '0');

		if (v > (UINT64_MAX - d) / 10)
			return NULL;
		v = v * 10 + d;
	}
	if (p == s || (p < eol && !is_blank(*p)))
		return s;	/* "5-edge": the description starts here */
	*val = v;
	return p;
}

/* fold_desc - copy [s, eol) to s with blank runs folded, trimmed, NUL-ended */
static void fold_desc(char *s, char *eol)
{
	char *out = s;

	for (char *p = s; p < eol; p++) {
		if (is_blank(*p)) {
			if (out > s && out[-1] != ' ')
				*out++ = ' ';
		} else {
			*out++ = *p;
		}
	}
	if (out > s && out[-1] == ' ')
		out--;
	*out = '\0';
}

/*
 * interrupts_parse - parse text[0..len) in place (text[len] must be
 * writable); rows, counts and cpus go into one block, t->mem_.
 */
static int interrupts_parse(struct nohz_interrupts *t, char *text, size_t len,
			    char *err, size_t errlen)
{
	char *s = text, *end = text + len, *eol;
	size_t maxrows, cap, used = 0, nrows = 0;
	struct nohz_irq_row *rows;
	uint64_t *counts;
	int ncpus, *cpus, line = 1;

	*end = '\0';
	/* the kernel writes no NUL: a zero-filled capture or a binary file
	 * would end names and descriptions inside a row */
	eol = memchr(s, '\0', len);
	if (eol) {
		for (char *q = s; q < eol; q++)
			line += *q == '\n';
		nohz_err(err, errlen, "line %d: NUL byte: not a text file", line);
		return -EINVAL;
	}
	/* skip blank lines before the header */
	for (;;) {
		eol = memchr(s, '\n', end - s);
		if (!eol)
			eol = end;
		char *q = s;

		while (q < eol && is_blank(*q))
			q++;
		if (q < eol || eol == end)
			break;
		s = eol + 1;
		line++;
	}
	if (s >= end || s == eol) {
		nohz_err(err, errlen, "empty: no CPU header");
		return -EINVAL;
	}
	ncpus = header_scan(s, eol, err, errlen);
	if (!ncpus)
		return -EINVAL;
	maxrows = count_rows(eol, end);
	/* counts are at least a digit and a blank each: bounded by the text */
	cap = (size_t)ncpus * maxrows;
	if (cap > len / 2 + 1)
		cap = len / 2 + 1;
	t->mem_ = malloc(maxrows * sizeof(*rows) + cap * sizeof(*counts) +
			 (size_t)ncpus * sizeof(*cpus) + 1);
	if (!t->mem_) {
		nohz_err(err, errlen, "out of memory for %zu rows of %d CPUs",
			 maxrows, ncpus);
		return -ENOMEM;
	}
	rows = t->mem_;
	counts = (uint64_t *)(rows + maxrows);
	cpus = (int *)(counts + cap);
	if (header_parse(s, eol, cpus, ncpus, err, errlen) < 0)
		return -EINVAL;
	t->ncpus = ncpus;
	t->cpus = cpus;
	t->rows = rows;

	for (s = eol; s < end; s = eol) {
		struct nohz_irq_row *r;
		char *name, *p;

		s++;		/* the '\n' that ended the previous line */
		line++;
		eol = memchr(s, '\n', end - s);
		if (!eol)
			eol = end;
		while (s < eol && is_blank(*s))
			s++;
		if (s == eol)
			continue;
		for (name = s; s < eol && *s != ':' && !is_blank(*s); s++)
			;
		if (s == eol || *s != ':' || s == name) {
			nohz_err(err, errlen, "line %d: no 'NAME:' at '%.*s'", line,
				 (int)(eol - name > 32 ? 32 : eol - name), name);
			return -EINVAL;
		}
		if (nrows >= maxrows) {	/* cannot happen: bounded by ':' */
			nohz_err(err, errlen, "line %d: too many rows", line);
			return -EINVAL;
		}
		*s++ = '\0';
		r = &rows[nrows];
		r->name = name;
		r->irq = -1;
		if (s - name - 1 <= 9) {
			int v = 0;

			for (p = name; is_digit(*p); p++)
				v = v * 10 + (*p - '0');
			if (!*p)
				r->irq = v;
		}
		r->counts = counts + used;
		r->ncounts = 0;
		r->total = 0;
		while (r->ncounts < ncpus) {
			uint64_t v;

			while (s < eol && is_blank(*s))
				s++;
			p = parse_count(s, eol, &v);
			if (!p) {
				nohz_err(err, errlen, "line %d: count of %s does not fit 64 bits",
					 line, name);
				return -EINVAL;
			}
			if (p == s)
				break;
			if (used >= cap) {
				nohz_err(err, errlen, "line %d: too many counts", line);
				return -EINVAL;
			}
			counts[used++] = v;
			r->ncounts++;
			r->total += v;
			s = p;
		}
		if (!r->ncounts) {
			nohz_err(err, errlen, "line %d: row %s has no counts", line, name);
			return -EINVAL;
		}
		while (s < eol && is_blank(*s))
			s++;
		r->desc = s;
		fold_desc(s, eol);	/* writes the NUL at or before eol */
		nrows++;
	}
	t->nrows = nrows;
	return 0;
}

void nohz_interrupts_free(struct nohz_interrupts *t)
{
	if (!t)
		return;
	free(t->mem_);
	free(t->text_);
	memset(t, 0, sizeof(*t));
}

int nohz_interrupts_parse(struct nohz_interrupts *t, const char *text,
			  size_t len, char *err, size_t errlen)
{
	char *copy;
	int rc;

	memset(t, 0, sizeof(*t));
	copy = malloc(len + 1);
	if (!copy) {
		nohz_err(err, errlen, "out of memory for %zu bytes", len);
		return -ENOMEM;
	}
	memcpy(copy, text, len);
	t->text_ = copy;
	rc = interrupts_parse(t, copy, len, err, errlen);
	if (rc < 0)
		nohz_interrupts_free(t);
	return rc;
}

int nohz_interrupts_read(struct nohz_sys *sys, const char *path,
			 struct nohz_interrupts *t, char *err, size_t errlen)
{
	const char *root = nohz_sys_root(sys);
	char sub[256];
	size_t len;
	char *buf;
	int rc;

	memset(t, 0, sizeof(*t));
	if (!strcmp(root, "/"))
		root = "";
	rc = nohz_sys_read_alloc(sys, path, &buf, &len);
	if (rc < 0) {
		nohz_err(err, errlen, "cannot read %s%s: %s", root, path, strerror(-rc));
		return rc;
	}
	t->text_ = buf;	/* read_alloc leaves buf[len] writable */
	rc = interrupts_parse(t, buf, len, sub, sizeof(sub));
	if (rc < 0) {
		nohz_err(err, errlen, "cannot parse %s%s: %s", root, path, sub);
		nohz_interrupts_free(t);
	}
	return rc;
}

const struct nohz_irq_row *nohz_interrupts_find(const struct nohz_interrupts *t,
						const char *name)
{
	for (size_t i = 0; i < t->nrows; i++)
		if (!strcmp(t->rows[i].name, name))
			return &t->rows[i];
	return NULL;
}

const struct nohz_irq_row *nohz_interrupts_find_irq(const struct nohz_interrupts *t,
						    int irq)
{
	if (irq < 0)
		return NULL;
	for (size_t i = 0; i < t->nrows; i++)
		if (t->rows[i].irq == irq)
			return &t->rows[i];
	return NULL;
}

const struct nohz_irq_row *nohz_interrupts_match(const struct nohz_interrupts *t,
						 const struct nohz_interrupts *other,
						 size_t i)
{
	const char *name = other->rows[i].name;

	if (i < t->nrows && !strcmp(t->rows[i].name, name))
		return &t->rows[i];
	return nohz_interrupts_find(t, name);
}

uint64_t nohz_interrupts_delta(uint64_t prev, uint64_t cur)
{
	if (cur >= prev)
		return cur - prev;
	if (prev <= UINT32_MAX)
		return cur + (UINT32_MAX - prev) + 1;
	return 0;
}

int nohz_interrupts_column(const struct nohz_interrupts *t, int cpu)
{
	int lo = 0, hi = t->ncpus - 1;

	while (lo <= hi) {	/* columns ascend: the parser checked */
		int mid = lo + (hi - lo) / 2;

		if (t->cpus[mid] == cpu)
			return mid;
		if (t->cpus[mid] < cpu)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

uint64_t nohz_interrupts_count(const struct nohz_interrupts *t,
			       const struct nohz_irq_row *r, int cpu)
{
	int col = nohz_interrupts_column(t, cpu);

	return col >= 0 && col < r->ncounts ? r->counts[col] : 0;
}

void nohz_interrupts_cpus(const struct nohz_interrupts *t, struct nohz_cpuset *s)
{
	nohz_cpuset_zero(s);
	for (int i = 0; i < t->ncpus; i++)
		nohz_cpuset_set(s, t->cpus[i]);
}

/* pid_name - a /proc entry that is a pid */
static bool pid_name(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!is_digit(*s))
			return false;
	return true;
}

/* read_at - a small file relative to a directory fd, NUL-terminated */
static ssize_t read_at(int dfd, const char *name, char *buf, size_t len)
{
	int fd = openat(dfd, name, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n >= 0)
		buf[n] = '\0';
	return n;
}

/*
 * stat_sched - state (field 3), num_threads (20) and processor (39) of a
 * stat line; the name (field 2) may hold blanks and ')' so fields count
 * from the last ')'.  Only three fields are wanted, so none is converted
 * but those.
 */
static bool stat_sched(const char *line, char *state, long *nthreads, int *cpu)
{
	const char *p = strrchr(line, ')');

	if (!p || p[1] != ' ' || !p[2] || p[3] != ' ')
		return false;
	*state = p[2];
	p += 4;
	for (int field = 4; *p; field++) {
		while (*p == ' ')
			p++;
		if (field == 20 || field == 39) {
			char *end;
			long v = strtol(p, &end, 10);

			if (end == p)
				return false;
			if (field == 39) {
				*cpu = v >= 0 && v < INT32_MAX ? (int)v : -1;
				return true;
			}
			*nthreads = v;
			p = end;
			continue;
		}
		while (*p && *p != ' ')
			p++;
	}
	return false;
}

static void count_one(unsigned int *counts, int ncpus, char state, int cpu)
{
	if (state == 'R' && cpu >= 0 && cpu < ncpus)
		counts[cpu]++;
}

/* tasks_count_dir - count R threads of one process; threads may vanish */
static int tasks_count_dir(int pidfd, unsigned int *counts, int ncpus)
{
	char path[300], line[1024];
	struct dirent *de;
	int seen = 0, fd;
	DIR *d;

	fd = openat(pidfd, "task", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return 0;
	}
	while ((de = readdir(d))) {
		long nthreads = 0;
		char state;
		int cpu;

		if (!pid_name(de->d_name))
			continue;
		snprintf(path, sizeof(path), "%s/stat", de->d_name);
		if (read_at(fd, path, line, sizeof(line)) <= 0 ||
		    !stat_sched(line, &state, &nthreads, &cpu))
			continue;
		seen++;
		count_one(counts, ncpus, state, cpu);
	}
	closedir(d);
	return seen;
}

/*
 * tasks_count_pid - one process: most have a single thread, and then its
 * /proc/PID/stat is that thread's, so the task directory is not listed.
 */
static int tasks_count_pid(int procfd, const char *pid, unsigned int *counts,
			   int ncpus)
{
	char line[1024];
	long nthreads = 0;
	int pidfd, seen = 0, cpu;
	char state;

	pidfd = openat(procfd, pid, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (pidfd < 0)
		return 0;
	if (read_at(pidfd, "stat", line, sizeof(line)) > 0 &&
	    stat_sched(line, &state, &nthreads, &cpu) && nthreads == 1) {
		count_one(counts, ncpus, state, cpu);
		seen = 1;
	} else {
		seen = tasks_count_dir(pidfd, counts, ncpus);
	}
	close(pidfd);
	return seen;
}

int nohz_tasks_running(struct nohz_sys *sys, unsigned int *counts, int ncpus,
		       pid_t exclude)
{
	struct dirent *de;
	int seen = 0;
	DIR *d;

	memset(counts, 0, (size_t)ncpus * sizeof(*counts));
	d = nohz_sys_opendir(sys, "/proc");
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		if (!pid_name(de->d_name) || (exclude > 0 && atoi(de->d_name) == exclude))
			continue;
		seen += tasks_count_pid(dirfd(d), de->d_name, counts, ncpus);
	}
	closedir(d);
	return seen;
}
