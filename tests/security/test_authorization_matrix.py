"""AC-1..AC-3, AUD-1: every route × method × role, with ids in and out of scope.

For each endpoint and method one test walks the seven roles over case-1 ids and case-2 ids:
allowed roles get an answer below 400 (unsafe methods are only sent where they must be
refused, so the scenario stays intact for the other roles); everyone else gets 403/404
(anonymous: the sign-in page), exactly one ``access.denied`` audit event naming them, and no
canary they may not see — in the page, the JSON or the PDF text.
"""

from __future__ import annotations

import re

import pytest

from app.models import Role
from tests.conftest import make_app
from tests.security.checks import denied_events, header_problems, leaked, response_text
from tests.security.routes import MATRIX, UNSAFE, build_url, endpoints, methods, variants
from tests.security.scenario import ROLE_NAMES, ROLES

_APP = make_app("sqlite://")
ROUTES = sorted(
    (endpoint, method) for endpoint, rule in endpoints(_APP).items() for method in methods(rule)
)


def test_every_route_has_a_matrix_entry():
    missing = sorted(set(endpoints(_APP)) - set(MATRIX))
    assert not missing, f"classify these routes in tests/security/routes.py MATRIX: {missing}"


def test_matrix_has_no_stale_entries():
    stale = sorted(set(MATRIX) - set(endpoints(_APP)))
    assert not stale, f"these endpoints no longer exist: {stale}"


def test_every_route_argument_has_scenario_values():
    for endpoint, rule in endpoints(_APP).items():
        entry = MATRIX.get(endpoint)
        if entry is None:
            continue
        for _name, args in variants(entry, rule):
            assert set(rule.arguments) <= set(args), f"{endpoint}: {sorted(rule.arguments)}"


def _expectation(entry, role: str, variant: str, method: str) -> str | None:
    if entry.public:
        return "public"
    if role in entry.allowed_for(variant):
        return None if method in UNSAFE else "allowed"
    return "anonymous" if role == "anonymous" else "denied"


def csrf_token(client) -> str:
    """The CSRF token a signed-in page carries in its meta tag."""
    html = client.get("/account/password").get_data(as_text=True)
    match = re.search(r'name="csrf-token" content="([^"]+)"', html)
    return match.group(1) if match else ""


def _send(client, role: str, method: str, url: str, endpoint: str, tokens: dict[str, str]):
    """Autosave calls carry a valid token, so the scope check (not the token check) answers."""
    if method == "POST" and "autosave" in endpoint:
        if role not in tokens:
            tokens[role] = csrf_token(client)
        payload = {"seq": 1, "fields": {}, "csrf_token": tokens[role]}
        return client.post(url, json=payload, headers={"X-CSRFToken": tokens[role]})
    return client.open(url, method=method, data={})


@pytest.mark.parametrize(("endpoint", "method"), ROUTES, ids=[f"{m} {e}" for e, m in ROUTES])
def test_route_respects_roles_scope_and_canaries(app, world, clients, endpoint, method):
    entry = MATRIX.get(endpoint)
    assert entry is not None, f"{endpoint} has no entry in tests/security/routes.py MATRIX"
    rule = endpoints(app)[endpoint]
    failures: list[str] = []
    tokens: dict[str, str] = {}
    for variant, args in variants(entry, rule):
        url = build_url(rule, world, args)
        for role in ROLES:
            expect = _expectation(entry, role, variant, method)
            if expect is None:
                continue
            who = f"{ROLE_NAMES[role]} {method} {url} ({variant} ids)"
            before = denied_events(app)
            response = _send(clients[role], role, method, url, endpoint, tokens)
            status = response.status_code
            after = denied_events(app)[len(before) :]
            if expect == "public" and status >= 500:
                failures.append(f"{who}: {status}")
            elif expect == "allowed" and status >= 400:
                failures.append(f"{who}: expected access, got {status}")
            elif expect == "anonymous" and not signed_out_answer(response):
                failures.append(f"{who}: expected the sign-in page, got {status}")
            elif expect == "denied":
                if status not in (403, 404):
                    failures.append(f"{who}: expected 403/404, got {status}")
                mine = [a for a in after if a[0] == world.users[role]]
                if len(mine) != 1 or len(after) != 1:
                    failures.append(f"{who}: expected one denial audit event, got {after}")
            found = leaked(response_text(response), world.forbidden_canaries(role))
            if found:
                failures.append(f"{who}: CANARY LEAK {found}")
            if method == "GET" and status < 400:
                for problem in header_problems(endpoint, response):
                    failures.append(f"{who}: {problem}")
    assert not failures, "\n".join(failures)


def test_roles_of_the_scenario_are_what_the_matrix_assumes(app, world):
    from app.extensions import db
    from app.models import User

    with app.app_context():
        roles = {key: db.session.get(User, uid).role for key, uid in world.users.items()}
    assert roles["C"] is Role.COUNSELOR and roles["O"] is Role.COUNSELOR
    assert roles["M"] is Role.ADMIN
    assert {roles[k] for k in "ABXY"} == {Role.CLIENT}


def signed_out_answer(response) -> bool:
    """Pages send anonymous visitors to sign in; script calls (autosave) get a JSON 401."""
    if response.status_code == 302:
        return response.headers["Location"].startswith("/login")
    return response.status_code == 401 and response.is_json
