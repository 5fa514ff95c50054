"""The Debian package installs, runs from /usr/bin, never writes into /opt, and removes cleanly.

Runs only as root on a machine with dpkg (CI is one). It installs the .deb that
packaging/build_deb.sh made (packaging/ci.sh runs first in CI), building it here with FAST=1
when it is missing or older than the sources, and removes it again at the end.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from .conftest import ROOT
from .system import (
    deb_build_packages,
    need_debian_packages,
    need_root,
    need_tool,
    unavailable,
)

PACKAGE = "briefing-app"
INSTALL_DIR = Path("/opt/briefing-app")
LAUNCHER = Path("/usr/bin/briefing-app")
DESKTOP = Path("/usr/share/applications/briefing-app.desktop")
ICONS = Path("/usr/share/icons/hicolor")
METAINFO_DIR = Path("/usr/share/metainfo")
#: What goes into the bundle: a .deb older than any of these is rebuilt.
SOURCES = ("briefing_app", "resources", "packaging", "pyproject.toml")

pytestmark = [pytest.mark.slow]


@pytest.fixture(scope="module", autouse=True)
def _machine() -> None:
    """Root, dpkg, and what building and installing the .deb needs (packaging/ci.sh
    installs it all; here a missing piece is named with its install command)."""
    need_root("installs a .deb system-wide")
    need_tool("dpkg", "dpkg")
    need_debian_packages(deb_build_packages(), "building and installing the .deb")


def _run(*cmd: str | Path, timeout: float = 300, env: dict[str, str] | None = None,
         check: bool = True) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([str(c) for c in cmd], capture_output=True, text=True,
                          timeout=timeout, env=env, cwd=ROOT)
    if check and proc.returncode != 0:
        pytest.fail(f"{' '.join(map(str, cmd))} exited {proc.returncode}\n"
                    f"stdout:\n{proc.stdout[-4000:]}\nstderr:\n{proc.stderr[-4000:]}")
    return proc


def _version() -> str:
    with (ROOT / "pyproject.toml").open("rb") as fh:
        return str(tomllib.load(fh)["project"]["version"])


def _newest_source_mtime() -> float:
    newest = 0.0
    build_outputs = ROOT / "packaging" / "build"
    for name in SOURCES:
        path = ROOT / name
        for p in [path] if path.is_file() else path.rglob("*"):
            if (p.is_file() and "__pycache__" not in p.parts
                    and build_outputs not in p.parents):
                newest = max(newest, p.stat().st_mtime)
    return newest


@pytest.fixture(scope="module")
def deb() -> Path:
    arch = _run("dpkg", "--print-architecture").stdout.strip()
    path = ROOT / "dist" / f"{PACKAGE}_{_version()}_{arch}.deb"
    if not path.exists() or path.stat().st_mtime < _newest_source_mtime():
        if importlib.util.find_spec("PyInstaller") is None:
            unavailable("building the .deb needs PyInstaller",
                        f"{sys.executable} -m pip install 'pyinstaller>=6.10' (or run "
                        "packaging/ci.sh first)")
        env = os.environ | {"FAST": "1", "PYTHON": sys.executable}
        _run("bash", ROOT / "packaging" / "build_deb.sh", env=env, timeout=900)
    assert path.exists()
    return path


def _listing(root: Path) -> dict[str, tuple[int, int]]:
    """Every path under root, with its size and modification time."""
    found = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            p = Path(dirpath, name)
            st = p.lstat()
            found[str(p.relative_to(root))] = (st.st_size, st.st_mtime_ns)
    return found


def _clean_env(home: Path) -> dict[str, str]:
    """A user's environment: a fresh HOME, no test overrides of the workspace or XDG folders."""
    keep = {k: v for k, v in os.environ.items()
            if not k.startswith(("BRIEFING_APP_", "XDG_", "PYTHON", "QT_"))}
    return keep | {"HOME": str(home), "QT_QPA_PLATFORM": "offscreen", "LC_ALL": "C.UTF-8"}


