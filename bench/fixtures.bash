# bench/fixtures.bash - sourced by the benchmarks that read the generated
# cpus1024 fixture (not a benchmark itself: bench/run.sh runs *.sh only).
# Needs TOP set.

# cpus1024_fixture - make sure build/fixtures/cpus1024 matches the generator,
# as tests/tools/nohz-check.sh does (same stamp, same lock: a test run and a
# benchmark share one tree); print its path, or nothing when it cannot be
# generated.  Progress goes to stderr.
cpus1024_fixture() {
	local fix=$TOP/tests/fixtures gen=$TOP/build/fixtures sum s
	local f=$gen/cpus1024
	sum=$(cat "$fix"/{mkfixture,fxlib,hosts,kconfig}.py | sha256sum | cut -d' ' -f1)
	mkdir -p "$gen"
	(
		flock -w 900 8
		if [ "$(cat "$f/.mkfixture" 2> /dev/null)" != "$sum" ]; then
			echo "bench: generating $f" >&2
			s=$(date +%s)
			rm -rf "$gen/.new"
			if python3 "$fix/mkfixture.py" -o "$gen/.new" cpus1024 > /dev/null; then
				echo "$sum" > "$gen/.new/cpus1024/.mkfixture"
				rm -rf "$f"
				mv "$gen/.new/cpus1024" "$f"
			fi
			rm -rf "$gen/.new"
			echo "bench: generated $f in $(($(date +%s) - s)) s" >&2
		fi
	) 8> "$gen/.cpus1024.lock"
	[ "$(cat "$f/.mkfixture" 2> /dev/null)" = "$sum" ] && echo "$f"
}
