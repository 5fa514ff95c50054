"""What the user types is committed, never dropped: one mechanism for every free-text editor.

A :class:`TextBinding` ties an editor (``QLineEdit`` or ``QPlainTextEdit``) to the value it
edits and to the function that saves it (which pushes one undo command, or remembers a
setting). Typed text is committed

- when focus leaves the editor (not for a context menu or a completer popup),
- when the owner loads another value into the editor (the selection moved), and
- whenever the window asks :class:`PendingEdits` to commit everything: the tab changes, the
  window closes, an export or print starts, an undo is asked for.

Editors inside item views (a table cell being edited) are committed through the same
registry (:meth:`PendingEdits.watch_view`). Dialogs that collect text before saving ask
before their text is thrown away (:func:`keep_or_discard`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMessageBox

Editor = QLineEdit | QPlainTextEdit
#: Focus moves that do not mean "the user is done with this text".
_TRANSIENT = (Qt.FocusReason.PopupFocusReason,)


class Pending(Protocol):
    def commit(self) -> bool: ...


class TextBinding(QObject):
    """One editor bound to one value at a time: ``load(key, value)`` shows a value,
    ``commit()`` saves typed text through ``save(key, text)`` (once per change)."""

    def __init__(self, editor: Editor, save: Callable[[object, str], bool | None],
                 registry: PendingEdits | None = None):
        super().__init__(editor)  # lives and dies with its editor
        self.editor = editor
        self._save = save
        self._key: object = None
        self._bound = False
        self._saved = self.text()
        editor.installEventFilter(self)
        if registry is not None:
            registry.add(self)

    @property
    def key(self) -> object:
        return self._key

    def text(self) -> str:
        if isinstance(self.editor, QPlainTextEdit):
            return self.editor.toPlainText()
        return self.editor.text()

    def is_dirty(self) -> bool:
        """True when the editor holds typed text that is not saved yet."""
        return self._bound and self.text() != self._saved

    def commit(self) -> bool:
        """Save typed text (one undo step); False when there was nothing to save."""
        if not self.is_dirty():
            return False
        text, before = self.text(), self._saved
        self._saved = text  # first: the save's change signal may load this value again
        try:
            saved = self._save(self._key, text)
        except Exception:
            self._saved = before  # still unsaved: kept in the editor, committed next time
            raise
        if saved is False:  # refused (the workspace could not save it): keep it unsaved
            self._saved = before
            return False
        return True

    def load(self, key: object, value: str) -> None:
        """Show ``value`` (of ``key``), after saving what was typed for the previous key."""
        self.commit()
        self._key, self._bound, self._saved = key, True, value
        if self.text() != value:
            if isinstance(self.editor, QPlainTextEdit):
                self.editor.setPlainText(value)
            else:
                self.editor.setText(value)

    def unbind(self) -> None:
        """Save what was typed, then stop tracking (the editor shows nothing editable)."""
        self.commit()
        self._bound = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if (watched is self.editor and event.type() == QEvent.Type.FocusOut
                and isinstance(event, QFocusEvent) and event.reason() not in _TRANSIENT):
            self.commit()
        return False


def commit_view_editor(view: QAbstractItemView) -> bool:
    """Commit and close the cell editor open in ``view``, if any."""
    if not shiboken6.isValid(view) or view.state() != QAbstractItemView.State.EditingState:
        return False
    editor = view.indexWidget(view.currentIndex())
    if editor is None:
        return False
    view.commitData(editor)
    view.closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)
    return True


class PendingEdits(QObject):
    """Every place that may hold typed, unsaved text; ``commit_all()`` saves them all."""

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._pending: list[Pending] = []
        self._views: list[QAbstractItemView] = []

    def add(self, pending: Pending) -> None:
        self._pending.append(pending)
        if isinstance(pending, QObject):
            pending.destroyed.connect(lambda _=None, p=pending: self._forget(p))

    def remove(self, pending: Pending) -> None:
        self._forget(pending)

    def _forget(self, pending: Pending) -> None:
        self._pending = [p for p in self._pending if p is not pending]

    def watch_view(self, view: QAbstractItemView) -> None:
        self._views.append(view)
        view.destroyed.connect(lambda _=None, v=view: self._views.remove(v)
                               if v in self._views else None)

    def commit_all(self) -> int:
        """Save every pending text; returns how many were saved."""
        saved = 0
        for view in list(self._views):
            saved += commit_view_editor(view)
        for pending in list(self._pending):
            if isinstance(pending, QObject) and not shiboken6.isValid(pending):
                continue
            saved += pending.commit()
        return saved


def keep_or_discard(parent: QWidget, what: str) -> QMessageBox.StandardButton:
    """Ask what to do with typed text a dialog is about to close on: Save, Discard or Cancel
    (keep editing). The default is Save, so Enter never throws text away."""
    from PySide6.QtWidgets import QMessageBox  # (not needed before the first paint)

    box = QMessageBox(QMessageBox.Icon.Question, "Unsaved text",
                      f"You have typed {what} that is not saved yet.",
                      QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                      | QMessageBox.StandardButton.Cancel, parent)
    box.setObjectName("keepOrDiscard")
    box.setInformativeText("Save it, discard it, or go back to editing?")
    box.setDefaultButton(QMessageBox.StandardButton.Save)
    box.setEscapeButton(QMessageBox.StandardButton.Cancel)
    return QMessageBox.StandardButton(box.exec())
