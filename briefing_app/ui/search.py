"""Search results: one list of every kind of hit, best first, each with its matching words.

Items, source passages, the analyst's own items and imported passages, and their notes are
ranked together by relevance (``store.search``); each row shows what it is, its title and a
snippet with the matching words in bold (painted by ``HitDelegate``; the row's text, which a
screen reader reads, is the same in plain words). The analyst's own work is marked as it is
everywhere (``models.OWN_MARK``); a passage or source shows the reliability grade the analyst
gave its source.

The query runs on a worker thread with its own read-only connections (``SearchRunner``), so a
keystroke never waits for SQLite: the panel shows the results of the newest query when they
come, and drops those of a query already typed past.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from pathlib import Path

from PySide6.QtCore import (
    QAbstractListModel,
    QEvent,
    QModelIndex,
    QObject,
    QRunnable,
    QSize,
    Qt,
    QThreadPool,
    Signal,
)
from PySide6.QtGui import (
    QFont,
    QFontMetrics,
    QPalette,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QLabel,
    QSizePolicy,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from ..domain import RELIABILITY, ItemRef, SearchHit, is_own
from ..store.describe import KIND_LABELS
from ..store.search import MARK_CLOSE, MARK_OPEN, connect_read_only, database_file
from ..store.search import SearchResults as Found
from ..store.search import search as run_search
from .models import OWN_MARK
from .richtext import plain_tooltip
from .session import Session

HIT_ROLE = Qt.ItemDataRole.UserRole + 10
HEAD_ROLE = Qt.ItemDataRole.UserRole + 12  # (what the hit is, its title) as the row shows them
_HIT_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
KIND_WORDS = KIND_LABELS | {"passage": "Source passage", "note": "Your note"}

#: Rows drawn; the rest are counted (drawing hundreds would slow every keystroke, and nobody
#: reads past the first screens of a search as you type).
SHOWN = 120
#: Passages of imported sources asked for (the others are counted by the index).
PASSAGES_ASKED = 60


def unmarked(snippet: str) -> str:
    return " ".join(snippet.replace(MARK_OPEN, "").replace(MARK_CLOSE, "").split())


class _Done(QObject):
    finished = Signal(int, object)  # the query's number, its results (``Found``, or an error text)


class SearchRunner:
    """Runs queries on one worker thread with connections of its own, newest first: a query
    typed past before it starts is dropped, and only the newest query's results are shown."""

    def __init__(self, session: Session, parent: QObject):
        self.session = session
        self.pool = QThreadPool(parent)  # waits for a running query when the panel goes
        self.pool.setMaxThreadCount(1)
        self.pool.setExpiryTimeout(-1)  # one thread, kept with its connections
        self.signals = _Done(parent)
        self.latest = 0
        self._local = threading.local()

    def files(self) -> tuple[Path | None, Path | None]:
        store = self.session.bundled
        ws = self.session.workspace
        return (database_file(store.connection),
                database_file(ws.connection) if ws is not None else None)

    def next(self) -> int:
        """The number of the next query (every older one is stale from now on)."""
        self.latest += 1
        return self.latest

    def start(self, seq: int, query: str) -> None:
        """Run query ``seq``; ``finished`` carries its number back with the results."""
        bundled, workspace = self.files()
        has_workspace = self.session.workspace is not None
        if bundled is None or (has_workspace and workspace is None):
            # In-memory databases (tests that build them): no second connection can read
            # them, so the query runs here.
            self.signals.finished.emit(seq, self._here(query))
            return
        self.pool.clear()  # a query not started yet is already stale
        self.pool.start(_Task(self, seq, query, bundled, workspace))

    def _here(self, query: str) -> Found:
        view = self.session.store
        hits = view.search(query, own_passage_limit=PASSAGES_ASKED)
        return Found(hits, view.search_more_passages, view.search_broad)

    def connection(self, path: Path) -> sqlite3.Connection:
        conns: dict[Path, sqlite3.Connection] = self._local.__dict__.setdefault("conns", {})
        if path not in conns:
            conns[path] = connect_read_only(path)
        return conns[path]

    def wait(self) -> None:
        self.pool.clear()
        self.pool.waitForDone()


class _Task(QRunnable):
    def __init__(self, runner: SearchRunner, seq: int, query: str, bundled: Path,
                 workspace: Path | None):
        super().__init__()
        self.runner, self.seq, self.query = runner, seq, query
        self.bundled, self.workspace = bundled, workspace

    def run(self) -> None:
        r = self.runner
        if self.seq != r.latest:
            return  # typed past: nobody will see it
        try:
            found: object = run_search(
                r.connection(self.bundled),
                r.connection(self.workspace) if self.workspace is not None else None,
                self.query, passage_limit=PASSAGES_ASKED)
        except sqlite3.Error as exc:  # busy past the timeout, a file gone: said, not raised
            found = f"The search could not read the briefing or your workspace ({exc})."
        with contextlib.suppress(RuntimeError):  # the panel went while the query ran
            r.signals.finished.emit(self.seq, found)


