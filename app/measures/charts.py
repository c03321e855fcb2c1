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
#: The gap chart keeps the same plot and adds rows below it: the gap per week, the partners'
#: names, the marker legend. Nothing about the gap is written inside the plot, where the two
#: partners' points are.
GAP_HEIGHT, GAP_BOTTOM = 304, 84
#: Score labels are written beside the points only while there is room for them.
MAX_LABELLED_POINTS = 12
#: Baseline to baseline between the two score labels of one week (the font is 11).
LABEL_GAP = 12
#: Room inside the gap chart's plot above the top score and below the lowest, for their labels.
LABEL_ROOM = 18
PROVISIONAL_NOTE = "threshold provisional"


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
    def __init__(
        self,
        instrument: Instrument,
        n: int,
        title: str,
        *,
        height: int = HEIGHT,
        bottom: int = BOTTOM,
        pad: int = 0,
    ) -> None:
        self.instrument = instrument
        self.pad = pad
        self.n = max(n, 1)
        self.height = height
        self.plot_w = WIDTH - LEFT - RIGHT
        self.plot_h = height - TOP - bottom
        self.parts = [
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
            f'width="100%" role="img" aria-label="{escape(title)}" class="chart-svg" '
            'font-family="Rekindle Sans, sans-serif" font-size="11">',
            f"<title>{escape(title)}</title>",
        ]

    def x(self, i: int) -> float:
        return LEFT + (self.plot_w * i / (self.n - 1) if self.n > 1 else self.plot_w / 2)

    def y(self, v: float) -> float:
        lo, hi = self.instrument.score_min, self.instrument.score_max
        inner = self.plot_h - 2 * self.pad
        return TOP + self.pad + inner * (1 - (v - lo) / ((hi - lo) or 1))

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

    def cutoff(self, *, label_outside: bool = False) -> None:
        # Outside the plot (the gap chart's right margin is free), clear of the last point's
        # score labels, the label never meets a point.
        cy = self.y(self.instrument.cutoff)
        x, y = (WIDTH - RIGHT + 16, cy + 4) if label_outside else (LEFT + 4, cy - 4)
        self.parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{cy:.1f}" y2="{cy:.1f}" '
            'stroke="#9a3412" stroke-width="1.5" stroke-dasharray="6 3"/>'
            f'<text x="{x}" y="{y:.1f}" fill="#9a3412">'
            f"cutoff {self.instrument.cutoff:g}</text>"
        )

    def labelled(self, i: int) -> bool:
        """Whether the date (and the gap) of point ``i`` is written under the plot."""
        every = max(1, (self.n + 5) // 6)
        return i % every == 0 or i == self.n - 1

    def axes(self, labels: Sequence[str]) -> None:
        lo, hi = self.instrument.score_min, self.instrument.score_max
        for tick in (lo, (lo + hi) // 2, hi):
            self.parts.append(
                f'<text x="{LEFT - 6}" y="{self.y(tick) + 4:.1f}" text-anchor="end" '
                f'fill="#6b5a55">{tick}</text>'
            )
        for i, label in enumerate(labels):
            if self.labelled(i):
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

    def ring(self, i: int, v: float) -> None:
        self.parts.append(
            f'<circle cx="{self.x(i):.1f}" cy="{self.y(v):.1f}" r="7" fill="none" '
            'stroke="#2b2321" stroke-width="1.5" class="reliable-change"/>'
        )

    def marker(self, i: int, v: float, text: str) -> None:
        # A ring around the point and a word: reliable change is never shown by colour alone.
        self.ring(i, v)
        self.parts.append(
            f'<text x="{self.x(i):.1f}" y="{self.y(v) - 10:.1f}" text-anchor="middle" '
            f'fill="#2b2321">{escape(text)}</text>'
        )

    def score_labels(self, i: int, a: int, b: int) -> None:
        """Both partners' scores of week ``i``: the higher above its point, the lower below it,
        so the two stay apart however close (or equal) they are, and clear of a ring. Clamped
        inside the plot; at the bottom edge the upper label moves up to keep the two apart."""
        above, below = (0, 1) if a >= b else (1, 0)
        scores = (a, b)
        y_above = max(self.y(scores[above]) - 10, 10.0)
        y_below = min(self.y(scores[below]) + 17, TOP + self.plot_h - 3)
        y_above = min(y_above, y_below - LABEL_GAP)
        for k, y in ((above, y_above), (below, y_below)):
            self.parts.append(
                f'<text x="{self.x(i):.1f}" y="{y:.1f}" text-anchor="middle" '
                f'fill="{PALETTE[k % len(PALETTE)]}" class="score-label">{scores[k]}</text>'
            )

    def legend(self, names: Sequence[str], y: float) -> None:
        x = LEFT
        for k, name in enumerate(names):
            self.parts.append(
                f'<rect x="{x}" y="{y - 9:.1f}" width="10" height="10" '
                f'fill="{PALETTE[k % len(PALETTE)]}"/>'
                f'<text x="{x + 14}" y="{y:.1f}" fill="#2b2321">{escape(name)}</text>'
            )
            x += 30 + 7 * len(name)

    def marker_legend(self, meaning: str, y: float) -> None:
        """What a ring means, with the threshold; "threshold provisional" while it rests on a
        placeholder or unchecked figure (see the instrument file's ``reliable_change``)."""
        threshold = self.instrument.reliable_change
        self.parts.append(
            f'<circle cx="{LEFT + 5}" cy="{y - 4:.1f}" r="5" fill="none" stroke="#2b2321" '
            'stroke-width="1.5"/>'
            f'<text x="{LEFT + 14}" y="{y:.1f}" fill="#2b2321" class="marker-legend">'
            f"{escape(meaning)} by {threshold:.1f} points or more"
        )
        if self.instrument.threshold_provisional:
            self.parts.append(
                f'<tspan fill="#9a3412" class="threshold-provisional"> ({PROVISIONAL_NOTE})</tspan>'
            )
        self.parts.append("</text>")

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
    frame.marker_legend("reliable change", HEIGHT - 3)
    return frame.done()


def gap_svg(
    instrument: Instrument, points: Sequence[GapPoint], names: tuple[str, str], *, title: str
) -> Markup:
    """Both partners' scores on one chart, the gap between them as bars, gap changes ringed.

    Inside the plot only the points, their score labels (the higher partner's above, the lower
    one's below) and the rings; the gap and its change are written in a row under the dates.
    """
    frame = _Frame(
        instrument, len(points), title, height=GAP_HEIGHT, bottom=GAP_BOTTOM, pad=LABEL_ROOM
    )
    frame.cutoff(label_outside=True)
    frame.axes([p.label for p in points])
    below_plot = TOP + frame.plot_h
    for i, p in enumerate(points):
        # The gap: a light bar from one partner's score to the other's.
        top, bottom = frame.y(max(p.a, p.b)), frame.y(min(p.a, p.b))
        frame.parts.append(
            f'<rect x="{frame.x(i) - 4:.1f}" y="{top:.1f}" width="8" '
            f'height="{max(bottom - top, 1):.1f}" fill="#e7dcd8" class="gap-bar"/>'
        )
        if frame.labelled(i) or p.change:
            frame.parts.append(
                f'<text x="{frame.x(i):.1f}" y="{below_plot + 30}" text-anchor="middle" '
                f'fill="#6b5a55" class="gap-label">gap {p.gap}</text>'
            )
        if p.change:
            frame.parts.append(
                f'<text x="{frame.x(i):.1f}" y="{below_plot + 42}" text-anchor="middle" '
                f'fill="#2b2321" class="gap-change">gap {escape(p.change)}</text>'
            )
    frame.line([p.a for p in points], 0)
    frame.line([p.b for p in points], 1, "6 3")
    if len(points) <= MAX_LABELLED_POINTS:
        for i, p in enumerate(points):
            frame.score_labels(i, p.a, p.b)
    for i, p in enumerate(points):
        if p.change:
            frame.ring(i, max(p.a, p.b))
    frame.legend(list(names), below_plot + 60)
    frame.marker_legend("the gap widened or narrowed", below_plot + 76)
    return frame.done()
