#!/bin/bash
# tests/live/noise.sh - the noise figures (lib/noise.c) on the running kernel.
#
# Known noise on target CPU 1, judged by witnesses of its own:
#  a. tests/helpers/noise_inject (a task waking every 100 ms to run 2 ms on
#     CPU 1, 6 s, around nohz-check's 4 s window) while nohz-check runs: its
#     runs must come back as gaps of >= 2 ms charged to the thread
#     noise-inject/PID, and the time charged to it must match the CPU time
#     its own log says it used inside the window;
#  b. tests/helpers/nohz_ipi (membarrier IPIs onto the spinner, counted):
#     at least 80% of the calls made while the spinner ran must show as
#     gaps caused by the IPI (its function, ipi_mb);
#  c. the JSON noise keys of a plain run, and their arithmetic;
#  d. --max-gap and --min-available verdicts;
#  e. --svg;
#  f. pig --explain.
# The window's CLOCK_MONOTONIC edges come from a watcher polling the
# tracefs instance of the run (tracing_on): the JSON gives offsets only.
# Root only, CPU 1 the target, CPU 0 where everything else runs.
. "$(dirname "$0")/../lib.sh"

NC=$B/nohz-check
PIG=$B/pig
INJ=$B/tests/helpers/noise_inject
IPI=$B/tests/helpers/nohz_ipi
CPU=1
HK=0
TI=/sys/kernel/tracing

if ! is_root; then
	skip "noise" "needs root (tracefs, perf_event_open)"
	exit 0
fi
if [ "$(nproc)" -lt 2 ]; then
	skip "noise" "needs two CPUs (one to measure, one to measure from)"
	exit 0
fi
for x in "$NC" "$PIG" "$INJ"; do
	[ -x "$x" ] || { fail "noise: $x is built" "missing: make all tests-bins"; exit 0; }
done
grep -qw tracefs /proc/mounts || mount -t tracefs nodev $TI 2>/dev/null

PIDS=()
cleanup() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$T_TMP"
}
trap cleanup EXIT

# as explain.sh: instances of other processes (other tests) are not ours
OURS=" "
snap() {
	tracefs_snapshot "$1.raw"
	awk -v ours="$OURS" '/^nohz-/ { split($0, a, "-"); if (!index(ours, " " a[3] " ")) next }
		{ print }' "$1.raw" > "$1"
}
snap "$T_TMP/before"

# watch PID OUT - in the background on CPU 0: "on NS" and "off NS", the
# CLOCK_MONOTONIC times the tracefs instance of PID started and stopped
# recording (polled every 0.2 ms), written when PID ends
watch_window() {
	taskset -c $HK python3 - "$1" > "$2" <<'EOF' &
import glob, os, sys, time
pid = sys.argv[1]
pat = "/sys/kernel/tracing/instances/nohz-trace-%s-*/tracing_on" % pid
on = off = None
path = None
while os.path.exists("/proc/" + pid):
    if path is None:
        g = glob.glob(pat)
        path = g[0] if g else None
    v = None
    if path:
        try:
            v = open(path).read().strip()
        except OSError:
            v = "gone"
    now = time.monotonic_ns()
    if v == "1" and on is None:
        on = now
    elif on is not None and off is None and v != "1":
        off = now
        break
    time.sleep(0.0002)
if on is not None:
    print("on", on)
if off is not None:
    print("off", off)
EOF
	WATCH=$!
}

# bg CMD... - run CMD in the background as one of ours (its pid in OURS, LAST)
bg() {
	"$@" &
	LAST=$!
	OURS="$OURS$LAST "
	PIDS+=($LAST)
}

# the checks shared by the python parts
cat > "$T_TMP/noiselib.py" <<'EOF'
import json, math, re

KINDS = ("irq", "softirq", "timer", "work", "thread", "ipi", "nmi", "hw")

def res(name, ok, why=""):
    print(("PASS: " if ok else "FAIL: ") + "noise: " + name + ("" if ok else ": " + str(why)))
    return ok

def skip(name, why):
    print("SKIP: noise: %s: %s" % (name, why))

def info(s):
    print("INFO: noise: " + s)

def load(path, name):
    try:
        d = json.load(open(path))
    except Exception as e:
        res(name + ": JSON parses", False, e)
        return None
    res(name + ": JSON parses", True)
    return d

