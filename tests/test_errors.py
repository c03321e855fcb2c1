"""Error pages use the site layout; a 500 rolls back and shows no traceback."""

import pytest

from tests.conftest import make_app


@pytest.fixture
def failing_app(migrated_database):
    app = make_app(migrated_database, PROPAGATE_EXCEPTIONS=False)

    @app.route("/boom")
    def boom():
        raise RuntimeError("secret internal detail")

    return app


def test_404_page_in_layout(client):
    response = client.get("/login/nothing-here")
    assert response.status_code == 404
    body = response.get_data(as_text=True)
    assert "Page not found" in body and "Rekindle" in body


def test_500_shows_calm_page_without_traceback(failing_app, factory):
    from tests.factories import Factory

    user = Factory(failing_app).counselor()
    client = failing_app.test_client()
    client.post("/login", data={"email": user.email, "password": "correct horse battery staple"})
    response = client.get("/boom")
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Something went wrong" in body
    assert "Traceback" not in body and "secret internal detail" not in body


def test_413_is_friendly(client, app):
    app.config["MAX_CONTENT_LENGTH"] = 1000
    response = client.post("/login", data={"email": "x" * 5000})
    assert response.status_code == 413
    assert "too long" in response.get_data(as_text=True)


def test_405_for_wrong_method(client):
    assert client.post("/healthz").status_code == 405
