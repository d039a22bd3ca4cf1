// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * checks_sys.c - sysctls, clocksource, power, memory and tuned checks.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* sysctl_long - a /proc/sys value; false (and SKIP set) when unreadable */
static bool sysctl_long(struct check_ctx *c, struct nohz_finding *f, const char *path,
			long *v)
{
	if (nohz_sys_read_long(c->sys, path, v) == 0)
		return true;
	f_set(f, NOHZ_SKIP, "%s is not readable", path);
	return false;
}

void check_sysctl_stat_interval(struct check_ctx *c, struct nohz_finding *f)
{
	long v;

	if (!sysctl_long(c, f, "/proc/sys/vm/stat_interval", &v))
		return;
	if (v < 10) {
		f_set(f, NOHZ_WARN, "vm.stat_interval = %ld s: vmstat_update work may run "
		      "on every CPU each interval", v);
		f_remedy(f, "sysctl vm.stat_interval=120");
		return;
	}
	f_set(f, NOHZ_PASS, "vm.stat_interval = %ld s", v);
}

void check_sysctl_watchdog(struct check_ctx *c, struct nohz_finding *f)
{
	struct nohz_cpuset m, hit;
	long wd = -1, nmi = 0;
	char b[2048];

	if (!sysctl_long(c, f, "/proc/sys/kernel/watchdog", &wd))
		return;
	nohz_sys_read_long(c->sys, "/proc/sys/kernel/nmi_watchdog", &nmi);
	if (wd == 0) {
		f_set(f, NOHZ_PASS, "kernel.watchdog = 0 (nmi_watchdog = %ld)", nmi);
		return;
	}
	if (nohz_sys_read_cpuset(c->sys, "/proc/sys/kernel/watchdog_cpumask", &m) < 0) {
		f_set(f, NOHZ_WARN, "kernel.watchdog = 1 and watchdog_cpumask unreadable");
		f_remedy(f, "sysctl kernel.watchdog_cpumask=%s", c->hklist);
		return;
	}
	nohz_cpuset_and(&hit, &m, &c->t);
	if (nohz_cpuset_empty(&hit)) {
		f_set(f, NOHZ_PASS, "kernel.watchdog = 1 on CPUs %s only",
		      nohz_cpuset_format(&m, b, sizeof(b)));
		return;
	}
	f_set(f, NOHZ_WARN, "lockup watchdog (hrtimer every few seconds%s) runs on target "
	      "CPUs %s", nmi ? ", NMI perf event" : "",
	      nohz_cpuset_format(&hit, b, sizeof(b)));
	f_remedy(f, "sysctl kernel.watchdog_cpumask=%s (or boot with nowatchdog "
		 "nosoftlockup)", c->hklist);
}

void check_sysctl_timer_migration(struct check_ctx *c, struct nohz_finding *f)
{
	long v;

	if (!sysctl_long(c, f, "/proc/sys/kernel/timer_migration", &v))
		return;
	if (v == 0) {
		f_set(f, NOHZ_WARN, "kernel.timer_migration = 0: timers armed on a target "
		      "CPU stay there");
		f_remedy(f, "sysctl kernel.timer_migration=1");
		return;
	}
	f_set(f, NOHZ_PASS, "kernel.timer_migration = %ld", v);
}

void check_sysctl_rt_runtime(struct check_ctx *c, struct nohz_finding *f)
{
	long v;

	if (!sysctl_long(c, f, "/proc/sys/kernel/sched_rt_runtime_us", &v))
		return;
	if (v >= 0) {
		f_set(f, NOHZ_WARN, "kernel.sched_rt_runtime_us = %ld: a SCHED_FIFO task is "
		      "throttled every period", v);
		f_remedy(f, "sysctl kernel.sched_rt_runtime_us=-1 (only for SCHED_FIFO "
			 "workloads that never block)");
		return;
	}
	f_set(f, NOHZ_PASS, "kernel.sched_rt_runtime_us = -1 (RT throttling off)");
}

void check_sysctl_numa_balancing(struct check_ctx *c, struct nohz_finding *f)
{
	long v;

	if (!sysctl_long(c, f, "/proc/sys/kernel/numa_balancing", &v))
		return;
	if (v) {
		f_set(f, NOHZ_WARN, "kernel.numa_balancing = %ld: task_numa_work scans "
		      "memory and migrates tasks", v);
		f_remedy(f, "sysctl kernel.numa_balancing=0");
		return;
	}
	f_set(f, NOHZ_PASS, "kernel.numa_balancing = 0");
}

