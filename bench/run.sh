#!/bin/bash
# bench/run.sh - run every benchmark in bench/ (each bounded in time) and
# rewrite doc/benchmarks.md with their markdown sections, the machine, the
# date and what each took.
# Protocol: each bench/NAME.sh prints its section on stdout, its progress on
# stderr, and never writes doc/benchmarks.md itself.  Env: B (build dir),
# BENCH_TIMEOUT seconds per benchmark (300).
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP" || exit 2
BUILD=${B:-$TOP/build}
TIMEOUT=${BENCH_TIMEOUT:-300}
out=$TOP/doc/benchmarks.md
tmp=$(mktemp)
snap=$(mktemp -d)
trap 'rm -rf "$snap" "$tmp"' EXIT

# The run takes minutes: measure one set of binaries throughout, even if the
# tree is rebuilt meanwhile.  A copy taken while the linker writes fails -V
# and is taken again.
snapshot() {
	local t ok
	for t in nohz-check pig irqtop sleeping-beauties; do
		for _ in 1 2 3 4 5 6; do
			ok=""
			cp "$BUILD/$t" "$snap/$t" 2> /dev/null && "$snap/$t" -V > /dev/null 2>&1 && ok=1
			[ -n "$ok" ] && break
			sleep 10
		done
		[ -n "$ok" ] || { echo "bench: $BUILD/$t does not run" >&2; return 1; }
	done
	mkdir -p "$snap/tests"
	cp -r "$BUILD/tests/helpers" "$snap/tests/" 2> /dev/null
	return 0
}
snapshot || exit 2
export B=$snap

{
	echo "# Benchmarks"
	echo
	echo "Written by \`make bench\` (bench/run.sh) on $(date -u '+%F %H:%M UTC'): $(nproc) vCPUs"
	echo "($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)),"
	echo "$(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), kernel $(uname -r), load average"
	echo "$(cut -d' ' -f1-3 /proc/loadavg) at the start."
	echo "These machines are shared and noisy: compare the ratios within one run, not"
	echo "absolute numbers across runs.  Each section says what it ran; \`bench/NAME.sh\`"
	echo "alone prints one section on stdout."
	echo
} > "$tmp"
rc=0
t0=$(date +%s)
: > "$snap/times"
for b in bench/*.sh; do
	[ "$(basename "$b")" = run.sh ] && continue
	echo "bench: $b" >&2
	start=$(date +%s)
	timeout "$TIMEOUT" bash "$b" >> "$tmp"
	st=$?
	secs=$(($(date +%s) - start))
	if [ $st -eq 0 ]; then
		echo "bench: $b done in $secs s" >&2
		echo "| \`$b\` | $secs | |" >> "$snap/times"
	else
		what="exit $st"
		[ $st -eq 124 ] && what="timed out after $TIMEOUT s"
		echo "bench: $b failed ($what)" >&2
		printf '\n(%s did not finish: %s; see the make bench output)\n\n' "$b" "$what" >> "$tmp"
		echo "| \`$b\` | $secs | $what |" >> "$snap/times"
		rc=1
	fi
done
{
	echo "## Run time"
	echo
	echo "| benchmark | seconds | |"
	echo "|---|---|---|"
	cat "$snap/times"
	echo "| all | $(($(date +%s) - t0)) | |"
	echo
} >> "$tmp"
cp "$tmp" "$out"
echo "bench: wrote $out in $(($(date +%s) - t0)) s" >&2
exit $rc
