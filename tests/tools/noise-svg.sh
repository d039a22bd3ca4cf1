#!/bin/bash
# tests/tools/noise-svg.sh - the noise timeline as pixels: the unit test
# writes its sample pictures (4 cpus, and 1024), rsvg-convert renders them
# and tests/helpers/svgcheck.py finds each lane's gaps among the pixels.
# The checker is first shown a picture broken on purpose, so that a
# checker that passes everything cannot pass here.  No rsvg-convert is a
# FAIL: scripts/deps.sh test installs librsvg2-bin.
. "$(dirname "$0")/../lib.sh"

T=$B/tests/test_noise_svg
CHECK=$TOP/tests/helpers/svgcheck.py
S4=$T_TMP/sample.svg S1024=$T_TMP/many.svg

if ! command -v rsvg-convert >/dev/null 2>&1; then
	fail noise-svg.rsvg-convert "not installed (scripts/deps.sh test installs librsvg2-bin)"
	exit 0
fi
if [ ! -x "$T" ]; then
	fail noise-svg.built "no $T"
	exit 0
fi

if NOHZ_SVG_SAMPLE=$S4 NOHZ_SVG_SAMPLE_MANY=$S1024 "$T" >"$T_TMP/unit.out" 2>&1 &&
   [ -s "$S4" ] && [ -s "$S1024" ]; then
	ok "noise-svg: unit test writes the samples"
else
	fail "noise-svg: unit test writes the samples" "$(tail -n 3 "$T_TMP/unit.out" | tr '\n' ' ')"
	exit 0
fi

# svgcheck NAME WANT_RC PATTERN ARGS... - run the checker, judge rc and output
svgcheck() {
	local name=$1 want=$2 pat=$3 rc
	shift 3
	python3 "$CHECK" "$@" >"$T_TMP/check.out" 2>&1
	rc=$?
	if [ $rc = "$want" ] && grep -Eq -- "$pat" "$T_TMP/check.out"; then
		ok "$name"
	else
		fail "$name" "exit $rc, want $want: $(head -n 3 "$T_TMP/check.out" | tr '\n' ' ')"
	fi
}

# broken on purpose: cpu 3's gaps removed, a gap drawn on the quiet cpu 4
awk '/data-cpu="3"/ { in3 = 1 } in3 && /class="gap"/ { next } /<\/g>/ { in3 = 0 } { print }' \
	"$S4" > "$T_TMP/nogaps.svg"
awk -F'"' '{ print } /data-cpu="4"/ { y0 = $6; f = 1; next }
	f { printf "<rect class=\"gap\" x=\"500\" y=\"%d\" width=\"1\" height=\"2\" fill=\"#000000\"/>\n", y0; f = 0 }' \
	"$S4" > "$T_TMP/stray.svg"
svgcheck "noise-svg: checker sees a lane whose gaps are not drawn" 1 \
	'^svgcheck: lane cpu 3: 10000 gaps but nothing drawn' "$T_TMP/nogaps.svg"
svgcheck "noise-svg: checker sees a gap drawn on a lane without gaps" 1 \
	'^svgcheck: lane cpu 4: no gaps but a pixel drawn' "$T_TMP/stray.svg"
svgcheck "noise-svg: checker counts lanes" 1 '^svgcheck: 4 lanes, want 5' \
	--expect-lanes 5 "$S4"

svgcheck "noise-svg: 4 cpus, every lane drawn" 0 '^svgcheck: 4 lanes drawn$' \
	--expect-lanes 4 "$S4"
svgcheck "noise-svg: 1024 cpus, every lane drawn" 0 '^svgcheck: 1024 lanes drawn$' \
	--expect-lanes 1024 "$S1024"
