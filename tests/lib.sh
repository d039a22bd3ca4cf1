# tests/lib.sh - sourced by every shell test file.
# Each check prints one line "PASS: name", "FAIL: name: why" or
# "SKIP: name: reason"; tests/run.sh counts them.
# Environment from run.sh: B (build dir of the tools), TOP, FIX (fixtures).
: "${TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${B:=$TOP/build}"
: "${FIX:=$TOP/tests/fixtures}"
case $B in /*) ;; *) B=$TOP/$B ;; esac
export TOP B FIX

T_TMP=$(mktemp -d "${TMPDIR:-/tmp}/nohz-test.XXXXXX")
trap 'rm -rf "$T_TMP"' EXIT

ok()   { echo "PASS: $1"; }
fail() { echo "FAIL: $1${2:+: $2}"; }
skip() { echo "SKIP: $1: $2"; }

# check NAME COMMAND... - PASS when the command succeeds
check() {
	_n=$1; shift
	if "$@" >"$T_TMP/check.out" 2>&1; then ok "$_n"
	else fail "$_n" "$(tail -n 3 "$T_TMP/check.out" | tr '\n' ' ')"; fi
}

# run_tool OUT ERR TOOL ARGS... - run a tool, keep stdout/stderr, set RC
run_tool() {
	_o=$1 _e=$2; shift 2
	"$@" >"$_o" 2>"$_e"; RC=$?
}

# expect_rc NAME WANT - compare the last RC
expect_rc() {
	if [ "$RC" = "$2" ]; then ok "$1"; else fail "$1" "exit $RC, want $2"; fi
}

# expect_grep NAME PATTERN FILE - extended regex must match a line
expect_grep() {
	if grep -Eq -- "$2" "$3"; then ok "$1"
	else fail "$1" "no line matching '$2' in $(basename "$3")"; fi
}
expect_nogrep() {
	if grep -Eq -- "$2" "$3"; then fail "$1" "unexpected '$2' in $(basename "$3")"
	else ok "$1"; fi
}

is_root() { [ "$(id -u)" = 0 ]; }

# tracefs_snapshot FILE - the global tracing state a tool must leave as found
tracefs_snapshot() {
	_t=/sys/kernel/tracing
	{
		ls "$_t/instances" 2>/dev/null | sort
		echo "on=$(cat $_t/tracing_on 2>/dev/null)"
		echo "tracer=$(cat $_t/current_tracer 2>/dev/null)"
		cat "$_t/set_event" 2>/dev/null
		echo "buf=$(cat $_t/buffer_size_kb 2>/dev/null)"
	} > "$1"
}
