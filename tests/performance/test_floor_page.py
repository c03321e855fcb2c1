"""The floor page F1 exists only on the benchmark's app and does one primary-key query."""

import pytest

from bench.app import install


@pytest.fixture
def app(app):
    """The app the benchmark serves (``bench.wsgi``)."""
    return install(app)


def test_floor_page_does_one_query_after_the_login_lookup(factory, login_as):
    counselor = factory.counselor()
    case = factory.case(counselor)
    response = login_as(counselor).get(f"/bench/floor/{case.id}")
    assert response.status_code == 200
    assert case.label in response.get_data(as_text=True)
    # The login-session lookup and the page's own primary-key query.
    assert response.headers["X-Bench-Queries"] == "2"


def test_floor_page_needs_a_login(client, factory):
    case = factory.case(factory.counselor())
    response = client.get(f"/bench/floor/{case.id}")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_floor_page_answers_404_for_a_missing_case(factory, login_as):
    assert login_as(factory.counselor()).get("/bench/floor/999999").status_code == 404
