"""DOCX: paragraphs and table cells in document order, read with python-docx."""

from __future__ import annotations

import io


def read_docx(data: bytes, name: str) -> tuple[str, str, dict[str, str]]:
    import zipfile

    from . import SourceError

    try:
        import docx
        from docx.opc.exceptions import PackageNotFoundError

        try:
            document = docx.Document(io.BytesIO(data))
        except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
            raise SourceError(f"{name} is not a Word document that can be read ({exc})"
                              ) from None
    except ImportError as exc:  # pragma: no cover - python-docx is a dependency
        raise SourceError(f"cannot read .docx here ({exc})") from None
    parts: list[str] = []
    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            text = "".join(t.text or "" for t in child.iter() if t.tag.endswith("}t"))
            if text.strip():
                parts.append(text.strip())
        elif tag == "tbl":
            for row in child.iter():
                if row.tag.endswith("}tr"):
                    cells = ["".join(t.text or "" for t in cell.iter() if t.tag.endswith("}t"))
                             for cell in row if cell.tag.endswith("}tc")]
                    line = " | ".join(c.strip() for c in cells if c.strip())
                    if line:
                        parts.append(line)
    props = document.core_properties
    meta = {}
    if props.author:
        meta["author"] = str(props.author)[:200]
    return "\n\n".join(parts), str(props.title or ""), meta
