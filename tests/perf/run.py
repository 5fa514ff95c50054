"""Performance benchmark: start-up, memory, build, export, clicks, and how they grow with size.

Not a test (pytest never collects it): run it by hand on a quiet machine.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/perf/run.py [--runs 5]
        [--sizes 1,10,100,1000] [--no-write] [--profile]

Prints the tables and writes them into docs/PERFORMANCE.md between the result markers (the
hand-written findings outside them are kept). Every time is the median of several runs with
its spread (min-max), and a ratio to the baseline: a bare PySide6 window that shows, paints
once and quits (tests/perf/bare_window.py), run alternately with the measured command (A B A B
...) in the same run. Peak memory is each process's own maximum resident set (os.wait4 on that
one child), also as a ratio to the bare window's.

Sizes: 1 is the shipped briefing; 10, 100 and 1000 are synthetic briefings made by
tests/perf/generate.py through the app's own build step and workspace code (cached under the
system temp folder; the first 1000x generation takes about two minutes).
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import datetime as dt
import hashlib
import itertools
import json
import math
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
sys.path.insert(1, str(ROOT))

import generate  # noqa: E402

DOC = ROOT / "docs" / "PERFORMANCE.md"
BEGIN = "<!-- perf-results:begin: written by tests/perf/run.py; edit outside the markers -->"
END = "<!-- perf-results:end -->"
VENV_BIN = Path(sys.executable).parent
APP = [str(VENV_BIN / "briefing-app")]
PY = [sys.executable]
FORMATS = ("pdf", "html", "md", "docx")
EXT = {"pdf": ".pdf", "html": ".html", "md": ".md", "docx": ".docx"}
TABS = ("minerals", "timeline", "risks", "sources")


# -- running one process ------------------------------------------------------------------------
@dataclasses.dataclass
class Proc:
    ms: float
    rss_kb: int
    rc: int
    out: str
    err: str
    timed_out: bool
    paint_ms: float | None = None  # spawn to the "first paint after" line, if one was printed


class Bench:
    def __init__(self, scratch: Path, verbose: bool = True):
        self.scratch = scratch
        self.verbose = verbose
        self.n = 0

    def env(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        """As a user runs it: bytecode caches used (this shell may disable them), a first
        start (no saved window state), offscreen Qt."""
        env = {k: v for k, v in os.environ.items()
               if k not in ("PYTHONDONTWRITEBYTECODE", "BRIEFING_APP_DATABASE",
                            "BRIEFING_APP_WORKSPACE", "BRIEFING_APP_CACHE",
                            "PYTHONPROFILEIMPORTTIME")}
        env["QT_QPA_PLATFORM"] = os.environ.get("QT_QPA_PLATFORM", "offscreen")
        self.n += 1
        config = self.scratch / "config" / str(self.n)
        config.mkdir(parents=True)
        env["XDG_CONFIG_HOME"] = str(config)
        env.update(extra or {})
        return env

    def run(self, cmd: list[str], extra_env: dict[str, str] | None = None,
            timeout: float | None = None) -> Proc:
        """Wall time from spawn to reaping and the peak RSS of that one process, both read by
        the small launcher (tests/perf/launch.py: a child of this process would report this
        process's size as its peak)."""
        env = self.env(extra_env)
        self.n += 1
        base = self.scratch / f"proc-{self.n}"
        files = [base.with_suffix(x) for x in (".json", ".out", ".err")]
        launcher = [sys.executable, "-S", str(HERE / "launch.py"), *map(str, files), "--",
                    *cmd]
        proc = subprocess.Popen(launcher, env=env, cwd=self.scratch, start_new_session=True,
                                stdin=subprocess.DEVNULL)
        timed_out = False
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        out = files[1].read_text("utf-8", "replace") if files[1].exists() else ""
        err = files[2].read_text("utf-8", "replace") if files[2].exists() else ""
        if timed_out or not files[0].exists():
            return Proc(float(timeout or 0) * 1000, 0, -9, out, err, timed_out)
        result = json.loads(files[0].read_text("utf-8"))
        for f in files:
            f.unlink(missing_ok=True)
        return Proc(result["ms"], result["maxrss_kb"], result["rc"], out, err, False,
                    result.get("paint_ms"))

    def bare(self) -> Proc:
        p = self.run([*PY, str(HERE / "bare_window.py")], timeout=60)
        if p.rc != 0:
            raise SystemExit(f"the bare window failed (exit {p.rc}): {p.err[-2000:]}")
        return p


# -- results ------------------------------------------------------------------------------------
@dataclasses.dataclass
class Figure:
    """One measured figure at one size: its samples and the baseline samples paired with
    them (the bare window run just before each)."""

    name: str
    size: int
    unit: str  # "ms" or "MB"
    values: list[float] = dataclasses.field(default_factory=list)
    base: list[float] = dataclasses.field(default_factory=list)
    note: str = ""
    worst: tuple[str, float] | None = None  # for search: the slowest query and its median

    @property
    def median(self) -> float | None:
        return statistics.median(self.values) if self.values else None

    def ratio(self) -> float | None:
        if not self.values or not self.base:
            return None
        return statistics.median(self.values) / statistics.median(self.base)


class Results:
    def __init__(self) -> None:
        self.figures: dict[tuple[str, int], Figure] = {}
        self.order: list[str] = []
        self.samples: dict[tuple[str, int], dict[str, list[float]]] = defaultdict(
            lambda: defaultdict(list))

    def fig(self, name: str, size: int, unit: str = "ms") -> Figure:
        key = (name, size)
        if key not in self.figures:
            self.figures[key] = Figure(name, size, unit)
            if name not in self.order:
                self.order.append(name)
        return self.figures[key]

    def add(self, name: str, size: int, value: float, base: float, unit: str = "ms") -> None:
        f = self.fig(name, size, unit)
        f.values.append(value)
        f.base.append(base)

    def get(self, name: str, size: int) -> Figure | None:
        return self.figures.get((name, size))


# -- the measurements -----------------------------------------------------------------------------
SMOKE = "start-up: gui --smoke, spawn to first paint"
SMOKE_WHOLE = "gui --smoke, whole process (with shutting down)"
SMOKE_MEM = "peak memory: gui --smoke"
FIRST_PAINT = "first paint, as gui --smoke prints it (from interpreter start)"
BARE = "baseline: bare PySide6 window (whole process)"
BARE_MEM = "baseline peak memory: bare window"
BUILD = "build-db (whole process)"
DEB = ".deb launcher gui --smoke, spawn to first paint"
DEB_RATIO = ".deb launcher vs virtual environment, gui --smoke"
SEARCH = "search as you type, per query (in-process)"
FRAME = "timeline frame after a zoom step (in-process)"
NOTES_OPEN = "All notes: open (in-process)"
NOTES_SCROLL = "All notes: scroll to the end (in-process)"
SESSION_MEM = "peak memory: session with every tab and All notes open"
EXPORT_MEM = "peak memory: the window exporting every format"


def cli_export(fmt: str) -> str:
    return f"export {fmt} (CLI, whole process)"


def inproc_export(fmt: str) -> str:
    return f"export {fmt} (in-process, after start-up)"


def tab_fig(key: str) -> str:
    return f"first switch to the {key} tab (in-process)"


@dataclasses.dataclass
class SizeSetup:
    size: int
    data: generate.Dataset
    workspace: Path
    env: dict[str, str]
    database: Path
    resources: Path
    timeout: float


def find_deb_launcher(scratch: Path) -> tuple[Path | None, str]:
    """The packaged app: dist/*.deb unpacked (cached), else an unpacked bundle in
    packaging/build; (None, why) when neither exists."""
    debs = sorted((ROOT / "dist").glob("briefing-app_*_amd64.deb"),
                  key=lambda p: p.stat().st_mtime)
    if debs:
        deb = debs[-1]
        st = deb.stat()
        target = generate.cache_root() / f"deb-{deb.stem}-{int(st.st_mtime)}-{st.st_size}"
        binary = target / "opt" / "briefing-app" / "briefing-app"
        if not binary.exists():
            for stale in target.parent.glob("deb-*"):  # packages unpacked by earlier runs
                shutil.rmtree(stale, ignore_errors=True)
            target.parent.mkdir(parents=True, exist_ok=True)
            subprocess.run(["dpkg-deb", "-x", str(deb), str(target)], check=True)
        return binary, f"{deb.relative_to(ROOT)} unpacked with dpkg-deb -x"
    bundle = ROOT / "packaging" / "build" / "deb" / "opt" / "briefing-app" / "briefing-app"
    if bundle.exists():
        return bundle, "the unpacked package tree in packaging/build/deb"
    return None, "not measured: no .deb built"


def code_state() -> dict[str, str]:
    """A digest of each file of the app that the measurements depend on."""
    paths = [*sorted((ROOT / "briefing_app").rglob("*.py")), ROOT / "resources" / "briefing.db"]
    return {str(p.relative_to(ROOT)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in paths if p.is_file()}


def first_paint_ms(text: str) -> float | None:
    m = re.search(r"first paint after (\d+) ms", text)
    return float(m.group(1)) if m else None


def parse_lines(text: str) -> list[dict[str, object]]:
    rows = []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("{"):
            with contextlib.suppress(ValueError):
                rows.append(json.loads(line))
    return rows


class Runner:
    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.scratch = Path(tempfile.mkdtemp(prefix="briefing-bench-"))
        self.bench = Bench(self.scratch)
        self.results = Results()
        self.notes: list[str] = []  # breakages, timeouts, failures: for the report
        self.search_samples: dict[int, dict[str, list[float]]] = defaultdict(
            lambda: defaultdict(list))
        self.frame_all: dict[int, list[float]] = defaultdict(list)
        self.datasets: dict[int, generate.Dataset] = {}
        self.deb, self.deb_how = find_deb_launcher(self.scratch)
        self.profile_root = generate.cache_root().parent / "briefing-perf-profiles"
        self.started = time.perf_counter()
        self.current = 0

    def log(self, msg: str) -> None:
        elapsed = time.perf_counter() - self.started
        print(f"[{elapsed:6.0f} s] {msg}", flush=True)

    def runs_for(self, size: int) -> int:
        runs: int = self.args.runs
        if size >= 1000:
            return 1
        if size >= 100:
            return max(1, math.ceil(runs / 2))
        return runs

    def setup(self, size: int) -> SizeSetup:
        data = generate.ensure(size, log=lambda m: self.log(m.strip()))
        self.datasets[size] = data
        workspace = self.scratch / f"workspace-x{size}"
        shutil.copytree(data.workspace, workspace)
        # A normal start, not the first after an install: the warm-up run verifies the
        # database once and caches its checksum, as every later start reads it (the cost of
        # hashing is measured apart, in tests/perf/startup.py).
        env = {"BRIEFING_APP_WORKSPACE": str(workspace),
               "BRIEFING_APP_CACHE": str(self.scratch / f"cache-x{size}")}
        if size == 1:  # the shipped database, found as the app finds it
            database, resources = ROOT / "resources" / "briefing.db", ROOT / "resources"
        else:
            database, resources = data.database, data.resources
            env["BRIEFING_APP_DATABASE"] = str(database)
        timeout = 120 + 0.6 * size
        return SizeSetup(size, data, workspace, env, database, resources, timeout)

    # Each step runs the bare window first (A), then the measured process (B).
    def paired(self, cmd: list[str], env: dict[str, str], timeout: float) -> tuple[Proc, Proc]:
        a = self.bench.bare()
        b = self.bench.run(cmd, env, timeout)
        r = self.results
        r.add(BARE, self.current, a.ms, a.ms)
        r.add(BARE_MEM, self.current, a.rss_kb / 1024, a.rss_kb / 1024, "MB")
        return a, b

    def failed(self, what: str, p: Proc, size: int, timeout: float) -> bool:
        if p.timed_out:
            self.note(size, f"{what}: stopped after {timeout:.0f} s (timeout)")
            return True
        if p.rc != 0:
            last = (p.err.strip().splitlines() or ["(no message)"])[-1]
            self.note(size, f"{what}: exit status {p.rc}: {last[:300]}")
            return True
        return False

    def note(self, size: int, text: str) -> None:
        line = f"{size}x: {text}"
        if line not in self.notes:
            self.notes.append(line)
            self.log(f"  ! {text}")

    def measure_size(self, s: SizeSetup, warm: bool) -> None:
        size = s.size
        self.current = size
        r = self.results
        runs = self.runs_for(size)
        smoke = [*APP, "gui", "--smoke"]
        build_out = self.scratch / f"build-x{size}.db"
        build = [*APP, "build-db", "--resources", str(s.resources), "--output", str(build_out)]
        out_dir = self.scratch / f"export-x{size}"
        out_dir.mkdir(exist_ok=True)
        inproc = [*PY, str(HERE / "inproc.py"), "--database", str(s.database), "--workspace",
                  str(s.workspace)]
        if warm:  # compile bytecode, fill the file cache
            self.log("  warm-up runs")
            self.bench.bare()
            self.bench.run(smoke, s.env, s.timeout)
            if self.deb is not None and size == 1:
                self.bench.run([str(self.deb), "gui", "--smoke"], s.env, 120)
            self.bench.run(build, s.env, s.timeout)
            for fmt in FORMATS:
                self.bench.run([*APP, "export", "--format", fmt, "--output",
                                str(out_dir / f"warm{EXT[fmt]}")], s.env, s.timeout)
            self.bench.run([*inproc, "--phases", "tabs", "--export-dir", str(out_dir)],
                           s.env, s.timeout)
        else:
            self.bench.run(smoke, s.env, s.timeout)  # read the new database once
        for run in range(1, runs + 1):
            self.log(f"  {size}x run {run}/{runs}")
            # start-up and its memory (and the packaged app beside it, shipped size only)
            a, b = self.paired(smoke, s.env, s.timeout)
            if not self.failed("gui --smoke", b, size, s.timeout):
                if b.paint_ms is not None and a.paint_ms is not None:
                    r.add(SMOKE, size, b.paint_ms, a.paint_ms)
                r.add(SMOKE_WHOLE, size, b.ms, a.ms)
                r.add(SMOKE_MEM, size, b.rss_kb / 1024, a.rss_kb / 1024, "MB")
                fp_app, fp_bare = first_paint_ms(b.out), first_paint_ms(a.out)
                if fp_app is not None and fp_bare is not None:
                    r.add(FIRST_PAINT, size, fp_app, fp_bare)
                venv_ms = b.paint_ms or b.ms
                if self.deb is not None and size == 1:
                    a2 = self.bench.bare()
                    d = self.bench.run([str(self.deb), "gui", "--smoke"],
                                       s.env | {"PYTHONDONTWRITEBYTECODE": "1"}, 120)
                    if (not self.failed(".deb gui --smoke", d, size, 120)
                            and d.paint_ms is not None and a2.paint_ms is not None):
                        r.add(DEB, size, d.paint_ms, a2.paint_ms)
                        r.add(DEB_RATIO, size, d.paint_ms / venv_ms, 1.0, "x")
            # build-db
            a, b = self.paired(build, s.env, s.timeout)
            if b.rc == 2 and not b.timed_out:
                first = next((ln for ln in b.err.splitlines() if "too large" in ln),
                             b.err.strip().splitlines()[-1] if b.err.strip() else "")
                self.note(size, f"`briefing-app build-db` refuses this size (exit 2): "
                          f"{first.strip()}")
                r.fig(BUILD, size).note = "fails (exit 2)"
            elif not self.failed("build-db", b, size, s.timeout):
                r.add(BUILD, size, b.ms, a.ms)
            # CLI exports
            if size <= 10 or self.args.cli_export_all:
                for fmt in FORMATS:
                    cmd = [*APP, "export", "--format", fmt, "--output",
                           str(out_dir / f"cli{EXT[fmt]}")]
                    a, b = self.paired(cmd, s.env, s.timeout)
                    if not self.failed(f"export {fmt} (CLI)", b, size, s.timeout):
                        r.add(cli_export(fmt), size, b.ms, a.ms)
            # in-process: clicks in a running window
            a, b = self.paired([*inproc, "--phases", "tabs,search,timeline,notes"], s.env,
                               s.timeout * 2)
            rows = parse_lines(b.out)
            if self.failed("in-process session", b, size, s.timeout * 2):
                self.mark_unfinished(size, rows, s.timeout * 2)
            self.take_inproc(size, rows, a.ms)
            if b.rc == 0 and not b.timed_out:
                r.add(SESSION_MEM, size, b.rss_kb / 1024, a.rss_kb / 1024, "MB")
            export = [*inproc, "--phases", "export", "--export-dir", str(out_dir)]
            if size < 1000:
                a, b = self.paired(export, s.env, s.timeout * 2)
                self.failed("in-process export", b, size, s.timeout * 2)
                self.take_inproc(size, parse_lines(b.out), a.ms)
                if b.rc == 0 and not b.timed_out:
                    r.add(EXPORT_MEM, size, b.rss_kb / 1024, a.rss_kb / 1024, "MB")
            else:  # one process per format, each with a time limit
                limit = self.args.export_timeout
                for fmt in FORMATS:
                    a, b = self.paired([*export, "--formats", fmt], s.env, limit)
                    rows = parse_lines(b.out)
                    self.take_inproc(size, rows, a.ms)
                    if b.timed_out:
                        self.results.fig(inproc_export(fmt), size).note = (
                            f"> {limit:.0f} s (stopped)")
                        self.note(size, f"export {fmt} in-process: not finished after "
                                  f"{limit:.0f} s (stopped)")
                    else:
                        self.failed(f"in-process export {fmt}", b, size, limit)
        self.summarise_samples(size)
        if self.args.profile:  # an extra run, not counted: cProfile slows what it watches
            folder = self.profile_root / f"x{size}"
            shutil.rmtree(folder, ignore_errors=True)
            self.log(f"  profiling the in-process steps into {folder}")
            profile = ["--profile", str(folder)]
            self.bench.run([*inproc, "--phases", "tabs,search,timeline,notes", *profile],
                           s.env, s.timeout * 2)
            formats = ",".join(FORMATS) if size < 1000 else "html,md"
            self.bench.run([*inproc, "--phases", "export", "--export-dir", str(out_dir),
                            "--formats", formats, *profile], s.env, s.timeout * 2)

    def mark_unfinished(self, size: int, rows: list[dict[str, object]], limit: float) -> None:
        seen = {str(r["name"]) for r in rows}
        expected = [*(f"tab:{t}" for t in TABS), "search", "timeline-frame", "notes-open",
                    "notes-scroll"]
        names = {**{f"tab:{t}": tab_fig(t) for t in TABS}, "search": SEARCH,
                 "timeline-frame": FRAME, "notes-open": NOTES_OPEN,
                 "notes-scroll": NOTES_SCROLL}
        first = True
        for step in expected:
            if step not in seen:
                f = self.results.fig(names[step], size)
                f.note = f"> {limit:.0f} s (stopped)" if first else "not reached"
                first = False

    def take_inproc(self, size: int, rows: list[dict[str, object]], base: float) -> None:
        r = self.results
        frames = []
        for row in rows:
            name, ms = str(row["name"]), float(row["ms"])  # type: ignore[arg-type]
            if name.startswith("tab:"):
                r.add(tab_fig(name[4:]), size, ms, base)
            elif name == "search":
                self.search_samples[size][str(row["query"])].append(ms)
                r.add(SEARCH, size, ms, base)
            elif name == "timeline-frame":
                frames.append(ms)
            elif name == "notes-open":
                r.add(NOTES_OPEN, size, ms, base)
                r.fig(NOTES_OPEN, size).note = f"{row.get('rows')} notes listed"
            elif name == "notes-scroll":
                r.add(NOTES_SCROLL, size, ms, base)
            elif name.startswith("export:"):
                r.add(inproc_export(name[7:]), size, ms, base)
        if frames:
            self.frame_all[size].extend(frames)
            r.add(FRAME, size, statistics.median(frames), base)

    def summarise_samples(self, size: int) -> None:
        per_query = {q: statistics.median(v) for q, v in self.search_samples[size].items()}
        if per_query:
            worst = max(per_query.items(), key=lambda kv: kv[1])
            f = self.results.fig(SEARCH, size)
            f.worst = worst
            limit = 20 if size < 100 else 50
            over = sorted((q for q, ms in per_query.items() if ms > limit),
                          key=lambda q: -per_query[q])
            f.note = (f"{len(over)} of {len(per_query)} queries over {limit} ms"
                      + (": " + ", ".join(f"\u201c{q}\u201d" for q in over[:6])
                         + (" \u2026" if len(over) > 6 else "") if over else ""))
        if self.frame_all[size]:
            f = self.results.fig(FRAME, size)
            f.note = (f"median of each run's {len(self.frame_all[size]) // max(1, len(f.values))}"
                      f" zoom steps; slowest step {max(self.frame_all[size]):.0f} ms")

    def run_all(self) -> None:
        before = code_state()
        try:
            self._run_sizes()
        finally:
            after = code_state()
            changed = sorted(k for k in before.keys() | after.keys()
                             if before.get(k) != after.get(k))
            if changed:
                self.notes.insert(0, "WARNING: the app's code changed during this run ("
                                  + ", ".join(changed[:8]) + (" \u2026" if len(changed) > 8
                                                             else "")
                                  + "): the figures mix two versions; run again.")
                self.log(self.notes[0])

    def _run_sizes(self) -> None:
        sizes = self.args.sizes
        for i, size in enumerate(sizes):
            self.log(f"size {size}x: preparing the data")
            s = self.setup(size)
            self.measure_size(s, warm=(i == 0))
        shutil.rmtree(self.scratch, ignore_errors=True)


# -- report ---------------------------------------------------------------------------------------
def fmt_value(v: float | None, unit: str) -> str:
    if v is None:
        return "\u2014"
    if unit == "MB":
        return f"{v:.0f} MB"
    if unit == "x":
        return f"{v:.2f}x"
    if v >= 10000:
        return f"{v / 1000:.1f} s"
    if v >= 100:
        return f"{v:.0f} ms"
    return f"{v:.1f} ms"


def spread(f: Figure) -> str:
    if len(f.values) < 2:
        return "(1 run)" if f.values else ""
    return f"{fmt_value(min(f.values), f.unit)} \u2013 {fmt_value(max(f.values), f.unit)}"


def machine() -> dict[str, str]:
    model, physical = "unknown", ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        out = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        info = dict(line.split(":", 1) for line in out.splitlines() if ":" in line)
        cores = int(info.get("Core(s) per socket", "0").strip() or 0) * int(
            info.get("Socket(s)", "1").strip() or 1)
        physical = f", {cores} physical" if cores else ""
        virt = info.get("Hypervisor vendor", "").strip()
        if virt:
            physical += f", {virt} virtual machine"
    except (OSError, ValueError):
        pass
    import sqlite3

    import PySide6
    from PySide6.QtCore import qVersion

    try:
        import pyqtgraph

        pg_version = pyqtgraph.__version__
    except ImportError:
        pg_version = "?"
    mem = ""
    try:
        kb = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                      if line.startswith("MemTotal")))
        mem = f"{kb / 1048576:.0f} GB RAM"
    except (OSError, StopIteration, ValueError):
        pass
    return {
        "CPU": f"{model} ({os.cpu_count()} logical cores{physical})",
        "Memory": mem,
        "OS": platform.platform(),
        "Python": platform.python_version(),
        "Qt": f"{qVersion()} (PySide6 {PySide6.__version__}, offscreen platform)",
        "Other": f"pyqtgraph {pg_version}, SQLite {sqlite3.sqlite_version}",
    }


