"""The app and its exports never open a network connection (checked with strace)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT
from .system import need_tool, unavailable

INET = re.compile(r"\b(connect|sendto|sendmsg)\(.*AF_INET6?\b")


def _trace(args: list[str], log: Path) -> str:
    strace = need_tool("strace", "strace")
    result = subprocess.run(
        [strace, "-f", "-qq", "-e", "trace=connect,sendto,sendmsg", "-o", str(log),
         sys.executable, "-m", "briefing_app", *args],
        capture_output=True, text=True, cwd=ROOT, timeout=300,
        env=os.environ | {"QT_QPA_PLATFORM": "offscreen"})
    if "ptrace" in result.stderr and result.returncode != 0:
        unavailable("strace cannot trace here (ptrace is not permitted)",
                    "run the tests where ptrace is allowed (CI is such a machine)")
    assert result.returncode == 0, result.stderr
    return log.read_text(errors="replace")


@pytest.mark.parametrize("args", [
    ["gui", "--smoke"],
    ["export", "--format", "pdf", "--output", "{tmp}/b.pdf"],
    ["export", "--format", "html", "--output", "{tmp}/b.html"],
    ["export", "--format", "md", "--output", "{tmp}/b.md"],
    ["export", "--format", "docx", "--output", "{tmp}/b.docx"],
], ids=["window", "pdf", "html", "md", "docx"])
def test_no_internet_connection(tmp_path: Path, args: list[str]) -> None:
    args = [a.format(tmp=tmp_path) for a in args]
    calls = _trace(args, tmp_path / "strace.log")
    assert [line for line in calls.splitlines() if INET.search(line)] == []


def test_the_check_sees_a_real_connection(tmp_path: Path) -> None:
    """The detector itself works: a program that connects to 127.0.0.1 is caught."""
    strace = need_tool("strace", "strace")
    log = tmp_path / "probe.log"
    code = ("import socket\ns = socket.socket()\ntry:\n    s.connect(('127.0.0.1', 9))\n"
            "except OSError:\n    pass\n")
    subprocess.run([strace, "-f", "-qq", "-e", "trace=connect", "-o", str(log),
                    sys.executable, "-c", code], capture_output=True, timeout=60)
    if not log.exists():
        unavailable("strace cannot trace here (ptrace is not permitted)",
                    "run the tests where ptrace is allowed (CI is such a machine)")
    assert any(INET.search(line) for line in log.read_text().splitlines())
