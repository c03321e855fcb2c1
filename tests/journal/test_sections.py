"""The journal's sections on the case page and the client home."""

from datetime import UTC, datetime, timedelta

import pytest
from flask import render_template

from app.extensions import db
from app.journal.sections import ENTRIES_PER_PARTNER, case_journal_section
from app.models import Case, JournalRead, User, Visibility


def _section(app, count_queries, counselor_id, case_id):
    with app.test_request_context("/"):
        viewer = db.session.get(User, counselor_id)
        case = db.session.get(Case, case_id)
        context, statements = count_queries(lambda: case_journal_section(viewer, case))
        html = render_template("journal/_case_section.html", section=context)
        return context, statements, html


def test_case_section_statements_do_not_grow(world, make_entry, app, count_queries):
    start = datetime.now(UTC) - timedelta(days=40)
    make_entry(world.a, world.case, visibility=Visibility.COUNSELOR, created_at=start)
    _, small, _ = _section(app, count_queries, world.counselor.id, world.case.id)
    for n in range(30):
        make_entry(
            world.a if n % 2 else world.b,
            world.case,
            visibility=Visibility.COUNSELOR,
            title=f"Shared {n:02d}",
            mood=1 + n % 5,
            created_at=start + timedelta(days=n),
        )
    context, large, html = _section(app, count_queries, world.counselor.id, world.case.id)
    assert len(small) == len(large) <= 4
    for partner in context["partners"]:
        assert len(partner["entries"]) == ENTRIES_PER_PARTNER
        assert partner["chart"] is not None
    assert "Shared 29" in html and "Shared 00" not in html
    assert html.count("<svg") == 2


def test_case_section_shows_unread_markers_and_only_shared(world, make_entry, app, count_queries):
    read_id = make_entry(world.a, world.case, visibility=Visibility.COUNSELOR, title="Seen one")
    make_entry(world.a, world.case, visibility=Visibility.COUNSELOR, title="New one")
    make_entry(world.a, world.case, title="Hidden one", mood=1)
    with app.app_context():
        db.session.add(JournalRead(entry_id=read_id, reader_id=world.counselor.id))
        db.session.commit()
    context, _, html = _section(app, count_queries, world.counselor.id, world.case.id)
    a = next(p for p in context["partners"] if p["user_id"] == world.a.id)
    assert a["unread"] == 1 and a["total"] == 2
    assert [is_read for _, is_read in a["entries"]] == [False, True]
    assert "Hidden one" not in html and "1 unread" in html


@pytest.mark.parametrize("shared", [True, False])
def test_client_home_mentions_partner_shares(world, make_entry, login_as, shared):
    make_entry(
        world.b,
        world.case,
        visibility=(Visibility.COUNSELOR_AND_PARTNER if shared else Visibility.COUNSELOR),
    )
    html = login_as(world.a).get("/me").get_data(as_text=True)
    assert "Your journal" in html
    assert ("Your partner shared 1 entry" in html) is shared
