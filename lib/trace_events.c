// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * trace_events.c - which events explain an interruption, and how a raw
 * event of each becomes a struct nohz_trace_rec: fields read through
 * libtraceevent from the kernel's own formats, function pointers named from
 * a table of /proc/kallsyms' text symbols (built once at open; it is also
 * libtraceevent's resolver for the --trace lines), tasks named from the
 * sched events or /proc, tick_stop dependencies named from the kernel's own
 * format file.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <event-parse.h>
#include <tracefs.h>

#include "internal.h"

#define NDEPS 32
#define TASKS_RESERVED 4096

/* The events, with the fields each needs. */
static const struct ev_desc {
	const char *system, *event;
	enum nohz_rec_type type;
	const char *ipi;		/* IPI name for NOHZ_REC_IPI(_EXIT) */
	const char *fields[4];
	bool noise;			/* only for the noise attribution */
} evs[] = {
	{ "irq_vectors", "local_timer_entry", NOHZ_REC_TICK, NULL, { NULL }, false },
	{ "irq_vectors", "local_timer_exit", NOHZ_REC_TICK_EXIT, NULL, { NULL }, false },
	{ "timer", "tick_stop", NOHZ_REC_TICK_STOP, NULL, { "success", "dependency" }, false },
	{ "timer", "hrtimer_start", NOHZ_REC_HRTIMER_START, NULL, { "hrtimer", "function" }, false },
	{ "timer", "hrtimer_expire_entry", NOHZ_REC_HRTIMER, NULL, { "hrtimer", "function" }, false },
	{ "workqueue", "workqueue_execute_start", NOHZ_REC_WORK, NULL, { "function" }, false },
	{ "irq", "irq_handler_entry", NOHZ_REC_IRQ, NULL, { "irq", "name" }, false },
	{ "irq", "softirq_entry", NOHZ_REC_SOFTIRQ, NULL, { "vec" }, false },
	{ "sched", "sched_switch", NOHZ_REC_SWITCH, NULL,
	  { "prev_comm", "prev_pid", "next_comm", "next_pid" }, false },
	{ "sched", "sched_wakeup", NOHZ_REC_WAKEUP, NULL, { "comm", "pid", "target_cpu" }, false },
	{ "irq_vectors", "reschedule_entry", NOHZ_REC_IPI, "reschedule", { NULL }, false },
	{ "irq_vectors", "call_function_entry", NOHZ_REC_IPI, "call_function", { NULL }, false },
	{ "irq_vectors", "call_function_single_entry", NOHZ_REC_IPI, "call_function_single",
	  { NULL }, false },
	{ "irq_vectors", "irq_work_entry", NOHZ_REC_IPI, "irq_work", { NULL }, false },
	{ "csd", "csd_function_entry", NOHZ_REC_CSD, NULL, { "func" }, false },
	/* the exits: how long each interruption of a gap lasted */
	{ "irq", "irq_handler_exit", NOHZ_REC_IRQ_EXIT, NULL, { "irq" }, true },
	{ "irq", "softirq_exit", NOHZ_REC_SOFTIRQ_EXIT, NULL, { "vec" }, true },
	{ "timer", "hrtimer_expire_exit", NOHZ_REC_HRTIMER_EXIT, NULL, { "hrtimer" }, true },
	{ "workqueue", "workqueue_execute_end", NOHZ_REC_WORK_END, NULL, { "function" }, true },
	{ "irq_vectors", "reschedule_exit", NOHZ_REC_IPI_EXIT, "reschedule", { NULL }, true },
	{ "irq_vectors", "call_function_exit", NOHZ_REC_IPI_EXIT, "call_function", { NULL },
	  true },
	{ "irq_vectors", "call_function_single_exit", NOHZ_REC_IPI_EXIT,
	  "call_function_single", { NULL }, true },
	{ "irq_vectors", "irq_work_exit", NOHZ_REC_IPI_EXIT, "irq_work", { NULL }, true },
	{ "csd", "csd_function_exit", NOHZ_REC_CSD_EXIT, NULL, { "func" }, true },
	{ "nmi", "nmi_handler", NOHZ_REC_NMI, NULL, { "handler", "delta_ns" }, true },
};
#define NEVS ARRAY_SIZE(evs)

