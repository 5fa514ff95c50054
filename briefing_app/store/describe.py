"""One description of any item (its fields, related items, caveat and sources) in plain text.

The window's detail pane and every export format render the same ``Description``, so an item
reads the same wherever it appears. An item the analyst added says so (``own``, ``own_note``)
and carries its credibility grade; its provenance may include external citations and the
analyst's explicit assessment.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from ..domain import CREDIBILITY, ItemRef, Provenance, is_own
from .briefing import BriefingStore

KIND_LABELS = {
    "overview": "Briefing",
    "judgment": "Key judgment",
    "assumption": "Key assumption (briefing's assessment)",
    "outcome": "Alternative outcome (briefing's assessment)",
    "indicator": "What would change a judgment (briefing's assessment)",
    "figure": "Key figure",
    "actor": "Actor",
    "region": "Region",
    "mineral": "Mineral",
    "project": "Project / deposit",
    "event": "Event",
    "era": "Era",
    "benefit": "Benefit for Pakistan",
    "risk": "Risk",
    "source": "Source document",
}


@dataclass(frozen=True)
class Description:
    ref: ItemRef
    kind_label: str
    title: str
    subtitle: str = ""
    fields: list[tuple[str, str]] = field(default_factory=list)
    lists: list[tuple[str, list[str]]] = field(default_factory=list)
    related: list[tuple[str, list[tuple[ItemRef, str]]]] = field(default_factory=list)
    caveat: str = ""
    provenance: list[Provenance] = field(default_factory=list)
    #: The analyst's own item (not the bundled briefing's), and a line saying so.
    own: bool = False
    own_note: str = ""
    #: The analyst's credibility grade of the item ("1".."6", "" when not graded).
    grade: str = ""

    @property
    def gradeable(self) -> bool:
        """Information the analyst can grade for credibility (a source is graded for its
        reliability instead, in the Sources tab)."""
        return self.ref.kind != "source"

    @property
    def grade_target(self) -> str:
        """What the grade is stored under (``KIND:ID``)."""
        return str(self.ref)

    def grade_label(self) -> str:
        return f"{self.grade} \u2013 {CREDIBILITY[self.grade]}" if self.grade in CREDIBILITY \
            else "not graded"


OWN_ITEM = "The analyst's own item"


def _day(stamp: str) -> str:
    return stamp[:10]


def _mark_own(store: Any, d: Description) -> Description:
    """Say that ``d`` is the analyst's own item: when added, last changed, its grade."""
    item = store.own_item(d.ref.id) if hasattr(store, "own_item") else None
    note = OWN_ITEM
    if item is not None and item.created_at:
        note += f", added {_day(item.created_at)}"
        if item.updated_at and _day(item.updated_at) != _day(item.created_at):
            note += f", last changed {_day(item.updated_at)}"
    note += " (not part of the bundled briefing)."
    grade = store.grade_of(str(d.ref)) if hasattr(store, "grade_of") else ""
    return dataclasses.replace(d, own=True, own_note=note, grade=grade,
                               kind_label=f"{d.kind_label} \u00b7 the analyst's own")


def _km2(value: float | None) -> str:
    return f"{value:,.0f} km\u00b2" if value else ""


def describe(store: BriefingStore, ref: ItemRef) -> Description | None:
    """Describe ``ref``; None if the briefing has no such item. An own item (``store`` is
    the ``BriefingView``) is marked as the analyst's."""
    d = _describe(store, ref)
    if d is not None and is_own(ref.id) and getattr(_index_obj(store, ref), "own", False):
        return _mark_own(store, d)
    if d is not None and d.gradeable and hasattr(store, "grade_of"):
        # The analyst grades the briefing's information too, not only their own.
        return dataclasses.replace(d, grade=store.grade_of(str(ref)))
    return d


def _index_obj(store: BriefingStore, ref: ItemRef) -> Any:
    return store.index().get(ref.kind, {}).get(ref.id)


