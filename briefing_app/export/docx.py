"""Render a briefing ``Document`` as a Word document built the way Word users expect.

A title page, a table of contents Word fills on opening, real heading, list, caption and table
styles, bookmarks and internal links for every anchor and citation, captions with SEQ fields,
the handling marking and "Page N of M" on every page, and the analyst's notes either inline or
as Word comments. python-docx gives the package, the parts and the comments; the body is
written with lxml directly, because python-docx's per-paragraph and per-cell API costs seconds
on a long briefing. lxml stores every string as a text node, so a note holding markup, XML or
field codes can never become any of them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from docx import Document as new_docx  # noqa: N813 (python-docx's factory function)
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Emu, Twips
from lxml import etree  # type: ignore[import-untyped]

from ..domain import PartialDate
from .model import (
    Block,
    Bullets,
    Document,
    Heading,
    Image,
    Note,
    Para,
    Reference,
    ReferenceList,
    Section,
    Table,
    is_rtl,
)

APPLICATION = "Briefing"

# -- page geometry (twips: 1/20 pt; EMU: 1/914400 in) -----------------------------------------
PAGE_W, PAGE_H = 11906, 16838  # A4
MARGIN = 1134  # 2 cm
TEXT_WIDTH = PAGE_W - 2 * MARGIN
EMU_PER_TWIP = 635
#: A table header's bold 8.5 pt letter, on average, and a cell's left and right padding.
HEADER_CHAR, CELL_PADDING = 100, 230
MAX_FIGURE_HEIGHT = 5954  # 10.5 cm: a square chart shares its page with the text around it

BODY_FONT = "Cambria"  # shipped with Office on Windows and macOS: what a Word reader has
HEAD_FONT = "Calibri"
ACCENT = "2C4A6B"
DARK = "1B2F45"
MUTED = "555555"
NOTE_BORDER = {"yellow": "C9A400", "green": "3C9B52", "blue": "3A6FB0", "pink": "C2477F",
               "orange": "D9822B"}
NOTE_DEFAULT_BORDER = "6A8CAF"
SEP = " \u00b7 "

#: The model's paragraph styles, as Word style ids (defined in ``_STYLES``).
PARA_STYLES = {"body": None, "lead": "Lead", "meta": "Meta", "caveat": "Caveat",
               "small": "SmallPrint"}

# Strong right-to-left letters, as ``model.is_rtl`` counts them: a run of them (with the spaces
# and punctuation between them) is marked right-to-left so Word shapes and orders it.
_R = "\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc"
_L = "A-Za-z\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff"
_RTL_CHAR = re.compile(f"[{_R}]")
_RTL_SPAN = re.compile(f"[{_R}](?:[^{_L}\n\t]*[{_R}])?")
# Characters XML 1.0 cannot hold (C0 controls are already control pictures, by
# ``model.visible``; these are what remains): shown as U+FFFD rather than losing the text.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_BOOKMARK_BAD = re.compile(r"[^A-Za-z0-9_]")
_REF_CELL = re.compile(r"\d+(?:, \d+)*")

P, R, T, PPR, RPR = qn("w:p"), qn("w:r"), qn("w:t"), qn("w:pPr"), qn("w:rPr")
VAL = qn("w:val")
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def bookmark_name(anchor: str) -> str:
    """The Word bookmark for a model anchor ("sec-risks" -> "sec_risks").

    Word's bookmark names hold letters, digits and underscores only, start with a letter and
    have at most 40 characters; an anchor that does not fit gets a short hash of itself so two
    long anchors never share a bookmark."""
    name = _BOOKMARK_BAD.sub("_", anchor)
    clean = anchor.replace("-", "_") == name and name[:1].isalpha()
    if clean and len(name) <= 40:
        return name
    digest = hashlib.sha1(anchor.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    stem = name if name[:1].isalpha() else f"b_{name}"
    return f"{stem[:31]}_{digest}"


def _xml_text(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text) if _NOT_XML.search(text) else text


def _el(parent: Any, tag: str, **attrs: str) -> Any:
    """A child element; attribute names are "w_val" for w:val (the namespaced form)."""
    child = etree.SubElement(parent, qn(tag))
    for key, value in attrs.items():
        child.set(qn(key.replace("_", ":", 1)), value)
    return child


def _date_words(iso: str) -> str:
    """An ISO (partial) date as words: "2025-12" -> "December 2025"; other text as it is."""
    try:
        return PartialDate(iso).label()
    except (ValueError, IndexError):
        return iso


# -- styles ----------------------------------------------------------------------------------
def _fonts(face: str) -> str:
    return f'<w:rFonts w:ascii="{face}" w:hAnsi="{face}" w:eastAsiaTheme="minorEastAsia" ' \
           'w:cstheme="minorBidi"/>'


def _bar(colour: str) -> str:
    """A paragraph's shaded box with a coloured bar on the left (notes, caveats)."""
    return (f'<w:pBdr><w:left w:val="single" w:sz="18" w:space="6" w:color="{colour}"/>'
            "</w:pBdr>")


