# rt-osnoise - nohz-check's noise measurement side by side with rtla osnoise
# on Debian's PREEMPT_RT kernel, in the isolated and tuned guest of iso-clean.
# Rounds alternate, same CPUs (RT_CPUS), same length, same threshold:
#   rtla osnoise top -c 1-3 -d 5 -T 5 -q   (rtla 6.1: -T in us; without it
#                                           the osnoise tracer uses 5 us too)
#   nohz-check -c 1-3 -d 5 -j --noise-threshold 5us
# each between two /proc/interrupts reads.  Under TCG nearly all the noise
# is the emulator's own time jumps (a vCPU thread waiting for a host CPU,
# QEMU's own work): rtla counts them as HW (a sample over the threshold
# with no interrupt, NMI, softirq or thread counted inside), nohz-check as
# kind "hw" (no traced event inside the gap).  What is judged: both tools
# ran on the CPUs every round; the RT kernel's nohz_full held (nohz-check's
# busy CPUs tickless, as in iso-clean); the noise keys are there; and the
# two tools agree where they measure the same thing (rt_compare says how
# closely, and why not closer).  rt-osnoise-cpu1 is the same on CPU 1
# alone.  doc/benchmarks.md (bench/rtla.sh) has the numbers.
VM_KERNEL=rt
VM_APPEND="nohz_full=1-3 isolcpus=managed_irq,domain,1-3 rcu_nocbs=1-3 irqaffinity=0 tsc=reliable"
RT_CPUS=1-3
RT_ROUNDS="1 2 3"
RT_SECONDS=5
RT_THRESHOLD_US=5
RT_GOAL=		# 1: judge the 10% goal on % available (rt_compare)
RT_MAX_SINGLE=10	# max single noise medians within this factor ("": not judged)

guest() {
	vm_tune
	vm_kv rtla "$(cat /etc/rtla-version 2>/dev/null)"
	# the noise options landed after the tick counting; without them the
	# rounds still count ticks
	_noise=
	if nohz-check --help 2>&1 | grep -q -- '--noise-threshold'; then
		_noise="--noise-threshold ${RT_THRESHOLD_US}us"
	fi
	vm_kv noise "${_noise:-none}"
	vm_kv rt.cpus "$RT_CPUS"
	vm_kv osnoise.tracer "$(grep -ow osnoise /sys/kernel/tracing/available_tracers)"
	for _r in $RT_ROUNDS; do
		if vm_tool rtla; then
			vm_measure "rtla.$_r" 40 rtla osnoise top -c "$RT_CPUS" -d "$RT_SECONDS" \
				-T "$RT_THRESHOLD_US" -q
		fi
		# shellcheck disable=SC2086
		vm_measure "check.$_r" 60 nohz-check -c "$RT_CPUS" -d "$RT_SECONDS" -j $_noise
	done
}

# rt_cpus_py - RT_CPUS as a Python list: "1-3" -> [1, 2, 3] (host side;
# this file is sourced by the guest's busybox sh too)
rt_cpus_py() {
	python3 -c 'import sys
print([c for p in sys.argv[1].split(",") for c in range(int(p.split("-")[0]), int(p.split("-")[-1]) + 1)])' "$RT_CPUS"
}

