"""Writing export files without destroying or exposing anything the export did not make.

Every file is written whole to a locked temporary name beside its target and renamed into
place, so no export leaves a half-written file; only ordinary files are written (through a
symbolic link, to the file it names), never folders, devices, pipes or sockets; an existing
file keeps its permissions and a new one gets the user's umask; and in a Markdown export's
``NAME_files/`` folder only the files its marker says an earlier export wrote are replaced.
Every failure becomes an ``ExportError`` with a plain message.
"""

from __future__ import annotations

import contextlib
import errno
import os
import queue
import re
import stat
import sys
import tempfile
import threading
from collections.abc import Iterable
from pathlib import Path

from .model import Document

if sys.platform != "win32":
    import fcntl

#: The file in a ``NAME_files/`` folder that says Briefing made the folder, and which files in it
#: Briefing wrote: only those are ever replaced.
MARKER = ".briefing-export"
_MARKER_HEADER = ("# Made by Briefing's Markdown export. A later export of the same file replaces\n"
                  "# only the files listed here; anything else in this folder is left alone.\n")
#: Image file stems are ours (letters, digits, hyphens); anything else could leave the folder.
_IMAGE_STEM = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
#: A file name's limit on nearly every disk (ext4, APFS, NTFS, tmpfs), in bytes.
NAME_MAX = 255
_PART_SUFFIX = ".part"
_PART_RANDOM = 8  # tempfile's random part: letters, digits and underscores, never a dot


class ExportError(Exception):
    """An export that could not be written; the message is for the user."""


# -- permissions ------------------------------------------------------------------------------
def _umask_from_proc() -> int | None:
    """The process umask as Linux reports it; reading it changes nothing (``os.umask`` must set
    one to read it, which would race with any other thread creating files)."""
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    return None


def _umask_at_import() -> int:
    found = _umask_from_proc()
    if found is not None:
        return found
    # No /proc: flip and restore once, at import, before any export thread exists.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK_AT_IMPORT = _umask_at_import()


def current_umask() -> int:
    found = _umask_from_proc()
    return _UMASK_AT_IMPORT if found is None else found


def new_file_mode() -> int:
    """The mode a new file gets, as any program creating it with ``open()`` would give it."""
    return 0o666 & ~current_umask()


# -- messages ---------------------------------------------------------------------------------
def images_folder(output: Path) -> Path:
    """Where a Markdown export's images go: beside it, named after it."""
    return output.with_name(f"{output.stem}_files")


def _shorten(text: str, keep: int = 40) -> str:
    return text if len(text) <= keep else f"{text[:keep]}\u2026"


def _too_long(exc: OSError, output: Path) -> str:
    named = exc.filename if isinstance(exc.filename, (str, bytes)) else None
    candidates = [output, *([Path(os.fsdecode(named))] if named else [])]
    for path in candidates:
        for part in path.parts:
            size = len(os.fsencode(part))
            if size > NAME_MAX:
                return (f"The name \u201c{_shorten(part)}\u201d is too long: it has {size} bytes, "
                        f"and a file or folder name can have at most {NAME_MAX} (letters "
                        "outside English take 2 to 4 bytes each). Choose a shorter name.")
    size = len(os.fsencode(str(output.absolute())))
    return (f"The path {_shorten(str(output))} is too long ({size} bytes) for this system; "
            "choose a shorter name or a folder nearer the top.")


def explain_os_error(exc: OSError, output: Path) -> str:
    if exc.errno == errno.ENOSPC:
        return f"There is not enough space on the disk to write {output}."
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"You do not have permission to write {output} (or its folder is read-only)."
    if exc.errno == errno.ENOENT:
        return f"The folder {output.parent} does not exist."
    if exc.errno == errno.EISDIR:
        return f"{output} is a folder; choose a file name."
    if exc.errno == errno.ENAMETOOLONG:
        return _too_long(exc, output)
    if exc.errno == errno.ENOTDIR:
        return f"{output.parent} is not a folder (a file has that name); choose another place."
    if exc.errno == errno.ELOOP:
        return f"{output} is a symbolic link that leads back to itself; choose a file name."
    return f"{output} could not be written: {exc.strerror or exc}."


def _kind_of(mode: int) -> str:
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    return "not an ordinary file"


