"""Shared fixtures: every test works on copies under tmp_path, never on the user's files."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from briefing_app.paths import resources_dir

ROOT = Path(__file__).resolve().parents[1]
RESOURCES = resources_dir()
SHIPPED_DB = RESOURCES / "briefing.db"

# Tests never touch the user's real workspace or a real display.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def _user_folders() -> list[Path]:
    """Where a real start would keep settings and the workspace (read before any test
    redirects them)."""
    from platformdirs import user_data_dir

    config = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return [config / "Briefing", Path(user_data_dir("briefing-app", appauthor=False))]


def _listing(folders: list[Path]) -> dict[str, tuple[int, int]]:
    found: dict[str, tuple[int, int]] = {}
    for folder in folders:
        for path in [folder, *folder.rglob("*")] if folder.exists() else []:
            st = path.lstat()
            found[str(path)] = (st.st_size, st.st_mtime_ns)
    return found


USER_FOLDERS = _user_folders()
_USER_BEFORE = _listing(USER_FOLDERS)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """The run fails if anything wrote into the real user's settings or workspace."""
    after = _listing(USER_FOLDERS)
    if after != _USER_BEFORE:
        changed = sorted(k for k in set(after) | set(_USER_BEFORE)
                         if after.get(k) != _USER_BEFORE.get(k))
        print(f"\nFAILED: the tests changed the user's own folders: {changed[:10]}",
              file=sys.stderr)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(autouse=True)
def _isolated_workspace(tmp_path_factory: pytest.TempPathFactory,
                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test (and every process it starts) has its own config and data folders."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("BRIEFING_APP_WORKSPACE", str(home / "workspace"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))
    monkeypatch.setenv("BRIEFING_APP_CACHE", str(home / "cache" / "briefing-app"))
    monkeypatch.delenv("BRIEFING_APP_DATABASE", raising=False)
    # Qt reads XDG_CONFIG_HOME once per process: point this process's QSettings there too.
    from briefing_app.ui.app import use_scratch_profile

    use_scratch_profile(home / "config")


@pytest.fixture
def resources_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped build inputs (without the built database)."""
    dest = tmp_path / "resources"
    shutil.copytree(RESOURCES, dest, ignore=shutil.ignore_patterns("*.db", "__pycache__"))
    return dest


def run_cli(*args: str, env: dict[str, str] | None = None,
            cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the real command line in a subprocess, as a user would."""
    full_env = os.environ | (env or {})
    return subprocess.run(
        [sys.executable, "-m", "briefing_app", *args],
        capture_output=True, text=True, env=full_env, cwd=cwd or ROOT, timeout=300,
    )


@pytest.fixture(autouse=True, scope="session")
def _one_qapplication(qapp):  # type: ignore[no-untyped-def]
    """One QApplication for the whole run, made before any export creates a bare
    QGuiApplication (which pytest-qt could not use for widget tests afterwards)."""
    return qapp
