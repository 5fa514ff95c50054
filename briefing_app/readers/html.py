"""HTML reduced to its text with the standard library's parser: scripts, styles and templates
dropped, nothing fetched (no image, frame or stylesheet is ever loaded), block elements as
paragraphs."""

from __future__ import annotations

from html.parser import HTMLParser

_SKIP = {"script", "style", "template", "noscript", "iframe", "object", "embed", "svg",
         "math", "head", "select", "button", "canvas", "video", "audio"}
_BLOCK = {"p", "div", "section", "article", "header", "footer", "li", "tr", "br", "h1", "h2",
          "h3", "h4", "h5", "h6", "blockquote", "pre", "table", "ul", "ol", "dd", "dt",
          "figcaption", "aside", "main", "nav", "hr"}


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0
        self.in_title = False
        self.title: list[str] = []
        self.meta: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self.in_title = True
        elif tag == "meta":
            a = dict(attrs)
            key = (a.get("name") or a.get("property") or "").lower()
            if key in ("author", "date", "article:published_time", "dc.date") and a.get(
                    "content"):
                self.meta.setdefault("author" if key == "author" else "date",
                                     str(a["content"])[:200])
        if tag in _SKIP:
            self.skipping += 1
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        if tag in _SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title.append(data)
        elif not self.skipping:
            self.parts.append(data)


def read_html(data: bytes, name: str) -> tuple[str, str, dict[str, str]]:
    import re

    from . import SourceError

    text = None
    head = data[:2048].decode("ascii", errors="ignore").lower()
    m = re.search(r'charset=["\']?([a-z0-9_-]+)', head)
    for encoding in ([m.group(1)] if m else []) + ["utf-8-sig", "cp1252"]:
        try:
            text = data.decode(encoding)
            break
        except (LookupError, UnicodeDecodeError):
            continue
    if text is None:
        raise SourceError(f"{name} is not readable text")
    parser = _Text()
    try:
        parser.feed(text)
        parser.close()
    except (AssertionError, ValueError) as exc:  # html.parser's own complaints
        raise SourceError(f"{name} is not HTML that can be read ({exc})") from None
    joined = "".join(parser.parts)
    lines = [" ".join(line.split()) for line in joined.split("\n")]
    body = "\n\n".join(line for line in lines if line)
    return body, " ".join("".join(parser.title).split()), parser.meta
