"""Search over encrypted text: a blind index of whole words and tags, scoped to the reader."""

import sqlalchemy as sa

from app.extensions import db
from app.models import JournalSearchTerm, Visibility
from app.services.journal_search import normalise_words, parse_tags
from tests.journal.conftest import search


def test_normalise_words():
    assert normalise_words("Ｆｕｌｌwidth, Café! a I we're STRASSE straße") == [
        "fullwidth",
        "café",
        "we",
        "re",
        "strasse",
    ]


def test_parse_tags_trims_and_deduplicates():
    assert parse_tags(" Walks, listening,walks ,, Listening ") == ["Walks", "listening"]


def _titles(http, **values: str) -> str:
    return search(http, "/me/journal", **values).get_data(as_text=True)


def test_search_matches_all_words_exactly_not_substrings(world, make_entry, login_as):
    make_entry(world.a, world.case, title="Alpha", body="We walked by the river at dawn")
    make_entry(world.a, world.case, title="Beta", body="The river was loud")
    http = login_as(world.a)
    both = _titles(http, q="river")
    assert "Alpha" in both and "Beta" in both
    one = _titles(http, q="RIVER dawn")
    assert "Alpha" in one and "Beta" not in one
    none = _titles(http, q="riv")
    assert "Alpha" not in none and "No entries match" in none


def test_tag_search_and_mood_and_date_filters(world, make_entry, login_as):
    from datetime import UTC, datetime

    make_entry(
        world.a,
        world.case,
        title="Tagged",
        tags=["Weekend"],
        mood=5,
        created_at=datetime(2026, 3, 1, 12, tzinfo=UTC),
    )
    make_entry(
        world.a,
        world.case,
        title="Plain",
        body="weekend plans",
        mood=2,
        created_at=datetime(2026, 4, 1, 12, tzinfo=UTC),
    )
    http = login_as(world.a)
    tagged = _titles(http, tag="weekend")
    assert "Tagged" in tagged and "Plain" not in tagged
    assert "Plain" in _titles(http, mood="2") and "Tagged" not in _titles(http, mood="2")
    march = _titles(http, since="2026-03-01", until="2026-03-31")
    assert "Tagged" in march and "Plain" not in march


def test_bad_filters_give_messages_not_errors(world, login_as):
    http = login_as(world.a)
    response = search(
        http, "/me/journal", since="2026-05-01", until="2026-04-01", mood="9", q="' OR 1=1 --"
    )
    assert response.status_code == 422
    assert "The end date is before the start date." in response.get_data(as_text=True)
    assert http.get("/me/journal?since=yesterday&after=!!!").status_code == 200


def test_database_holds_no_plaintext_terms(world, make_entry, app):
    entry_id = make_entry(world.a, world.case, body="unmistakable", tags=["secretive"])
    with app.app_context():
        terms = db.session.scalars(
            sa.select(JournalSearchTerm.term).where(JournalSearchTerm.entry_id == entry_id)
        ).all()
    assert terms and all(len(t) == 16 for t in terms)
    assert not any(b"unmistakable" in t or b"secretive" in t for t in terms)


def test_search_is_scoped_to_what_the_reader_may_see(world, make_entry, login_as):
    make_entry(world.a, world.case, title="Private river", body="river")
    make_entry(
        world.a,
        world.case,
        title="Shared river",
        body="river",
        visibility=Visibility.COUNSELOR_AND_PARTNER,
    )
    make_entry(
        world.a, world.case, title="Counselor river", body="river", visibility=Visibility.COUNSELOR
    )
    partner = search(login_as(world.b), "/me/journal/shared", q="river").get_data(as_text=True)
    assert "Shared river" in partner
    assert "Private river" not in partner and "Counselor river" not in partner
    counselor = search(login_as(world.counselor), "/caseload/journal", q="river").get_data(
        as_text=True
    )
    assert "Shared river" in counselor and "Counselor river" in counselor
    assert "Private river" not in counselor
    assert "Shared river" not in search(login_as(world.b), "/me/journal", q="river").get_data(
        as_text=True
    )
