"""Assemble the annotated briefing (a ``Document``) from the bundled data and the workspace.

The structure follows serious public briefings (Congressional Research Service and
International Crisis Group reports): a title page, a summary with the key judgments and the
estimative scale they use, a scope and method note, numbered sections, and lettered annexes
(the dated events, the actors, the sources and references, an index of the analyst's notes).
Nothing the database holds for an exported section is left out: every caveat, date note, place
note and actor record reaches the document. A note whose item lies in a section left out is
reported in ``Document.left_out``, never dropped silently.

It reads through whatever store it is given: given a ``BriefingView`` (as the window and the
command line give it), the analyst's own items join their sections, each marked "(the
analyst's)" in its text so that every format shows it, with its provenance: passages of
imported sources and outside publications are numbered references like the briefing's, and
"the analyst's own assessment" is said beside the item. References carry the analyst's
reliability grade of their source, and items their credibility grade, where set.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from operator import attrgetter
from typing import cast

from ..domain import (
    CREDIBILITY,
    RELIABILITY,
    Actor,
    Event,
    Indicator,
    ItemRef,
    Outcome,
    PartialDate,
    Source,
    is_own,
    judgments_named,
)
from ..store.anchoring import Placement, place_notes
from ..store.briefing import BriefingStore, newest_fact
from ..store.describe import KIND_LABELS
from ..store.view import ANALYST_ACTOR, ANALYST_LANE, BriefingView
from ..store.workspace import ChecklistEntry, Workspace
from ..store.workspace import Note as WorkspaceNote
from . import charts_svg
from .model import (
    SECTIONS,
    Block,
    Bullets,
    Document,
    ExportOptions,
    Heading,
    Image,
    LeftOut,
    Note,
    Para,
    Reference,
    ReferenceList,
    Section,
    Table,
    visible,
)

#: Which item kinds each choosable section presents (a note on such an item goes with it).
SECTION_KINDS: dict[str, tuple[str, ...]] = {
    "overview": ("overview", "judgment", "assumption", "outcome", "indicator", "figure",
                 "benefit"),
    "minerals": ("region", "mineral", "project"),
    "timeline": ("event", "era"),
    "risks": ("risk",),
    "actors": ("actor",),
    "source-notes": ("source",),
}
KEYWORDS = ["critical minerals", "Pakistan", "United States", "China", "supply chains",
            "rare earths", "Balochistan", "Khyber Pakhtunkhwa"]
DESCRIPTION = ("The United States seeking a critical-minerals partnership with Pakistan to "
               "counter China's dominance of mineral supply chains.")
ANNEX_LETTERS = "ABCDEFGH"
#: How an item the analyst added reads, after its title or lead-in, in every format.
MINE = " (the analyst's)"
#: What the export reads: the bundled briefing, or the analyst's view of it.
Briefing = BriefingStore | BriefingView


def mine(x: object) -> str:
    """``MINE`` for the analyst's own item (``own=True``), else nothing."""
    return MINE if getattr(x, "own", False) else ""


def reliability(grade: str) -> str:
    """" (reliability B: usually reliable)" for a graded source or citation (round brackets:
    square ones would be escaped in the Markdown, shown to a plain-text reader)."""
    return f" (reliability {grade}: {RELIABILITY[grade]})" if grade in RELIABILITY else ""


class _Refs:
    """Numbers references in order of first use: a source passage or an external citation.
    An item resting on the analyst's own assessment has no reference for it: ``assessed``
    says so, for the item to say it beside itself."""

    def __init__(self, store: Briefing, grades: Mapping[str, str] | None = None):
        self.store = store
        self.provenance = store.all_provenance()
        self.sources = {s.id: s for s in store.sources()}
        self.passage_seq = store.passage_numbers()
        self.grades = grades or {}
        self._numbers: dict[str, int] = {}
        self.references: list[Reference] = []
        #: The words each item quotes, with their reference numbers (as ``of`` gave them).
        self.quoted: dict[ItemRef, list[tuple[str, int]]] = {}

    def assessed(self, ref: ItemRef) -> bool:
        return any(p.kind == "assessment" for p in self.provenance.get(ref, []))

    def _number(self, key: str, text: str, url: str = "") -> int:
        if key not in self._numbers:
            self._numbers[key] = len(self._numbers) + 1
            self.references.append(Reference(self._numbers[key], text, url))
        return self._numbers[key]

    def of(self, ref: ItemRef) -> list[int]:
        numbers: list[int] = []
        quoted: list[tuple[str, int]] = []
        for p in self.provenance.get(ref, []):
            if p.kind == "quote":
                src = self.sources.get(p.source_id)
                key = f"passage:{p.passage_id or f'{p.source_id}@{p.start}'}"
                if src is None:  # an own item's source gone from a rebuilt briefing
                    n = self._number(key, f"A source no longer in this briefing "
                                          f"({p.source_id}): \u201c{p.quote}\u201d.")
                else:
                    seq = self.passage_seq.get(p.passage_id, 0)
                    who = ", ".join(x for x in (src.publisher, src.date) if x) or (
                        "publisher and date not stated")
                    n = self._number(key, f"\u201c{src.title}\u201d ({src.kind}; {who}), "
                                          f"paragraph {seq}."
                                          + reliability(self.grades.get(f"source:{src.id}", "")),
                                     src.url)
                quoted.append((p.quote, n))
            elif p.citation is not None:
                c = p.citation
                if is_own(c.id):  # an outside publication the analyst cited
                    c = c._replace(note=c.note or "cited by the analyst")
                text = c.reference().rstrip()
                grade = reliability(self.grades.get(f"citation:{c.id}", ""))
                if grade and c.url and text.endswith(c.url):  # the grade before the address
                    text = f"{text[:-len(c.url)].rstrip()}{grade} {c.url}"
                else:
                    text += grade
                n = self._number(f"citation:{c.id}", text, c.url)
            else:  # the analyst's own assessment: said beside the item, not a reference
                continue
            if n not in numbers:
                numbers.append(n)
        self.quoted[ref] = quoted
        return numbers

    def cell(self, ref: ItemRef) -> str:
        return ", ".join(str(n) for n in self.of(ref))


