"""Start-up benchmark: `briefing-app gui --smoke` against a bare PySide6 window, side by side.

Runs the two alternately (A B A B ...) as whole processes, times each from spawn to its first
paint (the line it prints then), and prints the medians and their ratio, measured in this one
run. Not a test: these machines are shared and noisy.
A quick check of one figure; tests/perf/run.py measures it with memory, scale and the rest.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/perf/startup.py [runs]
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRATCH = Path(tempfile.mkdtemp(prefix="briefing-bench-"))


def bench_env() -> dict[str, str]:
    """As a user runs it: bytecode caches written and used (some CI shells disable them)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    # No saved window state, an empty workspace; the bundled database's checksum cached by
    # the warm-up run, as on every start but the first after an install (its cost is below).
    env["XDG_CONFIG_HOME"] = str(SCRATCH / "config")
    env["BRIEFING_APP_WORKSPACE"] = str(SCRATCH / "workspace")
    env["BRIEFING_APP_CACHE"] = str(SCRATCH / "app-cache")
    return env


def timed(cmd: list[str]) -> float:
    """Seconds from spawning the process to its "first paint after" line (both the app and the
    bare window print one once their first paint is done); shutting down is not counted."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                            env=bench_env())
    assert proc.stdout is not None
    painted = None
    for line in proc.stdout:
        if line.startswith("first paint after"):
            painted = time.perf_counter() - start
    if proc.wait() != 0 or painted is None:
        raise RuntimeError(f"{cmd} failed or never painted")
    return painted


def main(runs: int = 9) -> None:
    bare = [sys.executable, str(HERE / "bare_window.py")]
    app = [sys.executable, "-m", "briefing_app", "gui", "--smoke"]
    timed(bare), timed(app)  # warm the file cache once
    a, b = [], []
    for _ in range(runs):
        a.append(timed(bare))
        b.append(timed(app))
    ma, mb = statistics.median(a), statistics.median(b)
    print(f"bare PySide6 window : median {ma * 1000:6.0f} ms  (min {min(a) * 1000:.0f}, "
          f"max {max(a) * 1000:.0f})")
    print(f"briefing-app --smoke: median {mb * 1000:6.0f} ms  (min {min(b) * 1000:.0f}, "
          f"max {max(b) * 1000:.0f})")
    print(f"ratio: {mb / ma:.2f}x (target: at most 1.5x, issue 18)")
    check = database_check_ms()
    print(f"bundled database checksum: {check['hashed']:.1f} ms to hash, "
          f"{check['cached']:.2f} ms once this file version was verified "
          f"({check['cached'] / (mb * 1000) * 100:.2f}% of the app's first paint)")


def database_check_ms(runs: int = 20) -> dict[str, float]:
    """What verifying the bundled database costs at start-up: hashing it (the first start
    after an install or update) and the cached check every later start makes."""
    sys.path.insert(0, str(HERE.parents[1]))
    from briefing_app.paths import bundled_database
    from briefing_app.store.integrity import CACHE_FILE, verify

    db = bundled_database()
    cache = SCRATCH / "cache"
    hashed, cached = [], []
    for _ in range(runs):
        (cache / CACHE_FILE).unlink(missing_ok=True)
        t = time.perf_counter()
        verify(db, cache)
        hashed.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        assert verify(db, cache) is False, "the second check was not served from the cache"
        cached.append((time.perf_counter() - t) * 1000)
    return {"hashed": statistics.median(hashed), "cached": statistics.median(cached)}


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 9)
