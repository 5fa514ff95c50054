"""Where an export writes: it never destroys or exposes what it did not create.

A Markdown export's folder, permissions, links, devices, pipes and sockets, standard output, a
mismatched extension, leftover temporary files, over-long names, an empty section list. Every
destructive case runs on things the test itself makes under ``tmp_path``.
"""

from __future__ import annotations

import errno
import os
import socket
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from briefing_app.export.model import ExportOptions
from briefing_app.export.run import (
    MARKER,
    ExportError,
    explain_os_error,
    export_briefing,
    images_folder,
)
from briefing_app.paths import bundled_database
from briefing_app.store.briefing import BriefingStore
from briefing_app.store.workspace import Workspace, open_workspace

from .conftest import ROOT, run_cli
from .system import need_root, need_tool, unavailable

IMAGES = {"supply.svg", "timeline.svg", "heatmap.svg"}
NO_CHARTS = ExportOptions(include_charts=False)


@pytest.fixture(scope="module")
def store() -> BriefingStore:
    return BriefingStore(bundled_database())


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """The folder exports go to (the CLI's workspace lives elsewhere in tmp_path)."""
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def export_cli(*args: str, tmp_path: Path, cwd: Path | None = None,
               ) -> subprocess.CompletedProcess[str]:
    return run_cli("export", *args, "--workspace", str(tmp_path / "ws"), cwd=cwd)


def export_cli_bytes(*args: str, tmp_path: Path, stdout: int = subprocess.PIPE,
                     ) -> subprocess.CompletedProcess[bytes]:
    """The command line with stdout as bytes (PDF, DOCX), run in ``tmp_path``."""
    return subprocess.run(
        [sys.executable, "-m", "briefing_app", "export", *args,
         "--workspace", str(tmp_path / "ws")],
        stdout=stdout, stderr=subprocess.PIPE, cwd=tmp_path, timeout=300)


def _content(path: Path) -> bytes:
    st = path.lstat()
    if stat.S_ISREG(st.st_mode):
        return path.read_bytes()
    # Never opened: a FIFO would block, a device is not ours to read.
    return f"<{stat.filemode(st.st_mode)}>".encode()


def listing(folder: Path) -> dict[str, bytes]:
    """Every entry under ``folder``: a file's content, or the kind of anything else."""
    return {str(p.relative_to(folder)): _content(p) for p in sorted(folder.rglob("*"))}


