"""A client in two cases chooses the case of each new entry and sees whom it reaches (19.1)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import CaseMember, JournalEntry, utcnow

ENTRY = {"body": "Both of us listened today.", "visibility": "counselor_and_partner"}


@pytest.fixture
def two_cases(app, factory, practice):
    """Alex also joined counselor2's case with Casey — later than the Rivera case."""
    casey = factory.client(name="Casey Quinn")
    second = factory.case(practice.counselor2, [practice.alex, casey], label="Quinn couple")
    with app.app_context():
        db.session.execute(
            sa.update(CaseMember)
            .where(CaseMember.case_id == practice.case.id)
            .values(joined_at=utcnow() - timedelta(days=30))
        )
        db.session.commit()
    return practice.case, second


def _entry_cases(app) -> list[int]:
    with app.app_context():
        return list(db.session.scalars(sa.select(JournalEntry.case_id).order_by(JournalEntry.id)))


def test_new_entry_page_asks_which_case(two_cases, practice, login_as):
    first, second = two_cases
    page = login_as(practice.alex).get("/me/journal/new").get_data(as_text=True)
    for label, counselor, partner in (
        ("Rivera couple", "Dr. Morgan Lee", "Blake Rivera"),
        ("Quinn couple", "Dr. Sam Stranger", "Casey Quinn"),
    ):
        assert label in page and counselor in page and partner in page
    assert f"/me/journal/new?case={first.id}" in page
    assert f"/me/journal/new?case={second.id}" in page
    assert 'name="body"' not in page  # no editor before a case is chosen


def test_editor_names_the_case_counselor_and_partner(two_cases, practice, login_as):
    first, _ = two_cases
    page = login_as(practice.alex).get(f"/me/journal/new?case={first.id}").get_data(as_text=True)
    audience = page.split('aria-label="Case of this entry"', 1)[1].split("</section>", 1)[0]
    assert "Rivera couple" in audience and "Dr. Morgan Lee" in audience
    assert "Blake Rivera" in audience
    assert "Quinn" not in audience and "Stranger" not in audience


@pytest.mark.parametrize("which", [0, 1])
def test_the_entry_lands_in_the_chosen_case(app, two_cases, practice, login_as, which):
    chosen = two_cases[which]
    alex = login_as(practice.alex)
    response = alex.post(f"/me/journal/new?case={chosen.id}", data=ENTRY)
    assert response.status_code == 302
    assert _entry_cases(app) == [chosen.id]
    entry_page = alex.get(response.headers["Location"]).get_data(as_text=True)
    assert chosen.label in entry_page


def test_autosaved_draft_lands_in_the_chosen_case(app, two_cases, practice, login_as):
    first, _ = two_cases
    alex = login_as(practice.alex)
    page = alex.get(f"/me/journal/new?case={first.id}").get_data(as_text=True)
    token = page.split('name="csrf-token" content="', 1)[1].split('"', 1)[0]
    response = alex.post(
        f"/me/journal/new/{'k' * 24}/autosave?case={first.id}",
        json={"seq": 1, "fields": {"body": "half a thought"}},
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 200 and response.get_json()["saved"]
    assert _entry_cases(app) == [first.id]


def test_a_case_not_theirs_is_refused(app, practice, factory, two_cases, login_as):
    foreign = factory.case(factory.counselor(), [factory.client()])
    alex = login_as(practice.alex)
    assert alex.get(f"/me/journal/new?case={foreign.id}").status_code == 404
    assert alex.post(f"/me/journal/new?case={foreign.id}", data=ENTRY).status_code == 404
    assert _entry_cases(app) == []


def test_closing_one_case_does_not_stop_writing_in_the_other(
    app, two_cases, practice, login_as, close_case
):
    first, second = two_cases
    close_case(second.id)  # counselor2 closes the newer case
    alex = login_as(practice.alex)
    page = alex.get("/me/journal/new")
    assert page.status_code == 200 and "Rivera couple" in page.get_data(as_text=True)
    assert alex.post("/me/journal/new", data=ENTRY).status_code == 302
    assert _entry_cases(app) == [first.id]
    # Writing into the closed case itself is still refused.
    assert alex.post(f"/me/journal/new?case={second.id}", data=ENTRY).status_code == 409
    assert _entry_cases(app) == [first.id]


def test_one_open_case_needs_no_choice(app, practice, login_as):
    alex = login_as(practice.alex)
    page = alex.get("/me/journal/new").get_data(as_text=True)
    assert 'name="body"' in page and "Dr. Morgan Lee" in page and "Blake Rivera" in page
    assert "Choose another case" not in page
