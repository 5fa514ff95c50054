"""The README's commands are the ones CI runs."""

from __future__ import annotations

import re

from .conftest import ROOT


def _commands(readme: str) -> list[str]:
    blocks = re.findall(r"```sh\n(.*?)```", readme, re.S)
    return [line for block in blocks for line in block.splitlines()
            if line.strip() and not line.startswith("#")]


def test_ci_runs_exactly_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = _commands(readme)
    test_cmd = next(c for c in commands if "pytest" in c)
    assert test_cmd.startswith("python3 -m venv .venv")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert test_cmd in ci.splitlines()


def test_readme_run_command_opens_the_app() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    run_cmd = next(c for c in _commands(readme) if "pytest" not in c)
    assert run_cmd.startswith("python3 -m venv .venv")
    assert run_cmd.endswith(".venv/bin/briefing-app")
