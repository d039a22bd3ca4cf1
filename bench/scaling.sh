#!/bin/bash
# bench/scaling.sh - how the cost of the static checks and of an irqtop
# frame grows with the machine: one host story (the tuned HPC box of the
# cpus1024 fixture) at 16, 128 and 1024 CPUs, each with 500 and 5000 IRQs.
# The trees are written by bench/mkscale.py into build/bench-fixtures/ and
# kept while the generator is unchanged.
# Prints a markdown section on stdout (bench/run.sh puts it in
# doc/benchmarks.md); progress goes to stderr.
# Env: CPUS ("16 128 1024"), IRQS ("500 5000"), BUDGET seconds of timing
# per command and tree (2).
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
B=${B:-$TOP/build}
NC=$B/nohz-check
IRQTOP=$B/irqtop
CPUS=${CPUS:-16 128 1024}
IRQS=${IRQS:-500 5000}
BUDGET=${BUDGET:-2}
FX=$TOP/build/bench-fixtures
FIX=$TOP/tests/fixtures
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

say() { echo "scaling: $*" >&2; }
tc() { python3 "$TOP/bench/timecmd.py" "$@"; }

echo "## Cost growth: static checks and irqtop frames against CPUs and IRQs"
echo
if [ ! -x "$NC" ] || [ ! -x "$IRQTOP" ]; then
	echo "Not run: build $NC and $IRQTOP first (\`make\`)."
	echo
	exit 1
fi

# fixtures: regenerated when the generator or the fixture library changed;
# the lock lets two runs share them.  1024 CPUs x 5000 IRQs is the cpus1024
# fixture itself (the same story and thread count), shared with the tests.
. "$TOP/bench/fixtures.bash"
tree() { [ "$1 $2" = "1024 5000" ] && echo "$big" || echo "$FX/cpus$1-irqs$2"; }
big=""
case " $CPUS " in *" 1024 "*) case " $IRQS " in *" 5000 "*)
	s=$(date +%s)
	big=$(cpus1024_fixture)
	gen_big=$(($(date +%s) - s)) ;; esac ;; esac
sum=$(cat "$TOP/bench/mkscale.py" "$FIX"/{fxlib,hosts,kconfig}.py | sha256sum | cut -d' ' -f1)
mkdir -p "$FX"
exec 8> "$FX/.lock"
flock -w 900 8
gen_s=0
for n in $CPUS; do
	for q in $IRQS; do
		[ "$n $q" = "1024 5000" ] && continue
		d=$FX/cpus$n-irqs$q
		[ "$(cat "$d/.stamp" 2> /dev/null)" = "$sum" ] && continue
		say "generating $(basename "$d")"
		s=$(date +%s)
		rm -rf "$d" "$FX/.new"
		if python3 "$TOP/bench/mkscale.py" "$FX/.new" "$n" "$q" > /dev/null; then
			echo "$sum" > "$FX/.new/$(basename "$d")/.stamp"
			mv "$FX/.new/$(basename "$d")" "$d"
		fi
		rm -rf "$FX/.new"
		gen_s=$((gen_s + $(date +%s) - s))
	done
done
exec 8>&-

