"""Source reader: the briefing's source documents and the analyst's imported ones with their
passages, a quoted range highlighted on demand, the external citations behind every cited
fact, and for each source or citation its reliability grade and the claims resting on it.

The analyst's own sources are marked as the app marks all own work (``models.OWN_MARK``);
only they can be edited or deleted. Selected text becomes a cited passage of a new or an
existing own item from the reader's context menu.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt
from PySide6.QtGui import QColor, QFont, QKeyEvent, QTextCharFormat, QTextCursor, QTextFormat
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from ..domain import RELIABILITY, Citation, ItemRef, PartialDate, Passage, Source, is_own
from ..store.describe import KIND_LABELS
from ..store.own import OwnProvenance
from .models import OWN_MARK, ListTableModel, own_note
from .richtext import esc, plain_tooltip
from .session import Change, Session
from .views import column, reading_order, row_table

HIGHLIGHT = QColor("#ffd54f")
READ_ONLY_TIP = "Your workspace is read-only, so nothing here can be changed."
BUNDLED_TIP = ("This source comes with the briefing and cannot be changed; only sources you "
               "imported can be edited or deleted.")
MENU_TITLE_CHARS = 60


def utf16_offset(text: str, offset: int) -> int:
    """Qt counts text positions in UTF-16 code units; Python in code points."""
    return len(text[:offset].encode("utf-16-le")) // 2


def python_offset(text: str, position: int) -> int:
    """The inverse of ``utf16_offset``."""
    return len(text.encode("utf-16-le")[: position * 2].decode("utf-16-le", errors="ignore"))


def grade_label(grade: str) -> str:
    """"B (usually reliable)", or "" for no grade."""
    return f"{grade} ({RELIABILITY[grade]})" if grade in RELIABILITY else ""


def _date(date: str) -> str:
    try:
        return PartialDate(date).label() if date else ""
    except ValueError:  # shown as stored rather than not at all
        return date


def _short(text: str, n: int = MENU_TITLE_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "\u2026"


# -- models -----------------------------------------------------------------------------------
class SourceRow(NamedTuple):
    source: Source
    grade: str

    @property
    def own(self) -> bool:
        return self.source.own


class SourcesModel(ListTableModel[SourceRow]):
    columns = (
        ("Source document", lambda r: r.source.title),
        ("Publisher", lambda r: r.source.publisher or r.source.author),
        ("Date", lambda r: _date(r.source.date)),
        ("Grade", lambda r: r.grade),
    )
    own_column = 0
    own_kind = "source"
    COL_GRADE = 3

    def ref(self, obj: SourceRow) -> ItemRef:
        return ItemRef("source", obj.source.id)

    def data(self, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if index.isValid() and role == Qt.ItemDataRole.ToolTipRole:
            row = self.row_object(index.row())
            if index.column() == self.COL_GRADE:
                return plain_tooltip(f"Reliability {grade_label(row.grade)}" if row.grade
                                     else "Not graded yet")
            s = row.source
            lines = [s.title, f"{s.kind}" + (f", {s.publisher}" if s.publisher else "")]
            lines.append(own_note("source") if s.own else s.origin)
            return plain_tooltip("\n".join(x for x in lines if x))
        return super().data(index, role)

    def row_of(self, source_id: str) -> int:
        return next((n for n, r in enumerate(self._rows) if r.source.id == source_id), -1)


class CitationRow(NamedTuple):
    citation: Citation
    grade: str


class CitationsModel(ListTableModel[CitationRow]):
    columns = (
        ("Publisher", lambda r: r.citation.publisher),
        ("Date", lambda r: r.citation.date or "undated"),
        ("Grade", lambda r: r.grade),
        ("Title", lambda r: r.citation.title),
        ("Fact", lambda r: r.citation.fact),
    )


class ClaimRow(NamedTuple):
    ref: ItemRef
    title: str
    own: bool


class ClaimsModel(ListTableModel[ClaimRow]):
    columns = (
        ("Kind", lambda r: KIND_LABELS.get(r.ref.kind, r.ref.kind)),
        ("Claim", lambda r: r.title),
    )
    own_column = 1
    own_kind = "item"

    def ref(self, obj: ClaimRow) -> ItemRef:
        return obj.ref


# -- a grade and the claims on one source or citation ----------------------------------------
class GradeBox(QComboBox):
    """Not graded, or A-F with what each means (the Admiralty scale)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.addItem("Not graded", "")
        for letter, meaning in RELIABILITY.items():
            self.addItem(f"{letter} \u2014 {meaning}", letter)

    def grade(self) -> str:
        return str(self.currentData() or "")

    def show_grade(self, grade: str) -> None:
        blocked = self.blockSignals(True)
        self.setCurrentIndex(max(0, self.findData(grade)))
        self.blockSignals(blocked)


