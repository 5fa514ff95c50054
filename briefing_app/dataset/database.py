"""Write the bundled briefing database from checked inputs (sqlite-utils), and compare builds.

``_write`` lays out the schema through one function per table group: inputs, sources and
passages, citations, map data, overview records, geography, timeline, risks, provenance and the
search index (FTS5), then ``meta``. The output is deterministic: the same inputs give a
byte-identical file.
"""

from __future__ import annotations

import calendar
import hashlib
import json
import os
import sqlite3
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlite_utils

from ..paths import checksum_file
from .geo import polygons_area_km2, polygons_centroid
from .inputs import Inputs, Record, load_inputs
from .schema import KINDS

# 2: the quotes' supporting words, the overview's question, assumptions, outcomes, indicators.
SCHEMA_VERSION = 2


@dataclass(frozen=True)
class BuildReport:
    path: Path
    content_hash: str
    counts: dict[str, int]
    size: int


Records = dict[str, list[Record]]
Rows = list[dict[str, Any]]
#: Columns every curated-record table starts with.
TEXT_COLS: dict[str, type] = {"id": str, "seq": int, "caveat": str}


def _period(iso: str) -> tuple[str, str, str]:
    """(precision, first day, last day) of a partial ISO date."""
    parts = [int(p) for p in iso.split("-")]
    if len(parts) == 1:
        return "year", f"{parts[0]:04d}-01-01", f"{parts[0]:04d}-12-31"
    if len(parts) == 2:
        last = calendar.monthrange(parts[0], parts[1])[1]
        return ("month", f"{parts[0]:04d}-{parts[1]:02d}-01",
                f"{parts[0]:04d}-{parts[1]:02d}-{last:02d}")
    return "day", iso, iso


def _item_text(record: Record, fields: Iterable[str]) -> str:
    parts: list[str] = []
    for name in fields:
        value = record.data.get(name)
        if isinstance(value, list):
            parts.extend(str(v) for v in value)
        elif value is not None and name not in ("id", "quote", "cite"):
            parts.append(str(value))
    return "\n".join(parts)


def _rows(records: list[Record], columns: list[str]) -> list[dict[str, Any]]:
    out = []
    for seq, record in enumerate(records, start=1):
        row: dict[str, Any] = {"id": record.id, "seq": seq}
        for col in columns:
            row[col] = record.data.get(col)
        row["caveat"] = record.data.get("caveat", "")
        out.append(row)
    return out


def _write(db: sqlite_utils.Database, inputs: Inputs) -> dict[str, int]:
    """The whole schema, one table group at a time (the order fixes the file's bytes)."""
    recs = inputs.records
    _write_inputs(db, inputs)
    passage_rows = _write_sources(db, inputs)
    _write_citations(db, recs["citation"])
    measured = _write_map(db, inputs)
    _write_overview(db, recs)
    _write_geography(db, recs, measured)
    _write_timeline(db, recs)
    _write_risks(db, recs)
    _write_method(db, recs)
    item_rows, prov_rows = _write_provenance(db, inputs, passage_rows)
    _write_search(db, inputs, item_rows, prov_rows, passage_rows)

    counts = {kind: len(rows) for kind, rows in recs.items()}
    counts["source"] = len(inputs.sources)
    counts["passage"] = len(passage_rows)
    db.table("meta").insert_all([
        {"key": "schema_version", "value": str(SCHEMA_VERSION)},
        {"key": "content_hash", "value": inputs.content_hash()},
        {"key": "counts", "value": json.dumps(counts, sort_keys=True)},
    ])
    return counts


def _write_inputs(db: sqlite_utils.Database, inputs: Inputs) -> None:
    """``meta`` (filled last) and the hash of every input file, for ``build-db --check``."""
    db.table("meta").create({"key": str, "value": str}, pk="key")
    db.table("inputs").create({"path": str, "sha256": str}, pk="path")
    db.table("inputs").insert_all(
        [{"path": p, "sha256": h} for p, h in sorted(inputs.file_hashes.items())]
    )


