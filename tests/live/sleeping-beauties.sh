#!/bin/bash
# Live tests of sleeping-beauties with real D-state threads made here:
#  - vfork_d: a vfork()ing parent waits in D until its child exits (the wait
#    is TASK_KILLABLE, shown as D; its stack top on 6.x is kernel_clone);
#  - dd reading a file of fuse_stall, a FUSE server that holds every read
#    (the reader waits in D on the page lock while the request is out).
# Witnesses: /proc/PID/stat, wchan and stack read by this script during the
# wait; the time vfork_d measured around its own vfork(); the time
# fuse_stall held the request; tracefs' own files before and after.
. "$(dirname "$0")/../lib.sh"

SB=$B/sleeping-beauties
H=$B/tests/helpers
O=$T_TMP/out E=$T_TMP/err
if ! is_root; then skip live "needs root (kernel stacks, tracefs, FUSE mounts)"; exit 0; fi
for x in "$SB" "$H/vfork_d" "$H/fuse_stall"; do
	[ -x "$x" ] || { fail live.built "no $x"; exit 0; }
done
mount | grep -q tracefs || mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null

# witness PID TAG - wait (up to 5 s) for /proc/PID/stat to say D, then keep
# the first frame of its kernel stack and its wchan in $T_TMP/TAG.*
witness() {
	local st="" i
	for i in $(seq 500); do
		st=$(sed -n 's/.*) \(.\) .*/\1/p' "/proc/$1/stat" 2>/dev/null)
		[ "$st" = D ] && break
		sleep 0.01
	done
	sed -n '1s/^\[<[^>]*>\] \([A-Za-z0-9_.$]*\).*/\1/p' "/proc/$1/task/$1/stack" \
		> "$T_TMP/$2.site" 2>/dev/null
	tr -d '\n' < "/proc/$1/wchan" > "$T_TMP/$2.wchan" 2>/dev/null
	[ "$st" = D ] && [ -s "$T_TMP/$2.site" ]
}

# trace_ready PID - wait (up to 10 s) until the instance of sleeping-beauties
# PID has sched_switch enabled ("1*": a trigger is attached)
trace_ready() {
	local i
	for i in $(seq 1000); do
		case $(cat "/sys/kernel/tracing/instances/nohz-sb-$1/events/sched/sched_switch/enable" \
			2>/dev/null) in 1*) return 0 ;; esac
		sleep 0.01
	done
	return 1
}

# wait_or_kill PID SECS - wait for a child of ours; SIGKILL it after SECS
# (exit status 124) so that a tool that ignores a signal cannot hang the suite
wait_or_kill() {
	local i
	for i in $(seq $(($2 * 20))); do
		kill -0 "$1" 2>/dev/null || { wait "$1"; return $?; }
		sleep 0.05
	done
	kill -KILL "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	return 124
}

# ready_pid FILE - the pid a helper printed as "ready PID"
ready_pid() {
	local i
	for i in $(seq 500); do
		grep -q '^ready ' "$1" 2>/dev/null && break
		sleep 0.01
	done
	sed -n 's/^ready //p' "$1"
}

# check_wait NAME OUT PID SITE WITNESS_MS TOLERANCE_MS - the stuck and woke
# events of PID: site, since_start, and woke duration against the witness
check_wait() {
	python3 - "$@" <<'PY'
import json, sys
name, out, pid, site, wit, tol = sys.argv[1], sys.argv[2], int(sys.argv[3]), \
    sys.argv[4], float(sys.argv[5]), float(sys.argv[6])
ev = [json.loads(l) for l in open(out) if l.strip()]
st = [e for e in ev if e["event"] == "stuck" and e["tid"] == pid]
wk = [e for e in ev if e["event"] == "woke" and e["tid"] == pid]
def res(check, ok, why, say=False):
    print("%s: %s.%s%s" % ("PASS" if ok else "FAIL", name, check,
                           " (%s)" % why if ok and say else "" if ok else ": " + why))
res("reported", len(st) == 1 and st[0]["pid"] == pid, "stuck events %r" % st)
if not st:
    sys.exit(0)
res("site_is_wait_site", st[0]["site"] == site and site != "",
    "site %r, the stack read during the wait starts with %r" % (st[0]["site"], site))
res("stack_names_site", bool(st[0]["stack"]) and st[0]["stack"][0].startswith(site + "+"),
    "stack %r" % st[0]["stack"][:2])
res("since_start", st[0]["since_start"], "the wait began while watching")
res("woke", len(wk) == 1, "woke events %r" % wk)
if wk:
    d = wk[0]["waited_ms"]
    res("duration", abs(d - wit) <= tol,
        "waited %.1f ms, witness %.1f ms, tolerance %.0f ms" % (d, wit, tol), True)
PY
}

