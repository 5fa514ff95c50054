"""Read and check the build's inputs: source documents, curated records and map data.

Every problem is collected (not only the first) and reported as ``file: record id: what is
wrong``, so one run of the build tells the curator everything to fix.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..text import PassageSpan, check_date, split_passages
from .geo import geometry_polygons
from .schema import KINDS, RECORD_FILES, SOURCE_FIELDS, F, Kind

SLUG = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
MAX_FILE_BYTES = 5 * 1024 * 1024  # a source document
MAX_RECORD_FILE_BYTES = 64 * 1024 * 1024  # a record file (a large briefing's timeline)
MAP_FILES = ("map/boundaries.geojson", "map/places.csv")


@dataclass(frozen=True)
class Problem:
    file: str
    record: str
    message: str

    def __str__(self) -> str:
        if self.record:
            return f"{self.file}: {self.record}: {self.message}"
        return f"{self.file}: {self.message}"


class BuildError(Exception):
    """The inputs have problems; nothing was written."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class SourceDoc:
    id: str
    file: str
    text: str
    meta: dict[str, Any]
    passages: list[PassageSpan]

    @property
    def title(self) -> str:
        return str(self.meta.get("title") or self.text.split("\n", 1)[0].strip())


@dataclass(frozen=True)
class QuoteSpan:
    source_id: str
    start: int
    end: int


@dataclass
class Record:
    kind: str
    file: str
    data: dict[str, Any]
    quotes: list[tuple[str, QuoteSpan | None]] = field(default_factory=list)

    @property
    def id(self) -> str:
        return str(self.data.get("id", "?"))

    def label(self) -> str:
        return f"{self.kind} {self.id}"

    def supports(self) -> list[str]:
        """The record's ``supports`` entries (one text or a list), in order; the entry for
        quote N is the Nth."""
        value = self.data.get("supports")
        items = [value] if isinstance(value, str) else value if isinstance(value, list) else []
        return [v for v in items if isinstance(v, str)]


@dataclass
class Inputs:
    sources: list[SourceDoc]
    records: dict[str, list[Record]]
    boundaries: list[dict[str, Any]]
    places: dict[str, dict[str, Any]]
    file_hashes: dict[str, str]

    def content_hash(self) -> str:
        h = hashlib.sha256()
        for path in sorted(self.file_hashes):
            h.update(f"{path}\0{self.file_hashes[path]}\n".encode())
        return h.hexdigest()


