"""Charts as PNG, for the formats that need a bitmap (DOCX): the same SVG, drawn by Typst.

Typst is already the PDF's engine; drawing the SVG with it needs no Qt and no system library,
and uses the exports' own fonts, so the picture in Word matches the PDF's vector chart.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from ..paths import fonts_dir

#: A chart drawn at 150 dpi fills an A4 text column (16 cm) sharply when printed.
PPI = 150
#: Typst's CSS pixel: 1/96 inch, as the SVG's width and height are meant.
_PX_PT = 0.75


def svg_to_png(svg: str, width_px: int, height_px: int, ppi: int = PPI) -> bytes:
    """The chart ``svg`` (``width_px`` x ``height_px`` CSS pixels) as PNG bytes."""
    import typst

    with tempfile.TemporaryDirectory(prefix="briefing-chart-") as tmp:
        root = Path(tmp)
        (root / "chart.svg").write_text(svg, encoding="utf-8")
        (root / "chart.typ").write_text(
            f'#set page(width: {width_px * _PX_PT}pt, height: {height_px * _PX_PT}pt, '
            'margin: 0pt, fill: white)\n'
            f'#image("chart.svg", width: {width_px * _PX_PT}pt, '
            f'height: {height_px * _PX_PT}pt)\n', encoding="utf-8")
        png = typst.compile(str(root / "chart.typ"), root=str(root), format="png", ppi=ppi,
                            font_paths=[str(fonts_dir())], ignore_system_fonts=True)
    assert isinstance(png, bytes)
    return png
