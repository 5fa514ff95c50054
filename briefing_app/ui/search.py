"""Search results: full-text hits over items and source passages, grouped by kind.

The analyst's own items and the passages of their imported sources are among the hits,
marked as own work is everywhere (``models.OWN_MARK``); a passage or source shows the
reliability grade the analyst gave its source.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QLabel,
    QSizePolicy,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from ..domain import RELIABILITY, ItemRef, SearchHit, is_own
from ..store.describe import KIND_LABELS
from .models import OWN_MARK, own_font
from .richtext import plain_tooltip
from .session import Session

HIT_ROLE = Qt.ItemDataRole.UserRole + 10
GROUP_ORDER = ("overview", "judgment", "figure", "actor", "region", "mineral", "project",
               "event", "era", "benefit", "risk", "source", "passage")
GROUP_LABELS = KIND_LABELS | {"passage": "Source passage"}


#: Rows drawn per group; the rest are counted (drawing hundreds would slow every keystroke,
#: and nobody reads past the first screens of a search as you type).
SHOWN_PER_GROUP = 60


def group_hits(hits: list[SearchHit]) -> list[tuple[str, list[SearchHit]]]:
    groups: dict[str, list[SearchHit]] = {}
    for hit in hits:
        groups.setdefault(hit.kind, []).append(hit)
    return [(k, groups[k]) for k in GROUP_ORDER if k in groups]


class SearchResults(QFrame):
    """Search results grouped by kind, in a panel that floats over the window."""

    closed = Signal()

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("searchPanel")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.session = session
        self.model = QStandardItemModel(self)
        self.tree = QTreeView(self)
        self.tree.setObjectName("searchResults")
        self.tree.setAccessibleName("Search results")
        self.tree.setModel(self.model)
        self.tree.setHeaderHidden(True)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setUniformRowHeights(True)
        self.tree.activated.connect(self._open)
        self.tree.clicked.connect(self._open)
        self.tree.installEventFilter(self)
        self.tree.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.message = QLabel(self)
        self.message.setTextFormat(Qt.TextFormat.PlainText)  # it repeats the query
        self.message.setWordWrap(True)
        # Ignored width: a long word in the message must never widen the dock.
        self.message.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.message)
        layout.addWidget(self.tree)
        self.hits: list[SearchHit] = []
        self.more = 0
        self._query = ""

    def run(self, query: str) -> int:
        self._query = query
        # (the store leaves out the passages of sources in the trash)
        store = self.session.store
        self.hits = store.search(query, own_passage_limit=SHOWN_PER_GROUP) \
            if query.strip() else []
        #: Passages of imported sources that matched beyond those returned (not drawn).
        self.more = getattr(store, "search_more_passages", 0) if query.strip() else 0
        self.model.clear()
        italic = own_font()
        for kind, hits in group_hits(self.hits):
            extra = self.more if kind == "passage" else 0
            group = QStandardItem(f"{GROUP_LABELS.get(kind, kind)} "
                                  f"({self._count(len(hits) + extra)})")
            group.setSelectable(False)
            for hit in hits[:SHOWN_PER_GROUP]:
                child = QStandardItem(self.hit_text(hit))
                child.setToolTip(plain_tooltip(self.hit_tooltip(hit)))
                child.setData(hit, HIT_ROLE)
                if self.is_own(hit):
                    child.setFont(italic)
                group.appendRow(child)
            hidden = max(0, len(hits) - SHOWN_PER_GROUP) + extra
            if hidden:
                more = QStandardItem(f"… and {self._count(hidden)} more: type "
                                     "more words to narrow the search")
                more.setSelectable(False)
                more.setEnabled(False)
                group.appendRow(more)
            self.model.appendRow(group)
        self.tree.expandAll()
        if not query.strip():
            self.message.setText("")
        elif not self.hits:
            self.message.setText(f"Nothing matches \u201c{query.strip()}\u201d. Try fewer or "
                                 "shorter words; every word must appear.")
        else:
            self.message.setText(self.summary())
        return len(self.hits)

    def broad(self) -> bool:
        """Did the last query match too many passages to rank them (shown in source order)?"""
        return bool(getattr(self.session.store, "search_broad", False))

    def is_own(self, hit: SearchHit) -> bool:
        return is_own(hit.source_id if hit.kind == "passage" else hit.id)

    def _grade(self, hit: SearchHit) -> str:
        source_id = hit.source_id if hit.kind == "passage" else (
            hit.id if hit.kind == "source" else "")
        return self.session.store.grade_of(f"source:{source_id}") if source_id else ""

    def hit_text(self, hit: SearchHit) -> str:
        """A result's line: the matching words of a passage (with its source's grade), or
        the item's title; own work marked."""
        text = hit.snippet.replace("\n", " ") if hit.kind == "passage" else hit.title
        grade = self._grade(hit)
        if grade:
            text = f"[{grade}] {text}"
        return f"{OWN_MARK} {text}" if self.is_own(hit) else text

    def hit_tooltip(self, hit: SearchHit) -> str:
        lines = [hit.snippet.replace("\n", " ")]
        if hit.kind == "passage":
            # (a passage's hit carries its source's title: no source is read per hit)
            lines.append(f"In {'your source' if self.is_own(hit) else 'the source'} "
                         f"\u201c{hit.title}\u201d")
        elif self.is_own(hit):
            lines.append(f"{OWN_MARK} Your own {KIND_LABELS.get(hit.kind, hit.kind).lower()}")
        grade = self._grade(hit)
        if grade:
            lines.append(f"Reliability of the source: {grade} ({RELIABILITY[grade]})")
        return "\n".join(x for x in lines if x)

    def _count(self, n: int) -> str:
        """``n`` as shown; "2,001+" when the store stopped counting (a broad query)."""
        return f"{n:,}+" if self.broad() and self.more else f"{n:,}"

    def summary(self) -> str:
        n = len(self.hits) + self.more
        if not n:
            return f"No results for \u201c{self._query.strip()}\u201d"
        text = (f"{self._count(n)} result{'s' if n != 1 else ''} for "
                f"\u201c{self._query.strip()}\u201d")
        if self.broad():
            text += ("; so many passages match that they are in document order, not ranked: "
                     "type more letters to rank them")
        return text

    def _open(self, index: QModelIndex) -> None:
        hit = index.data(HIT_ROLE)
        if isinstance(hit, SearchHit):
            self.open_hit(hit)

    def open_hit(self, hit: SearchHit) -> None:
        self.hide()
        if hit.kind == "passage":
            self.session.show_source(hit.source_id, hit.start, hit.end)
        else:
            self.session.open_item(ItemRef(hit.kind, hit.id))

    def focus_results(self) -> None:
        first = self.model.index(0, 0)
        if first.isValid():
            self.tree.setFocus()
            self.tree.setCurrentIndex(self.model.index(0, 0, first))

    def eventFilter(self, watched, event) -> bool:  # type: ignore[no-untyped-def]  # noqa: N802
        if (watched is self.tree and event.type() == QEvent.Type.KeyPress
                and event.key() == Qt.Key.Key_Escape):
            self.hide()
            self.closed.emit()
            return True
        if watched is self.tree and event.type() == QEvent.Type.FocusOut:
            parent = self.parent()
            hide = getattr(parent, "_hide_search_panel_unless_focused", None)
            if hide is not None:
                from PySide6.QtCore import QTimer

                QTimer.singleShot(0, hide)
        return super().eventFilter(watched, event)

    def open_first(self) -> None:
        if self.hits:
            first = group_hits(self.hits)[0][1][0]
            self.open_hit(first)
