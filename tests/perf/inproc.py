"""In-process measurements: what a user feels as a click, in one running window.

Started by tests/perf/run.py as its own process (so its peak memory can be read with wait4).
Opens the window as the app does (first paint, then the deferred work: workspace, charts),
then times, each as one JSON line on stdout:

- ``tab:KEY``: the first switch to each tab, until the window has repainted;
- ``search``: each prefix of a few words, as typed (results dock filled and repainted);
- ``timeline-frame``: one zoom step of the timeline chart and its repaint;
- ``notes-open`` / ``notes-scroll``: View > All Notes, then scrolling its table to the end;
- ``export:FMT``: each export format, in-process after start-up (as the window's Export does).

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/perf/inproc.py --database DB \
        --workspace DIR --phases tabs,search,timeline,notes [--profile DIR]
"""

from __future__ import annotations

import time

T0 = time.perf_counter()

import argparse  # noqa: E402
import cProfile  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import pstats  # noqa: E402
import sys  # noqa: E402
from contextlib import contextmanager  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QEvent, QObject  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

#: Words typed into the search field, one letter at a time (every prefix is one query).
QUERIES = ("lithium", "Balochistan", "export controls", "Reko Diq", "rare earth")
TAB_ORDER = (1, 2, 3, 4)  # minerals, timeline, risks, sources (overview is built at start-up)
ZOOM_STEPS = 10
FORMATS = ("pdf", "html", "md", "docx")