@dataclasses.dataclass
class Target:
    label: str
    figure: str
    size: int
    limit: float
    how: str  # "ratio", "median", "worst", "vs1x", "value"


SHIPPED_TARGETS = [
    # Issue 18: the window opens nearly as fast as a bare one, in little more memory.
    Target("gui --smoke \u2264 1.5x the bare window", SMOKE, 1, 1.5, "ratio"),
    Target("peak memory of gui --smoke \u2264 1.3x the bare window's", SMOKE_MEM, 1, 1.3,
           "ratio"),
    *[Target(f"first switch to the {t} tab \u2264 150 ms", tab_fig(t), 1, 150, "median")
      for t in TABS],
    Target("search as you type \u2264 20 ms per query (slowest query)", SEARCH, 1, 20, "worst"),
    *[Target(f"export {f} in-process \u2264 2 s", inproc_export(f), 1, 2000, "median")
      for f in FORMATS],
    Target("build-db \u2264 2 s (whole process)", BUILD, 1, 2000, "median"),
    Target(".deb launcher gui --smoke \u2264 1.1x the virtual environment's", DEB_RATIO, 1,
           1.1, "value"),
]
SCALE_TARGETS = [
    # Issue 18: the same at 10x the data.
    Target("gui --smoke at 10x \u2264 1.5x the bare window", SMOKE, 10, 1.5, "ratio"),
    Target("peak memory of gui --smoke at 10x \u2264 1.3x the bare window's", SMOKE_MEM, 10,
           1.3, "ratio"),
    *[Target(f"first switch to the {t} tab at 10x \u2264 150 ms", tab_fig(t), 10, 150,
             "median") for t in TABS],
    Target("start-up at 100x within 1.2x of the shipped size", SMOKE, 100, 1.2, "vs1x"),
    Target("peak memory at 100x within 1.2x of the shipped size", SMOKE_MEM, 100, 1.2, "vs1x"),
    Target("search at 100x \u2264 50 ms per query (slowest query)", SEARCH, 100, 50, "worst"),
    Target("timeline frame at 100x \u2264 33 ms (median step)", FRAME, 100, 33, "median"),
    *[Target(f"export {f} at 10x \u2264 20 s", inproc_export(f), 10, 20000, "median")
      for f in FORMATS],
    Target("peak memory exporting every format at 10x \u2264 1 GiB", EXPORT_MEM, 10, 1024,
           "median"),
    *[Target(f"export {f} at 100x \u2264 5 s", inproc_export(f), 100, 5000, "median")
      for f in FORMATS],
]


