"""Journey: a counselor records a session, writes a DAP note with process notes, picks a shared
journal entry, assigns homework, signs, and downloads both PDF copies (checked with pypdf)."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from app.extensions import db
from app.models import Visibility
from tests.browser.conftest import DESKTOP, PHONE
from tests.conftest import TEST_PASSWORD
from tests.sessions.conftest import CANARY, SessionBuilder


def _text(path) -> str:
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    return " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)


def _download(page, selector, tmp_path, name):
    with page.expect_download() as info:
        page.click(selector)
    target = tmp_path / name
    info.value.save_as(target)
    return target


@pytest.fixture
def builtin_modules(app):
    """The built-in modules, unlinked again afterwards (modules point at their current version)."""
    from app.models import StrategyModule
    from app.services.modules import load_builtin_modules

    with app.app_context():
        load_builtin_modules()
        db.session.commit()
    yield
    with app.app_context():
        db.session.execute(sa.update(StrategyModule).values(current_version_id=None))
        db.session.commit()


def test_counselor_session_journey(app, factory, new_visitor, tmp_path, builtin_modules):

    counselor = factory.counselor(name="Dana Reyes")
    case, alex, sam = factory.couple(counselor)
    build = SessionBuilder(app)
    build.entry(case, alex, title="Our walk", body="SHARED-EXCERPT we walked and talked.")
    build.entry(
        case, sam, title="Mine", body=f"{CANARY} kept to myself", visibility=Visibility.PRIVATE
    )
    visitor = new_visitor("counselor")
    page = visitor.page
    visitor.login(counselor.email, TEST_PASSWORD)

    visitor.visit(f"/cases/{case.id}/sessions/new")
    page.fill("#date", "2026-11-20")
    page.fill("#time", "15:00")
    page.select_option("#modality", "video")
    page.click("button:has-text('Record session')")
    page.wait_for_selector("#note-heading")

    page.select_option("#format", "DAP")
    page.click("button:has-text('Switch')")
    page.wait_for_selector("#data")
    page.fill("#data", "Both described a calmer week. NOTE-DATA")
    page.fill("#assessment", "ASSESSMENT-ONLY-FOR-CLINICIANS steady progress.")
    page.fill("#plan", "Keep practising soft start-up.")
    page.fill("#focus", "We practised gentle starts to hard conversations.")
    page.fill("#next_steps", "One gentle start-up each day.")
    page.click("button:has-text('Save draft')")
    page.wait_for_selector("text=Note saved.")

    page.fill("#process-body", "PROCESS-PRIVATE my own reactions")
    page.click("button:has-text('Save process notes')")
    page.wait_for_selector("text=Process notes saved.")

    page.check("text=Our walk")
    page.click("button:has-text('Save picks')")
    page.wait_for_selector("text=Journal entries for this session saved.")

    page.click("summary:has-text('Assign a module')")
    page.select_option("#module_version", index=1)  # 0 is "Choose a module…"
    homework_title = page.inner_text("#module_version option:checked").strip()
    page.fill("#due_date", "2026-12-04")
    page.click("form[action$='/homework'] button[type=submit]")
    page.wait_for_selector("text=Homework assigned.")

    page.click("#sign-note")
    page.wait_for_selector("text=Note signed.")
    visitor.check_page()
    visitor.screenshot("session-desktop", viewport=DESKTOP)
    visitor.screenshot("session-phone", viewport=PHONE)
    visitor.check_page()
    page.set_viewport_size(DESKTOP)

    clinician = _text(_download(page, "a[data-pdf=clinician]", tmp_path, "clinician.pdf"))
    assert "NOTE-DATA" in clinician
    assert "ASSESSMENT-ONLY-FOR-CLINICIANS" in clinician
    assert "SHARED-EXCERPT" in clinician
    assert "Signed by Dana Reyes" in clinician
    assert "PROCESS-PRIVATE" not in clinician and CANARY not in clinician

    client_copy = _text(_download(page, "a[data-pdf=client]", tmp_path, "client.pdf"))
    assert homework_title in client_copy and "04 Dec 2026" in client_copy
    assert "gentle starts" in client_copy
    for forbidden in ("ASSESSMENT-ONLY", "PROCESS-PRIVATE", CANARY, "SHARED-EXCERPT", "NOTE-DATA"):
        assert forbidden not in client_copy


def test_partner_checks_in_from_home_on_a_phone(app, factory, new_visitor):
    from app.models import CheckIn

    counselor = factory.counselor()
    case, alex, sam = factory.couple(counselor)
    visitor = new_visitor("alex", viewport=PHONE)
    page = visitor.page
    visitor.login(alex.email, TEST_PASSWORD)
    page.click("a:has-text('Check in')")
    page.wait_for_selector("text=How have things been?")
    visitor.check_page()
    for key, value in (("satisfaction", 6), ("communication", 5), ("closeness", 7), ("hope", 8)):
        page.click(f"label[for='{key}-{value}']")
    visitor.screenshot("check-in-phone")
    page.click("button:has-text('Send my check-in')")
    page.wait_for_selector("text=Thank you for checking in.")
    visitor.check_page()
    with app.app_context():
        row = db.session.scalar(sa.select(CheckIn))
        assert (row.satisfaction, row.communication, row.closeness, row.hope) == (6, 5, 7, 8)


def test_case_page_shows_sessions_and_trends(app, factory, new_visitor):
    counselor = factory.counselor()
    case, alex, sam = factory.couple(counselor)
    build = SessionBuilder(app)
    build.session(case, sections={"data": "x"}, signed_by=counselor)
    build.check_ins(case, alex, weeks=6)
    build.check_ins(case, sam, weeks=5)
    visitor = new_visitor("counselor")
    visitor.login(counselor.email, TEST_PASSWORD)
    visitor.visit(f"/cases/{case.id}")
    assert visitor.page.locator("#sessions-heading").count() == 1
    assert visitor.page.locator("#checkins svg").count() == 2
    visitor.screenshot("case-desktop")
    visitor.screenshot("case-phone", viewport=PHONE)
    visitor.check_page()
