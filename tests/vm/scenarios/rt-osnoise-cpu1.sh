# rt-osnoise-cpu1 - rt-osnoise on CPU 1 alone: one busy vCPU thread (with
# housekeeping CPU 0 and the idle CPUs 2-3, which sleep in HLT) on a 2-CPU
# host leaves the host little reason to preempt it, so what the two tools
# measure is mostly the same thing: TCG's own cost, not the host's run
# queue.  So the 10% goal on % available is judged here (RT_GOAL=1); the
# largest single noise, one rare host hiccup, is not (RT_MAX_SINGLE empty).
# Booted only when VM_ONLY names it (bench/rtla.sh does).
# shellcheck disable=SC1090,SC1091
. "${VM_SCEN:-/scenarios}/rt-osnoise.sh"
RT_CPUS=1
VM_ON_REQUEST=1
RT_GOAL=1
RT_MAX_SINGLE=
