"""Every route of the feature, for every role: only the right people get in (AC-1)."""

import pytest

from tests.modules.helpers import csrf_headers

ROLES = [
    "case_counselor",
    "other_counselor",
    "admin",
    "partner_a",
    "partner_b",
    "client_x",
    "anonymous",
]


@pytest.fixture
def world(factory, couple, give, login_as, builtin):
    given = give(couple.case, [couple.a, couple.b])
    users = {
        "case_counselor": couple.counselor,
        "other_counselor": factory.counselor(),
        "admin": factory.admin(),
        "partner_a": couple.a,
        "partner_b": couple.b,
        "client_x": factory.couple()[1],
    }
    return couple, given, users, builtin


def _client(app, login_as, users, role):
    return app.test_client() if role == "anonymous" else login_as(users[role])


def _routes(couple, given, builtin):
    case, aid, ra = couple.case.id, given.assignment_id, given.recipient_a
    ex = given.exercise_ids[0]
    module = builtin["give-each-other-space"]
    return {
        ("GET", "/modules"): {"case_counselor", "other_counselor"},
        ("GET", f"/modules/{module}"): {"case_counselor", "other_counselor"},
        ("GET", "/modules/new"): {"case_counselor", "other_counselor"},
        ("GET", f"/modules/{module}/edit"): {"case_counselor", "other_counselor"},  # a redirect
        ("GET", f"/cases/{case}/assignments/new"): {"case_counselor"},
        ("GET", f"/cases/{case}/assignments/{aid}"): {"case_counselor"},
        ("GET", f"/cases/{case}/assignments/{aid}/remove"): {"case_counselor"},
        ("GET", "/me/exercises"): {"partner_a", "partner_b", "client_x"},
        ("GET", f"/me/exercises/{ra}"): {"partner_a"},
        ("GET", f"/me/exercises/{ra}/{ex}"): {"partner_a"},
    }


@pytest.mark.parametrize("role", ROLES)
def test_get_routes(app, login_as, world, role):
    couple, given, users, builtin = world
    client = _client(app, login_as, users, role)
    for (method, path), allowed in _routes(couple, given, builtin).items():
        response = client.open(path, method=method)
        if role == "anonymous":
            assert response.status_code == 302 and "/login" in response.headers["Location"], path
        elif role in allowed:
            assert response.status_code in (200, 302), (role, path)
        else:
            assert response.status_code == 404, (role, path, response.status_code)


@pytest.mark.parametrize("role", [r for r in ROLES if r not in ("case_counselor", "anonymous")])
def test_counselor_posts_refused(app, login_as, world, role):
    couple, given, users, builtin = world
    client = _client(app, login_as, users, role)
    case, aid = couple.case.id, given.assignment_id
    posts = [
        (
            f"/cases/{case}/assignments/new",
            {"module": str(builtin["give-each-other-space"]), "recipients": "both"},
        ),
        (f"/cases/{case}/assignments/{aid}/remove", {}),
        (
            f"/cases/{case}/assignments/{aid}/feedback/{given.recipient_a}",
            {f"r{given.recipient_a}-feedback": "x"},
        ),
    ]
    for path, data in posts:
        assert client.post(path, data=data).status_code == 404, (role, path)


@pytest.mark.parametrize("role", [r for r in ROLES if r not in ("partner_a", "anonymous")])
def test_client_posts_refused(app, login_as, world, role):
    couple, given, users, builtin = world
    client = _client(app, login_as, users, role)
    base = f"/me/exercises/{given.recipient_a}/{given.exercise_ids[0]}"
    assert client.post(base, data={"text": "x", "send": "1"}).status_code == 404
    assert client.post(base + "/sharing", data={"visibility": "private"}).status_code == 404
    headers = csrf_headers(client, "/login") if role != "anonymous" else {}
    reply = client.post(
        base + "/autosave", json={"seq": 5, "fields": {"text": "x"}}, headers=headers
    )
    assert reply.status_code == 404


def test_counselors_do_not_see_each_others_modules(app, login_as, world):
    couple, given, users, builtin = world
    own = login_as(users["other_counselor"])
    own.post(f"/modules/{builtin['give-each-other-space']}/copy")
    import sqlalchemy as sa

    from app.extensions import db
    from app.models import StrategyModule

    with app.app_context():
        copy_id = db.session.scalar(
            sa.select(StrategyModule.id).where(
                StrategyModule.owner_id == users["other_counselor"].id
            )
        )
    case_counselor = login_as(users["case_counselor"])
    assert case_counselor.get(f"/modules/{copy_id}").status_code == 404
    assert "(my copy)" not in case_counselor.get("/modules").get_data(as_text=True)
    assert "(my copy)" in own.get("/modules").get_data(as_text=True)