class _Reader:
    """Reads files below the resources folder, recording hashes and problems."""

    def __init__(self, root: Path):
        self.root = root
        self.problems: list[Problem] = []
        self.hashes: dict[str, str] = {}

    def rel(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def problem(self, file: str, record: str, message: str) -> None:
        self.problems.append(Problem(file, record, message))

    def text(self, path: Path, limit: int = MAX_FILE_BYTES) -> str | None:
        rel = self.rel(path)
        try:
            size = path.stat().st_size
            if size > limit:
                self.problem(
                    rel, "", f"file is too large ({size / 1048576:.1f} MB; the limit is "
                    f"{limit // 1048576} MB)"
                )
                return None
            data = path.read_bytes()
        except OSError as exc:
            self.problem(rel, "", f"cannot be read: {exc.strerror or exc}")
            return None
        self.hashes[rel] = hashlib.sha256(data).hexdigest()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            self.problem(rel, "", f"is not UTF-8 text (invalid byte at offset {exc.start})")
            return None
        if not text.strip():
            self.problem(rel, "", "is empty")
            return None
        return text

    def toml(self, path: Path, limit: int = MAX_FILE_BYTES) -> dict[str, Any] | None:
        text = self.text(path, limit)
        if text is None:
            return None
        try:
            return tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            self.problem(self.rel(path), "", f"is not valid TOML: {exc}")
            return None


def _check_value(name: str, spec: F, value: Any) -> str | None:
    t = spec.type
    if t in ("text", "place", "boundary", "ref"):
        if not isinstance(value, str) or not value.strip():
            return f"field {name!r} must be non-empty text"
    elif t == "number":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return f"field {name!r} must be a number"
    elif t == "scale":
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
            return f"field {name!r} must be a whole number from 1 to 5, not {value!r}"
    elif t == "date":
        problem = check_date(value)
        return f"field {name!r}: {problem}" if problem else None
    elif t in ("texts", "refs"):
        if not isinstance(value, list) or not all(
            isinstance(v, str) and v.strip() for v in value
        ):
            return f"field {name!r} must be a list of non-empty text"
        if t == "texts" and not value:
            return f"field {name!r} must not be empty"
    elif t == "quotes":
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not items or not all(
            isinstance(v, str) and v.strip() for v in items
        ):
            return f"field {name!r} must be text or a list of non-empty text"
    elif t == "enum" and value not in spec.choices:
        return f"field {name!r} is {value!r}; expected one of: " + ", ".join(
            str(c) for c in spec.choices
        )
    return None


_WORDS = re.compile(r"\w+")


class QuoteFinder:
    """Finds a quote in the first source that contains it, like trying each in turn, but
    searching only the sources that contain every whole word inside the quote: a large
    briefing has thousands of quotes and documents."""

    def __init__(self, sources: list[SourceDoc]):
        self.sources = sources
        self.words = [set(_WORDS.findall(doc.text)) for doc in sources]

    def find(self, quote: str) -> QuoteSpan | None:
        # The first and last words of a quote may be parts of words; the others are whole.
        inner = _WORDS.findall(quote)[1:-1]
        for doc, words in zip(self.sources, self.words, strict=True):
            if not all(w in words for w in inner):
                continue
            at = doc.text.find(quote)
            if at >= 0:
                return QuoteSpan(doc.id, at, at + len(quote))
        return None


def _normalise(text: str) -> str:
    table = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
                           "\u2013": "-", "\u2014": "-"})
    return " ".join(text.translate(table).split()).casefold()


def _quote_problem(quote: str, sources: list[SourceDoc]) -> str:
    short = quote if len(quote) <= 60 else quote[:57] + "..."
    if any(_normalise(quote) in _normalise(doc.text) for doc in sources):
        return (f"quote {short!r} is not verbatim in any source: it differs in quote marks, "
                "dashes, spacing or case")
    return f"quote {short!r} is not found in any source document"


def _read_sources(reader: _Reader) -> list[SourceDoc]:
    folder = reader.root / "sources"
    docs: list[SourceDoc] = []
    if not folder.is_dir():
        reader.problem("sources", "", "folder is missing")
        return docs
    texts = sorted(folder.glob("*.txt"))
    if not texts:
        reader.problem("sources", "", "holds no source documents (*.txt)")
    seen: dict[str, str] = {}
    for path in texts:
        rel = reader.rel(path)
        meta_path = path.with_suffix(".toml")
        text = reader.text(path)
        meta: dict[str, Any] | None = {}
        if not meta_path.exists():
            reader.problem(rel, "", f"has no metadata file {meta_path.name} beside it")
            meta = None
        else:
            meta = reader.toml(meta_path)
            if meta is not None:
                meta_rel = reader.rel(meta_path)
                for key, value in meta.items():
                    spec = SOURCE_FIELDS.get(key)
                    if spec is None:
                        reader.problem(meta_rel, "", f"unknown field {key!r} (allowed: "
                                       + ", ".join(SOURCE_FIELDS) + ")")
                    elif (why := _check_value(key, spec, value)) is not None:
                        reader.problem(meta_rel, "", why)
                for key, spec in SOURCE_FIELDS.items():
                    if spec.required and key not in meta:
                        reader.problem(meta_rel, "", f"missing required field {key!r}")
        if text is None or meta is None:
            continue
        doc_id = str(meta.get("id") or path.stem)
        if not SLUG.match(doc_id):
            reader.problem(rel, doc_id, "source id must be a slug (lowercase letters, digits, "
                           "hyphens)")
        if doc_id in seen:
            reader.problem(rel, doc_id, f"duplicate source id (also {seen[doc_id]})")
            continue
        seen[doc_id] = rel
        docs.append(SourceDoc(doc_id, rel, text, meta, split_passages(text)))
    return docs