def _write_sources(db: sqlite_utils.Database, inputs: Inputs) -> Rows:
    """Source documents and their numbered passages; returns the passage rows."""
    db.table("sources").create(
        {"id": str, "seq": int, "title": str, "kind": str, "publisher": str, "author": str,
         "date": str, "url": str, "origin": str, "file": str, "sha256": str, "text": str},
        pk="id",
    )
    db.table("passages").create(
        {"id": str, "source_id": str, "seq": int, "start": int, "end": int, "role": str,
         "text": str},
        pk="id", foreign_keys=[("source_id", "sources", "id")],
    )
    passage_rows: Rows = []
    for seq, doc in enumerate(inputs.sources, start=1):
        meta = doc.meta
        db.table("sources").insert({
            "id": doc.id, "seq": seq, "title": doc.title, "kind": meta.get("kind", ""),
            "publisher": meta.get("publisher", ""), "author": meta.get("author", ""),
            "date": meta.get("date", ""), "url": meta.get("url", ""),
            "origin": meta.get("origin", ""), "file": doc.file,
            "sha256": inputs.file_hashes[doc.file], "text": doc.text,
        })
        for p in doc.passages:
            passage_rows.append({
                "id": f"{doc.id}/p{p.seq}", "source_id": doc.id, "seq": p.seq,
                "start": p.start, "end": p.end, "role": p.role,
                "text": doc.text[p.start:p.end],
            })
    db.table("passages").insert_all(passage_rows)
    db.table("passages").create_index(["source_id", "seq"])
    return passage_rows


def _write_citations(db: sqlite_utils.Database, citations: list[Record]) -> None:
    db.table("citations").create(
        {"id": str, "seq": int, "title": str, "publisher": str, "date": str, "url": str,
         "fact": str, "note": str},
        pk="id",
    )
    db.table("citations").insert_all([
        {"id": r.id, "seq": i, "title": r.data["title"], "publisher": r.data["publisher"],
         "date": r.data.get("date", ""), "url": r.data["url"], "fact": r.data["fact"],
         "note": r.data.get("note", "")}
        for i, r in enumerate(citations, start=1)
    ])


def _write_map(db: sqlite_utils.Database,
               inputs: Inputs) -> dict[str, tuple[float, float, float]]:
    """Places (gazetteer) and boundaries; returns each boundary's measured area and centroid."""
    db.table("places").create(
        {"name": str, "lat": float, "lon": float, "admin1": str, "source": str,
         "source_id": str},
        pk="name",
    )
    db.table("places").insert_all(sorted(inputs.places.values(), key=lambda p: p["name"]))
    db.table("boundaries").create(
        {"name": str, "seq": int, "kind": str, "area_km2": float, "centroid_lat": float,
         "centroid_lon": float, "geometry": str},
        pk="name",
    )
    measured: dict[str, tuple[float, float, float]] = {}
    for seq, b in enumerate(inputs.boundaries, start=1):
        area = round(polygons_area_km2(b["polygons"]), 0)
        lat, lon = polygons_centroid(b["polygons"])
        measured[b["name"]] = (area, round(lat, 4), round(lon, 4))
        db.table("boundaries").insert({
            "name": b["name"], "seq": seq, "kind": b["kind"], "area_km2": area,
            "centroid_lat": round(lat, 4), "centroid_lon": round(lon, 4),
            "geometry": json.dumps(b["polygons"], separators=(",", ":")),
        })
    return measured


def _write_analysis(db: sqlite_utils.Database, recs: Records) -> None:
    """Key assumptions, alternative outcomes and indicators. Their lists of ids are written
    space-separated (ids are slugs): the Overview reads them before the first paint, where
    the json module is not imported."""
    lists = ("judgments", "events", "figures")
    for table, kind, columns in (
            ("assumptions", "assumption", ["text", "basis", "if_wrong", "judgments"]),
            ("outcomes", "outcome", ["title", "estimative", "text", "basis", "events",
                                     "figures"]),
            ("indicators", "indicator", ["judgment", "direction", "text", "events",
                                         "figures"])):
        db.table(table).create(TEXT_COLS | {c: str for c in columns}, pk="id")
        rows = _rows(recs[kind], columns)
        for row in rows:
            for c in lists:
                if c in row:
                    row[c] = " ".join(row[c] or [])
        db.table(table).insert_all(rows)


