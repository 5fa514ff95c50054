"""Content fixes of issue 17 (places, dates, citations), checked in the bundled database: each
test fails on the data as it was before the fix."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from briefing_app.domain import ItemRef
from briefing_app.paths import bundled_database
from briefing_app.store.briefing import BriefingStore


@pytest.fixture(scope="module")
def store() -> Iterator[BriefingStore]:
    s = BriefingStore(bundled_database())
    yield s
    s.close()


def _cited(store: BriefingStore, kind: str, item_id: str) -> set[str]:
    return {p.citation.id for p in store.provenance(ItemRef(kind, item_id))
            if p.citation is not None}


# -- places ----------------------------------------------------------------------------------

# (project id, fact id, latitude, longitude, citation id) as facts.md F53 and F54 give them.
SITES = [
    ("reko-diq", "F53", 28.9725, 62.4331, "wikipedia-reko-diq-mine"),
    ("saindak", "F54", 29.2494, 61.6119, "wikipedia-saindak-copper-gold-project"),
]


@pytest.mark.parametrize(("project_id", "fact", "lat", "lon", "citation_id"), SITES,
                         ids=[s[0] for s in SITES])
def test_mine_markers_sit_at_their_sourced_sites(store: BriefingStore, project_id: str,
                                                  fact: str, lat: float, lon: float,
                                                  citation_id: str) -> None:
    project = next(p for p in store.projects() if p.id == project_id)
    assert (project.lat, project.lon) == (lat, lon)
    assert project.place != "Dalbandin"
    place = next(p for p in store.places() if p.name == project.place)
    assert place.source == "Wikipedia" and place.admin1 == "Balochistan"
    assert fact in project.place_note and "Wikipedia" in project.place_note
    assert "medium confidence" in project.place_note
    assert citation_id in _cited(store, "project", project_id)
    citation = next(c for c in store.citations() if c.id == citation_id)
    assert citation.fact == fact and citation.publisher == "Wikipedia"


def test_capitals_come_from_the_fact_base(store: BriefingStore) -> None:
    regions = {r.id: r for r in store.regions()}
    assert regions["sindh"].capital == "Karachi"  # F51
    assert regions["gilgit-baltistan"].capital == "Gilgit"  # F52
    for rid in ("sindh", "gilgit-baltistan"):
        assert regions[rid].capital_lat is not None  # a gazetteer place, drawn on the map
    assert "britannica-students-karachi" in _cited(store, "region", "sindh")
    assert "wikipedia-gilgit-baltistan" in _cited(store, "region", "gilgit-baltistan")
    assert "F51" in regions["sindh"].caveat and "F52" in regions["gilgit-baltistan"].caveat


# -- dates -----------------------------------------------------------------------------------

def test_exim_events_are_dated_by_what_happened_not_by_a_report(store: BriefingStore) -> None:
    events = {e.id: e for e in store.events()}
    floated, approved = events["exim-loan-floated"], events["exim-loan-approved"]
    # The interview's own date is unknown (F11): the event is its report of 24 Nov 2025, and
    # says so, rather than passing the report's date off as the interview's.
    assert floated.date.iso == "2025-11-24"
    assert "reported" in floated.title
    assert "not given in the sources" in floated.date_note and "F11" in floated.date_note
    # The approval is dated by the US Embassy's announcement (F11), not by the news report.
    assert approved.date.iso == "2025-12-10"
    assert "announced" in approved.date_note and "F11" in approved.date_note
    cites = {c.id: c for c in store.citations()}
    assert cites["dawn-2025-11-24-exim-pledge"].date == "2025-11-24"
    assert cites["profit-2025-12-10-exim-reko-diq"].date == "2025-12-10"


def test_the_tariff_figure_carries_the_date_of_its_report(store: BriefingStore) -> None:
    tariff = next(f for f in store.figures() if f.id == "us-tariff-on-pakistan")
    assert tariff.value == 19 and tariff.as_of == "2025-09-28"  # F21's later report
    assert "F21" in tariff.caveat
    deal = next(e for e in store.events() if e.id == "us-pakistan-trade-deal")
    assert "as of 28 September 2025" in deal.summary and "F21" in deal.caveat


def _all_text(store: BriefingStore) -> list[tuple[str, str]]:
    """(item, text) for every free text of the bundled records the user can read."""
    out = [("overview", store.overview().bluf), ("overview", store.overview().caveat)]
    out += [(f"judgment:{j.id}", t) for j in store.judgments() for t in (j.text, j.basis,
                                                                          j.caveat)]
    out += [(f"figure:{f.id}", t) for f in store.figures() for t in (f.label, f.measures,
                                                                      f.caveat)]
    out += [(f"actor:{a.id}", t) for a in store.actors() for t in (a.description, a.caveat)]
    out += [(f"event:{e.id}", t) for e in store.events() for t in (e.summary, e.caveat)]
    out += [(f"risk:{r.id}", t) for r in store.risks() for t in (r.description, r.justification)]
    return out


def test_the_2030_projection_is_dated_when_it_was_made(store: BriefingStore) -> None:
    figures = {f.id: f for f in store.figures()}
    projection = figures["china-ree-refining-iea-2030-projection"]
    assert projection.as_of == "2024-06-03"  # the SEAISI summary's date (F42)
    assert "projected in 2024" in projection.label and "F42" in projection.caveat
    # No figure is "as of" a date after all of its sources (compared at the coarser precision).
    for f in figures.values():
        dates = [p.citation.date for p in store.provenance(ItemRef("figure", f.id))
                 if p.citation is not None and p.citation.date]
        if f.as_of and dates:
            assert any(f.as_of[:len(d)] <= d[:len(f.as_of)] for d in dates), (
                f"{f.id} is 'as of' {f.as_of}, after its sources")
    assert not [w for w, t in _all_text(store) if re.search(r"\bas of 2030\b", t, re.I)]


def test_msp_membership_is_past_tense_and_dated_by_the_roster(store: BriefingStore) -> None:
    texts = [(w, t) for w, t in _all_text(store) if "roster" in t]
    assert texts
    present = re.compile(r"\bPakistan is not\b|\broster (?:lists|includes|does not)\b|"
                         r"\bis not among\b|\bdoes not include Pakistan\b")
    for where, text in texts:
        assert not present.search(text), f"{where} says the roster's content in the present"
    flat = {w: " ".join(t.split()) for w, t in texts}
    for where in ("overview", "judgment:cooperation-runs-through-deals-not-msp",
                  "actor:minerals-security-partnership", "event:msp-launched"):
        assert any(w == where and "20 Jan 2025" in t for w, t in flat.items()), where


# -- citations -------------------------------------------------------------------------------

def test_geonames_citation_names_the_extract_the_places_come_from(store: BriefingStore) -> None:
    geonames = next(c for c in store.citations() if c.id == "geonames-cities")
    assert "cities500" in geonames.title
    assert "1000" not in geonames.title
