"""Open a report's ``report.html`` in headless Chromium, screenshot it, and check the page.

Usage::

    python scripts/check_report.py REPORT_DIR [--screenshot PNG] [--size 1280,3000]

Exit status 0: the page rendered to a screenshot that is not blank (more than one colour, and
at least 2 % of the pixels differ from the background). 1: blank or broken page. 2: no
report.html, or no Chromium (``apt-get install -y chromium``; set ``CHROMIUM`` to use another
binary).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "chrome")
MIN_INK = 0.02  # fraction of pixels that must differ from the most common colour


def find_chromium() -> str | None:
    """The Chromium binary: ``$CHROMIUM``, else the first of :data:`CANDIDATES` on PATH."""
    if os.environ.get("CHROMIUM"):
        return shutil.which(os.environ["CHROMIUM"])
    return next((found for name in CANDIDATES if (found := shutil.which(name))), None)


def screenshot(html: Path, png: Path, *, size: str = "1280,3000", chromium: str) -> None:
    """Render ``html`` in headless Chromium into ``png`` (raises on failure).

    The network is cut off (a proxy that does not exist), so the screenshot shows only what
    the file itself holds; Chromium's own background traffic (component updates, sync, QUIC,
    first-run pings) is switched off, as a closed network refuses it, and every run gets a
    fresh profile (``--user-data-dir``).
    """
    with tempfile.TemporaryDirectory() as profile:
        command = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                   "--no-first-run", "--disable-background-networking",
                   "--disable-component-update", "--disable-sync",
                   "--hide-scrollbars", f"--user-data-dir={profile}",
                   "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
                   f"--window-size={size}", f"--screenshot={png}", html.resolve().as_uri()]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    if done.returncode != 0 or not png.is_file():
        raise RuntimeError(f"chromium failed (exit {done.returncode}): "
                           f"{done.stderr.strip()[-500:]}")


def ink(png: Path) -> tuple[int, float]:
    """Distinct colours and the fraction of pixels unlike the most common colour."""
    from PIL import Image

    with Image.open(png) as image:
        pixels = image.convert("RGB")
        colours = pixels.getcolors(maxcolors=pixels.width * pixels.height)
    background = max(count for count, _ in colours)
    return len(colours), 1 - background / (pixels.width * pixels.height)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report_dir", type=Path)
    parser.add_argument("--screenshot", type=Path,
                        help="where to keep the PNG (default: a temporary file)")
    parser.add_argument("--size", default="1280,3000", help="window WIDTH,HEIGHT in pixels")
    args = parser.parse_args(argv)
    html = args.report_dir / "report.html"
    if not html.is_file():
        print(f"check_report: no report.html in {args.report_dir}", file=sys.stderr)
        return 2
    chromium = find_chromium()
    if chromium is None:
        print("check_report: no chromium found; install it (apt-get install -y chromium) or "
              "set CHROMIUM", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        png = args.screenshot or Path(tmp) / "report.png"
        try:
            screenshot(html, png, size=args.size, chromium=chromium)
        except (RuntimeError, subprocess.TimeoutExpired) as exc:
            print(f"check_report: {exc}", file=sys.stderr)
            return 1
        colours, fraction = ink(png)
    ok = colours > 1 and fraction >= MIN_INK
    print(f"check_report: {'ok' if ok else 'BLANK'}: {colours} colours, "
          f"{fraction:.1%} of pixels unlike the background"
          + (f"; screenshot {args.screenshot}" if args.screenshot else ""))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
