#!/bin/bash
# install.sh - `make install` into a temporary DESTDIR and check the result
# as a user of the package would: the file list, the exported symbols
# against the declarations of include/nohz.h (read by the compiler), the
# soname, the example built with pkg-config against the installed copy
# (shared and static), each tool's -h against its man page and its bash
# completion, man pages rendered without warnings, and `make uninstall`.
. "$(dirname "$0")/../lib.sh"

PREFIX=/usr/local
D=$T_TMP/dest
P=$D$PREFIX
version=$(sed -n 's/^#define NOHZ_VERSION "\(.*\)"$/\1/p' "$TOP/include/nohz.h")
tools="nohz-check pig irqtop sleeping-beauties"
sbin_tools="nohz-check irqtop sleeping-beauties"

# an ASan build dir (build/san) is installed as built: SAN=1 keeps make from
# relinking it without the sanitizers, and consumers would need them too
san=""
case $B in *san*) san=SAN=1 ;; esac
mk() { make -C "$TOP" --no-print-directory B="$B" $san "$@"; }

# files - every file and symlink under $1, relative, sorted
files() { (cd "$1" && find . \( -type f -o -type l \) | sed 's|^\./|/|' | sort); }

if ! mk install PREFIX=$PREFIX DESTDIR="$D" > "$T_TMP/install.log" 2>&1; then
	fail "make install" "$(tail -n 5 "$T_TMP/install.log" | tr '\n' ' ')"
	exit 0
fi
ok "make install PREFIX=$PREFIX DESTDIR=tmp"

# --- the file list: written out here, not taken from the Makefile ---------
{
	echo "$PREFIX/bin/pig"
	for t in $sbin_tools; do echo "$PREFIX/sbin/$t"; done
	echo "$PREFIX/lib/libnohz.so.$version"
	echo "$PREFIX/lib/libnohz.so.0"
	echo "$PREFIX/lib/libnohz.so"
	echo "$PREFIX/lib/libnohz.a"
	echo "$PREFIX/lib/pkgconfig/libnohz.pc"
	echo "$PREFIX/include/nohz.h"
	echo "$PREFIX/share/man/man1/pig.1"
	echo "$PREFIX/share/man/man3/libnohz.3"
	for t in $sbin_tools; do echo "$PREFIX/share/man/man8/$t.8"; done
	echo "$PREFIX/share/bash-completion/completions/nohz-tools"
	for t in $tools; do echo "$PREFIX/share/bash-completion/completions/$t"; done
	echo "$PREFIX/share/nohz-tools/manifest"
} | sort > "$T_TMP/want.list"
files "$D" > "$T_TMP/got.list"
if cmp -s "$T_TMP/want.list" "$T_TMP/got.list"; then
	ok "installed file list ($(wc -l < "$T_TMP/got.list") files)"
else
	fail "installed file list" "$(diff "$T_TMP/want.list" "$T_TMP/got.list" |
		grep '^[<>]' | sed 's/^</missing/; s/^>/extra/' | tr '\n' ' ')"
fi
if sort "$P/share/nohz-tools/manifest" | cmp -s - "$T_TMP/got.list"; then
	ok "manifest lists exactly the installed files"
else
	fail "manifest lists exactly the installed files" \
		"$(sort "$P/share/nohz-tools/manifest" | diff - "$T_TMP/got.list" | grep '^[<>]' |
		   tr '\n' ' ')"
fi

bad=""
for t in $sbin_tools; do [ -x "$P/sbin/$t" ] && [ ! -L "$P/sbin/$t" ] || bad="$bad sbin/$t"; done
[ -x "$P/bin/pig" ] || bad="$bad bin/pig"
for f in include/nohz.h lib/libnohz.a lib/pkgconfig/libnohz.pc share/man/man3/libnohz.3; do
	[ "$(stat -c %a "$P/$f" 2>/dev/null)" = 644 ] || bad="$bad $f(mode $(stat -c %a "$P/$f" 2>/dev/null))"
done
[ "$(readlink "$P/lib/libnohz.so")" = libnohz.so.0 ] || bad="$bad libnohz.so->$(readlink "$P/lib/libnohz.so")"
[ "$(readlink "$P/lib/libnohz.so.0")" = "libnohz.so.$version" ] ||
	bad="$bad libnohz.so.0->$(readlink "$P/lib/libnohz.so.0")"
