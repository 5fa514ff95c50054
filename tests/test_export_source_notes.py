"""A note on a source document as a whole reaches every export format (they were dropped)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from briefing_app.domain import ItemRef
from briefing_app.export.run import export_briefing
from briefing_app.paths import bundled_database
from briefing_app.store.briefing import BriefingStore
from briefing_app.store.workspace import open_workspace

from .system import need_tool

NOTE = "The publisher of this article is still unconfirmed; ask the desk."


def _text(path: Path, fmt: str) -> str:
    if fmt == "pdf":
        import unicodedata

        text = subprocess.run([need_tool("pdftotext", "poppler-utils"), str(path), "-"],
                              capture_output=True, text=True, check=True).stdout
        return unicodedata.normalize("NFKC", text)  # typographic ligatures (fi, fl)
    if fmt == "docx":
        import docx

        return "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
    if fmt == "html":
        from html.parser import HTMLParser

        chunks: list[str] = []

        class Text(HTMLParser):
            def handle_data(self, data: str) -> None:
                chunks.append(data)

        Text().feed(path.read_text(encoding="utf-8"))
        return "".join(chunks)
    from markdown_it import MarkdownIt

    tokens = MarkdownIt().parse(path.read_text(encoding="utf-8"))
    return "\n".join(t.content for t in tokens if t.content)


@pytest.mark.parametrize("fmt", ["md", "html", "docx", "pdf"])
def test_a_note_on_a_source_is_exported(tmp_path: Path, fmt: str) -> None:
    store = BriefingStore(bundled_database())
    source = store.sources()[0]
    ws, _ = open_workspace(tmp_path / "ws")
    ws.add_note(NOTE, target=ItemRef("source", source.id))
    out = export_briefing(store, ws, fmt, tmp_path / f"b.{fmt}")
    text = " ".join(_text(out, fmt).split())
    assert NOTE in text
    notes_at = text.index("Notes on the source documents")
    assert notes_at < text.index(NOTE)
