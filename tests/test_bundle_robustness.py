"""Note bundles and the command line never crash, hang, or pass hostile bytes to a terminal.

Every export imports (the exporter keeps to the importer's limits and checks), `note list`
and `items` escape control characters, `note import` reads only ordinary files of bounded
size, and odd input gets a plain sentence instead of "unexpected error".
"""

from __future__ import annotations

import errno
import json
import os
import socket
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

import pytest

from briefing_app import cli
from briefing_app.dataset.database import build_database
from briefing_app.domain import ItemRef
from briefing_app.paths import bundled_database
from briefing_app.store import bundle as bundle_module
from briefing_app.store.anchoring import place_notes
from briefing_app.store.briefing import BriefingStore
from briefing_app.store.bundle import (
    MAX_BUNDLE_BYTES,
    MAX_CONTEXT_CHARS,
    MAX_NOTES,
    BundleError,
    import_bundle,
    parse_bundle,
    prepare_export,
    read_bundle,
    read_bundle_file,
)
from briefing_app.store.workspace import (
    MAX_NOTE_CHARS,
    MAX_TAG_CHARS,
    Note,
    TextAnchor,
    Workspace,
    open_workspace,
)

from .conftest import run_cli
from .system import need_root, need_tool, unavailable

STORE = BriefingStore(bundled_database())
RISK = ItemRef("risk", "investment-climate")
STAMP = "2026-01-01T00:00:00Z"
QUOTE = "Environmental concerns surrounding mineral extraction"
DISK_FULL = "There is not enough space on the disk to save your notes; nothing was changed"


def _note(ident: str, body: str = "hello", **fields: Any) -> dict[str, Any]:
    note = {"id": ident, "target": "risk:investment-climate", "anchor": None, "text": body,
            "tag": "", "colour": "", "created_at": STAMP, "updated_at": STAMP}
    return note | fields


def _bundle(*notes: dict[str, Any]) -> bytes:
    return json.dumps({"format": "briefing-notes", "version": 1, "exported_at": STAMP,
                       "briefing": {"content_hash": "x"}, "notes": list(notes)}).encode()


def _write(path: Path, *notes: dict[str, Any]) -> Path:
    path.write_bytes(_bundle(*notes))
    return path


def _fill(workspace: Workspace, count: int, chars: int) -> list[Note]:
    notes = [Note(f"n{i:03d}", chr(ord("a") + i % 26) * chars, RISK, None, "", "", STAMP, STAMP)
             for i in range(count)]
    assert workspace.import_notes(notes) == count
    return notes


def _workspace_bodies(folder: Path) -> list[str]:
    workspace, _ = open_workspace(folder)
    try:
        return [n.body for n in workspace.notes(include_deleted=True)]
    finally:
        workspace.close()


