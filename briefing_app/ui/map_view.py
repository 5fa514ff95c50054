"""A map of Pakistan drawn from the bundled boundaries, with clickable regions and markers.

Plain QGraphicsView: the outlines are a few hundred points, so no map library or tiles are
needed, and nothing is fetched from anywhere. Every marker is labelled where its label does
not cover another's (a label that fits nowhere near its marker is left to the tooltip); the
wheel, +/- and a drag zoom and pan, 0 fits the map again; with the keyboard, the arrow keys
move between markers and Enter opens one.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from PySide6.QtCore import QPoint, QPointF, QRectF, Qt, Signal
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


#: How far (pixels) the mouse may move between press and release for a click, not a drag.
CLICK_SLOP = 4
ZOOM_STEP = 1.25
MAX_ZOOM = 12.0


class _RegionItem(QGraphicsPathItem):
    """A region; the view turns a click on it into ``regionClicked`` (a drag pans)."""

    def __init__(self, view: MapView, region_id: str, path: QPainterPath):
        super().__init__(path)
        self.view = view
        self.region_id = region_id
        self.setAcceptHoverEvents(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)


class _MarkerItem(QGraphicsEllipseItem):
    """A project's marker; the view turns a click on it into ``projectClicked``."""

    def __init__(self, view: MapView, project_id: str, rect: QRectF):
        super().__init__(rect)
        self.view = view
        self.project_id = project_id
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setZValue(10)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)

    def centre(self) -> QPoint:
        """The marker's centre in the view's pixels (markers of one town sit side by side)."""
        return self.view.mapFromScene(self.pos()) + QPoint(round(self.rect().center().x()), 0)


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
        self._zoom = 1.0  # 1: the whole map fits the view
        self._press: QPoint | None = None
        self.keyboard_project = ""  # the marker the arrow keys are on
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._projects = {p.id: p for p in projects}
        self._draw(boundaries, regions, projects)
        self._focus_ring = QGraphicsEllipseItem(QRectF(-11, -11, 22, 22))
        ring = QPen(self.palette().color(QPalette.ColorRole.Highlight), 2,
                    Qt.PenStyle.DashLine)
        ring.setCosmetic(True)
        self._focus_ring.setPen(ring)
        self._focus_ring.setZValue(12)
        self._focus_ring.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
        self._focus_ring.setVisible(False)
        self.scene().addItem(self._focus_ring)

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
            label.setZValue(11)
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
            label = self._labels[f"project:{pid}"]
            font = label.font()
            font.setBold(on)
            label.setFont(font)
        self._place_labels()

    # -- labels ----------------------------------------------------------------------------
    def _place_labels(self) -> None:
        """Put each marker's label beside it (right, left, above, below or at a corner)
        where it covers no other label, region name or marker and stays in view; selected
        and highlighted markers choose first. A label that fits nowhere is hidden (the
        tooltip names it)."""
        if not self._markers:
            return
        view = QRectF(self.viewport().rect())
        taken: list[QRectF] = []
        for key, label in self._labels.items():
            if not key.startswith("project:") and label.isVisible():
                taken.append(QRectF(self.mapFromScene(label.pos()),
                                    label.boundingRect().size()))
        for marker in self._markers.values():
            c = marker.centre()
            taken.append(QRectF(c.x() - 7, c.y() - 7, 14, 14))
        first = self._highlight_projects | {self._selected_project, self.keyboard_project}
        order = sorted(self._markers, key=lambda pid: (pid not in first,
                                                       self._markers[pid].centre().x()))
        for pid in order:
            marker, label = self._markers[pid], self._labels[f"project:{pid}"]
            size = label.boundingRect().size()
            w, h = size.width(), size.height()
            c = marker.centre()
            placed = False
            for dx, dy in ((9, -h / 2), (-9 - w, -h / 2), (-w / 2, -9 - h), (-w / 2, 9),
                           (4, 8), (4, -8 - h), (-4 - w, 8), (-4 - w, -8 - h)):
                rect = QRectF(c.x() + dx, c.y() + dy, w, h)
                if view.contains(rect) and not any(rect.intersects(t) for t in taken):
                    # The label is the marker's child (ignoring the view's scale): place it
                    # relative to the marker's own origin.
                    label.setPos(dx + marker.rect().center().x(), dy)
                    taken.append(rect)
                    placed = True
                    break
            label.setVisible(placed)

    def label_rects(self) -> dict[str, QRectF]:
        """Each shown project label's place in the view's pixels (for tests)."""
        out = {}
        for pid, marker in self._markers.items():
            label = self._labels[f"project:{pid}"]
            if label.isVisible():
                top_left = marker.centre() + QPoint(
                    round(label.pos().x() - marker.rect().center().x()), round(label.pos().y()))
                out[pid] = QRectF(QPointF(top_left), label.boundingRect().size())
        return out

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
        centre = self.mapToScene(self.viewport().rect().center())
        self.fitInView(self.sceneRect(), Qt.AspectRatioMode.KeepAspectRatio)
        if self._zoom != 1.0:  # keep the user's zoom (and where they were) across a resize
            self.scale(self._zoom, self._zoom)
            self.centerOn(centre)
        self._place_labels()

    # -- zoom and pan ------------------------------------------------------------------------
    @property
    def zoom(self) -> float:
        return self._zoom

    def zoom_by(self, factor: float) -> None:
        new = max(1.0, min(MAX_ZOOM, self._zoom * factor))
        if new == self._zoom:
            return
        step = new / self._zoom
        self._zoom = new
        if new == 1.0:
            self.fit()
            return
        self.scale(step, step)
        self._place_labels()

    def fit(self) -> None:
        self._zoom = 1.0
        self.resetTransform()
        self.fitInView(self.sceneRect(), Qt.AspectRatioMode.KeepAspectRatio)
        self._place_labels()

    def pan(self, dx: int, dy: int) -> None:
        """Move the view by a share of its size (-1..1 each way)."""
        bar_x, bar_y = self.horizontalScrollBar(), self.verticalScrollBar()
        bar_x.setValue(bar_x.value() + round(dx * self.viewport().width() / 4))
        bar_y.setValue(bar_y.value() + round(dy * self.viewport().height() / 4))
        self._place_labels()

    def wheelEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        steps = event.angleDelta().y() / 120
        if steps:
            self.zoom_by(ZOOM_STEP ** steps)
        event.accept()

    def scrollContentsBy(self, dx: int, dy: int) -> None:  # noqa: N802
        super().scrollContentsBy(dx, dy)
        if dx or dy:
            self._place_labels()

    # -- clicks: a press and release in one place (a drag pans) ----------------------------
    def mousePressEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        self._press = event.position().toPoint()
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        super().mouseReleaseEvent(event)
        press, self._press = self._press, None
        pos = event.position().toPoint()
        if (press is None or event.button() != Qt.MouseButton.LeftButton
                or (pos - press).manhattanLength() > CLICK_SLOP):
            return
        self.click_at(pos)

    def click_at(self, pos: QPoint) -> None:
        """What a click at ``pos`` (view pixels) opens: the marker there, or the region."""
        for pid, marker in self._markers.items():
            if (marker.centre() - pos).manhattanLength() <= 9:
                self.projectClicked.emit(pid)
                return
        scene = self.mapToScene(pos)
        for rid, item in self._regions.items():
            if item.path().contains(scene):
                self.regionClicked.emit(rid)
                return

    # -- keyboard ----------------------------------------------------------------------------
    def keyPressEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        key, ctrl = event.key(), bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        arrows = {Qt.Key.Key_Left: (-1, 0), Qt.Key.Key_Right: (1, 0),
                  Qt.Key.Key_Up: (0, -1), Qt.Key.Key_Down: (0, 1)}
        if key in arrows and ctrl:
            self.pan(*arrows[key])
        elif key in arrows:
            self.move_keyboard(*arrows[key])
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            if self.keyboard_project:
                self.projectClicked.emit(self.keyboard_project)
        elif key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom_by(ZOOM_STEP)
        elif key == Qt.Key.Key_Minus:
            self.zoom_by(1 / ZOOM_STEP)
        elif key == Qt.Key.Key_0:
            self.fit()
        else:
            super().keyPressEvent(event)

    def move_keyboard(self, dx: int, dy: int) -> None:
        """Move the keyboard's marker to the nearest one that way (the first key picks the
        selected project, or the westernmost marker)."""
        if not self._markers:
            return
        current = self.keyboard_project or self._selected_project
        if current not in self._markers:
            chosen = min(self._markers, key=lambda pid: self._markers[pid].centre().x())
        else:
            here = self._markers[current].centre()
            best, best_cost = current, float("inf")
            for pid, marker in self._markers.items():
                d = marker.centre() - here
                along = d.x() * dx + d.y() * dy
                if pid == current or along <= 0:
                    continue
                across = abs(d.x() * dy) + abs(d.y() * dx)
                cost = along + 2 * across
                if cost < best_cost:
                    best, best_cost = pid, cost
            chosen = best
        self.keyboard_project = chosen
        self._show_keyboard()

    def _show_keyboard(self) -> None:
        marker = self._markers.get(self.keyboard_project)
        self._focus_ring.setVisible(marker is not None and self.hasFocus())
        if marker is None:
            return
        self._focus_ring.setPos(marker.pos())
        self._focus_ring.setRect(QRectF(marker.rect().center().x() - 11, -11, 22, 22))
        self.ensureVisible(marker, 40, 40)
        project = self._projects.get(self.keyboard_project)
        if project is not None:
            self.setAccessibleDescription(
                f"{project.name}, at {project.place}. Arrow keys move between markers, Enter "
                "opens, plus and minus zoom, Ctrl with an arrow pans, 0 fits the map.")
        self._place_labels()

    def focusInEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        super().focusInEvent(event)
        self._show_keyboard()

    def focusOutEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        super().focusOutEvent(event)
        self._focus_ring.setVisible(False)
