"""Search across everything, ranked as one list: the briefing's items and passages, the
analyst's own items and imported passages, and their notes (issue 16), each hit with the
matching words marked."""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path

from briefing_app.domain import ItemRef
from briefing_app.paths import bundled_database
from briefing_app.store.briefing import BriefingStore, fts_query
from briefing_app.store.search import (
    MARK_CLOSE,
    MARK_OPEN,
    bundled_hits,
    connect_read_only,
    database_file,
    note_hits,
    own_item_hits,
    own_passage_hits,
    search,
)
from briefing_app.store.view import BriefingView
from briefing_app.store.workspace import Note, open_workspace

STORE = BriefingStore(bundled_database())
FIXTURES = Path(__file__).parent / "fixtures"


def _note_ids(ws, query: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [h.id for h in search(STORE.connection, ws.connection, query).hits
            if h.kind == "note"]


def test_notes_are_found_with_their_words_marked_and_follow_every_change(
        tmp_path: Path) -> None:
    ws, _ = open_workspace(tmp_path / "ws")
    note = ws.add_note("Ask the ministry about the Chagai tailings dam.",
                       target=ItemRef("risk", "investment-climate"), tag="follow-up")
    [hit] = [h for h in search(STORE.connection, ws.connection, "tailings").hits
             if h.kind == "note"]
    assert hit.id == note.id and hit.title.startswith("Ask the ministry")
    assert f"{MARK_OPEN}tailings{MARK_CLOSE}" in hit.snippet
    assert _note_ids(ws, "follow") == [note.id]  # the tag is searched too

    ws.update_note(note.id, body="Ask about the smelter permits instead.")
    assert _note_ids(ws, "tailings") == []
    assert _note_ids(ws, "smelter permits") == [note.id]
    ws.delete_note(note.id)  # in the trash: not found
    assert _note_ids(ws, "smelter") == []
    ws.restore_note(note.id)
    assert _note_ids(ws, "smelter") == [note.id]
    ws.delete_note(note.id)
    ws.empty_trash()  # gone for good: nor in the index
    assert ws.connection.execute("SELECT count(*) FROM note_search WHERE note_search "
                                 "MATCH 'smelter'").fetchall()[0][0] == 0
    ws.import_notes([Note("bulk-1", "Imported: cobalt offtake clause", None, None, "", "",
                          "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z")])
    assert _note_ids(ws, "offtake") == ["bulk-1"]
    ws.close()


def test_notes_written_before_the_index_existed_are_found(tmp_path: Path) -> None:
    """The migration indexes the notes a workspace already holds (the first release's)."""
    folder = tmp_path / "old"
    folder.mkdir()
    shutil.copy2(FIXTURES / "workspace-v1.db", folder / "workspace.db")
    ws, _ = open_workspace(folder)
    assert _note_ids(ws, "two lines") == ["fixture-note-1"]
    assert _note_ids(ws, "trash") == []  # fixture-note-3 is in the trash
    ws.close()


def test_every_kind_is_ranked_in_one_list(tmp_path: Path) -> None:
    """The hits are the four indexes' hits merged by bm25 score, best first, not grouped by
    kind: the list equals the scored hits sorted, and the kinds interleave."""
    ws, _ = open_workspace(tmp_path / "ws")
    path = tmp_path / "wire.txt"
    path.write_text("Cobalt exports from Chagai rose.\n\nA second paragraph on cobalt "
                    "refining capacity and cobalt prices.", "utf-8")
    from briefing_app.readers import read_source

    ws.import_source(read_source(path))
    ws.add_note("Cobalt: check the refinery figure.", target=ItemRef("mineral", "cobalt"))
    match = fts_query("cobalt")
    scored = (bundled_hits(STORE.connection, match, 200)
              + own_item_hits(ws.connection, match, 200)
              + own_passage_hits(ws.connection, match, 200)[0]
              + note_hits(ws.connection, match, 200))
    expected = [h for _s, h in sorted(scored, key=lambda pair: pair[0])]
    found = search(STORE.connection, ws.connection, "cobalt").hits
    assert found == expected
    kinds = [h.kind for h in found]
    assert {"mineral", "passage", "note"} <= set(kinds)
    runs = sum(1 for a, b in itertools.pairwise(kinds) if a != b)
    assert runs >= 3  # not one block per kind
    assert all(h.snippet for h in found)  # every hit shows its words
    assert all(MARK_OPEN in h.snippet for h in found if h.kind != "source")
    ws.close()


def test_a_connection_of_its_own_sees_what_was_just_saved(tmp_path: Path) -> None:
    """The window's search thread reads with its own read-only connection: each query sees
    the workspace as last committed, the WAL included."""
    ws, _ = open_workspace(tmp_path / "ws")
    reader = connect_read_only(database_file(ws.connection))
    assert search(STORE.connection, reader, "smuggling").hits == []
    ws.add_note("Antimony smuggling route", target=ItemRef("risk", "investment-climate"))
    assert [h.kind for h in search(STORE.connection, reader, "smuggling").hits] == ["note"]
    ws.close()
    reader.close()


def test_the_view_and_the_store_agree(tmp_path: Path) -> None:
    ws, _ = open_workspace(tmp_path / "ws")
    view = BriefingView(STORE, ws)
    assert [h for h in view.search("Reko Diq") if h.kind != "note"] == STORE.search("Reko Diq")
    ws.close()
