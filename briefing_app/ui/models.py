"""Qt item models: thin adapters over plain lists of domain objects (tested without widgets).

The analyst's own items (``own=True``) are marked in the rows that show them: a pencil before
the title, italics and a tooltip saying whose they are.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)

from ..domain import Event, ItemRef, Mineral, Project, Region
from .richtext import OWN_MARK, plain_tooltip

T = TypeVar("T")
Index = QModelIndex | QPersistentModelIndex
REF_ROLE = Qt.ItemDataRole.UserRole + 1  # the row's ItemRef
SORT_ROLE = Qt.ItemDataRole.UserRole + 2
OWN_ROLE = Qt.ItemDataRole.UserRole + 3  # True for the analyst's own item



def own_note(kind: str) -> str:
    """The line a tooltip adds for an own item."""
    return f"{OWN_MARK} The analyst's own {kind}: added in this workspace, not in the briefing."


def own_font() -> Any:
    from PySide6.QtGui import QFont

    font = QFont()
    font.setItalic(True)
    return font


def sync_rows(model: QAbstractTableModel, rows: list[Any], new: Sequence[Any],
              key: Callable[[Any], object], sort_keys: Callable[[], list[Any]] | None = None,
              reverse: bool = False) -> None:
    """Make ``rows`` (the model's own list) hold ``new`` by removing, changing and inserting
    rows, not by a reset: the selection, the current row and an open cell editor stay on
    their objects (a reset drops them, and with them what the user was typing).

    The rows end in ``new``'s order, or sorted by ``sort_keys()`` (the user's sort) if given.
    """
    wanted = {key(obj): obj for obj in new}
    for row in range(len(rows) - 1, -1, -1):
        if key(rows[row]) not in wanted:
            model.beginRemoveRows(QModelIndex(), row, row)
            del rows[row]
            model.endRemoveRows()
    last = model.columnCount() - 1
    for row, obj in enumerate(rows):
        fresh = wanted[key(obj)]
        if fresh != obj:
            rows[row] = fresh
            model.dataChanged.emit(model.index(row, 0), model.index(row, last))
    present = {key(obj) for obj in rows}
    added = [obj for obj in new if key(obj) not in present]
    if added:
        model.beginInsertRows(QModelIndex(), len(rows), len(rows) + len(added) - 1)
        rows.extend(added)
        model.endInsertRows()
    if sort_keys is not None:
        keys = sort_keys()
    else:
        position = {k: n for n, k in enumerate(wanted)}
        keys = [position[key(obj)] for obj in rows]
    if keys != sorted(keys, reverse=reverse):
        reorder_rows(model, rows, keys, reverse)


class ListTableModel(QAbstractTableModel, Generic[T]):
    """Rows are objects; columns are (header, getter) pairs. ``set_rows`` resets the model."""

    columns: Sequence[tuple[str, Callable[[Any], object]]] = ()
    #: The column that carries the own-item mark (None: the rows are never the analyst's).
    own_column: int | None = None
    #: What an own row is called in its tooltip ("event", "source"...).
    own_kind = "item"

    def __init__(self, rows: Sequence[T] = (), parent: Any = None):
        super().__init__(parent)
        self._rows: list[T] = list(rows)
        self._sorted_by: tuple[int, bool] | None = None  # the user's sort, kept on reset

    def set_rows(self, rows: Sequence[T]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        if self._sorted_by is not None:
            column, reverse = self._sorted_by
            keys = [self.sort_key(obj, column) for obj in self._rows]
            order = sorted(range(len(self._rows)), key=keys.__getitem__, reverse=reverse)
            self._rows = [self._rows[i] for i in order]
        self.endResetModel()

    def update_rows(self, rows: Sequence[T], key: Callable[[T], object]) -> None:
        """Like ``set_rows``, but row by row (``sync_rows``): selection and editors stay."""
        if self._sorted_by is None:
            sync_rows(self, self._rows, rows, key)
            return
        column, reverse = self._sorted_by
        sync_rows(self, self._rows, rows, key,
                  lambda: [self.sort_key(obj, column) for obj in self._rows], reverse)

    def rows(self) -> list[T]:
        return list(self._rows)

    def is_own(self, obj: T) -> bool:
        return self.own_column is not None and bool(getattr(obj, "own", False))

    def row_object(self, row: int) -> T:
        return self._rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section][0]
        return None

    def ref(self, obj: T) -> ItemRef | None:
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        obj = self._rows[index.row()]
        own = self.is_own(obj)
        if role == Qt.ItemDataRole.DisplayRole:
            value = self.columns[index.column()][1](obj)
            text = "" if value is None else str(value)
            return f"{OWN_MARK} {text}" if own and index.column() == self.own_column else text
        if role == Qt.ItemDataRole.ToolTipRole:
            value = self.columns[index.column()][1](obj)
            text = "" if value is None else str(value)
            return plain_tooltip(f"{text}\n\n{own_note(self.own_kind)}" if own else text)
        if role == Qt.ItemDataRole.FontRole and own:
            return own_font()
        if role == OWN_ROLE:
            return own
        if role == SORT_ROLE:
            return self.sort_key(obj, index.column())
        if role == REF_ROLE:
            return self.ref(obj)
        return None

    def sort_key(self, obj: T, column: int) -> object:
        value = self.columns[column][1](obj)
        return "" if value is None else str(value).casefold()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort the rows in Python with a key: one key per row, not a call per comparison."""
        if 0 <= column < len(self.columns):
            reverse = order == Qt.SortOrder.DescendingOrder
            self._sorted_by = (column, reverse)
            keys = [self.sort_key(obj, column) for obj in self._rows]
            reorder_rows(self, self._rows, keys, reverse)


