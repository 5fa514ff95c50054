"""The analyst's own work from the command line, end to end in subprocesses: sources imported,
items added with provenance, grades given, all listed, shown, edited and deleted; bad input
refused in one line with nothing stored; bundles (version 2) carrying it all to a fresh
workspace; and every export format showing it, marked as the analyst's, with its grades."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from briefing_app import cli
from briefing_app.store.own import OWN_FIELDS

from .conftest import run_cli
from .test_export_content import _flat, _squeeze, read_back

WIRE = ("Pakistan and US sign minerals refinery deal\n\n"
        "Islamabad agreed on Monday to let a US firm build a rare-earth refinery near Karachi.\n\n"
        "Officials said output would start in 2029.\n")
QUOTE = "a rare-earth refinery near Karachi"
RISK_TITLE = "Refinery site security"
BUNDLED_SOURCE = "us-seeks-pakistan-minerals"


def _ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result.stdout


def _one_line_error(result: subprocess.CompletedProcess[str], status: int = 2) -> str:
    assert result.returncode == status, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr and "unexpected error" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


@dataclass(frozen=True)
class Work:
    """A workspace filled through the command line, and what the commands printed."""

    folder: Path
    wire: Path
    source: str
    risk: str
    event: str
    judgment: str
    imported: str  # what `source import` printed


def _cli(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli(*args, env={"BRIEFING_APP_WORKSPACE": str(folder)})


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Work:
    """Built once: a .txt source graded B; a risk quoting it, graded 2; an event citing an
    outside publication; a judgment that is the analyst's own assessment; a note on the
    risk and one on the source's text."""
    root = tmp_path_factory.mktemp("own")
    folder = root / "ws"
    wire = root / "wire-story.txt"
    wire.write_text(WIRE, encoding="utf-8")
    imported = _ok(_cli(folder, "source", "import", str(wire), "--publisher", "Wire service",
                        "--date", "2026-11-30", "--url", "https://example.org/wire"))
    source = imported.split("\t")[0]
    risk = _ok(_cli(folder, "item", "add", "risk", "--field", f"title={RISK_TITLE}",
                    "--field", "description=A refinery near Karachi is exposed.",
                    "--field", "likelihood=3", "--field", "impact=4",
                    "--field", "indicators=Attacks near Karachi", "--field",
                    "indicators=Threats to staff", "--cite-passage", source,
                    "--quote", QUOTE)).strip()
    event = _ok(_cli(folder, "item", "add", "event", "--field", "date=2026-11-30",
                     "--field", "title=Refinery deal signed", "--field", "category=investment",
                     "--cite", "Refinery deal signed in Islamabad", "--publisher", "Agency",
                     "--date", "2026-11-30", "--url", "https://example.org/deal")).strip()
    judgment = _ok(_cli(folder, "item", "add", "judgment", "--field",
                        "text=Refinery output will start later than announced",
                        "--field", "estimative=likely", "--field", "confidence=low",
                        "--field", "basis=Past refinery projects ran late",
                        "--assessment")).strip()
    _ok(_cli(folder, "grade", f"source:{source}", "B"))
    _ok(_cli(folder, "grade", f"risk:{risk}", "2"))
    _ok(_cli(folder, "note", "add", f"risk:{risk}", "Watch the port's security plan."))
    _ok(_cli(folder, "note", "add", f"source:{source}", "Which US firm?", "--quote",
             "a US firm"))
    return Work(folder, wire, source, risk, event, judgment, imported)


def _copy(work: Work, tmp_path: Path) -> Path:
    """This test's own copy of the made workspace."""
    folder = tmp_path / "ws"
    shutil.copytree(work.folder, folder)
    return folder


# -- sources, items, grades -------------------------------------------------------------------
def test_a_source_is_imported_with_its_passages(made: Work) -> None:
    assert re.fullmatch(r"own-[0-9a-f]{16}\t3 passages\t"
                        r"Pakistan and US sign minerals refinery deal\n", made.imported)
    listed = _ok(_cli(made.folder, "source", "list")).splitlines()
    mine = [line.split("\t") for line in listed if line.startswith(made.source)]
    assert mine == [[made.source, "Pakistan and US sign minerals refinery deal", "text",
                     "3 passages", "reliability B: usually reliable", "imported by you"]]
    assert any(line.startswith(f"{BUNDLED_SOURCE}\t") for line in listed)
    rows = json.loads(_ok(_cli(made.folder, "source", "list", "--json")))
    row = next(r for r in rows if r["id"] == made.source)
    assert (row["own"], row["grade"], row["publisher"]) == (True, "B", "Wire service")
    shown = _ok(_cli(made.folder, "source", "show", made.source))
    assert "publisher: Wire service" in shown and "grade: reliability B" in shown
    assert f"items resting on it: risk:{made.risk}" in shown
    assert re.search(r"^\s+2  Islamabad agreed on Monday", shown, re.M)


