"""Command line entry point: ``briefing-app [COMMAND]``; with no command it opens the window.

Thin wrappers only: each command parses its options and calls the layer that does the work.
Qt is imported only by the command that opens a window.
"""

from __future__ import annotations

import time

_T0 = time.perf_counter()

import argparse  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
from collections.abc import Callable, Sequence  # noqa: E402
from pathlib import Path  # noqa: E402

from . import __version__  # noqa: E402
from .domain import ITEM_KINDS  # noqa: E402

PROG = "briefing-app"


class CommandError(Exception):
    """A user-facing failure: printed as one line on stderr, with an exit status."""

    def __init__(self, message: str, status: int = 1):
        super().__init__(message)
        self.status = status


def _err(message: str) -> None:
    print(f"{PROG}: {message}", file=sys.stderr)


# -- commands ---------------------------------------------------------------------------------
def cmd_build_db(args: argparse.Namespace) -> int:
    """Build the bundled database from resources/ (sources, records, map data)."""
    import tempfile

    from .build.database import build_database, compare_databases
    from .build.inputs import BuildError
    from .paths import resources_dir

    resources = Path(args.resources) if args.resources else resources_dir()
    output = Path(args.output) if args.output else resources / "briefing.db"
    started = time.perf_counter()
    try:
        if args.check:
            with tempfile.TemporaryDirectory() as tmp:
                fresh = Path(tmp) / "briefing.db"
                build_database(resources, fresh)
                diffs = compare_databases(output, fresh)
            if diffs:
                _err(f"{output} is stale; run `{PROG} build-db` and commit the result:")
                for d in diffs:
                    print(f"  {d}", file=sys.stderr)
                return 1
            print(f"{output} is up to date")
            return 0
        report = build_database(resources, output)
    except BuildError as exc:
        _err(f"build failed, {len(exc.problems)} problem(s); {output} was left untouched:")
        for problem in exc.problems:
            print(str(problem), file=sys.stderr)
        return 2
    except OSError as exc:
        raise CommandError(f"cannot write {output}: {exc.strerror or exc}") from exc
    counts = ", ".join(f"{n} {k}" for k, n in sorted(report.counts.items()))
    print(f"built {report.path} ({report.size / 1024:.0f} KB) in "
          f"{(time.perf_counter() - started) * 1000:.0f} ms: {counts}")
    return 0


def _open_store(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from .paths import bundled_database
    from .store.briefing import BriefingStore, BundledDataError

    try:
        return BriefingStore(bundled_database(getattr(args, "database", None)))
    except BundledDataError as exc:
        raise CommandError(str(exc)) from exc


def cmd_items(args: argparse.Namespace) -> int:
    """List every item a user can annotate, as KIND:ID<TAB>title."""
    store = _open_store(args)
    for item in store.items(args.kind):
        title = " ".join(item.title.split())
        print(f"{item.ref}\t{title}")
    return 0


def cmd_gui(args: argparse.Namespace) -> int:
    """Open the briefing window."""
    from .ui.app import run

    return run(args, started=_T0)


# -- parser -----------------------------------------------------------------------------------
def _add_data_options(p: argparse.ArgumentParser, workspace: bool = True) -> None:
    p.add_argument("--database", metavar="FILE",
                   help="briefing database to read (default: the bundled one; "
                        "env BRIEFING_APP_DATABASE)")
    if workspace:
        p.add_argument("--workspace", metavar="DIR",
                       help="folder for your notes and assessments (default: your user data "
                            "folder; env BRIEFING_APP_WORKSPACE)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Offline briefing: the US push for a critical-minerals partnership with "
                    "Pakistan to counter China's dominance of mineral supply chains.",
        epilog=f"With no command, opens the window. Example: {PROG} items --kind event",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands: dict[str, Callable[[argparse.Namespace], int]] = {}

    def add(name: str, func: Callable[[argparse.Namespace], int], example: str,
            ) -> argparse.ArgumentParser:
        doc = (func.__doc__ or "").strip()
        p = sub.add_parser(name, help=doc, description=doc,
                           epilog=f"Example: {PROG} {example}")
        p.set_defaults(func=func)
        commands[name] = func
        return p

    p = add("gui", cmd_gui, "gui --workspace ~/briefing-work")
    _add_data_options(p)
    p.add_argument("--smoke", action="store_true",
                   help="open the window, print the time to its first paint, and exit")

    p = add("build-db", cmd_build_db, "build-db --check")
    p.add_argument("--check", action="store_true",
                   help="build to a temporary file and exit 1, saying what differs, if the "
                        "shipped database is stale")
    p.add_argument("--resources", metavar="DIR",
                   help="folder with sources/, records/ and map/ (default: the bundled one)")
    p.add_argument("--output", metavar="FILE",
                   help="database file to write or check (default: briefing.db in the "
                        "resources folder)")

    p = add("items", cmd_items, "items --kind risk")
    p.add_argument("--kind", choices=ITEM_KINDS, help="list only items of this kind")
    _add_data_options(p, workspace=False)

    parser.set_defaults(func=cmd_gui, smoke=False, database=None, workspace=None)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except CommandError as exc:
        _err(str(exc))
        return exc.status
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # Output piped into a command that stopped reading (e.g. `| head`): not an error.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except Exception as exc:  # last resort: one line, never a traceback, unless debugging
        if os.environ.get("BRIEFING_APP_DEBUG"):
            raise
        _err(f"unexpected error: {type(exc).__name__}: {exc} "
             "(set BRIEFING_APP_DEBUG=1 for details)")
        return 1


if __name__ == "__main__":
    sys.exit(main())
