"""Demo journal: four months of entries for Alex and Sam, some private, some shared, some answered.

The text is in ``data/journal.toml``: gentle, ordinary, and about nobody in particular.
"""

from __future__ import annotations

import random
from datetime import timedelta

import sqlalchemy as sa

from app import policy
from app.demo.accounts import demo_user
from app.demo.caseload import demo_couple_case
from app.demo.data import load
from app.extensions import db
from app.models import (
    JournalComment,
    JournalEntry,
    JournalRead,
    JournalVisibilityChange,
    ResponseStatus,
    User,
    Visibility,
    utcnow,
)
from app.services import journal as journal_service


def seed() -> None:
    """About four months of entries for the demo couple; skipped when Alex already has some."""
    data = load("journal")
    authors = data["author"]
    first = demo_user(authors[0]["email"])
    if db.session.scalar(sa.select(JournalEntry.id).where(JournalEntry.author_id == first.id)):
        return
    case = demo_couple_case()
    counselor = db.session.get_one(User, case.counselor_id)
    rng = random.Random(data["random_seed"])
    now = utcnow().replace(microsecond=0)
    for spec in authors:
        author = demo_user(spec["email"])
        texts, per_week, base_mood = spec["entry"], spec["per_week"], spec["base_mood"]
        sharing = [Visibility(v) for v in spec["sharing"]]
        count = data["weeks"] * per_week
        for n in range(count):
            days_ago = (count - n) * 7 / per_week + rng.uniform(-1, 1)
            when = now - timedelta(days=max(days_ago, 0.2), hours=rng.randint(0, 5))
            # Moods drift gently upward over the months, with ordinary ups and downs.
            trend = base_mood - 0.8 + 1.6 * n / count
            mood = min(5, max(1, round(trend + rng.choice([-1, 0, 0, 0, 1]))))
            text = texts[n % len(texts)]
            visibility = sharing[n % len(sharing)]
            _add_entry(
                author, case.id, when, text["title"], text["body"], text["tags"], mood, visibility
            )
    db.session.flush()
    _add_comments_and_reads(counselor, case.id, data["comments"])
    db.session.commit()


def _add_entry(
    author: User,
    case_id: int,
    when,
    title: str,
    body: str,
    tags: list[str],
    mood: int,
    visibility: Visibility,
) -> None:
    entry = journal_service.new_entry(author, case_id)
    db.session.add(entry)
    db.session.flush()
    journal_service.apply_text(
        entry, journal_service.EntryInput(title=title, body=body, mood=mood, tags=tags)
    )
    entry.status = ResponseStatus.SUBMITTED
    entry.created_at = when
    entry.updated_at = when
    if policy.is_shared(visibility):
        entry.visibility = visibility
        entry.shared_at = when + timedelta(minutes=5)
        db.session.add(
            JournalVisibilityChange(
                entry_id=entry.id,
                from_visibility=Visibility.PRIVATE,
                to_visibility=visibility,
                changed_at=entry.shared_at,
            )
        )


def _add_comments_and_reads(counselor: User, case_id: int, comments: list[str]) -> None:
    shared = db.session.scalars(
        sa.select(JournalEntry)
        .where(policy.readable_by_counselor(policy.JOURNAL, counselor, case_id))
        .order_by(JournalEntry.shared_at)
    ).all()
    # Older shares are read, a few of them answered; the newest few stay unread.
    for i, entry in enumerate(shared[:-4]):
        assert entry.shared_at is not None  # shared entries have a share time
        db.session.add(
            JournalRead(
                entry_id=entry.id,
                reader_id=counselor.id,
                read_at=entry.shared_at + timedelta(days=1),
            )
        )
        if i % 3 == 0:
            comment = JournalComment(
                entry_id=entry.id,
                author_id=counselor.id,
                created_at=entry.shared_at + timedelta(days=1, hours=2),
            )
            comment.body = comments[(i // 3) % len(comments)]
            db.session.add(comment)
