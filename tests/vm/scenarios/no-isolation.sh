# no-isolation - the same guest booted without isolation options: nohz-check
# must FAIL, name the missing boot options, and see the busy CPUs tick at HZ.
#
# Under TCG each vCPU is a host thread.  While the host deschedules it, the
# guest's timer interrupts wait and merge, so a busy guest CPU ticks at HZ
# times its share of a host core: three busy vCPUs on a 2-core host see
# 40-170 ticks/s of guest time.  "At HZ" is therefore judged per second the
# vCPU thread really ran (tick_rate: LOC delta / vCPU CPU time, which the
# host measures), and nohz-check's counts against the same LOC deltas.
VM_APPEND=""

guest() {
	# witness: a busybox busy loop on CPU 1, ticks from /proc/interrupts only
	vm_spin 1
	sleep 1
	vm_measure witness 30 sleep 3
	vm_spin_stop
	vm_measure check 60 nohz-check -c 1-3 -d 5 -j
	vm_measure text 60 nohz-check -c 1-3 -d 5
}

host() {
	vm_expect "kernel applied no isolation" \
		"boot['nohz_full'] in ('', '(null)') and boot['isolated'] == ''" \
		"nohz_full='{boot['nohz_full']}' isolated='{boot['isolated']}'"
	vm_expect "witness: busy cpu1 ticks at HZ per vCPU second" \
		"abs(tick_rate('witness')[1] - hz) <= 0.15 * hz" \
		"LOC deltas {loc('witness')} over {span('witness'):.2f} s; vCPU seconds {vcpu('witness')}; ticks per vCPU second {tick_rate('witness')}"
	vm_expect "nohz-check -j exits 1" "rc['check'] == 1" "exit {rc['check']}"
	vm_expect "json verdict FAIL" "js('check')['verdict'] == 'FAIL'" "verdict {js('check')['verdict']}"
	for opt in nohz_full rcu_nocbs; do
		vm_expect "json: boot.$opt FAILs, remedy names $opt=1-3" \
			"finding(js('check'), 'boot.$opt')['verdict'] == 'FAIL' and '$opt=1-3' in finding(js('check'), 'boot.$opt')['remedy']" \
			"{finding(js('check'), 'boot.$opt')['verdict']}: {finding(js('check'), 'boot.$opt')['remedy']}"
	done
	vm_expect "json: boot.isolcpus not PASS, remedy names isolcpus=" \
		"finding(js('check'), 'boot.isolcpus')['verdict'] in ('FAIL', 'WARN') and 'isolcpus=' in finding(js('check'), 'boot.isolcpus')['remedy']" \
		"{finding(js('check'), 'boot.isolcpus')['verdict']}: {finding(js('check'), 'boot.isolcpus')['remedy']}"
	vm_expect "json: live.ticks FAILs" \
		"finding(js('check'), 'live.ticks')['verdict'] == 'FAIL'" \
		"{finding(js('check'), 'live.ticks')['evidence']}"
	vm_expect "cpus 1-3 were busy during the run (/proc/stat idle)" \
		"all(busy('check')[c] >= 0.8 * 5 / span('check') for c in (1, 2, 3))" \
		"busy share {busy('check')} of {span('check'):.2f} s"
	vm_expect "busy cpus 1-3 tick at HZ per vCPU second" \
		"all(abs(tick_rate('check')[c] - hz) <= 0.15 * hz for c in (1, 2, 3))" \
		"ticks per vCPU second {tick_rate('check')} (LOC {loc('check')}, vCPU seconds {vcpu('check')} of a {span('check'):.2f} s bracket); nohz-check (cpu, ticks, ticks/s of guest time): {[(c['cpu'], c['ticks'], c['ticks_per_sec']) for c in live(js('check'))]}"
	vm_expect "ticks agree with /proc/interrupts LOC" \
		"agree('check', js('check'), [1, 2, 3], 5)" \
		"{agree_txt('check', js('check'), [1, 2, 3], 5)}"
	vm_expect "text report exits 1 and names nohz_full=1-3" \
		"rc['text'] == 1 and 'nohz_full=1-3' in out['text'] and re.search(r'(?m)^verdict: FAIL', out['text'])" \
		"exit {rc['text']}"
	vm_section text > "$VM_LOGS/$VM_NAME.report.txt"
}
