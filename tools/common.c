// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * common.c - the pieces every tool shares (see common.h).
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

static void vsay(const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: ", tool_name);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(fmt, ap);
	va_end(ap);
	exit(NOHZ_EXIT_ERROR);
}

void tool_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(fmt, ap);
	va_end(ap);
}

/* see - " (see HINT)", or "" without a hint */
static const char *see(const char *hint, char *buf, size_t len)
{
	if (!hint)
		return "";
	snprintf(buf, len, " (see %s)", hint);
	return buf;
}

void tool_bad_option(int c, char **argv, const char *hint)
{
	const char *arg = argv[optind - 1];
	char opt[3] = { '-', (char)optopt, 0 }, b[128];

	/* in a bundle ("-sZ") argv[optind - 1] need not hold the bad option:
	 * a short one is named by optopt, a long one as written (optopt is 0
	 * when it is unknown, its value for "--json=x") */
	if (optopt > 0 && optopt < 256 && strncmp(arg, "--", 2))
		arg = opt;
	if (c == ':')
		die("option '%s' needs an argument%s", arg, see(hint, b, sizeof(b)));
	die("unknown option '%s'%s", arg, see(hint, b, sizeof(b)));
}

void tool_no_operands(int argc, char **argv, const char *hint)
{
	char b[128];

	if (optind < argc)
		die("unexpected argument '%s'%s", argv[optind], see(hint, b, sizeof(b)));
}

void tool_std_option(int c, char **argv, void (*usage)(FILE *f), const char *hint)
{
	if (c == 'h') {
		usage(stdout);
		exit(0);
	}
	if (c == 'V') {
		printf("%s (nohz-tools) %s\n", tool_name, NOHZ_VERSION);
		exit(0);
	}
	tool_bad_option(c, argv, hint);
}

double tool_duration(const char *what, const char *arg)
{
	char err[256];
	double s;

	if (nohz_parse_duration(arg, &s, err, sizeof(err)) < 0)
		die("cannot parse %s '%s': %s", what, arg, err);
	return s;
}

uint64_t tool_duration_ns(const char *what, const char *arg)
{
	double ns = tool_duration(what, arg) * 1e9;

	if (ns < 1)
		die("cannot parse %s '%s': it is shorter than 1 ns", what, arg);
	return (uint64_t)(ns + 0.5);
}

void tool_cpulist(const char *arg, struct nohz_cpuset *set)
{
	char err[256];

	if (nohz_cpuset_parse(set, arg, err, sizeof(err)) < 0)
		die("cannot parse cpu list '%s': %s", arg, err);
	if (nohz_cpuset_empty(set))
		die("cannot parse cpu list '%s': it is empty", arg);
}

int tool_parse_long(const char *s, long lo, long hi, long *v)
{
	char *end;

	/* digits only: strtol would also take " 5" and "+5" */
	if (!isdigit((unsigned char)s[0]) &&
	    !(s[0] == '-' && isdigit((unsigned char)s[1])))
		return -EINVAL;
	errno = 0;
	*v = strtol(s, &end, 10);
	if (*end || errno)
		return -EINVAL;
	return *v < lo || *v > hi ? -ERANGE : 0;
}

void tool_signals(void (*fn)(int), int sa_flags, bool hup)
{
	struct sigaction sa = { .sa_handler = fn, .sa_flags = sa_flags };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (hup)
		sigaction(SIGHUP, &sa, NULL);
}

bool tool_stdout_ok(const char *what)
{
	if (fflush(stdout) != EOF && !ferror(stdout))
		return true;
	tool_warn("cannot write %s%sto standard output", what ? what : "", what ? " " : "");
	return false;
}

void json_kv(const char *key, const char *val, bool comma)
{
	printf("\"%s\":", key);
	nohz_json_string(stdout, val);
	if (comma)
		putchar(',');
}
