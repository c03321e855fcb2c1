"""IN-1..IN-3 (security issue 19.9): hostile query strings and JSON bodies never give a 500.

Generated from ``app.url_map``: every GET route each role may open gets query strings built by
Hypothesis from the argument names the app reads and random ones, with hostile values (dates
at the ends of the calendar, cursors that decode to ``inf`` or huge numbers, injections, very
long text). Every autosave endpoint gets JSON bodies: deeply nested, wrongly typed, huge
numbers. Derandomized with few examples per route, so the run is repeatable and bounded.
"""

from __future__ import annotations

import base64
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.security.forms import get_pages
from tests.security.routes import MATRIX, SIGNED_IN, build_url, endpoints, methods
from tests.security.test_hostile_input import HOSTILE


def _cursor(raw: str) -> str:
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


# The arguments the app reads from query strings, and some it does not.
QUERY_NAMES = ["after", "s", "unread", "copy", "case", "next", "saved", "q", "tag", "page", "x"]
QUERY_VALUES = st.one_of(
    st.sampled_from(
        [
            "9999-12-31",
            "0001-01-01",
            "0000-00-00",
            "2026-02-30",
            _cursor("inf:1"),
            _cursor("-inf:-1"),
            _cursor("nan:nan"),
            _cursor("1e308:1"),
            _cursor("1" * 30 + ":" + "9" * 30),
            _cursor("1700000000:99999999999999999999"),
            "A" * 4097,
            "%ff%fe",
            "1" * 40,
            "-1",
        ]
    ),
    st.sampled_from(HOSTILE),
    st.text(max_size=60),
)
CURSORS = st.sampled_from(
    [
        _cursor("inf:1"),
        _cursor("-inf:-1"),
        _cursor("nan:nan"),
        _cursor("1e308:1"),
        _cursor("1" * 30 + ":" + "9" * 30),
        _cursor("1700000000:99999999999999999999"),
    ]
)
# Every query has a crafted cursor (the argument every list pages by) and up to five others.
QUERIES = st.builds(
    lambda crafted, extra: {**extra, **crafted},
    st.fixed_dictionaries({"after": CURSORS}, optional={"s": QUERY_VALUES, "until": QUERY_VALUES}),
    st.dictionaries(
        st.one_of(st.sampled_from(QUERY_NAMES), st.text(min_size=1, max_size=12)),
        QUERY_VALUES,
        max_size=5,
    ),
)

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**80), max_value=2**80),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=40),
    st.sampled_from(HOSTILE[:12]),
)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=3), st.dictionaries(st.text(max_size=10), children, max_size=3)
    ),
    max_leaves=12,
)
FIELD_NAMES = ["title", "body", "mood", "tags", "version", "text", "visibility", "data", "focus"]
BODIES = st.one_of(
    st.fixed_dictionaries(
        {
            "seq": st.one_of(st.integers(min_value=-(2**70), max_value=2**70), JSON_VALUES),
            "fields": st.one_of(
                st.dictionaries(st.sampled_from(FIELD_NAMES), JSON_VALUES, max_size=5),
                JSON_VALUES,
            ),
        }
    ),
    JSON_VALUES,
)
DEEP = ["[" * 1_000 + "]" * 1_000, '{"a":' * 3_000 + "1" + "}" * 3_000]

SETTINGS = settings(
    max_examples=5,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def _getter(client, page: str, role: str, failures: list[str]):
    """A Hypothesis test that opens ``page`` with generated query strings."""

    @SETTINGS
    @given(QUERIES)
    def probe(query):
        response = client.get(page, query_string=query)
        if response.status_code >= 500:
            failures.append(f"{role} GET {page} {query!r}: {response.status_code}")

    return probe


def _poster(client, url: str, headers: dict[str, str], failures: list[str]):
    """A Hypothesis test that posts generated JSON bodies to ``url``."""

    @SETTINGS
    @given(BODIES)
    def probe(body):
        response = client.post(url, data=json.dumps(body), headers=headers)
        if response.status_code >= 500:
            failures.append(f"POST {url} {json.dumps(body)[:200]}: {response.status_code}")

    return probe


def test_every_page_survives_generated_hostile_query_strings(app, world, clients):
    failures: list[str] = []
    checked = 0
    for role in ("A", "B", "C", "M"):
        for page in get_pages(app, world, role):
            _getter(clients[role], page, role, failures)()
            checked += 1
    assert checked >= 30
    assert not failures, "\n".join(sorted(set(failures)))


def _autosave_urls(app, world) -> list[tuple[str, str]]:
    """(role, url) of every autosave endpoint, for a role allowed to use it."""
    urls = []
    for endpoint, rule in endpoints(app).items():
        if "autosave" not in endpoint or "POST" not in methods(rule):
            continue
        entry = MATRIX[endpoint]
        # Routes checked with ids nobody holds (measures) allow nobody: client A posts there,
        # and the body is read before the object is looked up (tests/measures use real sheets).
        role = sorted(entry.allowed or SIGNED_IN)[0]
        urls.append((role, build_url(rule, world, entry.args)))
    return urls


def _token(client) -> str:
    import re

    html = client.get("/no-such-page-for-a-token").get_data(as_text=True)
    return re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)


def test_every_autosave_survives_generated_json_bodies(app, world, clients):
    urls = _autosave_urls(app, world)
    assert len(urls) >= 4, urls
    failures: list[str] = []
    for role, url in urls:
        client = clients[role]
        headers = {"X-CSRFToken": _token(client), "Content-Type": "application/json"}

        _poster(client, url, headers, failures)()
        for deep in DEEP:
            response = client.post(url, data=deep, headers=headers)
            if response.status_code != 400:
                failures.append(f"POST {url} nested JSON: {response.status_code}")
            nested_field = '{"seq": 3, "fields": {"body": ' + deep + "}}"
            response = client.post(url, data=nested_field, headers=headers)
            if response.status_code != 400:
                failures.append(f"POST {url} nested field: {response.status_code}")
    assert not failures, "\n".join(sorted(set(failures)))
