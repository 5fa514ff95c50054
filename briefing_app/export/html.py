"""Render a briefing ``Document`` as one self-contained HTML file that validates and reads
anywhere: on a phone, on a desk, in dark mode and on paper.

Every piece of text is escaped (and characters HTML forbids are shown as U+FFFD), so a note
holding markup appears literally; user text carries ``dir="auto"`` so Urdu or Arabic reads right
to left. The page's Content Security Policy forbids scripts and every outside request; the
charts are inline SVG. Print styles set A4 pages with the handling marking and the page number
in the page margins.

The plain-text helpers (web addresses in text, dates in words, the outline of a section, the
document's anchors) are in ``shared.py``, shared with ``markdown.py``, so both formats find the
same links, headings and citations.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import escape

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
    caption_text,
    cell_refs,
    clean,
    date_words,
    heading_text,
    href,
    note_cell,
    outline,
    split_citations,
    split_urls,
)

# -- the page -------------------------------------------------------------------------------

#: The page's only policy: nothing runs, nothing is fetched; styles and data: images inline.
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

NOTE_COLOURS = {"yellow": "#c9a400", "green": "#3c9b52", "blue": "#3a6fb0", "pink": "#c2477f",
                "orange": "#d9822b"}
SEP = " \u00b7 "

CSS = """
:root {
  --fg: #1b1b1b; --muted: #555; --bg: #fff; --accent: #2c4a6b; --link: #1f5a96;
  --rule: #c8c8c8; --stripe: #f4f6f9; --th-bg: #2c4a6b; --th-fg: #fff;
  --caveat-bg: #fff4d6; --caveat-rule: #c99a2e; --note-bg: #eef3f8; --note-rule: #6a8caf;
  --mark-bg: #2c4a6b; --mark-fg: #fff;
  --sans: "DejaVu Sans", "Noto Sans", Arial, sans-serif;
}
@media (prefers-color-scheme: dark) {
  :root {
    --fg: #e4e6e9; --muted: #a8b0ba; --bg: #14181d; --accent: #9cc3ea; --link: #8fc1ff;
    --rule: #3b4450; --stripe: #1b2129; --th-bg: #27405c; --th-fg: #f1f4f8;
    --caveat-bg: #33290f; --caveat-rule: #b58a26; --note-bg: #1a2633; --note-rule: #6a8caf;
    --mark-bg: #27405c; --mark-fg: #f1f4f8;
  }
}
html { background: var(--bg); color: var(--fg); }
body { font-family: "DejaVu Serif", "Noto Serif", Georgia, serif; line-height: 1.5;
       max-width: 50rem; margin: 0 auto; padding: 0 1rem 2rem;
       overflow-wrap: break-word; }
a { color: var(--link); }
a[href^="http"] { overflow-wrap: anywhere; }
h1, h2, h3, h4, figcaption, .subtitle, .marking, .toc, .doc-meta, th {
  font-family: var(--sans); }
h1 { font-size: 1.8rem; line-height: 1.2; margin: .4em 0 .1em; }
h2 { color: var(--accent); border-bottom: 2px solid var(--accent); padding-bottom: .15em;
     margin-top: 1.8em; font-size: 1.4rem; line-height: 1.25; }
h3 { color: var(--accent); font-size: 1.15rem; margin: 1.4em 0 .3em; }
h4 { color: var(--accent); font-size: 1rem; margin: 1.2em 0 .3em; }
.skip { position: absolute; left: -100vw; }
.skip:focus { left: 1rem; top: 1rem; background: var(--bg); padding: .3em .6em; }
.marking { background: var(--mark-bg); color: var(--mark-fg); text-align: center;
           font-size: .8rem; letter-spacing: .04em;
           padding: .25em .5em; margin: 0; }
.title-block { border-bottom: 1px solid var(--rule); padding: .8em 0 .6em; margin-bottom: 1em; }
.subtitle { color: var(--muted); margin: 0 0 .6em; font-size: 1.1rem; }
.doc-meta { margin: 0; font-size: .9rem; }
.doc-meta div { display: flex; flex-wrap: wrap; gap: 0 .5em; }
.doc-meta dt { color: var(--muted); }
.doc-meta dt::after { content: ":"; }
.doc-meta dd { margin: 0; }
.toc { font-size: .95rem; }
.toc ul { list-style: none; padding-left: 0; margin: .2em 0; }
.toc ul ul { padding-left: 1.2em; font-size: .92em; }
.toc li { margin: .15em 0; }
.meta, .source, .small { color: var(--muted); font-size: .9rem; }
.lead { font-size: 1.08rem; }
.caveat { background: var(--caveat-bg); border-left: 4px solid var(--caveat-rule);
          padding: .3em .6em; }
