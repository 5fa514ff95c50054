"""Find where each note belongs in the current bundled database, after any rebuild.

An item note is anchored while its item (``KIND:ID``) still exists. A text note is anchored
where its exact quote is found again, using the text before and after it to choose between
repeats. A note whose anchor cannot be found is *unanchored*: shown apart with its original
quote, never attached to a different passage and never dropped.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from typing import NamedTuple

from ..domain import ItemRef, Passage
from .briefing import BriefingStore
from .workspace import Note, TextAnchor, bulk_objects, from_fields

CONTEXT = 32  # characters of text kept before and after a quoted range


class Placement(NamedTuple):
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
    """How many characters ``a`` and ``b`` share at their ends (binary search on slices:
    string comparison runs in C, so this costs a few steps, not one per character)."""
    lo, hi = 0, min(len(a), len(b))
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[len(a) - mid:] == b[len(b) - mid:]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _common_prefix(a: str, b: str) -> int:
    lo, hi = 0, min(len(a), len(b))
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[:mid] == b[:mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def locate(anchor: TextAnchor, text: str,
           hits: Callable[[str], list[int]] | None = None) -> tuple[int, int] | None:
    """The range of ``anchor``'s quote in ``text`` now, or None if it cannot be found surely.
    ``hits(quote)`` may give the quote's positions from a cache shared by many notes."""
    quote = anchor.quote
    if not quote:
        return None
    if text[anchor.start:anchor.end] == quote:
        return anchor.start, anchor.end
    found = hits(quote) if hits is not None else _positions(text, quote)
    if not found:
        return None
    if len(found) == 1:
        return found[0], found[0] + len(quote)
    scored = sorted(
        ((_common_suffix(text[max(0, h - CONTEXT):h], anchor.prefix)
          + _common_prefix(text[h + len(quote):h + len(quote) + CONTEXT], anchor.suffix), h)
         for h in found),
        reverse=True,
    )
    best, second = scored[0], scored[1]
    if best[0] == 0 or best[0] == second[0]:
        return None  # the quote repeats and the context does not say which: do not guess
    return best[1], best[1] + len(quote)


def _known(hits: list[int]) -> Callable[[str], list[int]]:
    return lambda _quote: hits


def _positions(text: str, quote: str) -> list[int]:
    out = []
    at = text.find(quote)
    while at >= 0:
        out.append(at)
        at = text.find(quote, at + 1)
    return out


#: Quotes are looked up by their first GRAM characters in an index of the text's pieces of
#: that length, for a text of at most INDEX_LIMIT characters (the index takes about 80 bytes
#: a character: 8 MB at the limit) once SEARCHES_BEFORE_INDEX quotes of it had to be searched
#: for; a longer text is searched once per distinct quote.
GRAM = 8
INDEX_LIMIT = 100_000
SEARCHES_BEFORE_INDEX = 32


class _Finder:
    """Every position of a quote in one text, as ``_positions`` gives them, found once per
    distinct quote: after a rebuild that moved every range, 73,000 distinct quotes were each
    a search of the whole text; and where a moved note is now (``moved``)."""

    def __init__(self, text: str):
        self.text = text
        self.searches = 0
        self.index: dict[str, int | list[int]] | None = None
        self.found: dict[str, list[int]] = {}
        # How far the last moved note found here had moved: after a rebuild that added or
        # removed text, the notes after the change moved alike (``moved``).
        self.shift: int | None = None

    def moved(self, anchor: TextAnchor) -> int | None:
        """Where ``anchor``'s quote starts now that its range no longer holds it (None if it
        cannot be found surely). Tried first at the last moved note's shift, taken there
        only with all of its context around it (``_in_context``); otherwise found as
        ``locate`` finds it."""
        quote, text = anchor.quote, self.text
        if not quote:
            return None
        if self.shift is not None and _in_context(text, anchor, anchor.start + self.shift):
            return anchor.start + self.shift
        hits = self(quote)
        if len(hits) == 1:  # the usual case: the quote occurs once
            at = hits[0]
        else:
            found = locate(anchor, text, _known(hits)) if hits else None
            if found is None:
                return None
            at = found[0]
        self.shift = at - anchor.start
        return at

    def __call__(self, quote: str) -> list[int]:
        hits = self.found.get(quote)
        if hits is None:
            hits = self.found[quote] = self._find(quote) if quote else []
        return hits

    def _find(self, quote: str) -> list[int]:
        text, index = self.text, self.index
        if index is None:
            self.searches += 1
            if (len(quote) < GRAM or len(text) > INDEX_LIMIT
                    or self.searches <= SEARCHES_BEFORE_INDEX):
                return _positions(text, quote)
            index = self.index = _pieces(text)
        elif len(quote) < GRAM:
            return _positions(text, quote)
        at = index.get(quote[:GRAM])
        if at is None:
            return []
        if isinstance(at, int):
            return [at] if text.startswith(quote, at) else []
        return [p for p in at if text.startswith(quote, p)]


