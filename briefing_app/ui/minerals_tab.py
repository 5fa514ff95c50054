"""Regional Minerals tab: the map, the minerals table with its filters, in step with details.

Clicking a region filters the table to it; clicking a marker selects the project and its
minerals; selecting a row highlights the region and the projects where that mineral is found.
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..domain import ItemRef
from .map_view import HIGHLIGHT, MARKER, REGION_FILL, MapView
from .models import MineralsFilter, MineralsModel, occurrences
from .session import Session
from .views import column, row_table


class MineralsTab(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        store = session.store
        self.regions = store.regions()
        self.minerals = store.minerals()
        self.projects = store.projects()
        self._current: ItemRef | None = None

        self.map = MapView(store.boundaries(), self.regions, self.projects, self)
        self.map.setObjectName("mineralsMap")
        self.map.regionClicked.connect(lambda rid: self.select(ItemRef("region", rid)))
        self.map.projectClicked.connect(lambda pid: self.select(ItemRef("project", pid)))

        self.region_filter = QComboBox(self)
        self.region_filter.setObjectName("regionFilter")
        self.region_filter.setAccessibleName("Filter by region")
        self.region_filter.addItem("All regions", "")
        for r in self.regions:
            self.region_filter.addItem(r.name, r.id)
        self.mineral_filter = QComboBox(self)
        self.mineral_filter.setObjectName("mineralFilter")
        self.mineral_filter.setAccessibleName("Filter by mineral")
        self.mineral_filter.addItem("All minerals", "")
        for m in self.minerals:
            self.mineral_filter.addItem(m.name, m.id)
        self.count_label = QLabel(self)

        self.model = MineralsModel(occurrences(self.minerals, self.regions, self.projects), self)
        self.proxy = MineralsFilter(self)
        self.proxy.setSourceModel(self.model)
        self.table = row_table(self, "mineralsTable", "Minerals by region", self.proxy,
                               widths=(200, 170, 260), sortable=True)
        self.table.selectionModel().currentRowChanged.connect(self._on_row)
        self.table.clicked.connect(lambda _i: self._on_row(self.table.currentIndex()))

        filters = QHBoxLayout()
        for label, combo in (("&Region:", self.region_filter), ("M&ineral:", self.mineral_filter)):
            lab = QLabel(label, self)
            lab.setBuddy(combo)
            filters.addWidget(lab)
            filters.addWidget(combo)
        # The active filters as chips, each removable: a click on the map sets the region
        # filter, and the table must never be narrowed without saying by what.
        self.chips = QHBoxLayout()
        self.chips.setSpacing(4)
        filters.addLayout(self.chips)
        filters.addStretch(1)
        filters.addWidget(self.count_label)
        self.region_filter.currentIndexChanged.connect(self._on_filters)
        self.mineral_filter.currentIndexChanged.connect(self._on_filters)

        self.legend = QLabel(self)
        self.legend.setObjectName("mapLegend")
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.setWordWrap(True)
        self.legend.setText(
            f"<span style='color:{MARKER}'>\u25cf</span> project or deposit &nbsp; "
            f"<span style='color:{HIGHLIGHT}'>\u25cf</span> selected or "
            f"highlighted &nbsp; <span style='color:{REGION_FILL}'>\u25a0</span> region with "
            "minerals in this briefing (click to filter) &nbsp; \u25a1 other region &nbsp; "
            "\u2014 wheel or +/\u2212 zoom, drag or Ctrl+arrows pan, 0 fits")
        self.caption = QLabel(
            "Markers are drawn at the nearest gazetteer town unless a source gives the site "
            "(see each project's note). Boundaries: Natural Earth (public domain), as drawn "
            "there, implying no position on disputed areas; places: GeoNames (CC BY 4.0); the "
            "Reko Diq and Saindak sites: Wikipedia.", self)
        self.caption.setObjectName("mapCaption")
        self.caption.setWordWrap(True)
        self.caption.setStyleSheet("color: palette(placeholder-text);")
        upper = column(self, (self.map, 1), self.legend, self.caption)
        lower = column(self, filters, self.table)

        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setObjectName("mineralsSplitter")
        self.splitter.addWidget(upper)
        self.splitter.addWidget(lower)
        # The table gets about 40% of the height (it showed one or two rows at 1280x820);
        # the split is the user's to move, and remembered (layout_state).
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([470, 330])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.splitter)
        self.setTabOrder(self.region_filter, self.mineral_filter)
        self.setTabOrder(self.mineral_filter, self.table)
        self._update_count()

    # -- filters and selection -------------------------------------------------------------------
    def _on_filters(self) -> None:
        self.proxy.set_region(self.region_filter.currentData() or "")
        self.proxy.set_mineral(self.mineral_filter.currentData() or "")
        self._update_count()
        region = self.proxy.region
        if region:
            self.map.set_selection(region_id=region)

    def _update_count(self) -> None:
        n = self.proxy.rowCount()
        region = self.region_filter.currentText() if self.proxy.region else ""
        mineral = self.mineral_filter.currentText() if self.proxy.mineral else ""
        if n == 0 and (region or mineral):
            what = f"{mineral} is not recorded in {region}" if region and mineral else (
                f"no mineral is recorded in {region}" if region else f"{mineral} is recorded "
                "in no region")
            self.count_label.setText(f"No rows: {what} in this briefing. Remove a filter to "
                                     "see more.")
        else:
            self.count_label.setText(f"{n} row{'s' if n != 1 else ''}")
        self._show_chips(region, mineral)

    def _show_chips(self, region: str, mineral: str) -> None:
        while self.chips.count():
            chip = self.chips.takeAt(0).widget()
            if chip is not None:
                chip.deleteLater()
        for label, text, combo in (("Region", region, self.region_filter),
                                   ("Mineral", mineral, self.mineral_filter)):
            if not text:
                continue
            chip = QToolButton(self)
            chip.setObjectName(f"chip{label}")
            chip.setText(f"{label}: {text}  \u2715")
            chip.setToolTip(f"Remove the {label.lower()} filter")
            chip.setAccessibleName(f"Remove the filter {label}: {text}")
            chip.setAutoRaise(False)
            chip.clicked.connect(lambda _c=False, c=combo: c.setCurrentIndex(0))
            self.chips.addWidget(chip)

    def chip_texts(self) -> list[str]:
        """The active filters' chips, as shown (for tests)."""
        return [w.text() for i in range(self.chips.count())
                if (w := self.chips.itemAt(i).widget()) is not None]

    def _on_row(self, index) -> None:  # type: ignore[no-untyped-def]
        if not index.isValid():
            return
        source = self.proxy.mapToSource(index)
        occ = self.model.row_object(source.row())
        ref = ItemRef("mineral", occ.mineral.id)
        self._current = ref
        self.map.set_selection(
            region_id=occ.region.id if occ.region else "",
            regions=occ.mineral.regions,
            projects=[p.id for p in occ.projects] if occ.region else occ.mineral.projects,
        )
        self.session.select(ref)

    def _set_combo(self, combo: QComboBox, value: str) -> None:
        i = combo.findData(value)
        if i >= 0 and combo.currentIndex() != i:
            combo.setCurrentIndex(i)

    def select(self, ref: ItemRef) -> None:
        """Show ``ref`` (a region, mineral or project) in the map, the table and the details."""
        self._current = ref
        if ref.kind == "region":
            self._set_combo(self.mineral_filter, "")
            self._set_combo(self.region_filter, ref.id)
            self.map.set_selection(
                region_id=ref.id,
                projects=[p.id for p in self.projects if p.region == ref.id])
            self.table.clearSelection()
        elif ref.kind == "mineral":
            self._set_combo(self.region_filter, "")
            self._set_combo(self.mineral_filter, ref.id)
            first = self.proxy.index(0, 0)
            if first.isValid():
                self.table.selectionModel().setCurrentIndex(
                    first, QItemSelectionModel.SelectionFlag.ClearAndSelect
                    | QItemSelectionModel.SelectionFlag.Rows)
            self._current = ref
        elif ref.kind == "project":
            project = next((p for p in self.projects if p.id == ref.id), None)
            if project is None:
                return
            self._set_combo(self.mineral_filter, "")
            self._set_combo(self.region_filter, project.region)
            self.map.set_selection(region_id=project.region, project_id=project.id)
            self._select_rows_for_project(project.id)
        self.session.select(ref)

    def _select_rows_for_project(self, project_id: str) -> None:
        sel = self.table.selectionModel()
        sel.clearSelection()
        first = None
        for row in range(self.proxy.rowCount()):
            source = self.proxy.mapToSource(self.proxy.index(row, 0))
            occ = self.model.row_object(source.row())
            if any(p.id == project_id for p in occ.projects):
                sel.select(self.proxy.index(row, 0),
                           QItemSelectionModel.SelectionFlag.Select
                           | QItemSelectionModel.SelectionFlag.Rows)
                first = first or self.proxy.index(row, 0)
        if first is not None:
            self.table.scrollTo(first)

    def note_views(self) -> list[QWidget]:
        """Views whose context menu offers "Add note" for the selection."""
        return [self.table, self.map]

    def current_ref(self) -> ItemRef | None:
        return self._current

    # -- state ---------------------------------------------------------------------------------
