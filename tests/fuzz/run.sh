#!/bin/bash
# tests/fuzz/run.sh - run every libFuzzer target for SECONDS each, one after
# the other (or the targets named), and print one line per target:
#   PASS: fuzz/NAME: N execs in S s (E/s), corpus C inputs
#   FAIL: fuzz/NAME: crash: build/fuzz/crash/NAME-crash-...  (then its report)
# Usage: tests/fuzz/run.sh SECONDS [NAME...]     (NAME: cpulist, stat, ...)
# Seeds come from tests/fuzz/corpus/NAME (read only); what the fuzzer adds
# goes to build/fuzz/corpus/NAME, kept between runs.  The log of a failed
# target stays in build/fuzz/log/.
TOP=$(cd "$(dirname "$0")/../.." && pwd)
FB=${FUZZ_B:-$TOP/build/fuzz}
secs=${1:-60}
shift
names=("$@")
if [ ${#names[@]} -eq 0 ]; then
	for b in "$FB"/fuzz_*; do
		[ -x "$b" ] && names+=("${b##*/fuzz_}")
	done
fi
if [ ${#names[@]} -eq 0 ]; then
	echo "SKIP: fuzz: no targets in $FB (make fuzz-bins needs clang)"
	exit 0
fi

# max_len per target: whole files for the file parsers, lines for the rest
maxlen() {
	case $1 in
	interrupts|kconfig) echo 65536 ;;
	*) echo 4096 ;;
	esac
}

mkdir -p "$FB/log" "$FB/crash"
rc=0
for n in "${names[@]}"; do
	bin=$FB/fuzz_$n
	if [ ! -x "$bin" ]; then
		echo "FAIL: fuzz/$n: no binary $bin"
		rc=1
		continue
	fi
	work=$FB/corpus/$n
	seeds=$TOP/tests/fuzz/corpus/$n
	log=$FB/log/$n.$$.log	# kept when the target fails
	mkdir -p "$work"
	dirs=()
	[ -d "$seeds" ] && dirs=("$seeds")
	# scratch roots of the file targets: tmpfs when there is one (a disk
	# file system costs them ms per input)
	base=${TMPDIR:-/tmp}
	[ -d /dev/shm ] && [ -w /dev/shm ] && base=/dev/shm
	tmp=$(mktemp -d "$base/nohz-fuzz-run.XXXXXX")
	start=$(date +%s.%N)
	# ASAN_OPTIONS: leaks count as crashes; UBSan aborts (-fno-sanitize-recover)
	TMPDIR=$tmp ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	timeout -k 10 $((secs + 120)) "$bin" -max_total_time="$secs" -timeout=10 \
		-rss_limit_mb=2048 -max_len="$(maxlen "$n")" -print_final_stats=1 \
		-artifact_prefix="$FB/crash/$n-" "$work" "${dirs[@]}" > "$log" 2>&1
	frc=$?
	end=$(date +%s.%N)
	rm -rf "$tmp"
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	ninputs=$(find "$work" -type f | wc -l)
	el=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.0f", b - a }')
	art=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -1)
	if [ $frc -eq 0 ] && [ -n "$execs" ]; then
		rate=$(awk -v e="$execs" -v s="$el" 'BEGIN { printf "%.0f", (s > 0 ? e / s : e) }')
		echo "PASS: fuzz/$n: $execs execs in $el s ($rate/s), corpus $ninputs inputs"
		rm -f "$log"
	else
		echo "FAIL: fuzz/$n: exit $frc${art:+, crash: $art} (log: $log)"
		grep -E 'ERROR: |SUMMARY: |runtime error|invariant failed' "$log" | head -5 | sed 's/^/    /'
		rc=1
	fi
done
exit $rc
