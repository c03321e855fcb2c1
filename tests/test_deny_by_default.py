"""Every endpoint except the public allowlist sends anonymous visitors to /login."""

from app.authz import PUBLIC_ENDPOINTS
from tests.routes import protected_routes


def test_every_non_public_route_redirects_anonymous_users_to_login(app, client):
    routes = protected_routes(app)
    assert len(routes) >= 5
    for endpoint, method, url in routes:
        response = client.open(url, method=method)
        assert response.status_code == 302, (
            f"{method} {url} ({endpoint}) gave {response.status_code}"
        )
        assert response.headers["Location"].startswith("/login"), f"{method} {url} ({endpoint})"


def test_public_allowlist_is_small_and_known():
    assert {
        "static",
        "bootstrap.static",
        "auth.login",
        "auth.accept_invitation",
        "auth.forgot_password",
        "auth.reset_password",
        "auth.request_sign_in_link",
        "auth.sign_in_link",
        "main.healthz",
        "appointments.feed",
        "intake.neutral",
    } == PUBLIC_ENDPOINTS


def test_public_pages_answer_anonymously(client):
    assert client.get("/login").status_code == 200
    assert client.get("/healthz").status_code == 200
    assert client.get("/static/app.css").status_code == 200


def test_signed_out_autosave_gets_json_401_not_a_redirect(client):
    response = client.post("/me/journal/1/autosave", json={"seq": 1, "fields": {}})
    assert response.status_code == 401
    assert response.get_json()["error"] == "signed_out"
