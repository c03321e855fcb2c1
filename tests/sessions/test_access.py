"""Only the case counselor reaches sessions, notes and PDFs; everyone else gets 404."""

from __future__ import annotations

import pytest

ROUTES = [
    ("get", "/cases/{case}/sessions/new"),
    ("get", "/cases/{case}/sessions/{sid}"),
    ("get", "/cases/{case}/sessions/{sid}/edit"),
    ("get", "/cases/{case}/sessions/{sid}/summary.pdf?copy=clinician"),
    ("get", "/cases/{case}/sessions/{sid}/summary.pdf?copy=client"),
    ("post", "/cases/{case}/sessions/{sid}/note"),
    ("post", "/cases/{case}/sessions/{sid}/sign"),
    ("post", "/cases/{case}/sessions/{sid}/amend"),
    ("post", "/cases/{case}/sessions/{sid}/process-note"),
    ("post", "/cases/{case}/sessions/{sid}/picks"),
    ("post", "/cases/{case}/sessions/{sid}/reviewed"),
]
OUTSIDERS = ["other_counselor", "admin", "partner", "other_client"]


@pytest.fixture
def world(factory, build, couple_case):
    counselor, case, a, b = couple_case
    sid = build.session(case, attendees=[a, b], sections={"data": "Some data"})
    other_case, other_client, _ = factory.couple()
    return {
        "case": case,
        "sid": sid,
        "counselor": counselor,
        "other_counselor": factory.counselor(),
        "admin": factory.admin(),
        "partner": a,
        "other_client": other_client,
    }


@pytest.mark.parametrize("who", OUTSIDERS)
@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_outsiders_get_404(world, login_as, who, method, path):
    client = login_as(world[who])
    url = path.format(case=world["case"].id, sid=world["sid"])
    response = getattr(client, method)(url, data={})
    assert response.status_code == 404


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_anonymous_is_sent_to_login(world, client, method, path):
    url = path.format(case=world["case"].id, sid=world["sid"])
    response = getattr(client, method)(url, data={})
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


@pytest.mark.parametrize(
    "path",
    [
        "/cases/{case}/sessions/new",
        "/cases/{case}/sessions/{sid}",
        "/cases/{case}/sessions/{sid}/edit",
    ],
)
def test_case_counselor_sees_pages(world, login_as, path):
    client = login_as(world["counselor"])
    response = client.get(path.format(case=world["case"].id, sid=world["sid"]))
    assert response.status_code == 200


def test_session_of_another_case_is_404(world, login_as, factory, build):
    other_case, x, _ = factory.couple(world["counselor"])
    client = login_as(world["counselor"])
    assert client.get(f"/cases/{other_case.id}/sessions/{world['sid']}").status_code == 404


def test_check_in_is_for_clients_only(world, login_as):
    assert login_as(world["counselor"]).get("/me/check-in").status_code == 404
    assert login_as(world["partner"]).get("/me/check-in").status_code == 200
