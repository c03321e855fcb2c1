"""Journey: a counselor assigns a module; each partner answers with their own privacy choices.

Alex answers two exercises (one shared with the partner, one for the counselor only), closes
the tab mid-answer and finds the draft on return; Sam sees only the shared answer; the
counselor reviews both side by side and leaves feedback that each partner sees.
"""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Response, ResponseStatus
from app.services.modules import load_builtin_modules
from tests.browser.conftest import DESKTOP, PHONE
from tests.conftest import TEST_PASSWORD
from tests.modules.conftest import break_module_cycle

SHARED = "The walks by the river, and how easy it was to talk."
COUNSELOR_ONLY = "I stopped asking about Sam's day after the move."
DRAFT = "I went quiet when I was hurt. Next time I want to say"


def wait_until_saved(page, *, or_draft_saved: bool = False) -> None:
    """Wait for the server's confirmation; ("Unsaved changes…" contains "saved" too)."""
    pattern = "^(Saved |Draft saved )" if or_draft_saved else "^Saved "
    page.wait_for_function(
        "p => new RegExp(p).test(document.querySelector('[data-save-state]').textContent)",
        arg=pattern,
    )


@pytest.fixture(autouse=True)
def _library(app):
    with app.app_context():
        load_builtin_modules()
        db.session.commit()
    yield
    break_module_cycle(app)


def _stored_answers(app):
    with app.app_context():
        return [
            (r.status, r.visibility.value, r.answer)
            for r in db.session.scalars(sa.select(Response).order_by(Response.id))
        ]


