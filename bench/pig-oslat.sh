#!/bin/bash
# bench/pig-oslat.sh - pig against oslat (rt-tests) on the same CPU for the
# same time, alternating, in one run: loop cost per iteration, and the max,
# p99 and p99.9 of the gaps longer than 1 us.
#
# Same population on both sides: pig -T 1us records gaps > 1000 ns; oslat's
# histogram (-b 1024: 1 us buckets to 1 ms, the last one holding all above)
# puts a gap of L us in bucket ceil(L), so its gaps > 1 us are the buckets
# from 2 up, and a percentile read from it is a bucket's upper edge.
# Prints a markdown section on stdout (bench/run.sh puts it in
# doc/benchmarks.md).  Env: CPU (1), DUR seconds per run (10), ROUNDS (2).
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
B=${B:-$TOP/build}
PIG=$B/pig
CPU=${CPU:-1}
DUR=${DUR:-10}
ROUNDS=${ROUNDS:-2}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

echo "## pig vs oslat"
echo
if ! command -v oslat > /dev/null; then
	echo "oslat is not installed (\`scripts/deps.sh bench\` installs rt-tests): not run."
	exit 0
fi
if [ ! -x "$PIG" ]; then
	echo "No $PIG: build first."
	exit 1
fi
oslat_ver=$(oslat -v 2>&1 | sed -n 's/.*V \([0-9.]*\).*/\1/p' | head -1)
clk=$(cat /sys/devices/system/clocksource/clocksource0/current_clocksource 2> /dev/null)
echo "Machine: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1),"
echo "$(nproc) vCPUs, kernel $(uname -r), clocksource $clk, $(date -u '+%F %H:%M UTC'),"
echo "load average before the runs $(cut -d' ' -f1-3 /proc/loadavg)."
echo "Commands, alternating $ROUNDS times on CPU $CPU, $DUR s each:"
echo
echo "    oslat -c $CPU -D $DUR -b 1024 -q --json=FILE      (rt-tests $oslat_ver; 1 s pre-heat not counted)"
echo "    pig -c $CPU -s $DUR -T 1us -j"
echo

for r in $(seq "$ROUNDS"); do
	oslat -c "$CPU" -D "$DUR" -b 1024 -q --json="$T/oslat.$r.json" > /dev/null 2>&1
	"$PIG" -c "$CPU" -s "$DUR" -T 1us -j > "$T/pig.$r.json" 2> /dev/null
done

python3 - "$T" "$ROUNDS" <<'EOF'
import json, math, sys

tmp, rounds = sys.argv[1], int(sys.argv[2])

def pct_hist(hist, pct):
    """nearest-rank percentile of the gaps > 1 us from oslat's buckets:
    the upper edge (us) of the bucket holding the rank, None if in overflow"""
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

def fmt(v, nd=1):
    return "-" if v is None else f"{v:.{nd}f}"

def ratio(a, b):
    return "-" if a is None or b in (None, 0) else f"{a / b:.2f}"

rows = []
for r in range(1, rounds + 1):
    try:
        o = json.load(open(f"{tmp}/oslat.{r}.json"))["thread"]["0"]
        p = json.load(open(f"{tmp}/pig.{r}.json"))["spinners"][0]
    except (OSError, ValueError, KeyError) as e:
        print(f"round {r}: no result ({e})\n")
        continue
    hist = o["histogram"]
    iters = sum(hist.values())
    o_loop = o["duration"] * 1e9 / iters
    o99, o_n = pct_hist(hist, 99)
    o999, _ = pct_hist(hist, 99.9)
    o_max = float(o["max"])                     # us, rounded up by oslat
    p_loop = p["ns_per_loop"]
    p99, p999 = p["p99_ns"] / 1e3, p["p999_ns"] / 1e3
    p_max = p["max_ns"] / 1e3
    rows.append((r, o_loop, p_loop, o_n, p["gaps"], o99, p99, o999, p999, o_max, p_max,
                 p["loop_median_ns"]))

print("| round | ns/loop oslat | ns/loop pig | ratio | gaps >1us oslat | pig | "
      "p99 us oslat | pig | ratio | p99.9 us oslat | pig | ratio | max us oslat | pig | ratio |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
for (r, ol, pl, on, pn, o99, p99, o999, p999, om, pm, med) in rows:
    print(f"| {r} | {ol:.1f} | {pl:.1f} | {pl / ol:.2f} | {on} | {pn} | "
          f"{fmt(o99, 0) if o99 is not None else '>1024'} | {p99:.1f} | {ratio(p99, o99)} | "
          f"{fmt(o999, 0) if o999 is not None else '>1024'} | {p999:.1f} | {ratio(p999, o999)} | "
          f"{om:.0f} | {pm:.1f} | {ratio(pm, om)} |")
print()
if rows:
    meds = sorted(x[11] for x in rows)
    print(f"pig's median loop iteration (measured before each run): {meds[0]}-{meds[-1]} ns.")
    print("ns/loop is wall time / iterations on both sides (interruptions included).")
    print("oslat's values are whole microseconds rounded up (its bucket edges); pig's")
    print("percentiles are a fine bucket's upper edge (at most 3.2% high).  p99 and p99.9")
    print("are of the gaps over 1 us only.  Runs are sequential, so max and the tail")
    print("percentiles reflect whatever else the host did in each window.")
print()
EOF