def _read_map(reader: _Reader) -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]]]:
    boundaries: list[dict[str, Any]] = []
    places: dict[str, dict[str, Any]] = {}
    b_path = reader.root / MAP_FILES[0]
    text = reader.text(b_path) if b_path.exists() else None
    if not b_path.exists():
        reader.problem(MAP_FILES[0], "", "is missing")
    if text is not None:
        try:
            data = json.loads(text)
            for feature in data["features"]:
                props = feature["properties"]
                name = str(props["name"])
                boundaries.append(
                    {"name": name, "kind": str(props.get("kind", "")),
                     "polygons": geometry_polygons(feature["geometry"])}
                )
        except (ValueError, KeyError, TypeError) as exc:
            reader.problem(MAP_FILES[0], "", f"is not a usable GeoJSON FeatureCollection: {exc}")
    p_path = reader.root / MAP_FILES[1]
    text = reader.text(p_path) if p_path.exists() else None
    if not p_path.exists():
        reader.problem(MAP_FILES[1], "", "is missing")
    if text is not None:
        for n, row in enumerate(csv.DictReader(io.StringIO(text)), start=2):
            try:
                places[row["name"]] = {
                    "name": row["name"], "lat": float(row["lat"]), "lon": float(row["lon"]),
                    "admin1": row.get("admin1") or "", "source": row.get("source") or "",
                    "source_id": row.get("source_id") or "",
                }
            except (KeyError, TypeError, ValueError) as exc:
                reader.problem(MAP_FILES[1], f"line {n}", f"bad place row: {exc}")
    return boundaries, places


def _read_records(reader: _Reader, sources: list[SourceDoc]) -> dict[str, list[Record]]:
    records: dict[str, list[Record]] = {name: [] for name in KINDS}
    finder = QuoteFinder(sources)
    folder = reader.root / "records"
    for file in RECORD_FILES:
        path = folder / file
        rel = f"records/{file}"
        if not path.exists():
            reader.problem(rel, "", "is missing")
            continue
        data = reader.toml(path, MAX_RECORD_FILE_BYTES)
        if data is None:
            continue
        kinds = [k for k in KINDS.values() if k.file == file]
        known = {k.key for k in kinds}
        for key in data:
            if key not in known:
                reader.problem(rel, "", f"unknown section {key!r} (expected: "
                               + ", ".join(sorted(known)) + ")")
        for kind in kinds:
            raw = data.get(kind.key)
            if raw is None:
                header = f"[{kind.key}]" if kind.single else f"[[{kind.key}]]"
                reader.problem(rel, "", f"has no {header} records")
                continue
            rows = [raw] if kind.single else raw
            if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
                reader.problem(rel, "", f"{kind.key!r} must be "
                               + ("a table" if kind.single else "an array of tables"))
                continue
            for row in rows:
                record = Record(kind.name, rel, row)
                _check_record(reader, kind, record, finder)
                records[kind.name].append(record)
    return records


