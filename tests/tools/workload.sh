#!/bin/bash
# tests/tools/workload.sh - nohz-check --pid / --cgroup on the captured trees
# tests/fixtures/workload-v2 (cgroup v2, a docker container) and workload-v1
# (RHEL 8-era cgroup v1).  Expected values come from the tree files (stat,
# status, cpuset and sysfs files read here), not from the tool's output.
. "$(dirname "$0")/../lib.sh"

N=$B/nohz-check
V2=$FIX/workload-v2
V1=$FIX/workload-v1
ID2=$(ls "$V2/sys/fs/cgroup/system.slice" | sed -n 's/^docker-\(.*\)\.scope$/\1/p')
ID1=$(ls "$V1/sys/fs/cgroup/cpuset/docker" | grep -E '^[0-9a-f]{64}$')

# trees: what mkworkload.py writes
mkdir -p "$T_TMP/regen"
if python3 "$FIX/mkworkload.py" -o "$T_TMP/regen" &&
   diff -r -q "$V2" "$T_TMP/regen/workload-v2" > "$T_TMP/diff" 2>&1 &&
   diff -r -q "$V1" "$T_TMP/regen/workload-v1" >> "$T_TMP/diff" 2>&1; then
	ok "workload trees are what mkworkload.py writes"
else
	fail "workload trees are what mkworkload.py writes" "$(head -n 2 "$T_TMP/diff" | tr '\n' ' ')"
fi

