#!/bin/bash
# tests/live/explain.sh - nohz-check's explanation on the running kernel.
#
# Induce known interruptions on CPU 1 during a live run and check that the
# ranked explanation names each, with its remedy, and with counts bounded by
# independent witnesses: the helpers' own signal counts, /proc/interrupts,
# the number of writes made, the perf counters of the same window.  Then:
# the trace file, the footprint of the measurement, and tracefs left
# exactly as found (also after SIGINT in the middle of a run).  Root only.
. "$(dirname "$0")/../lib.sh"

NC=$B/nohz-check
HOG=$B/tests/helpers/timer_hog
TR=$B/tests/helpers/nohz_trace
CPU=1
HK=0
SECS=5
TI=/sys/kernel/tracing

if ! is_root; then
	skip "explain" "needs root (tracefs, perf_event_open)"
	exit 0
fi
if [ "$(nproc)" -lt 2 ]; then
	skip "explain" "needs two CPUs (one to measure, one to measure from)"
	exit 0
fi
for x in "$NC" "$HOG" "$TR"; do
	[ -x "$x" ] || { fail "explain: $x is built" "missing: make all tests-bins"; exit 0; }
done
grep -qw tracefs /proc/mounts || mount -t tracefs nodev $TI 2>/dev/null

# --- restore everything we change, whatever happens ----------------------
PIDS=()
IRQ= IRQ_AFF= SCRATCH=
STAT_INTERVAL=$(cat /proc/sys/vm/stat_interval)
cleanup() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	[ -n "$IRQ" ] && [ -n "$IRQ_AFF" ] &&
		echo "$IRQ_AFF" > "/proc/irq/$IRQ/smp_affinity_list" 2>/dev/null
	echo "$STAT_INTERVAL" > /proc/sys/vm/stat_interval
	rm -f "$SCRATCH"
	rm -rf "$T_TMP"
}
trap cleanup EXIT

# Other tests on this host may create tracefs instances of their own while
# this runs: the snapshots keep every instance except nohz-* ones of
# processes that are not ours.
OURS=" "
snap() {
	tracefs_snapshot "$1.raw"
	awk -v ours="$OURS" '/^nohz-/ { split($0, a, "-"); if (!index(ours, " " a[3] " ")) next }
		{ print }' "$1.raw" > "$1"
}
# window_wait PID - wait (60 s at most) until the tracefs instance of PID
# records: the live window is open.  False when it never opened.
window_wait() {
	local i f
	for i in $(seq 1200); do
		for f in $TI/instances/nohz-trace-"$1"-*/tracing_on; do
			[ "$(cat "$f" 2>/dev/null)" = 1 ] && return 0
		done
		kill -0 "$1" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}
# bg_run OUT ERR CMD... - run CMD as one of ours (its pid in OURS); sets RC
bg_run() {
	local o=$1 e=$2
	shift 2
	"$@" > "$o" 2> "$e" &
	LAST=$!
	OURS="$OURS$LAST "
	wait $LAST
	RC=$?
}
snap "$T_TMP/before"

# --- an IRQ we can drive: the disk's, raised by O_DIRECT reads of a file --
SCRATCH=$T_TMP
[ "$(findmnt -no FSTYPE -T "$SCRATCH" 2>/dev/null)" = tmpfs ] && SCRATCH=$TOP/build
SCRATCH=$SCRATCH/explain-scratch.$$
dd if=/dev/urandom of="$SCRATCH" bs=1M count=16 2>/dev/null && sync
disk_reads() {	# disk_reads N - N direct 4 KiB reads from the housekeeping CPU
	taskset -c $HK dd if="$SCRATCH" of=/dev/null bs=4k count="$1" iflag=direct \
		skip=$((RANDOM % 3800)) 2>/dev/null
}
irq_counts() { awk '$1 ~ /^[0-9]+:$/ { n = $1; sub(":", "", n); s = 0;
	for (i = 2; i <= NF && $i ~ /^[0-9]+$/; i++) s += $i; print n, s }' /proc/interrupts; }
