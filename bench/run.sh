#!/bin/bash
# bench/run.sh - run every benchmark in bench/ (each bounded in time) and
# rewrite doc/benchmarks.md with their markdown sections, the machine and date.
# Each bench/NAME.sh prints its section on stdout.
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP" || exit 2
export B=${B:-$TOP/build}
out=$TOP/doc/benchmarks.md
tmp=$(mktemp)
{
	echo "# Benchmarks"
	echo
	echo "Written by \`make bench\` on $(date -u '+%F %H:%M UTC'): $(nproc) vCPUs,"
	echo "$(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), kernel $(uname -r)."
	echo "These machines are shared and noisy: compare the ratios within one run, not"
	echo "absolute numbers across runs."
	echo
} > "$tmp"
rc=0
for b in bench/*.sh; do
	[ "$(basename "$b")" = run.sh ] && continue
	echo "bench: $b" >&2
	start=$(date +%s)
	if timeout 300 bash "$b" >> "$tmp"; then
		echo "bench: $b done in $(( $(date +%s) - start )) s" >&2
	else
		echo "bench: $b failed or timed out" >&2
		printf '\n(%s did not finish: see the make bench output)\n\n' "$b" >> "$tmp"
		rc=1
	fi
done
mv "$tmp" "$out"
echo "bench: wrote $out" >&2
exit $rc