def _in_context(text: str, anchor: TextAnchor, at: int) -> bool:
    """Whether ``anchor``'s quote stands at ``at`` in ``text`` with all of its context
    around it: where ``locate`` places it too, as the best match there can be, unless the
    same words, context and all, stand at two places (then ``locate`` refuses to choose,
    and this is the place at the shift the notes around it show)."""
    quote, prefix = anchor.quote, anchor.prefix
    return (at >= len(prefix) and text.startswith(quote, at)
            and text.startswith(prefix, at - len(prefix))
            and text.startswith(anchor.suffix, at + len(quote)))


def _pieces(text: str) -> dict[str, int | list[int]]:
    """Where each piece of GRAM characters of ``text`` starts (one position, or all of them
    in order)."""
    index: dict[str, int | list[int]] = {}
    for i in range(len(text) - GRAM + 1):
        piece = text[i:i + GRAM]
        had = index.get(piece)
        if had is None:
            index[piece] = i
        elif isinstance(had, int):
            index[piece] = [had, i]
        else:
            had.append(i)
    return index


def place_notes(store: BriefingStore, notes: list[Note]) -> list[Placement]:
    """Where each note belongs in the current briefing (reading only what the notes need).

    Linear in the number of notes: a note whose range still holds its quote is placed without
    searching; the others look each distinct quote up once (``_Finder``: in an index of the
    source's text, or a search of it), and a passage is found by bisection, not by scanning
    the source's passages per note."""
    texts = {s.id: s.text for s in store.sources()}
    passages = {sid: store.passages(sid)
                for sid in {n.anchor.source_id for n in notes if n.anchor} if sid in texts}
    starts = {sid: [p.start for p in ps] for sid, ps in passages.items()}
    titles = store.titles([n.target for n in notes if n.target is not None])
    with bulk_objects():
        return _place(notes, texts, passages, starts, titles)


def _place(notes: list[Note], texts: dict[str, str], passages: dict[str, list[Passage]],
           starts: dict[str, list[int]], titles: dict[ItemRef, str]) -> list[Placement]:
    finders: dict[str, _Finder] = {}  # source id -> its quotes' positions
    out: list[Placement] = []
    append = out.append
    for note in notes:
        if note.target is not None:
            title = titles.get(note.target)
            append(from_fields(Placement, (note, title is not None, note.target, title or "",
                                           "", 0, 0, "", 0)))
            continue
        anchor = note.anchor
        assert anchor is not None
        sid, start, end = anchor.source_id, anchor.start, anchor.end
        text = texts.get(sid)
        if text is None:
            append(from_fields(Placement, (note, False, None, "", sid, 0, 0, "", 0)))
            continue
        quote = anchor.quote
        if text[start:end] != quote or not quote:  # moved: find it again
            finder = finders.get(sid)
            if finder is None:
                finder = finders[sid] = _Finder(text)
            at = finder.moved(anchor)
            if at is None:
                append(from_fields(Placement, (note, False, None, "", sid, 0, 0, "", 0)))
                continue
            start, end = at, at + len(quote)
        i = bisect.bisect_right(starts[sid], start) - 1
        passage = passages[sid][i] if i >= 0 and start < passages[sid][i].end else None
        append(from_fields(Placement, (note, True, None, "", sid, start, end,
                                       passage.id if passage else "",
                                       passage.seq if passage else 0)))
    return out
