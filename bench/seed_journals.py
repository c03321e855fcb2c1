"""The fixture's journals: about two entries a week per client, some shared, read and commented
on, and the shared entries each session quotes (its picks)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import cast

import sqlalchemy as sa

from app.crypto import new_uid
from app.extensions import db
from app.models import (
    CounselingSession,
    JournalComment,
    JournalEntry,
    JournalRead,
    JournalVisibilityChange,
    MemberRole,
    ResponseStatus,
    SessionJournalPick,
    Visibility,
)
from bench.seed_base import GeneratorBase
from bench.seed_shape import CHUNK, ENTRIES_PER_WEEK, TAGS, WORDS


class JournalsPart(GeneratorBase):
    """Writes each case's journal entries, visibility changes, reads and comments."""

    def journals(
        self,
        case_id: int,
        counselor_id: int,
        members: list[tuple[int, MemberRole]],
        start: datetime,
        weeks: int,
        rng: random.Random,
    ) -> None:
        """About two entries a week per client; some shared, read and commented on."""
        read_before = self.now - timedelta(days=7)
        for user_id, _role in members:
            for k in range(weeks * ENTRIES_PER_WEEK):
                created = start + timedelta(
                    days=k * 7 / ENTRIES_PER_WEEK + rng.random() * 3, hours=rng.randint(6, 22)
                )
                if created >= self.now:
                    created = self.now - timedelta(minutes=rng.randint(5, 600))
                entry_id = self.ids.take("journal_entries")
                uid = new_uid()
                visibility = rng.choices(list(Visibility), weights=[50, 30, 20])[0]
                draft = rng.random() < 0.04
                shared = visibility.is_shared and not draft
                title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 6))).capitalize()
                tags = rng.sample(TAGS, rng.randint(0, 3))
                self.out.add(
                    JournalEntry,
                    id=entry_id,
                    uid=uid,
                    case_id=case_id,
                    author_id=user_id,
                    title_ct=self.enc("journal_entries", "title", entry_id, title, owner=user_id),
                    body_ct=self.enc(
                        "journal_entries", "body", entry_id, self.text(rng, 5, 25), owner=user_id
                    ),
                    tags_ct=self.enc(
                        "journal_entries", "tags", entry_id, tags, as_json=True, owner=user_id
                    ),
                    mood_ct=self.enc(
                        "journal_entries",
                        "mood",
                        entry_id,
                        rng.randint(1, 5),
                        as_json=True,
                        owner=user_id,
                    ),
                    visibility=visibility.value,
                    status=(ResponseStatus.DRAFT if draft else ResponseStatus.SUBMITTED).value,
                    shared_at=created if shared else None,
                    draft_seq=0,
                    version=1,
                    created_at=created,
                    updated_at=created,
                )
                if not shared:
                    continue
                self.out.add(
                    JournalVisibilityChange,
                    id=self.ids.take("journal_visibility_changes"),
                    entry_id=entry_id,
                    from_visibility=Visibility.PRIVATE.value,
                    to_visibility=visibility.value,
                    changed_at=created,
                )
                if created < read_before:
                    self.out.add(
                        JournalRead,
                        entry_id=entry_id,
                        reader_id=counselor_id,
                        read_at=created + timedelta(days=1),
                    )
                    if rng.random() < 0.15:
                        comment_uid = new_uid()
                        comment_id = self.ids.take("journal_comments")
                        self.out.add(
                            JournalComment,
                            id=comment_id,
                            uid=comment_uid,
                            entry_id=entry_id,
                            author_id=counselor_id,
                            body_ct=self.enc(
                                "journal_comments", "body", comment_id, self.text(rng, 1, 3)
                            ),
                            created_at=created + timedelta(days=1),
                        )


def add_picks() -> None:
    """Quote up to three shared entries of the case in each of its past sessions."""
    sessions = db.session.execute(
        sa.select(CounselingSession.id, CounselingSession.case_id, CounselingSession.starts_at)
    ).all()
    by_case: dict[int, list[tuple[int, datetime]]] = {}
    for session_id, case_id, starts in sessions:
        by_case.setdefault(case_id, []).append((session_id, starts))
    rows: list[dict[str, int]] = []
    entry = JournalEntry.__table__.c
    for case_id, items in by_case.items():
        shared = db.session.execute(
            sa.select(entry.id, entry.shared_at)
            .where(entry.case_id == case_id, entry.shared_at.is_not(None))
            .order_by(entry.shared_at)
        ).all()
        for session_id, starts in items:
            before = [row.id for row in shared if row.shared_at < starts][-3:]
            rows.extend({"session_id": session_id, "entry_id": e} for e in before)
    for i in range(0, len(rows), CHUNK):
        db.session.execute(
            sa.insert(cast(sa.Table, SessionJournalPick.__table__)), rows[i : i + CHUNK]
        )
    db.session.commit()