def _check_record(reader: _Reader, kind: Kind, record: Record, finder: QuoteFinder) -> None:
    spec = kind.all_fields()
    data = record.data
    where = record.label()
    ident = data.get("id")
    if not isinstance(ident, str) or not SLUG.match(ident):
        reader.problem(record.file, where, "id must be a slug (lowercase letters, digits and "
                       "hyphens, starting with a letter)")
    for name, value in data.items():
        field_spec = spec.get(name)
        if field_spec is None:
            reader.problem(record.file, where, f"unknown field {name!r}")
        elif (why := _check_value(name, field_spec, value)) is not None:
            reader.problem(record.file, where, why)
    for name, field_spec in spec.items():
        if field_spec.required and name not in data:
            reader.problem(record.file, where, f"missing required field {name!r}")
    if kind.provenance:
        quotes = data.get("quote")
        cites = data.get("cite")
        if not quotes and not cites:
            reader.problem(record.file, where, "has no provenance: give a 'quote' from a "
                           "source document or 'cite' a citation id")
        if isinstance(quotes, (str, list)):
            for quote in [quotes] if isinstance(quotes, str) else quotes:
                if not isinstance(quote, str):
                    continue
                span = finder.find(quote)
                if span is None:
                    reader.problem(record.file, where, _quote_problem(quote, finder.sources))
                record.quotes.append((quote, span))


# The scale's words as they appear in running text ("almost certain" for "almost certainly"),
# longest first so that "very likely" is read as itself and not as "likely".
_ESTIMATIVE_IN_TEXT = {"almost certainly": "almost certainly", "almost certain": "almost certainly",
                       "very likely": "very likely", "very unlikely": "very unlikely",
                       "roughly even chance": "roughly even chance",
                       "almost no chance": "almost no chance", "unlikely": "unlikely",
                       "likely": "likely"}
_ESTIMATIVE_PATTERN = re.compile(
    r"\b(" + "|".join(re.escape(w) for w in sorted(_ESTIMATIVE_IN_TEXT, key=len, reverse=True))
    + r")\b", re.IGNORECASE)


def _check_estimative_words(reader: _Reader, inputs: Inputs) -> None:
    """A judgment's or an alternative outcome's text may use no likelihood word but its own:
    "likely" in the text of a judgment rated "very likely" says something the record's fields do
    not (issue 17). Off-scale words in the field itself are refused by the schema."""
    for kind in ("judgment", "outcome"):
        for record in inputs.records.get(kind, []):
            rated = record.data.get("estimative")
            text = " ".join(t for t in (record.data.get("title"), record.data.get("text"))
                            if isinstance(t, str))
            if not isinstance(rated, str) or not text:
                continue
            said = sorted({_ESTIMATIVE_IN_TEXT[m.group(1).lower()]
                           for m in _ESTIMATIVE_PATTERN.finditer(text)} - {rated})
            if said:
                reader.problem(record.file, record.label(),
                               f"the text says {', '.join(repr(w) for w in said)} but the "
                               f"{kind} is rated {rated!r}: use the rating's words, or change "
                               "the rating")


def _check_analysis(reader: _Reader, inputs: Inputs) -> None:
    """ICD 203's items hold together (issue 17): every key judgment says what would change
    it (at least one indicator), every indicator is tied to a dated event or a figure of the
    briefing, every key assumption names the judgments that rest on it, and the alternative
    outcomes' likelihoods can add up: some probability in each outcome's range must make 100%
    with the others (the sum of the ranges' lows at most 100, of their highs at least 100)."""
    recs = inputs.records
    watched = {r.data.get("judgment") for r in recs.get("indicator", [])}
    for record in recs.get("judgment", []):
        if record.id not in watched:
            reader.problem(record.file, record.label(),
                           "no indicator says what would change this judgment: add an "
                           "'indicator' record for it in analysis.toml")
    for record in recs.get("indicator", []):
        if not record.data.get("events") and not record.data.get("figures"):
            reader.problem(record.file, record.label(),
                           "is tied to nothing: name the timeline 'events' or key 'figures' "
                           "to watch")
    for record in recs.get("assumption", []):
        if not record.data.get("judgments"):
            reader.problem(record.file, record.label(),
                           "names no judgment that rests on it ('judgments')")
    outcomes = recs.get("outcome", [])
    if not outcomes:
        return
    if len(outcomes) < 2:
        reader.problem(outcomes[0].file, outcomes[0].label(),
                       "one outcome is no alternative: give at least two")
        return
    ranges: dict[object, tuple[float, float]] = {}
    for r in recs.get("estimative", []):
        lo, hi = r.data.get("low"), r.data.get("high")
        if isinstance(lo, int | float) and isinstance(hi, int | float):
            ranges[r.data.get("word")] = (float(lo), float(hi))
    spans = [ranges.get(r.data.get("estimative")) for r in outcomes]
    known = [s for s in spans if s is not None]
    if len(known) < len(spans):
        return  # a word off the scale is reported by the schema
    low = sum(s[0] for s in known)
    high = sum(s[1] for s in known)
    if low > 100 or high < 100:
        words = ", ".join(f"{r.id} {r.data.get('estimative')}" for r in outcomes)
        reader.problem(outcomes[0].file, "outcomes",
                       f"their likelihoods cannot add up to 100% ({words}: the ranges add up "
                       f"to {low:g}-{high:g}%): the outcomes exclude each other and cover the "
                       "field, so change a rating or an outcome")