_START = attrgetter("start")  # a placement's position in its source's text


def _date_label(iso: str) -> str:
    return PartialDate(iso).label() if iso else ""


class _Builder:
    """Fills sections in document order, numbering tables, figures and notes as it goes."""

    def __init__(self, store: Briefing, workspace: Workspace | None,
                 opts: ExportOptions, refs: _Refs):
        self.store = store
        self.opts = opts
        self.refs = refs
        notes = workspace.notes() if (workspace is not None and opts.include_notes) else []
        # A view answers every question place_notes asks (it is typed for the bundled store).
        self.placements = place_notes(cast(BriefingStore, store), notes)
        self.by_item: dict[ItemRef, list[Placement]] = {}
        self.by_source: dict[str, list[Placement]] = {}  # notes on passages, by source
        for p in self.placements:
            if p.anchored:
                if p.item is not None:
                    self.by_item.setdefault(p.item, []).append(p)
                else:
                    self.by_source.setdefault(p.source_id, []).append(p)
        self.checklist: dict[str, ChecklistEntry] = (
            workspace.checklist() if (workspace is not None and opts.include_checklist)
            else {})
        self.grades = refs.grades
        self.tables = 0
        self.figures = 0
        self.note_count = 0
        # What the document's notes were taken from: items, and sources (by id) for notes on
        # their passages; the notes of every other item or source were left out.
        self.used: set[ItemRef | str] = set()
        self._tags: dict[str, str] = {}
        self.heading_ids: set[str] = set()

    # -- numbering ------------------------------------------------------------------------
    def table(self, header: list[str], rows: list[list[str]], widths: list[float],
              caption: str, source: str, notes: list[Para] | None = None) -> Table:
        self.tables += 1
        return Table(header, rows, widths, caption, self.tables, source, notes or [],
                     f"table-{self.tables}")

    def image(self, name: str, alt: str, caption: str, svg: str, size: tuple[int, int],
              source: str) -> Image:
        self.figures += 1
        return Image(name, alt, caption, svg, width_px=size[0], height_px=size[1],
                     number=self.figures, source=source, id=f"figure-{self.figures}")

    def heading(self, text: str, level: int, anchor: str) -> Heading:
        base, n = anchor, 2
        while anchor in self.heading_ids:
            anchor = f"{base}-{n}"
            n += 1
        self.heading_ids.add(anchor)
        return Heading(text, level, anchor)

    def notes(self, ref: ItemRef, label: str, about: str = "") -> list[Note]:
        """The notes on an item, numbered on from the notes before them."""
        self.used.add(ref)
        target = f"{KIND_LABELS.get(ref.kind, ref.kind)}: {label}"
        return [self.note_of(p.note, target, "", about) for p in self.by_item.get(ref, [])]

    def text_notes(self, source: Source) -> list[Note]:
        """The notes on passages of a source, in the order of the text, each with the words
        it is on."""
        self.used.add(source.id)
        anchor = f"source-{source.id}"
        where: dict[int, str] = {}  # paragraph number -> "Title, paragraph N"
        out = []
        for p in sorted(self.by_source.get(source.id, []), key=_START):
            target = where.get(p.passage_seq)
            if target is None:
                target = where[p.passage_seq] = f"{source.title}, paragraph {p.passage_seq}"
            # The words at its place are its quote: a note is placed only where its quote
            # stands exactly (``place_notes``), so the note's own copy serves.
            assert p.note.anchor is not None
            out.append(self.note_of(p.note, target, visible(p.note.anchor.quote), anchor))
        return out

    def note_of(self, note: WorkspaceNote, target: str, quote: str, about: str) -> Note:
        """The document's next note: ``note`` on ``target`` (its ``quote`` made visible)."""
        self.note_count += 1
        tag = note.tag and self._tags.get(note.tag)  # (a few tags, on many notes)
        if tag is None:
            tag = self._tags[note.tag] = visible(note.tag)
        return Note(target, visible(note.body), tag, note.colour, note.updated_at, quote,
                    self.note_count, f"note-{self.note_count}", about)

    @staticmethod
    def caveat(text: str) -> list[Para]:
        return [Para(f"Caveat: {text}", style="caveat")] if text else []

    def quotes(self, ref: ItemRef) -> tuple[str, list[int]]:
        """For the analyst's own item: the words it quotes from its sources, and their
        reference numbers (the briefing's items give their references only)."""
        quoted = self.refs.quoted.get(ref, []) if is_own(ref.id) else []
        if not quoted:
            return "", []
        text = "; ".join(f"\u201c{' '.join(q.split())}\u201d" for q, _ in quoted)
        return f"Quoted: {text}.", list(dict.fromkeys(n for _, n in quoted))

    def grading_text(self, ref: ItemRef) -> str:
        """What the analyst says of an item beside it: that it rests on their own assessment
        (which has no reference number), and the credibility they grade it, if any."""
        said = []
        if self.refs.assessed(ref):
            said.append("Source: the analyst's own assessment (no outside source).")
        grade = self.grades.get(str(ref), "")
        if grade in CREDIBILITY:
            said.append(f"Analyst's grading: credibility {grade}: {CREDIBILITY[grade]}.")
        return " ".join(said)

    def grading(self, ref: ItemRef) -> list[Para]:
        """The paragraphs after an item: what an own item quotes, and ``grading_text``."""
        quoted, numbers = self.quotes(ref)
        text = self.grading_text(ref)
        return ([Para(quoted, numbers, style="meta")] if quoted else []) + (
            [Para(text, style="meta")] if text else [])

    def table_grading(self, ref: ItemRef, label: str) -> list[Para]:
        """``grading`` as one table note, after the item's label."""
        quoted, numbers = self.quotes(ref)
        text = " ".join(x for x in (quoted, self.grading_text(ref)) if x)
        return [Para(text, numbers, lead_in=f"{label}:", style="small")] if text else []

    def refs_cell(self, ref: ItemRef) -> str:
        """A Refs cell: the numbers, or for an item resting only on the analyst's assessment,
        "analyst" (a table note says more)."""
        return self.refs.cell(ref) or ("analyst" if self.refs.assessed(ref) else "")


