#!/bin/bash
# tests/vm/run.sh - the QEMU tests alone (make test-vm): run tests/vm/nohz.sh,
# print its checks, the wall time of every guest, and "N passed, N failed".
# tests/run.sh runs tests/vm/nohz.sh itself; when it also globs this file
# (it exports FIX), stay silent so the guests are not booted twice.
[ -n "${FIX:-}" ] && [ -z "${VM_RUN_ANYWAY:-}" ] && exit 0
TOP=$(cd "$(dirname "$0")/../.." && pwd)
out=$(mktemp)
trap 'rm -f "$out"' EXIT
t0=$EPOCHREALTIME
bash "$TOP/tests/vm/nohz.sh" 2>&1 | tee "$out"
p=$(grep -c '^PASS: ' "$out"); f=$(grep -c '^FAIL: ' "$out"); s=$(grep -c '^SKIP: ' "$out")
echo
printf 'vm tests: %.1f s wall; serial logs in build/vm/logs/\n' \
	"$(awk "BEGIN { print $EPOCHREALTIME - $t0 }")"
echo "$p passed, $f failed, $s skipped"
[ "$f" -eq 0 ]
