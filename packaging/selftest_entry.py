"""Entry point of the self-test bundle: proves the trimmed bundle can run every part of the GUI.

`briefing-app gui --smoke` paints only the Overview; the other tabs, pyqtgraph and numpy are
imported lazily, so a module or Qt plugin wrongly left out of the bundle would only show when
a user opens them. This entry is frozen with the same spec (BRIEFING_BUNDLE_SELFTEST=1, see
briefing-app.spec), so it gets exactly the same modules, libraries and plugins. It imports
every module of briefing_app, opens the real window through the real command line, visits
every tab of every QTabWidget, and fails on any exception raised meanwhile.

Run by packaging/ci.sh: packaging/build/selftest/briefing-app-selftest/briefing-app-selftest
"""

import importlib
import pkgutil
import sys
import time
import traceback

import briefing_app
from briefing_app.cli import main

errors: list[str] = []


def _record(exc_type, exc, tb):  # type: ignore[no-untyped-def]
    errors.append("".join(traceback.format_exception(exc_type, exc, tb)))
    sys.__excepthook__(exc_type, exc, tb)


sys.excepthook = _record

started = time.perf_counter()
names = [m.name for m in pkgutil.walk_packages(briefing_app.__path__, "briefing_app.")
         if not m.name.endswith("__main__")]  # importing __main__ would run the CLI
for name in names:
    importlib.import_module(name)
import numpy  # noqa: E402
import pyqtgraph  # noqa: E402
from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QTabWidget  # noqa: E402

print(f"selftest: imported {len(names)} briefing_app modules, pyqtgraph {pyqtgraph.__version__}, "
      f"numpy {numpy.__version__}")
assert numpy.linalg.inv(numpy.eye(2) * 2)[0, 0] == 0.5  # OpenBLAS is loaded and works
try:
    import docx
except ModuleNotFoundError:  # DOCX export not part of this build
    pass
else:
    import io

    docx.Document().save(io.BytesIO())  # needs the default template, a data file of python-docx
    print("selftest: python-docx default template OK")


app = QApplication(sys.argv[:1])  # the app's own make_application() reuses this instance

# Every export format, as the app writes them (templates, fonts, SVG rendering, Qt PDF).
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

from briefing_app.export.run import FORMATS, export_briefing  # noqa: E402
from briefing_app.paths import bundled_database  # noqa: E402
from briefing_app.store.briefing import BriefingStore  # noqa: E402

with tempfile.TemporaryDirectory() as folder:
    for fmt in FORMATS:
        path = export_briefing(BriefingStore(bundled_database()), None, fmt,
                               Path(folder) / f"selftest{FORMATS[fmt]}")
        assert path.stat().st_size > 1000, fmt
print(f"selftest: exported {', '.join(FORMATS)}")
visited: list[str] = []


def visit_tabs() -> None:
    for window in QApplication.topLevelWidgets():
        for tabs in window.findChildren(QTabWidget):
            for i in range(tabs.count()):
                tabs.setCurrentIndex(i)
                for _ in range(10):
                    app.processEvents()
                visited.append(tabs.tabText(i).replace("&", ""))
    app.quit()


QTimer.singleShot(500, visit_tabs)
status = main(["gui"])
print(f"selftest: visited tabs: {', '.join(visited) or 'none'}")
if status != 0 or errors or not visited:
    print(f"selftest: FAILED (exit status {status}, {len(errors)} exception(s), "
          f"{len(visited)} tab(s))", file=sys.stderr)
    sys.exit(1)
print(f"selftest: OK in {time.perf_counter() - started:.1f} s")
