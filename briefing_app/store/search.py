"""Full-text search over everything the analyst reads and writes, ranked as one list.

Four indexes answer a query: the briefing's items and source passages (the bundled
database's ``search_fts``), the analyst's own items (``own_search``), the passages of their
imported sources (``own_passage_search``) and their notes (``note_search``). Every index is
FTS5 and ranks by bm25, so their scores are merged into one list, best first, whatever the
kind (issue 16): an item whose title holds the words comes before a passage that mentions
them once. Every hit carries a snippet with the matching words between "‹" and "›".

The functions take connections, not stores, so the window can run a query on a worker
thread with connections of its own (``connect_read_only``) while the GUI thread keeps
typing responsive; ``BriefingView.search`` runs the same code on the stores' connections.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from ..domain import SearchHit
from .briefing import fts_query

#: Passages of imported sources are ranked only while at most this many match: ranking
#: costs time in proportion to the matches, and a broader query (two letters over fifty long
#: reports) is given in source order instead, which the window says.
RANK_AT_MOST = 2000
#: Marks around the matching words in a snippet (the window shows them in bold).
MARK_OPEN, MARK_CLOSE, ELLIPSIS = "\u2039", "\u203a", "\u2026"
_SNIPPET = f"'{MARK_OPEN}', '{MARK_CLOSE}', '{ELLIPSIS}', 12"
#: An unranked passage (a broad query) sorts after every ranked hit.
UNRANKED = 0.0


@dataclass
class SearchResults:
    """The hits, best first across kinds; how many more imported passages matched than were
    returned, and whether so many matched that they are in source order (``broad``)."""

    hits: list[SearchHit] = field(default_factory=list)
    more_passages: int = 0
    broad: bool = False


def connect_read_only(path: Path) -> sqlite3.Connection:
    """A connection of one's own to a database another connection writes (WAL): read-only,
    never ``immutable`` (that would miss what is still in the WAL)."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True,
                           check_same_thread=False)
    conn.execute("PRAGMA busy_timeout = 2000")
    return conn


def database_file(conn: sqlite3.Connection) -> Path | None:
    """The file a connection's main database lives in (None for an in-memory one)."""
    for _seq, name, file in conn.execute("PRAGMA database_list"):
        if name == "main":
            return Path(file) if file else None
    return None


def search(bundled: sqlite3.Connection, workspace: sqlite3.Connection | None, query: str,
           limit: int = 200, passage_limit: int | None = None) -> SearchResults:
    """Every kind of hit for what the user typed (any text is safe), best first.

    ``limit`` caps each index's hits; ``passage_limit`` returns fewer passages of imported
    sources (a window drawing the first rows need not make snippets for the rest), and
    ``more_passages`` counts those left out (up to ``RANK_AT_MOST``)."""
    match = fts_query(query)
    results = SearchResults()
    if not match:
        return results
    scored = bundled_hits(bundled, match, limit)
    if workspace is not None:
        try:
            scored += own_item_hits(workspace, match, limit)
            passages, matched, broad = own_passage_hits(
                workspace, match, limit if passage_limit is None else passage_limit)
            scored += passages
            scored += note_hits(workspace, match, limit)
        except sqlite3.OperationalError:  # a workspace from before an index existed
            passages, matched, broad = [], 0, False
        results.broad = broad
        results.more_passages = max(0, matched - len(passages))
    # bm25 scores are negative, the better the lower; a stable sort keeps each index's order
    # among equal scores (and unranked passages, scored 0, after every ranked hit).
    scored.sort(key=lambda pair: pair[0])
    results.hits = [hit for _score, hit in scored]
    return results


Scored = list[tuple[float, SearchHit]]


