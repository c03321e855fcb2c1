"""AC-2: a canary planted in a private entry reaches nobody but its author."""

import pytest

from app.models import Visibility
from tests.journal.conftest import csrf_headers

CANARY = "zqxcanary7731"


@pytest.fixture
def planted(world, make_entry):
    """A private entry of A holding the canary in title, text and tags, next to shared ones."""
    private_id = make_entry(
        world.a,
        world.case,
        title=f"Title {CANARY}",
        body=f"Something only I know: {CANARY}.",
        tags=[CANARY],
        mood=1,
        comment=f"note {CANARY}",
        comment_by=world.counselor,
    )
    shared_id = make_entry(
        world.a,
        world.case,
        title="Shared",
        body="Shared text",
        visibility=Visibility.COUNSELOR_AND_PARTNER,
    )
    return private_id, shared_id


def _urls(private_id: int) -> list[str]:
    # Queries use the upper-case form: search casefolds it to the canary, while the page's
    # echo of the query cannot be mistaken for a leak.
    return [
        "/",
        "/me",
        "/me/journal",
        "/me/journal?mood=1",
        "/me/journal/shared",
        f"/me/journal/shared/{private_id}",
        f"/me/journal/{private_id}",
        f"/me/journal/{private_id}/edit",
        "/caseload",
        "/caseload/journal",
        "/caseload/journal?unread=1",
        f"/caseload/journal/{private_id}",
        "/admin",
    ]


@pytest.mark.parametrize("role", ["partner", "outsider", "counselor", "other_counselor", "admin"])
def test_private_canary_reaches_no_one_else(world, planted, login_as, role):
    private_id, _ = planted
    user = {
        "partner": world.b,
        "outsider": world.outsider,
        "counselor": world.counselor,
        "other_counselor": world.other_counselor,
        "admin": world.admin,
    }[role]
    http = login_as(user)
    searches = [
        ("POST", url, {"data": {field: CANARY.upper()}, "follow_redirects": True})
        for url in ("/me/journal", "/me/journal/shared", "/caseload/journal")
        for field in ("q", "tag")
    ]
    for method, url, kwargs in [
        ("GET", url, {"follow_redirects": True}) for url in _urls(private_id)
    ] + searches:
        response = http.open(url, method=method, **kwargs)
        body = response.get_data(as_text=True)
        assert CANARY not in body, url
        assert (
            f'/journal/{private_id}"' not in body and f'/journal/shared/{private_id}"' not in body
        ), url
    for method, url, kwargs in [
        (
            "POST",
            f"/me/journal/{private_id}/autosave",
            {"json": {"seq": 9, "fields": {"body": "x"}}, "headers": csrf_headers(http)},
        ),
        ("POST", f"/me/journal/{private_id}/visibility", {"data": {"visibility": "counselor"}}),
        ("POST", f"/caseload/journal/{private_id}/read", {}),
        ("POST", f"/caseload/journal/{private_id}/comments", {"data": {"body": "hi"}}),
    ]:
        response = http.open(url, method=method, **kwargs)
        assert response.status_code == 404, url
        assert CANARY not in response.get_data(as_text=True)


def test_counts_and_sections_ignore_private_entries(world, planted, login_as, app):
    from app.services import journal as journal_service

    with app.test_request_context():
        from app.extensions import db
        from app.models import User

        counselor = db.session.get(User, world.counselor.id)
        assert journal_service.unread_count(counselor) == 1
    home = login_as(world.b).get("/me").get_data(as_text=True)
    assert "shared 1 entry" in home


def test_the_author_does_find_the_canary(world, planted, login_as):
    private_id, _ = planted
    http = login_as(world.a)
    assert CANARY in http.get(f"/me/journal/{private_id}").get_data(as_text=True)
    found = http.post("/me/journal", data={"q": CANARY.upper()}, follow_redirects=True)
    assert CANARY in found.get_data(as_text=True)
    autosave = http.post(
        f"/me/journal/{private_id}/autosave",
        json={"seq": 5, "fields": {"body": f"still {CANARY}", "version": "1"}},
        headers=csrf_headers(http),
    )
    assert autosave.status_code == 200
    assert CANARY not in autosave.get_data(as_text=True)