def build_document(store: Briefing, workspace: Workspace | None,
                   options: ExportOptions | None = None,
                   progress: Callable[[int, str], None] | None = None,
                   today: dt.date | None = None) -> Document:
    """The annotated briefing as the user chose it. ``progress(percent, step)`` is called
    between steps so a caller can show progress (and cancel by raising)."""
    opts = options or ExportOptions()
    report = progress or (lambda _p, _s: None)
    grades = workspace.grades() if workspace is not None else {}
    refs = _Refs(store, grades)
    b = _Builder(store, workspace, opts, refs)
    overview = store.overview()
    as_of = opts.as_of or newest_fact(store)
    doc = Document(
        title=visible(opts.title.strip()) or overview.title,
        author=visible(opts.author.strip()),
        date=(today or dt.date.today()).isoformat(),
        sources=[_source_line(s, grades) for s in store.sources()],
        sections=[],
        references=refs.references,
        organisation=visible(opts.organisation.strip()),
        as_of=as_of,
        marking=visible(opts.marking.strip()),
        keywords=list(KEYWORDS),
        description=DESCRIPTION,
    )
    chosen = [s for s, _ in SECTIONS if s in opts.sections]
    steps = len(chosen) + 4
    done = 0

    def step(what: str) -> None:
        nonlocal done
        report(int(100 * done / steps), what)
        done += 1

    # Front matter: the summary first (an official reads it and may stop there).
    step("Summary")
    if "overview" in chosen:
        doc.sections.append(_summary(b, store))
    numbered = 0
    body = {"overview": ("Context and key figures", _context),
            "minerals": ("Minerals by region", _minerals),
            "timeline": ("Geopolitics timeline", _timeline),
            "risks": ("Risk checklist", _risks),
            "source-notes": ("Notes on the source documents", _source_notes)}
    for section_id in chosen:
        if section_id not in body:
            continue
        title, fill = body[section_id]
        step(title)
        numbered += 1
        section = Section(section_id, title, number=str(numbered))
        fill(b, store, section)
        if section.blocks:
            doc.sections.append(section)
        else:
            numbered -= 1
    annexes: list[Section] = []
    if "timeline" in chosen:
        step("Annex: dated events")
        annexes.append(_annex_events(b, store))
    if "actors" in chosen:
        step("Annex: actors")
        annexes.append(_annex_actors(b, store))
    step("Annex: sources and references")
    references = _references(doc)
    annexes.append(references)
    unanchored = [p for p in b.placements if not p.anchored]
    lost = _unanchored(b, unanchored) if unanchored else None
    doc.left_out = _left_out(b, chosen)
    if b.note_count:  # after every note has its number (the unanchored ones too)
        # The annexes so far hold notes too (on dated events and actors): index them all.
        annexes.append(_notes_index(doc, b, [*annexes, *([lost] if lost else [])]))
    if lost is not None:
        annexes.append(lost)
    for letter, annex in zip(ANNEX_LETTERS, annexes, strict=False):
        annex.number = letter
    doc.sections.insert(1 if doc.sections and doc.sections[0].id == "summary" else 0,
                        _scope(b, store, doc, annexes))
    doc.sections.extend(annexes)
    report(100, "done")
    return doc


def _source_line(s, grades: Mapping[str, str]) -> str:  # type: ignore[no-untyped-def]
    who = ", ".join(x for x in (s.publisher, s.date) if x) or "publisher and date not stated"
    origin = " \u2014 imported by the analyst" if getattr(s, "own", False) else ""
    return f"{s.title} ({s.kind}; {who}){origin}" + reliability(grades.get(f"source:{s.id}", ""))