def _write_overview(db: sqlite_utils.Database, recs: Records) -> None:
    """The Overview tab's records: bottom line, judgments, key figures, actors."""
    db.table("overview").create(
        {"id": str, "title": str, "bluf": str, "question": str, "caveat": str}, pk="id")
    db.table("overview").insert_all(
        [{"id": r.id, "title": r.data["title"], "bluf": r.data["bluf"],
          "question": r.data["question"], "caveat": r.data.get("caveat", "")}
         for r in recs["overview"]]
    )
    db.table("judgments").create(
        TEXT_COLS | {"estimative": str, "confidence": str, "text": str, "basis": str}, pk="id"
    )
    db.table("judgments").insert_all(
        _rows(recs["judgment"], ["estimative", "confidence", "text", "basis"])
    )
    _write_analysis(db, recs)
    db.table("figures").create(
        TEXT_COLS | {"label": str, "value": float, "value_high": float, "unit": str,
                     "measures": str, "as_of": str, "chart_series": str, "chart_label": str},
        pk="id",
    )
    db.table("figures").insert_all(_rows(
        recs["figure"],
        ["label", "value", "value_high", "unit", "measures", "as_of", "chart_series",
         "chart_label"],
    ))
    db.table("actors").create(
        TEXT_COLS | {"name": str, "short": str, "kind": str, "description": str}, pk="id"
    )
    db.table("actors").insert_all(_rows(recs["actor"], ["name", "short", "kind", "description"]))


def _write_geography(db: sqlite_utils.Database, recs: Records,
                     measured: dict[str, tuple[float, float, float]]) -> None:
    """Regions (with measured area and centroid), minerals, projects and their links."""
    db.table("regions").create(
        TEXT_COLS | {"name": str, "kind": str, "capital": str, "boundary": str,
                     "area_km2": float, "area_km2_measured": float, "centroid_lat": float,
                     "centroid_lon": float, "description": str},
        pk="id",
        foreign_keys=[("capital", "places", "name"), ("boundary", "boundaries", "name")],
    )
    region_rows = _rows(recs["region"], ["name", "kind", "capital", "boundary", "area_km2",
                                         "description"])
    for row in region_rows:
        area, lat, lon = measured[row["boundary"]]
        row |= {"area_km2_measured": area, "centroid_lat": lat, "centroid_lon": lon}
    db.table("regions").insert_all(region_rows)

    db.table("minerals").create(
        TEXT_COLS | {"name": str, "uses": str, "strategic": str, "occurrence": str}, pk="id"
    )
    db.table("minerals").insert_all(
        _rows(recs["mineral"], ["name", "uses", "strategic", "occurrence"])
    )
    db.table("region_minerals").create(
        {"region_id": str, "mineral_id": str}, pk=("region_id", "mineral_id"),
        foreign_keys=[("region_id", "regions", "id"), ("mineral_id", "minerals", "id")],
    )
    db.table("region_minerals").insert_all(
        [{"region_id": region, "mineral_id": r.id}
         for r in recs["mineral"] for region in r.data.get("regions", [])]
    )

    db.table("projects").create(
        TEXT_COLS | {"name": str, "region_id": str, "operator_id": str, "place": str,
                     "place_note": str, "status": str, "description": str},
        pk="id",
        foreign_keys=[("region_id", "regions", "id"), ("operator_id", "actors", "id"),
                      ("place", "places", "name")],
    )
    project_rows = _rows(recs["project"], ["name", "region", "operator", "place", "place_note",
                                           "status", "description"])
    for row in project_rows:
        row["region_id"] = row.pop("region")
        row["operator_id"] = row.pop("operator")
    db.table("projects").insert_all(project_rows)
    db.table("project_minerals").create(
        {"project_id": str, "mineral_id": str}, pk=("project_id", "mineral_id"),
        foreign_keys=[("project_id", "projects", "id"), ("mineral_id", "minerals", "id")],
    )
    db.table("project_minerals").insert_all(
        [{"project_id": r.id, "mineral_id": m} for r in recs["project"]
         for m in r.data["minerals"]]
    )