def rss_mb() -> float | None:
    """This process's resident set now (Linux), to see what each step keeps in memory."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return None


class Out:
    def __init__(self, profile_dir: Path | None):
        self.profile_dir = profile_dir

    def emit(self, name: str, ms: float, **extra: object) -> None:
        row = {"name": name, "ms": round(ms, 3), **extra, "rss_mb": rss_mb()}
        print(json.dumps(row), flush=True)

    @contextmanager
    def profiled(self, name: str):  # type: ignore[no-untyped-def]
        if self.profile_dir is None:
            yield
            return
        prof = cProfile.Profile()
        prof.enable()
        try:
            yield
        finally:
            prof.disable()
            safe = name.replace(":", "-").replace("/", "-")
            prof.dump_stats(str(self.profile_dir / f"{safe}.prof"))
            text = io.StringIO()
            stats = pstats.Stats(prof, stream=text)
            stats.sort_stats("cumulative").print_stats(30)
            stats.sort_stats("tottime").print_stats(15)
            (self.profile_dir / f"{safe}.txt").write_text(text.getvalue(), encoding="utf-8")


class _PaintCounter(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


def until_painted(app: QApplication, widget: QWidget) -> None:
    """Let Qt handle what is pending (layout, the update it posted), so ``widget`` is painted
    once, as on screen; paint it directly if Qt did not (nothing is painted twice)."""
    counter = _PaintCounter()
    widget.installEventFilter(counter)
    app.sendPostedEvents()
    app.processEvents()
    if counter.count == 0:
        widget.repaint()
    widget.removeEventFilter(counter)


class _Painted(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.done = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Paint:
            self.done = True
        return False


def settle(app: QApplication, rounds: int = 5) -> None:
    for _ in range(rounds):
        app.sendPostedEvents()
        app.processEvents()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", required=True)
    parser.add_argument("--workspace", required=True)
    parser.add_argument("--phases", default="tabs,search,timeline,notes")
    parser.add_argument("--export-dir", default="")
    parser.add_argument("--formats", default=",".join(FORMATS), help="export formats to time")
    parser.add_argument("--profile", default="", help="write a cProfile of each step here")
    args = parser.parse_args()
    out = Out(Path(args.profile) if args.profile else None)
    if out.profile_dir is not None:
        out.profile_dir.mkdir(parents=True, exist_ok=True)

    from briefing_app.store.briefing import BriefingStore
    from briefing_app.ui.app import make_application
    from briefing_app.ui.main_window import TABS, MainWindow

    app = make_application()
    store = BriefingStore(Path(args.database))
    window = MainWindow(store, Path(args.workspace))
    spy = _Painted()
    window.installEventFilter(spy)
    window.show()
    while not spy.done:
        app.processEvents()
    out.emit("first-paint", (time.perf_counter() - T0) * 1000)
    window.removeEventFilter(spy)
    # What the app does right after its first paint: open the workspace, build the charts
    # it postponed. A user's first click comes after this.
    t = time.perf_counter()
    window.after_first_paint()
    overview = window.tab("overview")
    deadline = time.perf_counter() + 60
    while getattr(overview, "chart", True) is None and time.perf_counter() < deadline:
        settle(app, 1)
    settle(app)
    out.emit("after-first-paint", (time.perf_counter() - t) * 1000)

    for phase in args.phases.split(","):
        if phase == "tabs":
            for index in TAB_ORDER:
                key = TABS[index][0]
                with out.profiled(f"tab:{key}"):
                    t = time.perf_counter()
                    window.tabs.setCurrentIndex(index)
                    until_painted(app, window.tabs.currentWidget())
                    ms = (time.perf_counter() - t) * 1000
                out.emit(f"tab:{key}", ms)
            window.tabs.setCurrentIndex(0)
            settle(app)
        elif phase == "search":
            field = window.search_field
            for word in QUERIES:
                for k in range(1, len(word) + 1):
                    text = word[:k]
                    if text.endswith(" "):
                        continue  # the same query as without the space
                    field.blockSignals(True)
                    field.setText(text)
                    field.blockSignals(False)
                    with out.profiled(f"search:{text}"):
                        t = time.perf_counter()
                        window._run_search()  # what the typing timer calls
                        results = getattr(window, "search_results", None)
                        if results is not None:
                            # The query runs on the search thread: timed until its results
                            # are on screen (the GUI thread's share is in own_sources.py).
                            while results.busy():
                                app.processEvents()
                                time.sleep(0.0002)
                            until_painted(app, results.tree.viewport())
                        else:  # nothing shown for this query
                            settle(app, 1)
                        ms = (time.perf_counter() - t) * 1000
                    t = time.perf_counter()
                    hits = len(store.search(text))
                    query_ms = (time.perf_counter() - t) * 1000
                    out.emit("search", ms, query=text, hits=hits, store_ms=round(query_ms, 3))
            field.blockSignals(True)
            field.setText("")
            field.blockSignals(False)
            window._run_search()
            settle(app)
        elif phase == "timeline":
            index = next(i for i, t_ in enumerate(TABS) if t_[0] == "timeline")
            window.tabs.setCurrentIndex(index)
            settle(app)
            chart = window.tab("timeline").chart  # type: ignore[attr-defined]
            chart.fit_all()
            until_painted(app, chart.viewport())
            for factor in [0.8] * ZOOM_STEPS + [1.25] * ZOOM_STEPS:
                with out.profiled("timeline-frame"):
                    t = time.perf_counter()
                    chart.zoom(factor)
                    until_painted(app, chart.viewport())
                    ms = (time.perf_counter() - t) * 1000
                out.emit("timeline-frame", ms, factor=factor)
            window.tabs.setCurrentIndex(0)
            settle(app)
        elif phase == "notes":
            with out.profiled("notes-open"):
                t = time.perf_counter()
                window.show_all_notes()
                until_painted(app, window.notes_browser.table.viewport())
                ms = (time.perf_counter() - t) * 1000
            browser = window.notes_browser
            out.emit("notes-open", ms, rows=browser.proxy.rowCount())
            table = browser.table
            with out.profiled("notes-scroll"):
                t = time.perf_counter()
                table.scrollToBottom()
                until_painted(app, table.viewport())
                ms = (time.perf_counter() - t) * 1000
            out.emit("notes-scroll", ms)
        elif phase == "export":
            from briefing_app.export.run import FORMATS as EXTENSIONS
            from briefing_app.export.run import export_briefing

            folder = Path(args.export_dir)
            folder.mkdir(parents=True, exist_ok=True)
            for fmt in args.formats.split(","):
                path = folder / f"briefing{EXTENSIONS[fmt]}"
                with out.profiled(f"export:{fmt}"):
                    t = time.perf_counter()
                    export_briefing(store, window.session.workspace, fmt, path)
                    ms = (time.perf_counter() - t) * 1000
                out.emit(f"export:{fmt}", ms, bytes=path.stat().st_size)
                settle(app, 1)
        else:
            raise SystemExit(f"unknown phase {phase!r}")
    out.emit("done", (time.perf_counter() - T0) * 1000)
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
