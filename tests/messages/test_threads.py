"""Each case has its threads exactly once, and every page says who reads them."""

import re

from tests.messages.conftest import send, threads_of


def text_of(response) -> str:
    """The page's text without tags (the audience words are partly in bold)."""
    return re.sub(r"<[^>]+>", "", response.get_data(as_text=True))


def test_a_couple_has_one_joint_and_one_private_thread_per_partner(app, couple, open_threads):
    assert set(open_threads) == {"joint", f"private-{couple.a.id}", f"private-{couple.b.id}"}


def test_opening_again_creates_nothing_new(app, login_as, couple, open_threads):
    login_as(couple.a).get("/me/messages")
    login_as(couple.b).get("/me/messages")
    assert threads_of(app, couple.case.id) == open_threads


def test_an_individual_case_has_one_thread(app, factory, login_as):
    counselor, client = factory.counselor(), factory.client()
    case = factory.case(counselor, [client])
    login_as(client).get("/me/messages")
    assert list(threads_of(app, case.id)) == [f"private-{client.id}"]


def test_the_composer_names_its_readers(app, login_as, couple, open_threads):
    a = login_as(couple.a)
    joint = text_of(a.get(f"/messages/{open_threads['joint']}"))
    assert "You, Sam and Dr. Lee will read this." in joint
    private = text_of(a.get(f"/messages/{open_threads[f'private-{couple.a.id}']}"))
    assert "Only you and Dr. Lee will read this." in private
    counselor = login_as(couple.counselor)
    page = counselor.get(f"/messages/{open_threads[f'private-{couple.a.id}']}")
    assert "Only you and Alex will read this." in text_of(page)


def test_a_sent_message_shows_its_readers_and_is_kept_once(app, login_as, couple, open_threads):
    a = login_as(couple.a)
    joint = open_threads["joint"]
    assert send(a, joint, "Hello both 👋 — ça va?").status_code == 302
    page = text_of(login_as(couple.b).get(f"/messages/{joint}"))
    assert "Hello both 👋 — ça va?" in page
    assert "You, Alex and Dr. Lee will read this." in page
