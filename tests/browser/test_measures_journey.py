"""Journey: the counselor schedules the CSI-16 before each appointment for a couple; both
partners answer on phones (375 px: one question per screen, and the list); the counselor sees
both trends and the partner gap (1280 px); the clinician PDF shows them, the client PDF not.
A PHQ-9 safety answer then shows the client the crisis resources and the counselor a banner."""

from __future__ import annotations

import io
from datetime import timedelta

import sqlalchemy as sa
from pypdf import PdfReader

from app.extensions import db
from app.measures import instruments as catalogue
from app.models import (
    Appointment,
    MeasureCadence,
    MeasureResponse,
    MeasureSchedule,
    ResponseStatus,
    utcnow,
)
from tests.browser.conftest import DESKTOP, PHONE
from tests.conftest import TEST_PASSWORD

PAST = [(64, 60), (62, 49), (66, 41)]  # (Alex, Sam) in the weeks before


def _text(path) -> str:
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    return " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)


def _history(app, case, alex, sam) -> None:
    """Three earlier CSI-16 answers per partner (a paper schedule of earlier weeks)."""
    csi = catalogue.get("CSI-16")
    with app.app_context():
        schedule = MeasureSchedule(
            case_id=case.id, instrument="CSI-16", cadence=MeasureCadence.ONCE
        )
        schedule.stopped_at = utcnow()
        db.session.add(schedule)
        db.session.flush()
        for week, totals in enumerate(PAST):
            for user, total in zip((alex, sam), totals, strict=True):
                db.session.add(
                    MeasureResponse(
                        case_id=case.id,
                        user_id=user.id,
                        schedule_id=schedule.id,
                        instrument="CSI-16",
                        occurrence=f"earlier-{week}",
                        status=ResponseStatus.SUBMITTED,
                        answers={},
                        score={
                            "total": total,
                            "band": csi.band_of(total).label,
                            "beyond": total < 51.5,
                        },
                        submitted_at=utcnow() - timedelta(days=7 * (len(PAST) - week)),
                    )
                )
        db.session.add(
            Appointment(
                uid="journey-appt",
                case_id=case.id,
                counselor_id=case.counselor_id,
                starts_at=utcnow() + timedelta(days=2),
                timezone="UTC",
            )
        )
        db.session.commit()


def _answer_on_phone(new_visitor, user, name, *, one_at_a_time: bool, positions: list[int]):
    visitor = new_visitor(name, viewport=PHONE)
    page = visitor.page
    visitor.login(user.email, TEST_PASSWORD)
    page.click("a:has-text('Start')")
    page.wait_for_selector("h1:has-text('CSI-16')")
    if not one_at_a_time:
        page.click("a:has-text('All questions on one page')")
        page.wait_for_selector("[data-measure-view=list]")
    visitor.check_page()
    for number, position in enumerate(positions, start=1):
        key = f"csi_{number}"
        if one_at_a_time:
            page.wait_for_selector(f"#item-{key}.current")
            assert page.inner_text("[data-measure-position]") == f"Question {number} of 16"
        page.click(f"label[for='{key}-{position}']")
        if number == 8:
            visitor.screenshot(f"measure-{name}-halfway-phone")
    page.wait_for_selector("[data-answered]:has-text('16')")
    visitor.screenshot(f"measure-{name}-done-phone")
    page.click("button:has-text('Send my answers')")
    page.wait_for_selector("text=Thank you")
    assert "crisis-resources" not in page.content()
    visitor.check_page()