# -- front matter ---------------------------------------------------------------------------
def _summary(b: _Builder, store: Briefing) -> Section:
    section = Section("summary", "Summary", kind="front")
    out = section.blocks
    o = store.overview()
    oref = ItemRef("overview", o.id)
    out.append(b.heading("Bottom line", 2, "bottom-line"))
    out.append(Para(o.bluf, b.refs.of(oref), "lead"))
    out.extend(b.grading(oref))
    out.extend(b.caveat(o.caveat))
    out.extend(b.notes(oref, o.title, "bottom-line"))
    out.append(b.heading("Key judgments", 2, "key-judgments"))
    judgments = store.judgments()
    items = []
    extra: list[Block] = []
    for j in judgments:
        jref = ItemRef("judgment", j.id)
        items.append(Para(j.text, b.refs.of(jref),
                          lead_in=f"{j.estimative.capitalize()} ({j.confidence} "
                                  f"confidence){mine(j)}."))
    out.append(Bullets(items, ordered=True))
    indicators: dict[str, list[Indicator]] = {}
    for ind in store.indicators():
        indicators.setdefault(ind.judgment, []).append(ind)
    events = {e.id: e for e in store.events()}
    figures = {f.id: f for f in store.figures()}

    def tied(x: Indicator | Outcome) -> str:
        return "; ".join([f"{events[e].date.label()}, {events[e].title}" for e in x.events
                          if e in events] + [figures[f].label for f in x.figures
                                             if f in figures])

    numbers = {j.id: i for i, j in enumerate(judgments, start=1)}
    for i, j in enumerate(judgments, start=1):
        jref = ItemRef("judgment", j.id)
        extra.append(Para(j.basis, style="meta", lead_in=f"Basis for judgment {i}{mine(j)}:"))
        extra.extend(b.grading(jref))
        extra.extend(b.caveat(j.caveat))
        # What would change it (ICD 203): each sign to watch, tied to events or figures.
        for ind in indicators.get(j.id, []):
            iref = ItemRef("indicator", ind.id)
            watch = tied(ind)
            extra.append(Para(ind.text + (f" Watch: {watch}." if watch else ""),
                              b.refs.of(iref), style="meta",
                              lead_in=f"What would {ind.direction} judgment {i}:"))
            extra.extend(b.caveat(ind.caveat))
            extra.extend(b.notes(iref, f"what would change judgment {i}", "key-judgments"))
        extra.extend(b.notes(jref, f"judgment {i}", "key-judgments"))
    out.extend(extra)
    _assumptions(b, store, out, numbers)
    _outcomes(b, store, out, tied)
    scale = store.estimative_scale()
    if scale:
        cite = b.refs.of(ItemRef("estimative", scale[0].id))
        out.append(b.table(
            ["Estimative word", "Also written", "Probability"],
            [[w.word, w.synonym, w.range_label()] for w in scale], [2.2, 2.2, 1.4],
            "How likely: the estimative words the judgments use",
            "Source: the US Intelligence Community's analytic standards (ICD 203)"
            + (f", reference [{', '.join(map(str, cite))}]." if cite else ".")))
        out.append(Para("Confidence (low, moderate, high) says how well the sources support a "
                        "judgment, not how likely it is.", style="meta"))
    return section


def _assumptions(b: _Builder, store: Briefing, out: list[Block],
                 numbers: dict[str, int]) -> None:
    """The key assumptions, apart from the information (ICD 203), each with the judgments
    resting on it and what changes if it fails."""
    assumptions = store.assumptions()
    if not assumptions:
        return
    out.append(b.heading("Key assumptions", 2, "key-assumptions"))
    out.append(Para("What the judgments take as given, apart from the information: the "
                    "briefing's assessment.", style="meta"))
    for n, a in enumerate(assumptions, start=1):
        aref = ItemRef("assumption", a.id)
        rests = judgments_named(a.judgments, numbers)
        which = f" ({rests})" if rests else ""
        out.append(Para(a.text, b.refs.of(aref), lead_in=f"Assumption {n}."))
        out.append(Para(a.basis, style="meta", lead_in="Basis:"))
        out.append(Para(a.if_wrong, style="meta", lead_in=f"If it is wrong{which}:"))
        out.extend(b.caveat(a.caveat))
        out.extend(b.notes(aref, f"assumption {n}", "key-assumptions"))


def _outcomes(b: _Builder, store: Briefing, out: list[Block],
              tied: Callable[[Outcome], str]) -> None:
    """The alternative outcomes of the central question, with their likelihoods, and the
    check that those can add up (ICD 203)."""
    outcomes = store.outcomes()
    if not outcomes:
        return
    ranges = {w.word: w for w in store.estimative_scale()}
    out.append(b.heading("Alternative outcomes", 2, "alternative-outcomes"))
    out.append(Para(store.overview().question, style="lead"))
    out.append(Para("The briefing's assessment: the outcomes exclude each other and together "
                    "cover the field; their likelihoods use the estimative scale below.",
                    style="meta"))
    for n, oc in enumerate(outcomes, start=1):
        oref = ItemRef("outcome", oc.id)
        w = ranges.get(oc.estimative)
        span = f" ({w.range_label()})" if w else ""
        out.append(Para(oc.text, b.refs.of(oref),
                        lead_in=f"{n}. {oc.title}: {oc.estimative}{span}."))
        signs = tied(oc)
        out.append(Para(oc.basis + (f" Signs so far: {signs}." if signs else ""),
                        style="meta", lead_in="Basis:"))
        out.extend(b.caveat(oc.caveat))
        out.extend(b.notes(oref, f"outcome {n}, {oc.title}", "alternative-outcomes"))
    span_all = store.outcomes_span()
    if span_all is not None:
        low, high = span_all
        out.append(Para(f"Together the ranges span {low:g}\u2013{high:g}%, so probabilities "
                        "inside them can add up to 100%.", style="meta"))


