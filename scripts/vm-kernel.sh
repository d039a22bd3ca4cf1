#!/bin/sh
# vm-kernel.sh - fetch and cache a kernel built with CONFIG_NO_HZ_FULL for the
# QEMU tests.  Prints the directory holding "vmlinuz" and "config" on stdout.
# Usage: scripts/vm-kernel.sh [--rt] [CACHEDIR]     (default: build/vm)
#
# The kernel is Debian's linux-image-6.1.0-N-amd64-unsigned (NO_HZ_FULL=y,
# RCU_NOCB_CPU=y, HZ=250), the newest N that apt-cache lists; with --rt its
# PREEMPT_RT flavour linux-image-6.1.0-N-rt-amd64-unsigned, which also has
# the osnoise, timerlat and hwlat tracers rtla drives (the generic kernel has
# none of them).  An initramfs-only boot needs no modules, so only the
# bzImage and its config are kept, in CACHEDIR/kernel-RELEASE/.  A cached
# kernel is used as is when apt cannot be reached.
set -eu

flavour=amd64
need="CONFIG_NO_HZ_FULL"
if [ "${1:-}" = --rt ]; then
	flavour=rt-amd64
	# what the rt-osnoise scenario and rtla need of it
	need="$need CONFIG_PREEMPT_RT CONFIG_OSNOISE_TRACER CONFIG_TIMERLAT_TRACER"
	shift
fi
top=$(cd "$(dirname "$0")/.." && pwd)
cache=${1:-$top/build/vm}
mkdir -p "$cache"
cache=$(cd "$cache" && pwd)

# kernel_newest - newest linux-image-6.1.0-N-FLAVOUR-unsigned apt-cache knows
kernel_newest() {
	apt-cache pkgnames linux-image-6.1.0- 2>/dev/null |
		grep -E "^linux-image-6\.1\.0-[0-9]+-$flavour-unsigned\$" | sort -V | tail -n 1
}

# kernel_cached - newest kernel directory of this flavour already in the
# cache ("kernel-6.1.0-*-amd64" alone would also match the rt ones)
kernel_cached() {
	for d in "$cache"/kernel-6.1.0-*-"$flavour"; do
		case ${d##*/kernel-6.1.0-} in
		[0-9]-"$flavour" | [0-9][0-9]-"$flavour" | [0-9][0-9][0-9]-"$flavour") echo "$d" ;;
		esac
	done | sort -V | tail -n 1
}

pkg=$(kernel_newest)
if [ -z "$pkg" ] && [ "$(id -u)" = 0 ]; then
	apt-get update -qq >/dev/null 2>&1 || true
	pkg=$(kernel_newest)
fi
if [ -z "$pkg" ]; then
	dir=$(kernel_cached)
	if [ -n "$dir" ]; then echo "$dir"; exit 0; fi
	echo "vm-kernel.sh: apt-cache lists no linux-image-6.1.0-*-$flavour-unsigned" \
		"and nothing is cached in $cache" >&2
	exit 2
fi

rel=${pkg#linux-image-}
rel=${rel%-unsigned}
dir=$cache/kernel-$rel
if [ -s "$dir/vmlinuz" ] && [ -s "$dir/config" ]; then
	echo "$dir"
	exit 0
fi

tmp=$(mktemp -d "$cache/.fetch.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
if ! (cd "$tmp" && apt-get download -q "$pkg" >download.log 2>&1); then
	dir=$(kernel_cached)
	if [ -n "$dir" ]; then echo "$dir"; exit 0; fi
	echo "vm-kernel.sh: apt-get download $pkg failed:" >&2
	tail -n 5 "$tmp/download.log" >&2
	exit 2
fi
deb=$(ls "$tmp"/*.deb)
dpkg-deb -x "$deb" "$tmp/x"
cfg="$tmp/x/boot/config-$rel"
for c in $need; do
	if ! grep -q "^$c=y" "$cfg"; then
		echo "vm-kernel.sh: $pkg is not built with $c" >&2
		exit 2
	fi
done
mkdir -p "$dir.new"
cp "$tmp/x/boot/vmlinuz-$rel" "$dir.new/vmlinuz"
cp "$cfg" "$dir.new/config"
echo "$rel" > "$dir.new/release"
basename "$deb" > "$dir.new/package"
rm -rf "$dir" && mv "$dir.new" "$dir"
echo "$dir"
