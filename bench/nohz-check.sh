#!/bin/bash
# bench/nohz-check.sh - nohz-check measured against perf stat and /proc/interrupts.
#   1. accuracy: tick counts of a busy CPU, 10 runs, vs perf stat and LOC deltas
#   2. self-noise: interruptions of a spinning CPU while nohz-check measures vs
#      while only perf stat measures (same spinner, same duration)
#   3. static-check speed on this host and on the 1024-CPU fixture
# Prints a markdown section on stdout (bench/run.sh puts it in doc/benchmarks.md).
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
B=${B:-$TOP/build}
NC=$B/nohz-check
CPU=${CPU:-1}
RUNS=${RUNS:-10}
WIN=${WIN:-3}
T=$(mktemp -d); trap 'rm -rf "$T"; kill $(jobs -p) 2>/dev/null' EXIT

loc() { awk -v c="$1" '$1=="LOC:" {print $(c+2)}' /proc/interrupts; }
now() { date +%s.%N; }
perf_count() {	# perf_count EVENTS SECONDS -> "event count" lines
	perf stat -C $CPU -x, -e "$1" -o "$T/p.csv" -- sleep "$2" 2>/dev/null
	awk -F, '/^[0-9]/ {print $3, $1}' "$T/p.csv"
}

echo "## nohz-check accuracy, self-noise and static-check speed"
echo
echo "Machine: $(nproc) CPUs, kernel $(uname -r), HZ=$(zcat /proc/config.gz 2>/dev/null | sed -n 's/^CONFIG_HZ=//p'), $(date -u +%F)."
echo "Command: \`make bench\` (bench/nohz-check.sh), CPU $CPU, $RUNS runs of ${WIN} s."
echo

# 1. accuracy
echo "### 1. Tick count accuracy (busy CPU $CPU, ${WIN} s window, $RUNS runs)"
echo
echo "CPU $CPU is kept busy by a pinned loop for the whole run so it ticks at a steady rate;"
echo "each witness covers its own window and is scaled to nohz-check's window."
echo
echo "| run | nohz-check ticks | LOC-derived | perf-stat-derived | diff vs LOC | diff vs perf |"
echo "|---|---|---|---|---|---|"
taskset -c $CPU sh -c 'while :; do :; done' & busy=$!
sleep 0.5
maxl=0 maxp=0
for i in $(seq 1 "$RUNS"); do
	perf stat -C $CPU -x, -e irq_vectors:local_timer_entry -o "$T/a.csv" -- sleep $((WIN + 2)) 2>/dev/null & pp=$!
	sleep 0.05
	l0=$(loc $CPU); t0=$(now)
	"$NC" -c $CPU -d ${WIN} -j > "$T/j" 2>/dev/null
	l1=$(loc $CPU); t1=$(now)
	wait $pp
	pc=$(awk -F, '/local_timer_entry/ {print $1}' "$T/a.csv")
	read -r n secs ld pd dl dp < <(python3 - "$T/j" "$l0" "$l1" "$t0" "$t1" "$pc" $((WIN + 2)) <<'PY'
import json, sys
j = json.load(open(sys.argv[1])); c = [x for x in j["live"]["cpus"]][0]
s = j["live"]["seconds"]; n = c["ticks"]
ld = (int(sys.argv[3]) - int(sys.argv[2])) / (float(sys.argv[5]) - float(sys.argv[4])) * s
pd = int(sys.argv[6]) / float(sys.argv[7]) * s
print(n, s, round(ld, 1), round(pd, 1), round(100 * (n - ld) / ld, 2), round(100 * (n - pd) / pd, 2))
PY
)
	echo "| $i | $n | $ld | $pd | ${dl}% | ${dp}% |"
	maxl=$(python3 -c "print(max(abs($dl), $maxl))"); maxp=$(python3 -c "print(max(abs($dp), $maxp))")
done
kill $busy; wait $busy 2>/dev/null
echo
echo "Max difference: ${maxl}% vs LOC, ${maxp}% vs perf stat (goal ±1%)."
echo

# 2. self-noise
EVS=irq_vectors:local_timer_entry,workqueue:workqueue_execute_start,irq:irq_handler_entry,irq:softirq_entry,sched:sched_switch,irq_vectors:reschedule_entry,irq_vectors:call_function_entry
echo "### 2. Self-noise: interruptions of a spinning CPU $CPU over ${WIN} s"
echo
echo "| measured by | ticks | work | irqs | softirqs | switches | resched IPIs | call IPIs | total |"
echo "|---|---|---|---|---|---|---|---|---|"
for i in 1 2 3; do
	"$NC" -c $CPU -d ${WIN} -j > "$T/j" 2>/dev/null
	python3 - "$T/j" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))["live"]["cpus"][0]
k = ["ticks", "work", "irqs", "softirqs", "switches", "resched_ipis", "callfunc_ipis"]
v = [c[x] or 0 for x in k]
print("| nohz-check (own spinner) | " + " | ".join(map(str, v)) + " | %d |" % sum(v))
PY
	taskset -c $CPU sh -c 'while :; do :; done' & busy=$!
	sleep 0.2
	perf_count "$EVS" ${WIN} > "$T/pc"
	kill $busy; wait $busy 2>/dev/null
	python3 - "$T/pc" <<'PY'
import sys
d = dict(l.split() for l in open(sys.argv[1]) if len(l.split()) == 2)
k = ["local_timer_entry", "workqueue_execute_start", "irq_handler_entry", "softirq_entry",
     "sched_switch", "reschedule_entry", "call_function_entry"]
v = []
for x in k:
    m = [int(val) for ev, val in d.items() if ev.endswith(x) and val.isdigit()]
    v.append(m[0] if m else 0)
print("| perf stat + shell loop | " + " | ".join(map(str, v)) + " | %d |" % sum(v))
PY
done
echo
echo "On this kernel (no NO_HZ_FULL) both see the full tick rate; the comparison is about what"
echo "the measurement adds on top. A shell loop is a spinner of its own kind: switches differ"
echo "with what else the machine runs."
echo

# 3. static-check speed
echo "### 3. Static-check speed"
echo
echo "The host scan reads /proc/*/task/*/{stat,status}: its cost follows the thread count"
echo "(this run: $(ls -d /proc/[0-9]*/task/[0-9]* 2>/dev/null | wc -l) threads)."
echo
echo "| tree | runs | mean ms | goal |"
echo "|---|---|---|---|"
time_static() {	# time_static LABEL GOAL ARGS...
	local label=$1 goal=$2; shift 2
	local n=20 s e
	"$NC" --static-only "$@" > /dev/null 2>&1
	s=$(date +%s%N)
	for _ in $(seq $n); do "$NC" --static-only "$@" > /dev/null 2>&1; done
	e=$(date +%s%N)
	echo "| $label | $n | $(( (e - s) / n / 1000000 )) | $goal |"
}
time_static "this host (-c $CPU)" "< 50 ms" -c $CPU
for fx in cpus1024 isolated16; do
	d=$TOP/tests/fixtures/$fx
	[ -d "$d" ] || d=$B/fixtures/$fx
	[ -d "$d" ] && time_static "fixture $fx" "< 1 s" --root "$d"
done
echo
