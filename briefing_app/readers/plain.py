"""Plain text and Markdown: UTF-8 (a byte-order mark allowed), kept as written."""

from __future__ import annotations


def read_plain(data: bytes, name: str) -> tuple[str, str, dict[str, str]]:
    from . import SourceError

    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SourceError(f"{name} is not UTF-8 text; save it as UTF-8 and import it again"
                          ) from None
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    # A short first line is the document's title (a Markdown heading's marks dropped); a
    # long one is a paragraph, and the file's name stands in.
    title = first.lstrip("#").strip() if len(first) <= 150 else ""
    return text, title, {}
