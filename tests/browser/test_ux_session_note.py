"""Journey (issue ux-pass, items 9 and 11): the session page never drops text.

The counselor types a SOAP note without saving and switches to DAP: every word is still on
the page (Subjective and Objective under Data, Assessment and Plan where they were). Homework
given in this session is not offered as "Reviewed in this session"; work given before is.
Signing ends with what happened and what comes next, and the amendment box opens only when
the counselor chooses to amend.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.models import NoteFormat, utcnow
from tests.browser.conftest import DESKTOP
from tests.conftest import TEST_PASSWORD
from tests.modules.conftest import break_module_cycle
from tests.sessions.conftest import SessionBuilder
from tests.ux.builders import assign, load_library

SUBJECTIVE = "Both said the week felt calmer. UNSAVED-SUBJECTIVE"
OBJECTIVE = "Sat closer together than last time. UNSAVED-OBJECTIVE"
ASSESSMENT = "Steady progress. UNSAVED-ASSESSMENT"


@pytest.fixture(autouse=True)
def _library(app):
    load_library(app)
    yield
    break_module_cycle(app)


def test_switching_the_note_format_keeps_typed_text(app, factory, new_visitor):
    counselor = factory.counselor(name="Dana Reyes")
    case, alex, sam = factory.couple(counselor)
    assign(app, case, [alex, sam], "reflect-on-the-relationship")  # given before the session
    sid = SessionBuilder(app).session(
        case, fmt=NoteFormat.SOAP, starts_at=utcnow() + timedelta(minutes=5)
    )
    visitor = new_visitor("counselor", viewport=DESKTOP)
    visitor.login(counselor.email, TEST_PASSWORD)
    page = visitor.visit(f"/cases/{case.id}/sessions/{sid}")

    # Typed, not saved (the switch follows at once, before any autosave could run).
    page.fill("#subjective", SUBJECTIVE)
    page.fill("#objective", OBJECTIVE)
    page.fill("#assessment", ASSESSMENT)
    page.select_option("#format", "DAP")
    page.click("#switch-format")
    page.wait_for_selector("#data")
    visitor.check_page()
    data = page.input_value("#data")
    assert SUBJECTIVE in data and OBJECTIVE in data
    assert data.startswith("Subjective:\n")
    assert page.input_value("#assessment") == ASSESSMENT
    message = page.inner_text(".alert-success")
    assert "switched to DAP" in message and "Subjective and Objective" in message
    visitor.screenshot("after-switch")

    # Back to SOAP: nothing doubles, nothing goes.
    page.select_option("#format", "SOAP")
    page.click("#switch-format")
    page.wait_for_selector("#subjective")
    body = "".join(page.input_value(f"#{k}") for k in ("subjective", "objective", "assessment"))
    assert body.count("UNSAVED-SUBJECTIVE") == 1 and body.count("UNSAVED-OBJECTIVE") == 1
    assert "UNSAVED-ASSESSMENT" in body

    # Homework given now is not "reviewed in this session"; the module given before is.
    page.click("summary:has-text('Assign a module')")
    page.select_option("#module_version", label="Give each other space")
    page.click("form[action$='/homework'] button[type=submit]")
    page.wait_for_selector("text=Homework assigned.")
    reviewed = page.inner_text("form[action$='/reviewed']")
    assert "Reflect on the relationship" in reviewed
    assert "Give each other space" not in reviewed

    # Signing says what happened and what comes next; amending is a choice.
    page.fill("#plan", "Practise soft start-up.")
    page.click("button:has-text('Save draft')")
    page.wait_for_selector("text=Note saved.")
    page.click("#sign-note")
    page.wait_for_selector(".alert-success:has-text('Note signed')")
    signed = page.inner_text(".alert-success")
    assert "client copy" in signed.lower()
    visitor.check_page()
    assert not page.is_visible("#body")
    visitor.screenshot("signed")
    page.click("summary:has-text('Add an amendment')")
    assert page.is_visible("#body")
    assert not [e for e in visitor.console_errors if "favicon" not in e]