def reorder_rows(model: QAbstractTableModel, rows: list[Any], keys: list[Any],
                 reverse: bool) -> None:
    """Sort ``rows`` (the model's own list) by ``keys``, keeping selections on their rows."""
    order = sorted(range(len(rows)), key=keys.__getitem__, reverse=reverse)
    model.layoutAboutToBeChanged.emit()
    new_row = {old: new for new, old in enumerate(order)}
    rows[:] = [rows[i] for i in order]
    persistent = model.persistentIndexList()
    model.changePersistentIndexList(
        persistent, [model.index(new_row[i.row()], i.column()) for i in persistent])
    model.layoutChanged.emit()


class SourceSortProxy(QSortFilterProxyModel):
    """A filter proxy that leaves sorting to its source model.

    QSortFilterProxyModel sorts by calling the (Python) ``data()`` for every comparison:
    seconds for thousands of rows. The source sorts its list once with a key instead.
    """

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.sourceModel().sort(column, order)


# -- Regional minerals ------------------------------------------------------------------------
@dataclass(frozen=True)
class Occurrence:
    """One row of the minerals table: a mineral in a region (region None: not located)."""

    mineral: Mineral
    region: Region | None
    projects: tuple[Project, ...]


def occurrences(minerals: Sequence[Mineral], regions: Sequence[Region],
                projects: Sequence[Project]) -> list[Occurrence]:
    by_region = {r.id: r for r in regions}
    rows = []
    for m in minerals:
        if not m.regions:
            rows.append(Occurrence(m, None, ()))
        for rid in m.regions:
            here = tuple(p for p in projects if p.region == rid and m.id in p.minerals)
            rows.append(Occurrence(m, by_region[rid], here))
    return rows


class MineralsModel(ListTableModel[Occurrence]):
    COL_MINERAL, COL_REGION, COL_PROJECTS, COL_STRATEGIC = range(4)
    columns = (
        ("Mineral", lambda o: o.mineral.name),
        ("Region", lambda o: o.region.name if o.region else "not located in Pakistan"),
        ("Projects and deposits", lambda o: ", ".join(p.name for p in o.projects)),
        ("Why it matters", lambda o: o.mineral.strategic),
    )

    def ref(self, obj: Occurrence) -> ItemRef:
        return ItemRef("mineral", obj.mineral.id)


