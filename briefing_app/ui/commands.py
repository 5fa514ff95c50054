"""Undo commands: one ``QUndoCommand`` per user action, each calling one store function.

``redo()`` and ``undo()`` change the workspace and then announce the change on the session, so
every view refreshes the same way whether the user acted, undid or redid (Orange's pattern).
"""

from __future__ import annotations

from PySide6.QtGui import QUndoCommand

from ..store.workspace import ChecklistEntry, Workspace
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


class SetChecklistField(QUndoCommand):
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

    def redo(self) -> None:
        _workspace(self.session).set_checklist_field(self.risk_id, self.name, self.value)
        self.session.notify(Change("checklist", (self.risk_id,)))

    def undo(self) -> None:
        _workspace(self.session).set_checklist_field(self.risk_id, self.name, self.before)
        self.session.notify(Change("checklist", (self.risk_id,)))


class ResetAssessment(QUndoCommand):
    """Go back to the briefing's likelihood and impact for one risk (one undo step)."""

    def __init__(self, session: Session, risk_id: str, title: str = ""):
        super().__init__()
        self.session = session
        self.risk_id = risk_id
        self.before: ChecklistEntry = _workspace(session).checklist_entry(risk_id)
        self.setText(f"reset \u201c{title or risk_id}\u201d to the briefing's assessment")

    def redo(self) -> None:
        _workspace(self.session).reset_assessment(self.risk_id)
        self.session.notify(Change("checklist", (self.risk_id,)))

    def undo(self) -> None:
        _workspace(self.session).restore_checklist_entry(self.before)
        self.session.notify(Change("checklist", (self.risk_id,)))
