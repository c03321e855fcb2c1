"""Who may reach which journal page: every route × every role (404 outside one's scope)."""

import pytest

from app.models import AuditEvent, Visibility
from tests.journal.conftest import csrf_headers

ROLES = ["author", "partner", "counselor", "other_counselor", "admin", "outsider", "anonymous"]


def _client(world, role, login_as, client):
    users = {
        "author": world.a,
        "partner": world.b,
        "counselor": world.counselor,
        "other_counselor": world.other_counselor,
        "admin": world.admin,
        "outsider": world.outsider,
    }
    return client if role == "anonymous" else login_as(users[role])


# (method, url template, roles allowed for an entry shared with counselor and partner)
ROUTES = [
    ("GET", "/me/journal/{id}", {"author"}),
    ("GET", "/me/journal/{id}/edit", {"author"}),
    ("POST", "/me/journal/{id}/visibility", {"author"}),
    ("POST", "/me/journal/{id}/autosave", {"author"}),
    ("GET", "/me/journal/shared/{id}", {"partner"}),
    ("GET", "/caseload/journal/{id}", {"counselor"}),
    ("POST", "/caseload/journal/{id}/read", {"counselor"}),
    ("POST", "/caseload/journal/{id}/comments", {"counselor"}),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "url", "allowed"), ROUTES)
def test_entry_routes_are_scoped(world, make_entry, login_as, client, role, method, url, allowed):
    entry_id = make_entry(world.a, world.case, visibility=Visibility.COUNSELOR_AND_PARTNER)
    http = _client(world, role, login_as, client)
    data = {"visibility": "counselor", "body": "A comment"}
    kwargs = (
        {
            "json": {"seq": 1, "fields": {"body": "x", "version": "1"}},
            "headers": csrf_headers(http) if role != "anonymous" else {},
        }
        if url.endswith("autosave")
        else {"data": data}
    )
    response = http.open(
        url.format(id=entry_id), method=method, **(kwargs if method == "POST" else {})
    )
    if role == "anonymous" and url.endswith("autosave"):
        # Autosave is a script call: a JSON 401 lets the page keep the draft and say why.
        assert response.status_code == 401 and response.get_json()["error"] == "signed_out"
    elif role == "anonymous":
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    elif role in allowed:
        assert response.status_code in (200, 302)
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("visibility", list(Visibility))
@pytest.mark.parametrize("role", ["partner", "counselor"])
def test_readers_see_exactly_what_the_table_says(world, make_entry, login_as, visibility, role):
    entry_id = make_entry(world.a, world.case, visibility=visibility)
    allowed = {
        ("partner", Visibility.COUNSELOR_AND_PARTNER),
        ("counselor", Visibility.COUNSELOR),
        ("counselor", Visibility.COUNSELOR_AND_PARTNER),
    }
    url = f"/me/journal/shared/{entry_id}" if role == "partner" else f"/caseload/journal/{entry_id}"
    http = login_as(world.b if role == "partner" else world.counselor)
    expected = 200 if (role, visibility) in allowed else 404
    assert http.get(url).status_code == expected


@pytest.mark.parametrize("role", ["partner", "counselor"])
def test_drafts_are_never_shown_to_others(world, make_entry, login_as, role):
    from app.models import ResponseStatus

    entry_id = make_entry(
        world.a,
        world.case,
        visibility=Visibility.COUNSELOR_AND_PARTNER,
        status=ResponseStatus.DRAFT,
    )
    url = f"/me/journal/shared/{entry_id}" if role == "partner" else f"/caseload/journal/{entry_id}"
    assert login_as(world.b if role == "partner" else world.counselor).get(url).status_code == 404


def test_denial_and_read_are_audited(world, make_entry, login_as, app):
    import sqlalchemy as sa

    from app.extensions import db

    entry_id = make_entry(world.a, world.case, visibility=Visibility.COUNSELOR)
    login_as(world.b).get(f"/me/journal/shared/{entry_id}")
    login_as(world.counselor).get(f"/caseload/journal/{entry_id}")
    with app.app_context():
        events = db.session.execute(
            sa.select(AuditEvent.action, AuditEvent.outcome, AuditEvent.actor_id)
        ).all()
    assert ("access.denied", "denied", world.b.id) in events
    assert ("journal.read", "ok", world.counselor.id) in events


@pytest.mark.parametrize("path", ["/me/journal", "/me/journal/new", "/me/journal/shared"])
@pytest.mark.parametrize("role", ["counselor", "admin"])
def test_client_pages_are_not_for_staff(world, login_as, path, role):
    user = world.counselor if role == "counselor" else world.admin
    assert login_as(user).get(path).status_code == 404


@pytest.mark.parametrize("role", ["author", "admin", "other_counselor"])
def test_feed_is_counselors_only_and_empty_for_others(world, make_entry, login_as, role):
    make_entry(world.a, world.case, visibility=Visibility.COUNSELOR, title="Feed title")
    if role == "other_counselor":
        html = login_as(world.other_counselor).get("/caseload/journal").get_data(as_text=True)
        assert "Feed title" not in html
    else:
        user = world.a if role == "author" else world.admin
        assert login_as(user).get("/caseload/journal").status_code == 404
