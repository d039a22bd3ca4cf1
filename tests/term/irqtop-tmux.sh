#!/bin/bash
# tests/term/irqtop-tmux.sh - irqtop on a real terminal: tmux runs it in a
# shell, send-keys types, capture-pane reads the screen.  Checks keys (sort,
# pause, CPU prompt, isolated-only, help, scrolling), resize, and that the
# terminal is given back as it was after q and after SIGTERM.
# IRQTOP_SCREEN_OUT=FILE also saves a screen capture there (doc/irqtop-screen.txt).
. "$(dirname "$0")/../lib.sh"

IRQTOP=$B/irqtop
GEN=$FIX/interrupts
ISO4=$FIX/irqtop-iso4

if ! command -v tmux > /dev/null; then
	skip irqtop.tmux "tmux is not installed"
	exit 0
fi
if [ ! -x "$IRQTOP" ]; then
	fail irqtop.built "no $IRQTOP"
	exit 0
fi

SOCK=$T_TMP/tmux.sock
tm() { tmux -S "$SOCK" "$@"; }
trap 'tm kill-server 2> /dev/null; rm -rf "$T_TMP"' EXIT

screen() { tm capture-pane -p -t irq; }

# wait_for NAME REGEX [SECONDS] - PASS once the screen has a matching line
wait_for() {
	local name=$1 re=$2 secs=${3:-5} i
	for ((i = 0; i < secs * 20; i++)); do
		if screen | grep -Eq -- "$re"; then
			ok "$name"
			return 0
		fi
		sleep 0.05
	done
	fail "$name" "no '$re' on screen: $(screen | head -8 | tr '\n' '|')"
	screen > "$T_TMP/$name.screen"
	return 1
}

# row NAME - the screen line of a table row
row() { screen | grep -E "^$1 " | head -1; }

keys() { tm send-keys -t irq "$@"; }

# a 4-CPU tree (CPUs 1-3 isolated) whose counters the test moves on
R=$T_TMP/root
mkdir -p "$R"
sh "$GEN/mkroot.sh" "$R" 4 0 1-3
cp "$ISO4/proc/softirqs" "$R/proc/"
cp -r "$ISO4"/proc/1000 "$ISO4"/proc/1100 "$ISO4"/proc/1200 "$R/proc/"

tm -f /dev/null new-session -d -s irq -x 110 -y 32 \
	"env PS1='$ ' TERM=screen bash --norc --noprofile"
keys "cd '$T_TMP' && stty -g > stty.before && echo READY" Enter
wait_for shell.ready '^READY$' || exit 0

# the saved capture shows the usual 1 s interval; the test alone goes faster
DELAY=0.5
[ -n "${IRQTOP_SCREEN_OUT:-}" ] && DELAY=1
keys "sh -c 'echo \$\$ > pid; exec \"$IRQTOP\" --root \"$R\" -S -d $DELAY'" Enter
wait_for start.title "^ irqtop [0-9.]+ +every ${DELAY}s +sort: total +rates per second"
wait_for start.isolation_line '^nohz_full: 1-3  isolated: 1-3  housekeeping: 0  HZ: 250'
wait_for start.columns_marked '^NAME +TOTAL +CPU0 +CPU1\* +CPU2\* +CPU3\* +DESCRIPTION'
wait_for start.tasks_two_on_cpu2 '^tasks +[0-9]+ +0 +1 +2! +0 '

# counters move one step (one second of activity) per interval, as on a
# live system: every frame then shows LOC activity on the isolated CPUs
marks='^LOC +[0-9]+ +[0-9]+ +[0-9]+! +[0-9]+! +[0-9]+! +Local timer'
step=0
for _ in $(seq 10); do
	step=$((step + 1))
	sh "$GEN/mkroot.sh" "$R" 4 $step
	for _ in $(seq $(awk -v d=$DELAY 'BEGIN { print d * 20 }')); do
		screen | grep -Eq -- "$marks" && break 2
		sleep 0.05
	done
done
wait_for rates.isolated_activity_marked "$marks" 1
if [ -n "${IRQTOP_SCREEN_OUT:-}" ]; then
	screen | sed 's/ *$//' > "$IRQTOP_SCREEN_OUT"
fi

# a: absolute counts, the file's own numbers
keys a
col0() { awk -v r="$1" '{ n = $1; sub(":", "", n) } n == r { print $2; exit }' "$R/proc/interrupts"; }
wait_for absolute.title 'counts since boot'
wait_for absolute.loc_value "^LOC +[0-9]+ +$(col0 LOC) "

# space pauses: a rewrite is not shown until space again
keys Space
wait_for pause.title '\[PAUSED\]'
before=$(row LOC)
sh "$GEN/mkroot.sh" "$R" 4 $((step + 5))
sleep 1.5
if [ -n "$before" ] && [ "$(row LOC)" = "$before" ]; then ok pause.values_frozen
else fail pause.values_frozen "LOC row changed while paused: $(row LOC)"; fi
keys Space
wait_for resume.new_values "^LOC +[0-9]+ +$(col0 LOC) "
if screen | grep -q PAUSED; then fail resume.title "still PAUSED"; else ok resume.title; fi

