"""The bell: a link in the navigation with the unread count as text, on every signed-in page."""

from __future__ import annotations

import re

import pytest

from tests.notifications_ui.conftest import add_shown


def _bell(html: str) -> str:
    match = re.search(r'<a class="nav-bell.*?</a>', html, re.S)
    assert match, "no bell in the page"
    return re.sub(r"<svg.*?</svg>", "", match.group(0), flags=re.S)


def _text(fragment: str) -> str:
    """The words of a fragment, as a screen reader joins them (tags add no space)."""
    return " ".join(re.sub(r"<[^>]+>", "", fragment).split())


@pytest.mark.parametrize(
    ("count", "shown", "spoken"),
    [
        (0, None, "Notifications: none unread"),
        (3, "3", "Notifications: 3 unread"),
        (120, "99+", "Notifications: 99+ unread"),
    ],
)
def test_the_bell_says_how_many_are_unread(app, factory, login_as, count, shown, spoken):
    user = factory.client()
    add_shown(app, user, count)
    bell = _bell(login_as(user).get("/me").get_data(as_text=True))
    assert _text(bell) == spoken
    assert 'href="/notifications"' in bell
    if shown is None:
        assert "nav-bell-count" not in bell
    else:
        assert re.search(rf'data-unread="{count}">{re.escape(shown)}<', bell)


@pytest.mark.parametrize("make", ["counselor", "admin"])
def test_staff_have_the_bell_too(app, factory, login_as, make):
    user = getattr(factory, make)()
    add_shown(app, user, 2)
    assert "2 unread" in _text(
        _bell(login_as(user).get("/", follow_redirects=True).get_data(as_text=True))
    )


def test_no_bell_when_signed_out(client):
    assert "nav-bell" not in client.get("/login").get_data(as_text=True)


def test_the_centre_is_marked_current_in_the_bell(app, factory, login_as):
    html = login_as(factory.client()).get("/notifications").get_data(as_text=True)
    assert 'aria-current="page"' in _bell(html)


def test_a_page_still_renders_when_the_count_cannot_be_read(app, factory, login_as, monkeypatch):
    """An error page after a database failure must not fail again on the bell."""
    from sqlalchemy.exc import OperationalError

    from app.services import notification_centre

    def broken(user):
        raise OperationalError("SELECT count(*)", {}, Exception("database is gone"))

    client = login_as(factory.client())
    monkeypatch.setattr(notification_centre, "bell_count", broken)
    response = client.get("/me")
    assert response.status_code == 200
    assert _text(_bell(response.get_data(as_text=True))) == "Notifications"