[ -f "$P/lib/libnohz.so.$version" ] && [ ! -L "$P/lib/libnohz.so.$version" ] ||
	bad="$bad libnohz.so.$version-not-a-file"
for t in $tools; do
	[ "$(readlink -f "$P/share/bash-completion/completions/$t")" = \
	  "$(readlink -f "$P/share/bash-completion/completions/nohz-tools")" ] || bad="$bad completion/$t"
done
if [ -z "$bad" ]; then ok "modes and symlinks (tools 755, data 644, .so chain)"
else fail "modes and symlinks" "$bad"; fi

# --- the shared library -------------------------------------------------
so=$P/lib/libnohz.so.$version
soname=$(readelf -d "$so" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')
if [ "$soname" = libnohz.so.0 ]; then ok "soname is libnohz.so.0"
else fail "soname is libnohz.so.0" "readelf says '$soname'"; fi

# The declarations, as the compiler reads them (comments and macros cannot
# fool it): gcc -aux-info lists every prototype with its file.
printf '#include <nohz.h>\n' > "$T_TMP/decl.c"
if gcc -D_GNU_SOURCE -I"$P/include" -aux-info "$T_TMP/aux" -fsyntax-only "$T_TMP/decl.c" 2>"$T_TMP/aux.err"; then
	grep "/nohz.h:" "$T_TMP/aux" | sed -nE 's/.*[ *](nohz_[A-Za-z0-9_]+) \(.*/\1/p' |
		sort -u > "$T_TMP/declared"
	nm -D --defined-only "$so" | awk '$2 != "A" { sub(/@.*/, "", $3); print $3 }' |
		sort -u > "$T_TMP/exported"
	extra=$(comm -13 "$T_TMP/declared" "$T_TMP/exported" | tr '\n' ' ')
	missing=$(comm -23 "$T_TMP/declared" "$T_TMP/exported" | tr '\n' ' ')
	n=$(wc -l < "$T_TMP/declared")
	if [ -z "$extra" ]; then ok "no symbol exported beyond nohz.h ($(wc -l < "$T_TMP/exported") exported)"
	else fail "no symbol exported beyond nohz.h" "exported but not declared: $extra"; fi
	if [ -z "$missing" ] && [ "$n" -gt 0 ]; then ok "every function of nohz.h is exported ($n)"
	else fail "every function of nohz.h is exported" "declared but not in the .so: $missing"; fi
	vers=$(nm -D --defined-only "$so" | awk '$2 == "T" && $3 !~ /@@LIBNOHZ_0$/' | head -3 | tr '\n' ' ')
	if [ -z "$vers" ]; then ok "exported functions carry the version LIBNOHZ_0"
	else fail "exported functions carry the version LIBNOHZ_0" "$vers"; fi
	# every libnohz function documented in libnohz(3)
	undoc=""
	while read -r f; do
		grep -q "\\b$f\\b" "$P/share/man/man3/libnohz.3" || undoc="$undoc $f"
	done < "$T_TMP/declared"
	if [ -z "$undoc" ]; then ok "libnohz.3 names every function of nohz.h"
	else fail "libnohz.3 names every function of nohz.h" "missing:$undoc"; fi
else
	fail "installed nohz.h compiles" "$(head -n 3 "$T_TMP/aux.err" | tr '\n' ' ')"
fi
undef=$(LD_LIBRARY_PATH=$P/lib ldd -r "$so" 2>&1 | grep -i 'undefined symbol' | head -3)
if [ -z "$undef" ]; then ok "installed .so resolves every symbol (ldd -r)"
else fail "installed .so resolves every symbol (ldd -r)" "$undef"; fi

# libnohz.a carries libperf and libapi when they were built from source
if pkg-config --exists libperf 2>/dev/null; then
	skip "libnohz.a holds libperf" "a distribution libperf is used (listed in Requires.private)"
else
	nm --defined-only "$P/lib/libnohz.a" 2>/dev/null > "$T_TMP/a.syms"
	if grep -qE ' [Tt] perf_evsel__open$' "$T_TMP/a.syms" &&
	   grep -qE ' [Tt] fdarray__init$' "$T_TMP/a.syms"
	then ok "libnohz.a holds libperf and libapi (perf_evsel__open, fdarray__init)"
	else fail "libnohz.a holds libperf and libapi" "perf_evsel__open or fdarray__init not defined"; fi
fi
# and its global symbols are the functions of nohz.h, like the .so's
if [ -s "$T_TMP/declared" ]; then
	nm -g --defined-only "$P/lib/libnohz.a" 2>/dev/null | awk 'NF == 3 { print $3 }' |
		sort -u > "$T_TMP/a.global"
	if cmp -s "$T_TMP/declared" "$T_TMP/a.global"; then
		ok "libnohz.a defines exactly the functions of nohz.h as globals"
	else
		fail "libnohz.a defines exactly the functions of nohz.h as globals" \
			"$(diff "$T_TMP/declared" "$T_TMP/a.global" | grep '^[<>]' | head -n 8 |
			   sed 's/^</missing/; s/^>/extra/' | tr '\n' ' ')"
	fi
