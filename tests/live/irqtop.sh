#!/bin/bash
# tests/live/irqtop.sh - irqtop on the running kernel (root): with a spinner
# pinned to CPU 1, the LOC rate and the ticks/s irqtop shows for CPU 1 are
# within 5% of HZ, and agree with /proc/interrupts read around the run; the
# tasks count sees the spinner; tracing is left as found.
. "$(dirname "$0")/../lib.sh"

IRQTOP=$B/irqtop
CPU=1

if ! is_root; then
	skip irqtop.live "needs root (perf counters, /proc of every task)"
	exit 0
fi
if [ ! -x "$IRQTOP" ]; then
	fail irqtop.built "no $IRQTOP"
	exit 0
fi
if ! grep -qw "CPU$CPU" /proc/interrupts || ! grep -qw CPU0 /proc/interrupts; then
	skip irqtop.live "CPU 0 or CPU $CPU is not online"
	exit 0
fi
HZ=$(zcat /proc/config.gz 2> /dev/null | sed -n 's/^CONFIG_HZ=//p')
[ -z "$HZ" ] && HZ=$(sed -n 's/^CONFIG_HZ=//p' "/boot/config-$(uname -r)" 2> /dev/null)
if [ -z "$HZ" ]; then
	skip irqtop.live "CONFIG_HZ unknown: no /proc/config.gz or /boot/config-$(uname -r)"
	exit 0
fi
if grep -Eq "(^|[ ,=-])$CPU([ ,-]|$)" /sys/devices/system/cpu/nohz_full 2> /dev/null &&
   [ -n "$(tr -d '\n' < /sys/devices/system/cpu/nohz_full)" ]; then
	skip irqtop.live "CPU $CPU is nohz_full: a busy CPU there does not tick at HZ"
	exit 0
fi

# loc - LOC count of CPU from /proc/interrupts, the independent witness
loc() {
	awk -v cpu="CPU$CPU" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == cpu) c = i }
		$1 == "LOC:" { print $(c + 1) }' /proc/interrupts
}
near() {	# near GOT WANT PERCENT
	awk -v g="$1" -v w="$2" -v p="$3" 'BEGIN { d = g - w; if (d < 0) d = -d; exit !(d <= w * p / 100) }'
}

tracefs_snapshot "$T_TMP/trace.before"
taskset -c "$CPU" sh -c 'while :; do :; done' &
spin=$!
trap 'kill "$spin" 2> /dev/null; rm -rf "$T_TMP"' EXIT
sleep 0.5

# up to three tries: a shared machine can put other work on CPU $CPU, and
# then /proc/interrupts itself shows more than HZ there
for try in 1 2 3; do
	t0=$(date +%s.%N) l0=$(loc)
	# irqtop itself runs beside, not on, the measured CPU: its own timer
	# wake-ups would add local timer interrupts there
	taskset -c 0 "$IRQTOP" -J -n 3 -d 1 > "$T_TMP/perf.json" 2> "$T_TMP/err"; RC=$?
	t1=$(date +%s.%N) l1=$(loc)
	witness=$(awk -v a="$l0" -v b="$l1" -v t0="$t0" -v t1="$t1" \
		'BEGIN { printf "%.1f", (b - a) / (t1 - t0) }')
	near "$witness" "$HZ" 5 && break
done
expect_rc run.rc 0
state=$(awk '{ sub(/.*\) /, ""); print $1, $37 }' "/proc/$spin/stat")
quiet=1
if near "$witness" "$HZ" 5; then ok witness.loc_rate_is_hz
else
	quiet=0
	skip witness.loc_rate_is_hz "CPU $CPU was disturbed in 3 tries: /proc/interrupts shows $witness LOC/s with HZ $HZ; only irqtop against that witness is checked"
fi

python3 - "$T_TMP/perf.json" "$CPU" > "$T_TMP/vals" << 'EOF'
import json, sys
cpu = int(sys.argv[2])
for l in open(sys.argv[1]):
    f = json.loads(l)
    c = [x for x in f["cpus"] if x["cpu"] == cpu][0]
    loc = [r for r in f["rows"] if r["name"] == "LOC"][0]
    col = [x["cpu"] for x in f["cpus"]].index(cpu)
    print(f["frame"], loc["values"][col], c["ticks"], c["tasks"], f["ticks_source"])
EOF
frames=$(wc -l < "$T_TMP/vals")
if [ "$frames" = 3 ]; then ok run.three_frames; else fail run.three_frames "$frames frames"; fi
while read -r frame locr ticks tasks src; do
	if [ "$src" = perf ]; then
		# the same interrupts counted two ways: perf and /proc/interrupts
		if near "$ticks" "$locr" 5; then ok "frame$frame.perf_ticks_match_loc"
		else fail "frame$frame.perf_ticks_match_loc" "ticks $ticks/s, LOC $locr/s"; fi
	else
		fail "frame$frame.perf_ticks" "ticks from $src as root on the live system: $(grep -o '"ticks_note":"[^"]*"' "$T_TMP/perf.json" | head -1)"
	fi
	if [ "$tasks" -ge 1 ]; then ok "frame$frame.tasks_sees_spinner"
	else fail "frame$frame.tasks_sees_spinner" "tasks $tasks on CPU $CPU; spinner stat: $state"; fi
done < "$T_TMP/vals"
# the rates shown over the run (one frame can catch a burst of other work)
read -r loc_avg tick_avg <<< "$(awk '{ l += $2; t += $3 } END { printf "%.1f %.1f", l / NR, t / NR }' "$T_TMP/vals")"
if [ $quiet = 1 ]; then
	if near "$loc_avg" "$HZ" 5; then ok loc_rate_within_5pct_of_hz
	else fail loc_rate_within_5pct_of_hz "LOC $loc_avg/s on CPU $CPU, HZ $HZ"; fi
	if near "$tick_avg" "$HZ" 5; then ok perf_ticks_within_5pct_of_hz
	else fail perf_ticks_within_5pct_of_hz "ticks $tick_avg/s on CPU $CPU, HZ $HZ"; fi
fi
if near "$loc_avg" "$witness" 5; then ok loc_rate_matches_witness
else fail loc_rate_matches_witness "irqtop average $loc_avg/s, /proc/interrupts around the run $witness/s"; fi
if [ "$state" = "R $CPU" ]; then ok witness.spinner_running_on_cpu
else fail witness.spinner_running_on_cpu "spinner stat state/cpu: $state"; fi

# -L: ticks from LOC deltas, no perf counter
taskset -c 0 "$IRQTOP" -J -n 1 -d 1 -L -c "$CPU" > "$T_TMP/loc.json" 2> "$T_TMP/err"; RC=$?
expect_rc loc_ticks.rc 0
expect_grep loc_ticks.source '"ticks_source":"LOC"' "$T_TMP/loc.json"
got=$(python3 -c 'import json,sys; f=json.load(open(sys.argv[1])); c=f["cpus"][0]
loc=[r for r in f["rows"] if r["name"]=="LOC"][0]; print(c["ticks"] == loc["values"][0], c["ticks"])' "$T_TMP/loc.json")
if [ "${got%% *}" = True ]; then ok loc_ticks.equal_loc_rate
else fail loc_ticks.equal_loc_rate "$got"; fi

kill "$spin"
wait "$spin" 2> /dev/null
tracefs_snapshot "$T_TMP/trace.after"
if cmp -s "$T_TMP/trace.before" "$T_TMP/trace.after"; then ok tracing_left_as_found
else fail tracing_left_as_found "$(diff "$T_TMP/trace.before" "$T_TMP/trace.after" | tr '\n' ' ')"; fi
