// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * test_interrupts.c - the /proc/interrupts and /proc/softirqs parser on
 * fixture files (tests/fixtures/interrupts/), checked cell by cell against a
 * naive reference reader written here with sscanf/strtok, and on broken
 * input (every prefix, random mutations) for "no crash, clean error".
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "nohz.h"

static const char *fixdir(void)
{
	static char dir[4096];
	const char *top = getenv("TOP");

	snprintf(dir, sizeof(dir), "%s/tests/fixtures/interrupts", top ? top : ".");
	return dir;
}

/* slurp - a whole file, NUL-terminated; fails the test when missing */
static char *slurp_fp(FILE *f, size_t *len)
{
	size_t cap = 1 << 16, n = 0, got;
	char *buf = malloc(cap);

	assert_non_null(buf);
	while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
		n += got;
		if (cap - n < 4096) {
			cap *= 2;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

static char *fixture(const char *name, size_t *len)
{
	char path[4200];
	FILE *f;
	char *buf;

	snprintf(path, sizeof(path), "%s/%s", fixdir(), name);
	f = fopen(path, "r");
	if (!f)
		fail_msg("cannot open fixture %s", path);
	buf = slurp_fp(f, len);
	fclose(f);
	return buf;
}

static char *generated(int ncpus, int step, size_t *len)
{
	char cmd[4300];
	FILE *f;
	char *buf;

	snprintf(cmd, sizeof(cmd), "sh %s/gen-cpus.sh %d %d", fixdir(), ncpus, step);
	f = popen(cmd, "r");
	assert_non_null(f);
	buf = slurp_fp(f, len);
	assert_int_equal(pclose(f), 0);
	return buf;
}

/*
 * ref_check - walk text with strtok/strtoull and compare every row, count
 * and folded description with the parsed table.
 */
static void ref_check(const char *text, const struct nohz_interrupts *t)
{
	char *copy = strdup(text), *save = NULL, *line;
	size_t row = 0;
	int ncpus = 0;

	assert_non_null(copy);
	line = strtok_r(copy, "\n", &save);
	assert_non_null(line);
	for (char *s2, *tok = strtok_r(line, " ", &s2); tok; tok = strtok_r(NULL, " ", &s2)) {
		int cpu;

		assert_int_equal(sscanf(tok, "CPU%d", &cpu), 1);
		assert_int_equal(t->cpus[ncpus], cpu);
		ncpus++;
	}
	assert_int_equal(t->ncpus, ncpus);
	while ((line = strtok_r(NULL, "\n", &save))) {
		const struct nohz_irq_row *r;
		char name[64], desc[4096] = "", *p = line, *end;
		int n = 0, nc = 0;

		if (sscanf(line, " %63[^:]:%n", name, &n) != 1)
			continue;	/* blank line */
		assert_true(row < t->nrows);
		r = &t->rows[row++];
		assert_string_equal(r->name, name);
		p += n;
		while (nc < ncpus) {
			unsigned long long v = strtoull(p, &end, 10);

			if (end == p || (*end && *end != ' '))
				break;
			assert_int_equal(r->counts[nc], v);
			nc++;
			p = end;
		}
		assert_int_equal(r->ncounts, nc);
		for (char *s3, *w = strtok_r(p, " \t", &s3); w; w = strtok_r(NULL, " \t", &s3)) {
			if (*desc)
				strcat(desc, " ");
			strcat(desc, w);
		}
		assert_string_equal(r->desc, desc);
		assert_int_equal(r->irq, strspn(name, "0123456789") == strlen(name) ?
				 atoi(name) : -1);
	}
	assert_int_equal(row, t->nrows);
	free(copy);
}

static void parse_fixture(const char *name, struct nohz_interrupts *t, char **text)
{
	char err[256] = "";
	size_t len;

	*text = fixture(name, &len);
	if (nohz_interrupts_parse(t, *text, len, err, sizeof(err)) != 0)
		fail_msg("%s: %s", name, err);
	ref_check(*text, t);
}

static void test_server(void **state)
{
	struct nohz_interrupts t;
	const struct nohz_irq_row *r;
	char *text;

	parse_fixture("server4.txt", &t, &text);
	assert_int_equal(t.ncpus, 4);
	assert_int_equal(t.nrows, 31);
	r = nohz_interrupts_find(&t, "124");
	assert_non_null(r);
	assert_int_equal(r->irq, 124);
	assert_string_equal(r->desc, "IR-PCI-MSI 524288-edge nvme0q0");
	assert_int_equal(r->total, 123456);
	assert_ptr_equal(nohz_interrupts_find_irq(&t, 124), r);
	r = nohz_interrupts_find_irq(&t, 16);
	assert_string_equal(r->desc, "IO-APIC 16-fasteoi ehci_hcd:usb1, uhci_hcd:usb2");
	r = nohz_interrupts_find(&t, "128");
	assert_string_equal(r->desc, "IR-PCI-MSI 1572865-edge Intel(R) PCH thermal driver");
	r = nohz_interrupts_find(&t, "LOC");
	assert_int_equal(r->irq, -1);
	assert_int_equal(r->ncounts, 4);
	assert_string_equal(r->desc, "Local timer interrupts");
	assert_int_equal(nohz_interrupts_count(&t, r, 3), 9999999);
	assert_int_equal(r->total, 4812345ULL + 250012 + 310 + 9999999);
	r = nohz_interrupts_find(&t, "ERR");
	assert_int_equal(r->ncounts, 1);
	assert_int_equal(r->counts[0], 3);
	assert_int_equal(nohz_interrupts_count(&t, r, 0), 3);
	assert_int_equal(nohz_interrupts_count(&t, r, 2), 0);	/* short row */
	assert_string_equal(r->desc, "");
	r = nohz_interrupts_find(&t, "MIS");
	assert_int_equal(r->total, 7);
	assert_null(nohz_interrupts_find(&t, "NOPE"));
	assert_null(nohz_interrupts_find_irq(&t, 5));
	assert_null(nohz_interrupts_find_irq(&t, -1));
	nohz_interrupts_free(&t);
	assert_null(t.rows);
	nohz_interrupts_free(&t);	/* a freed table is zeroed: free again is fine */
	free(text);
}

static void test_offline_columns(void **state)
{
	struct nohz_interrupts t;
	struct nohz_cpuset s, want;
	const struct nohz_irq_row *r;
	char *text;

	parse_fixture("offline.txt", &t, &text);
	assert_int_equal(t.ncpus, 4);
	assert_int_equal(nohz_interrupts_column(&t, 6), 3);
	assert_int_equal(nohz_interrupts_column(&t, 2), 1);
	assert_int_equal(nohz_interrupts_column(&t, 1), -1);
	assert_int_equal(nohz_interrupts_column(&t, 7), -1);
	r = nohz_interrupts_find(&t, "LOC");
	assert_int_equal(nohz_interrupts_count(&t, r, 6), 400);
	assert_int_equal(nohz_interrupts_count(&t, r, 1), 0);
	nohz_interrupts_cpus(&t, &s);
	assert_int_equal(nohz_cpuset_parse(&want, "0,2-3,6", NULL, 0), 0);
	assert_true(nohz_cpuset_equal(&s, &want));
	nohz_interrupts_free(&t);
	free(text);
}

static void test_arm64(void **state)
{
	struct nohz_interrupts t;
	const struct nohz_irq_row *r;
	char *text;

	parse_fixture("arm64.txt", &t, &text);
	r = nohz_interrupts_find(&t, "11");
	assert_string_equal(r->desc, "GICv2 30 Level arch_timer");
	r = nohz_interrupts_find(&t, "IPI3");
	assert_int_equal(r->irq, -1);
	assert_string_equal(r->desc, "CPU stop (for crash dump) interrupts");
	r = nohz_interrupts_find(&t, "Err");
	assert_int_equal(r->ncounts, 1);
	nohz_interrupts_free(&t);
	free(text);
}

static void test_vm_and_softirqs(void **state)
{
	static const char *const files[] = {
		"vm2.txt", "softirqs-vm2.txt", "softirqs-server4.txt", "truncated.txt",
	};
	struct nohz_interrupts t;
	char *text;

	static const char *const want[] = { "LOC", "NET_RX", "NET_RX", "124" };

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		parse_fixture(files[i], &t, &text);
		assert_non_null(nohz_interrupts_find(&t, want[i]));
		nohz_interrupts_free(&t);
		free(text);
	}
	parse_fixture("truncated.txt", &t, &text);
	assert_string_equal(nohz_interrupts_find(&t, "124")->desc, "IR-PCI-MSI");
	assert_int_equal(t.rows[t.nrows - 1].irq, 124);
	nohz_interrupts_free(&t);
	free(text);
	parse_fixture("softirqs-server4.txt", &t, &text);
	assert_int_equal(nohz_interrupts_count(&t, nohz_interrupts_find(&t, "NET_RX"), 3), 1);
	assert_string_equal(nohz_interrupts_find(&t, "RCU")->desc, "");
	nohz_interrupts_free(&t);
	free(text);
}

static void test_1024_cpus(void **state)
{
	struct nohz_interrupts t;
	const struct nohz_irq_row *r;
	char err[256] = "", *text;
	size_t len;

	text = generated(1024, 0, &len);
	assert_true(len > 400000);
	if (nohz_interrupts_parse(&t, text, len, err, sizeof(err)))
		fail_msg("%s", err);
	ref_check(text, &t);
	assert_int_equal(t.ncpus, 1024);
	assert_int_equal(t.cpus[1023], 1023);
	r = nohz_interrupts_find(&t, "LOC");
	assert_int_equal(r->ncounts, 1024);
	assert_int_equal(nohz_interrupts_count(&t, r, 1023), 900000 + 1023 * 3);
	assert_int_equal(nohz_interrupts_find(&t, "ERR")->ncounts, 1);
	assert_string_equal(nohz_interrupts_find_irq(&t, 63)->desc,
			    "IR-PCI-MSI 524327-edge nvme4q7");
	nohz_interrupts_free(&t);
	free(text);
}

static void expect_bad(const char *name, const char *want)
{
	struct nohz_interrupts t;
	char err[256] = "", *text;
	size_t len;

	text = fixture(name, &len);
	assert_int_equal(nohz_interrupts_parse(&t, text, len, err, sizeof(err)), -EINVAL);
	if (!strstr(err, want))
		fail_msg("%s: error '%s' lacks '%s'", name, err, want);
	assert_null(t.rows);
	free(text);
}

static void test_bad_input(void **state)
{
	expect_bad("bad-empty.txt", "empty");
	expect_bad("bad-garbage.txt", "line 1: header title 'hello' is not CPUn");
	expect_bad("bad-noheader.txt", "line 1");
	expect_bad("bad-descending.txt", "must ascend");
	expect_bad("bad-overflow.txt", "line 2: count of LOC does not fit");
	expect_bad("bad-row.txt", "line 3: no 'NAME:' at 'this line has no colon'");
	expect_bad("bad-nocounts.txt", "line 2: row LOC has no counts");
}

/* check_sane - a parse that succeeded must be self-consistent */
static void check_sane(const struct nohz_interrupts *t)
{
	assert_true(t->ncpus > 0);
	for (size_t i = 0; i < t->nrows; i++) {
		assert_true(t->rows[i].ncounts >= 1 && t->rows[i].ncounts <= t->ncpus);
		assert_non_null(t->rows[i].name);
		assert_non_null(t->rows[i].desc);
	}
}

static void test_every_prefix(void **state)
{
	static const char *const files[] = { "server4.txt", "arm64.txt", "softirqs-vm2.txt" };

	for (size_t f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
		size_t len;
		char *text = fixture(files[f], &len);

		for (size_t n = 0; n <= len; n++) {
			struct nohz_interrupts t;
			char err[256] = "";
			int rc = nohz_interrupts_parse(&t, text, n, err, sizeof(err));

			if (rc == 0)
				check_sane(&t);
			else if (rc != -EINVAL || !*err)
				fail_msg("%s prefix %zu: rc %d err '%s'", files[f], n, rc, err);
			nohz_interrupts_free(&t);
		}
		free(text);
	}
}

static void test_mutations(void **state)
{
	static const char alphabet[] = "0123456789 :\n\tCPULOC-\0\xff";
	unsigned int seed = 12345;
	size_t len;
	char *text = fixture("server4.txt", &len), *buf = malloc(len);

	assert_non_null(buf);
	for (int round = 0; round < 3000; round++) {
		struct nohz_interrupts t;
		char err[256] = "";
		int rc;

		memcpy(buf, text, len);
		for (int k = 0; k < 1 + round % 8; k++) {
			size_t at = (size_t)rand_r(&seed) % len;

			buf[at] = alphabet[rand_r(&seed) % (sizeof(alphabet) - 1)];
		}
		rc = nohz_interrupts_parse(&t, buf, len, err, sizeof(err));
		if (rc == 0)
			check_sane(&t);
		else
			assert_int_equal(rc, -EINVAL);
		nohz_interrupts_free(&t);
	}
	free(buf);
	free(text);
}

static void test_match_and_delta(void **state)
{
	static const char a[] = "  CPU0 CPU1\n 5: 1 2 x\nLOC: 10 20 y\nERR: 1\n";
	static const char b[] = "  CPU0 CPU1\nLOC: 15 4294967295 y\n 7: 3 4 z\n 5: 2 2 x\n";
	struct nohz_interrupts ta, tb;

	assert_int_equal(nohz_interrupts_parse(&ta, a, strlen(a), NULL, 0), 0);
	assert_int_equal(nohz_interrupts_parse(&tb, b, strlen(b), NULL, 0), 0);
	/* same index when the order holds, a search when it does not */
	assert_ptr_equal(nohz_interrupts_match(&tb, &ta, 0), &tb.rows[2]);
	assert_ptr_equal(nohz_interrupts_match(&tb, &ta, 1), &tb.rows[0]);
	assert_null(nohz_interrupts_match(&tb, &ta, 2));	/* ERR is gone */
	assert_null(nohz_interrupts_match(&ta, &tb, 1));	/* 7 is new */
	assert_ptr_equal(nohz_interrupts_match(&ta, &ta, 1), &ta.rows[1]);
	assert_int_equal(nohz_interrupts_delta(10, 15), 5);
	assert_int_equal(nohz_interrupts_delta(20, 20), 0);
	/* unsigned int counts wrap at 2^32 */
	assert_int_equal(nohz_interrupts_delta(4294967294ULL, 3), 5);
	assert_int_equal(nohz_interrupts_delta(4294967296ULL, 3), 0);
	nohz_interrupts_free(&ta);
	nohz_interrupts_free(&tb);
}

static void write_file(const char *root, const char *rel, const char *text)
{
	char path[4096], cmd[4200];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s')\"", path);
	assert_int_equal(system(cmd), 0);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_read_from_root(void **state)
{
	char root[] = "/tmp/nohz-irq-XXXXXX", err[512] = "", cmd[128];
	struct nohz_interrupts t;
	struct nohz_sys *sys;
	size_t len;
	char *text;

	assert_non_null(mkdtemp(root));
	sys = nohz_sys_open(root);
	assert_non_null(sys);
	assert_int_equal(nohz_interrupts_read(sys, NOHZ_PROC_INTERRUPTS, &t, err,
					      sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "cannot read"));
	assert_non_null(strstr(err, "/proc/interrupts"));

	text = generated(64, 3, &len);
	write_file(root, "proc/interrupts", text);
	assert_int_equal(nohz_interrupts_read(sys, NOHZ_PROC_INTERRUPTS, &t, err,
					      sizeof(err)), 0);
	ref_check(text, &t);
	assert_int_equal(t.ncpus, 64);
	nohz_interrupts_free(&t);
	free(text);

	write_file(root, "proc/softirqs", "garbage\n");
	assert_int_equal(nohz_interrupts_read(sys, NOHZ_PROC_SOFTIRQS, &t, err,
					      sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "cannot parse"));
	assert_non_null(strstr(err, "/proc/softirqs: line 1"));
	nohz_sys_close(sys);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	assert_int_equal(system(cmd), 0);
}

static void test_tasks_running(void **state)
{
	char root[] = "/tmp/nohz-tasks-XXXXXX", cmd[128], line[512];
	unsigned int counts[4];
	struct nohz_sys *sys;
	/* comm with spaces and ')' as the kernel allows; field 39 is the CPU */
	const char *tail = " 1 1 0 0 -1 4194560 100 0 0 0 5 6 0 0 20 0 1 0 100 1000 "
			   "100 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 ";

	assert_non_null(mkdtemp(root));
	snprintf(line, sizeof(line), "100 (spin ner) R%s1 0 0 0 0 0\n", tail);
	write_file(root, "proc/100/task/100/stat", line);
	snprintf(line, sizeof(line), "101 (x) y) R%s1 0 0 0 0 0\n", tail);
	write_file(root, "proc/100/task/101/stat", line);
	snprintf(line, sizeof(line), "102 (idle) S%s1 0 0 0 0 0\n", tail);
	write_file(root, "proc/100/task/102/stat", line);
	snprintf(line, sizeof(line), "200 (other) R%s3 0 0 0 0 0\n", tail);
	write_file(root, "proc/200/task/200/stat", line);
	snprintf(line, sizeof(line), "300 (far) R%s9 0 0 0 0 0\n", tail);
	write_file(root, "proc/300/task/300/stat", line);
	write_file(root, "proc/400/task/400/stat", "garbage\n");
	write_file(root, "proc/self/task/1/stat", "ignored\n");
	/* single-threaded (field 20 is 1): its own stat line is the thread's */
	snprintf(line, sizeof(line), "500 (single) R%s2 0 0 0 0 0\n", tail);
	write_file(root, "proc/500/stat", line);
	/* two threads: the process line (R on CPU 3) is not a thread of its own */
	snprintf(line, sizeof(line), "600 (multi) R%s3 0 0 0 0 0\n", tail);
	line[strlen("600 (multi) R") + 43] = '2';	/* field 20, num_threads */
	write_file(root, "proc/600/stat", line);
	snprintf(line, sizeof(line), "600 (multi) R%s0 0 0 0 0 0\n", tail);
	write_file(root, "proc/600/task/600/stat", line);
	snprintf(line, sizeof(line), "601 (multi) R%s0 0 0 0 0 0\n", tail);
	write_file(root, "proc/600/task/601/stat", line);

	sys = nohz_sys_open(root);
	assert_non_null(sys);
	assert_int_equal(nohz_tasks_running(sys, counts, 4, 0), 8);
	assert_int_equal(counts[0], 2);
	assert_int_equal(counts[1], 2);
	assert_int_equal(counts[2], 1);
	assert_int_equal(counts[3], 1);
	assert_int_equal(nohz_tasks_running(sys, counts, 4, 100), 5);
	assert_int_equal(counts[1], 0);
	assert_int_equal(counts[3], 1);
	nohz_sys_close(sys);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_server),
		cmocka_unit_test(test_offline_columns),
		cmocka_unit_test(test_arm64),
		cmocka_unit_test(test_vm_and_softirqs),
		cmocka_unit_test(test_1024_cpus),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_every_prefix),
		cmocka_unit_test(test_mutations),
		cmocka_unit_test(test_match_and_delta),
		cmocka_unit_test(test_read_from_root),
		cmocka_unit_test(test_tasks_running),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