/* softirq vectors as every kernel since 4.x prints them */
static const char *const softirq_names[] = {
	"HI", "TIMER", "NET_TX", "NET_RX", "BLOCK", "IRQ_POLL", "TASKLET", "SCHED",
	"HRTIMER", "RCU",
};

struct task_ent {
	pid_t pid, tgid;
	char comm[16];
};

struct ksym {
	uint64_t addr;
	uint32_t name;		/* offset in names */
};

struct trace_dec {
	struct tep_handle *tep;
	struct ksym *syms;		/* text symbols by address */
	size_t nsyms, csyms;
	char *names;
	size_t lnames, cnames;
	struct tep_event *ev[NEVS];
	struct tep_format_field *f[NEVS][4];
	char deps[NDEPS][24];		/* tick_stop dependency names, by bit */
	struct trace_seq seq;
	struct task_ent *tasks;		/* pid -> comm, tgid (open addressing) */
	size_t ntasks, ctasks;
};

struct tep_handle *trace_dec_tep(struct trace_dec *d)
{
	return d->tep;
}

/* ------------------------------------------------------------------ */
/* tasks                                                              */
/* ------------------------------------------------------------------ */

static int tasks_grow(struct trace_dec *d, size_t cap)
{
	struct task_ent *n = calloc(cap, sizeof(*n));

	if (!n)
		return -ENOMEM;
	for (size_t i = 0; i < d->ctasks; i++) {
		size_t j;

		if (!d->tasks[i].pid)
			continue;
		j = ((size_t)d->tasks[i].pid * 2654435761u) & (cap - 1);
		while (n[j].pid)
			j = (j + 1) & (cap - 1);
		n[j] = d->tasks[i];
	}
	free(d->tasks);
	d->tasks = n;
	d->ctasks = cap;
	return 0;
}

/* task_read - comm and tgid from /proc while the task lives; plain
 * read(2) into the stack: no allocation while the window is open */
static void task_read(struct task_ent *e)
{
	char path[64], buf[1024], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)e->pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;		/* gone: the trace's comm is all we have */
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';
	if (!e->comm[0] && !strncmp(buf, "Name:\t", 6))
		snprintf(e->comm, sizeof(e->comm), "%.*s", (int)strcspn(buf + 6, "\n"),
			 buf + 6);
	p = strstr(buf, "\nTgid:\t");
	if (p)
		e->tgid = (pid_t)atoi(p + 7);
}

/* task_find - the entry of pid, learning comm when given */
static const struct task_ent *task_find(struct trace_dec *d, pid_t pid, const char *comm)
{
	struct task_ent *e;
	size_t j;

	if (pid <= 0)
		return NULL;
	if ((d->ntasks + 1) * 2 > d->ctasks && tasks_grow(d, d->ctasks * 2) < 0)
		return NULL;
	j = ((size_t)pid * 2654435761u) & (d->ctasks - 1);
	while (d->tasks[j].pid && d->tasks[j].pid != pid)
		j = (j + 1) & (d->ctasks - 1);
	e = &d->tasks[j];
	if (e->pid != pid) {
		e->pid = pid;
		d->ntasks++;
		if (comm && comm[0])
			snprintf(e->comm, sizeof(e->comm), "%.15s", comm);
		task_read(e);
	} else if (comm && comm[0]) {
		snprintf(e->comm, sizeof(e->comm), "%.15s", comm);
	}
	return e;
}

/* ------------------------------------------------------------------ */
/* kernel symbols                                                     */
/* ------------------------------------------------------------------ */

/* ksyms_add - keep one text symbol */
static int ksyms_add(struct trace_dec *d, uint64_t addr, const char *name, size_t len)
{
	if (d->nsyms == d->csyms) {
		size_t cap = d->csyms ? d->csyms * 2 : 65536;
		struct ksym *k = realloc(d->syms, cap * sizeof(*k));

		if (!k)
			return -ENOMEM;
		d->syms = k;
		d->csyms = cap;
	}
	if (d->lnames + len + 1 > d->cnames) {
		size_t cap = d->cnames ? d->cnames * 2 : 1 << 21;
		char *n = realloc(d->names, cap);

		if (!n)
			return -ENOMEM;
		d->names = n;
		d->cnames = cap;
	}
	memcpy(d->names + d->lnames, name, len);
	d->names[d->lnames + len] = '\0';
	d->syms[d->nsyms++] = (struct ksym){ addr, (uint32_t)d->lnames };
	d->lnames += len + 1;
	return 0;
}