class GradePanel(QWidget):
    """The reliability grade of one source or citation (a ``SetGrade`` per choice) and the
    items resting on it, each opened in its tab by a click or Enter."""

    def __init__(self, session: Session, what: str, name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.what = what  # "source" or "citation": the grade's target prefix
        self.target_id = ""
        self.label = ""
        self.grade = GradeBox(self)
        self.grade.setObjectName(f"{name}Grade")
        self.grade.setAccessibleName(f"Reliability of the selected {what}")
        self.grade.setToolTip(f"How reliable you judge this {what} (Admiralty scale A\u2013F)")
        self.grade.activated.connect(self._grade_chosen)
        grade_label = QLabel("&Reliability:", self)
        grade_label.setBuddy(self.grade)
        self.claims_title = QLabel("Claims resting on it", self)
        self.claims = ClaimsModel([], self)
        self.claims_list = row_table(self, f"{name}Claims",
                                     f"Claims resting on the selected {what}", self.claims,
                                     widths=(110,))
        self.claims_list.horizontalHeader().setVisible(False)
        self.claims_list.clicked.connect(self._open)
        self.claims_list.activated.connect(self._open)
        self.claims_list.installEventFilter(self)
        self.claims_title.setBuddy(self.claims_list)
        row = QHBoxLayout()
        row.addWidget(grade_label)
        row.addWidget(self.grade, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.claims_title)
        layout.addWidget(self.claims_list, 1)
        self.show_target("", "")

    @property
    def target(self) -> str:
        return f"{self.what}:{self.target_id}" if self.target_id else ""

    def show_target(self, target_id: str, label: str) -> None:
        self.target_id, self.label = target_id, label
        self.refresh()

    def refresh(self) -> None:
        store = self.session.store
        ws = self.session.workspace
        self.grade.show_grade(store.grade_of(self.target) if self.target else "")
        writable = ws is not None and not ws.read_only
        self.grade.setEnabled(bool(self.target) and writable)
        if self.target and not writable:
            self.grade.setToolTip(READ_ONLY_TIP)
        refs = store.claims_on(self.target_id) if self.target_id else []
        titles = store.titles(refs)
        self.claims.update_rows([ClaimRow(r, titles.get(r, r.id), is_own(r.id))
                                 for r in refs], key=lambda c: c.ref)
        self.claims_title.setText(f"<b>Claims resting on it</b> ({len(refs)})"
                                  if self.target_id else "<b>Claims resting on it</b>")

    def _grade_chosen(self, _index: int) -> None:
        if not self.target:
            return
        grade = self.grade.grade()
        if grade == self.session.store.grade_of(self.target):
            return
        from .commands import SetGrade

        if not self.session.push(SetGrade(self.session, self.target, grade, self.label)):
            self.refresh()  # refused: show the grade that is stored

    def _open(self, index: QModelIndex) -> None:
        if index.isValid():
            self.session.open_item(self.claims.row_object(index.row()).ref)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        # Enter opens the claim on every platform (``activated`` is Enter on some only).
        if (watched is self.claims_list and isinstance(event, QKeyEvent)
                and event.type() == QEvent.Type.KeyPress
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)):
            self._open(self.claims_list.currentIndex())
            return True
        return super().eventFilter(watched, event)