_HEAD = _fonts(HEAD_FONT)
# (type, id, name, basedOn, next, pPr children, rPr children); element order follows the schema
# (Word refuses a file whose properties are out of order).
_STYLES: list[tuple[str, str, str, str, str, str, str]] = [
    ("paragraph", "Normal", "Normal", "", "", '<w:spacing w:after="120" w:line="264" '
     'w:lineRule="auto"/>', f'{_fonts(BODY_FONT)}<w:color w:val="1B1B1B"/>'
     '<w:sz w:val="21"/><w:szCs w:val="21"/>'),
    ("paragraph", "Title", "Title", "Normal", "Subtitle",
     f'<w:pBdr><w:top w:val="single" w:sz="24" w:space="12" w:color="{ACCENT}"/></w:pBdr>'
     '<w:spacing w:before="2600" w:after="160" w:line="240" w:lineRule="auto"/>',
     f'{_HEAD}<w:b/><w:bCs/><w:color w:val="{DARK}"/><w:kern w:val="28"/><w:sz w:val="52"/>'
     '<w:szCs w:val="52"/>'),
    ("paragraph", "Subtitle", "Subtitle", "Normal", "Normal",
     '<w:spacing w:after="720"/>',
     f'{_HEAD}<w:color w:val="{ACCENT}"/><w:sz w:val="30"/><w:szCs w:val="30"/>'),
    ("paragraph", "TitleDetail", "Title Page Detail", "Normal", "",
     '<w:tabs><w:tab w:val="left" w:pos="2552"/></w:tabs><w:spacing w:after="80"/>'
     '<w:ind w:left="2552" w:hanging="2552"/>',
     f'{_HEAD}<w:color w:val="333333"/><w:sz w:val="22"/><w:szCs w:val="22"/>'),
    ("paragraph", "TitleAbstract", "Title Page Abstract", "Normal", "",
     '<w:spacing w:before="480"/>',
     f'<w:i/><w:iCs/><w:color w:val="{MUTED}"/><w:sz w:val="20"/><w:szCs w:val="20"/>'),
    ("paragraph", "Heading1", "heading 1", "Normal", "Normal",
     f'<w:keepNext/><w:keepLines/><w:pBdr><w:bottom w:val="single" w:sz="8" w:space="2" '
     f'w:color="{ACCENT}"/></w:pBdr><w:spacing w:before="400" w:after="160"/>'
     '<w:outlineLvl w:val="0"/>',
     f'{_HEAD}<w:b/><w:bCs/><w:color w:val="{ACCENT}"/><w:sz w:val="32"/><w:szCs w:val="32"/>'),
    ("paragraph", "Heading2", "heading 2", "Normal", "Normal",
     '<w:keepNext/><w:keepLines/><w:spacing w:before="280" w:after="80"/>'
     '<w:outlineLvl w:val="1"/>',
     f'{_HEAD}<w:b/><w:bCs/><w:color w:val="{ACCENT}"/><w:sz w:val="26"/><w:szCs w:val="26"/>'),
    ("paragraph", "Heading3", "heading 3", "Normal", "Normal",
     '<w:keepNext/><w:keepLines/><w:spacing w:before="200" w:after="60"/>'
     '<w:outlineLvl w:val="2"/>',
     f'{_HEAD}<w:b/><w:bCs/><w:color w:val="34506E"/><w:sz w:val="22"/><w:szCs w:val="22"/>'),
    ("paragraph", "TOCHeading", "TOC Heading", "Heading1", "Normal",
     '<w:outlineLvl w:val="9"/>', ""),
    ("paragraph", "TOC1", "toc 1", "Normal", "Normal",
     f'<w:tabs><w:tab w:val="right" w:leader="dot" w:pos="{TEXT_WIDTH}"/></w:tabs>'
     '<w:spacing w:before="100" w:after="40"/>',
     f'{_HEAD}<w:b/><w:bCs/>'),
    ("paragraph", "TOC2", "toc 2", "Normal", "Normal",
     f'<w:tabs><w:tab w:val="right" w:leader="dot" w:pos="{TEXT_WIDTH}"/></w:tabs>'
     '<w:spacing w:after="20"/><w:ind w:left="284"/>', ""),
    ("paragraph", "TOC3", "toc 3", "Normal", "Normal",
     f'<w:tabs><w:tab w:val="right" w:leader="dot" w:pos="{TEXT_WIDTH}"/></w:tabs>'
     '<w:spacing w:after="20"/><w:ind w:left="567"/>', '<w:sz w:val="19"/><w:szCs w:val="19"/>'),
    ("paragraph", "Caption", "caption", "Normal", "Normal",
     '<w:keepNext/><w:spacing w:before="200" w:after="80" w:line="240" w:lineRule="auto"/>',
     f'{_HEAD}<w:b/><w:bCs/><w:color w:val="{DARK}"/><w:sz w:val="18"/><w:szCs w:val="18"/>'),
    ("paragraph", "Figure", "Figure", "Normal", "Caption",
     '<w:keepNext/><w:spacing w:before="200" w:after="40"/><w:jc w:val="center"/>', ""),
    ("paragraph", "SourceLine", "Source Line", "Normal", "Normal",
     '<w:spacing w:before="60" w:after="240" w:line="240" w:lineRule="auto"/>',
     f'<w:i/><w:iCs/><w:color w:val="{MUTED}"/><w:sz w:val="16"/><w:szCs w:val="16"/>'),
    ("paragraph", "Lead", "Lead", "Normal", "Normal", '<w:spacing w:after="160"/>',
     '<w:sz w:val="24"/><w:szCs w:val="24"/>'),
    ("paragraph", "Meta", "Meta", "Normal", "Normal", "",
     f'<w:color w:val="{MUTED}"/><w:sz w:val="19"/><w:szCs w:val="19"/>'),
    ("paragraph", "Caveat", "Caveat", "Normal", "Normal",
     f'{_bar("C99A2E")}<w:shd w:val="clear" w:color="auto" w:fill="FFF4D6"/>'
     '<w:spacing w:before="60" w:after="160"/><w:ind w:left="198" w:right="57"/>',
     '<w:sz w:val="20"/><w:szCs w:val="20"/>'),
    ("paragraph", "SmallPrint", "Small Print", "Normal", "Normal",
     '<w:spacing w:after="60" w:line="240" w:lineRule="auto"/>',
     '<w:sz w:val="17"/><w:szCs w:val="17"/>'),
    ("paragraph", "NoteHeading", "Note Heading", "Normal", "NoteText",
     f'<w:keepNext/>{_bar(NOTE_DEFAULT_BORDER)}<w:shd w:val="clear" w:color="auto" '
     'w:fill="EEF3F8"/><w:spacing w:before="120" w:after="20"/><w:ind w:left="340" '
     'w:right="57"/>',
     f'{_HEAD}<w:b/><w:bCs/><w:color w:val="34506E"/><w:sz w:val="17"/><w:szCs w:val="17"/>'),
    ("paragraph", "NoteQuote", "Note Quote", "Normal", "NoteText",
     f'<w:keepNext/>{_bar(NOTE_DEFAULT_BORDER)}<w:shd w:val="clear" w:color="auto" '
     'w:fill="EEF3F8"/><w:spacing w:after="40"/><w:ind w:left="340" w:right="57"/>',
     '<w:i/><w:iCs/><w:color w:val="444444"/><w:sz w:val="19"/><w:szCs w:val="19"/>'),
    ("paragraph", "NoteText", "Note Text", "Normal", "Normal",
     f'{_bar(NOTE_DEFAULT_BORDER)}<w:shd w:val="clear" w:color="auto" w:fill="EEF3F8"/>'
     '<w:spacing w:after="200"/><w:ind w:left="340" w:right="57"/>',
     '<w:sz w:val="20"/><w:szCs w:val="20"/>'),
    ("paragraph", "TableText", "Table Text", "Normal", "",
     '<w:spacing w:after="0" w:line="240" w:lineRule="auto"/>',
     '<w:sz w:val="17"/><w:szCs w:val="17"/>'),
    ("paragraph", "Reference", "Reference", "Normal", "",
     '<w:tabs><w:tab w:val="left" w:pos="567"/></w:tabs><w:spacing w:after="80" '
     'w:line="240" w:lineRule="auto"/><w:ind w:left="567" w:hanging="567"/>',
     '<w:sz w:val="18"/><w:szCs w:val="18"/>'),
    ("paragraph", "Header", "header", "Normal", "",
     f'<w:tabs><w:tab w:val="center" w:pos="{TEXT_WIDTH // 2}"/><w:tab w:val="right" '
     f'w:pos="{TEXT_WIDTH}"/></w:tabs><w:spacing w:after="0" w:line="240" w:lineRule="auto"/>'
     '<w:jc w:val="center"/>',
     f'{_HEAD}<w:b/><w:bCs/><w:color w:val="444444"/><w:spacing w:val="10"/>'
     '<w:sz w:val="16"/><w:szCs w:val="16"/>'),
    ("paragraph", "Footer", "footer", "Normal", "",
     f'<w:tabs><w:tab w:val="center" w:pos="{TEXT_WIDTH // 2}"/><w:tab w:val="right" '
     f'w:pos="{TEXT_WIDTH}"/></w:tabs><w:spacing w:after="0" w:line="240" w:lineRule="auto"/>',
     f'{_HEAD}<w:color w:val="{MUTED}"/><w:sz w:val="16"/><w:szCs w:val="16"/>'),
    ("character", "Hyperlink", "Hyperlink", "DefaultParagraphFont", "", "",
     '<w:color w:val="1F5A96"/><w:u w:val="single"/>'),
    ("character", "CitationLink", "Citation Link", "DefaultParagraphFont", "", "",
     f'<w:color w:val="{ACCENT}"/>'),
    ("character", "MarkingRun", "Marking", "DefaultParagraphFont", "", "",
     '<w:b/><w:bCs/>'),
]

