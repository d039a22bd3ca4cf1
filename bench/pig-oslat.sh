#!/bin/bash
# bench/pig-oslat.sh - pig against oslat (rt-tests) on the same CPU for the
# same time, alternating, in one run: loop cost per iteration, and the max,
# p99 and p99.9 of the gaps longer than 1 us.  Once under SCHED_OTHER, once
# under SCHED_FIFO (which keeps the other tasks of a busy machine off the
# measured CPU, so both see mostly kernel and hypervisor noise).
#
# Same population on both sides: pig -T 1us records gaps > 1000 ns; oslat's
# histogram (-b 1024: 1 us buckets to 1 ms, the last one holding all above)
# puts a gap of L us in bucket ceil(L), so its gaps > 1 us are the buckets
# from 2 up, and a percentile read from it is a bucket's upper edge.
# Prints a markdown section on stdout (bench/run.sh puts it in
# doc/benchmarks.md).  Env: CPU (1), DUR seconds per run (10), ROUNDS (3),
# PRIOS ("0 10": 0 is SCHED_OTHER, N is SCHED_FIFO priority N).
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
B=${B:-$TOP/build}
PIG=$B/pig
CPU=${CPU:-1}
DUR=${DUR:-10}
ROUNDS=${ROUNDS:-3}
PRIOS=${PRIOS:-0 10}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

echo "## pig vs oslat"
echo
if ! command -v oslat > /dev/null; then
	echo "oslat is not installed (\`scripts/deps.sh bench\` installs rt-tests): not run."
	echo
	exit 0
fi
if [ ! -x "$PIG" ]; then
	echo "No $PIG: build first."
	exit 1
fi
oslat_ver=$(oslat -v 2>&1 | sed -n 's/.*V \([0-9.]*\).*/\1/p' | head -1)
clk=$(cat /sys/devices/system/clocksource/clocksource0/current_clocksource 2> /dev/null)
echo "Machine: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1),"
echo "$(nproc) vCPUs, kernel $(uname -r), clocksource $clk, $(date -u '+%F %H:%M UTC');"
echo "load average before the runs $(cut -d' ' -f1-3 /proc/loadavg),"
echo "sched_rt_runtime_us $(cat /proc/sys/kernel/sched_rt_runtime_us 2> /dev/null)."
echo "Command: \`bench/pig-oslat.sh\` (CPU=$CPU DUR=$DUR ROUNDS=$ROUNDS PRIOS=\"$PRIOS\"): oslat"
echo "(rt-tests $oslat_ver, its 1 s pre-heat not counted) and pig alternate on CPU $CPU,"
echo "$DUR s each."
echo

