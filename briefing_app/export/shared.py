"""Plain-text helpers the HTML and Markdown writers share, so both find the same web
addresses, citations, headings and anchors in a ``Document``: characters the formats forbid,
addresses in running text, dates in words, the outline of a section, the document's anchors.
"""

from __future__ import annotations

import re
from collections.abc import Container, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import quote

from ..domain import PartialDate
from .model import Document, Heading, Image, Note, ReferenceList, Section, Table, visible

# C1 controls, surrogates and noncharacters: HTML calls them parse errors and Markdown readers
# drop or replace them, so both writers show U+FFFD (C0 controls are already pictures, see
# ``model.visible``).
# (The astral noncharacters are looked for only in text that has astral characters: a class
# listing them makes every search about ten times slower, and a large export cleans a million
# pieces of text.)
_FORBIDDEN = re.compile("[\x80-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_ASTRAL_FORBIDDEN = re.compile("[" + "".join(chr(p << 16 | 0xFFFE) + chr(p << 16 | 0xFFFF)
                                             for p in range(1, 17)) + "]")


def clean(text: str) -> str:
    """Text as both writers show it: controls visible, forbidden code points as U+FFFD."""
    if text.isprintable():
        return text  # (no control, surrogate or noncharacter is printable: decided in C)
    text = visible(text)
    if _FORBIDDEN.search(text):
        text = _FORBIDDEN.sub("\ufffd", text)
    if _ASTRAL.search(text) and _ASTRAL_FORBIDDEN.search(text):
        text = _ASTRAL_FORBIDDEN.sub("\ufffd", text)
    return text


# A web address in running text; the trailing punctuation of a sentence is not part of it.
_URL = re.compile(r"https?://[^\s<>\"\u201c\u201d\u2018\u2019\u00ab\u00bb]+", re.IGNORECASE)
_URL_TAIL = ".,;:!?'*_~"
# The host must be a plain DNS name or IPv4 address (with a port): anything else is left as
# text rather than written as a link no browser (or validator) accepts.
_HOST = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*"
                   r"[A-Za-z0-9])?)*\.?(?::\d{1,5})?")


def _trim_url(url: str) -> str:
    """A matched address without the sentence's punctuation after it; a closing bracket
    stays when the address opened one ("https://en.wikipedia.org/wiki/Gwadar_(city)")."""
    while url:
        last = url[-1]
        opener = {")": "(", "]": "["}.get(last)
        if last in _URL_TAIL or (opener and url.count(last) > url.count(opener)):
            url = url[:-1]
        else:
            break
    return url


def split_urls(text: str) -> Iterator[tuple[str, bool]]:
    """``text`` in pieces, each with whether it is a web address (``http(s)://host/...``)."""
    pos = 0
    for m in _URL.finditer(text):
        url = _trim_url(m.group())
        host = url.split("://", 1)[1].split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
        if not _HOST.fullmatch(host):
            continue
        if m.start() > pos:
            yield text[pos:m.start()], False
        yield url, True
        pos = m.start() + len(url)
    if pos < len(text):
        yield text[pos:], False


def href(url: str) -> str:
    """A web address as a valid URL: characters a URL may not hold are percent-encoded."""
    scheme, rest = url.split("://", 1)
    rest = re.sub(r"%(?![0-9A-Fa-f]{2})", "%25", rest)
    head, hash_, fragment = rest.partition("#")
    safe = "!$&'()*+,-./:;=?@_~%"
    out = f"{scheme.lower()}://{quote(head, safe=safe)}"
    return out + (hash_ + quote(fragment, safe=safe) if hash_ else "")


_ISO_DATE = re.compile(r"\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?")


def date_words(iso: str) -> str:
    """An ISO date known to a year, month or day in words ("10 December 2025"); other text
    (a date the user typed some other way) as it is."""
    date = iso[:10]
    return _day_words(date) if _ISO_DATE.fullmatch(date) else iso


@lru_cache(maxsize=4096)
def _day_words(date: str) -> str:  # notes share days: 100,000 of them span a few hundred
    return PartialDate(date).label()


# "reference [29]" in a line the build wrote (a table's source line): citations the model
# keeps as text, linked like a paragraph's.
_TEXT_CITATION = re.compile(r"\[(\d{1,6}(?:, \d{1,6})*)\]")


def split_citations(text: str, known: Container[int]) -> Iterator[tuple[str, list[int]]]:
    """A source line in pieces: text, or the numbers of a bracketed citation ``[29, 30]``
    (of references in ``known``)."""
    pos = 0
    for m in _TEXT_CITATION.finditer(text):
        numbers = [int(n) for n in m.group(1).split(", ")]
        if not all(n in known for n in numbers):
            continue
        if m.start() > pos:
            yield text[pos:m.start()], []
        yield "", numbers
        pos = m.end()
    if pos < len(text):
        yield text[pos:], []


_REFS_CELL = re.compile(r"\d{1,6}(?:, \d{1,6})*")


def cell_refs(table: Table, column: int, text: str, known: Container[int]) -> list[int]:
    """The reference numbers a cell of a "Refs" column holds (none for any other cell)."""
    if column >= len(table.header) or table.header[column] != "Refs":
        return []
    if not _REFS_CELL.fullmatch(text):
        return []
    numbers = [int(n) for n in text.split(", ")]
    return numbers if all(n in known for n in numbers) else []


