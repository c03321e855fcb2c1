"""One way to write and read dates and times in the whole app (issue ux-pass, item 4).

The app writes dates as ``01 Dec 2026`` and times as 24-hour ``14:30``: on pages, in e-mails
and in PDFs. Native date inputs showed the browser's own format instead (``mm/dd/yyyy`` in an
American browser, ``dd.mm.yyyy`` in a German one), so a counselor read one format and typed
another. Every date input is therefore a text input in the practice's format, with a visible
example ("e.g. 01 Dec 2026"), and this module is the one parser behind all of them
(``app.form_dates.DayField``, the exercise autosave).

What is accepted:

* the practice's format, forgivingly: ``1 Dec 2026``, ``01 dec 2026``, ``1 December 2026``,
  ``1-Dec-2026``, ``Sept`` for September;
* ISO ``2026-12-01``, so old bookmarks (the audit and journal filters are GET forms),
  scripts and tests keep working;
* nothing else: every other text gets one clear message, and the typed text stays in the box.

Month names are English and spelled here, not taken from ``strftime``'s ``%b``: that follows
the server's C locale, and the reading must match the writing whatever the locale. There is
no per-practice locale setting (``REKINDLE_TIMEZONE`` is the only regional one), so the format
is one constant; a locale setting would choose between formats here. Digits are ASCII only:
the month is an English word anyway, and ``int()`` would otherwise quietly read Arabic-Indic
or full-width digits the person cannot see as such in the example.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from flask import current_app

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
FULL_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_MONTH_NUMBER = {
    **{name.lower(): n for n, name in enumerate(MONTHS, start=1)},
    **{name.lower(): n for n, name in enumerate(FULL_MONTHS, start=1)},
    "sept": 9,
}

#: The example shown next to every date input.
DATE_EXAMPLE = "01 Dec 2026"
DATE_HINT = f"e.g. {DATE_EXAMPLE}"
DATE_MESSAGE = f"Enter a date like {DATE_EXAMPLE} (day, month, year)."
TIME_EXAMPLE = "14:30"
TIME_HINT = f"e.g. {TIME_EXAMPLE} (24-hour clock)"
TIME_MESSAGE = (
    f"Enter a time as hours and minutes on the 24-hour clock, for example {TIME_EXAMPLE}."
)

_PRACTICE = re.compile(r"(\d{1,2})[ \-]+([a-z]+)\.?[ \-,]+(\d{4})", re.ASCII | re.IGNORECASE)
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})", re.ASCII)
_CLOCK = re.compile(r"(\d{1,2})[:.](\d{2})", re.ASCII)


def practice_zone() -> ZoneInfo:
    """The practice's time zone (``REKINDLE_TIMEZONE``), in which dates and times are read and
    written."""
    return ZoneInfo(current_app.config.get("REKINDLE_TIMEZONE") or "UTC")


def practice_today() -> date:
    """Today where the practice is, not on the server's clock: a server on UTC is already
    in tomorrow during an American evening, and would refuse "today" as a date in the past."""
    return datetime.now(practice_zone()).date()


def write_day(value: date) -> str:
    """A date in the practice's format: ``01 Dec 2026``."""
    return f"{value.day:02d} {MONTHS[value.month - 1]} {value.year:04d}"


def write_time(value: time) -> str:
    """A time of day on the 24-hour clock: ``14:30``."""
    return f"{value.hour:02d}:{value.minute:02d}"


def parse_day(text: str) -> date:
    """The date ``text`` names, in the practice's format or ISO; ValueError with the message
    to show next to the field otherwise."""
    text = " ".join(text.split())
    if match := _ISO.fullmatch(text):
        year, month, day = (int(part) for part in match.groups())
    elif (match := _PRACTICE.fullmatch(text)) and match.group(2).lower() in _MONTH_NUMBER:
        day, month, year = (
            int(match.group(1)),
            _MONTH_NUMBER[match.group(2).lower()],
            int(match.group(3)),
        )
    else:
        raise ValueError(DATE_MESSAGE)
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"There is no such day. {DATE_MESSAGE}") from None


def parse_time(text: str) -> time:
    """The time of day ``text`` names (``9:05``, ``14:30``, ``14.30``); ValueError otherwise."""
    match = _CLOCK.fullmatch(text.strip())
    if not match:
        raise ValueError(TIME_MESSAGE)
    try:
        return time(int(match.group(1)), int(match.group(2)))
    except ValueError:
        raise ValueError(TIME_MESSAGE) from None


def iso_or_blank(text: str) -> str:
    """``text`` as an ISO date, or "" (drafts keep dates as ISO text, and may be unfinished)."""
    try:
        return parse_day(text).isoformat()
    except ValueError:
        return ""
