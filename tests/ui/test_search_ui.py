"""The search panel as a user meets it: results best first whatever their kind, each with its
matching words in bold, notes among them, and typing never waiting for a query."""

from __future__ import annotations

from PySide6.QtCore import Qt

from briefing_app.domain import ItemRef
from briefing_app.ui.main_window import MainWindow
from briefing_app.ui.search import HEAD_ROLE, HIT_ROLE, split_marks

from .searching import search


def test_a_keystroke_never_waits_for_the_query(window: MainWindow, qtbot) -> None:
    """The query runs on the search thread: the typing pause's handler returns at once with
    the query on its way, and the panel appears with its results when they come."""
    window.search_field.setText("Reko Diq")
    window._search_timer.stop()
    window._run_search()
    panel = window.search_results
    assert panel is not None and panel.busy()  # asked, not answered yet: the GUI moved on
    qtbot.waitUntil(lambda: not panel.busy() and panel.isVisible(), timeout=10_000)
    assert panel.hits and window.status.text().startswith(f"{len(panel.hits)} results")


def test_a_query_typed_past_is_never_shown(window: MainWindow, qtbot) -> None:
    window.search_field.setText("cobalt")
    window._run_search()
    window.search_field.setText("zzzzqqq")
    window._run_search()
    panel = window.search_results
    qtbot.waitUntil(lambda: not panel.busy(), timeout=10_000)
    qtbot.wait(50)  # anything still queued from "cobalt" has arrived by now
    assert panel.hits == [] and "Nothing matches \u201czzzzqqq\u201d" in panel.message.text()


def test_rows_show_kind_title_and_the_matching_words_in_bold(window: MainWindow,
                                                            qtbot) -> None:
    panel = search(window, qtbot, "cobalt")
    model = panel.model
    rows = [model.index(r, 0) for r in range(model.rowCount())]
    assert [r.data(HIT_ROLE) for r in rows] == panel.hits  # one flat list, best first
    for row in rows:
        hit = row.data(HIT_ROLE)
        assert any(bold for _text, bold in split_marks(hit.snippet)), hit  # its words, bold
        kind, title = row.data(HEAD_ROLE)
        assert row.data().startswith(f"{kind}: {title}")
        assert "\u2039" not in row.data() and hit.title in row.data()  # plain for readers
    # Painted in two lines: what and which, then the words.
    option_height = panel.tree.sizeHintForRow(0)
    assert option_height >= 2 * panel.tree.fontMetrics().lineSpacing()


def test_a_note_is_found_and_opens_what_it_annotates(window: MainWindow, qtbot) -> None:
    ws = window.session.workspace
    assert ws is not None
    ws.add_note("Check the Saindak smelter's tailings permit.",
                target=ItemRef("project", "saindak"))
    panel = search(window, qtbot, "tailings permit")
    [hit] = [h for h in panel.hits if h.kind == "note"]
    assert panel.hit_text(hit).startswith("Your note: Check the Saindak")
    panel.focus_results()
    row = next(r for r in range(panel.model.rowCount())
               if panel.model.index(r, 0).data(HIT_ROLE) == hit)
    panel.tree.setCurrentIndex(panel.model.index(row, 0))
    qtbot.keyClick(panel.tree, Qt.Key.Key_Return)
    assert window.session.current == ItemRef("project", "saindak")
    assert "Your note" in window.status.text()


def test_a_search_that_cannot_read_says_so(window: MainWindow, qtbot, monkeypatch) -> None:
    """Busy past the timeout, or a file gone: the panel says what happened, nothing raises."""
    import sqlite3

    from briefing_app.ui import search as panel_module

    def locked(*_args, **_kwargs):  # type: ignore[no-untyped-def]
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(panel_module, "run_search", locked)
    panel = search(window, qtbot, "cobalt")
    assert panel.hits == []
    assert panel.message.text() == ("The search could not read the briefing or your "
                                    "workspace (database is locked).")
    assert panel.isVisible()


def test_the_rows_keep_their_width_while_typing(window: MainWindow, qtbot) -> None:
    """As the results grow past the list's height and shrink again, the rows keep their width
    (no scroll bar coming and going): nothing is cut at another place while typing, and each
    keystroke paints the rows once."""
    widths = {}
    for text in ("cobalt", "li", "cobalt"):
        panel = search(window, qtbot, text)
        qtbot.waitUntil(panel.isVisible)
        qtbot.wait(20)  # laid out as shown
        tree = panel.tree
        fits = tree.viewport().height() // tree.sizeHintForRow(0)
        widths[text, panel.model.rowCount() > fits] = tree.viewport().width()
    assert {more for _text, more in widths} == {False, True}  # fewer rows than fit, and more
    assert len(set(widths.values())) == 1, widths