def parts(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*.part"))


def mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


@contextmanager
def umask(value: int) -> Iterator[None]:
    old = os.umask(value)
    try:
        yield
    finally:
        os.umask(old)


def fail_writing(name_start: str) -> Callable[[int], None]:
    """An ``os.fsync`` that reports a full disk for temporary files whose name starts so."""
    real = os.fsync

    def fsync(fd: int) -> None:
        if os.path.basename(os.readlink(f"/proc/self/fd/{fd}")).startswith(name_start):
            raise OSError(errno.ENOSPC, "No space left on device")
        real(fd)

    return fsync


# -- 1. a Markdown export's NAME_files folder --------------------------------------------------
def test_markdown_export_refuses_a_folder_it_did_not_make(out: Path,
                                                          store: BriefingStore) -> None:
    thesis = out / "report_files" / "thesis"
    thesis.mkdir(parents=True)
    (thesis / "chapter1.docx").write_text("x")
    (out / "report_files" / "timeline.svg").write_text("my own drawing")
    before = listing(out)
    with pytest.raises(ExportError, match="already exists and was not made by Briefing") as exc:
        export_briefing(store, None, "md", out / "report.md")
    assert "choose another file name or move the folder" in str(exc.value).lower()
    assert listing(out) == before  # no report.md, no marker, nothing replaced


def test_cli_markdown_export_keeps_the_users_files(tmp_path: Path, out: Path) -> None:
    (out / "report_files" / "thesis").mkdir(parents=True)
    (out / "report_files" / "thesis" / "chapter1.docx").write_text("x")
    result = export_cli("--format", "md", "--output", str(out / "report.md"),
                        tmp_path=tmp_path)
    assert result.returncode == 1
    assert "was not made by Briefing" in result.stderr and "Traceback" not in result.stderr
    assert (out / "report_files" / "thesis" / "chapter1.docx").read_text() == "x"
    assert sorted(listing(out)) == ["report_files", "report_files/thesis",
                                    "report_files/thesis/chapter1.docx"]


def test_markdown_export_replaces_only_the_files_its_marker_lists(out: Path,
                                                                  store: BriefingStore) -> None:
    target = out / "b.md"
    export_briefing(store, None, "md", target)
    folder = images_folder(target)
    assert {p.name for p in folder.iterdir()} == IMAGES | {MARKER}
    listed = {line for line in (folder / MARKER).read_text().splitlines()
              if line and not line.startswith("#")}
    assert listed == IMAGES
    (folder / "mine.txt").write_text("keep me")
    (folder / "timeline.svg").write_text("stale")
    export_briefing(store, None, "md", target)  # the folder is ours: the charts are replaced
    assert (folder / "mine.txt").read_text() == "keep me"
    assert (folder / "timeline.svg").read_text().startswith("<svg")
    assert parts(out) == []
    # A file Briefing never wrote, under a chart's name, is never replaced.
    (folder / MARKER).write_text("heatmap.svg\n")
    (folder / "timeline.svg").write_text("my own drawing")
    before = listing(out)
    with pytest.raises(ExportError, match="was not written by Briefing"):
        export_briefing(store, None, "md", target)
    assert listing(out) == before


def test_failed_markdown_export_removes_what_it_made(out: Path, store: BriefingStore,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "fsync", fail_writing(".b.md."))  # the charts fit, the text not
    with pytest.raises(ExportError, match="not enough space"):
        export_briefing(store, None, "md", out / "b.md")
    assert listing(out) == {}


def test_failed_markdown_export_keeps_the_earlier_export(out: Path, store: BriefingStore,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    target = out / "b.md"
    export_briefing(store, None, "md", target)
    before = listing(out)
    inodes = {p.name: p.stat().st_ino for p in images_folder(target).iterdir()}
    monkeypatch.setattr(os, "fsync", fail_writing(".b.md."))
    with pytest.raises(ExportError, match="not enough space"):
        export_briefing(store, None, "md", target)
    assert listing(out) == before
    assert {p.name: p.stat().st_ino for p in images_folder(target).iterdir()} == inodes
    monkeypatch.setattr(os, "fsync", fail_writing(".heatmap.svg."))
    with pytest.raises(ExportError, match="not enough space"):
        export_briefing(store, None, "md", target)
    assert listing(out) == before


@contextmanager
def small_tmpfs(folder: Path, size: str) -> Iterator[Path]:
    folder.mkdir()
    need_root("mounts a small tmpfs as a full disk")
    mount = need_tool("mount", "mount")
    mounted = subprocess.run([mount, "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        unavailable(f"cannot mount a tmpfs here ({mounted.stderr.strip()})",
                    "run the tests as root on a machine that allows mounts (CI does)")
    try:
        yield folder
    finally:
        subprocess.run([need_tool("umount", "mount"), str(folder)], check=True)


def test_markdown_export_to_a_full_disk_keeps_the_earlier_export(tmp_path: Path,
                                                                 store: BriefingStore) -> None:
    with small_tmpfs(tmp_path / "small", "1m") as disk:
        export_briefing(store, None, "md", disk / "b.md")
        with (disk / "filler").open("wb", buffering=0) as fh:  # the disk fills up afterwards
            try:
                while True:
                    fh.write(b"\0" * 65536)
                    fh.flush()
            except OSError as exc:
                assert exc.errno == errno.ENOSPC
        before = listing(disk)
        for name in ("b.md", "c.md"):
            result = export_cli("--format", "md", "--output", str(disk / name),
                                tmp_path=tmp_path)
            assert result.returncode == 1 and "not enough space" in result.stderr
            assert listing(disk) == before  # no c_files, no c.md, b's charts as they were


# -- 2. permissions ----------------------------------------------------------------------------
def test_new_exports_follow_the_umask(out: Path, store: BriefingStore) -> None:
    with umask(0o077):
        export_briefing(store, None, "html", out / "private.html", NO_CHARTS)
        export_briefing(store, None, "md", out / "private.md")
    assert mode(out / "private.html") == 0o600
    assert mode(out / "private.md") == 0o600
    assert mode(out / "private_files") == 0o700
    for path in (out / "private_files").iterdir():
        assert mode(path) == 0o600, path.name
    with umask(0o002):
        export_briefing(store, None, "html", out / "shared.html", NO_CHARTS)
    assert mode(out / "shared.html") == 0o664


def test_export_over_a_file_keeps_its_mode(out: Path, store: BriefingStore) -> None:
    for name, old_mode in (("secret.html", 0o600), ("group.html", 0o640)):
        target = out / name
        target.write_text("old")
        target.chmod(old_mode)
        with umask(0o022):
            export_briefing(store, None, "html", target, NO_CHARTS)
        assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
        assert mode(target) == old_mode


def test_cli_exports_follow_the_umask(tmp_path: Path, out: Path) -> None:
    for args in (["export", "--output", str(out / "b.html"), "--no-charts"],
                 ["note", "export", str(out / "notes.json")]):
        result = subprocess.run(
            [sys.executable, "-m", "briefing_app", *args, "--workspace", str(tmp_path / "ws")],
            capture_output=True, text=True, cwd=ROOT, timeout=300, umask=0o077)
        assert result.returncode == 0, result.stderr
    assert mode(out / "b.html") == 0o600
    assert mode(out / "notes.json") == 0o600


# -- 3. targets that are not ordinary files ----------------------------------------------------
def test_export_writes_through_a_symlink(out: Path, store: BriefingStore) -> None:
    (out / "real").mkdir()
    real = out / "real" / "target.html"
    real.write_text("old")
    real.chmod(0o600)
    link = out / "link.html"
    link.symlink_to("real/target.html")
    assert export_briefing(store, None, "html", link, NO_CHARTS) == link
    assert link.is_symlink() and os.readlink(link) == "real/target.html"
    assert real.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert mode(real) == 0o600
    assert sorted(listing(out)) == ["link.html", "real", "real/target.html"]
    dangling = out / "new.md"
    dangling.symlink_to("real/made.md")  # a link to a file not made yet: the export makes it
    export_briefing(store, None, "md", dangling)
    assert dangling.is_symlink()
    assert (out / "real" / "made.md").read_text(encoding="utf-8").startswith("# ")
    assert (out / "real" / "made_files" / "timeline.svg").exists()  # beside the real file


def _refused_by_cli(target: Path, tmp_path: Path, *extra: str) -> str:
    """Export to ``target`` in a subprocess with a deadline: a FIFO opened would block."""
    result = subprocess.run(
        [sys.executable, "-m", "briefing_app", "export", "--output", str(target), *extra,
         "--workspace", str(tmp_path / "ws")],
        capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 1, result.stdout
    assert "Traceback" not in result.stderr
    return result.stderr


def test_export_refuses_a_fifo_without_opening_it(tmp_path: Path, out: Path) -> None:
    fifo = out / "pipe.html"
    os.mkfifo(fifo)
    message = _refused_by_cli(fifo, tmp_path)
    assert "named pipe" in message and "not an ordinary file" in message
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert sorted(listing(out)) == ["pipe.html"]


def test_export_refuses_a_socket_and_a_link_to_a_folder(out: Path,
                                                        store: BriefingStore) -> None:
    path = out / "sock.html"
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(path))
        with pytest.raises(ExportError, match="is a socket"):
            export_briefing(store, None, "html", path)
        assert stat.S_ISSOCK(path.lstat().st_mode)
    (out / "folder").mkdir()
    (out / "folder.html").symlink_to("folder")
    with pytest.raises(ExportError, match="is a folder"):
        export_briefing(store, None, "html", out / "folder.html")
    assert (out / "folder.html").is_symlink() and list((out / "folder").iterdir()) == []


def test_export_refuses_a_device_node(tmp_path: Path, out: Path) -> None:
    need_root("makes a device node")
    device = out / "device.pdf"
    os.mknod(device, stat.S_IFCHR | 0o600, os.makedev(1, 3))
    try:
        assert "is a device" in _refused_by_cli(device, tmp_path)
        st = device.lstat()
        assert stat.S_ISCHR(st.st_mode) and st.st_rdev == os.makedev(1, 3)
        assert sorted(listing(out)) == ["device.pdf"]
    finally:
        device.unlink()


def test_dash_writes_text_formats_to_standard_output(tmp_path: Path) -> None:
    html = export_cli("--format", "html", "--output", "-", tmp_path=tmp_path, cwd=tmp_path)
    assert html.returncode == 0, html.stderr
    assert html.stdout.startswith("<!DOCTYPE html>")
    md = export_cli("--format", "md", "--output", "-", "--no-charts", tmp_path=tmp_path,
                    cwd=tmp_path)
    assert md.returncode == 0, md.stderr
    assert md.stdout.startswith("# ") and "_files/" not in md.stdout
    charts = export_cli("--format", "md", "--output", "-", tmp_path=tmp_path, cwd=tmp_path)
    assert charts.returncode == 1 and charts.stdout == ""
    assert "--no-charts" in charts.stderr and len(charts.stderr.splitlines()) == 1
    guess = export_cli("--output", "-", tmp_path=tmp_path, cwd=tmp_path)
    assert guess.returncode == 2 and "give --format" in guess.stderr
    assert not (tmp_path / "-").exists()


def test_dash_writes_pdf_and_docx_only_when_redirected(tmp_path: Path) -> None:
    for fmt, magic in (("pdf", b"%PDF-"), ("docx", b"PK\x03\x04")):
        piped = export_cli_bytes("--format", fmt, "--output", "-", tmp_path=tmp_path)
        assert piped.returncode == 0, piped.stderr
        assert piped.stdout.startswith(magic)
    try:
        master, terminal = os.openpty()
    except OSError as exc:
        unavailable(f"needs a pseudo-terminal to stand for one ({exc.strerror})",
                    "mount /dev/pts (every desktop has it)")
    try:
        shown = export_cli_bytes("--format", "pdf", "--output", "-", tmp_path=tmp_path,
                                 stdout=terminal)
        os.set_blocking(master, False)
        try:
            written = os.read(master, 65536)
        except OSError:
            written = b""
    finally:
        os.close(terminal)
        os.close(master)
    assert shown.returncode == 2
    assert b"not written to a terminal" in shown.stderr
    assert b"%PDF" not in written
    assert not (tmp_path / "-").exists()


def test_mismatched_extension_is_refused(tmp_path: Path, out: Path,
                                         store: BriefingStore) -> None:
    for fmt, name in (("md", "x.pdf"), ("html", "X.PDF"), ("pdf", "x.docx")):
        with pytest.raises(ExportError) as exc:
            export_briefing(store, None, fmt, out / name, NO_CHARTS)
        message = str(exc.value)
        assert {"md": "Markdown", "html": "HTML", "pdf": "PDF"}[fmt] in message
        assert ("PDF" if name.lower().endswith(".pdf") else "DOCX") in message
    assert listing(out) == {}
    for name in ("notes.txt", "briefing"):  # no known extension: the user's choice
        export_briefing(store, None, "md", out / name, NO_CHARTS)
        assert (out / name).read_text(encoding="utf-8").startswith("# ")
    result = export_cli("--format", "md", "--output", str(out / "y.pdf"), tmp_path=tmp_path)
    assert result.returncode == 1 and not (out / "y.pdf").exists()
    assert "y.pdf ends in .pdf, which is for PDF files" in result.stderr
    assert "Markdown" in result.stderr


# -- 4. temporary files left by an interrupted export ------------------------------------------
HOLDER = """
import fcntl, sys, time
fh = open(sys.argv[1], "ab")
fcntl.flock(fh, fcntl.LOCK_EX)
print("locked", flush=True)
time.sleep(300)
"""


def test_stale_part_files_are_removed(out: Path, store: BriefingStore) -> None:
    stale = [out / ".b.html.k1ll3d_x.part", out / ".b.html.abcdefgh.part"]
    others = [out / ".c.html.abcdefgh.part", out / ".b.html.x.y.part",
              out / ".b.htmlx.abcdefgh.part", out / "b.html.abcdefgh.part"]
    for path in [*stale, *others]:
        path.write_bytes(b"\0" * 4096)  # as a SIGKILLed export leaves it
    export_briefing(store, None, "html", out / "b.html", NO_CHARTS)
    assert not any(p.exists() for p in stale)
    assert all(p.exists() for p in others)


@pytest.mark.skipif(sys.platform == "win32", reason="flock is POSIX")
def test_part_file_of_a_live_export_is_left_alone(out: Path, store: BriefingStore) -> None:
    live = out / ".b.html.l1vewrtr.part"
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(live)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        export_briefing(store, None, "html", out / "b.html", NO_CHARTS)
        assert live.exists()
    finally:
        holder.kill()
        holder.wait()
        if holder.stdout is not None:
            holder.stdout.close()
    export_briefing(store, None, "html", out / "b.html", NO_CHARTS)  # its writer is gone
    assert not live.exists()


# -- 5. over-long names ------------------------------------------------------------------------
def test_too_long_name_is_explained(tmp_path: Path, out: Path, store: BriefingStore) -> None:
    long_name = "a" * 300 + ".html"
    with pytest.raises(ExportError, match="is too long: it has 305 bytes"):
        export_briefing(store, None, "html", out / long_name)
    message = explain_os_error(OSError(errno.ENAMETOOLONG, "File name too long"),
                               out / long_name)
    assert "too long" in message and "255" in message
    result = export_cli("--output", str(out / long_name), tmp_path=tmp_path)
    assert result.returncode == 1 and "is too long" in result.stderr
    assert "unexpected error" not in result.stderr
    assert listing(out) == {}


def test_longest_allowed_names_export(out: Path, store: BriefingStore) -> None:
    # 255 bytes each: the temporary name beside them must not be what is too long.
    for name in ("a" * 250 + ".html", "\u00e9" * 125 + ".html"):
        assert len(os.fsencode(name)) == 255
        export_briefing(store, None, "html", out / name, NO_CHARTS)
        assert (out / name).stat().st_size > 1000
    assert parts(out) == []


# -- 6. an empty section list ------------------------------------------------------------------
@pytest.mark.parametrize("value", ["", ",", " , "])
def test_empty_sections_is_a_usage_error(tmp_path: Path, out: Path, value: str) -> None:
    result = export_cli("--output", str(out / "b.html"), "--sections", value,
                        tmp_path=tmp_path)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "give at least one section: overview, minerals" in result.stderr
    assert listing(out) == {}


# -- 7. Markdown written as it is made ----------------------------------------------------------
def _noted_workspace(folder: Path, count: int) -> Workspace:
    """A workspace with ``count`` notes on passages of the source, each a different range."""
    from briefing_app.store.anchoring import make_anchor
    from briefing_app.store.briefing import BriefingStore as Store

    source = Store(bundled_database()).sources()[0]
    workspace, _ = open_workspace(folder)
    for i in range(count):
        start = (i * 37) % (len(source.text) - 60)
        workspace.add_note(f"note {i}: check this", anchor=make_anchor(
            source.id, source.text, start, start + 40))
    return workspace


def test_markdown_is_written_in_pieces_that_make_the_whole_text(
        tmp_path: Path, out: Path, store: BriefingStore,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from briefing_app.export import run
    from briefing_app.export.build import build_document
    from briefing_app.export.markdown import render_markdown

    workspace = _noted_workspace(tmp_path / "ws", 60)
    monkeypatch.setattr(run, "BATCH_CHARS", 2_000)
    doc = build_document(store, workspace, NO_CHARTS)
    pieces = list(run.render_pieces(doc, "md", out / "b.md"))
    whole = render_markdown(doc, "b_files").encode("utf-8")
    assert len(pieces) > 10 and all(pieces) and b"".join(pieces) == whole
    export_briefing(store, workspace, "md", out / "b.md", NO_CHARTS)
    text = (out / "b.md").read_bytes()
    # The same document but for the day it was made, which may have turned since.
    assert len(text) == len(whole) and text.count(b"check this") == 60


def test_a_cancel_while_markdown_is_written_leaves_the_earlier_export(
        tmp_path: Path, out: Path, store: BriefingStore,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from briefing_app.export import run

    workspace = _noted_workspace(tmp_path / "ws", 60)
    target = out / "b.md"
    target.write_text("the earlier export")
    monkeypatch.setattr(run, "BATCH_CHARS", 2_000)

    class CancelOnceWriting:  # the Cancel button pressed while the file is being written
        pressed = False

        def is_set(self) -> bool:
            return self.pressed

    flag = CancelOnceWriting()

    def progress(_percent: int, what: str) -> None:
        if what.startswith("Writing"):
            flag.pressed = True

    with pytest.raises(run.ExportCancelled):
        export_briefing(store, workspace, "md", target, NO_CHARTS, progress=progress,
                        cancel=flag)
    assert target.read_text() == "the earlier export"
    assert parts(out) == []


def test_pieces_are_written_behind_in_order_and_failures_reach_the_caller(
        tmp_path: Path) -> None:
    """A Markdown export's pieces are written by a thread while the next is made: in order,
    whole; a failed write stops the making and is raised to the caller; a failure to make
    one leaves the pieces before it written; no writer thread outlives the call."""
    import threading

    from briefing_app.export.files import _write_behind

    def writers() -> list[threading.Thread]:
        return [t for t in threading.enumerate() if t.name == "briefing-export-writer"]

    pieces = [bytes([65 + i % 26]) * (1000 + i) for i in range(50)]
    path = tmp_path / "whole"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT)
    try:
        _write_behind(fd, iter(pieces))
    finally:
        os.close(fd)
    assert path.read_bytes() == b"".join(pieces) and writers() == []

    made = []

    def making() -> Iterator[bytes]:
        for piece in pieces:
            made.append(piece)
            yield piece

    fd = os.open(path, os.O_RDONLY)  # every write fails
    try:
        with pytest.raises(OSError) as failed:
            _write_behind(fd, making())
    finally:
        os.close(fd)
    assert failed.value.errno == errno.EBADF
    assert len(made) < len(pieces) and writers() == []  # the making stopped

    def cancelled() -> Iterator[bytes]:
        yield pieces[0]
        yield pieces[1]
        raise KeyboardInterrupt

    fd = os.open(path, os.O_WRONLY | os.O_TRUNC)
    try:
        with pytest.raises(KeyboardInterrupt):
            _write_behind(fd, cancelled())
    finally:
        os.close(fd)
    assert path.read_bytes() == pieces[0] + pieces[1] and writers() == []


def test_an_interrupted_wait_for_the_writer_waits_on(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl+C while the export waits for its writer: the wait goes on until everything made
    is written, then the interrupt is raised; no writer is left to write into a file the
    descriptor's number may name once the export closes it."""
    import threading
    import time

    from briefing_app.export import files

    def slow_write(fd: int, data: bytes) -> None:
        time.sleep(0.05)
        os.write(fd, data)

    real_join = threading.Thread.join
    interrupts = []

    def join_interrupted_once(thread: threading.Thread, timeout: float | None = None) -> None:
        if thread.name == "briefing-export-writer" and not interrupts:
            interrupts.append(thread)
            raise KeyboardInterrupt
        real_join(thread, timeout)

    monkeypatch.setattr(files, "_write_all", slow_write)
    monkeypatch.setattr(threading.Thread, "join", join_interrupted_once)
    pieces = [b"a" * 10, b"b" * 20, b"c" * 30]
    path = tmp_path / "interrupted"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT)
    try:
        with pytest.raises(KeyboardInterrupt):
            files._write_behind(fd, iter(pieces))
        assert interrupts and not interrupts[0].is_alive()
    finally:
        os.close(fd)
    assert path.read_bytes() == b"".join(pieces)


def test_no_collector_pass_scans_a_markdown_export(tmp_path: Path, out: Path,
                                                   store: BriefingStore) -> None:
    """The cycle collector stays paused from the first note read until the document is gone:
    resumed in between, its first pass scanned every object of the document (40 ms at
    100,000 notes)."""
    import gc

    from briefing_app.export.model import Note

    workspace = _noted_workspace(tmp_path / "ws", 50)
    passes: list[bool] = []  # for each pass: whether it scanned any of the document's notes

    def seen(phase: str, info: dict[str, int]) -> None:
        if phase == "start":  # a pass of generation g scans generations 0 to g
            passes.append(any(type(o) is Note for g in range(info["generation"] + 1)
                              for o in gc.get_objects(generation=g)))

    gc.callbacks.append(seen)
    try:
        export_briefing(store, workspace, "md", out / "b.md", NO_CHARTS)
    finally:
        gc.callbacks.remove(seen)
    assert not any(passes), passes
    assert gc.isenabled()
