"""The consent gate: each partner signs on their own login before anything else."""

from __future__ import annotations

import pytest

from app.models import ConfidentialityPolicy, ConsentKind


def test_gate_is_off_while_no_document_is_published(couple, login_as):
    _counselor, _case, a, _b = couple
    assert login_as(a).get("/me").status_code == 200


def test_a_client_with_documents_to_sign_is_sent_to_sign_them(couple, intake, login_as):
    _counselor, _case, a, _b = couple
    intake.publish_defaults()
    http = login_as(a)
    for url in ("/me", "/me/journal", "/me/exercises", "/me/export"):
        response = http.get(url)
        assert response.status_code == 303, url
        assert response.headers["Location"].endswith("/me/consents")
    page = http.get("/me/consents").get_data(as_text=True)
    assert "Consent to couples counseling" in page and "Your full name" in page


@pytest.mark.parametrize("url", ["/healthz", "/weather", "/static/app.css", "/me/consents"])
def test_what_stays_reachable_before_signing(couple, intake, login_as, url):
    intake.publish_defaults()
    assert login_as(couple[2]).get(url).status_code == 200


def test_sign_out_stays_reachable(couple, intake, login_as):
    intake.publish_defaults()
    http = login_as(couple[2])
    assert http.post("/logout").status_code in (302, 303)
    assert http.get("/me").status_code == 302  # signed out: to the login page


def _sign_through_the_form(http, case_id: int, name: str) -> int:
    """Sign every document shown, one after another; returns how many were signed."""
    import re

    signed = 0
    while True:
        page = http.get("/me/consents").get_data(as_text=True)
        match = re.search(r'action="(/me/consents/\d+/\d+)"', page)
        if match is None:
            assert "Everything is signed" in page
            return signed
        response = http.post(
            match.group(1),
            data={"full_name": name, "agree": "y", "request_key": f"k{signed}{name}"},
        )
        assert response.status_code == 303, response.get_data(as_text=True)[:500]
        signed += 1


def test_both_partners_sign_separately(couple, intake, login_as):
    _counselor, case, a, b = couple
    intake.publish_defaults()
    http_a, http_b = login_as(a), login_as(b)
    assert _sign_through_the_form(http_a, case.id, a.name) == 3
    assert http_a.get("/me").status_code == 200
    # A's signatures sign nothing for B.
    assert http_b.get("/me").status_code == 303
    assert _sign_through_the_form(http_b, case.id, b.name) == 3
    assert http_b.get("/me").status_code == 200
    rows = intake.signatures()
    assert sorted((s.user_id, s.document_id) for s in rows) == sorted(
        (u.id, d) for u in (a, b) for d in {s.document_id for s in rows}
    )
    assert {s.user_id: s.full_name for s in rows} == {a.id: a.name, b.id: b.name}
    assert all(s.address == "127.0.0.1" for s in rows)


def test_a_new_version_makes_each_partner_sign_again(couple, intake, login_as):
    _counselor, case, a, b = couple
    intake.publish_defaults()
    intake.sign_all(a, case)
    intake.sign_all(b, case)
    assert login_as(a).get("/me").status_code == 200
    intake.publish(ConsentKind.ELECTRONIC, "We may also send you text messages about times.")
    for partner in (a, b):
        http = login_as(partner)
        assert http.get("/me").status_code == 303
        page = http.get("/me/consents").get_data(as_text=True)
        assert "text messages about times" in page
        assert _sign_through_the_form(http, case.id, partner.name) == 1
        assert http.get("/me").status_code == 200


def test_a_policy_change_makes_both_sign_the_agreement_again(couple, intake, login_as):
    counselor, case, a, b = couple
    intake.publish_defaults()
    intake.set_policy(case, counselor, ConfidentialityPolicy.NO_SECRETS)
    intake.sign_all(a, case)
    intake.sign_all(b, case)
    response = login_as(counselor).post(
        f"/cases/{case.id}/intake/policy", data={"policy": "secrets_kept"}
    )
    assert response.status_code == 303
    for partner in (a, b):
        http = login_as(partner)
        page = http.get("/me/consents").get_data(as_text=True)
        assert "Secrets kept" in page and "Our couples confidentiality agreement" in page
        assert _sign_through_the_form(http, case.id, partner.name) == 1
    assert {s.policy for s in intake.signatures() if s.policy} == {
        ConfidentialityPolicy.NO_SECRETS,
        ConfidentialityPolicy.SECRETS_KEPT,
    }


def test_a_waiver_lets_the_client_in_without_signing(couple, intake, login_as):
    counselor, case, a, b = couple
    intake.publish_defaults()
    response = login_as(counselor).post(
        f"/cases/{case.id}/intake/members/{a.id}/waive", data={"reason": "Signed on paper"}
    )
    assert response.status_code == 303
    assert login_as(a).get("/me").status_code == 200
    assert login_as(b).get("/me").status_code == 303


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"full_name": "", "agree": "y"}, "Type your full name to sign."),
        ({"full_name": "Alex Rivers"}, "Tick the box"),
    ],
)
def test_an_incomplete_signature_says_what_is_missing(couple, intake, login_as, data, message):
    import re

    intake.publish_defaults()
    http = login_as(couple[2])
    page = http.get("/me/consents").get_data(as_text=True)
    url = re.search(r'action="(/me/consents/\d+/\d+)"', page).group(1)
    response = http.post(url, data=data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert intake.signatures() == []


def test_a_double_submission_signs_once(couple, intake, login_as):
    import re

    intake.publish_defaults()
    http = login_as(couple[2])
    url = re.search(
        r'action="(/me/consents/\d+/\d+)"', http.get("/me/consents").get_data(as_text=True)
    ).group(1)
    data = {"full_name": "Alex Rivers", "agree": "y", "request_key": "same-key"}
    http.post(url, data=data)
    http.post(url, data=data)
    assert len(intake.signatures()) == 1


def test_a_client_cannot_sign_in_another_case(couple, factory, intake, login_as):
    _counselor, _case, a, _b = couple
    other_case, _x, _y = factory.couple()
    intake.publish_defaults()
    http = login_as(a)
    response = http.post(f"/me/consents/{other_case.id}/1", data={"full_name": "A", "agree": "y"})
    assert response.status_code == 404
