"""Unread counts in the menu and on the caseload; the counselor's rule on who may start."""

import re

from tests.messages.conftest import messages_in, send

NAV_BADGE = re.compile(r"data-unread-messages>(\d+)<")


def unread_in_menu(client, url="/me/messages") -> int:
    found = NAV_BADGE.search(client.get(url).get_data(as_text=True))
    return int(found.group(1)) if found else 0


def test_the_menu_counts_unread_messages_until_the_thread_is_opened(
    app, login_as, couple, open_threads
):
    a, b = login_as(couple.a), login_as(couple.b)
    send(a, open_threads["joint"], "one")
    send(a, open_threads["joint"], "two")
    assert unread_in_menu(b) == 2
    assert unread_in_menu(a) == 0
    b.get(f"/messages/{open_threads['joint']}")
    assert unread_in_menu(b) == 0


def test_the_caseload_shows_unread_messages_per_case(app, login_as, couple, open_threads):
    send(login_as(couple.a), open_threads[f"private-{couple.a.id}"], "to the counselor")
    page = login_as(couple.counselor).get("/caseload").get_data(as_text=True)
    assert "1 unread message" in page


def test_clients_only_reply_when_the_counselor_says_so(app, login_as, couple, open_threads):
    counselor, a = login_as(couple.counselor), login_as(couple.a)
    response = counselor.post(f"/cases/{couple.case.id}/messages", data={"clients_may_start": "no"})
    assert response.status_code == 302
    private = open_threads[f"private-{couple.a.id}"]
    page = a.get(f"/messages/{private}").get_data(as_text=True)
    assert "you can reply once they have written" in page and 'name="body"' not in page
    assert send(a, private, "may I start?").status_code == 403
    send(counselor, private, "How are you both doing?")
    assert send(a, private, "Thanks for asking").status_code == 302
    assert [m.body for m in messages_in(app, private)] == [
        "How are you both doing?",
        "Thanks for asking",
    ]


def test_every_client_composer_carries_the_practice_notice(app, login_as, couple, open_threads):
    page = login_as(couple.a).get(f"/messages/{open_threads['joint']}").get_data(as_text=True)
    assert app.config["REKINDLE_MESSAGES_NOTICE"] in page
    staff = login_as(couple.counselor).get(f"/messages/{open_threads['joint']}")
    assert app.config["REKINDLE_MESSAGES_NOTICE"] not in staff.get_data(as_text=True)
