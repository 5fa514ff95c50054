"""Charts for exports as plain SVG text: the timeline and the risk heat map.

SVG keeps HTML exports self-contained and Markdown images crisp, needs no plotting library, and
is deterministic. DOCX and PDF get a PNG rendered from the same SVG (``pdf.svg_to_png``).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence
from html import escape

from ..domain import Actor, Era, Event, PartialDate

CATEGORY_COLOURS = {
    "diplomacy": "#2c6fbb",
    "investment": "#2e8b57",
    "policy": "#7b4fb3",
    "security": "#c0392b",
    "export-control": "#e67e22",
    "legal": "#8d6e63",
    "trade": "#16a0a0",
}
FONT = "DejaVu Sans, Arial, Helvetica, sans-serif"


def _period(date: PartialDate) -> tuple[dt.date, dt.date]:
    parts = [int(p) for p in date.iso.split("-")]
    if len(parts) == 1:
        return dt.date(parts[0], 1, 1), dt.date(parts[0], 12, 31)
    if len(parts) == 2:
        last = calendar.monthrange(parts[0], parts[1])[1]
        return dt.date(parts[0], parts[1], 1), dt.date(parts[0], parts[1], last)
    d = dt.date(*parts)
    return d, d


def _svg(width: int, height: int, body: list[str], title: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" font-family="{FONT}" role="img">'
            f"<title>{escape(title)}</title>"
            f'<rect width="{width}" height="{height}" fill="#ffffff"/>' + "".join(body)
            + "</svg>")


def timeline_svg(events: Sequence[Event], eras: Sequence[Era],
                 actors: dict[str, Actor]) -> tuple[str, tuple[int, int]]:
    """Lanes by actor, a year axis, events coloured by category, eras as bands."""
    lanes = [a for a in actors if any(e.lane == a for e in events)
             or any(e.lane == a for e in eras)]
    width, left, right, top, lane_h = 1000, 110, 20, 56, 46
    height = top + lane_h * len(lanes) + 70
    # The axis spans the events; eras that began earlier are cut at its left edge.
    starts = [_period(e.date)[0] for e in events]
    ends = [_period(e.date)[1] for e in events]
    first = dt.date(min(starts).year, 1, 1)
    last = dt.date(max(ends).year + 1, 1, 1)
    span = (last - first).days

    def x(d: dt.date) -> float:
        return left + (width - left - right) * (d - first).days / span

    def y(lane: str) -> float:
        return top + lane_h * lanes.index(lane) + lane_h / 2

    body = [f'<text x="{left}" y="22" font-size="15" font-weight="bold" fill="#222">'
            "Geopolitics timeline: events by actor and date</text>"]
    # Legend.
    lx = left
    for category, colour in CATEGORY_COLOURS.items():
        body.append(f'<circle cx="{lx + 5}" cy="38" r="5" fill="{colour}"/>'
                    f'<text x="{lx + 14}" y="42" font-size="11" fill="#333">'
                    f"{escape(category.replace('-', ' '))}</text>")
        lx += 22 + 7 * len(category)
    # Year grid.
    for year in range(first.year, last.year + 1):
        gx = x(dt.date(year, 1, 1))
        body.append(f'<line x1="{gx:.1f}" y1="{top - 4}" x2="{gx:.1f}" '
                    f'y2="{top + lane_h * len(lanes)}" stroke="#dddddd" stroke-width="1"/>')
        if year < last.year:
            body.append(f'<text x="{gx + 2:.1f}" y="{top + lane_h * len(lanes) + 16}" '
                        f'font-size="10" fill="#444">{year}</text>')
    body.append(f'<text x="{(left + width) / 2:.0f}" y="{height - 18}" font-size="11" '
                f'text-anchor="middle" fill="#333">Year</text>')
    # Lanes and eras.
    today = dt.date.today()
    for lane in lanes:
        ly = y(lane)
        body.append(f'<line x1="{left}" y1="{ly:.1f}" x2="{width - right}" y2="{ly:.1f}" '
                    'stroke="#eeeeee"/>'
                    f'<text x="{left - 8}" y="{ly + 4:.1f}" font-size="12" text-anchor="end" '
                    f'fill="#222">{escape(actors[lane].short)}</text>')
    for era in eras:
        x0 = x(max(_period(era.start)[0], first))
        x1 = x(_period(era.end)[1] if era.end else min(today, last))
        ly = y(era.lane)
        body.append(f'<rect x="{x0:.1f}" y="{ly - lane_h * 0.42:.1f}" width="{x1 - x0:.1f}" '
                    f'height="{lane_h * 0.84:.1f}" fill="#888888" fill-opacity="0.15"/>'
                    f'<text x="{x0 + 3:.1f}" y="{ly - lane_h * 0.42 + 10:.1f}" font-size="9" '
                    f'fill="#555">{escape(era.title)}</text>')
    # Events: a dot for a day, a bar over the month or year otherwise.
    for e in events:
        colour = CATEGORY_COLOURS.get(e.category, "#777777")
        start, end = _period(e.date)
        ly = y(e.lane)
        tip = escape(f"{e.date.label()}: {e.title}")
        if e.date.precision == "day":
            body.append(f'<circle cx="{x(start):.1f}" cy="{ly:.1f}" r="5" fill="{colour}" '
                        f'stroke="#ffffff" stroke-width="1"><title>{tip}</title></circle>')
        else:
            x0, x1 = x(start), x(end + dt.timedelta(days=1))
            body.append(f'<rect x="{x0:.1f}" y="{ly - 5:.1f}" width="{max(x1 - x0, 2):.1f}" '
                        f'height="10" fill="{colour}" fill-opacity="0.6" stroke="{colour}">'
                        f"<title>{tip}</title></rect>")
    return _svg(width, height, body, "Timeline of events by actor"), (width, height)


def cell_label(numbers: Sequence[int]) -> str:
    """What a heat-map cell says: its risks' numbers, or how many when they do not fit."""
    if len(numbers) > 6:
        return f"{len(numbers)} risks"
    return ", ".join(str(n) for n in sorted(numbers))