# -- where to write ---------------------------------------------------------------------------
def check_output(output: Path) -> Path:
    """The ordinary file that writing ``output`` replaces: ``output`` itself, or the file a
    symbolic link there points to (an export writes through a link, as editors do, so the link
    stays a link). Folders, devices, pipes and sockets are refused by their ``stat`` alone:
    nothing here opens the path, so a FIFO cannot block and a device is never written."""
    output = Path(output)
    try:
        try:
            st: os.stat_result | None = os.lstat(output)
        except FileNotFoundError:
            st = None
        target = output
        if st is not None and stat.S_ISLNK(st.st_mode):
            target = Path(os.path.realpath(output))
            try:
                st = os.stat(target)
            except FileNotFoundError:
                st = None  # a link to a file not made yet: the export makes it
        if st is not None and stat.S_ISDIR(st.st_mode):
            raise ExportError(f"{output} is a folder; choose a file name.")
        if st is not None and not stat.S_ISREG(st.st_mode):
            raise ExportError(f"{output} is {_kind_of(st.st_mode)}, not an ordinary file; "
                              "Briefing writes only to files. Choose a file name.")
        try:
            folder = os.stat(target.parent)
        except FileNotFoundError:
            folder = None
        if folder is None or not stat.S_ISDIR(folder.st_mode):
            raise ExportError(f"The folder {target.parent} does not exist.")
    except OSError as exc:
        raise ExportError(explain_os_error(exc, output)) from exc
    return target


# -- temporary files --------------------------------------------------------------------------
def _part_prefix(name: str) -> str:
    """``.NAME.``, the start of a temporary file for the target ``NAME``; shortened (with ``~``)
    when the temporary name would exceed the limit that ``NAME`` itself still meets."""
    room = NAME_MAX - len(_PART_SUFFIX) - _PART_RANDOM - 2
    if len(os.fsencode(name)) <= room:
        return f".{name}."
    while len(os.fsencode(name)) > room - 1:
        name = name[:-1]
    return f".{name}~."


def _part_pattern(target: Path) -> re.Pattern[str]:
    return re.compile(re.escape(_part_prefix(target.name)) + r"[A-Za-z0-9_]+"
                      + re.escape(_PART_SUFFIX))


def _remove_stale_parts(target: Path) -> None:
    """Delete temporary files an interrupted export of ``target`` left (killed, power cut).
    One that another export is writing right now is locked by it, so only files that can be
    locked here are deleted. Cleaning never fails an export."""
    pattern = _part_pattern(target)
    try:
        with os.scandir(target.parent) as found:
            entries = [e for e in found if pattern.fullmatch(e.name)]
    except OSError:
        return
    for entry in entries:
        path = Path(entry.path)
        try:
            if not entry.is_file(follow_symlinks=False):
                continue
            if sys.platform == "win32":
                path.unlink()  # Windows refuses to delete a file another export holds open
                continue
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                if os.path.samestat(os.fstat(fd), os.lstat(path)):
                    path.unlink()
            finally:
                os.close(fd)
        except OSError:
            continue  # locked by a live export, or not ours to delete


def _locked_part(target: Path) -> tuple[int, Path]:
    """A new temporary file beside ``target``, locked for as long as it is open."""
    while True:
        fd, name = tempfile.mkstemp(prefix=_part_prefix(target.name), suffix=_PART_SUFFIX,
                                    dir=target.parent)
        tmp = Path(name)
        if sys.platform == "win32":
            return fd, tmp
        # Blocks only while a cleaner that took the file for stale is checking it.
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            if os.path.samestat(os.fstat(fd), os.lstat(tmp)):
                return fd, tmp
        except FileNotFoundError:
            pass
        os.close(fd)  # deleted by that cleaner between creating and locking: make another


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _write_behind(fd: int, pieces: Iterable[bytes]) -> None:
    """Write ``pieces`` to ``fd`` in order, each written by a thread while the next is made
    (the write runs without the interpreter lock: at 100,000 notes a twentieth of a Markdown
    export's time, now spent beside it). A failure to write stops the making and is raised
    here; a failure to make (a cancel) lets the pieces made so far be written, then is
    raised."""
    ready: queue.Queue[bytes | None] = queue.Queue(maxsize=2)  # (a few megabytes at most)
    failed: list[BaseException] = []

    def write() -> None:
        while (piece := ready.get()) is not None:
            if not failed:
                try:
                    _write_all(fd, piece)
                except BaseException as exc:  # raised by the caller, below
                    failed.append(exc)

    writer = threading.Thread(target=write, name="briefing-export-writer", daemon=True)
    writer.start()
    try:
        for piece in pieces:
            if failed:
                break
            ready.put(piece)
    finally:
        _end_writer(ready, writer)
    if failed:
        raise failed[0]


