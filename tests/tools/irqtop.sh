#!/bin/bash
# tests/tools/irqtop.sh - irqtop in batch and JSON mode on --root trees.
# Expected values come from the fixture files themselves (awk over the
# /proc/interrupts text), never from irqtop's own output.
. "$(dirname "$0")/../lib.sh"

IRQTOP=$B/irqtop
ISO4=$FIX/irqtop-iso4
GEN=$FIX/interrupts
O=$T_TMP/out E=$T_TMP/err

if [ ! -x "$IRQTOP" ]; then
	fail irqtop.built "no $IRQTOP"
	exit 0
fi

# col FILE ROW CPU - count of ROW on CPU column (by header position) in a
# /proc/interrupts text: the independent witness
col() {
	awk -v row="$2" -v cpu="CPU$3" '
		NR == 1 { for (i = 1; i <= NF; i++) if ($i == cpu) c = i; next }
		{ n = $1; sub(":", "", n); if (n == row) { print $(c + 1); exit } }' "$1"
}

# json_get EXPR FILE [LINE] - evaluate a python expression on frame LINE (1-based)
json_get() {
	python3 -c '
import json, sys
f = [json.loads(l) for l in open(sys.argv[2]) if l.strip()]
fr = f[int(sys.argv[3]) - 1]
row = {r["name"]: r for r in fr["rows"]}
cpu = {c["cpu"]: c for c in fr["cpus"]}
print(eval(sys.argv[1]))' "$1" "$2" "${3:-1}"
}

# --- options, help, version -------------------------------------------------
run_tool "$O" "$E" "$IRQTOP" -h
expect_rc help.rc 0
missing=""
for opt in -c --cpus -i --isolated -d --delay -a --absolute -S --softirqs -s --sort \
	   -z --nonzero -L --loc-ticks -b --batch -n --iterations -J --json --root \
	   -h --help -V --version; do
	grep -q -- "$opt\b" "$O" || missing="$missing $opt"
done
if [ -z "$missing" ]; then ok help.lists_every_option; else fail help.lists_every_option "$missing"; fi
expect_grep help.says_what_tasks_counts 'state R' "$O"
run_tool "$O" "$E" "$IRQTOP" -V
expect_rc version.rc 0
expect_grep version.text '^irqtop \(nohz-tools\) [0-9]+\.[0-9]+' "$O"

# bad input: exit 2 and exactly one line on stderr naming the tool and input
bad() {
	local name=$1 want=$2; shift 2
	run_tool "$O" "$E" "$IRQTOP" "$@"
	if [ "$RC" = 2 ] && [ "$(wc -l < "$E")" = 1 ] && grep -Eq -- "^irqtop: .*$want" "$E"; then
		ok "bad.$name"
	else
		fail "bad.$name" "rc $RC, stderr: $(head -c 200 "$E")"
	fi
}
bad cpulist "cannot parse cpu list 'abc'" --root "$ISO4" -c abc -b -n 1
bad interval "cannot parse interval '0'" --root "$ISO4" -d 0 -b -n 1
bad count "cannot parse count 'x'" --root "$ISO4" -n x -b
bad sort "unknown sort key" --root "$ISO4" -s bogus -b -n 1
bad option "unknown option '--bogus'" --bogus
bad optarg "option '-c' needs an argument" -c
bad root "cannot open root '/nonexistent'" --root /nonexistent -b -n 1
bad nocpu "no CPU to show: /proc/interrupts has CPUs 0-3" --root "$ISO4" -c 0 -i -b -n 1
bad impossible_cpu "cpu list '2-5' has CPU 4, which this machine cannot have \(possible: 0-3\)" \
	--root "$ISO4" -c 2-5 -b -n 1
bad tiny_interval "cannot parse interval '10us': shorter than 1ms" --root "$ISO4" -d 10us -b -n 1
bad empty_root "cannot open root '': the path is empty" --root '' -b -n 1
mkdir -p "$T_TMP/garbage/proc"
printf 'hello world\nnot interrupts\n' > "$T_TMP/garbage/proc/interrupts"
bad garbage "cannot parse $T_TMP/garbage/proc/interrupts: line 1" --root "$T_TMP/garbage" -b -n 1
head -n 13 "$ISO4/proc/interrupts" > "$T_TMP/garbage/proc/interrupts"
printf 'LO' >> "$T_TMP/garbage/proc/interrupts"
bad truncated "cannot parse .*line 14: no 'NAME:' at 'LO'" --root "$T_TMP/garbage" -b -n 1
mkdir -p "$T_TMP/noiso/proc"
cp "$ISO4/proc/interrupts" "$T_TMP/noiso/proc/"
bad nosoftirqs "cannot read $T_TMP/noiso/proc/softirqs: No such file" --root "$T_TMP/noiso" -S -b -n 1
bad noisolated "no isolated CPU to show" --root "$T_TMP/noiso" -i -b -n 1

