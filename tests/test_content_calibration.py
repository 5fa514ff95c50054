"""Content fixes of issue 17 (anchors that support their records, calibrated judgments, the
article's hedges kept), checked in the bundled database: each test fails on the data as it was
before the fix."""

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


def _flat(text: str) -> str:
    return " ".join(text.split())


def _quotes(store: BriefingStore, kind: str, item_id: str) -> list[str]:
    return [p.quote for p in store.provenance(ItemRef(kind, item_id)) if p.kind == "quote"]


def _cited(store: BriefingStore, kind: str, item_id: str) -> set[str]:
    return {p.citation.id for p in store.provenance(ItemRef(kind, item_id))
            if p.citation is not None}


def _article(store: BriefingStore) -> str:
    (source,) = store.sources()
    return source.text


def _record_text(store: BriefingStore, kind: str, item_id: str) -> str:
    """Every free text of one bundled record, flattened."""
    if kind == "judgment":
        j = next(x for x in store.judgments() if x.id == item_id)
        parts = [j.text, j.basis, j.caveat]
    elif kind == "risk":
        r = next(x for x in store.risks() if x.id == item_id)
        parts = [r.description, r.justification, r.caveat]
    elif kind == "era":
        e = next(x for x in store.eras() if x.id == item_id)
        parts = [e.title, e.description, e.caveat]
    elif kind == "project":
        p = next(x for x in store.projects() if x.id == item_id)
        parts = [p.description, p.status, p.caveat]
    else:
        raise AssertionError(kind)
    return _flat(" ".join(parts))


# -- 1. quotes that support their statements -------------------------------------------------

# (kind, id, words the quote must carry, words the record must use to say what the quote says,
#  citations the record rests on). The quote's words are the claim the record takes from the
# article; the record's words show it says that claim, attributed to the article.
ANCHORED = [
    ("judgment", "cooperation-runs-through-deals-not-msp", ["aligns with",
     "Minerals Security Partnership"], ["aligns with", "does not say that Pakistan would join"],
     {"state-dept-msp-archive", "profit-2025-12-10-exim-reko-diq"}),
    ("judgment", "centre-province-friction", ["mineral wealth", "Balochistan",
     "Khyber Pakhtunkhwa"], ["places Pakistan's mineral wealth", "says nothing about disputes"],
     {"iisd-2019-12-17-tethyan-award", "geo-2025-04-15-kp-minerals-bill"}),
    ("risk", "centre-province-control", ["mineral wealth", "Balochistan", "Khyber Pakhtunkhwa"],
     ["places Pakistan's mineral wealth", "without mentioning such disputes"],
     {"iisd-2019-12-17-tethyan-award", "geo-2025-04-15-kp-minerals-bill"}),
    ("era", "us-pakistan-minerals-engagement-2025", ["Biden administration",
     "high-level discussions"], ["The article says the Biden administration began high-level"],
     {"dawn-2025-04-us-delegation-forum", "profit-2025-12-10-exim-reko-diq"}),
    ("judgment", "security-main-constraint", ["depend on multiple factors", "security concerns",
     "mineral-rich areas"], ['"multiple factors", security among them'],
     {"dawn-2024-03-20-gwadar-port-attack", "business-today-2025-03-11-train-hijack"}),
]


@pytest.mark.parametrize(("kind", "item_id", "quote_words", "record_words", "cites"), ANCHORED,
                         ids=[f"{a[0]}:{a[1]}" for a in ANCHORED])
def test_quote_carries_the_words_of_the_claim(store: BriefingStore, kind: str, item_id: str,
                                              quote_words: list[str], record_words: list[str],
                                              cites: set[str]) -> None:
    article = _article(store)
    quotes = _quotes(store, kind, item_id)
    assert quotes
    for q in quotes:
        assert q in article, f"{q!r} is not verbatim in the article"
    joined = " ".join(quotes)
    for w in quote_words:
        assert w in joined, f"{kind}:{item_id}: no quote carries {w!r}"
    text = _record_text(store, kind, item_id)
    for w in record_words:
        assert w in text, f"{kind}:{item_id} does not say {w!r}"
    assert cites <= _cited(store, kind, item_id)


# Records about things the article never mentions: they rest on the fact base alone.
FACT_BASE_ONLY = [
    ("pasni-minerals-terminal", {"livemint-2025-10-04-pasni-port"}, "Pasni"),
    ("ussm-fwo-programme", {"profit-2025-09-08-ussm-fwo", "dunya-2025-10-06-first-batch"},
     "US Strategic Metals"),
]


@pytest.mark.parametrize(("project_id", "cites", "subject"), FACT_BASE_ONLY,
                         ids=[f[0] for f in FACT_BASE_ONLY])
def test_projects_the_article_never_names_rest_on_their_reports(store: BriefingStore,
                                                                 project_id: str,
                                                                 cites: set[str],
                                                                 subject: str) -> None:
    assert subject not in _article(store)  # so no passage of the article can anchor it
    assert _quotes(store, "project", project_id) == []
    assert cites <= _cited(store, "project", project_id)
    project = next(p for p in store.projects() if p.id == project_id)
    assert "no longer quotes the article" in _flat(project.caveat)


def test_every_quote_is_verbatim_in_the_article(store: BriefingStore) -> None:
    article = _article(store)
    for ref, provs in store.all_provenance().items():
        for p in provs:
            if p.kind == "quote":
                assert p.quote in article, f"{ref}: {p.quote!r}"


# -- 2a. the security judgment, recalibrated -------------------------------------------------

