"""The mood-over-time chart: coordinates for a server-rendered SVG, and its text alternative."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from app.practice_dates import practice_zone
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


def _local_day(moment: datetime) -> date:
    return moment.astimezone(practice_zone()).date()


def _words(moods: list[int]) -> str:
    if len(moods) == 1:
        return f"{moods[0]} ({MOOD_WORDS[moods[0]]})"
    listed = ", ".join(str(m) for m in moods[:-1]) + f" and {moods[-1]}"
    return f"{len(moods)} entries, {listed}: average {sum(moods) / len(moods):.1f}"


def mood_chart(
    chart_id: str, title: str, points: Sequence[tuple[datetime, int]]
) -> MoodChart | None:
    """A chart of ``(moment, mood)`` points in time order, or None when there are none.

    Entries of the same day (in the practice's time zone) are one point at the day's
    average, so no line runs up and down within a day; the point's label and the text
    alternative name every mood of that day.
    """
    if not points:
        return None
    days: dict[date, list[int]] = {}
    for moment, mood in points:
        days.setdefault(_local_day(moment), []).append(mood)
    first, last = min(days), max(days)
    span = (last - first).days or 1
    plot_width = WIDTH - LEFT - RIGHT
    coords = []
    for when, moods in days.items():
        x = LEFT + (plot_width / 2 if first == last else (when - first).days / span * plot_width)
        value = sum(moods) / len(moods)
        coords.append((round(x, 1), round(_y(value), 1), f"{day(when)}: {_words(moods)}"))
    moods = [m for _, m in points]
    average = sum(moods) / len(moods)
    latest_day = days[last]
    if len(moods) == 1:
        summary = f"One entry with a mood, on {day(first)}: {_words(moods)}."
    elif len(days) == 1:
        summary = f"{len(moods)} entries with a mood, all on {day(first)}: {_words(moods)}."
    else:
        summary = (
            f"{len(moods)} entries with a mood on {len(days)} days, from {day(first)} to "
            f"{day(last)}. Average {average:.1f} of 5; lowest {min(moods)}, highest "
            f"{max(moods)}; most recent day {_words(latest_day)}."
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
