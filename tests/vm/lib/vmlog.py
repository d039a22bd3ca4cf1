#!/usr/bin/env python3
"""vmlog.py - read the serial log of a test guest and judge one expectation.

The guest's /init (tests/vm/init) prints "@@vm" marker lines; this parses
them into per-scenario sections, values, exit codes and /proc/interrupts
snapshots, then evaluates a Python expression over them.

  vmlog.py expect LOG SCENARIO CONFIG NAME EXPR [MSG]
      print "PASS: SCENARIO: NAME (MSG)" or "FAIL: SCENARIO: NAME: MSG";
      EXPR must be true, MSG is an f-string over the same names.
  vmlog.py show LOG SCENARIO CONFIG EXPR     print the value of EXPR
  vmlog.py section LOG SCENARIO NAME         print one section's text
  vmlog.py state LOG SCENARIO                done, started or missing
  vmlog.py watch PIDFILE LOG OUT             host side of vcpu() (below)

Names available to EXPR and MSG (each documented where it is defined):
  hz (CONFIG_HZ of the guest kernel), boot, kv, rc, out, err (per scenario)
  rounds(prefix), rtla_top(name), median(list), softirqs(name),
  side(cpus), med(rows, key), noise_counts(cpu), KINDS, invented(name, cpus),
  host_view(name, cpu), compare(key), compare_txt(key), rt_rest(tool)
  js(name), jsl(name), live(doc), cpu(doc, n), finding(doc, id), findings(doc, verdict),
  irqtop_sum(frames, row), mentions(doc, *regex, cpu=N), SCHED and word(x) (regexes)
  loc(name), irqs(name, irq), idle(name), busy(name), span(name),
  vcpu(name), vcpu_wait(name), vcpu_slices(name), ticking(name, cpus, seconds), ticking_txt(...),
  agree(name, doc, cpus, seconds), agree_txt(...)
  re, math, json and the builtins
"""
import json
import math
import os
import re
import sys
import time

USER_HZ = 100    # /proc/stat unit on x86
ANSI = re.compile(r'\x1b\[[0-9;?]*[A-Za-z]|\x1bc')


class Log:
    """Log - every scenario of one boot, plus the boot-wide values."""

    def __init__(self, path):
        self.boot = {}
        self.scenarios = {}
        self.complete = False
        with open(path, 'rb') as f:
            text = f.read().decode('utf-8', 'replace')
        cur = self.scenarios.setdefault('', Scenario(''))
        capture = None
        for raw in text.split('\n'):
            line = ANSI.sub('', raw).replace('\r', '')
            if capture is not None:
                name, buf = capture
                m = re.match(r'@@vm end (\S+) rc=(-?\d+)$', line)
                if m and m.group(1) == name:
                    cur.sections[name] = '\n'.join(buf) + ('\n' if buf else '')
                    cur.rc.setdefault(name, int(m.group(2)))
                    capture = None
                else:
                    buf.append(line)
                continue
            if not line.startswith('@@vm '):
                continue
            words = line.split(' ', 3)
            kind = words[1]
            if kind == 'scenario':
                cur = self.scenarios.setdefault(words[2], Scenario(words[2]))
                cur.started = True
            elif kind == 'done':
                cur.done = True
            elif kind == 'begin':
                capture = (words[2], [])
            elif kind == 'kv':
                val = words[3] if len(words) > 3 else ''
                cur.kv[words[2]] = val
                if cur.name == '':
                    self.boot[words[2]] = val
            elif kind == 'poweroff':
                self.complete = True
        host = {}
        try:
            with open(re.sub(r'\.log$', '', path) + '.vcpu') as f:
                for ln in f:
                    k, *vals = ln.split()
                    host[k] = {int(c): float(v) for c, v in (x.split(':') for x in vals)}
        except OSError:
            pass
        for s in self.scenarios.values():
            s.boot = self.boot
            s.boot_sections = self.scenarios[''].sections
            s.host = host

    def get(self, name):
        return self.scenarios.get(name) or Scenario(name)


