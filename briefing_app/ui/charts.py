"""pyqtgraph charts: supply concentration (Overview) and the likelihood x impact heat map.

Imported only when a chart is first shown: pyqtgraph and numpy cost ~300 ms to import.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication, QLabel, QVBoxLayout, QWidget

from ..domain import Figure
from ..export.charts_svg import SERIES_COLOURS

SERIES_LABELS = {"mining": "Share of mining", "processing": "Share of processing / refining"}


def themed_plot(parent: QWidget | None = None) -> pg.PlotWidget:
    """A PlotWidget using the window's palette, so light and dark themes both read well."""
    pal = QApplication.palette()
    plot = pg.PlotWidget(parent, background=pal.color(QPalette.ColorRole.Base))
    fg = pal.color(QPalette.ColorRole.Text)
    for name in ("left", "bottom"):
        axis = plot.getAxis(name)
        axis.setPen(pg.mkPen(fg))
        axis.setTextPen(pg.mkPen(fg))
    return plot


class SupplyChart(QWidget):
    """China's share of rare-earth mining vs processing, one pair of bars per source."""

    figureClicked = Signal(str)  # noqa: N815  figure id

    def __init__(self, figures: Sequence[Figure], parent: QWidget | None = None):
        super().__init__(parent)
        charted = [f for f in figures if f.chart_series]
        groups = list(dict.fromkeys(f.chart_label or f.label for f in charted))
        self.plot = themed_plot(self)
        self.plot.setAccessibleName("Chart: China's share of rare-earth mining and processing")
        self.plot.setMenuEnabled(False)
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.hideButtons()
        item = self.plot.getPlotItem()
        item.setTitle("China's share of world rare-earth mining and processing, by source",
                      color=self.palette().color(QPalette.ColorRole.Text).name())
        item.setLabel("left", "China's share (%)")
        item.setLabel("bottom", "Source of the figure (year of the data)")
        item.showGrid(y=True, alpha=0.25)
        fg = self.palette().color(QPalette.ColorRole.Text)
        # Top right: the last group has only a mining bar, so the legend covers no label.
        legend = item.addLegend(offset=(-10, 2), colCount=2, labelTextColor=fg)
        width = 0.38
        self._bars: list[tuple[float, float, float, str]] = []  # x0, x1, height, figure id
        for series, shift in (("mining", -width / 2), ("processing", width / 2)):
            xs, heights, ids = [], [], []
            for f in charted:
                if f.chart_series != series:
                    continue
                x = groups.index(f.chart_label or f.label) + shift
                xs.append(x)
                heights.append(f.value)
                ids.append(f.id)
                self._bars.append((x - width / 2, x + width / 2, f.value, f.id))
                label = pg.TextItem(f"{f.value:g}%", anchor=(0.5, 1.0),
                                    color=self.palette().color(QPalette.ColorRole.Text))
                label.setPos(x, f.value + 1)
                item.addItem(label)
            colour = QColor(SERIES_COLOURS[series])
            bars = pg.BarGraphItem(x=xs, height=heights, width=width, brush=colour,
                                   pen=pg.mkPen(colour.darker(130)))
            item.addItem(bars)
            legend.addItem(bars, SERIES_LABELS[series])
        axis = item.getAxis("bottom")
        axis.setTicks([[(i, g) for i, g in enumerate(groups)]])
        font = QFont()
        font.setPointSizeF(max(font.pointSizeF() * 0.9, 7))
        axis.setStyle(tickFont=font)
        item.setXRange(-0.6, len(groups) - 0.4, padding=0)
        item.setYRange(0, 140, padding=0)  # headroom for the legend above the 100% line
        item.getAxis("left").setTicks([[(v, str(v)) for v in range(0, 101, 20)]])
        self.plot.scene().sigMouseClicked.connect(self._on_click)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot)
        self.setMinimumHeight(220)

    def _on_click(self, event) -> None:  # type: ignore[no-untyped-def]
        if event.button() != Qt.MouseButton.LeftButton:
            return
        point = self.plot.getPlotItem().vb.mapSceneToView(event.scenePos())
        fid = self.figure_at(point)
        if fid:
            self.figureClicked.emit(fid)

    def figure_at(self, point: QPointF) -> str | None:
        for x0, x1, h, fid in self._bars:
            if x0 <= point.x() <= x1 and 0 <= point.y() <= h:
                return fid
        return None