# tracefs_mine FILE - the global tracing state (tests/lib.sh), minus
# instances other programs on this shared machine may create meanwhile;
# ours (nohz-sb-*) stay in, so a leftover shows
tracefs_mine() {
	tracefs_snapshot "$1.all"
	grep -v -E '^[^:=]+$' "$1.all" > "$1"
	grep -E '^nohz-sb-' "$1.all" >> "$1"
}

tracefs_mine "$T_TMP/tr.before"

# --- 1. sampling: a vfork parent --------------------------------------------
"$SB" -i 100 -t 500 -d 4 -j --comm vfork_d > "$O" 2> "$E" & sb=$!
sleep 0.5		# passes before the wait: its start is dated, not assumed
"$H/vfork_d" 1500 > "$T_TMP/vf1" & vf=$!
pid=$(ready_pid "$T_TMP/vf1")
if witness "$pid" vf1; then ok vfork.is_in_D; else fail vfork.is_in_D "pid $pid never showed D"; fi
wait $vf; wait_or_kill $sb 20; RC=$?
expect_rc vfork.rc_1 1
if [ -s "$E" ]; then fail vfork.no_stderr "$(head -c 200 "$E")"; else ok vfork.no_stderr; fi
vms=$(sed -n 's/^vfork_ms //p' "$T_TMP/vf1")
# sampling dates both ends within half an interval (100 ms); 25 ms for the
# scans' own length and the helper's exit
check_wait vfork "$O" "$pid" "$(cat "$T_TMP/vf1.site")" "$vms" 125
[ "$(cat "$T_TMP/vf1.site")" = kernel_clone ] && ok vfork.site_kernel_clone ||
	fail vfork.site_kernel_clone "stack top $(cat "$T_TMP/vf1.site")"

# --- 2. sampling: a read stalled by a FUSE server ---------------------------
mnt=$T_TMP/mnt
mkdir -p "$mnt"
if [ ! -c /dev/fuse ]; then
	skip fuse "no /dev/fuse"
else
	"$H/fuse_stall" "$mnt" 2000 > "$T_TMP/fuse.out" 2>&1 & fs=$!
	for i in $(seq 500); do
		[ -e "$mnt/stall" ] && break
		kill -0 $fs 2>/dev/null || break
		sleep 0.01
	done
	if ! kill -0 $fs 2>/dev/null; then
		wait $fs; frc=$?
		if [ $frc = 77 ]; then skip fuse "fuse_stall built without fuse3"
		else fail fuse.mount "fuse_stall exited $frc: $(head -c 200 "$T_TMP/fuse.out")"; fi
	else
		"$SB" -i 100 -t 500 -d 4.5 -j --comm dd > "$O" 2> "$E" & sb=$!
		sleep 0.5
		dd if="$mnt/stall" of=/dev/null bs=4k count=1 2>/dev/null & dd=$!
		if witness "$dd" dd; then ok fuse.reader_in_D; else fail fuse.reader_in_D "dd never showed D"; fi
		wait $dd; wait_or_kill $sb 20; RC=$?
		expect_rc fuse.rc_1 1
		sms=$(sed -n 's/^stall_ms //p' "$T_TMP/fuse.out" | head -1)
		check_wait fuse "$O" "$dd" "$(cat "$T_TMP/dd.site")" "${sms:-2000}" 150
		kill -TERM $fs; wait $fs
		mountpoint -q "$mnt" && { umount -l "$mnt"; fail fuse.unmounted "still mounted"; } ||
			ok fuse.unmounted
	fi
fi

# --- 3. trace mode: exact durations, own instance, tracefs left as found ----
"$SB" --trace -t 300 -d 4 -j --comm vfork_d > "$O" 2> "$E" & sb=$!
# ready once sched_switch is enabled in its own instance
trace_ready $sb && ok trace.own_instance || fail trace.own_instance "no instances/nohz-sb-$sb"
"$H/vfork_d" 1200 > "$T_TMP/vf3" & vf=$!
pid=$(ready_pid "$T_TMP/vf3")
witness "$pid" vf3 || fail trace.is_in_D "pid $pid never showed D"
wait $vf; wait_or_kill $sb 20; RC=$?
expect_rc trace.rc_1 1
if [ -s "$E" ]; then fail trace.no_stderr "$(head -c 200 "$E")"; else ok trace.no_stderr; fi
vms=$(sed -n 's/^vfork_ms //p' "$T_TMP/vf3")
# from sched_switch to sched_wakeup: inside vfork_d's own clock reads
check_wait trace "$O" "$pid" "$(cat "$T_TMP/vf3.site")" "$vms" 5
python3 - "$O" <<'PY'
import json, sys
s = [json.loads(l) for l in open(sys.argv[1]) if '"summary"' in l]
ok = len(s) == 1 and s[0]["mode"] == "trace" and s[0]["events"] > 0
print("PASS: trace.summary" if ok else "FAIL: trace.summary: %r" % s)
PY
[ -d "/sys/kernel/tracing/instances/nohz-sb-$sb" ] && fail trace.instance_removed "still there" ||
	ok trace.instance_removed