void check_clocksource(struct check_ctx *c, struct nohz_finding *f)
{
	char cur[64], avail[256], line[256] = "";
	const char *p;

	if (nohz_sys_read(c->sys,
			  "/sys/devices/system/clocksource/clocksource0/current_clocksource",
			  cur, sizeof(cur)) < 0) {
		f_set(f, NOHZ_SKIP, "current_clocksource is not readable");
		return;
	}
	if (nohz_sys_read(c->sys,
			  "/sys/devices/system/clocksource/clocksource0/available_clocksource",
			  avail, sizeof(avail)) < 0)
		avail[0] = '\0';
	if (c->dmesg && (p = strstr(c->dmesg, "Marking TSC unstable")))
		snprintf(line, sizeof(line), "%.*s", (int)strcspn(p, "\n"), p);
	if (!strcmp(cur, "tsc")) {
		f_set(f, NOHZ_PASS, "clocksource tsc");
		return;
	}
	f_set(f, NOHZ_WARN, "clocksource %s (available: %s)%s%s%s: reading time is slower "
	      "and an unstable clock keeps the tick (CLOCK_UNSTABLE)", cur, avail,
	      line[0] ? "; dmesg: \"" : "", line, line[0] ? "\"" : "");
	if (strstr(avail, "tsc"))
		f_remedy(f, "echo tsc > /sys/devices/system/clocksource/clocksource0/"
			 "current_clocksource (boot with tsc=reliable if the TSC is trusted)");
	else
		f_remedy(f, "boot with tsc=reliable on hardware with an invariant TSC");
}

void check_power_governor(struct check_ctx *c, struct nohz_finding *f)
{
	struct strbuf sb;
	int cpu, bad = 0, seen = 0;
	char path[128], gov[64];

	sb_init(&sb, f->evidence, sizeof(f->evidence) - NOHZ_PREFIX_ROOM);
	nohz_cpuset_for_each(cpu, &c->t) {
		snprintf(path, sizeof(path),
			 "/sys/devices/system/cpu/cpu%d/cpufreq/scaling_governor", cpu);
		if (nohz_sys_read(c->sys, path, gov, sizeof(gov)) <= 0)
			continue;
		seen++;
		if (strcmp(gov, "performance")) {
			sb_item(&sb, ", ", "CPU %d: %s", cpu, gov);
			bad++;
		}
	}
	sb_finish(&sb);
	if (!seen) {
		f_set(f, NOHZ_SKIP, "no cpufreq on the target CPUs");
		return;
	}
	if (bad) {
		f_prefix(f, NOHZ_WARN, "governor other than performance: ");
		f_remedy(f, "for c in %s; do echo performance > "
			 "/sys/devices/system/cpu/cpu$c/cpufreq/scaling_governor; done "
			 "(cpupower -c %s frequency-set -g performance)", c->tlist, c->tlist);
		return;
	}
	f_set(f, NOHZ_PASS, "performance on all %d target CPUs", seen);
}

void check_power_cpuidle(struct check_ctx *c, struct nohz_finding *f)
{
	struct strbuf sb;
	int cpu, bad = 0, seen = 0;

	sb_init(&sb, f->evidence, sizeof(f->evidence) - NOHZ_PREFIX_ROOM);
	nohz_cpuset_for_each(cpu, &c->t) {
		for (int st = 0; st < 16; st++) {
			char path[160], name[64];
			long lat = 0, dis = 0;

			snprintf(path, sizeof(path),
				 "/sys/devices/system/cpu/cpu%d/cpuidle/state%d/name", cpu, st);
			if (nohz_sys_read(c->sys, path, name, sizeof(name)) < 0)
				break;
			seen++;
			snprintf(path, sizeof(path),
				 "/sys/devices/system/cpu/cpu%d/cpuidle/state%d/latency", cpu, st);
			nohz_sys_read_long(c->sys, path, &lat);
			snprintf(path, sizeof(path),
				 "/sys/devices/system/cpu/cpu%d/cpuidle/state%d/disable", cpu, st);
			nohz_sys_read_long(c->sys, path, &dis);
			if (!dis && lat > 10) {
				sb_item(&sb, ", ", "CPU %d %s (%ld us)", cpu, name, lat);
				bad++;
			}
		}
	}
	sb_finish(&sb);
	if (!seen) {
		f_set(f, NOHZ_SKIP, "no cpuidle states exposed for the target CPUs");
		return;
	}
	if (bad) {
		f_prefix(f, NOHZ_WARN, "deep idle states enabled (exit latency): ");
		f_remedy(f, "disable them: echo 1 > /sys/devices/system/cpu/cpuN/cpuidle/"
			 "stateK/disable, hold /dev/cpu_dma_latency at 0, or boot with "
			 "processor.max_cstate=1 intel_idle.max_cstate=0");
		return;
	}
	f_set(f, NOHZ_PASS, "no enabled idle state above 10 us exit latency");
}