class Scenario:
    """Scenario - what the guest printed between "scenario" and "done"."""

    def __init__(self, name):
        self.name = name
        self.started = self.done = False
        self.sections, self.rc, self.kv = {}, {}, {}
        self.boot, self.boot_sections, self.host = {}, {}, {}

    def js(self, name):
        """js - the section parsed as JSON (raises with the reason if not)"""
        text = self.sections[name]
        try:
            return json.loads(text)
        except ValueError as e:
            raise ValueError(f'section {name} is not JSON ({e}): {text[:200]!r}')

    def jsl(self, name):
        """jsl - the section as JSON lines: one object per non-empty line"""
        return [json.loads(ln) for ln in self.sections[name].splitlines() if ln.strip()]

    def interrupts(self, tag, what='interrupts'):
        """interrupts - {irq: [count per cpu]} of one /proc/interrupts read
        (what='softirqs': {vector: [count per cpu]} of /proc/softirqs)"""
        lines = self.sections[what + '.' + tag].splitlines()
        ncpu = len(lines[0].split())
        table = {}
        for ln in lines[1:]:
            irq, _, rest = ln.partition(':')
            vals = rest.split()[:ncpu]
            if len(vals) == ncpu and all(v.isdigit() for v in vals):
                table[irq.strip()] = [int(v) for v in vals]
        return table

    def irqs(self, name, irq='LOC'):
        """irqs - per-cpu increase of irq between NAME.before and NAME.after"""
        a = self.interrupts(name + '.before')[irq]
        b = self.interrupts(name + '.after')[irq]
        return [y - x for x, y in zip(a, b)]

    def softirqs(self, name):
        """softirqs - {vector: [increase per cpu]} of /proc/softirqs over
        NAME's bracket"""
        a = self.interrupts(name + '.before', 'softirqs')
        b = self.interrupts(name + '.after', 'softirqs')
        return {k: [y - x for x, y in zip(a[k], b[k])] for k in a if k in b}

    def loc(self, name):
        """loc - local timer interrupts (ticks) per cpu over NAME's bracket"""
        return self.irqs(name, 'LOC')

    def idle(self, name):
        """idle - per-cpu idle seconds (/proc/stat) over NAME's bracket"""
        def read(tag):
            rows = [ln.split() for ln in self.sections['stat.' + tag].splitlines()]
            return [int(r[4]) + int(r[5]) for r in rows]   # idle + iowait
        a, b = read(name + '.before'), read(name + '.after')
        return [(y - x) / USER_HZ for x, y in zip(a, b)]

    def busy(self, name):
        """busy - per-cpu share of NAME's bracket not idle, 0..1"""
        s = self.span(name)
        return [round(max(0.0, 1 - i / s), 2) for i in self.idle(name)]

    def vcpu(self, name):
        """vcpu - per-cpu seconds the host ran each vCPU thread over NAME's
        bracket (watched from the host; 0.05 s resolution of the marks)"""
        a = self.host['uptime.' + name + '.before']
        b = self.host['uptime.' + name + '.after']
        return [round(b[c] - a[c], 3) for c in sorted(a)]

    def vcpu_wait(self, name):
        """vcpu_wait - per-cpu seconds each vCPU thread waited on a host run
        queue over NAME's bracket (runnable but preempted by the host)"""
        a = self.host['wait:uptime.' + name + '.before']
        b = self.host['wait:uptime.' + name + '.after']
        return [round(b[c] - a[c], 3) for c in sorted(a)]

    def vcpu_slices(self, name):
        """vcpu_slices - per-cpu number of times the host put each vCPU
        thread on a CPU over NAME's bracket (its wakeups and preemptions)"""
        a = self.host['slices:uptime.' + name + '.before']
        b = self.host['slices:uptime.' + name + '.after']
        return [int(b[c] - a[c]) for c in sorted(a)]

    def ticking(self, hz, name, cpus, seconds, share=0.1):
        """ticking - did each cpu keep its tick while busy for `seconds` of
        NAME's bracket?  Under TCG a vCPU thread that the host deschedules
        for a whole tick period (or whose timer QEMU's main loop fires late)
        loses that tick, so a ticking busy CPU sees HZ only on an idle host;
        on a loaded 2-core host 15-90% of it.  Judged: at least share x HZ x
        seconds (default 10%: 10 x the 1% a tickless CPU may have), at most
        one tick per period of the bracket.  Returns (all in bounds, text with the guest
        rate and the vCPU seconds the host gave, to read a shortfall)."""
        loc, sp = self.loc(name), self.span(name)
        try:
            vc = self.vcpu(name)
        except KeyError:
            vc = None
        good, parts = True, []
        for c in cpus:
            lo, hi = int(share * hz * seconds), int(hz * sp) + 3
            good = good and lo <= loc[c] <= hi
            ran = f', vCPU ran {vc[c]:.2f} s' if vc else ''
            parts.append(f'cpu{c} LOC {loc[c]} = {loc[c] / seconds:.0f}/s (allowed {lo}..{hi}{ran})')
        return good, '; '.join(parts) + f'; HZ {hz}, bracket {sp:.2f} s'

    def rounds(self, prefix):
        """rounds - the N of every section PREFIX.N, in order ("1", "2", ...)"""
        n = [k[len(prefix) + 1:] for k in self.sections
             if k.startswith(prefix + '.') and k[len(prefix) + 1:].isdigit()]
        return sorted(n, key=int)

    def rtla_top(self, name):
        """rtla_top - the per-cpu table of `rtla osnoise top -q` (rtla 6.1)
        in section NAME: {cpu: {column: value}}.  Columns as rtla prints
        them: periods (the "#N"), runtime, noise, max_noise (the largest
        noise of one period), max_single (the largest single noise) in us;
        avail the "% CPU Aval", 100 x (runtime - noise) / runtime; hw (noise
        samples with no interference counted inside), nmi, irq, softirq,
        thread: occurrences over the runtime, whether or not they made a
        sample cross the threshold."""
        cols = ('periods', 'runtime', 'noise', 'avail', 'max_noise', 'max_single',
                'hw', 'nmi', 'irq', 'softirq', 'thread')
        table = {}
        for ln in self.sections[name].splitlines():
            w = ln.split()
            if len(w) != 12 or not w[0].isdigit() or not w[1].startswith('#'):
                continue
            vals = [w[1][1:]] + w[2:]
            table[int(w[0])] = {k: (float(v) if k == 'avail' else int(v))
                                for k, v in zip(cols, vals)}
        if not table:
            raise KeyError(f'no rtla osnoise top table in section {name}: '
                           f'{self.sections[name][:200]!r}')
        return table

    def span(self, name):
        """span - guest seconds between the two /proc/interrupts reads"""
        return (float(self.kv['uptime.' + name + '.after']) -
                float(self.kv['uptime.' + name + '.before']))


