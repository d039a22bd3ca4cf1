#!/bin/bash
# tests/tools/sleeping-beauties.sh - options, bad input and reports on the
# captured tree tests/fixtures/dstate-host.  Expected values come from the
# fixture files themselves (awk/sed over stat, wchan, stack, cmdline and
# cgroup), never from the tool's own output.
. "$(dirname "$0")/../lib.sh"

SB=$B/sleeping-beauties
HOST=$FIX/dstate-host
O=$T_TMP/out E=$T_TMP/err

if [ ! -x "$SB" ]; then
	fail sb.built "no $SB"
	exit 0
fi

# --- options, help, version -------------------------------------------------
run_tool "$O" "$E" "$SB" -h
expect_rc help.rc 0
missing=""
for opt in -i --interval -t --threshold -d --duration -n --count -p --pid --comm \
	   --trace --root -j --json -q --quiet -h --help -V --version; do
	grep -q -- "$opt\b" "$O" || missing="$missing $opt"
done
if [ -z "$missing" ]; then ok help.lists_every_option; else fail help.lists_every_option "$missing"; fi
run_tool "$O" "$E" "$SB" -V
expect_rc version.rc 0
expect_grep version.text '^sleeping-beauties \(nohz-tools\) [0-9]+\.[0-9]+' "$O"

# bad input: exit 2, nothing on stdout, one line on stderr naming the input
bad() {
	local name=$1 want=$2; shift 2
	run_tool "$O" "$E" "$SB" "$@"
	if [ "$RC" = 2 ] && [ "$(wc -l < "$E")" = 1 ] && [ ! -s "$O" ] &&
	   grep -Eq -- "^sleeping-beauties: .*$want" "$E"; then
		ok "bad.$name"
	else
		fail "bad.$name" "rc $RC, stdout $(wc -c < "$O") bytes, stderr: $(head -c 200 "$E")"
	fi
}
bad option "unknown option '-x'" -x
bad long_option "unknown option '--bogus'" --bogus
bad threshold_word "cannot parse threshold 'abc'" -t abc
bad threshold_negative "cannot parse threshold '-5': must be 0 ms" -t -5
bad threshold_unit "cannot parse threshold '5min': unknown unit 'min'" -t 5min
bad interval_zero "cannot parse interval '0': must be 1 ms" -i 0
bad interval_word "cannot parse interval 'fast'" -i fast
bad duration "cannot parse duration 'soon'" -d soon
bad count "cannot parse count '-3'" -n -3
bad pid "cannot parse pid list '1,x'" -p 1,x
bad comm_long "cannot parse name" --comm "$(printf 'a%.0s' $(seq 70))"
bad root_missing_arg "option '--root' needs an argument" --root
bad root_absent "cannot open root '/nonexistent'" --root /nonexistent -n 1
mkdir -p "$T_TMP/noproc"
bad root_without_proc "cannot read $T_TMP/noproc/proc: No such file" --root "$T_TMP/noproc" -n 1
bad trace_with_root "--trace reads the running kernel" --trace --root "$HOST"
bad stray_argument "unexpected argument 'now'" now

# --- the captured host: every D thread, with its details --------------------
# witness: tids whose stat says D after the last ')'
want=$(for f in "$HOST"/proc/*/task/*/stat; do
	sed -n 's/.*) \(.\) .*/\1/p' "$f" | grep -q '^D$' && basename "$(dirname "$f")"
done | sort -n | tr '\n' ' ')
run_tool "$O" "$E" "$SB" --root "$HOST" -n 2 -i 10 -t 0 -j
expect_rc host.rc_1_when_stuck 1
if [ -s "$E" ]; then fail host.quiet_stderr "$(head -c 200 "$E")"; else ok host.quiet_stderr; fi
if python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$O" 2>/dev/null; then
	ok host.json_lines_parse
else
	fail host.json_lines_parse "$(head -c 200 "$O")"
