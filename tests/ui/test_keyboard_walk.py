"""The four tasks of issue 16 with the keyboard alone, in the real window: read the briefing,
follow a claim to its source (and come back), find what happened when, review a risk."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QTextBrowser

from briefing_app.ui.main_window import MainWindow
from briefing_app.ui.models import RiskChecklistModel as M

Key = Qt.Key
CTRL, ALT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.AltModifier


def press(qtbot, key: Key, modifier=Qt.KeyboardModifier.NoModifier) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClick(QApplication.focusWidget(), key, modifier)


def tab_until(qtbot, wanted, limit: int = 400) -> None:  # type: ignore[no-untyped-def]
    """Press Tab until ``wanted(focused widget)`` holds."""
    for _ in range(limit):
        if wanted(QApplication.focusWidget()):
            return
        press(qtbot, Key.Key_Tab)
    raise AssertionError("never reached with Tab")


def on_link(prefix: str):  # type: ignore[no-untyped-def]
    """A focused text whose current link starts with ``prefix``."""
    def check(w) -> bool:  # type: ignore[no-untyped-def]
        return (isinstance(w, QTextBrowser)
                and w.textCursor().charFormat().anchorHref().startswith(prefix))
    return check


def test_the_four_tasks_with_the_keyboard_alone(window: MainWindow, qtbot) -> None:
    window.resize(1280, 820)
    window.activateWindow()
    window.search_field.setFocus()
    qtbot.wait(50)
    ws = window.session.workspace
    assert ws is not None

    # 1. Read the briefing: the Overview, a key judgment opened with Enter.
    press(qtbot, Key.Key_1, CTRL)
    qtbot.wait(50)
    tab_until(qtbot, on_link("sel:judgment:"))
    press(qtbot, Key.Key_Return)
    judgment = window.session.current
    assert judgment is not None and judgment.kind == "judgment"

    # 2. Follow its claim to the source: Tab into the details, to "Show in source", Enter.
    tab_until(qtbot, lambda w: w is window.detail.browser)
    tab_until(qtbot, on_link("source:"))
    press(qtbot, Key.Key_Return)
    assert window.current_tab_key() == "sources"
    reader_text = window.tab("sources").highlighted_text()  # type: ignore[attr-defined]
    assert reader_text  # the quoted passage, highlighted in the reader
    press(qtbot, Key.Key_Left, ALT)  # and back to the judgment
    assert window.current_tab_key() == "overview" and window.session.current == judgment

    # 3. Find what happened when: the Timeline, events of 2025, the first one's details.
    press(qtbot, Key.Key_3, CTRL)
    qtbot.wait(50)
    timeline = window.tab("timeline")
    tab_until(qtbot, lambda w: w is timeline.date_from)  # type: ignore[attr-defined]
    qtbot.keyClicks(timeline.date_from, "2025")  # type: ignore[attr-defined]
    tab_until(qtbot, lambda w: w is timeline.list)  # type: ignore[attr-defined]
    press(qtbot, Key.Key_Down)
    event = window.session.current
    assert event is not None and event.kind == "event"
    shown = next(e for e in timeline.events if e.id == event.id)  # type: ignore[attr-defined]
    assert shown.date.iso.startswith("2025")
    assert shown.date.label() in window.detail.browser.toPlainText()

    # 4. Review a risk: the checklist, mark the first risk reviewed, write why, save.
    press(qtbot, Key.Key_4, CTRL)
    qtbot.wait(50)
    risks = window.tab("risks")
    tab_until(qtbot, lambda w: w is risks.table)  # type: ignore[attr-defined]
    press(qtbot, Key.Key_Home, CTRL)  # the first row's first cell: Reviewed
    current = risks.table.currentIndex()  # type: ignore[attr-defined]
    assert current.column() == M.COL_REVIEWED
    press(qtbot, Key.Key_Space)  # ticks the box
    risk_id = risks.model.risk(risks.proxy.mapToSource(current).row()).id  # type: ignore[attr-defined]
    assert ws.checklist_entry(risk_id).reviewed
    tab_until(qtbot, lambda w: w is risks.rationale)  # type: ignore[attr-defined]
    qtbot.keyClicks(risks.rationale, "Attacks continue near the mine roads.")  # type: ignore[attr-defined]
    press(qtbot, Key.Key_Return, CTRL)  # saves
    assert ws.checklist_entry(risk_id).rationale == "Attacks continue near the mine roads."
