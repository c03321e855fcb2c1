"""The mood-over-time chart: coordinates for a server-rendered SVG, and its text alternative."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from app.services.journal import MOOD_WORDS
from app.templating import day

WIDTH = 440
HEIGHT = 200
LEFT = 30
RIGHT = 12
TOP = 12
BOTTOM = 32


@dataclass
class MoodChart:
    """Everything ``journal/_mood_chart.html`` draws."""

    chart_id: str
    title: str
    summary: str
    points: list[tuple[float, float, str]] = field(default_factory=list)
    polyline: str = ""
    grid: list[tuple[float, str]] = field(default_factory=list)
    x_labels: list[tuple[float, str, str]] = field(default_factory=list)
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT


def _y(mood: float) -> float:
    return TOP + (5 - mood) * (HEIGHT - TOP - BOTTOM) / 4


def mood_chart(
    chart_id: str, title: str, points: Sequence[tuple[datetime, int]]
) -> MoodChart | None:
    """A chart of ``(moment, mood)`` points in time order, or None when there are none."""
    if not points:
        return None
    first, last = points[0][0], points[-1][0]
    span = (last - first).total_seconds() or 1.0
    plot_width = WIDTH - LEFT - RIGHT
    coords = []
    for moment, mood in points:
        x = LEFT + (
            plot_width / 2
            if first == last
            else (moment - first).total_seconds() / span * plot_width
        )
        coords.append(
            (round(x, 1), round(_y(mood), 1), f"{day(moment)}: {mood} ({MOOD_WORDS[mood]})")
        )
    moods = [m for _, m in points]
    average = sum(moods) / len(moods)
    latest = moods[-1]
    if len(moods) == 1:
        summary = f"One entry with a mood, on {day(first)}: {latest} ({MOOD_WORDS[latest]})."
    else:
        summary = (
            f"{len(moods)} entries with a mood from {day(first)} to {day(last)}. "
            f"Average {average:.1f} of 5; lowest {min(moods)}, highest {max(moods)}; "
            f"most recent {latest} ({MOOD_WORDS[latest]})."
        )
    return MoodChart(
        chart_id=chart_id,
        title=title,
        summary=summary,
        points=coords,
        polyline=" ".join(f"{x},{y}" for x, y, _ in coords),
        grid=[(round(_y(m), 1), str(m)) for m in range(1, 6)],
        x_labels=[(LEFT, day(first), "start"), (WIDTH - RIGHT, day(last), "end")]
        if first != last
        else [(LEFT + plot_width / 2, day(first), "middle")],
    )
