"""The mood chart shows a day's entries as one point, and says so (issue ux-pass, item 5)."""

from __future__ import annotations

from datetime import UTC, datetime

from app.journal.chart import mood_chart

MORNING = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
EVENING = datetime(2026, 11, 30, 21, 0, tzinfo=UTC)
NEXT_DAY = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def test_two_entries_of_one_day_are_one_point(app):
    with app.app_context():
        chart = mood_chart("c", "Mood", [(MORNING, 2), (EVENING, 4)])
    assert len(chart.points) == 1
    assert chart.points[0][2] == "30 Nov 2026: 2 entries, 2 and 4: average 3.0"
    assert (
        chart.summary
        == "2 entries with a mood, all on 30 Nov 2026: 2 entries, 2 and 4: average 3.0."
    )


def test_the_line_joins_days_not_entries(app):
    with app.app_context():
        chart = mood_chart("c", "Mood", [(MORNING, 2), (EVENING, 4), (NEXT_DAY, 5)])
    assert len(chart.points) == 2 and len(chart.polyline.split(" ")) == 2
    assert "3 entries with a mood on 2 days" in chart.summary
    assert "most recent day 5 (" in chart.summary


def test_days_follow_the_practice_time_zone(app):
    # 21:00 UTC on 30 Nov is already 1 Dec in Auckland: it joins the next day's point.
    app.config["REKINDLE_TIMEZONE"] = "Pacific/Auckland"
    with app.app_context():
        chart = mood_chart("c", "Mood", [(MORNING, 2), (EVENING, 4), (NEXT_DAY, 5)])
    assert [label.split(":")[0] for _, _, label in chart.points] == ["30 Nov 2026", "01 Dec 2026"]
    assert chart.points[1][2] == "01 Dec 2026: 2 entries, 4 and 5: average 4.5"