.cite { font-size: .75em; line-height: 0; }
.cite a { text-decoration: none; }
figure { margin: 1.2em 0; }
figcaption p { margin: .2em 0; }
.table-caption { margin-bottom: .3em; }
ol, ul { padding-left: 1.6em; }
.table-scroll { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; }
th { background: var(--th-bg); color: var(--th-fg); text-align: start; font-weight: bold; }
th, td { border: 1px solid var(--rule); padding: .3em .45em; vertical-align: top; }
tbody tr:nth-child(even) td { background: var(--stripe); }
.table-notes p { margin: .3em 0; }
.chart-frame { background: #fff; border: 1px solid var(--rule); border-radius: 4px;
               padding: .3em; overflow-x: auto; }
.chart svg { display: block; max-width: 100%; height: auto; margin: 0 auto; }
.note { border-left: 4px solid var(--note-rule); background: var(--note-bg);
        padding: .4em .8em; margin: .6em 0 1em; }
.note-head, .note-meta { font-family: var(--sans); font-size: .85rem; margin: 0; }
.note-meta { color: var(--muted); }
.note-label { color: var(--accent); }
.note-quote { margin: .3em 0; padding-left: .8em; border-left: 2px solid var(--rule);
              font-style: italic; }
.note-quote p { margin: 0; white-space: pre-wrap; unicode-bidi: plaintext; }
.note-text { margin: .3em 0 0; white-space: pre-wrap; unicode-bidi: plaintext;
             overflow-wrap: anywhere; }