fi

# --- the example, built only through pkg-config ------------------------
cp -r "$TOP/doc/examples" "$T_TMP/ex"
[ -n "$san" ] && export CFLAGS="-O1 -g -fsanitize=address,undefined"
export PKG_CONFIG_PATH=$P/lib/pkgconfig PKG_CONFIG_SYSROOT_DIR=$D
if make -C "$T_TMP/ex" > "$T_TMP/ex.log" 2>&1; then
	ok "example builds with pkg-config --cflags --libs libnohz"
	lib=$(LD_LIBRARY_PATH=$P/lib ldd "$T_TMP/ex/isolated-cpus" | awk '/libnohz/ { print $3 }')
	if [ "$lib" = "$P/lib/libnohz.so.0" ]; then ok "example loads the installed libnohz.so.0"
	else fail "example loads the installed libnohz.so.0" "ldd: '$lib'"; fi
else
	fail "example builds with pkg-config --cflags --libs libnohz" \
		"$(tail -n 3 "$T_TMP/ex.log" | tr '\n' ' ')"
fi
if [ -n "$san" ]; then
	skip "example links fully static" "an ASan build cannot be linked statically"
elif make -C "$T_TMP/ex" static > "$T_TMP/exs.log" 2>&1; then
	if readelf -d "$T_TMP/ex/isolated-cpus-static" 2>&1 | grep -q NEEDED; then
		fail "example links fully static" "it still needs shared libraries"
	else
		ok "example links fully static with pkg-config --static (libnohz.a + Libs.private)"
	fi
else
	fail "example links fully static with pkg-config --static" \
		"$(grep -v 'warning:\|in function' "$T_TMP/exs.log" | tail -n 3 | tr '\n' ' ')"
fi
unset PKG_CONFIG_PATH PKG_CONFIG_SYSROOT_DIR CFLAGS

# norm_list FILE - a sysfs cpu list as the example prints it ("(null)": "")
norm_list() { [ -r "$1" ] && sed 's/^(null)$//' "$1"; }

# run_example NAME ROOT - both builds print what the files under ROOT say
run_example() {
	local name=$1 root=$2 sysd=$2/sys/devices/system/cpu bin out want rc
	for bin in isolated-cpus isolated-cpus-static; do
		[ -x "$T_TMP/ex/$bin" ] || continue
		out=$T_TMP/ex-$bin.$name
		LD_LIBRARY_PATH=$P/lib "$T_TMP/ex/$bin" ${3:+"$root"} > "$out" 2>&1
		rc=$?
		want="online     $(norm_list "$sysd/online")
nohz_full  $(norm_list "$sysd/nohz_full")
isolated   $(norm_list "$sysd/isolated")"
		if [ "$rc" -le 1 ] && [ "$(sed -n '2,4p' "$out")" = "$want" ]; then
			ok "$bin on $name prints online, nohz_full, isolated as sysfs has them"
		else
			fail "$bin on $name prints online, nohz_full, isolated as sysfs has them" \
				"exit $rc: $(head -n 4 "$out" | tr '\n' '|') want $(echo "$want" | tr '\n' '|')"
		fi
		# the verdict agrees with the installed nohz-check on the same CPUs
		"$P/sbin/nohz-check" -s -q ${3:+--root "$root"} > "$out.nc" 2>&1
		local v1 v2
		v1=$(sed -n 's/^verdict *//p' "$out")
		v2=$(sed -n 's/^verdict: \([A-Z]*\).*/\1/p' "$out.nc")
		if [ -n "$v1" ] && [ "$v1" = "$v2" ]; then
			ok "$bin on $name: verdict $v1 as nohz-check -s says"
		else
			fail "$bin on $name: verdict as nohz-check -s says" "example '$v1', nohz-check '$v2'"
		fi
	done
}
run_example live /
for fx in isolated16 misconfigured16; do
	if [ -d "$FIX/$fx/sys/devices/system/cpu" ]; then run_example "$fx" "$FIX/$fx" root
	else skip "example on $fx" "fixture tree $FIX/$fx not present"; fi
