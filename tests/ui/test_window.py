"""The real main window, driven offscreen: tabs, shortcuts, details, sources, search, settings."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable

import pytest
from PySide6.QtCore import QSettings, Qt, QUrl
from PySide6.QtWidgets import QApplication, QTextBrowser

from briefing_app.domain import ItemRef
from briefing_app.store.briefing import BriefingStore
from briefing_app.ui.main_window import TABS, MainWindow

from .searching import search


def _detail_text(window: MainWindow) -> str:
    return window.detail.browser.toPlainText()


def test_every_tab_renders_real_data_and_ctrl_numbers_switch(window: MainWindow, qtbot,
                                                             store: BriefingStore) -> None:
    for n, (key, _title, _m, _c) in enumerate(TABS, start=1):
        qtbot.keyClick(window, Qt.Key(Qt.Key.Key_0 + n), Qt.KeyboardModifier.ControlModifier)
        assert window.current_tab_key() == key
    overview = window.tab("overview")
    text = overview.browser.toPlainText()  # type: ignore[attr-defined]
    assert store.overview().title in text
    for j in store.judgments():
        assert j.text.split()[0] in text
    assert "Key figures" in text and "Benefits for Pakistan" in text and "Actors" in text
    assert window.tab("minerals").proxy.rowCount() >= 8  # type: ignore[attr-defined]
    assert window.tab("timeline").proxy.rowCount() == len(store.events())  # type: ignore[attr-defined]
    assert window.tab("risks").proxy.rowCount() == len(store.risks())  # type: ignore[attr-defined]
    assert store.sources()[0].title in window.tab("sources").reader.toPlainText()  # type: ignore[attr-defined]


def test_overview_chart_is_built_after_first_paint(window: MainWindow, qtbot) -> None:
    overview = window.tab("overview")
    qtbot.waitUntil(lambda: overview.chart is not None)  # type: ignore[attr-defined]
    chart = overview.chart  # type: ignore[attr-defined]
    plot = chart.plot.getPlotItem()
    assert plot.getAxis("left").labelText == "China's share (%)"
    assert plot.legend is not None and len(plot.legend.items) == 2
    bars = {fid for *_x, fid in chart._bars}
    assert "china-ree-processing-ap-2025" in bars and "china-ree-mining-ap-2025" in bars


def test_clicking_an_overview_element_shows_its_sources(window: MainWindow) -> None:
    overview = window.tab("overview")
    judgment = window.session.store.judgments()[0]
    overview._on_link(QUrl(f"sel:judgment:{judgment.id}"))
    text = _detail_text(window)
    assert judgment.text[:40] in text.replace("\n", " ")
    assert "Sources" in text and "[1]" in text


def test_minerals_map_table_and_details_stay_in_step(window: MainWindow, qtbot) -> None:
    window.tabs.setCurrentIndex(1)
    tab = window.tab("minerals")
    tab.resize(1000, 800)
    qtbot.waitExposed(tab.map)
    # Clicking Balochistan on the map filters the table and shows the region.
    tab.map.regionClicked.emit("balochistan")
    assert tab.region_filter.currentData() == "balochistan"
    names = {tab.proxy.index(r, 0).data() for r in range(tab.proxy.rowCount())}
    assert {"Copper", "Gold", "Chromite"} <= names
    assert all(tab.proxy.index(r, 1).data() == "Balochistan" for r in range(tab.proxy.rowCount()))
    assert "Balochistan" in _detail_text(window)
    assert tab.map.selected_region == "balochistan"
    # Selecting a mineral row highlights where it occurs and shows the mineral.
    tab.table.setFocus()
    tab.table.selectRow(0)
    row_name = tab.proxy.index(0, 0).data()
    assert row_name in _detail_text(window)
    assert tab.map.selected_region == "balochistan"
    # Clicking a project marker selects the project and its minerals' rows.
    tab.map.projectClicked.emit("reko-diq")
    assert "Reko Diq" in _detail_text(window)
    rows = {tab.proxy.index(i.row(), 0).data() for i in tab.table.selectionModel().selectedRows()}
    assert {"Copper", "Gold"} <= rows


def test_map_click_on_region_polygon(window: MainWindow, qtbot) -> None:
    window.tabs.setCurrentIndex(1)
    tab = window.tab("minerals")
    qtbot.waitExposed(tab.map)
    point = tab.map.region_item_center("sindh").toPoint()
    with qtbot.waitSignal(tab.map.regionClicked, timeout=2000) as blocker:
        qtbot.mouseClick(tab.map.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert blocker.args == ["sindh"]
    assert tab.region_filter.currentData() == "sindh"


def test_timeline_list_and_chart_stay_in_step(window: MainWindow, qtbot,
                                              store: BriefingStore) -> None:
    window.tabs.setCurrentIndex(2)
    tab = window.tab("timeline")
    events = store.events()
    # Chart click -> list selection -> details.
    target = next(e for e in events if e.date.iso == "2025-09-08")
    tab.chart.eventClicked.emit(target.id)
    current = tab.list.currentIndex()
    assert tab.proxy.index(current.row(), 2).data() == target.title
    assert target.title in _detail_text(window)
    assert tab.chart._marker.data["x"][0] == pytest.approx(tab.chart.event_position(target.id)[0])
    # Right steps to the next event in date order.
    tab.list.setFocus()
    qtbot.keyClick(tab.list, Qt.Key.Key_Right)
    nxt = tab.list.currentIndex()
    assert nxt.row() == current.row() + 1
    assert tab.proxy.index(nxt.row(), 2).data() in _detail_text(window)
    qtbot.keyClick(tab.list, Qt.Key.Key_Left)
    assert tab.list.currentIndex().row() == current.row()


def test_timeline_dates_keep_their_precision(window: MainWindow) -> None:
    tab = window.tab("timeline")
    month_events = [e for e in window.session.store.events() if e.date.precision == "month"]
    assert month_events, "the fact base has month-precision events (e.g. Oct 2025 shipment)"
    spans = {eid: (start, end) for start, end, _y, eid in tab.chart._spans}
    for e in month_events:
        start, end = spans[e.id]
        assert end - start > 27 * 86400  # drawn over the month, not as a day
    row = tab.model.row_of(month_events[0].id)
    assert tab.model.index(row, 0).data() == month_events[0].date.short_label()
    assert len(month_events[0].date.short_label().split()) == 2  # "Oct 2025": no day


def test_timeline_filters_apply_to_list_and_chart(window: MainWindow,
                                                  store: BriefingStore) -> None:
    tab = window.tab("timeline")
    tab.category_filter.setCurrentIndex(tab.category_filter.findData("security"))
    n = tab.proxy.rowCount()
    assert 0 < n < len(store.events())
    assert all(tab.proxy.index(r, 3).data() == "security" for r in range(n))
    assert len(tab.chart._events) == n
    tab.category_filter.setCurrentIndex(0)
    tab.date_from.setText("2025-09-01")
    tab.date_to.setText("2025-09-30")
    titles = [tab.proxy.index(r, 2).data() for r in range(tab.proxy.rowCount())]
    expected = [e.title for e in store.events() if e.date.iso.startswith("2025-09")]
    assert sorted(titles) == sorted(expected) and titles
    tab.fit_button.click()


def test_show_source_highlights_the_quoted_passage(window: MainWindow,
                                                   store: BriefingStore) -> None:
    benefit = store.benefits()[0]
    window.open_item(ItemRef("benefit", benefit.id))
    quote = next(p for p in store.provenance(ItemRef("benefit", benefit.id)) if p.kind == "quote")
    window.detail._on_link(QUrl(f"source:{quote.source_id}:{quote.start}:{quote.end}"))
    assert window.current_tab_key() == "sources"
    sources = window.tab("sources")
    assert sources.highlighted_text() == quote.quote  # type: ignore[attr-defined]
    selections = sources.reader.extraSelections()  # type: ignore[attr-defined]
    assert [s.cursor.selectedText() for s in selections] == [quote.quote]


def test_cited_fact_shows_its_full_citation(window: MainWindow, store: BriefingStore) -> None:
    event = store.events()[-1]
    window.open_item(ItemRef("event", event.id))
    cite = next(p for p in store.provenance(ItemRef("event", event.id)) if p.kind == "citation")
    assert cite.citation is not None
    text = " ".join(_detail_text(window).split())
    assert cite.citation.url in text.replace(" ", "") or cite.citation.url[:30] in text
    assert cite.citation.publisher in text
    window.detail._on_link(QUrl(f"citation:{cite.citation.id}"))
    sources = window.tab("sources")
    assert cite.citation.url in sources.citation_detail.text()  # type: ignore[attr-defined]


@pytest.mark.parametrize(("query", "kind", "title_part"), [
    ("Jaffar Express", "event", "Jaffar"),
    ("chromite Muslim Bagh", "project", "Muslim Bagh"),
    ("technology transfer", "benefit", "Technology"),
])
def test_search_opens_the_right_item(window: MainWindow, qtbot, query: str, kind: str,
                                     title_part: str) -> None:
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.search_field.hasFocus()
    qtbot.keyClicks(window.search_field, query)
    qtbot.waitUntil(lambda: window.search_results is not None
                    and window.search_results.isVisible() and bool(window.search_results.hits))
    results = window.search_results
    hit = next(h for h in results.hits if h.kind == kind)
    results.open_hit(hit)
    assert window.session.current == ItemRef(kind, hit.id)
    assert title_part in _detail_text(window)


def test_search_passage_opens_reader(window: MainWindow, qtbot) -> None:
    window.search_field.setText("smartphones")
    qtbot.waitUntil(lambda: window.search_results is not None
                    and window.search_results.hits != [])
    hit = next(h for h in window.search_results.hits if h.kind == "passage")
    window.search_results.open_hit(hit)
    assert window.current_tab_key() == "sources"
    assert "smartphones" in window.tab("sources").highlighted_text()  # type: ignore[attr-defined]


@pytest.mark.parametrize("query", ['"', "AND", "*", "(", 'NEAR("', "OR OR", "title:", "\u00a0",
                                   "''", "-", "^", "a" * 500])
def test_malformed_search_never_errors(window: MainWindow, qtbot, query: str) -> None:
    search(window, qtbot, query)
    if not query.strip():  # nothing to search: the results stay out of the way
        assert window.search_results is None or not window.search_results.isVisible()
    else:
        assert window.search_results.message.text() != "" or window.search_results.hits


def test_no_results_says_so(window: MainWindow, qtbot) -> None:
    search(window, qtbot, "zzzzqqq")
    assert "Nothing matches" in window.search_results.message.text()


def test_window_state_survives_a_restart(open_window: Callable[[], MainWindow]) -> None:
    first = open_window()
    first.resize(745, 533)
    risks = first.tab("risks")
    first.tabs.setCurrentIndex(3)
    risks.splitter.setSizes([150, 300])
    wanted = risks.splitter.sizes()
    risks.table.horizontalHeader().resizeSection(1, 321)
    first.close()
    QSettings().sync()
    second = open_window()
    assert second.tabs.currentIndex() == 3
    assert (second.width(), second.height()) == (745, 533)
    again = second.tab("risks")
    assert again.splitter.sizes() == wanted
    assert again.table.horizontalHeader().sectionSize(1) == 321


def test_tabs_not_shown_are_not_built(window: MainWindow) -> None:
    built = set(window._tab_widgets)
    assert built == {"overview"}


def test_controls_have_accessible_names(window: MainWindow) -> None:
    for key, *_ in TABS:
        window.tab(key)
    from PySide6.QtWidgets import QAbstractItemView, QComboBox, QLineEdit
    unnamed = [w.objectName() for cls in (QComboBox, QLineEdit, QAbstractItemView, QTextBrowser)
               for w in window.findChildren(cls)
               if w.isVisibleTo(window) and not w.accessibleName()
               and not isinstance(w.parent(), QComboBox)
               and w.objectName() != "qt_spinbox_lineedit"]
    assert unnamed == []


def test_about_and_licences(window: MainWindow, qtbot, monkeypatch) -> None:
    from briefing_app.ui import licences
    text = licences.licences_text()
    assert "Natural Earth" in text and "GeoNames" in text and "LGPL" in text
    dialog = licences.LicencesDialog(window)
    qtbot.addWidget(dialog)
    assert "CC BY 4.0" in dialog.findChild(QTextBrowser, "licencesText").toPlainText()


def _at_first_paint(imports: str, check: str) -> subprocess.CompletedProcess[str]:
    """Run ``gui --smoke`` in a fresh interpreter with ``check`` (the body of a function of
    ``self``, the window) run right after the first paint; ``imports`` come first."""
    code = (
        f"import sys, os{imports}\n"
        "os.environ['QT_QPA_PLATFORM']='offscreen'\n"
        "from briefing_app import cli\n"
        "from briefing_app.ui import main_window as mw\n"
        "real = mw.MainWindow.after_first_paint\n"
        "def check(self, deferred_views=True):\n"
        + "".join(f"    {line}\n" for line in check.strip("\n").split("\n"))
        + "    real(self, deferred_views)\n"
        "mw.MainWindow.after_first_paint = check\n"
        "sys.exit(cli.main(['gui', '--smoke']))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    return out


def test_first_paint_does_not_import_heavy_modules() -> None:
    # Heavy libraries, and what costs a few ms each that the first view does not need
    # (issue 18): the analyst's own-work module, the table models, json, html, uuid.
    out = _at_first_paint("", """