def _scope(b: _Builder, store: Briefing, doc: Document,
           annexes: list[Section]) -> Section:
    section = Section("scope", "Scope and method", kind="front")
    sources = store.sources()
    citations = sum(1 for r in doc.references if not r.text.startswith("\u201c"))
    kinds = ", ".join(sorted({s.kind for s in sources}))
    imported = sum(1 for s in sources if getattr(s, "own", False))
    if imported:
        kinds += f"; {imported} of them imported by the analyst"
    as_of = PartialDate(doc.as_of).label() if doc.as_of else "not known"
    where = {a.id: f"Annex {a.number}" for a in annexes}
    paras = [
        Para(f"This briefing rests on {len(sources)} source document"
             f"{'s' if len(sources) != 1 else ''} ({kinds}) and {citations} external "
             "publications. Every statement carries the numbers of its references; "
             f"{where.get('annex-references', 'the references annex')} lists them with "
             "their publishers, dates and addresses. Where the source article and the cited "
             "publications disagree, a caveat says so instead of picking a side."),
        Para("Key judgments use the estimative words of the scale in the summary; "
             "confidence (low, moderate, high) expresses how well the sources support a "
             "judgment. Figures are given to the precision of their source, and dates to "
             "the precision known (a day, a month or a year)."),
        Para(f"Information as of {as_of}: the newest dated fact in the data"
             f"{' (or the date the analyst set)' if b.opts.as_of else ''}. Exported on "
             f"{PartialDate(doc.date).label()}."),
    ]
    own_items = [x for items in (store.judgments(), store.figures(), store.actors(),
                                 store.events(), store.risks())
                 for x in items if getattr(x, "own", False) and x.id != ANALYST_LANE]
    if own_items or b.grades:
        paras.append(Para(
            "Items the analyst added are marked \u201c(the analyst's)\u201d and carry their "
            "provenance: a passage of a source, an outside publication (both numbered "
            "references), or the analyst's own assessment, said as such. Grades are the "
            "analyst's, on the Admiralty scale: a source's reliability (A, completely "
            "reliable, to F, cannot be judged) beside its references, an item's credibility "
            "(1, confirmed by other sources, to 6, cannot be judged) beside the item."))
    if b.note_count or b.checklist:
        paras.append(Para(
            "The analyst's own work is marked as such: notes (N1, N2, \u2026) sit with what "
            "they annotate"
            + (f" and are indexed in {where['annex-notes']}" if "annex-notes" in where else "")
            + "; risk ratings are the analyst's where the analyst set them, with the "
            "briefing's assessment beside them."))
    section.blocks.extend(paras)
    return section


# -- sections -------------------------------------------------------------------------------
def _context(b: _Builder, store: Briefing, section: Section) -> None:
    out = section.blocks
    out.append(b.heading("Key figures", 2, "key-figures"))
    rows = []
    table_notes: list[Para] = []
    figure_notes: list[Note] = []
    for f in store.figures():
        fref = ItemRef("figure", f.id)
        rows.append([f.label + mine(f), f"{f.value_text()} {f.unit}", f.measures,
                     _date_label(f.as_of) or "undated", b.refs_cell(fref)])
        if f.caveat:
            table_notes.append(Para(f.caveat, lead_in=f"{f.label}:", style="small"))
        table_notes.extend(b.table_grading(fref, f.label + mine(f)))
        figure_notes.extend(b.notes(fref, f.label, "key-figures"))
    out.append(b.table(["Figure", "Value", "What it measures", "As of", "Refs"], rows,
                       [3.2, 1.6, 3.4, 1.2, 0.8], "Key figures",
                       "Sources: the references in the Refs column.", table_notes))
    out.extend(figure_notes)
    charted = [f for f in store.figures() if f.chart_series]
    if b.opts.include_charts and charted:
        svg, size = charts_svg.supply_svg(charted)
        out.append(b.image(
            "supply", "Bar chart of China's share of world rare-earth mining and of "
            "processing, as each source reports it",
            "China's share of world rare-earth mining and processing, by source", svg, size,
            "Sources: the key figures above (mining and processing shares)."))
    out.append(b.heading("Benefits for Pakistan", 2, "benefits"))
    items = []
    extra: list[Block] = []
    for x in store.benefits():
        bref = ItemRef("benefit", x.id)
        items.append(Para(x.description, b.refs.of(bref), lead_in=f"{x.title}."))
        extra.extend(b.table_grading(bref, x.title))
        extra.extend(b.caveat(x.caveat and f"{x.title}: {x.caveat}"))
        extra.extend(b.notes(bref, x.title, "benefits"))
    out.append(Bullets(items))
    out.extend(extra)