def judge(t: Target, res: Results, deb_how: str) -> tuple[str, str]:
    """(measured, verdict) for a target."""
    f = res.get(t.figure, t.size)
    if f is None or not f.values:
        if t.figure == DEB_RATIO and "not measured" in deb_how:
            return deb_how, "not measured"
        if f is not None and f.note:
            return f.note, "NOT MET"
        return "not measured", "not measured"
    if t.how == "ratio":
        v = f.ratio()
        assert v is not None
        base = fmt_value(statistics.median(f.base), f.unit)
        text = f"{v:.2f}x ({fmt_value(f.median, f.unit)} vs {base})"
    elif t.how == "worst":
        assert f.worst is not None
        v = f.worst[1]
        text = f"{fmt_value(v, 'ms')} (\u201c{f.worst[0]}\u201d; median of all queries " \
               f"{fmt_value(f.median, 'ms')})"
    elif t.how == "vs1x":
        one = res.get(t.figure, 1)
        if one is None or one.median is None:
            return "no shipped-size figure", "not measured"
        v = (f.median or 0) / one.median
        text = f"{v:.2f}x ({fmt_value(f.median, f.unit)} vs {fmt_value(one.median, f.unit)})"
    else:
        v = f.median or 0
        text = fmt_value(v, f.unit)
        if f.unit == "x":
            venv = res.get(SMOKE, 1)
            deb = res.get(DEB, 1)
            if venv and deb and venv.median and deb.median:
                text += (f" ({fmt_value(deb.median, 'ms')} vs "
                         f"{fmt_value(venv.median, 'ms')}; {deb_how})")
    return text, "met" if v <= t.limit else "NOT MET"


