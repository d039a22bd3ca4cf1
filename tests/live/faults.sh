#!/bin/bash
# tests/live/faults.sh - the tools on a machine that is in trouble or
# locked down: not root (and perf_event_paranoid 3), tracefs not mounted
# (and not mountable), tracepoints this kernel lacks, a CPU going offline
# between two irqtop frames, and an output that goes away (a pipe closed
# early, a closed stdout, a full disk).  Each case wants a clear message
# on stderr that starts with the tool's name, a defined exit code, no
# crash, no hang, and nothing left behind (tracefs instances, threads).
# Mount changes happen in private mount namespaces (unshare -m): the host
# keeps its tracefs.  perf_event_paranoid is restored on exit.
. "$(dirname "$0")/../lib.sh"

if ! is_root; then
	skip faults "needs root (setpriv, unshare -m, perf_event_paranoid)"
	exit 0
fi
TR=/sys/kernel/tracing
TO=30

# run NAME WANT... -- CMD... - run with a timeout; WANT: allowed exit codes
# (default 2); on exit 2 stderr must end with a line "TOOL: ..." where TOOL
# is the basename of the first word of CMD that is one of ours
run() {
	local name=$1 want=() rc tool w ok_rc=0
	shift
	while [ "$1" != -- ]; do want+=("$1"); shift; done
	shift
	[ ${#want[@]} -eq 0 ] && want=(2)
	for w in "$@"; do
		case $w in "$B"/*) tool=${w##*/}; break ;; esac
	done
	timeout -k 5 "$TO" "$@" </dev/null >"$T_TMP/out" 2>"$T_TMP/err"
	RC=$?
	for w in "${want[@]}"; do [ "$RC" = "$w" ] && ok_rc=1; done
	if [ "$RC" = 124 ] || [ "$RC" = 137 ]; then
		fail "$name" "hung: killed after ${TO}s"
	elif [ $ok_rc = 0 ]; then
		fail "$name" "exit $RC, want ${want[*]}: $(tail -n 2 "$T_TMP/err" | tr '\n' ' ')"
	elif [ "$RC" = 2 ] && ! tail -n 1 "$T_TMP/err" | grep -q "^$tool: ."; then
		fail "$name" "exit 2 without a '$tool: ...' line: $(tail -n 2 "$T_TMP/err" | tr '\n' ' ')"
	else
		return 0
	fi
	return 1
}

# says NAME REGEX - the last run's stderr says it
says() {
	if grep -Eq -- "$2" "$T_TMP/err"; then ok "$1"
	else fail "$1" "stderr lacks '$2': $(head -c 300 "$T_TMP/err" | tr '\n' ' ')"; fi
}

# instances_of PID - tracefs instances a process of that pid left
instances_of() {
	ls "$TR/instances" 2>/dev/null | grep -E "^nohz-(.*-)?$1(-|$)"
}

# --- not root --------------------------------------------------------------
if id nobody >/dev/null 2>&1 && command -v setpriv >/dev/null; then
	AS=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
	par=$(cat /proc/sys/kernel/perf_event_paranoid)
	trap 'echo "$par" > /proc/sys/kernel/perf_event_paranoid; rm -rf "$T_TMP"' EXIT
	echo 3 > /proc/sys/kernel/perf_event_paranoid
	run "nobody: nohz-check live" 2 -- "${AS[@]}" "$B/nohz-check" -c 1 -d 1 -q &&
		says "nobody: nohz-check live says it needs root" 'root'
	run "nobody: nohz-check --static-only" 0 1 -- "${AS[@]}" "$B/nohz-check" --static-only -q &&
		ok "nobody: nohz-check --static-only works (exit $RC)"
	run "nobody: pig" 0 -- "${AS[@]}" "$B/pig" -c 1 -s 0.2 -q &&
		ok "nobody: pig spins without privileges"
	run "nobody: pig --count" 0 -- "${AS[@]}" "$B/pig" -c 1 -s 0.2 -q --count &&
		says "nobody: pig --count goes on without counters and says why" '^pig: cannot count events.*(root|paranoid)'
	run "nobody: pig -p 10" 2 -- "${AS[@]}" "$B/pig" -c 1 -s 0.2 -p 10 -q &&
		says "nobody: pig -p refused" 'SCHED_FIFO.*(not permitted|root|CAP_SYS_NICE)'
	run "nobody: irqtop" 0 -- "${AS[@]}" "$B/irqtop" -b -n 2 -d 0.1 &&
		expect_grep "nobody: irqtop counts ticks from LOC" 'ticks: LOC' "$T_TMP/out"
	run "nobody: sleeping-beauties --trace" 2 -- "${AS[@]}" "$B/sleeping-beauties" --trace -d 0.5 &&
		says "nobody: sleeping-beauties --trace needs root" 'root'
	# stacks unreadable: a root process in D, watched by nobody
	if [ -x "$B/tests/helpers/vfork_d" ]; then
		"$B/tests/helpers/vfork_d" 3000 > "$T_TMP/vfork.out" &
		vpid=$!
		for ((i = 0; i < 50; i++)); do grep -q ready "$T_TMP/vfork.out" && break; sleep 0.02; done
		dpid=$(awk '/^ready/ {print $2}' "$T_TMP/vfork.out")
		run "nobody: sleeping-beauties, stacks unreadable" 1 -- "${AS[@]}" \
			"$B/sleeping-beauties" -t 100ms -i 20ms -d 1 -p "$dpid" &&
			says "nobody: sleeping-beauties says stacks need root" '^sleeping-beauties: .*stack.*root' &&
			expect_grep "nobody: the wait is still reported" "pid $dpid .*vfork_d" "$T_TMP/out"
		wait "$vpid"
	else
		skip "nobody: sleeping-beauties, stacks unreadable" "no $B/tests/helpers/vfork_d (make tests-bins)"
	fi
	echo "$par" > /proc/sys/kernel/perf_event_paranoid
	if [ "$(cat /proc/sys/kernel/perf_event_paranoid)" = "$par" ]; then ok "perf_event_paranoid restored ($par)"
	else fail "perf_event_paranoid restored" "is $(cat /proc/sys/kernel/perf_event_paranoid), was $par"; fi
else
	skip "not root" "no user nobody or no setpriv"
fi

# --- tracefs not mounted, in a private mount namespace ---------------------
if command -v unshare >/dev/null && grep -q " $TR " /proc/self/mountinfo 2>/dev/null ||
   [ -d "$TR/events" ]; then
	host_before=$(grep -c tracefs /proc/self/mountinfo)
	# "${NS[@]}" "$SETUP" CMD...: CMD in a new mount namespace after SETUP
	NS=(unshare -m --propagation private sh -c 'eval "$0" || exit 97; exec "$@"')
	unmount="umount $TR 2>/dev/null; umount /sys/kernel/debug/tracing 2>/dev/null; ! [ -d $TR/events ]"
	run "no tracefs: nohz-check mounts it" 0 1 -- "${NS[@]}" "$unmount" "$B/nohz-check" -c 1 -d 1 -q &&
		ok "no tracefs: nohz-check mounts tracefs and runs (exit $RC)"
	run "no tracefs: sleeping-beauties --trace" 0 1 -- "${NS[@]}" "$unmount" "$B/sleeping-beauties" --trace -d 0.5 -q &&
		ok "no tracefs: sleeping-beauties --trace mounts tracefs and runs (exit $RC)"
	run "no tracefs: pig --count" 0 -- "${NS[@]}" "$unmount" "$B/pig" -c 1 -s 0.2 --count -q &&
		expect_nogrep "no tracefs: pig --count counts" 'cannot count' "$T_TMP/err"
	# nowhere to mount it: an empty read-only /sys/kernel
	hide="$unmount; mount -t tmpfs -o ro,size=4k none /sys/kernel"
	run "no tracefs, not mountable: nohz-check" 2 -- "${NS[@]}" "$hide" "$B/nohz-check" -c 1 -d 1 -q &&
		says "no tracefs, not mountable: nohz-check says so" '^nohz-check: .*tracefs'
	run "no tracefs, not mountable: sleeping-beauties --trace" 2 -- "${NS[@]}" "$hide" "$B/sleeping-beauties" --trace -d 0.5 &&
		says "no tracefs, not mountable: sleeping-beauties says so" '^sleeping-beauties: .*tracefs'
	run "no tracefs, not mountable: pig --count" 0 -- "${NS[@]}" "$hide" "$B/pig" -c 1 -s 0.2 --count -q &&
		says "no tracefs, not mountable: pig goes on without counters" '^pig: cannot count events.*tracefs'
	run "no tracefs, not mountable: irqtop" 0 -- "${NS[@]}" "$hide" "$B/irqtop" -b -n 2 -d 0.1 &&
		expect_grep "no tracefs, not mountable: irqtop counts ticks from LOC" 'ticks: LOC' "$T_TMP/out"
	if [ "$(grep -c tracefs /proc/self/mountinfo)" = "$host_before" ] && [ -d "$TR/events" ]; then
		ok "no tracefs: the host's tracefs is untouched"
	else
		fail "no tracefs: the host's tracefs is untouched" "mount table changed"
	fi

	# --- tracepoints this kernel lacks: irq_vectors hidden -----------------
	mkdir -p "$T_TMP/noevents"
	noirqv="mount --bind $T_TMP/noevents $TR/events/irq_vectors"
	run "no irq_vectors events: nohz-check" 0 1 -- "${NS[@]}" "$noirqv" "$B/nohz-check" -c 1 -d 1 -q -j &&
		expect_grep "no irq_vectors events: nohz-check skips live.ticks and says why" \
			'"id":"live.ticks","[^}]*"verdict":"SKIP","evidence":"[^"]*cannot be counted' "$T_TMP/out"
	run "no irq_vectors events: pig --count" 0 -- "${NS[@]}" "$noirqv" "$B/pig" -c 1 -s 0.2 --count &&
		expect_grep "no irq_vectors events: pig shows ticks as unknown" '^1 +- ' "$T_TMP/out"
	run "no irq_vectors events: irqtop" 0 -- "${NS[@]}" "$noirqv" "$B/irqtop" -b -n 2 -d 0.1 &&
		expect_grep "no irq_vectors events: irqtop counts ticks from LOC" 'ticks: LOC' "$T_TMP/out"
else
	skip "tracefs faults" "no unshare or no tracefs on this kernel"
fi

# --- a CPU goes offline (and back) between irqtop frames -------------------
# The tree flips between 4 CPUs and 3 (CPU 3 offline: gone from online and
# from /proc/interrupts, as the kernel shows it) under a running irqtop.
R=$T_TMP/hotplug
sh "$FIX/interrupts/mkroot.sh" "$R" 4 0 1-3
flip() {
	local step=0
	while [ -e "$T_TMP/flipping" ]; do
		step=$((step + 1))
		if [ $((step % 2)) = 0 ]; then
			sh "$FIX/interrupts/gen-cpus.sh" 4 "$step" > "$R/proc/.i"
			echo 0-3 > "$R/sys/devices/system/cpu/.o"
		else
			sh "$FIX/interrupts/gen-cpus.sh" 3 "$step" > "$R/proc/.i"
			echo 0-2 > "$R/sys/devices/system/cpu/.o"
		fi
		mv "$R/proc/.i" "$R/proc/interrupts"
		mv "$R/sys/devices/system/cpu/.o" "$R/sys/devices/system/cpu/online"
		sleep 0.07
	done
}
for mode in -b -j; do
	touch "$T_TMP/flipping"
	flip &
	fpid=$!
	run "cpu offline mid-run: irqtop $mode" 0 -- "$B/irqtop" --root "$R" "$mode" -n 12 -d 0.1
	rc=$?
	rm -f "$T_TMP/flipping"
	wait "$fpid"
	[ $rc = 0 ] || continue
	if [ "$mode" = -b ]; then
		frames=$(grep -c '^NAME ' "$T_TMP/out")
		with3=$(grep -c '^NAME .*CPU3' "$T_TMP/out")
	else
		frames=$(grep -c '^{' "$T_TMP/out")
		with3=$(grep -c '"cpu":3,' "$T_TMP/out")
	fi
	if [ "$frames" = 12 ] && [ "$with3" -gt 0 ] && [ "$with3" -lt "$frames" ]; then
		ok "cpu offline mid-run: irqtop $mode printed 12 frames, $with3 with CPU 3"
	else
		fail "cpu offline mid-run: irqtop $mode" "$frames frames, $with3 with CPU 3: want 12 and some without"
	fi
done

# --- the output goes away -------------------------------------------------
# pipe_head NAME MAXSECS CMD... - CMD | head -1: done in MAXSECS, exit 0-2
# or SIGPIPE (141, silent), at most one line on stderr
pipe_head() {
	local name=$1 max=$2 t0 t1 rc
	shift 2
	t0=$(date +%s%N)
	timeout -k 5 "$TO" "$@" 2>"$T_TMP/err" </dev/null | head -n 1 >/dev/null
	rc=${PIPESTATUS[0]}
	t1=$(date +%s%N)
	secs=$(( (t1 - t0) / 1000000000 ))
	if [ "$rc" = 124 ] || [ "$rc" = 137 ] || [ "$secs" -ge "$max" ]; then
		fail "$name" "still writing ${secs}s after the reader left (exit $rc)"
	elif [ "$rc" -gt 2 ] && [ "$rc" != 141 ]; then
		fail "$name" "exit $rc: $(head -n 2 "$T_TMP/err" | tr '\n' ' ')"
	elif [ "$(grep -c '' "$T_TMP/err")" -gt 1 ]; then
		fail "$name" "noise on stderr: $(head -n 3 "$T_TMP/err" | tr '\n' '|')"
	else
		ok "$name (exit $rc in ${secs}s)"
	fi
}
pipe_head "nohz-check --static-only | head -1" 10 "$B/nohz-check" --static-only
pipe_head "irqtop -b -n 100 | head -1" 5 "$B/irqtop" -b -n 100
pipe_head "irqtop -j -n 100 | head -1" 5 "$B/irqtop" -j -n 100
pipe_head "pig -c 1 -s 0.3 | head -1" 5 "$B/pig" -c 1 -s 0.3
# the live test: the reader leaves while the spinners and the trace run
"$B/nohz-check" -c 1 -d 1 2>"$T_TMP/err" | head -n 1 >/dev/null &
sleep 0.2
ncpid=$(pgrep -n -f "^$B/nohz-check -c 1 -d 1$")
wait
if [ -n "$ncpid" ]; then
	sleep 0.2
	left="$(instances_of "$ncpid")$( [ -d "/proc/$ncpid" ] && echo " process alive")"
	if [ -z "$left" ]; then ok "nohz-check -c 1 -d 1 | head -1 leaves nothing behind"
	else fail "nohz-check -c 1 -d 1 | head -1 leaves nothing behind" "$left"; fi
else
	skip "nohz-check -c 1 -d 1 | head -1" "could not find its pid"
fi
# sleeping-beauties writes only when a thread waits: give it one
if [ -x "$B/tests/helpers/vfork_d" ]; then
	( sleep 0.5; "$B/tests/helpers/vfork_d" 800 >/dev/null ) &
	pipe_head "sleeping-beauties -t 0 | head -1" 8 "$B/sleeping-beauties" -t 100ms -i 20ms
	wait
fi

# closed stdout and a full disk: the results are lost, so exit 2 and say so
for dst in closed full; do
	for cmd in "nohz-check --static-only" "pig -c 1 -s 0.2" "irqtop -b -n 3 -d 0.1" \
		   "sleeping-beauties -d 0.3"; do
		set -- $cmd
		tool=$1
		shift
		if [ $dst = closed ]; then
			timeout -k 5 "$TO" "$B/$tool" "$@" </dev/null >&- 2>"$T_TMP/err"
		else
			timeout -k 5 "$TO" "$B/$tool" "$@" </dev/null >/dev/full 2>"$T_TMP/err"
		fi
		RC=$?
		if [ "$RC" = 2 ] && [ "$(grep -c '' "$T_TMP/err")" = 1 ] &&
		   grep -q "^$tool: cannot write" "$T_TMP/err"; then
			ok "$cmd, stdout $dst: exit 2, one line"
		else
			fail "$cmd, stdout $dst" "exit $RC, stderr: $(head -n 3 "$T_TMP/err" | tr '\n' '|')"
		fi
	done
done

# --- a SCHED_FIFO spinner that could starve its CPU ------------------------
# pig -c 1 -p 50 -s 2 must return 2 s +- 5% after its spinner started (the
# spinner checks its own deadline: nothing has to preempt it), also when
# pig's main thread shares the spinner's CPU (taskset -c 1) and so gets no
# CPU time but through RT throttling until the spinner ends.  Witnesses
# from the kernel: the spinner thread's start time and policy (its
# /proc/PID/task/TID/stat, fields 22, 40 and 41) and /proc/uptime when pig
# has exited, both in 10 ms ticks since boot.  The time before the spinner
# (exec, clock calibration) depends on the load of this VM and is only
# printed.  A slow run is tried again (3 tries); a short one fails at once.
rt_limit() {
	local name=$1 try s e ms total pid cpid t st f up
	shift
	for try in 1 2 3; do
		s=$(date +%s%N)
		# pig is the child of timeout: a spinner that never ends is killed
		"$@" timeout -k 2 20 "$B/pig" -c 1 -p 50 -s 2 -q >"$T_TMP/out" 2>"$T_TMP/err" &
		pid=$!
		st=""
		for ((i = 0; i < 500; i++)); do
			cpid=$(pgrep -P "$pid" | head -n 1)
			for t in /proc/$cpid/task/*; do
				[ -n "$cpid" ] && [ "$(cat "$t/comm" 2>/dev/null)" = pig/1 ] || continue
				st=$(sed 's/.*) //' "$t/stat" 2>/dev/null)
			done
			[ -n "$st" ] && break
			sleep 0.01
		done
		wait "$pid"
		RC=$?
		up=$(cut -d ' ' -f 1 /proc/uptime)
		e=$(date +%s%N)
		total=$(( (e - s) / 1000000 ))
		read -r -a f <<< "$st"	# f[0] is field 3 (state)
		if [ "$RC" != 0 ] || [ "${f[38]}:${f[37]}" != "1:50" ]; then
			fail "$name" "exit $RC, spinner policy:priority '${f[38]}:${f[37]}' (want 1:50): $(tail -n 1 "$T_TMP/err")"
			return
		fi
		ms=$(awk -v up="$up" -v st="${f[19]}" -v hz="$(getconf CLK_TCK)" \
			'BEGIN { printf "%d", (up - st / hz) * 1000 }')
		if [ "$ms" -lt 1900 ]; then
			fail "$name" "returned $ms ms after the spinner started: before the 2 s limit"
			return
		fi
		if [ "$ms" -le 2100 ]; then
			ok "$name: $ms ms after the spinner started ($total ms in all, try $try)"
			return
		fi
		echo "# $name: try $try: $ms ms after the spinner started, $total in all" >&2
	done
	fail "$name" "returned $ms ms after the spinner started (limit 2100) in 3 tries"
}
if [ "$(nproc)" -ge 2 ]; then
	rt_limit "SCHED_FIFO pig -c 1 -p 50 -s 2 ends on time"
	rt_limit "SCHED_FIFO pig sharing its CPU with pig's main thread ends on time" taskset -c 1
else
	skip "SCHED_FIFO pig ends on time" "one CPU: the spinner would starve the test"
fi