def _minerals(b: _Builder, store: Briefing, section: Section) -> None:
    out = section.blocks
    minerals = {m.id: m for m in store.minerals()}
    actors = {a.id: a for a in store.actors()}
    projects = store.projects()
    for region in store.regions():
        rref = ItemRef("region", region.id)
        anchor = f"region-{region.id}"
        out.append(b.heading(region.name, 2, anchor))
        facts = [region.kind.capitalize()]
        if region.capital:
            facts.append(f"capital {region.capital}")
        if region.area_km2:
            facts.append(f"area {region.area_km2:,.0f} km\u00b2 (cited; "
                         f"{region.area_km2_measured:,.0f} km\u00b2 measured from the map)")
        else:
            facts.append(f"area about {region.area_km2_measured:,.0f} km\u00b2 (measured "
                         "from the map boundary)")
        out.append(Para("; ".join(facts) + ".", style="meta"))
        out.append(Para(region.description, b.refs.of(rref)))
        out.extend(b.grading(rref))
        out.extend(b.caveat(region.caveat))
        out.extend(b.notes(rref, region.name, anchor))
        rows = [[minerals[mid].name, minerals[mid].uses,
                 b.refs.cell(ItemRef("mineral", mid))] for mid in region.minerals]
        if rows:
            out.append(b.table(["Mineral", "Uses", "Refs"], rows, [2, 6, 1],
                               f"Minerals in {region.name}",
                               "Sources: the references in the Refs column; the mineral "
                               "profiles below give each mineral's sources in full."))
        here = [p for p in projects if p.region == region.id]
        if here:
            out.extend(_projects_table(b, here, minerals, actors, f"Projects and deposits in "
                                       f"{region.name}", anchor))
    others = [p for p in projects if not p.region]
    if others:
        out.append(b.heading("Programmes without a stated site", 2, "programmes"))
        out.extend(_projects_table(b, others, minerals, actors,
                                   "Programmes without a stated site", "programmes"))
    out.append(b.heading("Mineral profiles", 2, "mineral-profiles"))
    for m in minerals.values():
        mref = ItemRef("mineral", m.id)
        out.append(Para(f"Uses: {m.uses}. Why it matters: {m.strategic} Where in Pakistan: "
                        f"{m.occurrence}", b.refs.of(mref), lead_in=f"{m.name}."))
        out.extend(b.table_grading(mref, m.name))
        out.extend(b.caveat(m.caveat and f"{m.name}: {m.caveat}"))
        out.extend(b.notes(mref, m.name, "mineral-profiles"))


def _projects_table(b: _Builder, projects, minerals, actors,  # type: ignore[no-untyped-def]
                    caption: str, about: str) -> list[Block]:
    rows = []
    table_notes: list[Para] = []
    project_notes: list[Note] = []
    for p in projects:
        pref = ItemRef("project", p.id)
        site = p.place or "no site stated"
        rows.append([p.name, ", ".join(minerals[m].name for m in p.minerals),
                     actors[p.operator].name if p.operator else "not stated", site, p.status,
                     b.refs.cell(pref)])
        table_notes.append(Para(p.description, lead_in=f"{p.name}.", style="small"))
        if p.place_note:
            table_notes.append(Para(f"Site of {p.name}: {p.place_note}", style="small"))
        if p.caveat:
            table_notes.append(Para(f"Caveat on {p.name}: {p.caveat}", style="small"))
        table_notes.extend(b.table_grading(pref, p.name))
        project_notes.extend(b.notes(pref, p.name, about))
    return [b.table(["Project / deposit", "Minerals", "Operator", "Site", "Status", "Refs"],
                    rows, [2.2, 1.8, 1.6, 1.4, 2.8, 0.8], caption,
                    "Sources: the references in the Refs column.", table_notes),
            *project_notes]


def _actors_of(store: Briefing) -> dict[str, Actor]:
    """The actors by id, with the analyst's own lane (for an own event with no actor, or with
    one no longer in the briefing)."""
    actors = {a.id: a for a in store.actors()}
    actors.setdefault(ANALYST_LANE, ANALYST_ACTOR)
    return actors


def _events(store: Briefing, actors: Mapping[str, Actor]) -> list[Event]:
    """The events, each in a lane the timeline has."""
    return [e if e.lane in actors else e._replace(lane=ANALYST_LANE) for e in store.events()]


def _timeline(b: _Builder, store: Briefing, section: Section) -> None:
    out = section.blocks
    actors = _actors_of(store)
    events = _events(store, actors)
    eras = store.eras()
    if b.opts.include_charts and events:
        svg, size = charts_svg.timeline_svg(events, eras, actors)
        out.append(b.image(
            "timeline", "Timeline chart: each event as a mark in its actor's lane, coloured "
            "by category, with eras as grey bands",
            "Events by actor and date; bars span the month or year of events known only to "
            "that precision; grey bands are eras", svg, size,
            "Source: the dated events of Annex A and the eras below."))
    rows = [[e.date.label(), actors[e.lane].short, e.title + mine(e),
             e.category.replace("-", " "), b.refs_cell(ItemRef("event", e.id))]
            for e in events]
    out.append(b.table(["Date", "Actor", "Event", "Category", "Refs"], rows,
                       [1.7, 1.1, 4.4, 1.3, 0.9], "Dated events at a glance",
                       "Sources: the references in the Refs column; Annex A gives each event "
                       "in full, with date notes and caveats"
                       + (", and what the analyst's own events rest on."
                          if any(e.own for e in events) else ".")))
    out.append(b.heading("Eras", 2, "eras"))
    items = []
    extra: list[Block] = []
    for era in eras:
        eref = ItemRef("era", era.id)
        span = f"{era.start.label()} \u2013 {era.end.label() if era.end else 'ongoing'}"
        items.append(Para(era.description, b.refs.of(eref), lead_in=f"{era.title} ({span})."))
        extra.extend(b.table_grading(eref, era.title))
        extra.extend(b.caveat(era.caveat and f"{era.title}: {era.caveat}"))
        extra.extend(b.notes(eref, era.title, "eras"))
    out.append(Bullets(items))
    out.extend(extra)