def score_colour(score: int) -> str:
    """Heat-map band for likelihood x impact: green, yellow, orange, red."""
    if score >= 15:
        return "#d9534f"
    if score >= 8:
        return "#f0ad4e"
    if score >= 4:
        return "#f7e07a"
    return "#9fd39b"


def heatmap_svg(placed: Sequence[tuple[int, int, int]]) -> tuple[str, tuple[int, int]]:
    """A 5x5 likelihood x impact grid; ``placed`` holds (risk number, likelihood, impact)."""
    cell, left, top = 72, 90, 50
    width, height = left + 5 * cell + 30, top + 5 * cell + 70
    cells: dict[tuple[int, int], list[int]] = {}
    for number, likelihood, impact in placed:
        cells.setdefault((likelihood, impact), []).append(number)
    body = [f'<text x="{left}" y="24" font-size="15" font-weight="bold" fill="#222">'
            "Risks by likelihood and impact</text>"]
    for likelihood in range(1, 6):
        for impact in range(1, 6):
            cx = left + (impact - 1) * cell
            cy = top + (5 - likelihood) * cell
            body.append(f'<rect x="{cx}" y="{cy}" width="{cell}" height="{cell}" '
                        f'fill="{score_colour(likelihood * impact)}" stroke="#ffffff" '
                        'stroke-width="2"/>')
            numbers = cells.get((likelihood, impact))
            if numbers:
                label = cell_label(numbers)
                body.append(f'<text x="{cx + cell / 2}" y="{cy + cell / 2 + 5}" '
                            f'font-size="14" font-weight="bold" text-anchor="middle" '
                            f'fill="#000">{escape(label)}</text>')
    for v in range(1, 6):
        body.append(f'<text x="{left + (v - 0.5) * cell}" y="{top + 5 * cell + 18}" '
                    f'font-size="12" text-anchor="middle" fill="#333">{v}</text>'
                    f'<text x="{left - 10}" y="{top + (5 - v + 0.5) * cell + 4}" '
                    f'font-size="12" text-anchor="end" fill="#333">{v}</text>')
    body.append(f'<text x="{left + 2.5 * cell}" y="{top + 5 * cell + 42}" font-size="12" '
                'text-anchor="middle" fill="#222">Impact (1 = minor, 5 = severe)</text>')
    body.append(f'<text x="24" y="{top + 2.5 * cell}" font-size="12" text-anchor="middle" '
                f'fill="#222" transform="rotate(-90 24 {top + 2.5 * cell})">'
                "Likelihood (1 = rare, 5 = almost certain)</text>")
    return _svg(width, height, body, "Heat map of risks"), (width, height)
