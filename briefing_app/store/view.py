"""The briefing as the analyst sees it: the bundled database and their own work, read as one.

``BriefingView`` answers the same questions as ``BriefingStore`` (events, risks, sources,
provenance, search...) with the analyst's own items and imported sources added, each marked
``own=True``; whatever it does not add it asks the bundled store. The views and the exports
read through it, so an own risk is in the checklist, the heat map, search and every export
without any of them knowing where it came from. Bundled items stay read-only.

It also checks what the workspace cannot: that a cited passage is really in its source.
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ..domain import (
    Actor,
    Citation,
    Event,
    Figure,
    Item,
    ItemRef,
    Judgment,
    PartialDate,
    Passage,
    Provenance,
    Risk,
    SearchHit,
    Source,
    is_own,
)
from .briefing import BriefingStore

if TYPE_CHECKING:  # (the own-work module is read when the workspace opens, after the first paint)
    from .own import OwnItem, OwnProvenance, OwnSource

#: The timeline lane an own event without an actor goes in.
ANALYST_LANE = "own-analyst"
ANALYST_ACTOR = Actor(ANALYST_LANE, "The analyst's own events", "Analyst", "initiative",
                      "Events the analyst added, not placed with an actor.", own=True)


class BriefingView:
    """The bundled ``store`` with the analyst's own work from ``workspace`` (attached when it
    opens; call ``refresh()`` after the own work changes)."""

    def __init__(self, store: BriefingStore, workspace: Any = None):
        self.store = store
        self.workspace = workspace
        self._cache: dict[str, Any] = {}
        #: Did the last search match too many passages of imported sources to rank them?
        self.search_broad = False
        self.search_more_passages = 0

    def attach(self, workspace: Any) -> None:
        self.workspace = workspace
        self.refresh()

    def refresh(self) -> None:
        self._cache.clear()

    def __getattr__(self, name: str) -> Any:
        # Everything the analyst cannot add (regions, minerals, projects, eras, map data,
        # the overview...) is the bundled store's.
        return getattr(self.store, name)

    # -- the analyst's raw material ----------------------------------------------------------
    def _own_items(self, kind: str) -> list[OwnItem]:
        key = f"items:{kind}"
        if key not in self._cache:
            ws = self.workspace
            self._cache[key] = ws.own_items(kind) if ws is not None else []
        items: list[OwnItem] = self._cache[key]
        return items

    def own_sources(self) -> list[OwnSource]:
        if "sources" not in self._cache:
            ws = self.workspace
            self._cache["sources"] = ws.own_sources() if ws is not None else []
        sources: list[OwnSource] = self._cache["sources"]
        return sources

    def own_item(self, item_id: str) -> OwnItem | None:
        for kind in ("event", "risk", "judgment", "figure", "actor"):
            for item in self._own_items(kind):
                if item.id == item_id:
                    return item
        return None

    # -- items, merged -----------------------------------------------------------------------
    def events(self) -> list[Event]:
        own = [Event(i.id, PartialDate(str(f["date"])), str(f["title"]),
                     str(f.get("summary", "")), str(f["category"]),
                     str(f.get("lane") or ANALYST_LANE), (), str(f.get("date_note", "")),
                     own=True)
               for i in self._own_items("event") for f in [i.fields]]
        merged = self.store.events() + own
        # Oldest first, as the bundled ones are; a year-only date sorts before its months.
        return sorted(merged, key=lambda e: e.date.iso.ljust(10, "0"))

    def risks(self) -> list[Risk]:
        bundled = self.store.risks()
        own = [Risk(i.id, len(bundled) + n, str(f["title"]), str(f["description"]),
                    int(f["likelihood"]), int(f["impact"]), str(f.get("justification", "")),
                    tuple(f.get("indicators", ())), tuple(f.get("mitigations", ())), own=True)
               for n, i in enumerate(self._own_items("risk"), start=1) for f in [i.fields]]
        return bundled + own

    def judgments(self) -> list[Judgment]:
        bundled = self.store.judgments()
        own = [Judgment(i.id, len(bundled) + n, str(f["estimative"]), str(f["confidence"]),
                        str(f["text"]), str(f["basis"]), own=True)
               for n, i in enumerate(self._own_items("judgment"), start=1)
               for f in [i.fields]]
        return bundled + own

    def figures(self) -> list[Figure]:
        bundled = self.store.figures()
        own = [Figure(i.id, len(bundled) + n, str(f["label"]), float(f["value"]),
                      str(f["unit"]), str(f["measures"]),
                      float(f["value_high"]) if "value_high" in f else None,
                      str(f.get("as_of", "")), own=True)
               for n, i in enumerate(self._own_items("figure"), start=1) for f in [i.fields]]
        return bundled + own

    def actors(self) -> list[Actor]:
        own = [Actor(i.id, str(f["name"]), str(f["short"]), str(f["kind"]),
                     str(f["description"]), own=True)
               for i in self._own_items("actor") for f in [i.fields]]
        lanes = {e.lane for e in self.events() if e.own}
        extra = [ANALYST_ACTOR] if ANALYST_LANE in lanes else []
        return self.store.actors() + own + extra

    def actor(self, actor_id: str) -> Actor | None:
        return next((a for a in self.actors() if a.id == actor_id), None)

    # -- sources, merged ---------------------------------------------------------------------
    def sources(self) -> list[Source]:
        return self.store.sources() + list(self._own_source_index().values())

    def _own_source_index(self) -> dict[str, Source]:
        """The imported sources as the briefing's ``Source`` records, by id (read once per
        change: search asks for a source for every hit)."""
        if "source_index" not in self._cache:
            self._cache["source_index"] = {
                s.id: Source(s.id, s.title, s.kind, s.text, s.publisher, "", s.date, s.url,
                             "imported by the analyst", own=True) for s in self.own_sources()}
        index: dict[str, Source] = self._cache["source_index"]
        return index

    def source(self, source_id: str) -> Source | None:
        if not is_own(source_id):
            return self.store.source(source_id)
        return self._own_source_index().get(source_id)

    def passages(self, source_id: str) -> list[Passage]:
        if not is_own(source_id):
            return self.store.passages(source_id)
        src = self.source(source_id)
        if src is None or self.workspace is None:
            return []
        return [Passage(p.id, p.source_id, p.seq, p.start, p.end, p.role,
                        src.text[p.start:p.end])
                for p in self.workspace.own_passages(source_id)]

    def passage_numbers(self) -> dict[str, int]:
        numbers = dict(self.store.passage_numbers())
        for s in self.own_sources():
            numbers.update({p.id: p.seq for p in self.passages(s.id)})
        return numbers

    # -- provenance --------------------------------------------------------------------------
    def _own_provenance(self, item: OwnItem) -> list[Provenance]:
        out = []
        for n, p in enumerate(item.provenance, start=1):
            if p.kind == "passage":
                out.append(Provenance("quote", p.source_id, self._passage_at(p.source_id,
                                                                              p.start),
                                      p.start, p.end, p.quote))
            elif p.kind == "citation":
                out.append(Provenance("citation", citation=Citation(
                    f"{item.id}#{n}", p.title, p.publisher, p.date, p.url, "analyst")))
            else:
                out.append(Provenance("assessment"))
        return out

    def _passage_at(self, source_id: str, offset: int) -> str:
        passages = self.passages(source_id)
        starts = [p.start for p in passages]
        i = bisect.bisect_right(starts, offset) - 1
        return passages[i].id if i >= 0 and offset < passages[i].end else ""

    def provenance(self, ref: ItemRef) -> list[Provenance]:
        if is_own(ref.id):
            item = self.own_item(ref.id)
            return self._own_provenance(item) if item is not None else []
        return self.store.provenance(ref)

    def all_provenance(self, kinds: tuple[str, ...] = ()) -> dict[ItemRef, list[Provenance]]:
        out = dict(self.store.all_provenance(kinds))
        for kind in ("event", "risk", "judgment", "figure", "actor"):
            if kinds and kind not in kinds:
                continue
            for item in self._own_items(kind):
                out[ItemRef(kind, item.id)] = self._own_provenance(item)
        return out

    def claims_on(self, source_id: str) -> list[ItemRef]:
        """Every item (bundled and own) resting on the source or citation ``source_id``."""
        found: list[ItemRef] = []
        for ref, provs in self.all_provenance().items():
            if any(p.source_id == source_id or (p.citation is not None
                                                and p.citation.id == source_id)
                   for p in provs):
                found.append(ref)
        return found

    # -- items and search --------------------------------------------------------------------
    def _own_item_rows(self) -> list[Item]:
        rows = []
        for kind in ("judgment", "figure", "actor", "event", "risk"):
            for i in self._own_items(kind):
                text = "\n".join(str(v) for v in i.fields.values())
                rows.append(Item(ItemRef(kind, i.id), i.title, text))
        rows += [Item(ItemRef("source", s.id), s.title, s.kind) for s in self.own_sources()]
        return rows

    def items(self, kind: str | None = None) -> list[Item]:
        own = [i for i in self._own_item_rows() if kind is None or i.ref.kind == kind]
        return self.store.items(kind) + own

    def item(self, ref: ItemRef) -> Item | None:
        if not is_own(ref.id):
            return self.store.item(ref)
        return next((i for i in self._own_item_rows() if i.ref == ref), None)

    def titles(self, refs: list[ItemRef]) -> dict[ItemRef, str]:
        out = self.store.titles([r for r in refs if not is_own(r.id)])
        mine = {i.ref: i.title for i in self._own_item_rows()}
        out.update({r: mine[r] for r in refs if r in mine})
        return out

    def index(self) -> dict[str, dict[str, Any]]:
        index = {k: dict(v) for k, v in self.store.index().items()}
        for kind, items in (("judgment", self.judgments()), ("figure", self.figures()),
                            ("actor", self.actors()), ("event", self.events()),
                            ("risk", self.risks())):
            index[kind].update({x.id: x for x in items if x.own})
        return index

    def search(self, query: str, limit: int = 200,
               own_passage_limit: int | None = None) -> list[SearchHit]:
        """Every hit, bundled and own, items, passages and notes, best first (see
        ``search.search``). ``own_passage_limit`` returns at most that many passages of
        imported sources; ``search_more_passages`` then says how many more matched (counted
        up to ``search.RANK_AT_MOST``), and ``search_broad`` whether there are more still."""
        from .search import search

        ws = self.workspace
        found = search(self.store.connection, ws.connection if ws is not None else None,
                       query, limit, own_passage_limit)
        self.search_broad = found.broad
        self.search_more_passages = found.more_passages if own_passage_limit is not None else 0
        return found.hits

    # -- checks the workspace cannot make ---------------------------------------------------
    def check_provenance(self, provenance: Sequence[OwnProvenance]) -> None:
        """A cited passage must be in its source, word for word, where it says."""
        for p in provenance:
            if p.kind != "passage":
                continue
            src = self.source(p.source_id)
            if src is None:
                raise ValueError(f"the cited source {p.source_id!r} is not in this briefing")
            if src.text[p.start:p.end] != p.quote:
                raise ValueError(f"the quoted words are not in \u201c{src.title}\u201d at the "
                                 "place given; select them in the reader again")

    def grade_of(self, target: str) -> str:
        ws = self.workspace
        if ws is None:
            return ""
        if "grades" not in self._cache:  # (not setdefault: that would query every time)
            self._cache["grades"] = ws.grades()
        grades: Mapping[str, str] = self._cache["grades"]
        return grades.get(target, "")