# s cycles the sort: name, then each CPU column, then total again
first_row() { screen | sed -n '6p' | awk '{ print $1 }'; }
keys s
wait_for sort.name 'sort: name'
if [ "$(first_row)" = 24 ]; then ok sort.name_first_row; else fail sort.name_first_row "$(first_row)"; fi
keys s
wait_for sort.cpu0 'sort: cpu0'
if [ "$(first_row)" = LOC ]; then ok sort.cpu0_first_row; else fail sort.cpu0_first_row "$(first_row)"; fi
keys s s s s
wait_for sort.back_to_total 'sort: total'

# c: choose CPUs at a prompt; i: isolated only
keys c
wait_for prompt.shown 'CPUs to show'
keys "2-3" Enter
wait_for prompt.applied '^NAME +TOTAL +CPU2\* +CPU3\* +DESCRIPTION'
keys c Enter
wait_for prompt.cleared '^NAME +TOTAL +CPU0 +CPU1\* +CPU2\* +CPU3\*'
keys i
wait_for isolated.only '^NAME +TOTAL +CPU1\* +CPU2\* +CPU3\* +DESCRIPTION'
keys i
wait_for isolated.off '^NAME +TOTAL +CPU0 +CPU1\*'
keys c "x-y" Enter
wait_for prompt.bad_list "cannot parse cpu list 'x-y'"
keys h
wait_for help.shown 'any key closes this help'
keys x
for _ in $(seq 40); do screen | grep -q 'closes this help' || break; sleep 0.05; done
if screen | grep -q 'closes this help'; then fail help.closed "still shown"; else ok help.closed; fi

# q: the shell comes back with the terminal as it was
keys q
wait_for quit.shell_back '^READY$'
keys "stty -g > stty.after && echo AFTER-Q" Enter
wait_for quit.prompt '^AFTER-Q$'
if cmp -s "$T_TMP/stty.before" "$T_TMP/stty.after"; then ok quit.terminal_restored
else fail quit.terminal_restored "$(diff "$T_TMP/stty.before" "$T_TMP/stty.after" | tr '\n' ' ')"; fi
if screen | grep -q 'irqtop 0'; then fail quit.screen_left "irqtop still on screen"
else ok quit.screen_left; fi

# 1024 CPUs: columns scroll sideways; resize; SIGTERM gives the terminal back
BIG=$T_TMP/big
mkdir -p "$BIG"
sh "$GEN/mkroot.sh" "$BIG" 1024 0
keys clear Enter "echo READY" Enter
rm -f "$T_TMP/pid"
keys "sh -c 'echo \$\$ > pid; exec \"$IRQTOP\" --root \"$BIG\" -a'" Enter
wait_for big.first_columns '^NAME +TOTAL +CPU0 +CPU1\* +CPU2\*'
wait_for big.status 'cols 1-[0-9]+ of 1024'
vis() { screen | sed -nE 's/.*cols ([0-9]+)-([0-9]+) of.*/\1 \2/p'; }
read -r a b <<< "$(vis)"
keys Right Right Right
wait_for big.scrolled_right '^NAME +TOTAL *< *CPU3\* +CPU4\*'
keys End
wait_for big.end '^NAME +TOTAL *<.* CPU1023\*'
keys Home
wait_for big.home '^NAME +TOTAL +CPU0 '
tm resize-window -t irq -x 60 -y 20
wait_for resize.redrawn 'cols 1-[0-9]+ of 1024'
read -r c d <<< "$(vis)"
if [ -n "$b" ] && [ -n "$d" ] && [ "$d" -lt "$b" ]; then ok resize.fewer_columns
else fail resize.fewer_columns "visible $a-$b before, $c-$d after"; fi
long=$(screen | awk 'length > 60' | wc -l)
if [ "$long" = 0 ]; then ok resize.fits_width; else fail resize.fits_width "$long lines wider than 60"; fi

pid=$(cat "$T_TMP/pid" 2> /dev/null)
if [ -n "$pid" ] && kill -TERM "$pid"; then
	wait_for sigterm.shell_back '^READY$'
	keys "stty -g > stty.after2 && echo AFTER-TERM" Enter
	wait_for sigterm.prompt '^AFTER-TERM$'
	if cmp -s "$T_TMP/stty.before" "$T_TMP/stty.after2"; then ok sigterm.terminal_restored
	else fail sigterm.terminal_restored "$(diff "$T_TMP/stty.before" "$T_TMP/stty.after2" | tr '\n' ' ')"; fi
	if kill -0 "$pid" 2> /dev/null; then fail sigterm.exited "pid $pid alive"
	else ok sigterm.exited; fi
else
	fail sigterm.sent "no irqtop pid"
fi
