#!/bin/bash
# bench/rtla.sh - nohz-check's noise measurement against rtla osnoise on a
# real PREEMPT_RT nohz_full kernel.  Boots, one after the other, the guests
# of two QEMU test scenarios (Debian's 6.1 rt kernel under TCG,
# nohz_full=1-3, rtla 6.1 in the initramfs): rt-osnoise (CPUs 1-3) and
# rt-osnoise-cpu1 (CPU 1 alone), whose rounds alternate
#   rtla osnoise top -c CPUS -d 5 -T 5 -q
#   nohz-check -c CPUS -d 5 -j --noise-threshold 5us
# three times, and writes both tools side by side per CPU: noise, %
# available, the largest single noise, the interruptions by class, medians
# of the rounds, and whether nohz-check lands within 10% of rtla.  Beside
# them the host's witness of each window: how long the vCPU thread waited
# for a host CPU (under TCG that is most of the noise).
# Prints a markdown section on stdout (bench/run.sh puts it in
# doc/benchmarks.md); progress and the scenarios' checks go to stderr.
# Env: VM_DIR (build/vm: the cached kernels and rtla are shared with the
# tests), VM_LOCK_WAIT (240 s: another QEMU suite holding the lock),
# VM_REJUDGE=1 (boot nothing: the section from the last serial logs).
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
VM_DIR=${VM_DIR:-$TOP/build/vm}
SCEN="rt-osnoise rt-osnoise-cpu1"
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

echo "rtla bench: booting $SCEN, one at a time (tests/vm/nohz.sh)" >&2
load0=$(cut -d' ' -f1-3 /proc/loadavg)
t0=$EPOCHREALTIME
# one guest at a time: two would wait for each other's host CPUs
VM_ONLY=$SCEN VM_JOBS=1 VM_DIR=$VM_DIR VM_LOCK_WAIT=${VM_LOCK_WAIT:-240} \
	bash "$TOP/tests/vm/nohz.sh" > "$T/checks" 2>&1
secs=$(awk "BEGIN { printf \"%.0f\", $EPOCHREALTIME - $t0 }")
sed 's/^/rtla bench: /' "$T/checks" >&2
if ! grep -q '^PASS: rt-osnoise: guest booted' "$T/checks"; then
	echo "The guest did not run the scenario:"
	echo
	grep -E '^(FAIL|SKIP)' "$T/checks" | head -n 5 | sed 's/^/    /'
	echo
	exit 1
fi
kcfg=$(ls -d "$VM_DIR"/kernel-6.1.0-*-rt-amd64 | sort -V | tail -n 1)/config

times=""
for n in $SCEN; do
	g=0
	[ -f "$VM_DIR/logs/$n.time" ] && read -r _ g < "$VM_DIR/logs/$n.time"
	times="$times${times:+, }$n $(printf '%.0f' "$g") s"
done
echo "Host: $(nproc) vCPUs ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)),"
echo "kernel $(uname -r), $(date -u '+%F %H:%M UTC'), load average $load0 before the boots."
echo "Command: \`bench/rtla.sh\` ($secs s), which boots the guests of"
echo "\`tests/vm/scenarios/rt-osnoise.sh\` and \`rt-osnoise-cpu1.sh\` one after the other"
echo "(4 vCPUs each under TCG, no KVM; boot to poweroff: $times)."
echo
python3 - "$TOP" "$VM_DIR/logs" "$kcfg" "$T/checks" $SCEN <<'EOF'
import sys
top, logs, kcfg, checks = sys.argv[1:5]
sys.path.insert(0, top + '/tests/vm/lib')
import vmlog
from vmlog import med, median, NOISE_KINDS


def f1(v):
    return '-' if v is None else f'{v:.1f}'


def ratio(a, b):
    return '-' if not a or b is None else f'{b / a:.2f}'


def goal(vals):
    return bool(vals) and all(r is not None and abs(r - 1) <= 0.10 for r in vals)


def spread(vals, fmt='.1f'):
    v = [x for x in vals if x is not None]
    return f'{min(v):{fmt}}-{max(v):{fmt}}' if v else '-'


def wait(h):
    return None if h is None else h['wait']


def hk0(h):
    return None if h is None else h.get('hk0')


def f0(v):
    return '-' if v is None else f'{v:.0f}'


def rest(tool, hosts):
    """noise % minus the host's wait % in the same window, per round"""
    return [t['noise_pct'] - h['wait'] for t, h in zip(tool, hosts) if h]


def cpulist(text):
    return tuple(c for p in text.split(',')
                 for c in range(int(p.split('-')[0]), int(p.split('-')[-1]) + 1))


