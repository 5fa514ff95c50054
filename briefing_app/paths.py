"""Where the bundled data and the user's own workspace live.

The bundled files are package data (``briefing_app.resources``), found with importlib.resources
so they work from a checkout, an installed wheel and a frozen bundle alike. The workspace comes
from platformdirs, overridable for tests and portable use.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "briefing-app"
DATABASE_ENV = "BRIEFING_APP_DATABASE"
WORKSPACE_ENV = "BRIEFING_APP_WORKSPACE"
CACHE_ENV = "BRIEFING_APP_CACHE"


def resources_dir() -> Path:
    """The folder holding sources, records, map data, icons and the built database.

    ``briefing_app.resources`` is a regular package, so its folder is where its ``__init__``
    is, in a checkout, an installed wheel and a frozen bundle alike; this is what
    ``importlib.resources.files()`` would return, without importing that machinery at start-up.
    """
    import importlib

    # (imported by name: the package is mapped from the top-level resources/ folder)
    resources = importlib.import_module("briefing_app.resources")
    return Path(str(resources.__file__)).resolve().parent


def bundled_database(override: str | os.PathLike[str] | None = None) -> Path:
    """The briefing database: ``override``, else $BRIEFING_APP_DATABASE, else the bundled one."""
    if override:
        return Path(override)
    if env := os.environ.get(DATABASE_ENV):
        return Path(env)
    return resources_dir() / "briefing.db"


def workspace_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The user's workspace folder: ``override``, else $BRIEFING_APP_WORKSPACE, else the
    platform's user data folder."""
    if override:
        return Path(override)
    if env := os.environ.get(WORKSPACE_ENV):
        return Path(env)
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


def checksum_file(database: Path) -> Path:
    """Where a briefing database's SHA-256 is kept: beside it, as ``NAME.sha256`` (in the
    format of ``sha256sum``), written by the build and checked by the store."""
    return database.with_name(database.name + ".sha256")


def cache_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """Where the app may keep what it can recompute (the database checksum it verified):
    ``override``, else $BRIEFING_APP_CACHE, else the platform's user cache folder."""
    if override:
        return Path(override)
    if env := os.environ.get(CACHE_ENV):
        return Path(env)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir(APP_NAME, appauthor=False))


def fonts_dir() -> Path:
    """The fonts the exports typeset with (see resources/fonts/SOURCES.md)."""
    return resources_dir() / "fonts"


def templates_dir() -> Path:
    """The export templates (the PDF's Typst template)."""
    return resources_dir() / "templates"


def icon_path(name: str = "briefing-app.svg") -> Path:
    return resources_dir() / "icons" / name