def vcpu_times(pid, field=0):
    """vcpu_times - {cpu: seconds on a host CPU} of QEMU's vCPU threads
    ("CPU n/TCG" with -name ...,debug-threads=on); from schedstat (ns).
    field=1: the seconds each waited on a host run queue instead (runnable,
    not running: the host preempted it); field=2: the number of times the
    host put it on a CPU (x 1e-9)"""
    out = {}
    for tid in os.listdir(f'/proc/{pid}/task'):
        try:
            with open(f'/proc/{pid}/task/{tid}/comm') as f:
                m = re.match(r'CPU (\d+)/', f.read())
            if not m:
                continue
            with open(f'/proc/{pid}/task/{tid}/schedstat') as f:
                out[int(m.group(1))] = int(f.read().split()[field]) / 1e9
        except OSError:
            continue
    return out


def watch(pidfile, log, out, period=0.05):
    """watch - while QEMU runs, note for every "@@vm kv uptime.X" line of the
    serial log the CPU time each vCPU thread has had so far: how much of a
    host core a guest CPU really got between two marks (under TCG a guest
    CPU that the host deschedules loses its ticks)."""
    deadline = time.monotonic() + 30
    while not os.path.exists(pidfile) and time.monotonic() < deadline:
        time.sleep(period)
    try:
        with open(pidfile) as f:
            pid = int(f.read())
    except (OSError, ValueError):
        return 1
    pos, part = 0, ''
    with open(out, 'w') as o:
        while os.path.exists(f'/proc/{pid}'):
            try:
                with open(log, 'rb') as f:
                    f.seek(pos)
                    data = f.read()
            except OSError:
                data = b''
            pos += len(data)
            lines = (part + data.decode('utf-8', 'replace')).split('\n')
            part = lines.pop()
            marks = [m.group(1) for m in (re.search(r'@@vm kv (uptime\.\S+) ', ln)
                                          for ln in lines) if m]
            if marks:
                t, w, n = vcpu_times(pid), vcpu_times(pid, 1), vcpu_times(pid, 2)
                for k in marks:
                    o.write(k + ' ' + ' '.join(f'{c}:{t[c]:.4f}' for c in sorted(t)) + '\n')
                    o.write('wait:' + k + ' ' + ' '.join(f'{c}:{w[c]:.4f}' for c in sorted(w)) + '\n')
                    o.write('slices:' + k + ' ' + ' '.join(f'{c}:{n[c] * 1e9:.0f}' for c in sorted(n)) + '\n')
                o.flush()
            time.sleep(period)
    return 0


