"""Synthetic briefings at 10x, 100x and 1000x the shipped one, for the scale benchmarks.

Writes a resources/ folder the way a curator would (the real map data, the real records and
source, plus synthetic source documents and records appended to the real record files), builds
it with the app's own ``build_database`` and fills a workspace with the app's own
``open_workspace`` / ``add_note`` / ``set_checklist_field``. Everything is seeded, so the same
size gives the same data; datasets are cached under the system temp folder (see ``cache_root``)
keyed by this file's and the real resources' contents.

Scaled by the factor: events, source passages, minerals, risks and notes (the shipped briefing
has no notes; "1x" is taken as NOTES_AT_1X notes, about one per seven items). Everything else
(actors and lanes, regions, projects, judgments, figures, eras, benefits, citations) stays as
shipped: synthetic records refer to the real actors, the four real regions and the real
citations, so every reference and every citation stays valid.

    .venv/bin/python tests/perf/generate.py --sizes 10,100 [--force]
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import hashlib
import json
import os
import random
import re
import shutil
import sqlite3
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

RESOURCES = ROOT / "resources"
SHIPPED_DB = RESOURCES / "briefing.db"
NOTES_AT_1X = 30
PASSAGES_PER_DOC = 24  # as the shipped source document
SEED = 20251128
#: Bump when a change here changes the generated data (cached datasets are then rebuilt).
DATA_VERSION = 2

# Real ids the synthetic records point at (checked against the shipped database at start).
LANES = ("united-states", "pakistan", "china", "minerals-security-partnership",
         "barrick-gold", "balochistan-liberation-army", "us-exim", "mofcom")
LANE_WEIGHTS = (15, 9, 13, 2, 7, 3, 2, 2)
REGIONS = ("balochistan", "khyber-pakhtunkhwa", "sindh", "gilgit-baltistan")
CATEGORIES = ("diplomacy", "investment", "policy", "security", "export-control", "legal",
              "trade")
MINERAL_BASES = (
    "Lithium", "Copper", "Gold", "Antimony", "Chromite", "Rare earths", "Graphite", "Nickel",
    "Cobalt", "Tungsten", "Molybdenum", "Zinc", "Lead", "Iron ore", "Bauxite", "Gemstones",
    "Marble", "Coal", "Gallium", "Germanium", "Manganese", "Barite", "Fluorite", "Magnesite",
    "Silica sand", "Gypsum", "Rock salt", "Tin", "Vanadium", "Titanium", "Zirconium",
    "Platinum", "Silver", "Uranium", "Beryllium", "Tantalum", "Niobium", "Phosphate",
)
MINERAL_VARIANTS = ("ore", "concentrate", "placer", "vein", "tailings", "brine", "deposit",
                    "prospect", "belt", "showing")
TAGS = ("follow-up", "verify", "contract", "security", "china", "finance", "legal",
        "for-brief", "disputed", "numbers")
COLOURS = ("", "", "yellow", "green", "blue", "pink", "orange")
PUBLISHERS = ("Synthetic Wire", "Regional Monitor", "Minerals Review", "Policy Digest",
              "Trade Bulletin")
#: The kinds a note may be attached to, with weights (text ranges of sources come on top).
NOTE_TARGETS = (("event", 35), ("risk", 20), ("mineral", 15), ("judgment", 4),
                ("figure", 4), ("actor", 4), ("project", 4), ("region", 2), ("era", 2),
                ("benefit", 2), ("source", 3), ("overview", 1))
TEXT_NOTE_SHARE = 0.2
_WORD = re.compile(r"[A-Za-z][A-Za-z'\-]{1,}")


def cache_root() -> Path:
    return Path(tempfile.gettempdir()) / "briefing-perf-cache"


def shipped_counts() -> dict[str, int]:
    conn = sqlite3.connect(f"{SHIPPED_DB.resolve().as_uri()}?mode=ro", uri=True)
    try:
        row = conn.execute("SELECT value FROM meta WHERE key = 'counts'").fetchone()
    finally:
        conn.close()
    counts: dict[str, int] = json.loads(row[0])
    counts["note"] = NOTES_AT_1X
    return counts


def dataset_key() -> str:
    """Changes when DATA_VERSION, any real input, or the app's code that builds the database
    and writes the workspace changes (then the cache is rebuilt)."""
    h = hashlib.sha256(f"{DATA_VERSION}".encode())
    app = ROOT / "briefing_app"
    for path in sorted([*(app / "build").glob("*.py"), app / "store" / "workspace.py",
                        app / "domain.py", SHIPPED_DB]):
        h.update(path.read_bytes())
    for path in sorted(RESOURCES.rglob("*")):
        if path.is_file() and path.suffix in (".txt", ".toml", ".geojson", ".csv"):
            h.update(str(path.relative_to(RESOURCES)).encode())
            h.update(path.read_bytes())
    return h.hexdigest()[:12]


@dataclass
class Dataset:
    """A generated briefing: its resources folder, built database and workspace."""

    size: int
    folder: Path

    @property
    def resources(self) -> Path:
        return self.folder / "resources"

    @property
    def database(self) -> Path:
        return self.folder / "briefing.db"

    @property
    def workspace(self) -> Path:
        return self.folder / "workspace"

    @property
    def info(self) -> dict[str, object]:
        data: dict[str, object] = json.loads((self.folder / "info.json").read_text("utf-8"))
        return data


# -- text ------------------------------------------------------------------------------------
class Prose:
    """Plausible-looking sentences from the vocabulary (and word frequencies) of the real
    briefing, so searches for real words find synthetic passages too."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        counts: collections.Counter[str] = collections.Counter()
        for path in list((RESOURCES / "sources").glob("*.txt")) + list(
                (RESOURCES / "records").glob("*.toml")):
            text = path.read_text("utf-8")
            if path.suffix == ".toml":  # values only, not keys or ids
                text = " ".join(v for v in re.findall(r'"([^"]{20,})"', text)
                                if v.count(" ") >= 3 and "://" not in v)
            counts.update(w for w in _WORD.findall(text) if not w.endswith("-"))
        self.words = list(counts)
        self.cum = list(_accumulate([counts[w] for w in self.words]))
        self.names = [w for w in self.words if w[0].isupper() and len(w) > 3]

    def _pick(self, k: int) -> list[str]:
        return self.rng.choices(self.words, cum_weights=self.cum, k=k)

    def sentence(self, lo: int = 10, hi: int = 26) -> str:
        words = self._pick(self.rng.randint(lo, hi))
        if self.rng.random() < 0.3:
            words.insert(self.rng.randrange(len(words)), str(self.rng.choice(
                (self.rng.randint(1950, 2025), f"{self.rng.randint(2, 98)}%",
                 f"US${self.rng.randint(1, 90)} bn"))))
        first = words[0]
        words[0] = first[0].upper() + first[1:]
        return " ".join(words) + "."

    def sentences(self, lo: int, hi: int) -> str:
        return " ".join(self.sentence() for _ in range(self.rng.randint(lo, hi)))

    def title(self, lo: int = 4, hi: int = 8) -> str:
        words = [w if w[0].isupper() else w.capitalize() for w in self._pick(
            self.rng.randint(lo, hi))]
        if self.rng.random() < 0.6:
            words.insert(0, self.rng.choice(self.names))
        return " ".join(words)[:88].rstrip(" -'")


