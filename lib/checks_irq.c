// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * checks_irq.c - interrupt affinity and workqueue cpumask checks.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/*
 * irq_handlers - the handler names of a /proc/interrupts description: the
 * words after the trigger type ("IR-PCI-MSI 524288-edge nvme0q1" -> "nvme0q1"),
 * else the whole description.
 */
static void irq_handlers(const char *desc, char *out, size_t len)
{
	const char *name = desc;

	for (const char *w = desc; *w;) {
		const char *we = w + strcspn(w, " ");

		if (memmem(w, we - w, "-edge", 5) || memmem(w, we - w, "-level", 6) ||
		    memmem(w, we - w, "-fasteoi", 8))
			name = *we ? we + 1 : we;
		w = *we ? we + 1 : we;
	}
	snprintf(out, len, "%s", *name ? name : desc);
}

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/* irq_numbers - the numbered directories of /proc/irq, sorted; caller frees */
static int irq_numbers(struct check_ctx *c, int **out)
{
	DIR *d = nohz_sys_opendir(c->sys, "/proc/irq");
	struct dirent *de;
	int n = 0, cap = 0, *v = NULL;

	if (!d)
		return -1;
	while ((de = readdir(d))) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		if (n == cap) {
			int *nv = realloc(v, (cap = cap ? cap * 2 : 256) * sizeof(*v));

			if (!nv)
				break;
			v = nv;
		}
		v[n++] = atoi(de->d_name);
	}
	closedir(d);
	if (n)
		qsort(v, n, sizeof(*v), cmp_int);
	*out = v;
	return n;
}

void check_irq_affinity(struct check_ctx *c, struct nohz_finding *f)
{
	static const char managed[] = "; managed IRQs refuse the write: boot with "
				      "isolcpus=managed_irq,...";
	struct nohz_interrupts it = { 0 };
	struct strbuf sb, rb;
	int bad = 0, unmovable = 0, *irqs = NULL;
	int total = irq_numbers(c, &irqs);
	bool have_names = false, tried = false;

	if (total < 0) {
		f_set(f, NOHZ_SKIP, "/proc/irq is not readable");
		return;
	}
	sb_init(&sb, f->evidence, sizeof(f->evidence));
	/* keep room for the managed-IRQ note after the list */
	sb_init(&rb, f->remedy, sizeof(f->remedy) - sizeof(managed));
	for (int i = 0; i < total; i++) {
		const struct nohz_irq_row *row = NULL;
		struct nohz_cpuset aff, hit;
		char path[320], name[128] = "", b[256];
		int n = irqs[i];

		/* effective affinity says where it fires; smp_affinity where it may */
		snprintf(path, sizeof(path), "/proc/irq/%d/effective_affinity_list", n);
		if (nohz_sys_read_cpuset(c->sys, path, &aff) < 0 || nohz_cpuset_empty(&aff)) {
			snprintf(path, sizeof(path), "/proc/irq/%d/smp_affinity_list", n);
			if (nohz_sys_read_cpuset(c->sys, path, &aff) < 0)
				continue;
		}
		nohz_cpuset_and(&hit, &aff, &c->t);
		if (nohz_cpuset_empty(&hit))
			continue;
		/* names only for IRQs that hit: /proc/interrupts of a big host is
		 * tens of MB, and a clean host need not read it at all */
		if (!tried) {
			have_names = nohz_interrupts_read(c->sys, NOHZ_PROC_INTERRUPTS,
							  &it, NULL, 0) == 0;
			tried = true;
		}
		/* an IRQ without a handler is not listed and never fires */
		if (have_names) {
			row = nohz_interrupts_find_irq(&it, n);
			if (!row)
				continue;
			irq_handlers(row->desc, name, sizeof(name));
		}
		bad++;
		sb_item(&sb, ", ", "IRQ %d%s%s%s -> %s", n, name[0] ? " (" : "", name,
			name[0] ? ")" : "", nohz_cpuset_format(&aff, b, sizeof(b)));
		sb_item(&rb, "; ", "echo %s > /proc/irq/%d/smp_affinity_list", c->hklist, n);
		if (strstr(name, "nvme") || strstr(name, "virtio"))
			unmovable++;
	}
	free(irqs);
	nohz_interrupts_free(&it);
	sb_finish(&sb);
	sb_finish_note(&rb, "IRQs");
	if (bad) {
		f->verdict = NOHZ_FAIL;
		if (unmovable)
			strncat(f->remedy, managed, sizeof(f->remedy) - strlen(f->remedy) - 1);
		return;
	}
	f_set(f, NOHZ_PASS, "none of %d IRQs is routed to %s", total, c->tlist);
}

