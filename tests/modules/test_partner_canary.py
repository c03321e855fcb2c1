"""AC-2: a partner never receives the other's counselor-only, private or draft answers."""

import pytest

from tests.modules.helpers import autosave, send

SHARED = "CANARY-B-SHARED-4f1c"
COUNSELOR_ONLY = "CANARY-B-COUNSELOR-9a2e"
PRIVATE = "CANARY-B-PRIVATE-77d0"
DRAFT = "CANARY-B-DRAFT-3b8b"


@pytest.fixture
def planted(login_as, couple, give):
    """B answers four exercises: shared and sent, counselor-only, private, and a shared draft."""
    given = give(couple.case, [couple.a, couple.b])
    b = login_as(couple.b)
    ex = given.exercise_ids
    rb = given.recipient_b
    assert (
        send(b, rb, ex[0], {"text": SHARED, "visibility": "counselor_and_partner"}).status_code
        == 302
    )
    assert (
        send(b, rb, ex[1], {"text": COUNSELOR_ONLY, "visibility": "counselor"}).status_code == 302
    )
    assert send(b, rb, ex[3], {"text": PRIVATE, "visibility": "private"}).status_code == 302
    autosave(b, rb, ex[2], {"note": DRAFT, "visibility": "counselor_and_partner"})
    return given


def _pages_of_a(given):
    ra = given.recipient_a
    return ["/me", "/me/exercises", f"/me/exercises/{ra}"] + [
        f"/me/exercises/{ra}/{e}" for e in given.exercise_ids
    ]


def test_partner_sees_only_the_shared_sent_answer(login_as, couple, planted):
    a = login_as(couple.a)
    seen = ""
    for path in _pages_of_a(planted):
        response = a.get(path)
        assert response.status_code == 200, path
        seen += response.get_data(as_text=True)
    # Also what A's own autosaves and saves answer.
    for exercise_id in planted.exercise_ids:
        reply = autosave(a, planted.recipient_a, exercise_id, {"text": "mine"})
        seen += reply.get_data(as_text=True)
    assert SHARED in seen
    for canary in (COUNSELOR_ONLY, PRIVATE, DRAFT):
        assert canary not in seen


@pytest.mark.parametrize("who", ["a", "client_x", "other_counselor", "admin"])
def test_b_pages_are_closed_to_others(login_as, factory, couple, planted, who):
    user = {
        "a": couple.a,
        "client_x": factory.couple()[1],
        "other_counselor": factory.counselor(),
        "admin": factory.admin(),
    }[who]
    c = login_as(user)
    rb = planted.recipient_b
    paths = [f"/me/exercises/{rb}"] + [f"/me/exercises/{rb}/{e}" for e in planted.exercise_ids]
    for path in paths:
        response = c.get(path)
        assert response.status_code == 404, (who, path)
        body = response.get_data(as_text=True)
        assert all(canary not in body for canary in (SHARED, COUNSELOR_ONLY, PRIVATE, DRAFT))
    reply = c.post(
        f"/me/exercises/{rb}/{planted.exercise_ids[0]}/autosave", json={"seq": 1, "fields": {}}
    )
    assert reply.status_code in (400, 404)


def test_counselor_sees_sent_shared_answers_but_no_private_or_draft(login_as, couple, planted):
    review = login_as(couple.counselor).get(
        f"/cases/{couple.case.id}/assignments/{planted.assignment_id}"
    )
    body = review.get_data(as_text=True)
    assert SHARED in body and COUNSELOR_ONLY in body
    assert PRIVATE not in body and DRAFT not in body


def test_other_counselor_cannot_open_the_review(login_as, factory, couple, planted):
    response = login_as(factory.counselor()).get(
        f"/cases/{couple.case.id}/assignments/{planted.assignment_id}"
    )
    assert response.status_code == 404
    assert COUNSELOR_ONLY not in response.get_data(as_text=True)


def test_revoking_sharing_hides_it_from_the_partner_again(login_as, couple, planted):
    b = login_as(couple.b)
    url = f"/me/exercises/{planted.recipient_b}/{planted.exercise_ids[0]}"
    assert b.post(url + "/sharing", data={"visibility": "counselor"}).status_code == 302
    a_page = login_as(couple.a).get(
        f"/me/exercises/{planted.recipient_a}/{planted.exercise_ids[0]}"
    )
    assert SHARED not in a_page.get_data(as_text=True)
