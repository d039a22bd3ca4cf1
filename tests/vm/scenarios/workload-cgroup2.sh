# workload-cgroup2 - nohz-check --cgroup on cgroup v2, in the isolated and
# tuned guest of iso-clean: cgroup2 mounted, the cpuset controller enabled,
# a docker-like scope system.slice/docker-ID.scope with cpuset.cpus 2-3 and
# three processes in it, as a container runtime would leave them: a busy
# loop pinned to CPU 2, one pinned to CPU 3, a sleeper free to use both.
# The live test starts no spinner: it counts on CPUs 2-3 while the busy
# loops run, so they must be tickless there.  Then a second busy loop joins
# CPU 2: two runnable tasks keep its tick (SCHED), CPU 3 stays the control.
# (Tick rates under TCG: see no-isolation.sh.)
VM_APPEND="nohz_full=1-3 isolcpus=1-3 rcu_nocbs=1-3 irqaffinity=0"
WL_ID=5e1f0c2d3b4a59687766554433221100ffeeddccbbaa99887766554433221100
WL_SCOPE=/sys/fs/cgroup/system.slice/docker-$WL_ID.scope

# wl_start NAME CPUS COMMAND - run COMMAND in the scope (pinned to CPUS
# when given); its pid goes to the log as wl.NAME and is stopped at the end
wl_start() {
	if [ -n "$2" ]; then
		sh -c 'echo $$ > "$1/cgroup.procs" && exec taskset -c "$2" sh -c "$3"' \
			wl "$WL_SCOPE" "$2" "$3" &
	else
		sh -c 'echo $$ > "$1/cgroup.procs" && exec sh -c "$2"' wl "$WL_SCOPE" "$3" &
	fi
	WL_LAST=$!
	VM_SPINNERS="$VM_SPINNERS $WL_LAST"
	vm_kv "wl.$1" "$WL_LAST"
}

guest() {
	# cgroups first, as a host boots: enabling the cpuset controller resets
	# the affinity of the root cgroup's tasks, undoing vm_tune
	mount -t cgroup2 cgroup2 /sys/fs/cgroup || vm_kv error "cannot mount cgroup2"
	echo +cpuset > /sys/fs/cgroup/cgroup.subtree_control
	mkdir -p /sys/fs/cgroup/system.slice
	echo +cpuset > /sys/fs/cgroup/system.slice/cgroup.subtree_control
	mkdir -p "$WL_SCOPE"
	echo 2-3 > "$WL_SCOPE/cpuset.cpus"
	vm_kv wl.controllers "$(cat /sys/fs/cgroup/cgroup.controllers)"
	vm_kv wl.effective "$(cat "$WL_SCOPE/cpuset.cpus.effective")"
	vm_tune
	wl_start a 2 'while :; do :; done'
	wl_start b 3 'while :; do :; done'
	wl_start c "" 'exec sleep 600'
	sleep 1
	vm_kv wl.procs "$(tr '\n' ' ' < "$WL_SCOPE/cgroup.procs")"
	vm_kv wl.c.allowed "$(awk '/^Cpus_allowed_list:/ {print $2}' "/proc/$WL_LAST/status")"
	vm_measure wl 60 nohz-check --cgroup "$(echo $WL_ID | cut -c1-12)" -d 5 -j
	vm_run wl-path 60 nohz-check --cgroup "system.slice/docker-$WL_ID.scope" -s -j
	wl_start d 2 'while :; do :; done'
	sleep 1
	vm_measure wl2 60 nohz-check --cgroup "$WL_ID" -d 5 -j
	vm_run wl-text 60 nohz-check --cgroup "$WL_SCOPE" -d 1
	vm_spin_stop
}

