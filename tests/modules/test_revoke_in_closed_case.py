"""Revoking always works: in a closed case a client can still narrow who reads a sent answer,
and the partner and counselor lose it at once; only a wider audience is refused (issue
security, item 2)."""

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Case, CaseStatus, Response, Visibility
from tests.modules.helpers import send

ANSWER = "Our answer that will be taken back"


def _close(app, case_id: int) -> None:
    with app.app_context():
        db.session.get(Case, case_id).status = CaseStatus.CLOSED
        db.session.commit()


def _visibility(app, recipient_id: int) -> Visibility:
    with app.app_context():
        return db.session.scalar(
            sa.select(Response.visibility).where(Response.recipient_id == recipient_id)
        )


def _sent_answer(app, login_as, couple, give, visibility: Visibility):
    given = give(couple.case, [couple.a, couple.b])
    exercise = given.exercise_ids[0]
    sent = send(
        login_as(couple.a),
        given.recipient_a,
        exercise,
        {"text": ANSWER, "visibility": visibility.value},
    )
    assert sent.status_code == 302
    return given, exercise


def _readers_see(login_as, couple, given, exercise) -> tuple[bool, bool]:
    partner_page = login_as(couple.b).get(f"/me/exercises/{given.recipient_b}/{exercise}")
    review = login_as(couple.counselor).get(
        f"/cases/{couple.case.id}/assignments/{given.assignment_id}"
    )
    return ANSWER in partner_page.get_data(as_text=True), ANSWER in review.get_data(as_text=True)


@pytest.mark.parametrize(
    ("narrower", "partner_keeps", "counselor_keeps"),
    [(Visibility.PRIVATE, False, False), (Visibility.COUNSELOR, False, True)],
)
def test_client_narrows_an_answer_of_a_closed_case(
    app, login_as, couple, give, narrower, partner_keeps, counselor_keeps
):
    given, exercise = _sent_answer(app, login_as, couple, give, Visibility.COUNSELOR_AND_PARTNER)
    assert _readers_see(login_as, couple, given, exercise) == (True, True)
    _close(app, couple.case.id)

    response = login_as(couple.a).post(
        f"/me/exercises/{given.recipient_a}/{exercise}/sharing",
        data={"visibility": narrower.value},
    )

    assert response.status_code == 302
    assert _visibility(app, given.recipient_a) is narrower
    assert _readers_see(login_as, couple, given, exercise) == (partner_keeps, counselor_keeps)


def test_a_closed_case_refuses_a_wider_audience_for_an_answer(app, login_as, couple, give):
    given, exercise = _sent_answer(app, login_as, couple, give, Visibility.COUNSELOR)
    _close(app, couple.case.id)
    response = login_as(couple.a).post(
        f"/me/exercises/{given.recipient_a}/{exercise}/sharing",
        data={"visibility": Visibility.COUNSELOR_AND_PARTNER.value},
    )
    assert response.status_code == 409
    assert _visibility(app, given.recipient_a) is Visibility.COUNSELOR


def test_answer_page_of_a_closed_case_offers_only_narrower_audiences(app, login_as, couple, give):
    given, exercise = _sent_answer(app, login_as, couple, give, Visibility.COUNSELOR)
    _close(app, couple.case.id)
    page = login_as(couple.a).get(f"/me/exercises/{given.recipient_a}/{exercise}")
    html = page.get_data(as_text=True)
    assert 'id="share-private"' in html and 'id="share-counselor"' in html
    assert 'id="share-counselor_and_partner"' not in html
