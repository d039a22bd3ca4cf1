// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * fuzz_kconfig.c - libFuzzer target: the kernel config reader.
 *
 * The first byte picks where the rest of the input goes under a scratch
 * root: boot/config-RELEASE (plain text), proc/config.gz as raw bytes
 * (zlib's error paths and its transparent reading of plain text), or
 * proc/config.gz gzip-compressed from the input (the text behind a valid
 * stream).  Then the readers nohz-check uses run on that root.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "nohz.h"
#include "fuzz.h"

static const char *const names[] = {
	"HZ", "NO_HZ_FULL", "NO_HZ_IDLE", "RCU_NOCB_CPU", "CMDLINE", "", "H",
};

/* gzip_put - rel holds data gzip-compressed */
static void gzip_put(const char *rel, const uint8_t *data, size_t len)
{
	uLong cap = compressBound(len) + 64;
	uint8_t *out = malloc(cap);
	z_stream z = { 0 };

	if (!out || deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8,
				 Z_DEFAULT_STRATEGY) != Z_OK)
		abort();
	z.next_in = (Bytef *)data;
	z.avail_in = (uInt)len;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	if (deflate(&z, Z_FINISH) != Z_STREAM_END)
		abort();
	fuzz_put(rel, out, z.total_out);
	deflateEnd(&z);
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nohz_kernel k;
	struct nohz_sys *sys;
	char val[64], tiny[2];
	int mode, rc;

	if (!size)
		return 0;
	mode = data[0] % 3;
	data++;
	size--;
	fuzz_root_init();
	fuzz_put("proc/sys/kernel/osrelease", "6.1.0-fuzz\n", 11);
	fuzz_put("sys/devices/system/cpu/online", "0-3\n", 4);
	fuzz_del("proc/config.gz");
	fuzz_del("boot/config-6.1.0-fuzz");
	if (mode == 0)
		fuzz_put("boot/config-6.1.0-fuzz", data, size);
	else if (mode == 1)
		fuzz_put("proc/config.gz", data, size);
	else
		gzip_put("proc/config.gz", data, size);

	sys = nohz_sys_open(fuzz_root);
	FUZZ_ASSERT(sys);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		memset(val, 'x', sizeof(val));
		rc = nohz_kconfig(sys, names[i], val, sizeof(val));
		FUZZ_ASSERT(rc == 1 || rc == 0 || rc == -ENOENT);
		if (rc >= 0)
			FUZZ_ASSERT(memchr(val, '\0', sizeof(val)));
		if (rc == 0)
			FUZZ_ASSERT(val[0] == '\0');
		FUZZ_ASSERT(nohz_kconfig(sys, names[i], tiny, sizeof(tiny)) == rc);
		FUZZ_ASSERT(nohz_kconfig(sys, names[i], NULL, 0) == rc);
	}
	rc = nohz_sys_hz(sys);
	FUZZ_ASSERT(rc > 0 || rc == -ENOENT);
	nohz_kconfig_source(sys);
	nohz_sys_close(sys);

	/* the whole kernel read, on a fresh handle (the config is cached) */
	sys = nohz_sys_open(fuzz_root);
	FUZZ_ASSERT(sys);
	FUZZ_ASSERT(nohz_kernel_read(sys, &k) == 0);
	FUZZ_ASSERT(k.hz >= 0);
	nohz_sys_close(sys);
	return 0;
}