# Words too common to show that a quote and a claim are about the same thing.
_STOP_WORDS = frozenset({
    "a", "an", "and", "are", "as", "at", "be", "been", "but", "by", "for", "from", "had", "has",
    "have", "in", "into", "is", "it", "its", "of", "on", "or", "that", "the", "their", "them",
    "they", "this", "those", "to", "was", "were", "which", "will", "with"})
_TOKEN = re.compile(r"\w+(?:'\w+)*")
# A state named by its capital or its adjective is the same name ("Washington's attention" is
# "US interest"): the article and the records name the three states every way.
_SAME_NAME = {"washington": "us", "america": "us", "american": "us", "beijing": "china",
              "chinese": "china", "islamabad": "pakistan", "pakistani": "pakistan"}


def _content_words(text: str) -> set[str]:
    """The words of ``text`` that carry content, lower-cased, with a possessive or a plural
    ending dropped ("China's" is "china", "minerals" is "mineral", "supplies" is "supply")
    and a state's other names read as its name (``_SAME_NAME``); numbers are words too
    ("90%" gives "90")."""
    words: set[str] = set()
    for token in _TOKEN.findall(text.replace("\u2019", "'").casefold()):
        word = token.removesuffix("'s")
        if len(word) > 3 and word.endswith("ies"):
            word = word[:-3] + "y"
        elif len(word) > 3 and word.endswith("es") and word[:-2].endswith(("s", "x", "ch", "sh")):
            word = word[:-2]
        elif len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        word = _SAME_NAME.get(word, word)
        if word not in _STOP_WORDS and (len(word) > 1 or word.isdigit()):
            words.add(word)
    return words


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 60 else text[:57] + "..."


