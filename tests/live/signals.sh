#!/bin/bash
# tests/live/signals.sh - SIGINT and SIGTERM at random points of every
# tool's run (delays from a fixed seed, so a failure replays): nohz-check's
# live test, pig (also SCHED_FIFO), irqtop in batch, JSON and on a tmux
# terminal, sleeping-beauties --trace.  After each: the tool is gone within
# 10 s with a defined exit (0, 1, 2, or the signal itself when it came
# before the tool had anything to clean up), no thread of it is left (the
# spinners), no tracefs instance of its pid, the top tracefs instance as it
# was (tracing_on, current_tracer, enabled events), and for tmux the
# terminal as it was (stty settings, no alternate screen, cursor shown).
. "$(dirname "$0")/../lib.sh"

if ! is_root; then
	skip signals "needs root (perf events, tracefs, SCHED_FIFO)"
	exit 0
fi
TR=/sys/kernel/tracing
RANDOM=4242		# fixed seed: the same delays every run
n_iter=0

# top_state - what a tool must leave as found in the top instance
top_state() {
	echo "on=$(cat $TR/tracing_on 2>/dev/null) tracer=$(cat $TR/current_tracer 2>/dev/null)"
	sort "$TR/set_event" 2>/dev/null
}

# delay LO_MS HI_MS - a random delay in seconds between the two
delay() {
	awk -v lo="$1" -v hi="$2" -v r=$RANDOM 'BEGIN { printf "%.3f", (lo + (hi - lo) * r / 32767) / 1000 }'
}

# leftovers PID - what a dead tool of that pid left behind ("" when nothing)
leftovers() {
	local pid=$1 what="" inst
	if [ -d "/proc/$pid" ]; then
		what+="process alive ($(ps -o comm= -p "$pid")), threads: $(ps -Lo comm= -p "$pid" | sort | uniq -c | tr -s ' \n' ' '); "
	fi
	for inst in "$TR"/instances/nohz-*; do
		[ -e "$inst" ] || continue
		case ${inst##*/} in
		nohz-"$pid"|nohz-"$pid"-*|nohz-*-"$pid"|nohz-*-"$pid"-*)
			what+="tracefs instance ${inst##*/} left; " ;;
		esac
	done
	top_state > "$T_TMP/top.after"
	if ! cmp -s "$T_TMP/top.before" "$T_TMP/top.after"; then
		what+="top tracefs instance changed: $(diff "$T_TMP/top.before" "$T_TMP/top.after" | grep '^[<>]' | tr '\n' ' '); "
	fi
	echo "$what"
}

# judge NAME PID SIG RC - one line for the iteration
judge() {
	local name=$1 pid=$2 sig=$3 rc=$4 left signum
	signum=$(kill -l "$sig")
	left=$(leftovers "$pid")
	n_iter=$((n_iter + 1))
	if [ "$rc" = timeout ]; then
		fail "$name" "still running 10 s after SIG$sig; $left"
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	elif [ "$rc" -gt 2 ] && [ "$rc" != $((128 + signum)) ]; then
		fail "$name" "exit $rc after SIG$sig: $(tail -n 2 "$T_TMP/err" | tr '\n' ' ')$left"
	elif [ -n "$left" ]; then
		fail "$name" "$left"
	elif grep -Eq 'AddressSanitizer|runtime error|Segmentation|Aborted|double free' "$T_TMP/err"; then
		fail "$name" "$(head -n 2 "$T_TMP/err" | tr '\n' ' ')"
	else
		ok "$name (exit $rc)"
	fi
}

# storm NAME SIG LO_MS HI_MS TOOL ARGS... - start, signal after a random
# delay, wait up to 10 s, judge
storm() {
	local name=$1 sig=$2 lo=$3 hi=$4 d pid rc i
	shift 4
	d=$(delay "$lo" "$hi")
	top_state > "$T_TMP/top.before"
	# background jobs of a script ignore SIGINT: give the tool the default
	env --default-signal=INT "$@" </dev/null >"$T_TMP/out" 2>"$T_TMP/err" &
	pid=$!
	sleep "$d"
	kill -"$sig" "$pid" 2>/dev/null
	rc=timeout
	for ((i = 0; i < 200; i++)); do
		if ! kill -0 "$pid" 2>/dev/null; then
			wait "$pid"
			rc=$?
			break
		fi
		sleep 0.05
	done
	judge "$name after ${d}s SIG$sig" "$pid" "$sig" "$rc"
}