void check_mm_thp(struct check_ctx *c, struct nohz_finding *f)
{
	char thp[128] = "";
	long ksm = 0;
	bool have_thp = nohz_sys_read(c->sys, "/sys/kernel/mm/transparent_hugepage/enabled",
				      thp, sizeof(thp)) > 0;
	bool have_ksm = nohz_sys_read_long(c->sys, "/sys/kernel/mm/ksm/run", &ksm) == 0;
	bool always = strstr(thp, "[always]") != NULL;

	if (!have_thp && !have_ksm) {
		f_set(f, NOHZ_SKIP, "transparent_hugepage and ksm not readable");
		return;
	}
	f_set(f, always || ksm == 1 ? NOHZ_WARN : NOHZ_PASS, "THP enabled: %s; KSM run: %ld%s",
	      have_thp ? thp : "n/a", ksm,
	      always ? " (khugepaged and compaction can interrupt)" : "");
	if (always || ksm == 1)
		f_remedy(f, "%s%s%s", always ? "echo madvise > /sys/kernel/mm/"
			 "transparent_hugepage/enabled" : "", always && ksm == 1 ? "; " : "",
			 ksm == 1 ? "echo 0 > /sys/kernel/mm/ksm/run" : "");
}

void check_mm_mce(struct check_ctx *c, struct nohz_finding *f)
{
	long v;

	if (nohz_sys_read_long(c->sys,
			       "/sys/devices/system/machinecheck/machinecheck0/ignore_ce",
			       &v) < 0) {
		f_set(f, NOHZ_SKIP, "no machinecheck device (not x86 or MCE off)");
		return;
	}
	if (v == 0) {
		f_set(f, NOHZ_WARN, "machinecheck ignore_ce = 0: corrected-error polling "
		      "timer runs on every CPU");
		f_remedy(f, "for f in /sys/devices/system/machinecheck/machinecheck*/ignore_ce; "
			 "do echo 1 > $f; done (or boot with mce=ignore_ce)");
		return;
	}
	f_set(f, NOHZ_PASS, "machinecheck ignore_ce = %ld", v);
}

/* tuned_var - value of "key=" in a tuned variables file */
static bool tuned_var(const char *text, const char *key, char *val, size_t len)
{
	const char *p = text;
	size_t kl = strlen(key);

	while (p && *p) {
		while (isspace((unsigned char)*p))
			p++;
		if (!strncmp(p, key, kl) && (p[kl] == '=' || p[kl] == ' ')) {
			const char *v = strchr(p, '=');

			if (v) {
				v++;
				while (*v == ' ')
					v++;
				snprintf(val, len, "%.*s", (int)strcspn(v, "\n"), v);
				return true;
			}
		}
		p = strchr(p, '\n');
	}
	return false;
}

void check_tuned(struct check_ctx *c, struct nohz_finding *f)
{
	char prof[128], *vars = NULL, iso[512], b[2048], varfile[200];
	struct nohz_cpuset want;

	if (nohz_sys_read(c->sys, "/etc/tuned/active_profile", prof, sizeof(prof)) <= 0) {
		f_set(f, NOHZ_SKIP, "tuned has no active profile");
		return;
	}
	if (!strstr(prof, "cpu-partitioning") && !strstr(prof, "realtime")) {
		f_set(f, NOHZ_PASS, "tuned profile '%s' does not partition CPUs", prof);
		return;
	}
	/* each partitioning profile reads /etc/tuned/PROFILE-variables.conf */
	snprintf(varfile, sizeof(varfile), "/etc/tuned/%s-variables.conf", prof);
	if (nohz_sys_read_alloc(c->sys, varfile, &vars, NULL) < 0 ||
	    !tuned_var(vars, "isolated_cores", iso, sizeof(iso))) {
		free(vars);
		f_set(f, NOHZ_WARN, "tuned profile '%s' without isolated_cores", prof);
		f_remedy(f, "set isolated_cores=%s in its variables file and run "
			 "'tuned-adm profile %s', then reboot", c->tlist, prof);
		return;
	}
	free(vars);
	if (nohz_cpuset_parse(&want, iso, NULL, 0) < 0) {
		f_set(f, NOHZ_WARN, "tuned isolated_cores=%s is not a cpu list tuned expands "
		      "here (variables?)", iso);
		return;
	}
	if (!nohz_cpuset_equal(&want, &c->k->nohz_full)) {
		f_set(f, NOHZ_FAIL, "tuned profile '%s' intends isolated_cores=%s but the "
		      "kernel applied nohz_full '%s'", prof, iso,
		      nohz_cpuset_format(&c->k->nohz_full, b, sizeof(b)));
		f_remedy(f, "reboot so the profile's bootloader options take effect "
			 "(tuned-adm verify shows the difference)");
		return;
	}
	f_set(f, NOHZ_PASS, "tuned profile '%s', isolated_cores=%s matches nohz_full", prof,
	      iso);
}
