"""The counselor's inbox: every thread of the caseload, newest first; filters, done, replies."""

import re

from tests.messages.conftest import close_case, messages_in, send, threads_of

ROW = re.compile(r'<a class="fw-semibold" href="/messages/(\d+)">')


def rows(client, query: str = "") -> list[int]:
    return [int(t) for t in ROW.findall(client.get(f"/inbox{query}").get_data(as_text=True))]


def test_threads_come_newest_first_and_filter_by_case(app, login_as, factory, couple, open_threads):
    other_client = factory.client(name="Riley")
    other_case = factory.case(couple.counselor, [other_client])
    counselor = login_as(couple.counselor)
    riley = login_as(other_client)
    riley.get("/me/messages")  # creates Riley's thread
    riley_thread = threads_of(app, other_case.id)[f"private-{other_client.id}"]
    send(login_as(couple.a), open_threads["joint"], "first")
    send(riley, riley_thread, "second")
    send(login_as(couple.b), open_threads[f"private-{couple.b.id}"], "third")
    assert rows(counselor) == [
        open_threads[f"private-{couple.b.id}"],
        riley_thread,
        open_threads["joint"],
    ]
    assert rows(counselor, f"?case={other_case.id}") == [riley_thread]


def test_needs_a_reply_until_answered_or_marked_done(app, login_as, couple, open_threads):
    counselor = login_as(couple.counselor)
    joint, private_a = open_threads["joint"], open_threads[f"private-{couple.a.id}"]
    send(login_as(couple.a), joint, "a question")
    send(login_as(couple.a), private_a, "another question")
    assert sorted(rows(counselor, "?needs=reply")) == sorted([joint, private_a])
    send(counselor, joint, "an answer", next="inbox")
    assert rows(counselor, "?needs=reply") == [private_a]
    assert counselor.post(f"/inbox/{private_a}/done").status_code == 302
    assert rows(counselor, "?needs=reply") == []
    assert sorted(rows(counselor)) == sorted([joint, private_a])


def test_a_reply_from_the_inbox_returns_to_the_inbox(app, login_as, couple, open_threads):
    counselor = login_as(couple.counselor)
    send(login_as(couple.a), open_threads["joint"], "hello")
    response = send(counselor, open_threads["joint"], "hello back", next="inbox")
    assert response.status_code == 302 and response.headers["Location"].endswith("/inbox")
    assert [m.body for m in messages_in(app, open_threads["joint"])] == ["hello", "hello back"]


def test_a_closed_case_offers_no_reply(app, login_as, couple, open_threads):
    counselor = login_as(couple.counselor)
    send(login_as(couple.a), open_threads["joint"], "before closing")
    close_case(app, couple.case.id)
    page = counselor.get("/inbox").get_data(as_text=True)
    assert "before closing" in page and "Send reply" not in page
    assert send(counselor, open_threads["joint"], "after closing").status_code == 409


def test_another_counselor_sees_an_empty_inbox(app, login_as, factory, couple, open_threads):
    send(login_as(couple.a), open_threads["joint"], "not for them")
    other = login_as(factory.counselor())
    page = other.get("/inbox").get_data(as_text=True)
    assert "not for them" not in page and rows(other) == []
    assert other.post(f"/inbox/{open_threads['joint']}/done").status_code == 404