# --- absolute counts of a captured tree -------------------------------------
run_tool "$O" "$E" "$IRQTOP" --root "$ISO4" -a -b -n 1 -S
expect_rc abs.rc 0
expect_grep abs.header_isolation '^nohz_full: 1-3  isolated: 1-3  housekeeping: 0  HZ: 250' "$O"
expect_grep abs.columns_marked '^NAME +TOTAL +CPU0 +CPU1\* +CPU2\* +CPU3\* +DESCRIPTION$' "$O"
want=$(for c in 0 1 2 3; do col "$ISO4/proc/interrupts" LOC $c; done | tr '\n' ' ')
got=$(awk '$1 == "LOC" { print $3, $4, $5, $6 }' "$O")
if [ "$got " = "$want" ]; then ok abs.loc_per_cpu; else fail abs.loc_per_cpu "got '$got' want '$want'"; fi
total=$(col "$ISO4/proc/interrupts" ERR 0)
expect_grep abs.err_total_only "^ERR +$total$" "$O"
expect_grep abs.desc_with_spaces '^16 .*IO-APIC 16-fasteoi ehci_hcd:usb1, uhci_hcd:usb2$' "$O"
expect_grep abs.softirq_rows '^NET_RX +77778 +77777 +0 +0 +1 ' "$O"
# tasks: R threads by last CPU, counted from the stat files with awk
want=$(cat "$ISO4"/proc/*/task/*/stat | awk '{ sub(/.*\) /, ""); if ($1 == "R") n[$37]++ }
	END { print n[0]+0, n[1]+0, n[2]+0, n[3]+0 }')
got=$(awk '$1 == "tasks" { gsub("!", ""); print $3, $4, $5, $6 }' "$O")
if [ "$got" = "$want" ]; then ok abs.tasks_by_cpu; else fail abs.tasks_by_cpu "got '$got' want '$want'"; fi
expect_grep abs.two_tasks_on_isolated_marked '^tasks +[0-9]+ +[0-9]+ +[0-9]+ +2! ' "$O"
# default order: total, largest first
first=$(awk 'NR > 5 && NF { print $1; exit }' "$O")
if [ "$first" = LOC ]; then ok abs.sorted_by_total; else fail abs.sorted_by_total "first row $first"; fi

run_tool "$O" "$E" "$IRQTOP" --root "$ISO4" -a -b -n 1 -c 1,3 -s cpu3
expect_grep cpus.only_selected '^NAME +TOTAL +CPU1\* +CPU3\* +DESCRIPTION$' "$O"
order=$(awk 'NR > 5 && NF > 2 && $1 != "ERR" && $1 != "MIS" { print $4 }' "$O" | tr -d '!' |
	sort -nrc 2>&1 && echo sorted)
if [ "$order" = sorted ]; then ok sort.by_cpu3; else fail sort.by_cpu3 "$order"; fi
run_tool "$O" "$E" "$IRQTOP" --root "$ISO4" -a -b -n 1 -s name
names=$(awk 'NR > 5 && NF { print $1 }' "$O" | head -4 | tr '\n' ' ')
if [ "$names" = "0 1 8 9 " ]; then ok sort.by_name; else fail sort.by_name "$names"; fi
run_tool "$O" "$E" "$IRQTOP" --root "$ISO4" -a -b -n 1 -z
expect_nogrep nonzero.hides_zero_rows '^(SPU|RTR|120) ' "$O"
run_tool "$O" "$E" "$IRQTOP" --root "$ISO4" -a -b -n 1 -i
expect_grep isolated_only.columns '^NAME +TOTAL +CPU1\* +CPU2\* +CPU3\* +DESCRIPTION$' "$O"

# not a terminal: batch mode without -b
"$IRQTOP" --root "$ISO4" -a -n 1 < /dev/null > "$O" 2> "$E"; RC=$?
expect_rc auto_batch.rc 0
expect_grep auto_batch.frame '^irqtop [0-9.]+ .* counts since boot$' "$O"

# --- counters that advance between frames -----------------------------------
# The tree is rewritten right after each frame appears; irqtop reads the file
# again for the next frame one interval later.
R=$T_TMP/adv
mkdir -p "$R"
sh "$GEN/mkroot.sh" "$R" 4 0 1-3
cp "$R/proc/interrupts" "$T_TMP/s0"
"$IRQTOP" --root "$R" -J -n 3 -d 1 > "$T_TMP/adv.json" 2> "$E" &
pid=$!
steps=(1 3)
for k in 1 2; do
	for _ in $(seq 200); do
		[ "$(grep -c . "$T_TMP/adv.json")" -ge $k ] && break
		sleep 0.02
	done
	sh "$GEN/mkroot.sh" "$R" 4 "${steps[$((k - 1))]}"
	cp "$R/proc/interrupts" "$T_TMP/s$k"
done
wait $pid; RC=$?
expect_rc advance.rc 0
if [ "$(grep -c . "$T_TMP/adv.json")" = 3 ]; then ok advance.three_frames
else fail advance.three_frames "$(grep -c . "$T_TMP/adv.json") lines"; fi
check advance.json_valid python3 -c '
import json, sys
for l in open(sys.argv[1]): json.loads(l)' "$T_TMP/adv.json"
# frame 1 compares step 0 with itself; frames 2 and 3 see the rewrites
for f in 1 2 3; do
	a=$T_TMP/s$((f > 1 ? f - 2 : 0)) b=$T_TMP/s$((f - 1))
	for row in LOC RES CAL 24 27; do
		want=$(for c in 0 1 2 3; do
			echo $(( $(col "$b" "$row" $c) - $(col "$a" "$row" $c) )); done | tr '\n' ',')
		got=$(json_get '",".join(str(x) for x in row["'"$row"'"]["deltas"]) + ","' \
			"$T_TMP/adv.json" $f)
		if [ "$got" = "$want" ]; then ok "advance.frame$f.$row.deltas"
		else fail "advance.frame$f.$row.deltas" "got $got want $want"; fi
	done
done
# rates: deltas over the measured interval (1 s asked, allow 10% for a busy VM)
got=$(json_get 'row["LOC"]["values"][0]' "$T_TMP/adv.json" 3)
want=$(( $(col "$T_TMP/s2" LOC 0) - $(col "$T_TMP/s1" LOC 0) ))
if awk -v g="$got" -v w="$want" 'BEGIN { exit !(g > w * 0.9 && g < w * 1.1) }'; then
	ok advance.rate_per_second
else
	fail advance.rate_per_second "LOC rate $got for a delta of $want over 1 s"
fi
expect_grep advance.ticks_from_loc '"ticks_source":"LOC"' "$T_TMP/adv.json"
got=$(json_get 'cpu[2]["ticks"] == row["LOC"]["values"][2] and cpu[2]["isolated"]' \
	"$T_TMP/adv.json" 3)
if [ "$got" = True ]; then ok advance.ticks_equal_loc; else fail advance.ticks_equal_loc "$got"; fi
got=$(json_get 'row["LOC"]["isolated_hits"], row["24"]["isolated_hits"]' "$T_TMP/adv.json" 3)
if [ "$got" = "(3, 0)" ]; then ok advance.isolated_hits; else fail advance.isolated_hits "$got"; fi

# the same in text: '!' on the isolated CPUs that had LOC activity only
rm -rf "$R"; mkdir -p "$R"
sh "$GEN/mkroot.sh" "$R" 4 0 1-3
"$IRQTOP" --root "$R" -b -n 2 -d 1 > "$O" 2> "$E" &
pid=$!
for _ in $(seq 200); do grep -q '^LOC' "$O" && break; sleep 0.02; done
sh "$GEN/mkroot.sh" "$R" 4 2
wait $pid
loc=$(grep '^LOC' "$O" | tail -1)
if echo "$loc" | grep -Eq '^LOC +[0-9]+ +[0-9]+ +[0-9]+! +[0-9]+! +[0-9]+! +Local timer interrupts$' &&
   echo "$loc" | awk '{ exit !($3 > 450 && $3 < 550) }'; then
	ok text.isolated_activity_marked
else
	fail text.isolated_activity_marked "$loc (want about 500 on CPU0, marks on CPU1-3)"
fi
if grep '^LOC' "$O" | head -1 | grep -Eq '^LOC +0 +0 +0 +0 +0 +Local'; then
	ok text.first_frame_zero
else
	fail text.first_frame_zero "$(grep '^LOC' "$O" | head -1)"
fi

# --- 1024 CPUs -----------------------------------------------------------------
R=$T_TMP/big
mkdir -p "$R"
sh "$GEN/mkroot.sh" "$R" 1024 0
run_tool "$O" "$E" "$IRQTOP" --root "$R" -a -J -n 1
expect_rc big.rc 0
got=$(json_get 'len(fr["cpus"]), row["LOC"]["values"][1023], cpu[1023]["isolated"], cpu[0]["isolated"]' "$O")
want="(1024, $(col "$R/proc/interrupts" LOC 1023), True, False)"
if [ "$got" = "$want" ]; then ok big.json_1024_columns; else fail big.json_1024_columns "got $got want $want"; fi
run_tool "$O" "$E" "$IRQTOP" --root "$R" -a -b -n 1 -c 1000-1023
expect_grep big.text_last_columns ' CPU1023\* DESCRIPTION$' "$O"
got=$(awk '$1 == "LOC" { print $NF == "interrupts" ? $(NF - 3) : "?" }' "$O")
want=$(col "$R/proc/interrupts" LOC 1023)
if [ "$got" = "$want" ]; then ok big.text_value; else fail big.text_value "got $got want $want"; fi
