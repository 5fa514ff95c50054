"""Render a briefing ``Document`` as one self-contained HTML file (or Qt rich text for PDF).

Every piece of text is HTML-escaped, so notes are shown literally; the page carries a Content
Security Policy that forbids scripts and any outside request, and its charts are inline SVG.
"""

from __future__ import annotations

from html import escape

from .model import Block, Bullets, Document, Heading, Image, Note, Para, Table

CSS = """
body { font-family: "DejaVu Serif", Georgia, serif; color: #1b1b1b; max-width: 60em;
       margin: 2em auto; padding: 0 1.5em; line-height: 1.45; }
h1 { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 1.9em; margin-bottom: .1em; }
h2 { font-family: "DejaVu Sans", Arial, sans-serif; border-bottom: 2px solid #2c4a6b;
     color: #2c4a6b; padding-bottom: .15em; margin-top: 1.8em; }
h3, h4 { font-family: "DejaVu Sans", Arial, sans-serif; color: #2c4a6b; margin-bottom: .3em; }
.subtitle { font-family: "DejaVu Sans", Arial, sans-serif; color: #555; margin-top: 0; }
.titleblock { border-top: 4px solid #2c4a6b; border-bottom: 1px solid #bbb; padding: .6em 0;
              margin-bottom: 1.5em; }
.meta { color: #555; font-size: .92em; }
.lead { font-size: 1.08em; }
.caveat { background: #fff4d6; border-left: 4px solid #c99a2e; padding: .3em .6em; }
.ref { font-size: .8em; vertical-align: super; color: #2c4a6b; }
table { border-collapse: collapse; width: 100%; margin: .6em 0 1em; font-size: .9em; }
th { background: #2c4a6b; color: #fff; text-align: left; }
th, td { border: 1px solid #c8c8c8; padding: .3em .45em; vertical-align: top; }
tr:nth-child(even) td { background: #f4f6f9; }
caption { caption-side: top; text-align: left; font-weight: bold; padding-bottom: .3em; }
figure { margin: 1em 0; } figure svg { max-width: 100%; height: auto; }
figcaption { color: #555; font-size: .88em; }
.note { border-left: 4px solid #6a8caf; background: #eef3f8; padding: .35em .7em;
        margin: .5em 0 .8em 1.2em; }
.note-head { font-family: "DejaVu Sans", Arial, sans-serif; font-size: .82em; color: #34506e;
             margin: 0 0 .2em; }
.note-text { white-space: pre-wrap; margin: 0; overflow-wrap: anywhere; }
.note-quote { font-style: italic; color: #444; margin: .1em 0 .3em; white-space: pre-wrap; }
ol.refs { font-size: .85em; } ol.refs li { margin-bottom: .3em; overflow-wrap: anywhere; }
"""

SEP = " \u00b7 "
NOTE_COLOURS = {"yellow": "#c9a400", "green": "#3c9b52", "blue": "#3a6fb0", "pink": "#c2477f",
                "orange": "#d9822b"}


def _refs(numbers: list[int]) -> str:
    if not numbers:
        return ""
    links = ", ".join(f'<a href="#ref-{n}">{n}</a>' for n in numbers)
    return f' <span class="ref">[{links}]</span>'


def _note(note: Note, for_qt: bool) -> str:
    head = [f"Note on {note.target}"]
    if note.tag:
        head.append(f"tag: {note.tag}")
    if note.updated:
        head.append(f"updated {note.updated[:10]}")
    colour = NOTE_COLOURS.get(note.colour, "#6a8caf")
    quote = (f'<p class="note-quote" dir="auto">\u201c{escape(note.quote)}\u201d</p>'
             if note.quote else "")
    text = escape(note.text)
    if for_qt:
        # Qt's rich text: shaded, indented paragraphs with a bar in the note's colour. (A
        # table per note looked the same but made Qt's layout slow on many notes.)
        box = "margin-left: 14px; background-color: #eef3f8;"
        text = text.replace("\n", "<br>")
        quote_html = ""
        if note.quote:
            quote_html = (f'<p class="note-quote" dir="auto" style="{box}">'
                          f"\u201c{escape(note.quote)}\u201d</p>").replace("\n", "<br>")
        return (f'<p class="note-head" style="{box} margin-top: 4px;">'
                f'<span style="color: {colour}; font-weight: bold;">\u258c</span> '
                f"{escape(SEP.join(head))}</p>{quote_html}"
                f'<p class="note-text" dir="auto" style="{box} margin-bottom: 8px;">{text}</p>')
    return (f'<div class="note" style="border-left-color: {colour}">'
            f'<p class="note-head">{escape(SEP.join(head))}</p>{quote}'
            f'<p class="note-text" dir="auto">{text}</p></div>')


#: Past this many rows, a table in the PDF is set as one line per row: Qt lays out a page of
#: table rows about fifteen times slower than a page of paragraphs.
LONG_TABLE_ROWS = 200


def _long_table_for_qt(t: Table) -> str:
    caption = f"<p><b>{escape(t.caption)}</b></p>" if t.caption else ""
    head = f'<p class="meta">{escape(SEP.join(t.header))}</p>'
    lines = [f"<b>{escape(row[0])}</b>{escape(SEP)}{escape(SEP.join(c for c in row[1:] if c))}"
             for row in t.rows]
    # Twenty lines to a paragraph: Qt's layout cost is mostly per paragraph.
    rows = "".join('<p class="row">' + "<br>".join(lines[i:i + 20]) + "</p>"
                   for i in range(0, len(lines), 20))
    return caption + head + rows


