"""Bad build input gets a clear `file: record id: what is wrong`, exit 2, and no damage."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefing_app.dataset.database import build_database

from .conftest import run_cli

EVENT = '''
[[event]]
id = "test-event"
date = "2025-09-08"
title = "A test event"
summary = "Written for the test: the US seeks Pakistan's minerals."
category = "diplomacy"
lane = "united-states"
actors = ["united-states"]
quote = "US Seeks Pakistan Minerals to Counter China Control"
supports = "the US seeks Pakistan's minerals"
'''


JUDGMENT = '''
[[judgment]]
id = "test-judgment"
estimative = "likely"
confidence = "moderate"
text = "Pakistan will likely keep both partners."
basis = "Written for the test."
quote = "US Seeks Pakistan Minerals to Counter China Control"
supports = "Pakistan will likely keep both partners"
'''


# What would change the test judgment (every key judgment needs one, see _check_analysis).
INDICATOR = '''
[[indicator]]
id = "test-indicator"
judgment = "test-judgment"
direction = "weaken"
text = "Written for the test."
events = ["exim-loan-approved"]
cite = ["profit-2025-12-10-exim-reko-diq"]
'''

OUTCOME = '''
[[outcome]]
id = "test-outcome"
title = "A test outcome"
estimative = "very likely"
text = "Written for the test."
basis = "Written for the test."
cite = ["profit-2025-12-10-exim-reko-diq"]
'''


def _append(resources: Path, file: str, text: str) -> None:
    path = resources / "records" / file
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


CASES = {
    "unknown field": (
        "timeline.toml", EVENT + 'colour = "red"\n',
        "records/timeline.toml: event test-event: unknown field 'colour'"),
    "missing provenance": (
        "timeline.toml", EVENT.replace('quote = "US Seeks Pakistan Minerals to Counter China '
                                       'Control"\n', ""),
        "records/timeline.toml: event test-event: has no provenance"),
    "quote not in any source": (
        "timeline.toml", EVENT.replace("Counter China Control", "Counter China Entirely"),
        "records/timeline.toml: event test-event: quote 'US Seeks Pakistan Minerals to Counter "
        "China Entirely' is not found in any source document"),
    "quote with curly apostrophes": (
        "timeline.toml", EVENT.replace("US Seeks Pakistan Minerals to Counter China Control",
                                       "challenge China\u2019s overwhelming dominance"),
        "differs in quote marks, dashes, spacing or case"),
    "dangling reference": (
        "timeline.toml", EVENT.replace('actors = ["united-states"]',
                                       'actors = ["united-states", "atlantis"]'),
        "records/timeline.toml: event test-event: actors refers to unknown actor 'atlantis'"),
    "dangling citation": (
        "timeline.toml", EVENT + 'cite = ["no-such-citation"]\n',
        "records/timeline.toml: event test-event: cite refers to unknown citation "
        "'no-such-citation'"),
    "bad date": (
        "timeline.toml", EVENT.replace("2025-09-08", "2025-02-30"),
        "records/timeline.toml: event test-event: field 'date': '2025-02-30' is not a valid date"),
    "date in the wrong form": (
        "timeline.toml", EVENT.replace("2025-09-08", "8 Sep 2025"),
        "records/timeline.toml: event test-event: field 'date': '8 Sep 2025' is not a date"),
    "duplicate id": (
        "timeline.toml", EVENT + EVENT,
        "records/timeline.toml: event test-event: duplicate id"),
    "rating outside 1-5": (
        "risks.toml", '''
[[risk]]
id = "test-risk"
title = "t"
description = "d"
likelihood = 7
impact = 2
justification = "j"
indicators = ["i"]
mitigations = ["m"]
quote = "Infrastructure limitations in remote mining regions"
''', "records/risks.toml: risk test-risk: field 'likelihood' must be a whole number from 1 to 5"),
    "likelihood words that contradict the rating": (
        "overview.toml", JUDGMENT.replace("will likely", "will very likely"),
        "records/overview.toml: judgment test-judgment: the text says 'very likely' but the "
        "judgment is rated 'likely'"),
    "estimative word off the scale": (
        "overview.toml", JUDGMENT.replace('estimative = "likely"', 'estimative = "probably"'),
        "records/overview.toml: judgment test-judgment: field 'estimative'"),
    # Each quote names the record's words it supports (issue 17; see _check_supports).
    "quote without a supporting claim": (
        "timeline.toml", EVENT.replace('supports = "the US seeks Pakistan\'s minerals"\n', ""),
        "records/timeline.toml: event test-event: quote 1 names no supporting claim: add a "
        "'supports' entry"),
    "second quote without a supporting claim": (
        "timeline.toml", EVENT.replace(
            'quote = "US Seeks Pakistan Minerals to Counter China Control"',
            'quote = ["US Seeks Pakistan Minerals to Counter China Control", '
            '"Infrastructure limitations in remote mining regions"]'),
        "records/timeline.toml: event test-event: quote 2 names no supporting claim"),
    "more supporting claims than quotes": (
        "timeline.toml", EVENT.replace(
            'supports = "the US seeks Pakistan\'s minerals"',
            'supports = ["the US seeks Pakistan\'s minerals", "A test event"]'),
        "records/timeline.toml: event test-event: 'supports' has 2 entries for 1 quote(s)"),
    "supporting claim not in the record's words": (
        "timeline.toml", EVENT.replace('supports = "the US seeks Pakistan\'s minerals"',
                                       'supports = "the US wants Pakistan\'s copper"'),
        "records/timeline.toml: event test-event: supports entry 1 \"the US wants Pakistan's "
        "copper\" is not in the record's own words: copy it verbatim from one of its fields "
        "(date_note, title, summary, caveat)"),
    "supporting claim sharing no word with its quote": (
        "timeline.toml", EVENT.replace('supports = "the US seeks Pakistan\'s minerals"',
                                       'supports = "Written for the test"'),
        "records/timeline.toml: event test-event: quote 1 shares no word with the claim it "
        "supports ('Written for the test')"),
    # ICD 203's items hold together (issue 17; see _check_analysis).
    "judgment nothing would change": (
        "overview.toml", JUDGMENT,
        "records/overview.toml: judgment test-judgment: no indicator says what would change "
        "this judgment"),
    "indicator tied to nothing": (
        "analysis.toml", INDICATOR.replace('events = ["exim-loan-approved"]\n', ""),
        "records/analysis.toml: indicator test-indicator: is tied to nothing"),
    "indicator of an unknown judgment": (
        "analysis.toml", INDICATOR,
        "records/analysis.toml: indicator test-indicator: judgment refers to unknown judgment "
        "'test-judgment'"),
    "outcome whose words contradict its rating": (
        "analysis.toml", OUTCOME.replace('estimative = "very likely"', 'estimative = "unlikely"')
        .replace('text = "Written for the test."', 'text = "Pakistan will likely tilt."'),
        "records/analysis.toml: outcome test-outcome: the text says 'likely' but the outcome "
        "is rated 'unlikely'"),
    "outcomes whose likelihoods cannot add up": (
        "analysis.toml", OUTCOME,
        "records/analysis.toml: outcomes: their likelihoods cannot add up to 100%"),
    "assumption no judgment rests on": (
        "analysis.toml", '''
[[assumption]]
id = "test-assumption"
text = "Written for the test."
basis = "Written for the test."
if_wrong = "Written for the test."
judgments = []
cite = ["profit-2025-12-10-exim-reko-diq"]
''', "records/analysis.toml: assumption test-assumption: names no judgment"),
    "invalid TOML": (
        "benefits.toml", "\n[[benefit]\nid = 'x'\n", "records/benefits.toml: is not valid TOML"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_record_fails_cleanly(case: str, resources_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "briefing.db"
    build_database(resources_copy, out)
    before = out.read_bytes()
    file, text, expected = CASES[case]
    _append(resources_copy, file, text)
    result = run_cli("build-db", "--resources", str(resources_copy), "--output", str(out))
    assert result.returncode == 2, result.stderr
    assert expected in result.stderr
    assert "Traceback" not in result.stderr
    assert "left untouched" in result.stderr
    assert out.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_a_record_naming_what_each_quote_supports_builds(resources_copy: Path,
                                                         tmp_path: Path) -> None:
    """The test records themselves are sound: a claim matches its quote across case, plural
    and possessive endings ("Pakistan's minerals", "Pakistan Minerals") and across a state's
    names ("Washington" for "US")."""
    _append(resources_copy, "timeline.toml", EVENT + EVENT.replace("test-event", "test-event-2")
            .replace('"the US seeks Pakistan\'s minerals"', '"the US seeks"')
            .replace("US Seeks Pakistan Minerals to Counter China Control",
                     "has caught Washington's attention"))
    _append(resources_copy, "overview.toml", JUDGMENT)
    _append(resources_copy, "analysis.toml", INDICATOR)
    build_database(resources_copy, tmp_path / "briefing.db")


def _replace_source(resources: Path, data: bytes) -> None:
    (resources / "sources" / "us-seeks-pakistan-minerals.txt").write_bytes(data)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"\xff\xfe not utf-8 \x80", "sources/us-seeks-pakistan-minerals.txt: is not UTF-8 text"),
        (b"", "sources/us-seeks-pakistan-minerals.txt: is empty"),
        (b"a" * (6 * 1024 * 1024), "sources/us-seeks-pakistan-minerals.txt: file is too large"),
    ],
    ids=["not-utf8", "empty", "huge"],
)
def test_bad_source_document_fails_cleanly(data: bytes, expected: str, resources_copy: Path,
                                           tmp_path: Path) -> None:
    out = tmp_path / "briefing.db"
    build_database(resources_copy, out)
    before = out.read_bytes()
    _replace_source(resources_copy, data)
    result = run_cli("build-db", "--resources", str(resources_copy), "--output", str(out))
    assert result.returncode == 2
    assert expected in result.stderr
    assert "Traceback" not in result.stderr
    assert out.read_bytes() == before


def test_source_without_metadata_is_named(resources_copy: Path, tmp_path: Path) -> None:
    (resources_copy / "sources" / "orphan.txt").write_text("Orphan\n\nText.\n", encoding="utf-8")
    result = run_cli("build-db", "--resources", str(resources_copy),
                     "--output", str(tmp_path / "x.db"))
    assert result.returncode == 2
    assert "sources/orphan.txt: has no metadata file orphan.toml beside it" in result.stderr
    assert not (tmp_path / "x.db").exists()


def test_all_problems_are_reported_at_once(resources_copy: Path, tmp_path: Path) -> None:
    _append(resources_copy, "timeline.toml", EVENT + 'colour = "red"\n' + EVENT)
    result = run_cli("build-db", "--resources", str(resources_copy),
                     "--output", str(tmp_path / "x.db"))
    assert result.returncode == 2
    assert "unknown field 'colour'" in result.stderr
    assert "duplicate id" in result.stderr
