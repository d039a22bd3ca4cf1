#!/bin/bash
# tests/tools/nohz-check.sh - nohz-check --root against captured-host trees
# (tests/fixtures, see README.md there): exit codes, the verdict of every
# finding, evidence and remedy texts, text and JSON output, bad input.
# What a finding must name is recomputed from the tree's own files by
# tests/fixtures/witness.py (w:* checks), not taken from the tool.
. "$(dirname "$0")/../lib.sh"

N=$B/nohz-check
W() { python3 "$FIX/witness.py" "$@"; }
GEN=$TOP/build/fixtures	# cpus1024 is generated here, not committed

if [ ! -x "$N" ]; then
	fail "nohz-check: built" "$N is missing (make)"
	exit 0
fi

# text_vs_json NAME - the text report shows the same verdicts as the JSON one
text_vs_json() {
	python3 - "$T_TMP/$1.json" "$T_TMP/$1.txt" "$1" <<'EOF'
import json, re, sys
d = json.load(open(sys.argv[1])); txt = open(sys.argv[2]).read(); name = sys.argv[3]
bad = [x["id"] for x in d["findings"]
       if not re.search(r"^%s +%s( |$)" % (x["verdict"], re.escape(x["id"])), txt, re.M)]
last = re.search(r"^verdict: (\w+) \(CPUs ([^)]*)\)$", txt, re.M)
ok = not bad and last and last.groups() == (d["verdict"], d["cpus"])
print(("PASS: %s: text report agrees with JSON" % name) if ok else
      "FAIL: %s: text report agrees with JSON: lines missing for %s; verdict line %s" %
      (name, bad[:5], last and last.group(0)))
EOF
}

# nc NAME ROOT RC [ARGS...] - run text and JSON mode, expect exit code RC in
# both, nothing on stderr; leaves $T_TMP/NAME.{txt,json}
nc() {
	local name=$1 root=$2 want=$3
	shift 3
	run_tool "$T_TMP/$name.txt" "$T_TMP/$name.terr" "$N" --root "$root" "$@"
	expect_rc "$name: exit code (text)" "$want"
	run_tool "$T_TMP/$name.json" "$T_TMP/$name.jerr" "$N" --root "$root" -j "$@"
	expect_rc "$name: exit code (json)" "$want"
	if [ -s "$T_TMP/$name.terr" ] || [ -s "$T_TMP/$name.jerr" ]; then
		fail "$name: nothing on stderr" "$(cat "$T_TMP/$name.terr" "$T_TMP/$name.jerr" | head -n 2)"
	else
		ok "$name: nothing on stderr"
	fi
	text_vs_json "$name"
}

# bad NAME PATTERN ARGS... - exit 2, nothing on stdout, one stderr line
# "nohz-check: ..." matching PATTERN (the bad token)
bad() {
	local name=$1 pat=$2
	shift 2
	run_tool "$T_TMP/bad.out" "$T_TMP/bad.err" "$N" "$@"
	expect_rc "bad input: $name: exit 2" 2
	if [ "$(wc -l < "$T_TMP/bad.err")" = 1 ] && [ ! -s "$T_TMP/bad.out" ] &&
	   grep -Eq -- "^nohz-check: .*$pat" "$T_TMP/bad.err"; then
		ok "bad input: $name: one line naming it"
	else
		fail "bad input: $name: one line naming it" \
			"stderr: $(head -n 3 "$T_TMP/bad.err" | tr '\n' '|') stdout: $(head -c 80 "$T_TMP/bad.out")"
	fi
}

ALL_W=(w:irq w:kthreads w:user w:runnable w:unbound w:default_affinity w:cpumask w:writeback)

# ---------------------------------------------------------------- trees
for f in isolated16 misconfigured16 warn16 bootcpu4 nohzoff2; do
	W --lint "$f" "$FIX/$f"
done
mkdir -p "$T_TMP/regen"
if python3 "$FIX/mkfixture.py" -o "$T_TMP/regen" committed > /dev/null; then
	for f in isolated16 misconfigured16 warn16 bootcpu4 nohzoff2 missing; do
		if diff -r --no-dereference -q "$FIX/$f" "$T_TMP/regen/$f" > "$T_TMP/diff" 2>&1; then
			ok "$f: tree is what mkfixture.py writes"
		else
			fail "$f: tree is what mkfixture.py writes" "$(head -n 2 "$T_TMP/diff" | tr '\n' ' ')"
		fi
	done
