"""Read-only queries of the bundled briefing database, returning plain domain objects.

Uses the standard library's sqlite3 only (sqlite-utils is for building), so opening the app does
not pay for importing it. The database is opened with ``mode=ro`` and never written.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from functools import cached_property, wraps
from pathlib import Path
from typing import Any, TypeVar

from ..domain import (
    ITEM_KINDS,
    Actor,
    Assumption,
    Benefit,
    Boundary,
    Citation,
    Era,
    EstimativeWord,
    Event,
    Figure,
    Indicator,
    Item,
    ItemRef,
    Judgment,
    Mineral,
    Outcome,
    Overview,
    PartialDate,
    Passage,
    Place,
    Project,
    Provenance,
    Region,
    Risk,
    SearchHit,
    Source,
)

SCHEMA_VERSION = 2  # the version of dataset/database.py this store reads


T = TypeVar("T")


def _memoized(method: Callable[[BriefingStore], list[T]]) -> Callable[[BriefingStore], list[T]]:
    """Cache a no-argument query: the bundled database is read-only, so results never change."""

    @wraps(method)
    def wrapper(self: BriefingStore) -> list[T]:
        name = method.__name__
        if name not in self._memo:
            self._memo[name] = method(self)
        return list(self._memo[name])

    return wrapper


def _json(text: str) -> Any:
    import json  # only the risk and map views need it, after the first paint

    return json.loads(text)


class BundledDataError(Exception):
    """The bundled database is missing, damaged or from another version of the app."""


def _repair_hint() -> str:
    return ("Reinstall Briefing to restore it, or, in a source checkout, run "
            "`briefing-app build-db`.")


class BriefingStore:
    """The briefing's facts, sources and provenance, read from the bundled database."""

    def __init__(self, path: Path, checksum_cache: Path | None = None):
        """Open the database at ``path`` after checking it against the checksum the build
        wrote beside it (``checksum_cache``: where verified file versions are remembered)."""
        self.path = Path(path)
        if self.path.is_dir():
            raise BundledDataError(
                f"{self.path} is a folder, not a briefing database; give the database file "
                f"(briefing.db). {_repair_hint()}")
        if not self.path.is_file():
            raise BundledDataError(
                f"The briefing database is missing: {self.path}. {_repair_hint()}"
            )
        from .integrity import ChecksumError, verify

        try:
            verify(self.path, checksum_cache)
        except ChecksumError as exc:
            raise BundledDataError(
                f"The briefing database {self.path} cannot be trusted: {exc}. The installation "
                f"is damaged. {_repair_hint()}") from exc
        except OSError as exc:
            raise BundledDataError(
                f"The briefing database {self.path} cannot be read ({exc.strerror or exc}). "
                f"{_repair_hint()}") from exc
        try:
            self._conn = sqlite3.connect(
                f"{self.path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False
            )
            self._conn.row_factory = sqlite3.Row
            row = self._conn.execute(
                "SELECT value FROM meta WHERE key = 'schema_version'"
            ).fetchone()
        except sqlite3.DatabaseError as exc:
            raise BundledDataError(
                f"The briefing database is damaged or not a briefing database: {self.path} "
                f"({exc}). {_repair_hint()}"
            ) from exc
        if row is None or row[0] != str(SCHEMA_VERSION):
            found = row[0] if row else "none"
            raise BundledDataError(
                f"The briefing database {self.path} has schema version {found}; this version "
                f"of Briefing reads version {SCHEMA_VERSION}. {_repair_hint()}"
            )
        self._index: dict[str, dict[str, Any]] | None = None
        self._memo: dict[str, Any] = {}

    def close(self) -> None:
        self._conn.close()

    def index(self) -> dict[str, dict[str, Any]]:
        """Every record by kind and id (the bundled data never changes while open)."""
        if self._index is None:
            self._index = {
                "judgment": {x.id: x for x in self.judgments()},
                "assumption": {x.id: x for x in self.assumptions()},
                "outcome": {x.id: x for x in self.outcomes()},
                "indicator": {x.id: x for x in self.indicators()},
                "figure": {x.id: x for x in self.figures()},
                "actor": {x.id: x for x in self.actors()},
                "region": {x.id: x for x in self.regions()},
                "mineral": {x.id: x for x in self.minerals()},
                "project": {x.id: x for x in self.projects()},
                "event": {x.id: x for x in self.events()},
                "era": {x.id: x for x in self.eras()},
                "benefit": {x.id: x for x in self.benefits()},
                "risk": {x.id: x for x in self.risks()},
            }
        return self._index

    def _all(self, sql: str, params: tuple[object, ...] = ()) -> list[sqlite3.Row]:
        try:
            return self._conn.execute(sql, params).fetchall()
        except sqlite3.DatabaseError as exc:
            raise BundledDataError(
                f"The briefing database {self.path} could not be read ({exc}). {_repair_hint()}"
            ) from exc

    # -- meta -------------------------------------------------------------------------------
    def meta(self) -> dict[str, str]:
        return {r["key"]: r["value"] for r in self._all("SELECT key, value FROM meta")}

    def content_hash(self) -> str:
        return self.meta().get("content_hash", "")

    # -- the briefing -----------------------------------------------------------------------
    def overview(self) -> Overview:
        r = self._all("SELECT * FROM overview LIMIT 1")[0]
        return Overview(r["id"], r["title"], r["bluf"], r["caveat"] or "", r["question"] or "")

    @_memoized
    def judgments(self) -> list[Judgment]:
        return [
            Judgment(r["id"], r["seq"], r["estimative"], r["confidence"], r["text"], r["basis"],
                     r["caveat"] or "")
            for r in self._all("SELECT * FROM judgments ORDER BY seq")
        ]

    # -- the analytic method made visible (ICD 203) ---------------------------------------
    @_memoized
    def assumptions(self) -> list[Assumption]:
        """The key assumptions, apart from the information."""
        return [
            Assumption(r["id"], r["seq"], r["text"], r["basis"], r["if_wrong"],
                       tuple(r["judgments"].split()), r["caveat"] or "")
            for r in self._all("SELECT * FROM assumptions ORDER BY seq")
        ]

    @_memoized
    def outcomes(self) -> list[Outcome]:
        """The alternative outcomes of the overview's central question."""
        return [
            Outcome(r["id"], r["seq"], r["title"], r["estimative"], r["text"], r["basis"],
                    tuple(r["events"].split()), tuple(r["figures"].split()), r["caveat"] or "")
            for r in self._all("SELECT * FROM outcomes ORDER BY seq")
        ]

    @_memoized
    def indicators(self) -> list[Indicator]:
        """What would change each key judgment (in the judgments' order, then their own)."""
        return [
            Indicator(r["id"], r["seq"], r["judgment"], r["direction"], r["text"],
                      tuple(r["events"].split()), tuple(r["figures"].split()), r["caveat"] or "")
            for r in self._all("SELECT i.* FROM indicators i JOIN judgments j ON "
                               "j.id = i.judgment ORDER BY j.seq, i.seq")
        ]

    def outcomes_span(self) -> tuple[float, float] | None:
        """The sums of the alternative outcomes' lowest and highest probabilities (percent),
        or None when an outcome's word is not on the scale: probabilities inside the ranges
        can add up to 100% when the first is at most 100 and the second at least 100."""
        ranges = {w.word: w for w in self.estimative_scale()}
        words = [o.estimative for o in self.outcomes()]
        if not words or any(w not in ranges for w in words):
            return None
        return (sum(ranges[w].low for w in words), sum(ranges[w].high for w in words))

    @_memoized
    def estimative_scale(self) -> list[EstimativeWord]:
        """The estimative words the judgments use, from least to most likely."""
        return [
            EstimativeWord(r["id"], r["seq"], r["word"], r["synonym"], r["low"], r["high"])
            for r in self._all("SELECT * FROM estimative_scale ORDER BY low")
        ]

    @_memoized
    def figures(self) -> list[Figure]:
        return [
            Figure(r["id"], r["seq"], r["label"], r["value"], r["unit"], r["measures"],
                   r["value_high"], r["as_of"] or "", r["chart_series"] or "",
                   r["chart_label"] or "", r["caveat"] or "")
            for r in self._all("SELECT * FROM figures ORDER BY seq")
        ]

    @cached_property
    def _actors(self) -> dict[str, Actor]:
        return {
            r["id"]: Actor(r["id"], r["name"], r["short"], r["kind"], r["description"],
                           r["caveat"] or "")
            for r in self._all("SELECT * FROM actors ORDER BY seq")
        }

    def actors(self) -> list[Actor]:
        return list(self._actors.values())

    def actor(self, actor_id: str) -> Actor | None:
        return self._actors.get(actor_id)

    @_memoized
    def benefits(self) -> list[Benefit]:
        return [
            Benefit(r["id"], r["seq"], r["title"], r["description"], r["caveat"] or "")
            for r in self._all("SELECT * FROM benefits ORDER BY seq")
        ]

    @_memoized
    def risks(self) -> list[Risk]:
        return [
            Risk(r["id"], r["seq"], r["title"], r["description"], r["likelihood"], r["impact"],
                 r["justification"], tuple(_json(r["indicators"])),
                 tuple(_json(r["mitigations"])), r["caveat"] or "")
            for r in self._all("SELECT * FROM risks ORDER BY seq")
        ]

    # -- regions, minerals, projects ---------------------------------------------------------
    @_memoized
    def regions(self) -> list[Region]:
        links: dict[str, list[str]] = {}
        for r in self._all("SELECT region_id, mineral_id FROM region_minerals ORDER BY rowid"):
            links.setdefault(r["region_id"], []).append(r["mineral_id"])
        rows = self._all(
            "SELECT regions.*, places.lat AS cap_lat, places.lon AS cap_lon FROM regions "
            "LEFT JOIN places ON places.name = regions.capital ORDER BY seq"
        )
        return [
            Region(r["id"], r["name"], r["kind"], r["boundary"], r["description"],
                   r["centroid_lat"], r["centroid_lon"], r["area_km2_measured"],
                   r["capital"] or "", r["cap_lat"], r["cap_lon"], r["area_km2"],
                   r["caveat"] or "", tuple(links.get(r["id"], ())))
            for r in rows
        ]

    @_memoized
    def minerals(self) -> list[Mineral]:
        regions: dict[str, list[str]] = {}
        for r in self._all("SELECT region_id, mineral_id FROM region_minerals ORDER BY rowid"):
            regions.setdefault(r["mineral_id"], []).append(r["region_id"])
        projects: dict[str, list[str]] = {}
        for r in self._all(
            "SELECT pm.project_id, pm.mineral_id FROM project_minerals pm "
            "JOIN projects p ON p.id = pm.project_id ORDER BY p.seq"
        ):
            projects.setdefault(r["mineral_id"], []).append(r["project_id"])
        return [
            Mineral(r["id"], r["name"], r["uses"], r["strategic"], r["occurrence"],
                    tuple(regions.get(r["id"], ())), tuple(projects.get(r["id"], ())),
                    r["caveat"] or "")
            for r in self._all("SELECT * FROM minerals ORDER BY seq")
        ]

    @_memoized
    def projects(self) -> list[Project]:
        minerals: dict[str, list[str]] = {}
        for r in self._all("SELECT project_id, mineral_id FROM project_minerals ORDER BY rowid"):
            minerals.setdefault(r["project_id"], []).append(r["mineral_id"])
        rows = self._all(
            "SELECT projects.*, places.lat, places.lon FROM projects "
            "LEFT JOIN places ON places.name = projects.place ORDER BY seq"
        )
        return [
            Project(r["id"], r["name"], r["status"], r["description"], r["place"] or "", r["lat"],
                    r["lon"], r["place_note"] or "", r["region_id"] or "",
                    r["operator_id"] or "", tuple(minerals.get(r["id"], ())), r["caveat"] or "")
            for r in rows
        ]

    @_memoized
    def boundaries(self) -> list[Boundary]:
        return [
            Boundary(r["name"], r["kind"],
                     [[[(p[0], p[1]) for p in ring] for ring in poly]
                      for poly in _json(r["geometry"])])
            for r in self._all("SELECT name, kind, geometry FROM boundaries ORDER BY seq")
        ]

    @_memoized
    def places(self) -> list[Place]:
        return [
            Place(r["name"], r["lat"], r["lon"], r["admin1"], r["source"])
            for r in self._all("SELECT * FROM places ORDER BY name")
        ]

    # -- timeline ----------------------------------------------------------------------------
    @_memoized
    def events(self) -> list[Event]:
        actors: dict[str, list[str]] = {}
        for r in self._all("SELECT event_id, actor_id FROM event_actors ORDER BY rowid"):
            actors.setdefault(r["event_id"], []).append(r["actor_id"])
        return [
            Event(r["id"], PartialDate(r["date"]), r["title"], r["summary"], r["category"],
                  r["lane"], tuple(actors.get(r["id"], ())), r["date_note"] or "",
                  r["caveat"] or "")
            for r in self._all("SELECT * FROM events ORDER BY start_date, seq")
        ]

    @_memoized
    def eras(self) -> list[Era]:
        return [
            Era(r["id"], r["title"], PartialDate(r["start"]), r["lane"], r["description"],
                PartialDate(r["end"]) if r["end"] else None, r["caveat"] or "")
            for r in self._all("SELECT * FROM eras ORDER BY start_date, seq")
        ]

    # -- sources and provenance --------------------------------------------------------------
    @_memoized
    def sources(self) -> list[Source]:
        return [
            Source(r["id"], r["title"], r["kind"], r["text"], r["publisher"] or "",
                   r["author"] or "", r["date"] or "", r["url"] or "", r["origin"] or "")
            for r in self._all("SELECT * FROM sources ORDER BY seq")
        ]

    def source(self, source_id: str) -> Source | None:
        return next((s for s in self.sources() if s.id == source_id), None)

    def passages(self, source_id: str) -> list[Passage]:
        return [
            Passage(r["id"], r["source_id"], r["seq"], r["start"], r["end"], r["role"],
                    r["text"])
            for r in self._all("SELECT * FROM passages WHERE source_id = ? ORDER BY seq",
                               (source_id,))
        ]

    def passage_numbers(self) -> dict[str, int]:
        """Every passage's number within its source, by passage id."""
        return {r["id"]: r["seq"] for r in self._all("SELECT id, seq FROM passages")}

    @cached_property
    def _citations(self) -> dict[str, Citation]:
        return {
            r["id"]: Citation(r["id"], r["title"], r["publisher"], r["date"] or "", r["url"],
                              r["fact"], r["note"] or "")
            for r in self._all("SELECT * FROM citations ORDER BY seq")
        }

    def citations(self) -> list[Citation]:
        return list(self._citations.values())

    def provenance(self, ref: ItemRef) -> list[Provenance]:
        return [self._provenance_row(r) for r in self._all(
            "SELECT * FROM provenance WHERE item_kind = ? AND item_id = ? ORDER BY seq",
            (ref.kind, ref.id),
        )]

    def _provenance_row(self, r: sqlite3.Row) -> Provenance:
        if r["kind"] == "quote":
            return Provenance("quote", r["source_id"], r["passage_id"], r["start"], r["end"],
                              r["quote"], supports=r["supports"] or "")
        return Provenance("citation", citation=self._citations[r["citation_id"]])

    def all_provenance(self, kinds: tuple[str, ...] = ()) -> dict[ItemRef, list[Provenance]]:
        """Provenance of every item, or only of items of ``kinds`` (what one view shows)."""
        out: dict[ItemRef, list[Provenance]] = {}
        where = ""
        if kinds:
            where = "WHERE item_kind IN (" + ", ".join("?" * len(kinds)) + ") "
        for r in self._all(f"SELECT * FROM provenance {where}ORDER BY item_kind, item_id, seq",
                           kinds):
            ref = ItemRef(r["item_kind"], r["item_id"])
            out.setdefault(ref, []).append(self._provenance_row(r))
        return out

    # -- items and search --------------------------------------------------------------------
    def items(self, kind: str | None = None) -> list[Item]:
        order = "CASE kind " + " ".join(
            f"WHEN '{k}' THEN {i}" for i, k in enumerate(ITEM_KINDS)) + " END"
        if kind is None:
            rows = self._all(f"SELECT * FROM items ORDER BY {order}, seq")
        else:
            rows = self._all("SELECT * FROM items WHERE kind = ? ORDER BY seq", (kind,))
        return [Item(ItemRef(r["kind"], r["id"]), r["title"], r["text"]) for r in rows]

    def titles(self, refs: list[ItemRef]) -> dict[ItemRef, str]:
        """The titles of the items that exist among ``refs``."""
        wanted = set(refs)
        out: dict[ItemRef, str] = {}
        for kind in {r.kind for r in wanted}:
            ids = [r.id for r in wanted if r.kind == kind]
            for start in range(0, len(ids), 500):
                chunk = ids[start:start + 500]
                rows = self._all(
                    "SELECT id, title FROM items WHERE kind = ? AND id IN ("
                    + ", ".join("?" * len(chunk)) + ")", (kind, *chunk))
                out.update({ItemRef(kind, r["id"]): r["title"] for r in rows})
        return out

    def item(self, ref: ItemRef) -> Item | None:
        rows = self._all("SELECT * FROM items WHERE kind = ? AND id = ?", (ref.kind, ref.id))
        return Item(ref, rows[0]["title"], rows[0]["text"]) if rows else None

    def search(self, query: str, limit: int = 200) -> list[SearchHit]:
        """Full-text search of the briefing alone, best first; any user text is safe (it is
        turned into quoted prefix terms). See ``search.py`` for the analyst's work too."""
        from .search import bundled_hits

        match = fts_query(query)
        return [hit for _score, hit in bundled_hits(self._conn, match, limit)] if match else []

    @property
    def connection(self) -> sqlite3.Connection:
        """The read-only connection, for queries that span stores (``search.search``)."""
        return self._conn


def newest_fact(store: Any) -> str:
    """The date the briefing's information runs to: its newest dated event (ISO, at the
    precision known; with the analyst's view, their own events count too). Figures are not
    counted: a projection's year is not news."""
    dates = [e.date for e in store.events()]
    if not dates:
        return ""
    return str(max(dates, key=lambda d: d.iso.ljust(10, "~")).iso)


_WORD = re.compile(r"\w+", re.UNICODE)


def fts_query(text: str) -> str:
    """Turn what a user typed into a safe FTS5 query: every word must match, as a prefix.

    FTS5 syntax in user input (quotes, AND/OR/NOT alone, ``*``, parentheses, column filters)
    would raise errors; words are extracted and quoted instead, so any input is a valid query.

    A last word of one letter after others ("rare e", typed on the way to "rare earth") is
    left out until its second letter: as a prefix it matches nearly every passage, costing
    a slow keystroke for no better answer than the words before it.
    """
    words = _WORD.findall(text)[:32]
    if len(words) > 1 and len(words[-1]) == 1:
        words.pop()
    return " ".join(f'"{w}"*' for w in words)
