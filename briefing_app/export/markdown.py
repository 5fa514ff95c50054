"""Render a briefing ``Document`` as Markdown that reads as plain text and renders the same in
any CommonMark reader (GitHub, GitLab, pandoc, markdown-it): GFM pipe tables, footnotes for the
references, charts as SVG files beside the document.

Text is escaped only where a CommonMark or GFM parser would misread it (an emphasis mark, a
``[^1]``, a line that would start a list or a heading), so "China's 90%" stays as written and
every piece of text, a note holding Markdown or HTML included, renders back exactly as it was.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import groupby
from typing import cast
from urllib.parse import quote

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
    Table,
)
from .shared import (
    Anchors,
    cell_refs,
    clean,
    date_words,
    heading_text,
    note_cell,
    outline,
    split_citations,
    split_urls,
)

SEP = " \u00b7 "

# -- escaping -------------------------------------------------------------------------------

# What CommonMark and GFM read as markup inside a line; each match is escaped or kept by
# ``_escape_match``: most by a backslash, some only where they would act (an underscore inside
# a word is no emphasis, a tilde after a space cannot end a strikethrough). Every branch starts
# with one literal character ("__*", not "_+"): the search then skips in C to where one of them
# stands instead of trying every branch at every character (escaping took a third longer).
_INLINE = (
    r"\\(?=[!-/:-@\[-`{-~\s]|$)"  # a backslash before punctuation, a space or the line end
    r"|\*|`"  # emphasis, code spans and fences
    r"|__*"  # emphasis, unless inside a word
    r"|~~*"  # GFM strikethrough (and ~~~ fences), unless after a space
    r"|<(?=[A-Za-z/!?])"  # raw HTML, autolinks
    r"|&(?=#|[A-Za-z][A-Za-z0-9]*;)"  # entity and character references
    r"|\[(?=\^)"  # footnote references
    r"|\^(?=\[|$)"  # inline footnotes ^[...]
    r"|\](?=[(\[:]|$)"  # links, images, reference definitions
)
_PATTERNS = {
    "": re.compile(_INLINE),
    "cell": re.compile(_INLINE + r"|\|"),  # in a table cell a pipe ends the cell
    "label": re.compile(_INLINE + r"|\[|\]"),  # in a link's text a bracket would end it
}
# Unicode whitespace as CommonMark's flanking rules define it (category Zs, and tab).
_WS = frozenset(" \t\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
                "\u2009\u200a\u202f\u205f\u3000")


def _escape_match(m: re.Match[str]) -> str:
    run = m.group()
    first = run[0]
    if first == "_":
        text, start, end = m.string, m.start(), m.end()
        inside_word = (start > 0 and end < len(text) and text[start - 1].isalnum()
                       and text[end].isalnum())
        return run if inside_word else "\\_" * len(run)
    if first == "~":
        # After a space a tilde can only open a strikethrough, never close one. (Not after
        # the first character: a space there is written as a character reference.)
        start = m.start()
        return run if start > 1 and m.string[start - 1] in _WS else "\\~" * len(run)
    return "\\" + run  # (most marks: only the run itself is needed)


def _entity(c: str) -> str:
    return f"&#x{ord(c):X};"


# Where GitHub (cmark-gfm) starts an "extended autolink": it then takes the raw characters up to
# the next ASCII space or "<" as the address, escapes and character references included.
_GFM_AUTOLINK = re.compile(r"(?:https?|ftp)(:)//|(w)ww\.", re.IGNORECASE)
_GFM_RUN_END = re.compile(r"[ \t\n\r\f\v<]")


def _no_raw_autolinks(escaped: str, open_end: bool = True) -> str:
    """Stop GitHub from reading an address-like run raw where that would show something
    else than the text: where the run holds an escape or a character reference, or runs to
    the end (``open_end``: what follows, a footnote mark or a link's bracket, would join it).
    Its ":" or first "w" becomes a character reference: every reader shows the same text,
    GitHub just does not link it. Real addresses are ``<https://...>`` autolinks instead."""
    if "://" not in escaped and ("." not in escaped or "www." not in escaped.lower()):
        return escaped  # no run to look at (the usual case; the search below is slow)
    out, pos = [], 0
    for m in _GFM_AUTOLINK.finditer(escaped):
        end = _GFM_RUN_END.search(escaped, m.end())
        if end is None and open_end:
            raw = True  # the run goes on into whatever follows
        else:
            run = escaped[m.start():end.start() if end else len(escaped)]
            raw = "\\" in run or "&" in run
        if raw:
            at = m.start(1) if m.group(1) else m.start(2)
            out.append(escaped[pos:at] + _entity(escaped[at]))
            pos = at + 1
    return "".join(out) + escaped[pos:] if out else escaped


def _escape(text: str, context: str = "") -> str:
    return _PATTERNS[context].sub(_escape_match, text)


# Whether a piece of text may need any escape at all: a character ``_INLINE`` (or the
# context's extra) can match, or an address GitHub could autolink ("://", "www."). Most text
# has none, and a few checks in C decide it (a large export escapes a million pieces; a
# case-insensitive pattern for the addresses made each check ten times slower).
_MAYBE = {"": re.compile(r"[\\*`_~<&\[\]^]"), "cell": re.compile(r"[\\*`_~<&\[\]^|]")}
_MAYBE["label"] = _MAYBE[""]  # a label's extra escapes, the brackets, are in the class already


def _plain(text: str, context: str) -> bool:
    return (_MAYBE[context].search(text) is None and "://" not in text
            and "www." not in text.lower())


def _inline(text: str, context: str, left: bool, right: bool, open_end: bool) -> str:
    if _plain(text, context):
        if (left or right) and text and (text[0].isspace() or text[-1].isspace()):
            pass  # the edges below need the general path
        else:
            return text
    escaped = _escape(text, context)
    # Whitespace is never escaped, so the first and last characters are still the text's.
    if left and text[:1].isspace():
        escaped = _entity(text[0]) + escaped[1:]
    if right and len(text) > (1 if left else 0) and text[-1].isspace():
        escaped = escaped[:-1] + _entity(text[-1])
    return _no_raw_autolinks(escaped, open_end)


def md_inline(text: str, context: str = "", edges: bool = True) -> str:
    """One line of text (no line breaks) as Markdown inline content that renders as exactly
    that text wherever inline content goes: after a list marker or a heading's hashes, between
    emphasis marks, in a table cell (``context="cell"``) or a link's text (``"label"``).
    With ``edges``, whitespace at either end (which a reader drops) is written as character
    references."""
    return _inline(text, context, edges, edges, True)


# A line that would start a block: a heading, a block quote, a list item, a thematic break,
# a setext underline, a table's delimiter row, a task list box.
_BLOCK_START = re.compile(r"[#>]|[-+](?=\s|$)|=+\s*$|[-:|\s]*-[-:|\s]*$|\[[ xX]\]")
_ORDERED = re.compile(r"(\d{1,9})[.)](?=\s|$)")


def _block_escape(text: str, escaped: str) -> str:
    """``escaped`` (the escaped ``text``), escaped also where it would open a block."""
    ordered = _ORDERED.match(text)
    if ordered:
        n = len(ordered.group(1))  # digits are never escaped
        return escaped[:n] + "\\" + escaped[n:]
    if _BLOCK_START.match(text) and not escaped.startswith("\\"):
        return "\\" + escaped
    return escaped


def md_line(text: str) -> str:
    """One line of text at the start of a block or of a paragraph's next line: escaped also
    where it would open a block (a list, a heading, a quote...)."""
    escaped = md_inline(text)
    if not text or text[0].isspace():
        return escaped  # starts with a character reference: no block can start
    return _block_escape(text, escaped)


def one_line(text: str) -> str:
    """Text for a place that holds one line (a heading, a cell, a label): breaks as spaces."""
    return " ".join(clean(text).split("\n"))


_ENTITY_LIKE = re.compile(r"&(?:#|[A-Za-z][A-Za-z0-9]*;)")


def autolinks(url: str, context: str = "") -> bool:
    """Whether a web address is written as an autolink ``<url>``: not when readers disagree
    on it ("&amp;" inside: GitHub decodes it), nor when a block rule sees it first (a table
    row is cut at every "|"; "]:" can end a reference definition's label)."""
    return (_ENTITY_LIKE.search(url) is None and "]" not in url
            and not (context == "cell" and "|" in url))


def md_text(line: str, starts_block: bool = True, edges: bool = True,
            context: str = "") -> str:
    """One line of running text with its web addresses as autolinks ``<https://...>`` (which
    every reader links, and which need no escapes); ``edges`` protects whitespace at the
    line's ends (not wanted for a piece in the middle of a line); ``context`` is as for
    ``md_inline``."""
    if "://" not in line:  # no address: the line is one piece of text (the usual case)
        escaped = _inline(line, context, edges, edges, open_end=True)
        if starts_block and line and not (edges and line[0].isspace()):
            escaped = _block_escape(line, escaped)
        return escaped
    pieces: list[tuple[str, bool]] = []
    for piece, is_url in split_urls(line):
        # An address that is no autolink stays text, joined to the text around it (escaped
        # as one: "&amp" + ";" is an entity).
        link = is_url and autolinks(piece, context)
        if not link and pieces and not pieces[-1][1]:
            pieces[-1] = (pieces[-1][0] + piece, False)
        else:
            pieces.append((piece, link))
    out = []
    for i, (piece, is_url) in enumerate(pieces):
        if is_url:
            out.append(f"<{piece}>")
            continue
        first, last = i == 0, i == len(pieces) - 1
        # An address neither starts nor ends with whitespace: the line's ends are text.
        escaped = _inline(piece, context, first and edges, last and edges, open_end=last)
        if first and starts_block and not (edges and piece[0].isspace()):
            escaped = _block_escape(piece, escaped)
        out.append(escaped)
    return "".join(out)


# Text in which nothing needs escaping or cleaning, wherever it stands in a line: no character
# ``_MAYBE`` or ``clean`` looks for (controls, C1, surrogates, noncharacters, astral planes) and
# no address (``_nothing_to_do``). Most notes and quotes are such text, written as they are.
# (One class, searched in C: an alternation for the addresses made each search seven times
# slower.)
_CHARS_TO_DO = re.compile("[\\\\*`_~<&\\[\\]^\x00-\x09\x0b-\x1f\x7f-\x9f\ud800-\udfff"
                          "\ufdd0-\ufdef\ufffe\uffff\U00010000-\U0010ffff]")


# The ASCII characters of ``_CHARS_TO_DO``, as bytes: an ASCII text (known in C without
# reading it) is checked by deleting them from its bytes, twice as fast as the search, which
# tests each character against the whole class (at 100,000 notes the search was a twentieth
# of a Markdown export's instructions).
_ASCII_TO_DO = bytes(c for c in range(128) if _CHARS_TO_DO.match(chr(c)))


def _nothing_to_do(text: str) -> bool:
    if text.isascii():
        raw = text.encode("ascii")
        if len(raw.translate(None, _ASCII_TO_DO)) != len(raw):
            return False
    elif _CHARS_TO_DO.search(text) is not None:
        return False
    return "://" not in text and ("." not in text or "www." not in text.lower())


# The first characters of a line ``_block_escape`` may escape (besides decimal digits, for
# an ordered list's number, and whitespace, which the edges handle).
_BLOCK_FIRST = frozenset("#>-+=:|[")


def _plain_line(line: str) -> str:
    """``md_line(line)`` (the same as ``md_text(line)`` without an address) for a line with
    nothing to escape inside it (``_nothing_to_do``): only its edges and its start can need
    care, as ``_inline`` and ``_block_escape`` give them."""
    first, last = line[0], line[-1]
    if first.isspace():  # starts with a character reference: no block can start
        out = _entity(first) + line[1:]
        return out[:-1] + _entity(last) if len(line) > 1 and last.isspace() else out
    out = line[:-1] + _entity(last) if last.isspace() else line
    if first in _BLOCK_FIRST or first.isdecimal():
        return _block_escape(line, out)
    return out


def md_lines(text: str, links: bool = True) -> list[str]:
    """Running text as Markdown lines: a line break becomes a hard break, a blank line a new
    paragraph (an empty string in the result), web addresses links (with ``links``)."""
    return _lines(text, links, _nothing_to_do(text))


def _lines(text: str, links: bool, plain: bool) -> list[str]:
    """``md_lines``, told whether ``text`` has nothing to escape (``_nothing_to_do``)."""
    if plain:  # the usual case
        return _paragraphs(text, _plain_line)
    return _paragraphs(clean(text), md_text if links else md_line)


def _paragraphs(text: str, write: Callable[[str], str]) -> list[str]:
    """``md_lines`` for clean text, each line written by ``write``: a paragraph's lines but
    its last end in a hard break, and an empty string stands between paragraphs."""
    if "\n" not in text:  # one line: one paragraph, or nothing
        return [write(text)] if text.strip() else []
    out: list[str] = []
    in_paragraph = False
    for line in text.split("\n"):
        if line and not line.isspace():
            if in_paragraph:
                out[-1] += "\\"  # the line before goes on in this one
            elif out:
                out.append("")
            out.append(write(line))
            in_paragraph = True
        else:
            in_paragraph = False
    return out


def md_heading(level: int, text: str, anchor: str = "") -> str:
    """An ATX heading; a closing run of "#" in the text is escaped, and the anchor is an
    empty ``<a id>``, so links to it work in every reader (each makes its own ids)."""
    content = md_inline(one_line(text))
    tail = re.search(r"(?:^|[ \t])(#+)$", content)
    if tail:
        content = content[:tail.start(1)] + "\\" + content[tail.start(1):]
    target = f' <a id="{_attr(anchor)}"></a>' if anchor else ""
    return f"{'#' * level} {content}{target}"


def _attr(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


def _strong(text: str) -> str:
    """One line in bold (a lead-in, a label, the marking)."""
    text = " ".join(clean(text).split())
    return f"**{md_inline(text)}**" if text else ""


def _link(text: str, anchor: str) -> str:
    """A link to an anchor in the document."""
    return f"[{md_inline(one_line(text), 'label')}](#{quote(anchor)})"


# -- blocks ---------------------------------------------------------------------------------
@dataclass
class _Doc:
    """What rendering one document needs: its anchors and where its charts are."""

    anchors: Anchors
    images_dir: str
    # What many notes repeat (the item they annotate and its anchor; their tag and day),
    # rendered once: at 100,000 notes this was a third of the export's time.
    said: dict[tuple[str, str] | tuple[str, str, bool], str] = field(default_factory=dict)
    # A note's tag-and-day line by tag and ISO day ("2026-03-14"): notes updated the same day
    # share it, whatever the time, without turning each one's stamp into words.
    meta_of_day: dict[tuple[str, str], str] = field(default_factory=dict)

    def footnotes(self, numbers: list[int], sep: str = "") -> str:
        """Footnote references; a number no reference list shows stays a plain "[n]"."""
        return sep.join(f"[^{n}]" if n in self.anchors.refs else f"\\[{n}\\]"
                        for n in numbers)


def _para_lines(p: Para, d: _Doc) -> list[str]:
    lines = md_lines(p.text) or [""]
    if p.style == "meta" and len(lines) == 1 and lines[0] and p.text == p.text.strip():
        lines = [f"*{lines[0]}*"]  # set apart, as in the other formats
    lead = _strong(p.lead_in)
    if lead:
        lines[0] = f"{lead} {lines[0]}".rstrip()
    if p.refs:
        lines[-1] += d.footnotes(p.refs)
    return lines


def _para(p: Para, d: _Doc) -> str:
    return "\n".join(_para_lines(p, d))


def _source_line(text: str, d: _Doc) -> str:
    """A table's or figure's source line, in italics, with its "[29]" as footnotes."""
    text = " ".join(clean(text).split())
    out = [d.footnotes(numbers) if numbers else md_text(piece, starts_block=False, edges=False)
           for piece, numbers in split_citations(text, d.anchors.refs)]
    return f"*{''.join(out)}*" if text else ""


def _bullets(b: Bullets, d: _Doc) -> str:
    out = []
    for i, p in enumerate(b.items, start=1):
        marker = f"{i}. " if b.ordered else "- "
        lines = _para_lines(p, d)
        out.append(marker + lines[0])
        out.extend((" " * len(marker) + x) if x else "" for x in lines[1:])
    return "\n".join(out)


def _cell(t: Table, column: int, text: str, d: _Doc) -> str:
    text = one_line(text)
    numbers = cell_refs(t, column, text, d.anchors.refs)
    if numbers:
        return d.footnotes(numbers, ", ")
    note = note_cell(t, column, text, d.anchors.notes)
    if note:
        return _link(text, note)
    return md_text(text, starts_block=False, context="cell")


def _caption(label: str, caption: str) -> str:
    """"**Table 3.** Key figures": the label set off, as in the other formats."""
    if label and caption:
        return f"{_strong(label + '.')} {md_inline(one_line(caption))}"
    return md_line(one_line(label or caption))


def _table(t: Table, d: _Doc) -> str:
    out = []
    if t.label or t.caption:
        out.append(_caption(t.label, t.caption) + "\n")
    columns = max([len(t.header), *(len(r) for r in t.rows), 1])
    header = [*t.header, *[""] * (columns - len(t.header))]
    out.append("| " + " | ".join(md_inline(one_line(h), "cell") for h in header) + " |")
    out.append("|" + "|".join(" --- " for _ in header) + "|")
    for row in t.rows:
        cells = [_cell(t, i, c, d) for i, c in enumerate(row)]
        cells += [""] * (columns - len(cells))
        out.append("| " + " | ".join(cells) + " |")
    if t.source:
        out.append("\n" + _source_line(t.source, d))
    out.extend("\n" + _para(p, d) for p in t.notes)
    return "\n".join(out)


def _image(b: Image, d: _Doc) -> str:
    # The folder is named after the document, which may hold spaces or brackets.
    path = f"{quote(d.images_dir, safe='')}/{quote(b.name, safe='')}.svg"
    out = [f"![{md_inline(' '.join(clean(b.alt).split()), 'label')}]({path})"]
    if b.label or b.caption:
        out.append(_caption(b.label, b.caption))
    if b.source:
        out.append(_source_line(b.source, d))
    return "\n\n".join(out)


def _note(n: Note, d: _Doc) -> str:
    return _notes([n], d)[0]


def _notes(run: list[Note], d: _Doc) -> list[str]:
    """Each note of ``run`` as Markdown, in one loop (at 100,000 notes, looking up the same
    tables once per note was a tenth of the notes' time)."""
    anchor_of, about_of, said, meta_of_day = (d.anchors.ids.get, d.anchors.names.get, d.said,
                                              d.meta_of_day.get)
    out: list[str] = []
    append = out.append
    for n in run:
        anchor = anchor_of(id(n), "")
        about = about_of(n.about, "") if n.about else ""
        if about == anchor:
            about = ""  # (a link to itself would go nowhere)
        # What notes repeat (what they annotate; their tag and day) is written once.
        key = (n.target, about, n.unanchored)
        on = said.get(key)
        if on is None:
            on = said[key] = _note_on(n, about)
        meta = meta_of_day((n.tag, n.updated[:10]))
        if meta is None:
            meta = _meta_line(n.tag, n.updated, d)
        # Written as a block quote: each line starts "> " (a blank one ">"). The head first
        # ("N12" needs nothing escaped), built in one string as most notes are.
        label = f"N{n.number}" if n.number else "Note"
        if anchor and ("&" in anchor or '"' in anchor or "<" in anchor):
            anchor = _attr(anchor)  # (not "note-12", nearly every note's)
        mark = f' <a id="{anchor}"></a>' if anchor else ""
        if meta:
            mark = f"{mark}\\\n> {meta}"
        head = f"> **{label}**{SEP}Analyst\u2019s note on {on}{mark}"
        quote, text = n.quote, n.text
        # (Joined by a line break, which no check looks for, the two are checked at once.)
        if _nothing_to_do(f"{quote}\n{text}"):  # nothing to escape: most notes
            if "\n" not in quote and "\n" not in text:
                # One line each: as ``_quoted`` writes them.
                append(f"{head}{f'{_GAP}> {_plain_line(quote)}' if quote.strip() else ''}"
                       f"{f'{_GAP}{_plain_line(text)}' if text.strip() else ''}")
            else:  # (as a quote across a paragraph's end: a fifth of the benchmark's notes)
                append(f"{head}{_plain_part(quote, '> > ') if quote.strip() else ''}"
                       f"{_plain_part(text, '> ') if text.strip() else ''}")
            continue
        lines = [head]
        if quote.strip():
            lines.append(">")
            lines += _quoted(quote, "> > ", links=False)
        if text.strip():
            lines.append(">")
            lines += _quoted(text, "> ", links=True)
        append("\n".join(lines))
    return out


_GAP = "\n>\n> "  # between the parts of a note: a blank line of the quote, and the next line


def _plain_part(text: str, lead: str) -> str:
    """A part of a note (its quote or text, not blank, with nothing to escape) after the
    blank quote line before it, each line after ``lead``: as ``_quoted`` writes it."""
    if "\n" not in text:
        return f"\n>\n{lead}{_plain_line(text)}"
    blank = lead.rstrip()
    return "\n>\n" + "\n".join([lead + x if x else blank
                                for x in _paragraphs(text, _plain_line)])


def _meta_line(tag: str, updated: str, d: _Doc) -> str:
    """A note's line of tag and day, made once per tag and day in words."""
    day = updated[:10]
    when = _when(updated)
    meta = d.said.get((tag, when))
    if meta is None:
        meta = d.said[(tag, when)] = _note_meta(tag, when)
    if _ISO_DAY.fullmatch(day):  # the day alone decides the words (``date_words``)
        d.meta_of_day[(tag, day)] = meta
    return meta


def _quoted(text: str, lead: str, links: bool) -> list[str]:
    """``md_lines(text, links)`` as lines of a block quote, each after ``lead`` (a blank one is
    the bare quote mark); for a text that is not blank."""
    plain = _nothing_to_do(text)
    if plain and "\n" not in text:  # one line, nothing to escape: most notes
        return [lead + _plain_line(text)]
    blank = lead.rstrip()
    # (The check made once: a third of the notes in a large export quote more than a line.)
    return [lead + x if x else blank for x in _lines(text, links, plain)]


def _note_on(n: Note, about: str) -> str:
    """What a note's head says it is on, linked to the anchor ``about`` if any."""
    on = _link(n.target, about) if about else md_inline(one_line(n.target))
    return on + " (unanchored)" if n.unanchored else on


def _note_meta(tag: str, when: str) -> str:
    """A note's line of tag and day ("" if it has neither)."""
    meta = []
    if tag:
        meta.append(f"Tag: {md_inline(' '.join(clean(tag).split()))}")
    if when:
        meta.append(f"Updated {md_inline(when)}")
    return SEP.join(meta)


_ISO_DAY = re.compile(r"\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])")


def _when(updated: str) -> str:
    """The day a note was updated, in words ("" if none)."""
    if updated.isascii() and updated.isprintable() and updated == updated.strip():
        return date_words(updated)  # (the usual case: nothing to clean or strip)
    return date_words(clean(updated).strip())


def _reference(r: Reference) -> str:
    text = " ".join(clean(r.text).split())
    if r.url and r.url not in r.text:
        text += " " + r.url
    return f"[^{r.number}]: {md_text(text)}"


def _block(b: Block, d: _Doc, depths: dict[int, int]) -> str:
    if isinstance(b, Heading):
        return md_heading(2 + depths.get(id(b), 1), heading_text(b), d.anchors.of(b))
    if isinstance(b, Para):
        return _para(b, d)
    if isinstance(b, Bullets):
        return _bullets(b, d)
    if isinstance(b, Table):
        return _table(b, d)
    if isinstance(b, Image):
        return _image(b, d)
    if isinstance(b, Note):
        return _note(b, d)
    if isinstance(b, ReferenceList):
        return "\n\n".join(_reference(r) for r in b.references)
    raise TypeError(f"unknown block {b!r}")


def _toc(doc: Document, anchors: Anchors) -> str:
    lines = []
    for section in doc.sections:
        lines.append(f"- {_link(section.heading, anchors.of(section))}")
        depths = outline(section)
        lines.extend(f"  - {_link(heading_text(h), anchors.of(h))}" for h in section.blocks
                     if isinstance(h, Heading) and depths[id(h)] == 1 and anchors.of(h))
    return "\n".join(lines)


def _title_block(doc: Document) -> list[str]:
    parts = [md_heading(1, doc.title)]
    subtitle = " ".join(clean(doc.subtitle).split())
    if subtitle:
        parts.append(f"*{md_inline(subtitle)}*")
    rows = []
    if doc.author:
        rows.append(("Prepared by", doc.author))
    if doc.organisation:
        rows.append(("Organisation", doc.organisation))
    if doc.date:
        rows.append(("Exported", date_words(doc.date)))
    if doc.as_of:
        rows.append(("Information as of", date_words(doc.as_of)))
    if doc.marking:
        rows.append(("Handling", doc.marking))
    parts.append("\n".join(f"- {k}: {md_inline(' '.join(clean(v).split()))}" for k, v in rows))
    return parts


def render_markdown(doc: Document, images_dir: str) -> str:
    """The document as Markdown; charts are images ``images_dir/NAME.svg`` (the folder's
    name percent-encoded, so a name with spaces or brackets still links)."""
    return "".join(markdown_pieces(doc, images_dir))


_BLOCKS_AT_A_TIME = 256


def markdown_pieces(doc: Document, images_dir: str) -> Iterator[str]:
    """``render_markdown`` in pieces, in order, made as they are written: 100,000 notes are
    never all in memory as text (a third of the export's memory and time was the whole text,
    joined and then encoded)."""
    d = _Doc(Anchors.of_document(doc), images_dir)
    marking = _strong(doc.marking)
    parts = _title_block(doc)
    if marking:  # under the title, as a document's banner, and again at the end
        parts.insert(2 if doc.subtitle.strip() else 1, marking)
    parts.append(md_heading(2, "Contents"))
    parts.append(_toc(doc, d.anchors))
    yield "\n\n".join(filter(None, parts))
    for section in doc.sections:
        depths = outline(section)
        yield f"\n\n{md_heading(2, section.heading, d.anchors.of(section))}"
        # Blocks are yielded some hundreds at a time (one by one, handing 100,000 notes on
        # cost more than joining them); a run of notes, nearly every block at scale, is
        # written by one loop.
        for kind, group in groupby(section.blocks, type):
            if kind is Note:
                run = list(group)
                for i in range(0, len(run), _BLOCKS_AT_A_TIME):
                    yield "\n\n" + "\n\n".join(
                        _notes(cast(list[Note], run[i:i + _BLOCKS_AT_A_TIME]), d))
                continue
            texts = [text for b in group if (text := _block(b, d, depths))]
            if texts:
                yield "\n\n" + "\n\n".join(texts)
    yield f"\n\n---\n\n{marking}\n" if marking else "\n"