class MineralsFilter(SourceSortProxy):
    """Filters the minerals table by region and by mineral."""

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self._region = ""
        self._mineral = ""

    def set_region(self, region_id: str) -> None:
        self.beginFilterChange()
        self._region = region_id
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_mineral(self, mineral_id: str) -> None:
        self.beginFilterChange()
        self._mineral = mineral_id
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    @property
    def region(self) -> str:
        return self._region

    @property
    def mineral(self) -> str:
        return self._mineral

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:  # noqa: N802
        model = self.sourceModel()
        assert isinstance(model, MineralsModel)
        occ = model.row_object(source_row)
        if self._region and (occ.region is None or occ.region.id != self._region):
            return False
        return not (self._mineral and occ.mineral.id != self._mineral)


# -- Timeline ---------------------------------------------------------------------------------
class EventsModel(ListTableModel[Event]):
    COL_DATE, COL_LANE, COL_TITLE, COL_CATEGORY = range(4)
    own_column = COL_TITLE
    own_kind = "event"

    def __init__(self, rows: Sequence[Event] = (), lane_names: dict[str, str] | None = None,
                 parent: Any = None):
        self.lane_names = lane_names or {}
        super().__init__(rows, parent)
        self.columns = (
            ("Date", lambda e: e.date.short_label()),
            ("Lane", lambda e: self.lane_names.get(e.lane, e.lane)),
            ("Event", lambda e: e.title),
            ("Category", lambda e: e.category.replace("-", " ")),
        )

    def ref(self, obj: Event) -> ItemRef:
        return ItemRef("event", obj.id)

    def set_lane_names(self, lane_names: dict[str, str]) -> None:
        """New lane names (an own actor renamed, added or removed) for the rows as they are."""
        if lane_names == self.lane_names:
            return
        self.lane_names = dict(lane_names)
        if self._rows:
            self.dataChanged.emit(self.index(0, self.COL_LANE),
                                  self.index(len(self._rows) - 1, self.COL_LANE))

    def sort_key(self, obj: Event, column: int) -> object:
        if column == self.COL_DATE:
            return obj.date.iso
        return super().sort_key(obj, column)

    def row_of(self, event_id: str) -> int:
        return next((i for i, e in enumerate(self._rows) if e.id == event_id), -1)


class EventsFilter(SourceSortProxy):
    """Filters events by actor, category and date range (ISO strings, inclusive)."""

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self.actor = ""
        self.category = ""
        self.date_from = ""
        self.date_to = ""

    def set_filters(self, actor: str = "", category: str = "", date_from: str = "",
                    date_to: str = "") -> None:
        self.beginFilterChange()
        self.actor, self.category = actor, category
        self.date_from, self.date_to = date_from, date_to
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def accepts(self, e: Event) -> bool:
        if self.actor and self.actor not in e.actors and e.lane != self.actor:
            return False
        if self.category and e.category != self.category:
            return False
        # Compare on the period the date stands for: a month overlaps a range if any day does.
        if self.date_to and e.date.iso > self.date_to:
            return False
        return not (self.date_from and e.date.iso + "-99" < self.date_from)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:  # noqa: N802
        model = self.sourceModel()
        assert isinstance(model, EventsModel)
        return self.accepts(model.row_object(source_row))


