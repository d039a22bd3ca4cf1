#!/bin/sh
# libperf.sh - make libperf available to the build.
# Prints the compiler and linker flags on stdout (two lines: CFLAGS, LIBS).
# Uses the distribution's libperf when pkg-config knows it; otherwise builds a
# static copy into build/libperf from Debian's linux-source-6.1 package
# (libperf is not packaged in Debian 12).  Nothing is kept in the repository.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build/libperf
log=$top/build/libperf.log

if pkg-config --exists libperf 2>/dev/null; then
	echo "$(pkg-config --cflags libperf)"
	echo "$(pkg-config --libs libperf)"
	exit 0
fi

if [ ! -f "$out/lib/libperf.a" ] || [ ! -f "$out/lib/libapi.a" ]; then
	mkdir -p "$top/build"
	src=$top/build/linux-src
	{
		if ! ls "$top"/build/linux-source-6.1_*.deb >/dev/null 2>&1; then
			if ! apt-cache show linux-source-6.1 >/dev/null 2>&1; then
				apt-get update -qq
			fi
			(cd "$top/build" && apt-get download linux-source-6.1)
		fi
		deb=$(ls "$top"/build/linux-source-6.1_*.deb | tail -1)
		rm -rf "$src" && mkdir -p "$src"
		dpkg-deb --fsys-tarfile "$deb" |
			tar -x -C "$src" --wildcards './usr/src/linux-source-6.1.tar.xz'
		tar -xJf "$src/usr/src/linux-source-6.1.tar.xz" -C "$src" \
			--wildcards \
			'linux-source-6.1/tools/lib/perf' 'linux-source-6.1/tools/lib/api' \
			'linux-source-6.1/tools/lib/*.c' 'linux-source-6.1/tools/lib/*.h' \
			'linux-source-6.1/tools/include' 'linux-source-6.1/tools/build' \
			'linux-source-6.1/tools/scripts' 'linux-source-6.1/tools/arch/x86/include' \
			'linux-source-6.1/scripts' 'linux-source-6.1/include/uapi' \
			'linux-source-6.1/arch/x86/include/uapi'
		rm -f "$src/usr/src/linux-source-6.1.tar.xz"
		k=$src/linux-source-6.1
		make -C "$k/tools/lib/perf" EXTRA_CFLAGS=-fPIC \
			DESTDIR="$out" prefix= libdir_relative=lib \
			install_lib install_headers install_pkgconfig
		cp "$k/tools/lib/api/libapi.a" "$out/lib/"
		rm -f "$out"/lib/libperf.so*
	} >"$log" 2>&1 || {
		echo "libperf.sh: building libperf failed; last lines of $log:" >&2
		tail -n 20 "$log" >&2
		exit 2
	}
fi
echo "-I$out/include"
echo "$out/lib/libperf.a $out/lib/libapi.a"
