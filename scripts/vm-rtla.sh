#!/bin/sh
# vm-rtla.sh - fetch and cache Debian's rtla for the QEMU guest, without
# installing it.  Prints the directory whose "root/" is the tree to add to
# an initramfs: bin/rtla, the shared libraries it links (libtracefs,
# libtraceevent, libc) and the dynamic loader, at the paths the loader
# searches.  Usage: scripts/vm-rtla.sh [CACHEDIR]     (default: build/vm)
#
# rtla is the only dynamically linked program in the guest: Debian builds it
# against libtracefs.so and libtraceevent.so, and it comes from the same
# source package (linux) as the RT kernel, so the two stay in step.  The
# .debs of rtla and of its library dependencies are downloaded and unpacked
# (apt-get download, dpkg-deb -x); libc and the loader are the host's
# (Debian 12's glibc, which rtla was built against).  A cached copy is used
# as is when apt cannot be reached.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
cache=${1:-$top/build/vm}
mkdir -p "$cache"
cache=$(cd "$cache" && pwd)

# rtla_cached - newest rtla directory already in the cache
rtla_cached() {
	ls -d "$cache"/rtla-* 2>/dev/null | sort -V | tail -n 1
}

# rtla_cached_or_die MSG - fall back to the cache, else fail with MSG
rtla_cached_or_die() {
	d=$(rtla_cached)
	if [ -n "$d" ] && [ -x "$d/root/bin/rtla" ]; then echo "$d"; exit 0; fi
	echo "vm-rtla.sh: $1" >&2
	exit 2
}

ver=$(apt-cache policy rtla 2>/dev/null | sed -n 's/^ *Candidate: //p')
if { [ -z "$ver" ] || [ "$ver" = "(none)" ]; } && [ "$(id -u)" = 0 ]; then
	apt-get update -qq >/dev/null 2>&1 || true
	ver=$(apt-cache policy rtla 2>/dev/null | sed -n 's/^ *Candidate: //p')
fi
if [ -z "$ver" ] || [ "$ver" = "(none)" ]; then
	rtla_cached_or_die "apt-cache knows no rtla package and nothing is cached in $cache"
fi
dir=$cache/rtla-$ver
if [ -x "$dir/root/bin/rtla" ] && [ -s "$dir/libs" ]; then
	echo "$dir"
	exit 0
fi

tmp=$(mktemp -d "$cache/.fetch.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && apt-get download -q "rtla=$ver" >download.log 2>&1) ||
	rtla_cached_or_die "apt-get download rtla failed: $(tail -n 1 "$tmp/download.log")"
deb=$(ls "$tmp"/rtla_*.deb)
# its libraries, libc6 aside: "libc6 (>= 2.34), libtraceevent1 (>= 5.4), ..."
deps=$(dpkg-deb -f "$deb" Depends | tr ',' '\n' | sed 's/|.*//; s/^ *//; s/[ (].*//' |
	grep -v '^libc6$' | grep . || true)
if [ -n "$deps" ]; then
	# shellcheck disable=SC2086
	(cd "$tmp" && apt-get download -q $deps >>download.log 2>&1) ||
		rtla_cached_or_die "apt-get download $deps failed: $(tail -n 1 "$tmp/download.log")"
fi
for d in "$tmp"/*.deb; do
	dpkg-deb -x "$d" "$tmp/x"
done

new=$dir.new
rm -rf "$new"
mkdir -p "$new/root/bin" "$new/root/lib/x86_64-linux-gnu" "$new/root/lib64"
cp "$tmp/x/usr/bin/rtla" "$new/root/bin/rtla"
# what the loader will map, resolved against the unpacked libraries first
LD_LIBRARY_PATH=$tmp/x/usr/lib/x86_64-linux-gnu:$tmp/x/lib/x86_64-linux-gnu \
	ldd "$tmp/x/usr/bin/rtla" > "$tmp/ldd" 2>&1 || {
	echo "vm-rtla.sh: ldd rtla failed: $(cat "$tmp/ldd")" >&2
	exit 2
}
if grep -q 'not found' "$tmp/ldd"; then
	echo "vm-rtla.sh: rtla needs libraries that were not fetched:" >&2
	grep 'not found' "$tmp/ldd" >&2
	exit 2
fi
: > "$new/libs"
# "libtracefs.so.1 => /path (0x...)" and "/lib64/ld-linux-x86-64.so.2 (0x...)"
sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) (.*/\1/p' "$tmp/ldd" |
while read -r lib; do
	base=$(basename "$lib")
	case $base in
	ld-linux*) cp -L "$lib" "$new/root/lib64/$base" ;;
	*) cp -L "$lib" "$new/root/lib/x86_64-linux-gnu/$base" ;;
	esac
	case $lib in
	"$tmp"/*) echo "$base from the .deb" ;;
	*) echo "$base from the host ($(readlink -f "$lib"))" ;;
	esac >> "$new/libs"
done
dpkg-deb -f "$deb" Version > "$new/version"
for d in "$tmp"/*.deb; do basename "$d"; done > "$new/packages"
rm -rf "$dir" && mv "$new" "$dir"
echo "$dir"
