"""Qt models tested without any widget (Vorta's pattern)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack

from briefing_app.store.briefing import BriefingStore
from briefing_app.store.workspace import ChecklistEntry
from briefing_app.ui.models import (
    EventsFilter,
    EventsModel,
    MineralsFilter,
    MineralsModel,
    RiskChecklistModel,
    occurrences,
)


def test_minerals_filter_by_region_and_mineral(qapp, store: BriefingStore) -> None:
    model = MineralsModel(occurrences(store.minerals(), store.regions(), store.projects()))
    proxy = MineralsFilter()
    proxy.setSourceModel(model)
    total = proxy.rowCount()
    proxy.set_region("balochistan")
    rows = [(proxy.index(r, 0).data(), proxy.index(r, 2).data()) for r in range(proxy.rowCount())]
    assert 0 < len(rows) < total
    assert ("Copper", next(v for k, v in rows if k == "Copper")) in rows
    assert "Reko Diq" in dict(rows)["Copper"]
    proxy.set_region("")
    proxy.set_mineral("gemstones")
    regions = {proxy.index(r, 1).data() for r in range(proxy.rowCount())}
    assert {"Khyber Pakhtunkhwa", "Gilgit-Baltistan"} <= regions


def test_minerals_not_located_in_pakistan_say_so(qapp, store: BriefingStore) -> None:
    model = MineralsModel(occurrences(store.minerals(), store.regions(), store.projects()))
    unplaced = [model.index(r, 1).data() for r in range(model.rowCount())
                if model.row_object(r).region is None]
    assert unplaced and set(unplaced) == {"not located in Pakistan"}


def test_events_filter(qapp, store: BriefingStore) -> None:
    model = EventsModel(store.events(), {a.id: a.short for a in store.actors()})
    proxy = EventsFilter()
    proxy.setSourceModel(model)
    proxy.set_filters(actor="balochistan-liberation-army")
    assert proxy.rowCount() >= 3
    proxy.set_filters(date_from="2025-10-01", date_to="2025-10-31")
    dates = {proxy.index(r, 0).data() for r in range(proxy.rowCount())}
    assert "Oct 2025" in dates  # a month-precision event overlaps the range


def test_checklist_model_requests_edits_instead_of_writing(qapp, store: BriefingStore,
                                                          qtbot) -> None:
    risks = store.risks()
    model = RiskChecklistModel(risks)
    model.set_entries({risks[0].id: ChecklistEntry(risks[0].id, likelihood=2)}, editable=True)
    assert model.index(0, model.COL_LIKELIHOOD).data() == "2"
    assert model.index(0, model.COL_LIKELIHOOD).data(Qt.ItemDataRole.FontRole).bold()
    assert model.index(1, model.COL_LIKELIHOOD).data() == str(risks[1].likelihood)
    with qtbot.waitSignal(model.editRequested) as blocker:
        model.setData(model.index(1, model.COL_OWNER), "Ana")
    assert blocker.args == [risks[1].id, "owner", "Ana"]
    assert model.index(1, model.COL_OWNER).data() == ""  # unchanged until the store reports
    model.set_entries({}, editable=False)
    assert not model.setData(model.index(1, model.COL_OWNER), "Bo")
    assert not (model.flags(model.index(1, model.COL_OWNER)) & Qt.ItemFlag.ItemIsEditable)


def test_checklist_commands_on_a_bare_undo_stack(qapp, store: BriefingStore, tmp_path) -> None:
    from briefing_app.ui.commands import ResetAssessment, SetChecklistField
    from briefing_app.ui.session import Session

    session = Session(store, tmp_path)
    session.open_workspace()
    changes = []
    session.changed.connect(changes.append)
    stack = QUndoStack()
    risk = store.risks()[0]
    stack.push(SetChecklistField(session, risk.id, "likelihood", 1, risk.title))
    stack.push(SetChecklistField(session, risk.id, "impact", 2, risk.title))
    stack.push(ResetAssessment(session, risk.id, risk.title))
    ws = session.workspace
    assert ws is not None
    assert ws.checklist_entry(risk.id).likelihood is None
    stack.undo()
    assert (ws.checklist_entry(risk.id).likelihood, ws.checklist_entry(risk.id).impact) == (1, 2)
    stack.undo()
    stack.undo()
    assert ws.checklist_entry(risk.id).likelihood is None
    assert len(changes) == 6 and all(c.kind == "checklist" for c in changes)
    ws.close()


def test_sorting_is_done_by_the_model_with_a_key(qapp, store: BriefingStore) -> None:
    """Clicking a header sorts once in Python (not a data() call per comparison), and the
    selected row stays selected."""
    from PySide6.QtCore import QItemSelectionModel

    model = MineralsModel(occurrences(store.minerals(), store.regions(), store.projects()))
    proxy = MineralsFilter()
    proxy.setSourceModel(model)
    selection = QItemSelectionModel(proxy)
    target = proxy.index(3, 0)
    name = target.data()
    selection.setCurrentIndex(target, QItemSelectionModel.SelectionFlag.ClearAndSelect)
    calls = 0
    original = model.data

    def counting(index, role=Qt.ItemDataRole.DisplayRole):  # type: ignore[no-untyped-def]
        nonlocal calls
        calls += 1
        return original(index, role)

    model.data = counting  # type: ignore[method-assign]
    proxy.sort(0, Qt.SortOrder.DescendingOrder)
    names = [proxy.index(r, 0).data() for r in range(proxy.rowCount())]
    assert names == sorted(names, key=str.casefold, reverse=True)
    assert calls <= 2 * proxy.rowCount()  # reading the column back, not n log n comparisons
    assert selection.currentIndex().data() == name


def test_risk_checklist_sorts_by_score(qapp, store: BriefingStore) -> None:
    risks = store.risks()
    model = RiskChecklistModel(risks)
    model.sort(model.COL_SCORE, Qt.SortOrder.DescendingOrder)
    scores = [int(model.index(r, model.COL_SCORE).data()) for r in range(model.rowCount())]
    assert scores == sorted(scores, reverse=True)
    top = model.risk(0)
    assert model.headerData(0, Qt.Orientation.Vertical) == str(top.seq)
