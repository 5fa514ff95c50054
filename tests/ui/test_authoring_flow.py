"""An analyst's own briefing, end to end through the real window: import a source, cite a
passage of it in a new risk, grade the source and the risk, undo and redo, restart, then
export in all four formats and find the risk, its quote and its grades in each, as the
recipients' readers see them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QFileDialog, QInputDialog

from briefing_app.domain import ItemRef
from briefing_app.ui.import_source import SourceDetailsDialog
from briefing_app.ui.main_window import MainWindow
from briefing_app.ui.models import OWN_MARK
from briefing_app.ui.own_items import KIND_CHOICES, OwnItemDialog
from briefing_app.ui.sources_tab import SourcesTab

from ..test_export_content import read_back
from .dialogs import Modals

MEMO = ("Quetta wire, 30 November\n\n"
        "Officials in Quetta said a new antimony survey would start in Chagai next month, "
        "under a provincial licence.\n\n"
        "The cabinet approved the royalty terms on Monday.\n")
QUOTE = "a new antimony survey would start in Chagai next month"
RISK = "Antimony survey draws militant attacks"


@pytest.fixture
def modals() -> Any:
    m = Modals()
    yield m
    m.timer.stop()


def _flat(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").replace("\u2060", "").split())


def test_an_own_briefing_from_import_to_export(open_window: Callable[[], MainWindow],
                                               modals: Modals, monkeypatch, qtbot,
                                               tmp_path: Path) -> None:
    window = open_window()
    ws = window.session.workspace
    assert ws is not None

    # 1. File > Import Source.
    path = tmp_path / "quetta-wire.txt"
    path.write_text(MEMO, "utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *_a, **_k: (str(path), "")))

    def details(dialog: SourceDetailsDialog) -> None:
        dialog.edits["title"].setText("Quetta wire memo")
        dialog.edits["publisher"].setText("Desk wire")
        dialog.edits["date"].setText("2026-11-30")
        dialog.ok_button.click()

    modals.then(SourceDetailsDialog, details)
    window.import_source_action.trigger()
    modals.done()
    [source] = ws.own_sources()
    tab = window.tab("sources")
    assert isinstance(tab, SourcesTab)
    assert window.current_tab_key() == "sources"

    # 2. Select the words in the reader, "Cite in new item..." -> a risk.
    tab.select(ItemRef("source", source.id))
    start = MEMO.index(QUOTE)
    tab.select_text(start, start + len(QUOTE))
    menu = tab.reader_menu()
    [cite] = [a for a in menu.actions() if a.objectName() == "citeInNewItem"]
    assert cite.isEnabled()

    def choose_risk(dialog: QInputDialog) -> None:
        dialog.setTextValue(KIND_CHOICES["risk"])
        dialog.accept()

    def fill_risk(dialog: OwnItemDialog) -> None:
        [entry] = dialog.provenance.entries()  # the selected words, already its provenance
        assert entry.kind == "passage" and entry.quote == QUOTE
        dialog.widgets["title"].setText(RISK)  # type: ignore[attr-defined]
        dialog.widgets["description"].setPlainText(  # type: ignore[attr-defined]
            "Survey teams in Chagai would be exposed to the insurgency.")
        dialog.widgets["likelihood"].setValue(3)  # type: ignore[attr-defined]
        dialog.widgets["impact"].setValue(4)  # type: ignore[attr-defined]
        dialog.buttons.button(dialog.buttons.StandardButton.Save).click()

    modals.then(QInputDialog, choose_risk).then(OwnItemDialog, fill_risk)
    cite.trigger()
    menu.deleteLater()
    modals.done()
    [risk] = ws.own_items("risk")
    assert risk.title == RISK
    assert [(p.kind, p.source_id, p.quote) for p in risk.provenance] == [
        ("passage", source.id, QUOTE)]

    # 3. Grade the source (reliability) and the risk (credibility), from the window.
    tab.select(ItemRef("source", source.id))
    combo = tab.source_panel.grade
    combo.setCurrentIndex(combo.findData("B"))
    combo.activated.emit(combo.currentIndex())
    risks = window.tab("risks")
    window.tabs.setCurrentWidget(risks)
    risks.select(ItemRef("risk", risk.id))
    assert risks.model.index(risks.model.row_of(risk.id), risks.model.COL_RISK).data() \
        == f"{OWN_MARK} {RISK}"
    detail = window.detail
    credibility = detail.grade
    assert credibility.isEnabled()
    credibility.setCurrentIndex(credibility.findData("2"))
    credibility.activated.emit(credibility.currentIndex())
    assert ws.grades() == {f"source:{source.id}": "B", f"risk:{risk.id}": "2"}

    # 4. Undo all the way back to nothing, then redo everything.
    steps = window.session.undo_stack.count()
    assert steps == 4  # import, add risk, grade source, grade risk
    for _ in range(steps):
        window.session.undo()
    assert ws.own_sources() == [] and ws.own_items() == [] and ws.grades() == {}
    assert risks.model.row_of(risk.id) < 0
    for _ in range(steps):
        window.session.redo()
    assert [s.id for s in ws.own_sources()] == [source.id]
    assert [i.id for i in ws.own_items()] == [risk.id]
    assert ws.grades() == {f"source:{source.id}": "B", f"risk:{risk.id}": "2"}

    # 5. Restart: all of it is still there.
    window.close()
    ws.close()
    window = open_window()
    ws = window.session.workspace
    assert ws is not None
    assert [i.title for i in ws.own_items("risk")] == [RISK]
    risks = window.tab("risks")
    assert risks.model.row_of(risk.id) >= 0

    # 6. Export in every format from the window's dialog; read each back.
    from briefing_app.ui.export_dialog import ExportDialog

    dialog = ExportDialog(window.session, window)
    qtbot.addWidget(dialog)
    for fmt in ("pdf", "html", "md", "docx"):
        dialog.format.setCurrentIndex(dialog.format.findData(fmt))
        target = tmp_path / f"briefing.{fmt}"
        dialog.path.setText(str(target))
        with qtbot.waitSignal(dialog.finishedExport, timeout=90_000):
            dialog.export_button.click()
        qtbot.waitUntil(lambda: dialog.worker is None, timeout=30_000)
        text = _flat(read_back(target, fmt))
        squeezed = text.replace("- ", "-") if fmt == "pdf" else text
        for words in (f"{RISK} (the analyst's)", f"\u201c{QUOTE}\u201d",
                      "Quetta wire memo", "reliability B: usually reliable",
                      "credibility 2: probably true"):
            assert _flat(words) in squeezed, (fmt, words)


def test_a_sources_grade_shows_where_an_item_cites_it(window: MainWindow) -> None:
    """The details pane names the reliability the analyst gave the cited source, and
    follows a change of it."""
    from briefing_app.ui.commands import SetGrade

    risk = window.session.store.risks()[0]
    window.session.select(ItemRef("risk", risk.id))
    quoted = next(p for p in window.session.store.provenance(ItemRef("risk", risk.id))
                  if p.kind == "quote")
    pane = window.detail
    assert "reliability" not in pane.browser.toPlainText()
    assert window.session.push(SetGrade(window.session, f"source:{quoted.source_id}", "C",
                                        "the article"))
    assert "(reliability C: fairly reliable)" in pane.browser.toPlainText()
    window.session.undo()
    assert "reliability C" not in pane.browser.toPlainText()


def test_notes_on_own_work_are_in_all_notes_and_open_it(window: MainWindow, modals: Modals,
                                                         monkeypatch, tmp_path: Path) -> None:
    """A note on an own risk and one on words of an imported source are listed in View >
    All Notes under what they annotate (not as unanchored), and jump to it."""
    from briefing_app.readers import read_source
    from briefing_app.store.anchoring import make_anchor
    from briefing_app.store.own import OwnProvenance
    from briefing_app.ui.commands import AddOwnItem, ImportSource
    from briefing_app.ui.notes import AllNotesModel as N
    from briefing_app.ui.session import Change

    s = window.session
    path = tmp_path / "quetta-wire.txt"
    path.write_text(MEMO, "utf-8")
    imported = ImportSource(s, read_source(path), "Quetta wire memo")
    assert s.push(imported) and imported.source_id is not None
    sid = imported.source_id
    start = MEMO.index(QUOTE)
    add = AddOwnItem(s, "risk", {"title": RISK, "description": "Teams exposed.",
                                 "likelihood": 3, "impact": 4},
                     [OwnProvenance("passage", sid, start, start + len(QUOTE), QUOTE)])
    assert s.push(add) and add.item is not None
    ws = s.workspace
    assert ws is not None
    ws.add_note("Ask the desk who briefed this.", target=ItemRef("risk", add.item.id))
    ws.add_note("Which licence?", anchor=make_anchor(sid, MEMO, start, start + len(QUOTE)))
    s.notify(Change("notes"))
    window.show_all_notes()
    browser = window.notes_browser
    assert browser is not None and browser.proxy.rowCount() == 2
    targets = {browser.proxy.index(r, N.COL_NOTE).data():
               browser.proxy.index(r, N.COL_TARGET).data() for r in range(2)}
    assert RISK in targets["Ask the desk who briefed this."]
    assert targets["Which licence?"] == f"Text: \u201c{QUOTE}\u201d"
    browser.status.setCurrentIndex(browser.status.findData("unanchored"))
    assert browser.proxy.rowCount() == 0
    browser.status.setCurrentIndex(0)
    row = next(r for r in range(2)
               if browser.proxy.index(r, N.COL_NOTE).data() == "Ask the desk who briefed this.")
    browser.table.selectRow(row)
    browser.jump()
    assert window.current_tab_key() == "risks"
    assert s.current == ItemRef("risk", add.item.id)
