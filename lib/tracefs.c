// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * tracefs.c - make tracefs reachable and resolve tracepoint ids.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>
#include <tracefs.h>

#include "internal.h"

#define TRACEFS_DIR "/sys/kernel/tracing"

static bool tracefs_mounted(void)
{
	return access(TRACEFS_DIR "/events", F_OK) == 0 ||
	       access("/sys/kernel/debug/tracing/events", F_OK) == 0;
}

int nohz_tracefs_ensure(char *err, size_t errlen)
{
	if (tracefs_mounted())
		return 0;
	/* mounted, but its mode (0700) keeps other users out */
	if (access(TRACEFS_DIR "/events", F_OK) < 0 && errno == EACCES) {
		nohz_err(err, errlen, "tracefs at " TRACEFS_DIR " is readable only by "
			 "root: run as root");
		return -EACCES;
	}
	if (mount("nodev", TRACEFS_DIR, "tracefs", 0, NULL) == 0 && tracefs_mounted())
		return 0;
	if (errno == EPERM || errno == EACCES || geteuid() != 0)
		nohz_err(err, errlen, "tracefs is not mounted and mounting it needs root: "
			 "run as root or 'mount -t tracefs nodev " TRACEFS_DIR "'");
	else if (errno == ENODEV)
		nohz_err(err, errlen, "this kernel has no tracefs (CONFIG_TRACING is off)");
	else
		nohz_err(err, errlen, "cannot mount tracefs at " TRACEFS_DIR ": %s",
			 strerror(errno));
	return -ENODEV;
}

int nohz_tracepoint_id(const char *system, const char *event)
{
	char *id = tracefs_event_file_read(NULL, system, event, "id", NULL);
	int v;

	if (!id)
		return -ENOENT;
	v = atoi(id);
	free(id);
	return v > 0 ? v : -ENOENT;
}
