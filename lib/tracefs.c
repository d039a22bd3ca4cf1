// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * tracefs.c - make tracefs reachable, resolve tracepoint ids, and create and
 * remove the tracefs instances of our own ("PREFIX PID" or "PREFIX PID-SEQ")
 * in which lib/trace.c and lib/dtrace.c keep all their settings.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
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

/* instance_remove - events off and the instance gone (one try) */
static void instance_remove(const char *name)
{
	struct tracefs_instance *inst = tracefs_instance_alloc(NULL, name);

	if (!inst)
		return;
	tracefs_event_disable(inst, NULL, NULL);
	tracefs_instance_destroy(inst);
	tracefs_instance_free(inst);
}

/* instances_reap - remove instances of ours whose process is gone */
static void instances_reap(const char *prefix)
{
	size_t plen = strlen(prefix);
	char path[4096];
	struct dirent *de;
	DIR *d;

	snprintf(path, sizeof(path), "%s/instances", tracefs_tracing_dir());
	d = opendir(path);
	if (!d)
		return;
	while ((de = readdir(d))) {
		const char *p = de->d_name + plen;
		char *end;
		long pid;

		if (strncmp(de->d_name, prefix, plen))
			continue;
		pid = strtol(p, &end, 10);
		if (end == p || (*end && *end != '-') || pid <= 0 ||
		    kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		instance_remove(de->d_name);
	}
	closedir(d);
}

int own_instance_open(struct tracefs_instance **out, const char *prefix, int seq,
		      unsigned int flags, char *err, size_t errlen)
{
	struct tracefs_instance *inst;
	char name[64];
	int rc;

	*out = NULL;
	if (seq < 0)
		snprintf(name, sizeof(name), "%s%d", prefix, (int)getpid());
	else
		snprintf(name, sizeof(name), "%s%d-%d", prefix, (int)getpid(), seq);
	if (flags & OWN_INST_REAP)
		instances_reap(prefix);
	/* a leftover of a killed run that had our pid can only be ours */
	if ((flags & OWN_INST_REPLACE) && tracefs_instance_exists(name))
		instance_remove(name);
	errno = 0;	/* reaping leaves ESRCH behind */
	inst = tracefs_instance_create(name);
	if (!inst) {
		rc = errno ? -errno : -EIO;
		nohz_err(err, errlen, "cannot create tracefs instance %s: %s", name,
			 strerror(-rc));
		return rc;
	}
	if (!tracefs_instance_is_new(inst) && !(flags & OWN_INST_REPLACE)) {
		/* another pid namespace may own it: refuse rather than remove */
		nohz_err(err, errlen, "cannot create tracefs instance %s: it already exists "
			 "(left by a killed run? rmdir %s/instances/%s)", name,
			 tracefs_tracing_dir(), name);
		tracefs_instance_free(inst);	/* not ours: keep it */
		return -EEXIST;
	}
	*out = inst;
	return 0;
}

void own_instance_close(struct tracefs_instance *inst, int wait_ms)
{
	if (!inst)
		return;
	/* off first, so an instance that cannot be removed records nothing */
	tracefs_event_disable(inst, NULL, NULL);
	/* rmdir is refused while a reader still holds a file of the instance */
	for (int i = 0; tracefs_instance_destroy(inst) < 0 && i < wait_ms / 10; i++)
		usleep(10000);
	tracefs_instance_free(inst);
}
