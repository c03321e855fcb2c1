"""Journey: text typed before the page's autosave script has run is still autosaved.

Pages load ``autosave.js`` at the end of the body. On a slow phone (or a busy server) the
editor is on screen, and takes typing, before that script has arrived; its ``input`` events
then reach no listener. The script, once it runs, must notice what the editor already holds
and save it. (This was the modules journey's flake: its fourth exercise was typed into at
once, without the page checks that gave the script time on the other pages.)
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import AssignmentRecipient, Response, ResponseStatus, StrategyModule
from app.services.assignments import assign_module
from app.services.modules import load_builtin_modules, version_with_exercises
from tests.browser.conftest import PHONE
from tests.conftest import TEST_PASSWORD
from tests.modules.conftest import break_module_cycle

EARLY = "Typed while the page was still loading its scripts."
SAVED = "() => /^Saved /.test(document.querySelector('[data-save-state]').textContent)"


@pytest.fixture
def exercise_url(app, factory) -> tuple[str, str]:
    """A client with one assigned module: their email and the first exercise's address."""
    counselor = factory.counselor()
    client = factory.client(name="Alex Rivera")
    case = factory.case(counselor, [client])
    with app.app_context():
        load_builtin_modules()
        module = db.session.scalar(
            sa.select(StrategyModule).where(StrategyModule.slug == "reflect-on-the-relationship")
        )
        version = version_with_exercises(module.current_version_id)
        exercise_id = version.exercises[0].id
        assignment = assign_module(
            db.session.get(type(case), case.id),
            version,
            [db.session.get(type(client), client.id)],
            due_date=None,
            note="",
            assigned_by=db.session.get(type(counselor), counselor.id),
        )
        db.session.commit()
        recipient_id = db.session.scalar(
            sa.select(AssignmentRecipient.id).where(
                AssignmentRecipient.assignment_id == assignment.id
            )
        )
    yield client.email, f"/me/exercises/{recipient_id}/{exercise_id}"
    break_module_cycle(app)


def _drafts(app) -> list[dict]:
    with app.app_context():
        return [
            r.answer
            for r in db.session.scalars(sa.select(Response))
            if r.status is ResponseStatus.DRAFT
        ]


def test_text_typed_before_the_autosave_script_runs_is_saved(app, new_visitor, exercise_url):
    email, url = exercise_url
    visitor = new_visitor("early-typing", viewport=PHONE)
    visitor.login(email, TEST_PASSWORD)
    page = visitor.page
    # Keep the script back until the text is typed, as a slow connection would.
    held = []
    page.route("**/static/autosave.js*", lambda route: held.append(route))
    page.goto(visitor.base_url + url, wait_until="commit")
    page.wait_for_selector("#text")
    page.fill("#text", EARLY)
    assert held, "the autosave script was not held back"
    assert page.evaluate("() => !!document.querySelector('[data-save-state]').textContent") is False
    for route in held:
        route.continue_()
    # ("Unsaved changes…" also contains "saved": wait for the confirmation itself.)
    page.wait_for_function(SAVED)
    assert _drafts(app) == [{"text": EARLY}]