def test_csi16_before_each_appointment_journey(app, factory, new_visitor, tmp_path):
    counselor = factory.counselor(name="Dana Reyes")
    alex = factory.client(name="Alex Kim")
    sam = factory.client(name="Sam Ortiz")
    case = factory.case(counselor, [alex, sam], label="Kim & Ortiz")
    _history(app, case, alex, sam)

    desk = new_visitor("counselor", viewport=DESKTOP)
    page = desk.page
    desk.login(counselor.email, TEST_PASSWORD)
    desk.visit(f"/cases/{case.id}/measures")
    page.select_option("#instrument", "CSI-16")
    page.select_option("#who", "all")
    page.select_option("#cadence", "before_appointment")
    page.click("button:has-text('Schedule')")
    page.wait_for_selector("text=Measure scheduled.")
    desk.check_page()

    # Alex: one question per screen, fairly satisfied (points: 4, 4, 4x8, 4s on the pairs).
    alex_positions = [4, 1] + [4] * 8 + [1, 4, 1, 1, 4, 1]
    _answer_on_phone(new_visitor, alex, "alex", one_at_a_time=True, positions=alex_positions)
    # Sam: the whole list, distressed (points 1, 1, 1x8, 1s on the pairs).
    sam_positions = [1, 4] + [1] * 8 + [4, 1, 4, 4, 1, 4]
    _answer_on_phone(new_visitor, sam, "sam", one_at_a_time=False, positions=sam_positions)

    with app.app_context():
        totals = {
            r.user_id: r.score["total"]
            for r in db.session.scalars(
                sa.select(MeasureResponse).where(MeasureResponse.occurrence.like("appt:%"))
            )
        }
    assert totals == {alex.id: 64, sam.id: 16}

    desk.visit(f"/cases/{case.id}/measures")
    assert page.locator("figure.measure-trend svg").count() == 2
    assert page.locator("figure.measure-gap svg").count() == 1
    assert page.locator(".measure-gap .reliable-change").count() >= 1  # the gap widened
    assert "gap widened" in page.content()
    desk.screenshot("measures-counselor-desktop", viewport=DESKTOP)
    desk.check_page()

    desk.visit("/caseload")
    assert "CSI-16 16" in page.content() and "CSI-16 64" in page.content()
    desk.screenshot("measures-caseload-desktop", viewport=DESKTOP)

    when = utcnow() + timedelta(hours=2)
    desk.visit(f"/cases/{case.id}/sessions/new")
    page.fill("#date", when.strftime("%Y-%m-%d"))
    page.fill("#time", when.strftime("%H:00"))
    page.click("button:has-text('Record session')")
    page.wait_for_selector("#note-heading")
    clinician = tmp_path / "clinician.pdf"
    with page.expect_download() as info:
        page.click("a[data-pdf=clinician]")
    info.value.save_as(clinician)
    client = tmp_path / "client.pdf"
    with page.expect_download() as info:
        page.click("a[data-pdf=client]")
    info.value.save_as(client)
    (tmp_path.parent / "measures-clinician.pdf").write_bytes(clinician.read_bytes())

    clinician_text = _text(clinician)
    assert "Partner gap: CSI-16" in clinician_text
    assert "Alex Kim · CSI-16" in clinician_text and "Sam Ortiz · CSI-16" in clinician_text
    assert "gap 48 (widened)" in clinician_text
    client_text = _text(client)
    for word in ("CSI-16", "Partner gap", "questionnaire", "64", "Notable relationship"):
        assert word not in client_text, word
    _keep_pdf_page(clinician)


def _keep_pdf_page(pdf) -> None:
    """The clinician PDF's measures page as PNG, beside the screenshots (to look at)."""
    import shutil
    import subprocess

    from tests.browser.conftest import ARTIFACTS

    if shutil.which("pdftoppm"):
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", str(pdf), str(ARTIFACTS / "measures-clinician-pdf")],
            check=True,
        )


def test_phq9_safety_answer_journey(app, factory, new_visitor):
    counselor = factory.counselor()
    alex, sam = factory.client(), factory.client()
    case = factory.case(counselor, [alex, sam])
    desk = new_visitor("counselor-flag", viewport=DESKTOP)
    desk.login(counselor.email, TEST_PASSWORD)
    desk.visit(f"/cases/{case.id}/measures")
    desk.page.select_option("#instrument", "PHQ-9")
    desk.page.select_option("#who", str(alex.id))
    desk.page.select_option("#cadence", "once")
    desk.page.click("button:has-text('Schedule')")
    desk.page.wait_for_selector("text=Measure scheduled.")

    phone = new_visitor("alex-flag", viewport=PHONE)
    phone.login(alex.email, TEST_PASSWORD)
    phone.page.click("a:has-text('Start')")
    phone.page.click("a:has-text('All questions on one page')")
    for n in range(1, 9):
        phone.page.click(f"label[for='phq9_{n}-0']")
    phone.page.click("label[for='phq9_9-1']")
    phone.page.click("button:has-text('Send my answers')")
    phone.page.wait_for_selector("#crisis-resources")
    phone.screenshot("measures-crisis-phone")
    phone.check_page()

    partner = new_visitor("sam-flag", viewport=PHONE)
    partner.login(sam.email, TEST_PASSWORD)
    for word in ("PHQ", "crisis", "safety", "flag"):
        assert word not in partner.page.content()

    desk.visit(f"/cases/{case.id}")
    desk.page.wait_for_selector("#measure-flags")
    desk.screenshot("measures-flag-banner-desktop")
    desk.check_page()
    desk.page.fill("textarea[name=action]", "Called Alex within the hour; safety plan in place.")
    desk.page.click("button:has-text('Record and close the flag')")
    desk.page.wait_for_selector("text=Recorded. The flag is closed.")
    assert desk.page.locator("#measure-flags").count() == 0