def slope(a: float | None, b: float | None, sa: int, sb: int) -> float | None:
    if not a or not b or a <= 0 or b <= 0:
        return None
    return math.log(b / a) / math.log(sb / sa)


def growth_word(k: float | None) -> str:
    if k is None:
        return "\u2014"
    if k < 0.15:
        return "flat"
    if k < 0.7:
        return "sublinear"
    if k < 1.3:
        return "linear"
    return "worse than linear"


def report(runner: Runner) -> str:
    res, args = runner.results, runner.args
    sizes = args.sizes
    lines: list[str] = []
    add = lines.append
    when = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    add(f"Measured {when} by `tests/perf/run.py --runs {args.runs} --sizes "
        f"{','.join(map(str, sizes))}` in {(time.perf_counter() - runner.started) / 60:.1f} "
        "minutes.")
    add("")
    add("| Machine | |")
    add("|---|---|")
    for k, v in machine().items():
        add(f"| {k} | {v} |")
    add("")
    runs_text = ", ".join(f"{s}x: {runner.runs_for(s)}" for s in sizes)
    add(f"Runs per size: {runs_text}. Times are medians with their spread (min \u2013 max) "
        "over the runs; \u201c\u00d7 bare\u201d divides the median by the median of the bare "
        "window runs made alternately with it (A B A B \u2026).")
    add("")
    if 1 in sizes:
        add("### Targets on the shipped briefing")
        add("")
        add("| Target | Measured | |")
        add("|---|---|---|")
        for t in SHIPPED_TARGETS:
            text, verdict = judge(t, res, runner.deb_how)
            add(f"| {t.label} | {text} | **{verdict}** |")
        add("")
    if 100 in sizes and 1 in sizes:
        add("### Targets at 100x")
        add("")
        add("| Target | Measured | |")
        add("|---|---|---|")
        for t in SCALE_TARGETS:
            text, verdict = judge(t, res, runner.deb_how)
            add(f"| {t.label} | {text} | **{verdict}** |")
        add("")
    for size in sizes:
        add(f"### All figures at {size}x" + (" (the shipped briefing)" if size == 1 else ""))
        add("")
        add("| Figure | Median | Spread | \u00d7 bare | Notes |")
        add("|---|---|---|---|---|")
        for name in res.order:
            f = res.get(name, size)
            if f is None:
                continue
            ratio = f.ratio()
            rtext = f"{ratio:.2f}x" if ratio is not None and f.unit != "x" else ""
            note = f.note
            if f.worst is not None:
                note = (f"slowest query \u201c{f.worst[0]}\u201d "
                        f"{fmt_value(f.worst[1], 'ms')}; {f.note}")
            add(f"| {name} | {fmt_value(f.median, f.unit) if f.values else note} | "
                f"{spread(f)} | {rtext} | {note if f.values else ''} |")
        add("")
    if len(sizes) > 1:
        add("### Growth with size")
        add("")
        add("Medians at each size; *k* is the log-log slope between neighbouring sizes "
            "(0: flat, 1: linear, 2: quadratic); the growth word is read from the last slope.")
        add("")
        head = " | ".join(f"{s}x" for s in sizes)
        slopes = " | ".join(f"k {a}\u2192{b}" for a, b in itertools.pairwise(sizes))
        add(f"| Figure | {head} | {slopes} | growth |")
        add("|---|" + "---|" * (2 * len(sizes)))
        for name in res.order:
            if name in (BARE, BARE_MEM, DEB, DEB_RATIO):
                continue
            figs = [res.get(name, s) for s in sizes]
            meds = [f.median if f is not None and f.values else None for f in figs]
            if sum(m is not None for m in meds) < 2:
                continue
            unit = next(f.unit for f in figs if f is not None)
            cells = []
            for f, m in zip(figs, meds, strict=True):
                if m is not None:
                    cells.append(fmt_value(m, unit))
                else:
                    cells.append(f.note if f is not None and f.note else "\u2014")
            ks = [slope(meds[i], meds[i + 1], sizes[i], sizes[i + 1])
                  for i in range(len(sizes) - 1)]
            ktext = " | ".join("\u2014" if k is None else f"{k:.2f}" for k in ks)
            last = next((k for k in reversed(ks) if k is not None), None)
            add(f"| {name} | {' | '.join(cells)} | {ktext} | {growth_word(last)} |")
        add("")
    add("### Data sets")
    add("")
    add("| Size | Events | Passages | Sources | Minerals | Risks | Notes | Database | "
        "Workspace | Generated in | build_database |")
    add("|---|---|---|---|---|---|---|---|---|---|---|")
    for size in sizes:
        data = runner.datasets.get(size)
        if data is None:
            continue
        info = data.info
        c = info["counts"]
        ws = info["workspace"]
        assert isinstance(c, dict) and isinstance(ws, dict)
        build_s = info.get("build_s")
        add(f"| {size}x | {c['event']} | {c['passage']} | {c['source']} | {c['mineral']} | "
            f"{c['risk']} | {ws['note']} | {int(info['database_bytes']) / 1048576:.1f} MB | "
            f"{int(info['workspace_bytes']) / 1048576:.1f} MB | "
            f"{info.get('generate_s')} s | "
            f"{'shipped' if build_s is None else f'{build_s} s'} |")
    add("")
    problems = [(s, p) for s in sizes if s in runner.datasets
                for p in runner.datasets[s].info.get("build_problems", [])]  # type: ignore[union-attr]
    if problems or runner.notes:
        add("### What broke")
        add("")
        for s, p in problems:
            add(f"- {s}x: the real build refuses the generated inputs: `{p}`. The generator "
                "raised the limit for its own process only, to measure the app at this size.")
        for n in runner.notes:
            add(f"- {n}")
        add("")
    if args.profile:
        add(f"cProfile output of an extra, uncounted run of the in-process steps: "
            f"`{runner.profile_root}/x<size>/` (one .prof and .txt per step).")
        add("")
    return "\n".join(lines)


