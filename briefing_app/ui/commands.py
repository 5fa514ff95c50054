"""Undo commands: one ``QUndoCommand`` per user action, each calling one store function.

``redo()`` and ``undo()`` change the workspace and then announce the change on the session, so
every view refreshes the same way whether the user acted, undid or redid (Orange's pattern).
Commands are pushed with :meth:`Session.push`, which applies them first and puts them on the
undo stack only once the workspace has saved them: a failed save leaves no undo step.
"""

from __future__ import annotations

from PySide6.QtGui import QUndoCommand

from ..domain import ItemRef
from ..store.workspace import ChecklistEntry, Note, TextAnchor, Workspace
from .session import Change, Session

FIELD_LABELS = {
    "reviewed": "reviewed",
    "likelihood": "likelihood",
    "impact": "impact",
    "owner": "owner",
    "status": "status",
    "next_review": "next review date",
    "rationale": "rationale",
}


def _workspace(session: Session) -> Workspace:
    assert session.workspace is not None, "the workspace opens before any edit is possible"
    return session.workspace


class StoreCommand(QUndoCommand):
    """A command whose first ``redo()`` already ran in :meth:`Session.push` (so the stack's
    own call is skipped), and whose later undo or redo, if the workspace refuses it, is
    reported and dropped from the stack rather than leaving the stack and the data apart."""

    session: Session

    def __init__(self, parent: QUndoCommand | None = None):
        super().__init__(parent)
        self.applied = False

    def apply(self) -> None:
        raise NotImplementedError

    def revert(self) -> None:
        raise NotImplementedError

    def redo(self) -> None:
        if self.applied:  # done once already, by Session.push
            self.applied = False
            return
        self._guarded(self.apply)

    def undo(self) -> None:
        self._guarded(self.revert)

    def _guarded(self, step) -> None:  # type: ignore[no-untyped-def]
        from ..store.workspace import WorkspaceError

        try:
            step()
        except WorkspaceError as exc:
            self.setObsolete(True)
            self.session.saveFailed.emit(str(exc))


class SetChecklistField(StoreCommand):
    """Set one field of one risk's review."""

    def __init__(self, session: Session, risk_id: str, name: str, value: object,
                 title: str = "", parent: QUndoCommand | None = None):
        super().__init__(parent)
        self.session = session
        self.risk_id = risk_id
        self.name = name
        self.value = value
        self.before: object = getattr(_workspace(session).checklist_entry(risk_id), name)
        label = FIELD_LABELS.get(name, name)
        self.setText(f"set {label} of \u201c{title or risk_id}\u201d")

    def apply(self) -> None:
        _workspace(self.session).set_checklist_field(self.risk_id, self.name, self.value)
        self.session.notify(Change("checklist", (self.risk_id,)))

    def revert(self) -> None:
        _workspace(self.session).set_checklist_field(self.risk_id, self.name, self.before)
        self.session.notify(Change("checklist", (self.risk_id,)))


class ResetAssessment(StoreCommand):
    """Go back to the briefing's likelihood and impact for one risk (one undo step)."""

    def __init__(self, session: Session, risk_id: str, title: str = ""):
        super().__init__()
        self.session = session
        self.risk_id = risk_id
        self.before: ChecklistEntry = _workspace(session).checklist_entry(risk_id)
        self.setText(f"reset \u201c{title or risk_id}\u201d to the briefing's assessment")

    def apply(self) -> None:
        _workspace(self.session).reset_assessment(self.risk_id)
        self.session.notify(Change("checklist", (self.risk_id,)))

    def revert(self) -> None:
        _workspace(self.session).restore_checklist_entry(self.before)
        self.session.notify(Change("checklist", (self.risk_id,)))


class AddNote(StoreCommand):
    """Add a note; undo removes it, redo puts the same note (same id) back."""

    def __init__(self, session: Session, body: str, *, target: ItemRef | None = None,
                 anchor: TextAnchor | None = None, tag: str = "", colour: str = ""):
        super().__init__()
        self.session = session
        self.args = {"target": target, "anchor": anchor, "tag": tag, "colour": colour}
        self.body = body
        self.note: Note | None = None
        label = str(target) if target is not None else "a passage"
        self.setText(f"add a note to {label}")

    def apply(self) -> None:
        ws = _workspace(self.session)
        if self.note is None:
            self.note = ws.add_note(self.body, **self.args)  # type: ignore[arg-type]
        else:
            ws.import_notes([self.note])
        self.session.notify(Change("notes", (self.note.id,)))

    def revert(self) -> None:
        assert self.note is not None
        _workspace(self.session).purge_note(self.note.id)
        self.session.notify(Change("notes", (self.note.id,)))


class EditNote(StoreCommand):
    def __init__(self, session: Session, note_id: str, body: str, tag: str, colour: str):
        super().__init__()
        self.session = session
        self.note_id = note_id
        self.after = (body, tag, colour)
        before = _workspace(session).note(note_id)
        assert before is not None
        self.before = (before.body, before.tag, before.colour)
        self.setText("edit a note")

    def _set(self, values: tuple[str, str, str]) -> None:
        body, tag, colour = values
        _workspace(self.session).update_note(self.note_id, body=body, tag=tag, colour=colour)
        self.session.notify(Change("notes", (self.note_id,)))

    def apply(self) -> None:
        self._set(self.after)

    def revert(self) -> None:
        self._set(self.before)


class DeleteNote(StoreCommand):
    """Move a note to the trash (undo restores it)."""

    def __init__(self, session: Session, note_id: str):
        super().__init__()
        self.session = session
        self.note_id = note_id
        self.setText("delete a note")

    def apply(self) -> None:
        _workspace(self.session).delete_note(self.note_id)
        self.session.notify(Change("notes", (self.note_id,)))

    def revert(self) -> None:
        _workspace(self.session).restore_note(self.note_id)
        self.session.notify(Change("notes", (self.note_id,)))


class RestoreNote(StoreCommand):
    """Take a note back out of the trash (undo puts it back in)."""

    def __init__(self, session: Session, note_id: str):
        super().__init__()
        self.session = session
        self.note_id = note_id
        self.setText("restore a note from the trash")

    def apply(self) -> None:
        _workspace(self.session).restore_note(self.note_id)
        self.session.notify(Change("notes", (self.note_id,)))

    def revert(self) -> None:
        _workspace(self.session).delete_note(self.note_id)
        self.session.notify(Change("notes", (self.note_id,)))