else
	fail "mkfixture.py runs"
fi

# ---------------------------------------------------------------- isolated16
F=$FIX/isolated16
nc isolated16 "$F" 0
W "$T_TMP/isolated16.json" isolated16 "$F" schema untruncated verdict=PASS cpus=1-15 \
	others=PASS "${ALL_W[@]}" \
	'kernel.hz~HZ=1000' 'boot.nohz_full~1-15' \
	'irq.irqbalance~IRQBALANCE_BANNED_CPULIST=1-15' 'tuned~1-15'
nc isolated16-c "$F" 0 -c 1-15
W "$T_TMP/isolated16-c.json" isolated16-c "$F" verdict=PASS cpus=1-15 others=PASS
nc isolated16-c3 "$F" 0 -c 3
W "$T_TMP/isolated16-c3.json" isolated16-c3 "$F" cpus=3 "${ALL_W[@]}" 'cpu.online=PASS' \
	'boot.nohz_full=PASS' 'threads.runnable=PASS'
# --root means static checks only: no live test even when -d is given
run_tool "$T_TMP/rel.json" "$T_TMP/rel.err" env -C "$FIX" "$N" --root isolated16/ -d 30 -j
expect_rc "isolated16 relative --root with -d: exit code" 0
if python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit("live" in d or d["cpus"] != "1-15")' \
	"$T_TMP/rel.json" 2>/dev/null; then
	ok "isolated16 relative --root with -d: static report only"
else
	fail "isolated16 relative --root with -d: static report only" "$(head -c 200 "$T_TMP/rel.json")"
fi
run_tool "$T_TMP/q.out" "$T_TMP/q.err" "$N" --root "$F" -q
expect_rc "isolated16 -q: exit code" 0
if [ "$(grep -c . "$T_TMP/q.out")" = 1 ] && grep -q '^verdict: PASS (CPUs 1-15)$' "$T_TMP/q.out"; then
	ok "isolated16 -q: only the verdict line"
else
	fail "isolated16 -q: only the verdict line" "$(head -n 3 "$T_TMP/q.out" | tr '\n' '|')"
fi

# ---------------------------------------------------------------- misconfigured16
# nohz_full implies rcu_nocbs (rcu_init_nohz() adds the nohz_full CPUs to
# the offload mask when CONFIG_RCU_NOCB_CPU=y): boot.rcu_nocbs passes here.
F=$FIX/misconfigured16
nc misconfigured16 "$F" 1
W "$T_TMP/misconfigured16.json" misconfigured16 "$F" schema untruncated skipreasons \
	verdict=FAIL cpus=1-15 "${ALL_W[@]}" \
	irq.affinity=FAIL threads.kthreads=FAIL work.writeback=FAIL \
	work.cpumask=FAIL irq.irqbalance=FAIL tuned=FAIL \
	sysctl.stat_interval=WARN mm.thp=WARN boot.isolcpus=WARN boot.extras=WARN \
	irq.default_affinity=WARN work.unbound=WARN threads.user=WARN threads.runnable=WARN \
	sysctl.rt_runtime=WARN power.governor=WARN power.cpuidle=WARN mm.mce=WARN \
	others=PASS \
	'boot.rcu_nocbs~implied by nohz_full' \
	'irq.affinity~IRQ 33 \(nvme0q2\) -> 1\b' 'irq.affinity~IRQ 49 \(i40e-eno1-TxRx-0\) -> 3\b' \
	'irq.affinity@echo 0 > /proc/irq/33/smp_affinity_list' \
	'threads.kthreads~rcuop/[0-9]+ \(pid [0-9]+' 'threads.kthreads~rcuog/[0-9]+ \(pid' \
	'threads.kthreads!~kworker/u32:[0-9]' 'threads.kthreads@taskset -pc 0 ' \
	'work.writeback@echo 1 > /sys/bus/workqueue/devices/writeback/cpumask' \
	'work.cpumask@echo 1 > /sys/devices/virtual/workqueue/cpumask' \
	'irq.irqbalance~pid [0-9]+' 'irq.irqbalance~1-7' 'irq.irqbalance@IRQBALANCE_BANNED_CPULIST=1-15' \
	'sysctl.stat_interval~= 1\b' 'sysctl.stat_interval@vm.stat_interval=120' \
	'mm.thp~\[always\]' 'tuned~2-15' 'tuned~1-15' 'threads.runnable~CPU 7: 2' \
	'boot.isolcpus@isolcpus=managed_irq,domain,1-15' 'irq.default_affinity@echo 1 > /proc/irq/default_smp_affinity'