def test_assign_answer_share_review(app, factory, new_visitor):
    counselor = factory.counselor(name="Dr. Morgan Lee")
    alex = factory.client(name="Alex Rivera")
    sam = factory.client(name="Sam Rivera")
    case = factory.case(counselor, [alex, sam], label="Rivera couple")

    # The counselor assigns "Reflect on the relationship" to both partners from the case page.
    lee = new_visitor("counselor")
    lee.login(counselor.email, TEST_PASSWORD)
    page = lee.visit(f"/cases/{case.id}")
    page.click("text=Assign a module")
    page.wait_for_url(f"**/cases/{case.id}/assignments/new")
    lee.check_page()
    page.select_option("#module", label="Reflect on the relationship")
    page.check("input[name=recipients][value=both]")
    page.fill("#due_date", (date.today() + timedelta(days=7)).isoformat())
    page.fill("#note", "Answer on your own, at your own pace.")
    page.click("button:has-text('Assign module'), input[value='Assign module']")
    page.wait_for_url(f"**/cases/{case.id}")
    assert "Reflect on the relationship" in page.inner_text("#assignments-heading >> xpath=../..")

    # Alex, on a phone, starts from "What to do next".
    phone = new_visitor("alex", viewport=PHONE)
    phone.login(alex.email, TEST_PASSWORD)
    page = phone.visit("/me")
    page.click("#next-heading >> xpath=.. >> a.btn-primary")
    phone.check_page()
    assert page.inner_text("h1") == "What drew you together"
    page.fill("#text", SHARED)
    page.wait_for_selector("[data-save-state]:has-text('Unsaved')")
    page.check("input[name=visibility][value=counselor_and_partner]")
    wait_until_saved(page)
    phone.screenshot("exercise-phone", viewport=PHONE)
    phone.screenshot("exercise-desktop", viewport=DESKTOP)
    phone.page.set_viewport_size(PHONE)
    page.click("input[name=send]")
    page.wait_for_selector(".alert-success:has-text('Sent')")

    page.click("text=Where things became difficult")
    page.fill("#text", COUNSELOR_ONLY)
    assert page.is_checked("input[name=visibility][value=counselor]")  # the default
    page.click("input[name=send]")
    page.wait_for_selector(".alert-success:has-text('Sent')")

    # Mid-answer on the fourth exercise, Alex closes the tab ...
    page.click("text=My own part")
    exercise_url = page.url
    page.fill("#text", DRAFT)
    wait_until_saved(page)
    page.type("#text", " 'I need a minute'.")
    page.close()
    # ... and finds the whole draft on return.
    phone.page = phone.context.new_page()
    page = phone.visit(exercise_url.replace(phone.base_url, ""))
    assert page.input_value("#text") == DRAFT + " 'I need a minute'."
    wait_until_saved(page, or_draft_saved=True)
    drafts = [a for s, _, a in _stored_answers(app) if s is ResponseStatus.DRAFT]
    assert drafts == [{"text": DRAFT + " 'I need a minute'."}]

    # Sam sees the shared answer, and nothing of the counselor-only one or the draft.
    sam_visitor = new_visitor("sam", viewport=PHONE)
    sam_visitor.login(sam.email, TEST_PASSWORD)
    page = sam_visitor.visit("/me/exercises")
    page.click("text=Reflect on the relationship")
    listing = page.inner_text("main")
    assert "Your partner shared an answer" in listing
    seen = ""
    for title in ("What drew you together", "Where things became difficult", "My own part"):
        page.click(f"text={title}")
        sam_visitor.check_page()
        seen += page.inner_text("main")
        page.go_back()
    assert SHARED in seen
    assert COUNSELOR_ONLY not in seen and DRAFT not in seen

    # The counselor reviews both side by side and leaves feedback for each partner.
    page = lee.visit(f"/cases/{case.id}")
    page.click("#assignments-heading >> xpath=../.. >> text=Reflect on the relationship")
    lee.check_page()
    review = page.inner_text("main")
    assert SHARED in review and COUNSELOR_ONLY in review and DRAFT not in review
    page.fill("textarea[name$='-feedback'] >> nth=0", "Thank you, Alex. Naming the quiet helps.")
    page.click("input[value='Save feedback'] >> nth=0")
    page.wait_for_selector(".alert-success:has-text('Feedback saved')")
    # Sam has sent nothing yet: feedback opens once there is work to read (issue ux-pass).
    assert "Feedback opens once Sam Rivera has sent an answer" in page.inner_text("main")
    lee.screenshot("review-desktop", viewport=DESKTOP)
    lee.screenshot("review-phone", viewport=PHONE)

    # Each partner sees their own feedback, not the other's.
    page = phone.visit("/me/exercises")
    page.click("text=Reflect on the relationship")
    alex_view = page.inner_text("main")
    assert "Naming the quiet helps" in alex_view
    page = sam_visitor.visit("/me/exercises")
    page.click("text=Reflect on the relationship")
    sam_view = page.inner_text("main")
    assert (
        "Feedback from your counselor" not in sam_view and "Naming the quiet helps" not in sam_view
    )
    page = phone.visit("/me")
    phone.screenshot("home-phone", viewport=PHONE)

    # The library, as the counselor browses it.
    page = lee.visit("/modules")
    page.click("text=Reestablish communication")
    lee.check_page()
    assert "no-contact order" in page.inner_text("aside")
    lee.screenshot("module-desktop", viewport=DESKTOP)
    lee.screenshot("module-phone", viewport=PHONE)
    assert not [e for e in phone.console_errors + sam_visitor.console_errors if "favicon" not in e]


@pytest.mark.parametrize(
    "slug", ["give-each-other-space", "focus-on-personal-growth", "reestablish-communication"]
)
def test_every_exercise_kind_works_on_a_phone(app, factory, new_visitor, slug):
    from app.models import StrategyModule
    from app.services.assignments import assign_module
    from app.services.modules import version_with_exercises

    counselor = factory.counselor()
    client = factory.client(name="Alex Rivera")
    case = factory.case(counselor, [client])
    with app.app_context():
        module = db.session.scalar(sa.select(StrategyModule).where(StrategyModule.slug == slug))
        version = version_with_exercises(module.current_version_id)
        titles = [e.title for e in version.exercises]
        assign_module(
            db.session.get(type(case), case.id),
            version,
            [db.session.get(type(client), client.id)],
            due_date=None,
            note="",
            assigned_by=db.session.get(type(counselor), counselor.id),
        )
        db.session.commit()
    visitor = new_visitor(slug, viewport=PHONE)
    visitor.login(client.email, TEST_PASSWORD)
    page = visitor.visit("/me/exercises")
    page.click(f"text={titles[0]}")
    for position, title in enumerate(titles):
        assert page.inner_text("h1") == title
        visitor.check_page()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{title} is wider than the phone"
        visitor.screenshot(f"exercise-{position + 1}")
        if position + 1 < len(titles):
            page.click(f"text=Next: {titles[position + 1]}")
