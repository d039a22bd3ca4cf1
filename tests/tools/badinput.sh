#!/bin/bash
# tests/tools/badinput.sh - every tool on bad input.
#
# Bad options and arguments (cpu lists, durations, thresholds, counts,
# unknown options, missing arguments, --root at nothing, at a file, at a
# tree without the files) must give exactly one line on stderr that starts
# with the tool's name, and exit 2.  Captured trees damaged on purpose
# (tests/fixtures/* copied with every file truncated at a random length, or
# with random files removed; fixed seeds) may give any verdict, 0 1 or 2,
# but with the same one-line rule for 2.  Never a signal, never a hang
# (every run has a timeout), never a sanitizer report: the runs use the
# ASan/UBSan build (build/san) when it exists.
. "$(dirname "$0")/../lib.sh"

BIN=$B
[ -x "$TOP/build/san/nohz-check" ] && BIN=$TOP/build/san
# leaks at an exit(2) are no bug: the bad-option runs do not look for them;
# the damaged-tree runs do, and look again without when one is reported
export ASAN_OPTIONS=exitcode=99:detect_leaks=0 \
	UBSAN_OPTIONS=halt_on_error=1:exitcode=98:print_stacktrace=1
TO=10
ncase=0

# run1 TOOL ARGS... - run with a timeout, no stdin; sets RC, T_TMP/out, T_TMP/err
run1() {
	local tool=$1
	shift
	timeout -k 3 "$TO" "$BIN/$tool" "$@" </dev/null >"$T_TMP/out" 2>"$T_TMP/err"
	RC=$?
	ncase=$((ncase + 1))
}

# verdict TOOL WANT - why the last run is wrong ("" when right).  WANT: an
# exit code, or "any" (0, 1 or 2).
verdict() {
	local tool=$1 want=$2 n first
	if [ "$RC" = 124 ] || [ "$RC" = 137 ]; then
		echo "hung: killed after ${TO}s"; return
	fi
	if grep -Eq 'AddressSanitizer|LeakSanitizer|runtime error:|UndefinedBehavior' "$T_TMP/err"; then
		echo "sanitizer: $(grep -Em1 'ERROR|runtime error' "$T_TMP/err")"; return
	fi
	if [ "$RC" -gt 128 ]; then
		echo "killed by signal $((RC - 128))"; return
	fi
	case $want in
	any) [ "$RC" -le 2 ] || { echo "exit $RC, want 0, 1 or 2"; return; } ;;
	*) [ "$RC" = "$want" ] || { echo "exit $RC, want $want: $(head -c 200 "$T_TMP/err")"; return; } ;;
	esac
	[ "$RC" = 2 ] || return
	n=$(grep -c '' "$T_TMP/err")
	first=$(head -n 1 "$T_TMP/err")
	if [ "$n" != 1 ]; then
		echo "$n lines on stderr, want 1: $(head -n 3 "$T_TMP/err" | tr '\n' '|')"
	elif [[ $first != "$tool: "?* ]]; then
		echo "stderr does not start with '$tool: ': $first"
	fi
}

# bad TOOL ARGS... - must be refused: exit 2, one line "TOOL: ..."
bad() {
	local tool=$1 why
	run1 "$@"
	why=$(verdict "$tool" 2)
	shift
	if [ -z "$why" ]; then ok "bad $tool $(printf '%q ' "$@")"
	else fail "bad $tool $(printf '%q ' "$@")" "$why"; fi
}

# bad_fast TOOL ARGS... - bad, and also: stderr names the option (the
# first --argument, its dashes read as "-", "_" or " "), and the refusal
# comes within 2 s: before any measurement (a tool that measured first
# would spin its window, 10 s by default)
bad_fast() {
	local tool=$1 opt= why t0 el a
	for a in "${@:2}"; do case $a in --*) opt=$a; break ;; esac; done
	t0=$EPOCHREALTIME
	run1 "$@"
	el=$(awk "BEGIN { printf \"%.2f\", $EPOCHREALTIME - $t0 }")
	why=$(verdict "$tool" 2)
	opt=${opt#--}
	if [ -z "$why" ] && ! grep -Eqi -- "${opt//-/[-_ ]}" "$T_TMP/err"; then
		why="stderr does not name --$opt: $(head -c 200 "$T_TMP/err")"
	fi
	if [ -z "$why" ] && awk "BEGIN { exit !($el >= 2) }"; then
		why="refused after $el s: it measured first"
	fi
	shift
	if [ -z "$why" ]; then ok "bad $tool $(printf '%q ' "$@")"
	else fail "bad $tool $(printf '%q ' "$@")" "$why"; fi
}

