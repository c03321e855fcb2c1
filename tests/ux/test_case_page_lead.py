"""The case page leads with the case (issue ux-pass, item 7)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.models import utcnow
from tests.modules.helpers import send


def test_since_the_last_session_and_what_is_next(factory, login_as, couple, give, build):
    given = give(couple.case, [couple.a, couple.b])
    build.session(couple.case, starts_at=datetime(2026, 1, 5, 15, tzinfo=UTC))
    build.appointment(couple.case, starts_at=utcnow() + timedelta(days=2))
    a = login_as(couple.a)
    send(a, given.recipient_a, given.exercise_ids[0], {"text": "one"})
    send(a, given.recipient_a, given.exercise_ids[1], {"text": "two", "visibility": "private"})
    build.entry(couple.case, couple.b, body="shared words")
    page = login_as(couple.counselor).get(f"/cases/{couple.case.id}").get_data(as_text=True)
    lead = page.index('id="since-last"')
    assert lead < page.index('id="members"') < page.index('id="status"')
    assert "Since the last session (05 Jan 2026)" in page
    assert "2 exercise answers sent" in page and "1 journal entry shared with you" in page
    assert 'data-next-step="appointment"' in page[lead:] and "No session booked" not in page
    # The status change is a compact control, closed until chosen.
    assert "<summary" in page[page.index('id="status"') :]