def live(doc):
    """live - the per-cpu entries of a report: nohz-check's live.cpus, a
    "cpus" array, or doc itself when it is a list"""
    if isinstance(doc, list):
        return doc
    if isinstance(doc.get('cpus'), list):
        return doc['cpus']
    return (doc.get('live') or {}).get('cpus') or []


def cpu(doc, n):
    """cpu - the per-cpu entry for cpu n of doc (see live)"""
    for c in live(doc):
        if c.get('cpu') == n:
            return c
    raise KeyError(f'cpu {n} not in "cpus"')


def finding(doc, fid):
    """finding - the entry of doc["findings"] whose id is fid"""
    for f in doc.get('findings', []):
        if f.get('id') == fid:
            return f
    raise KeyError(f'no finding "{fid}"')


def mentions(doc, *patterns, cpu=None):
    """mentions - the innermost JSON objects of doc whose text matches every
    regex in patterns, as (cpu, object) pairs; cpu is the "cpu" of the
    object or of its nearest enclosing object (None when there is none).
    With cpu=N only those about cpu N."""
    hits = []

    def walk(node, ctx):
        if isinstance(node, list):
            for x in node:
                walk(x, ctx)
            return
        if not isinstance(node, dict):
            return
        ctx = node.get('cpu', ctx) if isinstance(node.get('cpu'), int) else ctx
        inner = [v for v in node.values() if isinstance(v, (dict, list))]
        if any(isinstance(v, dict) or (isinstance(v, list) and any(
                isinstance(x, dict) for x in v)) for v in inner):
            for v in inner:
                walk(v, ctx)
            return
        text = json.dumps(node)
        if all(re.search(p, text) for p in patterns) and cpu in (None, ctx):
            hits.append((ctx, node))
    walk(doc, None)
    return hits


def irqtop_sum(frames, row='LOC'):
    """irqtop_sum - [{cpu, ticks}] of a row's deltas summed over irqtop -J
    frames (the shape agree() takes), and the seconds they cover"""
    cpus = [c['cpu'] for c in frames[0]['cpus']]
    tot = [0] * len(cpus)
    for fr in frames:
        r = next(x for x in fr['rows'] if x['name'] == row)
        tot = [a + b for a, b in zip(tot, r['deltas'])]
    return [{'cpu': c, 'ticks': t} for c, t in zip(cpus, tot)]


def findings(doc, verdict='FAIL'):
    """findings - the entries of doc["findings"] with this verdict"""
    return [f for f in doc.get('findings', []) if f.get('verdict') == verdict]


