"""The case page at 1280 px leads with the case: since the last session, then what is next
(issue ux-pass, item 7), above the partners, with the status change a compact control."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.extensions import db
from app.models import utcnow
from app.models.measure import MeasureResponse, ResponseStatus, SafetyFlag
from tests.browser.conftest import DESKTOP
from tests.conftest import TEST_PASSWORD
from tests.modules.conftest import break_module_cycle
from tests.sessions.conftest import SessionBuilder
from tests.ux.builders import assign, load_library


@pytest.fixture(autouse=True)
def _library(app):
    load_library(app)
    yield
    break_module_cycle(app)


def test_the_case_page_leads_with_what_is_next(app, factory, new_visitor):
    lee = factory.counselor(name="Morgan Lee")
    alex, sam = factory.client(name="Alex Rivera"), factory.client(name="Sam Rivera")
    case = factory.case(lee, [alex, sam], label="Rivera couple")
    assign(app, case, [alex, sam], "reflect-on-the-relationship")
    build = SessionBuilder(app)
    build.session(case, starts_at=datetime(2026, 11, 24, 15, tzinfo=UTC))
    build.appointment(case, starts_at=utcnow() + timedelta(days=3))
    with app.app_context():
        sheet = MeasureResponse(
            case_id=case.id,
            user_id=alex.id,
            instrument="PHQ-9",
            occurrence="once",
            status=ResponseStatus.SUBMITTED,
            submitted_at=utcnow(),
        )
        db.session.add(sheet)
        db.session.flush()
        db.session.add(SafetyFlag(case_id=case.id, user_id=alex.id, response_id=sheet.id))
        db.session.commit()

    visitor = new_visitor("counselor", viewport=DESKTOP)
    visitor.login(lee.email, TEST_PASSWORD)
    page = visitor.visit(f"/cases/{case.id}")
    lead = page.locator("#since-last").bounding_box()
    members = page.locator("#members").bounding_box()
    assert lead is not None and members is not None and lead["y"] < members["y"]
    steps = page.locator("[data-next-step]").all_inner_texts()
    assert steps[0].startswith("1 safety flag on a measure")
    assert any(s.startswith("Next session: ") for s in steps)
    assert "1 session note not signed yet" in steps
    # The status change stays a compact control, closed until chosen.
    assert page.is_visible("summary:has-text('Change status')")
    assert not page.is_visible("#status form")
    visitor.screenshot("case-page-lead")
