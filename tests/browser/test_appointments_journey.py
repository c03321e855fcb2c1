"""Journey: a counselor books a weekly series for a couple, moves one occurrence, sees the week
(1280 px); a partner on a phone (375 px) sees the upcoming session and downloads its .ics; the
counselor records the session from its appointment, and the client PDF's "next session" is the
next booked one (the moved occurrence)."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from pypdf import PdfReader

from tests.browser.conftest import DESKTOP, PHONE
from tests.conftest import TEST_PASSWORD

ZONE = ZoneInfo("Europe/Helsinki")


@pytest.fixture
def app_config() -> dict:
    return {"WTF_CSRF_ENABLED": True, "REKINDLE_TIMEZONE": "Europe/Helsinki"}


def _download(page, selector, tmp_path, name):
    with page.expect_download() as info:
        page.click(selector)
    target = tmp_path / name
    info.value.save_as(target)
    return target


def test_book_move_see_on_a_phone_record_and_summarise(app, factory, new_visitor, tmp_path):
    counselor = factory.counselor(name="Dana Reyes")
    alex, sam = factory.client(name="Alex Rivera"), factory.client(name="Sam Rivera")
    case = factory.case(counselor, [alex, sam], label="Rivera")
    first = (datetime.now(ZONE) + timedelta(days=1)).date()

    desk = new_visitor("counselor")
    page = desk.page
    desk.login(counselor.email, TEST_PASSWORD)
    desk.visit(f"/cases/{case.id}")
    page.click("a:has-text('Book a session')")
    page.wait_for_selector("h1:has-text('Book a session')")
    desk.check_page()
    page.fill("#date", first.isoformat())
    page.fill("#time", "18:00")
    page.fill("#location", "Room 2, 12 Harbour Street")
    page.select_option("#repeat", "1")
    page.fill("#count", "4")
    page.click("button:has-text('Book')")
    page.wait_for_selector("text=Booked 4 sessions.")
    assert page.inner_text("[data-next-session]").endswith("18:00")

    # Move the second occurrence to 19:30 the same day.
    page.click("#appointments li:nth-child(2) a")
    page.click("a:has-text('Move')")
    page.fill("#time", "19:30")
    page.fill("#reason", "Clients asked for later")
    page.click("button:has-text('Move')")
    page.wait_for_selector("text=Session moved.")
    desk.check_page()
    assert "Clients asked for later" in page.inner_text("main")

    desk.visit(f"/calendar?week={(first + timedelta(days=7)).isoformat()}")
    assert "19:30" in page.inner_text("table")
    assert "Alex Rivera & Sam Rivera" in page.inner_text("table")
    desk.screenshot("calendar-week-desktop", viewport=DESKTOP)

    phone = new_visitor("alex", viewport=PHONE)
    phone.login(alex.email, TEST_PASSWORD)
    section = phone.page.locator("#appointments")
    assert f"{first:%A %d %B}, 18:00" in section.inner_text()
    phone.check_page()
    phone.screenshot("upcoming-phone", viewport=PHONE)
    ics = _download(
        phone.page, "#appointments li:first-child a:has-text('.ics')", tmp_path, "s.ics"
    )
    event = icalendar.Calendar.from_ical(ics.read_bytes()).walk("VEVENT")[0]
    assert event["DTSTART"].dt == datetime.combine(first, datetime.min.time(), ZONE).replace(
        hour=18
    )
    assert str(event["SUMMARY"]) == "Counseling session · Rekindle Counseling Practice"
    assert "Alex" not in ics.read_text() and "Rivera" not in ics.read_text()

    # The counselor records the first session from its appointment, then the client copy.
    desk.visit(f"/cases/{case.id}")
    page.click("#appointments li:first-child a")
    page.click("button:has-text('Record this session')")
    page.wait_for_selector("#note-heading")
    desk.check_page()
    client_copy = _download(page, "a[data-pdf=client]", tmp_path, "client.pdf")
    text = " ".join(
        " ".join((p.extract_text() or "").split())
        for p in PdfReader(io.BytesIO(client_copy.read_bytes())).pages
    )
    moved = first + timedelta(days=7)
    assert f"Next session {moved:%d %b %Y}, 19:30" in text