def _risks(b: _Builder, store: Briefing, section: Section) -> None:
    out = section.blocks
    risks = store.risks()
    ours = b.opts.include_checklist
    checklist = b.checklist
    reviewed = sum(1 for r in risks if checklist.get(r.id, ChecklistEntry(r.id)).reviewed)
    if ours:
        out.append(Para(f"{reviewed} of {len(risks)} risks reviewed by the analyst. Likelihood "
                        "and impact are on a 1\u20135 scale; the analyst's values are shown "
                        "with the briefing's assessment beside them.", style="meta"))
    else:
        out.append(Para("The briefing's assessment of each risk (likelihood and impact, "
                        "1\u20135); the analyst's review is not included.", style="meta"))
    rows = []
    placed = []
    for n, r in enumerate(risks, start=1):
        e = checklist.get(r.id, ChecklistEntry(r.id))
        likelihood = (e.likelihood or r.likelihood) if ours else r.likelihood
        impact = (e.impact or r.impact) if ours else r.impact
        placed.append((n, likelihood, impact))
        # An own risk has no assessment of the briefing's: its ratings are the analyst's.
        row = [str(n), r.title + mine(r), str(likelihood), str(impact),
               str(likelihood * impact),
               "\u2014" if r.own else f"{r.likelihood}\u00d7{r.impact}"]
        if ours:
            row += [e.status, visible(e.owner) or "\u2014", e.next_review or "\u2014",
                    "yes" if e.reviewed else "no"]
        rows.append(row)
    header = ["#", "Risk", "L", "I", "Score", "Briefing"]
    widths = [0.4, 4, 0.5, 0.5, 0.8, 1.1]
    if ours:
        header += ["Status", "Owner", "Next review", "Reviewed"]
        widths += [1.3, 1.4, 1.4, 1.1]
    out.append(b.table(header, rows, widths, "Risk checklist",
                       "Source: the briefing's assessment of each risk (below, with its "
                       "references)" + ("; the analyst's review." if ours else ".")))
    if b.opts.include_charts:
        svg, size = charts_svg.heatmap_svg(placed)
        out.append(b.image(
            "heatmap", "Heat map: each risk's number placed in a five by five grid of "
            "likelihood against impact",
            "Risks by likelihood and impact: each number is a risk from the table, placed by "
            + ("the analyst's" if ours else "the briefing's") + " likelihood and impact",
            svg, size, "Source: the risk checklist above."))
    for n, r in enumerate(risks, start=1):
        rref = ItemRef("risk", r.id)
        e = checklist.get(r.id, ChecklistEntry(r.id))
        anchor = f"risk-{n}"
        out.append(b.heading(f"{n}. {r.title}{mine(r)}", 2, anchor))
        out.append(Para(r.description, b.refs.of(rref)))
        whose = "The analyst's" if r.own else "Briefing's"
        out.append(Para(f"{whose} assessment: likelihood {r.likelihood}, impact {r.impact}. "
                        f"{r.justification}".rstrip(), style="meta"))
        out.extend(b.grading(rref))
        out.extend(b.caveat(r.caveat))
        if ours and e.rationale.strip():
            out.append(Para(visible(e.rationale), lead_in="Analyst's rationale:"))
        if r.indicators or not r.own:
            out.append(Para("; ".join(r.indicators) + ".", lead_in="Watch:"))
        if r.mitigations or not r.own:
            out.append(Para("; ".join(r.mitigations) + ".", lead_in="Possible mitigations:"))
        out.extend(b.notes(rref, r.title, anchor))


def _source_notes(b: _Builder, store: Briefing, section: Section) -> None:
    out = section.blocks
    sources = {s.id: s for s in store.sources()}
    for src in sources.values():
        anchor = f"source-{src.id}"
        here = b.notes(ItemRef("source", src.id), src.title, anchor)
        if not here and src.id not in b.by_source:
            continue
        origin = " (imported by the analyst)" if getattr(src, "own", False) else ""
        out.append(b.heading(src.title + origin, 2, anchor))
        out.extend(here)  # notes on the source as a whole, then on passages of its text
        out.extend(b.text_notes(src))


# -- annexes --------------------------------------------------------------------------------
def _annex_events(b: _Builder, store: Briefing) -> Section:
    annex = Section("annex-timeline", "Dated events", kind="annex")
    out = annex.blocks
    actors = _actors_of(store)
    out.append(Para("Every dated event of the briefing, oldest first, with the actors "
                    "involved; dates are shown to the precision known, and a date note says "
                    "how a date was established where that matters.", style="meta"))
    year = None
    for e in _events(store, actors):
        if e.date.year != year:
            year = e.date.year
            out.append(b.heading(str(year), 2, f"events-{year}"))
        eref = ItemRef("event", e.id)
        # An own event names no actors: its lane is the actor it is placed with, if any.
        who = ", ".join(actors[a].name for a in e.actors if a in actors) or (
            actors[e.lane].name if e.lane != ANALYST_LANE else "not stated")
        out.append(Para(e.summary, b.refs.of(eref),
                        lead_in=f"{e.date.label()}: {e.title}{mine(e)}."))
        out.append(Para(f"Actors: {who}. Category: {e.category.replace('-', ' ')}.",
                        style="meta"))
        if e.date_note:
            out.append(Para(e.date_note, style="meta", lead_in="Date note:"))
        out.extend(b.grading(eref))
        out.extend(b.caveat(e.caveat))
        out.extend(b.notes(eref, f"{e.date.short_label()}, {e.title}", f"events-{year}"))
    return annex


