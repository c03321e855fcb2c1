"""Journey: intake of a new couple. The admin's consent texts, the counselor's policy, each
partner signing and answering the private safety check on their phone (375 px), one raising a
concern, and the counselor's decision on the case page (1280 px)."""

from __future__ import annotations

from app.extensions import db
from app.intake import consents
from app.models import CaseStatus
from tests.browser.conftest import DESKTOP, PHONE
from tests.conftest import TEST_PASSWORD
from tests.intake.conftest import CALM, WORRIED


def _sign_everything(visitor, name: str) -> str:
    """Sign the three documents one after another; returns the text of the pages signed."""
    page = visitor.page
    seen = []
    for step in range(3):
        page.wait_for_selector("#full_name")
        visitor.check_page()
        if step == 0:
            visitor.screenshot("sign-first-document", viewport=PHONE)
        seen.append(page.inner_text("main"))
        page.fill("#full_name", name)
        page.check("#agree")
        page.click("main button:text-is('Sign')")
        page.wait_for_load_state()
    page.wait_for_selector("text=Everything is signed")
    visitor.check_page()
    page.click("text=Continue")
    page.wait_for_load_state()
    return " ".join(" ".join(seen).split())


def _answer(visitor, answers: dict) -> None:
    page = visitor.page
    page.click("text=Answer the questions")
    page.wait_for_selector("#safety-check")
    for key, value in answers.items():
        page.check(f'input[name={key}][value="{value}"]')
    page.wait_for_selector("text=Your answers so far are saved.")
    visitor.screenshot("safety-check", viewport=PHONE)
    page.click("button:has-text('Send to my counselor')")
    page.wait_for_selector("text=Your answers went to your counselor only.")
    visitor.check_page()
    visitor.screenshot("sent", viewport=PHONE)


def test_intake_journey(app, factory, new_visitor):
    admin = factory.admin(name="Pat Admin")
    counselor = factory.counselor(name="Dana Reyes")
    alex = factory.client(name="Alex Rivers")
    sam = factory.client(name="Sam Rivers")
    case = factory.case(counselor, [alex, sam], status=CaseStatus.INTAKE, label="Alex & Sam")

    # The admin publishes the practice's consent texts (the shipped ones, one edited here).
    with app.app_context():
        consents.load_defaults()
        db.session.commit()
    office = new_visitor("admin", viewport=DESKTOP)
    office.login(admin.email, TEST_PASSWORD)
    office.visit("/admin/consents")
    office.page.click("text=Edit Consent to electronic communication")
    office.page.fill(
        "#text",
        "We may contact you through this app and by e-mail.\n\nE-mail never holds what you wrote.",
    )
    office.page.click("button:has-text('Publish')")
    office.page.wait_for_selector("text=New version published.")
    office.check_page()
    office.screenshot("consent-texts", viewport=DESKTOP)

    # The counselor sets the policy at intake.
    desk = new_visitor("counselor", viewport=DESKTOP)
    desk.login(counselor.email, TEST_PASSWORD)
    desk.visit(f"/cases/{case.id}")
    desk.page.check("input[name=policy][value=limited_secrets]")
    desk.page.click("button:has-text('Save policy')")
    desk.page.wait_for_selector("text=Confidentiality policy saved.")
    desk.check_page()

    # Each partner signs on their own phone, then answers the check.
    phone_a = new_visitor("alex", viewport=PHONE)
    phone_a.login(alex.email, TEST_PASSWORD)
    assert phone_a.page.url.endswith("/me/consents")
    signed = _sign_everything(phone_a, "Alex Rivers")
    # The agreement states the policy the counselor chose, and the admin's new wording.
    assert "Confidentiality policy: Limited secrets" in signed
    assert "E-mail never holds what you wrote." in signed
    _answer(phone_a, WORRIED)

    phone_b = new_visitor("sam", viewport=PHONE)
    phone_b.login(sam.email, TEST_PASSWORD)
    _sign_everything(phone_b, "Sam Rivers")
    _answer(phone_b, CALM)
    home_b = phone_b.visit("/me").content()
    assert "concern" not in home_b.lower()

    # The counselor sees the banner, reads the answers and records a decision.
    desk.visit(f"/cases/{case.id}")
    page = desk.page
    page.wait_for_selector("text=Safety check: a concern needs your decision")
    intake_text = " ".join(page.inner_text("#intake").split())
    assert "Alex Rivers: all signed" in intake_text and "Sam Rivers: all signed" in intake_text
    desk.screenshot("case-with-concern", viewport=DESKTOP)
    page.click("text=Read the answers")
    page.wait_for_selector("text=These answers raised a concern.")
    desk.check_page()
    desk.screenshot("answers", viewport=DESKTOP)
    page.go_back()
    page.wait_for_selector("text=Safety check: a concern needs your decision")
    page.select_option("select[name=decision]", "individual_only")
    page.fill("textarea[name=note]", "Individual sessions first; safety plan discussed.")
    page.click("button:has-text('Record decision')")
    page.wait_for_selector("text=Decision recorded.")
    assert page.locator("text=a concern needs your decision").count() == 0
    desk.check_page()
    desk.screenshot("case-after-decision", viewport=DESKTOP)
