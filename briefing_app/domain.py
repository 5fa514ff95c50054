"""Plain data objects that the store returns and the views and exports consume (no Qt, no SQL).

They are NamedTuples rather than frozen dataclasses: equally immutable, and about seven times
cheaper to define, which matters because this module is imported before the first paint.
Their annotations are real types, not strings (no ``from __future__ import annotations``):
``typing.NamedTuple`` compiles each string annotation into a ``ForwardRef``, which made
defining the 25 classes about twice as slow.
"""

from typing import NamedTuple

#: Every kind of item a user can annotate, in the order the briefing presents them.
ITEM_KINDS: tuple[str, ...] = (
    "overview",
    "judgment",
    "assumption",
    "outcome",
    "indicator",
    "figure",
    "actor",
    "region",
    "mineral",
    "project",
    "event",
    "era",
    "benefit",
    "risk",
    "source",
)

#: The tab that shows each kind of item.
KIND_TAB: dict[str, str] = {
    "overview": "overview",
    "judgment": "overview",
    "assumption": "overview",
    "outcome": "overview",
    "indicator": "overview",
    "figure": "overview",
    "actor": "overview",
    "benefit": "overview",
    "region": "minerals",
    "mineral": "minerals",
    "project": "minerals",
    "event": "timeline",
    "era": "timeline",
    "risk": "risks",
    "source": "sources",
    "passage": "sources",
}

#: The vocabularies records and the analyst's own items share.
ESTIMATIVE_WORDS = (
    "almost certainly",
    "very likely",
    "likely",
    "roughly even chance",
    "unlikely",
    "very unlikely",
    "almost no chance",
)
CONFIDENCE_LEVELS = ("low", "moderate", "high")
#: What an indicator, if it is seen, would do to its key judgment.
INDICATOR_DIRECTIONS = ("strengthen", "weaken")
ACTOR_KINDS = (
    "country",
    "province",
    "multilateral",
    "initiative",
    "company",
    "state-body",
    "armed-group",
)
REGION_KINDS = ("province", "territory")
EVENT_CATEGORIES = (
    "diplomacy",
    "investment",
    "policy",
    "security",
    "export-control",
    "legal",
    "trade",
)
CHART_SERIES = ("mining", "processing")
SCALE = (1, 2, 3, 4, 5)

#: The kinds of item the analyst can add (marked as the analyst's in every view).
OWN_KINDS: tuple[str, ...] = ("event", "risk", "judgment", "figure", "actor")
#: Ids of the analyst's own items and sources start so: they never collide with bundled ids.
OWN_PREFIX = "own-"

#: The Admiralty (NATO) grading: a source's reliability, A to F...
RELIABILITY: dict[str, str] = {
    "A": "completely reliable",
    "B": "usually reliable",
    "C": "fairly reliable",
    "D": "not usually reliable",
    "E": "unreliable",
    "F": "reliability cannot be judged",
}
#: ...and an item's information credibility, 1 to 6.
CREDIBILITY: dict[str, str] = {
    "1": "confirmed by other sources",
    "2": "probably true",
    "3": "possibly true",
    "4": "doubtful",
    "5": "improbable",
    "6": "truth cannot be judged",
}


def is_own(item_id: str) -> bool:
    """True for the analyst's own items and sources."""
    return item_id.startswith(OWN_PREFIX)


PRECISIONS = ("year", "month", "day")
# English month names, fixed: the briefing is in English whatever the system's locale, and
# calendar.month_name formats a date through the C library on every call.
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")


class ItemRef(NamedTuple):
    """A stable handle on any annotatable item: ``KIND:ID``."""

    kind: str
    id: str

    def __str__(self) -> str:
        return f"{self.kind}:{self.id}"

    @classmethod
    def parse(cls, text: str) -> "ItemRef":
        kind, sep, ident = text.partition(":")
        if not sep or not ident or kind not in ITEM_KINDS:
            raise ValueError(
                f"{text!r} is not an item reference: expected KIND:ID with KIND one of "
                + ", ".join(ITEM_KINDS)
            )
        return cls(kind, ident)