def test_a_duplicate_or_refused_file_is_one_line(made: Work, tmp_path: Path) -> None:
    folder = _copy(made, tmp_path)
    again = _one_line_error(_cli(folder, "source", "import", str(made.wire)), status=1)
    assert "is already imported" in again and made.source in again
    exe = tmp_path / "tool.exe"
    exe.write_bytes(b"MZ")
    assert "imports .txt, .md" in _one_line_error(_cli(folder, "source", "import", str(exe)))
    missing = _one_line_error(_cli(folder, "source", "import", str(tmp_path / "no.txt")))
    assert "does not exist" in missing
    other = tmp_path / "other.txt"
    other.write_text("Another story.\n", encoding="utf-8")
    assert "not a date" in _one_line_error(_cli(folder, "source", "import", str(other),
                                                "--date", "soon"))
    sources = json.loads(_ok(_cli(folder, "source", "list", "--json")))
    assert [s["id"] for s in sources if s["own"]] == [made.source]


def test_items_are_listed_and_shown_with_their_provenance_and_grades(made: Work) -> None:
    listed = [line.split("\t") for line in _ok(_cli(made.folder, "item", "list")).splitlines()]
    assert listed == [
        [f"risk:{made.risk}", RISK_TITLE, "passage", "credibility 2: probably true"],
        [f"event:{made.event}", "Refinery deal signed", "citation", "not graded"],
        [f"judgment:{made.judgment}", "Refinery output will start later than announced",
         "assessment", "not graded"]]
    rows = json.loads(_ok(_cli(made.folder, "item", "list", "--kind", "risk", "--json")))
    [risk] = rows
    assert risk["fields"]["indicators"] == ["Attacks near Karachi", "Threats to staff"]
    assert risk["provenance"] == [{"kind": "passage", "source_id": made.source,
                                   "start": WIRE.index(QUOTE),
                                   "end": WIRE.index(QUOTE) + len(QUOTE), "quote": QUOTE}]
    shown = _ok(_cli(made.folder, "item", "show", f"risk:{made.risk}"))
    assert (f"1. paragraph 2 of \u201cPakistan and US sign minerals refinery deal\u201d "
            f"({made.source}): \u201c{QUOTE}\u201d [reliability B: usually reliable]") in shown
    assert "grade: credibility 2: probably true" in shown and "notes on it: 1" in shown
    event = _ok(_cli(made.folder, "item", "show", made.event))
    assert "\u201cRefinery deal signed in Islamabad\u201d, Agency, 30 November 2026" in event
    judgment = _ok(_cli(made.folder, "item", "show", made.judgment))
    assert "your own assessment (no outside source)" in judgment
    grades = _ok(_cli(made.folder, "grade", "list")).splitlines()
    assert grades == [f"risk:{made.risk}\tcredibility 2: probably true\t{RISK_TITLE}",
                      f"source:{made.source}\treliability B: usually reliable\t"
                      "Pakistan and US sign minerals refinery deal"]
    # `items` lists own items too, as KIND:ID<TAB>title; `note list` anchors notes on them.
    assert f"risk:{made.risk}\t{RISK_TITLE}" in _ok(_cli(made.folder, "items", "--kind",
                                                         "risk")).splitlines()
    notes = _ok(_cli(made.folder, "note", "list"))
    assert f"risk:{made.risk}\t\tWatch the port" in notes and "(unanchored)" not in notes