def _one_line_clean(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stderr and "unexpected error" not in result.stderr, (
        result.stderr)


# -- 1. every export imports ------------------------------------------------------------------
def test_export_splits_into_bundles_within_the_byte_limit(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    monkeypatch.setattr(bundle_module, "MAX_BUNDLE_BYTES", 20_000)
    workspace, _ = open_workspace(tmp_path / "a")
    notes = _fill(workspace, 12, 4_000)  # about 48 KB of notes: three bundles of 20 KB
    export = prepare_export(workspace, STORE)
    assert len(export.parts) == 3 and not export.left_out
    other, _ = open_workspace(tmp_path / "b")
    for data in export.bundles():
        assert len(data) <= 20_000
        assert import_bundle(other, read_bundle(data, STORE)).added > 0
    assert [n.body for n in other.notes()] == [n.body for n in notes]


def test_export_splits_at_the_note_count_limit(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bundle_module, "MAX_NOTES", 3)
    workspace, _ = open_workspace(tmp_path)
    notes = _fill(workspace, 7, 5)
    export = prepare_export(workspace, STORE)
    assert [len(p) for p in export.parts] == [3, 3, 1]
    ids = [n.id for data in export.bundles() for n in parse_bundle(data, STORE)]
    assert ids == [n.id for n in notes]


def test_cli_export_of_fifty_2m_notes_writes_bundles_that_import(tmp_path: Path) -> None:
    """The real limits: 50 notes of 2,000,000 characters are about 100 MB of JSON, more than
    one bundle may hold; `note export` writes two bundles and each imports."""
    workspace, _ = open_workspace(tmp_path / "a")
    _fill(workspace, 50, MAX_NOTE_CHARS)
    workspace.close()
    target = tmp_path / "notes.json"
    result = run_cli("note", "export", str(target), "--workspace", str(tmp_path / "a"))
    assert result.returncode == 0, result.stderr
    files = [target, tmp_path / "notes-2.json"]
    assert set(tmp_path.glob("notes*.json")) == set(files)
    assert "wrote 50 notes to 2 bundle files" in result.stdout
    assert all(str(f) in result.stdout for f in files)
    for f in files:
        assert f.stat().st_size <= MAX_BUNDLE_BYTES
        imported = run_cli("note", "import", str(f), "--workspace", str(tmp_path / "b"))
        assert imported.returncode == 0, imported.stderr
    assert len(_workspace_bodies(tmp_path / "b")) == 50


def test_cli_export_warns_of_a_part_left_from_an_earlier_larger_export(tmp_path: Path
                                                                      ) -> None:
    (tmp_path / "notes-2.json").write_text("older part", encoding="utf-8")
    result = run_cli("note", "export", str(tmp_path / "notes.json"))
    assert result.returncode == 0, result.stderr
    assert "notes-2.json is left from an earlier, larger export" in result.stderr
    assert (tmp_path / "notes-2.json").read_text(encoding="utf-8") == "older part"


def test_real_limits_the_largest_note_fits_in_one_bundle(tmp_path: Path) -> None:
    """What the exporter allows, the importer accepts: the largest note the workspace takes,
    with every character escaped by JSON (6 bytes each), is one bundle the importer reads."""
    workspace, _ = open_workspace(tmp_path)
    workspace.import_notes([Note("worst", "\x01" * MAX_NOTE_CHARS, RISK, None,
                                 "\x01" * MAX_TAG_CHARS, "", STAMP, STAMP)])
    export = prepare_export(workspace, STORE)
    assert len(export.parts) == 1 and not export.left_out
    data = next(export.bundles())
    assert len(data) <= MAX_BUNDLE_BYTES
    assert [n.id for n in parse_bundle(data, STORE)] == ["worst"]
    # Any note: text and quote at their limit, prefix and suffix too, all escaped.
    worst = 6 * (2 * MAX_NOTE_CHARS + 2 * MAX_CONTEXT_CHARS + MAX_TAG_CHARS) + 4096
    assert worst < MAX_BUNDLE_BYTES
    assert MAX_NOTES >= 1


def test_notes_the_importer_would_refuse_are_left_out_and_listed(tmp_path: Path) -> None:
    folder = tmp_path / "ws"
    workspace, _ = open_workspace(folder)
    workspace.add_note("Ask the desk.", target=ItemRef("risk", "no-longer-a-risk"))
    kept = workspace.add_note("Keep me.", target=RISK)
    src = STORE.sources()[0]
    at = src.text.index(QUOTE)
    # A stored range made stale by a rebuild: the quote is now elsewhere in the text.
    stale = workspace.add_note("Stale range.", anchor=TextAnchor(src.id, 0, len(QUOTE), QUOTE))
    # A text note whose quote is gone is exported as recorded: the importer keeps it apart.
    lost = workspace.add_note("Gone.", anchor=TextAnchor(src.id, 5, 24, "words no source has"))
    workspace.close()
    target = tmp_path / "notes.json"
    result = run_cli("note", "export", str(target), "--workspace", str(folder))
    assert result.returncode == 0, result.stderr
    assert "1 note could not be exported" in result.stderr and "unanchored" in result.stderr
    notes = parse_bundle(target.read_bytes(), STORE)  # before: refused, unknown target
    assert [n.id for n in notes] == [kept.id, stale.id, lost.id]
    anchor = notes[1].anchor
    assert anchor is not None and (anchor.start, anchor.quote) == (at, QUOTE)
    assert notes[2].anchor is not None and notes[2].anchor.quote == "words no source has"


# -- 2. no terminal escapes -------------------------------------------------------------------
HOSTILE = "\x1b]0;TITLE\x07\x1b[31mred\x00 \x9b2J \x7f \u202eevil\u2066"


def test_note_list_shows_control_characters_escaped(tmp_path: Path) -> None:
    bundle = _write(tmp_path / "b.json", _note("n1", HOSTILE + "\nsecond line",
                                               tag="\x1b[5mblink"))
    assert run_cli("note", "import", str(bundle)).returncode == 0
    result = run_cli("note", "list")
    assert result.returncode == 0, result.stderr
    for raw in ("\x1b", "\x07", "\x00", "\x9b", "\x7f", "\u202e", "\u2066"):
        assert raw not in result.stdout
    line = result.stdout.rstrip("\n")
    assert line == ("n1\trisk:investment-climate\t\\x1b[5mblink\t\\x1b]0;TITLE\\x07\\x1b[31mred"
                    "\\x00 \\x9b2J \\x7f \\u202eevil\\u2066")
    as_json = run_cli("note", "list", "--json").stdout
    for raw in ("\x1b", "\x9b", "\x7f", "\u202e"):
        assert raw not in as_json
    assert json.loads(as_json)[0]["text"] == HOSTILE + "\nsecond line"  # same value


def test_items_titles_are_escaped(resources_copy: Path, tmp_path: Path) -> None:
    risks = resources_copy / "records" / "risks.toml"
    title = 'title = "Insurgent violence in mineral-rich areas"'
    text = risks.read_text(encoding="utf-8")
    assert title in text
    risks.write_text(text.replace(title, 'title = "\\u001b]0;owned\\u0007Insurgent '
                                         '\\u202eviolence"'), encoding="utf-8")
    database = tmp_path / "briefing.db"
    build_database(resources_copy, database)
    result = run_cli("items", "--kind", "risk", "--database", str(database))
    assert result.returncode == 0, result.stderr
    assert "\x1b" not in result.stdout and "\u202e" not in result.stdout
    assert ("risk:security-in-mineral-areas\t\\x1b]0;owned\\x07Insurgent \\u202eviolence"
            in result.stdout.splitlines())


# -- 3. reading a bundle file -----------------------------------------------------------------
def test_import_refuses_a_fifo_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "notes.json"
    os.mkfifo(fifo)
    result = run_cli("note", "import", str(fifo))
    assert result.returncode == 1
    assert "is a pipe, not a file" in result.stderr and "Nothing was changed" in result.stderr


def test_import_refuses_a_socket_and_a_folder(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(path))
        result = run_cli("note", "import", str(path))
    assert result.returncode == 1 and "is a socket, not a file" in result.stderr
    result = run_cli("note", "import", str(tmp_path))
    assert result.returncode == 1 and "is a folder, not a note bundle file" in result.stderr


def test_import_refuses_a_huge_sparse_file_without_reading_it(tmp_path: Path) -> None:
    sparse = tmp_path / "huge.json"
    with sparse.open("wb") as fh:
        fh.seek(20 * 1024**3)
        fh.write(b"\0")
    result = run_cli("note", "import", str(sparse))
    assert result.returncode == 1
    assert "larger than 64 MB" in result.stderr
    _one_line_clean(result)


def test_read_stops_one_byte_past_the_limit_whatever_the_size_says(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file that grows after stat, or reports a wrong size (as /proc files do), is read
    only up to the limit plus one byte, then refused."""
    monkeypatch.setattr(bundle_module, "MAX_BUNDLE_BYTES", 1000)
    path = tmp_path / "grows.json"
    path.write_bytes(b" " * 50_000)
    real_stat = os.stat

    def lying_stat(p: Any, *args: Any, **kwargs: Any) -> os.stat_result:
        st = real_stat(p, *args, **kwargs)
        if Path(p) != path:
            return st
        fields = list(st)
        fields[6] = 10  # st_size
        return os.stat_result(fields)

    reads: list[int] = []
    real_fdopen = os.fdopen

    def counting_fdopen(*args: Any, **kwargs: Any) -> Any:
        fh = real_fdopen(*args, **kwargs)
        real_read = fh.read

        def read(n: int = -1) -> bytes:
            reads.append(n)
            return real_read(n)

        fh.read = read
        return fh

    monkeypatch.setattr(bundle_module.os, "stat", lying_stat)
    monkeypatch.setattr(bundle_module.os, "fdopen", counting_fdopen)
    with pytest.raises(BundleError, match="larger than"):
        read_bundle_file(path)
    assert reads == [1001]


# -- 4. plain sentences -----------------------------------------------------------------------
def test_a_number_of_thousands_of_digits_is_a_plain_sentence(tmp_path: Path) -> None:
    path = tmp_path / "big-number.json"
    path.write_bytes(_bundle(_note("n1")).replace(b'"version": 1', b'"version": 1'
                                                  + b"0" * 5000))
    result = run_cli("note", "import", str(path))
    assert result.returncode == 1
    assert "a number of more than 20 digits" in result.stderr
    _one_line_clean(result)


def test_a_lone_surrogate_is_refused_when_the_bundle_is_read(tmp_path: Path) -> None:
    data = _bundle(_note("n1", "broken \ud800 text"))
    assert b"\\ud800" in data
    with pytest.raises(BundleError, match="invalid character"):
        parse_bundle(data, STORE)
    path = tmp_path / "surrogate.json"
    path.write_bytes(_bundle(_note("n1", tag="\udfff")))
    result = run_cli("note", "import", str(path))
    assert result.returncode == 1 and "invalid character" in result.stderr
    assert "Nothing was changed" in result.stderr
    _one_line_clean(result)


@pytest.mark.parametrize("failure", [
    sqlite3.OperationalError("database or disk is full"),
    OSError(errno.ENOSPC, "No space left on device"),
], ids=["sqlite", "oserror"])
def test_disk_full_is_a_plain_sentence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str],
                                       failure: Exception) -> None:
    def full(*_args: Any, **_kwargs: Any) -> Any:
        raise failure

    monkeypatch.setattr(Workspace, "import_notes", full)
    monkeypatch.setattr(Workspace, "add_note", full)
    path = _write(tmp_path / "b.json", _note("n1"))
    assert cli.main(["note", "import", str(path)]) == 1
    assert cli.main(["note", "add", str(RISK), "text"]) == 1
    err = capsys.readouterr().err
    assert err.count(DISK_FULL) == 2, err
    assert "unexpected error" not in err


def test_note_add_with_bytes_that_are_not_utf8_is_a_plain_sentence() -> None:
    result = run_cli("note", "add", str(RISK), "bad \udcff byte")  # argv byte 0xff
    assert result.returncode == 2
    assert "holds bytes that are not UTF-8 text" in result.stderr
    assert "codec" not in result.stderr


def _fill_disk(folder: Path, leave: int) -> None:
    """Fill the file system of ``folder``, then free ``leave`` bytes again."""
    filler = folder / "filler"
    with filler.open("wb") as fh:
        try:
            while True:
                fh.write(b"\0" * 65536)
                fh.flush()
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
    os.truncate(filler, max(0, filler.stat().st_size - leave))


def test_disk_full_on_a_real_small_disk(tmp_path: Path) -> None:
    need_root("mounting a small tmpfs to fill up")
    mount = need_tool("mount", "mount")
    umount = need_tool("umount", "mount")
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run([mount, "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(disk)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        unavailable(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        folder = disk / "ws"
        assert run_cli("note", "add", str(RISK), "keep me", "--workspace",
                       str(folder)).returncode == 0
        bundle = _write(tmp_path / "big.json", _note("big", "x" * 1_000_000))  # not on disk
        # Room to open the workspace (its -shm index, a version stamp), none for the note.
        _fill_disk(disk, leave=96 * 1024)
        result = run_cli("note", "import", str(bundle), "--workspace", str(folder))
        assert result.returncode == 1
        assert DISK_FULL in result.stderr, result.stderr
        _one_line_clean(result)
        added = run_cli("note", "add", str(RISK), "y" * 120_000, "--workspace", str(folder))
        assert added.returncode == 1
        assert DISK_FULL in added.stderr, added.stderr
        (disk / "filler").unlink()
        assert _workspace_bodies(folder) == ["keep me"]
    finally:
        subprocess.run([umount, str(disk)], capture_output=True)


# -- 5. smaller ones --------------------------------------------------------------------------
def test_a_bundle_starting_with_a_byte_order_mark_imports(tmp_path: Path) -> None:
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + _bundle(_note("n1")))
    result = run_cli("note", "import", str(path))
    assert result.returncode == 0, result.stderr
    assert "added 1 note;" in result.stdout


@pytest.mark.parametrize("stamp", [
    "9999-99-99T99:99:99Z", "2025-02-30T12:00:00Z", "2025-01-01T24:00:00Z",
    "2025-01-01T00:00:60Z", "2025-01-01T00:00:00Z\n",
    "\u0662\u0660\u0662\u0665-01-01T00:00:00Z",  # Arabic-Indic digits match "\d"
])
def test_impossible_times_are_refused(stamp: str) -> None:
    with pytest.raises(BundleError, match="created_at"):
        parse_bundle(_bundle(_note("n1", created_at=stamp)), STORE)


def test_an_id_with_a_trailing_newline_is_refused() -> None:
    with pytest.raises(BundleError, match="id must be"):
        parse_bundle(_bundle(_note("n1\n")), STORE)


@pytest.mark.parametrize("tag", ["a\rb", "a\u2028b", "a\u2029b", "a\x85b", "a\x0bb", "a\x0cb",
                                 "a\x1eb", "trailing\n"],
                         ids=["CR", "LS", "PS", "NEL", "VT", "FF", "RS", "LF"])
def test_a_tag_with_any_line_break_is_refused(tag: str) -> None:
    with pytest.raises(BundleError, match="tag must be one line"):
        parse_bundle(_bundle(_note("n1", tag=tag)), STORE)


def test_a_note_in_the_trash_is_reported_not_hidden(tmp_path: Path) -> None:
    folder = tmp_path / "ws"
    bundle = _write(tmp_path / "b.json", _note("n1"), _note("n2"))
    assert run_cli("note", "import", str(bundle), "--workspace", str(folder)).returncode == 0
    workspace, _ = open_workspace(folder)
    workspace.delete_note("n1")
    report = import_bundle(workspace, parse_bundle(bundle.read_bytes(), STORE))
    assert (report.added, report.already_present, report.in_trash) == (0, 1, 1)
    workspace.close()
    result = run_cli("note", "import", str(bundle), "--workspace", str(folder))
    assert result.returncode == 0, result.stderr
    assert ("added 0 notes; 1 already present; 1 already in your trash, left there "
            "(restore it in View > All Notes > Trash)") in result.stdout


def test_an_id_clash_with_different_content_is_a_conflict_and_keeps_ours(tmp_path: Path
                                                                         ) -> None:
    folder = tmp_path / "ws"
    mine = _write(tmp_path / "mine.json", _note("n1", "mine"), _note("n2", "same"))
    theirs = _write(tmp_path / "theirs.json", _note("n1", "theirs"), _note("n2", "same"),
                    _note("n3", "new"))
    assert run_cli("note", "import", str(mine), "--workspace", str(folder)).returncode == 0
    result = run_cli("note", "import", str(theirs), "--workspace", str(folder))
    assert result.returncode == 0, result.stderr
    assert "added 1 note; 1 already present; 1 conflict" in result.stdout
    assert "yours was kept (n1)" in result.stdout
    assert sorted(_workspace_bodies(folder)) == ["mine", "new", "same"]


def test_anchor_offsets_past_the_source_text_are_kept_unanchored_and_said(tmp_path: Path
                                                                         ) -> None:
    src = STORE.sources()[0]
    anchor = {"source": src.id, "start": len(src.text) - 2, "end": len(src.text) + 5,
              "quote": "zz", "prefix": "", "suffix": ""}
    bundle = read_bundle(_bundle(_note("n1", target=None, anchor=anchor)), STORE)
    assert bundle.unanchored == ("n1",)
    workspace, _ = open_workspace(tmp_path)
    assert "1 text note whose quote is not in the source kept as unanchored note" in (
        import_bundle(workspace, bundle).summary())
    [placed] = place_notes(STORE, workspace.notes())
    assert not placed.anchored  # shown apart, never on other text


def test_an_anchor_quote_found_elsewhere_is_attached_where_it_is(tmp_path: Path) -> None:
    src = STORE.sources()[0]
    at = src.text.index(QUOTE)
    anchor = {"source": src.id, "start": 0, "end": len(QUOTE), "quote": QUOTE,
              "prefix": "forged context", "suffix": "forged context"}
    bundle = read_bundle(_bundle(_note("n1", target=None, anchor=anchor)), STORE)
    [note] = bundle.notes
    assert note.anchor is not None
    assert (note.anchor.start, note.anchor.end, note.anchor.quote) == (at, at + len(QUOTE),
                                                                       QUOTE)
    assert note.anchor.prefix == src.text[max(0, at - 32):at]  # from the source, not the bundle
    assert bundle.moved == ("n1",)
    workspace, _ = open_workspace(tmp_path)
    assert "1 text note attached where its quote is now" in import_bundle(workspace,
                                                                         bundle).summary()


def test_an_anchor_quote_not_in_the_source_is_never_shown_as_source_text(tmp_path: Path
                                                                          ) -> None:
    src = STORE.sources()[0]
    forged = "The minister promised to resign tomorrow"
    assert forged not in src.text
    anchor = {"source": src.id, "start": 100, "end": 140, "quote": forged, "prefix": "",
              "suffix": ""}
    path = _write(tmp_path / "b.json", _note("n1", "Really?", target=None, anchor=anchor))
    result = run_cli("note", "import", str(path), "--workspace", str(tmp_path / "ws"))
    assert result.returncode == 0, result.stderr
    assert "1 text note whose quote is not in the source kept as unanchored note" in (
        result.stdout)
    workspace, _ = open_workspace(tmp_path / "ws")
    [placed] = place_notes(STORE, workspace.notes())
    assert not placed.anchored  # never attached to the text at 100-140, which it is not about
    exported = run_cli("export", "--output", str(tmp_path / "b.md"), "--workspace",
                       str(tmp_path / "ws"))
    assert exported.returncode == 0, exported.stderr
    md = (tmp_path / "b.md").read_text(encoding="utf-8")
    # Shown only in the unanchored section, as the note's own record, not as the source's.
    unanchored = md.index("Unanchored notes")
    assert md.index("The minister promised") > unanchored
    assert "is not in the current text" in md[unanchored:]


def test_build_db_does_not_create_a_missing_output_folder(tmp_path: Path) -> None:
    output = tmp_path / "no" / "such" / "briefing.db"
    result = run_cli("build-db", "--output", str(output))
    assert result.returncode == 1
    assert f"The folder {output.parent} does not exist" in result.stderr
    _one_line_clean(result)
    assert not (tmp_path / "no").exists()


def test_build_database_does_not_create_a_missing_output_folder(resources_copy: Path,
                                                                tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="does not exist"):
        build_database(resources_copy, tmp_path / "missing" / "briefing.db")
    assert not (tmp_path / "missing").exists()
