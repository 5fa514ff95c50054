"""Charts for exports as plain SVG text: supply concentration, the timeline, the heat map.

SVG keeps the PDF's charts vector, HTML exports self-contained and Markdown images crisp,
needs no plotting library, and is deterministic. DOCX gets a PNG rendered from the same SVG.
The text uses the fonts the export ships (Noto Sans), so every renderer draws the same glyphs.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence
from html import escape

from ..domain import Actor, Era, Event, Figure, PartialDate

CATEGORY_COLOURS = {
    "diplomacy": "#2c6fbb",
    "investment": "#2e8b57",
    "policy": "#7b4fb3",
    "security": "#c0392b",
    "export-control": "#e67e22",
    "legal": "#8d6e63",
    "trade": "#16a0a0",
}
FONT = "Noto Sans, DejaVu Sans, Arial, Helvetica, sans-serif"
SERIES_COLOURS = {"mining": "#d98c1f", "processing": "#2c6fbb"}  # the window's chart too


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


def _text_width(text: str, size: float) -> float:
    """About how wide ``text`` is in Noto Sans at ``size`` px (its average advance is 0.55 em):
    enough to keep a label inside the plot."""
    return 0.55 * size * len(text)


def timeline_svg(events: Sequence[Event], eras: Sequence[Era],
                 actors: dict[str, Actor]) -> tuple[str, tuple[int, int]]:
    """Lanes by actor, a year axis, events coloured by category, eras as bands.

    Sized for a printed A4 text column (720 CSS px, drawn about 16 cm wide, so its smallest
    text prints at about 6.5 pt). The axis spans the events; an era that began before it or
    goes on after it (ongoing, or ending later) is cut at the plot's edge and marked there
    with an arrowhead, and each era's label stays inside the plot.
    """
    lanes = [a for a in actors if any(e.lane == a for e in events)
             or any(e.lane == a for e in eras)]
    width, left, right, top, lane_h = 720, 96, 14, 62, 44
    plot_right = width - right
    height = top + lane_h * len(lanes) + 58
    starts = [_period(e.date)[0] for e in events]
    ends = [_period(e.date)[1] for e in events]
    first = dt.date(min(starts).year, 1, 1)
    last = dt.date(max(ends).year + 1, 1, 1)
    span = (last - first).days

    def x(d: dt.date) -> float:
        return left + (plot_right - left) * (d - first).days / span

    def y(lane: str) -> float:
        return top + lane_h * lanes.index(lane) + lane_h / 2

    body = [f'<text x="{left}" y="20" font-size="14" font-weight="bold" fill="#222">'
            "Geopolitics timeline: events by actor and date</text>"]
    # Legend.
    lx = float(left)
    for category, colour in CATEGORY_COLOURS.items():
        name = category.replace("-", " ")
        body.append(f'<circle cx="{lx + 5:.1f}" cy="38" r="5" fill="{colour}"/>'
                    f'<text x="{lx + 14:.1f}" y="42" font-size="11" fill="#333">'
                    f"{escape(name)}</text>")
        lx += 24 + 0.5 * 11 * len(name)  # a tighter guess than _text_width: no gaps
    # Year grid.
    bottom = top + lane_h * len(lanes)
    for year in range(first.year, last.year + 1):
        gx = x(dt.date(year, 1, 1))
        body.append(f'<line x1="{gx:.1f}" y1="{top - 4}" x2="{gx:.1f}" y2="{bottom}" '
                    'stroke="#dddddd" stroke-width="1"/>')
        if year < last.year:
            body.append(f'<text x="{gx + 2:.1f}" y="{bottom + 15}" font-size="10.5" '
                        f'fill="#444">{year}</text>')
    body.append(f'<text x="{(left + plot_right) / 2:.0f}" y="{height - 14}" font-size="11" '
                'text-anchor="middle" fill="#333">Year</text>')
    for lane in lanes:
        ly = y(lane)
        body.append(f'<line x1="{left}" y1="{ly:.1f}" x2="{plot_right}" y2="{ly:.1f}" '
                    'stroke="#eeeeee"/>'
                    f'<text x="{left - 8}" y="{ly + 4:.1f}" font-size="12" text-anchor="end" '
                    f'fill="#222">{escape(actors[lane].short)}</text>')
    # Eras: bands cut at the axis (an ongoing era runs to its end: no dependence on today),
    # labels on one of two rows so two eras of a lane do not overprint each other.
    taken: dict[str, list[tuple[float, float, int]]] = {}
    band_h = lane_h * 0.84
    for era in eras:
        start = _period(era.start)[0]
        end = _period(era.end)[1] if era.end else None
        before, after = start < first, end is None or end >= last
        x0 = x(max(start, first))
        x1 = x(last) if end is None else x(min(end + dt.timedelta(days=1), last))
        if x1 <= x0:
            continue
        by = y(era.lane) - band_h / 2
        body.append(f'<rect x="{x0:.1f}" y="{by:.1f}" width="{x1 - x0:.1f}" '
                    f'height="{band_h:.1f}" fill="#888888" fill-opacity="0.15"/>')
        ay = by + 6
        if after:  # continues past the axis' end
            body.append(f'<path d="M{x1 - 7:.1f},{ay - 4:.1f} L{x1 - 1:.1f},{ay:.1f} '
                        f'L{x1 - 7:.1f},{ay + 4:.1f} Z" fill="#777777"/>')
        if before:  # began before the axis' start
            body.append(f'<path d="M{x0 + 7:.1f},{ay - 4:.1f} L{x0 + 1:.1f},{ay:.1f} '
                        f'L{x0 + 7:.1f},{ay + 4:.1f} Z" fill="#777777"/>')
        label = era.title
        size = 9.5
        wide = _text_width(label, size)
        lo = left + (10 if before else 3)
        hi = plot_right - (10 if after and x1 >= plot_right - 1 else 3)
        tx = max(lo, min(x0 + (10 if before else 3), hi - wide))
        lane_labels = taken.setdefault(era.lane, [])
        row = next((r for r in (0, 1) if not any(a < tx + wide and tx < b and r == rr
                                                  for a, b, rr in lane_labels)), 0)
        lane_labels.append((tx, tx + wide, row))
        ty = by + 10 if row == 0 else by + band_h - 3
        body.append(f'<text x="{tx:.1f}" y="{ty:.1f}" font-size="{size}" fill="#555">'
                    f"{escape(label)}</text>")
    # Events: a dot for a day, a bar over the month or year otherwise.
    for e in events:
        colour = CATEGORY_COLOURS.get(e.category, "#777777")
        start, end = _period(e.date)
        ly = y(e.lane)
        tip = escape(f"{e.date.label()}: {e.title}")
        if e.date.precision == "day":
            body.append(f'<circle cx="{x(start):.1f}" cy="{ly:.1f}" r="4.5" fill="{colour}" '
                        f'stroke="#ffffff" stroke-width="1"><title>{tip}</title></circle>')
        else:
            x0, x1 = x(start), x(end + dt.timedelta(days=1))
            body.append(f'<rect x="{x0:.1f}" y="{ly - 4.5:.1f}" width="{max(x1 - x0, 2):.1f}" '
                        f'height="9" fill="{colour}" fill-opacity="0.6" stroke="{colour}">'
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


def supply_svg(figures: Sequence[Figure]) -> tuple[str, tuple[int, int]]:
    """China's share of mining and of processing, a pair of bars per source that reports it
    (``chart_label`` names the source; ``chart_series`` says which bar)."""
    groups = list(dict.fromkeys(f.chart_label or f.label for f in figures))
    # 680 CSS px: drawn across an A4 text column, its labels print at about 7 pt.
    width, left, right, top, bottom = 680, 64, 16, 64, 66
    plot_h = 240
    height = top + plot_h + bottom
    slot = (width - left - right) / max(len(groups), 1)
    bar = min(48.0, slot / 3)

    def y(v: float) -> float:
        return top + plot_h * (1 - v / 100)

    body = [f'<text x="{left}" y="22" font-size="15" font-weight="bold" fill="#222">'
            "China's share of world rare-earth mining and processing, by source</text>"]
    lx = left
    for series, colour in SERIES_COLOURS.items():
        label = f"share of {series}"
        body.append(f'<rect x="{lx}" y="34" width="12" height="12" fill="{colour}"/>'
                    f'<text x="{lx + 18}" y="45" font-size="12" fill="#333">{label}</text>')
        lx += 30 + 7 * len(label)
    for v in range(0, 101, 20):
        body.append(f'<line x1="{left}" y1="{y(v):.1f}" x2="{width - right}" y2="{y(v):.1f}" '
                    f'stroke="#dddddd"/><text x="{left - 8}" y="{y(v) + 4:.1f}" font-size="11" '
                    f'text-anchor="end" fill="#444">{v}%</text>')
    for i, group in enumerate(groups):
        cx = left + slot * (i + 0.5)
        for series, shift in (("mining", -bar / 2 - 2), ("processing", bar / 2 + 2)):
            f = next((f for f in figures if (f.chart_label or f.label) == group
                      and f.chart_series == series), None)
            if f is None:
                continue
            x0 = cx + shift - bar / 2
            body.append(f'<rect x="{x0:.1f}" y="{y(f.value):.1f}" width="{bar:.1f}" '
                        f'height="{plot_h * f.value / 100:.1f}" '
                        f'fill="{SERIES_COLOURS[series]}"><title>{escape(f.label)}</title>'
                        f'</rect><text x="{cx + shift:.1f}" y="{y(f.value) - 5:.1f}" '
                        f'font-size="12" text-anchor="middle" fill="#222">{f.value:g}%</text>')
        body.append(f'<text x="{cx:.1f}" y="{top + plot_h + 18}" font-size="11" '
                    f'text-anchor="middle" fill="#222">{escape(group)}</text>')
    body.append(f'<text x="{(left + width) / 2:.0f}" y="{height - 18}" font-size="12" '
                'text-anchor="middle" fill="#333">Source of the figure (year of the data)'
                '</text>')
    return _svg(width, height, body, "China's share of rare-earth mining and processing"), (
        width, height)
