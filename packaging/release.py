"""What the packages take from the project: version and maintainer (pyproject.toml), each
release's date and notes (CHANGELOG.md), and the Debian changelog made from them.

Usage: PYTHON packaging/release.py version | maintainer | date [VERSION] | debian-changelog OUT

``date`` is the release date of VERSION (default: the project's version) in CHANGELOG.md, and
fails if CHANGELOG.md has no entry for it: a version is not packaged before its notes are
written. ``debian-changelog`` writes every release of CHANGELOG.md in Debian's changelog
format (build_deb.sh compresses it with ``gzip -9n``); it is the same for the same
CHANGELOG.md, so the package is reproducible.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import sys
import textwrap
import tomllib
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parents[1]
CHANGELOG = ROOT / "CHANGELOG.md"
PACKAGE = "briefing-app"
_HEADING = re.compile(r"^## \[(?P<version>[^\]]+)\](?: - (?P<date>\d{4}-\d{2}-\d{2}))?\s*$")


class Release(NamedTuple):
    version: str
    date: str
    #: (heading, items) in the order written: ("Added", ["...", ...]), ...
    sections: list[tuple[str, list[str]]]


def project() -> dict[str, object]:
    with (ROOT / "pyproject.toml").open("rb") as fh:
        return dict(tomllib.load(fh)["project"])


def version() -> str:
    return str(project()["version"])


def maintainer() -> str:
    """``Name <email>``: the first of pyproject.toml's maintainers."""
    people = project().get("maintainers") or []
    assert isinstance(people, list)
    if not people or "email" not in people[0]:
        raise SystemExit("pyproject.toml names no maintainer with an e-mail address "
                         "([project] maintainers); the .deb needs one")
    return f"{people[0]['name']} <{people[0]['email']}>"


def releases(path: Path = CHANGELOG) -> list[Release]:
    """The released versions of a Keep a Changelog file, newest first ([Unreleased] is not
    one). ValueError if a release has no date, no notes, or is out of order."""
    found: list[Release] = []
    in_item = False  # an indented line continues the item above it
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith("## "):
            m = _HEADING.match(line)
            if m is None:
                raise ValueError(f"{path.name}:{number}: not a release heading: {line!r}")
            if m["version"].lower() == "unreleased":
                found.append(Release("", "", []))  # its items are collected, then dropped
            elif not m["date"]:
                raise ValueError(f"{path.name}:{number}: release {m['version']} has no date")
            else:
                dt.date.fromisoformat(m["date"])
                found.append(Release(m["version"], m["date"], []))
            in_item = False
        elif line.startswith("### ") and found:
            found[-1].sections.append((line[4:].strip(), []))
            in_item = False
        elif line.startswith("- ") and found and found[-1].sections:
            found[-1].sections[-1][1].append(line[2:].strip())
            in_item = True
        elif line.startswith("  ") and line.strip() and in_item:
            items = found[-1].sections[-1][1]
            items[-1] = f"{items[-1]} {line.strip()}"
        elif line.strip():
            in_item = False
    out = [r for r in found if r.version]
    for newer, older in itertools.pairwise(out):
        if _key(newer.version) <= _key(older.version) or newer.date < older.date:
            raise ValueError(f"{path.name}: {newer.version} ({newer.date}) must be newer than "
                             f"{older.version} ({older.date}), which follows it")
    for r in out:
        if not any(items for _heading, items in r.sections):
            raise ValueError(f"{path.name}: release {r.version} lists no changes")
    return out


def _key(v: str) -> tuple[int, ...]:
    return tuple(int(x) for x in re.findall(r"\d+", v))


def release_date(of: str) -> str:
    for r in releases():
        if r.version == of:
            return r.date
    raise SystemExit(f"CHANGELOG.md has no entry for {of}: add its release notes "
                     f"(## [{of}] - YYYY-MM-DD) before packaging it")


def plain(markdown: str) -> str:
    """A changelog item without Markdown: links to their text, no code or emphasis marks."""
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", markdown)
    return re.sub(r"`|\*\*|(?<!\w)_(?=\w)|(?<=\w)_(?!\w)", "", text)


def debian_changelog(all_releases: list[Release], who: str) -> str:
    """Debian's changelog format (deb-changelog(5)); lines at most 80 characters."""
    entries = []
    for r in all_releases:
        body = []
        for heading, items in r.sections:
            if not items:
                continue
            body.append(f"  * {heading}:")
            for item in items:
                body += textwrap.wrap(plain(item), 78, initial_indent="    - ",
                                      subsequent_indent="      ", break_on_hyphens=False)
        when = dt.datetime.fromisoformat(r.date).replace(tzinfo=dt.UTC)
        stamp = when.strftime("%a, %d %b %Y %H:%M:%S +0000")
        entries.append(f"{PACKAGE} ({r.version}) unstable; urgency=medium\n\n"
                       + "\n".join(body) + f"\n\n -- {who}  {stamp}\n")
    return "\n".join(entries)


def main(argv: list[str]) -> int:
    match argv:
        case ["version"]:
            print(version())
        case ["maintainer"]:
            print(maintainer())
        case ["date"]:
            print(release_date(version()))
        case ["date", of]:
            print(release_date(of))
        case ["debian-changelog", out]:
            release_date(version())  # the version being packaged has its notes
            Path(out).write_text(debian_changelog(releases(), maintainer()), encoding="utf-8")
        case _:
            print(__doc__, file=sys.stderr)
            return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
