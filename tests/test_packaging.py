"""The Debian package installs, runs from /usr/bin, never writes into /opt, upgrades without
losing the user's work, and removes cleanly; its manual page, changelogs and lintian overrides
are what the package needs.

The tests that install run only as root on a machine with dpkg (CI is one). They install the
.deb that packaging/build_deb.sh made (packaging/ci.sh runs first in CI), building it here
with FAST=1 when it is missing or older than the sources, and remove it again at the end.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import importlib.util
import json
import os
import re
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
MANPAGE = Path("/usr/share/man/man1/briefing-app.1.gz")
CHANGELOG_GZ = Path("/usr/share/doc/briefing-app/changelog.gz")
OVERRIDES = ROOT / "packaging" / "linux" / "lintian-overrides"
#: The release an upgrade starts from: the built package, relabelled with this version.
PREVIOUS = "0.1.0"
#: What goes into the bundle: a .deb older than any of these is rebuilt.
SOURCES = ("briefing_app", "resources", "packaging", "pyproject.toml")

pytestmark = [pytest.mark.slow]


@pytest.fixture(scope="module")
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
def deb(_machine: None) -> Path:
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
        # What dpkg installed is what the package's md5sums list.
        assert _run("dpkg", "--verify", PACKAGE, check=False).stdout == ""
        assert CHANGELOG_GZ.is_file() and MANPAGE.is_file()
        assert gzip.decompress(CHANGELOG_GZ.read_bytes()).decode().startswith(
            f"{PACKAGE} ({_version()}) ")
        assert _man_warnings(MANPAGE) == ""
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


def _installed_version() -> str:
    return _run("dpkg-query", "-W", "-f=${Version}", PACKAGE, check=False).stdout


def _skip_if_installed() -> None:
    if _run("dpkg-query", "-W", "-f=${Status}", PACKAGE, check=False).stdout.endswith(
            " installed"):
        pytest.skip(f"{PACKAGE} is already installed here; this test installs and removes it, "
                    "so it leaves an existing installation alone")


def _relabelled(deb: Path, version: str, folder: Path) -> Path:
    """The package with another version in its control file (dpkg-deb -R, edit, -b)."""
    tree = folder / "tree"
    _run("dpkg-deb", "-R", deb, tree, timeout=300)
    control = tree / "DEBIAN" / "control"
    text = control.read_text(encoding="utf-8")
    control.write_text(re.sub(r"(?m)^Version: .*$", f"Version: {version}", text),
                       encoding="utf-8")
    out = folder / f"{PACKAGE}_{version}.deb"
    _run("dpkg-deb", "--root-owner-group", "-Znone", "-b", tree, out, timeout=300)
    return out


def _snapshot(root: Path) -> dict[str, tuple[str, int]]:
    """Every file under root with its SHA-256 and modification time."""
    return {str(p.relative_to(root)): (hashlib.sha256(p.read_bytes()).hexdigest(),
                                       p.stat().st_mtime_ns)
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_upgrading_over_the_previous_release_keeps_the_workspace_and_settings(
        deb: Path, tmp_path: Path) -> None:
    """0.1.0 installed and used, then this release installed over it: every note, own source,
    own item and grade is still listed, and dpkg touched nothing in the user's home."""
    _skip_if_installed()
    # No maintainer scripts: nothing the package runs on upgrade or removal could reach the
    # user's files.
    listing = _run("sh", "-c", 'dpkg-deb --ctrl-tarfile "$1" | tar -t', "sh", deb).stdout
    assert sorted(m.removeprefix("./") for m in listing.split() if m.strip("./")) == [
        "control", "md5sums"]

    previous = _relabelled(deb, PREVIOUS, tmp_path)
    home = tmp_path / "home"
    home.mkdir()
    env = _clean_env(home)
    workspace = home / ".local" / "share" / PACKAGE
    settings = home / ".config" / "Briefing" / "briefing-app.conf"
    installed = _run("dpkg", "-i", previous, check=False, timeout=600)
    try:
        assert installed.returncode == 0, installed.stdout[-3000:] + installed.stderr[-3000:]
        assert _installed_version() == PREVIOUS

        # The user's work, made with the installed app in its default places.
        for target, text, *more in (
                ("risk:investment-climate", "Watch the court docket", "--tag", "legal",
                 "--colour", "yellow"),
                ("event:cpec-launched", "Second line \u2014 \u00fc, \u0639 \U0001faa8"),
                ("mineral:copper", "A third note")):
            _run(LAUNCHER, "note", "add", target, text, *more, env=env, timeout=120)
        wire = tmp_path / "wire.txt"
        wire.write_text("Pakistan and US sign minerals refinery deal\n\nIslamabad agreed to "
                        "let a US firm build a refinery near Karachi.\n", encoding="utf-8")
        _run(LAUNCHER, "source", "import", wire, "--publisher", "Wire service", env=env,
             timeout=120)
        _run(LAUNCHER, "item", "add", "judgment", "--field", "text=Output will start late",
             "--field", "estimative=likely", "--field", "confidence=low", "--field",
             "basis=Past projects", "--assessment", env=env, timeout=120)
        _run(LAUNCHER, "grade", "source:us-seeks-pakistan-minerals", "B", env=env, timeout=120)
        # The window's settings as Qt keeps them (QSettings, INI format).
        settings.parent.mkdir(parents=True)
        settings.write_text("[General]\ncurrentTab=2\n\n[layout]\nrisks\\splitter=@ByteArray("
                            "\\0\\0\\0\\xff)\n\n[export]\nauthor=Regional desk\n",
                            encoding="utf-8")
        assert (workspace / "workspace.db").is_file()

        def work() -> dict[str, object]:
            return {what: json.loads(_run(LAUNCHER, *what.split(), "--json", env=env,
                                          timeout=120).stdout)
                    for what in ("note list", "source list", "item list", "grade list")}

        before = work()
        assert len(before["note list"]) == 3 and len(before["item list"]) == 1  # type: ignore[arg-type]
        files = _snapshot(home)

        upgraded = _run("dpkg", "-i", deb, check=False, timeout=600)
        assert upgraded.returncode == 0, upgraded.stdout[-3000:] + upgraded.stderr[-3000:]
        assert _installed_version() == _version()
        assert _snapshot(home) == files, "installing the new release changed the user's files"

        assert _run(LAUNCHER, "--version", env=env).stdout.strip() == f"{PACKAGE} {_version()}"
        assert work() == before
        smoke = _run(LAUNCHER, "gui", "--smoke", env=env, timeout=180)
        assert smoke.stdout.startswith("first paint after ")
        assert (hashlib.sha256(settings.read_bytes()).hexdigest(), settings.stat().st_mtime_ns
                ) == files[str(settings.relative_to(home))], "the new release changed the settings"
    finally:
        removed = _run("dpkg", "-r", PACKAGE, check=False, timeout=300)
    assert removed.returncode == 0, removed.stdout + removed.stderr
    assert (workspace / "workspace.db").is_file(), "removing the package removed the workspace"


