"""Following a claim to its source and coming back (issue 16): a citation tag opens the
citation's full record, and Alt+Left (or the Back button) returns to where the user was."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt, QUrl

from briefing_app.domain import ItemRef
from briefing_app.store.briefing import BriefingStore
from briefing_app.ui.main_window import MainWindow


def _tag(window: MainWindow) -> tuple[str, str]:
    """The first citation tag in the Overview: (its href, the citation id)."""
    html = window.tab("overview").browser.toHtml()  # type: ignore[attr-defined]
    m = re.search(r'href="(citation:([^"]+))"', html)
    assert m is not None, "the overview shows citation tags"
    return m.group(1), m.group(2)


def test_a_citation_tag_opens_the_citation_and_back_returns(window: MainWindow, qtbot,
                                                            store: BriefingStore) -> None:
    window.tabs.setCurrentIndex(0)
    overview = window.tab("overview")
    judgment = store.judgments()[0]
    window.open_item(ItemRef("judgment", judgment.id))
    before = (window.tabs.currentIndex(), overview.current_ref())  # type: ignore[attr-defined]
    href, citation_id = _tag(window)
    depth = len(window._history)
    overview.browser.anchorClicked.emit(QUrl(href))  # type: ignore[attr-defined]
    assert window.current_tab_key() == "sources"
    sources = window.tab("sources")
    citation = next(c for c in store.citations() if c.id == citation_id)
    shown = sources.citation_detail.text()  # type: ignore[attr-defined]
    assert citation.title in shown and (not citation.url or citation.url in shown)
    assert window.back_action.isEnabled()
    qtbot.keyClick(window.tabs.currentWidget(), Qt.Key.Key_Left,
                   Qt.KeyboardModifier.AltModifier)
    assert (window.tabs.currentIndex(), overview.current_ref()) == before  # type: ignore[attr-defined]
    assert window.session.current == before[1]
    assert len(window._history) == depth  # one step back: the step before is still there


def test_back_returns_to_the_passage_the_reader_showed(window: MainWindow,
                                                       store: BriefingStore) -> None:
    benefit = store.benefits()[0]
    quote = next(p for p in store.provenance(ItemRef("benefit", benefit.id))
                 if p.kind == "quote")
    window.show_source(quote.source_id, quote.start, quote.end)
    sources = window.tab("sources")
    assert sources.highlighted_text() == quote.quote  # type: ignore[attr-defined]
    risk = store.risks()[0]
    window.open_item(ItemRef("risk", risk.id))  # somewhere else, as a search result would
    assert window.current_tab_key() == "risks"
    window.back_action.trigger()
    assert window.current_tab_key() == "sources"
    assert sources.highlighted_text() == quote.quote  # type: ignore[attr-defined]
    assert window.status.text() == "Back to where you were."


def test_the_back_button_sits_beside_search(window: MainWindow) -> None:
    assert window.back_action in window.search_bar.actions()
    assert window.back_action.shortcut().toString() == "Alt+Left"
