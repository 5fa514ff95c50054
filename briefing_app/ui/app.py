"""Start the Qt application: open the stores, show the main window, report the first paint."""

from __future__ import annotations

import os
import sys
import time
from argparse import Namespace
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QSettings, QSocketNotifier, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QWidget

from ..paths import CACHE_ENV, WORKSPACE_ENV, bundled_database, cache_dir, icon_path
from ..store.briefing import BriefingStore, BundledDataError

ORG = "Briefing"
APP = "briefing-app"


class _FirstPaint(QObject):
    """Calls back once, right after the window's first paint has been processed."""

    def __init__(self, callback):  # type: ignore[no-untyped-def]
        super().__init__()
        self._callback = callback
        self._done = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if not self._done and event.type() == QEvent.Type.Paint:
            self._done = True
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self._callback)
        return False


def app_icon() -> QIcon:
    """The window icon from the rendered PNGs: QIcon reads a size only when it is drawn, while
    the SVG would be parsed (and the SVG plugin loaded) at start-up."""
    icon = QIcon()
    for png in sorted((icon_path().parent / "hicolor").glob("*/apps/briefing-app.png")):
        icon.addFile(str(png))
    return icon


def make_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance()
    if app is None:
        app = QApplication(argv or sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setOrganizationName(ORG)
    app.setApplicationName(APP)
    app.setApplicationDisplayName("Briefing")
    from .. import __version__

    app.setApplicationVersion(__version__)
    app.setDesktopFileName(APP)
    app.setWindowIcon(app_icon())
    return app


def _report_unexpected(app: QApplication):  # type: ignore[no-untyped-def]
    """An error escaping a slot is reported in words; the window (and saved work) stay."""
    import traceback

    def hook(kind, value, tb) -> None:  # type: ignore[no-untyped-def]
        traceback.print_exception(kind, value, tb, file=sys.stderr)
        if app.platformName() not in ("offscreen", "minimal"):
            from .richtext import plain_message

            plain_message(
                app.activeWindow(), "Something went wrong",
                f"Briefing hit an unexpected problem and stopped that action:\n\n{value}\n\n"
                "Everything you had saved is safe. Details were written to the terminal.")

    return hook


def use_scratch_profile(folder: Path) -> None:
    """Keep the window's settings in ``folder`` instead of the user's config folder (for
    ``--smoke`` and tests: they must never change what the user's next start restores)."""
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(folder))


def run(args: Namespace, started: float) -> int:
    if args.smoke:
        import tempfile

        # A smoke run leaves no trace: settings and (unless one is named) the workspace and
        # the cache live in a scratch folder that is deleted on exit.
        with tempfile.TemporaryDirectory(prefix="briefing-smoke-") as scratch:
            use_scratch_profile(Path(scratch) / "settings")
            if not os.environ.get(CACHE_ENV):
                os.environ[CACHE_ENV] = str(Path(scratch) / "cache")
            if not getattr(args, "workspace", None) and not os.environ.get(WORKSPACE_ENV):
                args.workspace = str(Path(scratch) / "workspace")
            return _run(args, started)
    return _run(args, started)


def _run(args: Namespace, started: float) -> int:
    app = make_application()
    sys.excepthook = _report_unexpected(app)
    try:
        store = BriefingStore(bundled_database(getattr(args, "database", None)), cache_dir())
    except BundledDataError as exc:
        print(f"briefing-app: {exc}", file=sys.stderr)
        if not args.smoke and app.platformName() not in ("offscreen", "minimal"):
            from .richtext import plain_message

            plain_message(None, "Briefing cannot start", str(exc), critical=True)
        return 1

    from .main_window import MainWindow

    override = getattr(args, "workspace", None)
    window = MainWindow(store, Path(override) if override else None)

    def first_paint() -> None:
        elapsed = (time.perf_counter() - started) * 1000
        window.after_first_paint(deferred_views=not args.smoke)
        if args.smoke:
            print(f"first paint after {elapsed:.0f} ms", flush=True)
            window.close()
            app.quit()

    painter = _FirstPaint(first_paint)
    window.installEventFilter(painter)
    _close_gracefully(app, window)
    window.show()
    status = app.exec()
    return int(status)


def _close_gracefully(app: QApplication, window: QWidget) -> None:
    """Logging out, shutting down or `kill` closes the window as the user would, so typed
    text is committed and the layout saved, instead of the process just ending.

    SIGTERM, SIGHUP and SIGINT wake the event loop through a pipe (Python runs its signal
    handlers only when it gets control back from Qt); a session manager's request to save
    (commitDataRequest) commits typed text the same way."""
    import signal

    def shut_down() -> None:
        window.close()
        app.quit()

    app.commitDataRequest.connect(lambda _manager: window.session.commit_edits())  # type: ignore[attr-defined]
    if sys.platform == "win32":
        return
    read_end, write_end = os.pipe()
    for fd in (read_end, write_end):
        os.set_blocking(fd, False)
    signal.set_wakeup_fd(write_end, warn_on_full_buffer=False)
    for signum in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        signal.signal(signum, lambda *_: None)  # handled below, in the event loop
    notifier = QSocketNotifier(read_end, QSocketNotifier.Type.Read, app)

    def woken() -> None:
        try:
            os.read(read_end, 64)
        except BlockingIOError:
            return
        shut_down()

    notifier.activated.connect(woken)