# damaged TOOL ARGS... - any verdict, but no crash, no hang, one-line errors
damaged() {
	local tool=$1 why
	ASAN_OPTIONS=exitcode=99:detect_leaks=1 run1 "$@"
	if [ "$RC" = 99 ] && grep -q LeakSanitizer "$T_TMP/err" &&
	   ! grep -q 'ERROR: AddressSanitizer' "$T_TMP/err"; then
		cp "$T_TMP/err" "$T_TMP/leak"
		run1 "$@"
		[ "$RC" = 2 ] || { cp "$T_TMP/leak" "$T_TMP/err"; RC=99; }
	fi
	why=$(verdict "$tool" any)
	shift
	echo "$RC $tool $*" >> "$T_TMP/damaged.rc"
	if [ -z "$why" ]; then ok "damaged $tool ${*//$DT\//} (exit $RC)"
	else fail "damaged $tool ${*//$DT\//}" "$why"; fi
}

# --- cpu lists: every tool that takes -c -----------------------------------
lists=(abc '' ' ' , 1,,2 1- -1 3-1 '1-3:0/2' '0-3:3/2' 1-3:2 0x3 '1 2' 1.5 9999
	8192 99999999999999999999 2-8192 ' 0-1,')
for l in "${lists[@]}"; do
	bad nohz-check -s -c "$l"
	bad pig -s 1 -c "$l"
	bad irqtop -b -n 1 -c "$l"
done
# past the last possible cpu of this host, and the largest supported
last=$(sed 's/.*[-,]//' /sys/devices/system/cpu/possible)
for c in $((last + 1)) "0-$((last + 1))" 8191; do
	bad nohz-check -s -c "$c"
	bad nohz-check -c "$c" -d 1
	bad pig -s 1 -c "$c"
	bad irqtop -b -n 1 -c "$c"
done

# offline cpus: a tree whose online cpus are 0,2-3,6 of 0-7
off=$T_TMP/offline
mkdir -p "$off/sys/devices/system/cpu" "$off/proc/sys/kernel"
echo 0,2-3,6 > "$off/sys/devices/system/cpu/online"
echo 0-7 > "$off/sys/devices/system/cpu/possible"
echo 6.1.0-off > "$off/proc/sys/kernel/osrelease"
echo "nohz_full=1-7" > "$off/proc/cmdline"
cp "$FIX/interrupts/offline.txt" "$off/proc/interrupts"
# irqtop shows offline cpus of -c once they come online: it refuses a list
# with none online, and one with a cpu the machine cannot have
for c in 1 1-3 7 5-7; do
	bad nohz-check -r "$off" -s -c "$c"
done
for c in 1 4-5 7 8 6-8; do
	bad irqtop --root "$off" -b -n 1 -c "$c"
done

# --- durations, thresholds, counts ----------------------------------------
durs=(0 -1 abc '' 1x 1s2 inf nan -inf 1e400 400d 0ms ' 1')
for d in "${durs[@]}"; do
	bad nohz-check -d "$d"
	bad pig -s "$d"
	bad pig -d "$d"
	bad irqtop -b -n 1 -d "$d"
	bad sleeping-beauties -n 1 -d "$d"
done
# a duration below one clock tick is accepted and ends (it once meant "no
# limit" to the spinners)
run1 pig -c 0 -s 0.0000000001 -q
why=$(verdict pig 0)
if [ -z "$why" ]; then ok "pig -s 1e-10 ends"; else fail "pig -s 1e-10 ends" "$why"; fi
for v in abc -5 '' 1.5.5 nan inf 1e400 -0.5; do
	bad nohz-check -T "$v"
done
for v in abc -5 '' 0 0ns 2h nan inf 1e400 5parsecs; do
	bad pig -s 1 -T "$v"
done
# the noise options of nohz-check, in the live mode (no -s): refused while
# parsing, not after a window of measurement
for v in abc -1us '' nan inf 1e400 5parsecs; do
	bad_fast nohz-check --max-gap "$v"
done
for v in 0 abc -1us '' nan 5parsecs; do
	bad_fast nohz-check --noise-threshold "$v"
done
for v in 120 -1 abc '' nan inf 100.5 1e400; do
	bad_fast nohz-check --min-available "$v"
done
for v in /nonexistent-dir/x.svg ''; do
	bad_fast nohz-check --svg "$v"
done
# a limit the recording cannot see: gaps at or under the threshold
bad_fast nohz-check --max-gap 500ns
bad_fast nohz-check --max-gap 1us
bad_fast nohz-check --noise-threshold 20us --max-gap 10us
bad_fast pig -c 0-$(($(nproc) - 1)) -s 1 --explain
bad_fast pig -t 1 -s 1 --explain
for v in abc -1 '' nan 1e400 2d 5parsecs; do
	bad sleeping-beauties -n 1 -t "$v"
done
for v in abc 0 -1 '' nan 1e400 2h 5parsecs; do
	bad sleeping-beauties -n 1 -i "$v"
done
for v in abc 0 -1 '' 1.5 99999999999999999999; do
	bad irqtop -b -n "$v"
	bad sleeping-beauties -n "$v"
	bad pig -s 1 -t "$v"