def _check_supports(reader: _Reader, inputs: Inputs) -> None:
    """Each quote names the record's own words that it backs, so a reviewer can check the two
    side by side (issue 17; ``briefing-app review`` marks both). Three simple checks:

    - one ``supports`` entry per quote, in the same order (a missing one is named by the
      quote's number, counted as in the review);
    - each entry is copied from the record itself: it occurs, with spacing normalised, in one
      of the kind's text fields or its caveat (``Kind.claim_fields``), so it says what the
      record says and not what a curator wishes it said;
    - a quote and the claim it supports share at least one content word or number (ignoring
      case, a few stop words, plural or possessive endings, and which of its names a state
      goes by; see ``_content_words``): a claim with no word in common with its quote is
      almost always paired with the wrong quote. Sharing a word does not prove support; that
      is left to the reviewer.
    """
    for kind_name, rows in inputs.records.items():
        kind = KINDS[kind_name]
        if not kind.provenance:
            continue
        fields = kind.claim_fields()
        for record in rows:
            quotes = [quote for quote, _span in record.quotes]
            supports = record.supports()
            if not quotes and not supports:
                continue
            where = record.label()
            for n in range(len(supports) + 1, len(quotes) + 1):
                reader.problem(record.file, where,
                               f"quote {n} names no supporting claim: add a 'supports' entry "
                               "(the record's own words that the quote backs), one per quote "
                               "in the same order")
            if len(supports) > len(quotes):
                reader.problem(record.file, where,
                               f"'supports' has {len(supports)} entries for {len(quotes)} "
                               "quote(s): give exactly one per quote, in the same order")
            texts = [" ".join(value.split()) for name in fields
                     if isinstance(value := record.data.get(name), str)]
            for n, claim in enumerate(supports, start=1):
                if not claim.strip() or " ".join(claim.split()) not in "\n".join(texts):
                    reader.problem(record.file, where,
                                   f"supports entry {n} {_short(claim)!r} is not in the record's "
                                   "own words: copy it verbatim from one of its fields ("
                                   + ", ".join(fields) + ")")
            # (a missing or extra entry is reported above; pair those there are)
            pairs = zip(quotes[:len(supports)], supports[:len(quotes)], strict=True)
            for n, (quote, claim) in enumerate(pairs, start=1):
                if not _content_words(quote) & _content_words(claim):
                    reader.problem(record.file, where,
                                   f"quote {n} shares no word with the claim it supports "
                                   f"({_short(claim)!r}): name the record's words that this "
                                   "quote backs")


def _check_references(reader: _Reader, inputs: Inputs) -> None:
    ids: dict[str, set[str]] = {}
    for kind, rows in inputs.records.items():
        seen: dict[str, Record] = {}
        for record in rows:
            if record.id in seen:
                reader.problem(record.file, record.label(), "duplicate id (defined more than once)")
            seen[record.id] = record
        ids[kind] = set(seen)
    boundary_names = {b["name"] for b in inputs.boundaries}
    for kind_name, rows in inputs.records.items():
        spec = KINDS[kind_name].all_fields()
        for record in rows:
            for name, field_spec in spec.items():
                value = record.data.get(name)
                if value is None:
                    continue
                if field_spec.type in ("ref", "refs"):
                    targets = [value] if isinstance(value, str) else value
                    known = ids.get(field_spec.target, set())
                    for target in targets if isinstance(targets, list) else []:
                        if isinstance(target, str) and target not in known:
                            reader.problem(record.file, record.label(),
                                           f"{name} refers to unknown {field_spec.target} "
                                           f"{target!r}")
                elif field_spec.type == "place" and value not in inputs.places:
                    reader.problem(record.file, record.label(),
                                   f"{name} {value!r} is not a place in map/places.csv")
                elif field_spec.type == "boundary" and value not in boundary_names:
                    reader.problem(record.file, record.label(),
                                   f"{name} {value!r} is not a boundary in "
                                   "map/boundaries.geojson")
    _check_estimative_words(reader, inputs)
    _check_supports(reader, inputs)
    _check_analysis(reader, inputs)
    for record in inputs.records["era"]:
        start, end = record.data.get("start"), record.data.get("end")
        if isinstance(start, str) and isinstance(end, str) and end < start[: len(end)]:
            reader.problem(record.file, record.label(), f"ends ({end}) before it starts ({start})")


def load_inputs(root: Path) -> Inputs:
    """Read and check everything under ``root``; raise BuildError listing every problem."""
    reader = _Reader(root)
    if not root.is_dir():
        raise BuildError([Problem(str(root), "", "resources folder not found")])
    sources = _read_sources(reader)
    boundaries, places = _read_map(reader)
    records = _read_records(reader, sources)
    inputs = Inputs(sources, records, boundaries, places, reader.hashes)
    _check_references(reader, inputs)
    if reader.problems:
        raise BuildError(reader.problems)
    return inputs
