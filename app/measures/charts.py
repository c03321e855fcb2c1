"""Measure charts as server-rendered SVG: the same markup in the page and in the PDF.

No scripts and no inline styles (they work under the CSP and in WeasyPrint). Every chart has a
text alternative built from the same points (``Trend.rows``, ``Gap.rows``) for a table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from app.charts import PALETTE
from app.measures.instruments import Instrument

#: Band fills from light to darker; a band is a quiet background, never the only cue.
BAND_FILLS = ["#f6f1ee", "#efe5e0", "#f6f1ee", "#efe5e0", "#f6f1ee"]
WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 40, 150, 14, 40


@dataclass(frozen=True)
class Point:
    """One scored measure on a chart."""

    label: str  # the date as shown
    total: int
    band: str
    reliable: str | None = None  # "better" / "worse" when the change from the last is reliable


@dataclass(frozen=True)
class GapPoint:
    """One week where both partners answered: their scores and the gap between them."""

    label: str
    a: int
    b: int
    gap: int
    change: str | None = None  # "widened" / "narrowed" beyond the reliable-change threshold


def reliable_steps(instrument: Instrument, totals: Sequence[int]) -> list[str | None]:
    """For each total, whether it changed reliably from the one before, and which way."""
    out: list[str | None] = [None]
    for before, now in zip(totals, totals[1:], strict=False):
        diff = now - before
        if abs(diff) < instrument.reliable_change:
            out.append(None)
            continue
        up_is_better = instrument.higher_is == "better"
        out.append("better" if (diff > 0) == up_is_better else "worse")
    return out[: len(totals)]


def gap_steps(instrument: Instrument, gaps: Sequence[int]) -> list[str | None]:
    """For each gap, whether it widened or narrowed by the reliable-change threshold or more."""
    out: list[str | None] = [None]
    for before, now in zip(gaps, gaps[1:], strict=False):
        if abs(now - before) >= instrument.reliable_change:
            out.append("widened" if now > before else "narrowed")
        else:
            out.append(None)
    return out[: len(gaps)]


class _Frame:
    def __init__(self, instrument: Instrument, n: int, title: str) -> None:
        self.instrument = instrument
        self.n = max(n, 1)
        self.plot_w = WIDTH - LEFT - RIGHT
        self.plot_h = HEIGHT - TOP - BOTTOM
        self.parts = [
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
            f'width="100%" role="img" aria-label="{escape(title)}" class="chart-svg" '
            'font-family="Rekindle Sans, sans-serif" font-size="11">',
            f"<title>{escape(title)}</title>",
        ]

    def x(self, i: int) -> float:
        return LEFT + (self.plot_w * i / (self.n - 1) if self.n > 1 else self.plot_w / 2)

    def y(self, v: float) -> float:
        lo, hi = self.instrument.score_min, self.instrument.score_max
        return TOP + self.plot_h * (1 - (v - lo) / ((hi - lo) or 1))

    def bands(self) -> None:
        for k, band in enumerate(self.instrument.bands):
            top, bottom = self.y(band.high + 0.5), self.y(max(band.low - 0.5, 0))
            top = max(top, TOP)
            self.parts.append(
                f'<rect x="{LEFT}" y="{top:.1f}" width="{self.plot_w}" '
                f'height="{bottom - top:.1f}" fill="{BAND_FILLS[k % len(BAND_FILLS)]}"/>'
            )
            # Long band names wrap onto a second line instead of running off the chart.
            words, lines = band.label.split(), [""]
            for word in words:
                if lines[-1] and len(lines[-1]) + len(word) > 20:
                    lines.append("")
                lines[-1] = f"{lines[-1]} {word}".strip()
            middle = (top + bottom) / 2 + 4 - 6 * (len(lines) - 1)
            for n, line in enumerate(lines):
                self.parts.append(
                    f'<text x="{WIDTH - RIGHT + 6}" y="{middle + 12 * n:.1f}" '
                    f'fill="#6b5a55">{escape(line)}</text>'
                )

    def cutoff(self) -> None:
        cy = self.y(self.instrument.cutoff)
        self.parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{cy:.1f}" y2="{cy:.1f}" '
            'stroke="#9a3412" stroke-width="1.5" stroke-dasharray="6 3"/>'
            f'<text x="{LEFT + 4}" y="{cy - 4:.1f}" fill="#9a3412">'
            f"cutoff {self.instrument.cutoff:g}</text>"
        )

    def axes(self, labels: Sequence[str]) -> None:
        lo, hi = self.instrument.score_min, self.instrument.score_max
        for tick in (lo, (lo + hi) // 2, hi):
            self.parts.append(
                f'<text x="{LEFT - 6}" y="{self.y(tick) + 4:.1f}" text-anchor="end" '
                f'fill="#6b5a55">{tick}</text>'
            )
        every = max(1, (len(labels) + 5) // 6)
        for i, label in enumerate(labels):
            if i % every == 0 or i == len(labels) - 1:
                self.parts.append(
                    f'<text x="{self.x(i):.1f}" y="{TOP + self.plot_h + 16}" '
                    f'text-anchor="middle" fill="#6b5a55">{escape(label)}</text>'
                )

    def line(self, values: Sequence[float], k: int, dash: str = "") -> None:
        color = PALETTE[k % len(PALETTE)]
        coords = " ".join(f"{self.x(i):.1f},{self.y(v):.1f}" for i, v in enumerate(values))
        if len(values) > 1:
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            self.parts.append(
                f'<polyline points="{coords}" fill="none" stroke="{color}" '
                f'stroke-width="2"{dash_attr}/>'
            )
        for i, v in enumerate(values):
            self.parts.append(
                f'<circle cx="{self.x(i):.1f}" cy="{self.y(v):.1f}" r="3" fill="{color}"/>'
            )

    def marker(self, i: int, v: float, text: str) -> None:
        # A ring around the point and a word: reliable change is never shown by colour alone.
        cx, cy = self.x(i), self.y(v)
        self.parts.append(
            f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="7" fill="none" stroke="#2b2321" '
            f'stroke-width="1.5" class="reliable-change"/>'
            f'<text x="{cx:.1f}" y="{cy - 10:.1f}" text-anchor="middle" fill="#2b2321">'
            f"{escape(text)}</text>"
        )

    def legend(self, names: Sequence[str]) -> None:
        x = LEFT
        for k, name in enumerate(names):
            self.parts.append(
                f'<rect x="{x}" y="{HEIGHT - 12}" width="10" height="10" '
                f'fill="{PALETTE[k % len(PALETTE)]}"/>'
                f'<text x="{x + 14}" y="{HEIGHT - 3}" fill="#2b2321">{escape(name)}</text>'
            )
            x += 30 + 7 * len(name)

    def done(self) -> Markup:
        self.parts.append("</svg>")
        return Markup("".join(self.parts))  # noqa: S704 - every text above went through escape()


def trend_svg(instrument: Instrument, points: Sequence[Point], *, title: str) -> Markup:
    """One person's scores over time: bands shaded, the cutoff dashed, reliable changes ringed."""
    frame = _Frame(instrument, len(points), title)
    frame.bands()
    frame.cutoff()
    frame.axes([p.label for p in points])
    frame.line([p.total for p in points], 0)
    for i, p in enumerate(points):
        if p.reliable:
            frame.marker(i, p.total, "reliable: " + p.reliable)
    return frame.done()


def gap_svg(
    instrument: Instrument, points: Sequence[GapPoint], names: tuple[str, str], *, title: str
) -> Markup:
    """Both partners' scores on one chart, the gap between them as bars, gap changes ringed."""
    frame = _Frame(instrument, len(points), title)
    frame.cutoff()
    frame.axes([p.label for p in points])
    for i, p in enumerate(points):
        # The gap: a light bar from one partner's score to the other's.
        top, bottom = frame.y(max(p.a, p.b)), frame.y(min(p.a, p.b))
        frame.parts.append(
            f'<rect x="{frame.x(i) - 4:.1f}" y="{top:.1f}" width="8" '
            f'height="{max(bottom - top, 1):.1f}" fill="#e7dcd8" class="gap-bar"/>'
            f'<text x="{frame.x(i) + 7:.1f}" y="{(top + bottom) / 2 + 4:.1f}" '
            f'fill="#6b5a55">gap {p.gap}</text>'
        )
    frame.line([p.a for p in points], 0)
    frame.line([p.b for p in points], 1, "6 3")
    for i, p in enumerate(points):
        if p.change:
            frame.marker(i, max(p.a, p.b), "gap " + p.change)
    frame.legend(list(names))
    return frame.done()
