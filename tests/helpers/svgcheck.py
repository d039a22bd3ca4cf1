#!/usr/bin/env python3
# svgcheck.py - render a nohz_noise_svg() picture and check that it drew
# every lane: each lane that has gaps (data-gaps > 0) must have a pixel
# other than its background (data-bg, or white) inside its gap band
# (data-x0..data-x1, data-y0..data-y1), and each lane without gaps none.
# The PNG from rsvg-convert is decoded here (zlib and the PNG filters), so
# only the standard library is needed.
#
# Usage: svgcheck.py [--expect-lanes N] FILE.svg
# Prints one line per problem and exits 1, else "svgcheck: N lanes drawn"
# and exits 0; 2 when the file cannot be rendered or read.
import argparse
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
import zlib

SVG_NS = "{http://www.w3.org/2000/svg}"
TOLERANCE = 8	# per channel: a band's own colour after rounding


def die(msg):
    print("svgcheck: " + msg)
    sys.exit(2)


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def unfilter(ftype, raw, prev, bpp):
    """One scanline, filter byte ftype, against the decoded line prev."""
    if ftype == 0:
        return raw
    if ftype == 2 and not any(raw):	# a row like the one above: most rows
        return prev
    out = bytearray(raw)
    n = len(out)
    if ftype == 1:
        for i in range(bpp, n):
            out[i] = (out[i] + out[i - bpp]) & 0xff
    elif ftype == 2:
        for i in range(n):
            out[i] = (out[i] + prev[i]) & 0xff
    elif ftype == 3:
        for i in range(n):
            left = out[i - bpp] if i >= bpp else 0
            out[i] = (out[i] + ((left + prev[i]) >> 1)) & 0xff
    elif ftype == 4:
        for i in range(n):
            if i >= bpp:
                out[i] = (out[i] + paeth(out[i - bpp], prev[i], prev[i - bpp])) & 0xff
            else:
                out[i] = (out[i] + prev[i]) & 0xff
    else:
        raise ValueError("bad PNG filter type %d" % ftype)
    return bytes(out)


def png_decode(data):
    """(width, height, channels, rows): 8-bit RGB or RGBA, not interlaced."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, hdr = 8, [], None
    while pos < len(data):
        length, ctype = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if zlib.crc32(ctype + body) != struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])[0]:
            raise ValueError("bad CRC in %r chunk" % ctype)
        pos += 12 + length
        if ctype == b"IHDR":
            hdr = struct.unpack(">IIBBBBB", body)
        elif ctype == b"IDAT":
            idat.append(body)
        elif ctype == b"IEND":
            break
    if not hdr:
        raise ValueError("no IHDR")
    w, h, depth, colour, _, _, interlace = hdr
    channels = {2: 3, 6: 4}.get(colour)
    if depth != 8 or not channels or interlace:
        raise ValueError("PNG depth %d colour type %d interlace %d: want 8-bit RGB(A)"
                         % (depth, colour, interlace))
    raw = zlib.decompress(b"".join(idat))
    stride = w * channels
    if len(raw) != h * (stride + 1):
        raise ValueError("PNG data is %d bytes, want %d" % (len(raw), h * (stride + 1)))
    rows, prev = [], bytes(stride)
    for y in range(h):
        off = y * (stride + 1)
        prev = unfilter(raw[off], raw[off + 1:off + 1 + stride], prev, channels)
        rows.append(prev)
    return w, h, channels, rows


def colour(s):
    s = (s or "").strip()
    if len(s) != 7 or s[0] != "#":
        return None
    return tuple(int(s[i:i + 2], 16) for i in (1, 3, 5))


def drawn(rows, channels, x0, x1, y0, y1, bgs):
    """The first pixel of the box that is none of the backgrounds, or None."""
    for y in range(y0, y1):
        row = rows[y][x0 * channels:x1 * channels]
        for bg in bgs:	# the usual case: a row all of one background
            px = bytes(bg) + (b"\xff" if channels == 4 else b"")
            if row == px * (x1 - x0):
                break
        else:
            for x in range(x1 - x0):
                p = row[x * channels:(x + 1) * channels]
                if channels == 4 and p[3] == 0:
                    continue	# nothing painted
                if not any(all(abs(p[i] - bg[i]) <= TOLERANCE for i in range(3))
                           for bg in bgs):
                    return x0 + x, y
    return None


def main():
    ap = argparse.ArgumentParser(description="check the lanes of a noise SVG")
    ap.add_argument("--expect-lanes", type=int)
    ap.add_argument("svg")
    a = ap.parse_args()

    try:
        root = ET.parse(a.svg).getroot()
    except (OSError, ET.ParseError) as e:
        die("%s: %s" % (a.svg, e))
    if root.tag != SVG_NS + "svg":
        die("%s: root is %s, not svg" % (a.svg, root.tag))
    lanes = [g for g in root.iter(SVG_NS + "g") if "lane" in g.get("class", "").split()]
    if not shutil.which("rsvg-convert"):
        die("rsvg-convert not found (Debian: librsvg2-bin)")
    with tempfile.TemporaryDirectory() as d:
        png = os.path.join(d, "out.png")
        r = subprocess.run(["rsvg-convert", "-o", png, a.svg], capture_output=True, text=True)
        if r.returncode:
            die("rsvg-convert: exit %d: %s" % (r.returncode, r.stderr.strip()))
        try:
            w, h, channels, rows = png_decode(open(png, "rb").read())
        except (OSError, ValueError, zlib.error, struct.error) as e:
            die("%s: %s" % (png, e))

    problems, seen = [], set()
    sw, sh = float(root.get("width", w)), float(root.get("height", h))
    if (round(sw), round(sh)) != (w, h):
        problems.append("PNG is %dx%d, the SVG says %gx%g" % (w, h, sw, sh))
    if a.expect_lanes is not None and len(lanes) != a.expect_lanes:
        problems.append("%d lanes, want %d" % (len(lanes), a.expect_lanes))
    if not lanes and a.expect_lanes != 0:
        problems.append("no lane groups (<g class=\"lane\" data-cpu=...>)")
    for g in lanes:
        cpu = g.get("data-cpu")
        try:
            x0, x1, y0, y1 = (int(g.get("data-" + k)) for k in ("x0", "x1", "y0", "y1"))
            gaps = int(g.get("data-gaps"))
        except (TypeError, ValueError):
            problems.append("lane cpu %s: missing or bad data-x0/x1/y0/y1/gaps" % cpu)
            continue
        if cpu in seen:
            problems.append("lane cpu %s: twice" % cpu)
        seen.add(cpu)
        if not (0 <= x0 < x1 <= w and 0 <= y0 < y1 <= h):
            problems.append("lane cpu %s: band %d..%d x %d..%d outside the %dx%d picture"
                            % (cpu, x0, x1, y0, y1, w, h))
            continue
        bgs = [(255, 255, 255)] + ([colour(g.get("data-bg"))] if colour(g.get("data-bg")) else [])
        hit = drawn(rows, channels, x0, x1, y0, y1, bgs)
        if gaps and not hit:
            problems.append("lane cpu %s: %d gaps but nothing drawn in x %d..%d y %d..%d"
                            % (cpu, gaps, x0, x1, y0, y1))
        elif not gaps and hit:
            problems.append("lane cpu %s: no gaps but a pixel drawn at %d,%d" % ((cpu,) + hit))
    for p in problems:
        print("svgcheck: " + p)
    if problems:
        return 1
    print("svgcheck: %d lanes drawn" % len(lanes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
