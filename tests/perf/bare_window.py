"""Baseline for benchmarks: a bare PySide6 QWidget window that shows, paints once and quits."""

import sys
import time

T0 = time.perf_counter()

from PySide6.QtCore import QEvent, QObject, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402


class FirstPaint(QObject):
    def eventFilter(self, watched, event):  # noqa: N802
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, done)
        return False


def done() -> None:
    print(f"first paint after {(time.perf_counter() - T0) * 1000:.0f} ms", flush=True)
    app.quit()


app = QApplication(sys.argv[:1])
window = QWidget()
window.resize(1280, 820)
spy = FirstPaint()
window.installEventFilter(spy)
window.show()
sys.exit(app.exec())
