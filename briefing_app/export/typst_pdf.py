"""Render a briefing ``Document`` as a tagged, accessible PDF (PDF/UA-1), typeset by Typst.

The document reaches Typst as data, never as markup: it is serialised to ``briefing.json`` in a
temporary compile root, beside the template (``resources/templates/briefing.typ``) and the
charts (one SVG file each, so they stay vector), and the template reads it with ``json()`` and
inserts every string as a value. Typst shows a string value literally, so a note holding Typst
markup, HTML or backslashes prints as typed. Everything the template has to decide from the
data (which citation is the first of its number, which labels exist, heading levels, dates as
words) is decided here, so the template only lays out.

The JSON contract (``SCHEMA`` is its version), one object:

``meta``
    ``title``, ``short_title`` (footer), ``subtitle``, ``author``, ``organisation``,
    ``marking``, ``lang``, ``description``, ``keywords`` (list), ``date`` (``{"year",
    "month", "day"}`` of the export, for the PDF's dates), ``date_label`` and ``as_of_label``
    (dates in words), ``sources`` (the source documents, one line each).
``sections``
    A list of ``{"heading", "label", "kind", "new_page", "blocks"}``; ``kind`` is front, body
    or annex; a section starts a page unless it is front matter after the first section.
blocks
    Each has ``"type"``: ``para`` (``text``, ``style``, ``lead``, ``rtl``, ``refs``: a list of
    ``{"n", "to", "label"}``: the number, the label it links to or "", and the label this
    citation carries or ""), ``heading`` (``level`` 2-4, consecutive under the section's level
    1 as PDF/UA requires; ``text``, ``label``), ``bullets`` (``ordered``, ``items``: paras),
    ``table`` (``label``, ``name`` "Table 3", ``caption``, ``header``, ``rows``, ``widths``
    summing to 1, ``split_rows``, ``source``, ``notes``: paras), ``image`` (``label``,
    ``name``, ``caption``, ``file``, ``alt``, ``width``/``height`` in pt, ``source``), ``note``
    (``label``, ``name`` "N3", ``meta``: the head's other parts, ``quote``, ``text``, ``rtl``,
    ``quote_rtl``, ``colour``, ``unanchored``) and ``references`` (``entries``: ``{"n",
    "label", "text", "url", "back"}``, ``back`` the label of the first citation or "").

Every label the data names as a link target exists exactly once (Typst refuses a link to a
missing or repeated label), and characters no bundled font can draw are replaced by their code
point ("[U+6587]"): PDF/UA forbids a glyph the reader cannot see.
"""

from __future__ import annotations

import functools
import json
import logging
import re
import shutil
import struct
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..domain import PartialDate
from ..paths import fonts_dir, templates_dir
from .files import ExportError
from .model import (
    Block,
    Bullets,
    Document,
    Heading,
    Image,
    Note,
    Para,
    ReferenceList,
    Section,
    Table,
    is_rtl,
    visible,
)

log = logging.getLogger(__name__)

SCHEMA = 1
TEMPLATE = "briefing.typ"
DATA = "briefing.json"
#: Typst's CSS pixel (1/96 inch), in which the charts give their size.
PX_PT = 0.75
#: The footer holds the title beside "Page N of M": a longer title is shortened there.
SHORT_TITLE = 90
#: A table row with more text than this may break across pages (a row taller than a page
#: would otherwise run off it); every other row is kept whole.
ROW_SPLIT_CHARS = 1500
#: Typst refuses longer link targets.
MAX_URL = 2000
NOTE_COLOURS = {"yellow": "#c9a400", "green": "#3c9b52", "blue": "#3a6fb0", "pink": "#c2477f",
                "orange": "#d9822b"}
DEFAULT_NOTE_COLOUR = "#5b7fa6"
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,63}")
_LANG = re.compile(r"[a-z]{2,3}")
_URL = re.compile(r"(https?|mailto):\S+", re.IGNORECASE)
_CAVEAT_LEAD = re.compile(r"(Caveat[^:]{0,80}:)\s+(.*)", re.DOTALL)


