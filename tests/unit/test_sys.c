// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * test_sys.c - the root-relative reader on temporary trees: whole-file
 * reads (newlines stripped, -ENOENT, small buffers, files larger than the
 * first allocation), "(null)" cpu lists, the kernel config from a
 * proc/config.gz written here with zlib and from boot/config-RELEASE,
 * CONFIG_HZ, what nohz_kernel_read gathers and the default target cpus.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "nohz.h"
#include "tree.h"

static void assert_list(const struct nohz_cpuset *s, const char *want)
{
	char buf[256];

	assert_string_equal(nohz_cpuset_format(s, buf, sizeof(buf)), want);
}

static void test_open(void **state)
{
	char *root = tree_new(), file[4200];
	struct nohz_sys *sys;
	DIR *d;

	sys = nohz_sys_open(root);
	assert_non_null(sys);
	assert_string_equal(nohz_sys_root(sys), root);
	assert_false(nohz_sys_live(sys));
	assert_true(nohz_sys_fd(sys) >= 0);
	d = nohz_sys_opendir(sys, "/");
	assert_non_null(d);
	closedir(d);
	assert_null(nohz_sys_opendir(sys, "/proc"));
	nohz_sys_close(sys);

	sys = nohz_sys_open("/");
	assert_non_null(sys);
	assert_true(nohz_sys_live(sys));
	nohz_sys_close(sys);
	sys = nohz_sys_open(NULL);
	assert_non_null(sys);
	assert_true(nohz_sys_live(sys));
	assert_string_equal(nohz_sys_root(sys), "/");
	nohz_sys_close(sys);
	/* "/." and "//" are the live root too */
	sys = nohz_sys_open("//.");
	assert_non_null(sys);
	assert_true(nohz_sys_live(sys));
	nohz_sys_close(sys);

	errno = 0;
	snprintf(file, sizeof(file), "%s/missing", root);
	assert_null(nohz_sys_open(file));
	assert_int_equal(errno, ENOENT);
	tree_put(root, "afile", "x");
	snprintf(file, sizeof(file), "%s/afile", root);
	assert_null(nohz_sys_open(file));
	assert_int_equal(errno, ENOTDIR);
	nohz_sys_close(NULL);
	tree_free(root);
}