for prio in $PRIOS; do
	o_rt= p_rt= mode=SCHED_OTHER
	if [ "$prio" -gt 0 ]; then
		o_rt="-f $prio" p_rt="-p $prio" mode="SCHED_FIFO $prio"
	fi
	echo "### $mode"
	echo
	echo "    oslat -c $CPU -D $DUR -b 1024 -q ${o_rt:+$o_rt }--json=FILE"
	echo "    pig -c $CPU -s $DUR -T 1us ${p_rt:+$p_rt }-j"
	echo
	rm -f "$T"/*.json
	for r in $(seq "$ROUNDS"); do
		oslat -c "$CPU" -D "$DUR" -b 1024 -q $o_rt --json="$T/oslat.$r.json" \
			> /dev/null 2>&1
		"$PIG" -c "$CPU" -s "$DUR" -T 1us $p_rt -j > "$T/pig.$r.json" 2> /dev/null
	done
	python3 - "$T" "$ROUNDS" <<'EOF'
import json, math, sys

tmp, rounds = sys.argv[1], int(sys.argv[2])

def pct_hist(hist, pct):
    """nearest-rank percentile of oslat's gaps > 1 us: the upper edge (us)
    of the bucket holding that rank; None when it is the overflow bucket"""
    keys = sorted((int(k), v) for k, v in hist.items() if int(k) >= 2)
    n = sum(v for _, v in keys)
    if not n:
        return 0, 0
    rank = max(1, math.ceil(n * pct / 100 - 1e-9))
    seen = 0
    for k, v in keys:
        seen += v
        if seen >= rank:
            return (None if k == 1024 else k), n
    return None, n

def cell(v):
    return ">1024" if v is None else f"{v}"

def ratio(a, b):
    return "-" if a is None or not b else f"{a / b:.2f}"

rows = []
for r in range(1, rounds + 1):
    try:
        o = json.load(open(f"{tmp}/oslat.{r}.json"))["thread"]["0"]
        p = json.load(open(f"{tmp}/pig.{r}.json"))["spinners"][0]
    except (OSError, ValueError, KeyError) as e:
        print(f"Round {r}: no result ({type(e).__name__}).\n")
        continue
    hist = o["histogram"]
    o_loop = o["duration"] * 1e9 / sum(hist.values())
    o99, o_n = pct_hist(hist, 99)
    o999, _ = pct_hist(hist, 99.9)
    rows.append(dict(r=r, ol=o_loop, pl=p["ns_per_loop"], on=o_n, pn=p["gaps"],
                     o99=o99, p99=p["p99_ns"] / 1e3, o999=o999, p999=p["p999_ns"] / 1e3,
                     om=float(o["max"]), pm=p["max_ns"] / 1e3, med=p["loop_median_ns"],
                     pq=(p["elapsed_ns"] - p["gap_total_ns"]) / max(1, p["loops"] - p["gaps"])))

if rows:
    print("| round | ns/loop oslat | pig | ratio | gaps >1us oslat | pig | "
          "p99 us oslat | pig | ratio | p99.9 us oslat | pig | ratio | "
          "max us oslat | pig | ratio |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
for x in rows:
    print(f"| {x['r']} | {x['ol']:.1f} | {x['pl']:.1f} | {x['pl'] / x['ol']:.2f} "
          f"| {x['on']} | {x['pn']} "
          f"| {cell(x['o99'])} | {x['p99']:.1f} | {ratio(x['p99'], x['o99'])} "
          f"| {cell(x['o999'])} | {x['p999']:.1f} | {ratio(x['p999'], x['o999'])} "
          f"| {x['om']:.0f} | {x['pm']:.1f} | {ratio(x['pm'], x['om'])} |")
def median(v):
    v = sorted(v)
    return None if not v else (v[len(v) // 2] if len(v) % 2 else (v[len(v) // 2 - 1] + v[len(v) // 2]) / 2)

def goal(name, vals):
    m = median([v for v in vals if v is not None])
    if m is None:
        return f"{name}: no comparable value"
    return f"{name} {m:.2f} ({'within' if abs(m - 1) <= 0.10 else 'outside'} 10%)"

if rows:
    meds = sorted(x["med"] for x in rows)
    loop = median([x["pq"] for x in rows])
    print(f"\npig's loop iteration without the gaps over 1 us: {loop:.1f} ns "
          f"(median of the rounds; goal under 20 ns: {'met' if loop < 20 else 'not met'}); "
          f"median iteration measured before each run: "
          f"{meds[0]}{'' if meds[0] == meds[-1] else '-%d' % meds[-1]} ns.")
    print("Median of the per-round ratios pig/oslat: "
          + goal("p99", [x["p99"] / x["o99"] if x["o99"] else None for x in rows]) + ", "
          + goal("p99.9", [x["p999"] / x["o999"] if x["o999"] else None for x in rows]) + ", "
          + goal("max", [x["pm"] / x["om"] if x["om"] else None for x in rows]) + ".")
print()
EOF
done

# The noise attribution's gap log (pig --explain, as nohz-check's live test
# records): the loop must stay as fast with it.
echo "### Gap recording: pig alone and pig --explain (gap log and trace)"
echo
echo "    pig -c $CPU -s $DUR -T 1us -j        pig -c $CPU -s $DUR -T 1us --explain -j"
echo
rm -f "$T"/*.json
for r in $(seq "$ROUNDS"); do
	"$PIG" -c "$CPU" -s "$DUR" -T 1us -j > "$T/plain.$r.json" 2> /dev/null
	"$PIG" -c "$CPU" -s "$DUR" -T 1us --explain -j > "$T/explain.$r.json" 2> /dev/null
done
python3 - "$T" "$ROUNDS" <<'EOF'
import json, sys

tmp, rounds = sys.argv[1], int(sys.argv[2])
def loop(path):
    p = json.load(open(path))["spinners"][0]
    return (p["elapsed_ns"] - p["gap_total_ns"]) / max(1, p["loops"] - p["gaps"]), p["gaps"]
rows = []
for r in range(1, rounds + 1):
    try:
        rows.append((r, loop(f"{tmp}/plain.{r}.json"), loop(f"{tmp}/explain.{r}.json")))
    except (OSError, ValueError, KeyError) as e:
        print(f"Round {r}: no result ({type(e).__name__}).\n")
if rows:
    print("| round | ns/iteration pig | pig --explain | gaps pig | pig --explain |")
    print("|---|---|---|---|---|")
    for r, a, b in rows:
        print(f"| {r} | {a[0]:.1f} | {b[0]:.1f} | {a[1]} | {b[1]} |")
    worst = max(b[0] for _, _, b in rows)
    print(f"\nLoop iteration with gap recording (pig --explain), worst round: {worst:.1f} ns "
          f"(goal under 20 ns: {'met' if worst < 20 else 'not met'}); the recording is "
          "the loop's cold path, taken only after a gap.")
print()
EOF

cat <<'EOF'
ns/loop is wall time / loop iterations on both sides, interruptions included.
oslat reads `lfence; rdtsc` and files every iteration into its histogram;
pig reads a bare `rdtsc` and only compares.  p99 and p99.9 are of the gaps
over 1 us only; oslat's are whole microseconds rounded up (its bucket edges),
pig's a fine bucket's upper edge (at most 3.2% high).  The runs are
sequential, so gap counts, max and the tail percentiles reflect whatever
else the host did in each window: compare them across several rounds, not
one.

EOF