done

# --- options: -h, the man page and the completion agree ----------------
# help_opts < HELP: the options -h lists: every indented line that starts
# with '-', and the deeper indented lines that continue its description
# (so "-d, --duration is the same" in a description counts); a short option
# is one letter, "-ab" words are not options
help_opts() {
	awk '/^[ \t]*$/ { cont = 0; next }
	     match($0, /^[ \t]+-/) { ind = RLENGTH - 1; cont = 1; print; next }
	     cont { match($0, /^[ \t]*/); if (RLENGTH > ind + 2) print; else cont = 0 }' |
		grep -oE '(^|[^A-Za-z0-9_-])--?[A-Za-z][A-Za-z0-9-]*' |
		sed -E 's/^[^-]+//' | grep -vE '^-[A-Za-z][A-Za-z0-9]' | sort -u
}
# man_tags PAGE: the tags of the OPTIONS section as man renders them
man_tags() {
	LC_ALL=C MANWIDTH=80 man -l "$1" 2>/dev/null | col -bx |
		awk '/^[A-Z]/ { sec = $0 } sec == "OPTIONS" && /^       -/' |
		sed -E 's/^ +//; s/  .*//'
}
if ! command -v man > /dev/null || ! command -v col > /dev/null; then
	skip "man pages and options" "man-db or col missing (scripts/deps.sh test installs them)"
	tools_man=""
else
	tools_man=$tools
fi
tooldir() { if [ "$1" = pig ]; then echo "$P/bin"; else echo "$P/sbin"; fi; }
for t in $tools; do
	"$(tooldir "$t")/$t" -h > "$T_TMP/$t.help" 2>&1
	help_opts < "$T_TMP/$t.help" > "$T_TMP/$t.hopts"
done
for t in $tools_man; do
	dir=$(tooldir "$t")
	page=$(ls "$P"/share/man/man[18]/"$t".[18] 2>/dev/null | head -1)
	if [ -z "$page" ]; then fail "$t: man page installed" "none in share/man"; continue; fi
	man_tags "$page" > "$T_TMP/$t.tags"
	grep -oE '(^|[ ,])--?[A-Za-z][A-Za-z0-9-]*' "$T_TMP/$t.tags" | sed 's/^[ ,]*//' |
		sort -u > "$T_TMP/$t.mopts"
	if [ ! -s "$T_TMP/$t.hopts" ]; then
		fail "$t: -h lists options" "no option block in -h output"
	elif cmp -s "$T_TMP/$t.hopts" "$T_TMP/$t.mopts"; then
		ok "$t: man page OPTIONS match -h ($(wc -l < "$T_TMP/$t.hopts") options)"
	else
		fail "$t: man page OPTIONS match -h" "$(diff "$T_TMP/$t.hopts" "$T_TMP/$t.mopts" |
			grep '^[<>]' | sed 's/^</only in -h:/; s/^>/only in man:/' | tr '\n' ' ')"
	fi
	# every documented option is accepted by the tool: a tag with a
	# placeholder gets an empty argument, then -h ends the run
	bad=""
	while read -r tag; do
		arg=$(echo "$tag" | sed -E 's/--?[A-Za-z][A-Za-z0-9-]*//g; s/[ ,]//g')
		for o in $(echo "$tag" | grep -oE '(^|[ ,])--?[A-Za-z][A-Za-z0-9-]*' | sed 's/^[ ,]*//'); do
			if [ -z "$arg" ]; then set -- "$o"
			elif [ "${o#--}" != "$o" ]; then set -- "$o="
			else set -- "$o" ""; fi
			timeout -k 1 5 "$dir/$t" "$@" -h < /dev/null > /dev/null 2> "$T_TMP/opt.err"
			rc=$?
			if [ $rc -ge 124 ]; then bad="$bad $o(no exit: takes an argument?)"
			elif grep -qiE 'unknown option|unrecognized option|invalid option' "$T_TMP/opt.err"
			then bad="$bad $o"; fi
		done
	done < "$T_TMP/$t.tags"
	if [ -z "$bad" ]; then ok "$t: accepts every option of its man page"
	else fail "$t: accepts every option of its man page" "rejected:$bad"; fi
