"""One estimative scale everywhere (issue 17): the Overview shows the scale the judgments'
words come from, the same words and ranges as the exports' table, and every judgment's word
is on it."""

from __future__ import annotations

from briefing_app.store.briefing import BriefingStore
from briefing_app.ui.main_window import MainWindow


def test_the_overview_shows_the_scale_its_judgments_use(window: MainWindow,
                                                        store: BriefingStore) -> None:
    text = window.tab("overview").browser.toPlainText()  # type: ignore[attr-defined]
    start = text.index("How likely:")
    legend = text[start:text.index("\n", start)]
    scale = store.estimative_scale()
    assert len(scale) == 7  # ICD 203's seven terms
    for word in scale:
        assert f"{word.word} ({word.low:g}\u2013{word.high:g}%)" in legend
    assert "Confidence (high, moderate, low)" in legend  # kept apart from likelihood
    words = {w.word for w in scale}
    assert all(j.estimative in words for j in store.judgments())