# judge JSON TREE PREFIX - compare the workload findings of a JSON report
# with what the tree's files say
judge() {
	python3 - "$1" "$2" "$3" <<'PY'
import glob, json, os, sys
j = json.load(open(sys.argv[1])); root = sys.argv[2]; tag = sys.argv[3]
def cpus(s):
    out = set()
    for part in filter(None, s.strip().split(",")):
        a, _, b = part.partition("-"); out.update(range(int(a), int(b or a) + 1))
    return out
def read(p): return open(os.path.join(root, p.lstrip("/"))).read()
iso = cpus(read("sys/devices/system/cpu/nohz_full")) | cpus(read("sys/devices/system/cpu/isolated"))
w = j["workload"]; f = {x["id"]: x for x in j["findings"]}
threads = {}
for t in w["threads"]:
    d = "proc/%d/task/%d" % (t["pid"], t["tid"])
    st = read(d + "/stat"); fields = st[st.rindex(")") + 2:].split()
    allowed = [l.split(":")[1].strip() for l in read(d + "/status").splitlines() if l.startswith("Cpus_allowed_list:")][0]
    threads[t["tid"]] = dict(comm=st[st.index("(") + 1:st.rindex(")")], state=fields[0],
                             cpu=int(fields[36]), allowed=cpus(allowed), policy=int(fields[38]))
def check(name, good, why=""):
    print(("PASS: %s: %s" % (tag, name)) if good else ("FAIL: %s: %s: %s" % (tag, name, why)))
# the threads of every process in the cgroup.procs files below the cgroup
if w["kind"] == "cgroup":
    pids = set()
    for p in glob.glob(os.path.join(root, w["cgroup"]["dir"].lstrip("/"), "**", "cgroup.procs"), recursive=True):
        pids |= {int(x) for x in open(p).read().split() if os.path.isdir(os.path.join(root, "proc", x))}
else:
    pids = {w["pid"]}
tids = {int(t) for p in pids for t in os.listdir(os.path.join(root, "proc/%d/task" % p))}
check("threads are those of the processes in it", set(threads) == tids, "%s vs %s" % (sorted(threads), sorted(tids)))
hk = cpus(j["cpus"]) - iso
h = f["workload.housekeeping"]
check("housekeeping %s" % ("FAIL naming %s" % sorted(hk) if hk else "PASS"),
      (h["verdict"] == "FAIL" and "housekeeping CPU %s" % ",".join(map(str, sorted(hk))) in h["evidence"])
      if hk else h["verdict"] == "PASS", h["evidence"])
out = [t for t, x in threads.items() if not x["allowed"] <= iso]
a = f["workload.affinity"]
check("affinity names the %d threads allowed outside the isolated CPUs" % len(out),
      (a["verdict"] == "FAIL" and all("/%d on" % t in a["evidence"] for t in out)) if out else a["verdict"] == "PASS",
      a["evidence"])
wide = [t for t, x in threads.items() if len(x["allowed"]) > 1]
p = f["workload.pinned"]
check("pinned names the %d threads allowed on several CPUs" % len(wide),
      (p["verdict"] == "WARN" and all("/%d may move" % t in p["evidence"] for t in wide)
       and p["evidence"].count("may move") == len(wide)) if wide else p["verdict"] == "PASS", p["evidence"])
run = {}
for d in glob.glob(os.path.join(root, "proc/[0-9]*/task/[0-9]*/stat")):
    st = open(d).read(); fields = st[st.rindex(")") + 2:].split()
    if fields[0] == "R" and int(fields[36]) in cpus(j["cpus"]):
        run.setdefault(int(fields[36]), []).append(int(st.split()[0]))
crowded = {c: t for c, t in run.items() if len(t) > 1}
r = f["workload.runnable"]
check("runnable names every CPU with 2+ runnable threads %s" % sorted(crowded),
      (r["verdict"] == "WARN" and all("CPU %d: %d runnable" % (c, len(t)) in r["evidence"]
                                      and all("/%d" % x in r["evidence"] for x in t) for c, t in crowded.items()))
      if crowded else r["verdict"] == "PASS", r["evidence"])
rt = [t for t, x in threads.items() if x["policy"] in (1, 2)]
rtrun = int(read("proc/sys/kernel/sched_rt_runtime_us"))
check("rt_throttle", f["workload.rt_throttle"]["verdict"] == ("WARN" if rt and rtrun >= 0 else "PASS"),
      f["workload.rt_throttle"]["evidence"])
locked = {}
for pid in {t["pid"] for t in w["threads"]}:
    locked[pid] = [int(l.split()[1]) for l in read("proc/%d/status" % pid).splitlines() if l.startswith("VmLck:")][0]
rtp = {t["pid"] for t in w["threads"] if threads[t["tid"]]["policy"] in (1, 2)}
m = f["workload.mlock"]
unlocked = [p for p in rtp if locked[p] == 0]
check("mlock %s" % ("WARN for %s" % unlocked if unlocked else "PASS"),
      (m["verdict"] == "WARN" and all("pid %d)" % p in m["evidence"] for p in unlocked)) if unlocked
      else m["verdict"] == "PASS" and all("%d kB" % locked[p] in m["evidence"] for p in rtp), m["evidence"])
check("majflt SKIP on a tree (no window)", f["workload.majflt"]["verdict"] == "SKIP")
PY
}

# --- cgroup v2 -------------------------------------------------------------
for spec in "${ID2:0:12}" "/sys/fs/cgroup/system.slice/docker-$ID2.scope" \
	    "system.slice/docker-$ID2.scope"; do
	run_tool "$T_TMP/v2.json" "$T_TMP/e" "$N" --root "$V2" --cgroup "$spec" -j
	d=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["workload"]["cgroup"]["dir"])' \
	    "$T_TMP/v2.json" 2>/dev/null)
	if [ "$RC" = 1 ] && [ "$d" = "/sys/fs/cgroup/system.slice/docker-$ID2.scope" ]; then
		ok "v2: --cgroup '${spec:0:30}' resolves (exit 1)"
	else
		fail "v2: --cgroup '$spec'" "exit $RC, dir '$d': $(head -c 200 "$T_TMP/e")"
	fi
