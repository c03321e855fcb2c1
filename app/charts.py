"""Server-rendered SVG charts (no scripts, no inline styles: they work in pages and PDFs)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

#: Distinguishable colors (also in grey print), each paired with a dash pattern below.
PALETTE = ["#9a3412", "#1d4ed8", "#15803d", "#7e22ce", "#b45309", "#0f766e"]
DASHES = ["", "6 3", "2 3", "8 3 2 3", "4 4", "1 2"]


@dataclass(frozen=True)
class Series:
    """One line: a label and one value (or None for a gap) per x label."""

    label: str
    values: Sequence[float | None]


def line_chart_svg(
    series: Sequence[Series],
    x_labels: Sequence[str],
    *,
    title: str,
    y_min: float = 0,
    y_max: float = 10,
    width: int = 640,
    height: int = 240,
) -> Markup:
    """A line chart as an accessible inline ``<svg>`` with a legend; all text is escaped."""
    left, right, top, bottom = 34, 26, 14, 46
    plot_w, plot_h = width - left - right, height - top - bottom
    n = max(len(x_labels), 1)

    def x(i: int) -> float:
        return left + (plot_w * i / (n - 1) if n > 1 else plot_w / 2)

    def y(v: float) -> float:
        return top + plot_h * (1 - (v - y_min) / ((y_max - y_min) or 1))

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-label="{escape(title)}" '
        'class="chart-svg" font-family="Rekindle Sans, sans-serif" font-size="11">',
        f"<title>{escape(title)}</title>",
    ]
    step = 2 if (y_max - y_min) > 5 else 1
    tick = y_min
    while tick <= y_max:
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" '
            'stroke="#e7dcd8" stroke-width="1"/>'
            f'<text x="{left - 6}" y="{y(tick) + 4:.1f}" text-anchor="end" fill="#6b5a55">'
            f"{tick:g}</text>"
        )
        tick += step
    every = max(1, (n + 7) // 8)  # at most about eight date labels
    for i, label in enumerate(x_labels):
        if i % every == 0 or i == n - 1:
            anchor = "end" if i == n - 1 and n > 1 else "middle"
            parts.append(
                f'<text x="{x(i):.1f}" y="{top + plot_h + 16}" text-anchor="{anchor}" '
                f'fill="#6b5a55">{escape(label)}</text>'
            )
    for k, line in enumerate(series):
        color, dash = PALETTE[k % len(PALETTE)], DASHES[k % len(DASHES)]
        points = [(x(i), y(v)) for i, v in enumerate(line.values) if v is not None]
        if len(points) > 1:
            coords = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            parts.append(
                f'<polyline points="{coords}" fill="none" stroke="{color}" '
                f'stroke-width="2"{dash_attr}/>'
            )
        for px, py in points:
            parts.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="2.6" fill="{color}"/>')
    legend_x = left
    for k, line in enumerate(series):
        color = PALETTE[k % len(PALETTE)]
        label = escape(line.label)
        parts.append(
            f'<rect x="{legend_x}" y="{height - 14}" width="10" height="10" fill="{color}"/>'
            f'<text x="{legend_x + 14}" y="{height - 5}" fill="#2b2321">{label}</text>'
        )
        legend_x += 24 + 7 * len(line.label)
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text piece above went through escape()
