"""The build: shipped inputs give a complete, deterministic, source-traced database."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from briefing_app.dataset.database import build_database, compare_databases
from briefing_app.dataset.inputs import load_inputs
from briefing_app.text import split_passages

from .conftest import RESOURCES, SHIPPED_DB, run_cli


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("build") / "briefing.db"
    build_database(RESOURCES, out)
    return out


def q(db: Path, sql: str, *params: object) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, params).fetchall()


def test_two_builds_are_byte_identical(built: Path, tmp_path: Path) -> None:
    again = tmp_path / "again.db"
    build_database(RESOURCES, again)
    assert built.read_bytes() == again.read_bytes()


def test_shipped_database_is_up_to_date(built: Path) -> None:
    assert compare_databases(SHIPPED_DB, built) == []
    result = run_cli("build-db", "--check")
    assert result.returncode == 0, result.stderr
    assert "up to date" in result.stdout


def test_check_reports_what_is_stale(resources_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "briefing.db"
    build_database(resources_copy, out)
    benefits = resources_copy / "records" / "benefits.toml"
    benefits.write_text(benefits.read_text(encoding="utf-8").replace(
        "Economic development", "Economic  development", 1), encoding="utf-8")
    result = run_cli("build-db", "--check", "--resources", str(resources_copy),
                     "--output", str(out))
    assert result.returncode == 1
    assert "stale" in result.stderr
    assert "input changed since the last build: records/benefits.toml" in result.stderr
    assert "table benefits has different contents" in result.stderr


def test_minimum_contents(built: Path) -> None:
    counts = dict(q(built, "SELECT kind, count(*) FROM items GROUP BY kind"))
    assert counts["event"] >= 25
    assert counts["mineral"] >= 8
    assert counts["region"] >= 2
    assert counts["risk"] >= 6
    assert counts["benefit"] == 4
    assert 4 <= counts["judgment"] <= 6
    assert counts["era"] >= 1
    assert counts["source"] >= 1
    names = {r[0] for r in q(built, "SELECT name FROM regions")}
    assert {"Balochistan", "Khyber Pakhtunkhwa"} <= names
    minerals = {r[0] for r in q(built, "SELECT id FROM minerals")}
    assert {"copper", "gold", "rare-earths", "antimony", "chromite", "tungsten",
            "lignite"} <= minerals
    projects = {r[0] for r in q(built, "SELECT id FROM projects")}
    assert {"reko-diq", "saindak"} <= projects


def test_every_item_is_traceable(built: Path) -> None:
    untraced = q(built, """
        SELECT kind, id FROM items WHERE kind != 'source' AND NOT EXISTS (
          SELECT 1 FROM provenance p WHERE p.item_kind = items.kind AND p.item_id = items.id)""")
    assert untraced == []


def test_quotes_point_at_their_exact_place_in_the_source(built: Path) -> None:
    rows = q(built, """
        SELECT p.quote, p.start, p.end, s.text, ps.start, ps.end
        FROM provenance p JOIN sources s ON s.id = p.source_id
        JOIN passages ps ON ps.id = p.passage_id WHERE p.kind = 'quote'""")
    assert rows
    for quote, start, end, text, p_start, p_end in rows:
        assert text[start:end] == quote
        assert p_start <= start < p_end


def test_citations_are_complete(built: Path) -> None:
    rows = q(built, "SELECT id, title, publisher, url FROM citations")
    assert len(rows) > 20
    for ident, title, publisher, url in rows:
        assert title and publisher, ident
        assert url.startswith(("http://", "https://")), ident
    dangling = q(built, """SELECT item_kind, item_id, citation_id FROM provenance
        WHERE kind = 'citation' AND citation_id NOT IN (SELECT id FROM citations)""")
    assert dangling == []


def test_every_claim_of_the_source_article_is_in_the_records(built: Path) -> None:
    """Each paragraph and list item of the article is quoted by at least one record."""
    uncovered = q(built, """
        SELECT ps.text FROM passages ps WHERE ps.role = 'body' AND NOT EXISTS (
          SELECT 1 FROM provenance p WHERE p.passage_id = ps.id)""")
    assert uncovered == []


def test_source_text_is_kept_byte_exact() -> None:
    seed = RESOURCES / "sources" / "us-seeks-pakistan-minerals.txt"
    inputs = load_inputs(RESOURCES)
    doc = next(d for d in inputs.sources if d.id == "us-seeks-pakistan-minerals")
    assert doc.text.encode("utf-8") == seed.read_bytes()
    assert doc.title.startswith("US Seeks Pakistan Partnership")
    assert doc.meta["kind"] == "news article"
    assert "publisher" not in doc.meta and "date" not in doc.meta


def test_passages_split_lines_with_offsets() -> None:
    text = "Title line\n\nA heading\n\nBody text here.\n  \u2022 Bullet: item one\n  1. Numbered\n"
    spans = split_passages(text)
    assert [text[s.start:s.end] for s in spans] == [
        "Title line", "A heading", "Body text here.", "\u2022 Bullet: item one", "1. Numbered"]
    assert [s.role for s in spans] == ["title", "heading", "body", "body", "body"]


def test_more_source_documents_are_picked_up(resources_copy: Path, tmp_path: Path) -> None:
    src = resources_copy / "sources"
    (src / "extra-note.txt").write_text("Extra note\n\nA second document about chromite.\n",
                                        encoding="utf-8")
    (src / "extra-note.toml").write_text('kind = "analyst memo"\n', encoding="utf-8")
    out = tmp_path / "b.db"
    build_database(resources_copy, out)
    assert q(out, "SELECT title, kind FROM sources WHERE id = 'extra-note'") == [
        ("Extra note", "analyst memo")]
    hits = q(out, "SELECT item_id FROM search_fts JOIN search s ON s.rowid = search_fts.rowid "
                  "WHERE search_fts MATCH 'chromite' AND s.kind = 'passage'")
    assert ("extra-note/p2",) in hits


def test_region_areas_are_measured_beside_the_cited_ones(built: Path) -> None:
    for name, cited, measured in q(built, "SELECT name, area_km2, area_km2_measured "
                                          "FROM regions"):
        assert measured > 10_000, name
        if cited:
            assert abs(measured - cited) / cited < 0.1, (name, cited, measured)


def test_fts_index_covers_items_and_passages(built: Path) -> None:
    kinds = {r[0] for r in q(built, "SELECT s.kind FROM search_fts JOIN search s "
                                    "ON s.rowid = search_fts.rowid WHERE search_fts MATCH 'reko'")}
    assert "passage" not in kinds  # the article does not name Reko Diq
    assert "project" in kinds and "event" in kinds
    kinds = {r[0] for r in q(built, "SELECT s.kind FROM search_fts JOIN search s "
                                    "ON s.rowid = search_fts.rowid WHERE search_fts MATCH 'cpec'")}
    assert "passage" in kinds


def test_foreign_keys_hold(built: Path) -> None:
    assert q(built, "PRAGMA foreign_key_check") == []
    meta = dict(q(built, "SELECT key, value FROM meta"))
    assert meta["schema_version"] == "2"
    assert len(meta["content_hash"]) == 64


def test_quote_finder_agrees_with_trying_each_source() -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from briefing_app.dataset.inputs import QuoteFinder, SourceDoc

    docs = [SourceDoc(f"d{i}", f"d{i}.txt", text, {}, []) for i, text in enumerate((
        "alpha beta gamma, delta-epsilon. Zeta", "beta gamma delta", "gamma; alpha beta"))]
    finder = QuoteFinder(docs)

    @settings(max_examples=300, deadline=None)
    @given(st.sampled_from(docs), st.integers(0, 40), st.integers(1, 40))
    def check(doc: SourceDoc, start: int, length: int) -> None:
        quote = doc.text[start:start + length]
        if not quote:
            return
        expected = next(((d.id, d.text.find(quote)) for d in docs if quote in d.text), None)
        span = finder.find(quote)
        assert (span.source_id, span.start) == expected if span else expected is None

    check()
    assert finder.find("not there") is None
