#!/bin/bash
# tests/tools/fuzz.sh - a short, bounded run of every libFuzzer target of
# tests/fuzz/ (FUZZ_SMOKE seconds each, default 10): the committed seeds
# are replayed first, then mutated.  A crash, a sanitizer report or a broken
# invariant fails it; `make fuzz FUZZ_TIME=600` is the long run.
# `make test` builds the targets (make fuzz-bins) when clang is installed.
. "$(dirname "$0")/../lib.sh"

if ! command -v "${FUZZ_CC:-clang}" >/dev/null 2>&1; then
	skip fuzz "no clang here: scripts/deps.sh fuzz installs it"
	exit 0
fi
names=()
for src in "$TOP"/tests/fuzz/fuzz_*.c; do
	n=${src##*/fuzz_}
	n=${n%.c}
	if [ -x "$TOP/build/fuzz/fuzz_$n" ] && [ "$TOP/build/fuzz/fuzz_$n" -nt "$src" ]; then
		names+=("$n")
	else
		fail "fuzz/$n" "build/fuzz/fuzz_$n missing or older than its source (make fuzz-bins)"
	fi
done
[ ${#names[@]} -gt 0 ] && "$TOP/tests/fuzz/run.sh" "${FUZZ_SMOKE:-10}" "${names[@]}"
exit 0
