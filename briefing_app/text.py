"""Plain text as the briefing handles it: a document split into numbered passages, and dates at
the precision known. Shared by the dataset build (bundled sources) and the readers (the
analyst's own sources), so both number passages the same way.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


@dataclass(frozen=True)
class PassageSpan:
    seq: int
    start: int
    end: int
    role: str  # "title", "heading", "body"


def split_passages(text: str) -> list[PassageSpan]:
    """One passage per non-blank line: paragraphs, headings and list items of the document."""
    spans: list[PassageSpan] = []
    offset = 0
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        stripped = body.strip()
        if stripped:
            start = offset + (len(body) - len(body.lstrip()))
            end = start + len(stripped)
            if not spans:
                role = "title"
            elif _looks_like_heading(stripped):
                role = "heading"
            else:
                role = "body"
            spans.append(PassageSpan(len(spans) + 1, start, end, role))
        offset += len(line)
    return spans


def _looks_like_heading(line: str) -> bool:
    if len(line) > 90 or line[-1] in ".!?:;,\u201d\"":
        return False
    return not re.match(r"^(\u2022|[-*]|\d+[.)])\s", line)


def check_date(value: object) -> str | None:
    """Why ``value`` is not an ISO date at year, month or day precision (None if it is)."""
    if not isinstance(value, str):
        return f"must be a date as text (YYYY, YYYY-MM or YYYY-MM-DD), not {type(value).__name__}"
    m = DATE.match(value)
    if not m:
        return f"{value!r} is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)"
    year, month, day = m.groups()
    try:
        dt.date(int(year), int(month or 1), int(day or 1))
    except ValueError as exc:
        return f"{value!r} is not a valid date ({exc})"
    return None
