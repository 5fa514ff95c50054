"""The annotated briefing as a format-neutral document: what every export renderer draws.

``build.py`` fills it from the stores; ``markdown.py``, ``html.py``, ``docx.py`` and ``pdf.py``
render it. All text here is plain text (never markup): each renderer escapes it for its format,
so a note containing HTML, Markdown or script appears literally.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# C0 controls (except tab, newline, carriage return) and DEL cannot appear in XML (DOCX) and
# are invisible elsewhere: exports show them as the matching Unicode "control picture".
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def visible(text: str) -> str:
    """Text safe for every format: control characters become visible symbols (U+2400...)."""

    if "\r" not in text and _CONTROLS.search(text) is None:  # the usual case, decided in C
        return text

    def picture(m: re.Match[str]) -> str:
        code = ord(m.group())
        return "\u2421" if code == 0x7F else chr(0x2400 + code)

    return _CONTROLS.sub(picture, text.replace("\r\n", "\n").replace("\r", "\n"))


@dataclass
class Para:
    """A paragraph of plain text with reference numbers to show after it."""

    text: str
    refs: list[int] = field(default_factory=list)
    style: str = "body"  # body, meta, caveat, lead
    lead_in: str = ""  # a few words set in bold before the text (e.g. a mineral's name)


@dataclass
class Heading:
    text: str
    level: int = 2  # 1 is the document title


@dataclass
class Bullets:
    items: list[Para]


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]
    widths: list[float] = field(default_factory=list)  # relative column widths
    caption: str = ""


@dataclass
class Image:
    """A chart: SVG text (for HTML/Markdown) and PNG bytes (for DOCX/PDF), filled on demand."""

    name: str  # a file stem we choose: letters, digits and hyphens only
    alt: str
    caption: str
    svg: str
    png: bytes = b""
    width_px: int = 0
    height_px: int = 0


@dataclass
class Note:
    """An analyst's note, placed with the item or passage it annotates."""

    target: str  # e.g. "Risk: Insurgent violence..." or "Source passage 8"
    text: str
    tag: str = ""
    colour: str = ""
    updated: str = ""
    quote: str = ""  # for notes on a text range: the quoted text


Block = Para | Heading | Bullets | Table | Image | Note


@dataclass
class Section:
    id: str  # stable: overview, minerals, timeline, risks, source-notes, unanchored
    title: str
    blocks: list[Block] = field(default_factory=list)


@dataclass
class Reference:
    number: int
    text: str
    url: str = ""


@dataclass
class Document:
    title: str
    author: str
    date: str  # date of export, ISO
    sources: list[str]
    sections: list[Section]
    references: list[Reference]
    subtitle: str = ""

    def images(self) -> list[Image]:
        return [b for s in self.sections for b in s.blocks if isinstance(b, Image)]

    def notes(self) -> list[Note]:
        return [b for s in self.sections for b in s.blocks if isinstance(b, Note)]


#: Sections a user can choose, in document order.
SECTIONS: tuple[tuple[str, str], ...] = (
    ("overview", "Bottom line and key judgments"),
    ("minerals", "Minerals by region"),
    ("timeline", "Geopolitics timeline"),
    ("risks", "Risk checklist"),
    ("source-notes", "Notes on the source documents"),
)


@dataclass
class ExportOptions:
    title: str = ""
    author: str = ""
    sections: tuple[str, ...] = tuple(s for s, _ in SECTIONS)
    include_notes: bool = True
    include_checklist: bool = True  # the analyst's values; otherwise the briefing's only
    include_charts: bool = True


def ref_suffix(refs: list[int]) -> str:
    """How reference numbers read after a paragraph in plain-text formats: " [1, 4]"."""
    return f" [{', '.join(str(r) for r in refs)}]" if refs else ""