heavy = ('pyqtgraph', 'numpy', 'sqlite_utils', 'docx', 'briefing_app.store.own',
         'briefing_app.ui.models', 'json', 'html', 'uuid')
bad = [m for m in heavy if m in sys.modules]
print('HEAVY', bad, sorted(self._tab_widgets))
""")
    assert "HEAVY [] ['overview']" in out.stdout
    assert "first paint after" in out.stdout


def test_start_up_keeps_no_module_sources() -> None:
    """PySide6 asks of every imported module whether its source mentions PySide6; asked its
    own way, every module's source stayed in linecache (about 3 MB at start-up). The window
    answers the same question without keeping them, and gives PySide6 the same answers."""
    out = _at_first_paint(", linecache, json", """
kept = [f for f in linecache.cache if f.endswith('.py')]
scan = sys.modules['shibokensupport.feature']._mod_uses_pyside
print('KEPT', len(kept), 'LIGHTER', getattr(scan, 'briefing_lighter', False))
print('ANSWERS', scan(mw), scan(json), scan(sys))
""")
    kept = int(out.stdout.split("KEPT ")[1].split()[0])
    # PySide6's own support modules read a few before the package can step in.
    assert kept <= 5, out.stdout
    assert "LIGHTER True" in out.stdout
    assert "ANSWERS True False False" in out.stdout  # the window uses PySide6; json does not


def test_gui_smoke_leaves_the_users_folders_untouched(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """``gui --smoke`` reports its first paint and writes neither settings nor a workspace
    into the user's config and data folders (it uses a scratch folder it deletes)."""
    import os
    import re

    config, data, home = tmp_path / "config", tmp_path / "data", tmp_path / "home"
    for folder in (config, data, home):
        folder.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFING_APP_")}
    env |= {"XDG_CONFIG_HOME": str(config), "XDG_DATA_HOME": str(data), "HOME": str(home)}
    out = subprocess.run([sys.executable, "-m", "briefing_app", "gui", "--smoke"],
                         capture_output=True, text=True, timeout=120, env=env)
    assert out.returncode == 0, out.stderr
    assert re.fullmatch(r"first paint after \d+ ms\n", out.stdout)
    assert list(config.iterdir()) == [] and list(data.iterdir()) == []
    assert not (home / ".config").exists() and not (home / ".local").exists()