# -- entry points -------------------------------------------------------------------------------
def render_pdf(doc: Document) -> bytes:
    """The briefing as PDF bytes: A4, tagged PDF/UA-1, an outline, vector charts."""
    pdf, _warnings = compile_pdf(doc)
    return pdf


def compile_pdf(doc: Document) -> tuple[bytes, list[str]]:
    """The PDF and Typst's warnings (the tests want none). One compile; a second one, without
    the PDF/UA claim, only if Typst finds the document cannot conform (logged): a briefing the
    analyst can send beats an export that fails."""
    import typst

    with tempfile.TemporaryDirectory(prefix="briefing-pdf-") as tmp:
        root = Path(tmp)
        write_project(doc, root)
        args: dict[str, Any] = {"root": str(root), "font_paths": [str(fonts_dir())],
                                "ignore_system_fonts": True, "format": "pdf"}
        main = str(root / TEMPLATE)
        try:
            try:
                pdf, warnings = typst.compile_with_warnings(main, pdf_standards=["ua-1"], **args)
            except typst.TypstError as exc:
                if not _message(exc).startswith("PDF/UA"):
                    raise
                log.warning("the PDF cannot be PDF/UA-1 (%s); writing a tagged PDF without "
                            "the claim", _message(exc))
                pdf, warnings = typst.compile_with_warnings(main, **args)
        except typst.TypstError as exc:
            raise ExportError(f"the PDF could not be typeset: {_message(exc)}") from exc
    assert isinstance(pdf, bytes)
    return pdf, [w.message for w in warnings]


def _message(exc: Exception) -> str:
    """Typst's own message (an error raised by the compiler carries it as ``message``)."""
    message = getattr(exc, "message", None)
    return str(message if message is not None else (exc.args[0] if exc.args else exc))


_PAGES = re.compile(rb"/Type\s*/Pages(?![A-Za-z])")
_COUNT = re.compile(rb"/Count\s+(\d+)")


def page_count(pdf: bytes) -> int:
    """The number of pages: the /Count of the page tree's root (the /Pages node without a
    /Parent). Typst writes that dictionary uncompressed, so no PDF library is needed."""
    for m in _PAGES.finditer(pdf):
        start = pdf.rfind(b" obj", 0, m.start())
        end = pdf.find(b"endobj", m.end())
        if start < 0 or end < 0:
            continue
        body = pdf[start:end]
        count = _COUNT.search(body)
        if count is not None and b"/Parent" not in body:
            return int(count.group(1))
    raise ValueError("not a PDF with a readable page tree")


def write_project(doc: Document, root: Path) -> None:
    """The compile root: the template, the document as JSON and the charts as SVG files."""
    shutil.copyfile(templates_dir() / TEMPLATE, root / TEMPLATE)
    charts = root / "charts"
    charts.mkdir()
    files = _chart_files(doc)
    for image, name in files.values():
        (charts / name).write_text(image.svg, encoding="utf-8")
    data = json.dumps(_drawable_strings(_Payload(doc, files).build()), ensure_ascii=False,
                      separators=(",", ":"))
    (root / DATA).write_text(data, encoding="utf-8")


def _drawable_strings(value: Any) -> Any:
    """``value`` with every string in it made drawable (see ``drawable``)."""
    if isinstance(value, str):
        return drawable(value)
    if isinstance(value, list):
        return [_drawable_strings(v) for v in value]
    if isinstance(value, dict):
        return {k: _drawable_strings(v) for k, v in value.items()}
    return value


# -- what the fonts can draw ------------------------------------------------------------------
# Characters a font never draws but which shaping handles without a glyph (joiners, variation
# selectors, bidi controls, soft hyphen, tag characters). U+FEFF is left out: PDF/UA forbids it.
_IGNORABLE = ("\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f"
              "\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\uffa0\U000e0000-\U000e0fff")


