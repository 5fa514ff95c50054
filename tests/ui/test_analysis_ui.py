"""The Overview shows ICD 203's items (issue 17) where the analyst reads the judgments: what
would change each key judgment, the key assumptions apart from the information, and the
alternative outcomes of the central question with their likelihood ranges; each opens its
details (marked as the briefing's assessment) with what it rests on."""

from __future__ import annotations

from PySide6.QtCore import QUrl

from briefing_app.store.briefing import BriefingStore
from briefing_app.ui.main_window import MainWindow


def test_the_overview_shows_assumptions_outcomes_and_indicators(window: MainWindow,
                                                               store: BriefingStore) -> None:
    text = " ".join(window.tab("overview").browser.toPlainText().split())  # type: ignore[attr-defined]
    judgments_at = text.index("Key judgments")
    assumptions_at = text.index("Key assumptions")
    outcomes_at = text.index("Alternative outcomes")
    assert judgments_at < assumptions_at < outcomes_at < text.index("Key figures")
    for ind in store.indicators():
        at = text.index(" ".join(ind.text.split()))
        assert judgments_at < at < assumptions_at, ind.id
    assert text.count("What would change it") == len(store.judgments())
    for a in store.assumptions():
        assert assumptions_at < text.index(" ".join(a.text.split())) < outcomes_at
        assert " ".join(a.if_wrong.split()) in text
    assert " ".join(store.overview().question.split()) in text
    scale = {w.word: w for w in store.estimative_scale()}
    for o in store.outcomes():
        w = scale[o.estimative]
        assert f"{o.estimative.capitalize()} ({w.low:g}\u2013{w.high:g}%): {o.title}" in text
    assert "so probabilities inside them can add up to 100%" in text


def test_an_outcome_and_an_indicator_open_their_details(window: MainWindow,
                                                        store: BriefingStore) -> None:
    overview = window.tab("overview")
    outcome = store.outcomes()[0]
    overview._on_link(QUrl(f"sel:outcome:{outcome.id}"))  # type: ignore[attr-defined]
    shown = " ".join(window.detail.browser.toPlainText().split())
    assert "Alternative outcome (briefing's assessment)" in shown
    assert outcome.title in shown and "Signs so far" in shown and "[1]" in shown
    indicator = store.indicators()[0]
    overview._on_link(QUrl(f"sel:indicator:{indicator.id}"))  # type: ignore[attr-defined]
    shown = " ".join(window.detail.browser.toPlainText().split())
    assert "What would change a judgment (briefing's assessment)" in shown
    assert "Watch" in shown and "Key judgment" in shown