class Item(NamedTuple):
    ref: ItemRef
    title: str
    text: str = ""


class PartialDate(NamedTuple):
    """A date known to a year, a month or a day (ISO text ``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``)."""

    iso: str

    @property
    def precision(self) -> str:
        return PRECISIONS[self.iso.count("-")]

    @property
    def year(self) -> int:
        return int(self.iso[:4])

    def label(self) -> str:
        """How the date reads to a user, never more precise than it is known."""
        parts = self.iso.split("-")
        if len(parts) == 1:
            return parts[0]
        month = MONTHS[int(parts[1]) - 1]
        if len(parts) == 2:
            return f"{month} {parts[0]}"
        return f"{int(parts[2])} {month} {parts[0]}"

    def short_label(self) -> str:
        parts = self.iso.split("-")
        if len(parts) == 1:
            return parts[0]
        month = MONTHS[int(parts[1]) - 1][:3]
        if len(parts) == 2:
            return f"{month} {parts[0]}"
        return f"{int(parts[2])} {month} {parts[0]}"


class Citation(NamedTuple):
    id: str
    title: str
    publisher: str
    date: str
    url: str
    fact: str
    note: str = ""

    def reference(self) -> str:
        """One line a reader can follow: title, publisher, date, URL."""
        bits = [f"\u201c{self.title}\u201d", self.publisher]
        if self.date:
            bits.append(PartialDate(self.date).label())
        else:
            bits.append("undated")
        text = ", ".join(b for b in bits if b)
        if self.note:
            text += f" ({self.note})"
        return f"{text}. {self.url}"


class Provenance(NamedTuple):
    """Where one claim of an item comes from: a quote in a source, or an external citation."""

    kind: str  # "quote", "citation", or "assessment" (the analyst's own, said as such)
    source_id: str = ""
    passage_id: str = ""
    start: int = 0
    end: int = 0
    quote: str = ""
    citation: Citation | None = None
    #: Of a quote in the bundled briefing: the record's own words that the quote backs.
    supports: str = ""

    def label(self) -> str:
        if self.citation is not None:
            return self.citation.reference()
        if self.kind == "assessment":
            return "The analyst's own assessment (no outside source)"
        return f"\u201c{self.quote}\u201d (source: {self.source_id})"


class Source(NamedTuple):
    id: str
    title: str
    kind: str
    text: str
    publisher: str = ""
    author: str = ""
    date: str = ""
    url: str = ""
    origin: str = ""
    own: bool = False  # the analyst's own (workspace), not the bundled briefing's


class Passage(NamedTuple):
    id: str
    source_id: str
    seq: int
    start: int
    end: int
    role: str  # "title", "heading" or "body"
    text: str


class Overview(NamedTuple):
    id: str
    title: str
    bluf: str
    caveat: str = ""
    question: str = ""  # the central question the alternative outcomes answer


class Assumption(NamedTuple):
    """A key assumption the judgments rest on: held, not known (ICD 203)."""

    id: str
    seq: int
    text: str
    basis: str
    if_wrong: str
    judgments: tuple[str, ...]
    caveat: str = ""


class Outcome(NamedTuple):
    """One alternative outcome of the central question, with its likelihood (ICD 203)."""

    id: str
    seq: int
    title: str
    estimative: str
    text: str
    basis: str
    events: tuple[str, ...] = ()
    figures: tuple[str, ...] = ()
    caveat: str = ""


class Indicator(NamedTuple):
    """What would change a key judgment: a sign to watch, tied to events or figures."""

    id: str
    seq: int
    judgment: str
    direction: str  # "strengthen" or "weaken" (INDICATOR_DIRECTIONS)
    text: str
    events: tuple[str, ...] = ()
    figures: tuple[str, ...] = ()
    caveat: str = ""