host() {
	local cpus
	cpus=$(rt_cpus_py)
	vm_expect "kernel is PREEMPT_RT, applied nohz_full and isolcpus" \
		"boot['release'].endswith('-rt-amd64') and boot['nohz_full'] == '1-3' and boot['isolated'] == '1-3' and kv['osnoise.tracer'] == 'osnoise'" \
		"release {boot['release']}, nohz_full={boot['nohz_full']} isolated={boot['isolated']}, tracer {kv['osnoise.tracer']!r}"
	vm_expect "three rounds of each tool" \
		"rounds('check') == ['1', '2', '3'] and (rounds('rtla') == ['1', '2', '3'] or not kv['rtla'])" \
		"nohz-check {rounds('check')}, rtla {rounds('rtla')}"
	vm_expect "nohz-check ran on cpus $RT_CPUS every round, seeing the guest's HZ" \
		"all(sorted(c['cpu'] for c in live(js('check.' + r))) == $cpus and js('check.' + r)['kernel']['hz'] == hz for r in rounds('check'))" \
		"exit {[rc['check.' + r] for r in rounds('check')]}, hz {[js('check.' + r)['kernel']['hz'] for r in rounds('check')]}"
	vm_expect "rt: nohz-check exits 0, verdict PASS, every round" \
		"all(rc['check.' + r] == 0 and js('check.' + r)['verdict'] == 'PASS' for r in rounds('check'))" \
		"exit {[rc['check.' + r] for r in rounds('check')]}; FAIL {[[f['id'] for f in findings(js('check.' + r))] for r in rounds('check')]}"
	vm_expect "rt: busy cpus $RT_CPUS tickless under nohz-check (<= 1% of HZ x window)" \
		"all(c['ticks'] <= 0.01 * hz * 5 for r in rounds('check') for c in live(js('check.' + r)))" \
		"ticks per round {[[c['ticks'] for c in live(js('check.' + r))] for r in rounds('check')]}"
	vm_expect "rt: ticks agree with /proc/interrupts LOC" \
		"all(agree('check.' + r, js('check.' + r), $cpus, 5) for r in rounds('check'))" \
		"{'; '.join(agree_txt('check.' + r, js('check.' + r), $cpus, 5) for r in rounds('check'))}"
	vm_expect "rt: cpus $RT_CPUS really ran (host vCPU time) yet LOC < 1% of HZ x bracket" \
		"all(vcpu('check.' + r)[c] > 0.5 and loc('check.' + r)[c] <= 0.01 * hz * span('check.' + r) + 3 for r in rounds('check') for c in $cpus)" \
		"vCPU seconds {[[vcpu('check.' + r)[c] for c in $cpus] for r in rounds('check')]}, LOC {[[loc('check.' + r)[c] for c in $cpus] for r in rounds('check')]}"
	if [ -z "$(vm_show "kv.get('rtla', '')")" ]; then
		skip "$VM_NAME: rtla" "not in the initramfs (scripts/vm-rtla.sh; see build/vm/logs/vm-rtla.err)"
	else
		vm_expect "rtla osnoise top ran on cpus $RT_CPUS every round, >= 3 s each" \
			"all(rc['rtla.' + r] == 0 and sorted(rtla_top('rtla.' + r)) == $cpus and all(x['runtime'] >= 3e6 for x in rtla_top('rtla.' + r).values()) for r in rounds('rtla'))" \
			"exit {[rc['rtla.' + r] for r in rounds('rtla')]}; runtime us {[[x['runtime'] for x in rtla_top('rtla.' + r).values()] for r in rounds('rtla')]}"
	fi
	if [ "$(vm_show "kv.get('noise')")" = none ]; then
		skip "$VM_NAME: noise" "the nohz-check in build/static has no --noise-threshold yet"
		return
	fi
	vm_expect "json: the noise keys, threshold 5 us, in every round" \
		"all(js('check.' + r)['live']['noise_threshold_ns'] == 5000 and all(k in c for k in $RT_NOISE_KEYS) and c['threshold_ns'] == 5000 for r in rounds('check') for c in live(js('check.' + r)))" \
		"missing {sorted(set(k for r in rounds('check') for c in live(js('check.' + r)) for k in $RT_NOISE_KEYS if k not in c))}; threshold {[js('check.' + r)['live'].get('noise_threshold_ns') for r in rounds('check')]}"
	[ -z "$(vm_show "kv.get('rtla', '')")" ] && return
	# what is compared is judged in rt_compare (below)
	rt_compare "$cpus"
}

RT_NOISE_KEYS="['noise_ns', 'available_pct', 'max_gap_ns', 'gaps', 'gap_hist', 'worst', 'sources', 'stolen_by_kind', 'window_ns', 'threshold_ns']"

