#!/bin/bash
# bench/sleeping-beauties.sh - what one D-state scan of every thread costs,
# against the `ps` loop people run instead (`ps -eLo stat,pid,tid,comm`),
# timed from outside, interleaved in the same run, on this host as it is and
# with THREADS extra sleeping threads (tests/helpers/sleepers).
# Prints a markdown section on stdout (bench/run.sh puts it in doc/benchmarks.md).
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
B=${B:-$TOP/build}
SB=$B/sleeping-beauties
SLEEPERS=$B/tests/helpers/sleepers
THREADS=${THREADS:-10000}
SCANS=${SCANS:-20}
ROUNDS=${ROUNDS:-3}
T=$(mktemp -d)
sl=""
trap '[ -n "$sl" ] && kill $sl 2>/dev/null; rm -rf "$T"' EXIT

ms() { echo $(( $(date +%s%N) / 1000 )); }	# microseconds, despite the name

# time_us CMD... - wall time of CMD in microseconds
time_us() {
	local t0 t1
	t0=$(ms)
	"$@" > /dev/null 2>&1
	t1=$(ms)
	echo $((t1 - t0))
}

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# measure LABEL - one table row set: ps, first pass, later passes
measure() {
	local r ps1 sb1 sbn
	: > "$T/ps"; : > "$T/sb1"; : > "$T/sbn"
	for r in $(seq "$ROUNDS"); do
		time_us ps -eLo stat,pid,tid,comm >> "$T/ps"
		time_us "$SB" -n 1 -i 1 -t 3600s -q >> "$T/sb1"
		time_us "$SB" -n $((SCANS + 1)) -i 1 -t 3600s -q >> "$T/sbn"
	done
	ps1=$(median < "$T/ps")
	sb1=$(median < "$T/sb1")
	sbn=$(median < "$T/sbn")
	# later passes: the difference between SCANS+1 passes and one pass
	local later=$(( (sbn - sb1) / SCANS ))
	[ "$later" -lt 1 ] && later=1
	local threads
	threads=$(ps -eLo tid --no-headers | wc -l)
	local own rc
	"$SB" -n 3 -i 1 -t 3600s -j > "$T/json" 2> "$T/json.err"; rc=$?
	own=$(python3 -c 'import json,sys; s=json.loads(open(sys.argv[1]).read().splitlines()[-1]);
print("%d threads, %.1f ms avg, %.1f ms max" % (s["threads_scanned"], s["scan_ms_avg"], s["scan_ms_max"]))' \
		"$T/json" 2>/dev/null) || own="failed (exit $rc: $(head -c 200 "$T/json.err"))"
	printf '| %s | %s | `ps -eLo stat,pid,tid,comm` | %.1f ms | 1 |\n' "$1" "$threads" \
		"$(echo "$ps1 / 1000" | bc -l)"
	printf '| %s | %s | sleeping-beauties, first pass (opens the fds) | %.1f ms | %.1f |\n' \
		"$1" "$threads" "$(echo "$sb1 / 1000" | bc -l)" "$(echo "$ps1 / $sb1" | bc -l)"
	printf '| %s | %s | sleeping-beauties, each later pass | %.1f ms | **%.1f** |\n' \
		"$1" "$threads" "$(echo "$later / 1000" | bc -l)" "$(echo "$ps1 / $later" | bc -l)"
	echo "$1: $own (the tool's own timing of 3 passes)" >> "$T/own"
}

echo "## sleeping-beauties"
echo
if [ ! -x "$SB" ] || [ ! -x "$SLEEPERS" ]; then
	echo "Not run: build $SB and $SLEEPERS first (\`make all tests-bins\`)."
	exit 0
fi
echo "Machine: $(nproc) vCPUs, kernel $(uname -r), $(date -u +%F)."
echo "Command: \`bench/sleeping-beauties.sh\` (THREADS=$THREADS SCANS=$SCANS ROUNDS=$ROUNDS)."
echo
echo "One scan of every thread for state D, timed from outside: \`ps -eLo"
echo "stat,pid,tid,comm\` (what a \`ps | grep ' D '\` loop runs) against"
echo "\`sleeping-beauties -n N -i 1 -t 3600s -q\` (N passes back to back; a later"
echo "pass costs (time of $((SCANS + 1)) passes - time of 1 pass) / $SCANS).  Median of $ROUNDS"
echo "interleaved rounds; ratio = ps time / sleeping-beauties time."
echo
echo "| host | threads | scan | time per scan | ratio |"
echo "|---|---|---|---|---|"
: > "$T/own"
measure "as is"
"$SLEEPERS" "$THREADS" 280 > "$T/ready" & sl=$!
for i in $(seq 600); do
	grep -q '^ready' "$T/ready" 2>/dev/null && break
	sleep 0.1
done
if grep -q '^ready' "$T/ready"; then
	measure "+$THREADS sleeping threads"
else
	echo "| +$THREADS sleeping threads | - | sleepers did not start | - | - |"
fi
kill $sl 2>/dev/null
wait $sl 2>/dev/null
sl=""
echo
echo "A later pass reads one schedstat file per thread through an fd kept open"
echo "since the first pass, and a stat file only for threads that ran since"
echo "(or were running or in D); the first pass opens everything.  The"
echo "tool's own per-pass timing (JSON summary, same runs): $(paste -sd ';' "$T/own" | sed 's/;/; /g')."
echo
