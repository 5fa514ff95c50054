"""The window (Qt). Importing this package first makes PySide6's check of every later import
cheap; see ``lighter_feature_scan``."""

from __future__ import annotations

import sys
from types import ModuleType


def lighter_feature_scan() -> bool:
    """Answer PySide6's question about each imported module without keeping its source.

    For its opt-in ``from __feature__ import snake_case`` PySide6 asks of every module imported
    after it whether the module's source mentions "PySide6", through ``inspect.getsource``:
    that reads each module's whole source into ``linecache``, which keeps it for the life of
    the process (about 3 MB of text at start-up here, most of the Python heap the window
    adds; napari/napari#8584 measured the same cost). The same question is answered here from
    the file's bytes, kept nowhere; anything but a plain ``.py`` file goes to PySide6's own
    check. Returns False (and changes nothing) if PySide6 no longer has that check."""
    import shiboken6  # noqa: F401  (loads PySide6's support modules, feature among them)

    feature = sys.modules.get("shibokensupport.feature")
    original = getattr(feature, "_mod_uses_pyside", None)
    if feature is None or not callable(original):
        return False
    if getattr(original, "briefing_lighter", False):
        return True

    def mod_uses_pyside(module: ModuleType) -> bool:
        path = getattr(module, "__file__", None)
        if not isinstance(path, str) or not path.endswith(".py"):
            return bool(original(module))
        try:
            with open(path, "rb") as source:
                return b"PySide6" in source.read()
        except OSError:
            return bool(original(module))

    mod_uses_pyside.briefing_lighter = True  # type: ignore[attr-defined]
    feature._mod_uses_pyside = mod_uses_pyside  # type: ignore[attr-defined]
    return True


lighter_feature_scan()