void check_irq_default(struct check_ctx *c, struct nohz_finding *f)
{
	struct nohz_cpuset m, hit;
	char b[2048], raw[2400];	/* 8192 cpus: 2048 hex digits + commas */

	if (nohz_sys_read(c->sys, "/proc/irq/default_smp_affinity", raw, sizeof(raw)) < 0 ||
	    nohz_cpuset_parse_mask(&m, raw, NULL, 0) < 0) {
		f_set(f, NOHZ_SKIP, "/proc/irq/default_smp_affinity is not readable");
		return;
	}
	nohz_cpuset_and(&hit, &m, &c->t);
	if (nohz_cpuset_empty(&hit)) {
		f_set(f, NOHZ_PASS, "default_smp_affinity %s (CPUs %s)", raw,
		      nohz_cpuset_format(&m, b, sizeof(b)));
		return;
	}
	f_set(f, NOHZ_WARN, "default_smp_affinity %s includes target CPUs %s: new IRQs "
	      "start there", raw, nohz_cpuset_format(&hit, b, sizeof(b)));
	f_remedy(f, "echo %s > /proc/irq/default_smp_affinity (or boot with irqaffinity=%s)",
		 c->hkmask, c->hklist);
}

/* irqbalance_running - a process named irqbalance in /proc of the root */
static bool irqbalance_running(struct check_ctx *c, pid_t *pid)
{
	for (size_t i = 0; i < c->nthreads; i++)
		if (!strcmp(c->threads[i].stat.comm, "irqbalance")) {
			*pid = c->threads[i].pid;
			return true;
		}
	return false;
}

/* banned_cpus - IRQBALANCE_BANNED_CPULIST or _CPUS from a config file */
static bool banned_cpus(struct check_ctx *c, const char *file, struct nohz_cpuset *s,
			char *what, size_t len)
{
	char *text, *p;
	bool found = false;

	if (nohz_sys_read_alloc(c->sys, file, &text, NULL) < 0)
		return false;
	for (p = strtok(text, "\n"); p; p = strtok(NULL, "\n")) {
		char *v;

		while (isspace((unsigned char)*p))
			p++;
		if (*p == '#')
			continue;
		if ((v = strstr(p, "IRQBALANCE_BANNED_CPULIST=")) == p) {
			v += 26;
			v += strspn(v, "\"'");
			v[strcspn(v, "\"'")] = '\0';
			found = nohz_cpuset_parse(s, v, NULL, 0) == 0;
		} else if ((v = strstr(p, "IRQBALANCE_BANNED_CPUS=")) == p) {
			v += 23;
			v += strspn(v, "\"'");
			v[strcspn(v, "\"'")] = '\0';
			found = nohz_cpuset_parse_mask(s, v, NULL, 0) == 0;
		} else {
			continue;
		}
		snprintf(what, len, "%s: %s", file, p);
	}
	free(text);
	return found;
}

void check_irq_irqbalance(struct check_ctx *c, struct nohz_finding *f)
{
	struct nohz_cpuset ban, miss;
	char what[512] = "", b[2048];
	pid_t pid = 0;
	bool have;

	if (!c->threads_ok || !c->nthreads) {
		f_set(f, NOHZ_SKIP, "no /proc threads readable: cannot tell whether "
		      "irqbalance runs");
		return;
	}
	if (!irqbalance_running(c, &pid)) {
		f_set(f, NOHZ_PASS, "irqbalance is not running");
		return;
	}
	nohz_cpuset_zero(&ban);
	have = banned_cpus(c, "/etc/sysconfig/irqbalance", &ban, what, sizeof(what)) ||
	       banned_cpus(c, "/etc/default/irqbalance", &ban, what, sizeof(what));
	if (!have) {
		/* without a banned list irqbalance keeps off isolated and nohz_full */
		nohz_cpuset_or(&ban, &c->k->isolated, &c->k->nohz_full);
		snprintf(what, sizeof(what), "no IRQBALANCE_BANNED_CPULIST: it bans "
			 "isolated + nohz_full CPUs '%s' itself",
			 nohz_cpuset_format(&ban, b, sizeof(b)));
	}
	nohz_cpuset_andnot(&miss, &c->t, &ban);
	if (nohz_cpuset_empty(&miss)) {
		f_set(f, NOHZ_PASS, "irqbalance (pid %d) keeps off the targets (%s)", pid, what);
		return;
	}
	f_set(f, NOHZ_FAIL, "irqbalance (pid %d) runs and may move IRQs onto CPUs %s (%s)",
	      pid, nohz_cpuset_format(&miss, b, sizeof(b)), what);
	f_remedy(f, "set IRQBALANCE_BANNED_CPULIST=%s in /etc/default/irqbalance (or "
		 "/etc/sysconfig/irqbalance) and restart it, or stop irqbalance", c->tlist);
}

