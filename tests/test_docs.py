"""The README's commands are the ones CI runs: .ci/readme_command reads them out of the README,
and .ci/run and .ci/clean_root run what it prints."""

from __future__ import annotations

import re
import subprocess

from .conftest import ROOT


def _commands(readme: str) -> list[str]:
    blocks = re.findall(r"```sh\n(.*?)```", readme, re.S)
    return [line for block in blocks for line in block.splitlines()
            if line.strip() and not line.startswith("#")]


def _readme_command(which: str) -> str:
    out = subprocess.run(["bash", str(ROOT / ".ci" / "readme_command"), which],
                         capture_output=True, text=True, check=True)
    return out.stdout.rstrip("\n")


def test_ci_runs_exactly_the_readme_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = _commands(readme)
    test_cmd = next(c for c in commands if "pytest" in c)
    app_cmd = next(c for c in commands if "pytest" not in c)
    assert _readme_command("test") == test_cmd
    assert _readme_command("app") == app_cmd
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    # .ci/run holds the README's test command word for word, runs it as a line of its own, and
    # stops when the README's differs from it.
    assert f'TEST_CMD="{test_cmd}"' in ci and f"\n{test_cmd}\n" in ci
    assert '"$(.ci/readme_command test)" != "$TEST_CMD"' in ci
    assert ".ci/clean_root" in ci.split("bash packaging/ci.sh")[0]  # before anything is set up
    clean = (ROOT / ".ci" / "clean_root").read_text(encoding="utf-8")
    assert '$("$REPO/.ci/readme_command" app)' in clean
    assert '$("$REPO/.ci/readme_command" test)' in clean


def test_readme_run_command_opens_the_app() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    run_cmd = next(c for c in _commands(readme) if "pytest" not in c)
    assert run_cmd.startswith("python3 -m venv .venv")
    assert run_cmd.endswith(".venv/bin/briefing-app")


def test_every_test_docs_reliability_names_exists() -> None:
    """docs/RELIABILITY.md says each scenario is a test: every test it names is defined."""
    doc = (ROOT / "docs" / "RELIABILITY.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`(test_[a-z0-9_]+)`", doc))
    assert len(named) > 40
    defined = set()
    for path in (ROOT / "tests").rglob("test_*.py"):
        defined |= set(re.findall(r"^def (test_[a-z0-9_]+)\(", path.read_text(encoding="utf-8"),
                                  re.M))
    assert sorted(named - defined) == []