done
judge "$T_TMP/v2.json" "$V2" "v2 --cgroup"
run_tool "$T_TMP/v2.txt" "$T_TMP/e" "$N" --root "$V2" --cgroup "${ID2:0:12}"
expect_grep "v2 text: the workload line" \
	"^Workload: cgroup v2 /system.slice/docker-$ID2.scope \(docker ${ID2:0:12}\)$" "$T_TMP/v2.txt"
expect_grep "v2 text: CPUs from the cpuset" \
	"^  CPUs $(cat "$V2/sys/fs/cgroup/system.slice/docker-$ID2.scope/cpuset.cpus.effective") \(cpuset.cpus.effective\); 2 processes, 5 threads$" \
	"$T_TMP/v2.txt"
expect_grep "v2 text: docker's own remedy" \
	"fix: docker update --cpuset-cpus 2-3 ${ID2:0:12}; or echo 2-3 > " "$T_TMP/v2.txt"
expect_grep "v2 text: verdict line on the cpuset" '^verdict: FAIL \(CPUs 1-3\)$' "$T_TMP/v2.txt"
python3 - "$T_TMP/v2.json" "$T_TMP/v2.txt" <<'PY'
import json, re, sys
d = json.load(open(sys.argv[1])); txt = open(sys.argv[2]).read()
bad = [x["id"] for x in d["findings"] if not re.search(r"^%s +%s( |$)" % (x["verdict"], re.escape(x["id"])), txt, re.M)]
print("PASS: v2: text report agrees with JSON" if not bad else "FAIL: v2: text lacks %s" % bad)
PY

run_tool "$T_TMP/pid.json" "$T_TMP/e" "$N" --root "$V2" --pid 4107 -j
judge "$T_TMP/pid.json" "$V2" "v2 --pid (a thread id)"
python3 - "$T_TMP/pid.json" <<'PY'
import json, sys
w = json.load(open(sys.argv[1]))["workload"]
print("PASS: v2 --pid 4107: process 4100, its cgroup and container" if w["pid"] == 4100 and
      w["container"]["runtime"] == "docker" and w["cgroup"]["version"] == 2
      else "FAIL: v2 --pid 4107: %s" % json.dumps(w)[:300])
PY

# --- cgroup v1 -------------------------------------------------------------
run_tool "$T_TMP/v1.json" "$T_TMP/e" "$N" --root "$V1" --cgroup "${ID1:0:8}" -j
expect_rc "v1: --cgroup id: exit 0 (a tuned container)" 0
judge "$T_TMP/v1.json" "$V1" "v1 --cgroup"
python3 - "$T_TMP/v1.json" "$ID1" "$(cat "$V1/sys/fs/cgroup/cpu,cpuacct/docker/$ID1/cpu.rt_runtime_us")" <<'PY'
import json, sys
j = json.load(open(sys.argv[1])); w = j["workload"]; f = {x["id"]: x for x in j["findings"]}
ok = (w["cgroup"]["dir"] == "/sys/fs/cgroup/cpuset/docker/" + sys.argv[2] and w["cgroup"]["version"] == 1
      and w["cpus_from"] == "cpuset.effective_cpus" and j["cpus"] == "2-3")
print("PASS: v1: the id names the cpuset cgroup (cpuset.effective_cpus 2-3)" if ok else "FAIL: v1: %s" % json.dumps(w["cgroup"]))
t = f["workload.rt_throttle"]["evidence"]
want = "/sys/fs/cgroup/cpu,cpuacct/docker/%s/cpu.rt_runtime_us = %s of 1000000 us" % (sys.argv[2], sys.argv[3])
print("PASS: v1: rt_throttle shows the cpu cgroup's RT budget" if want in t else "FAIL: v1: rt_throttle: " + t)
PY
run_tool "$T_TMP/v1p.json" "$T_TMP/e" "$N" --root "$V1" --cgroup docker -j
n=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["workload"]["threads"]))' "$T_TMP/v1p.json")
[ "$n" = "$(ls "$V1/proc/5300/task" | wc -l)" ] && ok "v1: --cgroup docker holds the container below it ($n threads)" ||
	fail "v1: --cgroup docker" "$n threads"

