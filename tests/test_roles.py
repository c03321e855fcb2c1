"""Role homes are reachable only by their role; others get 404."""

import pytest

HOMES = {"admin": "/admin", "counselor": "/caseload", "client": "/me"}


@pytest.mark.parametrize("role", HOMES)
@pytest.mark.parametrize("page_role", HOMES)
def test_role_homes(factory, login_as, role, page_role):
    client = login_as(factory.user(role))
    response = client.get(HOMES[page_role])
    assert response.status_code == (200 if role == page_role else 404)


def test_client_home_shows_own_case(factory, login_as):
    case, alex, sam = factory.couple()
    page = login_as(alex).get("/me").get_data(as_text=True)
    assert case.label in page


def test_counselor_home_lists_only_own_cases(factory, login_as):
    mine, _, _ = factory.couple()
    with_counselor = factory.counselor()
    theirs = factory.case(with_counselor, [factory.client()], label="Not yours")
    from app.extensions import db  # noqa: F401

    me = factory.counselor()
    own = factory.case(me, [factory.client(), factory.client()], label="Your own case")
    page = login_as(me).get("/caseload").get_data(as_text=True)
    assert own.label in page
    assert theirs.label not in page and mine.label not in page
