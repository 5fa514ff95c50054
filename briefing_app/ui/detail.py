"""The details pane: the selected item's fields, caveat and every source, one click from each.

An item the analyst added says so, lists what it rests on (passages, external citations in
full, their explicit assessment); every item has a combo for its credibility grade.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, Qt, QTimer, QUrl
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ..domain import CREDIBILITY, RELIABILITY, ItemRef
from .richtext import esc, item_link, style_sheet

if TYPE_CHECKING:
    from ..store.describe import Description
from .session import Change, Session
from .views import links_then_out, reading_order, reorder_focus_later

OWN_MARK = "\u270e"  # as models.OWN_MARK (not imported: the pane is built before first paint)


def description_html(d: Description, source_title: Callable[[str], str] | None = None,
                     grade_of: Callable[[str], str] | None = None) -> str:
    """``d`` as HTML; ``source_title`` names a quoted source (else its id is shown);
    ``grade_of(target)`` gives the analyst's reliability grade of a source or citation,
    shown beside it wherever it is cited."""
    title_of = source_title or (lambda sid: sid)

    def graded(target: str) -> str:
        grade = grade_of(target) if grade_of is not None else ""
        meaning = RELIABILITY.get(grade)
        return f' <span class="grade">(reliability {grade}: {meaning})</span>' if meaning else ""

    parts = [f'<p class="kind">{esc(d.kind_label)}</p><h2>{esc(d.title)}</h2>']
    if d.own:
        parts.append(f'<p class="own">{OWN_MARK} {esc(d.own_note)}</p>')
    if d.subtitle:
        parts.append(f'<p class="muted">{esc(d.subtitle)}</p>')
    if d.caveat:
        parts.append(f'<p class="caveat"><b>Caveat:</b> {esc(d.caveat)}</p>')
    for label, text in d.fields:
        if text or not d.own:  # an own item's optional fields left empty are not shown
            parts.append(f"<h3>{esc(label)}</h3><p>{esc(text)}</p>")
    for label, items in d.lists:
        if items or not d.own:
            parts.append(f"<h3>{esc(label)}</h3><ul>"
                         + "".join(f"<li>{esc(x)}</li>" for x in items) + "</ul>")
    for label, refs in d.related:
        if refs:
            # One per line: the entries are titles and sentences that hold commas themselves.
            parts.append(f"<h3>{esc(label)}</h3><ul>"
                         + "".join(f"<li>{item_link(r, t)}</li>" for r, t in refs) + "</ul>")
    if d.provenance:
        parts.append("<h3>Sources</h3>")
        for n, p in enumerate(d.provenance, start=1):
            if p.kind == "quote":
                paragraph = p.passage_id.rsplit("/p", 1)[-1]
                where = f", paragraph {paragraph}" if paragraph else ""
                parts.append(
                    f"<p>[{n}] Quoted from <i>{esc(title_of(p.source_id))}</i>{where}"
                    f"{graded('source:' + p.source_id)}:"
                    f"</p><blockquote>\u201c{esc(p.quote)}\u201d</blockquote>"
                    f'<p><a href="source:{esc(p.source_id)}:{p.start}:{p.end}">'
                    "Show in source</a></p>")
            elif p.citation is not None and p.citation.fact == "analyst":
                # An external citation the analyst typed: in full, it is in no fact base.
                parts.append(f"<p>[{n}] External citation: {esc(p.citation.reference())}</p>")
            elif p.citation is not None:
                c = p.citation
                parts.append(f"<p>[{n}] {esc(c.reference())}{graded('citation:' + c.id)}<br>"
                             f'<span class="src">Fact {esc(c.fact)} in the fact base \u00b7 '
                             f'<a href="citation:{esc(c.id)}">Show in citations</a></span></p>')
            elif p.kind == "assessment":
                parts.append(f"<p>[{n}] The analyst's own assessment (no outside source)."
                             "</p>")
    elif d.ref.kind != "source":  # a source document is itself the source
        parts.append('<p class="muted">No source recorded.</p>')
    return "".join(parts)


class DetailPane(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.setObjectName("detailPane")
        self.browser = QTextBrowser(self)
        links_then_out(self.browser)
        self.browser.setObjectName("detailBrowser")
        self.browser.setAccessibleName("Details of the selected item")
        self.browser.setOpenLinks(False)
        self.browser.anchorClicked.connect(self._on_link)
        # The credibility grade of the item (Admiralty scale, 1-6), under its description:
        # built the first time an item that can be graded is shown. None is at the first
        # paint, and the combo box with its items costs about 1.4 MB there (2% of the peak).
        self.grade_row: QWidget | None = None
        self.grade: QComboBox | None = None
        upper = QWidget(self)
        self._upper_layout = upper_layout = QVBoxLayout(upper)
        upper_layout.setContentsMargins(0, 0, 0, 0)
        upper_layout.setSpacing(0)
        upper_layout.addWidget(self.browser, 1)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setObjectName("detailSplitter")
        self.splitter.addWidget(upper)
        self._description: Description | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)
        self.notes = None  # the notes panel arrives with the workspace, after the first paint
        self.ref: ItemRef | None = None
        session.itemSelected.connect(self.show_item)
        session.changed.connect(self._on_change)
        session.workspaceReady.connect(lambda: self.show_item(self.ref))
        # The panel comes one event-loop turn after the workspace, so `gui --smoke` (which
        # stops right after opening it) never pays for importing the notes UI.
        session.workspaceReady.connect(lambda: QTimer.singleShot(0, self._add_notes_panel))
        self.show_item(None)

    def focus_order(self) -> list[QWidget]:
        """Tab's order here: the details, the credibility grade (shown for some items
        only), then the notes panel top to bottom."""
        return [self.browser, *([self.grade] if self.grade is not None else []),
                *(reading_order(self.notes) if self.notes is not None else [])]

    def _grade_box(self) -> QComboBox:
        """The credibility grade's combo box, its row built the first time it is needed."""
        if self.grade is not None:
            return self.grade
        self.grade_row = QWidget(self._upper_layout.parentWidget())
        self.grade_row.setObjectName("credibilityRow")
        self.grade = QComboBox(self.grade_row)
        self.grade.setObjectName("credibilityGrade")
        self.grade.setAccessibleName("Credibility of the selected item")
        self.grade.addItem("not graded", "")
        for value, meaning in CREDIBILITY.items():
            self.grade.addItem(f"{value} \u2013 {meaning}", value)
        self.grade.activated.connect(self._on_grade)
        grade_label = QLabel("&Credibility:", self.grade_row)
        grade_label.setBuddy(self.grade)
        row = QHBoxLayout(self.grade_row)
        row.setContentsMargins(4, 2, 4, 2)
        row.addWidget(grade_label)
        row.addWidget(self.grade, 1)
        self._upper_layout.addWidget(self.grade_row)
        reorder_focus_later(self)
        return self.grade

    def _add_notes_panel(self) -> None:
        if self.notes is not None:
            return
        from .notes import NotesPanel

        self.notes = NotesPanel(self.session, self)
        self.notes.show_item(self.ref)
        self.splitter.addWidget(self.notes)
        self.splitter.setSizes([500, 180])
        reorder_focus_later(self)
        from PySide6.QtCore import QSettings

        from .layout_state import restore_layout

        restore_layout(self, QSettings(), "detail")

    def show_item(self, ref: ItemRef | None) -> None:
        self.ref = ref
        own = self.palette().color(QPalette.ColorRole.Highlight).name()
        self.browser.document().setDefaultStyleSheet(
            style_sheet(self.palette()) + f".own {{ color: {own}; font-weight: bold; }}")
        d = None
        if ref is not None:
            from ..store.describe import describe  # not needed for the first paint

            d = describe(self.session.store, ref)
        self._description = d
        self._show_grade(d)
        if d is None:
            self.browser.setHtml(
                '<p class="muted">Select anything in the briefing to see its details and '
                "where it comes from.</p>")
            return
        self.browser.setHtml(description_html(d, self._source_title,
                                              getattr(self.session.store, "grade_of", None)))

    def _source_title(self, source_id: str) -> str:
        src = self.session.store.source(source_id)
        return src.title if src is not None else source_id

    def _show_grade(self, d: Description | None) -> None:
        if d is None or not d.gradeable:
            if self.grade_row is not None:
                self.grade_row.hide()
            return
        grade = self._grade_box()
        assert self.grade_row is not None
        self.grade_row.show()
        blocked = grade.blockSignals(True)
        grade.setCurrentIndex(max(0, grade.findData(d.grade)))
        grade.blockSignals(blocked)
        ws = self.session.workspace
        writable = ws is not None and not ws.read_only
        grade.setEnabled(writable)
        grade.setToolTip(
            "How credible you judge this information (Admiralty scale: 1 confirmed by other "
            "sources \u2013 6 truth cannot be judged)" if writable
            else "Your workspace is read-only: grades cannot be changed.")

    def _on_grade(self, index: int) -> None:
        d = self._description
        if d is None or not d.gradeable or self.grade is None:
            return
        grade = self.grade.itemData(index) or ""
        if grade == d.grade:
            return
        from .commands import SetGrade

        if not self.session.push(SetGrade(self.session, d.grade_target, grade, d.title)):
            self._show_grade(d)  # refused: the combo shows the grade as saved

    def _on_change(self, change: Change) -> None:
        """Show the item again when it changed (edited, deleted, undone) or a grade did (its
        own, or the reliability of a source it cites)."""
        ref = self.ref
        if ref is None:
            return
        if (change.kind == "own" and (not change.ids or ref.id in change.ids
                                      or ref.kind == "source")) \
                or change.kind == "grades":  # its own grade, or a cited source's
            self.show_item(ref)

    def _on_link(self, url: QUrl) -> None:
        handle_link(self.session, url.toString())

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.PaletteChange:
            self.show_item(self.ref)
        super().changeEvent(event)


def handle_link(session: Session, href: str) -> None:
    """Follow an in-app link: ``item:KIND:ID``, ``source:ID:START:END``, ``citation:ID``."""
    scheme, _, rest = href.partition(":")
    if scheme == "item":
        kind, _, ident = rest.partition(":")
        session.open_item(ItemRef(kind, ident))
    elif scheme == "source":
        source_id, start, end = rest.rsplit(":", 2)
        session.show_source(source_id, int(start), int(end))
    elif scheme == "citation":
        session.show_citation(rest)