def cell_label(numbers: list[int], own: Collection[int] = ()) -> str:
    """The exported heat map's cell text, with the analyst's own risks marked."""
    from ..export.charts_svg import cell_label as label

    if not own or len(numbers) > 6:  # a count, or no own risk here: as the export says it
        return label(numbers)
    return ", ".join(f"{n}\u270e" if n in own else str(n) for n in sorted(numbers))


def _score_colour(score: int) -> QColor:
    from ..export.charts_svg import score_colour  # the same bands as the exported heat map

    return QColor(score_colour(score))


class RiskHeatMap(QWidget):
    """A 5x5 likelihood x impact grid placing each risk by number; click a cell, or move to
    it with the arrow keys and press Enter, to filter the checklist by it."""

    cellClicked = Signal(int, int)  # noqa: N815  likelihood, impact

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        # The title is a label that wraps above the plot: as the plot's own title its width
        # set the plot's minimum, and a narrow pane clipped the impact-5 column.
        self.title = QLabel(self)
        self.title.setWordWrap(True)
        self.title.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.plot = themed_plot(self)
        self.plot.setAccessibleName("Heat map of risks by likelihood and impact")
        self.plot.setMenuEnabled(False)
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.hideButtons()
        self.plot.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the map itself takes the keys
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName("Heat map of risks by likelihood and impact")
        item = self.plot.getPlotItem()
        self._own_title = False
        self._set_title(False)
        item.setLabel("bottom", "Impact (1 = minor, 5 = severe)")
        item.setLabel("left", "Likelihood (1 = rare, 5 = almost certain)")
        ticks = [[(v, str(v)) for v in range(1, 6)]]
        item.getAxis("bottom").setTicks(ticks)
        item.getAxis("left").setTicks(ticks)
        item.setXRange(0.5, 5.5, padding=0)
        item.setYRange(0.5, 5.5, padding=0)
        x0, x1, y0, y1, brushes = [], [], [], [], []
        for likelihood in range(1, 6):
            for impact in range(1, 6):
                x0.append(impact - 0.5)
                x1.append(impact + 0.5)
                y0.append(likelihood - 0.5)
                y1.append(likelihood + 0.5)
                brushes.append(_score_colour(likelihood * impact))
        grid = pg.BarGraphItem(x0=x0, x1=x1, y0=y0, y1=y1, brushes=brushes,
                               pen=pg.mkPen(self.palette().color(QPalette.ColorRole.Base),
                                            width=2))
        item.addItem(grid)
        self._labels: list[pg.TextItem] = []
        self._outline = pg.BarGraphItem(x0=[0], x1=[0], y0=[0], y1=[0], brush=None,
                                        pen=pg.mkPen("#000000", width=3))
        self._outline.setVisible(False)
        item.addItem(self._outline)
        # The keyboard's cell: a dashed frame in the text colour while the map has focus.
        self.cursor_cell = (3, 3)
        self._cursor = pg.BarGraphItem(
            x0=[0], x1=[0], y0=[0], y1=[0], brush=None,
            pen=pg.mkPen(self.palette().color(QPalette.ColorRole.Text), width=2,
                         style=Qt.PenStyle.DashLine))
        self._cursor.setZValue(30)
        self._cursor.setVisible(False)
        item.addItem(self._cursor)
        self.placements: dict[tuple[int, int], list[int]] = {}
        self.plot.scene().sigMouseClicked.connect(self._on_click)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.title)
        layout.addWidget(self.plot, 1)
        self.setMinimumSize(240, 240)
        self._move_cursor(0, 0)

    def _set_title(self, own: bool) -> None:
        """The title explains the pencil mark once there are own risks to mark."""
        text = "Likelihood \u00d7 impact (your values; numbers are risk rows"
        text += "; \u270e your own risks)" if own else ")"
        self.title.setText(text)
        self._own_title = own

    # -- keyboard ---------------------------------------------------------------------------
    def keyPressEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        moves = {Qt.Key.Key_Left: (0, -1), Qt.Key.Key_Right: (0, 1),
                 Qt.Key.Key_Up: (1, 0), Qt.Key.Key_Down: (-1, 0)}
        key = event.key()
        if key in moves:
            self._move_cursor(*moves[key])
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.cellClicked.emit(*self.cursor_cell)
        else:
            super().keyPressEvent(event)

    def _move_cursor(self, d_likelihood: int, d_impact: int) -> None:
        likelihood = max(1, min(5, self.cursor_cell[0] + d_likelihood))
        impact = max(1, min(5, self.cursor_cell[1] + d_impact))
        self.cursor_cell = (likelihood, impact)
        self._cursor.setOpts(x0=[impact - 0.42], x1=[impact + 0.42], y0=[likelihood - 0.42],
                             y1=[likelihood + 0.42])
        self._describe()

    def _describe(self) -> None:
        """What a screen reader says of the keyboard's cell."""
        likelihood, impact = self.cursor_cell
        numbers = self.placements.get(self.cursor_cell, [])
        risks = (f"risk{'s' if len(numbers) > 1 else ''} {cell_label(numbers)}" if numbers
                 else "no risks")
        self.setAccessibleDescription(
            f"Likelihood {likelihood}, impact {impact}: {risks}. Arrow keys move, Enter "
            "filters the checklist by this cell.")

    def focusInEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        self._cursor.setVisible(True)
        super().focusInEvent(event)

    def focusOutEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        self._cursor.setVisible(False)
        super().focusOutEvent(event)

    def set_risks(self, placed: Sequence[tuple[int, int, int]],
                  own: Collection[int] = ()) -> None:
        """``placed``: (number, likelihood, impact) for each risk; ``own``: the numbers of
        the analyst's own risks, marked with a pencil."""
        item = self.plot.getPlotItem()
        for label in self._labels:
            item.removeItem(label)
        self._labels = []
        self.placements = {}
        own = set(own)
        if bool(own) != self._own_title:
            self._set_title(bool(own))
        for number, likelihood, impact in placed:
            self.placements.setdefault((likelihood, impact), []).append(number)
        for (likelihood, impact), numbers in self.placements.items():
            text = cell_label(numbers, own)
            label = pg.TextItem(text, color="#000000", anchor=(0.5, 0.5))
            font = QFont()
            font.setBold(True)
            label.setFont(font)
            label.setPos(impact, likelihood)
            item.addItem(label)
            self._labels.append(label)
        self._describe()

    def set_selected_cell(self, cell: tuple[int, int] | None) -> None:
        if cell is None:
            self._outline.setVisible(False)
            return
        likelihood, impact = cell
        self._outline.setOpts(x0=[impact - 0.48], x1=[impact + 0.48], y0=[likelihood - 0.48],
                              y1=[likelihood + 0.48])
        self._outline.setVisible(True)

    def _on_click(self, event) -> None:  # type: ignore[no-untyped-def]
        if event.button() != Qt.MouseButton.LeftButton:
            return
        p = self.plot.getPlotItem().vb.mapSceneToView(event.scenePos())
        impact, likelihood = round(p.x()), round(p.y())
        if 1 <= impact <= 5 and 1 <= likelihood <= 5:
            self.cellClicked.emit(likelihood, impact)

    def cell_scene_pos(self, likelihood: int, impact: int) -> QPointF:
        """Where a cell's centre is, in widget coordinates of the plot (for tests)."""
        vb = self.plot.getPlotItem().vb
        scene = vb.mapViewToScene(QPointF(impact, likelihood))
        return QPointF(self.plot.mapFromScene(scene))