@functools.lru_cache(maxsize=4)
def _undrawable(folder: str) -> re.Pattern[str]:
    """A pattern matching every character that no font in ``folder`` maps (nor a line break,
    tab or ignorable). Typst's own fonts (Libertinus Serif...) are not counted: they cover no
    script the bundled Noto fonts miss."""
    ranges: list[tuple[int, int]] = [(0x09, 0x0A)]
    for path in sorted(Path(folder).iterdir()):
        if path.suffix.lower() in (".ttf", ".otf"):
            ranges.extend(cmap_ranges(path.read_bytes()))
    ranges.sort()
    merged: list[list[int]] = []
    for lo, hi in ranges:
        if merged and lo <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], hi)
        else:
            merged.append([lo, hi])
    members = "".join(re.escape(chr(lo)) + ("-" + re.escape(chr(hi)) if hi > lo else "")
                      for lo, hi in merged)
    # U+FEFF is in the Noto fonts' cmaps, yet PDF/UA forbids it: always replaced.
    return re.compile(f"\ufeff|[^{members}{_IGNORABLE}]")


def _replacement(m: re.Match[str]) -> str:
    ch = m.group()
    if ch == "\ufeff":
        return "\u2060"  # the same "no break here", without the byte-order-mark meaning
    if "\ud800" <= ch <= "\udfff":
        return "\ufffd"  # a lone surrogate (not text): the replacement character
    return f"[U+{ord(ch):04X}]"


def drawable(text: str) -> str:
    """``text`` as the PDF can show it: control characters as control pictures (as every
    export shows them), and each character the bundled fonts cannot draw as its code point."""
    return _undrawable(str(fonts_dir())).sub(_replacement, visible(text))


def cmap_ranges(font: bytes) -> Iterator[tuple[int, int]]:
    """The code point ranges a TrueType/OpenType font maps to a glyph (its Unicode cmap:
    formats 4 and 12), read with ``struct``: no font library at run time."""
    num_tables = struct.unpack_from(">H", font, 4)[0]
    cmap = next((struct.unpack_from(">I", font, 12 + 16 * i + 8)[0] for i in range(num_tables)
                 if font[12 + 16 * i:16 + 16 * i] == b"cmap"), None)
    if cmap is None:
        return
    subtables = {}
    for i in range(struct.unpack_from(">H", font, cmap + 2)[0]):
        platform, encoding, offset = struct.unpack_from(">HHI", font, cmap + 4 + 8 * i)
        subtables[(platform, encoding)] = cmap + offset
    for key in ((3, 10), (0, 4), (0, 6), (3, 1), (0, 3), (0, 1), (0, 0)):
        if key not in subtables:
            continue
        at = subtables[key]
        fmt = struct.unpack_from(">H", font, at)[0]
        if fmt == 12:
            groups = struct.unpack_from(">I", font, at + 12)[0]
            for g in range(groups):
                lo, hi, _glyph = struct.unpack_from(">III", font, at + 16 + 12 * g)
                yield lo, hi
            return
        if fmt == 4:
            yield from _format4(font, at)
            return


def _format4(font: bytes, at: int) -> Iterator[tuple[int, int]]:
    segs = struct.unpack_from(">H", font, at + 6)[0] // 2
    ends = struct.unpack_from(f">{segs}H", font, at + 14)
    starts = struct.unpack_from(f">{segs}H", font, at + 16 + 2 * segs)
    range_at = at + 16 + 6 * segs
    offsets = struct.unpack_from(f">{segs}H", font, range_at)
    for i in range(segs):
        lo, hi = starts[i], ends[i]
        if lo == 0xFFFF:
            continue
        if offsets[i] == 0:
            yield lo, hi
            continue
        # Glyphs looked up through the array: a 0 there is "no glyph".
        for code in range(lo, hi + 1):
            where = range_at + 2 * i + offsets[i] + 2 * (code - lo)
            if where + 2 <= len(font) and struct.unpack_from(">H", font, where)[0]:
                yield code, code


# -- the document as data ---------------------------------------------------------------------
def _chart_files(doc: Document) -> dict[int, tuple[Image, str]]:
    """A file name per chart (by the image's id()): its own name when that is safe and unused,
    else a number."""
    names: dict[int, tuple[Image, str]] = {}
    used: set[str] = set()
    for i, image in enumerate(doc.images(), start=1):
        stem = image.name if _NAME.fullmatch(image.name) else f"figure-{i}"
        while stem in used:
            stem = f"{stem}-{i}"
        used.add(stem)
        names[id(image)] = (image, f"{stem}.svg")
    return names


