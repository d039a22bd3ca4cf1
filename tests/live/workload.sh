#!/bin/bash
# Live tests of nohz-check --pid / --cgroup (root): real processes of
# tests/helpers/workload, real cgroup v1 cpusets (a docker-like scope found
# by its id), a container simulated with unshare (pid, mount and cgroup
# namespaces; no container runtime).  cgroup v2 is tested in the QEMU guest
# (tests/vm/scenarios/workload-cgroup2.sh).
# Witnesses: /proc/PID/task/*/{stat,status} read here, /proc/interrupts LOC.
. "$(dirname "$0")/../lib.sh"

NC=$B/nohz-check
WL=$B/tests/helpers/workload
CS=/sys/fs/cgroup/cpuset
HEX=$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')
CG=$CS/nohz-wl-$$
SCOPE=$CG/docker-$HEX.scope
CT=$CS/nohz-wl-$$-ct
started=()

# cleanup - stop our helpers, empty and remove our cgroups (children first)
cleanup() {
	local p d
	for p in "${started[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${started[@]}"; do wait "$p" 2>/dev/null; done
	started=()
	for d in "$SCOPE" "$CG" "$CT"; do
		[ -d "$d" ] || continue
		while read -r p; do echo "$p" > "$CS/cgroup.procs" 2>/dev/null; done < "$d/cgroup.procs"
		rmdir "$d" 2>/dev/null
	done
}
trap 'cleanup; rm -rf "$T_TMP"' EXIT

# one_line NAME - the last run failed with exit 2 and one line on stderr
one_line() {
	if [ "$RC" = 2 ] && [ "$(wc -l < "$T_TMP/e")" = 1 ] && [ ! -s "$T_TMP/o" ] &&
	   grep -q '^nohz-check: ' "$T_TMP/e"; then
		ok "$1 ($(cat "$T_TMP/e"))"
	else
		fail "$1" "exit $RC, stderr: $(head -c 300 "$T_TMP/e" | tr '\n' '|')"
	fi
}

# start_wl OUT CGROUPDIR ARGS... - run the helper (inside CGROUPDIR when
# given), wait for its "ready PID TID..." line in OUT; PID in $WLPID
start_wl() {
	local out=$1 dir=$2 i
	shift 2
	: > "$out"
	if [ -n "$dir" ]; then
		(echo "$BASHPID" > "$dir/cgroup.procs" && exec "$WL" "$@") > "$out" &
	else
		"$WL" "$@" > "$out" &
	fi
	started+=($!)
	for i in $(seq 100); do grep -q '^ready' "$out" && break; sleep 0.05; done
	WLPID=$(awk '/^ready/ {print $2}' "$out")
	[ -n "$WLPID" ]
}

# witness PID FILE - what /proc says of every thread: tid, Cpus_allowed_list,
# policy, rt_priority, majflt (one line each); VmLck of the process
witness() {
	local t
	for t in /proc/"$1"/task/*; do
		printf '%s %s %s\n' "${t##*/}" \
			"$(awk '/^Cpus_allowed_list:/ {print $2}' "$t/status")" \
			"$(sed 's/.*) //' "$t/stat" | awk '{print $39, $38, $10}')"
	done > "$2"
	awk '/^VmLck:/ {print "vmlck", $2}' /proc/"$1"/status >> "$2"
}

# 1. Bad input: one clear line, exit 2 (no root needed).
run_tool "$T_TMP/o" "$T_TMP/e" "$NC" --pid 2147483646 -s
one_line "bad input: --pid of a process that does not exist"
run_tool "$T_TMP/o" "$T_TMP/e" "$NC" --pid 12x -s
one_line "bad input: --pid that is not a number"
run_tool "$T_TMP/o" "$T_TMP/e" "$NC" --cgroup "$CS/nohz-none-$$" -s
one_line "bad input: --cgroup path that does not exist"
run_tool "$T_TMP/o" "$T_TMP/e" "$NC" --cgroup "$HEX" -s
one_line "bad input: --cgroup id that matches no process"
run_tool "$T_TMP/o" "$T_TMP/e" "$NC" --pid $$ -c 1 -s
one_line "bad input: --pid together with -c"
run_tool "$T_TMP/o" "$T_TMP/e" "$NC" --pid $$ --cgroup /sys/fs/cgroup -s
one_line "bad input: --pid together with --cgroup"

