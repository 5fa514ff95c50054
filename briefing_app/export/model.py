"""The annotated briefing as a format-neutral document: what every export writer draws.

``build.py`` fills it from the stores; ``typst_pdf.py``, ``html.py``, ``markdown.py`` and
``docx.py`` write it (a writer never knows how the document was built, as in pandoc). All text
here is plain text, never markup: each writer escapes it for its format, so a note holding HTML,
Markdown, Typst or script appears literally.

Numbering is decided here, once, so every format agrees: sections and annexes have their
numbers or letters, tables and figures their numbers, references their numbers, and each
analyst's note its number (N1, N2...) in the index of notes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# C0 controls (except tab, newline, carriage return) and DEL cannot appear in XML (DOCX) and
# are invisible elsewhere: exports show them as the matching Unicode "control picture".
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Strong right-to-left letters (Hebrew, Arabic, Syriac, Thaana, N'Ko and their presentation
# forms): a paragraph that starts with one reads right to left.
_RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")
_LTR = re.compile("[A-Za-z\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff]")


def visible(text: str) -> str:
    """Text safe for every format: control characters become visible symbols (U+2400...)."""
    if text.isprintable() or ("\r" not in text and _CONTROLS.search(text) is None):
        return text  # the usual case, decided in C (a printable text has no control at all)

    def picture(m: re.Match[str]) -> str:
        code = ord(m.group())
        return "\u2421" if code == 0x7F else chr(0x2400 + code)

    return _CONTROLS.sub(picture, text.replace("\r\n", "\n").replace("\r", "\n"))


def is_rtl(text: str) -> bool:
    """True when the text's first strong letter is right-to-left (the Unicode bidi rule for a
    paragraph's direction, simplified to the scripts a briefing meets)."""
    rtl, ltr = _RTL.search(text), _LTR.search(text)
    return rtl is not None and (ltr is None or rtl.start() < ltr.start())


@dataclass
class Para:
    """A paragraph of plain text with reference numbers to show after it."""

    text: str
    refs: list[int] = field(default_factory=list)
    style: str = "body"  # body, lead, meta, caveat, small
    lead_in: str = ""  # a few words set in bold before the text (e.g. a mineral's name)


@dataclass
class Heading:
    """A heading. Level 1 is a section or annex (in the table of contents and the PDF
    outline), 2 a subsection, 3 an item within it (also in the outline)."""

    text: str
    level: int = 2
    id: str = ""  # a stable anchor for links ("sec-risks", "risk-3"), unique in the document
    number: str = ""  # "1", "2.3", "A": shown before the text


@dataclass
class Bullets:
    items: list[Para]
    ordered: bool = False  # numbered 1, 2, 3 (key judgments) or bulleted


@dataclass
class Table:
    """A numbered table with its caption above and its source line below."""

    header: list[str]
    rows: list[list[str]]
    widths: list[float] = field(default_factory=list)  # relative column widths (by content)
    caption: str = ""  # without the number: "Key figures"
    number: int = 0  # "Table 3"; 0 for an unnumbered table
    source: str = ""  # "Sources: the briefing's records; references in the Refs column."
    notes: list[Para] = field(default_factory=list)  # table notes (date notes, caveats)
    id: str = ""

    @property
    def label(self) -> str:
        return f"Table {self.number}" if self.number else ""


@dataclass
class Image:
    """A numbered chart: SVG text (vector, for PDF, HTML and Markdown) and PNG bytes for DOCX,
    made on demand."""

    name: str  # a file stem we choose: letters, digits and hyphens only
    alt: str  # a description for screen readers
    caption: str
    svg: str
    png: bytes = b""
    width_px: int = 0
    height_px: int = 0
    number: int = 0  # "Figure 2"
    source: str = ""
    id: str = ""

    @property
    def label(self) -> str:
        return f"Figure {self.number}" if self.number else ""


