"""Source reader: each source document with its passages, a quoted range highlighted on demand,
and the external citations behind every cited fact.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QColor, QFont, QTextCharFormat, QTextCursor, QTextFormat
from PySide6.QtWidgets import (
    QLabel,
    QSplitter,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from ..domain import Citation, ItemRef, Passage, Source
from .models import ListTableModel
from .richtext import esc, plain_tooltip
from .session import Session
from .views import column, row_table

HIGHLIGHT = QColor("#ffd54f")


def utf16_offset(text: str, offset: int) -> int:
    """Qt counts text positions in UTF-16 code units; Python in code points."""
    return len(text[:offset].encode("utf-16-le")) // 2


def python_offset(text: str, position: int) -> int:
    """The inverse of ``utf16_offset``."""
    return len(text.encode("utf-16-le")[: position * 2].decode("utf-16-le", errors="ignore"))


class SourcesModel(ListTableModel[Source]):
    columns = (("Source document", lambda s: s.title), ("Kind", lambda s: s.kind))

    def ref(self, obj: Source) -> ItemRef:
        return ItemRef("source", obj.id)


class CitationsModel(ListTableModel[Citation]):
    columns = (
        ("Publisher", lambda c: c.publisher),
        ("Date", lambda c: c.date or "undated"),
        ("Title", lambda c: c.title),
        ("Fact", lambda c: c.fact),
    )


class SourcesTab(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        store = session.store
        self.sources = store.sources()
        self._source: Source | None = None
        self._passages: list[Passage] = []
        self.highlight: tuple[int, int] | None = None  # Python offsets in the current source

        self.source_model = SourcesModel(self.sources, self)
        self.source_list = row_table(self, "sourceList", "Source documents", self.source_model)
        self.source_list.selectionModel().currentRowChanged.connect(self._on_source_row)

        self.citation_model = CitationsModel(store.citations(), self)
        self.citation_list = row_table(self, "citationList", "External citations",
                                       self.citation_model)
        self.citation_list.selectionModel().currentRowChanged.connect(self._on_citation_row)
        self.citation_detail = QLabel(self)
        self.citation_detail.setObjectName("citationDetail")
        self.citation_detail.setTextFormat(Qt.TextFormat.PlainText)
        self.citation_detail.setWordWrap(True)
        self.citation_detail.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard)

        self.reader = QTextEdit(self)
        self.reader.setObjectName("sourceReader")
        self.reader.setAccessibleName("Source text")
        self.reader.setReadOnly(True)
        self.reader.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                            | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.reader.cursorPositionChanged.connect(self._update_position)
        self.reader.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.reader.customContextMenuRequested.connect(self._context_menu)
        session.changed.connect(self._on_change)
        session.workspaceReady.connect(self._apply_highlights)
        self.position_label = QLabel(self)
        self.position_label.setObjectName("passageLabel")

        side = QSplitter(Qt.Orientation.Vertical, self)
        side.addWidget(self._titled("Source documents", self.source_list))
        side.addWidget(self._titled("External citations", self.citation_list))
        side.addWidget(self.citation_detail)
        side.setStretchFactor(0, 1)
        side.setStretchFactor(1, 3)
        main = column(self, self.reader, self.position_label)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("sourcesSplitter")
        self.splitter.addWidget(side)
        self.splitter.addWidget(main)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setSizes([420, 740])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.splitter)
        if self.sources:
            self.source_list.selectRow(0)

    def _titled(self, title: str, widget: QWidget) -> QWidget:
        label = QLabel(f"<b>{esc(title)}</b>", self)
        label.setBuddy(widget)
        return column(self, label, widget)

    # -- showing a source ------------------------------------------------------------------------
    def _on_source_row(self, index: QModelIndex) -> None:
        if index.isValid():
            self.load(self.source_model.row_object(index.row()))
            self.session.select(ItemRef("source", self.sources[index.row()].id))

    def load(self, source: Source) -> None:
        if self._source is not None and self._source.id == source.id:
            return
        self._source = source
        self._passages = self.session.store.passages(source.id)
        self.highlight = None
        self.reader.setPlainText(source.text)
        heading = QTextCharFormat()
        heading.setFontWeight(QFont.Weight.Bold)
        title = QTextCharFormat()
        title.setFontWeight(QFont.Weight.Bold)
        if self.font().pointSizeF() > 0:
            title.setFontPointSize(self.font().pointSizeF() * 1.3)
        for p in self._passages:
            if p.role in ("title", "heading"):
                cursor = self._cursor(p.start, p.end)
                cursor.mergeCharFormat(title if p.role == "title" else heading)
        self._apply_highlights()
        self.reader.moveCursor(QTextCursor.MoveOperation.Start)

    def _cursor(self, start: int, end: int) -> QTextCursor:
        assert self._source is not None
        text = self._source.text
        cursor = QTextCursor(self.reader.document())
        cursor.setPosition(utf16_offset(text, start))
        cursor.setPosition(utf16_offset(text, end), QTextCursor.MoveMode.KeepAnchor)
        return cursor

    def show_range(self, source_id: str, start: int, end: int) -> None:
        """Open a source at a quoted range, highlighted and scrolled into view."""
        row = next((i for i, s in enumerate(self.sources) if s.id == source_id), -1)
        if row < 0:
            return
        if self.source_list.currentIndex().row() != row:
            self.source_list.selectRow(row)
        self.load(self.sources[row])
        self.highlight = (start, end)
        self._apply_highlights()
        cursor = self._cursor(start, start)
        self.reader.setTextCursor(cursor)
        self.reader.ensureCursorVisible()
        self._update_position()

    def _selection(self, start: int, end: int, colour: QColor,
                   tip: str = "") -> QTextEdit.ExtraSelection:
        selection = QTextEdit.ExtraSelection()
        selection.cursor = self._cursor(start, end)  # type: ignore[attr-defined]
        fmt = QTextCharFormat()
        fmt.setBackground(colour)
        fmt.setForeground(QColor("#000000"))
        fmt.setProperty(QTextFormat.Property.FullWidthSelection, False)
        if tip:
            fmt.setToolTip(tip)
        selection.format = fmt  # type: ignore[attr-defined]
        return selection

    def _placed_notes(self):  # type: ignore[no-untyped-def]
        """The anchored notes on the current source's text, where they sit now."""
        ws = self.session.workspace
        if ws is None or self._source is None:
            return []
        from ..store.anchoring import place_notes

        placed = place_notes(self.session.store, ws.notes(source_id=self._source.id))
        return [p for p in placed if p.anchored]

    def note_ranges(self) -> list[tuple[int, int, str]]:
        """Anchored notes on the current source's text: (start, end, note id)."""
        return [(p.start, p.end, p.note.id) for p in self._placed_notes()]

    def _apply_highlights(self) -> None:
        """Notes' ranges underlaid in their colour; the range asked for on top in yellow."""
        if self._source is None:
            return
        from .notes import COLOUR_HEX

        selections = []
        for p in self._placed_notes():
            colour = QColor(COLOUR_HEX.get(p.note.colour, "#9cc3e6"))
            colour.setAlpha(110)
            selections.append(self._selection(p.start, p.end, colour,
                                              plain_tooltip(p.note.body[:300])))
        if self.highlight is not None:
            selections.append(self._selection(*self.highlight, HIGHLIGHT))
        self.reader.setExtraSelections(selections)

    def _on_change(self, change) -> None:  # type: ignore[no-untyped-def]
        if change.kind == "notes":
            self._apply_highlights()

    def selection_anchor(self):  # type: ignore[no-untyped-def]
        """The reader's selected text as a note anchor (None without a selection)."""
        cursor = self.reader.textCursor()
        if self._source is None or not cursor.hasSelection():
            return None
        from ..store.anchoring import make_anchor

        text = self._source.text
        start = python_offset(text, cursor.selectionStart())
        end = python_offset(text, cursor.selectionEnd())
        if not text[start:end].strip():
            return None
        return make_anchor(self._source.id, text, start, end)

    def select_text(self, start: int, end: int) -> None:
        """Select a range of the current source in the reader (Python offsets)."""
        self.reader.setTextCursor(self._cursor(start, end))

    def _context_menu(self, pos) -> None:  # type: ignore[no-untyped-def]
        menu = self.reader.createStandardContextMenu(pos)
        action = getattr(self.window(), "add_note_action", None)
        if action is not None and self.reader.textCursor().hasSelection():
            menu.addSeparator()
            menu.addAction(action)
        menu.exec(self.reader.mapToGlobal(pos))
        menu.deleteLater()

    def highlighted_text(self) -> str:
        if self.highlight is None or self._source is None:
            return ""
        return self._source.text[self.highlight[0]:self.highlight[1]]

    def _update_position(self) -> None:
        if self._source is None:
            return
        pos = self.reader.textCursor().position()
        text = self._source.text
        for p in self._passages:
            if utf16_offset(text, p.start) <= pos <= utf16_offset(text, p.end):
                self.position_label.setText(
                    f"{self._source.title} \u2014 passage {p.seq} of {len(self._passages)} "
                    f"({p.role})")
                return
        self.position_label.setText(self._source.title)

    # -- citations -------------------------------------------------------------------------------
    def _on_citation_row(self, index: QModelIndex) -> None:
        if index.isValid():
            c = self.citation_model.row_object(index.row())
            self.citation_detail.setText(c.reference() + f"\n(fact {c.fact})")

    def show_citation(self, citation_id: str) -> None:
        rows = self.citation_model.rows()
        row = next((i for i, c in enumerate(rows) if c.id == citation_id), -1)
        if row >= 0:
            self.citation_list.selectRow(row)
            self.citation_list.scrollTo(self.citation_model.index(row, 0))

    # -- tab protocol --------------------------------------------------------------------------
    def select(self, ref: ItemRef) -> None:
        if ref.kind == "source":
            row = next((i for i, s in enumerate(self.sources) if s.id == ref.id), -1)
            if row >= 0:
                self.source_list.selectRow(row)

    def current_ref(self) -> ItemRef | None:
        return ItemRef("source", self._source.id) if self._source else None