def judgments_named(ids: tuple[str, ...], numbers: dict[str, int]) -> str:
    """The key judgments ``ids`` by their numbers in the briefing: "judgment 5",
    "judgments 1, 2" ("" if none is numbered)."""
    found = sorted(numbers[j] for j in ids if j in numbers)
    if not found:
        return ""
    return f"judgment{'s' if len(found) > 1 else ''} {', '.join(map(str, found))}"


class Judgment(NamedTuple):
    id: str
    seq: int
    estimative: str
    confidence: str
    text: str
    basis: str
    caveat: str = ""
    own: bool = False  # the analyst's own (workspace), not the bundled briefing's


class EstimativeWord(NamedTuple):
    """One step of the estimative-language scale: a word and the probability range (percent)
    it stands for. Reference data (cited), not an item of the briefing."""

    id: str
    seq: int
    word: str
    synonym: str
    low: float
    high: float

    def range_label(self) -> str:
        return f"{self.low:g}–{self.high:g}%"


class Figure(NamedTuple):
    id: str
    seq: int
    label: str
    value: float
    unit: str
    measures: str
    value_high: float | None = None
    as_of: str = ""
    chart_series: str = ""
    chart_label: str = ""
    caveat: str = ""
    own: bool = False  # the analyst's own (workspace), not the bundled briefing's

    def value_text(self) -> str:
        def fmt(v: float) -> str:
            return f"{v:,.0f}" if float(v).is_integer() else f"{v:,g}"

        text = fmt(self.value)
        if self.value_high is not None:
            text += f"\u2013{fmt(self.value_high)}"
        return text


class Actor(NamedTuple):
    id: str
    name: str
    short: str
    kind: str
    description: str
    caveat: str = ""
    own: bool = False  # the analyst's own (workspace), not the bundled briefing's


class Region(NamedTuple):
    id: str
    name: str
    kind: str
    boundary: str
    description: str
    centroid_lat: float
    centroid_lon: float
    area_km2_measured: float
    capital: str = ""
    capital_lat: float | None = None
    capital_lon: float | None = None
    area_km2: float | None = None
    caveat: str = ""
    minerals: tuple[str, ...] = ()


class Mineral(NamedTuple):
    id: str
    name: str
    uses: str
    strategic: str
    occurrence: str
    regions: tuple[str, ...] = ()
    projects: tuple[str, ...] = ()
    caveat: str = ""


class Project(NamedTuple):
    id: str
    name: str
    status: str
    description: str
    place: str  # "" when the sources give no site: no map marker
    lat: float | None
    lon: float | None
    place_note: str = ""
    region: str = ""
    operator: str = ""
    minerals: tuple[str, ...] = ()
    caveat: str = ""


class Event(NamedTuple):
    id: str
    date: PartialDate
    title: str
    summary: str
    category: str
    lane: str
    actors: tuple[str, ...] = ()
    date_note: str = ""
    caveat: str = ""
    own: bool = False  # the analyst's own (workspace), not the bundled briefing's


class Era(NamedTuple):
    id: str
    title: str
    start: PartialDate
    lane: str
    description: str
    end: PartialDate | None = None
    caveat: str = ""


class Benefit(NamedTuple):
    id: str
    seq: int
    title: str
    description: str
    caveat: str = ""


class Risk(NamedTuple):
    id: str
    seq: int
    title: str
    description: str
    likelihood: int
    impact: int
    justification: str
    indicators: tuple[str, ...] = ()
    mitigations: tuple[str, ...] = ()
    caveat: str = ""
    own: bool = False  # the analyst's own (workspace), not the bundled briefing's

    @property
    def score(self) -> int:
        return self.likelihood * self.impact


class Boundary(NamedTuple):
    name: str
    kind: str
    # Each polygon is a list of rings; each ring a list of (lon, lat) pairs.
    polygons: list[list[list[tuple[float, float]]]]


class Place(NamedTuple):
    name: str
    lat: float
    lon: float
    admin1: str
    source: str


class SearchHit(NamedTuple):
    kind: str  # an item kind, or "passage"
    id: str
    title: str
    snippet: str
    source_id: str = ""
    start: int = 0
    end: int = 0

    @property
    def group(self) -> str:
        return self.kind