def _end_writer(ready: queue.Queue[bytes | None], writer: threading.Thread) -> None:
    """Send the writer its end and wait until it has written what it holds, whatever (Ctrl+C)
    interrupts the wait, which is then raised: the caller closes the file next, and a writer
    still running could write into whatever file is given that descriptor's number after."""
    interrupted: BaseException | None = None
    sent = False
    while writer.is_alive():
        try:
            if not sent:
                ready.put(None)
                sent = True
            writer.join()
        except BaseException as exc:  # (an interrupt: wait on, then raise it)
            interrupted = interrupted or exc
    if interrupted is not None:
        raise interrupted


class PendingFile:
    """``data`` (bytes, or pieces of them as they are made) written in full to a locked
    temporary file beside ``target``; ``commit()`` renames it into place, ``discard()``
    deletes it. Nothing at ``target`` changes before."""

    def __init__(self, target: Path, data: bytes | Iterable[bytes]):
        self.target = target
        self.renamed = False
        _remove_stale_parts(target)
        self._fd: int | None = None
        self._fd, self.tmp = _locked_part(target)
        try:
            if isinstance(data, bytes):
                _write_all(self._fd, data)
            else:
                _write_behind(self._fd, data)
            self._keep_mode()
            os.fsync(self._fd)
        except BaseException:
            self.discard()
            raise

    def _keep_mode(self) -> None:
        """An existing file keeps its mode (and, if allowed, owner); a new file gets the mode
        the umask gives (mkstemp made it 0600)."""
        assert self._fd is not None
        try:
            old: os.stat_result | None = os.stat(self.target)
        except FileNotFoundError:
            old = None
        if old is not None and not stat.S_ISREG(old.st_mode):
            old = None
        mode = new_file_mode() if old is None else stat.S_IMODE(old.st_mode)
        if sys.platform == "win32":
            os.chmod(self.tmp, mode)
            return
        if old is not None and (old.st_uid, old.st_gid) != (os.geteuid(), os.getegid()):
            with contextlib.suppress(OSError):  # not permitted: it becomes ours, as in editors
                os.fchown(self._fd, old.st_uid, old.st_gid)
        os.fchmod(self._fd, mode)

    def _close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def commit(self) -> None:
        # Checked again at the last moment: a rename replaces whatever entry is there.
        try:
            st = os.lstat(self.target)
        except FileNotFoundError:
            pass
        else:
            if not stat.S_ISREG(st.st_mode):
                raise ExportError(f"{self.target} is {_kind_of(st.st_mode)}, not an ordinary "
                                  "file; Briefing writes only to files.")
        if sys.platform == "win32":
            self._close()  # Windows cannot rename an open file
        # On POSIX the lock is held through the rename, so no cleaner takes the file.
        os.replace(self.tmp, self.target)
        self.renamed = True  # the temporary name is free now, perhaps another export's soon
        self._close()

    def discard(self) -> None:
        if not self.renamed:
            self.tmp.unlink(missing_ok=True)
        self._close()


def write_atomic(output: Path, data: bytes | Iterable[bytes]) -> None:
    """Replace the ordinary file ``output`` names (see ``check_output``) with ``data``, whole."""
    pending = PendingFile(check_output(output), data)
    try:
        pending.commit()
    except BaseException:
        pending.discard()
        raise


# -- a Markdown export's images folder --------------------------------------------------------
def _read_marker(folder: Path) -> set[str] | None:
    """The names an earlier export wrote in ``folder``, or None if Briefing did not make it."""
    marker = folder / MARKER
    try:
        st = os.lstat(marker)
    except FileNotFoundError:
        return None
    if not stat.S_ISREG(st.st_mode):
        return None
    text = marker.read_text(encoding="utf-8", errors="replace")
    return {line.strip() for line in text.splitlines()
            if line.strip() and not line.startswith("#")}


