#!/bin/sh
# default-cpus.sh - the `make run` target list: all online CPUs but the first.
awk -F, '{
	out = ""; first = -1
	for (i = 1; i <= NF; i++) {
		n = split($i, r, "-"); a = r[1] + 0; b = (n > 1 ? r[2] : r[1]) + 0
		for (c = a; c <= b; c++) {
			if (first < 0) { first = c; continue }
			out = out (out == "" ? "" : ",") c
		}
	}
	print out
}' /sys/devices/system/cpu/online
