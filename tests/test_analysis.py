"""ICD 203's standards made visible in the bundled briefing (issue 17): key assumptions listed
apart from the information, alternative outcomes for the central question whose likelihoods can
add up, and for each key judgment what would change it, tied to timeline events or figures.
Each rests on cited facts (the build refuses records with no provenance)."""

from __future__ import annotations

from briefing_app.domain import ItemRef
from briefing_app.paths import bundled_database
from briefing_app.store.briefing import BriefingStore
from briefing_app.store.describe import describe

STORE = BriefingStore(bundled_database())


def test_every_key_judgment_says_what_would_change_it() -> None:
    judgments = {j.id for j in STORE.judgments()}
    watched = {i.judgment for i in STORE.indicators()}
    assert judgments and watched == judgments
    events = {e.id for e in STORE.events()}
    figures = {f.id for f in STORE.figures()}
    for ind in STORE.indicators():
        assert ind.direction in ("strengthen", "weaken")
        assert ind.events or ind.figures, ind.id
        assert set(ind.events) <= events and set(ind.figures) <= figures, ind.id
    # Some judgment can be both strengthened and weakened by what the analyst watches.
    directions = {j: {i.direction for i in STORE.indicators() if i.judgment == j}
                  for j in judgments}
    assert any(d == {"strengthen", "weaken"} for d in directions.values())


def test_key_assumptions_stand_apart_and_name_their_judgments() -> None:
    judgments = {j.id for j in STORE.judgments()}
    assumptions = STORE.assumptions()
    assert len(assumptions) >= 3
    for a in assumptions:
        assert a.judgments and set(a.judgments) <= judgments, a.id
        assert a.if_wrong.strip() and a.basis.strip()
        assert STORE.provenance(ItemRef("assumption", a.id)), a.id
    # The assumption the audit found buried in a judgment is now listed apart.
    assert any("little-supply-before-2028" in a.judgments and "Reko Diq" in a.text
               for a in assumptions)


def test_alternative_outcomes_answer_the_question_and_their_likelihoods_can_add_up() -> None:
    question = STORE.overview().question
    assert question.endswith("?") and "Pakistan" in question
    outcomes = STORE.outcomes()
    assert len(outcomes) >= 2
    scale = {w.word: w for w in STORE.estimative_scale()}
    low = sum(scale[o.estimative].low for o in outcomes)
    high = sum(scale[o.estimative].high for o in outcomes)
    assert low <= 100 <= high
    for o in outcomes:
        assert STORE.provenance(ItemRef("outcome", o.id)), o.id


def test_each_is_marked_as_the_briefings_assessment() -> None:
    for kind, items in (("assumption", STORE.assumptions()), ("outcome", STORE.outcomes()),
                        ("indicator", STORE.indicators())):
        d = describe(STORE, ItemRef(kind, items[0].id))
        assert d is not None and "briefing's assessment" in d.kind_label
        assert d.provenance
    judgment = STORE.judgments()[0]
    d = describe(STORE, ItemRef("judgment", judgment.id))
    assert d is not None
    related = dict(d.related)
    assert {r.kind for r, _ in related["What would change it"]} == {"indicator"}


def test_the_analysis_is_searchable() -> None:
    hits = STORE.search("balancing holds")
    assert any(h.kind == "outcome" and h.id == "balance-holds" for h in hits)
