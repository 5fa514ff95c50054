"""The command line: version, help on every command, items listing, clean errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from briefing_app import __version__
from briefing_app.cli import build_parser
from briefing_app.domain import ITEM_KINDS

from .conftest import run_cli


def _commands() -> list[str]:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    return sorted(sub.choices)  # type: ignore[arg-type]


def test_version() -> None:
    result = run_cli("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"briefing-app {__version__}"


@pytest.mark.parametrize("command", _commands())
def test_every_command_has_help_with_an_example(command: str) -> None:
    result = run_cli(command, "--help")
    assert result.returncode == 0
    assert "usage: briefing-app" in result.stdout
    assert "Example: briefing-app" in result.stdout


def test_items_lists_every_kind_as_kind_id_tab_title() -> None:
    result = run_cli("items")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    pattern = re.compile(r"^({}):[a-z][a-z0-9-]*(/[a-z0-9]+)?\t\S.*$".format("|".join(ITEM_KINDS)))
    bad = [line for line in lines if not pattern.match(line)]
    assert bad == []
    kinds = [line.split(":", 1)[0] for line in lines]
    assert kinds.count("event") >= 25
    assert kinds.count("mineral") >= 8
    assert kinds.count("region") >= 2
    assert kinds.count("risk") >= 6
    assert kinds.count("benefit") >= 4
    assert set(kinds) == set(ITEM_KINDS)


def test_items_filters_by_kind() -> None:
    result = run_cli("items", "--kind", "risk")
    assert result.returncode == 0
    assert {line.split(":")[0] for line in result.stdout.splitlines()} == {"risk"}


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--no-such-option"], "unrecognized arguments"),
        (["items", "--kind", "planet"], "invalid choice"),
        (["no-such-command"], "invalid choice"),
    ],
)
def test_usage_errors_are_one_message_and_status_2(args: list[str], fragment: str) -> None:
    result = run_cli(*args)
    assert result.returncode == 2
    assert fragment in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_database_is_a_clear_error(tmp_path: Path) -> None:
    missing = tmp_path / "nope.db"
    result = run_cli("items", "--database", str(missing))
    assert result.returncode == 1
    assert f"The briefing database is missing: {missing}" in result.stderr
    assert "Reinstall Briefing" in result.stderr
    assert "Traceback" not in result.stderr


def test_damaged_database_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"this is not sqlite" * 100)
    result = run_cli("items", "--database", str(bad))
    assert result.returncode == 1
    assert "damaged" in result.stderr and str(bad) in result.stderr
    assert "Traceback" not in result.stderr


def test_cli_module_does_not_import_qt() -> None:
    result = run_cli("items", "--kind", "benefit", env={"PYTHONVERBOSE": "0"})
    assert result.returncode == 0
    import subprocess
    import sys
    code = ("import sys, briefing_app.cli as c; c.main(['items', '--kind', 'region']); "
            "bad = [m for m in ('PySide6', 'pyqtgraph', 'numpy', 'sqlite_utils', 'docx') "
            "if m in sys.modules]; print('LOADED', bad)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert "LOADED []" in out


def test_review_prints_every_claim_with_what_it_rests_on(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """`review`: a reviewer reads every record with its anchors in one go (issue 17)."""
    from briefing_app.domain import ItemRef
    from briefing_app.paths import bundled_database
    from briefing_app.store.briefing import BriefingStore

    result = run_cli("review", "--kind", "judgment", "--workspace", str(tmp_path / "ws"))
    assert result.returncode == 0, result.stderr
    store = BriefingStore(bundled_database())
    blocks = result.stdout.split("\n== ")
    assert len(blocks) == len(store.judgments())
    for j in store.judgments():
        block = next(b for b in blocks if f"judgment:{j.id} " in b)
        assert f"{j.estimative.capitalize()} \u00b7 {j.confidence} confidence" in block
        for p in store.provenance(ItemRef("judgment", j.id)):
            if p.kind == "quote":
                assert f">>{' '.join(p.quote.split())}<<" in " ".join(block.split())
            elif p.citation is not None:
                assert p.citation.title in block
    assert "RESTS ON NOTHING" not in result.stdout
    assert not (tmp_path / "ws").exists()  # reading creates no workspace


def test_review_marks_the_words_each_quote_supports(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """`review`: under each quote, the record's words it supports, marked in the record's
    own lines too, so a reviewer reads both ends of every anchor (issue 17)."""
    result = run_cli("review", "--workspace", str(tmp_path / "ws"))
    assert result.returncode == 0, result.stderr
    claim = "China's share of refining is about 90% or more in every source"
    block = next(b for b in result.stdout.split("\n== ")
                 if b.startswith("judgment:china-keeps-processing-lead "))
    lines = block.splitlines()
    at = next(i for i, line in enumerate(lines) if "[1] quote from" in line)
    assert ">>China currently processes approximately 90% of the world's rare earth minerals<<" \
        in lines[at]
    assert lines[at + 1] == f"       supports: >>{claim}<<"
    assert f"   Basis: >>{claim}<< (article, AP, IEA summary);" in block
    # Every quote of every record has its line, and its words are marked in the record's.
    for b in result.stdout.split("\n== "):
        lines = b.splitlines()
        claims = lines[:next((i for i, line in enumerate(lines) if line.startswith("   [")),
                             len(lines))]
        marked = re.findall(r">>(.*?)<<", "\n".join(claims))
        for i, line in enumerate(lines):
            if "] quote from " in line:
                supports = lines[i + 1]
                assert supports.startswith("       supports: >>"), (lines[0], supports)
                words = supports.split(">>", 1)[1].rsplit("<<", 1)[0]
                assert any(words in span for span in marked), (lines[0], words)


def test_note_list_resumes_the_cycle_collector(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    """`note list` pauses Python's cycle collector while it holds the notes; the pause ends
    with the command, even when the command fails, so nothing run after it (a test, the
    window's code) lives without one."""
    import gc

    from briefing_app.cli import main

    ws = tmp_path / "ws"
    assert main(["note", "add", "risk:security-in-mineral-areas", "check this",
                 "--workspace", str(ws)]) == 0
    assert main(["note", "list", "--workspace", str(ws)]) == 0
    assert "check this" in capsys.readouterr().out
    assert gc.isenabled()
    (tmp_path / "file").write_text("not a folder")
    assert main(["note", "list", "--workspace", str(tmp_path / "file")]) != 0
    assert gc.isenabled()