# -- what the package is made of (no root needed) ---------------------------------------------
def _packaging_module(name: str):  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(name, ROOT / "packaging" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(name, module)
    spec.loader.exec_module(module)
    return module


def _man_warnings(page: Path) -> str:
    """What man --warnings says about a page (empty when it is clean), at 80 columns."""
    need_tool("man", "man-db")
    env = os.environ | {"LC_ALL": "C.UTF-8", "MANWIDTH": "80"}
    return _run("man", "--warnings", "-l", page, env=env, check=False).stderr


def _parsers(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    found = [parser]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                found += _parsers(sub)
    return found


def test_the_manual_page_covers_every_command_and_option(tmp_path: Path) -> None:
    from briefing_app.cli import build_parser

    page = tmp_path / "briefing-app.1"
    _run(sys.executable, ROOT / "packaging" / "manpage.py", page)
    roff = page.read_text(encoding="ascii")
    manpage = _packaging_module("manpage")
    parsers = _parsers(build_parser())
    assert len(parsers) > 15  # the nested commands (note add, item edit...) are walked
    for parser in parsers[1:]:
        assert f'.SS "{manpage.esc(parser.prog)}"' in roff, parser.prog
    for parser in parsers:
        for action in parser._actions:
            if isinstance(action, argparse._HelpAction) and parser is not parsers[0]:
                continue
            for option in action.option_strings:
                assert re.search(rf"(?<![\w-]){re.escape(manpage.esc(option))}(?![\w-])",
                                 roff), f"{parser.prog} {option}"
    assert f'"{manpage.esc(PACKAGE)} {_version()}"' in roff

    groff = _run(need_tool("groff", "groff-base"), "-man", "-ww", "-z", page, check=False)
    assert (groff.returncode, groff.stderr) == (0, "")
    assert _man_warnings(page) == ""


def test_the_changelogs_start_with_this_version_and_are_reproducible(tmp_path: Path) -> None:
    from briefing_app import __version__

    release = _packaging_module("release")
    releases = release.releases()
    assert releases[0].version == _version() == __version__
    assert [r.version for r in releases][-1] == "0.1.0"
    out = tmp_path / "changelog"
    _run(sys.executable, ROOT / "packaging" / "release.py", "debian-changelog", out)
    text = out.read_text(encoding="utf-8")
    assert max(len(line) for line in text.splitlines()) <= 80
    again = tmp_path / "again"
    _run(sys.executable, ROOT / "packaging" / "release.py", "debian-changelog", again)
    assert again.read_bytes() == out.read_bytes()
    parse = need_tool("dpkg-parsechangelog", "dpkg-dev")
    versions = re.findall(r"(?m)^Version: (.*)$", _run(
        parse, "-l", out, "--all", "--format", "rfc822").stdout)
    assert versions == [r.version for r in releases]
    assert _run(parse, "-l", out, "-S", "Maintainer").stdout.strip() == release.maintainer()


def test_every_lintian_override_says_why() -> None:
    """Each override in packaging/linux/lintian-overrides has a comment above it (lintian
    shows it beside the overridden tag); overrides sharing a reason share its paragraph."""
    paragraphs = [p.splitlines() for p in OVERRIDES.read_text(encoding="utf-8").split("\n\n")]
    overrides = 0
    for lines in paragraphs:
        rules = [line for line in lines if line and not line.startswith("#")]
        if rules:
            assert lines[0].startswith("#"), f"an override without its reason: {rules[0]}"
            assert all(r.startswith(f"{PACKAGE}: ") for r in rules), rules
            overrides += len(rules)
    assert overrides >= 5