def _write_timeline(db: sqlite_utils.Database, recs: Records) -> None:
    """Events (with the period their date precision covers), their actors, and eras."""
    db.table("events").create(
        TEXT_COLS | {"date": str, "precision": str, "start_date": str, "end_date": str,
                     "date_note": str, "title": str, "summary": str, "category": str,
                     "lane": str},
        pk="id", foreign_keys=[("lane", "actors", "id")],
    )
    event_rows = _rows(recs["event"], ["date", "date_note", "title", "summary", "category",
                                       "lane"])
    for row in event_rows:
        precision, first, last = _period(row["date"])
        row |= {"precision": precision, "start_date": first, "end_date": last}
    db.table("events").insert_all(event_rows)
    db.table("event_actors").create(
        {"event_id": str, "actor_id": str}, pk=("event_id", "actor_id"),
        foreign_keys=[("event_id", "events", "id"), ("actor_id", "actors", "id")],
    )
    db.table("event_actors").insert_all(
        [{"event_id": r.id, "actor_id": a} for r in recs["event"]
         for a in dict.fromkeys(r.data["actors"])]
    )
    db.table("eras").create(
        TEXT_COLS | {"title": str, "start": str, "end": str, "start_date": str,
                     "end_date": str, "lane": str, "description": str},
        pk="id", foreign_keys=[("lane", "actors", "id")],
    )
    era_rows = _rows(recs["era"], ["title", "start", "end", "lane", "description"])
    for row in era_rows:
        row["start_date"] = _period(row["start"])[1]
        row["end_date"] = _period(row["end"])[2] if row["end"] else None
    db.table("eras").insert_all(era_rows)


def _write_risks(db: sqlite_utils.Database, recs: Records) -> None:
    """Benefits and risks (indicators and mitigations as JSON lists)."""
    db.table("benefits").create(TEXT_COLS | {"title": str, "description": str}, pk="id")
    db.table("benefits").insert_all(_rows(recs["benefit"], ["title", "description"]))
    db.table("risks").create(
        TEXT_COLS | {"title": str, "description": str, "likelihood": int, "impact": int,
                     "justification": str, "indicators": str, "mitigations": str},
        pk="id",
    )
    risk_rows = _rows(recs["risk"], ["title", "description", "likelihood", "impact",
                                     "justification", "indicators", "mitigations"])
    for row in risk_rows:
        row["indicators"] = json.dumps(row["indicators"], ensure_ascii=False)
        row["mitigations"] = json.dumps(row["mitigations"], ensure_ascii=False)
    db.table("risks").insert_all(risk_rows)


def _write_method(db: sqlite_utils.Database, recs: Records) -> None:
    """How the briefing expresses probability: each estimative word and its range (cited)."""
    db.table("estimative_scale").create(
        TEXT_COLS | {"word": str, "synonym": str, "low": float, "high": float}, pk="id"
    )
    db.table("estimative_scale").insert_all(
        _rows(recs["estimative"], ["word", "synonym", "low", "high"]))


