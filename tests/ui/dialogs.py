"""Answering the window's modal dialogs from a test, as a user would."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget


class Modals:
    """Answers the modal dialogs the code under test opens, in order, as a user would: each
    step waits (polling) for a modal widget of its class, then acts on it. A polling timer,
    not one ``singleShot``: the import reads its file in the background first."""

    def __init__(self) -> None:
        self.steps: list[tuple[type, Callable[[Any], None]]] = []
        self.seen: list[str] = []
        self._last: QWidget | None = None
        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(self._poll)
        self.timer.start()

    def then(self, cls: type, act: Callable[[Any], None]) -> Modals:
        self.steps.append((cls, act))
        return self

    def _poll(self) -> None:
        modal = QApplication.activeModalWidget()
        if modal is None or modal is self._last or not self.steps:
            if modal is not self._last:
                self._last = None
            return
        cls, act = self.steps[0]
        if isinstance(modal, cls):
            self.steps.pop(0)
            self._last = modal
            self.seen.append(type(modal).__name__)
            # Not from this timer's own slot: Qt does not fire a timer again while its slot
            # runs, and the answer may open the next dialog (a nested event loop).
            QTimer.singleShot(0, lambda: act(modal))

    def done(self) -> None:
        assert self.steps == [], f"dialogs that never came: {self.steps}"