.refs li { margin-bottom: .35em; }
.backref { text-decoration: none; padding: 0 .3em; }
.doc-end { margin-top: 2em; }
@page {
  size: A4;
  margin: 20mm 18mm 22mm;
  @top-center { content: MARKING; font-family: "DejaVu Sans", Arial, sans-serif;
                 font-size: 8pt; color: #333; }
  @bottom-center { content: MARKING; font-family: "DejaVu Sans", Arial, sans-serif;
                 font-size: 8pt; color: #333; }
  @bottom-right { content: "Page " counter(page) " of " counter(pages); font-size: 8pt; }
}
@media print {
  :root {
    --fg: #000; --muted: #444; --bg: #fff; --accent: #1b2f45; --link: #1b2f45;
    --rule: #999; --stripe: #f2f2f2; --th-bg: #e4e8ee; --th-fg: #000;
    --caveat-bg: #fff; --note-bg: #fff; --mark-bg: #fff; --mark-fg: #000;
  }
  body { max-width: none; padding: 0; font-size: 10pt; }
  .skip { display: none; }
  .marking { border: 1px solid #000; }
  main { break-before: page; }
  .annex { break-before: page; }
  h1, h2, h3, h4, .table-caption, .note-head, figcaption { break-after: avoid; }
  tr, figure.chart, .note, .caveat, li { break-inside: avoid; }
  .table-scroll { overflow: visible; }
  table, .chart svg { min-width: 0 !important; }
  table { font-size: 8.5pt; }
  .chart-frame { overflow: visible; }
  thead { display: table-header-group; }
  a { text-decoration: none; }
}
"""


def _css_string(text: str) -> str:
    """Text as a CSS string: every character but letters, digits and spaces as a hex escape,
    so no quote, backslash or ``</style>`` in a marking can end the string or the sheet."""
    # An escape ends at the space after it (which CSS swallows), whatever follows.
    return '"' + "".join(c if c.isascii() and (c.isalnum() or c == " ") else f"\\{ord(c):06x} "
                         for c in text) + '"'


def _t(text: str) -> str:
    """Plain text for an element's content."""
    return escape(clean(text), quote=False)


def _a(text: str) -> str:
    """Plain text for an attribute value."""
    return escape(clean(text), quote=True)


def _caption(label: str, caption: str) -> str:
    """"<b>Table 3.</b> Key figures": the label set off, the caption in the text's weight."""
    if label and caption:
        return f"<strong>{_t(label)}.</strong> {_t(caption)}"
    return f"<strong>{_t(label)}</strong>" if label else _t(caption)


def _id(anchor: str) -> str:
    return f' id="{escape(anchor)}"' if anchor else ""


def _rich(text: str, breaks: bool = True) -> str:
    """Text with its web addresses as links (and its line breaks as ``<br>``)."""
    out = []
    for piece, is_url in split_urls(clean(text)):
        if is_url:
            out.append(f'<a href="{escape(href(piece))}" rel="noreferrer">'
                       f"{escape(piece, quote=False)}</a>")
        else:
            out.append(escape(piece, quote=False))
    html = "".join(out)
    return html.replace("\n", "<br>\n") if breaks else html


@dataclass
class _Page:
    """What rendering one document remembers: its anchors, and which reference numbers have
    had their first citation (where the reference list links back to)."""

    doc: Document
    anchors: Anchors
    cited: set[int] = field(default_factory=set)

    def id_of(self, obj: object) -> str:
        return self.anchors.of(obj)

    def cite(self, numbers: list[int]) -> str:
        links = []
        for n in numbers:
            entry = self.anchors.refs.get(n)
            if entry is None:  # no reference list shows it: a number, not a broken link
                links.append(str(n))
                continue
            first = ""
            if n not in self.cited:
                self.cited.add(n)
                first = f' id="cite-{n}"'
            links.append(f'<a href="#{escape(entry)}"{first}>{n}</a>')
        return ", ".join(links)


def _para_inner(p: Para, page: _Page) -> str:
    lead = f"<strong>{_t(p.lead_in)}</strong> " if p.lead_in else ""
    refs = f' <sup class="cite">[{page.cite(p.refs)}]</sup>' if p.refs else ""
    return f"{lead}{_rich(p.text)}{refs}"


def _para(p: Para, page: _Page) -> str:
    style = p.style if p.style in ("body", "lead", "meta", "caveat", "small") else "body"
    return f'<p class="{style}" dir="auto">{_para_inner(p, page)}</p>'


def _with_citations(text: str, page: _Page) -> str:
    out = []
    for piece, numbers in split_citations(text, page.anchors.refs):
        out.append(f"[{page.cite(numbers)}]" if numbers else _rich(piece))
    return "".join(out)


def _cell(t: Table, column: int, text: str, page: _Page) -> str:
    numbers = cell_refs(t, column, text, page.anchors.refs)
    if numbers:
        return page.cite(numbers)
    note = note_cell(t, column, text, page.anchors.notes)
    if note:
        return f'<a href="#{escape(note)}">{_t(text)}</a>'
    return _rich(text)


def _table(t: Table, page: _Page) -> str:
    anchor = page.id_of(t)
    caption = caption_text(t.label, t.caption)
    cap_id = f"{anchor}-caption" if anchor else ""
    parts = [f'<figure class="table"{_id(anchor)}>']
    if caption:
        parts.append(f'<figcaption class="table-caption"'
                     f'{_id(cap_id)} dir="auto">'
                     f"{_caption(t.label, t.caption)}</figcaption>")
    columns = max([len(t.header), *(len(r) for r in t.rows)]) if (t.header or t.rows) else 0
    weights = t.widths if len(t.widths) == columns and sum(t.widths) > 0 else [1.0] * columns
    # Columns keep a readable width; on a narrow screen the table scrolls inside its frame.
    min_em = 4.2 * sum(weights) if t.widths else 7.0 * columns
    labelled = f' aria-labelledby="{cap_id}"' if caption and cap_id else ""
    parts.append(f'<div class="table-scroll" tabindex="0" role="region"{labelled}>'
                 f'<table style="min-width: {min_em:.1f}em">')
    if columns:
        total = sum(weights)
        parts.append("<colgroup>" + "".join(
            f'<col style="width: {100 * w / total:.1f}%">' for w in weights) + "</colgroup>")
    if t.header:
        parts.append("<thead><tr>" + "".join(f'<th scope="col" dir="auto">{_t(h)}</th>'
                                             for h in t.header) + "</tr></thead>")
    rows = ["<tr>" + "".join(f'<td dir="auto">{_cell(t, i, c, page)}</td>'
                             for i, c in enumerate(row)) + "</tr>" for row in t.rows]
    parts.append("<tbody>" + "\n".join(rows) + "</tbody></table></div>")
    if t.source:
        parts.append(f'<p class="source" dir="auto">{_with_citations(t.source, page)}</p>')
    if t.notes:
        parts.append('<div class="table-notes">'
                     + "".join(_para(p, page) for p in t.notes) + "</div>")
    parts.append("</figure>")
    return "\n".join(parts)


CHART_MIN_SCALE = 0.7
_SVG_OPEN = re.compile(r"\s*<svg\b([^>]*)>")


def _svg(image: Image) -> str:
    """The chart's SVG, named for screen readers by the image's description."""
    m = _SVG_OPEN.match(image.svg)
    if m is None:  # not an SVG we made: show nothing rather than unknown markup
        return f'<p class="meta">{_t(image.alt)}</p>'
    attrs = m.group(1)
    extra = "" if "role=" in attrs else ' role="img"'
    if "aria-label" not in attrs:
        extra += f' aria-label="{_a(image.alt)}"'
    # Scaled to a phone's width a wide chart's labels could not be read: it keeps 70% of its
    # size and scrolls sideways in its frame instead.
    least = round(image.width_px * CHART_MIN_SCALE)
    if least > 320 and "style=" not in attrs:
        extra += f' style="min-width: {least}px"'
    return f"<svg{attrs}{extra}>" + image.svg[m.end():]


def _image(b: Image, page: _Page) -> str:
    anchor = page.id_of(b)
    source = (f'<p class="source" dir="auto">{_with_citations(b.source, page)}</p>'
              if b.source else "")
    return (f'<figure class="chart"{_id(anchor)}>'
            f'<div class="chart-frame">{_svg(b)}</div>'
            f'<figcaption><p class="caption" dir="auto">{_caption(b.label, b.caption)}</p>{source}'
            "</figcaption></figure>")


def _date(iso: str) -> str:
    words = _t(date_words(iso))
    if re.fullmatch(r"\d{4}(-\d\d(-\d\d(T\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d))?)?)?", iso):
        return f'<time datetime="{escape(iso)}">{words}</time>'
    return words


def _note(n: Note, page: _Page) -> str:
    anchor = page.id_of(n)
    colour = NOTE_COLOURS.get(n.colour, "")
    style = f' style="border-left-color: {colour}"' if colour else ""
    target = _t(n.target)
    about = page.anchors.names.get(n.about, "") if n.about else ""
    if about and about != anchor:
        target = f'<a href="#{escape(about)}">{target}</a>'
    head = (f'<p class="note-head"><strong class="note-label">{_t(n.label)}</strong> '
            f"Analyst\u2019s note on <span dir=\"auto\">{target}</span>"
            + (" (unanchored)" if n.unanchored else "") + "</p>")
    meta = []
    if n.tag:
        meta.append(f'Tag: <span dir="auto">{_t(n.tag)}</span>')
    if n.updated:
        meta.append(f"Updated {_date(n.updated)}")
    meta_html = f'<p class="note-meta">{SEP.join(meta)}</p>' if meta else ""
    quote = (f'<blockquote class="note-quote"><p dir="auto">{_t(n.quote)}</p></blockquote>'
             if n.quote else "")
    text = f'<p class="note-text" dir="auto">{_rich(n.text, breaks=False)}</p>' if n.text else ""
    return (f'<aside class="note{" unanchored" if n.unanchored else ""}"'
            f'{_id(anchor)}{style}>'
            f"{head}{meta_html}{quote}{text}</aside>")


def _reference(r: Reference, page: _Page) -> str:
    anchor = page.id_of(r) or f"ref-{r.number}"
    text = _rich(r.text)
    if r.url and r.url not in r.text:
        text += " " + _rich(r.url)
    back = ""
    if r.number in page.cited:
        back = (f' <a class="backref" href="#cite-{r.number}" aria-label="Back to the first '
                f'citation of reference {r.number}">\u21a9\ufe0e</a>')
    return f'<li id="{escape(anchor)}" value="{r.number}"><span dir="auto">{text}</span>{back}</li>'


def _bullets(b: Bullets, page: _Page) -> str:
    tag = "ol" if b.ordered else "ul"
    items = "".join(f'<li dir="auto">{_para_inner(p, page)}</li>' for p in b.items)
    return f"<{tag}>{items}</{tag}>"


def _block(b: Block, page: _Page, depths: dict[int, int]) -> str:
    if isinstance(b, Heading):
        level = 2 + depths.get(id(b), 1)
        anchor = page.id_of(b)
        attr = f' id="{escape(anchor)}"' if anchor else ""
        return f'<h{level}{attr} dir="auto">{_t(heading_text(b))}</h{level}>'
    if isinstance(b, Para):
        return _para(b, page)
    if isinstance(b, Bullets):
        return _bullets(b, page)
    if isinstance(b, Table):
        return _table(b, page)
    if isinstance(b, Image):
        return _image(b, page)
    if isinstance(b, Note):
        return _note(b, page)
    raise TypeError(f"unknown block {b!r}")


def _toc(page: _Page) -> str:
    items = []
    for section in page.doc.sections:
        depths = outline(section)
        subs = [f'<li><a href="#{escape(page.id_of(h))}">{_t(heading_text(h))}</a></li>'
                for h in section.blocks
                if isinstance(h, Heading) and depths[id(h)] == 1 and page.id_of(h)]
        sub = f"<ul>{''.join(subs)}</ul>" if subs else ""
        items.append(f'<li><a href="#{escape(page.id_of(section))}">{_t(section.heading)}</a>'
                     f"{sub}</li>")
    return ('<nav class="toc" aria-labelledby="toc-title"><h2 id="toc-title">Contents</h2>'
            f"<ul>{''.join(items)}</ul></nav>")


def _title_block(doc: Document) -> str:
    rows = []
    if doc.author:
        rows.append(("Prepared by", _t(doc.author)))
    if doc.organisation:
        rows.append(("Organisation", _t(doc.organisation)))
    if doc.date:
        rows.append(("Exported", _date(doc.date)))
    if doc.as_of:
        rows.append(("Information as of", _date(doc.as_of)))
    if doc.marking:
        rows.append(("Handling", _t(doc.marking)))
    meta = "".join(f"<div><dt>{k}</dt><dd dir=\"auto\">{v}</dd></div>" for k, v in rows)
    subtitle = f'<p class="subtitle" dir="auto">{_t(doc.subtitle)}</p>' if doc.subtitle else ""
    return (f'<header class="title-block"><h1 dir="auto">{_t(doc.title)}</h1>{subtitle}'
            f'<dl class="doc-meta">{meta}</dl></header>')


def render_html(doc: Document) -> str:
    """The whole document as one HTML page."""
    page = _Page(doc, Anchors.of_document(doc, reserved=("main", "toc-title")))
    body: list[str] = []
    lists: list[tuple[int, ReferenceList]] = []  # drawn last: they link back to citations
    for section in doc.sections:
        depths = outline(section)
        kind = {"front": "front-matter", "annex": "annex"}.get(section.kind, "numbered")
        body.append(f'<section id="{escape(page.id_of(section))}" class="{kind}">'
                    f'<h2 dir="auto">{_t(section.heading)}</h2>')
        for b in section.blocks:
            if isinstance(b, ReferenceList):
                lists.append((len(body), b))
                body.append("")
            else:
                body.append(_block(b, page, depths))
        body.append("</section>")
    for at, refs in lists:
        body[at] = ('<ol class="refs">\n' + "\n".join(_reference(r, page) for r in refs.references)
                    + "\n</ol>")
    marking = (f'<p class="marking" dir="auto">{_t(doc.marking)}</p>' if doc.marking else "")
    head = [
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="color-scheme" content="light dark">',
        '<meta name="generator" content="Briefing">',
    ]
    if doc.author:
        head.append(f'<meta name="author" content="{_a(doc.author)}">')
    if doc.description:
        head.append(f'<meta name="description" content="{_a(doc.description)}">')
    if doc.keywords:
        head.append(f'<meta name="keywords" content="{_a(", ".join(doc.keywords))}">')
    head.append(f"<title>{_t(doc.title.strip() or doc.subtitle.strip() or 'Briefing')}</title>")
    css = CSS.replace("MARKING", _css_string(clean(doc.marking)) if doc.marking else '""')
    lang = doc.lang if re.fullmatch(r"[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*", doc.lang) else "en"
    return "\n".join([
        "<!DOCTYPE html>",
        f'<html lang="{lang}">',
        "<head>", *head, f"<style>{css}</style>", "</head>",
        "<body>",
        '<a class="skip" href="#main">Skip to the briefing</a>',
        marking,
        _title_block(doc),
        _toc(page),
        '<main id="main">',
        *body,
        "</main>",
        f'<footer class="doc-end">{marking}</footer>' if marking else "",
        "</body>",
        "</html>",
        "",
    ])