class HitDelegate(QStyledItemDelegate):
    """Paints a result's two lines: what it is (in italics) and its title, then its snippet
    with the matching words in bold, each line cut with "…" at the row's edge, in the view's
    colours (the selection's when selected). Drawn as runs of text rather than through a
    rich-text document, which took ten times as long for every row on screen."""

    PAD = 4

    def paint(self, painter, option, index) -> None:  # type: ignore[no-untyped-def]
        hit = index.data(HIT_ROLE)
        if not isinstance(hit, SearchHit):
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        widget = opt.widget
        style = widget.style() if widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        kind, title = index.data(HEAD_ROLE)
        painter.save()
        painter.setPen(opt.palette.color(role))
        rect = opt.rect.adjusted(self.PAD, 2, -self.PAD, -2)
        line = opt.fontMetrics.lineSpacing()
        italic, bold = QFont(opt.font), QFont(opt.font)
        italic.setItalic(True)
        bold.setBold(True)
        top = rect.top() + opt.fontMetrics.ascent()
        _runs(painter, rect.left(), top, rect.right(),
              [(f"{kind} \u00b7 ", italic), (title, opt.font)])
        runs = [(text, bold if marked else opt.font)
                for text, marked in split_marks(" ".join(hit.snippet.split()))]
        _runs(painter, rect.left(), top + line, rect.right(), runs)
        painter.restore()

    def sizeHint(self, option, index) -> QSize:  # type: ignore[no-untyped-def]  # noqa: N802
        if not isinstance(index.data(HIT_ROLE), SearchHit):
            return super().sizeHint(option, index)
        return QSize(200, 2 * option.fontMetrics.lineSpacing() + 6)  # every row alike


def split_marks(snippet: str) -> list[tuple[str, bool]]:
    """A snippet in runs of text, each with whether it is a matching word ("‹...›")."""
    runs, marked = [], False
    for part in snippet.replace(MARK_CLOSE, MARK_OPEN).split(MARK_OPEN):
        if part:
            runs.append((part, marked))
        marked = not marked
    return runs


def _runs(painter, x: int, baseline: int, right: int,  # type: ignore[no-untyped-def]
          runs: list[tuple[str, QFont]]) -> None:
    """Draw runs of text in their fonts from ``x`` on one baseline; the run that reaches
    ``right`` is cut with "…" and the rest left out."""
    for text, font in runs:
        metrics = QFontMetrics(font)
        width = metrics.horizontalAdvance(text)
        painter.setFont(font)
        if x + width > right:
            painter.drawText(x, baseline, metrics.elidedText(
                text, Qt.TextElideMode.ElideRight, max(0, right - x)))
            return
        painter.drawText(x, baseline, text)
        x += width


class HitModel(QAbstractListModel):
    """The hits as rows, each made into words only when a view asks for it (a keystroke
    fills the model; only the rows on screen are ever rendered), and a last row counting
    the hits not drawn."""

    def __init__(self, panel: SearchResults):
        super().__init__(panel)
        self.panel = panel
        self.hits: list[SearchHit] = []
        self.more = ""  # the last row's words, if some hits are not drawn

    def reset(self, hits: list[SearchHit], more: str) -> None:
        self.beginResetModel()
        self.hits, self.more = hits, more
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | None = None) -> int:  # noqa: N802
        if parent is not None and parent.isValid():
            return 0
        return len(self.hits) + (1 if self.more else 0)

    def flags(self, index: QModelIndex) -> Qt.ItemFlag:
        if index.row() < len(self.hits):
            return _HIT_FLAGS
        return Qt.ItemFlag.NoItemFlags  # the count: neither chosen nor opened

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        row = index.row()
        if row >= len(self.hits):
            return self.more if role == Qt.ItemDataRole.DisplayRole else None
        hit = self.hits[row]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.panel.hit_text(hit)
        if role == HEAD_ROLE:
            return self.panel._head(hit)
        if role == Qt.ItemDataRole.ToolTipRole:
            return plain_tooltip(self.panel.hit_tooltip(hit))
        if role == HIT_ROLE:
            return hit
        return None


