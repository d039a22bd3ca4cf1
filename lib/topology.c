// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * topology.c - NUMA node of a cpu.
 *
 * Under a captured root only sysfs can answer (the node* links of each cpu);
 * on the live system libnuma answers, with sysfs as its fallback.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <numa.h>

#include "internal.h"

bool nohz_numa_available(void)
{
	return numa_available() >= 0;
}

int nohz_cpu_node(struct nohz_sys *sys, int cpu)
{
	char path[96];
	struct dirent *de;
	DIR *d;
	int node = -1;

	if (nohz_sys_live(sys) && nohz_numa_available()) {
		node = numa_node_of_cpu(cpu);
		if (node >= 0)
			return node;
	}
	snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d", cpu);
	d = nohz_sys_opendir(sys, path);
	if (!d)
		return -1;
	while ((de = readdir(d)))
		if (!strncmp(de->d_name, "node", 4) && de->d_name[4] >= '0' &&
		    de->d_name[4] <= '9') {
			node = atoi(de->d_name + 4);
			break;
		}
	closedir(d);
	return node;
}
