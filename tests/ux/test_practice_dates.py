"""One date format everywhere (issue ux-pass, item 4): the parser every date input uses."""

from __future__ import annotations

from datetime import date, time

import pytest

from app.practice_dates import (
    DATE_MESSAGE,
    FULL_MONTHS,
    MONTHS,
    TIME_MESSAGE,
    iso_or_blank,
    parse_day,
    parse_time,
    write_day,
)


@pytest.mark.parametrize("month", range(1, 13))
def test_every_month_reads_back_as_written(month):
    day = date(2026, month, 1)
    written = write_day(day)
    assert written == f"01 {MONTHS[month - 1]} 2026"
    assert parse_day(written) == day
    assert parse_day(written.lower()) == day
    assert parse_day(written.upper()) == day
    assert parse_day(f"1 {FULL_MONTHS[month - 1]} 2026") == day


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-01", date(2026, 12, 1)),  # ISO: old bookmarks, scripts and tests
        ("  01   Dec  2026 ", date(2026, 12, 1)),
        ("1-Dec-2026", date(2026, 12, 1)),
        ("1 Dec. 2026", date(2026, 12, 1)),
        ("9 Sept 2026", date(2026, 9, 9)),
        ("29 Feb 2028", date(2028, 2, 29)),
    ],
)
def test_accepted(text, expected):
    assert parse_day(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "12/01/2026",  # the browser's mm/dd/yyyy: ambiguous, so never guessed
        "01.12.2026",
        "2026-12-1",
        "20261201",
        "Dec 01 2026",
        "01 Dez 2026",
        "01 Dec 26",
        "tomorrow",
        "",
        "01 Dec 2026 10:00",
        "٠١ Dec ٢٠٢٦",  # Arabic-Indic digits
        "０１ Dec ２０２６",  # full-width digits
        "२०२६-१२-०१",  # Devanagari digits, ISO shape
        "01 Dec 2026 🎉",
        "🗓️",
        "01\x00 Dec 2026",
        "x" * 10_000,
    ],
)
def test_refused_with_the_message(text):
    with pytest.raises(ValueError, match="Enter a date like 01 Dec 2026"):
        parse_day(text)
    assert iso_or_blank(text) == ""


@pytest.mark.parametrize("text", ["31 Feb 2026", "2026-02-30", "00 Jan 2026", "2026-13-01"])
def test_a_day_not_on_the_calendar(text):
    with pytest.raises(ValueError, match="There is no such day"):
        parse_day(text)


def test_the_message_says_the_format():
    assert "01 Dec 2026" in DATE_MESSAGE and "14:30" in TIME_MESSAGE


@pytest.mark.parametrize(
    ("text", "expected"),
    [("14:30", time(14, 30)), ("9:05", time(9, 5)), ("09.05", time(9, 5)), ("00:00", time(0))],
)
def test_times_on_the_24_hour_clock(text, expected):
    assert parse_time(text) == expected


@pytest.mark.parametrize("text", ["2:30 pm", "24:00", "12:60", "1430", "١٤:٣٠", "🕑", ""])
def test_times_refused(text):
    with pytest.raises(ValueError, match="24-hour clock"):
        parse_time(text)


@pytest.mark.parametrize("typed", ["01 Dec 2026", "1 december 2026", "2026-12-01"])
def test_an_autosaved_draft_keeps_the_date_as_iso(typed):
    """Exercise drafts store dates as ISO text, whichever way the client typed them."""
    assert iso_or_blank(typed) == "2026-12-01"
