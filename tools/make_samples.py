"""Write the sample exports in docs/samples/ from a demonstration workspace.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tools/make_samples.py docs/samples

The notes and checklist values are written here for the demonstration (an analyst's own work,
not facts of the briefing); everything else comes from the bundled database.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from briefing_app.domain import ItemRef
from briefing_app.export.model import ExportOptions
from briefing_app.export.run import export_briefing
from briefing_app.paths import bundled_database
from briefing_app.store.anchoring import make_anchor
from briefing_app.store.briefing import BriefingStore
from briefing_app.store.workspace import open_workspace


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    store = BriefingStore(bundled_database())
    ws, _ = open_workspace(Path(tempfile.mkdtemp()) / "workspace")
    ws.add_note("Sample note: ask the embassy whether the escort arrangements for the Reko Diq "
                "supply route are in the EXIM term sheet.\nFollow up before the next review.",
                target=ItemRef("risk", "security-in-mineral-areas"), tag="follow-up",
                colour="orange")
    ws.add_note("Sample note: compare the MoU's first-phase figure with any later signed "
                "contract.", target=ItemRef("event", next(
                    e.id for e in store.events() if e.date.iso == "2025-09-08")),
                tag="figures", colour="blue")
    ws.add_note("Sample note: the judgment rests on one projection; look for the IEA "
                "report itself.", target=ItemRef("judgment", store.judgments()[0].id))
    src = store.sources()[0]
    quote = "approximately 90% of the world's rare earth minerals"
    at = src.text.index(quote)
    ws.add_note("Sample note: the article gives no source or year for this share; the "
                "briefing's figures show how it compares.",
                anchor=make_anchor(src.id, src.text, at, at + len(quote)), tag="sourcing",
                colour="yellow")
    risk = "security-in-mineral-areas"
    ws.set_checklist_field(risk, "reviewed", True)
    ws.set_checklist_field(risk, "owner", "Regional desk")
    ws.set_checklist_field(risk, "status", "monitoring")
    ws.set_checklist_field(risk, "next_review", "2026-12-15")
    ws.set_checklist_field(risk, "rationale", "Sample rationale: attacks keep recurring; "
                           "keep the briefing's rating.")
    ws.set_checklist_field("investment-climate", "reviewed", True)
    ws.set_checklist_field("investment-climate", "likelihood", 2)
    ws.set_checklist_field("investment-climate", "status", "mitigated")
    ws.add_note("Sample note in Urdu, to show right-to-left text: \u0627\u0631\u062f\u0648 "
                "\u0632\u0628\u0627\u0646 \u06c1\u06d2", target=ItemRef("region", "balochistan"),
                tag="languages")
    options = ExportOptions(author="A. Analyst (sample export, demonstration notes)",
                            organisation="Example desk")
    for fmt in ("pdf", "html", "md", "docx"):
        path = export_briefing(store, ws, fmt, out / f"briefing.{fmt}", options)
        print(f"wrote {path}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/samples"))
