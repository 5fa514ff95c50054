"""Undo commands: one ``QUndoCommand`` per user action, each calling one store function.

``redo()`` and ``undo()`` change the workspace and then announce the change on the session, so
every view refreshes the same way whether the user acted, undid or redid (Orange's pattern).
Commands are pushed with :meth:`Session.push`, which applies them first and puts them on the
undo stack only once the workspace has saved them: a failed save leaves no undo step.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QUndoCommand

from ..domain import ItemRef
from ..store.own import OwnItem, OwnProvenance
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
        except (WorkspaceError, ValueError, KeyError) as exc:
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


def _named(session: Session, target: ItemRef | None) -> str:
    """What a note is on, in words (the item's title, never its internal id)."""
    if target is None:
        return "a passage"
    item = session.store.item(target)
    if item is None or not item.title:
        return "an item no longer in the briefing"
    return f"\u201c{item.title}\u201d"


class AddNote(StoreCommand):
    """Add a note; undo removes it, redo puts the same note (same id) back."""

    def __init__(self, session: Session, body: str, *, target: ItemRef | None = None,
                 anchor: TextAnchor | None = None, tag: str = "", colour: str = ""):
        super().__init__()
        self.session = session
        self.args = {"target": target, "anchor": anchor, "tag": tag, "colour": colour}
        self.body = body
        self.note: Note | None = None
        self.setText(f"add a note to {_named(session, target)}")

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


# -- the analyst's own work -------------------------------------------------------------------
class AddOwnItem(StoreCommand):
    """Add an own item (event, risk, judgment, figure, actor); undo removes it, redo puts the
    same item (same id) back."""

    def __init__(self, session: Session, kind: str, fields: dict[str, object],
                 provenance: list[OwnProvenance]):
        super().__init__()
        self.session = session
        self.kind = kind
        self.fields = fields
        self.provenance = provenance
        self.item: OwnItem | None = None
        self.setText(f"add your {kind} \u201c{_title(fields)}\u201d")

    def apply(self) -> None:
        ws = _workspace(self.session)
        if self.item is None:
            self.item = ws.add_own_item(self.kind, self.fields, self.provenance)
        else:
            ws.add_own_item(self.kind, self.item.fields, self.item.provenance,
                            item_id=self.item.id, created_at=self.item.created_at,
                            updated_at=self.item.updated_at)
        self.session.notify(Change("own", (self.item.id,)))

    def revert(self) -> None:
        assert self.item is not None
        _workspace(self.session).purge_own_item(self.item.id)
        self.session.notify(Change("own", (self.item.id,)))


class EditOwnItem(StoreCommand):
    def __init__(self, session: Session, item_id: str, fields: dict[str, object],
                 provenance: list[OwnProvenance]):
        super().__init__()
        self.session = session
        self.item_id = item_id
        self.after = (fields, provenance)
        before = _workspace(session).own_item(item_id)
        assert before is not None
        self.before = (dict(before.fields), list(before.provenance))
        self.setText(f"edit your {before.kind} \u201c{_title(fields)}\u201d")

    def _set(self, values: tuple[dict[str, object], list[OwnProvenance]]) -> None:
        _workspace(self.session).update_own_item(self.item_id, *values)
        self.session.notify(Change("own", (self.item_id,)))

    def apply(self) -> None:
        self._set(self.after)

    def revert(self) -> None:
        self._set(self.before)


class DeleteOwnItem(StoreCommand):
    """Delete an own item (kept in the workspace's trash; undo restores it)."""

    def __init__(self, session: Session, item_id: str):
        super().__init__()
        self.session = session
        self.item_id = item_id
        item = _workspace(session).own_item(item_id)
        self.kind = item.kind if item else ""
        self.setText(f"delete your {item.kind if item else 'item'} "
                     f"\u201c{item.title if item else item_id}\u201d")

    def apply(self) -> None:
        _workspace(self.session).delete_own_item(self.item_id)
        self.session.notify(Change("own", (self.item_id,)))

    def revert(self) -> None:
        _workspace(self.session).restore_own_item(self.item_id)
        self.session.notify(Change("own", (self.item_id,)))
        if self.kind:  # back where it was, selected, as the user left it
            self.session.open_item(ItemRef(self.kind, self.item_id))


class ImportSource(StoreCommand):
    """Import a read source (``readers.read_source``); undo removes it, redo stores it again
    under the same id."""

    def __init__(self, session: Session, read: Any, title: str, publisher: str = "",
                 date: str = "", url: str = ""):
        super().__init__()
        self.session = session
        self.read = read
        self.meta = {"title": title, "publisher": publisher, "date": date, "url": url}
        self.source_id: str | None = None
        self.imported_at: str | None = None
        self.setText(f"import the source \u201c{title or read.title}\u201d")

    def apply(self) -> None:
        src = _workspace(self.session).import_source(
            self.read, source_id=self.source_id, imported_at=self.imported_at, **self.meta)
        self.source_id, self.imported_at = src.id, src.imported_at
        self.session.notify(Change("own", (src.id,)))

    def revert(self) -> None:
        assert self.source_id is not None
        _workspace(self.session).purge_own_source(self.source_id)
        self.session.notify(Change("own", (self.source_id,)))


class EditSource(StoreCommand):
    """Change an imported source's title, publisher, date and URL."""

    def __init__(self, session: Session, source_id: str, title: str, publisher: str,
                 date: str, url: str):
        super().__init__()
        self.session = session
        self.source_id = source_id
        self.after = {"title": title, "publisher": publisher, "date": date, "url": url}
        before = _workspace(session).own_source(source_id)
        assert before is not None
        self.before = {"title": before.title, "publisher": before.publisher,
                       "date": before.date, "url": before.url}
        self.setText(f"edit the source \u201c{title}\u201d")

    def apply(self) -> None:
        _workspace(self.session).update_own_source(self.source_id, **self.after)
        self.session.notify(Change("own", (self.source_id,)))

    def revert(self) -> None:
        _workspace(self.session).update_own_source(self.source_id, **self.before)
        self.session.notify(Change("own", (self.source_id,)))


class DeleteSource(StoreCommand):
    """Move an imported source to the trash (refused while own items cite it)."""

    def __init__(self, session: Session, source_id: str):
        super().__init__()
        self.session = session
        self.source_id = source_id
        src = _workspace(session).own_source(source_id)
        self.setText(f"delete the source \u201c{src.title if src else source_id}\u201d")

    def apply(self) -> None:
        _workspace(self.session).delete_own_source(self.source_id)
        self.session.notify(Change("own", (self.source_id,)))

    def revert(self) -> None:
        _workspace(self.session).restore_own_source(self.source_id)
        self.session.notify(Change("own", (self.source_id,)))


class SetGrade(StoreCommand):
    """Grade a source's reliability (A-F) or an item's credibility (1-6); "" clears it."""

    def __init__(self, session: Session, target: str, grade: str, label: str = ""):
        super().__init__()
        self.session = session
        self.target = target
        self.grade = grade
        self.before = _workspace(session).grades().get(target, "")
        what = label or target
        self.setText(f"grade \u201c{what}\u201d {grade}" if grade else
                     f"clear the grade of \u201c{what}\u201d")

    def apply(self) -> None:
        _workspace(self.session).set_grade(self.target, self.grade)
        self.session.notify(Change("grades", (self.target,)))

    def revert(self) -> None:
        _workspace(self.session).set_grade(self.target, self.before)
        self.session.notify(Change("grades", (self.target,)))


def _title(fields: dict[str, object]) -> str:
    text = str(fields.get("title") or fields.get("text") or fields.get("label")
               or fields.get("name") or "")
    return text if len(text) <= 60 else text[:57] + "\u2026"
