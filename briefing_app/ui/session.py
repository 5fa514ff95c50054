"""What every part of the window shares: the stores, the undo stack and one change signal.

Views never open a database: they ask the session's stores, and change the workspace only by
pushing an undo command. After each change the session emits ``changed`` with what changed, and
each view refreshes only what concerns it (Anki's "operation did execute").
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from ..domain import ItemRef
from ..store.briefing import BriefingStore
from .edits import PendingEdits

if TYPE_CHECKING:  # the workspace module is imported after the first paint
    from ..store.workspace import OpenReport, Workspace
    from .commands import StoreCommand


@dataclass(frozen=True)
class Change:
    """What a user action changed: ``kind`` is "checklist", "notes", "own" (the analyst's
    own items and sources) or "grades"; ``ids`` what exactly."""

    kind: str
    ids: tuple[str, ...] = ()


class Session(QObject):
    changed = Signal(object)  # Change
    workspaceReady = Signal()  # noqa: N815 (Qt naming)
    itemSelected = Signal(object)  # noqa: N815  ItemRef | None: what the user looks at
    openRequested = Signal(object)  # noqa: N815  ItemRef: show this item in its tab
    sourceRequested = Signal(str, int, int)  # noqa: N815  source id, start, end
    citationRequested = Signal(str)  # noqa: N815  citation id
    saveFailed = Signal(str)  # noqa: N815  a change the workspace did not save, in words

    def __init__(self, store: BriefingStore, workspace_folder: Path | None = None,
                 parent: QObject | None = None):
        super().__init__(parent)
        from ..store.view import BriefingView

        self.bundled = store
        #: What every view reads: the bundled briefing with the analyst's own work added.
        self.store = BriefingView(store)
        self._workspace_folder = workspace_folder
        self.workspace: Workspace | None = None
        self.open_report: OpenReport | None = None
        self.undo_stack = QUndoStack(self)
        #: Every editor that may hold typed, unsaved text (committed before anything else).
        self.edits = PendingEdits(self)
        self.current: ItemRef | None = None

    @property
    def workspace_folder(self) -> Path:
        """Where the user's work lives: as given, else $BRIEFING_APP_WORKSPACE, else the
        platform's user data folder (resolved only when first needed)."""
        if self._workspace_folder is None:
            from ..paths import workspace_dir

            self._workspace_folder = workspace_dir()
        return self._workspace_folder

    def open_workspace(self) -> OpenReport:
        """Open the user's workspace; one that cannot be opened now (in use by another
        process, written by a newer version) is left as it is and the window runs
        read-only, saying why."""
        from ..store.workspace import WorkspaceError, open_workspace, unavailable_workspace

        try:
            self.workspace, self.open_report = open_workspace(self.workspace_folder)
        except WorkspaceError as exc:
            self.workspace, self.open_report = unavailable_workspace(str(exc))
        self.store.attach(self.workspace)
        self.workspaceReady.emit()
        return self.open_report

    def select(self, ref: ItemRef | None) -> None:
        self.current = ref
        self.itemSelected.emit(ref)

    def open_item(self, ref: ItemRef) -> None:
        self.openRequested.emit(ref)

    def show_source(self, source_id: str, start: int, end: int) -> None:
        self.sourceRequested.emit(source_id, start, end)

    def show_citation(self, citation_id: str) -> None:
        self.citationRequested.emit(citation_id)

    def notify(self, change: Change) -> None:
        if change.kind in ("own", "grades"):
            self.store.refresh()  # the merged view re-reads the analyst's own work
        self.changed.emit(change)

    def push(self, command: StoreCommand, keep_text: str = "") -> bool:
        """Apply a user action; only once the workspace has saved it does it become an undo
        step. On failure nothing is on the stack, ``saveFailed`` says why, and ``keep_text``
        (what the user wrote) is put on the clipboard so it is not lost."""
        from ..store.workspace import WorkspaceError

        try:
            command.apply()
        except (WorkspaceError, ValueError, KeyError) as exc:  # refused, in words
            message = str(exc).strip("'\"")
            if keep_text:
                from PySide6.QtGui import QGuiApplication

                QGuiApplication.clipboard().setText(keep_text)
                message += " What you wrote has been copied to the clipboard."
            self.saveFailed.emit(message)
            return False
        command.applied = True  # the stack's first redo() is this one
        self.undo_stack.push(command)
        return True

    def commit_edits(self) -> int:
        """Save whatever the user has typed and not saved yet (one undo step each)."""
        return self.edits.commit_all()

    def undo(self) -> None:
        """Undo the last step; typed, unsaved text is that step (it is saved first)."""
        self.commit_edits()
        self.undo_stack.undo()

    def redo(self) -> None:
        self.commit_edits()
        self.undo_stack.redo()