tracefs_mine "$T_TMP/tr.after"
if diff "$T_TMP/tr.before" "$T_TMP/tr.after" > "$T_TMP/tr.diff"; then ok trace.tracefs_as_found
else fail trace.tracefs_as_found "$(tr '\n' ' ' < "$T_TMP/tr.diff")"; fi

# --- 4. stopped by a signal while a thread is still in D --------------------
for sig in INT TERM; do
	"$H/vfork_d" 2500 > "$T_TMP/vf4.$sig" & vf=$!
	pid=$(ready_pid "$T_TMP/vf4.$sig")
	"$SB" --trace -t 200 -j -p "$pid" > "$O" 2> "$E" & sb=$!
	trace_ready $sb
	sleep 0.5
	kill -$sig $sb
	wait_or_kill $sb 10; RC=$?
	expect_rc "signal.$sig.rc_1" 1
	python3 - "$O" "$pid" "$sig" <<'PY'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
s = [e for e in ev if e["event"] == "summary"]
pid = int(sys.argv[2])
ok = len(s) == 1 and [t["tid"] for t in s[0]["threads"]] == [pid] and \
     s[0]["threads"][0]["still_in_d"]
print("%s: signal.%s.summary_still_in_D%s" % ("PASS" if ok else "FAIL", sys.argv[3],
      "" if ok else ": %r" % s))
PY
	tracefs_mine "$T_TMP/tr.after"
	if diff "$T_TMP/tr.before" "$T_TMP/tr.after" > "$T_TMP/tr.diff"; then
		ok "signal.$sig.tracefs_as_found"
	else
		fail "signal.$sig.tracefs_as_found" "$(tr '\n' ' ' < "$T_TMP/tr.diff")"
	fi
	wait $vf
done

# a signal while it is still setting up: kept, then a clean exit
"$SB" --trace -t 200 > "$O" 2> "$E" & sb=$!
sleep 0.05
kill -TERM $sb
wait_or_kill $sb 10; RC=$?
[ $RC != 124 ] && ok signal.early.exits || fail signal.early.exits "still running 10 s after SIGTERM"
tracefs_mine "$T_TMP/tr.after"
if diff "$T_TMP/tr.before" "$T_TMP/tr.after" > "$T_TMP/tr.diff"; then ok signal.early.tracefs_as_found
else fail signal.early.tracefs_as_found "$(tr '\n' ' ' < "$T_TMP/tr.diff")"; fi

# --- 5. without root: no stacks, said once, still reported ------------------
if setpriv --help 2>/dev/null | grep -q reuid; then
	nob="setpriv --reuid=65534 --regid=65534 --clear-groups"
	$nob "$H/vfork_d" 1500 > "$T_TMP/vf5" & vf=$!
	pid=$(ready_pid "$T_TMP/vf5")
	witness "$pid" vf5
	$nob "$SB" -t 300 -d 1.5 -j -p "$pid" > "$O" 2> "$E"; RC=$?
	wait $vf
	expect_rc user.rc_1 1
	if [ "$(wc -l < "$E")" = 1 ] && grep -q '^sleeping-beauties: kernel stacks need root; showing wchan only$' "$E"
	then ok user.said_once; else fail user.said_once "$(head -c 300 "$E")"; fi
	python3 - "$O" "$pid" "$(cat "$T_TMP/vf5.wchan")" <<'PY'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
st = [e for e in ev if e["event"] == "stuck" and e["tid"] == int(sys.argv[2])]
w = sys.argv[3]
ok = len(st) == 1 and st[0]["stack"] == [] and st[0]["stack_denied"] and \
     st[0]["wchan"] == w and st[0]["site"] == w and w != ""
print("PASS: user.reported_with_wchan" if ok else
      "FAIL: user.reported_with_wchan: wchan witness %r, events %r" % (w, st))
PY
	$nob "$SB" --trace -d 1 > "$O" 2> "$E"; RC=$?
	expect_rc user.trace_rc_2 2
	expect_grep user.trace_needs_root '^sleeping-beauties: trace mode needs root' "$E"
else
	skip user "setpriv without --reuid"
fi

# --- 6. threads and processes coming and going mid-scan: no noise -----------
( for i in $(seq 150); do ( sleep 0.0$((i % 10)) ) & done; wait ) & churn=$!
"$SB" -i 5 -d 1.5 -t 10s > "$O" 2> "$E"; RC=$?
wait $churn
expect_rc churn.rc_0 0
if [ -s "$E" ]; then fail churn.no_stderr "$(head -c 200 "$E")"; else ok churn.no_stderr; fi
expect_grep churn.summary '^summary: 0 waits over 10000 ms' "$O"
