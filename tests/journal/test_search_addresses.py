"""Searched words and tags never travel in an address (security issue 19.3).

The search form is posted; the results live under an encrypted, reader-bound ``?s=`` token
and are marked ``no-store``, so neither the access log nor a shared browser's history or cache
holds what was searched for.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

import pytest

from app.models import Visibility

WORD = "marmalade"
TAG = "heartbreak"
LISTS = {"a": "/me/journal", "b": "/me/journal/shared", "counselor": "/caseload/journal"}


@pytest.fixture
def shared_entry(world, make_entry):
    return make_entry(
        world.a,
        world.case,
        title="Sticky breakfast",
        body=f"the {WORD} jar",
        tags=[TAG],
        visibility=Visibility.COUNSELOR_AND_PARTNER,
    )


@pytest.mark.parametrize("reader", sorted(LISTS))
@pytest.mark.parametrize("fields", [{"q": WORD}, {"tag": TAG}, {"q": WORD, "tag": TAG}])
def test_a_search_redirects_to_an_address_without_its_words(
    world, shared_entry, login_as, reader, fields
):
    http = login_as(getattr(world, reader))
    posted = http.post(LISTS[reader], data=fields)
    assert posted.status_code == 303
    location = unquote(posted.headers["Location"]).lower()
    assert WORD not in location and TAG not in location
    assert re.search(r"\?s=[A-Za-z0-9_-]{40,}$", posted.headers["Location"])
    results = http.get(posted.headers["Location"])
    assert "Sticky breakfast" in results.get_data(as_text=True)
    assert results.headers["Cache-Control"] == "no-store"


def test_tag_links_carry_no_tag(world, shared_entry, login_as):
    html = login_as(world.a).get("/me/journal").get_data(as_text=True)
    links = re.findall(r'href="([^"]*)"[^>]*>#' + TAG, html)
    assert links and all(TAG not in unquote(link).lower() for link in links)


def test_the_paging_link_of_a_search_keeps_the_token_and_no_words(world, make_entry, login_as):
    for n in range(25):
        make_entry(world.a, world.case, title=f"Jam {n:02d}", body=f"{WORD} again")
    http = login_as(world.a)
    results = http.post("/me/journal", data={"q": WORD}, follow_redirects=True)
    older = re.search(r'href="(/me/journal\?[^"]+)"[^>]*>Older entries', results.text).group(1)
    assert "s=" in older and "after=" in older and WORD not in unquote(older)
    assert "Jam 00" in http.get(older.replace("&amp;", "&")).get_data(as_text=True)


def test_a_token_is_useless_to_another_reader(world, shared_entry, login_as, make_entry):
    make_entry(world.a, world.case, title="Unrelated", visibility=Visibility.COUNSELOR_AND_PARTNER)
    location = login_as(world.a).post("/me/journal", data={"q": WORD}).headers["Location"]
    token = location.split("s=", 1)[1]
    other = login_as(world.b).get(f"/me/journal/shared?s={token}").get_data(as_text=True)
    assert "no longer available" in other
    assert "Unrelated" in other, "a foreign token filters nothing"


def test_words_in_the_address_are_not_searched(world, shared_entry, make_entry, login_as):
    make_entry(world.a, world.case, title="Other entry")
    html = login_as(world.a).get(f"/me/journal?q={WORD}").get_data(as_text=True)
    assert "Other entry" in html, "a typed ?q= is ignored, so no link of ours ever needs it"
