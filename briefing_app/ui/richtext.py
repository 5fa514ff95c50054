"""Rich text for QTextBrowser views: palette-aware style sheet and safe HTML pieces.

All text from the data or the user goes through ``esc`` (HTML-escaped, line breaks kept), so
nothing a note or a record contains is ever interpreted as markup.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QWidget

from ..domain import ItemRef, Provenance

# What html.escape replaces, in one pass (the html module costs more to import before the first
# paint than every escape the Overview makes).
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;",
                          "\n": "<br>"})
_TEXT_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


#: What marks the analyst's own items in lists, tables, charts and the Overview.
OWN_MARK = "\u270e"


def esc(text: str) -> str:
    """Text as HTML: escaped as ``html.escape(text, quote=True)`` does, line breaks as <br>."""
    return text.translate(_ESCAPES)


TOOLTIP_CHARS = 2000


def plain_tooltip(text: str) -> str:
    """A tooltip showing ``text`` literally. Qt guesses whether a tooltip is rich text, and a
    note such as ``<img src="/dev/zero">`` would be loaded as an image (and abort the app):
    so the text is escaped inside a paragraph that keeps its line breaks."""
    if not text:
        return ""
    if len(text) > TOOLTIP_CHARS:
        text = text[:TOOLTIP_CHARS] + "\u2026"
    return f"<p style='white-space:pre-wrap'>{text.translate(_TEXT_ESCAPES)}</p>"


def plain_message(parent: QWidget | None, title: str, text: str,
                  critical: bool = False) -> None:
    """A message box (a warning, or ``critical``) that shows ``text`` (paths, error messages,
    user text) literally."""
    from PySide6.QtWidgets import QMessageBox  # (its type costs 5 ms before the first paint)

    icon = QMessageBox.Icon.Critical if critical else QMessageBox.Icon.Warning
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.exec()


def is_dark(palette: QPalette | None = None) -> bool:
    pal = palette or QApplication.palette()
    return pal.color(QPalette.ColorRole.Window).lightness() < 128


def style_sheet(palette: QPalette | None = None) -> str:
    pal = palette or QApplication.palette()
    text = pal.color(QPalette.ColorRole.Text).name()
    muted = pal.color(QPalette.ColorRole.PlaceholderText).name()
    link = pal.color(QPalette.ColorRole.Link).name()
    card = pal.color(QPalette.ColorRole.AlternateBase).name()
    caveat_bg = "#4a3b12" if is_dark(pal) else "#fff4d6"
    caveat_border = "#c99a2e"
    return f"""
body {{ color: {text}; }}
h1 {{ font-size: x-large; margin: 0 0 6px 0; }}
h2 {{ font-size: large; margin: 14px 0 4px 0; }}
h3 {{ font-size: medium; margin: 10px 0 2px 0; }}
p {{ margin: 3px 0 6px 0; }}
a {{ color: {link}; text-decoration: none; }}
.muted {{ color: {muted}; }}
.src {{ color: {muted}; font-size: small; }}
.kind {{ color: {muted}; font-size: small; text-transform: uppercase; }}
.est {{ font-weight: bold; }}
table.cards td {{ background: {card}; padding: 8px; }}
.value {{ font-size: x-large; font-weight: bold; }}
.caveat {{ background: {caveat_bg}; border-left: 3px solid {caveat_border}; padding: 4px; }}
blockquote {{ margin: 2px 0 6px 12px; font-style: italic; }}
"""


def plain_link(href: str, text: str, palette: QPalette | None = None) -> str:
    """A link that reads as body text (for clickable elements rather than references). It is
    also a named anchor (its href as name), so the view can scroll to it."""
    pal = palette or QApplication.palette()
    colour = pal.color(QPalette.ColorRole.Text).name()
    return (f'<a name="{esc(href)}" href="{esc(href)}" '
            f'style="color:{colour}; text-decoration:none">{esc(text)}</a>')


def item_link(ref: ItemRef, text: str) -> str:
    return f'<a href="item:{ref.kind}:{esc(ref.id)}">{esc(text)}</a>'


def source_tags(ref: ItemRef, provenance: list[Provenance]) -> str:
    """Small clickable markers after an element saying where it comes from."""
    tags = []
    seen: set[str] = set()
    for p in provenance:
        key = p.passage_id if p.kind == "quote" else (p.citation.id if p.citation else "")
        if key in seen:
            continue
        seen.add(key)
        if p.kind == "quote":
            paragraph = p.passage_id.rsplit("/p", 1)[-1]
            href = f"source:{esc(p.source_id)}:{p.start}:{p.end}"
            tip = f"\u201c{esc(p.quote)}\u201d (paragraph {paragraph} of the source)"
            tags.append(f'<a href="{href}" title="{tip}">[source \u00b6{paragraph}]</a>')
        elif p.citation is not None:
            c = p.citation
            label = c.publisher.split("(")[0].strip()[:28]
            if c.date:
                label += f" {c.date[:4]}"
            # Opens the citation's full record (title, publisher, date, URL) in Sources.
            tags.append(f'<a href="citation:{esc(c.id)}" '
                        f'title="{esc(c.title)}">[{esc(label)}]</a>')
    return f'<span class="src">{" ".join(tags)}</span>' if tags else ""
