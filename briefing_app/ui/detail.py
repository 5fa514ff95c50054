"""The details pane: the selected item's fields, caveat and every source, one click from each."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, Qt, QTimer, QUrl
from PySide6.QtWidgets import QSplitter, QTextBrowser, QVBoxLayout, QWidget

from ..domain import ItemRef
from .richtext import esc, item_link, style_sheet

if TYPE_CHECKING:
    from ..store.describe import Description
from .session import Session


def description_html(d: Description) -> str:
    parts = [f'<p class="kind">{esc(d.kind_label)}</p><h2>{esc(d.title)}</h2>']
    if d.subtitle:
        parts.append(f'<p class="muted">{esc(d.subtitle)}</p>')
    if d.caveat:
        parts.append(f'<p class="caveat"><b>Caveat:</b> {esc(d.caveat)}</p>')
    for label, text in d.fields:
        parts.append(f"<h3>{esc(label)}</h3><p>{esc(text)}</p>")
    for label, items in d.lists:
        parts.append(f"<h3>{esc(label)}</h3><ul>"
                     + "".join(f"<li>{esc(x)}</li>" for x in items) + "</ul>")
    for label, refs in d.related:
        if refs:
            parts.append(f"<h3>{esc(label)}</h3><p>"
                         + ", ".join(item_link(r, t) for r, t in refs) + "</p>")
    if d.provenance:
        parts.append("<h3>Sources</h3>")
        for n, p in enumerate(d.provenance, start=1):
            if p.kind == "quote":
                paragraph = p.passage_id.rsplit("/p", 1)[-1]
                parts.append(
                    f"<p>[{n}] Quoted from <i>{esc(p.source_id)}</i>, paragraph {paragraph}:"
                    f"</p><blockquote>\u201c{esc(p.quote)}\u201d</blockquote>"
                    f'<p><a href="source:{esc(p.source_id)}:{p.start}:{p.end}">'
                    "Show in source</a></p>")
            elif p.citation is not None:
                c = p.citation
                parts.append(f"<p>[{n}] {esc(c.reference())}<br>"
                             f'<span class="src">Fact {esc(c.fact)} in the fact base \u00b7 '
                             f'<a href="citation:{esc(c.id)}">Show in citations</a></span></p>')
    else:
        parts.append('<p class="muted">No source recorded.</p>')
    return "".join(parts)


class DetailPane(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.setObjectName("detailPane")
        self.browser = QTextBrowser(self)
        self.browser.setObjectName("detailBrowser")
        self.browser.setAccessibleName("Details of the selected item")
        self.browser.setOpenLinks(False)
        self.browser.anchorClicked.connect(self._on_link)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setObjectName("detailSplitter")
        self.splitter.addWidget(self.browser)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)
        self.notes = None  # the notes panel arrives with the workspace, after the first paint
        self.ref: ItemRef | None = None
        session.itemSelected.connect(self.show_item)
        # The panel comes one event-loop turn after the workspace, so `gui --smoke` (which
        # stops right after opening it) never pays for importing the notes UI.
        session.workspaceReady.connect(lambda: QTimer.singleShot(0, self._add_notes_panel))
        self.show_item(None)

    def _add_notes_panel(self) -> None:
        if self.notes is not None:
            return
        from .notes import NotesPanel

        self.notes = NotesPanel(self.session, self)
        self.notes.show_item(self.ref)
        self.splitter.addWidget(self.notes)
        self.splitter.setSizes([500, 180])
        from PySide6.QtCore import QSettings

        from .layout_state import restore_layout

        restore_layout(self, QSettings(), "detail")

    def show_item(self, ref: ItemRef | None) -> None:
        self.ref = ref
        self.browser.document().setDefaultStyleSheet(style_sheet(self.palette()))
        d = None
        if ref is not None:
            from ..store.describe import describe  # not needed for the first paint

            d = describe(self.session.store, ref)
        if d is None:
            self.browser.setHtml(
                '<p class="muted">Select anything in the briefing to see its details and '
                "where it comes from.</p>")
            return
        self.browser.setHtml(description_html(d))

    def _on_link(self, url: QUrl) -> None:
        handle_link(self.session, url.toString())

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.PaletteChange:
            self.show_item(self.ref)
        super().changeEvent(event)


def handle_link(session: Session, href: str) -> None:
    """Follow an in-app link: ``item:KIND:ID``, ``source:ID:START:END``, ``cite:KIND:ID:N``."""
    scheme, _, rest = href.partition(":")
    if scheme == "item":
        kind, _, ident = rest.partition(":")
        session.open_item(ItemRef(kind, ident))
    elif scheme == "source":
        source_id, start, end = rest.rsplit(":", 2)
        session.show_source(source_id, int(start), int(end))
    elif scheme == "citation":
        session.show_citation(rest)
    elif scheme == "cite":
        kind, ident, _n = rest.split(":", 2)
        session.select(ItemRef(kind, ident))