echo "Machine: $(nproc) vCPUs, kernel $(uname -r), load average $(cut -d' ' -f1 /proc/loadavg)"
echo "at the start.  Trees: \`bench/mkscale.py build/bench-fixtures N M\` (the cpus1024"
echo "story with N CPUs in nodes of up to 128, one housekeeping CPU per node, M IRQs; the"
echo "threads follow from N: per-CPU kthreads and one workload thread per isolated CPU)."
echo "1024 x 5000 is the cpus1024 fixture (tests/fixtures/README.md), the same story"
echo "with the same threads, 32 NVMe drives x 129 queues, 8 NICs x 65 channels and VF"
echo "vectors."
gen_s=$((gen_s + ${gen_big:-0}))
[ "$gen_s" -gt 5 ] && echo "Generating the trees that were missing or stale took $gen_s s (not counted below)."
echo "Commands, each tree:"
echo
echo "    nohz-check --static-only --root DIR              # wall time per run, median"
echo "    irqtop --root DIR -b -n 1 -d 1ms                 # CPU time of the process"
echo "    irqtop --root DIR -b -n \$((F + 1)) -d 1ms        # per frame: difference / F"
echo
echo "Each irqtop frame reads /proc/interrupts again, parses it, computes rates and prints"
echo "every column, so the difference is the cost of one refresh without the start-up."
echo "Timing runs per command are chosen to fill about $BUDGET s (at least 3).  The x columns"
echo "compare CPU time with the smallest tree's."
echo
echo "| CPUs | IRQs | threads | /proc/interrupts | static checks: wall ms | CPU ms | x smallest | irqtop: ms per frame | x smallest |"
echo "|---|---|---|---|---|---|---|---|---|"
base_nc="" base_it=""
for n in $CPUS; do
	for q in $IRQS; do
		d=$(tree "$n" "$q")
		if [ -z "$d" ] || [ ! -d "$d" ]; then
			echo "| $n | $q | - | - | tree not generated | | | | |"
			continue
		fi
		say "timing $(basename "$d")"
		thr=$(find "$d/proc" -mindepth 3 -maxdepth 3 -path '*/task/*' | wc -l)
		sz=$(stat -c %s "$d/proc/interrupts")
		# runs to fill the budget, from one probe run
		read -r w1 _ _ _ _ _ < <(tc 1 "$NC" --static-only --root "$d")
		runs=$(awk -v b="$BUDGET" -v w="$w1" 'BEGIN { r = int(b * 1000 / (w + 1)); print r < 3 ? 3 : (r > 30 ? 30 : r) }')
		read -r ncw _ _ ncc _ ncrc < <(tc "$runs" "$NC" --static-only --root "$d")
		read -r _ _ _ f1 _ _ < <(tc 3 "$IRQTOP" --root "$d" -b -n 1 -d 1ms)
		read -r _ _ _ f3 _ _ < <(tc 1 "$IRQTOP" --root "$d" -b -n 3 -d 1ms)
		frames=$(awk -v b="$BUDGET" -v a="$f1" -v c="$f3" 'BEGIN { p = (c - a) / 2; if (p < 0.1) p = 0.1
			f = int(b * 1000 / p / 3); print f < 5 ? 5 : (f > 500 ? 500 : f) }')
		read -r _ _ _ fn _ _ < <(tc 3 "$IRQTOP" --root "$d" -b -n $((frames + 1)) -d 1ms)
		fr=$(awk -v a="$f1" -v c="$fn" -v f="$frames" 'BEGIN { printf "%.2f", (c - a) / f }')
		[ -z "$base_nc" ] && base_nc=$ncc base_it=$fr
		awk -v n="$n" -v q="$q" -v t="$thr" -v sz="$sz" -v w="$ncw" -v c="$ncc" -v rc="$ncrc" \
			-v r="$runs" -v fr="$fr" -v F="$frames" -v bn="$base_nc" -v bi="$base_it" 'BEGIN {
			s = sz >= 1048576 ? sprintf("%.1f MB", sz / 1048576) : sprintf("%.0f kB", sz / 1024)
			printf "| %d | %d | %d | %s | %.1f (%d runs%s) | %.1f | %.1f | %.2f (F=%d) | %.1f |\n",
				n, q, t, s, w, r, rc == 0 ? "" : ", exit " rc, c, c / bn, fr, F, fr / bi }'
		echo "$n $q $ncc $fr" >> "$T/rows"
	done
done
echo
python3 - "$T/rows" << 'EOF'
import math, sys
rows = [l.split() for l in open(sys.argv[1])] if sys.argv[1] else []
d = {(int(n), int(q)): (float(w), float(f)) for n, q, w, f in rows}
cpus = sorted({k[0] for k in d}); irqs = sorted({k[1] for k in d})
out = []
for q in irqs:
    ns = [n for n in cpus if (n, q) in d]
    if len(ns) >= 2:
        a, b = ns[0], ns[-1]
        for i, name in ((0, "static checks"), (1, "irqtop frame")):
            if d[(a, q)][i] > 0 and d[(b, q)][i] > 0:
                k = math.log(d[(b, q)][i] / d[(a, q)][i]) / math.log(b / a)
                out.append("%s at %d IRQs: x%.1f from %d to %d CPUs (x%d), about CPUs^%.2f"
                           % (name, q, d[(b, q)][i] / d[(a, q)][i], a, b, b // a, k))
for n in cpus:
    qs = [q for q in irqs if (n, q) in d]
    if len(qs) >= 2:
        a, b = qs[0], qs[-1]
        out.append("at %d CPUs, %d -> %d IRQs (x%d): static checks x%.1f, irqtop frame x%.1f"
                   % (n, a, b, b // a, d[(n, b)][0] / d[(n, a)][0], d[(n, b)][1] / d[(n, a)][1]))
if out:
    print("Growth, in CPU time (it moves less than wall time on a shared machine):\n")
    print("\n".join("- " + x for x in out))
    print()
EOF
cat << 'EOF'
What grows: the static checks read /proc/interrupts once (CPUs x IRQs
cells, 11 bytes each), one affinity file per IRQ
(/proc/irq/N/effective_affinity_list) and the files of every thread; an
irqtop frame reads and parses the whole of /proc/interrupts every refresh
and turns every cell into a rate.  These trees are files on disk; on a
live host they come from the kernel, and the thread count is the other
axis (see the host rows of the nohz-check section).

EOF
