"""The timeline as an analyst uses it (issue 16): dates typed as a year or a month, the chart
refitted to what the filters leave, titles on the chart where they fit, and a search result
the filters hid shown with a word about it."""

from __future__ import annotations

import pytest

from briefing_app.domain import ItemRef
from briefing_app.store.briefing import BriefingStore
from briefing_app.ui.main_window import MainWindow
from briefing_app.ui.timeline_tab import period, typed_period


@pytest.mark.parametrize(("typed", "expected"), [
    ("", ("", "")), ("2015", ("2015-01-01", "2015-12-31")),
    ("2024-02", ("2024-02-01", "2024-02-29")), ("2025-09-30", ("2025-09-30", "2025-09-30")),
    ("2025-02-30", None), ("2025-13", None), ("20", None), ("2025-", None)])
def test_a_typed_year_month_or_day_is_a_period(typed: str, expected) -> None:  # type: ignore[no-untyped-def]
    assert typed_period(typed) == expected


def test_typed_years_filter_and_the_chart_fits_what_is_left(window: MainWindow,
                                                            store: BriefingStore) -> None:
    tab = window.tab("timeline")
    years = sorted(e.date.iso[:4] for e in store.events())
    assert tab.date_from.placeholderText() == f"from {years[0]}"  # the data's range
    assert tab.date_to.placeholderText() == f"to {years[-1]}"
    tab.date_from.setText("2025")
    tab.date_to.setText("2025")
    shown = tab.chart._events
    assert shown and all(e.date.iso.startswith("2025") for e in shown)
    assert len(shown) == len([e for e in store.events() if e.date.iso.startswith("2025")])
    (x0, x1), _ = tab.chart.getPlotItem().getViewBox().viewRange()
    first = min(period(e.date)[0] for e in shown)
    last = max(period(e.date)[1] for e in shown)
    assert x0 <= first and last <= x1 and (x1 - x0) < 1.2 * (last - first)  # refitted

    tab.date_to.setText("2025-1")  # on the way to "2025-10": not a date yet
    assert "not a date yet" in tab.count_label.text()
    assert tab.chart._events == shown  # the filters stand as they were
    tab.date_to.setText("2025-10")
    assert all(e.date.iso[:7] <= "2025-10" for e in tab.chart._events)
    tab.date_from.setText("2031")
    assert tab.proxy.rowCount() == 0
    assert tab.count_label.text().endswith("none match the filters")  # never a silent blank


def test_titles_are_drawn_where_they_fit_and_the_selection_always(window: MainWindow,
                                                                  store: BriefingStore,
                                                                  qtbot) -> None:
    tab = window.tab("timeline")
    window.tabs.setCurrentWidget(tab)
    tab.chart.fit_all()
    qtbot.wait(150)  # labels are drawn once the view rests
    drawn = tab.chart.labels_shown()
    assert 0 < len(drawn) < len(store.events())  # some fit, not all at the fit-all zoom
    hidden = next(e for e in store.events()
                  if not any(e.title.startswith(t.rstrip("\u2026")) for t in drawn))
    window.open_item(ItemRef("event", hidden.id))
    qtbot.wait(150)
    assert any(hidden.title.startswith(t.rstrip("\u2026")) for t in tab.chart.labels_shown())
    tip = tab.chart._point_tip(0, 0, hidden.id)
    assert tip.startswith(hidden.title)  # the event's own tooltip, over any era's
    # The list gives every title in full, in its tooltip.
    from PySide6.QtCore import Qt

    row = tab.proxy.mapFromSource(tab.model.index(tab.model.row_of(hidden.id), 2))
    assert hidden.title in tab.proxy.data(row, Qt.ItemDataRole.ToolTipRole)


def test_a_result_the_filters_hid_is_shown_and_said(window: MainWindow,
                                                    store: BriefingStore) -> None:
    tab = window.tab("timeline")
    event = store.events()[0]
    other = next(c for c in {e.category for e in store.events()} if c != event.category)
    tab.category_filter.setCurrentIndex(tab.category_filter.findData(other))
    window.open_item(ItemRef("event", event.id))
    assert tab.current_ref() == ItemRef("event", event.id)
    assert tab.count_label.text().startswith(f"Filters cleared to show \u201c{event.title}")
