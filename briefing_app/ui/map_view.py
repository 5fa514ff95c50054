"""A map of Pakistan drawn from the bundled boundaries, with clickable regions and markers.

Plain QGraphicsView: the outlines are a few hundred points, so no map library or tiles are
needed, and nothing is fetched from anywhere.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QPainter,
    QPainterPath,
    QPalette,
    QPen,
    QPolygonF,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QGraphicsEllipseItem,
    QGraphicsItem,
    QGraphicsPathItem,
    QGraphicsScene,
    QGraphicsSceneMouseEvent,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QWidget,
)

from ..domain import Boundary, Project, Region
from .richtext import plain_tooltip

SCALE = 100.0  # scene units per degree
LAT_REF = 30.0  # equirectangular projection centred on Pakistan's latitude
KX = math.cos(math.radians(LAT_REF))
REGION_FILL = "#cfe0c3"
REGION_FILL_DARK = "#3d5236"
HIGHLIGHT = "#f0b429"
MARKER = "#b8322a"


def project_point(lon: float, lat: float) -> QPointF:
    return QPointF(lon * SCALE * KX, -lat * SCALE)


def boundary_path(boundary: Boundary) -> QPainterPath:
    path = QPainterPath()
    path.setFillRule(Qt.FillRule.OddEvenFill)
    for polygon in boundary.polygons:
        for ring in polygon:
            path.addPolygon(QPolygonF([project_point(x, y) for x, y in ring]))
            path.closeSubpath()
    return path


class _RegionItem(QGraphicsPathItem):
    def __init__(self, view: MapView, region_id: str, path: QPainterPath):
        super().__init__(path)
        self.view = view
        self.region_id = region_id
        self.setAcceptHoverEvents(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: N802
        self.view.regionClicked.emit(self.region_id)
        event.accept()


class _MarkerItem(QGraphicsEllipseItem):
    def __init__(self, view: MapView, project_id: str, rect: QRectF):
        super().__init__(rect)
        self.view = view
        self.project_id = project_id
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setZValue(10)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:  # noqa: N802
        self.view.projectClicked.emit(self.project_id)
        event.accept()


class MapView(QGraphicsView):
    regionClicked = Signal(str)  # noqa: N815
    projectClicked = Signal(str)  # noqa: N815

    def __init__(self, boundaries: list[Boundary], regions: list[Region],
                 projects: list[Project], parent: QWidget | None = None):
        super().__init__(parent)
        self.setAccessibleName("Map of Pakistan with regions and project markers")
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setScene(QGraphicsScene(self))
        self.setDragMode(QGraphicsView.DragMode.NoDrag)
        self.setMinimumHeight(200)
        self._regions: dict[str, _RegionItem] = {}
        self._markers: dict[str, _MarkerItem] = {}
        self._labels: dict[str, QGraphicsSimpleTextItem] = {}
        self._selected_region = ""
        self._selected_project = ""
        self._highlight_regions: set[str] = set()
        self._highlight_projects: set[str] = set()
        self._draw(boundaries, regions, projects)

    def _draw(self, boundaries: list[Boundary], regions: list[Region],
              projects: list[Project]) -> None:
        scene = self.scene()
        pal = self.palette()
        text = pal.color(QPalette.ColorRole.Text)
        muted = pal.color(QPalette.ColorRole.PlaceholderText)
        by_boundary = {r.boundary: r for r in regions}
        country_path = None
        for b in boundaries:
            path = boundary_path(b)
            if b.kind == "country":
                country_path = path
                continue
            region = by_boundary.get(b.name)
            if region is not None:
                item = _RegionItem(self, region.id, path)
                item.setToolTip(plain_tooltip(f"{region.name}: click to filter minerals to "
                                              "this region"))
                self._regions[region.id] = item
            else:
                item = QGraphicsPathItem(path)
                item.setToolTip(plain_tooltip(f"{b.name}: no minerals recorded in this briefing"))
            item.setPen(QPen(muted, 0))
            scene.addItem(item)
            centroid = path.boundingRect().center() if region is None else project_point(
                region.centroid_lon, region.centroid_lat)
            if region is None and path.boundingRect().width() < 3 * SCALE:
                continue  # small units without minerals here: name in the tooltip only
            label = QGraphicsSimpleTextItem(b.name if region is None else region.name)
            font = QFont()
            if font.pointSizeF() > 0 and region is None:
                font.setPointSizeF(font.pointSizeF() * 0.85)
            font.setBold(region is not None)
            label.setFont(font)
            label.setBrush(text if region is not None else muted)
            label.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
            label.setPos(centroid)
            label.setZValue(5)
            label.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
            scene.addItem(label)
            self._labels[b.name] = label
        if country_path is not None:
            outline = scene.addPath(country_path, QPen(text, 0))
            outline.setZValue(4)
            outline.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
            pen = outline.pen()
            pen.setCosmetic(True)
            pen.setWidthF(2.0)
            outline.setPen(pen)
        # Projects drawn at the same gazetteer town sit side by side, labels stacked.
        at_place: dict[str, int] = {}
        per_place: dict[str, int] = {}
        for p in projects:
            per_place[p.place] = per_place.get(p.place, 0) + 1
        for p in projects:
            if p.lat is None or p.lon is None:
                continue
            k = at_place.get(p.place, 0)
            at_place[p.place] = k + 1
            marker = _MarkerItem(self, p.id, QRectF(-6 + 13 * k, -6, 12, 12))
            marker.setPos(project_point(p.lon, p.lat))
            marker.setToolTip(plain_tooltip(f"{p.name}: marker at {p.place}"
                                            + (f" ({p.place_note})" if p.place_note else "")))
            scene.addItem(marker)
            self._markers[p.id] = marker
            label = QGraphicsSimpleTextItem(p.name, marker)
            label.setBrush(text)
            label.setPos(10 + 13 * (per_place[p.place] - 1), -8 + 16 * k)
            label.setVisible(False)
            label.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
            self._labels[f"project:{p.id}"] = label
        rect = scene.itemsBoundingRect()
        scene.setSceneRect(rect.adjusted(-40, -40, 40, 40))
        self._restyle()

    def _restyle(self) -> None:
        dark = self.palette().color(QPalette.ColorRole.Window).lightness() < 128
        base = QColor(REGION_FILL_DARK if dark else REGION_FILL)
        for rid, item in self._regions.items():
            colour = QColor(HIGHLIGHT) if rid in self._highlight_regions else base
            if rid == self._selected_region:
                colour = colour.darker(125)
            item.setBrush(QBrush(colour))
            pen = QPen(self.palette().color(QPalette.ColorRole.Text) if rid ==
                       self._selected_region else self.palette().color(
                           QPalette.ColorRole.PlaceholderText))
            pen.setCosmetic(True)
            pen.setWidthF(2.5 if rid == self._selected_region else 1.0)
            item.setPen(pen)
        for pid, marker in self._markers.items():
            on = pid in self._highlight_projects or pid == self._selected_project
            marker.setBrush(QBrush(QColor(HIGHLIGHT if pid == self._selected_project
                                          else MARKER)))
            pen = QPen(QColor("#ffffff" if not on else "#000000"))
            pen.setWidthF(2.0 if on else 1.0)
            marker.setPen(pen)
            self._labels[f"project:{pid}"].setVisible(on)

    # -- state from the rest of the tab --------------------------------------------------------
    def set_selection(self, region_id: str = "", project_id: str = "",
                      regions: Iterable[str] = (), projects: Iterable[str] = ()) -> None:
        self._selected_region = region_id
        self._selected_project = project_id
        self._highlight_regions = set(regions)
        self._highlight_projects = set(projects)
        self._restyle()

    @property
    def selected_region(self) -> str:
        return self._selected_region

    @property
    def highlighted_projects(self) -> set[str]:
        return set(self._highlight_projects)

    def region_item_center(self, region_id: str) -> QPointF:
        """Where a region sits in viewport coordinates (for tests and tooltips)."""
        rect = self._regions[region_id].path().boundingRect()
        return QPointF(self.mapFromScene(rect.center()))

    def marker_position(self, project_id: str) -> QPointF:
        return QPointF(self.mapFromScene(self._markers[project_id].pos()))

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self.fitInView(self.sceneRect(), Qt.AspectRatioMode.KeepAspectRatio)