# the checks themselves: a live process, an instance of its pid and an
# event enabled in the top instance are all seen
top_state > "$T_TMP/top.before"
sleep 30 &
canary=$!
mkdir "$TR/instances/nohz-trace-$canary-0" 2>/dev/null
ev=$(grep -m1 '^sched:sched_process_free$' "$TR/available_events" || head -n 1 "$TR/available_events")
grep -qx "$ev" "$TR/set_event" && ev=""
[ -n "$ev" ] && echo "$ev" >> "$TR/set_event"
left=$(leftovers "$canary")
[ -n "$ev" ] && echo "!$ev" >> "$TR/set_event"
rmdir "$TR/instances/nohz-trace-$canary-0" 2>/dev/null
kill "$canary"
wait "$canary" 2>/dev/null
if [[ $left == *"process alive"* && $left == *"instance nohz-trace-$canary-0"* &&
      ( -z $ev || $left == *"top tracefs instance changed"* ) ]]; then
	ok "signals: leftovers are detected"
else
	fail "signals: leftovers are detected" "saw only: $left"
fi

sigs=(INT TERM)
for i in $(seq 10); do
	storm "nohz-check -c 1 -d 1" "${sigs[i % 2]}" 20 2500 "$B/nohz-check" -c 1 -d 1 -q
done
for i in $(seq 8); do
	storm "pig -c 1 -s 5" "${sigs[i % 2]}" 10 800 "$B/pig" -c 1 -s 5 -q
done
for i in $(seq 2); do
	storm "pig -c 1 -p 10 -s 5" "${sigs[i % 2]}" 10 800 "$B/pig" -c 1 -p 10 -s 5 -q
done
for i in $(seq 2); do
	storm "pig -c 0-1 --count -s 5" "${sigs[i % 2]}" 10 800 "$B/pig" -c 0-1 --count -s 5 -q
done
for i in $(seq 6); do
	storm "irqtop -b -d 0.1" "${sigs[i % 2]}" 10 600 "$B/irqtop" -b -d 0.1
done
for i in $(seq 4); do
	storm "irqtop -j -S -d 0.1" "${sigs[i % 2]}" 10 600 "$B/irqtop" -j -S -d 0.1
done
for i in $(seq 12); do
	storm "sleeping-beauties --trace -d 5" "${sigs[i % 2]}" 20 1500 \
		"$B/sleeping-beauties" --trace -d 5 -q
done

# irqtop on a terminal: the signal must give the terminal back
if command -v tmux >/dev/null 2>&1; then
	SOCK=$T_TMP/tmux.sock
	tm() { tmux -S "$SOCK" "$@"; }
	trap 'tm kill-server 2>/dev/null; rm -rf "$T_TMP"' EXIT
	tm -f /dev/null new-session -d -s sig -x 100 -y 30 \
		"env PS1='$ ' TERM=screen bash --norc --noprofile"
	tm send-keys -t sig "cd '$T_TMP' && stty -g > stty.before && echo READY" Enter
	for ((w = 0; w < 100; w++)); do
		tm capture-pane -p -t sig | grep -q '^READY$' && break
		sleep 0.05
	done
	for i in $(seq 6); do
		sig=${sigs[i % 2]}
		d=$(delay 50 1500)
		rm -f "$T_TMP/pid" "$T_TMP/done"
		top_state > "$T_TMP/top.before"
		tm send-keys -t sig "clear; sh -c 'echo \$\$ > pid; exec \"$B/irqtop\" -d 0.1'; echo \$? > rc; stty -g > stty.after; touch done" Enter
		for ((w = 0; w < 100; w++)); do [ -s "$T_TMP/pid" ] && break; sleep 0.05; done
		pid=$(cat "$T_TMP/pid" 2>/dev/null)
		sleep "$d"
		[ -n "$pid" ] && kill -"$sig" "$pid"
		for ((w = 0; w < 200; w++)); do [ -e "$T_TMP/done" ] && break; sleep 0.05; done
		name="irqtop in tmux after ${d}s SIG$sig"
		n_iter=$((n_iter + 1))
		if [ ! -e "$T_TMP/done" ]; then
			fail "$name" "still running 10 s after the signal"
			[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
			continue
		fi
		rc=$(cat "$T_TMP/rc")
		left=$(leftovers "$pid")
		alt=$(tm display -p -t sig '#{alternate_on}')
		cur=$(tm display -p -t sig '#{cursor_flag}')
		if ! cmp -s "$T_TMP/stty.before" "$T_TMP/stty.after"; then
			fail "$name" "terminal settings not restored (stty -g differs)"
		elif [ "$alt" != 0 ] || [ "$cur" != 1 ]; then
			fail "$name" "screen not restored: alternate_on=$alt cursor_flag=$cur"
		elif [ "$rc" -gt 2 ]; then
			fail "$name" "exit $rc"
		elif [ -n "$left" ]; then
			fail "$name" "$left"
		else
			ok "$name (exit $rc)"
		fi
	done
else
	skip "irqtop in tmux" "tmux is not installed"
fi
echo "# signals: $n_iter iterations" >&2