# -- the tab ----------------------------------------------------------------------------------
class SourcesTab(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.sources: list[Source] = []
        self._source: Source | None = None
        self._passages: list[Passage] = []
        self.highlight: tuple[int, int] | None = None  # Python offsets in the current source

        self.source_model = SourcesModel([], self)
        self.source_list = row_table(self, "sourceTable", "Source documents",
                                     self.source_model, widths=(230, 110, 80))
        self.source_list.selectionModel().currentRowChanged.connect(self._on_source_row)
        self.import_button = QPushButton("&Import\u2026", self)
        self.import_button.setObjectName("importSource")
        self.import_button.setToolTip("Import a source document of your own (Ctrl+I)")
        self.import_button.clicked.connect(self.import_source)
        self.edit_button = QPushButton("&Edit details\u2026", self)
        self.edit_button.setObjectName("editSource")
        self.edit_button.clicked.connect(self.edit_source)
        self.delete_button = QPushButton("&Delete", self)
        self.delete_button.setObjectName("deleteSource")
        self.delete_button.clicked.connect(self.delete_source)
        buttons = QHBoxLayout()
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        self.source_panel = GradePanel(session, "source", "source", self)

        self.citation_model = CitationsModel([], self)
        self.citation_list = row_table(self, "citationTable", "External citations",
                                       self.citation_model, widths=(130, 80, 50))
        self.citation_list.selectionModel().currentRowChanged.connect(self._on_citation_row)
        self.citation_detail = QLabel(self)
        self.citation_detail.setObjectName("citationDetail")
        self.citation_detail.setTextFormat(Qt.TextFormat.PlainText)
        self.citation_detail.setWordWrap(True)
        self.citation_detail.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.citation_panel = GradePanel(session, "citation", "citation", self)

        self.heading = QLabel(self)
        self.heading.setObjectName("sourceHeading")
        self.heading.setTextFormat(Qt.TextFormat.PlainText)  # titles are the analyst's text
        self.heading.setWordWrap(True)
        self.reader = QTextEdit(self)
        self.reader.setObjectName("sourceReader")
        self.reader.setAccessibleName("Source text")
        self.reader.setReadOnly(True)
        self.reader.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                            | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.reader.cursorPositionChanged.connect(self._update_position)
        self.reader.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.reader.customContextMenuRequested.connect(self._context_menu)
        self.position_label = QLabel(self)
        self.position_label.setObjectName("passageLabel")
        self.position_label.setTextFormat(Qt.TextFormat.PlainText)
        # Its text changes length as the cursor moves: its width must never push the splitter
        # (the reader jumped sideways); a long title is cut at the label's edge instead.
        self.position_label.setSizePolicy(QSizePolicy.Policy.Ignored,
                                          QSizePolicy.Policy.Preferred)
        session.changed.connect(self._on_change)
        session.workspaceReady.connect(self.reload)

        # The claims list gets the larger share: a briefing has few source documents and
        # each carries dozens of claims (at 1024x700 the claims showed two rows).
        sources_box = column(self, self._title("Source documents", self.source_list),
                             (self.source_list, 2), buttons, (self.source_panel, 3))
        citations_box = column(self, self._title("External citations", self.citation_list),
                               (self.citation_list, 3), self.citation_detail,
                               (self.citation_panel, 2))
        side = QSplitter(Qt.Orientation.Vertical, self)
        side.setObjectName("sourcesSide")
        side.addWidget(sources_box)
        side.addWidget(citations_box)
        side.setStretchFactor(0, 1)
        side.setStretchFactor(1, 1)
        main = column(self, self.heading, (self.reader, 1), self.position_label)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("sourcesSplitter")
        self.splitter.addWidget(side)
        self.splitter.addWidget(main)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setSizes([460, 700])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.splitter)
        self.reload()
        if self.sources:
            self.source_list.selectRow(0)

    def _title(self, title: str, widget: QWidget) -> QLabel:
        label = QLabel(f"<b>{esc(title)}</b>", self)
        label.setBuddy(widget)
        return label

    # -- the lists ---------------------------------------------------------------------------
    def reload(self) -> None:
        """Re-read sources, citations and grades (the analyst's own work or grades changed),
        keeping the selections and the reader where they are."""
        store = self.session.store
        self.source_model.update_rows(
            [SourceRow(s, store.grade_of(f"source:{s.id}")) for s in store.sources()],
            key=lambda r: r.source.id)
        self.sources = [r.source for r in self.source_model.rows()]
        self.citation_model.update_rows(
            [CitationRow(c, store.grade_of(f"citation:{c.id}")) for c in store.citations()],
            key=lambda r: r.citation.id)
        current = self.source_list.currentIndex()
        if current.isValid():
            if not self.source_list.selectionModel().isRowSelected(current.row()):
                # the row shown was removed: its neighbour is current, show it selected
                self.source_list.selectRow(current.row())
            self.load(self.source_model.row_object(current.row()).source)
        elif self.sources and self._source is not None:
            self.source_list.selectRow(0)
        self.source_panel.refresh()
        self.citation_panel.refresh()
        self._update_buttons()

    def _on_change(self, change: Change) -> None:
        if change.kind == "notes":
            self._apply_highlights()
        elif change.kind in ("own", "grades"):
            self.reload()

    def _on_source_row(self, index: QModelIndex) -> None:
        if not index.isValid():
            return
        source = self.source_model.row_object(index.row()).source
        changed = self._source is None or self._source.id != source.id
        self.load(source)
        # Only what the user looks at is "selected": a row moving on a hidden tab (an import
        # undone from another tab) must not change the details pane.
        if changed and self.isVisible():
            self.session.select(ItemRef("source", source.id))

    def _update_buttons(self) -> None:
        ws = self.session.workspace
        writable = ws is not None and not ws.read_only
        own = self._source is not None and self._source.own
        self.import_button.setEnabled(writable)
        self.import_button.setToolTip("Import a source document of your own (Ctrl+I)"
                                      if writable else READ_ONLY_TIP)
        for button, what in ((self.edit_button, "Change its title, publisher, date or URL"),
                             (self.delete_button, "Move it to the trash (Ctrl+Z undoes it)")):
            button.setEnabled(own and writable)
            button.setToolTip(what if own and writable else
                              READ_ONLY_TIP if own else BUNDLED_TIP)

    # -- showing a source ------------------------------------------------------------------------
    def load(self, source: Source) -> None:
        same = (self._source is not None and self._source.id == source.id
                and self._source.text == source.text)
        self._source = source
        self._show_heading()
        self.source_panel.show_target(source.id, source.title)
        self._update_buttons()
        if same:  # only its details changed: the reader stays where it is
            self._update_position()
            return
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

    def _show_heading(self) -> None:
        s = self._source
        if s is None:
            self.heading.setText("")
            return
        bits = [s.title]
        said = ", ".join(x for x in (s.publisher or s.author, _date(s.date)) if x)
        if said:
            bits.append(said)
        grade = self.session.store.grade_of(f"source:{s.id}")
        bits.append(f"reliability {grade_label(grade)}" if grade else "not graded")
        if s.own:
            bits.append(f"{OWN_MARK} your source")
        self.heading.setText(" \u00b7 ".join(bits))
        self.heading.setToolTip(plain_tooltip(s.url) if s.url else "")

    def _cursor(self, start: int, end: int) -> QTextCursor:
        assert self._source is not None
        text = self._source.text
        cursor = QTextCursor(self.reader.document())
        cursor.setPosition(utf16_offset(text, start))
        cursor.setPosition(utf16_offset(text, end), QTextCursor.MoveMode.KeepAnchor)
        return cursor

    def show_range(self, source_id: str, start: int, end: int) -> None:
        """Open a source at a quoted range, highlighted and scrolled into view."""
        row = self.source_model.row_of(source_id)
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

    def selected_range(self) -> tuple[int, int] | None:
        """The reader's selection as Python offsets into the source (None if no text)."""
        cursor = self.reader.textCursor()
        if self._source is None or not cursor.hasSelection():
            return None
        text = self._source.text
        start = python_offset(text, cursor.selectionStart())
        end = python_offset(text, cursor.selectionEnd())
        return (start, end) if text[start:end].strip() else None

    def selection_anchor(self):  # type: ignore[no-untyped-def]
        """The reader's selected text as a note anchor (None without a selection)."""
        found = self.selected_range()
        if found is None or self._source is None:
            return None
        from ..store.anchoring import make_anchor

        return make_anchor(self._source.id, self._source.text, *found)

    def selected_passage(self) -> OwnProvenance | None:
        """The selected text as what an own item can rest on: exactly the words selected."""
        found = self.selected_range()
        if found is None or self._source is None:
            return None
        start, end = found
        return OwnProvenance("passage", self._source.id, start, end,
                             self._source.text[start:end])

    def select_text(self, start: int, end: int) -> None:
        """Select a range of the current source in the reader (Python offsets)."""
        self.reader.setTextCursor(self._cursor(start, end))

    # -- the reader's context menu: notes and citing -----------------------------------------
    def reader_menu(self, pos: Any = None) -> QMenu:
        """The reader's context menu: the standard entries, Add Note, and citing the
        selection in a new or an existing own item."""
        menu = (self.reader.createStandardContextMenu(pos) if pos is not None
                else self.reader.createStandardContextMenu())
        has_text = self.selected_range() is not None
        ws = self.session.workspace
        writable = ws is not None and not ws.read_only
        action = getattr(self.window(), "add_note_action", None)
        menu.addSeparator()
        if action is not None and has_text:
            menu.addAction(action)
        cite_new = menu.addAction("Cite in new &item\u2026", self.cite_in_new_item)
        cite_new.setObjectName("citeInNewItem")
        cite_new.setEnabled(has_text and writable)
        cite_in = menu.addMenu("Cite &in")
        cite_in.setObjectName("citeIn")
        items = ws.own_items() if ws is not None and writable else []
        for item in items:
            label = f"{KIND_LABELS.get(item.kind, item.kind)}: {_short(item.title)}"
            entry = cite_in.addAction(label.replace("&", "&&"),
                                      lambda _=False, i=item.id: self.cite_in(i))
            entry.setData(item.id)
        if not items:
            cite_in.addAction("(none of your own items yet)").setEnabled(False)
        cite_in.setEnabled(has_text and writable and bool(items))
        return menu

    def _context_menu(self, pos) -> None:  # type: ignore[no-untyped-def]
        menu = self.reader_menu(pos)
        menu.exec(self.reader.mapToGlobal(pos))
        menu.deleteLater()

    def cite_in_new_item(self) -> bool:
        """Open the own-item editor resting on the selected words."""
        passage = self.selected_passage()
        if passage is None:
            return False
        from .own_items import ask_own_item

        return bool(ask_own_item(self.session, self, kind=None, provenance=[passage]))

    def cite_in(self, item_id: str) -> bool:
        """Add the selected words to what an existing own item rests on."""
        passage = self.selected_passage()
        if passage is None:
            return False
        from .own_items import add_provenance_to

        return bool(add_provenance_to(self.session, self, item_id, passage))

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

    # -- own sources: import, edit, delete -------------------------------------------------------
    def import_source(self) -> None:
        from .import_source import import_source_file

        source_id = import_source_file(self.session, self)
        if source_id:
            self.select(ItemRef("source", source_id))

    def edit_source(self) -> None:
        if self._source is not None and self._source.own:
            from .import_source import edit_source_details

            edit_source_details(self.session, self, self._source.id)

    def delete_source(self) -> None:
        """Move the selected own source to the trash: refused, with the reason, while any of
        the analyst's items cite it (the briefing's own items never cite an imported one)."""
        src = self._source
        if src is None or not src.own:
            return
        citing = [r for r in self.session.store.claims_on(src.id) if is_own(r.id)]
        if citing:
            from .import_source import refuse

            titles = self.session.store.titles(citing)
            names = "\n".join(f"\u2022 {KIND_LABELS.get(r.kind, r.kind)}: "
                              f"{_short(titles.get(r, r.id))}" for r in citing[:10])
            more = f"\n\u2026 and {len(citing) - 10} more" if len(citing) > 10 else ""
            refuse(self, "Source in use",
                   f"\u201c{src.title}\u201d cannot be deleted: {len(citing)} of your items "
                   f"rest on it.\n\n{names}{more}",
                   "Change or delete those items first (their claims list is below the "
                   "sources).")
            return
        from .commands import DeleteSource

        self.session.push(DeleteSource(self.session, src.id))

    # -- citations -------------------------------------------------------------------------------
    def _on_citation_row(self, index: QModelIndex) -> None:
        if index.isValid():
            c = self.citation_model.row_object(index.row()).citation
            self.citation_detail.setText(c.reference() + f"\n(fact {c.fact})")
            self.citation_panel.show_target(c.id, c.title)

    def show_citation(self, citation_id: str) -> None:
        rows = self.citation_model.rows()
        row = next((i for i, r in enumerate(rows) if r.citation.id == citation_id), -1)
        if row >= 0:
            self.citation_list.selectRow(row)
            self.citation_list.scrollTo(self.citation_model.index(row, 0))

    # -- tab protocol --------------------------------------------------------------------------
    def select(self, ref: ItemRef) -> None:
        if ref.kind == "source":
            row = self.source_model.row_of(ref.id)
            if row >= 0:
                self.source_list.selectRow(row)
                self.source_list.scrollTo(self.source_model.index(row, 0))

    def current_ref(self) -> ItemRef | None:
        return ItemRef("source", self._source.id) if self._source else None

    def focus_order(self) -> list[QWidget]:
        """Tab's order: the lists and their controls on the left, top to bottom, then the
        reader and its controls (read as two columns, not row by row across both)."""
        return [w for i in range(self.splitter.count())
                for w in reading_order(self.splitter.widget(i))]
