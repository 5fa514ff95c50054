"""Notes in the window: the note editor dialog, the notes panel of the selected item, and the
"All notes" browser (search, filters, trash, unanchored notes, jump to the item).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QColor, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..domain import ItemRef
from ..store.anchoring import Placement, place_notes
from ..store.describe import KIND_LABELS
from ..store.workspace import NOTE_COLOURS, Note, TextAnchor
from .commands import AddNote, DeleteNote, EditNote, RestoreNote
from .edits import keep_or_discard
from .models import ListTableModel, SourceSortProxy
from .richtext import plain_tooltip
from .session import Change, Session
from .views import row_table

COLOUR_HEX = {"yellow": "#f5d547", "green": "#7cc67f", "blue": "#7fb0e8", "pink": "#ef9ac0",
              "orange": "#f2a65a"}
TAB_LABELS = {"overview": "Overview", "minerals": "Regional Minerals", "timeline": "Timeline",
              "risks": "Risk Checklist", "sources": "Sources"}


class NoteDialog(QDialog):
    """Write or edit one note: text (plain, line breaks kept), optional tag and colour."""

    def __init__(self, title: str, target_label: str, note: Note | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setObjectName("noteDialog")
        self.resize(520, 360)
        self.body = QPlainTextEdit(self)
        self.body.setTabChangesFocus(True)  # Tab moves on to the tag and the buttons
        self.body.setObjectName("noteText")
        self.body.setAccessibleName("Note text")
        self.body.setPlaceholderText("Your note (plain text; line breaks are kept)")
        self.tag = QLineEdit(self)
        self.tag.setObjectName("noteTag")
        self.tag.setAccessibleName("Tag")
        self.tag.setMaxLength(200)
        self.colour = QComboBox(self)
        self.colour.setObjectName("noteColour")
        self.colour.setAccessibleName("Colour")
        for c in NOTE_COLOURS:
            self.colour.addItem(c or "none", c)
        if note is not None:
            self.body.setPlainText(note.body)
            self.tag.setText(note.tag)
            self.colour.setCurrentIndex(max(0, self.colour.findData(note.colour)))
        self._initial = self.values()
        target = QLabel(f"On: {target_label}", self)
        target.setTextFormat(Qt.TextFormat.PlainText)  # a title or quote, shown literally
        target.setWordWrap(True)
        form = QFormLayout()
        form.addRow("&Tag:", self.tag)
        form.addRow("&Colour:", self.colour)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(target)
        layout.addWidget(self.body, 1)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.body.setFocus()

    def values(self) -> tuple[str, str, str]:
        return (self.body.toPlainText(), self.tag.text().strip(),
                self.colour.currentData() or "")

    def is_dirty(self) -> bool:
        return self.values() != self._initial

    def _accept(self) -> None:
        if not self.body.toPlainText().strip():
            QMessageBox.information(self, "Empty note", "Write something before saving.")
            return
        self.accept()

    def commit(self) -> bool:
        """The window is closing (or the session ends) under the open editor: save."""
        if self.isVisible() and self.is_dirty() and self.body.toPlainText().strip():
            self.accept()
            return True
        return False

    def ask(self, session: Session) -> bool:
        """Run the dialog; while it is open, closing the window saves its text."""
        session.edits.add(self)
        try:
            return self.exec() == QDialog.DialogCode.Accepted
        finally:
            session.edits.remove(self)

    def reject(self) -> None:
        """Cancel, Escape or the close button: typed text is never dropped without asking."""
        if self.is_dirty() and self.body.toPlainText().strip():
            answer = keep_or_discard(self, "a note")
            if answer == QMessageBox.StandardButton.Save:
                self._accept()
                return
            if answer != QMessageBox.StandardButton.Discard:
                return  # keep editing
        super().reject()


def target_label(store: Any, ref: ItemRef | None, anchor: TextAnchor | None = None) -> str:
    if ref is not None:
        item = store.item(ref)
        kind = KIND_LABELS.get(ref.kind, ref.kind)
        return f"{kind}: {item.title}" if item else f"a {kind.lower()} no longer in the briefing"
    if anchor is not None:
        quote = anchor.quote if len(anchor.quote) < 80 else anchor.quote[:77] + "\u2026"
        source = store.source(anchor.source_id)
        where = f"\u201c{source.title}\u201d" if source is not None else "a source"
        return f"text in {where}: \u201c{quote}\u201d"  # a title, never the source's id
    return ""


def ask_note(session: Session, parent: QWidget, *, ref: ItemRef | None = None,
             anchor: TextAnchor | None = None) -> bool:
    """Ask for a note on ``ref`` or ``anchor`` and add it as one undoable action."""
    ws = session.workspace
    if ws is None or ws.read_only:
        QMessageBox.information(parent, "Notes are read-only",
                                "Your workspace is read-only, so notes cannot be added.")
        return False
    dialog = NoteDialog("Add note", target_label(session.store, ref, anchor), None, parent)
    if not dialog.ask(session):
        return False
    body, tag, colour = dialog.values()
    return session.push(AddNote(session, body, target=ref, anchor=anchor, tag=tag,
                                colour=colour), keep_text=body)


def edit_note(session: Session, parent: QWidget, note: Note) -> bool:
    dialog = NoteDialog("Edit note", target_label(session.store, note.target, note.anchor), note,
                        parent)
    if not dialog.ask(session):
        return False
    body, tag, colour = dialog.values()
    if (body, tag, colour) != (note.body, note.tag, note.colour):
        return session.push(EditNote(session, note.id, body, tag, colour), keep_text=body)
    return True


class NoteListModel(ListTableModel[Note]):
    columns = (("Note", lambda n: n.body),)

    def data(self, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        note = self.row_object(index.row())
        if role == Qt.ItemDataRole.DisplayRole:
            first = note.body.strip().split("\n")[0]
            head = f"[{note.tag}] " if note.tag else ""
            quote = (f"\u201c{note.anchor.quote[:40]}\u201d \u2014 " if note.anchor else "")
            return f"{head}{quote}{first}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return plain_tooltip(note.body)
        if role == Qt.ItemDataRole.DecorationRole and note.colour:
            return QColor(COLOUR_HEX[note.colour])
        return None


class NotesPanel(QWidget):
    """The notes of the selected item (for a source: also the notes on its text)."""

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.ref: ItemRef | None = None
        self.title = QLabel("<b>Your notes</b>", self)
        self.model = NoteListModel([], self)
        self.list = QListView(self)
        self.list.setObjectName("itemNotes")
        self.list.setAccessibleName("Notes on the selected item")
        self.list.setModel(self.model)
        self.list.setWordWrap(True)
        self.list.doubleClicked.connect(lambda _i: self.edit_selected())
        self.add_button = QPushButton("&Add note\u2026", self)
        self.add_button.setObjectName("addNote")
        self.add_button.clicked.connect(self.add)
        self.edit_button = QPushButton("&Edit\u2026", self)
        self.edit_button.clicked.connect(self.edit_selected)
        self.delete_button = QPushButton("De&lete", self)
        self.delete_button.setObjectName("deleteNote")
        self.delete_button.clicked.connect(self.delete_selected)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        session.itemSelected.connect(self.show_item)
        session.changed.connect(self._on_change)
        session.workspaceReady.connect(self.refresh)
        self.refresh()

    def show_item(self, ref: ItemRef | None) -> None:
        self.ref = ref
        self.refresh()

    def _on_change(self, change: Change) -> None:
        if change.kind == "notes":
            self.refresh()

    def notes(self) -> list[Note]:
        ws = self.session.workspace
        if ws is None or self.ref is None:
            return []
        notes = ws.notes(target=self.ref)
        if self.ref.kind == "source":
            notes += ws.notes(source_id=self.ref.id)
        return notes

    def refresh(self) -> None:
        self.model.set_rows(self.notes())
        ws = self.session.workspace
        can_add = self.ref is not None and ws is not None and not ws.read_only
        self.add_button.setEnabled(can_add)
        self.edit_button.setEnabled(can_add and self.model.rowCount() > 0)
        self.delete_button.setEnabled(can_add and self.model.rowCount() > 0)
        n = self.model.rowCount()
        self.title.setText(f"<b>Your notes</b> ({n})" if self.ref else "<b>Your notes</b>")

    def selected(self) -> Note | None:
        index = self.list.currentIndex()
        if not index.isValid():
            if self.model.rowCount() == 1:
                return self.model.row_object(0)
            return None
        return self.model.row_object(index.row())

    def add(self) -> None:
        if self.ref is not None:
            ask_note(self.session, self, ref=self.ref)

    def edit_selected(self) -> None:
        note = self.selected()
        if note is not None:
            edit_note(self.session, self, note)

    def delete_selected(self) -> None:
        note = self.selected()
        if note is not None:
            self.session.push(DeleteNote(self.session, note.id))


# -- All notes ---------------------------------------------------------------------------------
class AllNotesModel(ListTableModel[Placement]):
    COL_NOTE, COL_TARGET, COL_TAB, COL_TAG, COL_UPDATED, COL_STATUS = range(6)

    def __init__(self, store: Any, parent: Any = None):
        self.store = store
        super().__init__([], parent)
        self.columns = (
            ("Note", lambda p: " ".join(p.note.body.split())[:200]),
            ("On", self._target),
            ("Tab", lambda p: TAB_LABELS.get(p.tab, p.tab)),
            ("Tag", lambda p: p.note.tag),
            ("Updated", lambda p: p.note.updated_at.replace("T", " ").rstrip("Z")),
            ("Status", self._status),
        )

    def _target(self, p: Placement) -> str:
        if p.note.target is not None:
            return target_label(self.store, p.note.target) if p.anchored else (
                f"{KIND_LABELS.get(p.note.target.kind, p.note.target.kind)} no longer in the "
                "briefing")
        assert p.note.anchor is not None
        return f"Text: \u201c{p.note.anchor.quote[:60]}\u201d"

    def _status(self, p: Placement) -> str:
        if p.note.deleted_at:
            return "in trash"
        return "anchored" if p.anchored else "unanchored"

    def data(self, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if role == Qt.ItemDataRole.DecorationRole and index.isValid() and index.column() == 0:
            colour = self.row_object(index.row()).note.colour
            return QColor(COLOUR_HEX[colour]) if colour else None
        if role == Qt.ItemDataRole.ToolTipRole and index.isValid():
            return plain_tooltip(self.row_object(index.row()).note.body)
        return super().data(index, role)


class AllNotesFilter(SourceSortProxy):
    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self.text = ""
        self.kind = ""
        self.tag = ""
        self.tab = ""
        self.status = "active"

    def set_filters(self, **values: str) -> None:
        self.beginFilterChange()
        for k, v in values.items():
            setattr(self, k, v)
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, row: int, parent: Any) -> bool:  # noqa: N802
        model = self.sourceModel()
        assert isinstance(model, AllNotesModel)
        p = model.row_object(row)
        n = p.note
        deleted = bool(n.deleted_at)
        if self.status == "trash" and not deleted:
            return False
        if self.status != "trash" and deleted:
            return False
        if self.status == "unanchored" and p.anchored:
            return False
        kind = n.target.kind if n.target is not None else "passage"
        if self.kind and kind != self.kind:
            return False
        if self.tag and n.tag != self.tag:
            return False
        if self.tab and p.tab != self.tab:
            return False
        if self.text:
            hay = " ".join((n.body, n.tag, model._target(p))).casefold()
            return all(word in hay for word in self.text.casefold().split())
        return True


class NotesBrowser(QWidget):
    """Every note in one list, with search, filters, the trash and the unanchored notes."""

    jumpRequested = Signal(object)  # noqa: N815  Placement

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.model = AllNotesModel(session.store, self)
        self.proxy = AllNotesFilter(self)
        self.proxy.setSourceModel(self.model)
        self.table = row_table(self, "allNotes", "All notes", self.proxy, widths=(280, 220),
                               sortable=True)
        self.table.doubleClicked.connect(lambda _i: self.jump())

        self.search = QLineEdit(self)
        self.search.setObjectName("notesSearch")
        self.search.setAccessibleName("Search notes")
        self.search.setPlaceholderText("Search notes")
        self.search.setClearButtonEnabled(True)
        self.kind = QComboBox(self)
        self.kind.setAccessibleName("Filter notes by kind")
        self.kind.addItem("All kinds", "")
        for k, label in KIND_LABELS.items():
            self.kind.addItem(label, k)
        self.kind.addItem("Source text", "passage")
        self.tag = QComboBox(self)
        self.tag.setAccessibleName("Filter notes by tag")
        self.tab = QComboBox(self)
        self.tab.setAccessibleName("Filter notes by tab")
        self.tab.addItem("All tabs", "")
        for k, label in TAB_LABELS.items():
            self.tab.addItem(label, k)
        self.status = QComboBox(self)
        self.status.setObjectName("notesStatus")
        self.status.setAccessibleName("Which notes")
        for label, value in (("Notes", "active"), ("Unanchored notes", "unanchored"),
                             ("Trash", "trash")):
            self.status.addItem(label, value)
        for w in (self.kind, self.tag, self.tab, self.status):
            w.currentIndexChanged.connect(self._apply)
        self.search.textChanged.connect(self._apply)

        self.go_button = QPushButton("&Go to", self)
        self.go_button.clicked.connect(self.jump)
        self.edit_button = QPushButton("&Edit\u2026", self)
        self.edit_button.clicked.connect(self.edit)
        self.delete_button = QPushButton("&Delete", self)
        self.delete_button.clicked.connect(self.delete)
        self.restore_button = QPushButton("&Restore", self)
        self.restore_button.setObjectName("restoreNote")
        self.restore_button.clicked.connect(self.restore)
        self.empty_button = QPushButton("Empty &trash", self)
        self.empty_button.setObjectName("emptyTrash")
        self.empty_button.clicked.connect(self.empty_trash)
        self.count = QLabel(self)

        filters = QHBoxLayout()
        filters.addWidget(self.search, 2)
        for w in (self.status, self.kind, self.tag, self.tab):
            filters.addWidget(w, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.count)
        buttons.addStretch(1)
        for b in (self.go_button, self.edit_button, self.delete_button, self.restore_button,
                  self.empty_button):
            buttons.addWidget(b)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.delete_button.setShortcut(QKeySequence.StandardKey.Delete)
        session.changed.connect(self._on_change)
        session.workspaceReady.connect(self.refresh)
        self.refresh()

    def _on_change(self, change: Change) -> None:
        if change.kind == "notes":
            self.refresh()

    def refresh(self) -> None:
        ws = self.session.workspace
        notes = ws.notes(include_deleted=True) if ws is not None else []
        self.model.set_rows(place_notes(self.session.store, notes))
        current = self.tag.currentData() or ""
        self.tag.blockSignals(True)
        self.tag.clear()
        self.tag.addItem("All tags", "")
        for t in sorted({n.tag for n in notes if n.tag}):
            self.tag.addItem(t, t)
        self.tag.setCurrentIndex(max(0, self.tag.findData(current)))
        self.tag.blockSignals(False)
        self._apply()

    def _apply(self) -> None:
        self.proxy.set_filters(text=self.search.text(), kind=self.kind.currentData() or "",
                               tag=self.tag.currentData() or "",
                               tab=self.tab.currentData() or "",
                               status=self.status.currentData() or "active")
        trash = self.proxy.status == "trash"
        self.restore_button.setVisible(trash)
        self.empty_button.setVisible(trash)
        self.delete_button.setVisible(not trash)
        self.edit_button.setVisible(not trash)
        n = self.proxy.rowCount()
        self.count.setText(f"{n} note{'s' if n != 1 else ''}")

    def selected(self) -> Placement | None:
        index: QModelIndex = self.table.currentIndex()
        if not index.isValid():
            return None
        return self.model.row_object(self.proxy.mapToSource(index).row())

    def jump(self) -> None:
        p = self.selected()
        if p is not None and p.anchored:
            self.jumpRequested.emit(p)

    def edit(self) -> None:
        p = self.selected()
        if p is not None:
            edit_note(self.session, self, p.note)

    def delete(self) -> None:
        p = self.selected()
        if p is not None and not p.note.deleted_at:
            self.session.push(DeleteNote(self.session, p.note.id))

    def restore(self) -> None:
        p = self.selected()
        if p is not None and p.note.deleted_at:
            self.session.push(RestoreNote(self.session, p.note.id))

    def empty_trash(self) -> None:
        ws = self.session.workspace
        if ws is None or not ws.trash():
            return
        answer = QMessageBox.question(
            self, "Empty the trash",
            f"Delete the {len(ws.trash())} note(s) in the trash for good? This cannot be undone.")
        if answer == QMessageBox.StandardButton.Yes:
            ws.empty_trash()
            # Emptying cannot be undone; drop undo steps that refer to the purged notes.
            self.session.undo_stack.clear()
            self.session.notify(Change("notes"))
