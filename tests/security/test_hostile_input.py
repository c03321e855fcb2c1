"""IN-1..IN-3: random and hostile values in every form field and every query never give a 500.

Hypothesis fills the fields of every form each role can reach (text, hidden fields, selects —
everything but the CSRF token) with random text and a list of classic attacks: SQL and
template injection, markup, control characters, overlong and non-Latin text. It runs
derandomized with few examples per form, so the run is repeatable and bounded.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.security.forms import get_pages, harvest

HOSTILE = [
    "' OR '1'='1",
    "'; DROP TABLE users; --",
    '" OR 1=1 --',
    "1 UNION SELECT password_hash FROM users",
    "%' AND 1=0 UNION SELECT 1 --",
    "{{ 7*7 }}",
    "{% print config %}",
    "${7*7}",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "\x00\x01\x02\x1b[31m",
    "\u202eevil\u202c",
    "🙂" * 5000,
    "ä" * 20001,
    "x" * 100_001,
    "-1",
    "0",
    "99999999999999999999999",
    "1e308",
    "NaN",
    "null",
    "[]",
    "{}",
    "../../etc/passwd",
    "%00",
    "\r\n\r\nInjected: header",
    "",
    " ",
]
VALUES = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=200))
SETTINGS = settings(
    max_examples=6,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def _poster(client, form, role: str, names: list[str], failures: list[str]):
    """A Hypothesis test that posts ``form`` with generated values for ``names``."""

    @SETTINGS
    @given(st.fixed_dictionaries(dict.fromkeys(names, VALUES)))
    def post(values):
        data = form.values()
        data.update({k: [v] for k, v in values.items()})
        response = client.post(form.action, data=data)
        if response.status_code >= 500:
            failures.append(f"{role} POST {form.action} {sorted(values)}: 500")

    return post


def test_every_form_survives_hostile_values(app, world, clients):
    failures: list[str] = []
    checked = 0
    for role in ("A", "B", "X", "C", "O", "M"):
        client = clients[role]
        for form in harvest(app, world, client, role):
            names = sorted({name for name, _, _ in form.fields if name != "csrf_token"})
            names += sorted(set(form.options) - set(names))
            if not names:
                continue

            post = _poster(client, form, role, names, failures)
            post()
            checked += 1
    assert checked >= 25
    assert not failures, "\n".join(sorted(set(failures)))


QUERY_KEYS = (
    "q",
    "search",
    "tag",
    "sort",
    "order",
    "page",
    "filter",
    "mood",
    "from",
    "to",
    "status",
    "visibility",
    "case",
    "user",
    "start",
    "end",
    "kind",
)


QUERY_PAYLOADS = [HOSTILE[0], HOSTILE[1], HOSTILE[5], HOSTILE[11], "y" * 3000]


def test_every_page_survives_hostile_query_strings(app, world, clients):
    failures = []
    for role in ("A", "C", "M"):
        for page in get_pages(app, world, role):
            for payload in QUERY_PAYLOADS:
                response = clients[role].get(page, query_string=dict.fromkeys(QUERY_KEYS, payload))
                if response.status_code >= 500:
                    failures.append(f"{role} GET {page} with {payload[:30]!r}: 500")
    assert not failures, "\n".join(failures)