def test_edit_and_delete(made: Work, tmp_path: Path) -> None:
    folder = _copy(made, tmp_path)
    assert _ok(_cli(folder, "item", "edit", made.risk, "--field", "likelihood=5", "--field",
                    "justification=Attacks near Karachi recur")) == f"updated risk:{made.risk}\n"
    [risk] = json.loads(_ok(_cli(folder, "item", "list", "--kind", "risk", "--json")))
    assert (risk["fields"]["likelihood"], risk["fields"]["impact"]) == (5, 4)  # merged
    assert risk["provenance"][0]["quote"] == QUOTE  # kept: no provenance options given
    _ok(_cli(folder, "item", "edit", f"event:{made.event}", "--assessment"))
    [event] = json.loads(_ok(_cli(folder, "item", "list", "--kind", "event", "--json")))
    assert event["provenance"] == [{"kind": "assessment"}]
    deleted = _ok(_cli(folder, "item", "delete", made.judgment))
    assert deleted.startswith(f"moved judgment:{made.judgment}") and "trash" in deleted
    kinds = [line.split(":")[0] for line in _ok(_cli(folder, "item", "list")).splitlines()]
    assert kinds == ["risk", "event"]
    # A source an item cites stays; the briefing's own items and sources cannot be changed.
    assert "cite this source" in _one_line_error(_cli(folder, "source", "delete", made.source),
                                                 status=1)
    assert "cannot be changed" in _one_line_error(_cli(folder, "item", "edit",
                                                       "risk:investment-climate", "--field",
                                                       "likelihood=1"))
    assert "only sources you imported" in _one_line_error(_cli(folder, "source", "delete",
                                                               BUNDLED_SOURCE))
    _ok(_cli(folder, "item", "delete", made.risk))
    _ok(_cli(folder, "source", "delete", made.source))  # nothing cites it now
    assert made.source not in _ok(_cli(folder, "source", "list"))
    cleared = _ok(_cli(folder, "grade", f"source:{made.source}", ""))
    assert "grade cleared (was reliability B" in cleared


BAD = [
    (["item", "add", "rumour", "--field", "title=x", "--assessment"], "invalid choice"),
    (["item", "add", "risk", "--field", "colour=red", "--assessment"], "has no field 'colour'"),
    (["item", "add", "risk", "--field", "title", "--assessment"], "NAME=VALUE"),
    (["item", "add", "event", "--field", "date=2026-11", "--field", "title=t", "--field",
      "category=trade"], "needs provenance"),
    (["item", "add", "event", "--field", "date=last week", "--field", "title=t", "--field",
      "category=trade", "--assessment"], "is not a date"),
    (["item", "add", "event", "--field", "date=2026-02-30", "--field", "title=t", "--field",
      "category=trade", "--assessment"], "not a valid date"),
    (["item", "add", "event", "--field", "date=2026", "--field", "title=t", "--field",
      "category=trade", "--cite", "Wire", "--date", "May"], "not a date"),
    (["item", "add", "event", "--field", "date=2026", "--field", "title=t", "--field",
      "category=trade", "--field", "lane=atlantis", "--assessment"], "not an actor"),
    (["item", "add", "risk", "--field", "title=t", "--field", "description=d", "--field",
      "likelihood=7", "--field", "impact=3", "--assessment"], "whole number from 1 to 5"),
    (["item", "add", "risk", "--field", "title=t", "--field", "description=d", "--field",
      "likelihood=3", "--field", "impact=3", "--cite-passage", "{source}", "--quote",
      "words this source does not hold"], "the quote is not in"),
    (["item", "add", "risk", "--field", "title=t", "--field", "description=d", "--field",
      "likelihood=3", "--field", "impact=3", "--cite-passage", BUNDLED_SOURCE, "--quote",
      "words the briefing does not hold"], "the quote is not in"),
    (["item", "add", "risk", "--field", "title=t", "--field", "description=d", "--field",
      "likelihood=3", "--field", "impact=3", "--cite-passage", "own-nowhere", "--quote",
      "x"], "is not a source"),
    (["item", "add", "risk", "--field", "title=t", "--field", "description=d", "--field",
      "likelihood=3", "--field", "impact=3", "--cite-passage", "{source}"], "needs --quote"),
    (["item", "add", "risk", "--quote", "x"], "goes after --cite-passage"),
    (["item", "edit", "{risk}", "--field", "impact=0"], "whole number from 1 to 5"),
    (["item", "edit", "{risk}", "--field", "title="], "needs title"),
    (["item", "edit", "own-nowhere", "--field", "impact=2"], "is not one of your items"),
    (["grade", "source:{source}", "7"], "A, B, C, D, E, F"),
    (["grade", "risk:{risk}", "A"], "1, 2, 3, 4, 5, 6"),
    (["grade", "risk:atlantis", "2"], "is not in this briefing"),
    (["grade", "source:{source}"], "give the GRADE"),
]


