# iso-second-task - the isolated guest of iso-clean, but /init leaves a busy
# shell loop pinned to CPU 1 before nohz-check starts: with two runnable tasks
# the scheduler needs the tick (timer:tick_stop fails with dependency SCHED),
# so the check must FAIL on CPU 1, see it tick, and name the other task.
# CPUs 2-3, one spinner each, are the control in the same run.  (Tick rates
# under TCG: see no-isolation.sh.)
VM_APPEND="nohz_full=1-3 isolcpus=1-3 rcu_nocbs=1-3 irqaffinity=0"

guest() {
	vm_tune
	vm_spin 1
	sleep 1
	vm_measure check 60 nohz-check -c 1-3 -d 10 -j
	vm_measure text 60 nohz-check -c 1-3 -d 3
	vm_spin_stop
}

host() {
	vm_expect "nohz-check -j exits 1" "rc['check'] == 1" "exit {rc['check']}"
	vm_expect "json verdict FAIL" "js('check')['verdict'] == 'FAIL'" \
		"verdict {js('check')['verdict']}; FAIL: {[f['id'] for f in findings(js('check'))]}"
	vm_expect "json: live.ticks FAILs on cpu 1" \
		"finding(js('check'), 'live.ticks')['verdict'] == 'FAIL' and 'CPU 1' in finding(js('check'), 'live.ticks')['evidence']" \
		"{finding(js('check'), 'live.ticks')['evidence']}"
	vm_expect "cpu1 (two tasks) keeps its tick" "ticking('check', [1], 10)" \
		"{ticking_txt('check', [1], 10)}; nohz-check cpu1 {cpu(js('check'), 1)['ticks']} ticks, {cpu(js('check'), 1)['ticks_per_sec']}/s of guest time"
	vm_expect "cpus 2-3 (one task each) stay under 1% of HZ" \
		"all(cpu(js('check'), c)['ticks'] <= 0.01 * hz * 10 for c in (2, 3))" \
		"(cpu, ticks): {[(c['cpu'], c['ticks']) for c in live(js('check'))]}"
	vm_expect "ticks agree with /proc/interrupts LOC" \
		"agree('check', js('check'), [1, 2, 3], 10)" \
		"{agree_txt('check', js('check'), [1, 2, 3], 10)}"
	# The attribution: the tick stayed on CPU 1 for SCHED (timer:tick_stop),
	# because of the busy loop (comm "sh", pid spin.1.pid).  The word must
	# be SCHED itself, not SCHED_FIFO; the static threads.runnable finding
	# does not count (it names no task).
	vm_expect "json: cpu1 tick kept for SCHED (timer:tick_stop)" \
		"[h for h in mentions(js('check'), SCHED, cpu=1) if h[1].get('id') != 'threads.runnable']" \
		"{mentions(js('check'), SCHED, cpu=1) or 'no JSON object about cpu 1 says SCHED'}"
	vm_expect "json: the SCHED entry names the other task" \
		"mentions(js('check'), SCHED, word(kv['spin.1.pid']))" \
		"busy loop pid {kv['spin.1.pid']}: {mentions(js('check'), SCHED, word(kv['spin.1.pid'])) or 'no JSON object names SCHED with that pid'}"
	vm_expect "text report exits 1" "rc['text'] == 1" "exit {rc['text']}"
	vm_expect "text: a line names SCHED and the other task" \
		"any(re.search(SCHED, ln) and re.search(word(kv['spin.1.pid']), ln) for ln in out['text'].splitlines())" \
		"busy loop pid {kv['spin.1.pid']}"
	# three witnesses of one window: perf counters, the trace behind the
	# explanation, and (above) /proc/interrupts.  Tracing is switched on
	# after the counters are enabled and off before they are disabled (its
	# own setup IPIs stay out of the count), so the trace sees a sub-window:
	# at most the perf count, and under TCG (slow tracefs writes) up to
	# 15 percent less.
	vm_expect "json: explain's traced timer interrupts within perf's window count" \
		"all(0.85 * cpu(js('check'), c)['ticks'] - 2 <= cpu(js('check')['explain'], c)['timer_irqs'] <= cpu(js('check'), c)['ticks'] + 2 for c in [1])" \
		"(cpu, traced timer_irqs, traced ticks, perf ticks): {[(c, cpu(js('check')['explain'], c)['timer_irqs'], cpu(js('check')['explain'], c)['ticks'], cpu(js('check'), c)['ticks']) for c in [1]]}"
	vm_section text > "$VM_LOGS/$VM_NAME.report.txt"
}
