"""Find where each note belongs in the current bundled database, after any rebuild.

An item note is anchored while its item (``KIND:ID``) still exists. A text note is anchored
where its exact quote is found again, using the text before and after it to choose between
repeats. A note whose anchor cannot be found is *unanchored*: shown apart with its original
quote, never attached to a different passage and never dropped.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..domain import ItemRef
from .briefing import BriefingStore
from .workspace import Note, TextAnchor

CONTEXT = 32  # characters of text kept before and after a quoted range


@dataclass(frozen=True)
class Placement:
    """Where a note sits now: an item, a range of a source, or nowhere (unanchored)."""

    note: Note
    anchored: bool
    item: ItemRef | None = None
    item_title: str = ""
    source_id: str = ""
    start: int = 0
    end: int = 0
    passage_id: str = ""
    passage_seq: int = 0

    @property
    def tab(self) -> str:
        from ..domain import KIND_TAB

        if self.item is not None:
            return KIND_TAB.get(self.item.kind, "overview")
        return "sources"


def make_anchor(source_id: str, text: str, start: int, end: int) -> TextAnchor:
    """An anchor for ``text[start:end]`` with its surrounding context."""
    return TextAnchor(source_id, start, end, text[start:end],
                      text[max(0, start - CONTEXT):start], text[end:end + CONTEXT])


def _common_suffix(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[-1 - n] == b[-1 - n]:
        n += 1
    return n


def _common_prefix(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


def locate(anchor: TextAnchor, text: str) -> tuple[int, int] | None:
    """The range of ``anchor``'s quote in ``text`` now, or None if it cannot be found surely."""
    quote = anchor.quote
    if not quote:
        return None
    if text[anchor.start:anchor.end] == quote:
        return anchor.start, anchor.end
    hits = []
    at = text.find(quote)
    while at >= 0:
        hits.append(at)
        at = text.find(quote, at + 1)
    if not hits:
        return None
    if len(hits) == 1:
        return hits[0], hits[0] + len(quote)
    scored = sorted(
        ((_common_suffix(text[max(0, h - CONTEXT):h], anchor.prefix)
          + _common_prefix(text[h + len(quote):h + len(quote) + CONTEXT], anchor.suffix), h)
         for h in hits),
        reverse=True,
    )
    best, second = scored[0], scored[1]
    if best[0] == 0 or best[0] == second[0]:
        return None  # the quote repeats and the context does not say which: do not guess
    return best[1], best[1] + len(quote)


def place_notes(store: BriefingStore, notes: list[Note]) -> list[Placement]:
    """Where each note belongs in the current briefing (reading only what the notes need)."""
    texts = {s.id: s.text for s in store.sources()}
    passages = {sid: store.passages(sid)
                for sid in {n.anchor.source_id for n in notes if n.anchor} if sid in texts}
    titles = store.titles([n.target for n in notes if n.target is not None])
    out: list[Placement] = []
    for note in notes:
        if note.target is not None:
            title = titles.get(note.target)
            out.append(Placement(note, title is not None, note.target, title or ""))
            continue
        anchor = note.anchor
        assert anchor is not None
        text = texts.get(anchor.source_id)
        found = locate(anchor, text) if text is not None else None
        if found is None:
            out.append(Placement(note, False, source_id=anchor.source_id))
            continue
        start, end = found
        passage = next((p for p in passages[anchor.source_id] if p.start <= start < p.end),
                       None)
        out.append(Placement(note, True, None, "", anchor.source_id, start, end,
                             passage.id if passage else "", passage.seq if passage else 0))
    return out
