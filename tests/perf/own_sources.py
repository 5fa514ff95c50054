"""Benchmark: the analyst's own sources (issue 15, item 6), measured in one run.

Not a test (pytest never collects it): run it by hand on a quiet machine.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/perf/own_sources.py [--pages 300]
        [--sources 50] [--runs 3]

1. Import: a ``--pages``-page PDF with a text layer (made here with Typst from generated prose,
   about 3,000 characters a page, cached in the temp folder) is read and stored in a fresh
   workspace, as File > Import Source does off the GUI thread: ``read_source`` (PDFium) then
   ``Workspace.import_source`` (passages and search index). Median of ``--runs``; target 10 s.
2. Search: a workspace holding ``--sources`` such sources (the same pages, each with its own
   title and a different file hash) is opened in the real window; every prefix of a few words
   is typed into its search field; the query runs on the window's search thread, so what
   is timed is the GUI thread's work per keystroke (starting the query, then filling and
   repainting the results panel when they come), with the time until the results are shown
   and the store's query alone beside it. Target: the slowest keystroke within 20 ms.

Each line printed gives the measured value, the target and their ratio (measured / target; at
most 1.00 meets it).
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

IMPORT_TARGET_S = 10.0
SEARCH_TARGET_MS = 20.0
QUERIES = ("lithium", "Balochistan", "export controls", "Reko Diq", "rare earth")
_PROSE = (
         "the ministry said that production of copper and gold in the province would depend on "
         "security along the corridor while investors from several countries asked for "
         "clearer royalty terms and a stable tax regime before committing capital to new "
         "mines smelters and refineries lithium antimony chromite rare earth elements export "
         "controls processing capacity supply chains Balochistan Khyber Pakhtunkhwa Gilgit "
         "Baltistan Reko Diq Saindak federal provincial agreement memorandum tender survey "
         "geological reserves estimate tonnes concentrate railway port Karachi Gwadar "
         "partnership financing development bank guarantee community consultation "
         "water power grid road labour skills training environmental assessment")
WORDS = tuple(_PROSE.split())


def prose(pages: int, seed: int = 15) -> list[str]:
    """Deterministic report-like text: ``pages`` pages of short paragraphs."""
    rnd = random.Random(seed)
    out = []
    for page in range(1, pages + 1):
        paras = []
        for _ in range(4):
            sentences = []
            for _ in range(rnd.randrange(4, 7)):
                words = [rnd.choice(WORDS) for _ in range(rnd.randrange(12, 22))]
                sentences.append(" ".join(words).capitalize() + ".")
            paras.append(" ".join(sentences))
        out.append(f"== Section {page}\n\n" + "\n\n".join(paras))
    return out


def make_pdf(pages: int, folder: Path) -> Path:
    """A ``pages``-page PDF with a text layer, compiled once with Typst and cached."""
    import typst

    target = folder / f"report-{pages}p.pdf"
    if target.exists():
        return target
    body = "\n\n#pagebreak()\n\n".join(prose(pages))
    main = folder / f"report-{pages}p.typ"
    main.write_text('#set document(title: "Synthetic field report")\n'
                    '#set page(paper: "a4")\n#set text(size: 10pt)\n\n' + body + "\n",
                    encoding="utf-8")
    from briefing_app.paths import fonts_dir

    part = target.with_suffix(".part")
    part.write_bytes(typst.compile(str(main), font_paths=[str(fonts_dir())],
                                   ignore_system_fonts=True))
    part.replace(target)
    return target


def time_import(pdf: Path, runs: int) -> tuple[float, list[float], int, int]:
    from briefing_app.readers import read_source
    from briefing_app.store.workspace import open_workspace

    times = []
    chars = passages = 0
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            t = time.perf_counter()
            read = read_source(pdf)
            ws, _ = open_workspace(Path(tmp))
            src = ws.import_source(read)
            times.append(time.perf_counter() - t)
            chars = len(src.text)
            passages = len(ws.own_passages(src.id))
            ws.close()
    return statistics.median(times), times, chars, passages


def fill_sources(pdf: Path, n: int, folder: Path) -> Path:
    """A workspace with ``n`` imports of the report (each its own title and hash)."""
    from briefing_app.readers import read_source
    from briefing_app.store.workspace import open_workspace

    read = read_source(pdf)
    ws, _ = open_workspace(folder)
    for k in range(1, n + 1):
        data = read.data + f"\n% copy {k}\n".encode()
        ws.import_source(dataclasses.replace(
            read, title=f"Field report {k}", data=data,
            sha256=hashlib.sha256(data).hexdigest()))
    ws.close()
    return folder


def time_search(workspace: Path) -> list[tuple[str, float, float, float, int]]:
    """For every prefix typed: (query, GUI ms, ms until the results are shown, store ms,
    hits). GUI ms is the time the GUI thread is busy for the keystroke, which a user feels
    as typing that lags: starting the query (it runs on the search thread) plus, when the
    results come, filling the panel and repainting it. The store's query alone is timed
    beside it."""
    sys.path.insert(0, str(Path(__file__).parent))
    from inproc import settle, until_painted  # type: ignore[import-not-found]

    from briefing_app.paths import bundled_database
    from briefing_app.store.briefing import BriefingStore
    from briefing_app.ui.app import make_application, use_scratch_profile
    from briefing_app.ui.main_window import MainWindow

    app = make_application()
    use_scratch_profile(workspace / "settings")  # never the user's settings
    window = MainWindow(BriefingStore(bundled_database()), workspace)
    window.show()
    settle(app)
    window.after_first_paint()
    settle(app, 20)
    view = window.session.store
    field = window.search_field
    panel = window._ensure_search_panel()
    shown: list[float] = []
    show_results = panel.show_results

    def timed_show(*args):  # type: ignore[no-untyped-def]
        t = time.perf_counter()
        show_results(*args)
        until_painted(app, panel.tree.viewport())
        shown.append((time.perf_counter() - t) * 1000)

    panel.show_results = timed_show  # type: ignore[method-assign]
    rows = []
    for word in QUERIES:
        for k in range(1, len(word) + 1):
            text = word[:k]
            if text.endswith(" "):
                continue
            field.blockSignals(True)
            field.setText(text)
            field.blockSignals(False)
            shown.clear()
            t = time.perf_counter()
            window._run_search()  # what the typing pause calls
            dispatch = (time.perf_counter() - t) * 1000
            while panel.busy():
                app.processEvents()
                time.sleep(0.0005)
            latency = (time.perf_counter() - t) * 1000
            t = time.perf_counter()
            hits = len(view.search(text))
            store_ms = (time.perf_counter() - t) * 1000
            rows.append((text, dispatch + sum(shown), latency, store_ms, hits))
    window.close()
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--sources", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    cache = Path(tempfile.gettempdir()) / "briefing-perf-own"
    cache.mkdir(exist_ok=True)
    t = time.perf_counter()
    pdf = make_pdf(args.pages, cache)
    print(f"PDF: {pdf} ({pdf.stat().st_size / 1048576:.1f} MB, {args.pages} pages; "
          f"ready in {time.perf_counter() - t:.1f} s)")

    median, times, chars, passages = time_import(pdf, args.runs)
    spread = f"{min(times):.2f} \u2013 {max(times):.2f} s"
    print(f"import {args.pages}-page PDF: {median:.2f} s (median of {args.runs}, {spread}; "
          f"{chars:,} characters, {passages:,} passages); target {IMPORT_TARGET_S:.0f} s; "
          f"ratio {median / IMPORT_TARGET_S:.2f}")

    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        fill_sources(pdf, args.sources, Path(tmp))
        print(f"workspace with {args.sources} imported sources filled in "
              f"{time.perf_counter() - t:.1f} s")
        rows = time_search(Path(tmp))
    slow = max(rows, key=lambda r: r[1])
    late = max(rows, key=lambda r: r[2])
    print(f"search as you type, {len(rows)} queries over {args.sources} sources: the GUI "
          f"thread's slowest keystroke {slow[1]:.1f} ms (\u201c{slow[0]}\u201d, {slow[4]} hits), "
          f"median {statistics.median(r[1] for r in rows):.1f} ms; target "
          f"{SEARCH_TARGET_MS:.0f} ms; ratio {slow[1] / SEARCH_TARGET_MS:.2f}")
    print(f"  results shown after {statistics.median(r[2] for r in rows):.1f} ms (median), "
          f"{late[2]:.1f} ms at most (\u201c{late[0]}\u201d; the store's query alone "
          f"{late[3]:.1f} ms)")
    for text, ms, latency, store_ms, hits in rows:
        print(f"  {text!r:>20}: {ms:6.1f} ms GUI, {latency:6.1f} ms until shown, "
              f"{store_ms:6.1f} ms store, {hits} hits")
    return 0


if __name__ == "__main__":
    sys.exit(main())
