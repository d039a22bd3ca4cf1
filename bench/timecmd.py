#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""timecmd.py - run a command several times and print what one run costs.

Usage: timecmd.py RUNS CMD [ARG]...

One warm-up run (page cache, dentries), then RUNS runs with stdout and
stderr discarded.  Prints one line: median wall ms, min wall ms, max wall
ms, median CPU ms (user + system of the command), runs, and the exit
status of the last run.  The wall median is the figure a user waits for;
the CPU median moves less when the machine is shared.
"""
import os
import resource
import subprocess
import sys
import time


def one(cmd):
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    rc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
    t1 = time.perf_counter()
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    return (t1 - t0) * 1e3, cpu * 1e3, rc


def median(v):
    v = sorted(v)
    m = len(v) // 2
    return v[m] if len(v) % 2 else (v[m - 1] + v[m]) / 2


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__.split("\n\n")[1])
    runs, cmd = int(sys.argv[1]), sys.argv[2:]
    one(cmd)
    res = [one(cmd) for _ in range(max(1, runs))]
    wall = [w for w, _, _ in res]
    print("%.2f %.2f %.2f %.2f %d %d" % (median(wall), min(wall), max(wall),
                                         median([c for _, c, _ in res]), len(res), res[-1][2]))


if __name__ == "__main__":
    os.environ.setdefault("LC_ALL", "C")
    main()