def _accumulate(values: list[int]) -> list[int]:
    total, out = 0, []
    for v in values:
        total += v
        out.append(total)
    return out


def toml_str(value: str) -> str:
    """A TOML basic string (JSON escapes are valid TOML escapes)."""
    return json.dumps(value, ensure_ascii=False)


def toml_list(values: list[str]) -> str:
    return "[" + ", ".join(toml_str(v) for v in values) + "]"


# -- sources ---------------------------------------------------------------------------------
@dataclass
class SynDoc:
    id: str
    text: str
    bodies: list[str]  # the body paragraphs, each verbatim in text


def write_sources(folder: Path, n_docs: int, prose: Prose, rng: random.Random) -> list[SynDoc]:
    docs = []
    for d in range(1, n_docs + 1):
        doc_id = f"syn-report-{d:05d}"
        title = prose.title(6, 11)
        lines = [title]
        bodies = []
        for p in range(2, PASSAGES_PER_DOC + 1):
            if p % 6 == 2:
                lines.append(prose.title(3, 7))
            else:
                body = prose.sentences(2, 5)
                bodies.append(body)
                lines.append(body)
        text = "\n\n".join(lines) + "\n"
        (folder / f"{doc_id}.txt").write_text(text, encoding="utf-8")
        date = _date(rng, 2000, 2025, "day")
        (folder / f"{doc_id}.toml").write_text(
            f"id = {toml_str(doc_id)}\ntitle = {toml_str(title)}\n"
            f'kind = "synthetic report"\npublisher = {toml_str(rng.choice(PUBLISHERS))}\n'
            f"date = {toml_str(date)}\n"
            'origin = "tests/perf/generate.py (synthetic, for benchmarks only)"\n',
            encoding="utf-8")
        docs.append(SynDoc(doc_id, text, bodies))
    return docs