static int ksym_cmp(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* ksyms_load - the text symbols of /proc/kallsyms, sorted; without root
 * the addresses read as zeros and names stay hex */
static void ksyms_load(struct trace_dec *d)
{
	char line[512];
	FILE *f = fopen("/proc/kallsyms", "re");

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *end, type, *name;
		uint64_t addr = strtoull(line, &end, 16);
		size_t len;

		if (end == line || end[0] != ' ' || !end[1] || end[2] != ' ' || !addr)
			continue;
		type = end[1];
		if (type != 't' && type != 'T' && type != 'w' && type != 'W')
			continue;
		name = end + 3;
		len = strcspn(name, " \t\n");
		if (ksyms_add(d, addr, name, len) < 0)
			break;
	}
	fclose(f);
	qsort(d->syms, d->nsyms, sizeof(*d->syms), ksym_cmp);
}

/* ksym_find - the symbol at or just below addr */
static const struct ksym *ksym_find(const struct trace_dec *d, uint64_t addr)
{
	size_t lo = 0, hi = d->nsyms;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (d->syms[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? &d->syms[lo - 1] : NULL;
}

/* ksym_resolve - the same names for libtraceevent's own printing (%ps) */
static char *ksym_resolve(void *priv, unsigned long long *addrp, char **modp)
{
	const struct trace_dec *d = priv;
	const struct ksym *k = ksym_find(d, *addrp);

	if (!k)
		return NULL;
	*addrp = k->addr;
	*modp = NULL;
	return d->names + k->name;
}

/* ------------------------------------------------------------------ */
/* decoding                                                           */
/* ------------------------------------------------------------------ */

static unsigned long long field_num(struct tep_format_field *f, const void *data)
{
	unsigned long long v = 0;

	if (f)
		tep_read_number_field(f, data, &v);
	return v;
}

static void field_str(struct tep_format_field *f, const void *data, int size, char *buf,
		      size_t len)
{
	unsigned int off;
	size_t n;

	buf[0] = '\0';
	if (!f)
		return;
	if (f->flags & TEP_FIELD_IS_DYNAMIC) {
		unsigned long long v = field_num(f, data);

		off = v & 0xffff;
		n = (v >> 16) & 0xffff;
		if (f->flags & TEP_FIELD_IS_RELATIVE)
			off += f->offset + f->size;
	} else {
		off = f->offset;
		n = f->size;
	}
	if (off >= (unsigned int)size)
		return;
	if (n > (size_t)size - off)
		n = (size_t)size - off;
	if (n >= len)
		n = len - 1;
	memcpy(buf, (const char *)data + off, n);
	buf[n] = '\0';
}

static void func_name(struct trace_dec *d, unsigned long long addr, char *buf, size_t len)
{
	const struct ksym *k = addr ? ksym_find(d, addr) : NULL;

	if (k)
		snprintf(buf, len, "%s", d->names + k->name);
	else
		snprintf(buf, len, "0x%llx", addr);
}

static void dep_name(struct trace_dec *d, int64_t mask, char *buf, size_t len)
{
	uint64_t v = (uint64_t)mask;
	const char *name = nohz_tick_dep_name(mask);

	/* this kernel's own names first: its format is the authority */
	if (v && !(v & (v - 1)) && __builtin_ctzll(v) < NDEPS && d->deps[__builtin_ctzll(v)][0])
		name = d->deps[__builtin_ctzll(v)];
	if (name)
		snprintf(buf, len, "%s", name);
	else
		snprintf(buf, len, "0x%llx", (unsigned long long)v);
}

/* rec_fields - the event-specific part of r */
static void rec_fields(struct trace_dec *d, size_t i, struct tep_record *record,
		       struct nohz_trace_rec *r)
{
	struct tep_format_field **f = d->f[i];
	const void *p = record->data;
	char comm[16];

	switch (r->type) {
	case NOHZ_REC_TICK_STOP:
		r->val = (int)field_num(f[0], p);
		r->val2 = (int)field_num(f[1], p);
		dep_name(d, r->val2, r->name, sizeof(r->name));
		break;
	case NOHZ_REC_HRTIMER_START:
		/* re-armed from an interrupt (its own expiry, often): the task
		 * that happened to run there does not own it */
		r->val = !!(tep_data_flags(d->tep, record) &
			    (TRACE_FLAG_HARDIRQ | TRACE_FLAG_SOFTIRQ));
		/* fall through */
	case NOHZ_REC_HRTIMER:
		r->ptr = field_num(f[0], p);
		func_name(d, field_num(f[1], p), r->name, sizeof(r->name));
		break;
	case NOHZ_REC_WORK:
	case NOHZ_REC_CSD:
	case NOHZ_REC_WORK_END:
	case NOHZ_REC_CSD_EXIT:
		func_name(d, field_num(f[0], p), r->name, sizeof(r->name));
		break;
	case NOHZ_REC_HRTIMER_EXIT:
		r->ptr = field_num(f[0], p);
		break;
	case NOHZ_REC_IRQ_EXIT:
	case NOHZ_REC_SOFTIRQ_EXIT:
		r->val = (int)field_num(f[0], p);
		break;
	case NOHZ_REC_NMI:
		func_name(d, field_num(f[0], p), r->name, sizeof(r->name));
		r->val = (int64_t)field_num(f[1], p);
		break;
	case NOHZ_REC_IRQ:
		r->val = (int)field_num(f[0], p);
		field_str(f[1], p, record->size, r->name, sizeof(r->name));
		break;
	case NOHZ_REC_SOFTIRQ:
		r->val = (int)field_num(f[0], p);
		if (r->val >= 0 && r->val < (int64_t)ARRAY_SIZE(softirq_names))
			snprintf(r->name, sizeof(r->name), "%s", softirq_names[r->val]);
		else
			snprintf(r->name, sizeof(r->name), "vec %lld", (long long)r->val);
		break;
	case NOHZ_REC_SWITCH:
		field_str(f[0], p, record->size, comm, sizeof(comm));
		r->val = (pid_t)field_num(f[1], p);
		task_find(d, (pid_t)r->val, comm);
		field_str(f[2], p, record->size, r->tcomm, sizeof(r->tcomm));
		r->tid = (pid_t)field_num(f[3], p);
		break;
	case NOHZ_REC_WAKEUP:
		field_str(f[0], p, record->size, r->tcomm, sizeof(r->tcomm));
		r->tid = (pid_t)field_num(f[1], p);
		r->val = (int)field_num(f[2], p);
		break;
	case NOHZ_REC_IPI:
	case NOHZ_REC_IPI_EXIT:
		snprintf(r->name, sizeof(r->name), "%s", evs[i].ipi);
		break;
	default:
		break;
	}
}

int trace_dec_record(struct trace_dec *d, struct tep_record *record,
		     struct nohz_trace_rec *r)
{
	int type = tep_data_type(d->tep, record);
	const struct task_ent *te;
	size_t i;

	for (i = 0; i < NEVS; i++)
		if (d->ev[i] && d->ev[i]->id == type)
			break;
	if (i == NEVS)
		return 0;
	memset(r, 0, sizeof(*r));
	r->ts = record->ts;
	r->cpu = record->cpu;
	r->type = evs[i].type;
	r->pid = tep_data_pid(d->tep, record);
	rec_fields(d, i, record, r);
	te = task_find(d, r->pid, NULL);
	if (te)
		memcpy(r->comm, te->comm, sizeof(r->comm));
	if (r->tid > 0)
		te = task_find(d, r->tid, r->tcomm);
	r->tgid = te ? te->tgid : 0;
	return 1;
}

void trace_dec_dump(struct trace_dec *d, FILE *f, struct tep_record *record,
		    const struct nohz_trace_rec *r)
{
	struct tep_event *ev = tep_find_event(d->tep, tep_data_type(d->tep, record));

	trace_seq_reset(&d->seq);
	tep_print_event(d->tep, &d->seq, record, "%s", TEP_PRINT_INFO);
	trace_seq_terminate(&d->seq);
	fprintf(f, "%d %llu.%09llu %s-%d %s:%s %s\n", r->cpu,
		(unsigned long long)(r->ts / 1000000000ULL),
		(unsigned long long)(r->ts % 1000000000ULL),
		r->comm[0] ? r->comm : (r->pid ? "?" : "<idle>"), (int)r->pid,
		ev ? ev->system : "?", ev ? ev->name : "?",
		d->seq.buffer ? d->seq.buffer : "");
}

/* ------------------------------------------------------------------ */
/* setup                                                              */
/* ------------------------------------------------------------------ */

/* format_load - parse the format of one event: only the events we use,
 * not whole systems (a hundred formats, seconds under a sanitizer) */
static struct tep_event *format_load(struct trace_dec *d, const struct ev_desc *e)
{
	int size = 0;
	char *fmt = tracefs_event_file_read(NULL, e->system, e->event, "format", &size);
	enum tep_errno rc;

	if (!fmt)
		return NULL;	/* this kernel has no such event */
	rc = tep_parse_event(d->tep, fmt, (unsigned long)size, e->system);
	free(fmt);
	return rc == TEP_ERRNO__SUCCESS ? tep_find_event_by_name(d->tep, e->system, e->event) :
					   NULL;
}

int trace_dec_open(struct trace_dec **out, struct tracefs_instance *inst, bool noise,
		   char *missing, size_t mlen, char *err, size_t errlen)
{
	struct trace_dec *d = calloc(1, sizeof(*d));
	struct strbuf sb;
	char *fmt;
	int have = 0;

	*out = NULL;
	if (!d || tasks_grow(d, TASKS_RESERVED) < 0) {
		trace_dec_close(d);
		return -ENOMEM;
	}
	trace_seq_init(&d->seq);
	d->tep = tep_alloc();
	if (!d->tep) {
		trace_dec_close(d);
		return -ENOMEM;
	}
	tep_set_long_size(d->tep, sizeof(long));
	tep_set_page_size(d->tep, getpagesize());
	tep_set_file_bigendian(d->tep, __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__ ?
			       TEP_BIG_ENDIAN : TEP_LITTLE_ENDIAN);
	tep_set_local_bigendian(d->tep, __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__ ?
				TEP_BIG_ENDIAN : TEP_LITTLE_ENDIAN);
	ksyms_load(d);
	tep_set_function_resolver(d->tep, ksym_resolve, d);
	sb_init(&sb, missing, mlen);
	for (size_t i = 0; i < NEVS; i++) {
		struct tep_event *ev;
		bool ok;

		if (evs[i].noise && !noise)
			continue;
		ev = format_load(d, &evs[i]);
		ok = ev != NULL;

		for (int k = 0; ok && k < 4 && evs[i].fields[k]; k++) {
			d->f[i][k] = tep_find_field(ev, evs[i].fields[k]);
			ok = d->f[i][k] != NULL;
		}
		if (ok && tracefs_event_enable(inst, evs[i].system, evs[i].event) < 0)
			ok = false;
		if (!ok) {
			sb_item(&sb, " ", "%s:%s", evs[i].system, evs[i].event);
			continue;
		}
		d->ev[i] = ev;
		have++;
	}
	sb_finish(&sb);
	if (!have) {
		nohz_err(err, errlen, "none of the events that explain interruptions can be "
			 "traced on this kernel (missing: %s under %s/events)", missing,
			 tracefs_tracing_dir());
		trace_dec_close(d);
		return -ENOENT;
	}
	/* the dependency names as this kernel prints them */
	fmt = tracefs_event_file_read(NULL, "timer", "tick_stop", "format", NULL);
	if (fmt) {
		nohz_tick_dep_parse(fmt, d->deps, NDEPS);
		free(fmt);
	}
	*out = d;
	return 0;
}

void trace_dec_close(struct trace_dec *d)
{
	if (!d)
		return;
	if (d->tep)
		tep_free(d->tep);
	trace_seq_destroy(&d->seq);
	free(d->tasks);
	free(d->syms);
	free(d->names);
	free(d);
}
