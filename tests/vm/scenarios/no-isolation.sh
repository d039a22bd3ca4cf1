# no-isolation - the same guest booted without isolation options: nohz-check
# must FAIL, name the missing boot options, and see the busy CPUs tick at HZ.
#
# Under TCG each vCPU is a host thread.  While the host deschedules it for a
# whole tick period (or QEMU's main loop fires its timer late), that period's
# interrupt merges with the next: three busy vCPUs on a 2-core host see
# 40-170 ticks per second of guest time instead of 250, one busy vCPU ~HZ.
# So "ticking" is judged as at least 10 x the 1% a tickless CPU may show
# (ticking() in vmlog.py, which also prints the vCPU time the host gave),
# and nohz-check's counts against the guest's LOC, which loses the same
# ticks.
VM_APPEND=""

guest() {
	# witness: a busybox busy loop on CPU 1, ticks from /proc/interrupts only
	vm_spin 1
	sleep 1
	vm_measure witness 30 sleep 3
	vm_spin_stop
	vm_measure check 60 nohz-check -c 1-3 -d 5 -j
	vm_measure text 60 nohz-check -c 1-3 -d 3
}

host() {
	vm_expect "kernel applied no isolation" \
		"boot['nohz_full'] in ('', '(null)') and boot['isolated'] == ''" \
		"nohz_full='{boot['nohz_full']}' isolated='{boot['isolated']}'"
	# 20% of HZ is 20 x what a tickless CPU may show; a loaded host starves
	# the vCPU threads of more than half their ticks (see vmlog.ticking)
	vm_expect "witness: one busy vCPU keeps its tick (>= 20% of HZ)" \
		"ticking('witness', [1], span('witness'), 0.2)" \
		"{ticking_txt('witness', [1], span('witness'), 0.2)}"
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
	vm_expect "busy cpus 1-3 keep their tick" "ticking('check', [1, 2, 3], 5)" \
		"{ticking_txt('check', [1, 2, 3], 5)}; nohz-check (cpu, ticks, ticks/s of guest time): {[(c['cpu'], c['ticks'], c['ticks_per_sec']) for c in live(js('check'))]}"
	vm_expect "ticks agree with /proc/interrupts LOC" \
		"agree('check', js('check'), [1, 2, 3], 5)" \
		"{agree_txt('check', js('check'), [1, 2, 3], 5)}"
	vm_expect "text report exits 1 and names nohz_full=1-3" \
		"rc['text'] == 1 and 'nohz_full=1-3' in out['text'] and re.search(r'(?m)^verdict: FAIL', out['text'])" \
		"exit {rc['text']}"
	# three witnesses of one window: perf counters, the trace behind the
	# explanation, and (above) /proc/interrupts.  Tracing is switched on
	# after the counters are enabled and off before they are disabled (its
	# own setup IPIs stay out of the count), so the trace sees a sub-window:
	# at most the perf count, and under TCG (slow tracefs writes) up to
	# 15 percent less.
	vm_expect "json: explain's traced timer interrupts within perf's window count" \
		"all(0.85 * cpu(js('check'), c)['ticks'] - 2 <= cpu(js('check')['explain'], c)['timer_irqs'] <= cpu(js('check'), c)['ticks'] + 2 for c in [1, 2, 3])" \
		"(cpu, traced timer_irqs, traced ticks, perf ticks): {[(c, cpu(js('check')['explain'], c)['timer_irqs'], cpu(js('check')['explain'], c)['ticks'], cpu(js('check'), c)['ticks']) for c in [1, 2, 3]]}"
	vm_section text > "$VM_LOGS/$VM_NAME.report.txt"
}