def agreement(sc, hz, name, doc, cpus, seconds, slack=3):
    """agreement - a tool's tick counts against the LOC deltas of the
    /proc/interrupts reads around it.  The reads bracket the whole process
    (start-up, static checks, the counting window of `seconds`, exit), so
    LOC may exceed the count by at most one tick per 1/HZ of the extra time
    plus `slack`, and may never be lower than the count minus `slack`.
    doc is a JSON object with "cpus" or a list of {cpu, ticks}.
    The window is doc["live"]["seconds"] when the report has it.
    Returns (all agree, text)."""
    if isinstance(doc, dict) and (doc.get('live') or {}).get('seconds'):
        seconds = doc['live']['seconds']
    loc, extra = sc.loc(name), max(0.0, sc.span(name) - seconds)
    good, parts = True, []
    for c in cpus:
        t = cpu(doc, c)['ticks']
        lo, hi = t - slack, t + slack + int(hz * extra)
        good = good and lo <= loc[c] <= hi
        parts.append(f'cpu{c} ticks {t} LOC {loc[c]} (allowed {max(lo, 0)}..{hi})')
    return good, '; '.join(parts) + f'; bracket {sc.span(name):.2f} s for a {seconds} s window'


def median(vals):
    """median - of a list of numbers (None when empty)"""
    v = sorted(vals)
    if not v:
        return None
    m = len(v) // 2
    return v[m] if len(v) % 2 else (v[m - 1] + v[m]) / 2


NOISE_KINDS = ('irq', 'softirq', 'timer', 'work', 'thread', 'ipi', 'nmi', 'hw')
IPI_ROWS = ('RES', 'CAL', 'TLB', 'IWI')


def noise_counts(c):
    """noise_counts - {kind: gaps a source of that kind was inside} of one
    cpu entry of nohz-check's live.cpus (a gap with two causes of a kind
    counts twice)"""
    n = dict.fromkeys(NOISE_KINDS, 0)
    for src in c.get('sources', []):
        n[src['kind']] = n.get(src['kind'], 0) + src['count']
    return n


def host_view(sc, name, c):
    """host_view - what the host did with cpu c's vCPU thread while the
    guest CPU was busy over NAME's bracket, as % of that busy time: {'run':
    it ran on a host CPU, 'wait': it was runnable on a host run queue (the
    host preempted it)}.  Under TCG a busy guest CPU's clock goes on while
    its thread is off the host CPU, so 'wait' is noise that no guest event
    explains; an idle guest CPU sleeps in HLT and costs nothing.  None when
    the vCPU samples are missing."""
    try:
        busy_s = sc.busy(name)[c] * sc.span(name)
        run, wait = sc.vcpu(name)[c], sc.vcpu_wait(name)[c]
    except (KeyError, IndexError):
        return None
    if busy_s <= 0:
        return None
    try:
        hk = sc.vcpu_slices(name)[0] / sc.span(name)
    except KeyError:
        hk = None
    # hk0: how often the host put vCPU 0 (the housekeeper, where both
    # tools' own threads run) on a CPU, per second of the bracket
    return {'run': 100.0 * run / busy_s, 'wait': 100.0 * wait / busy_s, 'hk0': hk}


def side_by_side(sc, cpus=(1, 2, 3)):
    """side_by_side - rtla osnoise top (sections rtla.N) next to
    nohz-check's noise (check.N), round by round, in the same units:
    {cpu: {'rtla': [row], 'nohz': [row], 'host_rtla': [view], 'host_nohz':
    [view]}}, a row (and a host_view of its bracket) a round.  Both rows have avail (%), noise_pct (noise / measured time),
    max_single_us; rtla's also max_noise_us (the worst 1 s period) and its
    counts hw, nmi, irq, softirq, thread; nohz-check's gaps, count (by
    kind: gaps a cause of the kind was in) and stolen_pct (by kind, share of
    its noise).  A round whose rtla or nohz-check section is missing is
    left out of both."""
    out = {c: {'rtla': [], 'nohz': [], 'host_rtla': [], 'host_nohz': []} for c in cpus}
    for r in sc.rounds('check'):
        try:
            rt, doc = sc.rtla_top('rtla.' + r), sc.js('check.' + r)
        except (KeyError, ValueError):
            continue
        for c in cpus:
            x, n = rt[c], cpu(doc, c)
            out[c]['rtla'].append(dict(
                avail=x['avail'], noise_pct=100.0 * x['noise'] / x['runtime'],
                max_single_us=x['max_single'], max_noise_us=x['max_noise'],
                runtime_s=x['runtime'] / 1e6,
                **{k: x[k] for k in ('hw', 'nmi', 'irq', 'softirq', 'thread')}))
            noise = n['noise_ns']
            out[c]['nohz'].append(dict(
                avail=n['available_pct'], noise_pct=100.0 * noise / n['window_ns'],
                max_single_us=n['max_gap_ns'] / 1e3, runtime_s=n['window_ns'] / 1e9,
                gaps=n['gaps'], count=noise_counts(n),
                stolen_pct={k: 100.0 * n['stolen_by_kind'].get(k, 0) / noise if noise else 0.0
                            for k in NOISE_KINDS}))
            out[c]['host_rtla'].append(host_view(sc, 'rtla.' + r, c))
            out[c]['host_nohz'].append(host_view(sc, 'check.' + r, c))
    return out


