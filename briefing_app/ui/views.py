"""The one way this app sets up a table of rows (select a whole row, one at a time), how a
text with links lets Tab through its links and then out, and the reading order Tab follows."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QAbstractItemModel, QEvent, QObject, QPoint, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLayout,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)


def row_table(parent: QWidget, name: str, accessible_name: str, model: QAbstractItemModel,
              widths: Sequence[int] = (), row_numbers: bool = False,
              stretch_last: bool = True, sortable: bool = False) -> QTableView:
    """A QTableView over ``model``: whole-row single selection, one line per row,
    interactive column widths (``widths`` for the first columns); ``sortable`` lets a click
    on a header sort, starting in the model's own order."""
    table = QTableView(parent)
    table.setObjectName(name)
    table.setAccessibleName(accessible_name)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setWordWrap(False)
    # Tab leaves the table for the next control, as everywhere else; the arrow keys move
    # between rows and cells (Tab moving cell to cell trapped the keyboard in every table).
    table.setTabKeyNavigation(False)
    table.verticalHeader().setVisible(row_numbers)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(stretch_last)
    for column, width in enumerate(widths):
        header.resizeSection(column, width)
    if sortable:
        # No sort column yet: enabling sorting would otherwise sort by the first column.
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        table.setSortingEnabled(True)
    return table


Part = QWidget | QLayout | tuple[QWidget, int]


def column(parent: QWidget, *parts: Part) -> QWidget:
    """A plain widget stacking ``parts`` top to bottom with no margins; a (widget, stretch)
    pair gives that widget the extra height."""
    box = QWidget(parent)
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    for part in parts:
        if isinstance(part, tuple):
            layout.addWidget(part[0], part[1])
        elif isinstance(part, QLayout):
            layout.addLayout(part)
        else:
            layout.addWidget(part)
    return box


class _LinksThenOut(QObject):
    """Tab and Shift+Tab in a text with links: to the next or previous link, as in a web
    browser, and past the last or first one to the next or previous control. (Qt's own
    Shift+Tab stayed on the first link for ever.)"""

    def eventFilter(self, watched, event) -> bool:  # type: ignore[no-untyped-def]  # noqa: N802
        if event.type() != QEvent.Type.KeyPress or not isinstance(watched, QTextBrowser):
            return False
        key = event.key()
        if key not in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab) or event.modifiers() & (
                Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier):
            return False
        forward = key == Qt.Key.Key_Tab and not event.modifiers() & \
            Qt.KeyboardModifier.ShiftModifier
        before = watched.textCursor()
        before_span = (before.anchor(), before.position())
        moved = watched.focusNextPrevChild(forward)  # the next link, if there is one
        after = watched.textCursor()
        if moved and watched.hasFocus() and (after.anchor(), after.position()) == before_span:
            moved = False  # "moved" to the link it was on: at the end of the links
        if not moved and watched.hasFocus():
            cleared = watched.textCursor()
            cleared.clearSelection()
            watched.setTextCursor(cleared)
            QWidget.focusNextPrevChild(watched, forward)  # on to the next control
        return True


_LINKS_THEN_OUT = _LinksThenOut()


def links_then_out(browser: QTextBrowser) -> None:
    """Give ``browser`` the Tab behaviour of ``_LinksThenOut``."""
    browser.installEventFilter(_LINKS_THEN_OUT)


def reorder_focus_later(widget: QWidget) -> None:
    """Controls were added to ``widget`` after its window worked out Tab's reading order: work
    it out again once they are laid out (the window's ``order_focus``, if it has one)."""
    order = getattr(widget.window(), "order_focus", None)
    if order is not None:
        QTimer.singleShot(0, order)


def reading_order(container: QWidget) -> list[QWidget]:
    """The controls in ``container`` that Tab stops at, top to bottom then left to right
    (rows of controls whose tops are within a few pixels count as one row)."""
    # (Imported here: each Qt class costs its first import a few milliseconds of start-up.)
    from PySide6.QtWidgets import QAbstractScrollArea, QAbstractSpinBox, QComboBox

    found = []
    window = container.window()
    for w in container.findChildren(QWidget):
        if w.window() is not window:
            continue  # a dialog the container opened: a window of its own
        # (Disabled controls are placed too: they take focus once enabled.)
        if (not w.focusPolicy() & Qt.FocusPolicy.TabFocus or w.focusProxy() is not None
                or not w.isVisibleTo(container)):
            continue
        parent = w.parentWidget()
        if isinstance(parent, QAbstractSpinBox | QComboBox):  # a control's inner editor
            continue
        if isinstance(parent, QAbstractScrollArea) and w is parent.viewport():
            continue  # the view itself takes focus, not its drawing surface
        top_left = w.mapTo(container, QPoint(0, 0))
        found.append((top_left.y() // 12, top_left.x(), w))
    found.sort(key=lambda t: (t[0], t[1]))
    return [w for _row, _x, w in found]
