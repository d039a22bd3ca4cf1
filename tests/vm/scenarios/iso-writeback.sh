# iso-writeback - the isolated, tuned guest of iso-clean with two mistakes
# made at run time: the writeback workqueue allowed on every CPU again (a
# FAIL) and a process free to float over the isolated CPUs (a WARN).  The
# static checks alone must catch both, each with its remedy, and nothing else
# must FAIL.
VM_APPEND="nohz_full=1-3 isolcpus=1-3 rcu_nocbs=1-3 irqaffinity=0"

guest() {
	vm_tune
	echo f > /sys/bus/workqueue/devices/writeback/cpumask
	vm_kv writeback.cpumask "$(cat /sys/bus/workqueue/devices/writeback/cpumask)"
	taskset -c 0-3 sleep 600 &
	vm_kv floater.pid $!
	VM_SPINNERS="$VM_SPINNERS $!"
	vm_run check 60 nohz-check -c 1-3 --static-only -j
	vm_run text 60 nohz-check -c 1-3 --static-only
}

host() {
	vm_expect "guest set writeback cpumask f" "kv['writeback.cpumask'] == 'f'" \
		"writeback/cpumask={kv['writeback.cpumask']}"
	vm_expect "nohz-check --static-only -j exits 1" "rc['check'] == 1" "exit {rc['check']}"
	vm_expect "json verdict FAIL" "js('check')['verdict'] == 'FAIL'" \
		"verdict {js('check')['verdict']}"
	vm_expect "json: work.writeback FAILs naming the cpumask" \
		"finding(js('check'), 'work.writeback')['verdict'] == 'FAIL' and 'writeback/cpumask' in finding(js('check'), 'work.writeback')['evidence']" \
		"{finding(js('check'), 'work.writeback')['evidence']}"
	vm_expect "json: its remedy writes the housekeeping mask" \
		"re.search(r'echo 0*1 > /sys/bus/workqueue/devices/writeback/cpumask', finding(js('check'), 'work.writeback')['remedy'])" \
		"remedy: {finding(js('check'), 'work.writeback')['remedy']}"
	vm_expect "json: it is the only FAIL" \
		"[f['id'] for f in findings(js('check'))] == ['work.writeback']" \
		"FAIL: {[(f['id'], f['evidence'][:80]) for f in findings(js('check'))]}"
	vm_expect "json: threads.user WARNs naming the floating process" \
		"finding(js('check'), 'threads.user')['verdict'] == 'WARN' and 'pid ' + kv['floater.pid'] in finding(js('check'), 'threads.user')['evidence']" \
		"{finding(js('check'), 'threads.user')['verdict']}: {finding(js('check'), 'threads.user')['evidence']}"
	vm_expect "json: no live window with --static-only" \
		"'live' not in js('check')" "keys {sorted(js('check'))}"
	vm_expect "text report exits 1 with the remedy" \
		"rc['text'] == 1 and re.search(r'fix: echo 0*1 > /sys/bus/workqueue/devices/writeback/cpumask', out['text'])" \
		"exit {rc['text']}"
}