# rt_compare CPUS - rtla against nohz-check, per cpu.  The goal
# (nohz-check's median % available and largest single noise within 10% of
# rtla's) is reported, and judged for % available only where the host
# leaves it measurable (RT_GOAL=1, rt-osnoise-cpu1): under TCG the noise is
# how long the host keeps each vCPU thread waiting for a host CPU, and with
# three busy vCPUs on two host CPUs that changes from one 5 s window to the
# next by far more than 10% (34-68% of the busy time in the runs here), so
# two tools that never measure the same window cannot meet it.  Judged
# instead, what holds whatever the host does:
# - both tools put the noise on the emulator (rtla's HW column, kind hw);
# - each tool's noise follows the host's witness of its own window: noise %
#   = the vCPU thread's wait on a host run queue (% of the guest CPU's busy
#   time, from the host's schedstat) plus what TCG itself costs inside the
#   thread's run time, 2-23 points in any round here, for either tool;
# - that remainder is about the same for both tools (medians 0.3-5.9
#   points apart in seven runs; judged within 10);
# - with three busy vCPUs the largest single noise is a host time slice of
#   tens of ms for both: the medians agree on the order of magnitude
#   (RT_MAX_SINGLE=10; ratios 0.66-3.4 seen).  On CPU 1 alone it is one rare host hiccup of
#   0.2-16 ms, there or not in a window (medians 0.05-3.1 of each other):
#   not judged.
rt_compare() {
	local cpus=$1 goal
	vm_expect "both tools: the noise is the emulator's (rtla HW >= 90% of its counts, nohz-check hw >= 90% of its noise)" \
		"all(x['hw'] >= 0.9 * (x['hw'] + x['nmi'] + x['irq'] + x['softirq'] + x['thread']) for v in side($cpus).values() for x in v['rtla']) and all(y['stolen_pct']['hw'] >= 90 for v in side($cpus).values() for y in v['nohz'])" \
		"rtla HW/NMI/IRQ/Softirq/Thread {[[(x['hw'], x['nmi'], x['irq'], x['softirq'], x['thread']) for x in v['rtla']] for v in side($cpus).values()]}; nohz-check hw % of noise {[[round(y['stolen_pct']['hw'], 1) for y in v['nohz']] for v in side($cpus).values()]}"
	vm_expect "each tool's noise % = its vCPU's wait for a host CPU % + 0..30, every round and cpu" \
		"all(-5 <= d <= 30 for d in rt_rest('rtla', $cpus) + rt_rest('nohz', $cpus))" \
		"noise % - wait %: rtla {[round(d, 1) for d in rt_rest('rtla', $cpus)]}, nohz-check {[round(d, 1) for d in rt_rest('nohz', $cpus)]}"
	vm_expect "what is left beside the host's preemption: the two tools' medians within 10 points" \
		"abs(median(rt_rest('rtla', $cpus)) - median(rt_rest('nohz', $cpus))) <= 10" \
		"rtla {median(rt_rest('rtla', $cpus)):.1f}, nohz-check {median(rt_rest('nohz', $cpus)):.1f}"
	if [ -n "$RT_MAX_SINGLE" ]; then
		vm_expect "max single noise: nohz-check's median within a factor $RT_MAX_SINGLE of rtla's" \
			"all(r is not None and 1 / $RT_MAX_SINGLE <= r <= $RT_MAX_SINGLE for a, b, r in compare('max_single_us', $cpus).values())" \
			"us: {compare_txt('max_single_us', $cpus, '.0f')}"
	fi
	goal="all(r is not None and abs(r - 1) <= 0.1 for a, b, r in compare('avail', $cpus).values())"
	if [ "${RT_GOAL:-}" = 1 ]; then
		vm_expect "goal: % available within 10% of rtla's (medians of the rounds)" \
			"$goal" "{compare_txt('avail', $cpus, '.2f')}"
	fi
	echo "NOTE: $VM_NAME: 10% goal, medians of the rounds:" \
		"$(vm_show "'% available ' + ('met' if $goal else 'not met') + ' (' + compare_txt('avail', $cpus, '.2f') + '); max single ' + ('met' if all(r is not None and abs(r - 1) <= 0.1 for a, b, r in compare('max_single_us', $cpus).values()) else 'not met') + ' (' + compare_txt('max_single_us', $cpus, '.0f') + ')'")"
}