DOC_HEAD = """# Performance

How fast Briefing starts, how much memory it takes, how long the build and the exports take,
how quickly it answers a click, and how all of that grows when the briefing is 10, 100 and 1000
times larger.

Reproduce (about 10 minutes on a 2-core machine; the first run also generates the synthetic
briefings, cached under the system temp folder):

```
QT_QPA_PLATFORM=offscreen .venv/bin/python tests/perf/run.py
```

Options: `--runs N` (default 5 at 1x and 10x, half that at 100x, one at 1000x), `--sizes
1,10,100,1000`, `--no-write` (print only), `--profile` (one more, uncounted run of the
in-process steps under cProfile, for finding the cause of a slow one). The synthetic data sets
alone: `.venv/bin/python tests/perf/generate.py --sizes 10,100,1000`.

The .deb row needs the package: `FAST=1 packaging/build_deb.sh` builds
`dist/briefing-app_<version>_amd64.deb`; run.py unpacks it with `dpkg-deb -x` into a temp folder
and starts `opt/briefing-app/briefing-app gui --smoke` from there.

How it measures:

- Whole processes (start-up, CLI export, build-db) are timed from spawn to exit, as a user
  waits for them, with bytecode caches in use (the variable PYTHONDONTWRITEBYTECODE is removed),
  a fresh Qt settings folder per process (a first start) and warm file caches (one warm-up run).
- Peak memory is the peak resident set of that one process, read with `os.wait4` by a
  small launcher (tests/perf/launch.py), since a child of the large benchmark process
  would report the benchmark's own size as its peak.
- Clicks are timed inside one running window (tests/perf/inproc.py), each until the window
  has repainted: the first switch to each tab, every prefix of a few words typed into search,
  20 zoom steps of the timeline chart, opening View > All Notes and scrolling it to the end, and
  each export format right after start-up.
- The baseline is tests/perf/bare_window.py, run before every measured process.
- Sizes: 1x is the shipped briefing with a workspace of 30 notes (it ships none; about one
  note per seven items) and a third of the risks reviewed. 10x, 100x and 1000x multiply the
  events, source passages, minerals, risks and notes; tests/perf/generate.py writes them as a
  curator would (synthetic source documents, records appended to the real record files, every
  quote verbatim in a source, every citation a real one) and builds them with the app's own
  `build_database`, `open_workspace` and `add_note`.
- The CLI exports are timed at 1x and 10x (`--cli-export-all` for the larger sizes, slow); the
  in-process exports at every size. At 1000x each export format runs in its own process and is
  stopped after 60 s (`--export-timeout`).

"""

