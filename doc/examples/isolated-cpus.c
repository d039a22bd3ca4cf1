// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * isolated-cpus - a small libnohz program: what the kernel isolated, and
 * the verdict of the static isolation checks on the CPUs nohz-check would
 * pick by default (nohz_full, else isolated, else all online but the first).
 *
 *   make && ./isolated-cpus            the running system
 *   ./isolated-cpus /tmp/host-tree     a captured tree (proc/, sys/, etc/)
 *
 * Exit status as the nohz-tools: 0 pass, 1 fail, 2 error.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <nohz.h>

int main(int argc, char **argv)
{
	const char *root = argc > 1 ? argv[1] : NULL;
	size_t nverdict[NOHZ_FAIL + 1] = { 0 };
	struct nohz_report r = { 0 };
	struct nohz_cpuset cpus;
	struct nohz_kernel k;
	struct nohz_sys *sys;
	enum nohz_verdict v;
	char buf[1024];
	int rc;

	if (argc > 2 || (root && root[0] == '-')) {
		fprintf(stderr, "usage: isolated-cpus [ROOT]\n");
		return NOHZ_EXIT_ERROR;
	}
	sys = nohz_sys_open(root);
	if (!sys) {
		fprintf(stderr, "isolated-cpus: cannot open root '%s': %s\n",
			root ? root : "/", strerror(errno));
		return NOHZ_EXIT_ERROR;
	}
	rc = nohz_kernel_read(sys, &k);
	if (rc < 0) {
		fprintf(stderr, "isolated-cpus: cannot read the kernel state under '%s': %s\n",
			nohz_sys_root(sys), strerror(-rc));
		nohz_sys_close(sys);
		return NOHZ_EXIT_ERROR;
	}
	printf("kernel     %s, HZ=%d\n", k.release[0] ? k.release : "?", k.hz);
	printf("online     %s\n", nohz_cpuset_format(&k.online, buf, sizeof(buf)));
	printf("nohz_full  %s\n", nohz_cpuset_format(&k.nohz_full, buf, sizeof(buf)));
	printf("isolated   %s\n", nohz_cpuset_format(&k.isolated, buf, sizeof(buf)));

	nohz_default_cpus(&k, &cpus);
	if (nohz_cpuset_empty(&cpus)) {
		fprintf(stderr, "isolated-cpus: a single online CPU: nothing to check\n");
		nohz_sys_close(sys);
		return NOHZ_EXIT_ERROR;
	}
	rc = nohz_checks_run(sys, &cpus, &r);
	if (rc < 0) {
		fprintf(stderr, "isolated-cpus: checks failed: %s\n", strerror(-rc));
		nohz_report_free(&r);
		nohz_sys_close(sys);
		return NOHZ_EXIT_ERROR;
	}
	for (size_t i = 0; i < r.n; i++) {
		nverdict[r.f[i].verdict]++;
		if (r.f[i].verdict == NOHZ_FAIL)
			printf("FAIL       %s: %s\n", r.f[i].id, r.f[i].title);
	}
	v = nohz_report_verdict(&r);
	printf("checked    CPUs %s: %zu pass, %zu warn, %zu fail, %zu skip\n",
	       nohz_cpuset_format(&cpus, buf, sizeof(buf)), nverdict[NOHZ_PASS],
	       nverdict[NOHZ_WARN], nverdict[NOHZ_FAIL], nverdict[NOHZ_SKIP]);
	printf("verdict    %s\n", nohz_verdict_name(v));

	nohz_report_free(&r);
	nohz_sys_close(sys);
	return v == NOHZ_FAIL ? NOHZ_EXIT_FAIL : NOHZ_EXIT_PASS;
}
