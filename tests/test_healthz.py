"""/healthz answers for load balancers, with and without a database."""

from tests.conftest import make_app


def test_healthz_reports_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "db": "ok"}


def test_healthz_is_503_when_database_unreachable(tmp_path):
    app = make_app(f"sqlite:///{tmp_path}/missing/dir/rekindle.db")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["db"] == "unreachable"
