"""What a test needs from the machine beyond pip: a system tool, a Debian package, root.

When it is missing the test skips, saying what is missing and the exact command that installs
it; with ``BRIEFING_STRICT_TESTS=1`` (CI sets it) the same test fails instead, so CI proves
every such test runs. There is no weaker fallback under the same test name.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterable
from pathlib import Path
from typing import NoReturn

import pytest

STRICT_ENV = "BRIEFING_STRICT_TESTS"
ROOT = Path(__file__).resolve().parents[1]
#: The Debian packages that building, validating and installing the .deb needs (one list,
#: read by packaging/ci.sh too).
DEB_BUILD_PACKAGES = ROOT / "packaging" / "deb-build-packages.txt"


def strict() -> bool:
    return os.environ.get(STRICT_ENV, "") not in ("", "0")


def unavailable(reason: str, install: str = "") -> NoReturn:
    """Skip (or, in strict mode, fail) because the machine lacks something."""
    message = reason + (f"; to install: {install}" if install else "")
    if strict():
        pytest.fail(f"{message} ({STRICT_ENV}=1 turns this skip into a failure)",
                    pytrace=False)
    pytest.skip(message)


def apt_install(packages: Iterable[str]) -> str:
    return "apt-get install -y " + " ".join(packages)


def need_tool(name: str, package: str) -> str:
    """The path of the program ``name``, which the Debian package ``package`` provides."""
    path = shutil.which(name)
    if path is None:
        unavailable(f"needs {name} (Debian package {package})", apt_install([package]))
    return path


def need_root(why: str) -> None:
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        unavailable(f"needs root: {why}", "run the tests as root (CI does)")


def missing_debian_packages(packages: Iterable[str]) -> list[str]:
    """The packages of ``packages`` that dpkg does not report as installed."""
    missing = []
    for package in packages:
        status = subprocess.run(["dpkg-query", "-W", "-f=${Status}", package],
                                capture_output=True, text=True)
        if not status.stdout.endswith(" installed"):
            missing.append(package)
    return missing


def need_debian_packages(packages: Iterable[str], why: str) -> None:
    need_tool("dpkg-query", "dpkg")
    missing = missing_debian_packages(packages)
    if missing:
        unavailable(f"{why} needs the Debian packages {', '.join(missing)}",
                    apt_install(missing))


def deb_build_packages() -> list[str]:
    """packaging/deb-build-packages.txt: one package per line, # starts a comment."""
    lines = DEB_BUILD_PACKAGES.read_text(encoding="utf-8").splitlines()
    return [word for line in lines for word in line.split("#", 1)[0].split()]


def as_ordinary_user() -> list[str]:
    """A command prefix that makes root obey file permissions as any user would (nothing
    when we are not root)."""
    if os.geteuid() != 0:
        return []
    need_tool("setpriv", "util-linux")
    return ["setpriv", "--bounding-set=-dac_override,-dac_read_search"]