# The same capture unpacked elsewhere (tmpfs lists a directory in another
# order than ext4) must give the same report: evidence lists are truncated,
# so an order taken from readdir() would drop different offenders.
if [ -d /dev/shm ] && [ -w /dev/shm ]; then
	SHM=$(mktemp -d /dev/shm/nohz-test.XXXXXX)
	cp -a "$F" "$SHM/misconfigured16"
	"$N" --root "$SHM/misconfigured16" -j > "$T_TMP/shm.json" 2>&1
	python3 - "$T_TMP/misconfigured16.json" "$T_TMP/shm.json" <<'EOF2'
import json, sys
a, b = (json.load(open(p))["findings"] for p in sys.argv[1:3])
diff = [x["id"] for x, y in zip(a, b) if (x["evidence"], x["remedy"]) != (y["evidence"], y["remedy"])]
print("PASS: misconfigured16: same report from a copy on tmpfs" if not diff and len(a) == len(b) else
      "FAIL: misconfigured16: same report from a copy on tmpfs: differs in %s" % ", ".join(diff))
EOF2
	W "$T_TMP/shm.json" misconfigured16-tmpfs "$SHM/misconfigured16" w:irq w:kthreads \
		'threads.kthreads~rcuop/[0-9]+ \(pid [0-9]+'
	rm -rf "$SHM"
else
	skip "misconfigured16: same report from a copy on tmpfs" "no writable /dev/shm"
fi
nc misconfigured16-c "$F" 1 -c 2-15
W "$T_TMP/misconfigured16-c.json" misconfigured16-c "$F" cpus=2-15 verdict=FAIL "${ALL_W[@]}" \
	'irq.affinity!~ -> 1(,|$)' 'irq.default_affinity@echo 3 > '
run_tool "$T_TMP/q.out" "$T_TMP/q.err" "$N" --root "$F" -q
expect_rc "misconfigured16 -q: exit code" 1
if ! grep -Eq '^(PASS|WARN) ' "$T_TMP/q.out" && grep -q '^FAIL irq.affinity' "$T_TMP/q.out" &&
   grep -q '^verdict: FAIL' "$T_TMP/q.out"; then
	ok "misconfigured16 -q: FAIL findings and the verdict only"
else
	fail "misconfigured16 -q: FAIL findings and the verdict only" "$(grep -c . "$T_TMP/q.out") lines"
fi

# ---------------------------------------------------------------- warn16
F=$FIX/warn16
nc warn16 "$F" 0
W "$T_TMP/warn16.json" warn16 "$F" schema untruncated skipreasons verdict=WARN cpus=2-15 "${ALL_W[@]}" \
	cpu.housekeeping=WARN cpu.smt=WARN boot.isolcpus=WARN boot.extras=WARN \
	irq.default_affinity=WARN work.unbound=WARN threads.user=WARN threads.runnable=WARN \
	sysctl.stat_interval=WARN sysctl.watchdog=WARN sysctl.timer_migration=WARN \
	sysctl.rt_runtime=WARN sysctl.numa_balancing=WARN clocksource=WARN power.governor=WARN \
	mm.thp=WARN mm.mce=WARN power.cpuidle=SKIP 'tuned=SKIP|PASS' others=PASS \
	'kernel.config~/boot/config-6.8.0-45-generic' 'cpu.housekeeping~node 1' \
	'cpu.smt~CPU 8' 'cpu.smt~CPU 9' 'boot.rcu_nocbs~Offload RCU callbacks from CPUs: 2-15' \
	'boot.extras~idle=poll' 'boot.extras@irqaffinity=0-1' 'irq.irqbalance~0000fffc' \
	'irq.default_affinity@echo 3 > /proc/irq/default_smp_affinity' 'work.unbound~blkcg_punt_bio' \
	'threads.user~dpdk-testpmd' 'threads.runnable~CPU 5: 2' 'sysctl.watchdog@watchdog_cpumask=0-1' \
	'clocksource~hpet' 'mm.thp~KSM'
