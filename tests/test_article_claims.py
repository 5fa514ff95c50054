"""Every claim of the source article reaches the briefing's export (issue 17).

``resources/records/claims.toml`` lists the article claim by claim (every sentence and list
item: fact, framing, assessment) with the records that carry each one. These tests fail when a
sentence of the article is missing from the inventory, when a claim is not verbatim, when a
claim maps to no record or to one the database lacks, and when a mapped record's text does not
reach the Markdown export.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

from briefing_app.domain import ItemRef
from briefing_app.export.run import export_briefing
from briefing_app.paths import bundled_database, resources_dir
from briefing_app.store.briefing import BriefingStore

from .test_export_content import _flat, read_back

STORE = BriefingStore(bundled_database())
INVENTORY = resources_dir() / "records" / "claims.toml"
TYPES = {"fact", "framing", "assessment", "list-item"}
_LIST_ITEM = re.compile(r"^(?:\u2022|\d+\.)\s+(.+)$")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


def _inventory() -> dict[str, Any]:
    with INVENTORY.open("rb") as fh:
        return tomllib.load(fh)


def _source_text(source_id: str) -> str:
    return (resources_dir() / "sources" / f"{source_id}.txt").read_text(encoding="utf-8")


def split_claims(text: str) -> list[str]:
    """The article's claims in order: each list item (without its bullet or number) and each
    sentence of a paragraph. A line with no closing punctuation is a heading, not a claim."""
    claims: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        item = _LIST_ITEM.match(line)
        if item:
            claims.append(item.group(1))
        elif re.search(r"[.!?][\"\u201d]?$", line):
            claims.extend(_SENTENCE_END.split(line))
    return claims


INV = _inventory()
CLAIMS: list[dict[str, Any]] = INV["claim"]
SOURCE = _source_text(INV["source"])


def _ref(text: str) -> ItemRef:
    kind, _, item_id = text.partition(":")
    return ItemRef(kind, item_id)


def printed_texts(store: BriefingStore) -> dict[ItemRef, list[str]]:
    """For each record, the fields an export prints for it (as ``build.py`` lays them out):
    its name or title, its main text and its caveat."""
    o = store.overview()
    out: dict[ItemRef, list[str]] = {ItemRef("overview", o.id): [o.bluf, o.caveat]}
    fields: dict[str, tuple[list[Any], tuple[str, ...]]] = {
        "judgment": (store.judgments(), ("text", "basis", "caveat")),
        "figure": (store.figures(), ("label", "measures", "caveat")),
        "actor": (store.actors(), ("name", "description", "caveat")),
        "region": (store.regions(), ("name", "description", "caveat")),
        "mineral": (store.minerals(), ("name", "uses", "strategic", "occurrence", "caveat")),
        "project": (store.projects(), ("name", "description", "caveat")),
        "event": (store.events(), ("title", "summary", "caveat")),
        "era": (store.eras(), ("title", "description", "caveat")),
        "benefit": (store.benefits(), ("title", "description", "caveat")),
        "risk": (store.risks(), ("title", "description")),
    }
    for kind, (records, names) in fields.items():
        for r in records:
            out[ItemRef(kind, r.id)] = [getattr(r, n) for n in names]
    return {ref: [t for t in texts if t] for ref, texts in out.items()}


@pytest.fixture(scope="module")
def markdown(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = export_briefing(STORE, None, "md", tmp_path_factory.mktemp("claims") / "all.md")
    return _flat(read_back(path, "md"))


def test_every_sentence_and_list_item_of_the_article_is_in_the_inventory() -> None:
    expected = split_claims(SOURCE)
    assert len(expected) >= 20  # the splitter found the article's body, not only headings
    assert [c["text"] for c in CLAIMS] == expected


def test_claims_are_numbered_typed_and_verbatim() -> None:
    assert [c["id"] for c in CLAIMS] == [f"c{n:02d}" for n in range(1, len(CLAIMS) + 1)]
    for c in CLAIMS:
        assert c["type"] in TYPES, c["id"]
        assert c["text"] in SOURCE, c["id"]
    kinds = {c["type"] for c in CLAIMS}
    assert kinds == TYPES  # framing and assessments are inventoried, not only facts


def test_every_claim_maps_to_records_in_the_built_database() -> None:
    unmapped = [c["id"] for c in CLAIMS if not c.get("records")]
    assert unmapped == []
    missing = [(c["id"], r) for c in CLAIMS for r in c["records"]
               if STORE.item(_ref(r)) is None]
    assert missing == []


def test_every_claim_is_anchored_in_one_of_its_records() -> None:
    """At least one record that carries a claim quotes words of that very sentence, so the
    mapping cannot drift to records that merely sit nearby."""
    def quotes(ref: ItemRef) -> list[str]:
        return [p.quote for p in STORE.provenance(ref) if p.kind == "quote" and p.quote]

    loose = [c["id"] for c in CLAIMS
             if not any(q in c["text"] for r in c["records"] for q in quotes(_ref(r)))]
    assert loose == []


def test_every_claims_records_reach_the_markdown_export(markdown: str) -> None:
    texts = printed_texts(STORE)
    lost = [(c["id"], r) for c in CLAIMS for r in c["records"]
            if not texts.get(_ref(r))
            or any(_flat(t) not in markdown for t in texts[_ref(r)])]
    assert lost == []


def test_framing_and_assessments_are_carried_as_the_articles_view() -> None:
    """Framing is said as the article's, in a record that is not one of the briefing's own
    judgments (those may only cite the article in their basis)."""
    texts = printed_texts(STORE)
    for c in CLAIMS:
        if c["type"] not in ("framing", "assessment"):
            continue
        carriers = [_ref(r) for r in c["records"] if not r.startswith("judgment:")]
        assert carriers, f"{c['id']} is carried only by the briefing's judgments"
        assert any("article" in t.lower() for ref in carriers for t in texts[ref]), c["id"]


def test_the_inventory_is_next_to_the_records_but_not_a_record_file() -> None:
    from briefing_app.dataset.schema import RECORD_FILES

    assert INVENTORY.parent == Path(resources_dir() / "records")
    assert INVENTORY.name not in RECORD_FILES
