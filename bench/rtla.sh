#!/bin/bash
# bench/rtla.sh - nohz-check's noise measurement against rtla osnoise on a
# real PREEMPT_RT nohz_full kernel: boots the rt-osnoise guest of the QEMU
# tests (tests/vm/scenarios/rt-osnoise.sh: Debian's 6.1 rt kernel under TCG,
# nohz_full=1-3, rtla 6.1 in the initramfs), whose rounds alternate
#   rtla osnoise top -c 1-3 -d 5 -T 5 -q
#   nohz-check -c 1-3 -d 5 -j --noise-threshold 5us
# three times, and writes both tools side by side per CPU: noise, % available,
# the largest single noise, the interruptions by class, medians of the
# rounds, and whether nohz-check lands within 10% of rtla.  The host's own
# view of each window (CPU time of the vCPU thread over the time the guest
# CPU was busy) is the third column: under TCG it is what sets the noise.
# Prints a markdown section on stdout (bench/run.sh puts it in
# doc/benchmarks.md); progress and the scenario's checks go to stderr.
# Env: VM_DIR (build/vm: the cached kernels and rtla are shared with the
# tests), VM_LOCK_WAIT (240 s: another QEMU suite holding the lock).
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
VM_DIR=${VM_DIR:-$TOP/build/vm}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

echo "## nohz-check vs rtla osnoise (PREEMPT_RT guest under QEMU)"
echo
for c in qemu-system-x86_64 cpio python3; do
	if ! command -v "$c" > /dev/null; then
		echo "$c is not installed (\`scripts/deps.sh vm\`): not run."
		echo
		exit 0
	fi
done

echo "rtla bench: booting the rt-osnoise guest (tests/vm/nohz.sh)" >&2
load0=$(cut -d' ' -f1-3 /proc/loadavg)
t0=$EPOCHREALTIME
VM_ONLY=rt-osnoise VM_DIR=$VM_DIR VM_LOCK_WAIT=${VM_LOCK_WAIT:-240} VM_REJUDGE= \
	bash "$TOP/tests/vm/nohz.sh" > "$T/checks" 2>&1
secs=$(awk "BEGIN { printf \"%.0f\", $EPOCHREALTIME - $t0 }")
sed 's/^/rtla bench: /' "$T/checks" >&2
log=$VM_DIR/logs/rt-osnoise.log
if ! grep -q '^PASS: rt-osnoise: guest booted' "$T/checks"; then
	echo "The guest did not run the scenario:"
	echo
	grep -E '^(FAIL|SKIP)' "$T/checks" | head -n 5 | sed 's/^/    /'
	echo
	exit 1
fi
kcfg=$(ls -d "$VM_DIR"/kernel-6.1.0-*-rt-amd64 | sort -V | tail -n 1)/config

echo "Host: $(nproc) vCPUs ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)),"
echo "kernel $(uname -r), $(date -u '+%F %H:%M UTC'), load average $load0 before the boot;"
echo "the guest took $secs s with the build and boot.  Command: \`bench/rtla.sh\`, which boots"
echo "\`tests/vm/scenarios/rt-osnoise.sh\` (4 vCPUs under TCG, no KVM)."
echo
python3 - "$TOP" "$log" "$kcfg" "$T/checks" <<'EOF'
import sys
top, log, kcfg, checks = sys.argv[1:5]
sys.path.insert(0, top + '/tests/vm/lib')
import vmlog
from vmlog import med, median, NOISE_KINDS

sc = vmlog.Log(log).get('rt-osnoise')
boot = sc.boot
rounds = sc.rounds('check')
print(f"Guest: kernel {boot.get('release')} (PREEMPT_RT, HZ={vmlog.config_hz(kcfg)}), "
      f"`{' '.join(w for w in boot.get('cmdline', '').split() if '=' in w and not w.startswith(('console', 'panic', 'vmtest')))}`, "
      f"clocksource {boot.get('clocksource')}; rtla {sc.kv.get('rtla') or 'missing'}; "
      f"nohz-check noise option `{sc.kv.get('noise')}`.")
print()
for r in rounds:
    pass
print("Each round, between two reads of /proc/interrupts:")
print()
print("    rtla osnoise top -c 1-3 -d 5 -T 5 -q")
print("    nohz-check -c 1-3 -d 5 -j --noise-threshold 5us")
print()
if sc.kv.get('noise') == 'none' or not sc.kv.get('rtla'):
    print("Not compared: " + ("the nohz-check in build/static has no --noise-threshold"
                             if sc.kv.get('noise') == 'none' else "rtla was not in the guest") + ".")
    print()
    sys.exit(0)
side = vmlog.side_by_side(sc)
try:
    clock = sc.js('check.' + rounds[0])['live'].get('clock', '?')
except (KeyError, ValueError, IndexError):
    clock = '?'
host_rt = {c: [vmlog.host_avail(sc, 'rtla.' + r, c) for r in sc.rounds('rtla')] for c in side}


def f1(v):
    return '-' if v is None else f'{v:.1f}'


def ratio(a, b):
    return '-' if not a or b is None else f'{b / a:.2f}'


def goal(vals):
    return all(r is not None and abs(r - 1) <= 0.10 for r in vals)


def spread(vals):
    v = [x for x in vals if x is not None]
    return f'{min(v):.1f}-{max(v):.1f}' if v else '-'