fi
got=$(python3 -c '
import json, sys
print(" ".join(str(t) for t in sorted(json.loads(l)["tid"] for l in open(sys.argv[1])
      if json.loads(l)["event"] == "stuck")) + " ")' "$O")
if [ "$got" = "$want" ] && [ -n "$want" ]; then ok host.stuck_threads; else
	fail host.stuck_threads "got '$got' want '$want'"; fi

# details of each stuck thread against its files
python3 - "$O" "$HOST" <<'PY'
import json, re, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
root = sys.argv[2]
bad = []
for e in ev:
    if e["event"] != "stuck":
        continue
    d = "%s/proc/%d/task/%d" % (root, e["pid"], e["tid"])
    first = open(d + "/stack").readline().split("] ", 1)[1]
    site = re.match(r"[\w.$]+", first).group(0)
    wchan = open(d + "/wchan").read().strip()
    cmd = open("%s/proc/%d/cmdline" % (root, e["pid"])).read().replace("\0", " ").strip()
    cg = open("%s/proc/%d/cgroup" % (root, e["pid"])).read()
    path = cg.split("::", 1)[1].strip()
    ids = re.findall(r"[0-9a-f]{64}", path)
    comm = re.match(r"\d+ \((.*)\) . ", open(d + "/stat").read()).group(1)
    frames = [l.split("] ", 1)[1].rstrip("\n") for l in open(d + "/stack")]
    for what, got, want in (("site", e["site"], site), ("wchan", e["wchan"], wchan),
                            ("cmdline", e["cmdline"], cmd), ("cgroup", e["cgroup"], path),
                            ("comm", e["comm"], comm), ("stack", e["stack"], frames),
                            ("id", (e["container"] or {}).get("id", ""), ids[-1] if ids else ""),
                            ("since_start", e["since_start"], False)):
        if got != want:
            bad.append("%d %s: %r != %r" % (e["tid"], what, got, want))
print("FAIL: host.details: " + "; ".join(bad) if bad else "PASS: host.details")
run = {e["tid"]: e.get("container") for e in ev if e["event"] == "stuck"}
want = {815: "docker", 816: "docker", 3117: "crio", 77: None, 2001: None}
got = {t: (c or {}).get("runtime") for t, c in run.items()}
print("PASS: host.container_runtimes" if got == want else
      "FAIL: host.container_runtimes: %r" % got)
pod = [e["pod"] for e in ev if e["event"] == "stuck" and e["tid"] == 3117]
print("PASS: host.pod_uid" if pod == ["6f1d2c3b-4a5e-4f60-9a7b-8c9d0e1f2a3b"] else
      "FAIL: host.pod_uid: %r" % pod)
s = [e for e in ev if e["event"] == "summary"]
ok = len(s) == 1 and s[0]["reported"] == 5 and s[0]["scans"] == 2 and \
     sorted(x["site"] for x in s[0]["sites"]) == sorted(
         ["blk_mq_get_tag", "jbd2_log_wait_commit", "folio_wait_bit_common", "bdev_open",
          "rpc_wait_bit_killable"]) and all(x["still_in_d"] for x in s[0]["threads"])
print("PASS: host.summary" if ok else "FAIL: host.summary: %r" % s)
PY

# text output
run_tool "$O" "$E" "$SB" --root "$HOST" -n 2 -i 10 -t 0
expect_grep text.stuck_line '^[0-9:.]+ pid 812 tid 815 ib_io_wr-1: in D for >=[0-9]+ ms so far$' "$O"
expect_grep text.comm_with_parens 'pid 2001 tid 2001 \(udev-worker\): in D' "$O"
expect_grep text.container '^    container docker 4f1c2d3e5a6b$' "$O"
expect_grep text.unit '^    cgroup    /system.slice/systemd-udevd.service/udev \(unit systemd-udevd.service\)$' "$O"
expect_grep text.kernel_thread '^    cmdline   \(kernel thread\)$' "$O"
expect_grep text.stack_frames '^              ext4_sync_file\+0x1c4/0x380$' "$O"
expect_grep text.sites_table '^wait sites by time in D:$' "$O"
expect_grep text.threads_table '^ +[0-9]+ +1 +[0-9]+ +3100 +3117  GC Thread#0 \(still in D\)$' "$O"

# -q: the summary only
run_tool "$O" "$E" "$SB" --root "$HOST" -n 2 -i 10 -t 0 -q
expect_nogrep quiet.no_events 'in D for' "$O"
expect_grep quiet.summary '^summary: 5 waits over 0 ms' "$O"

# filters
stuck_tids() { python3 -c '
import json, sys
print(" ".join(str(json.loads(l)["tid"]) for l in open(sys.argv[1])
      if json.loads(l)["event"] == "stuck"))' "$O"; }
run_tool "$O" "$E" "$SB" --root "$HOST" -n 1 -t 0 -j --comm java
[ "$(stuck_tids)" = 3117 ] && ok filter.comm_of_process || fail filter.comm_of_process "$(stuck_tids)"
run_tool "$O" "$E" "$SB" --root "$HOST" -n 1 -t 0 -j --comm ib_pg_flush
[ "$(stuck_tids)" = 816 ] && ok filter.comm_of_thread || fail filter.comm_of_thread "$(stuck_tids)"
run_tool "$O" "$E" "$SB" --root "$HOST" -n 1 -t 0 -j -p 812,2001
[ "$(stuck_tids)" = "815 816 2001" ] && ok filter.pids || fail filter.pids "$(stuck_tids)"
run_tool "$O" "$E" "$SB" --root "$HOST" -n 1 -t 0 -p 999999
expect_rc filter.absent_pid_rc_0 0
expect_grep filter.absent_pid_summary '^summary: 0 waits' "$O"

# threshold: not reached in 2 passes 10 ms apart; reached after ~120 ms
run_tool "$O" "$E" "$SB" --root "$HOST" -n 2 -i 10 -t 1s -j
expect_rc threshold.not_reached_rc 0
expect_nogrep threshold.not_reached '"event":"stuck"' "$O"
run_tool "$O" "$E" "$SB" --root "$HOST" -d 0.5 -i 50 -t 120ms -j --comm mysqld
python3 - "$O" <<'PY'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
st = [e for e in ev if e["event"] == "stuck"]
ok = len(st) == 2 and all(120 <= e["waited_ms"] < 400 and not e["since_start"] for e in st)
print("PASS: threshold.reached_after_120ms" if ok else "FAIL: threshold.reached_after_120ms: %r" % st)
PY