# --- bad input -------------------------------------------------------------
bad() {
	local name=$1 pat=$2
	shift 2
	run_tool "$T_TMP/bad.out" "$T_TMP/bad.err" "$N" "$@"
	if [ "$RC" = 2 ] && [ "$(wc -l < "$T_TMP/bad.err")" = 1 ] && [ ! -s "$T_TMP/bad.out" ] &&
	   grep -Eq -- "^nohz-check: .*$pat" "$T_TMP/bad.err"; then
		ok "bad input: $name"
	else
		fail "bad input: $name" "exit $RC: $(head -n 2 "$T_TMP/bad.err" | tr '\n' '|')"
	fi
}
bad "--pid not in the tree" "no process 4343" --root "$V2" --pid 4343
bad "--pid 0" "cannot parse pid '0'" --root "$V2" --pid 0
bad "--cgroup path not in the tree" "no such cgroup" --root "$V2" --cgroup /sys/fs/cgroup/nope
bad "--cgroup id of no process" "names 'feedfacefeed'" --root "$V2" --cgroup feedfacefeed
bad "--cgroup with -c" "-c cannot be used with --cgroup" --root "$V2" --cgroup "${ID2:0:12}" -c 2
bad "--cgroup without an argument" "needs an argument" --root "$V2" --cgroup

# --- damaged trees ---------------------------------------------------------
# every file of a copy cut at a random length, or removed (fixed seeds): any
# verdict, but exit 2 only with one line, never a signal or sanitizer report
NS=$N
[ -x "$TOP/build/san/nohz-check" ] && NS=$TOP/build/san/nohz-check
nbad=0 nrun=0 rcs=""
for seed in 1 2 3 4; do
	for tree in workload-v2 workload-v1; do
		d=$T_TMP/dmg-$tree-$seed
		rm -rf "$d"; cp -r "$FIX/$tree" "$d"
		python3 - "$d" "$seed" <<'PY'
import os, random, sys
rnd = random.Random(int(sys.argv[2]))
for dp, _, files in sorted(os.walk(sys.argv[1])):
    for f in sorted(files):
        p = os.path.join(dp, f)
        if rnd.random() < 0.15:
            os.unlink(p)
        elif rnd.random() < 0.3:
            os.truncate(p, rnd.randint(0, os.path.getsize(p)))
PY
		id=$([ $tree = workload-v2 ] && echo "${ID2:0:12}" || echo "${ID1:0:12}")
		for args in "--cgroup $id" "--pid 4100" "--pid 5300" "--cgroup docker" "--cgroup system.slice"; do
			ASAN_OPTIONS=exitcode=99 UBSAN_OPTIONS=halt_on_error=1:exitcode=98 \
				timeout 20 "$NS" --root "$d" $args -j > "$T_TMP/dmg.out" 2> "$T_TMP/dmg.err"
			rc=$? nrun=$((nrun + 1)) rcs="$rcs $rc"
			if [ $rc -gt 2 ] || { [ $rc = 2 ] && [ "$(wc -l < "$T_TMP/dmg.err")" != 1 ]; } ||
			   { [ $rc -lt 2 ] && ! python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$T_TMP/dmg.out" 2>/dev/null; }; then
				nbad=$((nbad + 1))
				fail "damaged $tree seed $seed: $args" "exit $rc: $(head -c 200 "$T_TMP/dmg.err" | tr '\n' '|')"
			fi
		done
	done
done
mix=$(printf '%s\n' $rcs | sort | uniq -c | awk '{ s = s (NR > 1 ? ", " : "") $1 " x exit " $2 } END { print s }')
[ $nbad = 0 ] && ok "damaged trees: $nrun runs of $(basename "$NS") with --pid/--cgroup: exit 0-2, one line on 2, JSON otherwise ($mix)"