def _marker_text(names: set[str]) -> bytes:
    return (_MARKER_HEADER + "".join(f"{n}\n" for n in sorted(names))).encode("utf-8")


def _not_ours(folder: Path) -> ExportError:
    return ExportError(
        f"The folder {folder} already exists and was not made by Briefing; a Markdown export "
        "puts its charts there and leaves other people's files alone, so nothing was written. "
        "Choose another file name or move the folder (one made by an earlier version of "
        "Briefing, which did not mark its folders, needs moving or deleting once).")


class PendingImages:
    """A Markdown export's charts, written to temporary names in their folder; ``commit()``
    renames them into place, ``discard()`` undoes everything this export did there."""

    def __init__(self, folder: Path, created: bool, listed: set[str],
                 pending: list[PendingFile], marker: PendingFile | None):
        self.folder = folder
        self.created = created  # this export made the folder (and so may remove it)
        self.listed = listed  # names the marker listed before this export
        self.pending = pending
        self.marker = marker
        self.committed: list[Path] = []

    def commit(self) -> None:
        if self.marker is not None:  # listed first: a kill after a rename leaves no stranger
            self.marker.commit()
        for part in self.pending:
            part.commit()
            self.committed.append(part.target)

    def discard(self) -> None:
        for part in self.pending:
            part.discard()
        if self.marker is not None:
            self.marker.discard()
        for path in self.committed:
            # Only files that did not exist before; one this export replaced cannot come back.
            if self.created or path.name not in self.listed:
                path.unlink(missing_ok=True)
        if self.created:
            (self.folder / MARKER).unlink(missing_ok=True)
            with contextlib.suppress(OSError):  # only if empty: a file added meanwhile stays
                self.folder.rmdir()


def write_images(doc: Document, folder: Path) -> PendingImages:
    """Write the Markdown export's SVG charts into ``folder`` under temporary names. The folder
    is the export's only if it made it (and marked it); in a marked folder only files the marker
    lists are replaced, and in any other folder nothing is written."""
    images = doc.images()
    names = [f"{image.name}.svg" for image in images]
    for image in images:
        target = (folder / f"{image.name}.svg").resolve()
        if not _IMAGE_STEM.fullmatch(image.name) or target.parent != folder.resolve():
            raise ExportError(f"refusing to write image {image.name!r} outside {folder}")
    try:
        st = os.stat(folder)  # a link to a folder is that folder
    except FileNotFoundError:
        st = None
    created = False
    listed: set[str] = set()
    if st is None:
        try:
            os.mkdir(folder, 0o777)  # less the umask, as for any new folder
            created = True
        except FileExistsError:
            pass  # made a moment ago by someone else: ours only if marked
    elif not stat.S_ISDIR(st.st_mode):
        raise ExportError(f"{folder} already exists and is not a folder; a Markdown export "
                          "puts its charts there. Choose another file name or move it.")
    if created:
        # Marked before anything else is written, so an export killed from here on still
        # owns the folder next time.
        try:
            write_atomic(folder / MARKER, _marker_text(set(names)))
        except BaseException:
            with contextlib.suppress(OSError):
                folder.rmdir()
            raise
    else:
        found = _read_marker(folder)
        if found is None:
            raise _not_ours(folder)
        listed = found
        for name in names:
            try:
                entry = os.lstat(folder / name)
            except FileNotFoundError:
                continue
            if name not in listed or not stat.S_ISREG(entry.st_mode):
                raise ExportError(
                    f"{folder / name} was not written by Briefing, and a Markdown export "
                    "would replace it; nothing was written. Move it or choose another file "
                    "name.")
    result = PendingImages(folder, created, listed, [], None)
    try:
        for image, name in zip(images, names, strict=True):
            result.pending.append(PendingFile(folder / name, image.svg.encode("utf-8")))
        if not created and not set(names) <= listed:
            result.marker = PendingFile(folder / MARKER, _marker_text(listed | set(names)))
    except BaseException:
        result.discard()
        raise
    return result
