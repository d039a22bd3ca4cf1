#!/bin/sh
# deps.sh - install what the build and the tests need, only when missing.
# Usage: scripts/deps.sh [build|test|vm|bench|fuzz]...   (default: build)
set -eu

want_build="pkg-config gcc make zlib1g-dev libtracefs-dev libtraceevent-dev libnuma-dev libncurses-dev"
want_test="libcmocka-dev tmux python3 linux-perf libfuse3-dev fuse3 man-db groff-base bsdextrautils
	valgrind util-linux clang libclang-rt-14-dev librsvg2-bin"
want_vm="qemu-system-x86 busybox-static cpio gzip python3"
want_bench="rt-tests procps irqtop linux-perf bc"
# libFuzzer: clang and its runtime (libclang_rt.fuzzer)
want_fuzz="clang libclang-rt-14-dev zlib1g-dev"

pkgs=$want_build
for layer in "$@"; do
	case $layer in
	build) ;;
	test) pkgs="$pkgs $want_test" ;;
	vm) pkgs="$pkgs $want_vm" ;;
	bench) pkgs="$pkgs $want_bench" ;;
	fuzz) pkgs="$pkgs $want_fuzz" ;;
	*) echo "deps.sh: unknown layer '$layer'" >&2; exit 2 ;;
	esac
done

missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "deps.sh: missing packages:$missing; run as root or: apt-get install$missing" >&2
	exit 2
fi
stamp=/var/lib/apt/periodic/nohz-tools-update
if [ ! -e "$stamp" ] || [ -n "$(find "$stamp" -mmin +360 2>/dev/null)" ]; then
	apt-get update -qq >/dev/null
	mkdir -p "$(dirname "$stamp")" && touch "$stamp"
fi
echo "deps.sh: installing$missing"
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
