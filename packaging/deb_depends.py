"""Derive the Debian `Depends` of a bundle from the system libraries its ELF files link to.

Usage: python3 packaging/deb_depends.py BUNDLE_DIR [--explain]

Every shared library an ELF file in BUNDLE_DIR needs (DT_NEEDED) and that the bundle does not
carry itself is resolved with ldd and mapped to its Debian package with `dpkg -S`. Where the
package ships a symbols file, the highest symbol version the bundle uses (GLIBC_2.28,
GLIBCXX_3.4.29, ...) gives the minimum package version, as dpkg-shlibdeps would. Only direct
dependencies are listed: what those libraries need in turn comes with their own packages.

Prints the Depends value on stdout (with --explain, also which files need which library, on
stderr). Exits 1, naming the library, if a needed library is not installed on this machine:
the Depends list cannot be derived without it.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

ELF_MAGIC = b"\x7fELF"


def elf_files(root: Path) -> list[Path]:
    found = []
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as fh:
                if fh.read(4) == ELF_MAGIC:
                    found.append(path)
    return found


def needed(path: Path) -> list[str]:
    out = subprocess.run(["objdump", "-p", str(path)], capture_output=True, text=True,
                         check=True).stdout
    return re.findall(r"^\s*NEEDED\s+(\S+)", out, flags=re.M)


def symbol_versions(path: Path) -> dict[str, set[str]]:
    """Version tags of the undefined dynamic symbols, by the library that defines them."""
    out = subprocess.run(["objdump", "-p", str(path)], capture_output=True, text=True,
                         check=True).stdout
    # "Version References:" lists, per needed library, the version nodes used from it.
    versions: dict[str, set[str]] = defaultdict(set)
    current = None
    in_refs = False
    for line in out.splitlines():
        if line.startswith("Version References:"):
            in_refs = True
            continue
        if in_refs:
            if m := re.match(r"\s+required from (\S+):", line):
                current = m.group(1)
            elif (m := re.match(r"\s+0x[0-9a-f]+ 0x[0-9a-f]+ \d+ (\S+)", line)) and current:
                versions[current].add(m.group(1))
            elif line.strip() == "":
                in_refs = False
    return versions


def resolve(path: Path, lib_dirs: list[Path]) -> dict[str, str | None]:
    """soname -> path, as the dynamic loader finds it for this file (None: not found)."""
    env = dict(os.environ, LD_LIBRARY_PATH=":".join(map(str, lib_dirs)))
    out = subprocess.run(["ldd", str(path)], capture_output=True, text=True, env=env).stdout
    result: dict[str, str | None] = {}
    for line in out.splitlines():
        if m := re.match(r"\s*(\S+) => (\S+)", line):
            result[m.group(1)] = None if m.group(2) == "not" else m.group(2)
        elif m := re.match(r"\s*(/\S+) \(0x", line):  # the loader itself, by absolute path
            result[Path(m.group(1)).name] = m.group(1)
    return result


def owning_package(lib_path: str) -> str | None:
    real = os.path.realpath(lib_path)
    candidates = [lib_path, real]
    for p in (lib_path, real):  # merged /usr: dpkg may know either spelling
        candidates.append(p[4:] if p.startswith("/usr/") else "/usr" + p)
    for candidate in candidates:
        proc = subprocess.run(["dpkg-query", "-S", candidate], capture_output=True, text=True)
        for line in proc.stdout.splitlines():
            if line.startswith("diversion "):
                continue
            package = line.split(":", 1)[0].split(",")[0].strip()
            return package
    return None


def min_version(package: str, version_nodes: set[str]) -> str | None:
    """The lowest package version providing every version node, from its symbols file."""
    arch = subprocess.run(["dpkg", "--print-architecture"], capture_output=True, text=True,
                          check=True).stdout.strip()
    info = Path("/var/lib/dpkg/info")
    symbols = next((p for p in (info / f"{package}:{arch}.symbols", info / f"{package}.symbols")
                    if p.exists()), None)
    if symbols is None or not version_nodes:
        return None
    best = None
    for line in symbols.read_text(encoding="utf-8", errors="replace").splitlines():
        # " GLIBC_2.28@GLIBC_2.28 2.28": the version node itself, with the first version having it
        m = re.match(r"\s+(\S+)@(\S+) (\S+)", line)
        if m and m.group(1) == m.group(2) and m.group(1) in version_nodes:
            version = m.group(3)
            if best is None or _version_key(version) > _version_key(best):
                best = version
    return best


def _version_key(version: str) -> list[tuple[int, str]]:
    return [(int(part), "") if part.isdigit() else (-1, part)
            for part in re.split(r"[.~+-]", version)]


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__)
        return 0 if argv else 2
    root = Path(argv[0]).resolve()
    explain = "--explain" in argv[1:]
    files = elf_files(root)
    bundled = {p.name for p in root.rglob("*") if p.is_file() or p.is_symlink()}
    lib_dirs = sorted({p.parent for p in files if ".so" in p.name})

    users: dict[str, list[str]] = defaultdict(list)   # soname -> bundle files needing it
    paths: dict[str, str] = {}
    nodes: dict[str, set[str]] = defaultdict(set)     # soname -> version nodes used
    missing: dict[str, list[str]] = defaultdict(list)
    for path in files:
        external = [n for n in needed(path) if n not in bundled]
        if not external:
            continue
        where = resolve(path, lib_dirs)
        for soname, versions in symbol_versions(path).items():
            if soname in external:
                nodes[soname] |= versions
        for soname in external:
            rel = str(path.relative_to(root))
            if where.get(soname):
                paths[soname] = where[soname]  # type: ignore[assignment]
                users[soname].append(rel)
            else:
                missing[soname].append(rel)
    if missing:
        for soname, who in sorted(missing.items()):
            print(f"deb_depends: {soname} is not installed here (needed by {who[0]}"
                  f"{f' and {len(who) - 1} more' if len(who) > 1 else ''}); install the "
                  "package that provides it, or drop what needs it from the bundle",
                  file=sys.stderr)
        return 1

    packages: dict[str, set[str]] = defaultdict(set)  # package -> sonames
    for soname, lib_path in paths.items():
        package = owning_package(lib_path)
        if package is None:
            print(f"deb_depends: no Debian package owns {lib_path} ({soname})", file=sys.stderr)
            return 1
        packages[package].add(soname)

    depends = []
    for package in sorted(packages):
        used = set().union(*(nodes[s] for s in packages[package]))
        version = min_version(package, used)
        depends.append(f"{package} (>= {version})" if version else package)
        if explain:
            for soname in sorted(packages[package]):
                who = users[soname]
                print(f"{package}: {soname} <- {who[0]}"
                      f"{f' (+{len(who) - 1} more)' if len(who) > 1 else ''}", file=sys.stderr)
    print(", ".join(depends))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