def bundled_hits(conn: sqlite3.Connection, match: str, limit: int) -> Scored:
    """The briefing's items and source passages; a word in a title weighs four times one in
    the body."""
    rows = conn.execute(
        "SELECT bm25(search_fts, 4.0, 1.0), s.kind, s.item_id, s.title, "
        f"snippet(search_fts, 1, {_SNIPPET}), s.source_id, s.start, s.end "
        "FROM search_fts JOIN search s ON s.rowid = search_fts.rowid "
        "WHERE search_fts MATCH ? ORDER BY bm25(search_fts, 4.0, 1.0) LIMIT ?",
        (match, limit)).fetchall()
    return [(float(r[0]), SearchHit(r[1], r[2], r[3], r[4] or "", r[5] or "", r[6] or 0,
                                    r[7] or 0)) for r in rows]


def own_item_hits(conn: sqlite3.Connection, match: str, limit: int) -> Scored:
    """The analyst's own items (trashed ones are not in the index)."""
    rows = conn.execute(
        "SELECT bm25(own_search, 0, 0, 0, 0, 0, 4.0, 1.0), kind, ref, title, "
        f"snippet(own_search, 6, {_SNIPPET}) FROM own_search WHERE own_search MATCH ? "
        "ORDER BY bm25(own_search, 0, 0, 0, 0, 0, 4.0, 1.0) LIMIT ?", (match, limit)).fetchall()
    return [(float(r[0]), SearchHit(str(r[1]), str(r[2]), str(r[3] or ""), str(r[4] or "")))
            for r in rows]


def own_passage_hits(conn: sqlite3.Connection, match: str,
                     limit: int) -> tuple[Scored, int, bool]:
    """Passages of imported sources not in the trash: the hits, how many match in all
    (counted up to ``RANK_AT_MOST + 1``) and whether that is too many to rank."""
    # (fetchall, not fetchone: a statement left unfinished would keep a read transaction
    # open, and a worker's connection would go on seeing the workspace as it was.)
    matched = int(conn.execute(
        "SELECT count(*) FROM (SELECT rowid FROM own_passage_search WHERE "
        "own_passage_search MATCH ? LIMIT ?)", (match, RANK_AT_MOST + 1)).fetchall()[0][0])
    broad = matched > RANK_AT_MOST
    score = f"{UNRANKED}" if broad else "f.rank"
    order = "" if broad else "ORDER BY f.rank"
    rows = conn.execute(
        f"SELECT {score}, p.id, p.source_id, p.start, p.end, s.title, "
        f"snippet(own_passage_search, 0, {_SNIPPET}) "
        "FROM own_passage_search f JOIN own_passages p ON p.n = f.rowid "
        "JOIN own_sources s ON s.id = p.source_id "
        f"WHERE own_passage_search MATCH ? AND s.deleted_at IS NULL {order} LIMIT ?",
        (match, limit)).fetchall()
    hits = [(float(r[0]), SearchHit("passage", str(r[1]), str(r[5]), str(r[6] or ""),
                                    str(r[2]), int(r[3]), int(r[4]))) for r in rows]
    return hits, matched, broad


def note_hits(conn: sqlite3.Connection, match: str, limit: int) -> Scored:
    """The analyst's notes not in the trash. A hit's id is the note's; its title the note's
    first line; its source and range those of the passage it annotates, if any."""
    rows = conn.execute(
        "SELECT bm25(note_search), n.id, n.body, "
        f"snippet(note_search, -1, {_SNIPPET}), n.source_id, n.start, n.end "
        "FROM note_search f JOIN notes n ON n.rowid = f.rowid "
        "WHERE note_search MATCH ? AND n.deleted_at IS NULL ORDER BY bm25(note_search) "
        "LIMIT ?", (match, limit)).fetchall()
    return [(float(r[0]), SearchHit("note", str(r[1]), first_line(str(r[2] or "")),
                                    str(r[3] or ""), str(r[4] or ""), int(r[5] or 0),
                                    int(r[6] or 0))) for r in rows]


def first_line(text: str, width: int = 80) -> str:
    line = " ".join(text.strip().split("\n", 1)[0].split())
    return line if len(line) <= width else line[:width - 1] + ELLIPSIS
