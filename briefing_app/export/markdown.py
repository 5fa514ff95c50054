"""Render a briefing ``Document`` as CommonMark (with GFM pipe tables), images written beside it.

Record text is backslash-escaped; a note's text goes in a fenced block longer than any fence
inside it, so whatever it holds (Markdown, HTML, LaTeX) is shown literally by any CommonMark
reader.
"""

from __future__ import annotations

import functools
import re

from .model import Block, Bullets, Document, Heading, Image, Note, Para, Table, ref_suffix

#: Every ASCII punctuation character, backslash-escaped (str.translate: one pass in C).
_ESCAPE = str.maketrans({c: "\\" + c for c in "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"})


@functools.lru_cache(maxsize=4096)  # labels, dates and titles repeat for every note
def md_escape(text: str) -> str:
    """Literal text in a Markdown paragraph: ASCII punctuation escaped, lines joined."""
    return " ".join(line.translate(_ESCAPE) for line in text.splitlines() if line.strip())


def _cell(text: str) -> str:
    return md_escape(text) or " "


def _fence(text: str) -> str:
    longest = max((len(m) for m in re.findall(r"~+", text)), default=0)
    return "~" * max(3, longest + 1)


def _note(n: Note) -> str:
    head = f"**Note on {md_escape(n.target)}**"
    extra = []
    if n.tag:
        extra.append(f"tag: {md_escape(n.tag)}")
    if n.updated:
        extra.append(f"updated {md_escape(n.updated[:10])}")
    if extra:
        head += " \u00b7 " + " \u00b7 ".join(extra)
    lines = [f"> {head}"]
    if n.quote:
        lines.append(">")
        lines.append(f"> *On the text:* \u201c{md_escape(n.quote)}\u201d")
    fence = _fence(n.text)
    body = [f"{fence} text", *n.text.split("\n"), fence]
    return "\n".join(lines) + "\n\n" + "\n".join(body)


def _table(t: Table) -> str:
    rows = [t.header, *t.rows]
    out = []
    if t.caption:
        out.append(f"*{md_escape(t.caption)}*\n")
    out.append("| " + " | ".join(_cell(c) for c in rows[0]) + " |")
    out.append("|" + "|".join(" --- " for _ in rows[0]) + "|")
    for row in rows[1:]:
        out.append("| " + " | ".join(_cell(c) for c in row) + " |")
    return "\n".join(out)


def _block(b: Block, images_dir: str) -> str:
    if isinstance(b, Heading):
        return "#" * min(max(b.level, 2), 4) + " " + md_escape(b.text)
    if isinstance(b, Para):
        text = md_escape(b.text) + md_escape(ref_suffix(b.refs))
        if b.lead_in:
            text = f"**{md_escape(b.lead_in)}** {text}"
        if b.style == "caveat":
            return f"> {text}"
        if b.style == "meta":
            return f"*{text}*"
        return text
    if isinstance(b, Bullets):
        return "\n".join(f"- {md_escape(p.text)}{md_escape(ref_suffix(p.refs))}"
                         for p in b.items)
    if isinstance(b, Table):
        return _table(b)
    if isinstance(b, Image):
        return f"![{md_escape(b.alt)}]({images_dir}/{b.name}.svg)\n\n*{md_escape(b.caption)}*"
    if isinstance(b, Note):
        return _note(b)
    raise TypeError(f"unknown block {b!r}")


def render_markdown(doc: Document, images_dir: str) -> str:
    """The document as Markdown; images are referenced as ``images_dir/NAME.svg``."""
    parts = [f"# {md_escape(doc.title)}"]
    if doc.subtitle:
        parts.append(f"*{md_escape(doc.subtitle)}*")
    meta = []
    if doc.author:
        meta.append(f"Prepared by {md_escape(doc.author)}")
    meta.append(f"Exported {md_escape(doc.date)}")
    parts.append(" \u00b7 ".join(meta))
    parts.append("Source documents: " + "; ".join(md_escape(s) for s in doc.sources))
    for section in doc.sections:
        parts.append(f"## {md_escape(section.title)}")
        parts.extend(_block(b, images_dir) for b in section.blocks)
    parts.append("## References")
    parts.extend(f"{r.number}\\. {md_escape(r.text)}" for r in doc.references)
    return "\n\n".join(parts) + "\n"
