"""Write the manual page briefing-app(1), in roff, from the command line's own parser.

Usage: PYTHON packaging/manpage.py [OUTPUT]     (default: standard output)

Every command and nested command (each argparse ``_SubParsersAction`` is walked) gets a
section with its synopsis, description, arguments and options, so the page cannot fall behind
``briefing_app.cli.build_parser()``. The date is the version's release date in CHANGELOG.md,
so the page is the same on every build. argparse-manpage (PyPI) walks nested sub-parsers too,
but would be one more build dependency, and its page needs fixing after it: raw usage
blocks, and non-ASCII help text passed through (``groff -ww`` warns).
"""

from __future__ import annotations

import argparse
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from release import release_date  # noqa: E402  (packaging/release.py)

from briefing_app import cli, paths  # noqa: E402
from briefing_app.store.workspace import WORKSPACE_FILE  # noqa: E402


def esc(text: str) -> str:
    """Text for a roff line: backslashes, minus signs and non-ASCII characters escaped."""
    text = text.replace("\\", "\\e").replace("-", "\\-")
    return "".join(c if ord(c) < 128 else f"\\[u{ord(c):04X}]" for c in text)


def breakable(text: str) -> str:
    """Escaped text that may break after a comma or slash with no space after it: choice
    lists ({a,b,c}) and paths are long words."""
    return re.sub(r"([,/])(?=\S)", r"\1\\:", esc(text))


def lines(text: str) -> list[str]:
    """Roff lines for text, none starting with a control character (. or ')."""
    return [("\\&" + line if line.startswith((".", "'")) else line)
            for line in (breakable(x.strip()) for x in text.splitlines())]


def paragraphs(text: str, raw: bool) -> list[str]:
    """Help text as paragraphs; a RawDescriptionHelpFormatter's text keeps its lines."""
    out: list[str] = []
    for block in [b for b in text.strip().split("\n\n") if b.strip()]:
        out.append(".PP")
        # Laid-out text keeps its lines; a line too long for a terminal is prose (an example).
        if raw and all(len(x) <= 80 for x in block.splitlines()):
            out += [".nf", *[("\\&" + x if x.startswith((".", "'")) else x)
                             for x in (esc(y.rstrip()) for y in block.splitlines())], ".fi"]
        else:
            out += lines(" ".join(block.split()))
    return out


def formatter(parser: argparse.ArgumentParser) -> argparse.HelpFormatter:
    return argparse.HelpFormatter(parser.prog, width=10_000)  # one line: roff fills it


def synopsis(parser: argparse.ArgumentParser) -> str:
    fmt = formatter(parser)
    fmt.add_usage(parser.usage, parser._actions, parser._mutually_exclusive_groups, prefix="")
    usage = " ".join(fmt.format_help().split())
    return f"\\fB{esc(parser.prog)}\\fR{breakable(usage[len(parser.prog):])}"


def options(parser: argparse.ArgumentParser, top: bool) -> list[str]:
    fmt = formatter(parser)
    out: list[str] = []
    for group in parser._action_groups:
        shown = [a for a in group._group_actions if a.help != argparse.SUPPRESS
                 and (top or not isinstance(a, argparse._HelpAction))]
        if not shown:
            continue
        title = group.title or ""
        if all(isinstance(a, argparse._SubParsersAction) for a in shown):
            title = "commands"
        out += [".PP", f"\\fI{esc(title)}\\fR:"] if title else []
        for action in shown:
            if isinstance(action, argparse._SubParsersAction):  # the list of its commands
                for choice in action._choices_actions:
                    out += [".TP", f"\\fB{esc(choice.dest)}\\fR",
                            *lines(" ".join((choice.help or "").split()))]
                continue
            out += [".TP", f"\\fB{breakable(fmt._format_action_invocation(action))}\\fR"]
            out += lines(" ".join(fmt._expand_help(action).split()) if action.help else "")
    return out


def commands(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    """The parser of each command and nested command, depth first."""
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                found += [sub, *commands(sub)]
    return found


def page(parser: argparse.ArgumentParser, version: str, date: str, summary: str) -> str:
    raw = argparse.RawDescriptionHelpFormatter
    out = [f'.TH BRIEFING\\-APP 1 "{date}" "{esc(cli.PROG)} {version}" "User Commands"',
           ".nh", ".ad l",  # no hyphenation (of option and variable names), ragged right
           ".SH NAME", f"{esc(cli.PROG)} \\- {esc(summary)}",
           ".SH SYNOPSIS", synopsis(parser), ".SH DESCRIPTION",
           *paragraphs(parser.description or "", False), *paragraphs(parser.epilog or "", False),
           ".PP", "Every command takes \\fB\\-h\\fR, \\fB\\-\\-help\\fR for its own options.",
           ".SH OPTIONS", *options(parser, top=True), ".SH COMMANDS"]
    for sub in commands(parser):
        out += [f'.SS "{esc(sub.prog)}"', synopsis(sub)]
        is_raw = isinstance(sub._get_formatter(), raw)
        out += paragraphs(sub.description or "", is_raw)
        out += options(sub, top=False)
        if sub.epilog:
            out += paragraphs(sub.epilog, is_raw)
    data = f"$XDG_DATA_HOME/{paths.APP_NAME}"
    out += [
        ".SH ENVIRONMENT",
        ".TP", f"\\fB{paths.WORKSPACE_ENV}\\fR",
        *lines("The workspace folder (as --workspace): your notes, checklist values, own "
               f"sources, items and grades. Default: {data}, that is ~/.local/share/"
               f"{paths.APP_NAME}."),
        ".TP", f"\\fB{paths.DATABASE_ENV}\\fR",
        *lines("The briefing database to read (as --database). Default: the one installed "
               "with the application."),
        ".TP", f"\\fB{paths.CACHE_ENV}\\fR",
        *lines(f"Where the application keeps what it can recompute. Default: "
               f"$XDG_CACHE_HOME/{paths.APP_NAME}, that is ~/.cache/{paths.APP_NAME}."),
        ".SH FILES",
        ".TP", f"\\fI{breakable(data)}/{esc(WORKSPACE_FILE)}\\fR",
        *lines("Your workspace (SQLite). Upgrading or removing the package never touches it; "
               "a workspace written by an older release is upgraded when it is opened."),
        ".TP", f"\\fI{breakable('$XDG_CONFIG_HOME/Briefing/briefing-app.conf')}\\fR",
        *lines("The window's layout (size, splitters, columns) and the export dialog's last "
               "choices."),
    ]
    return "\n".join(out) + "\n"


def main(argv: list[str]) -> int:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    version = project["version"]
    text = page(cli.build_parser(), version, release_date(version), project["description"])
    if argv:
        Path(argv[0]).write_text(text, encoding="ascii")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