def section(name, first):
    try:
        log = vmlog.Log(f'{logs}/{name}.log')
    except OSError:
        print(f"### {name}: no serial log\n")
        return
    sc = log.get(name)
    cpus = cpulist(sc.kv.get('rt.cpus', '1-3'))
    cl = sc.kv.get('rt.cpus', '1-3')
    rounds = sc.rounds('check')
    print(f"### CPU{'s' if len(cpus) > 1 else ''} {cl} (`{name}`), {len(rounds)} rounds")
    print()
    if first:
        boot = sc.boot
        print(f"Guest: kernel {boot.get('release')} (PREEMPT_RT, HZ={vmlog.config_hz(kcfg)}), "
              f"`{' '.join(w for w in boot.get('cmdline', '').split() if '=' in w and not w.startswith(('console', 'panic', 'vmtest')))}`, "
              f"clocksource {boot.get('clocksource')}; rtla {sc.kv.get('rtla') or 'missing'}; "
              f"nohz-check's clock {sc.js('check.' + rounds[0])['live'].get('clock', '?') if rounds else '?'}.")
        print()
    print("Each round, between two reads of /proc/interrupts:")
    print()
    print(f"    rtla osnoise top -c {cl} -d 5 -T 5 -q")
    print(f"    nohz-check -c {cl} -d 5 -j {sc.kv.get('noise')}")
    print()
    if sc.kv.get('noise') == 'none' or not sc.kv.get('rtla'):
        print("Not compared: " + ("the nohz-check in build/static has no --noise-threshold"
                                 if sc.kv.get('noise') == 'none' else "rtla was not in the guest") + ".")
        print()
        return
    side = vmlog.side_by_side(sc, cpus)

    print("| CPU | noise % rtla | nohz-check | % available rtla | nohz-check | ratio "
          "| max single us rtla | nohz-check | ratio | max noise of a 1 s period us (rtla) |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    av_r, ms_r = [], []
    for c, v in side.items():
        ra, na = med(v['rtla'], 'avail'), med(v['nohz'], 'avail')
        rm, nm = med(v['rtla'], 'max_single_us'), med(v['nohz'], 'max_single_us')
        av_r.append(na / ra if ra else None)
        ms_r.append(nm / rm if rm else None)
        print(f"| {c} | {f1(med(v['rtla'], 'noise_pct'))} | {f1(med(v['nohz'], 'noise_pct'))} "
              f"| {ra:.2f} | {na:.2f} | {ratio(ra, na)} "
              f"| {rm:.0f} | {nm:.0f} | {ratio(rm, nm)} | {med(v['rtla'], 'max_noise_us'):.0f} |")
    print()
    print(f"Medians of the rounds.  Goal, nohz-check within 10% of rtla on every CPU: "
          f"% available **{'met' if goal(av_r) else 'not met'}** "
          f"(ratios {', '.join(f'{x:.2f}' for x in av_r if x is not None)}), "
          f"max single noise **{'met' if goal(ms_r) else 'not met'}** "
          f"(ratios {', '.join(f'{x:.2f}' for x in ms_r if x is not None)}).")
    print()

    print("Interruptions by class, medians of the rounds.  rtla counts every occurrence")
    print("during its runtime (HW: samples over the threshold with nothing counted")
    print("inside); nohz-check counts the gaps over the threshold a cause of that kind")
    print("was inside, and the share of its noise each kind took.")
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

    print("Round by round, with the host's witness (`/proc/PID/task/TID/schedstat` of")
    print("QEMU's vCPU threads, sampled when the guest printed its /proc/interrupts")
    print("reads): \"waited\" is the share of the time the guest CPU was busy in that")
    print("tool's bracket that its vCPU thread spent runnable on a host run queue;")
    print("\"vCPU 0/s\" how often per second the host put vCPU 0, where the tool's own")
    print("threads run, on a CPU.")
    print()
    print("| round | CPU | rtla % avail | noise % | waited % | vCPU 0/s | nohz-check % avail | noise % "
          "| waited % | vCPU 0/s | max single us rtla | nohz-check | rtla HW | nohz-check gaps |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for i, r in enumerate(rounds):
        for c, v in side.items():
            if i >= len(v['rtla']):
                continue
            x, y = v['rtla'][i], v['nohz'][i]
            print(f"| {r} | {c} | {x['avail']:.2f} | {x['noise_pct']:.1f} | {f1(wait(v['host_rtla'][i]))} "
                  f"| {f0(hk0(v['host_rtla'][i]))} "
                  f"| {y['avail']:.2f} | {y['noise_pct']:.1f} | {f1(wait(v['host_nohz'][i]))} "
                  f"| {f0(hk0(v['host_nohz'][i]))} "
                  f"| {x['max_single_us']} | {y['max_single_us']:.0f} | {x['hw']} | {y['gaps']} |")
    print()
    rr = [x for v in side.values() for x in rest(v['rtla'], v['host_rtla'])]
    rn = [x for v in side.values() for x in rest(v['nohz'], v['host_nohz'])]
    wr = [wait(h) for v in side.values() for h in v['host_rtla']]
    wn = [wait(h) for v in side.values() for h in v['host_nohz']]
    print(f"Over all rounds and CPUs: the host kept the vCPU threads waiting "
          f"{spread(wr)}% of the busy time in rtla's windows and {spread(wn)}% in "
          f"nohz-check's; noise % minus that: rtla {spread(rr)} (median {f1(median(rr))}), "
          f"nohz-check {spread(rn)} (median {f1(median(rn))}).  Each tool against itself "
          f"across the rounds, % available: rtla "
          f"{', '.join(spread([x['avail'] for x in v['rtla']], '.2f') for v in side.values())}, "
          f"nohz-check {', '.join(spread([x['avail'] for x in v['nohz']], '.2f') for v in side.values())}; "
          f"max single noise, ms: rtla "
          f"{', '.join(spread([x['max_single_us'] / 1e3 for x in v['rtla']]) for v in side.values())}, "
          f"nohz-check {', '.join(spread([x['max_single_us'] / 1e3 for x in v['nohz']]) for v in side.values())}"
          f" (CPU{'s' if len(cpus) > 1 else ''} {', '.join(str(c) for c in cpus)}).")
    print()


for i, name in enumerate(sys.argv[5:]):
    section(name, i == 0)
res = [ln.strip() for ln in open(checks) if ln.startswith(('PASS: rt-', 'FAIL: rt-'))]
print(f"The scenarios' checks in this run: {sum(l.startswith('PASS') for l in res)} passed, "
      f"{sum(l.startswith('FAIL') for l in res)} failed"
      + ''.join(f"; FAIL {l[len('FAIL: '):].split(':')[0]}: {l[len('FAIL: '):].split(':')[1].strip()}"
                for l in res if l.startswith('FAIL'))
      + '.')
print()
EOF
cat <<'EOT'
How to read the differences (each measured above; the ranges over the runs
of 2026-12-04 are noted here):

- **% available, CPUs 1-3.**  Both tools put all their noise on the
  emulator (rtla's HW column, nohz-check's kind hw; no kernel event on the
  isolated CPUs), and the emulator's noise is the host: a guest's clock goes
  on while its vCPU thread waits for one of the host's two CPUs, and four
  vCPU threads (three busy) wait 34-68% of the busy time.  That wait is
  different in every 5 s window and the two tools never share one, so
  their medians differ by what the host did meanwhile: nohz-check/rtla
  0.64-1.67 per CPU over nine runs, the 10% goal met on all three CPUs in
  one.  Take the host's wait out of each window (the "noise % minus that"
  line): both tools are left with 2-23 points of TCG's own cost per round,
  medians 6.9-10.8 for rtla and 7.9-14.9 for nohz-check in the seven runs
  with the host's witness.  The QEMU test
  judges that (each tool's noise = its wait + 0..30 points in every round;
  the medians of the remainder within 10 points).
- **% available, CPU 1 alone.**  Two vCPU threads on two host CPUs wait
  0.2-15% of the busy time: here the tools measure mostly the same thing
  and nohz-check's median lands within 4% of rtla's (0.96-1.01 in six
  runs; judged by rt-osnoise-cpu1), both left with 0.4-3.2 points beyond
  the wait.  nohz-check was the lower one in five runs of six, and its
  windows had the larger host wait in 13 of 15 rounds (one tie).  The host put vCPU
  0, where nohz-check's trace reader and main thread run, on a CPU 19-37%
  more often per second of its bracket than during rtla's (the "vCPU 0/s"
  column, in the two runs that recorded it; the bracket includes each
  tool's start-up), and each such wake-up is a chance for the host to hold
  back vCPU 1.  The gap counts
  differ more than the time does (nohz-check's 0.46-3.9 times rtla's HW
  count per round, mostly gaps of 8-64 us): not explained here.
- **Max single noise.**  One event per window: on three busy vCPUs a host
  time slice of tens of ms for both tools (median ratios 0.66-3.4 per
  CPU, judged within a factor 10); on CPU 1 alone one rare host hiccup of
  0.2-16 ms, there or not in a given 5 s window (median ratios 0.05-3.1,
  not judged).  A 10% agreement between two windows is chance.
- **IRQ, Thread.**  rtla counts every interrupt during its runtime, over
  the threshold or not: 0-8 IRQs and as many Thread entries per CPU per
  round, of the order of the local timer, irq_work and reschedule
  interrupts /proc/interrupts shows on those CPUs over its bracket (the
  tick restarts while the osnoise threads start and stop; on PREEMPT_RT
  the timer softirq then runs in a kthread, so Softirq stays 0 and Thread
  follows IRQ).  nohz-check's window opens after its spinners settle and
  closes before they stop, with LOC 0 on CPUs 1-3 over its whole bracket:
  no non-hw cause is the right answer there.  Neither tool counts the
  hundreds of CAL interrupts each bracket shows on every CPU, idle ones
  too (498 around rtla, 660-677 around nohz-check): they come while the
  tools set up and tear down their tracing, outside both windows (most
  likely the text patching of enabling events; not traced here).

EOT
