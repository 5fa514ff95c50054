"""Tab and Shift+Tab alone reach every control of every tab, in reading order, and never get
stuck (issue 16): a test walks the focus chain of the real window."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QWidget

from briefing_app.ui.main_window import TABS, MainWindow

STEPS = 400  # the Overview's text has a few hundred links, each a Tab stop as in a browser


def _walk(window: MainWindow, qtbot, key: Qt.Key) -> list[QWidget]:  # type: ignore[no-untyped-def]
    """The widgets focus visits from the search field until it comes back to it (each
    stretch of stops in one widget, like links in a text, counted once)."""
    window.search_field.setFocus()
    seen: list[QWidget] = []
    for _ in range(STEPS):
        qtbot.keyClick(QApplication.focusWidget(), key)
        focused = QApplication.focusWidget()
        assert focused is not None, "focus left the window"
        if focused is window.search_field:
            return seen
        if not seen or seen[-1] is not focused:
            seen.append(focused)
    raise AssertionError(f"focus never came back to the search field: stuck in "
                         f"{seen[-1].objectName() or type(seen[-1]).__name__}")


def _where(w: QWidget, window: MainWindow) -> tuple[int, int]:
    p = w.mapTo(window, QPoint(0, 0))
    return p.y() // 12, p.x()


@pytest.mark.parametrize("index", range(len(TABS)))
def test_tab_walks_every_control_in_reading_order_and_back(window: MainWindow, qtbot,
                                                          index: int) -> None:
    window.resize(1280, 820)
    window.tabs.setCurrentIndex(index)
    qtbot.wait(60)  # the tab is built, laid out, and its order worked out
    tab = window.tabs.currentWidget()
    forward = _walk(window, qtbot, Qt.Key.Key_Tab)
    assert forward[0] is window.tabs.tabBar()  # the tabs first, then what the tab shows
    in_tab = [w for w in forward if tab.isAncestorOf(w)]
    in_details = [w for w in forward if window.detail.isAncestorOf(w)]
    assert forward == [forward[0], *in_tab, *in_details]  # then the details pane, then back
    reachable = [w for w in tab.findChildren(QWidget)
                 if w.isVisible() and w.isEnabled()
                 and w.focusPolicy() & Qt.FocusPolicy.TabFocus and w.focusProxy() is None
                 and not (w.parentWidget() is not None
                          and getattr(w.parentWidget(), "viewport", lambda: None)() is w)]
    missing = [w.objectName() or type(w).__name__ for w in reachable if w not in in_tab]
    assert not missing, f"never reached with Tab: {missing}"
    if TABS[index][0] == "sources":
        # Two columns: the lists on the left top to bottom, then the reader.
        reader = window.tab("sources").reader  # type: ignore[attr-defined]
        assert in_tab[-1] is reader
        left = in_tab[:-1]
    else:
        left = in_tab
    places = [_where(w, window) for w in left]
    assert places == sorted(places), [w.objectName() for w in left]  # top to bottom, left to right
    backward = _walk(window, qtbot, Qt.Key.Key_Backtab)
    assert backward == list(reversed(forward))  # Shift+Tab: the same way back


def test_typing_a_rationale_never_traps_the_keyboard(window: MainWindow, qtbot) -> None:
    window.tabs.setCurrentIndex(3)
    tab = window.tab("risks")
    tab.table.selectRow(0)
    tab.rationale.setFocus()
    qtbot.keyClicks(tab.rationale, "Because")
    qtbot.keyClick(tab.rationale, Qt.Key.Key_Tab)
    assert not tab.rationale.hasFocus() and "\t" not in tab.rationale.toPlainText()


def _dialog_walk(dialog, qtbot, key: Qt.Key) -> list[QWidget]:  # type: ignore[no-untyped-def]
    start = QApplication.focusWidget()
    assert start is not None and dialog.isAncestorOf(start)
    seen = [start]
    for _ in range(80):
        qtbot.keyClick(QApplication.focusWidget(), key)
        focused = QApplication.focusWidget()
        assert focused is not None and dialog.isAncestorOf(focused), "focus left the dialog"
        if focused is start:
            return seen
        if seen[-1] is not focused:
            seen.append(focused)
    raise AssertionError(f"Tab is stuck in {seen[-1].objectName() or type(seen[-1])}")


def _check_dialog(dialog, qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None
                    and dialog.isAncestorOf(QApplication.focusWidget()))
    forward = _dialog_walk(dialog, qtbot, Qt.Key.Key_Tab)
    reachable = [w for w in dialog.findChildren(QWidget)
                 if w.isVisible() and w.isEnabled() and w.focusProxy() is None
                 and w.focusPolicy() & Qt.FocusPolicy.TabFocus
                 and not (w.parentWidget() is not None
                          and getattr(w.parentWidget(), "viewport", lambda: None)() is w)
                 and type(w.parentWidget()).__name__ not in ("QComboBox", "QSpinBox",
                                                            "QDateEdit")]
    missing = [w.objectName() or type(w).__name__ for w in reachable if w not in forward]
    assert not missing, f"never reached with Tab: {missing}"
    backward = _dialog_walk(dialog, qtbot, Qt.Key.Key_Backtab)
    assert backward[1:] == list(reversed(forward[1:]))
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    assert not dialog.isVisible()  # Escape closes it


def test_the_export_dialog_by_keyboard(window: MainWindow, qtbot) -> None:
    from briefing_app.ui.export_dialog import ExportDialog

    _check_dialog(ExportDialog(window.session, window), qtbot)


def test_the_note_dialog_by_keyboard(window: MainWindow, qtbot) -> None:
    from briefing_app.ui.notes import NoteDialog

    _check_dialog(NoteDialog("Add note", "Risk: insurgent violence", parent=window), qtbot)


def test_the_own_item_dialog_by_keyboard(window: MainWindow, qtbot) -> None:
    from briefing_app.ui.own_items import OwnItemDialog

    _check_dialog(OwnItemDialog(window.session, "risk", parent=window), qtbot)


def test_the_credibility_grade_is_built_when_first_needed_and_joins_the_tab_order(
        window: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    pane = window.detail
    # Nothing gradeable is shown at the first paint: the row is not built yet.
    assert pane.grade is None and window.findChild(QWidget, "credibilityRow") is None
    window.resize(1280, 820)
    window.tabs.setCurrentIndex(3)
    tab = window.tab("risks")
    qtbot.wait(60)  # the tab's Tab order is worked out, without the grade
    tab.table.selectRow(0)
    qtbot.waitUntil(lambda: pane.grade is not None and pane.grade.isVisible())
    assert window.findChild(QWidget, "credibilityRow") is pane.grade_row
    assert pane.grade.currentData() == "" and pane.grade.isEnabled()
    qtbot.wait(60)  # the new control's place in Tab's order is worked out
    forward = _walk(window, qtbot, Qt.Key.Key_Tab)
    in_details = [w for w in forward if pane.isAncestorOf(w)]
    assert in_details[:2] == [pane.browser, pane.grade]  # under the description it grades
    backward = _walk(window, qtbot, Qt.Key.Key_Backtab)
    assert backward == list(reversed(forward))