def quote_from(docs: list[SynDoc], rng: random.Random) -> str:
    """A few consecutive words of a synthetic paragraph: verbatim in that document."""
    body = rng.choice(rng.choice(docs).bodies).split(" ")
    k = rng.randint(6, 12)
    start = rng.randrange(max(1, len(body) - k))
    return " ".join(body[start:start + k])


def _date(rng: random.Random, lo: int, hi: int, precision: str) -> str:
    # Weighted towards recent years, as the real timeline is.
    year = int(rng.triangular(lo, hi + 0.999, hi))
    if precision == "year":
        return f"{year:04d}"
    month = rng.randint(1, 12)
    if precision == "month":
        return f"{year:04d}-{month:02d}"
    last = (dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return f"{year:04d}-{month:02d}-{rng.randint(1, last):02d}"


def _provenance(docs: list[SynDoc], citations: list[str], rng: random.Random) -> list[str]:
    lines = []
    caveat = []
    use_quote = rng.random() < 0.75
    if use_quote:
        quotes = [quote_from(docs, rng) for _ in range(rng.choice((1, 1, 1, 2)))]
        lines.append(f"quote = {toml_list(quotes)}")
        # Each quote backs words of the record (the build checks it): here its caveat's.
        lines.append(f"supports = {toml_list(quotes)}")
        caveat.append("The source says: " + "; ".join(quotes) + ".")
    if not use_quote or rng.random() < 0.5:
        lines.append(f"cite = {toml_list(rng.sample(citations, rng.randint(1, 3)))}")
    if rng.random() < 0.08:
        caveat.append(rng.choice(docs).bodies[0].split('. ')[0] + '.')
    if caveat:
        lines.append(f"caveat = {toml_str(' '.join(caveat))}")
    return lines


# -- records ---------------------------------------------------------------------------------
def synthetic_events(n: int, docs: list[SynDoc], citations: list[str], prose: Prose,
                     rng: random.Random) -> str:
    out = ["\n# ---- synthetic events (tests/perf/generate.py) ----\n"]
    for i in range(1, n + 1):
        precision = rng.choices(("day", "month", "year"), (60, 25, 15))[0]
        lane = rng.choices(LANES, LANE_WEIGHTS)[0]
        actors = [lane, *rng.sample([a for a in LANES if a != lane], rng.randint(0, 2))]
        rec = [
            "[[event]]",
            f'id = "syn-event-{i:06d}"',
            f"date = {toml_str(_date(rng, 1950, 2025, precision))}",
            f"title = {toml_str(prose.title(4, 9))}",
            f"summary = {toml_str(prose.sentences(1, 3))}",
            f"category = {toml_str(rng.choice(CATEGORIES))}",
            f"lane = {toml_str(lane)}",
            f"actors = {toml_list(actors)}",
        ]
        if precision == "day" and rng.random() < 0.1:
            rec.append(f"date_note = {toml_str(prose.sentence(6, 12))}")
        out.append("\n".join(rec + _provenance(docs, citations, rng)) + "\n")
    return "\n".join(out)


def synthetic_minerals(n: int, docs: list[SynDoc], citations: list[str], prose: Prose,
                       rng: random.Random) -> str:
    out = ["\n# ---- synthetic minerals (tests/perf/generate.py) ----\n"]
    for i in range(1, n + 1):
        name = (f"{rng.choice(MINERAL_BASES)} {rng.choice(MINERAL_VARIANTS)} "
                f"{rng.randint(1, 999)}")
        rec = [
            "[[mineral]]",
            f'id = "syn-mineral-{i:06d}"',
            f"name = {toml_str(name)}",
            f"uses = {toml_str(prose.sentences(1, 2))}",
            f"strategic = {toml_str(prose.sentences(1, 3))}",
            f"occurrence = {toml_str(prose.sentences(1, 2))}",
        ]
        if rng.random() < 0.9:
            rec.append(f"regions = {toml_list(rng.sample(REGIONS, rng.randint(1, 3)))}")
        out.append("\n".join(rec + _provenance(docs, citations, rng)) + "\n")
    return "\n".join(out)


def synthetic_risks(n: int, docs: list[SynDoc], citations: list[str], prose: Prose,
                    rng: random.Random) -> str:
    out = ["\n# ---- synthetic risks (tests/perf/generate.py) ----\n"]
    for i in range(1, n + 1):
        rec = [
            "[[risk]]",
            f'id = "syn-risk-{i:06d}"',
            f"title = {toml_str(prose.title(3, 7))}",
            f"description = {toml_str(prose.sentences(2, 4))}",
            f"likelihood = {rng.randint(1, 5)}",
            f"impact = {rng.randint(1, 5)}",
            f"justification = {toml_str(prose.sentence())}",
            f"indicators = {toml_list([prose.sentence(6, 14) for _ in range(rng.randint(2, 4))])}",
            f"mitigations = {toml_list([prose.sentence(6, 14) for _ in range(rng.randint(2, 4))])}",
        ]
        out.append("\n".join(rec + _provenance(docs, citations, rng)) + "\n")
    return "\n".join(out)


def write_resources(target: Path, size: int, counts: dict[str, int]) -> dict[str, int]:
    """The real resources plus (size - 1) times the scaled kinds, synthetic."""
    rng = random.Random(SEED * 7919 + size)
    prose = Prose(rng)
    shutil.copytree(RESOURCES / "map", target / "map")
    shutil.copytree(RESOURCES / "records", target / "records")
    (target / "sources").mkdir()
    for path in (RESOURCES / "sources").iterdir():
        if path.suffix in (".txt", ".toml"):
            shutil.copy2(path, target / "sources" / path.name)
    extra_passages = counts["passage"] * (size - 1)
    n_docs = max(1, round(extra_passages / PASSAGES_PER_DOC))
    docs = write_sources(target / "sources", n_docs, prose, rng)
    conn = sqlite3.connect(f"{SHIPPED_DB.resolve().as_uri()}?mode=ro", uri=True)
    try:
        citations = [r[0] for r in conn.execute("SELECT id FROM citations ORDER BY seq")]
        actors = {r[0] for r in conn.execute("SELECT id FROM actors")}
    finally:
        conn.close()
    missing = set(LANES) - actors
    if missing:
        raise SystemExit(f"generate.py: the shipped briefing has no actors {sorted(missing)}; "
                         "update LANES")
    added = {"source": n_docs, "event": counts["event"] * (size - 1),
             "mineral": counts["mineral"] * (size - 1), "risk": counts["risk"] * (size - 1)}
    records = target / "records"
    for file, text in (
        ("timeline.toml", synthetic_events(added["event"], docs, citations, prose, rng)),
        ("minerals.toml", synthetic_minerals(added["mineral"], docs, citations, prose, rng)),
        ("risks.toml", synthetic_risks(added["risk"], docs, citations, prose, rng)),
    ):
        with (records / file).open("a", encoding="utf-8") as fh:
            fh.write(text)
    return added


# -- build -----------------------------------------------------------------------------------
def build(resources: Path, output: Path) -> tuple[float, list[str]]:
    """Build with the app's build step; returns (seconds, problems that stopped the real
    limits). Files over the build's size limit fail the real build: that is recorded, and the
    limit is raised for this process only so the larger sizes can still be measured."""
    from briefing_app.dataset import inputs
    from briefing_app.dataset.database import build_database
    from briefing_app.dataset.inputs import BuildError

    started = time.perf_counter()
    try:
        build_database(resources, output)
        return time.perf_counter() - started, []
    except BuildError as exc:
        # Other problems follow from the files left unread (dangling references).
        problems = [str(p) for p in exc.problems if "file is too large" in p.message]
        if not problems:
            raise
    saved = inputs.MAX_FILE_BYTES
    inputs.MAX_FILE_BYTES = 1 << 40
    try:
        started = time.perf_counter()
        build_database(resources, output)
        return time.perf_counter() - started, problems
    finally:
        inputs.MAX_FILE_BYTES = saved


# -- workspace -------------------------------------------------------------------------------
def fill_workspace(folder: Path, database: Path, n_notes: int, seed: int) -> dict[str, int]:
    """Notes (on items and on source text) and checklist reviews, through the app's own
    workspace code, one transaction per note as a user adds them."""
    from briefing_app.domain import ItemRef
    from briefing_app.store.anchoring import make_anchor
    from briefing_app.store.briefing import BriefingStore
    from briefing_app.store.workspace import open_workspace

    rng = random.Random(seed)
    prose = Prose(rng)
    store = BriefingStore(database)
    by_kind: dict[str, list[ItemRef]] = collections.defaultdict(list)
    for item in store.items():
        by_kind[item.ref.kind].append(item.ref)
    sources = store.sources()
    start = dt.datetime(2025, 1, 6, 9, 0, tzinfo=dt.UTC)
    ticks = iter(range(10**9))

    def clock() -> str:
        moment = start + dt.timedelta(minutes=7 * next(ticks))
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")

    workspace, report = open_workspace(folder, clock=clock)
    if workspace.read_only:
        raise SystemExit(f"generate.py: cannot write the workspace in {folder}: {report}")
    kinds = [k for k, _ in NOTE_TARGETS if by_kind.get(k)]
    weights = [w for k, w in NOTE_TARGETS if by_kind.get(k)]
    text_notes = deleted = 0
    for i in range(n_notes):
        body = prose.sentences(1, 3)
        if rng.random() < 0.25:
            body += "\n\n" + prose.sentences(1, 2)
        tag = rng.choice(TAGS) if rng.random() < 0.7 else ""
        colour = rng.choice(COLOURS)
        note_id = hashlib.sha256(f"{seed}:{i}".encode()).hexdigest()[:32]
        if rng.random() < TEXT_NOTE_SHARE:
            src = rng.choice(sources)
            passages = [p for p in store.passages(src.id) if p.role == "body"]
            p = rng.choice(passages)
            words = p.text.split(" ")
            k = rng.randint(3, 10)
            first = rng.randrange(max(1, len(words) - k))
            quote = " ".join(words[first:first + k])
            at = p.start + p.text.index(quote)
            anchor = make_anchor(src.id, src.text, at, at + len(quote))
            note = workspace.add_note(body, anchor=anchor, tag=tag, colour=colour,
                                      note_id=note_id)
            text_notes += 1
        else:
            kind = rng.choices(kinds, weights)[0]
            note = workspace.add_note(body, target=rng.choice(by_kind[kind]), tag=tag,
                                      colour=colour, note_id=note_id)
        if rng.random() < 0.03:
            workspace.delete_note(note.id)
            deleted += 1
    risks = store.risks()
    reviewed = 0
    for risk in risks:
        if rng.random() < 0.35:
            workspace.set_checklist_field(risk.id, "reviewed", True)
            workspace.set_checklist_field(risk.id, "likelihood", rng.randint(1, 5))
            workspace.set_checklist_field(risk.id, "status", rng.choice(
                ("open", "monitoring", "mitigated", "accepted")))
            if rng.random() < 0.5:
                workspace.set_checklist_field(risk.id, "rationale", prose.sentence())
            reviewed += 1
    workspace._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    workspace.close()
    store.close()
    return {"note": n_notes, "text_note": text_notes, "trashed_note": deleted,
            "reviewed_risk": reviewed}


# -- the cache -------------------------------------------------------------------------------
def ensure(size: int, force: bool = False, log=print) -> Dataset:  # type: ignore[no-untyped-def]
    """The dataset for ``size`` (1 = the shipped briefing with a 1x workspace), generated
    unless already cached."""
    key = dataset_key()
    folder = cache_root() / f"{key}-x{size}"
    if folder.exists() and (folder / "info.json").exists() and not force:
        return Dataset(size, folder)
    if folder.exists():
        shutil.rmtree(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    for stale in folder.parent.glob(f"*-x{size}"):  # from an older generator or resources
        shutil.rmtree(stale, ignore_errors=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".x{size}-", dir=folder.parent))
    counts = shipped_counts()
    info: dict[str, object] = {"size": size, "key": key, "seed": SEED}
    started = time.perf_counter()
    try:
        if size == 1:
            shutil.copytree(RESOURCES, tmp / "resources", ignore=shutil.ignore_patterns(
                "__pycache__", "*.py", "icons", ".briefing.db.*"))
            shutil.copy2(SHIPPED_DB, tmp / "briefing.db")
            shutil.copy2(SHIPPED_DB.with_name("briefing.db.sha256"), tmp / "briefing.db.sha256")
            info["build_s"] = None
            info["build_problems"] = []
        else:
            log(f"  generating the {size}x briefing in {tmp} ...")
            (tmp / "resources").mkdir()
            info["added"] = write_resources(tmp / "resources", size, counts)
            info["write_s"] = round(time.perf_counter() - started, 2)
            log(f"  building it with build_database ({info['write_s']} s to write) ...")
            build_s, problems = build(tmp / "resources", tmp / "briefing.db")
            info["build_s"] = round(build_s, 2)
            info["build_problems"] = problems
            for problem in problems:
                log(f"  the real build refuses this size: {problem}")
        conn = sqlite3.connect(tmp / "briefing.db")
        info["counts"] = json.loads(conn.execute(
            "SELECT value FROM meta WHERE key = 'counts'").fetchone()[0])
        conn.close()
        log(f"  filling the workspace ({NOTES_AT_1X * size} notes) ...")
        t = time.perf_counter()
        info["workspace"] = fill_workspace(tmp / "workspace", tmp / "briefing.db",
                                           NOTES_AT_1X * size, SEED + size)
        info["workspace_s"] = round(time.perf_counter() - t, 2)
        info["database_bytes"] = (tmp / "briefing.db").stat().st_size
        info["workspace_bytes"] = (tmp / "workspace" / "workspace.db").stat().st_size
        info["generate_s"] = round(time.perf_counter() - started, 2)
        (tmp / "info.json").write_text(json.dumps(info, indent=2), encoding="utf-8")
        os.replace(tmp, folder)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return Dataset(size, folder)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10,100,1000",
                        help="comma-separated factors (1 = shipped; default 10,100,1000)")
    parser.add_argument("--force", action="store_true", help="regenerate even if cached")
    args = parser.parse_args()
    for size in (int(s) for s in args.sizes.split(",")):
        data = ensure(size, args.force)
        info = data.info
        print(f"{size}x: {data.folder}  counts {info['counts']}  "
              f"generated in {info.get('generate_s')} s (build {info.get('build_s')} s)")


if __name__ == "__main__":
    main()