FINDINGS_PLACEHOLDER = """## Findings

(Written by hand from the measurements above; run.py keeps this section.)
"""


def write_doc(body: str) -> None:
    block = f"{BEGIN}\n\n{body}\n\n{END}"
    if DOC.exists():
        text = DOC.read_text(encoding="utf-8")
        if BEGIN in text and END in text:
            head, rest = text.split(BEGIN, 1)
            _old, tail = rest.split(END, 1)
            DOC.write_text(head + block + tail, encoding="utf-8")
            return
    DOC.write_text(DOC_HEAD + "## Results\n\n" + block + "\n\n" + FINDINGS_PLACEHOLDER,
                   encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5,
                        help="runs at 1x and 10x (100x: half as many, 1000x: one); default 5")
    parser.add_argument("--sizes", default="1,10,100,1000",
                        help="comma-separated sizes (1 = shipped); default 1,10,100,1000")
    parser.add_argument("--no-write", action="store_true", help="print; leave the doc alone")
    parser.add_argument("--profile", action="store_true",
                        help="after each size's runs, one more (not counted) in-process run "
                        "with a cProfile of every step")
    parser.add_argument("--cli-export-all", action="store_true",
                        help="also time the CLI exports above 10x (slow)")
    parser.add_argument("--export-timeout", type=float, default=60,
                        help="at 1000x, stop each in-process export after this many seconds")
    args = parser.parse_args(argv)
    args.sizes = sorted({int(s) for s in args.sizes.split(",")})
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    runner = Runner(args)
    runner.log(f"Briefing benchmark: sizes {args.sizes}, scratch {runner.scratch}")
    runner.log(f"packaged app: {runner.deb or runner.deb_how}")
    try:
        runner.run_all()
    except KeyboardInterrupt:
        runner.log("interrupted: reporting what was measured")
    body = report(runner)
    print()
    print(body)
    if not args.no_write:
        write_doc(body)
        runner.log(f"wrote {DOC.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