def test_deb_installs_runs_and_removes_cleanly(deb: Path, tmp_path: Path) -> None:
    if _run("dpkg-query", "-W", "-f=${Status}", PACKAGE, check=False).stdout.endswith(
            " installed"):
        pytest.skip(f"{PACKAGE} is already installed here; this test installs and removes it, "
                    "so it leaves an existing installation alone")
    installed = _run("dpkg", "-i", deb, check=False, timeout=600)
    try:
        if installed.returncode != 0:
            pytest.fail("dpkg -i failed (packaging/ci.sh installs the libraries in Depends):\n"
                        + installed.stdout[-3000:] + installed.stderr[-3000:])
        files = [Path(line) for line in _run("dpkg", "-L", PACKAGE).stdout.splitlines()
                 if line.startswith("/")]
        before = _listing(INSTALL_DIR)
        home = tmp_path / "home"
        home.mkdir()
        env = _clean_env(home)

        version = _run(LAUNCHER, "--version", env=env, timeout=120)
        assert version.stdout.strip() == f"{PACKAGE} {_version()}"
        items = _run(LAUNCHER, "items", env=env, timeout=120)
        assert items.stdout.count("\n") > 10

        smoke = _run(LAUNCHER, "gui", "--smoke", env=env, timeout=180)
        assert smoke.stdout.startswith("first paint after ")
        assert not (home / ".config").exists() and not (home / ".local").exists(), (
            "gui --smoke wrote settings or a workspace into the user's home")
        _run(LAUNCHER, "note", "add", "risk:investment-climate", "from the installed app",
             env=env, timeout=120)
        workspace = home / ".local" / "share" / PACKAGE
        assert (workspace / "workspace.db").is_file(), f"no workspace in {workspace}"

        # The installed app exports (fonts and charts from the bundle, Qt offscreen).
        for fmt in ("pdf", "docx", "html", "md"):
            out = tmp_path / f"installed.{fmt}"
            _run(LAUNCHER, "export", "--format", fmt, "--output", out, env=env, timeout=180)
            assert out.stat().st_size > 1000, fmt
        import pypdf
        assert len(pypdf.PdfReader(str(tmp_path / "installed.pdf")).pages) > 5
        # ...and reads the analyst's own files with every reader it bundles (PDFium for the
        # PDF, python-docx, the HTML parser), here its own exports brought back in.
        for fmt in ("pdf", "docx", "html", "md"):
            _run(LAUNCHER, "source", "import", tmp_path / f"installed.{fmt}", env=env,
                 timeout=180)
        listed = _run(LAUNCHER, "source", "list", env=env, timeout=120).stdout
        assert listed.count("imported by you") == 4, listed

        after = _listing(INSTALL_DIR)
        assert after == before, (
            "the app wrote inside /opt/briefing-app: "
            f"new {sorted(set(after) - set(before))[:10]}, "
            f"changed {sorted(k for k in before if k in after and after[k] != before[k])[:10]}")
    finally:
        removed = _run("dpkg", "-r", PACKAGE, check=False, timeout=300)
    assert removed.returncode == 0, removed.stdout + removed.stderr

    assert not INSTALL_DIR.exists(), f"{INSTALL_DIR} is left behind"
    assert not LAUNCHER.exists() and not DESKTOP.exists()
    assert not list(ICONS.glob(f"*/apps/{PACKAGE}.*"))
    assert not list(METAINFO_DIR.glob("*BriefingApp*")) and not list(
        METAINFO_DIR.glob(f"{PACKAGE}*"))
    left = [f for f in files if f.exists() and not f.is_dir()]
    assert not left, f"files left behind after dpkg -r: {left[:10]}"
    assert _run("dpkg-query", "-W", "-f=${Status}", PACKAGE, check=False).stdout in (
        "", "deinstall ok config-files", "unknown ok not-installed")
