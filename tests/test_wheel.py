"""`pip install .` (not only editable installs) carries the bundled database."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from .conftest import ROOT, SHIPPED_DB


def test_built_wheel_contains_the_database_and_resources(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
        check=True, capture_output=True, text=True, timeout=600,
    )
    wheel = next(tmp_path.glob("briefing_app-*.whl"))
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        assert zf.read("briefing_app/resources/briefing.db") == SHIPPED_DB.read_bytes()
        entry_points = next(n for n in names if n.endswith("entry_points.txt"))
        assert "briefing-app = briefing_app.cli:main" in zf.read(entry_points).decode()
    assert "briefing_app/resources/sources/us-seeks-pakistan-minerals.txt" in names
    assert "briefing_app/resources/records/timeline.toml" in names
    assert "briefing_app/resources/map/boundaries.geojson" in names
    assert "briefing_app/resources/icons/briefing-app.svg" in names
    assert not any("/tests/" in n or n.startswith("tests/") for n in names)