class SearchResults(QFrame):
    """Search results, best first, in a panel that floats over the window."""

    closed = Signal()
    updated = Signal()  # new results (or a message) are shown
    noteRequested = Signal(str)  # noqa: N815 (Qt naming)  a note's hit was opened: its id

    def __init__(self, session: Session, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("searchPanel")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.session = session
        self.model = HitModel(self)
        self.tree = QTreeView(self)
        self.tree.setObjectName("searchResults")
        self.tree.setAccessibleName("Search results")
        self.tree.setModel(self.model)
        self.tree.setHeaderHidden(True)
        self.tree.setRootIsDecorated(False)
        self.tree.setItemDelegate(HitDelegate(self.tree))
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setUniformRowHeights(True)
        self.tree.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # The scroll bar stays: coming and going as the results grow past the list's height
        # and shrink again, it changed the rows' width while typing (each cut "…" at another
        # place) and made Qt paint every row twice for that keystroke.
        self.tree.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
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
        self._broad = False
        self._query = ""
        self._pending = 0  # the number of the query whose results are awaited (0: none)
        self._query_pending = ""
        self.runner = SearchRunner(session, self)
        self.runner.signals.finished.connect(self._arrived)

    # -- running -------------------------------------------------------------------------
    def request(self, query: str) -> None:
        """Search for ``query`` on the worker; the results replace the panel's when they
        come (``updated``). An empty query clears the panel at once."""
        if not query.strip():
            self._pending = 0
            self.show_results("", Found())
            return
        self._pending = self.runner.next()
        self._query_pending = query
        self.runner.start(self._pending, query)

    def busy(self) -> bool:
        """A query is on its way (its results not shown yet)."""
        return bool(self._pending)

    def run(self, query: str) -> int:
        """Search and show the results before returning (Enter, and tests of what is shown):
        the worker's answer is awaited."""
        import time

        from PySide6.QtCore import QCoreApplication

        self.request(query)
        self.runner.pool.waitForDone()
        deadline = time.monotonic() + 10
        while self._pending and time.monotonic() < deadline:
            QCoreApplication.processEvents()  # the results are queued to this thread
        return len(self.hits)

    def _arrived(self, seq: int, found: object) -> None:
        if seq != self._pending:
            return  # a query typed past
        self._pending = 0
        if isinstance(found, str):
            self.show_results(self._query_pending, Found())
            self.message.setText(found)
            self.updated.emit()
            return
        assert isinstance(found, Found)
        self.show_results(self._query_pending, found)

    def show_results(self, query: str, found: Found) -> None:
        self._query = query
        self.hits = found.hits if query.strip() else []
        #: Passages of imported sources that matched beyond those returned (not drawn).
        self.more = found.more_passages if query.strip() else 0
        self._broad = found.broad
        hidden = max(0, len(self.hits) - SHOWN) + self.more
        self.model.reset(self.hits[:SHOWN], f"\u2026 and {self._count(hidden)} more: type more "
                         "words to narrow the search" if hidden else "")
        if not query.strip():
            self.message.setText("")
        elif not self.hits:
            self.message.setText(f"Nothing matches \u201c{query.strip()}\u201d. Try fewer or "
                                 "shorter words; every word must appear.")
        else:
            self.message.setText(self.summary())
        self.updated.emit()

    def broad(self) -> bool:
        """Did the last query match too many passages to rank them (shown in source order)?"""
        return self._broad

    # -- what a row shows -------------------------------------------------------------------
    def is_own(self, hit: SearchHit) -> bool:
        if hit.kind == "note":
            return True
        return is_own(hit.source_id if hit.kind == "passage" else hit.id)

    def _grade(self, hit: SearchHit) -> str:
        source_id = hit.source_id if hit.kind == "passage" else (
            hit.id if hit.kind == "source" else "")
        return self.session.store.grade_of(f"source:{source_id}") if source_id else ""

    def _head(self, hit: SearchHit) -> tuple[str, str]:
        """(what the hit is, its title), own work marked and a source's grade shown."""
        kind = KIND_WORDS.get(hit.kind, hit.kind)
        if hit.kind == "passage":
            kind = f"Passage of {'your source' if self.is_own(hit) else 'the source'}"
        title = hit.title
        grade = self._grade(hit)
        if grade:
            title = f"[{grade}] {title}"
        if self.is_own(hit) and hit.kind != "note":
            kind = f"{OWN_MARK} {kind}"
        return kind, title

    def hit_text(self, hit: SearchHit) -> str:
        """A result in plain words (what a screen reader reads): what it is, its title, and
        the words around the match."""
        kind, title = self._head(hit)
        snippet = unmarked(hit.snippet)
        return f"{kind}: {title} \u2014 {snippet}" if snippet else f"{kind}: {title}"

    def hit_tooltip(self, hit: SearchHit) -> str:
        lines = [unmarked(hit.snippet)]
        if hit.kind == "passage":
            # (a passage's hit carries its source's title: no source is read per hit)
            lines.append(f"In {'your source' if self.is_own(hit) else 'the source'} "
                         f"\u201c{hit.title}\u201d")
        elif hit.kind == "note":
            lines.append("Your note: Enter opens what it annotates")
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
                f"\u201c{self._query.strip()}\u201d, best first")
        if self.broad():
            text += ("; so many passages of your sources match that they are in document "
                     "order, after the ranked results: type more letters to rank them")
        return text

    # -- opening ------------------------------------------------------------------------------
    def _open(self, index: QModelIndex) -> None:
        hit = index.data(HIT_ROLE)
        if isinstance(hit, SearchHit):
            self.open_hit(hit)

    def open_hit(self, hit: SearchHit) -> None:
        self.hide()
        if hit.kind == "note":
            self.noteRequested.emit(hit.id)
        elif hit.kind == "passage":
            self.session.show_source(hit.source_id, hit.start, hit.end)
        else:
            self.session.open_item(ItemRef(hit.kind, hit.id))

    def focus_results(self) -> None:
        first = self.model.index(0, 0)
        if first.isValid():
            self.tree.setFocus()
            self.tree.setCurrentIndex(first)

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
            self.open_hit(self.hits[0])