nc warn16-cores "$F" 0 -c 2-7,10-15
W "$T_TMP/warn16-cores.json" warn16-cores "$F" cpus=2-7,10-15 cpu.smt=PASS cpu.housekeeping=WARN
nc warn16-node0 "$F" 0 -c 2-3
W "$T_TMP/warn16-node0.json" warn16-node0 "$F" cpus=2-3 cpu.smt=WARN 'cpu.smt~CPU 2' \
	cpu.housekeeping=PASS

# ---------------------------------------------------------------- bootcpu4
F=$FIX/bootcpu4
nc bootcpu4 "$F" 1
W "$T_TMP/bootcpu4.json" bootcpu4 "$F" schema untruncated skipreasons verdict=FAIL cpus=1-3 "${ALL_W[@]}" \
	boot.nohz_full=FAIL power.governor=SKIP mm.mce=SKIP 'tuned=PASS|SKIP' others=PASS \
	'boot.nohz_full~0-3' 'boot.nohz_full~1-3' 'boot.nohz_full@nohz_full=1-3' \
	'boot.isolcpus~1-3' 'boot.isolcpus~rt\.slice' 'irq.irqbalance~nohz_full|isolated'

# ---------------------------------------------------------------- nohzoff2
F=$FIX/nohzoff2
nc nohzoff2 "$F" 1
W "$T_TMP/nohzoff2.json" nohzoff2 "$F" schema untruncated skipreasons verdict=FAIL cpus=1 "${ALL_W[@]}" \
	kernel.config=FAIL kernel.hz=PASS boot.nohz_full=FAIL boot.rcu_nocbs=FAIL \
	irq.affinity=FAIL work.cpumask=FAIL work.writeback=FAIL threads.kthreads=FAIL \
	'kernel.config~NO_HZ_FULL' 'kernel.config~/boot/config-6.1.0-13-amd64' 'kernel.hz~HZ=250' \
	'boot.nohz_full@nohz_full=1' 'irq.affinity~IRQ 28 \(virtio1-req.0\) -> 1' clocksource=WARN

# ---------------------------------------------------------------- missing
# Only proc/cmdline (nohz_full=1-3 rcu_nocbs=1-3) and cpu/online (0-3): the
# request shows nowhere as applied, so boot.nohz_full fails and the exit
# code is 1; every check whose files are absent SKIPs and says why.
F=$FIX/missing
nc missing "$F" 1
W "$T_TMP/missing.json" missing "$F" schema skipreasons verdict=FAIL cpus=1-3 \
	cpu.online=PASS boot.rcu_nocbs=PASS 'boot.nohz_full=FAIL|SKIP' 'cpu.housekeeping=PASS|SKIP' \
	'boot.isolcpus=WARN|SKIP' 'boot.extras=WARN|PASS' others=SKIP
run_tool "$T_TMP/e.out" "$T_TMP/e.err" "$N" --root "$FIX/missing/proc"
expect_rc "not a host tree: exit 2" 2
expect_grep "not a host tree: says why" "^nohz-check: .*online" "$T_TMP/e.err"

# ---------------------------------------------------------------- cpus1024
# Generated (not committed) when the generator changed; also the tree for
# static-check speed benchmarks.  The time is logged, not asserted.
F=$GEN/cpus1024
sum=$(cat "$FIX"/{mkfixture,fxlib,hosts,kconfig}.py | sha256sum | cut -d' ' -f1)
mkdir -p "$GEN"
exec 8> "$GEN/.cpus1024.lock"	# another test run may be generating it
flock -w 1200 8
if [ "$(cat "$F/.mkfixture" 2>/dev/null)" != "$sum" ]; then
	rm -rf "$GEN/.new"
	if python3 "$FIX/mkfixture.py" -o "$GEN/.new" cpus1024 > /dev/null; then
		echo "$sum" > "$GEN/.new/cpus1024/.mkfixture"
		rm -rf "$F"
		mv "$GEN/.new/cpus1024" "$F"
	fi
	rm -rf "$GEN/.new"
