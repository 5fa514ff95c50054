"""Assemble the annotated briefing (a ``Document``) from the bundled data and the workspace."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from ..domain import ItemRef, PartialDate
from ..store.anchoring import Placement, place_notes
from ..store.briefing import BriefingStore
from ..store.describe import KIND_LABELS
from ..store.workspace import ChecklistEntry, Workspace
from . import charts_svg
from .model import (
    SECTIONS,
    Bullets,
    Document,
    ExportOptions,
    Heading,
    Image,
    Note,
    Para,
    Reference,
    Section,
    Table,
    visible,
)


class _Refs:
    """Numbers references in order of first use: a source passage or an external citation."""

    def __init__(self, store: BriefingStore):
        self.store = store
        self.provenance = store.all_provenance()
        self.sources = {s.id: s for s in store.sources()}
        self.passage_seq = store.passage_numbers()
        self._numbers: dict[str, int] = {}
        self.references: list[Reference] = []

    def _number(self, key: str, text: str, url: str = "") -> int:
        if key not in self._numbers:
            self._numbers[key] = len(self._numbers) + 1
            self.references.append(Reference(self._numbers[key], text, url))
        return self._numbers[key]

    def of(self, ref: ItemRef) -> list[int]:
        numbers: list[int] = []
        for p in self.provenance.get(ref, []):
            if p.kind == "quote":
                src = self.sources[p.source_id]
                seq = self.passage_seq.get(p.passage_id, 0)
                who = ", ".join(x for x in (src.publisher, src.date) if x) or (
                    "publisher and date not stated")
                n = self._number(f"passage:{p.passage_id}",
                                 f"\u201c{src.title}\u201d ({src.kind}; {who}), paragraph {seq}.")
            else:
                assert p.citation is not None
                n = self._number(f"citation:{p.citation.id}", p.citation.reference(),
                                 p.citation.url)
            if n not in numbers:
                numbers.append(n)
        return numbers


def _date_label(iso: str) -> str:
    return PartialDate(iso).label() if iso else ""


def build_document(store: BriefingStore, workspace: Workspace | None,
                   options: ExportOptions | None = None,
                   progress: Callable[[int, str], None] | None = None,
                   today: dt.date | None = None) -> Document:
    """The annotated briefing as the user chose it. ``progress(percent, step)`` is called
    between steps so a caller can show progress (and cancel by raising)."""
    opts = options or ExportOptions()
    report = progress or (lambda _p, _s: None)
    refs = _Refs(store)
    notes = workspace.notes() if (workspace is not None and opts.include_notes) else []
    placements = place_notes(store, notes)
    by_item: dict[ItemRef, list[Placement]] = {}
    for p in placements:
        if p.anchored and p.item is not None:
            by_item.setdefault(p.item, []).append(p)
    checklist: dict[str, ChecklistEntry] = (
        workspace.checklist() if (workspace is not None and opts.include_checklist) else {})

    def note_blocks(ref: ItemRef, label: str) -> list[Note]:
        return [Note(f"{KIND_LABELS.get(ref.kind, ref.kind)}: {label}", visible(p.note.body),
                     visible(p.note.tag), p.note.colour, p.note.updated_at)
                for p in by_item.get(ref, [])]

    overview = store.overview()
    sources = [f"{s.title} ({s.kind}; publisher and date "
               f"{'not stated' if not (s.publisher or s.date) else s.publisher + ' ' + s.date})"
               for s in store.sources()]
    doc = Document(
        title=visible(opts.title.strip()) or overview.title,
        author=visible(opts.author.strip()),
        date=(today or dt.date.today()).isoformat(),
        sources=sources,
        sections=[],
        references=refs.references,
        subtitle="Annotated briefing",
    )
    titles = dict(SECTIONS)
    chosen = [s for s, _ in SECTIONS if s in opts.sections]
    for n, section_id in enumerate(chosen):
        report(int(100 * n / max(len(chosen), 1)), titles[section_id])
        section = Section(section_id, titles[section_id])
        builder = {
            "overview": _overview,
            "minerals": _minerals,
            "timeline": _timeline,
            "risks": _risks,
            "source-notes": _source_notes,
        }[section_id]
        builder(section, store, refs, note_blocks, placements, checklist, opts)
        if section.blocks:
            doc.sections.append(section)
    unanchored = [p for p in placements if not p.anchored]
    if unanchored:
        section = Section("unanchored", "Unanchored notes")
        section.blocks.append(Para(
            "These notes were written on items or passages that the current briefing data no "
            "longer contains. They are kept with their original quote or target.", style="meta"))
        for p in unanchored:
            lost = p.note
            target = (f"{lost.target} (no longer in the briefing)" if lost.target is not None
                      else f"Source {lost.anchor.source_id}: the passage this note quotes is "
                           "not in the current text (the quote below is the note's own record)"
                      if lost.anchor else "unknown")
            section.blocks.append(Note(target, visible(lost.body), visible(lost.tag),
                                       lost.colour, lost.updated_at,
                                       visible(lost.anchor.quote) if lost.anchor else ""))
        doc.sections.append(section)
    report(100, "done")
    return doc


NoteFn = Callable[[ItemRef, str], list[Note]]


def _overview(section: Section, store: BriefingStore, refs: _Refs, notes: NoteFn,
              _placements: list[Placement], _checklist: dict[str, ChecklistEntry],
              _opts: ExportOptions) -> None:
    b = section.blocks
    o = store.overview()
    oref = ItemRef("overview", o.id)
    b.append(Heading("Bottom line up front", 3))
    b.append(Para(o.bluf, refs.of(oref), "lead"))
    if o.caveat:
        b.append(Para(f"Caveat: {o.caveat}", style="caveat"))
    b.extend(notes(oref, o.title))
    b.append(Heading("Key judgments", 3))
    for i, j in enumerate(store.judgments(), start=1):
        jref = ItemRef("judgment", j.id)
        b.append(Para(f"{i}. {j.estimative.capitalize()} ({j.confidence} confidence): {j.text}",
                      refs.of(jref)))
        b.append(Para(f"Basis: {j.basis}", style="meta"))
        if j.caveat:
            b.append(Para(f"Caveat: {j.caveat}", style="caveat"))
        b.extend(notes(jref, f"judgment {i}"))
    b.append(Heading("Key figures", 3))
    rows = []
    figure_notes: list[Note] = []
    for f in store.figures():
        fref = ItemRef("figure", f.id)
        numbers = refs.of(fref)
        rows.append([f.label, f"{f.value_text()} {f.unit}", _date_label(f.as_of) or "undated",
                     ", ".join(str(n) for n in numbers)])
        figure_notes.extend(notes(fref, f.label))
    b.append(Table(["Figure", "Value", "As of", "Refs"], rows, [5, 2.2, 1.8, 1]))
    b.extend(figure_notes)
    b.append(Heading("Benefits for Pakistan", 3))
    items = []
    benefit_notes: list[Note] = []
    for x in store.benefits():
        bref = ItemRef("benefit", x.id)
        items.append(Para(f"{x.title}: {x.description}", refs.of(bref)))
        benefit_notes.extend(notes(bref, x.title))
    b.append(Bullets(items))
    b.extend(benefit_notes)
    actor_notes = [n for a in store.actors() for n in notes(ItemRef("actor", a.id), a.name)]
    if actor_notes:
        b.append(Heading("Notes on actors", 3))
        b.extend(actor_notes)


def _minerals(section: Section, store: BriefingStore, refs: _Refs, notes: NoteFn,
              _placements: list[Placement], _checklist: dict[str, ChecklistEntry],
              _opts: ExportOptions) -> None:
    b = section.blocks
    minerals = {m.id: m for m in store.minerals()}
    actors = {a.id: a for a in store.actors()}
    projects = store.projects()
    for region in store.regions():
        rref = ItemRef("region", region.id)
        b.append(Heading(region.name, 3))
        facts = [region.kind.capitalize()]
        if region.capital:
            facts.append(f"capital {region.capital}")
        if region.area_km2:
            facts.append(f"area {region.area_km2:,.0f} km\u00b2 (cited; "
                         f"{region.area_km2_measured:,.0f} km\u00b2 measured from the map)")
        else:
            facts.append(f"area about {region.area_km2_measured:,.0f} km\u00b2 (measured "
                         "from the map boundary)")
        b.append(Para("; ".join(facts) + ".", style="meta"))
        b.append(Para(region.description, refs.of(rref)))
        b.extend(notes(rref, region.name))
        rows = []
        for mid in region.minerals:
            m = minerals[mid]
            rows.append([m.name, m.uses, ", ".join(str(n) for n in
                                                   refs.of(ItemRef("mineral", m.id)))])
        if rows:
            b.append(Table(["Mineral", "Uses", "Refs"], rows, [2, 6, 1],
                           caption=f"Minerals in {region.name}"))
        here = [p for p in projects if p.region == region.id]
        if here:
            prow = []
            project_notes: list[Note] = []
            for p in here:
                pref = ItemRef("project", p.id)
                prow.append([p.name, ", ".join(minerals[m].name for m in p.minerals),
                             actors[p.operator].name if p.operator else "not stated",
                             p.status, ", ".join(str(n) for n in refs.of(pref))])
                project_notes.extend(notes(pref, p.name))
            b.append(Table(["Project / deposit", "Minerals", "Operator", "Status", "Refs"],
                           prow, [2.4, 2, 1.6, 3.2, 0.8],
                           caption=f"Projects and deposits in {region.name}"))
            b.extend(project_notes)
    others = [p for p in projects if not p.region]
    if others:
        b.append(Heading("Programmes without a stated site", 3))
        for p in others:
            pref = ItemRef("project", p.id)
            b.append(Para(f"{p.name}: {p.description}", refs.of(pref)))
            b.extend(notes(pref, p.name))
    b.append(Heading("Mineral profiles", 3))
    for m in minerals.values():
        mref = ItemRef("mineral", m.id)
        b.append(Para(f"Why it matters: {m.strategic} Where in Pakistan: {m.occurrence}",
                      refs.of(mref), lead_in=f"{m.name}."))
        if m.caveat:
            b.append(Para(f"Caveat: {m.caveat}", style="caveat"))
        b.extend(notes(mref, m.name))


def _timeline(section: Section, store: BriefingStore, refs: _Refs, notes: NoteFn,
              _placements: list[Placement], _checklist: dict[str, ChecklistEntry],
              opts: ExportOptions) -> None:
    b = section.blocks
    events = store.events()
    eras = store.eras()
    actors = {a.id: a for a in store.actors()}
    if opts.include_charts:
        svg, (w, h) = charts_svg.timeline_svg(events, eras, actors)
        b.append(Image("timeline", "Timeline of events by actor, coloured by category", (
            "Events by actor lane, coloured by category; bars span the month or year of "
            "events known only to that precision; grey bands are eras."), svg, width_px=w,
            height_px=h))
    rows = []
    event_notes: list[Note] = []
    for e in events:
        eref = ItemRef("event", e.id)
        these = notes(eref, f"{e.date.short_label()}, {e.title}")
        marks = ""
        if these:
            first = len(event_notes) + 1
            marks = ", ".join(f"N{first + k}" for k in range(len(these)))
            for k, n in enumerate(these):
                n.target = f"N{first + k} \u2014 {n.target}"
            event_notes.extend(these)
        rows.append([e.date.label(), actors[e.lane].short, e.title,
                     e.category.replace("-", " "),
                     ", ".join(str(n) for n in refs.of(eref)), marks])
    header = ["Date", "Actor", "Event", "Category", "Refs"]
    widths = [1.6, 1, 4.4, 1.3, 0.9]
    if event_notes:
        header.append("Notes")
        widths.append(0.8)
    else:
        rows = [r[:-1] for r in rows]
    b.append(Table(header, rows, widths, caption="Dated events (dates shown to the precision "
                                                 "known)"))
    b.extend(event_notes)
    b.append(Heading("Eras", 3))
    items = []
    era_notes: list[Note] = []
    for era in eras:
        eref = ItemRef("era", era.id)
        span = f"{era.start.label()} \u2013 {era.end.label() if era.end else 'ongoing'}"
        items.append(Para(f"{era.title} ({span}): {era.description}", refs.of(eref)))
        era_notes.extend(notes(eref, era.title))
    b.append(Bullets(items))
    b.extend(era_notes)


def _risks(section: Section, store: BriefingStore, refs: _Refs, notes: NoteFn,
           _placements: list[Placement], checklist: dict[str, ChecklistEntry],
           opts: ExportOptions) -> None:
    b = section.blocks
    risks = store.risks()
    mine = opts.include_checklist
    reviewed = sum(1 for r in risks if checklist.get(r.id, ChecklistEntry(r.id)).reviewed)
    if mine:
        b.append(Para(f"{reviewed} of {len(risks)} risks reviewed by the analyst. Likelihood "
                      "and impact are on a 1\u20135 scale; the analyst's values are shown with "
                      "the briefing's assessment beside them.", style="meta"))
    else:
        b.append(Para("The briefing's assessment of each risk (likelihood and impact, "
                      "1\u20135); the analyst's review is not included.", style="meta"))
    rows = []
    placed = []
    for n, r in enumerate(risks, start=1):
        e = checklist.get(r.id, ChecklistEntry(r.id))
        likelihood = (e.likelihood or r.likelihood) if mine else r.likelihood
        impact = (e.impact or r.impact) if mine else r.impact
        placed.append((n, likelihood, impact))
        row = [str(n), r.title, str(likelihood), str(impact), str(likelihood * impact),
               f"{r.likelihood}\u00d7{r.impact}"]
        if mine:
            row += [e.status, visible(e.owner) or "\u2014", e.next_review or "\u2014",
                    "yes" if e.reviewed else "no"]
        rows.append(row)
    header = ["#", "Risk", "L", "I", "Score", "Briefing"]
    widths = [0.4, 4, 0.5, 0.5, 0.8, 1.1]
    if mine:
        header += ["Status", "Owner", "Next review", "Reviewed"]
        widths += [1.3, 1.4, 1.4, 1.1]
    b.append(Table(header, rows, widths, caption="Risk checklist"))
    if opts.include_charts:
        svg, (w, h) = charts_svg.heatmap_svg(placed)
        b.append(Image("heatmap", "Likelihood by impact heat map of the risks", (
            "Each number is a risk from the table, placed by "
            + ("the analyst's" if mine else "the briefing's") + " likelihood and impact."),
            svg, width_px=w, height_px=h))
    for n, r in enumerate(risks, start=1):
        rref = ItemRef("risk", r.id)
        e = checklist.get(r.id, ChecklistEntry(r.id))
        b.append(Heading(f"{n}. {r.title}", 4))
        b.append(Para(r.description, refs.of(rref)))
        b.append(Para(f"Briefing's assessment: likelihood {r.likelihood}, impact {r.impact}. "
                      f"{r.justification}", style="meta"))
        if mine and e.rationale.strip():
            b.append(Para(f"Analyst's rationale: {visible(e.rationale)}"))
        b.append(Para("; ".join(r.indicators) + ".", lead_in="Watch:"))
        b.append(Para("; ".join(r.mitigations) + ".", lead_in="Possible mitigations:"))
        b.extend(notes(rref, r.title))


def _source_notes(section: Section, store: BriefingStore, _refs: _Refs, notes: NoteFn,
                  placements: list[Placement], _checklist: dict[str, ChecklistEntry],
                  _opts: ExportOptions) -> None:
    b = section.blocks
    sources = {s.id: s for s in store.sources()}
    # Notes on a source as a whole first, then the notes on passages of its text.
    for src in sources.values():
        b.extend(notes(ItemRef("source", src.id), src.title))
    text_notes = sorted((p for p in placements if p.anchored and p.item is None),
                        key=lambda p: (p.source_id, p.start))
    for p in text_notes:
        src = sources[p.source_id]
        n = p.note
        b.append(Note(f"{src.title}, paragraph {p.passage_seq}", visible(n.body),
                      visible(n.tag), n.colour, n.updated_at,
                      visible(src.text[p.start:p.end])))
