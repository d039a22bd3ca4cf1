/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * common.h - what every tool does the same way: one-line errors naming the
 * tool, option errors, the version line, signals, the final stdout check.
 * tools/common.c links into every tool (Makefile).
 */
#ifndef TOOLS_COMMON_H
#define TOOLS_COMMON_H

#include <stdbool.h>
#include <stdio.h>

#include "nohz.h"

/* Defined once by each tool ("pig"): the prefix of every message below. */
extern const char tool_name[];

/* die - "NAME: message" on stderr, exit 2 (bad input or an error) */
void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
/* tool_warn - "NAME: message" on stderr, and go on */
void tool_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * tool_bad_option - die for what getopt_long (optstring starting with ':',
 * opterr 0) returned for a bad option: ':' a missing argument, anything
 * else an unknown option.  hint: where help is ("pig -h"), added as
 * " (see HINT)"; NULL for none.
 */
void tool_bad_option(int c, char **argv, const char *hint)
	__attribute__((noreturn));
/* tool_std_option - the rest of every tool's option switch: -h prints
 * usage to stdout, -V "NAME (nohz-tools) VERSION", both exit 0; anything
 * else is a bad option (tool_bad_option) */
void tool_std_option(int c, char **argv, void (*usage)(FILE *f), const char *hint)
	__attribute__((noreturn));
/* tool_no_operands - die when arguments are left after the options (hint
 * as above) */
void tool_no_operands(int argc, char **argv, const char *hint);

/* tool_duration - nohz_parse_duration of arg, or die "cannot parse WHAT" */
double tool_duration(const char *what, const char *arg);
/* tool_duration_ns - the same in whole ns, at least 1 */
uint64_t tool_duration_ns(const char *what, const char *arg);
/* tool_cpulist - a CPU list that is neither malformed nor empty, or die */
void tool_cpulist(const char *arg, struct nohz_cpuset *set);
/* tool_parse_long - a whole decimal number in [lo, hi]: 0, -EINVAL when s
 * is none (or overflows a long), -ERANGE when it is outside */
int tool_parse_long(const char *s, long lo, long hi, long *v);

/* tool_signals - fn on SIGINT, SIGTERM and, when hup, SIGHUP */
void tool_signals(void (*fn)(int), int sa_flags, bool hup);
/* tool_stdout_ok - flush stdout; false, with "cannot write WHAT to
 * standard output" on stderr, when the output was lost (closed, disk
 * full): output nobody could read is no result.  what may be NULL. */
bool tool_stdout_ok(const char *what);

/* json_kv - "key":"value" with the value escaped, and a comma if asked */
void json_kv(const char *key, const char *val, bool comma);

#endif
