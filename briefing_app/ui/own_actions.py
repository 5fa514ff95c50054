"""The add, edit and delete actions of the tabs that show the analyst's own events, risks,
judgments, key figures and actors: buttons, context-menu actions and the Delete key.

Kept apart from the editor (``own_items.py``, a dialog of many Qt widgets) so that a tab's
first paint does not pay for importing it: the editor is imported when first opened.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QKeyEvent
from PySide6.QtWidgets import QPushButton, QWidget

from ..domain import ItemRef, is_own
from .richtext import OWN_MARK
from .session import Change, Session

#: What each kind is called in the window ("Add key figure...", "Delete your risk?").
KIND_NOUNS = {"event": "event", "risk": "risk", "judgment": "key judgment",
              "figure": "key figure", "actor": "actor"}


def noun(kind: str) -> str:
    return KIND_NOUNS.get(kind, kind)


# -- the tabs' actions -------------------------------------------------------------------------
class OwnItemActions(QObject):
    """Add, edit and delete own items of ``kinds`` from one tab: actions for its context
    menus, buttons, and the Delete key on its views. ``current()`` is the tab's selection;
    ``show(ref)`` selects an item the user just added."""

    def __init__(self, session: Session, parent: QWidget, kinds: Sequence[str],
                 current: Callable[[], ItemRef | None],
                 show: Callable[[ItemRef], None] | None = None):
        super().__init__(parent)
        self.session = session
        self.parent_widget = parent
        self.kinds = tuple(kinds)
        self.current = current
        self.show = show
        self.add_actions: dict[str, QAction] = {}
        for kind in self.kinds:
            action = QAction(f"Add {noun(kind)}\u2026", parent)
            action.setObjectName(f"actionAddOwn-{kind}")
            action.triggered.connect(lambda _=False, k=kind: self.add(k))
            self.add_actions[kind] = action
        self.edit_action = QAction("Edit\u2026", parent)
        self.edit_action.setObjectName("actionEditOwn")
        self.edit_action.triggered.connect(self.edit)
        self.delete_action = QAction("Delete", parent)
        self.delete_action.setObjectName("actionDeleteOwn")
        self.delete_action.triggered.connect(self.delete)
        self._buttons: list[tuple[QPushButton, str]] = []  # (button, "add"/"edit"/"delete")
        session.workspaceReady.connect(self.update)
        session.changed.connect(self._on_change)
        session.itemSelected.connect(lambda _ref: self.update())
        self.update()

    # -- wiring ---------------------------------------------------------------------------
    def actions(self) -> list[QAction]:
        """For a context menu: the add actions, then edit and delete (with separators)."""
        first = QAction(self.parent_widget)
        first.setSeparator(True)
        last = QAction(self.parent_widget)
        last.setSeparator(True)
        return [*self.add_actions.values(), first, self.edit_action, self.delete_action, last]

    def install(self, view: QWidget) -> None:
        """The actions in ``view``'s context menu and the Delete key on it."""
        for action in self.actions():
            view.addAction(action)
        view.installEventFilter(self)

    def button(self, role: str, text: str, name: str) -> QPushButton:
        """A button for "add" (of the only kind), "edit" or "delete" that follows its
        action's state and says why when it is disabled."""
        button = QPushButton(text, self.parent_widget)
        button.setObjectName(name)
        action = {"edit": self.edit_action, "delete": self.delete_action}.get(role)
        if action is None:
            action = self.add_actions[self.kinds[0]]
        button.clicked.connect(action.trigger)
        self._buttons.append((button, role))
        self.update()
        return button

    def add_menu_button(self, text: str, name: str) -> QPushButton:
        """One button opening a menu of the add actions (a tab showing several kinds)."""
        from PySide6.QtWidgets import QMenu

        button = QPushButton(text, self.parent_widget)
        button.setObjectName(name)
        menu = QMenu(button)
        for action in self.add_actions.values():
            menu.addAction(action)
        button.setMenu(menu)
        self._buttons.append((button, "add"))
        self.update()
        return button

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        """Delete on a view deletes the selected own item. ShortcutOverride is accepted so
        no window-wide Delete shortcut (the notes browser's) takes the key from the view."""
        if event.type() in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress) \
                and isinstance(event, QKeyEvent) and event.key() == Qt.Key.Key_Delete \
                and event.modifiers() == Qt.KeyboardModifier.NoModifier \
                and self.delete_action.isEnabled():
            if event.type() == QEvent.Type.ShortcutOverride:
                event.accept()
                return False
            self.delete()
            return True
        return False

    # -- state -----------------------------------------------------------------------------
    def _on_change(self, change: Change) -> None:
        if change.kind == "own":
            self.update()

    def own_selected(self) -> ItemRef | None:
        """The selection, if it is one of the analyst's own items of this tab's kinds."""
        ref = self.current()
        if ref is None or ref.kind not in self.kinds or not is_own(ref.id):
            return None
        return ref if self.session.store.own_item(ref.id) is not None else None

    def update(self) -> None:
        ws = self.session.workspace
        if ws is None:
            add_why = "Your workspace is still opening."
        elif ws.read_only:
            add_why = "Your workspace is read-only: nothing can be added or changed."
        else:
            add_why = ""
        for kind, action in self.add_actions.items():
            action.setEnabled(not add_why)
            action.setToolTip(add_why or f"Add your own {noun(kind)}, with what it rests on")
        ref = self.current()
        own = self.own_selected()
        if add_why:
            why, short = add_why, "read-only"
        elif own is not None:
            why, short = "", ""
        elif ref is not None and ref.kind in self.kinds:
            why = (f"The briefing's own items are read-only; you can add a note to this "
                   f"{noun(ref.kind)}, or add your own.")
            short = "the briefing's items are read-only"
        else:
            why = f"Select one of your own items (marked {OWN_MARK}) to change it."
            short = "select one of your own items"
        label = noun(own.kind) if own is not None else ""
        for action, verb, dots in ((self.edit_action, "Edit", "\u2026"),
                                   (self.delete_action, "Delete", "")):
            action.setEnabled(own is not None)
            if own is not None:
                action.setText(f"{verb} your {label}{dots}")
                action.setToolTip(f"{verb} your {label}")
            else:
                action.setText(f"{verb}{dots} ({short})")
                action.setToolTip(why)
        for button, role in self._buttons:
            if role == "add":
                button.setEnabled(not add_why)
                button.setToolTip(add_why or "Add your own item, with what it rests on")
            else:
                action = self.edit_action if role == "edit" else self.delete_action
                button.setEnabled(action.isEnabled())
                button.setToolTip(action.toolTip())

    # -- doing -----------------------------------------------------------------------------
    def add(self, kind: str) -> None:
        from .own_items import edit_own_item

        ref = edit_own_item(self.session, self.parent_widget, kind)
        if ref is not None and self.show is not None:
            self.show(ref)

    def edit(self) -> None:
        ref = self.own_selected()
        if ref is not None:
            from .own_items import edit_own_item

            edit_own_item(self.session, self.parent_widget, item_id=ref.id)

    def delete(self) -> None:
        ref = self.own_selected()
        if ref is not None:
            from .own_items import delete_own_item

            delete_own_item(self.session, self.parent_widget, ref.id)