def note_cell(table: Table, column: int, text: str, notes: dict[str, str]) -> str:
    """The anchor of the note a cell names, in the index of notes' "Note" column."""
    if column == 0 and table.header[:1] == ["Note"]:
        return notes.get(text, "")
    return ""


def outline(section: Section) -> dict[int, int]:
    """Each heading's depth under its section's heading (1 or 2), keyed by ``id(heading)``.
    Depth counts the headings above it, not its level: a level-3 heading with no level-2
    heading before it in the section is depth 1, so no heading level is skipped."""
    depths: dict[int, int] = {}
    open_levels: list[int] = []
    for block in section.blocks:
        if isinstance(block, Heading):
            while open_levels and open_levels[-1] >= block.level:
                open_levels.pop()
            depths[id(block)] = min(len(open_levels) + 1, 2)
            open_levels.append(block.level)
    return depths


def heading_text(h: Heading) -> str:
    return f"{h.number} {h.text}" if h.number else h.text


def caption_text(label: str, caption: str) -> str:
    return f"{label}. {caption}" if label and caption else (label or caption)


_SPACES = re.compile(r"\s+")


@dataclass
class Anchors:
    """The anchor of every section, heading, table, figure, note and reference, unique in
    the document (the model's ids are meant to be, but two formats must not both trust that):
    a repeated id gets "-2", "-3"; whitespace, which no id may hold, becomes "-"."""

    ids: dict[int, str] = field(default_factory=dict)  # id(object) -> its anchor
    names: dict[str, str] = field(default_factory=dict)  # the model's anchor -> the first one
    notes: dict[str, str] = field(default_factory=dict)  # "N3" -> its note's anchor
    refs: dict[int, str] = field(default_factory=dict)  # reference number -> its entry's anchor
    used: set[str] = field(default_factory=set)

    def of(self, obj: object) -> str:
        return self.ids.get(id(obj), "")

    def claim(self, obj: object, wanted: str) -> str:
        if not wanted:
            return ""
        if wanted.isascii() and wanted.isprintable() and " " not in wanted:
            base = wanted  # (the usual case, as "note-12": nothing to clean or replace)
        else:
            base = clean(wanted)
            if _SPACES.search(base):
                base = _SPACES.sub("-", base)
        anchor, n = base, 2
        while anchor in self.used:
            anchor = f"{base}-{n}"
            n += 1
        self.used.add(anchor)
        self.ids[id(obj)] = anchor
        self.names.setdefault(wanted, anchor)
        return anchor

    @classmethod
    def of_document(cls, doc: Document, reserved: tuple[str, ...] = ()) -> Anchors:
        """Every anchor of ``doc``, as claiming them in document order gives them
        (``in_document_order``). Notes, nearly every block of a large document, are claimed
        together after the rest: at 100,000 notes claiming each in turn took a tenth of a
        Markdown export's time."""
        notes: list[Note] = []
        anchors = cls._claimed(doc, reserved, notes)
        if anchors._take_own_ids(notes):
            return anchors
        return cls.in_document_order(doc, reserved)  # two notes, or a note and more, clash

    @classmethod
    def in_document_order(cls, doc: Document, reserved: tuple[str, ...] = ()) -> Anchors:
        """Every anchor of ``doc``, each claimed in document order (a name wanted twice stays
        with the first; the next one gets "-2")."""
        return cls._claimed(doc, reserved, None)

    @classmethod
    def _claimed(cls, doc: Document, reserved: tuple[str, ...],
                 notes_apart: list[Note] | None) -> Anchors:
        """The anchors claimed in document order; the notes' are left out, collected in
        ``notes_apart``, if it is given."""
        anchors = cls(used={*reserved, *(f"cite-{r.number}" for r in doc.references)})
        # References first: every citation links to "ref-N", so no heading may take it.
        for block in doc.blocks():
            if isinstance(block, ReferenceList):
                for r in block.references:
                    anchors.refs.setdefault(r.number, anchors.claim(r, r.anchor))
        for section in doc.sections:
            anchors.claim(section, section.anchor)
            for b in section.blocks:
                if isinstance(b, Note):
                    if notes_apart is not None:
                        notes_apart.append(b)
                        continue
                    anchor = anchors.claim(b, b.id)
                    if anchor:
                        anchors.notes.setdefault(b.label, anchor)
                elif isinstance(b, Heading | Table | Image):
                    anchors.claim(b, b.id)
        return anchors

    def _take_own_ids(self, notes: list[Note]) -> bool:
        """Give each note its own id as its anchor, if that is what claiming them in document
        order would give (False, and nothing changed, if not): each id is kept as it is by
        ``claim`` (ASCII, printable, no space), no two notes share one, and no anchor claimed
        so far is one. No other block then wanted a note's id either: ``claim`` moves an
        anchor to another name only when the name it wants is already used."""
        named = [n for n in notes if n.id]  # (a note without an id has no anchor)
        ids = [n.id for n in named]
        joined = "".join(ids)
        taken = set(ids)
        if (len(taken) != len(ids) or not joined.isascii() or not joined.isprintable()
                or " " in joined or not taken.isdisjoint(self.used)):
            return False
        self.used |= taken
        self.ids.update(zip(map(id, named), ids, strict=True))
        self.names.update(zip(ids, ids, strict=True))
        for label, anchor in zip([n.label for n in named], ids, strict=True):
            self.notes.setdefault(label, anchor)
        return True