fi
flock -u 8
if [ -f "$F/.mkfixture" ]; then
	W --lint cpus1024 "$F"
	t0=$(date +%s.%N)
	nc cpus1024 "$F" 0
	echo "# cpus1024: text + JSON run took $(awk "BEGIN { printf \"%.2f\", $(date +%s.%N) - $t0 }") s"
	W "$T_TMP/cpus1024.json" cpus1024 "$F" schema untruncated verdict=PASS others=PASS "${ALL_W[@]}" \
		"cpus=$(cat "$F/sys/devices/system/cpu/nohz_full")" 'irq.affinity~\b5000 IRQs'
else
	fail "cpus1024: generated" "mkfixture.py -o $GEN cpus1024 failed"
fi

# ---------------------------------------------------------------- bad input
F=$FIX/isolated16
bad "missing root" "/nonexistent" --root /nonexistent
bad "root is a file" "mkfixture.py" --root "$FIX/mkfixture.py"
bad "-c abc" "'abc'" --root "$F" -c abc
bad "-c 15-1" "'15-1'" --root "$F" -c 15-1
bad "-c 1-99999" "'1-99999'" --root "$F" -c 1-99999
bad "-c 20 (not online)" "20" --root "$F" -c 20
bad "-c empty" "''" --root "$F" -c ''
bad "-d 0" "'0'" --root "$F" -d 0
bad "-d abc" "'abc'" --root "$F" -d abc
bad "unknown long option" "--bogus" --root "$F" --bogus
bad "unknown short option" "-x" --root "$F" -x
bad "-c without argument" "-c|cpus" --root "$F" -c

run_tool "$T_TMP/h.out" "$T_TMP/h.err" "$N" -h
expect_rc "-h: exit 0" 0
expect_grep "-h: usage" "^Usage: nohz-check" "$T_TMP/h.out"
run_tool "$T_TMP/v.out" "$T_TMP/v.err" "$N" -V
expect_rc "-V: exit 0" 0
expect_grep "-V: version" "^nohz-check [0-9]+\.[0-9]+\.[0-9]+$" "$T_TMP/v.out"
run_tool "$T_TMP/l.out" "$T_TMP/l.err" "$N" --list-checks
expect_rc "--list-checks: exit 0" 0
if [ "$(awk '{print $1}' "$T_TMP/l.out" | sort)" = \
     "$(python3 -c 'import json,sys; print("\n".join(sorted(x["id"] for x in json.load(open(sys.argv[1]))["findings"])))' \
	"$T_TMP/isolated16.json")" ]; then
	ok "--list-checks: the ids a report carries"
else
	fail "--list-checks: the ids a report carries"
fi

# ---------------------------------------------------------------- sanitizers
# The same trees through the ASan/UBSan build, when there is one.
SAN=$TOP/build/san/nohz-check
if [ -x "$SAN" ] && [ "$SAN" != "$N" ]; then
	for f in isolated16 misconfigured16 warn16 bootcpu4 nohzoff2 missing "$GEN/cpus1024"; do
		case $f in /*) r=$f ;; *) r=$FIX/$f ;; esac
		[ -d "$r" ] || continue
		n=$(basename "$r")
		ASAN_OPTIONS=detect_leaks=1 "$SAN" --root "$r" -j > "$T_TMP/san.out" 2> "$T_TMP/san.err"
		rc=$?
		if [ $rc -le 1 ] && ! grep -Eq 'Sanitizer|runtime error' "$T_TMP/san.err"; then
			ok "$n: clean under ASan/UBSan"
		else
			fail "$n: clean under ASan/UBSan" "exit $rc: $(grep -Em 2 'Sanitizer|runtime error' "$T_TMP/san.err")"
		fi
	done
else
	skip "ASan/UBSan runs" "no build/san/nohz-check (make SAN=1)"
fi