def test_bad_input_is_one_line_exit_2_and_stores_nothing(made: Work, tmp_path: Path) -> None:
    folder = _copy(made, tmp_path)
    before = [_ok(_cli(folder, "item", "list", "--json")), _ok(_cli(folder, "grade", "list"))]
    for args, says in BAD:
        args = [a.format(source=made.source, risk=made.risk) for a in args]
        line = _one_line_error(_cli(folder, *args))
        assert says in line, (args, line)
    after = [_ok(_cli(folder, "item", "list", "--json")), _ok(_cli(folder, "grade", "list"))]
    assert after == before


# -- bundles ----------------------------------------------------------------------------------
def _export(folder: Path, path: Path) -> dict:  # type: ignore[type-arg]
    out = _ok(_cli(folder, "note", "export", str(path)))
    assert "wrote 2 notes, 1 source, 3 items and 2 grades to" in out
    data: dict = json.loads(path.read_text(encoding="utf-8"))  # type: ignore[type-arg]
    return data


def test_a_bundle_carries_sources_items_grades_and_notes_to_a_fresh_workspace(
        made: Work, tmp_path: Path) -> None:
    bundle = tmp_path / "work.json"
    data = _export(made.folder, bundle)
    assert data["version"] == 2
    [src] = data["sources"]
    assert (src["id"], src["text"], src["publisher"]) == (made.source, WIRE, "Wire service")
    assert "data" not in src  # the text travels, not the original file
    assert [i["id"] for i in data["items"]] == [made.risk, made.event, made.judgment]
    assert {g["target"]: g["grade"] for g in data["grades"]} == {
        f"source:{made.source}": "B", f"risk:{made.risk}": "2"}
    fresh = tmp_path / "fresh"
    first = _ok(_cli(fresh, "note", "import", str(bundle)))
    assert ("added 2 notes; 0 already present; own work: added 1 source, 3 items and 2 "
            "grades; 0 already present") in first
    again = _ok(_cli(fresh, "note", "import", str(bundle)))
    assert "added 0 notes; 2 already present" in again and "6 already present" in again
    for args in (["item", "list", "--json"], ["grade", "list"], ["note", "list"],
                 ["source", "show", made.source]):
        assert _ok(_cli(fresh, *args)) == _ok(_cli(made.folder, *args)), args
    # Everything arrived: the two workspaces export the same briefing.
    exports = []
    for folder in (made.folder, fresh):
        out = tmp_path / f"{folder.name}.md"
        _ok(_cli(folder, "export", "--no-charts", "--output", str(out)))
        exports.append(out.read_text(encoding="utf-8"))
    assert exports[0] == exports[1]


def test_a_source_already_imported_is_matched_by_its_file(made: Work, tmp_path: Path) -> None:
    bundle = tmp_path / "work.json"
    _export(made.folder, bundle)
    other = tmp_path / "other"
    mine = _ok(_cli(other, "source", "import", str(made.wire))).split("\t")[0]
    assert mine != made.source
    result = _ok(_cli(other, "note", "import", str(bundle)))
    assert "added 0 sources, 3 items and 2 grades; 1 already present" in result
    sources = json.loads(_ok(_cli(other, "source", "list", "--json")))
    assert [s["id"] for s in sources if s["own"]] == [mine]  # not imported twice
    [risk] = json.loads(_ok(_cli(other, "item", "list", "--kind", "risk", "--json")))
    assert risk["provenance"][0]["source_id"] == mine
    assert f"source:{mine}\treliability B" in _ok(_cli(other, "grade", "list"))
    assert "(unanchored)" not in _ok(_cli(other, "note", "list"))


def test_a_version_1_bundle_still_imports(tmp_path: Path) -> None:
    path = tmp_path / "v1.json"
    path.write_text(json.dumps({
        "format": "briefing-notes", "version": 1, "exported_at": "2026-01-01T00:00:00Z",
        "briefing": {"content_hash": "x"},
        "notes": [{"id": "n1", "target": "risk:investment-climate", "anchor": None,
                   "text": "From an older Briefing.", "tag": "", "colour": "",
                   "created_at": "2026-01-01T00:00:00Z",
                   "updated_at": "2026-01-01T00:00:00Z"}]}), encoding="utf-8")
    assert "added 1 note; 0 already present" in _ok(run_cli("note", "import", str(path)))
    assert "risk:investment-climate\t\tFrom an older Briefing." in _ok(run_cli("note", "list"))


