"""Area and centroid of boundary polygons, so a region's size is measured, not only quoted."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

Ring = Sequence[Sequence[float]]  # [(lon, lat), ...]
Polygon = Sequence[Ring]  # outer ring first, then holes

EARTH_RADIUS_M = 6_378_137.0


def ring_area_m2(ring: Ring) -> float:
    """Area of a closed lon/lat ring on a sphere (the formula turf and d3 use), always >= 0."""
    n = len(ring)
    if n < 3:
        return 0.0
    total = 0.0
    for i in range(n):
        lon1, lat1 = ring[i][0], ring[i][1]
        lon2, lat2 = ring[(i + 1) % n][0], ring[(i + 1) % n][1]
        total += math.radians(lon2 - lon1) * (
            2 + math.sin(math.radians(lat1)) + math.sin(math.radians(lat2))
        )
    return abs(total * EARTH_RADIUS_M * EARTH_RADIUS_M / 2.0)


def polygons_area_km2(polygons: Sequence[Polygon]) -> float:
    area = 0.0
    for polygon in polygons:
        if not polygon:
            continue
        area += ring_area_m2(polygon[0])
        area -= sum(ring_area_m2(hole) for hole in polygon[1:])
    return area / 1e6


def _ring_centroid(ring: Ring) -> tuple[float, float, float]:
    """Planar centroid (lon, lat) and signed area of a ring in degree space."""
    a = cx = cy = 0.0
    n = len(ring)
    for i in range(n):
        x1, y1 = ring[i][0], ring[i][1]
        x2, y2 = ring[(i + 1) % n][0], ring[(i + 1) % n][1]
        cross = x1 * y2 - x2 * y1
        a += cross
        cx += (x1 + x2) * cross
        cy += (y1 + y2) * cross
    if a == 0:
        xs = [p[0] for p in ring]
        ys = [p[1] for p in ring]
        return sum(xs) / max(len(xs), 1), sum(ys) / max(len(ys), 1), 0.0
    return cx / (3 * a), cy / (3 * a), a / 2


def polygons_centroid(polygons: Sequence[Polygon]) -> tuple[float, float]:
    """Area-weighted centroid (lat, lon) of the outer rings; good enough to place a label."""
    sx = sy = total = 0.0
    for polygon in polygons:
        if not polygon:
            continue
        x, y, a = _ring_centroid(polygon[0])
        a = abs(a)
        sx += x * a
        sy += y * a
        total += a
    if total == 0:
        raise ValueError("boundary has no area")
    return sy / total, sx / total


def geometry_polygons(geometry: dict[str, Any]) -> list[list[list[tuple[float, float]]]]:
    """GeoJSON Polygon or MultiPolygon as a list of polygons of (lon, lat) rings."""
    kind = geometry.get("type")
    coords: Any = geometry.get("coordinates")
    if kind == "Polygon":
        polys = [coords]
    elif kind == "MultiPolygon":
        polys = coords
    else:
        raise ValueError(f"geometry type {kind!r} is not a Polygon or MultiPolygon")
    return [[[(float(p[0]), float(p[1])) for p in ring] for ring in poly] for poly in polys]