def med(rows, key, sub=None):
    """med - median over rounds of rows[i][key] (or rows[i][key][sub])"""
    return median([x[key] if sub is None else x[key][sub] for x in rows])


def rest(sc, tool, cpus=(1, 2, 3)):
    """rest - per round and cpu (flat list), a tool's noise % minus the
    share of the same bracket's busy time its vCPU thread waited for a host
    CPU (host_view): the noise the host's preemption does not account for.
    tool: 'rtla' or 'nohz'."""
    out = []
    for v in side_by_side(sc, cpus).values():
        for x, h in zip(v[tool], v['host_' + tool]):
            if h is None:
                raise KeyError('no vCPU wait samples (NAME.vcpu) for a round')
            out.append(x['noise_pct'] - h['wait'])
    return out


def compare(sc, key, cpus=(1, 2, 3)):
    """compare - {cpu: (rtla's median, nohz-check's median, nohz / rtla)}
    of one key of side_by_side (avail, noise_pct, max_single_us) over the
    rounds; ratio None when rtla's median is 0"""
    out = {}
    for c, v in side_by_side(sc, cpus).items():
        a, b = med(v['rtla'], key), med(v['nohz'], key)
        out[c] = (a, b, (b / a) if a else None)
    return out


def compare_txt(sc, key, cpus=(1, 2, 3), fmt='.1f'):
    """compare_txt - compare() as "cpu1 rtla A nohz-check B (xR)" parts"""
    return '; '.join(f'cpu{c} rtla {a:{fmt}} nohz-check {b:{fmt}} (x{r:.2f})'
                     if r is not None else f'cpu{c} rtla {a} nohz-check {b}'
                     for c, (a, b, r) in compare(sc, key, cpus).items())


def invented(sc, name, cpus):
    """invented - the causes nohz-check's noise of section NAME gives
    that the guest's own counters over the same bracket did not see, as
    text (empty: none): a timer cause on a cpu whose LOC did not move, an
    irq with no device interrupt, an ipi with no RES/CAL/TLB/IWI, an nmi
    with no NMI, a softirq with no /proc/softirqs increase.  work and
    thread causes have no such witness and are not judged here."""
    irq, soft, bad = sc.interrupts(name + '.before'), sc.softirqs(name), []
    after = sc.interrupts(name + '.after')
    delta = {k: [y - x for x, y in zip(irq[k], after[k])] for k in irq if k in after}
    for c in cpus:
        seen = {
            'timer': delta.get('LOC', [0] * 8)[c],
            'irq': sum(v[c] for k, v in delta.items() if k.isdigit()),
            'ipi': sum(delta.get(k, [0] * 8)[c] for k in IPI_ROWS),
            'nmi': delta.get('NMI', [0] * 8)[c],
            'softirq': sum(v[c] for v in soft.values()),
        }
        for g in cpu(sc.js(name), c).get('worst', []):
            for cause in g.get('causes', []):
                k = cause['kind']
                if k in seen and seen[k] == 0:
                    bad.append(f"cpu{c} gap at {g['start_ns']} ns: {k} {cause['source']!r}"
                               f" but no {k} counted over the bracket")
    return '; '.join(bad)


