"""The main window: tabs built on first view, menus and shortcuts, details dock, search, state.

Only the Overview tab is built before the first paint; every other tab (and pyqtgraph with it)
is imported and built the first time the user opens it.
"""

from __future__ import annotations

import importlib
import itertools
from pathlib import Path

from PySide6.QtCore import QByteArray, QEvent, QPoint, QRect, QSettings, QSize, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QLabel,
    QLineEdit,
    QMainWindow,
    QTabWidget,
    QToolBar,
    QWidget,
)

from ..domain import KIND_TAB, ItemRef
from ..store.briefing import BriefingStore
from .detail import DetailPane
from .layout_state import restore_layout, save_layout
from .session import Session
from .views import reading_order

MIN_QUERY = 2  # letters before search-as-you-type runs
DEFAULT_SIZE = QSize(1280, 820)

#: (key, title, module, class): the tabs in order; Ctrl+1.. opens them.
TABS: tuple[tuple[str, str, str, str], ...] = (
    ("overview", "&Overview", "overview_tab", "OverviewTab"),
    ("minerals", "Regional &Minerals", "minerals_tab", "MineralsTab"),
    ("timeline", "Geopolitics &Timeline", "timeline_tab", "TimelineTab"),
    ("risks", "&Risk Checklist", "risks_tab", "RisksTab"),
    ("sources", "&Sources", "sources_tab", "SourcesTab"),
)


def _fits_a_screen(rect: QRect) -> bool:
    """True when ``rect`` lies wholly on one of the screens there are now (it may have been
    saved on another monitor, or on a smaller one)."""
    return rect.isValid() and any(screen.availableGeometry().contains(rect)
                                  for screen in QGuiApplication.screens())


class _StepAction(QAction):
    """Undo or Redo, named after the step it would take back (as QUndoStack's own do)."""

    def __init__(self, verb: str, enabled: bool, parent: QWidget):
        super().__init__(verb, parent)
        self.verb = verb
        self.setEnabled(enabled)

    def show_step(self, text: str) -> None:
        self.setText(f"{self.verb} {text}".rstrip())


def _focus_order(container: QWidget) -> list[QWidget]:
    own = getattr(container, "focus_order", None)
    return list(own()) if own is not None else reading_order(container)