done

# man renders every page without a warning
for page in ${tools_man:+"$P"/share/man/man?/*}; do
	w=$(MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null)
	if [ -z "$w" ]; then ok "man --warnings $(basename "$page"): clean"
	else fail "man --warnings $(basename "$page")" "$(echo "$w" | head -n 2 | tr '\n' ' ')"; fi
done

# The completion, sourced through each tool's link as bash-completion would.
comp() {	# comp TOOL WORDS... - COMPREPLY for the last word, one a line
	bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		 _nohz_tools "$1" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
		 printf "%s\n" "${COMPREPLY[@]}"' _ \
		"$P/share/bash-completion/completions/$1" "$@" 2>/dev/null
}
for t in $tools; do
	comp "$t" "$t" - | grep . | sort -u > "$T_TMP/$t.copts"
	if [ -s "$T_TMP/$t.hopts" ] && cmp -s "$T_TMP/$t.hopts" "$T_TMP/$t.copts"; then
		ok "$t: completion offers exactly the options of -h"
	else
		fail "$t: completion offers exactly the options of -h" \
			"$(diff "$T_TMP/$t.hopts" "$T_TMP/$t.copts" | grep '^[<>]' |
			   sed 's/^</only in -h:/; s/^>/only in completion:/' | tr '\n' ' ')"
	fi
done
# cpu lists: every online CPU, nothing else, from the kernel's own file
online=$(python3 -c 'import sys
s = set()
for r in open("/sys/devices/system/cpu/online").read().strip().split(","):
    a, _, b = r.partition("-")
    s.update(range(int(a), int(b or a) + 1))
print(" ".join(map(str, sorted(s))))')
got=$(comp nohz-check nohz-check -c "" | grep -E '^[0-9]+$' | sort -n | tr '\n' ' ' | sed 's/ $//')
if [ "$got" = "$online" ]; then ok "completion of -c offers the online CPUs ($online)"
else fail "completion of -c offers the online CPUs" "got '$got', online '$online'"; fi
got=$(comp pig pig --cpus "0," | head -n 1)
case $got in 0,*) ok "completion of a cpu list continues after a comma ($got)" ;;
*) fail "completion of a cpu list continues after a comma" "got '$got'" ;; esac
mkdir -p "$T_TMP/rootdir/tree-a"
got=$(cd "$T_TMP/rootdir" && comp irqtop irqtop --root tr)
if [ "$got" = tree-a ]; then ok "completion of --root offers directories"
else fail "completion of --root offers directories" "got '$got'"; fi

# --- uninstall ----------------------------------------------------------
if mk uninstall PREFIX=$PREFIX DESTDIR="$D" > "$T_TMP/un.log" 2>&1; then
	left=$(files "$D" | tr '\n' ' ')
	if [ -z "$left" ]; then ok "make uninstall leaves no file in DESTDIR"
	else fail "make uninstall leaves no file in DESTDIR" "left: $left"; fi
else
	fail "make uninstall" "$(tail -n 3 "$T_TMP/un.log" | tr '\n' ' ')"
fi

# Another prefix, and an uninstall without the manifest (the computed list).
D2=$T_TMP/dest2
if mk install PREFIX=/opt/nohz DESTDIR="$D2" > "$T_TMP/install2.log" 2>&1; then
	pc=$(PKG_CONFIG_PATH=$D2/opt/nohz/lib/pkgconfig pkg-config --variable=prefix libnohz)
	n=$(files "$D2" | grep -vc '^/opt/nohz/')
	if [ "$pc" = /opt/nohz ] && [ "$n" = 0 ] && [ -x "$D2/opt/nohz/bin/pig" ]; then
		ok "PREFIX=/opt/nohz: every file under it, libnohz.pc prefix /opt/nohz"
	else
		fail "PREFIX=/opt/nohz" "pc prefix '$pc', $n files elsewhere"
	fi
	rm -f "$D2/opt/nohz/share/nohz-tools/manifest"
	mk uninstall PREFIX=/opt/nohz DESTDIR="$D2" > /dev/null 2>&1
	left=$(files "$D2" | tr '\n' ' ')
	if [ -z "$left" ]; then ok "uninstall without a manifest removes the computed list"
	else fail "uninstall without a manifest removes the computed list" "left: $left"; fi
else
	fail "make install PREFIX=/opt/nohz" "$(tail -n 3 "$T_TMP/install2.log" | tr '\n' ' ')"
fi