def _write_provenance(db: sqlite_utils.Database, inputs: Inputs,
                      passage_rows: Rows) -> tuple[Rows, Rows]:
    """Every annotatable item and what each rests on: a quoted passage, with the record's words
    it supports, or a citation."""
    recs = inputs.records
    db.table("items").create(
        {"kind": str, "id": str, "seq": int, "title": str, "text": str}, pk=("kind", "id")
    )
    db.table("provenance").create(
        {"item_kind": str, "item_id": str, "seq": int, "kind": str, "source_id": str,
         "passage_id": str, "start": int, "end": int, "quote": str, "supports": str,
         "citation_id": str},
        pk=("item_kind", "item_id", "seq"),
        foreign_keys=[("source_id", "sources", "id"), ("passage_id", "passages", "id"),
                      ("citation_id", "citations", "id")],
    )
    passages_by_source: dict[str, Rows] = {}
    for row in passage_rows:
        passages_by_source.setdefault(row["source_id"], []).append(row)

    def passage_at(source_id: str, offset: int) -> str | None:
        for row in passages_by_source.get(source_id, []):
            if row["start"] <= offset < row["end"]:
                return str(row["id"])
        return None

    item_rows: Rows = []
    prov_rows: Rows = []
    for kind_name, kind in KINDS.items():
        if kind_name == "citation":
            continue
        fields = list(kind.fields)
        for seq, record in enumerate(recs[kind_name], start=1):
            title = str(record.data[kind.title])
            if kind.item:  # reference data (the estimative scale) is cited but not an item
                item_rows.append({"kind": kind_name, "id": record.id, "seq": seq,
                                  "title": title,
                                  "text": _item_text(record, [*fields, "caveat"])})
            n = 0
            # load_inputs guarantees every quote was found and has its ``supports`` entry
            for (quote, span), supports in zip(record.quotes, record.supports(), strict=True):
                assert span is not None
                n += 1
                prov_rows.append({
                    "item_kind": kind_name, "item_id": record.id, "seq": n, "kind": "quote",
                    "source_id": span.source_id, "passage_id": passage_at(span.source_id,
                                                                          span.start),
                    "start": span.start, "end": span.end, "quote": quote,
                    "supports": " ".join(supports.split()), "citation_id": None,
                })
            for cite in record.data.get("cite", []):
                n += 1
                prov_rows.append({
                    "item_kind": kind_name, "item_id": record.id, "seq": n,
                    "kind": "citation", "source_id": None, "passage_id": None, "start": None,
                    "end": None, "quote": None, "supports": None, "citation_id": cite,
                })
    for seq, doc in enumerate(inputs.sources, start=1):
        item_rows.append({"kind": "source", "id": doc.id, "seq": seq, "title": doc.title,
                          "text": str(doc.meta.get("kind", ""))})
    db.table("items").insert_all(item_rows)
    db.table("provenance").insert_all(prov_rows)
    db.table("provenance").create_index(["passage_id"])
    return item_rows, prov_rows


def _write_search(db: sqlite_utils.Database, inputs: Inputs, item_rows: Rows, prov_rows: Rows,
                  passage_rows: Rows) -> None:
    """The search index over items (with the words they quote) and passages (FTS5)."""
    db.table("search").create(
        {"rowid": int, "kind": str, "item_id": str, "source_id": str, "start": int,
         "end": int, "title": str, "body": str},
        pk="rowid",
    )
    # An item is also found by the words of the passages it quotes.
    quoted: dict[tuple[str, str], list[str]] = {}
    for prov in prov_rows:
        if prov["kind"] == "quote":
            quoted.setdefault((prov["item_kind"], prov["item_id"]), []).append(prov["quote"])
    search_rows: Rows = []
    for row in item_rows:
        body = row["text"] if row["kind"] != "source" else ""
        body = "\n".join([body, *quoted.get((row["kind"], row["id"]), [])])
        search_rows.append({"kind": row["kind"], "item_id": row["id"], "source_id": None,
                            "start": None, "end": None, "title": row["title"], "body": body})
    titles = {doc.id: doc.title for doc in inputs.sources}
    for row in passage_rows:
        search_rows.append({"kind": "passage", "item_id": row["id"],
                            "source_id": row["source_id"], "start": row["start"],
                            "end": row["end"], "title": titles[row["source_id"]],
                            "body": row["text"]})
    for i, row in enumerate(search_rows, start=1):
        row["rowid"] = i
    db.table("search").insert_all(search_rows)
    # FTS5 by hand rather than enable_fts: the prefix index (2- and 3-letter prefixes) keeps
    # search-as-you-type fast on large briefings, and sqlite-utils has no option for it.
    db.execute(
        "CREATE VIRTUAL TABLE search_fts USING fts5(title, body, content='search', "
        "content_rowid='rowid', tokenize='porter unicode61 remove_diacritics 2', "
        "prefix='2 3')")
    db.execute("INSERT INTO search_fts (search_fts) VALUES ('rebuild')")