if ! is_root; then skip workload "needs root for cgroups, RT threads and the live test"; exit 0; fi
if [ "$(nproc)" -lt 2 ]; then skip workload "needs 2 online CPUs"; exit 0; fi
if [ ! -x "$WL" ]; then skip workload "no $WL (make tests-bins)"; exit 0; fi
mount | grep -q tracefs || mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null
tracefs_snapshot "$T_TMP/tr.before"
iso=$(cat /sys/devices/system/cpu/isolated 2>/dev/null)
nfull=$(cat /sys/devices/system/cpu/nohz_full 2>/dev/null)
[ "$nfull" = "(null)" ] && nfull=
rtrun=$(cat /proc/sys/kernel/sched_rt_runtime_us)

# 2. --pid, static: two spinners on CPU 1, a floating sleeper, an RT thread
# without locked memory; the main thread keeps its inherited affinity.
if start_wl "$T_TMP/wl1" "" -s 60 1:other:spin 1:other:spin 0-1:other:sleep 1:fifo:10:sleep; then
	read -r _ P T1 T2 T3 T4 < "$T_TMP/wl1"
	witness "$P" "$T_TMP/w1"
	run_tool "$T_TMP/j1" "$T_TMP/e" "$NC" --pid "$T2" -s -j
	[ "$RC" = 1 ] || [ "$RC" = 0 ] && ok "--pid: exit $RC (a verdict)" ||
		fail "--pid: exit" "$RC: $(head -c 300 "$T_TMP/e")"
	python3 - "$T_TMP/j1" "$T_TMP/w1" "$P" "$T1 $T2" "$T4" "$iso$nfull" "$rtrun" <<'PY'
import json, sys
j = json.load(open(sys.argv[1])); w = j["workload"]
pid, spin, rt, iso, rtrun = int(sys.argv[3]), sys.argv[4].split(), sys.argv[5], sys.argv[6], int(sys.argv[7])
seen, vmlck = {}, None
for ln in open(sys.argv[2]):
    f = ln.split()
    if f[0] == "vmlck": vmlck = int(f[1]); continue
    seen[int(f[0])] = (f[1], int(f[2]), int(f[3]), int(f[4]))
f = {x["id"]: x for x in j["findings"]}
def check(name, good, why=""):
    print(("PASS: --pid: %s" % name) if good else ("FAIL: --pid: %s: %s" % (name, why)))
names = {0: "SCHED_OTHER", 1: "SCHED_FIFO", 2: "SCHED_RR"}
th = {t["tid"]: t for t in w["threads"]}
check("a thread id names its process", w["pid"] == pid and w["kind"] == "pid", "%s %s" % (w["pid"], w["kind"]))
check("every thread of /proc/PID/task, no other", set(th) == set(seen), "%s vs %s" % (sorted(th), sorted(seen)))
check("affinity, policy, priority as /proc says",
      all(th[t]["allowed"] == s[0] and th[t]["policy"] == names.get(s[1]) and th[t]["rt_priority"] == s[2]
          for t, s in seen.items() if t in th), str([(t, th.get(t)) for t in seen]))
union = "0-1" if any(s[0] != "1" for s in seen.values()) else "1"
check("targets: the union of the threads' affinity", j["cpus"] == union and w["cpus"] == union, j["cpus"])
wide = [t for t, s in seen.items() if s[0] != "1"]
p = f["workload.pinned"]
check("pinned WARN names each thread allowed on several CPUs and no pinned one",
      p["verdict"] == "WARN" and all("/%d may move" % t in p["evidence"] for t in wide)
      and not any("/%s may move" % t in p["evidence"] for t in spin), p["evidence"])
r = f["workload.runnable"]
check("runnable names both spinners on CPU 1", r["verdict"] in ("WARN", "FAIL") and
      "CPU 1:" in r["evidence"] and all("/%s" % t in r["evidence"] for t in spin), r["evidence"])
m = f["workload.mlock"]
check("mlock WARN: RT thread, VmLck %s kB" % vmlck, vmlck == 0 and m["verdict"] == "WARN" and
      "pid %d" % pid in m["evidence"] and "mlockall" in m["remedy"], m["evidence"])
t = f["workload.rt_throttle"]
check("rt_throttle follows kernel.sched_rt_runtime_us=%d" % rtrun,
      t["verdict"] == ("PASS" if rtrun < 0 else "WARN") and (rtrun < 0 or str(rtrun) in t["evidence"]), t["evidence"])