def _annex_actors(b: _Builder, store: Briefing) -> Section:
    annex = Section("annex-actors", "Actors", kind="annex")
    out = annex.blocks
    kinds = {"country": "Countries", "province": "Provinces", "multilateral": "Multilateral",
             "initiative": "Initiatives", "company": "Companies",
             "state-body": "State bodies", "armed-group": "Armed groups"}
    # The analyst's own lane is where own events without an actor go, not an actor.
    actors = [a for a in store.actors() if a.id != ANALYST_LANE]
    for kind, title in kinds.items():
        these = [a for a in actors if a.kind == kind]
        if not these:
            continue
        anchor = f"actors-{kind}"
        out.append(b.heading(title, 2, anchor))
        for a in these:
            aref = ItemRef("actor", a.id)
            name = a.name if a.short in a.name else f"{a.name} ({a.short})"
            out.append(Para(a.description, b.refs.of(aref), lead_in=f"{name}{mine(a)}."))
            out.extend(b.grading(aref))
            out.extend(b.caveat(a.caveat and f"{a.name}: {a.caveat}"))
            out.extend(b.notes(aref, a.name, anchor))
    return annex


def _unanchored(b: _Builder, placements: list[Placement]) -> Section:
    annex = Section("unanchored", "Unanchored notes", kind="annex")
    annex.blocks.append(Para(
        "These notes were written on items or passages that the current briefing data no "
        "longer contains. They are kept with their original quote or target.", style="meta"))
    for p in placements:
        lost = p.note
        if lost.target is not None:
            target = f"{lost.target} (no longer in the briefing)"
            quote = ""
        else:
            assert lost.anchor is not None
            target = (f"Source {lost.anchor.source_id}: the passage this note quotes is not in "
                      "the current text (the quote below is the note's own record)")
            quote = lost.anchor.quote
        note = b.note_of(lost, target, visible(quote), "sec-unanchored")
        note.unanchored = True
        annex.blocks.append(note)
    return annex


def _left_out(b: _Builder, chosen: list[str]) -> list[LeftOut]:
    """Notes on items of the sections the user left out: said, not dropped silently."""
    titles = dict(SECTIONS)
    covered = {k for s in chosen for k in SECTION_KINDS[s]}
    out: list[LeftOut] = []
    if all(ref in b.used for ref in b.by_item) and all(s in b.used for s in b.by_source):
        return out  # (every note is in the document: nothing to look for among 100,000)
    for p in b.placements:
        if not p.anchored or (p.item if p.item is not None else p.source_id) in b.used:
            continue
        if p.item is not None:
            kind = p.item.kind
            section = next((s for s, kinds in SECTION_KINDS.items() if kind in kinds), "")
            if kind in covered:
                continue
            label = f"{KIND_LABELS.get(kind, kind)}: {p.item_title or p.item.id}"
        else:
            section = "source-notes"
            label = f"a passage of {p.source_id}"
        reason = (f"its section ({titles.get(section, section)}) was not exported"
                  if section else "it is not on an item this export shows")
        out.append(LeftOut(f"{label} \u2014 \u201c{_first_line(p.note.body)}\u201d", reason))
    return out


def _first_line(text: str) -> str:
    line = " ".join(text.strip().split("\n", 1)[0].split())
    return line if len(line) <= 60 else line[:57] + "\u2026"


# Beyond this many notes the index counts them by section instead of listing each: a table of
# thousands of rows helps no reader (each note stands in its section under its number anyway),
# and writing it doubled an export's time at 100,000 notes.
INDEX_LIMIT = 500


def _notes_index(doc: Document, b: _Builder, more: list[Section]) -> Section:
    annex = Section("annex-notes", "Index of the analyst's notes", kind="annex")
    per_section = [(s.title, found) for s in [*doc.sections, *more]
                   if (found := notes_in(s.blocks))]
    total = sum(len(group) for _, group in per_section)
    if total > INDEX_LIMIT:
        by_section: dict[str, list[Note]] = {}  # (sections of one title count as one)
        for title, group in per_section:
            by_section.setdefault(title, []).extend(group)
        annex.blocks.append(Para(
            f"The briefing carries {total:,} of the analyst's notes, too many to list "
            f"one by one (the index lists them when there are at most {INDEX_LIMIT:,}). Each "
            "note stands in its section under its number; this table counts them by section."))
        rows = [[title, f"{len(group):,}", f"{group[0].label} to {group[-1].label}"
                 if len(group) > 1 else group[0].label] for title, group in by_section.items()]
        annex.blocks.append(b.table(["Where", "Notes", "Numbers"], rows, [4, 1.2, 2.4],
                                    "The analyst's notes by section",
                                    "Source: the analyst's workspace."))
        return annex
    rows = [[n.label, n.target, n.tag or "\u2014", n.updated[:10] or "\u2014", title]
            for title, group in per_section for n in group]
    annex.blocks.append(b.table(["Note", "On", "Tag", "Updated", "Where"], rows,
                                [0.7, 4, 1.2, 1.2, 2.4], "The analyst's notes",
                                "Source: the analyst's workspace."))
    return annex


def _references(doc: Document) -> Section:
    """The source documents and the numbered references (``doc.references`` is the list the
    numbering fills, so the annex shows every number however late it was given)."""
    annex = Section("annex-references", "Sources and references", kind="annex")
    out = annex.blocks
    out.append(Heading("Source documents", 2, "source-documents"))
    out.append(Bullets([Para(line) for line in doc.sources]))
    out.append(Heading("References", 2, "references"))
    out.append(Para("Numbered in order of first use; each number in the text links here, and "
                    "each entry back to where it is first cited.", style="meta"))
    out.append(ReferenceList(doc.references))
    return annex


def notes_in(blocks: Iterable[Block]) -> list[Note]:
    return [x for x in blocks if isinstance(x, Note)]