static void test_read(void **state)
{
	char *root = tree_new(), buf[64];
	struct nohz_sys *sys;
	long v;

	tree_put(root, "a/b/value", "hello\n");
	tree_put(root, "a/b/lines", "one\ntwo\n\n\n");
	tree_write(root, "a/b/empty", "", 0);
	tree_put(root, "a/b/nl", "\n");
	tree_write(root, "a/b/nul", "x\n\0\0", 4);
	tree_put(root, "a/b/long", "0123456789abcdef");
	tree_put(root, "n/int", "42\n");
	tree_put(root, "n/neg", "-1\n");
	tree_put(root, "n/hex", "0x10");
	tree_put(root, "n/bad", "abc\n");
	sys = nohz_sys_open(root);
	assert_non_null(sys);

	assert_int_equal(nohz_sys_read(sys, "/a/b/value", buf, sizeof(buf)), 5);
	assert_string_equal(buf, "hello");
	assert_int_equal(nohz_sys_read(sys, "a/b/value", buf, sizeof(buf)), 5);
	assert_int_equal(nohz_sys_read(sys, "//a/b/value", buf, sizeof(buf)), 5);
	assert_int_equal(nohz_sys_read(sys, "/a/b/lines", buf, sizeof(buf)), 7);
	assert_string_equal(buf, "one\ntwo");
	assert_int_equal(nohz_sys_read(sys, "/a/b/empty", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");
	assert_int_equal(nohz_sys_read(sys, "/a/b/nl", buf, sizeof(buf)), 0);
	assert_int_equal(nohz_sys_read(sys, "/a/b/nul", buf, sizeof(buf)), 1);
	assert_string_equal(buf, "x");
	assert_int_equal(nohz_sys_read(sys, "/a/b/missing", buf, sizeof(buf)), -ENOENT);
	assert_int_equal(nohz_sys_read(sys, "/nodir/x", buf, sizeof(buf)), -ENOENT);
	assert_int_equal(nohz_sys_read(sys, "/a/b", buf, sizeof(buf)), -EISDIR);
	assert_int_equal(nohz_sys_read(sys, "/a/b/value", buf, 0), -EINVAL);
	/* a small buffer gets the start, NUL-terminated, and no more */
	memset(buf, 'Z', sizeof(buf));
	assert_int_equal(nohz_sys_read(sys, "/a/b/long", buf, 5), 4);
	assert_string_equal(buf, "0123");
	assert_int_equal(buf[5], 'Z');

	assert_true(nohz_sys_exists(sys, "/a/b/value"));
	assert_true(nohz_sys_exists(sys, "/a/b"));
	assert_false(nohz_sys_exists(sys, "/a/b/missing"));

	assert_int_equal(nohz_sys_read_long(sys, "/n/int", &v), 0);
	assert_int_equal(v, 42);
	assert_int_equal(nohz_sys_read_long(sys, "/n/neg", &v), 0);
	assert_int_equal(v, -1);
	assert_int_equal(nohz_sys_read_long(sys, "/n/hex", &v), 0);
	assert_int_equal(v, 16);
	assert_int_equal(nohz_sys_read_long(sys, "/n/bad", &v), -EINVAL);
	assert_int_equal(nohz_sys_read_long(sys, "/n/missing", &v), -ENOENT);
	nohz_sys_close(sys);
	tree_free(root);
}

static void test_read_alloc(void **state)
{
	char *root = tree_new(), *big, *got;
	struct nohz_sys *sys;
	size_t n = 300000, len = 0;

	big = malloc(n);
	assert_non_null(big);
	for (size_t i = 0; i < n; i++)
		big[i] = (char)('a' + i % 23);
	tree_write(root, "proc/big", big, n);
	tree_put(root, "proc/small", "x\n");
	sys = nohz_sys_open(root);
	assert_int_equal(nohz_sys_read_alloc(sys, "/proc/big", &got, &len), 0);
	assert_int_equal(len, n);
	assert_memory_equal(got, big, n);
	assert_int_equal(got[n], '\0');
	free(got);
	/* read_alloc keeps the text as it is, newline included */
	assert_int_equal(nohz_sys_read_alloc(sys, "/proc/small", &got, NULL), 0);
	assert_string_equal(got, "x\n");
	free(got);
	got = (char *)1;
	assert_int_equal(nohz_sys_read_alloc(sys, "/proc/none", &got, &len), -ENOENT);
	nohz_sys_close(sys);
	free(big);
	tree_free(root);
}

static void test_read_cpuset(void **state)
{
	char *root = tree_new();
	struct nohz_sys *sys;
	struct nohz_cpuset s;

	tree_put(root, "sys/devices/system/cpu/nohz_full", "(null)\n");
	tree_put(root, "sys/devices/system/cpu/isolated", "\n");
	tree_put(root, "sys/devices/system/cpu/online", "0-3,8\n");
	tree_put(root, "sys/devices/system/cpu/bad", "zz\n");
	tree_put(root, "sys/mask", "00000000,0000010f\n");
	sys = nohz_sys_open(root);

	memset(&s, 0xff, sizeof(s));
	assert_int_equal(nohz_sys_read_cpuset(sys, "/sys/devices/system/cpu/nohz_full", &s), 0);
	assert_true(nohz_cpuset_empty(&s));
	memset(&s, 0xff, sizeof(s));
	assert_int_equal(nohz_sys_read_cpuset(sys, "/sys/devices/system/cpu/isolated", &s), 0);
	assert_true(nohz_cpuset_empty(&s));
	assert_int_equal(nohz_sys_read_cpuset(sys, "/sys/devices/system/cpu/online", &s), 0);
	assert_list(&s, "0-3,8");
	assert_int_equal(nohz_sys_read_cpuset(sys, "/sys/devices/system/cpu/bad", &s), -EINVAL);
	memset(&s, 0xff, sizeof(s));
	assert_int_equal(nohz_sys_read_cpuset(sys, "/sys/devices/system/cpu/none", &s), -ENOENT);
	assert_true(nohz_cpuset_empty(&s));
	assert_int_equal(nohz_sys_read_cpumask(sys, "/sys/mask", &s), 0);
	assert_list(&s, "0-3,8");
	assert_int_equal(nohz_sys_read_cpumask(sys, "/sys/none", &s), -ENOENT);
	nohz_sys_close(sys);
	tree_free(root);
}

static const char config_text[] =
	"#\n# Automatically generated file; DO NOT EDIT.\n#\n"
	"CONFIG_CC_VERSION_TEXT=\"gcc (Debian 12.2.0-14) 12.2.0\"\n"
	"CONFIG_NO_HZ_COMMON=y\n"
	"# CONFIG_NO_HZ_IDLE is not set\n"
	"CONFIG_NO_HZ_FULL=y\n"
	"CONFIG_NO_HZ=y\n"
	"CONFIG_HZ_250=y\n"
	"CONFIG_HZ=250\n"
	"CONFIG_RCU_NOCB_CPU=y\n"
	"CONFIG_LAST=m";	/* no newline at the end */

static void check_config(struct nohz_sys *sys)
{
	char v[64];

	assert_int_equal(nohz_kconfig(sys, "NO_HZ_FULL", v, sizeof(v)), 1);
	assert_string_equal(v, "y");
	/* a name that is a prefix of another does not take its value */
	assert_int_equal(nohz_kconfig(sys, "NO_HZ", v, sizeof(v)), 1);
	assert_string_equal(v, "y");
	assert_int_equal(nohz_kconfig(sys, "HZ", v, sizeof(v)), 1);
	assert_string_equal(v, "250");
	assert_int_equal(nohz_kconfig(sys, "NO_HZ_IDLE", v, sizeof(v)), 0);
	assert_string_equal(v, "");
	assert_int_equal(nohz_kconfig(sys, "NO_HZ_", v, sizeof(v)), 0);
	assert_int_equal(nohz_kconfig(sys, "CPU_ISOLATION", v, sizeof(v)), 0);
	assert_int_equal(nohz_kconfig(sys, "LAST", v, sizeof(v)), 1);
	assert_string_equal(v, "m");
	/* quoted strings come without their quotes */
	assert_int_equal(nohz_kconfig(sys, "CC_VERSION_TEXT", v, sizeof(v)), 1);
	assert_string_equal(v, "gcc (Debian 12.2.0-14) 12.2.0");
	assert_int_equal(nohz_kconfig(sys, "NO_HZ_FULL", NULL, 0), 1);
	assert_int_equal(nohz_sys_hz(sys), 250);
}

static void test_kconfig_gz(void **state)
{
	char *root = tree_new();
	struct nohz_sys *sys;

	tree_gz(root, "proc/config.gz", config_text);
	/* config.gz wins over a boot config that says otherwise */
	tree_put(root, "proc/sys/kernel/osrelease", "6.1.0-test\n");
	tree_put(root, "boot/config-6.1.0-test", "CONFIG_HZ=1000\n");
	sys = nohz_sys_open(root);
	check_config(sys);
	assert_string_equal(nohz_kconfig_source(sys), "/proc/config.gz");
	nohz_sys_close(sys);
	tree_free(root);
}

/* A config larger than the first inflate buffer (256 KiB). */
static void test_kconfig_gz_big(void **state)
{
	char *root = tree_new(), *text, v[32];
	struct nohz_sys *sys;
	size_t off = 0, cap = 2 << 20;

	text = malloc(cap);
	assert_non_null(text);
	for (int i = 0; off < cap - 4096; i++)
		off += snprintf(text + off, cap - off, "CONFIG_FILLER_%06d=y\n", i);
	snprintf(text + off, cap - off, "CONFIG_HZ=300\n");
	tree_gz(root, "proc/config.gz", text);
	sys = nohz_sys_open(root);
	assert_int_equal(nohz_kconfig(sys, "HZ", v, sizeof(v)), 1);
	assert_string_equal(v, "300");
	assert_int_equal(nohz_kconfig(sys, "FILLER_000000", v, sizeof(v)), 1);
	assert_int_equal(nohz_sys_hz(sys), 300);
	nohz_sys_close(sys);
	free(text);
	tree_free(root);
}

static void test_kconfig_boot(void **state)
{
	char *root = tree_new();
	struct nohz_sys *sys;

	tree_put(root, "proc/sys/kernel/osrelease", "6.1.0-18-amd64\n");
	tree_put(root, "boot/config-6.1.0-18-amd64", "%s\n", config_text);
	tree_put(root, "boot/config-5.10.0-9-amd64", "CONFIG_HZ=100\n");
	sys = nohz_sys_open(root);
	check_config(sys);
	assert_string_equal(nohz_kconfig_source(sys), "/boot/config-6.1.0-18-amd64");
	nohz_sys_close(sys);
	tree_free(root);
}

/* A damaged config.gz falls back to the boot config. */
static void test_kconfig_gz_corrupt(void **state)
{
	static const unsigned char bad[] = {
		0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03,
		0xde, 0xad, 0xbe, 0xef, 0x00, 0x11, 0x22, 0x33,
	};
	char *root = tree_new();
	struct nohz_sys *sys;

	tree_write(root, "proc/config.gz", bad, sizeof(bad));
	tree_put(root, "proc/sys/kernel/osrelease", "6.1.0-x\n");
	tree_put(root, "boot/config-6.1.0-x", "CONFIG_HZ=100\n");
	sys = nohz_sys_open(root);
	assert_int_equal(nohz_sys_hz(sys), 100);
	assert_string_equal(nohz_kconfig_source(sys), "/boot/config-6.1.0-x");
	nohz_sys_close(sys);
	tree_free(root);
}

static void test_kconfig_none(void **state)
{
	char *root = tree_new(), v[8] = "zz";
	struct nohz_sys *sys;

	/* a release with no matching boot config */
	tree_put(root, "proc/sys/kernel/osrelease", "6.1.0-x\n");
	tree_put(root, "boot/config-6.1.0-y", "CONFIG_HZ=100\n");
	sys = nohz_sys_open(root);
	assert_int_equal(nohz_kconfig(sys, "HZ", v, sizeof(v)), -ENOENT);
	assert_null(nohz_kconfig_source(sys));
	assert_int_equal(nohz_sys_hz(sys), -ENOENT);
	nohz_sys_close(sys);
	tree_free(root);

	/* a config without CONFIG_HZ */
	root = tree_new();
	tree_gz(root, "proc/config.gz", "CONFIG_NO_HZ_FULL=y\n");
	sys = nohz_sys_open(root);
	assert_int_equal(nohz_sys_hz(sys), -ENOENT);
	assert_int_equal(nohz_kconfig(sys, "NO_HZ_FULL", v, sizeof(v)), 1);
	nohz_sys_close(sys);
	tree_free(root);
}

static void test_kernel_read(void **state)
{
	char *root = tree_new();
	struct nohz_sys *sys;
	struct nohz_kernel k;

	tree_put(root, "proc/sys/kernel/osrelease", "6.1.0-rt\n");
	tree_put(root, "proc/cmdline", "BOOT_IMAGE=/vmlinuz nohz_full=1-3 quiet\n");
	tree_put(root, "sys/devices/system/cpu/online", "0-3\n");
	tree_put(root, "sys/devices/system/cpu/possible", "0-7\n");
	tree_put(root, "sys/devices/system/cpu/nohz_full", "1-3\n");
	tree_put(root, "sys/devices/system/cpu/isolated", "\n");
	tree_gz(root, "proc/config.gz", "CONFIG_HZ=1000\n");
	sys = nohz_sys_open(root);
	assert_int_equal(nohz_kernel_read(sys, &k), 0);
	assert_string_equal(k.release, "6.1.0-rt");
	assert_string_equal(k.cmdline, "BOOT_IMAGE=/vmlinuz nohz_full=1-3 quiet");
	assert_list(&k.online, "0-3");
	assert_list(&k.possible, "0-7");
	assert_list(&k.nohz_full, "1-3");
	assert_true(nohz_cpuset_empty(&k.isolated));
	assert_true(k.has_nohz_full_file);
	assert_true(k.has_isolated_file);
	assert_int_equal(k.hz, 1000);
	nohz_sys_close(sys);
	tree_free(root);

	/* the bare minimum: online only; possible defaults to online */
	root = tree_new();
	tree_put(root, "sys/devices/system/cpu/online", "0-1\n");
	sys = nohz_sys_open(root);
	memset(&k, 0x5a, sizeof(k));
	assert_int_equal(nohz_kernel_read(sys, &k), 0);
	assert_string_equal(k.release, "");
	assert_string_equal(k.cmdline, "");
	assert_list(&k.possible, "0-1");
	assert_false(k.has_nohz_full_file);
	assert_false(k.has_isolated_file);
	assert_true(nohz_cpuset_empty(&k.nohz_full));
	assert_int_equal(k.hz, 0);
	nohz_sys_close(sys);
	tree_free(root);

	/* "(null)": the file is there, the set is empty */
	root = tree_new();
	tree_put(root, "sys/devices/system/cpu/online", "0-1\n");
	tree_put(root, "sys/devices/system/cpu/nohz_full", "(null)\n");
	sys = nohz_sys_open(root);
	assert_int_equal(nohz_kernel_read(sys, &k), 0);
	assert_true(k.has_nohz_full_file);
	assert_true(nohz_cpuset_empty(&k.nohz_full));
	nohz_sys_close(sys);
	tree_free(root);

	/* without online nothing can be said */
	root = tree_new();
	sys = nohz_sys_open(root);
	assert_int_equal(nohz_kernel_read(sys, &k), -ENOENT);
	nohz_sys_close(sys);
	tree_free(root);
}

/* The live kernel: release and online cpus against uname and sysconf. */
static void test_kernel_read_live(void **state)
{
	struct nohz_sys *sys = nohz_sys_open("/");
	struct nohz_kernel k;
	FILE *f = fopen("/proc/sys/kernel/osrelease", "r");
	char rel[128] = "";

	assert_non_null(f);
	assert_non_null(fgets(rel, sizeof(rel), f));
	fclose(f);
	rel[strcspn(rel, "\n")] = '\0';
	assert_int_equal(nohz_kernel_read(sys, &k), 0);
	assert_string_equal(k.release, rel);
	assert_int_equal(nohz_cpuset_count(&k.online), sysconf(_SC_NPROCESSORS_ONLN));
	nohz_sys_close(sys);
}

static void test_default_cpus(void **state)
{
	struct nohz_kernel k;
	struct nohz_cpuset s;

	memset(&k, 0, sizeof(k));
	nohz_cpuset_parse(&k.online, "0-7", NULL, 0);
	nohz_cpuset_parse(&k.nohz_full, "2-7", NULL, 0);
	nohz_cpuset_parse(&k.isolated, "4-7", NULL, 0);
	nohz_default_cpus(&k, &s);
	assert_list(&s, "2-7");
	nohz_cpuset_zero(&k.nohz_full);
	nohz_default_cpus(&k, &s);
	assert_list(&s, "4-7");
	nohz_cpuset_zero(&k.isolated);
	nohz_default_cpus(&k, &s);
	assert_list(&s, "1-7");
	/* "minus the first" is the first online, not cpu 0 */
	nohz_cpuset_parse(&k.online, "2-5,9", NULL, 0);
	nohz_default_cpus(&k, &s);
	assert_list(&s, "3-5,9");
	nohz_cpuset_parse(&k.online, "0", NULL, 0);
	nohz_default_cpus(&k, &s);
	assert_true(nohz_cpuset_empty(&s));
	nohz_cpuset_zero(&k.online);
	nohz_default_cpus(&k, &s);
	assert_true(nohz_cpuset_empty(&s));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open),
		cmocka_unit_test(test_read),
		cmocka_unit_test(test_read_alloc),
		cmocka_unit_test(test_read_cpuset),
		cmocka_unit_test(test_kconfig_gz),
		cmocka_unit_test(test_kconfig_gz_big),
		cmocka_unit_test(test_kconfig_boot),
		cmocka_unit_test(test_kconfig_gz_corrupt),
		cmocka_unit_test(test_kconfig_none),
		cmocka_unit_test(test_kernel_read),
		cmocka_unit_test(test_kernel_read_live),
		cmocka_unit_test(test_default_cpus),
	};

	return cmocka_run_group_tests(tests, NULL, tree_cleanup);
}