def isint(v):
    return isinstance(v, int) and not isinstance(v, bool)

def isnum(v):
    return (isint(v) or isinstance(v, float)) and math.isfinite(v)

def live_cpu(d, cpu):
    for c in (d.get("live") or {}).get("cpus", []):
        if c.get("cpu") == cpu:
            return c
    return None

def type_problems(c):
    """what is wrong with the noise keys of one cpu element, [] when right"""
    bad = []
    for k in ("noise_ns", "max_gap_ns", "gaps"):
        if not isint(c.get(k)) or c[k] < 0:
            bad.append("%s=%r not a count" % (k, c.get(k)))
    p = c.get("available_pct")
    if not isnum(p) or not 0 <= p <= 100:
        bad.append("available_pct=%r" % (p,))
    h = c.get("gap_hist")
    if not isinstance(h, dict):
        bad.append("gap_hist not an object")
    else:
        for k, v in h.items():
            if not re.fullmatch(r"\d+", k) or not isint(v) or v < 0:
                bad.append("gap_hist %r: %r" % (k, v))
            elif int(k) and int(k) & (int(k) - 1):
                bad.append("gap_hist key %s not a log2 bucket edge" % k)
    w = c.get("worst")
    if not isinstance(w, list):
        bad.append("worst not an array")
    else:
        for g in w:
            if not isinstance(g, dict) or not isint(g.get("start_ns")) or \
               not isint(g.get("duration_ns")) or not isinstance(g.get("causes"), list):
                bad.append("worst element %r" % (g,))
                continue
            for x in g["causes"]:
                if not isinstance(x, dict) or x.get("kind") not in KINDS or \
                   not isinstance(x.get("source"), str) or not isint(x.get("duration_ns")):
                    bad.append("cause %r" % (x,))
    s = c.get("sources")
    if not isinstance(s, list):
        bad.append("sources not an array")
    else:
        for x in s:
            if not isinstance(x, dict) or x.get("kind") not in KINDS or \
               not isinstance(x.get("source"), str) or not isint(x.get("count")) or \
               not isint(x.get("stolen_ns")):
                bad.append("source %r" % (x,))
    k = c.get("stolen_by_kind")
    if not isinstance(k, dict):
        bad.append("stolen_by_kind not an object")
    else:
        for n, v in k.items():
            if n not in KINDS or not isint(v) or v < 0:
                bad.append("stolen_by_kind %r: %r" % (n, v))
    return bad[:5]

def main_cause(g):
    """the cause with the largest share: the first (largest share first)"""
    return g["causes"][0] if g.get("causes") else None

def show_gap(g):
    return "%.3f ms at +%.3f s: %s" % (g["duration_ns"] / 1e6, g["start_ns"] / 1e9,
        ", ".join("%s %s %.1fus" % (x["kind"], x["source"], x["duration_ns"] / 1e3)
                  for x in g.get("causes", [])[:3]))

def findings(d, verdict=None):
    return [f for f in d.get("findings", []) if verdict is None or f["verdict"] == verdict]

def about(f, word):
    return word in (f["id"] + " " + f["title"]).lower()
EOF
export PYTHONPATH=$T_TMP CPU

# --- a. a periodic task on CPU 1: 2 ms every 100 ms ------------------------
# SCHED_OTHER, at nice -20 and with a slice longer than its run: at the
# defaults the scheduler hands the CPU back to the spinner at a tick in the
# middle of a run about half the time, and the run shows as two gaps of
# 1.4 and 0.6 ms.  --max-gap 0.2ms puts every gap of it in worst.  Other
# load on a shared machine splits the runs too, or adds gaps of its own: a
# disagreement is retried (3 attempts); a wrong attribution fails them all.
cat > "$T_TMP/a.py" <<'EOF'
import os, sys
from noiselib import *
cpu = int(os.environ["CPU"])
d = load(sys.argv[1], "a. injector run")
if d is None:
    sys.exit(0)
c = live_cpu(d, cpu)
if not res("a. live.cpus has cpu %d with the noise keys" % cpu, c and "noise_ns" in c,
           "live: %s" % str(d.get("live"))[:300]):
    sys.exit(0)