irq_on_cpu() {	# irq_on_cpu IRQ - its count on $CPU
	awk -v irq="$1:" -v col=$((CPU + 2)) '$1 == irq { print $col }' /proc/interrupts
}
if [ -s "$SCRATCH" ]; then
	irq_counts > "$T_TMP/irq0"
	disk_reads 300
	irq_counts > "$T_TMP/irq1"
	IRQ=$(join "$T_TMP/irq0" "$T_TMP/irq1" | awk '{ d = $3 - $2; if (d > best) { best = d; irq = $1 } }
		END { if (best >= 100) print irq }')
fi
# route it to CPU 1 (restored on exit); where the write is refused (some
# sandboxes), use it only if the kernel already delivers it to CPU 1
if [ -n "$IRQ" ]; then
	IRQ_AFF=$(cat "/proc/irq/$IRQ/smp_affinity_list" 2>/dev/null)
	if ! echo $CPU > "/proc/irq/$IRQ/smp_affinity_list" 2>/dev/null; then
		IRQ_AFF=
		[ "$(cat "/proc/irq/$IRQ/effective_affinity_list" 2>/dev/null)" = $CPU ] || IRQ=
	fi
	IRQ_NAME=$(awk -v irq="$IRQ:" '$1 == irq { print $NF }' /proc/interrupts)
fi

# --- the other interruptions -----------------------------------------------
# a POSIX timer (100 Hz) and an interval timer (50 Hz) armed on CPU 1
"$HOG" -c $CPU -d 60 -p 100 -i 50 -n timer_hog > "$T_TMP/timer_hog.out" &
TH=$!; PIDS+=($TH)
# a second busy task on CPU 1
"$HOG" -c $CPU -d 60 -s -n busy_hog > "$T_TMP/busy_hog.out" &
BH=$!; PIDS+=($BH)
# vmstat folding every second (the default, set anyway: restored on exit)
echo 1 > /proc/sys/vm/stat_interval
sleep 0.3

LOC0=$(awk -v col=$((CPU + 2)) '$1 == "LOC:" { print $col }' /proc/interrupts)
IRQC0=${IRQ:+$(irq_on_cpu "$IRQ")}
"$NC" -c $CPU -d $SECS --explain -j --trace "$T_TMP/trace.txt" > "$T_TMP/out.json" \
	2> "$T_TMP/err" &
NCP=$!; PIDS+=($NCP); OURS="$OURS$NCP "
# once the window is open: a stat_refresh write queues refresh_vm_stats on
# every CPU (6 writes, 0.4 s apart, well inside the window), and direct disk
# reads raise the disk IRQ
WRITES=0 WP=
if window_wait $NCP; then
	( sleep 0.3; for i in 1 2 3 4 5 6; do echo 1 > /proc/sys/vm/stat_refresh 2>/dev/null
		sleep 0.4; done ) &
	WP=$!; PIDS+=($WP)
	if [ -n "$IRQ" ]; then
		( for i in $(seq 30); do disk_reads 50; sleep 0.1; done ) &
		PIDS+=($!)
	fi
else
	fail "explain: the live window opened" "no recording instance of pid $NCP"
fi
wait $NCP; RC=$?
[ -n "$WP" ] && wait $WP && WRITES=6
LOC1=$(awk -v col=$((CPU + 2)) '$1 == "LOC:" { print $col }' /proc/interrupts)
IRQC1=${IRQ:+$(irq_on_cpu "$IRQ")}
kill $TH $BH 2>/dev/null; wait $TH $BH 2>/dev/null
read -r _ _ _ POSIX _ ITIMER < <(grep '^pid' "$T_TMP/timer_hog.out")

expect_rc "explain: nohz-check -c $CPU --explain -j exits 1 (FAIL) here" 1
export T_TMP CPU SECS TH BH IRQ IRQ_NAME IRQC0 IRQC1 LOC0 LOC1 POSIX ITIMER WRITES
python3 - "$T_TMP/out.json" "$T_TMP/trace.txt" <<'EOF'
import json, os, re, sys

env = os.environ
def res(name, ok, why=""):
    print(("PASS: " if ok else "FAIL: ") + "explain: " + name + ("" if ok else ": " + why))

try:
    d = json.load(open(sys.argv[1]))
except Exception as e:
    res("JSON report parses", False, str(e)); sys.exit(0)
res("JSON report parses", True)
cpu = int(env["CPU"])
ex = [c for c in d.get("explain", []) if c["cpu"] == cpu]
res("explanation for cpu %d present" % cpu, len(ex) == 1, "keys %s" % list(d))
if not ex:
    sys.exit(0)
ex = ex[0]
src = ex["sources"]
def find(kind, pat):
    return [s for s in src if s["kind"] == kind and re.search(pat, s["source"])]
def show(rows):
    return "; ".join("%d %s %s" % (s["count"], s["kind"], s["source"]) for s in rows[:8])

res("no events lost", ex["lost"] == 0, "lost %d" % ex["lost"])
res("ranked by count", all(a["count"] >= b["count"] for a, b in zip(src, src[1:])),
    show(src))
res("every source has a remedy", all(s["remedy"] for s in src),
    show([s for s in src if not s["remedy"]]))

# the POSIX timer and the interval timer, charged to the helper that armed them
th, posix, itimer = env["TH"], int(env["POSIX"] or 0), int(env["ITIMER"] or 0)
for fn, sent in (("posix_timer_fn", posix), ("it_real_fn", itimer)):
    rows = find("timer", r"^%s \(armed by timer_hog/%s\)$" % (fn, th))
    n = sum(s["count"] for s in rows)
    res("%s armed by timer_hog/%s named (%d expiries; the helper got %d signals)"
        % (fn, th, n, sent), rows and 0 < n <= sent + 1,
        show(find("timer", fn)) or "no %s row; top: %s" % (fn, show(src)))
    if rows:
        res("%s remedy moves pid %s off cpu %d" % (fn, th, cpu),
            "taskset -a -pc" in rows[0]["remedy"] and th in rows[0]["remedy"],
            rows[0]["remedy"])

# the second busy task
rows = find("task", r"^busy_hog/%s$" % env["BH"])
res("foreign task busy_hog/%s named (%d switches in)" % (env["BH"], rows[0]["count"] if rows else 0),
    bool(rows), "top: %s" % show(src))
if rows:
    res("busy_hog remedy: taskset of its pid", "taskset -a -pc" in rows[0]["remedy"] and
        env["BH"] in rows[0]["remedy"], rows[0]["remedy"])

# the work items queued by the stat_refresh writes
writes = int(env["WRITES"])
rows = find("work", r"^refresh_vm_stats$")
n = rows[0]["count"] if rows else 0
res("work item refresh_vm_stats named (%d; %d writes made)" % (n, writes),
    0 < n <= writes, show(find("work", ".")) or "no work rows")
if rows:
    res("refresh_vm_stats remedy names stat_refresh", "stat_refresh" in rows[0]["remedy"],
        rows[0]["remedy"])
rows = find("work", r"^vmstat_update$")
if rows:
    res("vmstat_update remedy: vm.stat_interval=120",
        "vm.stat_interval=120" in rows[0]["remedy"], rows[0]["remedy"])

# the disk IRQ, against /proc/interrupts
irq = env.get("IRQ")
if irq:
    delta = int(env["IRQC1"]) - int(env["IRQC0"])
    rows = find("irq", r"^IRQ %s \(" % irq)
    n = rows[0]["count"] if rows else 0
    res("IRQ %s (%s) named (%d in the window; /proc/interrupts: %d around the run)"
        % (irq, env["IRQ_NAME"], n, delta), rows and 0 < n <= delta,
        show(find("irq", ".")) or "no irq rows")
    if rows:
        res("IRQ %s remedy: smp_affinity_list" % irq,
            "/proc/irq/%s/smp_affinity_list" % irq in rows[0]["remedy"], rows[0]["remedy"])
else:
    print("SKIP: explain: IRQ: O_DIRECT reads raised no IRQ that could be routed to cpu %d" % cpu)

# ticks: the trace against the perf counters of the same window and LOC
hz = d["kernel"]["hz"] or 250
secs = ex["seconds"]
live = [c for c in d["live"]["cpus"] if c["cpu"] == cpu][0]
loc = int(env["LOC1"]) - int(env["LOC0"])
res("timer interrupts: trace %d vs perf counter %d (same window, within 2%%+5)"
    % (ex["timer_irqs"], live["ticks"]),
    abs(ex["timer_irqs"] - live["ticks"]) <= 0.02 * live["ticks"] + 5, "")
res("timer interrupts <= LOC delta around the run (%d <= %d)" % (ex["timer_irqs"], loc),
    ex["timer_irqs"] <= loc, "")
tick = find("tick", r"^scheduler tick$")
res("scheduler tick ranked: %d in %.2f s at HZ=%d" % (tick[0]["count"] if tick else 0, secs, hz),
    tick and 0.8 * hz * secs <= tick[0]["count"] <= 1.05 * hz * secs + 2, show(src))
nohz_full_kernel = "CONFIG_NO_HZ_FULL" in (tick[0]["remedy"] if tick else "")
if nohz_full_kernel:
    # without NO_HZ_FULL a busy CPU never tries to stop its tick:
    # timer:tick_stop does not fire at all, so no dependency can be named
    res("no NO_HZ_FULL: busy cpu reports no tick_stop", ex["tick_stops"] == 0 and
        not find("tick-dep", "."), "tick_stops %d; %s" % (ex["tick_stops"], show(find("tick-dep", "."))))

# the measurement must not be what it reports
mine = [s for s in src if s["self"]]
res("no thread of the checker ran on cpu %d" % cpu,
    not [s for s in mine if s["kind"] in ("task", "wakeup")], show(mine))
res("no timer of the checker fired on cpu %d" % cpu,
    not [s for s in mine if s["kind"] == "timer"], show(mine))
res("no perf multiplexing or sampling timer on cpu %d" % cpu,
    not find("timer", r"^perf_(mux|swevent)"), show(find("timer", "perf")))
res("no PERF_EVENTS tick dependency", not find("tick-dep", "PERF_EVENTS"),
    show(find("tick-dep", ".")))
tlb = sum(s["count"] for s in find("ipi", "flush_tlb_func"))
print("INFO: explain: TLB shootdown IPIs on cpu %d: %d in %.2f s (senders unknown)"
      % (cpu, tlb, secs))

# the --trace file: one line per event, of cpu 1 only
lines = open(sys.argv[2]).read().splitlines()
pat = re.compile(r"^(\d+) \d+\.\d{9} \S.*-\d+ [a-z_0-9]+:[a-z_0-9]+ ")
bad = [l for l in lines if not pat.match(l) or l.split()[0] != str(cpu)]
res("--trace file: %d lines 'CPU SECONDS TASK-PID SYSTEM:EVENT FIELDS', all cpu %d"
    % (len(lines), cpu), lines and not bad, bad[:2])
# the noise attribution also traces the ends of interruptions and NMIs,
# which the explanation does not count
ends = re.compile(r" (irq:irq_handler_exit|irq:softirq_exit|timer:hrtimer_expire_exit|"
                  r"workqueue:workqueue_execute_end|irq_vectors:[a-z_]+_exit|"
                  r"csd:csd_function_exit|nmi:nmi_handler) ")
counted = [l for l in lines if not ends.search(l) or " irq_vectors:local_timer_exit " in l]
res("--trace file holds every event explained (%d), and the ends of interruptions (%d)"
    % (ex["events"], len(lines) - len(counted)),
    len(counted) == ex["events"] and len(lines) > len(counted), "%d lines" % len(counted))
nt = sum(1 for l in lines if " irq_vectors:local_timer_entry " in l)
res("--trace file: local_timer_entry lines = timer interrupts (%d)" % nt,
    nt == ex["timer_irqs"], "%d vs %d" % (nt, ex["timer_irqs"]))
EOF

snap "$T_TMP/after"
check "explain: tracefs as found after the run" diff "$T_TMP/before" "$T_TMP/after"

# --- the text report: explained by default on FAIL, not with --no-explain ---
bg_run "$T_TMP/text" "$T_TMP/err" "$NC" -c $CPU -d 1
expect_grep "explain: text FAIL report explains by default" \
	"^Who interrupted the target CPUs" "$T_TMP/text"
expect_grep "explain: text table has count, rate, kind, source" \
	"^ +count +rate/s +kind +source" "$T_TMP/text"
"$NC" -c $CPU -d 1 --no-explain > "$T_TMP/text2" 2> "$T_TMP/err" &
NP=$!; OURS="$OURS$NP "
while kill -0 $NP 2>/dev/null; do ls $TI/instances; sleep 0.05; done > "$T_TMP/inst" 2>&1
wait $NP
expect_nogrep "explain: --no-explain prints no explanation" \
	"^Who interrupted" "$T_TMP/text2"
expect_nogrep "explain: --no-explain creates no tracefs instance" \
	"^nohz-trace-$NP-" "$T_TMP/inst"
bg_run "$T_TMP/bad" "$T_TMP/err" "$NC" -s --trace "$T_TMP/x"
expect_rc "explain: --trace with --static-only is an error (exit 2)" 2
expect_grep "explain: ... with one line on stderr" "^nohz-check: --trace needs" "$T_TMP/err"

# --- SIGINT in the middle of the window ------------------------------------
"$NC" -c $CPU -d 30 --explain -j > "$T_TMP/int.json" 2> "$T_TMP/int.err" &
NCP=$!; PIDS+=($NCP); OURS="$OURS$NCP "
seen=
window_wait $NCP && seen=1
sleep 1
kill -INT $NCP
t0=$EPOCHREALTIME
wait $NCP; RC=$?
took=$(awk "BEGIN { printf \"%.1f\", $EPOCHREALTIME - $t0 }")
if [ -n "$seen" ]; then ok "explain: its own instance nohz-trace-$NCP-* recorded during the run"
else fail "explain: its own instance recorded during the run" "never saw nohz-trace-$NCP-* on"; fi
expect_rc "explain: SIGINT mid-run exits 2 (after ${took} s)" 2
if awk "BEGIN { exit !($took < 5) }"; then ok "explain: SIGINT answered within 5 s"
else fail "explain: SIGINT answered within 5 s" "took $took s"; fi
check "explain: SIGINT run still reports partial results" \
	python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert d['live']['interrupted'] and d['explain'][0]['events'] > 0" "$T_TMP/int.json"
snap "$T_TMP/after2"
check "explain: tracefs as found after SIGINT" diff "$T_TMP/before" "$T_TMP/after2"

# --- an instance left by a killed run is reaped by the next one -----------
"$TR" -c $CPU -d 30 --hold > "$T_TMP/hold.out" 2>&1 &
HP=$!; PIDS+=($HP); OURS="$OURS$HP "
for i in $(seq 100); do grep -q ready "$T_TMP/hold.out" && break; sleep 0.05; done
kill -KILL $HP; wait $HP 2>/dev/null
if ls $TI/instances | grep -q "^nohz-trace-$HP-"; then
	ok "explain: SIGKILL leaves nohz-trace-$HP-* behind (nothing can run on SIGKILL)"
	bg_run "$T_TMP/reap" "$T_TMP/err" "$TR" -c $CPU -d 0.2
	if ls $TI/instances | grep -q "^nohz-trace-$HP-"; then
		fail "explain: the next run removes the dead run's instance" "still there"
	else
		ok "explain: the next run removes the dead run's instance"
	fi
else
	fail "explain: a held trace has its instance" "no nohz-trace-$HP-* in instances"
fi
snap "$T_TMP/after3"
check "explain: tracefs as found at the end" diff "$T_TMP/before" "$T_TMP/after3"