def test_security_is_a_serious_constraint_not_the_main_one(store: BriefingStore) -> None:
    j = next(x for x in store.judgments() if x.id == "security-main-constraint")
    assert (j.estimative, j.confidence) == ("likely", "moderate")
    claim = _flat(f"{j.text} {j.basis}")
    assert not re.search(r"\bmain\b", claim, re.I)
    assert "will likely remain a serious constraint" in claim
    assert "none of these attacks was on a mine site" in claim
    # The record says why it changed, with the range of its new word on the briefing's scale.
    likely = next(w for w in store.estimative_scale() if w.word == "likely")
    caveat = _flat(j.caveat)
    assert 'Recalibrated from "very likely / high confidence"' in caveat
    assert f"likely ({likely.low:g}–{likely.high:g}%), with moderate confidence" in caveat
    assert {"profit-2022-02-09-saindak-lease", "profit-2025-12-10-exim-reko-diq"} <= _cited(
        store, "judgment", j.id)


# -- 2b. the article's hedges ----------------------------------------------------------------

def _all_text(store: BriefingStore) -> list[tuple[str, str]]:
    out = [("overview", store.overview().bluf), ("overview", store.overview().caveat)]
    out += [(f"judgment:{j.id}", t) for j in store.judgments() for t in (j.text, j.basis,
                                                                          j.caveat)]
    out += [(f"benefit:{b.id}", t) for b in store.benefits() for t in (b.description,
                                                                        b.caveat)]
    out += [(f"risk:{r.id}", t) for r in store.risks() for t in (r.description, r.justification,
                                                                  r.caveat)]
    out += [(f"event:{e.id}", t) for e in store.events() for t in (e.summary, e.caveat)]
    out += [(f"era:{e.id}", t) for e in store.eras() for t in (e.description, e.caveat)]
    return [(w, _flat(t)) for w, t in out]


def test_no_record_turns_the_articles_hedges_into_expectations(store: BriefingStore) -> None:
    unhedged = re.compile(r"\barticle(?:'s analysts)? (?:expects?|foresees|sees)\b|"
                          r"\banalysts expect\b", re.I)
    assert not [w for w, t in _all_text(store) if unhedged.search(t)]


@pytest.mark.parametrize(("kind", "item_id"), [("judgment", "pakistan-balances-both-powers"),
                                               ("risk", "geopolitical-balancing")])
def test_leverage_stays_a_possibility_the_article_reports(store: BriefingStore, kind: str,
                                                          item_id: str) -> None:
    text = _record_text(store, kind, item_id)
    assert "the article reports analysts' suggestion that pakistan might leverage" in text.lower()
    assert any("might leverage" in q for q in _quotes(store, kind, item_id))


def test_benefits_are_the_articles_potential_benefits(store: BriefingStore) -> None:
    benefits = store.benefits()
    assert len(benefits) == 4
    for b in benefits:
        assert "potential benefit" in _flat(b.description), b.id
        assert "Potential Benefits for Pakistan" in _quotes(store, "benefit", b.id), b.id


# -- 2c. the assumption under little-supply-before-2028 --------------------------------------

def test_the_reko_diq_offtake_assumption_is_stated(store: BriefingStore) -> None:
    j = next(x for x in store.judgments() if x.id == "little-supply-before-2028")
    text = _flat(j.text)
    assert "This assumes that some of Reko Diq's output" in text and "would go to the US" in text
    assert "the sources do not say where it will be sold" in text
    assert "Assumption:" in _flat(j.basis)
    assert "It rests on a key assumption, listed with the others" in _flat(j.caveat)
    # ... and listed with the others, apart from the information (ICD 203).
    assert any("little-supply-before-2028" in a.judgments for a in store.assumptions())


# -- 2d. free cash flow is not investment ----------------------------------------------------

def test_free_cash_flow_is_not_counted_as_investment(store: BriefingStore) -> None:
    b = next(x for x in store.benefits() if x.id == "economic-development")
    sentences = re.split(r"(?<=\.)\s+", _flat(b.description))
    (fcf,) = [s for s in sentences if "free cash flow" in s]
    assert "74 bn" in fcf and "not money invested" in fcf
    (listed,) = [s for s in sentences if s.startswith("Investment figures")]
    assert "74" not in listed and "free cash flow" not in listed
    assert "US$5.5 bn" in listed  # the capital cost is what is invested
    assert "mining-reporters-2025-01-reko-diq-74bn" in _cited(store, "benefit", b.id)


# -- 2e. where each attack under risk 1 was ----------------------------------------------------

# citation id -> the place facts.md gives for the attack (F45-F48).
ATTACKS = {
    "dawn-2024-03-20-gwadar-port-attack": ["Gwadar, Balochistan", "Gwadar Port Authority"],
    "straits-times-2024-03-26-besham-attack": ["Besham, Shangla district, Khyber Pakhtunkhwa",
                                               "Dasu dam site"],
    "ajc-2024-10-07-karachi-airport": ["Near Karachi airport, Sindh", "Port Qasim"],
    "business-today-2025-03-11-train-hijack": ["Bolan district, Balochistan", "Jaffar Express"],
}


def test_risk_one_says_where_each_attack_was_and_why_it_counts(store: BriefingStore) -> None:
    risk = next(r for r in store.risks() if r.id == "security-in-mineral-areas")
    cited = _cited(store, "risk", risk.id)
    assert set(ATTACKS) <= cited
    # The provinces of Gwadar and Karachi come from the fact base too (F49, F51).
    assert {"china-consulate-karachi-about-balochistan", "britannica-students-karachi"} <= cited
    items = re.split(r"\(\d\)", _flat(risk.description))[1:]
    assert len(items) == len(ATTACKS)
    for item, places in zip(items, ATTACKS.values(), strict=True):
        for place in places:
            assert place in item, f"{place!r} missing from {item!r}"
        assert re.search(r"\b(?:bears on the risk|shows)\b", item), item
    assert "outside Balochistan" in _flat(risk.caveat)