secs = d["live"]["seconds"]
runs, total = [], None
for l in open(sys.argv[2]):
    f = l.split()
    if f[0] == "total_run_ns":
        total = (int(f[1]), int(f[3]))
    elif len(f) >= 2:
        s, e = int(f[0]), int(f[1])
        runs.append((s, e, int(f[2]) if len(f) > 2 else e - s))
res("a. injector log: %d runs, total line" % len(runs), total and total[1] == len(runs) and
    total[0] == sum(e - s for s, e, _ in runs), "total %s" % (total,))
win = dict(l.split() for l in open(sys.argv[3]))
pid = sys.argv[4]
w0 = int(win["on"]) if "on" in win else None
w1 = int(win["off"]) if "off" in win else None
# worst holds every gap over --max-gap (0.2 ms): all the injector's
mine = lambda x: x and x["kind"] == "thread" and "noise-inject" in x["source"]
has = lambda g: any(mine(x) for x in g["causes"])
inj_ns = lambda g: sum(x["duration_ns"] for x in g["causes"] if mine(x))
big = [g for g in c["worst"] if g["duration_ns"] >= 1900000]
injg = [g for g in c["worst"] if has(g)]
if w0 and w1:
    res("a. window watched: %.3f s of tracing vs live.seconds %.3f" % ((w1 - w0) / 1e9, secs),
        abs((w1 - w0) / 1e9 - secs) < 0.1, "")
    inside = [(s, e, u) for s, e, u in runs if e > w0 and s < w1]
    # CPU time of the runs inside, runs across an edge by their part inside
    want = sum(u * (min(e, w1) - max(s, w0)) / max(e - s, 1) for s, e, u in inside)
    whole = [r for r in inside if r[0] >= w0 + 5e6 and r[1] <= w1 - 5e6]
    nruns = len(inside)
    # a gap's time on CLOCK_MONOTONIC is w0 + start_ns, w0 as the watcher
    # saw it, a little late (it polls); the gaps that hold the injector give
    # the offset: their start against their run's
    def nearest(t):
        return min(inside, key=lambda r: abs(r[0] - t))[0]
    ds = sorted(nearest(w0 + g["start_ns"]) - (w0 + g["start_ns"]) for g in injg if inside)
    off = ds[len(ds) // 2] if ds else 0
    info("a. window start: the watcher's %+.3f ms (from %d gaps of the injector)"
         % (off / 1e6, len(ds)))
    slack = 0.5e6
    def during(g, r):
        a = w0 + off + g["start_ns"]
        return a < r[1] + slack and a + g["duration_ns"] > r[0] - slack
    # each run: the gaps during it charge the injector with its CPU time
    seen = [r for r in whole if sum(inj_ns(g) for g in injg if during(g, r)) >= 0.8 * r[2]]
    res("a. runs inside the window charged to noise-inject in the gaps during them: %d of %d"
        % (len(seen), len(whole)), whole and len(seen) >= 0.9 * len(whole), "")
    def overlap(g, r):
        a = w0 + off + g["start_ns"]
        return min(a + g["duration_ns"], r[1]) - max(a, r[0])
    # gaps that took 1 ms or more of a run (one that merely touches a run
    # may be another task's, just before the injector got the CPU)
    matched = [g for g in big if any(overlap(g, r) >= 1e6 for r in inside)]
    other = [g for g in big if not any(during(g, r) for r in inside)]
    noinj = [g for g in matched if not has(g)]
    res("a. every gap >= 1.9 ms during an injector run has thread noise-inject among its "
        "causes (%d of %d)" % (len(matched) - len(noinj), len(matched)),
        matched and not noinj, "; ".join(show_gap(g) for g in noinj[:3]) or "no gap matched")
    if other:
        info("a. %d gaps >= 1.9 ms outside the injector's runs: %s" %
             (len(other), "; ".join(show_gap(g) for g in other[:3])))
else:
    skip("a. matching gaps to runs", "the watcher did not see the window (%s)" % win)
    # totals per second instead: the injector ran the whole window
    t = (runs[-1][1] - runs[0][0]) / 1e9 if len(runs) > 1 else 1
    nruns = len(runs) / t * secs
    want = sum(u for _, _, u in runs) / t * secs
# where the injector ran most of a gap, it is the gap's main cause (the
# largest share comes first)
most = [g for g in injg if inj_ns(g) >= 0.6 * g["duration_ns"]]
wrong = [g for g in most if not mine(main_cause(g))]
res("a. gaps the injector ran most of: main cause thread noise-inject (%d of %d)"
    % (len(most) - len(wrong), len(most)), most and not wrong,
    "; ".join(show_gap(g) for g in wrong[:3]) or "none")
# a run of 2 ms is one gap of >= 2 ms, unless the scheduler split it
nbig, ninj = len(big), len([g for g in big if has(g)])
split = len([g for g in injg if g["duration_ns"] < 1900000])
res("a. gaps >= 1.9 ms with noise-inject inside: %d for %.1f injector runs in %.2f s "
    "(0.7x-1.3x; %d shorter gaps of it)" % (ninj, nruns, secs, split),
    nruns and 0.7 * nruns <= ninj <= 1.3 * nruns, "")
if nruns and 0.7 * nruns <= nbig <= 1.3 * nruns:
    res("a. gaps >= 1.9 ms: %d for %.1f injector runs (0.7x-1.3x)" % (nbig, nruns), True)
elif nbig > ninj and 0.7 * nruns <= ninj <= 1.3 * nruns:
    skip("a. gaps >= 1.9 ms: %d for %.1f injector runs (0.7x-1.3x)" % (nbig, nruns),
         "the machine is busy: %d gaps >= 1.9 ms without the injector, e.g. %s"
         % (nbig - ninj, show_gap([g for g in big if not has(g)][0])))
else:
    res("a. gaps >= 1.9 ms: %d for %.1f injector runs (0.7x-1.3x)" % (nbig, nruns), False)
src = [s for s in c["sources"] if s["kind"] == "thread" and "noise-inject" in s["source"]]
got = sum(s["stolen_ns"] for s in src)
res("a. thread noise-inject stole %.2f ms; its log: %.2f ms of CPU inside the window (20%%)"
    % (got / 1e6, want / 1e6), want and abs(got - want) <= 0.2 * want,
    "sources: %s" % [(s["kind"], s["source"], s["stolen_ns"]) for s in c["sources"][:5]])
res("a. named comm/pid: noise-inject/%s" % pid, any(s["source"].endswith("noise-inject/" + pid)
    or ("noise-inject/" + pid + " ") in s["source"] for s in src), [s["source"] for s in src])
over = sum(v for k, v in c["gap_hist"].items() if int(k) >= 2 ** 18)
res("a. --max-gap 0.2ms: every gap over it is in worst (%d >= %d of 262 us and more)"
    % (len([g for g in c["worst"] if g["duration_ns"] > 200000]), over),
    len([g for g in c["worst"] if g["duration_ns"] > 200000]) >= over, "")
res("a. max_gap_ns is the longest worst gap (%d)" % c["max_gap_ns"],
    c["worst"] and c["worst"][0]["duration_ns"] == c["max_gap_ns"], "")
EOF
attempt_a() {
	bg "$INJ" -c $CPU -p 100 -r 2 -d 6 -n -20 -o "$T_TMP/inj.log" > "$T_TMP/inj.out" 2>&1
	INJP=$LAST
	for i in $(seq 100); do grep -q '^ready' "$T_TMP/inj.out" && break; sleep 0.02; done
	sleep 0.3	# its first runs, before the window
	bg "$NC" -c $CPU -d 4 --json --max-gap 0.2ms > "$T_TMP/a.json" 2> "$T_TMP/a.err"
	NCP=$LAST
	watch_window $NCP "$T_TMP/a.win"
	wait $NCP; RC=$?
	wait $WATCH
	wait $INJP
	{
		expect_rc "noise: a. nohz-check -c $CPU -d 4 --json --max-gap 0.2ms with the injector: exit 1" 1
		python3 "$T_TMP/a.py" "$T_TMP/a.json" "$T_TMP/inj.log" "$T_TMP/a.win" "$INJP"
	} > "$T_TMP/a.res"
	[ "$RC" = 1 ] || sed 's/^/    /' "$T_TMP/a.err" | head -5 >&2
}
for try in 1 2 3; do
	attempt_a
	grep -q '^FAIL: ' "$T_TMP/a.res" || break
	echo "noise: a. attempt $try: $(grep '^FAIL: ' "$T_TMP/a.res" | tr '\n' ' ')" >&2
done
cat "$T_TMP/a.res"

# --- b. IPIs of a known count onto the spinner ------------------------------
if [ -x "$IPI" ]; then
	bg "$IPI" -c $CPU -H $HK -d 4 -p 20 > "$T_TMP/b.json" 2> "$T_TMP/b.err"
	wait $LAST; RC=$?
	expect_rc "noise: b. nohz_ipi -c $CPU -d 4 exits 0" 0
	[ "$RC" = 0 ] || sed 's/^/    /' "$T_TMP/b.err" | head -5 >&2
	[ "$RC" = 0 ] && python3 - "$T_TMP/b.json" <<'EOF'
import sys
from noiselib import *
d = load(sys.argv[1], "b. nohz_ipi")
if d is None:
    sys.exit(0)
bad = type_problems(d)
res("b. nohz_noise_print_json_cpu keys", not bad, bad)
calls, secs = d["calls"], d["seconds"]
res("b. membarrier calls inside the window: %d of %d in %.2f s (every 20 ms)"
    % (calls, d["calls_total"], secs), calls >= 0.5 * secs / 0.02, "the sender did not run")
ipi = [s for s in d.get("sources", []) if s["kind"] == "ipi"]
# membarrier's IPI runs ipi_mb (csd:csd_function_entry); a kernel without
# the csd events shows the IPI only (call_function_single)
mb = [s for s in ipi if "ipi_mb" in s["source"]] or \
     [s for s in ipi if "call_function" in s["source"]]
n = sum(s["count"] for s in mb)
# the kernel IPIs only the CPUs where a thread of ours is current: a spinner
# that other tasks keep off its CPU gets fewer
thr = d["stolen_by_kind"].get("thread", 0)
running = max(0.0, 1 - thr / (secs * 1e9))
want = calls * min(1.0, running)
info("b. ipi sources: %s; gaps whose main cause is an IPI: %d; gaps %d; spinner on CPU %.1f%%"
     % ([(s["source"], s["count"], s["stolen_ns"]) for s in ipi], d["ipi_marks"], d["gaps"],
        100 * running))
res("b. gaps caused by membarrier's IPI (%s): %d for %d calls inside the window%s (>= 80%%)"
    % (mb[0]["source"] if mb else "none", n, calls,
       "" if running > 0.99 else ", %.0f while the spinner ran" % want),
    calls and n >= 0.8 * want, "gap_hist %s" % d.get("gap_hist"))
EOF
else
	skip "noise: b. IPIs" "$IPI is not built (struct nohz_live has no noise member yet?)"
fi

# --- c. a plain run: the keys and their arithmetic --------------------------
bg "$NC" -c $CPU -d 2 --json > "$T_TMP/c.json" 2> "$T_TMP/c.err"
wait $LAST; RC=$?
expect_rc "noise: c. nohz-check -c $CPU -d 2 --json: exit 1" 1
python3 - "$T_TMP/c.json" <<'EOF'
import os, sys
from noiselib import *
cpu = int(os.environ["CPU"])
d = load(sys.argv[1], "c. plain run")
if d is None:
    sys.exit(0)
c = live_cpu(d, cpu)
if not res("c. live.cpus has cpu %d with the noise keys" % cpu, c and "noise_ns" in c, ""):
    sys.exit(0)
bad = type_problems(c)
if not res("c. noise keys and their types", not bad, "; ".join(bad)):
    sys.exit(0)
live = d["live"]
res("c. live.noise_threshold_ns = 1000 (the default 1us)", live.get("noise_threshold_ns") == 1000,
    live.get("noise_threshold_ns"))
res("c. no live.max_gap_ns without --max-gap", live.get("max_gap_ns") is None,
    live.get("max_gap_ns"))
noise, gaps = c["noise_ns"], c["gaps"]
kinds = sum(c["stolen_by_kind"].values())
un = c.get("unattributed", 0) or 0
if un:
    res("c. stolen_by_kind %d <= noise_ns %d (%d gaps unattributed)" % (kinds, noise, un),
        kinds <= noise, "")
else:
    res("c. stolen_by_kind sums to noise_ns (%d vs %d)" % (kinds, noise),
        abs(kinds - noise) <= max(gaps, 1), "")
srcs = sum(s["stolen_ns"] for s in c["sources"])
res("c. sources' stolen_ns sum to stolen_by_kind (%d vs %d)" % (srcs, kinds),
    abs(srcs - kinds) <= max(gaps, 1), "")
per = {}
for s in c["sources"]:
    per[s["kind"]] = per.get(s["kind"], 0) + s["stolen_ns"]
off = [k for k in KINDS if abs(per.get(k, 0) - c["stolen_by_kind"].get(k, 0)) > max(gaps, 1)]
res("c. per kind, sources add up to stolen_by_kind", not off,
    "; ".join("%s %d vs %d" % (k, per.get(k, 0), c["stolen_by_kind"].get(k, 0)) for k in off))
win = c.get("window_ns") or live["seconds"] * 1e9
want = 100 * (1 - noise / win)
res("c. available_pct %.4f = 100 x (1 - %d / %.0f) = %.4f (0.01)"
    % (c["available_pct"], noise, win, want), abs(c["available_pct"] - want) <= 0.01, "")
# one clock on both sides: the window's trace records of the spinner's CPU
# fall inside its gaps (outside: only interruptions under the threshold)
ins, outs = c.get("events_in_gaps", 0), c.get("events_outside", 0)
res("c. one clock: %d of %d records of the window inside a gap (95%%)"
    % (ins, ins + outs), ins + outs > 0 and ins >= 0.95 * (ins + outs), "%d outside" % outs)
w = c["worst"]
res("c. worst longest first", all(a["duration_ns"] >= b["duration_ns"] for a, b in zip(w, w[1:])),
    [g["duration_ns"] for g in w])
res("c. worst: the %d largest of %d gaps (at most 10)" % (len(w), gaps),
    len(w) == min(10, gaps), "")
res("c. worst[0] is max_gap_ns (%d)" % c["max_gap_ns"],
    (w and w[0]["duration_ns"] == c["max_gap_ns"]) or (not w and c["max_gap_ns"] == 0), "")
res("c. worst gaps lie inside the window",
    all(g["start_ns"] + g["duration_ns"] <= win + 1e6 for g in w), "")
res("c. every worst gap attributed (a trace ran)", all(g["causes"] for g in w),
    [show_gap(g) for g in w if not g["causes"]][:3])
# a cause runs inside its gap: its entry to exit is no longer than the gap,
# and does not overlap the time no kernel event explains (hw)
long = [g for g in w if any(x["duration_ns"] > g["duration_ns"] for x in g["causes"])]
res("c. no cause lasts longer than its gap", not long, "; ".join(show_gap(g) for g in long[:3]))
def hw(g):
    return sum(x["duration_ns"] for x in g["causes"] if x["kind"] == "hw")
over = [g for g in w if any(x["kind"] != "hw" and x["duration_ns"] + hw(g) > g["duration_ns"]
                            for x in g["causes"])]
res("c. no cause's duration overlaps the gap's hw time", not over,
    "; ".join(show_gap(g) for g in over[:3]))
res("c. cause kinds in %s" % "/".join(KINDS),
    all(x["kind"] in KINDS for g in w for x in g["causes"]), "")
res("c. sources most stolen first", all(a["stolen_ns"] >= b["stolen_ns"]
    for a, b in zip(c["sources"], c["sources"][1:])), "")
res("c. gap_hist counts sum to gaps (%d)" % gaps, sum(c["gap_hist"].values()) == gaps,
    sum(c["gap_hist"].values()))
miss = [g["duration_ns"] for g in w
        if str(1 << (g["duration_ns"].bit_length() - 1)) not in c["gap_hist"]]
res("c. each worst gap has its log2 bucket in gap_hist", not miss, miss)
res("c. noise_ns >= the worst gaps' sum", noise >= sum(g["duration_ns"] for g in w), "")
info("c. cpu %d: noise %.3f ms in %.2f s, available %.4f%%, %d gaps, max %.1f us; by kind %s"
     % (cpu, noise / 1e6, live["seconds"], c["available_pct"], gaps, c["max_gap_ns"] / 1e3,
        c["stolen_by_kind"]))
for g in w[:3]:
    info("c. worst: " + show_gap(g))
EOF
bg "$NC" -c $CPU -d 1 > "$T_TMP/c.txt" 2> "$T_TMP/c.err"
wait $LAST
expect_grep "noise: c. the text report prints the noise figures" '[Nn]oise|[Aa]vailable' "$T_TMP/c.txt"

# --- d. --max-gap and --min-available --------------------------------------
for a in "max-gap 2us" "max-gap 10s" "min-available 100" "min-available 1"; do
	f=$T_TMP/d-${a// /_}.json
	bg "$NC" -c $CPU -d 1 --json --$a > "$f" 2> "$f.err"
	wait $LAST; echo "$?" > "$f.rc"
done
python3 - "$T_TMP" "$T_TMP/c.json" <<'EOF'
import os, sys
from noiselib import *
cpu = int(os.environ["CPU"])
t = sys.argv[1]
def get(a):
    f = "%s/d-%s.json" % (t, a.replace(" ", "_"))
    rc = open(f + ".rc").read().strip()
    d = load(f, "d. --" + a)
    return d, rc
base = load(sys.argv[2], "d. baseline (c)") or {}
base_fail = {f["id"] for f in findings(base, "FAIL")}

d, rc = get("max-gap 2us")
if d:
    c = live_cpu(d, cpu)
    res("d. --max-gap 2us: exit 1, verdict FAIL", rc == "1" and d["verdict"] == "FAIL",
        "exit %s verdict %s" % (rc, d["verdict"]))
    res("d. --max-gap 2us: live.max_gap_ns 2000", d["live"].get("max_gap_ns") == 2000,
        d["live"].get("max_gap_ns"))
    fs = [f for f in findings(d, "FAIL") if about(f, "gap")] or \
         [f for f in findings(d, "FAIL") if f["id"] not in base_fail]
    res("d. --max-gap 2us: a FAIL finding about the gap", fs,
        [f["id"] for f in findings(d, "FAIL")])
    if fs and c and c.get("worst"):
        g = c["worst"][0]
        words = [x["source"] for x in g["causes"]] + [x["source"][:24] for x in g["causes"]]
        ev = " ".join(f["evidence"] + " " + f.get("remedy", "") for f in fs)
        named = [w for w in words if w and w in ev]
        if not named and g["causes"] and g["causes"][0]["kind"] == "hw":
            named = [w for w in ("hardware", "hypervisor") if w in ev]
        res("d. --max-gap 2us: the finding names the longest gap's cause (%s)"
            % show_gap(g), named, "evidence: " + ev[:300])
    if c:
        over = [g for g in c["worst"] if g["duration_ns"] > 2000]
        more = sum(v for k, v in c["gap_hist"].items() if int(k) >= 2048)
        res("d. --max-gap 2us: every gap over 2us is in worst (%d, at least the %d of "
            "2048 ns and more)" % (len(over), more), len(over) >= more, "")

d, rc = get("max-gap 10s")
if d:
    res("d. --max-gap 10s: live.max_gap_ns 10000000000",
        d["live"].get("max_gap_ns") == 10000000000, d["live"].get("max_gap_ns"))
    fs = [f for f in findings(d, "FAIL") if about(f, "gap")]
    res("d. --max-gap 10s: no FAIL about gaps", not fs,
        [(f["id"], f["evidence"][:100]) for f in fs])
    fs = [f for f in findings(d) if about(f, "gap")]
    res("d. --max-gap 10s: the max-gap finding passes", fs and
        all(f["verdict"] in ("PASS", "WARN") for f in fs), [(f["id"], f["verdict"]) for f in fs])

d, rc = get("min-available 100")
if d:
    c = live_cpu(d, cpu)
    fs = [f for f in findings(d) if about(f, "avail")]
    res("d. --min-available 100: FAIL (available %s%%)" % (c or {}).get("available_pct"),
        rc == "1" and fs and any(f["verdict"] == "FAIL" for f in fs),
        "exit %s; %s" % (rc, [(f["id"], f["verdict"]) for f in fs]))
d, rc = get("min-available 1")
if d:
    fs = [f for f in findings(d) if about(f, "avail")]
    res("d. --min-available 1: that finding passes", fs and
        all(f["verdict"] in ("PASS", "WARN") for f in fs), [(f["id"], f["verdict"]) for f in fs])
EOF

# --- e. --svg ---------------------------------------------------------------
bg "$NC" -c $CPU -d 1 -q --svg "$T_TMP/n.svg" > "$T_TMP/e.out" 2> "$T_TMP/e.err"
wait $LAST; RC=$?
if [ "$RC" -le 1 ] && [ -s "$T_TMP/n.svg" ]; then ok "noise: e. --svg writes the file"
else fail "noise: e. --svg writes the file" "exit $RC, $(head -c 200 "$T_TMP/e.err")"; fi
python3 - "$T_TMP/n.svg" <<'EOF'
import re, sys
import xml.etree.ElementTree as ET
from noiselib import *
try:
    root = ET.parse(sys.argv[1]).getroot()
except Exception as e:
    res("e. the SVG is well-formed XML", False, e)
    sys.exit(0)
res("e. the SVG is well-formed XML", True)
res("e. its root is <svg>", root.tag.split("}")[-1] == "svg", root.tag)
text = " ".join("".join(e.itertext()) for e in root.iter() if e.tag.split("}")[-1] == "text")
cpus = sorted(set(re.findall(r"\bCPU\s*(\d+)", text, re.I)))
res("e. one lane per target CPU: labels for CPU 1 only", cpus == ["1"], cpus)
EOF
# the picture itself, rendered: tests/helpers/svgcheck.py (rsvg-convert)
if [ ! -f "$TOP/tests/helpers/svgcheck.py" ]; then
	skip "noise: e. svgcheck" "no tests/helpers/svgcheck.py"
elif ! command -v rsvg-convert > /dev/null; then
	skip "noise: e. svgcheck" "no rsvg-convert (librsvg2-bin; scripts/deps.sh test)"
else
	check "noise: e. the SVG renders one lane with its gaps (svgcheck.py --expect-lanes 1)" \
		python3 "$TOP/tests/helpers/svgcheck.py" --expect-lanes 1 "$T_TMP/n.svg"
fi

# --- f. pig --explain --------------------------------------------------------
bg "$PIG" -s 2 -c $CPU --explain > "$T_TMP/f.txt" 2> "$T_TMP/f.err"
wait $LAST; RC=$?
expect_rc "noise: f. pig -s 2 -c $CPU --explain: exit 0" 0
expect_grep "noise: f. pig --explain prints attributed gaps (kind, source, time)" \
	'(^|[^a-z])(irq|softirq|timer|work|thread|ipi|nmi|hw) [^ ].* [0-9.]+ ?(ns|us|ms|s)([^a-z]|$)' \
	"$T_TMP/f.txt"
bg "$PIG" -s 2 -c $CPU --json --explain > "$T_TMP/f.json" 2> "$T_TMP/f.err"
wait $LAST; RC=$?
expect_rc "noise: f. pig --json --explain: exit 0" 0
python3 - "$T_TMP/f.json" <<'EOF'
import os, sys
from noiselib import *
cpu = int(os.environ["CPU"])
d = load(sys.argv[1], "f. pig --json --explain")
if d is None:
    sys.exit(0)
# the noise keys of cpu 1 wherever pig puts them: a spinner object, or an
# element of a list of cpus
found = []
def walk(x):
    if isinstance(x, dict):
        if "noise_ns" in x and x.get("cpu") == cpu:
            found.append(x)
        for v in x.values():
            walk(v)
    elif isinstance(x, list):
        for v in x:
            walk(v)
walk(d)
if res("f. pig JSON has the noise keys of cpu %d" % cpu, len(found) == 1, "%d objects" % len(found)):
    bad = type_problems(found[0])
    res("f. pig noise keys and types", not bad, "; ".join(bad))
    c = found[0]
    res("f. pig: stolen_by_kind sums to noise_ns", abs(sum(c["stolen_by_kind"].values()) -
        c["noise_ns"]) <= max(c["gaps"], 1) or c.get("unattributed"), "")
    res("f. pig: worst gaps attributed", all(g["causes"] for g in c["worst"]),
        [show_gap(g) for g in c["worst"] if not g["causes"]][:3])
EOF

# --- tracefs as found --------------------------------------------------------
snap "$T_TMP/after"
check "noise: tracefs as found after the runs" diff "$T_TMP/before" "$T_TMP/after"
