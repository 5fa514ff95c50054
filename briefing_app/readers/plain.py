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
    title = first.lstrip("# ").strip() if first.startswith("#") else ""
    return text, title, {}
