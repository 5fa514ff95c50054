"""The analyst's own files become plain text offline, one reader per format; hostile or odd
files are refused in words, never half-read."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from briefing_app.readers import MAX_SOURCE_BYTES, SourceError, read_source


def test_plain_text_and_markdown(tmp_path: Path) -> None:
    txt = tmp_path / "wire.txt"
    txt.write_text("\ufeffUS and Pakistan sign a minerals pact\n\nSecond paragraph.\r\n", "utf-8")
    got = read_source(txt)
    assert got.kind == "text" and got.text == ("US and Pakistan sign a minerals pact\n\n"
                                              "Second paragraph.\n")
    assert got.title == "US and Pakistan sign a minerals pact" and len(got.sha256) == 64
    assert got.data == txt.read_bytes()
    md = tmp_path / "notes.md"
    md.write_text("# Reko Diq update\n\nBody.\n", "utf-8")
    assert read_source(md).title == "Reko Diq update"


def test_html_drops_scripts_and_loads_nothing(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        "<html><head><title>EXIM loan</title><meta name='author' content='A. Reporter'>"
        "<script>alert(1)</script><style>p{}</style>"
        "<link rel=stylesheet href='http://example.invalid/x.css'></head>"
        "<body><p>The bank approved <b>US$1.25 bn</b>.</p><img src='http://example.invalid/"
        "x.png'><iframe src='http://example.invalid'>frame text</iframe>"
        "<p>Second &amp; last.</p></body></html>", "utf-8")
    got = read_source(page)
    assert got.title == "EXIM loan" and got.meta == {"author": "A. Reporter"}
    assert got.text == "The bank approved US$1.25 bn.\n\nSecond & last.\n"
    assert "alert" not in got.text and "frame text" not in got.text


def test_pdf_text_layer_and_a_scan_is_refused(tmp_path: Path) -> None:
    from pypdf import PdfWriter

    blank = tmp_path / "scan.pdf"
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    with blank.open("wb") as fh:
        writer.write(fh)
    with pytest.raises(SourceError, match="no text layer"):
        read_source(blank)
    # A PDF with text, made by the app's own PDF export.
    from briefing_app.export.run import export_briefing
    from briefing_app.paths import bundled_database
    from briefing_app.store.briefing import BriefingStore

    report = export_briefing(BriefingStore(bundled_database()), None, "pdf", tmp_path / "r.pdf")
    got = read_source(report)
    assert got.kind == "pdf" and "Key judgments" in got.text


def test_docx_paragraphs_and_tables(tmp_path: Path) -> None:
    import docx

    d = docx.Document()
    d.core_properties.title = "Desk memo"
    d.add_paragraph("First paragraph.")
    table = d.add_table(rows=1, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Copper", "Balochistan"
    path = tmp_path / "memo.docx"
    d.save(str(path))
    got = read_source(path)
    assert got.title == "Desk memo"
    assert got.text == "First paragraph.\n\nCopper | Balochistan\n"


@pytest.mark.parametrize("name, content, says", [
    ("x.exe", b"MZ", "imports .txt, .md, .html, .pdf"),
    ("empty.txt", b"", "is empty"),
    ("latin.txt", "caf\xe9".encode("latin-1"), "not UTF-8"),
    ("broken.pdf", b"%PDF-1.4 garbage", "not a PDF that can be read"),
    ("broken.docx", b"PK\x03\x04 not a zip", "not a Word document"),
    ("blank.txt", b"\n\n  \n", "no text"),
])
def test_bad_files_are_refused_in_words(tmp_path: Path, name: str, content: bytes,
                                        says: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(SourceError, match=says):
        read_source(path)


def test_links_folders_pipes_and_huge_files_are_refused_unopened(tmp_path: Path) -> None:
    real = tmp_path / "real.txt"
    real.write_text("text\n", "utf-8")
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    with pytest.raises(SourceError, match="symbolic link"):
        read_source(link)
    folder = tmp_path / "folder.txt"
    folder.mkdir()
    with pytest.raises(SourceError, match="folder"):
        read_source(folder)
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    with pytest.raises(SourceError, match="not an ordinary file"):
        read_source(fifo)  # would block forever if it were opened
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as fh:  # sparse: no real disk space used
        fh.seek(MAX_SOURCE_BYTES + 10)
        fh.write(b"\0")
    with pytest.raises(SourceError, match="at most"):
        read_source(huge)


def test_a_pdf_with_too_many_pages_is_refused(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from pypdf import PdfWriter

    from briefing_app.readers import pdf

    monkeypatch.setattr(pdf, "MAX_PAGES", 3)
    writer = PdfWriter()
    for _ in range(5):
        writer.add_blank_page(100, 100)
    buffer = io.BytesIO()
    writer.write(buffer)
    path = tmp_path / "bomb.pdf"
    path.write_bytes(buffer.getvalue())
    with pytest.raises(SourceError, match="at most 3"):
        read_source(path)


def _typst_pdf(path: Path, body: str) -> Path:
    import typst

    from briefing_app.paths import fonts_dir

    src = path.with_suffix(".typ")
    src.write_text('#set page(width: 12cm, height: auto, margin: 1cm)\n' + body,
                   encoding="utf-8")
    path.write_bytes(typst.compile(str(src), font_paths=[str(fonts_dir())],
                                   ignore_system_fonts=True))
    return path


def test_pdf_lines_are_joined_into_paragraphs(tmp_path: Path) -> None:
    """A passage of a PDF is its paragraph, not a line of print: wrapped lines join, a gap or
    a heading starts a new one."""
    from briefing_app.text import split_passages

    first = ("Copper and gold from the Reko Diq deposit in Balochistan would reach a port by "
             "rail, and the financing would come from several lenders at once.")
    second = "A second paragraph, short."
    path = _typst_pdf(tmp_path / "memo.pdf", f"= Field memo\n\n{first}\n\n{second}\n")
    got = read_source(path)
    passages = [got.text[p.start:p.end] for p in split_passages(got.text)]
    assert passages == ["Field memo", first, second]


def test_pdf_progress_is_reported_and_can_stop_the_reading(tmp_path: Path) -> None:
    path = _typst_pdf(tmp_path / "three.pdf", "One.\n#pagebreak()\nTwo.\n#pagebreak()\nThree.\n")
    seen: list[tuple[int, int]] = []
    assert read_source(path, progress=lambda d, t: seen.append((d, t))).text.split() == [
        "One.", "Two.", "Three."]
    assert seen == [(1, 3), (2, 3), (3, 3)]

    class StopReadingError(Exception):
        pass

    def stop(done: int, total: int) -> None:
        if done == 2:
            raise StopReadingError

    with pytest.raises(StopReadingError):
        read_source(path, progress=stop)


def test_a_pdf_behind_a_password_is_refused_and_one_without_opens(tmp_path: Path) -> None:
    import pikepdf

    plain = _typst_pdf(tmp_path / "plain.pdf", "Secret minerals memo.\n")
    for password, name in (("hunter2", "locked.pdf"), ("", "owner-only.pdf")):
        with pikepdf.open(plain) as pdf:
            pdf.save(tmp_path / name, encryption=pikepdf.Encryption(user=password,
                                                                   owner="owner"))
    with pytest.raises(SourceError, match="password"):
        read_source(tmp_path / "locked.pdf")
    # Encrypted only against editing (no password to open): it reads as any other PDF.
    assert read_source(tmp_path / "owner-only.pdf").text == "Secret minerals memo.\n"