def build_database(resources: Path, output: Path) -> BuildReport:
    """Check the inputs, write a new database beside ``output``, then swap it in atomically.

    On any problem the previous database at ``output`` is left untouched.
    """
    inputs = load_inputs(resources)
    if not output.parent.is_dir():  # never create folders for a mistyped output path
        raise FileNotFoundError(f"The folder {output.parent} does not exist")
    fd, tmp_name = tempfile.mkstemp(prefix=f".{output.name}.", suffix=".tmp", dir=output.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        tmp.unlink()
        conn = sqlite3.connect(tmp)
        try:
            db = sqlite_utils.Database(conn)
            with db.atomic():
                counts = _write(db, inputs)
            db.vacuum()
        finally:
            conn.close()
        os.chmod(tmp, 0o644)
        digest = hashlib.sha256(tmp.read_bytes()).hexdigest()
        os.replace(tmp, output)
        _write_checksum(output, digest)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    data = output.read_bytes()
    return BuildReport(output, inputs.content_hash(), counts, len(data))


def _write_checksum(output: Path, digest: str) -> None:
    """The database's SHA-256 beside it (sha256sum's format): the app checks the database
    against it at start-up, so a changed or damaged file is never shown as the briefing."""
    target = checksum_file(output)
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_text(f"{digest}  {output.name}\n", encoding="ascii")
    os.chmod(tmp, 0o644)
    os.replace(tmp, target)


def _table_digest(conn: sqlite3.Connection, table: str) -> str:
    h = hashlib.sha256()
    for row in conn.execute(f'SELECT * FROM "{table}" ORDER BY 1, 2'):
        h.update(repr(row).encode())
    return h.hexdigest()


def compare_databases(shipped: Path, fresh: Path) -> list[str]:
    """What differs between the shipped database and a fresh build (empty: up to date),
    including the checksum file shipped beside it."""
    if not shipped.exists():
        return [f"{shipped} does not exist"]
    digest = hashlib.sha256(shipped.read_bytes()).hexdigest()
    try:
        listed = checksum_file(shipped).read_text(encoding="ascii").split()[0]
    except (OSError, IndexError, UnicodeDecodeError):
        listed = ""
    if listed != digest:
        return [f"{checksum_file(shipped).name} is missing or does not match {shipped.name}"]
    if shipped.read_bytes() == fresh.read_bytes():
        return []
    diffs: list[str] = []
    try:
        old = sqlite3.connect(f"file:{shipped}?mode=ro", uri=True)
        new = sqlite3.connect(f"file:{fresh}?mode=ro", uri=True)
        old_inputs = dict(old.execute("SELECT path, sha256 FROM inputs").fetchall())
        new_inputs = dict(new.execute("SELECT path, sha256 FROM inputs").fetchall())
    except sqlite3.DatabaseError as exc:
        return [f"{shipped} cannot be read as a briefing database ({exc})"]
    for path in sorted(set(old_inputs) | set(new_inputs)):
        if path not in old_inputs:
            diffs.append(f"input added since the last build: {path}")
        elif path not in new_inputs:
            diffs.append(f"input removed since the last build: {path}")
        elif old_inputs[path] != new_inputs[path]:
            diffs.append(f"input changed since the last build: {path}")

    def tables(conn: sqlite3.Connection) -> list[str]:
        return [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'search_fts%' "
            "ORDER BY name")]

    old_tables, new_tables = tables(old), tables(new)
    for name in sorted(set(old_tables) | set(new_tables)):
        if name not in old_tables or name not in new_tables:
            diffs.append(f"table {name} {'added' if name in new_tables else 'removed'}")
        elif _table_digest(old, name) != _table_digest(new, name):
            diffs.append(f"table {name} has different contents")
    old_schema = old.execute("SELECT group_concat(sql, ';') FROM sqlite_master").fetchone()
    new_schema = new.execute("SELECT group_concat(sql, ';') FROM sqlite_master").fetchone()
    if old_schema != new_schema:
        diffs.append("schema differs")
    old.close()
    new.close()
    if not diffs:
        # Same content, different bytes: another SQLite version laid out the file.
        return []
    return diffs