print(f"### Per CPU, medians of {len(rounds)} rounds")
print()
print("| CPU | noise % rtla | nohz-check | % available rtla | nohz-check | ratio "
      "| host view, rtla rounds | nohz-check rounds | max single us rtla | nohz-check | ratio "
      "| max noise of 1 s us (rtla) |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|")
av_r, ms_r = [], []
for c, v in side.items():
    ra, na = med(v['rtla'], 'avail'), med(v['nohz'], 'avail')
    rm, nm = med(v['rtla'], 'max_single_us'), med(v['nohz'], 'max_single_us')
    av_r.append(na / ra if ra else None)
    ms_r.append(nm / rm if rm else None)
    print(f"| {c} | {f1(med(v['rtla'], 'noise_pct'))} | {f1(med(v['nohz'], 'noise_pct'))} "
          f"| {ra:.2f} | {na:.2f} | {ratio(ra, na)} "
          f"| {f1(median([x for x in host_rt[c] if x is not None]))} "
          f"| {f1(median([x for x in v['host'] if x is not None]))} "
          f"| {rm:.0f} | {nm:.0f} | {ratio(rm, nm)} | {med(v['rtla'], 'max_noise_us'):.0f} |")
print()

print(f"### Interruptions by class, medians of {len(rounds)} rounds")
print()
print("rtla counts every occurrence during its runtime (HW: samples over the threshold")
print("with nothing counted inside); nohz-check counts the gaps over the threshold a")
print("cause of that kind was inside, and says how much of its noise each kind took.")
print()
print("| CPU | rtla HW | NMI | IRQ | Softirq | Thread | nohz-check gaps | hw | irq | softirq "
      "| timer | work | thread | ipi | nmi | hw % of noise |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
for c, v in side.items():
    cnt = ' | '.join(f"{med(v['nohz'], 'count', k):.0f}" for k in NOISE_KINDS[:-1])
    print(f"| {c} | " + ' | '.join(f"{med(v['rtla'], k):.0f}" for k in ('hw', 'nmi', 'irq', 'softirq', 'thread'))
          + f" | {med(v['nohz'], 'gaps'):.0f} | {med(v['nohz'], 'count', 'hw'):.0f} | {cnt} "
          f"| {med(v['nohz'], 'stolen_pct', 'hw'):.2f} |")
print()

print("### Round by round")
print()
print("| round | CPU | % available rtla | host view | nohz-check | host view "
      "| max single us rtla | nohz-check | rtla HW | nohz-check gaps |")
print("|---|---|---|---|---|---|---|---|---|---|")
for i, r in enumerate(rounds):
    for c, v in side.items():
        if i >= len(v['rtla']):
            continue
        x, y = v['rtla'][i], v['nohz'][i]
        hv = v['host'][i] if i < len(v['host']) else None
        print(f"| {r} | {c} | {x['avail']:.2f} | {f1(host_rt[c][i])} | {y['avail']:.2f} | {f1(hv)} "
              f"| {x['max_single_us']} | {y['max_single_us']:.0f} | {x['hw']} | {y['gaps']} |")
print()

# how far each tool is from the host's view of its own window, per round
def off(tool, hosts):
    return [t['avail'] / h for t, h in zip(tool, hosts) if h]

dev_r = [x for c, v in side.items() for x in off(v['rtla'], host_rt[c])]
dev_n = [x for c, v in side.items() for x in off(v['nohz'], v['host'])]
print(f"Goal, nohz-check within 10% of rtla (median of the rounds, per CPU): "
      f"% available {'met' if goal(av_r) else 'not met'} "
      f"(ratios {', '.join(f'{x:.2f}' for x in av_r if x is not None)}), "
      f"max single noise {'met' if goal(ms_r) else 'not met'} "
      f"(ratios {', '.join(f'{x:.2f}' for x in ms_r if x is not None)}).")
print(f"Each tool against the host's view of its own window (% available / host view, "
      f"all rounds and CPUs): rtla {spread(dev_r)} (median {f1(median(dev_r))}), "
      f"nohz-check {spread(dev_n)} (median {f1(median(dev_n))}).  "
      f"One tool's own % available across the rounds: rtla "
      f"{', '.join(spread([x['avail'] for x in v['rtla']]) for v in side.values())}, "
      f"nohz-check {', '.join(spread([x['avail'] for x in v['nohz']]) for v in side.values())} "
      f"(CPUs {', '.join(str(c) for c in side)}); its max single noise (ms): rtla "
      f"{', '.join(spread([x['max_single_us'] / 1e3 for x in v['rtla']]) for v in side.values())}, "
      f"nohz-check {', '.join(spread([x['max_single_us'] / 1e3 for x in v['nohz']]) for v in side.values())}.  "
      f"nohz-check's clock: {clock}.")
print()
res = [ln.strip() for ln in open(checks) if ln.startswith(('PASS: rt-osnoise', 'FAIL: rt-osnoise', 'NOTE: rt-osnoise'))]
print(f"The scenario's checks in this run: {sum(l.startswith('PASS') for l in res)} passed, "
      f"{sum(l.startswith('FAIL') for l in res)} failed"
      + ''.join(f"; {l[len('FAIL: rt-osnoise: '):].split(':')[0]}" for l in res if l.startswith('FAIL'))
      + '.')
print()
EOF
cat "$TOP/bench/rtla.txt"
echo
