# iso-clean - a correctly isolated guest: booted with nohz_full, isolcpus and
# rcu_nocbs on CPUs 1-3, irqaffinity=0 and tsc=reliable (TCG TSCs look unsynchronized
# without it), unbound work moved to CPU 0 and the sysctls tuned at run
# time (vm_tune).  nohz-check must PASS, its busy CPUs must be (almost)
# tickless, and its tick counts must agree with the guest's /proc/interrupts.
VM_APPEND="nohz_full=1-3 isolcpus=managed_irq,domain,1-3 rcu_nocbs=1-3 irqaffinity=0 tsc=reliable"

guest() {
	vm_tune
	# witness: a busybox busy loop on CPU 1, ticks from /proc/interrupts only
	vm_spin 1
	sleep 1
	vm_measure witness 30 sleep 3
	vm_spin_stop
	vm_measure check 60 nohz-check -c 1-3 -d 10 -j
	vm_measure text 60 nohz-check -c 1-3 -d 5
}

host() {
	vm_expect "kernel applied nohz_full and isolcpus" \
		"boot['nohz_full'] == '1-3' and boot['isolated'] == '1-3'" \
		"nohz_full={boot['nohz_full']} isolated={boot['isolated']}"
	vm_expect "witness: busy isolated cpu1 is tickless" \
		"busy('witness')[1] > 0.9 and vcpu('witness')[1] > 0.3 and loc('witness')[1] <= 0.01 * hz * span('witness')" \
		"LOC deltas {loc('witness')} over {span('witness'):.2f} s, busy {busy('witness')}, vCPU seconds {vcpu('witness')}"
	vm_expect "nohz-check -j exits 0" "rc['check'] == 0" "exit {rc['check']}"
	vm_expect "json verdict PASS" "js('check')['verdict'] == 'PASS'" \
		"verdict {js('check')['verdict']}; FAIL: {[f['id'] for f in findings(js('check'))]}"
	vm_expect "json: no finding FAILs" "not findings(js('check'))" \
		"{[(f['id'], f['evidence']) for f in findings(js('check'))]}"
	vm_expect "json: kernel seen as the guest's" \
		"js('check')['kernel']['hz'] == hz and js('check')['kernel']['nohz_full'] == '1-3'" \
		"kernel {js('check')['kernel']['release']} hz {js('check')['kernel']['hz']}"
	vm_expect "json: cpus 1-3 counted" \
		"sorted(c['cpu'] for c in live(js('check'))) == [1, 2, 3]" \
		"{[c['cpu'] for c in live(js('check'))]}"
	vm_expect "cpus 1-3 were busy during the run (/proc/stat idle)" \
		"all(busy('check')[c] >= 0.8 * 10 / span('check') for c in (1, 2, 3))" \
		"busy share {busy('check')} of {span('check'):.2f} s"
	vm_expect "cpu1 ticks <= 1% of HZ x 10 s" \
		"cpu(js('check'), 1)['ticks'] <= 0.01 * hz * 10" \
		"cpu1 {cpu(js('check'), 1)['ticks']} ticks, limit {0.01 * hz * 10:.0f}; cpus 1-3 {[c['ticks'] for c in live(js('check'))]}"
	vm_expect "ticks agree with /proc/interrupts LOC" \
		"agree('check', js('check'), [1, 2, 3], 10)" \
		"{agree_txt('check', js('check'), [1, 2, 3], 10)}"
	vm_expect "cpus 1-3 really ran (host vCPU time) yet LOC < 1% of HZ x bracket" \
		"all(vcpu('check')[c] > 0.5 and loc('check')[c] <= 0.01 * hz * span('check') for c in (1, 2, 3))" \
		"vCPU seconds {vcpu('check')}, LOC {loc('check')} over {span('check'):.2f} s"
	vm_expect "json: live window 10 s, ticks_per_sec = ticks / window" \
		"abs(js('check')['live']['seconds'] - 10) < 0.5 and all(abs(c['ticks_per_sec'] - c['ticks'] / js('check')['live']['seconds']) < 0.01 for c in live(js('check')))" \
		"window {js('check')['live']['seconds']} s; {[(c['ticks'], c['ticks_per_sec']) for c in live(js('check'))]}"
	vm_expect "text report exits 0 and ends with verdict PASS" \
		"rc['text'] == 0 and re.search(r'(?m)^verdict: PASS', out['text'])" "exit {rc['text']}"
	vm_expect "text run: LOC of cpus 1-3 <= 1% of HZ x its bracket" \
		"all(loc('text')[c] <= 0.01 * hz * span('text') + 3 for c in (1, 2, 3))" \
		"LOC deltas {loc('text')} over {span('text'):.2f} s"
	vm_section text > "$VM_LOGS/$VM_NAME.report.txt"
	iso_noise
}

# iso_noise - nothing was injected, so nohz-check's noise on the busy
# isolated CPUs must not invent a kernel cause: under TCG what is left is
# the emulator's time jumps (kind hw, no traced event inside the gap).
# Every other kind may take at most 1% of the window, and a worst gap may
# name a timer, irq, ipi, nmi or softirq only on a cpu whose
# /proc/interrupts or /proc/softirqs moved over the same bracket.
iso_noise() {
	if [ "$(vm_show "all('stolen_by_kind' in c for c in live(js('check')))")" != True ]; then
		skip "$VM_NAME: noise" "nohz-check's JSON has no noise keys (stolen_by_kind) yet"
		return
	fi
	vm_expect "noise: busy isolated cpus lose time to the emulator (hw) only, other kinds < 1% of the window" \
		"all(c['stolen_by_kind'].get(k, 0) < 0.01 * c['window_ns'] for c in live(js('check')) for k in KINDS if k != 'hw')" \
		"{[(c['cpu'], {k: round(100 * v / c['window_ns'], 3) for k, v in c['stolen_by_kind'].items() if v}) for c in live(js('check'))]} (% of the window)"
	vm_expect "noise: no worst gap names a cause the guest's counters did not see" \
		"not invented('check', [1, 2, 3])" \
		"{invented('check', [1, 2, 3]) or [(c['cpu'], sorted(set(x['kind'] for g in c['worst'] for x in g['causes']))) for c in live(js('check'))]}"
}
