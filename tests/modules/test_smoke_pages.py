"""Every page of the feature renders for its user."""

from tests.modules.conftest import Couple


def test_counselor_pages_render(login_as, couple: Couple, give, builtin):
    given = give(couple.case, [couple.a, couple.b])
    c = login_as(couple.counselor)
    for path in [
        "/modules",
        f"/modules/{builtin['give-each-other-space']}",
        "/modules/new",
        f"/cases/{couple.case.id}/assignments/new",
        f"/cases/{couple.case.id}/assignments/{given.assignment_id}",
        f"/cases/{couple.case.id}/assignments/{given.assignment_id}/remove",
    ]:
        response = c.get(path)
        assert response.status_code == 200, path


def test_client_pages_render(login_as, couple: Couple, give):
    given = give(couple.case, [couple.a, couple.b])
    c = login_as(couple.a)
    for path in [
        "/me",
        "/me/exercises",
        f"/me/exercises/{given.recipient_a}",
        *[f"/me/exercises/{given.recipient_a}/{e}" for e in given.exercise_ids],
    ]:
        response = c.get(path)
        assert response.status_code == 200, path
