#!/bin/bash
# tests/live/valgrind.sh - the main paths of every tool under valgrind
# memcheck: no invalid read or write, no use of uninitialised memory, no
# definite leak.  The sanitizer build covers the unit tests; this covers the
# tools as shipped (build/, -O2), including what ASan cannot see through
# (libtracefs, libtraceevent, libperf, ncurses).
. "$(dirname "$0")/../lib.sh"

if ! command -v valgrind >/dev/null 2>&1; then
	skip valgrind "valgrind is not installed (scripts/deps.sh test installs it)"
	exit 0
fi
VG=(valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite
	--child-silent-after-fork=yes)

# vg NAME WANT_RC... -- TOOL ARGS... - run under valgrind with a timeout;
# exit codes the tool may give are listed before --
vg() {
	local name=$1 want=() rc t0 secs log=$T_TMP/vg.err
	shift
	while [ "$1" != -- ]; do want+=("$1"); shift; done
	shift
	t0=$(date +%s%N)
	timeout -k 5 180 "${VG[@]}" "$@" </dev/null >"$T_TMP/vg.out" 2>"$log"
	rc=$?
	secs=$(awk -v a="$t0" -v b="$(date +%s%N)" 'BEGIN { printf "%.1f", (b - a) / 1e9 }')
	if grep -Eq 'Invalid (read|write|free)|uninitialised|definitely lost: [1-9]|Mismatched free' "$log" ||
	   [ "$rc" = 99 ]; then
		fail "valgrind $name" "$(grep -Em3 'Invalid|uninitialised|definitely|Mismatched|at 0x' "$log" | tr '\n' '|' | cut -c1-300)"
	elif [ "$rc" -ge 124 ]; then
		fail "valgrind $name" "exit $rc (timeout or signal)"
	elif [[ " ${want[*]} " != *" $rc "* ]]; then
		fail "valgrind $name" "exit $rc, want ${want[*]}: $(tail -n 2 "$log" | tr '\n' ' ')"
	else
		ok "valgrind $name (exit $rc, ${secs}s)"
	fi
}

# the harness itself: a definite leak and an invalid read must be caught
cat > "$T_TMP/bad.c" <<'EOF'
#include <stdlib.h>
#include <string.h>
int main(int argc, char **argv)
{
	char *p = malloc(16), *q = malloc(16);

	strcpy(p, "leak");
	q[0] = 'x';
	p = NULL;
	free(q);
	return argc > 1 ? q[0] : 0;	/* argv: read after free */
}
EOF
if cc -O0 -g -o "$T_TMP/bad" "$T_TMP/bad.c" 2>/dev/null; then
	for a in "" x; do
		timeout 60 "${VG[@]}" "$T_TMP/bad" $a >/dev/null 2>"$T_TMP/canary.err"
		rc=$?
		if [ "$rc" = 99 ]; then ok "valgrind catches ${a:+a read after free and }a definite leak"
		else fail "valgrind canary${a:+ $a}" "exit $rc, want 99"; fi
	done
else
	skip "valgrind canary" "no C compiler"
fi

# 1-3 s a run: the host, and the fixtures that reach the most checks
# (all PASS, all FAIL, files absent, a cgroup partition); badinput.sh runs
# the sanitizer build on damaged copies of all of them
vg "nohz-check --static-only" 0 1 -- "$B/nohz-check" --static-only
for fx in isolated16 misconfigured16 missing bootcpu4; do
	vg "nohz-check -s -j -r $fx" 0 1 -- "$B/nohz-check" -s -j -r "$FIX/$fx"
done
vg "irqtop -b -n 2 -d 0.2" 0 -- "$B/irqtop" -b -n 2 -d 0.2
vg "irqtop --root irqtop-iso4 -j -S -n 2" 0 -- \
	"$B/irqtop" --root "$FIX/irqtop-iso4" -j -S -n 2 -d 0.1
vg "pig -c 1 -s 0.5" 0 -- "$B/pig" -c 1 -s 0.5
vg "sleeping-beauties -d 0.5" 0 1 -- "$B/sleeping-beauties" -d 0.5
vg "sleeping-beauties --root dstate-host -n 3" 0 1 -- \
	"$B/sleeping-beauties" --root "$FIX/dstate-host" -n 3 -i 10ms -t 0
if is_root; then
	# the live paths: perf counters, tracefs instances, spinners
	vg "nohz-check -c 1 -d 1 --explain" 0 1 -- "$B/nohz-check" -c 1 -d 1 --explain
	vg "pig -t 2 -s 0.5 --count -j" 0 -- "$B/pig" -t 2 -s 0.5 --count -j
	vg "sleeping-beauties --trace -d 0.5" 0 1 -- "$B/sleeping-beauties" --trace -d 0.5
else
	skip "valgrind live paths" "not root (perf events, tracefs)"
fi