@dataclass(slots=True)  # (no dictionary each: a document may hold 100,000 notes)
class Note:
    """An analyst's note, placed with the item or passage it annotates."""

    target: str  # e.g. "Risk: Insurgent violence..." or "Source passage 8"
    text: str
    tag: str = ""
    colour: str = ""
    updated: str = ""
    quote: str = ""  # for notes on a text range: the quoted text
    number: int = 0  # N1, N2... as in the index of notes
    id: str = ""  # anchor of the note ("note-3")
    about: str = ""  # anchor of what it annotates (a heading or table), for Word comments
    unanchored: bool = False  # its item or passage is no longer in the briefing

    @property
    def label(self) -> str:
        return f"N{self.number}" if self.number else "Note"


@dataclass
class ReferenceList:
    """The numbered references, where the references annex shows them: each number in the
    text links to its entry, and each entry back to the first place it is cited."""

    references: list[Reference]


Block = Para | Heading | Bullets | Table | Image | Note | ReferenceList


@dataclass
class Section:
    """A part of the document: front matter, a numbered section, or a lettered annex."""

    id: str  # stable: summary, scope, overview, minerals, timeline, risks, source-notes,
    # annex-timeline, annex-actors, annex-references, annex-notes, unanchored
    title: str
    blocks: list[Block] = field(default_factory=list)
    number: str = ""  # "1" for sections, "A" for annexes, "" for front matter
    kind: str = "body"  # front, body, annex

    @property
    def anchor(self) -> str:
        return f"sec-{self.id}"

    @property
    def heading(self) -> str:
        if self.kind == "annex":
            return f"Annex {self.number}. {self.title}"
        return f"{self.number}. {self.title}" if self.number else self.title


@dataclass
class Reference:
    number: int
    text: str
    url: str = ""

    @property
    def anchor(self) -> str:
        return f"ref-{self.number}"


@dataclass
class LeftOut:
    """A note the export did not include, and why (its item is in a section left out)."""

    label: str
    reason: str


@dataclass
class Document:
    title: str
    author: str  # "Prepared by"
    date: str  # the day of export, ISO
    sources: list[str]  # one line per source document
    sections: list[Section]
    references: list[Reference]
    subtitle: str = "Annotated briefing"
    organisation: str = ""
    as_of: str = ""  # "information as of": the newest dated fact, or the user's date (ISO)
    marking: str = ""  # the handling marking printed on every page
    lang: str = "en"
    keywords: list[str] = field(default_factory=list)
    description: str = ""  # one sentence: the document's subject (PDF Subject, HTML meta)
    left_out: list[LeftOut] = field(default_factory=list)

    def blocks(self) -> list[Block]:
        return [b for s in self.sections for b in s.blocks]

    def images(self) -> list[Image]:
        return [b for b in self.blocks() if isinstance(b, Image)]

    def tables(self) -> list[Table]:
        return [b for b in self.blocks() if isinstance(b, Table)]

    def notes(self) -> list[Note]:
        return [b for b in self.blocks() if isinstance(b, Note)]

    def section(self, section_id: str) -> Section | None:
        return next((s for s in self.sections if s.id == section_id), None)


#: Sections a user can choose, in document order (the summary, the scope note, the
#: references and the index of notes always come with them).
SECTIONS: tuple[tuple[str, str], ...] = (
    ("overview", "Summary, key judgments and key figures"),
    ("minerals", "Minerals by region"),
    ("timeline", "Geopolitics timeline (and the annex of dated events)"),
    ("risks", "Risk checklist"),
    ("actors", "Actors (annex)"),
    ("source-notes", "Notes on the source documents"),
)

DEFAULT_MARKING = "Unclassified \u2014 open sources"


@dataclass
class ExportOptions:
    title: str = ""
    author: str = ""
    organisation: str = ""
    marking: str = DEFAULT_MARKING
    as_of: str = ""  # ISO date; empty: the newest dated fact in the data
    sections: tuple[str, ...] = tuple(s for s, _ in SECTIONS)
    include_notes: bool = True
    include_checklist: bool = True  # the analyst's values; otherwise the briefing's only
    include_charts: bool = True
    notes_as_comments: bool = False  # DOCX: notes as Word comments on what they annotate


def ref_suffix(refs: list[int]) -> str:
    """How reference numbers read after a paragraph in plain-text formats: " [1, 4]"."""
    return f" [{', '.join(str(r) for r in refs)}]" if refs else ""