def test_a_saved_geometry_that_fits_no_screen_is_not_restored(
        open_window: Callable[[], MainWindow]) -> None:
    """A window saved on a bigger or detached monitor opens on a screen there is now,
    at the default size, centred."""
    first = open_window()
    first.close()
    probe = MainWindow(first.session.store, first.session.workspace_folder)
    probe.setGeometry(4000, 3000, 2400, 1600)  # beyond the offscreen screen
    probe.save_settings()
    probe.deleteLater()

    unshown = MainWindow(first.session.store, first.session.workspace_folder)
    screen = unshown.screen().availableGeometry()
    assert screen.contains(unshown.geometry())
    assert (unshown.geometry().center() - screen.center()).manhattanLength() <= 2
    unshown.deleteLater()
    window = open_window()  # shown: the platform may move it for its frame, not off-screen
    assert window.screen().availableGeometry().contains(window.geometry())


def test_palette_change_rerenders(window: MainWindow) -> None:
    from PySide6.QtGui import QColor, QPalette
    pal = QPalette(QApplication.palette())
    pal.setColor(QPalette.ColorRole.Window, QColor("#202020"))
    pal.setColor(QPalette.ColorRole.Base, QColor("#1a1a1a"))
    pal.setColor(QPalette.ColorRole.Text, QColor("#eeeeee"))
    window.setPalette(pal)
    overview = window.tab("overview")
    assert "#eeeeee" in overview.browser.document().defaultStyleSheet()  # type: ignore[attr-defined]


