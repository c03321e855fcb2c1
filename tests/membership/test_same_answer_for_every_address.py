"""The counselor learns nothing about an address from inviting it (issue 19.1).

An existing client of another counselor, a staff address, a deactivated account and an unknown
address get the same status, the same flash and the same case page (but for the address typed).
Whom an e-mail goes to is the documented choice: the clients (new or existing) get one, staff
and deactivated accounts none.
"""

from __future__ import annotations

import re

import pytest
from aiosmtpd.controller import Controller

from tests.caseload.test_mail import Inbox, _free_port


@pytest.fixture
def smtp_inbox():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    inbox.port = controller.port
    yield inbox
    controller.stop()


@pytest.fixture
def app_config(request):
    inbox = request.getfixturevalue("smtp_inbox")
    return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": inbox.port}


@pytest.fixture
def addresses(factory, practice) -> dict[str, str]:
    return {
        "another counselor's client": practice.alex.email,
        "staff": practice.counselor.email,
        "admin": factory.admin().email,
        "deactivated": factory.client(active=False).email,
        "unknown": "nobody-here@example.test",
    }


def _normalised(page: str, email: str) -> str:
    page = page.replace(email, "ADDRESS")
    page = re.sub(r"/invite/[A-Za-z0-9_-]+", "/invite/TOKEN", page)
    page = re.sub(r'(csrf[-_]token"?[^>]*?(?:value|content)=")[^"]+', r"\1CSRF", page)
    page = re.sub(r'nonce="[^"]+"', 'nonce="N"', page)
    return re.sub(r"\d+", "N", page)


def test_every_address_gets_the_same_answer(
    app, practice, addresses, login_as, new_case_form, smtp_inbox
):
    stranger = login_as(practice.counselor2)
    answers = {}
    for kind, email in addresses.items():
        response = stranger.post("/cases/new", data=new_case_form(email, key=f"key-{len(answers)}"))
        page = stranger.get(response.headers["Location"])
        answers[kind] = (
            response.status_code,
            re.sub(r"\d+", "N", response.headers["Location"]),
            page.status_code,
            _normalised(page.get_data(as_text=True), email),
        )
    first = answers["unknown"]
    assert "e-mailed" in first[3] and "/invite/TOKEN" in first[3]
    for kind, answer in answers.items():
        assert answer == first, kind
    # The choice about e-mail: clients are written to, staff and deactivated accounts are not.
    mailed = {m["To"] for m in smtp_inbox.messages}
    assert mailed == {addresses["unknown"], addresses["another counselor's client"]}
    to_alex = next(m for m in smtp_inbox.messages if m["To"] == practice.alex.email)
    assert "Dr. Sam Stranger" in to_alex.get_payload() and "Second couple" in to_alex.get_payload()


def test_opening_the_link_tells_staff_deactivated_and_clients_apart_no_better(
    app, practice, addresses, login_as, new_case_form
):
    """The link is the invitee's; a counselor who opens it sees "sign in" for every address
    that has an account here (a new address gets the password form it needs)."""
    stranger = login_as(practice.counselor2)
    for n, kind in enumerate(k for k in addresses if k != "unknown"):
        response = stranger.post("/cases/new", data=new_case_form(addresses[kind], key=f"link-{n}"))
        page = stranger.get(response.headers["Location"]).get_data(as_text=True)
        (link,) = re.findall(r'value="http://[^"]+(/invite/[^"]+)"', page)
        opened = app.test_client().get(link)
        assert (opened.status_code, opened.headers.get("Location")) == (302, "/me#invitations"), (
            kind
        )


def test_the_form_never_answers_with_an_error_about_the_address(
    practice, addresses, login_as, new_case_form
):
    stranger = login_as(practice.counselor2)
    for n, email in enumerate(addresses.values()):
        response = stranger.post("/cases/new", data=new_case_form(email, key=f"again-{n}"))
        assert response.status_code == 302, email