_COMMENT_STYLES: list[tuple[str, str, str, str, str, str, str]] = [
    ("paragraph", "CommentText", "annotation text", "Normal", "", '<w:spacing w:after="60" '
     'w:line="240" w:lineRule="auto"/>', '<w:sz w:val="20"/><w:szCs w:val="20"/>'),
    ("character", "CommentReference", "annotation reference", "DefaultParagraphFont", "", "",
     '<w:sz w:val="16"/><w:szCs w:val="16"/>'),
]

#: The boxed styles' indents (left, right): a right-to-left paragraph of a box mirrors them so
#: the box keeps its shape.
_BOX_INDENT = {"NoteHeading": (340, 57), "NoteQuote": (340, 57), "NoteText": (340, 57),
               "Caveat": (198, 57)}

_TABLE_STYLE = f"""<w:style {nsdecls("w")} w:type="table" w:styleId="BriefingTable">
<w:name w:val="Briefing Table"/><w:basedOn w:val="TableNormal"/><w:uiPriority w:val="59"/>
<w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>
<w:rPr><w:sz w:val="17"/><w:szCs w:val="17"/></w:rPr>
<w:tblPr><w:tblStyleRowBandSize w:val="1"/><w:tblBorders>
<w:top w:val="single" w:sz="4" w:space="0" w:color="B8C2CE"/>
<w:left w:val="single" w:sz="4" w:space="0" w:color="B8C2CE"/>
<w:bottom w:val="single" w:sz="4" w:space="0" w:color="B8C2CE"/>
<w:right w:val="single" w:sz="4" w:space="0" w:color="B8C2CE"/>
<w:insideH w:val="single" w:sz="4" w:space="0" w:color="B8C2CE"/>
<w:insideV w:val="single" w:sz="4" w:space="0" w:color="B8C2CE"/></w:tblBorders>
<w:tblCellMar><w:top w:w="45" w:type="dxa"/><w:left w:w="85" w:type="dxa"/>
<w:bottom w:w="45" w:type="dxa"/><w:right w:w="85" w:type="dxa"/></w:tblCellMar></w:tblPr>
<w:tblStylePr w:type="firstRow"><w:rPr><w:rFonts w:ascii="{HEAD_FONT}" w:hAnsi="{HEAD_FONT}"/>
<w:b/><w:bCs/><w:color w:val="FFFFFF"/></w:rPr><w:tblPr/><w:trPr><w:tblHeader/></w:trPr>
<w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="{ACCENT}"/></w:tcPr></w:tblStylePr>
<w:tblStylePr w:type="band2Horz"><w:tblPr/><w:tcPr>
<w:shd w:val="clear" w:color="auto" w:fill="F2F5F8"/></w:tcPr></w:tblStylePr>
</w:style>"""


def _style_xml(spec: tuple[str, str, str, str, str, str, str]) -> Any:
    kind, style_id, name, based_on, next_id, ppr, rpr = spec
    default = ' w:default="1"' if style_id == "Normal" else ""
    parts = [f'<w:style {nsdecls("w")} w:type="{kind}"{default} w:styleId="{style_id}">',
             f'<w:name w:val="{name}"/>']
    if based_on:
        parts.append(f'<w:basedOn w:val="{based_on}"/>')
    if next_id:
        parts.append(f'<w:next w:val="{next_id}"/>')
    priority = {"Title": 10, "Subtitle": 11, "Caption": 35}.get(style_id)
    if style_id.startswith("Heading"):
        priority = 9
    elif style_id.startswith("TOC"):
        priority = 39
    if priority:
        parts.append(f'<w:uiPriority w:val="{priority}"/>')
    parts.append("<w:qFormat/>")
    if ppr:
        parts.append(f"<w:pPr>{ppr}</w:pPr>")
    if rpr:
        parts.append(f"<w:rPr>{rpr}</w:rPr>")
    parts.append("</w:style>")
    return parse_xml("".join(parts))