def _date_words(iso: str) -> str:
    try:
        return PartialDate(iso).label() if iso else ""
    except (ValueError, IndexError):
        return iso  # not an ISO date: shown as given


class _Payload:
    """Builds the JSON object for one document, deciding labels and citation order."""

    def __init__(self, doc: Document, charts: dict[int, tuple[Image, str]]):
        self.doc = doc
        self.charts = charts
        self.labels: set[str] = set()
        # Reference entries are link targets only where a reference list shows them.
        self.entries = {r.number for b in doc.blocks() if isinstance(b, ReferenceList)
                        for r in b.references}
        self.cited: set[int] = set()
        self.listed: set[int] = set()
        self.front_done = False  # a front section after the first one follows on its page

    def label(self, name: str) -> str:
        """``name`` if it can become a label here (not empty, not used yet), else ""."""
        if not name or name in self.labels:
            return ""
        self.labels.add(name)
        return name

    def build(self) -> dict[str, Any]:
        doc = self.doc
        # The references' labels and their first citations' are taken first, so no heading
        # or table can take "ref-N" or "cite-N".
        for n in self.entries:
            self.labels.update((f"ref-{n}", f"cite-{n}"))
        sections = []
        for s in doc.sections:
            sections.append(self.section(s))
            self.front_done = True
        # A back link only where its citation got a label (the first one of its number).
        for section in sections:
            for block in section["blocks"]:
                if block["type"] == "references":
                    for entry in block["entries"]:
                        if entry["n"] not in self.cited:
                            entry["back"] = ""
        day = _iso_day(doc.date)
        title = doc.title or "Briefing"
        return {
            "schema": SCHEMA,
            "meta": {
                "title": title,
                "short_title": title if len(title) <= SHORT_TITLE
                else title[:SHORT_TITLE - 1].rstrip() + "\u2026",
                "subtitle": doc.subtitle,
                "author": doc.author,
                "organisation": doc.organisation,
                "marking": doc.marking,
                "lang": doc.lang if _LANG.fullmatch(doc.lang or "") else "en",
                "description": doc.description,
                "keywords": list(doc.keywords),
                "date": {"year": day[0], "month": day[1], "day": day[2]},
                "date_label": _date_words(doc.date),
                "as_of_label": _date_words(doc.as_of),
                "sources": list(doc.sources),
            },
            "sections": sections,
        }

    def section(self, s: Section) -> dict[str, Any]:
        blocks = []
        # PDF/UA forbids skipping a heading level (the risks' level-3 headings follow their
        # section's heading directly): each heading gets one level below the nearest heading
        # above it of a higher model level, the section's being 1.
        open_levels: list[tuple[int, int]] = []  # (model level, PDF level) of open headings
        for b in s.blocks:
            if isinstance(b, Heading):
                while open_levels and open_levels[-1][0] >= b.level:
                    open_levels.pop()
                level = min(open_levels[-1][1] + 1 if open_levels else 2, 4)
                open_levels.append((b.level, level))
                blocks.append(self.heading(b, level))
            else:
                blocks.append(self.block(b))
        return {"heading": s.heading, "label": self.label(s.anchor), "kind": s.kind,
                "new_page": s.kind != "front" or not self.front_done, "blocks": blocks}

    def heading(self, h: Heading, level: int) -> dict[str, Any]:
        text = f"{h.number} {h.text}" if h.number else h.text
        return {"type": "heading", "level": level, "text": text, "label": self.label(h.id)}

    def block(self, b: Block) -> dict[str, Any]:
        if isinstance(b, Para):
            return self.para(b)
        if isinstance(b, Bullets):
            return {"type": "bullets", "ordered": b.ordered,
                    "items": [self.para(p) for p in b.items]}
        if isinstance(b, Table):
            return self.table(b)
        if isinstance(b, Image):
            return {"type": "image", "label": self.label(b.id), "name": b.label,
                    "caption": b.caption, "file": f"charts/{self.charts[id(b)][1]}", "alt": b.alt
                    or b.caption or "Chart", "width": round(b.width_px * PX_PT, 2),
                    "height": round(b.height_px * PX_PT, 2), "source": b.source}
        if isinstance(b, Note):
            return self.note(b)
        if isinstance(b, ReferenceList):
            return self.references(b)
        if isinstance(b, Heading):  # only reached for a heading outside a section's flow
            return self.heading(b, 2)
        raise TypeError(f"unknown block {b!r}")

    def para(self, p: Para) -> dict[str, Any]:
        refs = []
        for n in p.refs:
            first = n in self.entries and n not in self.cited
            if first:
                self.cited.add(n)
            refs.append({"n": n, "to": f"ref-{n}" if n in self.entries else "",
                         "label": f"cite-{n}" if first else ""})
        text, lead = p.text, p.lead_in
        if p.style == "caveat" and not lead and (m := _CAVEAT_LEAD.fullmatch(text)):
            lead, text = m.group(1), m.group(2)  # "Caveat:" set in bold, as a lead-in
        return {"type": "para", "text": text, "style": p.style, "lead": lead,
                "rtl": is_rtl(lead or text), "refs": refs}

    def table(self, t: Table) -> dict[str, Any]:
        cols = len(t.header) or max((len(r) for r in t.rows), default=1)
        rows = [(list(r) + [""] * cols)[:cols] for r in t.rows]
        header = (list(t.header) + [""] * cols)[:cols]
        widths = list(t.widths) if len(t.widths) == cols and all(w > 0 for w in t.widths) \
            else [1.0] * cols
        total = sum(widths)
        split = any(sum(len(c) for c in r) > ROW_SPLIT_CHARS for r in rows)
        return {"type": "table", "label": self.label(t.id), "name": t.label,
                "caption": t.caption, "header": header, "rows": rows,
                "widths": [w / total for w in widths], "split_rows": split,
                "source": t.source, "notes": [self.para(p) for p in t.notes]}

    def note(self, n: Note) -> dict[str, Any]:
        meta = [f"note on {n.target}" if n.target else "note"]
        if n.tag:
            meta.append(n.tag)
        if n.updated:
            meta.append(n.updated[:10])
        if n.unanchored:
            meta.append("unanchored")
        return {"type": "note", "label": self.label(n.id), "name": n.label, "meta": meta,
                "quote": n.quote, "text": n.text, "rtl": is_rtl(n.text),
                "quote_rtl": is_rtl(n.quote),
                "colour": NOTE_COLOURS.get(n.colour, DEFAULT_NOTE_COLOUR),
                "unanchored": n.unanchored}

    def references(self, rl: ReferenceList) -> dict[str, Any]:
        entries = []
        for r in rl.references:
            text, url = r.text, r.url.strip()
            if url and text.rstrip().endswith(url):
                text = text.rstrip()[:-len(url)].rstrip()  # the address becomes the link
            elif not url and (m := _URL.search(text)) and m.end() == len(text.rstrip()):
                url, text = m.group(), text[:m.start()].rstrip()
            if len(url) > MAX_URL or not _URL.match(url or "x"):
                text, url = (f"{text} {url}".strip() if url else text), ""
            # A number listed twice (in two lists) is a link target only the first time.
            first = r.number not in self.listed
            self.listed.add(r.number)
            entries.append({"n": r.number, "label": f"ref-{r.number}" if first else "",
                            "text": text, "url": url,
                            "back": f"cite-{r.number}" if first else ""})
        return {"type": "references", "entries": entries}


def _iso_day(iso: str) -> tuple[int, int, int]:
    """Year, month and day of an ISO date (missing parts are 1); today's date is not used, so
    the same document always gives the same PDF."""
    parts = [int(p) for p in re.findall(r"\d+", iso or "")[:3]]
    year, month, day = [*parts, 1, 1, 1][:3] if parts else (1970, 1, 1)
    if not (1 <= month <= 12 and 1 <= day <= 31 and 1 <= year <= 9999):
        return 1970, 1, 1
    return year, month, day