done
# whole numbers are digits only: strtol alone would take " 5" and "+5"
for t in 'irqtop -b -n' 'sleeping-beauties -n' 'pig -s 1 -t' 'nohz-check -s -p'; do
	for v in ' -5' ' 5' +5; do
		bad $t "$v"
	done
done
for v in abc 0 -1 100 '' 1.5; do
	bad pig -s 1 -c 0 -p "$v"
done
bad pig -c 0 -p 10			# a FIFO spinner without an end
bad pig -s 1 --clock bogus
for v in abc 0 -1 '' , 1,,2 99999999999999999999; do
	bad sleeping-beauties -n 1 -p "$v"
done
for v in bogus cpu cpuX cpu-1 cpu99999 ''; do
	bad irqtop -b -n 1 -s "$v"
done

# --- unknown options, stray arguments, missing option arguments ------------
for t in nohz-check pig irqtop sleeping-beauties; do
	bad "$t" --bogus
	bad "$t" -Z
	bad "$t" --json=x
	bad "$t" stray
done
for o in -c -d -T -r --root --trace --max-gap --noise-threshold --min-available --svg; do
	bad nohz-check -s "$o"
done
for o in -c -s -d -t -p -T --clock; do bad pig "$o"; done
for o in -c -d -n -s --root; do bad irqtop -b "$o"; done
for o in -i -t -d -n -p --comm --root; do bad sleeping-beauties "$o"; done

# --- --root at nothing, at a file, at an empty tree, at a partial tree ----
: > "$T_TMP/afile"
mkdir -p "$T_TMP/empty" "$T_TMP/onlyproc/proc"
for r in "$T_TMP/nothing" "$T_TMP/afile" "$T_TMP/empty" "$T_TMP/onlyproc" ''; do
	bad nohz-check -s -r "$r"
	bad irqtop -b -n 1 --root "$r"
	# an empty proc/ is a host without processes to sleeping-beauties
	[ "$r" = "$T_TMP/onlyproc" ] || bad sleeping-beauties -n 1 --root "$r"
done

# --- damaged copies of every fixture tree ----------------------------------
# damage SRC DST SEED MODE - copy SRC; MODE trunc: every file cut at a random
# length; MODE drop: about half of the files removed
damage() {
	cp -a "$1" "$2"
	python3 - "$2" "$3" "$4" <<'EOF'
import os, random, sys
root, seed, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
rnd = random.Random(seed)
for d, dirs, files in sorted(os.walk(root)):
    dirs.sort()
    for f in sorted(files):
        p = os.path.join(d, f)
        if os.path.islink(p):
            continue
        if mode == 'drop':
            if rnd.random() < 0.5:
                os.unlink(p)
            continue
        size = os.path.getsize(p)
        os.truncate(p, rnd.randint(0, size) if size else 0)
EOF
}
# on tmpfs when there is one: a copy of 2000 small files costs seconds on disk
DT=$T_TMP
if [ -d /dev/shm ] && [ -w /dev/shm ]; then
	DT=$(mktemp -d /dev/shm/nohz-badinput.XXXXXX)
	trap 'rm -rf "$T_TMP" "$DT"' EXIT
fi
nd=0
for fx in "$FIX"/*/; do
	fx=${fx%/}
	name=${fx##*/}
	[ "$name" = interrupts ] && continue	# parser inputs, not a tree
	for v in trunc:1 trunc:2 drop:3; do
		d=$DT/dmg-$name-${v%%:*}${v##*:}
		damage "$fx" "$d" "${v##*:}" "${v%%:*}"
		damaged nohz-check -s -r "$d"
		damaged nohz-check -s -j -r "$d"
		damaged irqtop --root "$d" -b -n 2 -d 0.05
		damaged irqtop --root "$d" -j -S -n 2 -d 0.05
		damaged sleeping-beauties --root "$d" -n 2 -i 10ms -t 0
		damaged sleeping-beauties --root "$d" -j -n 2 -i 10ms -t 0
		rm -rf "$d"
		nd=$((nd + 1))
	done
done
if [ "$nd" -ge 18 ]; then
	# every tree must have made each tool say something: 0, 1 or 2, and a
	# mix of verdicts, or the damage did not reach the parsers
	rcs=$(awk '{print $1}' "$T_TMP/damaged.rc" | sort -u | tr '\n' ' ')
	if [ "$(awk '{print $1}' "$T_TMP/damaged.rc" | sort -u | wc -l)" -ge 2 ]; then
		ok "damaged trees: $nd trees, $(wc -l < "$T_TMP/damaged.rc") runs, exit codes seen: $rcs"
	else
		fail "damaged trees" "only exit codes $rcs: the damage changed nothing"
	fi
else
	fail "damaged trees" "only $nd damaged trees made"
fi
echo "# badinput: $ncase runs with $BIN" >&2