def test_search_panel_keys_and_layout(window: MainWindow, qtbot) -> None:
    """Results float over the window: typing never changes the layout; Down enters the
    results, Escape closes them."""
    overview = window.tab("overview")
    before = overview.geometry()
    window.search_field.setFocus()
    qtbot.keyClicks(window.search_field, "cobalt")
    qtbot.waitUntil(lambda: window.search_results is not None
                    and window.search_results.isVisible())
    assert overview.geometry() == before
    qtbot.keyClick(window.search_field, Qt.Key.Key_Down)
    assert window.search_results.tree.hasFocus()
    qtbot.keyClick(window.search_results.tree, Qt.Key.Key_Escape)
    assert not window.search_results.isVisible()
    qtbot.keyClick(window.search_field, Qt.Key.Key_Return)
    assert window.session.current is not None
    # Moving on elsewhere closes the results.
    window.search_field.setFocus()
    search(window, qtbot, window.search_field.text())
    assert window.search_results.isVisible()
    window.tab("overview").browser.setFocus()
    qtbot.waitUntil(lambda: not window.search_results.isVisible())


def test_opening_an_overview_item_scrolls_to_it(window: MainWindow, qtbot) -> None:
    overview = window.tab("overview")
    window.resize(720, 480)
    qtbot.waitExposed(window)
    bar = overview.browser.verticalScrollBar()
    assert bar.value() == 0
    last_actor = window.session.store.actors()[-1]
    window.open_item(ItemRef("actor", last_actor.id))
    assert bar.value() > 0