# -- Risk checklist ---------------------------------------------------------------------------
class RiskChecklistModel(QAbstractTableModel):
    """The risks with the analyst's review state; edits are requested, not written here.

    ``editRequested(risk_id, field, value)`` lets the tab turn each edit into an undo command;
    the model shows new values once the workspace reports the change (``set_entries``).
    """

    editRequested = Signal(str, str, object)  # noqa: N815

    (COL_REVIEWED, COL_RISK, COL_LIKELIHOOD, COL_IMPACT, COL_SCORE, COL_BRIEFING, COL_OWNER,
     COL_STATUS, COL_NEXT, COL_RATIONALE) = range(10)
    HEADERS = ("Reviewed", "Risk", "Likelihood", "Impact", "Score", "Briefing's assessment",
               "Owner", "Status", "Next review", "Rationale")
    FIELDS: ClassVar[dict[int, str]] = {
        COL_REVIEWED: "reviewed", COL_LIKELIHOOD: "likelihood", COL_IMPACT: "impact",
        COL_OWNER: "owner", COL_STATUS: "status", COL_NEXT: "next_review",
        COL_RATIONALE: "rationale",
    }

    def __init__(self, risks: Sequence[Any], parent: Any = None):
        super().__init__(parent)
        from ..store.workspace import ChecklistEntry

        self._entry_type = ChecklistEntry
        self._risks = list(risks)
        self._entries: dict[str, Any] = {}
        self.editable = False
        self._sorted_by: tuple[int, bool] | None = None  # the user's sort, kept on updates

    # -- data access -------------------------------------------------------------------------
    def set_entries(self, entries: dict[str, Any], editable: bool) -> None:
        self.beginResetModel()
        self._entries = dict(entries)
        self.editable = editable
        self.endResetModel()

    def set_risks(self, risks: Sequence[Any]) -> None:
        """The risks now in the checklist (own ones added, edited or deleted), row by row so
        the selection and an open cell editor stay (``sync_rows``); the user's sort is kept."""
        if self._sorted_by is None:
            sync_rows(self, self._risks, risks, lambda r: r.id)
            return
        column, reverse = self._sorted_by
        sync_rows(self, self._risks, risks, lambda r: r.id,
                  lambda: self._sort_keys(column), reverse)

    def update_entry(self, entry: Any) -> None:
        self._entries[entry.risk_id] = entry
        row = self.row_of(entry.risk_id)
        if row >= 0:  # a risk no longer shown (an own risk deleted) keeps its entry unseen
            self.dataChanged.emit(self.index(row, 0), self.index(row, self.columnCount() - 1))

    def risk(self, row: int) -> Any:
        return self._risks[row]

    def row_of(self, risk_id: str) -> int:
        return next((i for i, r in enumerate(self._risks) if r.id == risk_id), -1)

    def entry(self, risk_id: str) -> Any:
        return self._entries.get(risk_id) or self._entry_type(risk_id)

    def effective(self, row: int) -> tuple[int, int]:
        """The analyst's likelihood and impact, falling back to the briefing's."""
        risk = self._risks[row]
        e = self.entry(risk.id)
        return (e.likelihood or risk.likelihood, e.impact or risk.impact)

    def reviewed_count(self) -> int:
        return sum(1 for r in self._risks if self.entry(r.id).reviewed)

    # -- Qt model ------------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._risks)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return str(self._risks[section].seq)  # a risk keeps its number however sorted
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if not self.editable or index.column() not in self.FIELDS:
            return base
        if index.column() == self.COL_REVIEWED:
            return base | Qt.ItemFlag.ItemIsUserCheckable
        if index.column() == self.COL_RATIONALE:
            return base  # several lines: edited in the tab's rationale editor, not a cell
        return base | Qt.ItemFlag.ItemIsEditable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        risk = self._risks[index.row()]
        e = self.entry(risk.id)
        col = index.column()
        likelihood, impact = self.effective(index.row())
        if role == Qt.ItemDataRole.CheckStateRole and col == self.COL_REVIEWED:
            return Qt.CheckState.Checked if e.reviewed else Qt.CheckState.Unchecked
        if role == REF_ROLE:
            return ItemRef("risk", risk.id)
        if role == OWN_ROLE:
            return risk.own
        if role == Qt.ItemDataRole.EditRole:
            if col == self.COL_LIKELIHOOD:
                return likelihood
            if col == self.COL_IMPACT:
                return impact
            if col in self.FIELDS:
                return getattr(e, self.FIELDS[col])
        if role == Qt.ItemDataRole.FontRole and col in (self.COL_LIKELIHOOD, self.COL_IMPACT):
            from PySide6.QtGui import QFont

            font = QFont()
            overridden = (e.likelihood if col == self.COL_LIKELIHOOD else e.impact) is not None
            font.setBold(overridden)
            return font
        if role == Qt.ItemDataRole.FontRole and col == self.COL_RISK and risk.own:
            return own_font()
        if role == Qt.ItemDataRole.ToolTipRole:
            if col in (self.COL_LIKELIHOOD, self.COL_IMPACT):
                default = risk.likelihood if col == self.COL_LIKELIHOOD else risk.impact
                mine = e.likelihood if col == self.COL_LIKELIHOOD else e.impact
                return (f"Your value: {mine} (the briefing's: {default})" if mine is not None
                        else f"The briefing's assessment: {default}. Edit to set your own.")
            if col == self.COL_RISK:
                if risk.own:
                    return plain_tooltip(f"{risk.description}\n\n{own_note('risk')}")
                return plain_tooltip(risk.description)
            if col == self.COL_BRIEFING:
                if risk.own:  # an own risk's first ratings are the analyst's, not the briefing's
                    return plain_tooltip("Your own risk: the ratings you gave it when you "
                                         "added it.\n\n" + risk.justification)
                return plain_tooltip(risk.justification)
            if col in (self.COL_RATIONALE, self.COL_OWNER):
                return plain_tooltip(getattr(e, self.FIELDS[col])) or None
        if role == Qt.ItemDataRole.DisplayRole:
            if col == self.COL_RISK:
                return f"{OWN_MARK} {risk.title}" if risk.own else risk.title
            if col == self.COL_LIKELIHOOD:
                return str(likelihood)
            if col == self.COL_IMPACT:
                return str(impact)
            if col == self.COL_SCORE:
                return str(likelihood * impact)
            if col == self.COL_BRIEFING:
                # An own risk has no assessment of the briefing's: its first ratings are the
                # analyst's, said so in the column rather than passed off as the briefing's.
                rated = f"L{risk.likelihood} \u00d7 I{risk.impact} = {risk.score}"
                return f"none (yours: {rated})" if risk.own else rated
            if col == self.COL_OWNER:
                return e.owner
            if col == self.COL_STATUS:
                return e.status
            if col == self.COL_NEXT:
                return e.next_review
            if col == self.COL_RATIONALE:
                return " ".join(e.rationale.split())
        if role == SORT_ROLE:
            if col == self.COL_SCORE:
                return likelihood * impact
            if col == self.COL_REVIEWED:
                return int(e.reviewed)
            if col == self.COL_RISK:
                return risk.title  # the own mark is not part of the name
            return self.data(index, Qt.ItemDataRole.DisplayRole)
        return None

    def _sort_keys(self, column: int) -> list[Any]:
        return [self.data(self.index(row, column), SORT_ROLE)
                for row in range(len(self._risks))]

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if 0 <= column < len(self.HEADERS):
            reverse = order == Qt.SortOrder.DescendingOrder
            self._sorted_by = (column, reverse)
            reorder_rows(self, self._risks, self._sort_keys(column), reverse)

    def setData(self, index: Index, value: object,  # noqa: N802
                role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or not self.editable:
            return False
        col = index.column()
        risk = self._risks[index.row()]
        if col == self.COL_REVIEWED and role == Qt.ItemDataRole.CheckStateRole:
            checked = Qt.CheckState(value) == Qt.CheckState.Checked  # type: ignore[call-overload]
            self.editRequested.emit(risk.id, "reviewed", checked)
            return True
        if role != Qt.ItemDataRole.EditRole or col not in self.FIELDS:
            return False
        name = self.FIELDS[col]
        if name in ("likelihood", "impact"):
            try:
                value = int(value)  # type: ignore[call-overload]
            except (TypeError, ValueError):
                return False
            if not 1 <= value <= 5:
                return False
        elif value is None:
            value = ""
        if getattr(self.entry(risk.id), name) == value:
            return False
        self.editRequested.emit(risk.id, name, value)
        return True


class RiskCellFilter(SourceSortProxy):
    """Shows only the risks in one heat-map cell (likelihood, impact), or all."""

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self.cell: tuple[int, int] | None = None

    def set_cell(self, cell: tuple[int, int] | None) -> None:
        self.beginFilterChange()
        self.cell = cell
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:  # noqa: N802
        if self.cell is None:
            return True
        model = self.sourceModel()
        assert isinstance(model, RiskChecklistModel)
        return model.effective(source_row) == self.cell
