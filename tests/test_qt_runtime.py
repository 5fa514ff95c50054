"""Guards against known-bad Qt for Python builds."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication


def test_process_events_keeps_none_alive(qapp: QApplication) -> None:
    """PySide6 6.12.0 released a reference to None on every processEvents() call, which
    killed the interpreter after a few thousand calls (pyproject pins below it)."""
    before = sys.getrefcount(None)
    for _ in range(20_000):
        qapp.processEvents()
    assert sys.getrefcount(None) >= before - 100