def _describe(store: BriefingStore, ref: ItemRef) -> Description | None:
    idx = store.index()
    prov = store.provenance(ref)
    k, i = ref.kind, ref.id
    label = KIND_LABELS.get(k, k)

    def names(kind: str, ids: tuple[str, ...] | list[str]) -> list[tuple[ItemRef, str]]:
        table = idx[kind]
        return [(ItemRef(kind, x), getattr(table[x], "name", x)) for x in ids if x in table]

    if k == "overview":
        o = store.overview()
        if o.id != i:
            return None
        return Description(ref, label, o.title, fields=[("Bottom line", o.bluf)],
                           caveat=o.caveat, provenance=prov)
    if k == "source":
        s = store.source(i)
        if s is None:
            return None
        fields = [("Kind", s.kind), ("Publisher", s.publisher or "not stated"),
                  ("Date", s.date or "not stated")]
        if s.url:
            fields.append(("URL", s.url))
        if s.origin:
            fields.append(("Origin", s.origin))
        return Description(ref, label, s.title, fields=fields, provenance=prov)

    obj = idx.get(k, {}).get(i)
    if obj is None:
        return None
    if k == "judgment":
        changes = [(ItemRef("indicator", x.id), f"would {x.direction} it: {x.text}")
                   for x in store.indicators() if x.judgment == i]
        return Description(
            ref, label, obj.text, f"{obj.estimative.capitalize()} \u00b7 {obj.confidence} "
            "confidence", [("Basis", obj.basis)],
            related=[("What would change it", changes)] if changes else [],
            caveat=obj.caveat, provenance=prov)
    if k == "assumption":
        rests = [(ItemRef("judgment", j), idx["judgment"][j].text) for j in obj.judgments
                 if j in idx.get("judgment", {})]
        return Description(ref, label, obj.text, "", [("Basis", obj.basis),
                                                       ("If it is wrong", obj.if_wrong)],
                           related=[("Judgments resting on it", rests)], caveat=obj.caveat,
                           provenance=prov)
    if k in ("outcome", "indicator"):
        tied = [(ItemRef("event", e), f"{idx['event'][e].date.short_label()}: "
                 f"{idx['event'][e].title}") for e in obj.events if e in idx.get("event", {})]
        tied += [(ItemRef("figure", f), idx["figure"][f].label) for f in obj.figures
                 if f in idx.get("figure", {})]
        if k == "outcome":
            question = store.overview().question
            return Description(ref, label, obj.title, obj.estimative.capitalize(),
                               [("Question", question), ("Outcome", obj.text),
                                ("Basis", obj.basis)],
                               related=[("Signs so far", tied)] if tied else [],
                               caveat=obj.caveat, provenance=prov)
        judged = idx.get("judgment", {}).get(obj.judgment)
        related = [("Key judgment", [(ItemRef("judgment", obj.judgment), judged.text)])
                   ] if judged else []
        return Description(ref, label, obj.text, f"Would {obj.direction} the judgment",
                           [], related=[*related, ("Watch", tied)], caveat=obj.caveat,
                           provenance=prov)
    if k == "figure":
        fields = [("Value", f"{obj.value_text()} {obj.unit}"), ("Measures", obj.measures)]
        if obj.as_of:
            from ..domain import PartialDate
            fields.append(("As of", PartialDate(obj.as_of).label()))
        return Description(ref, label, obj.label, f"{obj.value_text()} {obj.unit}", fields,
                           caveat=obj.caveat, provenance=prov)
    if k == "actor":
        events = [e for e in store.events() if i in e.actors]
        related = [("Events", [(ItemRef("event", e.id), f"{e.date.short_label()}: {e.title}")
                               for e in events])] if events else []
        return Description(ref, label, obj.name, obj.kind.replace("-", " "),
                           [("About", obj.description)], related=related, caveat=obj.caveat,
                           provenance=prov)
    if k == "region":
        fields = [("About", obj.description)]
        if obj.capital:
            fields.append(("Capital", obj.capital))
        if obj.area_km2:
            fields.append(("Area (cited)", _km2(obj.area_km2)))
        fields.append(("Area (measured from the map boundary)", _km2(obj.area_km2_measured)))
        projects = [p for p in store.projects() if p.region == i]
        related = [("Minerals", names("mineral", obj.minerals))]
        if projects:
            related.append(("Projects and deposits",
                            [(ItemRef("project", p.id), p.name) for p in projects]))
        return Description(ref, label, obj.name, obj.kind, fields, related=related,
                           caveat=obj.caveat, provenance=prov)
    if k == "mineral":
        fields = [("Uses", obj.uses), ("Strategic relevance", obj.strategic),
                  ("Where in Pakistan", obj.occurrence)]
        related = []
        if obj.regions:
            related.append(("Regions", names("region", obj.regions)))
        if obj.projects:
            related.append(("Projects and deposits", names("project", obj.projects)))
        return Description(ref, label, obj.name, "", fields, related=related,
                           caveat=obj.caveat, provenance=prov)
    if k == "project":
        fields = [("Status", obj.status), ("About", obj.description)]
        if obj.place and obj.lat is not None and obj.lon is not None:
            fields.append(("Map marker", f"{obj.place} ({obj.lat:.3f}\u00b0N, "
                           f"{obj.lon:.3f}\u00b0E)"
                           + (f": {obj.place_note}" if obj.place_note else "")))
        else:
            fields.append(("Map marker", "none: the sources do not give a site"))
        related = [("Minerals", names("mineral", obj.minerals))]
        if obj.region:
            related.insert(0, ("Region", names("region", [obj.region])))
        if obj.operator:
            related.append(("Operator", names("actor", [obj.operator])))
        return Description(ref, label, obj.name, obj.status, fields, related=related,
                           caveat=obj.caveat, provenance=prov)
    if k == "event":
        date = obj.date.label() + f" (known to the {obj.date.precision})"
        fields = [("Date", date)]
        if obj.date_note:
            fields.append(("Date note", obj.date_note))
        fields += [("What happened", obj.summary), ("Category", obj.category.replace("-", " "))]
        related = [("Actors", names("actor", obj.actors))]
        if getattr(obj, "own", False):  # an own event names its lane, not its actors
            related.append(("Timeline lane", names("actor", [obj.lane])))
        return Description(ref, label, obj.title, obj.date.label(), fields, related=related,
                           caveat=obj.caveat, provenance=prov)
    if k == "era":
        span = f"{obj.start.label()} \u2013 {obj.end.label() if obj.end else 'ongoing'}"
        return Description(ref, label, obj.title, span, [("Span", span),
                                                         ("About", obj.description)],
                           related=[("Lane", names("actor", [obj.lane]))], caveat=obj.caveat,
                           provenance=prov)
    if k == "benefit":
        return Description(ref, label, obj.title, "", [("About", obj.description)],
                           caveat=obj.caveat, provenance=prov)
    if k == "risk":
        whose = "the analyst's assessment" if getattr(obj, "own", False) else \
            "briefing's assessment"
        return Description(
            ref, label, obj.title,
            f"Likelihood {obj.likelihood}/5 \u00b7 impact {obj.impact}/5 ({whose})",
            [("About", obj.description), ("Why these ratings", obj.justification)],
            lists=[("Indicators to watch", list(obj.indicators)),
                   ("Possible mitigations", list(obj.mitigations))],
            caveat=obj.caveat, provenance=prov)
    return None
