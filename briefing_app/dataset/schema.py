"""The curated record kinds: where each lives, its fields, their types and what they refer to.

Adding a field to a record kind starts here (and in the table writer in ``database.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..domain import (  # the briefing's vocabularies: shared with the analyst's own items
    ACTOR_KINDS,
    CHART_SERIES,
    CONFIDENCE_LEVELS,
    ESTIMATIVE_WORDS,
    EVENT_CATEGORIES,
    INDICATOR_DIRECTIONS,
    REGION_KINDS,
)


@dataclass(frozen=True)
class F:
    """One field: its type and whether it must be present.

    Types: ``text``, ``number``, ``scale`` (an integer 1-5), ``date``, ``texts`` (list of text),
    ``quotes`` (one text or a list of text), ``enum`` (one of ``choices``), ``ref``/``refs``
    (id(s) of kind ``target``), ``place`` (a gazetteer place name), ``boundary`` (a boundary
    name in the map data).
    """

    type: str
    required: bool = False
    choices: tuple[object, ...] = ()
    target: str = ""


def req(type_: str, **kw: object) -> F:
    return F(type_, True, **kw)  # type: ignore[arg-type]


def opt(type_: str, **kw: object) -> F:
    return F(type_, False, **kw)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Kind:
    name: str
    file: str
    key: str
    fields: dict[str, F]
    single: bool = False  # a TOML table rather than an array of tables
    provenance: bool = True
    title: str = "title"  # the field that names the item in lists
    item: bool = True  # an item of the briefing (shown, searched, annotated); else reference data

    def all_fields(self) -> dict[str, F]:
        common = {"id": req("text")}
        if self.provenance:
            # ``supports``: one entry per quote, in the same order, each the record's own words
            # (copied from one of its ``claim_fields``) that the quote backs (issue 17).
            common |= {"quote": opt("quotes"), "supports": opt("quotes"),
                       "cite": opt("refs", target="citation"), "caveat": opt("text")}
        return common | self.fields

    def claim_fields(self) -> tuple[str, ...]:
        """The fields in which the record says something in words (its text fields and its
        caveat): where a quote's ``supports`` entry must be found."""
        names = [name for name, spec in self.fields.items() if spec.type == "text"]
        return (*names, "caveat") if self.provenance else tuple(names)


KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        Kind(
            "citation",
            "citations.toml",
            "citation",
            {
                "title": req("text"),
                "publisher": req("text"),
                "date": opt("date"),
                "url": req("text"),
                # The fact base's id (F01...), or "map" / "method" for the bundled map data
                # and the estimative scale, which do not come from the fact base.
                "fact": req("text"),
                "note": opt("text"),
            },
            provenance=False,
        ),
        Kind(
            "estimative",
            "method.toml",
            "estimative",
            {
                "word": req("enum", choices=ESTIMATIVE_WORDS),
                "low": req("number"),
                "high": req("number"),
                "synonym": req("text"),
            },
            title="word",
            item=False,
        ),
        Kind(
            "overview",
            "overview.toml",
            "overview",
            # ``question``: the central question the alternative outcomes answer.
            {"title": req("text"), "bluf": req("text"), "question": req("text")},
            single=True,
        ),
        Kind(
            "judgment",
            "overview.toml",
            "judgment",
            {
                "estimative": req("enum", choices=ESTIMATIVE_WORDS),
                "confidence": req("enum", choices=CONFIDENCE_LEVELS),
                "text": req("text"),
                "basis": req("text"),
            },
            title="text",
        ),
        # ICD 203 made visible (analysis.toml): the key assumptions apart from the information,
        # the alternative outcomes of the central question, and what would change each key
        # judgment. Each is the briefing's assessment and rests on cited facts.
        Kind(
            "assumption",
            "analysis.toml",
            "assumption",
            {
                "text": req("text"),
                "basis": req("text"),
                "if_wrong": req("text"),  # what changes in the judgments if it fails
                "judgments": req("refs", target="judgment"),
            },
            title="text",
        ),
        Kind(
            "outcome",
            "analysis.toml",
            "outcome",
            {
                "title": req("text"),
                "estimative": req("enum", choices=ESTIMATIVE_WORDS),
                "text": req("text"),
                "basis": req("text"),
                "events": opt("refs", target="event"),  # signs that it is under way
                "figures": opt("refs", target="figure"),
            },
        ),
        Kind(
            "indicator",
            "analysis.toml",
            "indicator",
            {
                "judgment": req("ref", target="judgment"),
                "direction": req("enum", choices=INDICATOR_DIRECTIONS),
                "text": req("text"),
                "events": opt("refs", target="event"),  # what it is tied to: at least one
                "figures": opt("refs", target="figure"),
            },
            title="text",
        ),
        Kind(
            "figure",
            "overview.toml",
            "figure",
            {
                "label": req("text"),
                "value": req("number"),
                "value_high": opt("number"),
                "unit": req("text"),
                "measures": req("text"),
                "as_of": opt("date"),
                "chart_series": opt("enum", choices=CHART_SERIES),
                "chart_label": opt("text"),
            },
            title="label",
        ),
        Kind(
            "actor",
            "actors.toml",
            "actor",
            {
                "name": req("text"),
                "short": req("text"),
                "kind": req("enum", choices=ACTOR_KINDS),
                "description": req("text"),
            },
            title="name",
        ),
        Kind(
            "region",
            "regions.toml",
            "region",
            {
                "name": req("text"),
                "kind": req("enum", choices=REGION_KINDS),
                "capital": opt("place"),
                "boundary": req("boundary"),
                "area_km2": opt("number"),
                "description": req("text"),
            },
            title="name",
        ),
        Kind(
            "mineral",
            "minerals.toml",
            "mineral",
            {
                "name": req("text"),
                "uses": req("text"),
                "strategic": req("text"),
                "occurrence": req("text"),
                "regions": opt("refs", target="region"),
            },
            title="name",
        ),
        Kind(
            "project",
            "projects.toml",
            "project",
            {
                "name": req("text"),
                "region": opt("ref", target="region"),
                "minerals": req("refs", target="mineral"),
                "operator": opt("ref", target="actor"),
                "place": opt("place"),
                "place_note": opt("text"),
                "status": req("text"),
                "description": req("text"),
            },
            title="name",
        ),
        Kind(
            "event",
            "timeline.toml",
            "event",
            {
                "date": req("date"),
                "date_note": opt("text"),
                "title": req("text"),
                "summary": req("text"),
                "category": req("enum", choices=EVENT_CATEGORIES),
                "lane": req("ref", target="actor"),
                "actors": req("refs", target="actor"),
            },
        ),
        Kind(
            "era",
            "timeline.toml",
            "era",
            {
                "title": req("text"),
                "start": req("date"),
                "end": opt("date"),
                "lane": req("ref", target="actor"),
                "description": req("text"),
            },
        ),
        Kind(
            "benefit",
            "benefits.toml",
            "benefit",
            {"title": req("text"), "description": req("text")},
        ),
        Kind(
            "risk",
            "risks.toml",
            "risk",
            {
                "title": req("text"),
                "description": req("text"),
                "likelihood": req("scale"),
                "impact": req("scale"),
                "justification": req("text"),
                "indicators": req("texts"),
                "mitigations": req("texts"),
            },
        ),
    )
}

#: The record files, in the order they are read.
RECORD_FILES: tuple[str, ...] = tuple(dict.fromkeys(k.file for k in KINDS.values()))


#: Fields allowed in a source document's metadata file (``NAME.toml`` beside ``NAME.txt``).
SOURCE_FIELDS: dict[str, F] = {
    "id": opt("text"),
    "title": opt("text"),
    "kind": req("text"),
    "publisher": opt("text"),
    "author": opt("text"),
    "date": opt("date"),
    "url": opt("text"),
    "origin": opt("text"),
}
