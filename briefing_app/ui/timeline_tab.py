"""Geopolitics Timeline tab: events in lanes by actor on a real date axis, beside a sorted list.

Day-precise events are points; an event known only to the month or year is drawn as a bar over
that whole month or year, never as a day. Eras are translucent bands behind their lane. The
analyst's own events are diamonds (or bars) with a strong outline, in their actor's lane or in
the analyst's own lane, drawn once there is an event for it.
"""

from __future__ import annotations

import calendar
import datetime as dt
from functools import cache

import pyqtgraph as pg
from PySide6.QtCore import QDate, QItemSelectionModel, QRegularExpression, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QFontMetrics,
    QKeySequence,
    QPalette,
    QRegularExpressionValidator,
    QShortcut,
)
from PySide6.QtWidgets import (
    QBoxLayout,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ..domain import Actor, Era, Event, ItemRef, PartialDate
from ..export.charts_svg import CATEGORY_COLOURS  # one palette for the window and exports
from .models import OWN_MARK, EventsFilter, EventsModel
from .own_actions import OwnItemActions
from .richtext import plain_tooltip
from .session import Change, Session
from .views import row_table

DAY = 86400.0
#: What the date filters take: a year, a year and month, or a day, as ISO dates are written.
TYPED_DATE = r"\d{0,4}(-(\d{0,2}(-\d{0,2})?)?)?"
_WHOLE_DATE = QRegularExpression(r"^(\d{4})(?:-(0[1-9]|1[0-2])(?:-(0[1-9]|[12]\d|3[01]))?)?$")
#: Event labels drawn on the chart at most (more would be unreadable and slow a frame).
MAX_LABELS = 60


def typed_period(text: str) -> tuple[str, str] | None:
    """The first and last day (ISO) a typed year, month or day stands for; ("", "") for
    nothing typed; None for text that is not such a date (or no such day)."""
    text = text.strip()
    if not text:
        return "", ""
    m = _WHOLE_DATE.match(text)
    if not m.hasMatch():
        return None
    year, month, day = int(m.captured(1)), m.captured(2), m.captured(3)
    if day:
        if not QDate(year, int(month), int(day)).isValid():
            return None
        return text, text
    if month:
        last = calendar.monthrange(year, int(month))[1]
        return f"{year:04d}-{month}-01", f"{year:04d}-{month}-{last:02d}"
    return f"{year:04d}-01-01", f"{year:04d}-12-31"


def _ts(year: int, month: int, day: int, end_of_day: bool = False) -> float:
    moment = dt.datetime(year, month, day, 23 if end_of_day else 0, 59 if end_of_day else 0,
                         tzinfo=dt.UTC)
    return moment.timestamp()


@cache  # many events share a date; a large timeline asks for each often
def period(date: PartialDate) -> tuple[float, float]:
    """Start and end (UTC seconds) of the period a partial date stands for."""
    parts = [int(p) for p in date.iso.split("-")]
    if len(parts) == 1:
        return _ts(parts[0], 1, 1), _ts(parts[0], 12, 31, True)
    if len(parts) == 2:
        last = calendar.monthrange(parts[0], parts[1])[1]
        return _ts(parts[0], parts[1], 1), _ts(parts[0], parts[1], last, True)
    return _ts(*parts), _ts(*parts, end_of_day=True)


def event_x(event: Event) -> float:
    start, end = period(event.date)
    return (start + end) / 2


def timeline_lanes(actors: list[Actor], events: list[Event],
                   eras: list[Era]) -> list[tuple[str, str]]:
    """(lane id, label) for every lane an event or era is in, in the actors' order; an own
    actor's lane is marked, and a lane whose own actor was deleted still shows its events."""
    used = {e.lane for e in events} | {e.lane for e in eras}
    lanes = [(a.id, f"{OWN_MARK} {a.short}" if a.own else a.short)
             for a in actors if a.id in used]
    known = {a.id for a in actors}
    lanes += [(lane, "(removed actor)") for lane in sorted(used - known)]
    return lanes


class TimelineChart(pg.PlotWidget):
    """The lanes chart. Emits ``eventClicked(event id)``."""

    eventClicked = Signal(str)  # noqa: N815

    def __init__(self, lanes: list[tuple[str, str]], parent: QWidget | None = None):
        pal = parent.palette() if parent is not None else QPalette()
        super().__init__(parent, background=pal.color(QPalette.ColorRole.Base),
                         axisItems={"bottom": pg.DateAxisItem(orientation="bottom",
                                                              utcOffset=0)})
        fg = pal.color(QPalette.ColorRole.Text)
        self.setAccessibleName("Timeline chart: events by actor and date")
        self.lanes = lanes
        item = self.getPlotItem()
        item.setMenuEnabled(False)
        for name in ("left", "bottom"):
            axis = item.getAxis(name)
            axis.setPen(pg.mkPen(fg))
            axis.setTextPen(pg.mkPen(fg))
        item.setLabel("bottom", "Date")
        item.setLabel("left", "Actor lane")
        # No x grid: at the fit-all zoom its many date lines cost most of a frame.
        item.getViewBox().setMouseEnabled(x=True, y=False)
        self.legend = item.addLegend(offset=(-10, 5), colCount=4, labelTextColor=fg,
                                     brush=pal.color(QPalette.ColorRole.Base))
        for category, colour in CATEGORY_COLOURS.items():
            sample = pg.ScatterPlotItem([], [], brush=QColor(colour), pen=None, size=10)
            self.legend.addItem(sample, category.replace("-", " "))
        # The analyst's own events: a diamond with a strong outline in the text colour, so
        # they stand out in any category colour and in either theme.
        self._own_pen = pg.mkPen(fg, width=2.5)
        self._own_sample = pg.ScatterPlotItem([], [], brush=QColor(160, 160, 160),
                                              pen=self._own_pen, size=10, symbol="d")
        self._own_in_legend = False
        self._events: list[Event] = []
        self._spans: list[tuple[float, float, float, str]] = []
        # One pen and one brush per category, shared by every point: pyqtgraph caches a symbol
        # image per distinct pen/brush object, so per-event objects meant one image per event.
        self._brushes = {c: pg.mkBrush(QColor(v)) for c, v in CATEGORY_COLOURS.items()}
        self._pens = {c: pg.mkPen(QColor(v).darker(140)) for c, v in CATEGORY_COLOURS.items()}
        self._span_brushes = {c: pg.mkBrush(QColor(v).red(), QColor(v).green(),
                                            QColor(v).blue(), 150)
                              for c, v in CATEGORY_COLOURS.items()}
        self._fallback = "diplomacy"
        # Hovering a point shows its event (the scatter is above the era bands, so its tip
        # wins over theirs); a bar's event is in the bar's own tooltip.
        self._scatter = pg.ScatterPlotItem(size=12, hoverable=True, tip=self._point_tip)
        self._scatter.sigClicked.connect(self._on_points)
        self._scatter.setZValue(10)
        item.addItem(self._scatter)
        self._span_item: pg.BarGraphItem | None = None
        self._era_items: list[pg.GraphicsObject] = []
        self._labels: list[pg.TextItem] = []
        self._marker = pg.ScatterPlotItem(size=22, brush=None, pen=pg.mkPen(fg, width=2.5),
                                          symbol="o")
        self._marker.setZValue(20)
        item.addItem(self._marker)
        self.scene().sigMouseClicked.connect(self._on_scene_click)
        self._lane_index: dict[str, int] = {}
        self._span_categories: list[str] = []
        self._span_own: list[bool] = []
        self._event_labels: list[pg.TextItem] = []
        self._by_id: dict[str, Event] = {}
        self._label_timer = QTimer(self)
        self._label_timer.setSingleShot(True)
        self._label_timer.setInterval(60)
        self._label_timer.timeout.connect(self._draw_labels)
        self._label_font = ""
        self._label_sizes: dict[str, tuple[str, int]] = {}
        self._label_pool: list[pg.TextItem] = []
        self._no_fill = pg.mkBrush(None)
        self._selected = ""
        self._label_colour = fg
        self._label_fill = pg.mkBrush(pal.color(QPalette.ColorRole.Base))
        self.set_lanes(lanes)
        item.getViewBox().sigXRangeChanged.connect(lambda *_a: self._on_range())

    def _on_range(self) -> None:
        self._draw_spans()
        # Labels once the view rests: redrawn on every frame of a pan they would slow it.
        self._label_timer.start()

    def set_lanes(self, lanes: list[tuple[str, str]]) -> None:
        """The lanes drawn (an own actor or the analyst's own lane may come and go)."""
        self.lanes = lanes
        self._lane_index = {lid: i for i, (lid, _n) in enumerate(lanes)}
        item = self.getPlotItem()
        item.getAxis("left").setTicks([[(self.lane_y(i), name)
                                        for i, (_lid, name) in enumerate(lanes)]])
        item.setYRange(-0.7, len(lanes) + 0.2, padding=0)

    def lane_y(self, index: int) -> float:
        return float(len(self.lanes) - 1 - index)

    def y_of(self, lane: str) -> float:
        return self.lane_y(self._lane_index.get(lane, 0))

    def set_content(self, events: list[Event], eras: list[Era]) -> None:
        item = self.getPlotItem()
        for old in self._era_items + self._labels:
            item.removeItem(old)
        self._era_items, self._labels = [], []
        if self._span_item is not None:
            item.removeItem(self._span_item)
            self._span_item = None
        self._events = events
        self._by_id = {e.id: e for e in events}

        today = dt.datetime.now(dt.UTC).timestamp()
        text_colour = self.getAxis("left").textPen().color()
        for era in eras:
            x0 = period(era.start)[0]
            x1 = period(era.end)[1] if era.end else today
            y = self.y_of(era.lane)
            band = pg.BarGraphItem(x0=[x0], x1=[x1], y0=[y - 0.42], y1=[y + 0.42],
                                   brush=QColor(128, 128, 128, 45), pen=pg.mkPen(None))
            band.setZValue(-10)
            band.setToolTip(plain_tooltip(f"{era.title}: {era.start.label()} \u2013 "
                                          f"{era.end.label() if era.end else 'ongoing'}"))
            item.addItem(band)
            label = pg.TextItem(era.title, color=text_colour, anchor=(0, 0))
            label.setPos(x0, y + 0.45)
            label.setZValue(-5)
            item.addItem(label)
            self._era_items.append(band)
            self._labels.append(label)

        xs, ys, ids, brushes, pens, symbols = [], [], [], [], [], []
        self._spans = []
        self._span_categories = []
        self._span_own = []
        for e in events:
            category = e.category if e.category in self._brushes else self._fallback
            y = self.y_of(e.lane)
            start, end = period(e.date)
            if e.date.precision == "day":
                xs.append((start + end) / 2)
                ys.append(y)
                ids.append(e.id)
                brushes.append(self._brushes[category])
                pens.append(self._own_pen if e.own else self._pens[category])
                symbols.append("d" if e.own else "o")
            else:
                self._spans.append((start, end, y, e.id))
                self._span_categories.append(category)
                self._span_own.append(e.own)
        self._scatter.setData(x=xs, y=ys, data=ids, brush=brushes, pen=pens, symbol=symbols)
        self._show_own_legend(any(e.own for e in events))
        self._draw_spans()
        self._draw_labels()

    def _show_own_legend(self, show: bool) -> None:
        if show and not self._own_in_legend:
            self.legend.addItem(self._own_sample, f"{OWN_MARK} the analyst's own")
        elif not show and self._own_in_legend:
            self.legend.removeItem(self._own_sample)
        self._own_in_legend = show

    def own_event_ids(self) -> set[str]:
        """The own events drawn now, as points or bars (for tests and the legend)."""
        return {e.id for e in self._events if e.own}

    def _draw_spans(self) -> None:
        """Bars for month- and year-precision events, only those in view: a BarGraphItem
        replays every bar it holds on each frame, visible or not."""
        item = self.getPlotItem()
        if self._span_item is not None:
            item.removeItem(self._span_item)
            self._span_item = None
        (x0, x1), _ = item.getViewBox().viewRange()
        margin = (x1 - x0) * 0.05
        shown = [(s, c, own) for s, c, own
                 in zip(self._spans, self._span_categories, self._span_own, strict=True)
                 if s[1] >= x0 - margin and s[0] <= x1 + margin]
        if not shown:
            return
        self._span_item = pg.BarGraphItem(
            x0=[s[0] for s, _c, _o in shown], x1=[s[1] for s, _c, _o in shown],
            y0=[s[2] - 0.16 for s, _c, _o in shown], y1=[s[2] + 0.16 for s, _c, _o in shown],
            brushes=[self._span_brushes[c] for _s, c, _o in shown],
            pens=[self._own_pen if own else self._pens[c] for _s, c, own in shown])
        self._span_item.setZValue(5)
        item.addItem(self._span_item)

    def fit_all(self) -> None:
        if not self._events:
            return
        periods = [period(e.date) for e in self._events]
        first = min(p[0] for p in periods)
        last = max(p[1] for p in periods)
        span = last - first or DAY * 30
        self.getPlotItem().setXRange(first - span * 0.03, last + span * 0.03, padding=0)

    def zoom(self, factor: float) -> None:
        vb = self.getPlotItem().getViewBox()
        (x0, x1), _ = vb.viewRange()
        centre, half = (x0 + x1) / 2, (x1 - x0) / 2 * factor
        vb.setXRange(centre - half, centre + half, padding=0)

    def pan(self, fraction: float) -> None:
        vb = self.getPlotItem().getViewBox()
        (x0, x1), _ = vb.viewRange()
        shift = (x1 - x0) * fraction
        vb.setXRange(x0 + shift, x1 + shift, padding=0)

    def _point_tip(self, x: float, y: float, data: object) -> str:
        event = self._by_id.get(str(data))
        if event is None:
            return ""
        return f"{event.title}\n{event.date.label()}" + (
            f"\n{OWN_MARK} the analyst's own" if event.own else "")

    def _draw_labels(self) -> None:
        """Event titles beside their marks where they fit: in each lane, left to right, a
        title is drawn if it clears the one before it (cut to a few words); the selected
        event's title always is. Others show on hover and in the list."""
        item = self.getPlotItem()
        # Labels are reused from draw to draw (making a TextItem is most of a redraw's cost):
        # the first ``used`` of the pool are shown, the rest hidden.
        pool = self._label_pool
        used = 0
        self._event_labels = []
        vb = item.getViewBox()
        (x0, x1), _ = vb.viewRange()
        width = max(1.0, vb.width())
        per_pixel = (x1 - x0) / width
        if per_pixel <= 0:
            for label in pool:
                label.setVisible(False)
            return
        metrics = QFontMetrics(self.font())
        selected = self._selected
        placed_until: dict[str, float] = {}
        drawn = 0
        in_view = sorted((e for e in self._events if x0 <= event_x(e) <= x1),
                         key=lambda e: (e.id != selected, event_x(e)))
        font = self.font().key()
        if font != self._label_font:  # each title's cut and width, measured once per font
            self._label_font, self._label_sizes = font, {}
        sizes = self._label_sizes
        for e in in_view:
            if drawn >= MAX_LABELS and e.id != selected:
                break
            x = event_x(e)
            if e.id != selected and placed_until.get(e.lane, -1e18) > x:
                continue  # it would start before the last title in its lane ends
            size = sizes.get(e.title)
            if size is None:
                text = metrics.elidedText(e.title, Qt.TextElideMode.ElideRight, 170)
                size = sizes[e.title] = (text, metrics.horizontalAdvance(text))
            text = size[0]
            span = (size[1] + 14) * per_pixel
            # Right of the mark, or left of it where the view ends first.
            left = x + span > x1
            start, end = (x - span, x) if left else (x, x + span)
            if e.id != selected and placed_until.get(e.lane, -1e18) > start:
                continue
            if used < len(pool):
                label = pool[used]
                label.setText(text, color=self._label_colour)
                label.setAnchor((1.0 if left else 0, 1.0))
            else:
                label = pg.TextItem(text, color=self._label_colour,
                                    anchor=(1.0 if left else 0, 1.0))
                item.addItem(label)
                pool.append(label)
            label.fill = self._label_fill if e.id == selected else self._no_fill
            label.setPos(x + (-6 if left else 6) * per_pixel, self.y_of(e.lane) + 0.08)
            label.setZValue(15 if e.id == selected else 8)
            label.setVisible(True)
            label.update()
            used += 1
            self._event_labels.append(label)
            placed_until[e.lane] = max(placed_until.get(e.lane, -1e18), end)
            drawn += 1
        for label in pool[used:]:
            label.setVisible(False)

    def labels_shown(self) -> list[str]:
        """The event titles drawn on the chart now (for tests)."""
        return [label.textItem.toPlainText() for label in self._event_labels]

    def mark(self, event: Event | None) -> None:
        self._selected = event.id if event is not None else ""
        if event is None:
            self._marker.setData([])
            self._draw_labels()
            return
        x, y = event_x(event), self.y_of(event.lane)
        self._marker.setData([{"pos": (x, y)}])
        vb = self.getPlotItem().getViewBox()
        (x0, x1), _ = vb.viewRange()
        if not x0 <= x <= x1:
            half = (x1 - x0) / 2
            vb.setXRange(x - half, x + half, padding=0)
        self._draw_labels()

    def _on_points(self, _item, points, _ev=None) -> None:  # type: ignore[no-untyped-def]
        if len(points):
            self.eventClicked.emit(points[0].data())

    def _on_scene_click(self, event) -> None:  # type: ignore[no-untyped-def]
        if event.isAccepted() or event.button() != Qt.MouseButton.LeftButton:
            return
        p = self.getPlotItem().getViewBox().mapSceneToView(event.scenePos())
        for start, end, y, eid in self._spans:
            if start <= p.x() <= end and abs(p.y() - y) <= 0.2:
                self.eventClicked.emit(eid)
                return

    def event_position(self, event_id: str):  # type: ignore[no-untyped-def]
        """Where an event is drawn, in view coordinates (x, y)."""
        e = next(e for e in self._events if e.id == event_id)
        return event_x(e), self.y_of(e.lane)


class TimelineTab(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        store = session.store
        self.events = store.events()
        self.eras = store.eras()
        self.actors = store.actors()
        self.lanes = timeline_lanes(self.actors, self.events, self.eras)
        self._current: ItemRef | None = None

        self.chart = TimelineChart(self.lanes, self)
        self.chart.setObjectName("timelineChart")
        self.chart.eventClicked.connect(lambda eid: self.select(ItemRef("event", eid)))

        self.model = EventsModel(self.events, {a.id: a.short for a in self.actors}, self)
        self.proxy = EventsFilter(self)
        self.proxy.setSourceModel(self.model)  # the store gives events in date order
        self.list = row_table(self, "eventsList", "Events, sorted by date", self.proxy,
                              widths=(110, 90), stretch_last=False)
        self.list.horizontalHeader().setSectionResizeMode(EventsModel.COL_TITLE,
                                                          QHeaderView.ResizeMode.Stretch)
        self.list.selectionModel().currentRowChanged.connect(self._on_row)

        # Filters.
        self.actor_filter = QComboBox(self)
        self.actor_filter.setObjectName("actorFilter")
        self.actor_filter.setAccessibleName("Filter events by actor")
        self.category_filter = QComboBox(self)
        self.category_filter.setObjectName("categoryFilter")
        self.category_filter.setAccessibleName("Filter events by category")
        self._fill_filters()
        self.date_from = self._date_field("dateFrom", "Events from", first=True)
        self.date_to = self._date_field("dateTo", "Events until", first=False)
        self.fit_button = QPushButton("&Fit all", self)
        self.fit_button.setObjectName("fitAll")
        self.fit_button.setToolTip("Show every event (Ctrl+0)")
        self.fit_button.clicked.connect(self.chart.fit_all)
        self.count_label = QLabel(self)
        self.own_actions = OwnItemActions(session, self, ("event",), self.current_ref,
                                          self.select)
        self.own_actions.install(self.list)
        self.own_actions.install(self.chart)
        self.add_button = self.own_actions.button("add", "Add &event\u2026", "addOwnEvent")
        self.edit_button = self.own_actions.button("edit", "Ed&it\u2026", "editOwnEvent")
        self.delete_button = self.own_actions.button("delete", "De&lete", "deleteOwnEvent")
        for w in (self.actor_filter, self.category_filter):
            w.currentIndexChanged.connect(lambda _i: self._apply_filters(refit=True))
        for d in (self.date_from, self.date_to):
            d.textChanged.connect(lambda _t: self._apply_filters(refit=True))

        filters = QHBoxLayout()
        filters.setContentsMargins(0, 0, 0, 0)
        for text, w in (("&Actor:", self.actor_filter), ("Cate&gory:", self.category_filter),
                        ("F&rom:", self.date_from), ("&Until:", self.date_to)):
            label = QLabel(text, self)
            label.setBuddy(w)
            filters.addWidget(label)
            filters.addWidget(w)
        filters.addStretch(1)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(self.count_label)
        buttons.addStretch(1)
        for button in (self.fit_button, self.add_button, self.edit_button, self.delete_button):
            buttons.addWidget(button)
        # One row when there is room, two when the window is narrow (at 1024 wide one row
        # squeezed every filter to a few letters): ``resizeEvent`` turns the box.
        self.controls = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.controls.addLayout(filters, 1)
        self.controls.addLayout(buttons)
        self._filters_row, self._buttons_row = filters, buttons
        for combo in (self.actor_filter, self.category_filter):
            combo.setMinimumContentsLength(12)
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        for edit in (self.date_from, self.date_to):
            edit.setMinimumWidth(edit.fontMetrics().horizontalAdvance("2025-10-31") + 34)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("timelineSplitter")
        self.splitter.addWidget(self.chart)
        self.splitter.addWidget(self.list)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([700, 460])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(self.controls)
        layout.addWidget(self.splitter)

        for keys, slot in (
            ("Left", lambda: self.step(-1)),
            ("Right", lambda: self.step(1)),
            ("Ctrl+0", self.chart.fit_all),
            ("+", lambda: self.chart.zoom(0.7)),
            ("=", lambda: self.chart.zoom(0.7)),
            ("-", lambda: self.chart.zoom(1 / 0.7)),
            ("Ctrl+Left", lambda: self.chart.pan(-0.2)),
            ("Ctrl+Right", lambda: self.chart.pan(0.2)),
        ):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

        self._apply_filters()
        self.chart.fit_all()
        session.changed.connect(self._on_change)
        session.workspaceReady.connect(self.reload)

    def resizeEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        super().resizeEvent(event)
        room = (self._filters_row.sizeHint().width() + self._buttons_row.sizeHint().width()
                + 24)
        direction = (QBoxLayout.Direction.LeftToRight if self.width() >= room
                     else QBoxLayout.Direction.TopToBottom)
        if self.controls.direction() != direction:
            self.controls.setDirection(direction)

    # -- data ------------------------------------------------------------------------------------
    def _fill_filters(self) -> None:
        """The actor and category choices for the events there are, keeping the choice made
        (a choice whose last event went away falls back to "All")."""
        used = {lane for lane, _label in self.lanes}
        involved = {a for e in self.events for a in e.actors} | used
        for combo, first, items in (
            (self.actor_filter, "All actors",
             [(f"{OWN_MARK} {a.name}" if a.own else a.name, a.id)
              for a in self.actors if a.id in involved]),
            (self.category_filter, "All categories",
             [(c.replace("-", " "), c) for c in sorted({e.category for e in self.events})]),
        ):
            chosen = combo.currentData() or ""
            blocked = combo.blockSignals(True)
            combo.clear()
            combo.addItem(first, "")
            for label, value in items:
                combo.addItem(label, value)
            combo.setCurrentIndex(max(0, combo.findData(chosen)))
            combo.blockSignals(blocked)

    def reload(self) -> None:
        """Read the events again (the analyst's own added, edited or deleted, or undone):
        the list changes row by row, so its selection stays; lanes and filters follow."""
        store = self.session.store
        self.events = store.events()
        self.actors = store.actors()
        lanes = timeline_lanes(self.actors, self.events, self.eras)
        self.model.update_rows(self.events, lambda e: e.id)
        self.model.set_lane_names({a.id: a.short for a in self.actors})
        if lanes != self.lanes:
            self.lanes = lanes
            self.chart.set_lanes(lanes)
        self._fill_filters()
        self._apply_filters()
        current = self._current
        event = next((e for e in self.events if current is not None and e.id == current.id
                      and current.kind == "event"), None)
        if event is not None and self.proxy.accepts(event):
            self.chart.mark(event)

    def _on_change(self, change: Change) -> None:
        if change.kind == "own":
            self.reload()

    def _date_field(self, name: str, accessible: str, first: bool) -> QLineEdit:
        """A date filter that takes what a user types: a year, a year-month or a day, with
        the data's own first or last year as the hint."""
        edit = QLineEdit(self)
        edit.setObjectName(name)
        edit.setAccessibleName(accessible)
        edit.setClearButtonEnabled(True)
        edit.setValidator(QRegularExpressionValidator(QRegularExpression(TYPED_DATE), edit))
        edit.setMaximumWidth(140)
        edit.setToolTip("A year (2015), a month (2015-06) or a day (2015-06-30); empty for "
                        "any date")
        self._date_hint(edit, first)
        return edit

    def _date_hint(self, edit: QLineEdit, first: bool) -> None:
        years = sorted(e.date.iso[:4] for e in self.events)
        hint = (years[0] if first else years[-1]) if years else ""
        edit.setPlaceholderText(f"{'from' if first else 'to'} {hint}" if hint else "any")

    def _apply_filters(self, refit: bool = False) -> None:
        """Filter the list and the chart; with ``refit`` (the user changed a filter), fit the
        chart to the events left. A date that is not one yet leaves the filters as they were
        and says what is wrong."""
        start, end = typed_period(self.date_from.text()), typed_period(self.date_to.text())
        for edit, ok in ((self.date_from, start is not None), (self.date_to, end is not None)):
            edit.setStyleSheet("" if ok else "QLineEdit { border: 2px solid #c0392b; }")
        if start is None or end is None:
            wrong = self.date_from.text() if start is None else self.date_to.text()
            self.count_label.setText(f"\u201c{wrong.strip()}\u201d is not a date yet: type "
                                     "a year, a year-month or a day")
            return
        self.proxy.set_filters(self.actor_filter.currentData() or "",
                               self.category_filter.currentData() or "", start[0], end[1])
        shown = [e for e in self.events if self.proxy.accepts(e)]
        self.chart.set_content(shown, self.eras)
        if refit:
            self.chart.fit_all()
        n = len(shown)
        self.count_label.setText(f"{n} of {len(self.events)} events"
                                 + ("" if n else ": none match the filters"))
        current = self._current
        if current is not None and not any(e.id == current.id for e in shown):
            self.chart.mark(None)

    def clear_filters(self) -> None:
        for combo in (self.actor_filter, self.category_filter):
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        for edit in (self.date_from, self.date_to):
            edit.blockSignals(True)
            edit.clear()
            edit.blockSignals(False)
        self._apply_filters()

    def _on_row(self, index) -> None:  # type: ignore[no-untyped-def]
        if not index.isValid():
            return
        event = self.model.row_object(self.proxy.mapToSource(index).row())
        self._current = ItemRef("event", event.id)
        self.chart.mark(event)
        self.session.select(self._current)

    def step(self, delta: int) -> None:
        """Select the previous or next event in date order (Left/Right)."""
        rows = self.proxy.rowCount()
        if rows == 0:
            return
        current = self.list.currentIndex()
        row = current.row() + delta if current.isValid() else (0 if delta > 0 else rows - 1)
        row = max(0, min(rows - 1, row))
        self.list.selectionModel().setCurrentIndex(
            self.proxy.index(row, 0),
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows)
        self.list.scrollTo(self.proxy.index(row, 0))

    def select(self, ref: ItemRef) -> None:
        if ref.kind == "era":
            era = next((e for e in self.eras if e.id == ref.id), None)
            if era is not None:
                start = period(era.start)[0]
                end = period(era.end)[1] if era.end else dt.datetime.now(dt.UTC).timestamp()
                self.chart.getPlotItem().setXRange(start, end, padding=0.05)
            self._current = ref
            self.session.select(ref)
            return
        row = self.model.row_of(ref.id)
        if row < 0:
            return
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        revealed = ""
        if not index.isValid():  # filtered out: clear the filters so it can be shown
            self.clear_filters()
            index = self.proxy.mapFromSource(self.model.index(row, 0))
            revealed = self.model.row_object(row).title
        self.list.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows)
        self.list.scrollTo(index)
        if revealed:  # said where the filters were, not changed silently
            self.count_label.setText(f"Filters cleared to show \u201c{revealed}\u201d "
                                     f"({len(self.events)} events)")

    def note_views(self) -> list[QWidget]:
        """Views whose context menu offers "Add note" for the selection."""
        return [self.list, self.chart]

    def current_ref(self) -> ItemRef | None:
        return self._current
