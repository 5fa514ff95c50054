#!/usr/bin/env python3
"""Render the app icon from resources/icons/briefing-app.svg.

A maintainer tool, not part of the app. Standard library only; it runs two Debian tools:

    apt-get install librsvg2-bin imagemagick

and writes, next to the SVG:

* ``hicolor/<N>x<N>/apps/briefing-app.png`` for N in 16 24 32 48 64 128 256 512
  (``rsvg-convert -w N -h N``; freedesktop icon-theme layout);
* ``briefing-app.ico``: 16-256 px for Windows (ImageMagick ``convert``; it stores the
  256 px image as PNG and the smaller ones as 32-bit BMP, which every Windows reads);
* ``briefing-app.icns``: for macOS, written here directly: the icns container with
  PNG-encoded images (``icp4`` 16, ``icp5`` 32, ``icp6`` 64, ``ic07`` 128, ``ic08`` 256,
  ``ic09`` 512, ``ic10`` 1024, and the @2x types ``ic11``-``ic14``), the same layout
  Apple's ``iconutil`` produces.

Usage: python3 tools/build_icons.py [--icons-dir resources/icons]
"""

from __future__ import annotations

import argparse
import shutil
import struct
import subprocess
import tempfile
from pathlib import Path

NAME = "briefing-app"
PNG_SIZES = [16, 24, 32, 48, 64, 128, 256, 512]
ICO_SIZES = [16, 24, 32, 48, 64, 128, 256]
# icns element type -> pixel size of its PNG
ICNS_TYPES = [
    ("icp4", 16),
    ("icp5", 32),
    ("icp6", 64),
    ("ic07", 128),
    ("ic08", 256),
    ("ic09", 512),
    ("ic10", 1024),  # 512@2x
    ("ic11", 32),  # 16@2x
    ("ic12", 64),  # 32@2x
    ("ic13", 256),  # 128@2x
    ("ic14", 512),  # 256@2x
]


def render(svg: Path, size: int, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    cmd = ["rsvg-convert", "-w", str(size), "-h", str(size), "-o", str(out), str(svg)]
    subprocess.run(cmd, check=True)


def imagemagick() -> str:
    # Prefer Debian's real ImageMagick over any wrapper earlier on PATH.
    for cand in ("/usr/bin/convert", shutil.which("convert")):
        if cand and Path(cand).exists():
            return cand
    raise SystemExit("ImageMagick 'convert' not found (apt-get install imagemagick)")


def write_icns(pngs: dict[int, Path], out: Path) -> None:
    body = b""
    for kind, size in ICNS_TYPES:
        data = pngs[size].read_bytes()
        body += kind.encode("ascii") + struct.pack(">I", len(data) + 8) + data
    out.write_bytes(b"icns" + struct.pack(">I", len(body) + 8) + body)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    default_dir = Path(__file__).resolve().parent.parent / "resources" / "icons"
    ap.add_argument("--icons-dir", type=Path, default=default_dir)
    args = ap.parse_args(argv)
    svg = args.icons_dir / f"{NAME}.svg"

    pngs: dict[int, Path] = {}
    for n in PNG_SIZES:
        pngs[n] = args.icons_dir / "hicolor" / f"{n}x{n}" / "apps" / f"{NAME}.png"
        render(svg, n, pngs[n])
        print(f"wrote {pngs[n]}")

    ico = args.icons_dir / f"{NAME}.ico"
    subprocess.run([imagemagick(), *(str(pngs[n]) for n in ICO_SIZES), str(ico)], check=True)
    print(f"wrote {ico}")

    with tempfile.TemporaryDirectory() as tmp:
        big = Path(tmp) / "1024.png"
        render(svg, 1024, big)
        icns = args.icons_dir / f"{NAME}.icns"
        write_icns({**pngs, 1024: big}, icns)
    print(f"wrote {icns}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