def config_hz(path):
    with open(path) as f:
        for ln in f:
            if ln.startswith('CONFIG_HZ='):
                return int(ln.split('=')[1])
    raise ValueError('no CONFIG_HZ in ' + path)


def names(sc, cfg):
    """names - what an expectation may use (see the module comment)"""
    hz = config_hz(cfg)
    return {
        'hz': hz, 'kv': sc.kv, 'rc': sc.rc, 'out': sc.sections, 'boot': sc.boot,
        'err': {k[:-4]: v for k, v in sc.sections.items() if k.endswith('.err')},
        'js': sc.js, 'jsl': sc.jsl, 'live': live, 'cpu': cpu, 'finding': finding,
        'findings': findings, 'mentions': mentions,
        'irqtop_sum': irqtop_sum,
        'rounds': sc.rounds, 'rtla_top': sc.rtla_top, 'median': median,
        'softirqs': sc.softirqs, 'side': lambda *a: side_by_side(sc, *a), 'med': med,
        'noise_counts': noise_counts, 'KINDS': NOISE_KINDS,
        'invented': lambda *a: invented(sc, *a),
        'host_view': lambda *a: host_view(sc, *a),
        'compare': lambda *a: compare(sc, *a), 'rt_rest': lambda *a: rest(sc, *a), 'compare_txt': lambda *a: compare_txt(sc, *a),
        'loc': sc.loc, 'irqs': sc.irqs, 'span': sc.span, 'idle': sc.idle,
        'busy': sc.busy, 'vcpu': sc.vcpu, 'vcpu_wait': sc.vcpu_wait,
        'vcpu_slices': sc.vcpu_slices,
        'ticking': lambda *a: sc.ticking(hz, *a)[0],
        'ticking_txt': lambda *a: sc.ticking(hz, *a)[1],
        'agree': lambda *a, **k: agreement(sc, hz, *a, **k)[0],
        'agree_txt': lambda *a, **k: agreement(sc, hz, *a, **k)[1],
        # regexes, so that f-strings need no backslash (Python < 3.12)
        'SCHED': r'\bSCHED\b(?!_)',
        'word': lambda x: r'\b%s\b' % re.escape(str(x)),
        're': re, 'math': math, 'json': json,
    }


def main(argv):
    if len(argv) >= 6 and argv[1] == 'expect':
        log, scn, cfg, name, expr = argv[2:7]
        msg = argv[7] if len(argv) > 7 else ''
        sc = Log(log).get(scn)
        env = names(sc, cfg)
        try:
            good = bool(eval(expr, env))
        except Exception as e:  # a missing section or field is a failure
            print(f'FAIL: {scn}: {name}: {type(e).__name__}: {e}')
            return 0
        try:
            text = eval('f' + repr(msg), env) if msg else ''
        except Exception as e:
            text = f'({type(e).__name__}: {e})'
        if good:
            print(f'PASS: {scn}: {name}' + (f' ({text})' if text else ''))
        else:
            print(f'FAIL: {scn}: {name}: ' + (text or f'false: {expr}'))
        return 0
    if len(argv) == 6 and argv[1] == 'show':
        sc = Log(argv[2]).get(argv[3])
        print(eval(argv[5], names(sc, argv[4])))
        return 0
    if len(argv) == 5 and argv[1] == 'section':
        sys.stdout.write(Log(argv[2]).get(argv[3]).sections.get(argv[4], ''))
        return 0
    if len(argv) == 5 and argv[1] == 'watch':
        return watch(argv[2], argv[3], argv[4])
    if len(argv) == 4 and argv[1] == 'state':
        # state LOG SCENARIO: "done", "started" or "missing"
        if not os.path.exists(argv[2]):
            print('missing (no serial log)')
            return 0
        log = Log(argv[2])
        sc = log.scenarios.get(argv[3])
        print('done' if sc and sc.done else 'started' if sc else 'missing')
        return 0
    sys.stderr.write(__doc__)
    return 2


if __name__ == '__main__':
    sys.exit(main(sys.argv))
