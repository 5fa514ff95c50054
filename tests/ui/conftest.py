"""Fixtures for driving the real window offscreen."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from briefing_app.paths import bundled_database
from briefing_app.store.briefing import BriefingStore
from briefing_app.ui.app import make_application
from briefing_app.ui.main_window import MainWindow


@pytest.fixture
def app(qapp: QApplication) -> QApplication:
    return make_application()


@pytest.fixture
def store() -> Iterator[BriefingStore]:
    s = BriefingStore(bundled_database())
    yield s
    s.close()


@pytest.fixture
def workspace_dir(tmp_path: Path) -> Path:
    return tmp_path / "workspace"


@pytest.fixture
def open_window(app: QApplication, qtbot, store: BriefingStore,  # type: ignore[no-untyped-def]
                workspace_dir: Path) -> Callable[[], MainWindow]:
    """Open a window as the app does: show, first paint, then the deferred work."""
    windows: list[MainWindow] = []

    def opener() -> MainWindow:
        window = MainWindow(store, workspace_dir)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        window.after_first_paint()
        windows.append(window)
        return window

    yield opener
    for w in windows:
        w.close()
        if w.session.workspace is not None:
            w.session.workspace.close()


@pytest.fixture
def window(open_window: Callable[[], MainWindow]) -> MainWindow:
    return open_window()
