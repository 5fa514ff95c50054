"""Architecture: the import-linter contracts in pyproject.toml hold."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_contracts_hold() -> None:
    exe = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert exe, "import-linter is part of the test extra"
    result = subprocess.run([exe, "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_qt_free_packages_type_check() -> None:
    """mypy (strict for domain, dataset, store and paths; see pyproject) on everything below ui."""
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "briefing_app/domain.py", "briefing_app/paths.py",
         "briefing_app/dataset", "briefing_app/store", "briefing_app/export"],
        cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