static void mask_check(struct check_ctx *c, struct nohz_finding *f, const char *file,
		       enum nohz_verdict bad)
{
	struct nohz_cpuset m, hit;
	char raw[2400], b[2048];

	if (nohz_sys_read(c->sys, file, raw, sizeof(raw)) < 0 ||
	    nohz_cpuset_parse_mask(&m, raw, NULL, 0) < 0) {
		f_set(f, NOHZ_SKIP, "%s is not readable on this kernel", file);
		return;
	}
	nohz_cpuset_and(&hit, &m, &c->t);
	if (nohz_cpuset_empty(&hit)) {
		f_set(f, NOHZ_PASS, "%s = %s (CPUs %s)", file, raw,
		      nohz_cpuset_format(&m, b, sizeof(b)));
		return;
	}
	f_set(f, bad, "%s = %s allows work on target CPUs %s", file, raw,
	      nohz_cpuset_format(&hit, b, sizeof(b)));
	f_remedy(f, "echo %s > %s", c->hkmask, file);
}

void check_work_cpumask(struct check_ctx *c, struct nohz_finding *f)
{
	mask_check(c, f, "/sys/devices/virtual/workqueue/cpumask", NOHZ_FAIL);
}

void check_work_writeback(struct check_ctx *c, struct nohz_finding *f)
{
	long numa = -1;

	mask_check(c, f, "/sys/bus/workqueue/devices/writeback/cpumask", NOHZ_FAIL);
	if (f->verdict == NOHZ_FAIL &&
	    nohz_sys_read_long(c->sys, "/sys/bus/workqueue/devices/writeback/numa",
			       &numa) == 0 && numa == 1)
		strncat(f->remedy, "; echo 0 > /sys/bus/workqueue/devices/writeback/numa",
			sizeof(f->remedy) - strlen(f->remedy) - 1);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void check_work_unbound(struct check_ctx *c, struct nohz_finding *f)
{
	struct strbuf sb, rb;
	struct dirent *de;
	int bad = 0, total = 0;
	size_t n = 0, cap = 0;
	char **names = NULL;
	DIR *d = nohz_sys_opendir(c->sys, "/sys/devices/virtual/workqueue");

	if (!d) {
		f_set(f, NOHZ_SKIP, "/sys/devices/virtual/workqueue is not readable");
		return;
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (n == cap) {
			char **nn = realloc(names, (cap = cap ? cap * 2 : 64) * sizeof(*nn));

			if (!nn)
				break;
			names = nn;
		}
		if (!(names[n] = strdup(de->d_name)))
			break;
		n++;
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), cmp_str);	/* same report on any fs */
	sb_init(&sb, f->evidence, sizeof(f->evidence) - NOHZ_PREFIX_ROOM);
	sb_init(&rb, f->remedy, sizeof(f->remedy));
	for (size_t i = 0; i < n; i++) {
		struct nohz_cpuset m;
		char path[512];

		snprintf(path, sizeof(path), "/sys/devices/virtual/workqueue/%s/cpumask",
			 names[i]);
		if (nohz_sys_read_cpumask(c->sys, path, &m) < 0)
			continue;
		total++;
		if (!nohz_cpuset_intersects(&m, &c->t))
			continue;
		bad++;
		sb_item(&sb, ", ", "%s", names[i]);
		sb_item(&rb, "; ", "echo %s > %s", c->hkmask, path);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	sb_finish(&sb);
	sb_finish_note(&rb, "workqueues");
	if (bad) {
		f_prefix(f, NOHZ_WARN, "%d workqueue%s may run on target CPUs: ", bad,
			 bad == 1 ? "" : "s");
		return;
	}
	f_set(f, NOHZ_PASS, "%d unbound workqueues with a cpumask, none on %s", total,
	      c->tlist);
}
