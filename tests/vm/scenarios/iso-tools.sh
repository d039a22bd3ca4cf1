# iso-tools - pig and irqtop inside the isolated, tuned guest, judged against
# the guest's /proc/interrupts: pig spins on CPUs 0 and 1 with --count (CPU
# 0, the housekeeper, ticks; isolated CPU 1 must not), irqtop -b samples
# while a busy loop runs on CPU 1.  (Tick rates under TCG: see
# no-isolation.sh.)
VM_APPEND="nohz_full=1-3 isolcpus=1-3 rcu_nocbs=1-3 irqaffinity=0"

guest() {
	vm_tune
	if vm_tool pig; then
		vm_measure pig 60 pig -c 0-1 -s 5 --count -j
		vm_measure pig-text 60 pig -c 0-1 -s 2 --count -q
	fi
	if vm_tool irqtop; then
		vm_spin 1
		sleep 1
		vm_measure irqtop 60 irqtop -b -J -d 1 -n 5
		vm_run irqtop-text 30 irqtop -b -d 0.5 -n 2
		vm_spin_stop
	fi
}

host() {
	if ! vm_tool_skip pig; then
		vm_expect "pig exits 0" "rc['pig'] == 0" "exit {rc['pig']}; stderr {err['pig'][:200]!r}"
		vm_expect "pig: two spinners ran ~5 s" \
			"sorted(s['cpu'] for s in js('pig')['spinners']) == [0, 1] and all(4.5e9 <= s['elapsed_ns'] <= 6e9 for s in js('pig')['spinners'])" \
			"{[(s['cpu'], s['elapsed_ns']) for s in js('pig')['spinners']]}"
		vm_expect "pig: cpus 0-1 were busy (/proc/stat idle)" \
			"all(busy('pig')[c] >= 0.8 * 5 / span('pig') for c in (0, 1))" \
			"busy share {busy('pig')} of {span('pig'):.2f} s"
		vm_expect "pig: housekeeping cpu0 keeps its tick" "ticking('pig', [0], 5)" \
			"{ticking_txt('pig', [0], 5)}; pig counted {cpu(js('pig')['counters'], 0)['ticks']}"
		vm_expect "pig: isolated cpu1 under 1% of HZ" \
			"cpu(js('pig')['counters'], 1)['ticks'] <= 0.01 * hz * 5" \
			"{[(c['cpu'], c['ticks']) for c in js('pig')['counters']]}"
		vm_expect "pig: ticks agree with /proc/interrupts LOC" \
			"agree('pig', js('pig')['counters'], [0, 1], 5)" \
			"{agree_txt('pig', js('pig')['counters'], [0, 1], 5)}"
		vm_expect "pig: text mode exits 0 with a row per cpu" \
			"rc['pig-text'] == 0 and all(re.search(r'(?m)^%d ' % c, out['pig-text']) for c in (0, 1))" \
			"exit {rc['pig-text']}"
	fi
	if ! vm_tool_skip irqtop; then
		vm_expect "irqtop -b -J exits 0 with 5 frames" \
			"rc['irqtop'] == 0 and len(jsl('irqtop')) == 5" \
			"exit {rc['irqtop']}; stderr {err['irqtop'][:200]!r}"
		vm_expect "irqtop: marks cpus 1-3 isolated, HZ of the guest" \
			"[c['isolated'] for c in jsl('irqtop')[0]['cpus']] == [False, True, True, True] and jsl('irqtop')[0]['hz'] == hz" \
			"{[(c['cpu'], c['isolated']) for c in jsl('irqtop')[0]['cpus']]}"
		vm_expect "irqtop: LOC deltas over its frames agree with /proc/interrupts" \
			"agree('irqtop', irqtop_sum(jsl('irqtop')), [0, 1, 2, 3], sum(f['interval'] for f in jsl('irqtop')))" \
			"{agree_txt('irqtop', irqtop_sum(jsl('irqtop')), [0, 1, 2, 3], sum(f['interval'] for f in jsl('irqtop')))}"
		# perf counters and /proc/interrupts are read one after the other:
		# a descheduled read skews a frame by a few ticks, the next frame
		# gets them back
		vm_expect "irqtop: every frame's perf ticks/s x interval = its LOC delta (+-5)" \
			"all(abs(f['cpus'][i]['ticks'] * f['interval'] - irqtop_sum([f])[i]['ticks']) <= 5 for f in jsl('irqtop') for i in range(4))" \
			"cpu0 per frame, perf: {[round(f['cpus'][0]['ticks'] * f['interval'], 1) for f in jsl('irqtop')]} LOC: {[irqtop_sum([f])[0]['ticks'] for f in jsl('irqtop')]}"
		vm_expect "irqtop: busy isolated cpu1 has no ticks, one task" \
			"irqtop_sum(jsl('irqtop'))[1]['ticks'] <= 0.01 * hz * 5 and all(f['cpus'][1]['tasks'] == 1 for f in jsl('irqtop'))" \
			"cpu1 LOC {irqtop_sum(jsl('irqtop'))[1]['ticks']}, tasks per frame {[f['cpus'][1]['tasks'] for f in jsl('irqtop')]}"
		vm_expect "irqtop -b (text): two frames with a LOC row" \
			"rc['irqtop-text'] == 0 and len(re.findall(r'(?m)^LOC ', out['irqtop-text'])) == 2" \
			"exit {rc['irqtop-text']}"
	fi
}
