#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""mkscale.py - captured-host trees of one story at several sizes, for
bench/scaling.sh.

Usage: mkscale.py OUTDIR NCPUS NIRQS

Writes OUTDIR/cpusNCPUS-irqsNIRQS: the tuned HPC host of the cpus1024
fixture (tests/fixtures/hosts.py) with NCPUS CPUs in nodes of up to 128,
one housekeeping CPU per node, NIRQS IRQs (NVMe queues, NIC channels, then
VF vectors, all steered to housekeeping CPUs) and the thread population
that follows from the CPU count (per-CPU kthreads, one workload thread per
isolated CPU).  Only the size changes between trees, so a check's cost can
be read against CPUs and IRQs.  Built with the fixture library, so the
formats are the kernel's.
"""
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                                "tests", "fixtures"))
from fxlib import Host, cpulist, cpumask, write_host, IRQBALANCE_STOCK, TUNED_VARS  # noqa: E402
from hosts import (EL9_CMD, STD_USER, dmesg_boot, kernel_threads, legacy_irqs,  # noqa: E402
                   pci, user_procs, workload)


def scaled_host(n, nirqs):
    """cpus1024's story with n CPUs and nirqs IRQs."""
    h = Host("cpus%d-irqs%d" % (n, nirqs), n)
    h.hostname = "hpc-%d.example.com" % n
    h.lean = True
    h.nodes = [set(range(b, min(n, b + 128))) for b in range(0, n, 128)]
    HK = {min(nd) for nd in h.nodes}
    T = set(range(n)) - HK
    tl = cpulist(T)
    h.cmdline = (EL9_CMD + " nohz_full=%s isolcpus=managed_irq,domain,%s rcu_nocbs=%s "
                 "irqaffinity=%s skew_tick=1 tsc=reliable nosoftlockup" % (tl, tl, tl, cpulist(HK)))
    h.nohz_full, h.isolated = T, T
    h.uptime = 86400.0
    h.dmesg = dmesg_boot(h)
    r = h.rnd
    h.irqs = legacy_irqs(h, {0}, {0})
    irq = 31
    # NVMe drives, one queue per CPU of a node, to 60% of the IRQs; NIC
    # channels to 80%; SR-IOV VF vectors for the rest
    d = 0
    while len(h.irqs) < nirqs * 6 // 10:
        node = h.nodes[d % len(h.nodes)]
        hk = {min(node)}
        for q in range(len(node) + 1):
            if len(h.irqs) >= nirqs * 6 // 10:
                break
            h.irqs.append(pci(h, irq, "%02x:00.0" % (d % 0x17 + 1), q, "nvme%dq%d" % (d, q),
                              hk if q == 0 else node, hk, {min(node): r.randrange(0, 10**6)}))
            irq += 1
        d += 1
    nic = 0
    while len(h.irqs) < nirqs * 8 // 10:
        hk = {min(h.nodes[nic % len(h.nodes)])}
        bus = 0x18 + nic % 0x60
        for q in range(65):
            if len(h.irqs) >= nirqs * 8 // 10:
                break
            name = ("mlx5_async0@pci:0000:%02x:00.0" % bus if q == 0 else
                    "mlx5_comp%d@pci:0000:%02x:00.0" % (q - 1, bus))
            h.irqs.append(pci(h, irq, "%02x:00.0" % bus, q, name, hk, hk,
                              {min(hk): r.randrange(0, 10**7)}))
            irq += 1
        nic += 1
    while len(h.irqs) < nirqs:
        node = irq % len(h.nodes)
        hk = {min(h.nodes[node])}
        bdf = "%02x:%02x.%d" % (0x80 + node % 0x60, irq % 32, irq % 8)
        h.irqs.append(pci(h, irq, bdf, irq % 64, "vfio-msix[%d](0000:%s)" % (irq % 64, bdf),
                          hk, hk, {}))
        irq += 1
    h.default_affinity = HK
    h.wq_mask = h.writeback = HK
    h.wq_dirs = {"blkcg_punt_bio": HK, "nvme-wq": HK, "nvme-reset-wq": HK,
                 "nvme-delete-wq": HK}
    h.irqbalance_conf = ("etc/sysconfig/irqbalance", IRQBALANCE_STOCK +
                         "IRQBALANCE_BANNED_CPUS=%s\n" % cpumask(T, n))
    kt, pid = kernel_threads(h, HK, nocb=T, kswapd=[{min(nd)} for nd in h.nodes])
    u, pid = user_procs(h, 1, HK, [("systemd", [])])
    u2, pid = user_procs(h, pid, HK, STD_USER + [("irqbalance", ["gmain"])])
    w, pid = workload(h, pid + 100, "solver", T, HK, prefix="rank")
    h.threads = u + kt + u2 + w
    h.sysctl.update({"vm/stat_interval": "120", "kernel/nmi_watchdog": "0",
                     "kernel/watchdog_cpumask": cpulist(HK), "kernel/sched_rt_runtime_us": "-1"})
    h.cpufreq = ("intel_pstate", "performance", "performance powersave")
    h.idle_states = [s[:4] + (1 if s[2] > 10 else 0,) for s in h.idle_states]
    h.thp, h.ksm, h.mce_ignore_ce = "always madvise [never]", 0, 1
    h.tuned = ("cpu-partitioning", TUNED_VARS.format(cores=tl))
    return h


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__.split("\n\n")[1])
    out, n, nirqs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    if n < 2 or nirqs < 20:
        sys.exit("mkscale: want at least 2 CPUs and 20 IRQs")
    os.makedirs(out, exist_ok=True)
    h = scaled_host(n, nirqs)
    print("%s: %d files, %d IRQs, %d threads" % (h.name, write_host(h, out), len(h.irqs),
                                                  len(h.threads)))


if __name__ == "__main__":
    main()