def test_the_overview_and_about_say_what_date_the_information_runs_to(
        window: MainWindow, monkeypatch) -> None:
    from PySide6.QtWidgets import QMessageBox

    from briefing_app.domain import PartialDate

    newest = max(window.session.store.events(), key=lambda e: e.date.iso.ljust(10, "~"))
    label = PartialDate(newest.date.iso).label()
    text = window.tab("overview").browser.toPlainText()
    assert f"Information as of {label} (the newest dated event)." in text
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "about", staticmethod(lambda _p, _t, body: shown.append(body)))
    window.show_about()
    assert f"Information as of {label}" in shown[0]


def test_a_source_documents_details_show_no_file_path(window: MainWindow) -> None:
    """What the reader sees of a source is its title, kind and where it came from in words:
    never a path in the repository, and no "No source recorded." for a source itself."""
    src = window.session.store.sources()[0]
    window.session.select(ItemRef("source", src.id))
    text = window.detail.browser.toPlainText()
    assert src.title in text and "the seed article supplied with the project" in text
    assert "shared/" not in text and ".txt" not in text
    assert "No source recorded" not in text


def test_the_reader_does_not_move_when_the_passage_label_grows(window: MainWindow,
                                                               qtbot) -> None:
    window.resize(1024, 700)
    tab = window.tab("sources")
    window.tabs.setCurrentWidget(tab)
    qtbot.wait(50)
    before = tab.splitter.sizes()
    tab.position_label.setText("A very long source title " * 30 + "\u2014 passage 24 of 24")
    qtbot.wait(50)
    assert tab.splitter.sizes() == before
    assert tab.reader.geometry().width() > 0


def test_the_overview_sets_its_first_screen_before_the_first_paint_and_the_rest_after(
        app, qtbot, store: BriefingStore, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Issue 18: only what the first paint shows is built before it. The Overview's text
    starts with the title, bottom line and key judgments; the rest (assumptions, outcomes,
    figures, benefits, actors) is set right after the first paint, without moving what the
    reader sees."""
    window = MainWindow(store, tmp_path / "workspace")
    qtbot.addWidget(window)
    browser = window.tab("overview").browser  # type: ignore[attr-defined]
    first = browser.toPlainText()
    assert "Key judgments" in first and store.judgments()[-1].text[:40] in first
    assert "Key figures" not in first and "Key assumptions" not in first
    window.show()
    qtbot.waitExposed(window)
    window.after_first_paint()
    whole = browser.toPlainText()
    assert whole.startswith(first.rstrip())
    assert "Key assumptions" in whole and "Key figures" in whole and "Actors" in whole
    assert browser.verticalScrollBar().value() == 0
    # The deferred work (the search panel) has run before the window closes.
    qtbot.waitUntil(lambda: window.search_results is not None)
    window.close()
    if window.session.workspace is not None:
        window.session.workspace.close()
