"""iCalendar documents of the appointment book: feeds and single ``.ics`` files.

Built with the ``icalendar`` library. A series is one VEVENT with its RRULE (so calendars show
it as recurring, at its local time across DST), and every occurrence that changed since
booking is an override VEVENT with the same UID and its RECURRENCE-ID. UIDs are random and
stable; SEQUENCE rises with every change; cancelled sessions are STATUS:CANCELLED; each zone
used gets its VTIMEZONE. Events carry no names and no clinical content: their words come from
``app.policy.appointments``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import timedelta
from statistics import mode
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vRecur

from app.models import Appointment, AppointmentSeries, AppointmentStatus, Modality

PRODID = "-//Rekindle//Appointments//EN"
CANCELLED = (AppointmentStatus.CANCELLED, AppointmentStatus.LATE_CANCELLED)
MODALITY_WORDS = {
    Modality.IN_PERSON: "In person",
    Modality.VIDEO: "Video session (the link is on your Rekindle home page shortly before)",
    Modality.PHONE: "By phone",
}

#: ``title(appointment)``, and whether details (modality, location) may be shown.
Wording = tuple[Callable[[Appointment], str], bool]


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    return calendar


def _details(event: Event, appointment: Appointment, show_details: bool) -> None:
    if not show_details:
        return
    event.add("description", MODALITY_WORDS[appointment.modality])
    if appointment.modality is Modality.IN_PERSON and appointment.location:
        event.add("location", appointment.location)


def _event(appointment: Appointment, wording: Wording, uid: str) -> Event:
    title, show_details = wording
    tz = ZoneInfo(appointment.timezone)
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", appointment.updated_at)
    event.add("dtstart", appointment.starts_at.astimezone(tz))
    event.add(
        "dtend",
        (appointment.starts_at + timedelta(minutes=appointment.duration_minutes)).astimezone(tz),
    )
    event.add("summary", title(appointment))
    event.add("sequence", appointment.sequence)
    event.add("status", "CANCELLED" if appointment.status in CANCELLED else "CONFIRMED")
    event.add("transp", "OPAQUE")
    _details(event, appointment, show_details)
    return event


def _master(series: AppointmentSeries, first: Appointment, minutes: int, wording: Wording) -> Event:
    title, show_details = wording
    tz = ZoneInfo(series.timezone)
    start = series.local_start.replace(tzinfo=tz)
    event = Event()
    event.add("uid", series.uid)
    event.add("dtstamp", series.created_at)
    event.add("dtstart", start)
    event.add("duration", timedelta(minutes=minutes))
    event.add("rrule", vRecur.from_ical(series.rrule))
    event.add("summary", title(first))
    event.add("sequence", series.sequence)
    event.add("status", "CONFIRMED")
    event.add("transp", "OPAQUE")
    _details(event, first, show_details)
    return event


def _unchanged(appointment: Appointment, minutes: int) -> bool:
    """An occurrence exactly as its rule and the series' usual length describe it."""
    return (
        appointment.sequence == 0
        and appointment.status is AppointmentStatus.BOOKED
        and appointment.starts_at == appointment.original_start
        and appointment.duration_minutes == minutes
    )


def feed(name: str, appointments: Iterable[Appointment], wording: Wording) -> bytes:
    """A whole calendar: series as rules with their changed occurrences, single sessions."""
    calendar = _calendar(name)
    by_series: dict[int, list[Appointment]] = {}
    for appointment in appointments:
        if appointment.series_id is None or appointment.series is None:
            calendar.add_component(_event(appointment, wording, appointment.uid))
        else:
            by_series.setdefault(appointment.series_id, []).append(appointment)
    for items in by_series.values():
        series = items[0].series
        assert series is not None
        first = min(items, key=lambda a: a.original_start or a.starts_at)
        minutes = mode(a.duration_minutes for a in items)
        calendar.add_component(_master(series, first, minutes, wording))
        for item in items:
            if item.original_start is None or _unchanged(item, minutes):
                continue
            override = _event(item, wording, series.uid)
            override.add("recurrence-id", item.original_start.astimezone(ZoneInfo(item.timezone)))
            calendar.add_component(override)
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())


def single(name: str, appointment: Appointment, wording: Wording) -> bytes:
    """One session as its own ``.ics`` file ("add to calendar"), under its own stable UID."""
    calendar = _calendar(name)
    calendar.add("method", "PUBLISH")
    calendar.add_component(_event(appointment, wording, appointment.uid))
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())