pol = f["workload.policy"]
check("policy reports SCHED_FIFO 10 for the RT thread", "SCHED_FIFO 10: workload/%s" % rt in pol["evidence"], pol["evidence"])
check("majflt SKIP without a window", f["workload.majflt"]["verdict"] == "SKIP", f["workload.majflt"]["verdict"])
if not iso:
    a = f["workload.affinity"]
    check("affinity FAIL: this host isolates no CPU", a["verdict"] == "FAIL" and "nohz_full=" in a["remedy"], a["evidence"])
PY
	kill "$P"; wait "$P" 2>/dev/null
fi

# 3. --pid of an RT process that locks its memory.
if start_wl "$T_TMP/wl2" "" -s 60 -m -M 1 1:fifo:5:sleep; then
	P=$(awk '{print $2}' "$T_TMP/wl2")
	vm=$(awk '/^VmLck:/ {print $2}' /proc/"$P"/status)
	run_tool "$T_TMP/j2" "$T_TMP/e" "$NC" --pid "$P" -s -j
	python3 - "$T_TMP/j2" "$P" "$vm" <<'PY'
import json, sys
j = json.load(open(sys.argv[1])); f = {x["id"]: x for x in j["findings"]}
m = f["workload.mlock"]
want = "workload (pid %s, SCHED_FIFO) %s kB" % (sys.argv[2], sys.argv[3])
if int(sys.argv[3]) == 0:
    # ASan makes mlockall a no-op: then the WARN is the right answer
    print("SKIP: --pid -m: mlock PASS: mlockall locked nothing (VmLck 0; a sanitizer build?)")
    print("PASS: --pid -m: mlock WARN with VmLck 0 as /proc says" if m["verdict"] == "WARN"
          else "FAIL: --pid -m: mlock %s with VmLck 0" % m["verdict"])
else:
    print("PASS: --pid -m: mlock PASS with VmLck %s kB as /proc says" % sys.argv[3]
          if m["verdict"] == "PASS" and want in m["evidence"]
          else "FAIL: --pid -m: mlock: %s %s (want %r)" % (m["verdict"], m["evidence"], want))
p = f["workload.pinned"]
print("PASS: --pid -m: every thread pinned" if p["verdict"] == "PASS" else "FAIL: --pid -m: pinned: " + p["evidence"])
PY
	kill "$P"; wait "$P" 2>/dev/null
fi

# 4. A cgroup v1 cpuset named like a docker scope, CPU 1 only.
if [ ! -f "$CS/cpuset.cpus" ]; then
	skip "--cgroup v1" "no cgroup v1 cpuset at $CS (v2 is tested in the QEMU guest)"
elif ! mkdir -p "$SCOPE" || ! echo 1 > "$CG/cpuset.cpus" || ! echo 0 > "$CG/cpuset.mems" ||
     ! echo 1 > "$SCOPE/cpuset.cpus" || ! echo 0 > "$SCOPE/cpuset.mems"; then
	fail "--cgroup v1: cannot create $SCOPE with cpuset.cpus=1"