@pytest.mark.parametrize(("drop", "says"), [
    (["sources"], "does not carry and neither this briefing nor your workspace has"),
    (["items"], "target 'risk:own-"),  # the grade of an own item it lacks
    (["items", "grades"], "is not an item of this briefing"),  # a note on one
])
def test_a_bundle_resting_on_what_exists_nowhere_is_refused_whole(
        made: Work, tmp_path: Path, drop: list[str], says: str) -> None:
    bundle = tmp_path / "work.json"
    data = _export(made.folder, bundle)
    for name in drop:
        data[name] = []
    bundle.write_text(json.dumps(data), encoding="utf-8")
    fresh = tmp_path / "fresh"
    line = _one_line_error(_cli(fresh, "note", "import", str(bundle)), status=1)
    assert says in line and "Nothing was changed" in line
    assert _ok(_cli(fresh, "item", "list")) == ""
    assert _ok(_cli(fresh, "note", "list")) == "" and _ok(_cli(fresh, "grade", "list")) == ""
    assert json.loads(_ok(_cli(fresh, "source", "list", "--json")))[-1]["own"] is False


# -- exports ----------------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["pdf", "docx", "html", "md"])
def test_every_export_shows_own_items_as_the_analysts_with_grades(made: Work, tmp_path: Path,
                                                                    fmt: str) -> None:
    out = tmp_path / f"briefing.{fmt}"
    _ok(_cli(made.folder, "export", "--output", str(out)))
    text = _flat(read_back(out, fmt))
    norm = _squeeze if fmt == "pdf" else _flat  # pdftotext breaks lines after dashes
    if fmt == "pdf":
        text = _squeeze(text)
    for words in (RISK_TITLE + " (the analyst's)", QUOTE, "Refinery deal signed (the analyst's)",
                  "(low confidence) (the analyst's)", "reliability B: usually reliable",
                  "credibility 2: probably true",
                  "Source: the analyst's own assessment (no outside source).",
                  "\u201cRefinery deal signed in Islamabad\u201d, Agency, 30 November 2026",
                  "Pakistan and US sign minerals refinery deal (text; Wire service, "
                  "2026-11-30) \u2014 imported by the analyst",
                  "Watch the port's security plan."):
        assert norm(_flat(words)) in text, (fmt, words)
    if fmt == "md":  # read as plain text too: the grade is not backslash-escaped
        assert "(reliability B: usually reliable)" in out.read_text("utf-8")


# -- help ---------------------------------------------------------------------------------------
def _actions() -> list[list[str]]:
    parser = cli.build_parser()
    top = next(a for a in parser._actions if a.dest == "command")
    found = []
    for name in ("source", "item"):
        group = top.choices[name]  # type: ignore[index]
        sub = next(a for a in group._actions if a.dest == f"{name}_command")
        found += [[name, verb] for verb in sub.choices]  # type: ignore[union-attr]
    return found


def test_every_action_has_help_with_an_example(capsys: pytest.CaptureFixture[str]) -> None:
    actions = _actions()
    assert len(actions) == 9
    for words in actions:
        with pytest.raises(SystemExit) as exit_:
            cli.main([*words, "--help"])
        assert exit_.value.code == 0
        out = capsys.readouterr().out
        assert f"usage: briefing-app {' '.join(words)}" in out
        assert f"Example: briefing-app {' '.join(words)} " in out
    # The field list in `item add --help` is written out; it must name every field.
    with pytest.raises(SystemExit):
        cli.main(["item", "add", "--help"])
    out = capsys.readouterr().out
    for kind, specs in OWN_FIELDS.items():
        line = next(x for x in out.splitlines() if x.strip().startswith(kind + " "))
        start = out.index(line)
        block = out[start:start + 400]
        for spec in specs:
            assert re.search(rf"\b{spec.name}\b", block), (kind, spec.name)


def test_reading_without_a_workspace_creates_none(tmp_path: Path) -> None:
    """Listing and showing read; they never create a workspace the user did not ask for."""
    folder = tmp_path / "never"
    assert "risk:investment-climate" in _ok(_cli(folder, "items", "--kind", "risk"))
    assert "the briefing's" in _ok(_cli(folder, "source", "list"))
    assert "passage" in _ok(_cli(folder, "source", "show", "us-seeks-pakistan-minerals"))
    assert _ok(_cli(folder, "item", "list")).strip() == ""
    assert _ok(_cli(folder, "note", "list")).strip() == ""
    _ok(_cli(folder, "grade", "list"))
    assert not folder.exists()
