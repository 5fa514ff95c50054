"""The bundled database is trusted only when it matches the checksum the build wrote beside it:
a record changed with SQL, a table added, bytes replaced in place or damaged pages are refused
at start-up in words, with how to repair the installation."""

from __future__ import annotations

import random
import shutil
import sqlite3
from pathlib import Path

import pytest

from briefing_app.paths import bundled_database, checksum_file
from briefing_app.store import integrity
from briefing_app.store.briefing import BriefingStore, BundledDataError

from .conftest import run_cli


def _copy(tmp_path: Path) -> Path:
    db = tmp_path / "briefing.db"
    shutil.copyfile(bundled_database(), db)
    shutil.copyfile(checksum_file(bundled_database()), checksum_file(db))
    return db


def _sql_edit(db: Path) -> None:
    conn = sqlite3.connect(db)
    conn.execute("UPDATE risks SET title = 'No security risk' WHERE seq = 1")
    conn.commit()
    conn.close()


def _extra_table(db: Path) -> None:
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE planted (x)")
    conn.commit()
    conn.close()


def _same_size_bytes(db: Path) -> None:
    data = db.read_bytes()
    old, new = b"Insurgent violence", b"No security risk!!"
    assert len(old) == len(new) and old in data
    db.write_bytes(data.replace(old, new, 1))


@pytest.mark.parametrize("tamper", [_sql_edit, _extra_table, _same_size_bytes],
                         ids=["sql-edit", "extra-table", "bytes-in-place"])
def test_a_changed_database_is_refused_in_words(tmp_path: Path, tamper) -> None:  # type: ignore[no-untyped-def]
    db = _copy(tmp_path)
    tamper(db)
    for args in (["items"], ["gui", "--smoke"], ["export", "--output", str(tmp_path / "x.md")]):
        result = run_cli(*args, "--database", str(db))
        assert result.returncode == 1, (args, result.stdout)
        assert "cannot be trusted" in result.stderr and "Reinstall Briefing" in result.stderr
        assert "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "x.md").exists()


def test_damaged_pages_are_refused_before_anything_is_shown(tmp_path: Path) -> None:
    rnd = random.Random(11)
    page = 4096
    for n in range(6):
        copy = tmp_path / f"copy{n}"
        copy.mkdir()
        db = _copy(copy)
        data = bytearray(db.read_bytes())
        at = rnd.randrange(1, len(data) // page) * page
        data[at:at + page] = rnd.randbytes(page)
        db.write_bytes(bytes(data))
        with pytest.raises(BundledDataError, match="cannot be trusted"):
            BriefingStore(db)


def test_a_missing_checksum_is_a_damaged_installation(tmp_path: Path) -> None:
    db = _copy(tmp_path)
    checksum_file(db).unlink()
    with pytest.raises(BundledDataError, match=r"checksum file briefing\.db\.sha256 is missing"):
        BriefingStore(db)


def test_a_verified_file_version_is_not_hashed_again(tmp_path: Path) -> None:
    db = _copy(tmp_path)
    cache = tmp_path / "cache"
    assert integrity.verify(db, cache) is True  # hashed
    assert integrity.verify(db, cache) is False  # remembered: same file version
    _sql_edit(db)  # a new version of the file: hashed again, and refused
    with pytest.raises(integrity.ChecksumError):
        integrity.verify(db, cache)


def test_a_smoke_run_uses_a_named_cache_and_otherwise_leaves_none(tmp_path: Path) -> None:
    # Named (as the start-up benchmark names one, to measure a normal start): the verified
    # checksum is kept there and read on the next run.
    named = tmp_path / "named-cache"
    for _ in range(2):
        result = run_cli("gui", "--smoke", env={"BRIEFING_APP_CACHE": str(named)})
        assert result.returncode == 0, result.stderr
    assert str(bundled_database()) in (named / integrity.CACHE_FILE).read_text(encoding="utf-8")
    # Not named (an empty value is none): a scratch cache, deleted on exit; the user's cache
    # folder is not touched.
    result = run_cli("gui", "--smoke", env={"BRIEFING_APP_CACHE": "",
                                            "XDG_CACHE_HOME": str(tmp_path / "user-cache")})
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "user-cache").exists()


def test_the_shipped_checksum_matches_the_shipped_database() -> None:
    db = bundled_database()
    assert integrity.expected_digest(db) == integrity.file_digest(db)


def test_a_folder_given_as_the_database_is_said_to_be_a_folder(tmp_path: Path) -> None:
    result = run_cli("items", "--database", str(tmp_path))
    assert result.returncode == 1
    assert "is a folder, not a briefing database" in result.stderr


def test_a_page_damaged_after_start_up_is_a_plain_sentence(monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    """The file passed its check at start-up, then a read fails (it was damaged meanwhile):
    the command says what happened and how to repair, never "unexpected error"."""
    import sqlite3

    from briefing_app import cli

    def damaged(self, *_a):  # type: ignore[no-untyped-def]
        raise sqlite3.DatabaseError("database disk image is malformed")

    monkeypatch.setattr(BriefingStore, "items", damaged)
    assert cli.main(["items"]) == 1
    err = capsys.readouterr().err
    assert "could not be read" in err and "reinstall briefing" in err.lower()
    assert "unexpected error" not in err and len(err.strip().splitlines()) == 1
