"""Typing a search as a user does and waiting for its results, which come from the search
thread (the window never blocks a keystroke on a query)."""

from __future__ import annotations

from typing import Any


def search(window: Any, qtbot: Any, text: str) -> Any:
    """Put ``text`` in the search field, run it as the typing pause does, and wait until the
    results panel shows its answer. Returns the panel."""
    window.search_field.setText(text)
    window._search_timer.stop()
    window._run_search()
    panel = window.search_results
    if panel is not None:
        qtbot.waitUntil(lambda: not panel.busy(), timeout=10_000)
    return panel