elif start_wl "$T_TMP/wl3" "$SCOPE" -s 60 -M 1 -f "$T_TMP/faults:64:2" \
		1:other:spin 1:other:spin 1:fifo:10:sleep; then
	read -r _ P T1 T2 T3 < "$T_TMP/wl3"
	grep -q "cpuset:/nohz-wl-$$/docker-$HEX.scope" /proc/"$P"/cgroup &&
		ok "--cgroup v1: helper $P runs in docker-${HEX:0:12}....scope" ||
		fail "--cgroup v1: helper not in the cgroup" "$(cat /proc/"$P"/cgroup)"
	loc() { awk -v c="$1" '$1=="LOC:" {print $(c+2)}' /proc/interrupts; }
	maj0=$(sed 's/.*) //' /proc/"$P"/task/"$P"/stat | awk '{print $10}')
	l0=$(loc 1); t0=$(date +%s.%N)
	"$NC" --cgroup "${HEX:0:12}" -d 3 --no-explain -j > "$T_TMP/j3" 2> "$T_TMP/e3" &
	ncpid=$!
	sleep 1.5
	cat /proc/$ncpid/task/*/comm > "$T_TMP/nc-threads" 2>/dev/null
	wait $ncpid; RC=$?
	l1=$(loc 1); t1=$(date +%s.%N)
	maj1=$(sed 's/.*) //' /proc/"$P"/task/"$P"/stat | awk '{print $10}')
	witness "$P" "$T_TMP/w3"
	expect_rc "--cgroup id, live: exit 1 (FAIL)" 1
	if [ -s "$T_TMP/nc-threads" ] && ! grep -q nohz-spin "$T_TMP/nc-threads"; then
		ok "--cgroup live: no spinner thread in nohz-check ($(sort -u "$T_TMP/nc-threads" | tr '\n' ' '))"
	else
		fail "--cgroup live: spinner threads" "$(tr '\n' ' ' < "$T_TMP/nc-threads")"
	fi
	python3 - "$T_TMP/j3" "$T_TMP/w3" "$SCOPE" "$HEX" "$P" "$T1 $T2" "$l0" "$l1" "$t0" "$t1" \
		"$maj0" "$maj1" <<'PY'
import json, sys
j = json.load(open(sys.argv[1])); w = j["workload"]
scope, hexid, pid, spin = sys.argv[3], sys.argv[4], int(sys.argv[5]), sys.argv[6].split()
l0, l1, t0, t1, maj0, maj1 = int(sys.argv[7]), int(sys.argv[8]), float(sys.argv[9]), float(sys.argv[10]), int(sys.argv[11]), int(sys.argv[12])
seen = {int(l.split()[0]) for l in open(sys.argv[2]) if not l.startswith("vmlck")}
f = {x["id"]: x for x in j["findings"]}
def check(name, good, why=""):
    print(("PASS: --cgroup v1: %s" % name) if good else ("FAIL: --cgroup v1: %s: %s" % (name, why)))
check("the id resolves to the scope", w["cgroup"]["dir"] == scope and w["cgroup"]["version"] == 1
      and w["container"]["id"] == hexid and w["container"]["runtime"] == "docker", json.dumps(w["cgroup"]))
check("targets: cpuset.effective_cpus = 1", j["cpus"] == "1" and w["cpus_from"] == "cpuset.effective_cpus", j["cpus"])
check("threads: those of /proc/%d/task" % pid, {t["tid"] for t in w["threads"]} == seen,
      "%s vs %s" % (sorted(t["tid"] for t in w["threads"]), sorted(seen)))
live = j.get("live") or {}
c1 = [c for c in live.get("cpus", []) if c["cpu"] == 1]
check("live window on CPU 1 without spinner", len(c1) == 1 and c1[0]["spinner_tid"] == 0, str(c1))
if c1:
    secs = live["seconds"]; ticks = c1[0]["ticks"]
    expect = (l1 - l0) / (t1 - t0) * secs
    check("ticks agree with the LOC delta of CPU 1 (%d vs %.1f)" % (ticks, expect),
          abs(ticks - expect) <= max(3, 0.03 * expect), "%d vs %.1f" % (ticks, expect))
r = f["workload.runnable"]
check("runnable FAIL: both spinners on CPU 1 at both ends", r["verdict"] == "FAIL" and
      all("/%s" % t in r["evidence"] for t in spin) and "2 of 2 samples" in r["evidence"], r["evidence"])
main = [t for t in w["threads"] if t["tid"] == pid][0]
check("majflt delta = /proc witness (%d)" % (maj1 - maj0), maj1 - maj0 > 0 and
      main["majflt_delta"] == maj1 - maj0, "tool %d, witness %d" % (main["majflt_delta"], maj1 - maj0))
m = f["workload.majflt"]
check("majflt WARN names the main thread", m["verdict"] == "WARN" and "workload/%d: %d" % (pid, maj1 - maj0) in m["evidence"], m["evidence"])
check("mlock WARN for the RT thread", f["workload.mlock"]["verdict"] == "WARN", f["workload.mlock"]["evidence"])
PY
	# the same cgroup by path, relative to the cpuset mount and absolute
	for spec in "nohz-wl-$$/docker-$HEX.scope" "/nohz-wl-$$/docker-$HEX.scope" "$SCOPE" "docker-$HEX"; do
		run_tool "$T_TMP/j4" "$T_TMP/e" "$NC" --cgroup "$spec" -s -j
		d=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["workload"]["cgroup"]["dir"])' "$T_TMP/j4" 2>/dev/null)
		[ "$d" = "$SCOPE" ] && ok "--cgroup '${spec:0:40}...' resolves to the scope" ||
			fail "--cgroup '$spec'" "dir '$d', exit $RC: $(head -c 200 "$T_TMP/e")"
	done
	run_tool "$T_TMP/t4" "$T_TMP/e" "$NC" --cgroup "$SCOPE" -s
	expect_grep "--cgroup text: names the workload" \
		"^Workload: cgroup v1 /nohz-wl-$$/docker-$HEX.scope \(docker ${HEX:0:12}\)" "$T_TMP/t4"
	expect_grep "--cgroup text: a row per thread" "^ +$T3 workload +SCHED_FIFO +10 1 " "$T_TMP/t4"
	kill "$P"; wait "$P" 2>/dev/null
fi

# 5. Inside a "container": own pid, mount and cgroup namespaces, the cpuset
# hierarchy mounted again from inside (as a runtime does) or left as the
# host's (then the mounts cannot show the cgroup: the pid namespace is used).
if ! command -v unshare > /dev/null; then
	skip "container" "no unshare (util-linux)"
elif [ ! -f "$CS/cpuset.cpus" ] || ! mkdir -p "$CT" || ! echo 1 > "$CT/cpuset.cpus" ||
     ! echo 0 > "$CT/cpuset.mems"; then
	skip "container" "cannot make a cpuset cgroup under $CS"
else
	for remount in 1 0; do
		(echo "$BASHPID" > "$CT/cgroup.procs" &&
		 exec unshare -p -f -m -C --mount-proc env NC="$NC" WL="$WL" R=$remount sh -c '
			if [ "$R" = 1 ]; then
				umount /sys/fs/cgroup/cpuset &&
				mount -t cgroup -o cpuset cpuset /sys/fs/cgroup/cpuset || exit 9
			fi
			"$WL" -s 30 -M 1 1:other:spin > /dev/null & w=$!
			sleep 0.3
			"$NC" -d 1 --no-explain -j; rc=$?
			kill $w; wait $w 2>/dev/null
			exit $rc') > "$T_TMP/j5" 2> "$T_TMP/e5"
		RC=$?
		python3 - "$T_TMP/j5" "$remount" "$RC" "$T_TMP/e5" <<'PY'
import json, sys
tag = "container (%s)" % ("cpuset mounted inside" if sys.argv[2] == "1" else "host's mounts")
try:
    j = json.load(open(sys.argv[1]))
except ValueError as e:
    print("FAIL: %s: no JSON (exit %s): %s" % (tag, sys.argv[3], open(sys.argv[4]).read()[:300])); sys.exit()
w = j.get("workload") or {}; f = {x["id"]: x for x in j["findings"]}
def check(name, good, why=""):
    print(("PASS: %s: %s" % (tag, name)) if good else ("FAIL: %s: %s: %s" % (tag, name, why)))
c = f.get("workload.container", {})
check("workload.container WARN says what cannot be verified", c.get("verdict") == "WARN" and
      "a pid namespace of its own" in c.get("evidence", "") and "Not verifiable from inside" in c.get("evidence", ""),
      str(c))
check("the container is the workload, on its cpuset", j["cpus"] == "1" and w.get("spec") == "self" and
      w.get("kind") == ("cgroup" if sys.argv[2] == "1" else "pidns"), "%s %s %s" % (j["cpus"], w.get("spec"), w.get("kind")))
check("the helper is one of its threads", any(t["comm"] == "workload" for t in w.get("threads", [])),
      str([t["comm"] for t in w.get("threads", [])]))
l = f.get("workload.live", {})
check("live SKIP: no CPU outside the cpuset to count from", l.get("verdict") == "SKIP" and
      "no CPU outside" in l.get("evidence", ""), str(l))
PY
	done
fi

# 6. Everything left as found.
cleanup
left=$(ls -d "$CS"/nohz-wl-$$* 2>/dev/null)
[ -z "$left" ] && ok "cgroups removed" || fail "cgroups left" "$left"
# the global tracing state (instances of other tools running meanwhile are
# not ours to judge; these runs open none: --no-explain)
tracefs_snapshot "$T_TMP/tr.after"
if cmp -s <(grep '[:=]' "$T_TMP/tr.before") <(grep '[:=]' "$T_TMP/tr.after"); then
	ok "tracefs left as found"
else
	fail "tracefs changed" "$(diff "$T_TMP/tr.before" "$T_TMP/tr.after" | head -5 | tr '\n' ' ')"
fi