def _install_styles(out: Any, lang: str, comments: bool) -> None:
    """Replace the template's look with the briefing's; Word users see named styles they can
    change (Heading 1, Caption, List Number, Note Text...) rather than direct formatting."""
    styles = out.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    defaults.getparent().replace(defaults, parse_xml(
        f'<w:docDefaults {nsdecls("w")}><w:rPrDefault><w:rPr>{_fonts(BODY_FONT)}'
        f'<w:sz w:val="21"/><w:szCs w:val="21"/><w:lang w:val="{lang}" w:eastAsia="en-US" '
        'w:bidi="ar-SA"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after="120" '
        'w:line="264" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults>'))
    existing = {s.get(qn("w:styleId")): s for s in styles.findall(qn("w:style"))}
    for spec in [*_STYLES, *(_COMMENT_STYLES if comments else [])]:
        new = _style_xml(spec)
        old = existing.get(spec[1])
        if old is not None:
            styles.replace(old, new)
        else:
            styles.append(new)
    styles.append(parse_xml(_TABLE_STYLE))


# -- the writer ------------------------------------------------------------------------------
@dataclass
class _Anchor:
    """Where a comment can be anchored: a paragraph and its text runs."""

    p: Any
    runs: list[Any]


class _Writer:
    """Writes the document's blocks into the body, keeping what the cross-references need:
    the bookmarks made, the first citation of each reference, the anchors comments attach to."""

    def __init__(self, out: Any, doc: Document, notes_as_comments: bool):
        self.out = out
        self.doc = doc
        self.comments = notes_as_comments
        self.body = out.element.body
        self.bookmarks: set[str] = set()
        self.next_bookmark = 1
        self.references = {r.number for r in doc.references}
        self.cited: set[int] = set()
        self.anchors: dict[str, _Anchor] = {}
        self.last: _Anchor | None = None
        self.title: _Anchor | None = None  # where a comment goes when nothing precedes it
        self.pending: list[tuple[Note, _Anchor | None]] = []
        self.backlinks: list[tuple[Any, int]] = []
        self.note_ids = {n.label: n.id for n in doc.notes() if n.id}
        self.numbering = out.part.numbering_part.element
        self.list_number_abstract = self._abstract_for("ListNumber")

    # -- primitives ---------------------------------------------------------------------------
    def para(self, style: str | None = None, *, parent: Any = None, rtl: bool = False,
             keep_next: bool | None = None, page_break: bool = False,
             num_id: int | None = None, border: str = "", jc: str = "") -> Any:
        """A paragraph at the end of ``parent`` (the body); properties in schema order."""
        p = etree.SubElement(self.body if parent is None else parent, P)
        if not (style or rtl or keep_next is not None or page_break or num_id or border or jc):
            return p
        ppr = etree.SubElement(p, PPR)
        if style:
            etree.SubElement(ppr, qn("w:pStyle")).set(VAL, style)
        if keep_next is not None:
            _el(ppr, "w:keepNext", w_val="1" if keep_next else "0")
        if page_break:
            etree.SubElement(ppr, qn("w:pageBreakBefore"))
        if num_id:
            numpr = _el(ppr, "w:numPr")
            _el(numpr, "w:ilvl", w_val="0")
            _el(numpr, "w:numId", w_val=str(num_id))
        if border:
            _el(_el(ppr, "w:pBdr"), "w:left", w_val="single", w_sz="18", w_space="6",
                w_color=border)
        if rtl:
            etree.SubElement(ppr, qn("w:bidi"))
            if style in _BOX_INDENT:  # a right-to-left paragraph's left indent is its right
                left, right = _BOX_INDENT[style]
                _el(ppr, "w:ind", w_left=str(right), w_right=str(left))
        if jc:
            _el(ppr, "w:jc", w_val=jc)
        return p

    def run(self, parent: Any, text: str, *, style: str = "", bold: bool = False,
            italic: bool = False, colour: str = "", rtl: bool = False) -> Any:
        r = etree.SubElement(parent, R)
        if style or bold or italic or colour or rtl:
            rpr = etree.SubElement(r, RPR)
            if style:
                etree.SubElement(rpr, qn("w:rStyle")).set(VAL, style)
            if bold:
                etree.SubElement(rpr, qn("w:b"))
                etree.SubElement(rpr, qn("w:bCs"))
            if italic:
                etree.SubElement(rpr, qn("w:i"))
                etree.SubElement(rpr, qn("w:iCs"))
            if colour:
                etree.SubElement(rpr, qn("w:color")).set(VAL, colour)
            if rtl:
                etree.SubElement(rpr, qn("w:rtl"))
        _put_text(r, text)
        return r

    def runs(self, parent: Any, text: str, **fmt: Any) -> list[Any]:
        """The text as runs, right-to-left stretches (Urdu, Arabic, Hebrew) in runs of their
        own marked ``w:rtl``, as Word itself writes mixed-direction text."""
        if not text:
            return []
        if _RTL_CHAR.search(text) is None:
            return [self.run(parent, text, **fmt)]
        out, pos = [], 0
        for m in _RTL_SPAN.finditer(text):
            if m.start() > pos:
                out.append(self.run(parent, text[pos:m.start()], **fmt))
            out.append(self.run(parent, m.group(), rtl=True, **fmt))
            pos = m.end()
        if pos < len(text):
            out.append(self.run(parent, text[pos:], **fmt))
        return out

    def bookmark(self, p: Any, anchor: str) -> tuple[Any, Any] | None:
        """An empty bookmark at the end of ``p`` (the caller moves its end after the runs it
        marks); None if the name is taken (Word would keep only the first)."""
        name = bookmark_name(anchor)
        if not anchor or name in self.bookmarks:
            return None
        self.bookmarks.add(name)
        ident = str(self.next_bookmark)
        self.next_bookmark += 1
        start = _el(p, "w:bookmarkStart", w_id=ident, w_name=name)
        end = _el(p, "w:bookmarkEnd", w_id=ident)
        return start, end

    def marked(self, p: Any, anchor: str, text: str, **fmt: Any) -> list[Any]:
        """Runs for ``text`` inside a bookmark named after ``anchor``."""
        ends = self.bookmark(p, anchor)
        runs = self.runs(p, text, **fmt)
        if ends is not None:
            p.append(ends[1])  # move the end after the runs
        return runs

    def link(self, parent: Any, text: str, *, anchor: str = "", url: str = "",
             style: str = "Hyperlink", tooltip: str = "") -> Any:
        h = etree.SubElement(parent, qn("w:hyperlink"))
        if url:
            h.set(qn("r:id"), self.out.part.relate_to(url, RT.HYPERLINK, is_external=True))
        else:
            h.set(qn("w:anchor"), bookmark_name(anchor))
        if tooltip:
            h.set(qn("w:tooltip"), tooltip)
        h.set(qn("w:history"), "1")
        self.run(h, text, style=style)
        return h

    def field(self, p: Any, instr: str, result: str, dirty: bool = False,
              style: str = "") -> None:
        """A complex field: Word shows ``result`` until it updates the field."""
        begin = _el(self.run(p, "", style=style), "w:fldChar", w_fldCharType="begin")
        if dirty:
            begin.set(qn("w:dirty"), "true")
        code = etree.SubElement(etree.SubElement(p, R), qn("w:instrText"))
        code.text = f" {instr} "
        code.set(XML_SPACE, "preserve")
        _el(etree.SubElement(p, R), "w:fldChar", w_fldCharType="separate")
        self.run(p, result, style=style)
        _el(etree.SubElement(p, R), "w:fldChar", w_fldCharType="end")

    def text_para(self, style: str | None, text: str, lead_in: str = "",
                  refs: Sequence[int] = (), anchor: str = "", **para: Any) -> Any:
        """The usual paragraph: optional bold lead-in, the text, its citation links."""
        full = f"{lead_in} {text}" if lead_in else text
        p = self.para(style, rtl=is_rtl(full), **para)
        runs: list[Any] = []
        ends = self.bookmark(p, anchor) if anchor else None
        if lead_in:
            runs += self.runs(p, lead_in + " ", bold=True)
        runs += self.runs(p, text)
        if ends is not None:
            p.append(ends[1])
        self.cite(p, refs)
        self.last = _Anchor(p, runs) if runs else self.last
        return p

    def cite(self, p: Any, refs: Iterable[int], brackets: bool = True) -> None:
        """Citation numbers, each an internal link to its reference; the first citation of
        each reference is bookmarked so the reference can link back to it."""
        refs = list(refs)
        if not refs:
            return
        if brackets:
            self.run(p, " [")
        for i, n in enumerate(refs):
            if i:
                self.run(p, ", ")
            if n not in self.references:
                self.run(p, str(n))
                continue
            ends = None if n in self.cited else self.bookmark(p, f"cite-{n}")
            self.cited.add(n)
            self.link(p, str(n), anchor=f"ref-{n}", style="CitationLink")
            if ends is not None:
                p.append(ends[1])
        if brackets:
            self.run(p, "]")

    # -- lists ----------------------------------------------------------------------------
    def _abstract_for(self, style_id: str) -> str:
        """The abstract numbering the template's list style uses."""
        style = self.out.styles.element.find(
            f"{qn('w:style')}[@{qn('w:styleId')}='{style_id}']")
        num_id = style.find(f"{PPR}/{qn('w:numPr')}/{qn('w:numId')}").get(VAL)
        num = self.numbering.find(f"{qn('w:num')}[@{qn('w:numId')}='{num_id}']")
        return str(num.find(qn("w:abstractNumId")).get(VAL))

    def restarted_numbering(self) -> int:
        """A new numbering instance that starts again at 1 (each ordered list its own)."""
        num = self.numbering.add_num(int(self.list_number_abstract))
        num.add_lvlOverride(ilvl=0).add_startOverride(1)
        return int(num.numId)

    # -- blocks ---------------------------------------------------------------------------
    def section(self, s: Section, page_break: bool) -> None:
        p = self.para("Heading1", rtl=is_rtl(s.heading), page_break=page_break)
        runs = self.marked(p, s.anchor, s.heading)
        self.anchors[s.anchor] = self.last = _Anchor(p, runs)
        for block in s.blocks:
            self.block(block)

    def block(self, b: Block) -> None:
        if isinstance(b, Para):
            self.text_para(PARA_STYLES.get(b.style), b.text, b.lead_in, b.refs)
        elif isinstance(b, Heading):
            text = f"{b.number} {b.text}" if b.number else b.text
            level = min(max(b.level, 1), 4)
            p = self.para(f"Heading{level}", rtl=is_rtl(text))
            runs = self.marked(p, b.id, text)
            self.last = _Anchor(p, runs)
            if b.id:
                self.anchors.setdefault(b.id, self.last)
        elif isinstance(b, Bullets):
            style = "ListNumber" if b.ordered else "ListBullet"
            num_id = self.restarted_numbering() if b.ordered else None
            for item in b.items:
                self.text_para(style, item.text, item.lead_in, item.refs, num_id=num_id)
        elif isinstance(b, Table):
            self.table(b)
        elif isinstance(b, Image):
            self.image(b)
        elif isinstance(b, Note):
            self.note(b)
        elif isinstance(b, ReferenceList):
            for ref in b.references:
                self.reference(ref)
        else:
            raise TypeError(f"unknown block {b!r}")

    def caption(self, kind: str, number: int, caption: str, anchor: str,
                keep_next: bool | None = None) -> Any:
        """ "Table 3. Key figures": the number is a SEQ field, so Word's own table of figures
        and cross-references work."""
        p = self.para("Caption", rtl=is_rtl(caption), keep_next=keep_next)
        ends = self.bookmark(p, anchor) if anchor else None
        runs = []
        if number:
            runs.append(self.run(p, f"{kind} "))
            self.field(p, f"SEQ {kind} \\* ARABIC", str(number))
            runs.append(self.run(p, ". " if caption else "."))
        runs += self.runs(p, caption)
        if ends is not None:
            p.append(ends[1])
        self.last = _Anchor(p, runs)
        if anchor:
            self.anchors.setdefault(anchor, self.last)
        return p

    def table(self, t: Table) -> None:
        if t.caption or t.number:
            self.caption("Table", t.number, t.caption, t.id)
        cols = max([len(t.header), *(len(r) for r in t.rows)])
        if not cols:  # Word cannot open a table without a row or a cell
            self.text_para("SourceLine", t.source or "(This table has no rows.)")
            return
        widths = _twips(t.widths if len(t.widths) == cols else [1.0] * cols, t.header)
        tbl = etree.SubElement(self.body, qn("w:tbl"))
        tblpr = etree.SubElement(tbl, qn("w:tblPr"))
        _el(tblpr, "w:tblStyle", w_val="BriefingTable")
        _el(tblpr, "w:tblW", w_w=str(TEXT_WIDTH), w_type="dxa")
        _el(tblpr, "w:tblLayout", w_type="fixed")
        _el(tblpr, "w:tblLook", w_val="0420", w_firstRow="1", w_lastRow="0",
            w_firstColumn="0", w_lastColumn="0", w_noHBand="0", w_noVBand="1")
        grid = etree.SubElement(tbl, qn("w:tblGrid"))
        for w in widths:
            _el(grid, "w:gridCol", w_w=str(w))
        # Reference numbers and note labels in a table are links too, as in the text.
        heads = [h.strip().lower() for h in t.header]
        refs_col = heads.index("refs") if "refs" in heads else -1
        notes_col = heads.index("note") if "note" in heads else -1
        if t.header:
            self.row(tbl, t.header, widths, header=True)
        for row in t.rows:
            self.row(tbl, row, widths, refs_col=refs_col, notes_col=notes_col)
        if t.source:
            self.text_para("SourceLine", t.source)
        for note in t.notes:
            self.text_para(PARA_STYLES.get(note.style, "SmallPrint") or "SmallPrint",
                           note.text, note.lead_in, note.refs)
        if not t.source and not t.notes:
            self.para("SourceLine")  # Word joins two tables with nothing between them

    def row(self, tbl: Any, cells: Sequence[str], widths: Sequence[int], header: bool = False,
            refs_col: int = -1, notes_col: int = -1) -> None:
        tr = etree.SubElement(tbl, qn("w:tr"))
        trpr = etree.SubElement(tr, qn("w:trPr"))
        etree.SubElement(trpr, qn("w:cantSplit"))  # a row stays on one page
        if header:
            etree.SubElement(trpr, qn("w:tblHeader"))  # repeated at the top of every page
        cells = list(cells) + [""] * (len(widths) - len(cells))
        for i, (text, width) in enumerate(zip(cells, widths, strict=False)):
            tc = etree.SubElement(tr, qn("w:tc"))
            tcpr = etree.SubElement(tc, qn("w:tcPr"))
            _el(tcpr, "w:tcW", w_w=str(width), w_type="dxa")
            if header:  # also as direct formatting: not every reader applies table styles
                _el(tcpr, "w:shd", w_val="clear", w_color="auto", w_fill=ACCENT)
            p = self.para("TableText", parent=tc, rtl=is_rtl(text))
            if i == refs_col and not header and _REF_CELL.fullmatch(text):
                self.cite(p, [int(n) for n in text.split(", ")], brackets=False)
            elif i == notes_col and not header and text in self.note_ids:
                self.link(p, text, anchor=self.note_ids[text], style="CitationLink")
            elif header:
                self.runs(p, text, bold=True, colour="FFFFFF")
            else:
                self.runs(p, text)

    def image(self, im: Image) -> None:
        png = im.png
        if not png:
            from .raster import svg_to_png

            png = svg_to_png(im.svg, im.width_px, im.height_px)
        # The chart's CSS pixels are 1/96 inch; never wider than the text or too tall for a
        # page with its caption.
        width = TEXT_WIDTH * EMU_PER_TWIP
        if im.width_px:
            width = min(width, im.width_px * 914400 // 96)
            if im.height_px and width * im.height_px / im.width_px > MAX_FIGURE_HEIGHT * 635:
                width = int(MAX_FIGURE_HEIGHT * 635 * im.width_px / im.height_px)
        inline = self.out.part.new_pic_inline(io.BytesIO(png), width=Emu(width))
        inline.docPr.set("descr", _xml_text(im.alt))  # the alt text Word and readers show
        inline.docPr.set("name", im.label or im.name)
        p = self.para("Figure")
        etree.SubElement(etree.SubElement(p, R), qn("w:drawing")).append(inline)
        self.caption("Figure", im.number, im.caption, im.id, keep_next=bool(im.source))
        if im.source:
            self.text_para("SourceLine", im.source)

    def note(self, n: Note) -> None:
        if self.comments:
            self.pending.append((n, self.last))
            return
        colour = NOTE_BORDER.get(n.colour, NOTE_DEFAULT_BORDER)
        border = colour if colour != NOTE_DEFAULT_BORDER else ""
        head = note_heading(n)
        p = self.para("NoteHeading", rtl=is_rtl(head), border=border)
        self.marked(p, n.id, head)
        if n.quote:
            quote = f"\u201c{n.quote}\u201d"
            self.runs(self.para("NoteQuote", rtl=is_rtl(n.quote), border=border), quote)
        text = self.para("NoteText", rtl=is_rtl(n.text), border=border)
        self.runs(text, n.text)

    def reference(self, ref: Reference) -> None:
        p = self.para("Reference", rtl=is_rtl(ref.text))
        self.marked(p, ref.anchor, f"[{ref.number}]")
        self.run(p, "\t")
        at = ref.text.rfind(ref.url) if ref.url else -1
        if at >= 0:
            self.runs(p, ref.text[:at])
            self.link(p, ref.url, url=ref.url)
            self.runs(p, ref.text[at + len(ref.url):])
        else:
            self.runs(p, ref.text)
            if ref.url:
                self.run(p, " ")
                self.link(p, ref.url, url=ref.url)
        self.backlinks.append((p, ref.number))

    # -- after the body -------------------------------------------------------------------
    def finish(self, author: str) -> None:
        """Links back from each reference to its first citation (known only now), and the
        notes as comments on what they annotate."""
        for p, number in self.backlinks:
            if bookmark_name(f"cite-{number}") in self.bookmarks:
                self.run(p, " ")
                self.link(p, "\u21a9", anchor=f"cite-{number}", style="CitationLink",
                          tooltip="Back to where this reference is first cited")
        if not self.pending:
            return
        # python-docx's ``add_comment`` finds each new id by scanning every comment and
        # inserts through its generic child-ordering code: 48 s for 4,000 notes. The same XML
        # is written here directly, into the comments part python-docx creates.
        self.out.comments  # noqa: B018 (creates the comments part)
        part = self.out.part.part_related_by(RT.COMMENTS)
        stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        for ident, (note, fallback) in enumerate(self.pending):
            at = self.anchors.get(note.about) or fallback or self.title
            assert at is not None, "the title precedes every note"
            self.comment(part.element, ident, note, at, author, stamp)

    def comment(self, comments: Any, ident: int, n: Note, at: _Anchor, author: str,
                stamp: str) -> None:
        """Note ``n`` as comment ``ident`` on the runs of ``at``: label, target, tag, date,
        quote and text, one paragraph a line."""
        name = bookmark_name(n.id)
        if n.id and name not in self.bookmarks:  # the index of notes still links here
            self.bookmarks.add(name)
            mark = str(self.next_bookmark)
            self.next_bookmark += 1
            at.runs[0].addprevious(_bookmark_el("w:bookmarkStart", mark, name))
            at.runs[0].addprevious(_bookmark_el("w:bookmarkEnd", mark))
        cid = str(ident)
        at.runs[0].addprevious(_bookmark_el("w:commentRangeStart", cid))
        end = _bookmark_el("w:commentRangeEnd", cid)
        at.runs[-1].addnext(end)
        ref = etree.Element(R)
        _el(_el(ref, "w:rPr"), "w:rStyle", w_val="CommentReference")
        _el(ref, "w:commentReference", w_id=cid)
        end.addnext(ref)

        comment = _el(comments, "w:comment", w_id=cid, w_author=_xml_text(author),
                      w_date=stamp, w_initials=_initials(author))
        lines = [note_heading(n)]
        if n.quote:
            lines.append(f"\u201c{n.quote}\u201d")
        lines.extend(n.text.split("\n"))
        for i, line in enumerate(lines):
            p = self.para("CommentText", parent=comment, rtl=is_rtl(line))
            if i == 0:
                mark_run = _el(p, "w:r")
                _el(_el(mark_run, "w:rPr"), "w:rStyle", w_val="CommentReference")
                _el(mark_run, "w:annotationRef")
            self.runs(p, line, bold=i == 0, italic=bool(n.quote) and i == 1)


def _bookmark_el(tag: str, ident: str, name: str = "") -> Any:
    el = etree.Element(qn(tag))
    el.set(qn("w:id"), ident)
    if name:
        el.set(qn("w:name"), name)
    return el


def _put_text(r: Any, text: str) -> None:
    """Text into a run: line breaks and tabs become Word's own elements (python-docx reads
    them back as "\\n" and "\\t"), every space is kept."""
    text = _xml_text(text)
    if "\n" not in text and "\t" not in text:
        if text:
            t = etree.SubElement(r, T)
            t.text = text
            t.set(XML_SPACE, "preserve")
        return
    for i, line in enumerate(text.split("\n")):
        if i:
            etree.SubElement(r, qn("w:br"))
        for j, piece in enumerate(line.split("\t")):
            if j:
                etree.SubElement(r, qn("w:tab"))
            if piece:
                t = etree.SubElement(r, T)
                t.text = piece
                t.set(XML_SPACE, "preserve")


def _twips(widths: Sequence[float], header: Sequence[str] = ()) -> list[int]:
    """Relative column widths as twips filling the text width exactly, each column at least
    as wide as its longest header word (a narrow "Reviewed" column would break the word)."""
    total = sum(w for w in widths if w > 0) or 1.0
    raw = [TEXT_WIDTH * max(w, 0) / total for w in widths]
    words = [max((len(x) for x in h.split()), default=0) for h in header]
    mins = [min(HEADER_CHAR * c + CELL_PADDING, TEXT_WIDTH / 3)
            for c in [*words, *[0] * len(raw)][:len(raw)]]
    fixed: dict[int, float] = {}
    for _ in range(len(raw)):  # each round fixes at least one more column, or stops
        free = [i for i in range(len(raw)) if i not in fixed]
        room = TEXT_WIDTH - sum(fixed.values())
        scale = room / (sum(raw[i] for i in free) or 1.0)
        short = [i for i in free if raw[i] * scale < mins[i]]
        if not short or len(short) == len(free):
            break
        fixed.update({i: mins[i] for i in short})
    out = [int(fixed.get(i, raw[i] * scale)) for i in range(len(raw))]
    out[-1] += TEXT_WIDTH - sum(out)
    return out


def _initials(author: str) -> str:
    return "".join(w[0] for w in author.split() if w[:1].isalpha()).upper()[:4] or "A"


def note_heading(n: Note) -> str:
    """ "N3 · note on Risk: Insurgent violence · tag: convoys · 10 December 2025"."""
    bits = [n.label, f"note on {n.target}"]
    if n.tag:
        bits.append(f"tag: {n.tag}")
    if n.updated:
        bits.append(_date_words(n.updated[:10]))
    return SEP.join(bits)


# -- page furniture and document parts -------------------------------------------------------
def _page_setup(out: Any, w: _Writer, doc: Document) -> None:
    section = out.sections[0]
    section.page_width, section.page_height = Twips(PAGE_W), Twips(PAGE_H)
    section.left_margin = section.right_margin = Twips(MARGIN)
    section.top_margin = section.bottom_margin = Twips(MARGIN)
    section.header_distance = section.footer_distance = Twips(567)
    # The header and footer: the handling marking on every page (title page included), and
    # "Page N of M" with fields Word and LibreOffice fill as they lay out the pages.
    header = section.header.part.element
    footer = section.footer.part.element
    for part in (header, footer):
        for child in list(part):
            part.remove(child)
    hp = w.para("Header", parent=header)
    if doc.marking:
        w.runs(hp, doc.marking)
    fp = w.para("Footer", parent=footer)
    w.run(fp, "\t")
    if doc.marking:
        w.runs(fp, doc.marking, style="MarkingRun")
    w.run(fp, "\tPage ")
    w.field(fp, "PAGE", "1")
    w.run(fp, " of ")
    w.field(fp, "NUMPAGES", "1")


def _title_page(w: _Writer, doc: Document) -> None:
    w.text_para("Title", doc.title or "Briefing")
    w.title = w.last
    if doc.subtitle:
        w.text_para("Subtitle", doc.subtitle)
    details = [("Prepared by", doc.author), ("Organisation", doc.organisation),
               ("Exported", _date_words(doc.date)),
               ("Information as of", _date_words(doc.as_of) if doc.as_of else ""),
               ("Handling", doc.marking)]
    for label, value in details:
        if value:
            p = w.para("TitleDetail", rtl=is_rtl(value))
            w.run(p, label, bold=True)
            w.run(p, "\t")
            w.runs(p, value)
    if doc.description:
        w.text_para("TitleAbstract", doc.description)


def _contents(w: _Writer, doc: Document) -> None:
    """The table of contents as Word's own TOC field (levels 1-3, links, hidden from web
    layout, outline levels): Word fills it when the document opens (``w:updateFields``). Until
    then it lists the sections, linked to their headings, so a reader that does not update
    fields (a viewer, an older LibreOffice) still has a working contents page."""
    w.text_para("TOCHeading", "Contents", page_break=True)
    entries = [(1, s.heading, s.anchor) for s in doc.sections]
    first = w.para("Meta")
    begin = _el(w.run(first, ""), "w:fldChar", w_fldCharType="begin")
    begin.set(qn("w:dirty"), "true")  # Word: this field's result is out of date
    code = etree.SubElement(etree.SubElement(first, R), qn("w:instrText"))
    code.text = ' TOC \\o "1-3" \\h \\z \\u '
    code.set(XML_SPACE, "preserve")
    _el(etree.SubElement(first, R), "w:fldChar", w_fldCharType="separate")
    w.run(first, "If this list has no page numbers, right-click it and choose Update Field "
          "(Word does so when it opens the document if you allow it).", italic=True)
    last = first
    for level, text, anchor in entries:
        last = w.para(f"TOC{level}", rtl=is_rtl(text))
        w.link(last, text, anchor=anchor, style="")
    _el(etree.SubElement(last, R), "w:fldChar", w_fldCharType="end")


def _settings(out: Any, lang: str) -> None:
    """Ask Word to update fields on opening (the table of contents, page counts) and drop the
    template's leftovers: its revision ids, document id, "already spell-checked" mark and the
    request to save a preview picture."""
    settings = out.settings.element
    for tag in ("w:rsids", "w14:docId", "w:proofState", "w:savePreviewPicture"):
        for old in settings.findall(qn(tag)):
            settings.remove(old)
    lang_el = settings.find(qn("w:themeFontLang"))
    if lang_el is not None:
        lang_el.set(VAL, lang)
    update = etree.Element(qn("w:updateFields"))
    update.set(VAL, "true")
    # Schema order: updateFields comes before these (Word rejects a file otherwise).
    after = ("w:hdrShapeDefaults", "w:footnotePr", "w:endnotePr", "w:compat", "w:docVars",
             "w:rsids", "m:mathPr", "w:attachedSchema", "w:themeFontLang",
             "w:clrSchemeMapping", "w:doNotIncludeSubdocsInStats",
             "w:doNotAutoCompressPictures", "w:forceUpgrade", "w:captions",
             "w:readModeInkLockDown", "w:smartTagType", "w:shapeDefaults",
             "w:doNotEmbedSmartTags", "w:decimalSymbol", "w:listSeparator")
    names = {qn(t) for t in after}
    successor = next((c for c in settings if c.tag in names), None)
    if successor is not None:
        successor.addprevious(update)
    else:
        settings.append(update)


def _properties(out: Any, doc: Document, lang: str) -> None:
    """Every core property from the export (python-docx's template says "python-docx",
    2013...), an app.xml that names this application, and no template thumbnail or
    bibliography part."""
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    props = out.core_properties
    props.title = _xml_text(doc.title)
    props.author = _xml_text(doc.author)
    props.subject = _xml_text(doc.description)
    props.keywords = _xml_text("; ".join(doc.keywords))
    props.comments = _xml_text(
        f"{doc.subtitle}, exported {_date_words(doc.date)}"
        + (f"; information as of {_date_words(doc.as_of)}" if doc.as_of else "") + ".")
    props.category = _xml_text(doc.subtitle)
    props.content_status = ""
    props.identifier = ""
    props.language = lang
    props.version = ""
    props.last_modified_by = _xml_text(doc.author) or APPLICATION
    props.created = now
    props.modified = now
    props.revision = 1

    package = out.part.package
    for rel in list(package.rels.values()):
        if rel.reltype in (RT.THUMBNAIL, RT.EXTENDED_PROPERTIES):
            package.rels.pop(rel.rId)
    for rel in list(out.part.rels.values()):
        if rel.reltype in (RT.CUSTOM_XML, "http://schemas.microsoft.com/office/2007/"
                           "relationships/stylesWithEffects"):
            out.part.rels.pop(rel.rId)
    company = etree.Element("Company")
    company.text = _xml_text(doc.organisation)
    app = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
           b'extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/'
           b'2006/docPropsVTypes"><Application>' + APPLICATION.encode() + b"</Application>"
           b"<DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop>"
           + etree.tostring(company, encoding="utf-8")
           + b"<LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc>"
           b"<HyperlinksChanged>false</HyperlinksChanged></Properties>")
    package.relate_to(Part(PackURI("/docProps/app.xml"), CT.OFC_EXTENDED_PROPERTIES, app,
                           package), RT.EXTENDED_PROPERTIES)


def render_docx(doc: Document, notes_as_comments: bool = False) -> bytes:
    """The document as DOCX bytes. With ``notes_as_comments`` the analyst's notes are Word
    comments on the heading (or paragraph) they annotate instead of boxes in the text."""
    out = new_docx()
    lang = {"en": "en-GB"}.get(doc.lang, doc.lang or "en-GB")
    _install_styles(out, lang, notes_as_comments)
    w = _Writer(out, doc, notes_as_comments)
    _page_setup(out, w, doc)
    body = w.body
    sect_pr = body.sectPr
    body.remove(sect_pr)  # appended again at the end: the body's last child
    for key in [k for k in sect_pr.attrib if "rsid" in k]:  # the template's revision ids
        del sect_pr.attrib[key]
    _title_page(w, doc)
    _contents(w, doc)
    # The body starts on a new page, and so do the annexes.
    first_annex = next((s for s in doc.sections if s.kind == "annex"), None)
    for i, s in enumerate(doc.sections):
        w.section(s, page_break=i == 0 or s is first_annex)
    body.append(sect_pr)
    w.finish(doc.author or "Analyst")
    _settings(out, lang)
    _properties(out, doc, lang)
    buffer = io.BytesIO()
    out.save(buffer)
    return buffer.getvalue()
