"""The journal demo: months of entries for Alex and Sam, private and shared each way, answered."""

from types import SimpleNamespace

import sqlalchemy as sa

from app.extensions import db
from app.models import JournalComment, JournalEntry, JournalRead, User, Visibility


def _seed_journal(app):
    """Demo accounts, the Rivera couple's case, then the journal step (run twice)."""
    from app.demo import accounts
    from app.demo import journal as journal_demo
    from app.demo.caseload import DEMO_COUPLE_LABEL
    from app.models import Case, CaseKind, CaseMember, CaseStatus, MemberRole

    with app.app_context():
        accounts.seed()
        users = {u.email: u for u in db.session.scalars(sa.select(User))}
        case = Case(
            label=DEMO_COUPLE_LABEL,
            kind=CaseKind.COUPLE,
            status=CaseStatus.ACTIVE,
            counselor_id=users["counselor@demo.rekindle.test"].id,
        )
        db.session.add(case)
        db.session.flush()
        for email, role in (
            ("alex@demo.rekindle.test", MemberRole.PARTNER_A),
            ("sam@demo.rekindle.test", MemberRole.PARTNER_B),
        ):
            db.session.add(CaseMember(case_id=case.id, user_id=users[email].id, role=role))
        db.session.commit()
        journal_demo.seed()


def test_demo_journal_is_varied_and_idempotent(app):
    _seed_journal(app)
    with app.app_context():
        # The mood is encrypted: read it from the entries, not in SQL.
        rows = [
            SimpleNamespace(
                email=email, visibility=e.visibility, mood=e.mood, created_at=e.created_at
            )
            for e, email in db.session.execute(
                sa.select(JournalEntry, User.email).join(User, User.id == JournalEntry.author_id)
            )
        ]
        comments = db.session.scalar(sa.select(sa.func.count(JournalComment.id)))
        reads = db.session.scalar(sa.select(sa.func.count()).select_from(JournalRead))
        sample = db.session.scalars(sa.select(JournalEntry).limit(1)).one()
        assert sample.body and sample.title
    for email in ("alex@demo.rekindle.test", "sam@demo.rekindle.test"):
        mine = [r for r in rows if r.email == email]
        assert len(mine) >= 30
        assert {r.visibility for r in mine} == set(Visibility)
        assert len({r.mood for r in mine}) >= 3
        span = max(r.created_at for r in mine) - min(r.created_at for r in mine)
        assert span.days >= 90
    assert comments >= 3 and reads > comments
    with app.app_context():
        from app.demo import journal as journal_demo

        journal_demo.seed()
        assert db.session.scalar(sa.select(sa.func.count(JournalEntry.id))) == len(rows)


def test_demo_search_finds_words(app):
    _seed_journal(app)
    client = app.test_client()
    client.post("/login", data={"email": "alex@demo.rekindle.test", "password": "rekindle-demo"})
    html = client.post("/me/journal", data={"q": "garlic"}, follow_redirects=True).get_data(
        as_text=True
    )
    assert "A quieter evening" in html