host() {
	local dir="/sys/fs/cgroup/system.slice/docker-$WL_ID.scope"

	vm_expect "cgroup2 with the cpuset controller, scope on 2-3" \
		"'cpuset' in kv['wl.controllers'].split() and kv['wl.effective'] == '2-3'" \
		"controllers '{kv['wl.controllers']}', effective '{kv['wl.effective']}'"
	# the static checks of the guest are iso-clean's to judge; here: no
	# workload or live finding FAILs, and the exit code follows the verdict
	vm_expect "no workload.* or live.* finding FAILs" \
		"not [f for f in findings(js('wl')) if f['id'].split('.')[0] in ('workload', 'live')]" \
		"{[(f['id'], f['evidence']) for f in findings(js('wl')) if f['id'].split('.')[0] in ('workload', 'live')]}"
	vm_expect "exit code follows the verdict" "rc['wl'] == (1 if findings(js('wl')) else 0)" \
		"exit {rc['wl']}; FAIL: {[f['id'] for f in findings(js('wl'))]}"
	vm_expect "the id resolves to the v2 scope" \
		"js('wl')['workload']['cgroup'] == dict(js('wl')['workload']['cgroup'], version=2, dir='$dir') and js('wl')['workload']['container']['id'] == '$WL_ID'" \
		"{js('wl')['workload']['cgroup']}"
	vm_expect "targets: cpuset.cpus.effective 2-3" \
		"js('wl')['cpus'] == '2-3' and js('wl')['workload']['cpus_from'] == 'cpuset.cpus.effective'" \
		"cpus {js('wl')['cpus']} from {js('wl')['workload']['cpus_from']}"
	vm_expect "threads: the scope's processes (cgroup.procs)" \
		"sorted(t['tid'] for t in js('wl')['workload']['threads']) == sorted(int(p) for p in kv['wl.procs'].split())" \
		"{[t['tid'] for t in js('wl')['workload']['threads']]} vs cgroup.procs {kv['wl.procs']}"
	vm_expect "live window on 2-3 without a spinner" \
		"sorted(c['cpu'] for c in live(js('wl'))) == [2, 3] and all(c['spinner_tid'] == 0 for c in live(js('wl')))" \
		"{[(c['cpu'], c['spinner_tid']) for c in live(js('wl'))]}"
	vm_expect "busy loops alone on 2 and 3: under 1% of HZ" \
		"all(cpu(js('wl'), c)['ticks'] <= 0.01 * hz * 5 for c in (2, 3))" \
		"(cpu, ticks): {[(c['cpu'], c['ticks']) for c in live(js('wl'))]}"
	vm_expect "ticks agree with /proc/interrupts LOC" \
		"agree('wl', js('wl'), [2, 3], 5)" "{agree_txt('wl', js('wl'), [2, 3], 5)}"
	vm_expect "housekeeping, affinity, runnable PASS" \
		"all(finding(js('wl'), 'workload.' + i)['verdict'] == 'PASS' for i in ('housekeeping', 'affinity', 'runnable'))" \
		"{[(i, finding(js('wl'), 'workload.' + i)['evidence']) for i in ('housekeeping', 'affinity', 'runnable')]}"
	vm_expect "pinned WARN names the sleeper (allowed $(vm_show "kv['wl.c.allowed']"))" \
		"finding(js('wl'), 'workload.pinned')['verdict'] == 'WARN' and re.search(r'/%s may move across 2-3' % kv['wl.c'], finding(js('wl'), 'workload.pinned')['evidence'])" \
		"{finding(js('wl'), 'workload.pinned')['evidence']}"
	vm_expect "the same scope by its path in the hierarchy" \
		"js('wl-path')['workload']['cgroup']['dir'] == '$dir'" \
		"{js('wl-path')['workload']['cgroup']['dir']}"
	# a second busy loop on CPU 2
	vm_expect "second task on CPU 2: exit 1" "rc['wl2'] == 1" "exit {rc['wl2']}"
	vm_expect "runnable FAIL names both loops on CPU 2" \
		"finding(js('wl2'), 'workload.runnable')['verdict'] == 'FAIL' and all('/%s' % kv[k] in finding(js('wl2'), 'workload.runnable')['evidence'] for k in ('wl.a', 'wl.d'))" \
		"{finding(js('wl2'), 'workload.runnable')['evidence']}"
	vm_expect "live.ticks FAILs on CPU 2, CPU 3 stays under 1% of HZ" \
		"finding(js('wl2'), 'live.ticks')['verdict'] == 'FAIL' and 'CPU 2' in finding(js('wl2'), 'live.ticks')['evidence'] and cpu(js('wl2'), 3)['ticks'] <= 0.01 * hz * 5" \
		"{finding(js('wl2'), 'live.ticks')['evidence']}; cpu3 {cpu(js('wl2'), 3)['ticks']}"
	vm_expect "ticks agree with /proc/interrupts LOC (two tasks)" \
		"agree('wl2', js('wl2'), [2, 3], 5)" "{agree_txt('wl2', js('wl2'), [2, 3], 5)}"
	vm_expect "text: the workload and its live window" \
		"re.search(r'(?m)^Workload: cgroup v2 /system.slice/docker-$WL_ID.scope \(docker ', out['wl-text']) and 'the workload on its own CPUs (no spinner)' in out['wl-text']" \
		"{out['wl-text'][:300]!r}"
	vm_section wl-text > "$VM_LOGS/$VM_NAME.report.txt"
}
