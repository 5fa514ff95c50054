"""Take screenshots of every tab from a real window (run under Xvfb with QT_QPA_PLATFORM=xcb).

    Xvfb :99 -screen 0 1920x1080x24 & DISPLAY=:99 QT_QPA_PLATFORM=xcb \
        .venv/bin/python tools/screenshots.py docs/screenshots [WIDTHxHEIGHT]

The default window is 1580x980; with a size (1024x700, 1920x1080) the window has that size
and each file name ends in it ("overview-1024x700.png").

Each shot is captured with ImageMagick's `import -window root`, i.e. what the X server shows.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from briefing_app.domain import ItemRef
from briefing_app.paths import bundled_database
from briefing_app.store.briefing import BriefingStore
from briefing_app.ui.app import make_application
from briefing_app.ui.main_window import MainWindow


def main(out: Path, scale: str = "", size: tuple[int, int] = (1580, 980)) -> None:
    out.mkdir(parents=True, exist_ok=True)
    # A fresh settings folder: shots show the default layout, not the last session's.
    os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp()
    app = make_application()
    work = Path(tempfile.mkdtemp())
    window = MainWindow(BriefingStore(bundled_database()), work / "workspace")
    factor = float(os.environ.get("QT_SCALE_FACTOR", "1"))
    window.setGeometry(0, 0, int(size[0] / factor), int(size[1] / factor))
    window.show()
    window.after_first_paint()

    def settle(ms: int = 400) -> None:
        end = ms
        loop_timer = QTimer()
        loop_timer.setSingleShot(True)
        loop_timer.start(end)
        while loop_timer.isActive():
            app.processEvents()

    def shot(name: str) -> None:
        settle()
        subprocess.run(["import", "-window", "root", "-crop", f"{size[0]}x{size[1]}+0+0",
                        "+repage",
                        str(out / f"{name}{scale}.png")], check=True)

    s = window.session
    settle(800)
    s.select(ItemRef("judgment", s.store.judgments()[0].id))
    shot("overview")
    # ICD 203's items: what would change each judgment, key assumptions, outcomes.
    s.select(ItemRef("outcome", s.store.outcomes()[0].id))
    window.tab("overview").browser.scrollToAnchor("key-assumptions")  # type: ignore[attr-defined]
    shot("overview-analysis")
    window.tab("overview").browser.verticalScrollBar().setValue(0)  # type: ignore[attr-defined]
    window.open_item(ItemRef("region", "balochistan"))
    shot("minerals")
    window.open_item(ItemRef("event", next(e.id for e in s.store.events()
                                           if e.date.iso.startswith("2025-09-08"))))
    shot("timeline")
    ws = s.workspace
    assert ws is not None
    risks = s.store.risks()
    ws.set_checklist_field(risks[0].id, "reviewed", True)
    ws.set_checklist_field(risks[0].id, "owner", "A. Analyst")
    ws.set_checklist_field(risks[0].id, "status", "monitoring")
    ws.set_checklist_field(risks[1].id, "likelihood", 4)
    window.tab("risks").reload()  # type: ignore[attr-defined]
    window.open_item(ItemRef("risk", risks[0].id))
    shot("risks")
    prov = s.store.provenance(ItemRef("benefit", s.store.benefits()[0].id))
    quote = next(p for p in prov if p.kind == "quote")
    s.show_source(quote.source_id, quote.start, quote.end)
    s.select(ItemRef("benefit", s.store.benefits()[0].id))
    shot("sources")
    window.search_field.setText("reko diq")
    settle(600)
    shot("search")
    window.search_field.clear()
    if window.search_results is not None:
        window.search_results.hide()
    from briefing_app.store.anchoring import make_anchor
    from briefing_app.ui.session import Change

    ws.add_note("Ask the embassy whether escort costs are in the EXIM term sheet.\n"
                "Follow up before the next review.", target=ItemRef("risk", risks[0].id),
                tag="follow-up", colour="orange")
    ws.add_note("Compare with the first signed contract.", target=ItemRef(
        "event", next(e.id for e in s.store.events() if e.date.iso == "2025-09-08")),
        tag="figures", colour="blue")
    src = s.store.sources()[0]
    at = src.text.index("approximately 90%")
    ws.add_note("No source or year given for this share.",
                anchor=make_anchor(src.id, src.text, at, at + len("approximately 90%")),
                tag="sourcing", colour="yellow")
    s.notify(Change("notes"))
    window.open_item(ItemRef("risk", risks[0].id))
    window.show_all_notes()
    shot("notes")
    if window.notes_dock is not None:
        window.notes_dock.hide()
    own_work(window, ws, work, shot, settle)
    window.close()
    app.quit()


#: The analyst's own desk note, for the authoring shots: facts from
#: ../shared/reference/facts.md (F05, F07) restated, each with the source it names.
DESK_NOTE = "\n\n".join((
    "Desk note: Reko Diq timetable",
    "The federal government, the Balochistan government and Barrick Gold signed a framework on "
    "20 March 2022 to revive Reko Diq in Chagai district (Daily Pakistan, 20 March 2022).",
    "After Pakistan's Supreme Court found the new deal lawful in December 2022, the definitive "
    "agreements were signed and took effect at once (Dawn, December 2022).",
    "Barrick said it expected to begin production at Reko Diq in 2028 (Pakistan Standard, "
    "January 2023).",
)) + "\n"


def own_work(window: MainWindow, ws, work: Path, shot, settle) -> None:  # type: ignore[no-untyped-def]
    """The analyst's own source, a risk citing it, grades: the Sources tab and the editor."""
    from briefing_app.readers import read_source
    from briefing_app.store.own import OwnProvenance
    from briefing_app.ui.commands import AddOwnItem, ImportSource
    from briefing_app.ui.own_items import OwnItemDialog

    s = window.session
    path = work / "desk-note-reko-diq.txt"
    path.write_text(DESK_NOTE, "utf-8")
    imported = ImportSource(s, read_source(path), "Desk note: Reko Diq timetable",
                            "Analyst's desk", "2026-11-30")
    s.push(imported)
    sid = imported.source_id
    assert sid is not None
    quote = "Barrick said it expected to begin production at Reko Diq in 2028"
    start = DESK_NOTE.index(quote)
    risk = AddOwnItem(s, "risk", {
        "title": "Reko Diq output slips past 2028",
        "description": "The first copper and gold from Reko Diq could come later than the "
                       "operator's 2028 estimate, delaying any supply a partnership relies on.",
        "likelihood": 3, "impact": 3,
        "indicators": ["Financing close for the project", "Progress on the rail link"]},
        [OwnProvenance("passage", sid, start, start + len(quote), quote)])
    s.push(risk)
    ws.set_grade(f"source:{sid}", "B")
    ws.set_grade(f"risk:{risk.item.id}", "3")
    from briefing_app.ui.session import Change

    s.notify(Change("grades"))
    tab = window.tab("sources")
    window.tabs.setCurrentWidget(tab)
    tab.select(ItemRef("source", sid))  # type: ignore[attr-defined]
    tab.select_text(start, start + len(quote))  # type: ignore[attr-defined]
    shot("own-source")
    window.open_item(ItemRef("risk", risk.item.id))
    shot("own-risk")
    dialog = OwnItemDialog(s, "risk", ws.own_item(risk.item.id),
                           ws.own_item(risk.item.id).provenance, window)
    dialog.move(window.x() + 380, window.y() + 60)
    dialog.show()
    settle(600)
    shot("own-item-editor")
    dialog.hide()
    dialog.deleteLater()


if __name__ == "__main__":
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")
    extra = sys.argv[2] if len(sys.argv) > 2 else ""
    if "x" in extra and extra.replace("x", "").isdigit():
        width, height = (int(v) for v in extra.split("x"))
        main(folder, f"-{extra}", (width, height))
    else:
        main(folder, extra)
    QApplication.instance()