class MainWindow(QMainWindow):
    def __init__(self, store: BriefingStore, workspace_folder: Path | None = None):
        super().__init__()
        self.session = Session(store, workspace_folder, self)
        self.setObjectName("MainWindow")
        # Qt appends the application display name ("Briefing") to the title itself.
        self.setWindowTitle("US\u2013Pakistan critical minerals")
        self.setMinimumSize(720, 480)
        self._tab_widgets: dict[str, QWidget] = {}
        #: Where the user was before each link followed (tab, selection, passage): Back.
        self._history: list[tuple[int, ItemRef | None, tuple[str, int, int] | None]] = []
        self._painted = False

        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("tabs")
        self.tabs.setDocumentMode(True)
        self.tabs.setAccessibleName("Briefing sections")
        for key, title, _module, _cls in TABS:
            placeholder = QWidget()
            placeholder.setObjectName(f"placeholder-{key}")
            self.tabs.addTab(placeholder, title)
        self.setCentralWidget(self.tabs)

        self.detail = DetailPane(self.session, self)
        self.detail_dock = QDockWidget("Details && sources", self)
        self.detail_dock.setObjectName("detailDock")
        self.detail_dock.setWidget(self.detail)
        self.detail.setMinimumWidth(240)
        self.detail_dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                                     | QDockWidget.DockWidgetFeature.DockWidgetClosable)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.detail_dock)
        self.search_results = None  # the results panel, built after the first paint
        self.notes_dock: QDockWidget | None = None

        self._build_search_bar()
        self._build_menus()
        # Back beside the search field: the way back from a search result or a link.
        self.search_bar.insertAction(self.search_bar.actions()[0], self.back_action)
        self.status = QLabel("")
        self.status.setTextFormat(Qt.TextFormat.PlainText)  # step names hold titles and paths
        self.statusBar().addWidget(self.status, 1)
        self._undo_index = 0
        self.session.undo_stack.indexChanged.connect(self._show_undo_state)

        self.session.openRequested.connect(self.open_item)
        self.session.sourceRequested.connect(self.show_source)
        self.session.citationRequested.connect(self.show_citation)
        self.session.saveFailed.connect(self._save_failed)
        self.tabs.currentChanged.connect(self._on_tab_changed)

        self._restore_settings()
        self._ensure_tab(self.tabs.currentIndex())

    # -- construction ------------------------------------------------------------------------
    def _build_search_bar(self) -> None:
        bar = QToolBar("Search", self)
        self.search_bar = bar
        bar.setObjectName("searchBar")
        bar.setMovable(False)
        self.search_field = QLineEdit(bar)
        self.search_field.setObjectName("searchField")
        self.search_field.setPlaceholderText("Search the briefing and its sources (Ctrl+F)")
        self.search_field.setAccessibleName("Search")
        self.search_field.setClearButtonEnabled(True)
        self.search_field.setMaximumWidth(460)
        bar.addWidget(self.search_field)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(120)
        self._search_timer.timeout.connect(self._run_search)
        self.search_field.textChanged.connect(lambda _t: self._search_timer.start())
        self.search_field.returnPressed.connect(self._search_return)
        self.search_field.installEventFilter(self)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)

    def _action(self, menu, text: str, slot, shortcut=None, name: str = "") -> QAction:  # type: ignore[no-untyped-def]
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if name:
            action.setObjectName(name)
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        self.file_menu = file_menu
        self.import_source_action = self._action(
            file_menu, "&Import Source\u2026", self.import_source, "Ctrl+I", "actionImportSource")
        self.import_source_action.setStatusTip("Import a source document of your own: .txt, "
                                               ".md, .html, .pdf (with text) or .docx")
        file_menu.addSeparator()
        self._action(file_menu, "&Export Briefing\u2026", self.export_briefing, "Ctrl+E",
                     "actionExport")
        self._action(file_menu, "&Print\u2026", self.print_briefing,
                     QKeySequence.StandardKey.Print, "actionPrint")
        file_menu.addSeparator()
        self._action(file_menu, "&Quit", self.close, QKeySequence.StandardKey.Quit, "actionQuit")

        edit = bar.addMenu("&Edit")
        self.edit_menu = edit
        # Not the stack's own actions: text typed and not yet saved is saved first, so Undo
        # takes back exactly that step.
        stack = self.session.undo_stack
        undo = _StepAction("&Undo", stack.canUndo(), self)
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        undo.setObjectName("actionUndo")
        undo.triggered.connect(self.session.undo)
        stack.canUndoChanged.connect(undo.setEnabled)
        stack.undoTextChanged.connect(undo.show_step)
        redo = _StepAction("&Redo", stack.canRedo(), self)
        redo.setShortcuts([QKeySequence.StandardKey.Redo, QKeySequence("Ctrl+Shift+Z")])
        redo.setObjectName("actionRedo")
        redo.triggered.connect(self.session.redo)
        stack.canRedoChanged.connect(redo.setEnabled)
        stack.redoTextChanged.connect(redo.show_step)
        edit.addAction(undo)
        edit.addAction(redo)
        self.undo_action, self.redo_action = undo, redo
        edit.addSeparator()
        self._action(edit, "&Find\u2026", self.focus_search, QKeySequence.StandardKey.Find,
                     "actionFind")
        edit.addSeparator()
        self.add_note_action = self._action(edit, "Add &Note\u2026", self.add_note, "Ctrl+N",
                                            "actionAddNote")
        self.add_note_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)

        view = bar.addMenu("&View")
        self.view_menu = view
        for n, (_key, title, _m, _c) in enumerate(TABS):
            self._action(view, title.replace("&", ""),
                         lambda _=False, i=n: self.tabs.setCurrentIndex(i),
                         f"Ctrl+{n + 1}", f"actionTab{n + 1}")
        view.addSeparator()
        self.back_action = self._action(view, "&Back", self.go_back, "Alt+Left", "actionBack")
        self.back_action.setToolTip("Back to where you were before the last link (Alt+Left)")
        self.back_action.setEnabled(False)
        view.addAction(self.detail_dock.toggleViewAction())
        self._action(view, "All &Notes", self.show_all_notes, "Ctrl+Shift+N", "actionAllNotes")

        help_menu = bar.addMenu("&Help")
        self._action(help_menu, "&About Briefing", self.show_about, None, "actionAbout")
        self._action(help_menu, "Data sources and &licences", self.show_licences, None,
                     "actionLicences")

    # -- tabs --------------------------------------------------------------------------------
    def tab(self, key: str) -> QWidget:
        """The tab's real widget, building it if it was not built yet."""
        index = next(i for i, t in enumerate(TABS) if t[0] == key)
        self._ensure_tab(index)
        return self._tab_widgets[key]

    def _ensure_tab(self, index: int) -> None:
        key, title, module, cls = TABS[index]
        if key in self._tab_widgets:
            return
        mod = importlib.import_module(f"{__package__}.{module}")
        widget = getattr(mod, cls)(self.session, self)
        widget.setObjectName(f"tab-{key}")
        self._tab_widgets[key] = widget
        blocked = self.tabs.blockSignals(True)
        current = self.tabs.currentIndex()
        old = self.tabs.widget(index)
        self.tabs.removeTab(index)
        self.tabs.insertTab(index, widget, title)
        self.tabs.setCurrentIndex(current)
        self.tabs.blockSignals(blocked)
        old.deleteLater()
        restore_layout(widget, QSettings(), key)
        for view in getattr(widget, "note_views", lambda: [])():
            self.add_context_actions(view)
        hook = getattr(widget, "after_first_paint", None)
        if self._painted and hook is not None:
            hook()

    def _on_tab_changed(self, index: int) -> None:
        self.session.commit_edits()  # text typed on the tab being left is saved first
        self._ensure_tab(index)
        QTimer.singleShot(0, self.order_focus)  # once the tab is laid out
        widget = self._tab_widgets[TABS[index][0]]
        current = getattr(widget, "current_ref", lambda: None)()
        self.session.select(current)

    def order_focus(self) -> None:
        """Tab and Shift+Tab in reading order: Back and the search field, the tabs, the
        shown tab's controls top to bottom and left to right (a tab may give its own order,
        ``focus_order``), then the details pane. (Tabs are built when first shown, so Qt's
        own chain put their controls after the details pane.)"""
        widget = self._tab_widgets.get(TABS[self.tabs.currentIndex()][0])
        if widget is None:
            return
        chain = [self.search_field, self.tabs,  # (the tabs' bar is its focus proxy)
                 *_focus_order(widget), *_focus_order(self.detail)]
        chain = [w for w in chain if w.window() is self]
        for a, b in itertools.pairwise(chain):
            QWidget.setTabOrder(a, b)

    def current_tab_key(self) -> str:
        return TABS[self.tabs.currentIndex()][0]

    # -- going places, and back ---------------------------------------------------------------
    def _here(self) -> tuple[int, ItemRef | None, tuple[str, int, int] | None]:
        """Where the user is: the tab, what it has selected, and in the reader the passage
        shown (so Back returns to it)."""
        index = self.tabs.currentIndex()
        widget = self._tab_widgets.get(TABS[index][0])
        ref = getattr(widget, "current_ref", lambda: None)() if widget is not None else None
        shown = None
        if TABS[index][0] == "sources" and widget is not None:
            src, highlight = getattr(widget, "_source", None), getattr(widget, "highlight", None)
            if src is not None and highlight is not None:
                shown = (src.id, highlight[0], highlight[1])
        return index, ref, shown

    def _remember(self) -> None:
        """Before following a link, a search result or a citation: keep where the user was,
        for Back (Alt+Left)."""
        here = self._here()
        if not self._history or self._history[-1] != here:
            self._history.append(here)
            del self._history[:-50]
        self.back_action.setEnabled(True)

    def go_back(self) -> None:
        """Return to where the user was before the last link they followed."""
        if not self._history:
            return
        index, ref, shown = self._history.pop()
        self.back_action.setEnabled(bool(self._history))
        self.tabs.setCurrentIndex(index)
        widget = self._tab_widgets[TABS[index][0]]
        if shown is not None:
            widget.show_range(*shown)  # type: ignore[attr-defined]
        elif ref is not None and getattr(widget, "select", None) is not None:
            widget.select(ref)  # type: ignore[attr-defined]
        self.session.select(ref)
        self.status.setText("Back to where you were.")

    def open_item(self, ref: ItemRef) -> None:
        """Show an item in the tab that presents it, selected."""
        self._remember()
        key = KIND_TAB.get(ref.kind, "overview")
        widget = self.tab(key)
        self.tabs.setCurrentWidget(widget)
        select = getattr(widget, "select", None)
        if select is not None:
            select(ref)
        self.session.select(ref)

    def show_source(self, source_id: str, start: int, end: int) -> None:
        self._remember()
        widget = self.tab("sources")
        self.tabs.setCurrentWidget(widget)
        widget.show_range(source_id, start, end)  # type: ignore[attr-defined]

    def show_citation(self, citation_id: str) -> None:
        self._remember()
        widget = self.tab("sources")
        self.tabs.setCurrentWidget(widget)
        widget.show_citation(citation_id)  # type: ignore[attr-defined]

    # -- notes -----------------------------------------------------------------------------
    def add_note(self) -> None:
        """Add a note to what the user is looking at: selected source text, else the item."""
        from .notes import ask_note

        if self.current_tab_key() == "sources":
            anchor = self.tab("sources").selection_anchor()  # type: ignore[attr-defined]
            if anchor is not None:
                ask_note(self.session, self, anchor=anchor)
                return
        ref = self.session.current
        if ref is None:
            self.status.setText("Select an item (or some source text) to add a note to.")
            return
        ask_note(self.session, self, ref=ref)

    def show_all_notes(self) -> None:
        if self.notes_dock is None:
            from .notes import NotesBrowser

            self.notes_browser = NotesBrowser(self.session, self)
            self.notes_browser.jumpRequested.connect(self.open_placement)
            self.notes_dock = QDockWidget("All notes", self)
            self.notes_dock.setObjectName("notesDock")
            self.notes_dock.setWidget(self.notes_browser)
            self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.notes_dock)
        self.notes_dock.show()
        self.notes_dock.raise_()
        self.notes_browser.search.setFocus()

    def open_placement(self, placement) -> None:  # type: ignore[no-untyped-def]
        if placement.item is not None:
            self.open_item(placement.item)
        else:
            self.show_source(placement.source_id, placement.start, placement.end)

    def add_context_actions(self, widget: QWidget) -> None:
        """Give a view the window's note actions in its context menu."""
        widget.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        widget.addAction(self.add_note_action)

    # -- the analyst's own sources -----------------------------------------------------------
    def import_source(self) -> None:
        """File > Import Source: read a file off the GUI thread, confirm its details, import
        it (one undo step) and show it in the Sources tab."""
        from .import_source import import_source_file

        source_id = import_source_file(self.session, self)
        if source_id:
            self.open_item(ItemRef("source", source_id))

    # -- export and print ------------------------------------------------------------------
    def export_briefing(self) -> None:
        from .export_dialog import ExportDialog

        self.session.commit_edits()  # the export includes what was just typed
        ExportDialog(self.session, self).exec()

    def print_briefing(self) -> None:
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        from ..export.build import build_document
        from .printing import paint_pages, text_document

        self.session.commit_edits()
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle("Print the briefing")
        if dialog.exec() != QPrintDialog.DialogCode.Accepted:
            return
        doc = build_document(self.session.store, self.session.workspace)
        pages = paint_pages(text_document(doc), printer, doc.title)
        self.status.setText(f"Sent {pages} pages to the printer.")

    # -- search ------------------------------------------------------------------------------
    def focus_search(self) -> None:
        self.search_field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_field.selectAll()

    def _ensure_search_panel(self):  # type: ignore[no-untyped-def]
        """The results panel: floats over the window under the search field, so showing it,
        or its results changing, never re-lays out the window."""
        if self.search_results is None:
            from .search import SearchResults

            self.search_results = SearchResults(self.session, self)
            self.search_results.hide()
            self.search_results.closed.connect(self.search_field.setFocus)
            self.search_results.updated.connect(self._search_updated)
            self.search_results.noteRequested.connect(self.open_note)
        return self.search_results

    def _place_search_panel(self) -> None:
        panel = self.search_results
        assert panel is not None
        field = self.search_field
        top_left = field.mapTo(self, field.rect().bottomLeft())
        width = max(field.width(), 480)
        height = min(460, max(160, self.height() - top_left.y() - 40))
        panel.setGeometry(top_left.x(), top_left.y() + 2, min(width, self.width() - 8), height)
        panel.raise_()

    def _run_search(self) -> None:
        text = self.search_field.text().strip()
        if not text and self.search_results is None:
            return
        panel = self._ensure_search_panel()
        if not text:
            panel.request("")
            panel.hide()
            self.status.setText("")
            return
        if len(text) < MIN_QUERY:
            # One letter matches most of the briefing: wait for the next one.
            panel.request("")
            panel.message.setText("Type at least two letters to search.")
            self._place_search_panel()
            panel.show()
        else:
            # The query runs on the search thread; the panel shows up with its results
            # (``_search_updated``), so a keystroke never waits for it.
            panel.request(text)

    def _search_updated(self) -> None:
        panel = self.search_results
        if panel is None or not self.search_field.text().strip():
            return
        if panel.hits or panel.message.text():
            self.status.setText(panel.summary() if panel.hits else panel.message.text())
        self._place_search_panel()
        panel.show()

    def _search_return(self) -> None:
        self._search_timer.stop()
        text = self.search_field.text().strip()
        if len(text) < MIN_QUERY:
            self._run_search()
            return
        panel = self._ensure_search_panel()
        panel.run(text)  # Enter opens the best hit of what is typed now: wait for it
        panel.open_first()

    def open_note(self, note_id: str) -> None:
        """A note found by search: open what it annotates (the item, or the passage in the
        reader); a note whose target is gone is shown in All notes."""
        from ..store.anchoring import place_notes

        ws = self.session.workspace
        note = ws.note(note_id) if ws is not None else None
        if note is None or note.deleted_at:
            return
        placement = place_notes(self.session.store, [note])[0]
        first = " ".join(note.body.split())[:80]
        if placement.anchored:
            self.open_placement(placement)
            self.status.setText(f"Your note: \u201c{first}\u201d")
        else:
            self.show_all_notes()
            self.status.setText(f"Your note \u201c{first}\u201d is on something no longer "
                                "in the briefing: it is listed in All notes.")

    def _search_key(self, key: int) -> bool:
        """Down moves into the results, Escape closes them (keys typed in the field)."""
        panel = self.search_results
        if panel is None or not panel.isVisible():
            return False
        if key == Qt.Key.Key_Down:
            panel.focus_results()
            return True
        if key == Qt.Key.Key_Escape:
            panel.hide()
            return True
        return False

    # -- workspace, status ---------------------------------------------------------------------
    def after_first_paint(self, deferred_views: bool = True) -> None:
        """Work that must not delay the first paint: open the workspace, then let the tabs
        build what they postponed (charts). ``--smoke`` stops before the latter."""
        self._painted = deferred_views
        for widget in self._tab_widgets.values() if deferred_views else ():
            hook = getattr(widget, "after_first_paint", None)
            if hook is not None:
                hook()
        if deferred_views:
            # Ready before the first keystroke, which would otherwise pay for building it.
            QTimer.singleShot(0, self._ensure_search_panel)
            QTimer.singleShot(0, self.order_focus)
        report = self.session.open_workspace()
        if report.read_only:
            self.status.setText("Read-only: notes and checklist changes are not saved.")
        for message in report.messages:
            self._warn("Your workspace", message)

    def _warn(self, title: str, message: str) -> None:
        import sys

        print(f"briefing-app: {message}", file=sys.stderr)
        app = QApplication.instance()
        if app is not None and app.platformName() not in ("offscreen", "minimal"):
            from .richtext import plain_message

            plain_message(self, title, message)

    def _save_failed(self, message: str) -> None:
        """A change the workspace refused: never reported as saved, always said."""
        self.status.setText(f"Not saved: {message}")
        self._warn("Not saved", message)

    def _show_undo_state(self, index: int = 0) -> None:
        """Say what the last step did: saved a change, or undid one."""
        stack = self.session.undo_stack
        if index < self._undo_index and stack.redoText():
            self.status.setText(f"Undone: {stack.redoText()}")
        elif stack.undoText():
            self.status.setText(f"Saved: {stack.undoText()}")
        self._undo_index = index

    # -- help ----------------------------------------------------------------------------------
    def show_about(self) -> None:
        from .. import __version__
        from ..domain import PartialDate
        from ..store.briefing import newest_fact

        meta = self.session.store.meta()
        as_of = newest_fact(self.session.store)
        as_of_text = (f"<br>Information as of {PartialDate(as_of).label()} (the newest dated "
                      "event)." if as_of else "")
        from PySide6.QtWidgets import QMessageBox  # (not needed before Help > About)

        QMessageBox.about(
            self, "About Briefing",
            f"<h3>Briefing {__version__}</h3>"
            "<p>An offline briefing on the United States seeking a critical-minerals "
            "partnership with Pakistan to counter China's dominance of mineral supply "
            "chains.</p>"
            f"<p>Briefing data: content hash <code>{meta.get('content_hash', '')[:12]}</code>."
            f"{as_of_text}"
            f"<br>Your workspace: <code>{self.session.workspace_folder}</code></p>"
            "<p>Licensed under the MIT licence. Built with Qt for Python (PySide6, LGPL), "
            "pyqtgraph (MIT) and sqlite-utils (Apache 2.0).</p>")

    def show_licences(self) -> None:
        from .licences import LicencesDialog

        LicencesDialog(self).exec()

    # -- settings ------------------------------------------------------------------------------
    def _restore_settings(self) -> None:
        s = QSettings()
        geometry = s.value("window/geometry")
        rect = s.value("window/rect")
        # Qt would squeeze a window saved on a monitor that is gone onto some screen; a window
        # that does not fit a screen as it was saved opens at the default size instead.
        if not (isinstance(geometry, QByteArray) and isinstance(rect, QRect)
                and _fits_a_screen(rect) and self.restoreGeometry(geometry)):
            self._default_geometry()
        state = s.value("window/state")
        if isinstance(state, QByteArray) and not state.isEmpty():
            self.restoreState(state)
        try:
            tab = int(s.value("window/tab", 0))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            tab = 0
        if 0 <= tab < len(TABS):
            self.tabs.setCurrentIndex(tab)

    def _default_geometry(self) -> None:
        """1280 x 820, or 90 % of a smaller screen, centred on the primary screen."""
        screen = QGuiApplication.primaryScreen()
        if screen is None:
            self.resize(DEFAULT_SIZE)
            return
        area = screen.availableGeometry()
        size = DEFAULT_SIZE.boundedTo(area.size() * 0.9).expandedTo(self.minimumSize())
        rect = QRect(QPoint(0, 0), size)
        rect.moveCenter(area.center())
        self.setGeometry(rect)

    def save_settings(self) -> None:
        s = QSettings()
        s.setValue("window/geometry", self.saveGeometry())
        maximised = self.isMaximized() or self.isFullScreen()
        s.setValue("window/rect", self.normalGeometry() if maximised else self.geometry())
        s.setValue("window/state", self.saveState())
        s.setValue("window/tab", self.tabs.currentIndex())
        for key, widget in self._tab_widgets.items():
            save_layout(widget, s, key)
        save_layout(self.detail, s, "detail")
        s.sync()

    def eventFilter(self, watched, event) -> bool:  # type: ignore[no-untyped-def]  # noqa: N802
        if watched is self.search_field and event.type() == QEvent.Type.KeyPress:
            return self._search_key(event.key())
        if watched is self.search_field and event.type() == QEvent.Type.FocusOut:
            QTimer.singleShot(0, self._hide_search_panel_unless_focused)
        return super().eventFilter(watched, event)

    def _hide_search_panel_unless_focused(self) -> None:
        """The results close when the user moves on (clicks or tabs elsewhere)."""
        panel = self.search_results
        focus = QApplication.focusWidget()
        if panel is None or focus is self.search_field:
            return
        if focus is None or not panel.isAncestorOf(focus):
            panel.hide()

    def resizeEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        super().resizeEvent(event)
        if self.search_results is not None and self.search_results.isVisible():
            self._place_search_panel()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self._search_timer.stop()
        if self.search_results is not None:
            self.search_results.runner.wait()  # a query running ends before the window
        self.session.commit_edits()
        self.save_settings()
        super().closeEvent(event)