def _table(t: Table) -> str:
    cols = ""
    if t.widths:
        total = sum(t.widths)
        cols = "".join(f'<col style="width: {100 * w / total:.1f}%">' for w in t.widths)
    caption = f"<caption>{escape(t.caption)}</caption>" if t.caption else ""
    head = "".join(f"<th>{escape(h)}</th>" for h in t.header)
    rows = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>"
                   for row in t.rows)
    return (f'<table cellspacing="0" cellpadding="4" border="1">{caption}{cols}'
            f"<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")


def _block(b: Block, for_qt: bool) -> str:
    if isinstance(b, Heading):
        level = min(max(b.level, 2), 4)
        return f"<h{level}>{escape(b.text)}</h{level}>"
    if isinstance(b, Para):
        text = escape(b.text).replace("\n", "<br>")
        lead = f"<b>{escape(b.lead_in)}</b> " if b.lead_in else ""
        return f'<p class="{b.style}">{lead}{text}{_refs(b.refs)}</p>'
    if isinstance(b, Bullets):
        return "<ul>" + "".join(f"<li>{escape(p.text)}{_refs(p.refs)}</li>"
                                for p in b.items) + "</ul>"
    if isinstance(b, Table):
        if for_qt and len(b.rows) > LONG_TABLE_ROWS:
            return _long_table_for_qt(b)
        return _table(b)
    if isinstance(b, Image):
        if for_qt:
            width = min(b.width_px, 640) if b.width_px else 640
            return (f'<p align="center"><img src="chart:{b.name}" width="{width}" '
                    f'alt="{escape(b.alt)}"></p><p class="meta">{escape(b.caption)}</p>')
        return (f'<figure>{b.svg}<figcaption>{escape(b.caption)}</figcaption></figure>')
    if isinstance(b, Note):
        return _note(b, for_qt)
    raise TypeError(f"unknown block {b!r}")


def render_html(doc: Document, for_qt: bool = False) -> str:
    """The whole document as HTML; ``for_qt`` targets QTextDocument (PDF, printing)."""
    parts = ['<div class="titleblock">', f"<h1>{escape(doc.title)}</h1>"]
    if doc.subtitle:
        parts.append(f'<p class="subtitle">{escape(doc.subtitle)}</p>')
    meta = []
    if doc.author:
        meta.append(f"Prepared by {escape(doc.author)}")
    meta.append(f"Exported {escape(doc.date)}")
    parts.append(f'<p class="meta">{SEP.join(meta)}</p>')
    parts.append('<p class="meta">Source documents: '
                 + "; ".join(escape(s) for s in doc.sources) + "</p></div>")
    for section in doc.sections:
        parts.append(f'<h2 id="{escape(section.id)}">{escape(section.title)}</h2>')
        parts.extend(_block(b, for_qt) for b in section.blocks)
    parts.append('<h2 id="references">References</h2><ol class="refs">')
    for r in doc.references:
        parts.append(f'<li id="ref-{r.number}" value="{r.number}">{escape(r.text)}</li>')
    parts.append("</ol>")
    body = "\n".join(parts)
    if for_qt:
        return f"<html><head><style>{QT_CSS}</style></head><body>{body}</body></html>"
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
        "style-src 'unsafe-inline'; img-src data:\">"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(doc.title)}</title><style>{CSS}</style></head>\n<body>\n{body}\n"
        "</body></html>\n"
    )


# The subset of CSS Qt's rich text engine understands, for PDF and printing.
QT_CSS = """
body { font-family: "DejaVu Serif"; font-size: 10pt; color: #1b1b1b; }
h1 { font-family: "DejaVu Sans"; font-size: 20pt; color: #1b2f45; margin-bottom: 2px; }
h2 { font-family: "DejaVu Sans"; font-size: 14pt; color: #2c4a6b; margin-top: 18px; }
h3 { font-family: "DejaVu Sans"; font-size: 11.5pt; color: #2c4a6b; margin-top: 10px; }
h4 { font-family: "DejaVu Sans"; font-size: 10.5pt; color: #2c4a6b; margin-top: 8px; }
p { margin-top: 2px; margin-bottom: 5px; }
.subtitle { font-family: "DejaVu Sans"; color: #555555; font-size: 11pt; }
.meta { color: #555555; font-size: 9pt; }
.lead { font-size: 10.5pt; }
.caveat { background-color: #fff4d6; }
.ref { font-size: 7.5pt; color: #2c4a6b; vertical-align: super; }
table { border-collapse: collapse; font-size: 8.5pt; margin-top: 4px; margin-bottom: 8px; }
th { background-color: #2c4a6b; color: #ffffff; font-family: "DejaVu Sans"; }
td { vertical-align: top; }
caption { font-weight: bold; }
.note-head { font-family: "DejaVu Sans"; font-size: 8pt; color: #34506e; margin: 0; }
.note-text { white-space: pre-wrap; margin: 0; }
.note-quote { font-style: italic; color: #444444; margin: 0; }
.row { margin-top: 0; margin-bottom: 0; font-size: 7.5pt; }
"""
