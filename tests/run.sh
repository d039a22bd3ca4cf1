#!/bin/bash
# tests/run.sh - run every test layer this host can, print "N passed, N failed".
# Usage: tests/run.sh [--unit-only] BUILDDIR [SANBUILDDIR]
#   unit tests (cmocka) run from every build dir given; shell layers
#   (tools, live, term, vm) run against the first.
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP" || exit 2
unit_only=0
[ "$1" = --unit-only ] && { unit_only=1; shift; }
builds=("$@")
[ ${#builds[@]} -eq 0 ] && builds=(build)
export TOP FIX=$TOP/tests/fixtures B=$TOP/${builds[0]}

pass=0 failn=0 skipn=0
declare -a failed
log=$TOP/build/test.log
mkdir -p "$TOP/build"; : > "$log"

count() {	# count PASS/FAIL/SKIP lines of one test file's output
	local name=$1 out=$2 p f s
	p=$(grep -c '^PASS: ' "$out"); f=$(grep -c '^FAIL: ' "$out"); s=$(grep -c '^SKIP: ' "$out")
	pass=$((pass + p)); failn=$((failn + f)); skipn=$((skipn + s))
	grep -E '^(FAIL|SKIP): ' "$out" | sed "s|^|  $name: |"
	grep '^FAIL: ' "$out" | sed "s|^FAIL: |$name: |" >> "$TOP/build/failed.list"
	printf '%-40s %3d passed %3d failed %3d skipped\n' "$name" "$p" "$f" "$s"
}
: > "$TOP/build/failed.list"

for b in "${builds[@]}"; do
	tag=unit; [[ $b == *san* ]] && tag=unit-san
	for t in "$b"/tests/test_*; do
		[ -x "$t" ] || continue
		out=$(mktemp)
		# cmocka's own summary becomes our PASS/FAIL lines
		CMOCKA_MESSAGE_OUTPUT=stdout timeout 300 "$t" > "$out.raw" 2>&1
		rc=$?
		cat "$out.raw" >> "$log"
		sed -nE 's/^\[       OK \] (.*)/PASS: \1/p; s/^\[  FAILED  \] ([a-z_0-9]+)$/FAIL: \1/p' \
			"$out.raw" | awk '!seen[$0]++' > "$out"	# cmocka repeats FAILED in its summary
		if [ $rc -ne 0 ] && ! grep -q '^FAIL: ' "$out"; then
			echo "FAIL: $(basename "$t") exited $rc" >> "$out"
			tail -n 20 "$out.raw" | sed 's/^/    /'
		fi
		count "$tag/$(basename "$t")" "$out"
		rm -f "$out" "$out.raw"
	done
done

if [ $unit_only = 0 ]; then
	for layer in tools live term vm; do
		for t in tests/$layer/*.sh; do
			[ -f "$t" ] || continue
			out=$(mktemp)
			echo "== $t" >> "$log"
			timeout 1200 bash "$t" > "$out" 2>> "$log"
			rc=$?
			cat "$out" >> "$log"
			[ $rc -eq 124 ] && echo "FAIL: $(basename "$t") timed out" >> "$out"
			count "$layer/$(basename "$t" .sh)" "$out"
			rm -f "$out"
		done
	done
fi

echo
[ -s "$TOP/build/failed.list" ] && { echo "failed:"; sed 's/^/  /' "$TOP/build/failed.list"; }
echo "$pass passed, $failn failed, $skipn skipped"
[ $failn -eq 0 ]
