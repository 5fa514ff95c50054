"""The briefing database is exactly what the build wrote: checked against the SHA-256 the build
put beside it, before anything from it is shown.

A record changed with SQL, a table added or bytes replaced in place can still pass SQLite's own
checks; the checksum does not. Hashing the shipped database takes about a millisecond, a
hundred-times-larger one tens of milliseconds, so a verified file version (path, size, inode,
modification and change times) is remembered in the user's cache folder and not hashed again
until it changes.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..paths import checksum_file

# One "file version<TAB>digest" line per verified file version: read before the first paint,
# so plain text (json and hashlib cost more to import than the check itself).
CACHE_FILE = "verified-databases.txt"
CACHE_ENTRIES = 16


class ChecksumError(Exception):
    """The database does not match its checksum, or the checksum is missing or unreadable."""


def expected_digest(database: Path) -> str:
    """The SHA-256 the build recorded for ``database``."""
    path = checksum_file(database)
    try:
        words = path.read_text(encoding="ascii").split()
    except FileNotFoundError:
        raise ChecksumError(f"its checksum file {path.name} is missing") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ChecksumError(f"its checksum file {path.name} cannot be read ({exc})") from None
    digest = words[0].lower() if words else ""
    if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
        raise ChecksumError(f"its checksum file {path.name} holds no SHA-256")
    return digest


def file_digest(path: Path) -> str:
    import hashlib  # only when a file version is hashed, not on every start

    h = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def _version_key(path: Path) -> str:
    st = path.stat()
    return f"{path.resolve()}|{st.st_size}|{st.st_ino}|{st.st_mtime_ns}|{st.st_ctime_ns}"


def _load_cache(cache: Path) -> dict[str, str]:
    try:
        text = (cache / CACHE_FILE).read_text(encoding="utf-8")
    except (OSError, ValueError):
        return {}
    entries = {}
    for line in text.splitlines():
        key, tab, digest = line.rpartition("\t")
        if tab and key:
            entries[key] = digest
    return entries


def _save_cache(cache: Path, entries: dict[str, str]) -> None:
    """Best effort: a cache that cannot be written only means hashing again next time."""
    try:
        cache.mkdir(parents=True, exist_ok=True)
        tmp = cache / f".{CACHE_FILE}.{os.getpid()}.tmp"
        # (a path holding a tab or a line break is not cached: it is hashed each time)
        lines = [f"{k}\t{v}\n" for k, v in sorted(entries.items())
                 if "\n" not in k and "\r" not in k and "\t" not in k]
        tmp.write_text("".join(lines), encoding="utf-8")
        os.replace(tmp, cache / CACHE_FILE)
    except OSError:
        pass


def verify(database: Path, cache: Path | None = None) -> bool:
    """Raise ChecksumError unless ``database`` matches its checksum; returns True when the
    file was hashed, False when this very file version was verified before (``cache``)."""
    expected = expected_digest(database)
    key = _version_key(database)
    entries = _load_cache(cache) if cache is not None else {}
    if entries.get(key) == expected:
        return False
    actual = file_digest(database)
    if actual != expected:
        raise ChecksumError(f"its contents do not match its checksum "
                            f"({checksum_file(database).name}): it was changed or damaged "
                            "after it was built")
    if cache is not None:
        entries.pop(key, None)
        entries[key] = expected
        _save_cache(cache, dict(list(entries.items())[-CACHE_ENTRIES:]))
    return True
