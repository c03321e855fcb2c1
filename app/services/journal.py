"""Journal use cases: write, autosave, share and revoke, comment, mark read, list.

Search over the encrypted text is ``app.services.journal_search`` (a blind index).

The mood is encrypted (under the author's data key). The mood filter matches a keyed hash
of ``mood:N`` in the same index, and the mood chart decrypts the moods in Python after a query
scoped to the people (and case) it is drawn for.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVarTuple

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from app import policy
from app.extensions import db
from app.models import (
    Case,
    JournalComment,
    JournalEntry,
    JournalRead,
    JournalVisibilityChange,
    ResponseStatus,
    User,
    Visibility,
    utcnow,
)
from app.policy import EVERY_CASE, JOURNAL, CaseScope
from app.policy.announcements import newly_reaches_counselor, no_longer_reaches_counselor
from app.services import announcements
from app.services.concurrency import create_once
from app.services.journal_search import (
    index_entry,
    matching_entries,
)

MAX_BODY = 100_000
MAX_TITLE = 200
PAGE_SIZE = 20
MAX_ROW_ID = 2**63 - 1
#: What a form's idempotency key looks like (minted by ``secrets.token_urlsafe``); anything else
#: is ignored rather than stored.
_REQUEST_KEY = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
MOOD_WORDS = {1: "Very low", 2: "Low", 3: "Okay", 4: "Good", 5: "Very good"}


# --- keyset pagination --------------------------------------------------------------------


def encode_cursor(moment: datetime, entry_id: int) -> str:
    """An opaque cursor for the row after which the next page starts."""
    raw = f"{moment.timestamp():.6f}:{entry_id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> tuple[datetime, int] | None:
    """The (time, id) of a cursor, or None when it is missing or malformed.

    A cursor is typed into the address bar as easily as it is clicked: ``inf``, ``nan``, times
    past the year 9999 and ids beyond a 64-bit integer all mean "start from the newest".
    """
    if not cursor or len(cursor) > 64:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        stamp, entry_id = raw.split(":")
        moment = datetime.fromtimestamp(float(stamp), UTC)
        row_id = int(entry_id)
    except (ValueError, UnicodeDecodeError, OverflowError, OSError):
        return None
    if not 0 < row_id < MAX_ROW_ID:
        return None
    return moment, row_id


def _before(
    column: sa.SQLColumnExpression[Any], cursor: tuple[datetime, int] | None
) -> sa.ColumnElement[bool]:
    if cursor is None:
        return sa.true()
    moment, entry_id = cursor
    return sa.or_(column < moment, sa.and_(column == moment, JournalEntry.id < entry_id))


@dataclass
class Page:
    """One page of rows and the cursor of the next page (None on the last page)."""

    rows: Sequence[Any]
    next_cursor: str | None


def _page(rows: Sequence[Any], moment_of: Callable[[Any], tuple[datetime, int]]) -> Page:
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    cursor = None
    if more and rows:
        moment, entry_id = moment_of(rows[-1])
        cursor = encode_cursor(moment, entry_id)
    return Page(rows=rows, next_cursor=cursor)


@dataclass
class Filters:
    """What a reader asked the list for."""

    text: str | None = None
    tag: str | None = None
    mood: int | None = None
    since: date | None = None
    until: date | None = None


Columns = TypeVarTuple("Columns")  # what a query selects; filtering keeps it


def _apply_filters(
    query: sa.Select[*Columns], filters: Filters, time_column: sa.SQLColumnExpression[Any]
) -> sa.Select[*Columns]:
    matching = matching_entries(filters.text, filters.tag, filters.mood)
    if matching is not None:
        query = query.where(JournalEntry.id.in_(matching))
    if filters.since:
        query = query.where(time_column >= _day_start(filters.since))
    if filters.until and filters.until < date.max:
        # Up to the end of that day; the last representable day has nothing after it to bound.
        query = query.where(time_column < _day_start(filters.until + timedelta(days=1)))
    return query


def _day_start(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


# --- lists --------------------------------------------------------------------------------


def own_entries(author: User, filters: Filters, cursor: str | None) -> Page:
    """The author's own entries (drafts too), newest first."""
    query = sa.select(JournalEntry).where(JournalEntry.author_id == author.id)
    query = _apply_filters(query, filters, JournalEntry.created_at)
    query = query.where(_before(JournalEntry.created_at, decode_cursor(cursor)))
    rows = db.session.scalars(
        query.order_by(JournalEntry.created_at.desc(), JournalEntry.id.desc()).limit(PAGE_SIZE + 1)
    ).all()
    return _page(rows, lambda e: (e.created_at, e.id))


def partner_entries(reader: User, filters: Filters, cursor: str | None) -> Page:
    """Entries other members of the reader's cases shared with partner, newest share first."""
    query = (
        sa.select(JournalEntry, User.name)
        .join(User, User.id == JournalEntry.author_id)
        .where(policy.readable_by_partner(JOURNAL, reader, EVERY_CASE))
    )
    query = _apply_filters(query, filters, JournalEntry.created_at)
    query = query.where(_before(JournalEntry.shared_at, decode_cursor(cursor)))
    rows = db.session.execute(
        query.order_by(JournalEntry.shared_at.desc(), JournalEntry.id.desc()).limit(PAGE_SIZE + 1)
    ).all()
    return _page(rows, lambda r: (r[0].shared_at, r[0].id))


def shared_feed(counselor: User, filters: Filters, cursor: str | None, unread_only: bool) -> Page:
    """Entries shared with the counselor across their caseload, newest share first.

    One statement per page whatever the caseload: each row carries the entry, its case label,
    its author's name, whether this counselor has read it, and how many comments it has.
    """
    read = sa.exists().where(
        JournalRead.entry_id == JournalEntry.id, JournalRead.reader_id == counselor.id
    )
    comments = (
        sa.select(sa.func.count(JournalComment.id))
        .where(JournalComment.entry_id == JournalEntry.id)
        .scalar_subquery()
    )
    query = (
        sa.select(JournalEntry, Case.label, User.name, read.label("is_read"), comments)
        .join(Case, Case.id == JournalEntry.case_id)
        .join(User, User.id == JournalEntry.author_id)
        .where(policy.readable_by_counselor(JOURNAL, counselor, EVERY_CASE))
    )
    if unread_only:
        query = query.where(~read)
    query = _apply_filters(query, filters, JournalEntry.shared_at)
    query = query.where(_before(JournalEntry.shared_at, decode_cursor(cursor)))
    rows = db.session.execute(
        query.order_by(JournalEntry.shared_at.desc(), JournalEntry.id.desc()).limit(PAGE_SIZE + 1)
    ).all()
    return _page(rows, lambda r: (r[0].shared_at, r[0].id))


def unread_count(counselor: User) -> int:
    """Entries shared with the counselor that they have not read yet."""
    read = sa.exists().where(
        JournalRead.entry_id == JournalEntry.id, JournalRead.reader_id == counselor.id
    )
    count = db.session.scalar(
        sa.select(sa.func.count(JournalEntry.id)).where(
            policy.readable_by_counselor(JOURNAL, counselor, EVERY_CASE), ~read
        )
    )
    return count or 0


def mood_points(
    viewer: User, case: CaseScope, author_ids: Sequence[int], *, days: int = 180
) -> list[tuple[int, datetime, int]]:
    """(author_id, created_at, mood) of saved entries with a mood in the last ``days`` that
    ``viewer`` may read in ``case``: the author's own chart, or a case page's shared moods.

    Moods are encrypted, so the query selects the ciphertexts and the moods are decrypted here.
    """
    query = sa.select(
        JournalEntry.id, JournalEntry.author_id, JournalEntry.created_at, JournalEntry.mood_ct
    ).where(
        policy.readable_by(JOURNAL, viewer, case),
        JournalEntry.author_id.in_(author_ids),
        JournalEntry.status == ResponseStatus.SUBMITTED,
        JournalEntry.mood_ct.is_not(None),
        JournalEntry.created_at >= utcnow() - timedelta(days=days),
    )
    rows = db.session.execute(query.order_by(JournalEntry.created_at, JournalEntry.id)).all()
    return [
        (author_id, created_at, JournalEntry.mood.decrypt_stored(entry_id, blob))
        for entry_id, author_id, created_at, blob in rows
    ]


# --- changes ------------------------------------------------------------------------------


@dataclass
class EntryInput:
    """What the author typed."""

    title: str
    body: str
    mood: int | None
    tags: list[str]
    exercise_response_id: int | None = None


def apply_text(entry: JournalEntry, data: EntryInput) -> None:
    """Write the author's text onto the entry and refresh its search terms."""
    entry.title = data.title.strip()[:MAX_TITLE]
    entry.body = data.body
    entry.mood = data.mood
    entry.tags = data.tags
    entry.exercise_response_id = data.exercise_response_id
    db.session.flush()
    index_entry(entry)


def new_entry(author: User, case_id: int) -> JournalEntry:
    """An empty private draft (not yet added to the session)."""
    return JournalEntry(
        case_id=case_id,
        author_id=author.id,
        visibility=JOURNAL.default,
        status=ResponseStatus.DRAFT,
        draft_seq=0,
        version=1,
    )


def submit(entry: JournalEntry, data: EntryInput) -> None:
    """Save the text and make the entry a saved (submitted) one."""
    apply_text(entry, data)
    if entry.status is not ResponseStatus.SUBMITTED:
        entry.status = ResponseStatus.SUBMITTED
        entry.created_at = utcnow()
        if policy.is_shared(entry.visibility):
            entry.shared_at = utcnow()
        db.session.flush()
        announcements.entry_shared(entry)  # told only if the entry now reaches the counselor
    db.session.flush()


def set_visibility(entry: JournalEntry, visibility: Visibility) -> bool:
    """Share or revoke; records the change. Returns False when nothing changed."""
    old = entry.visibility
    if not policy.changes_audience(visibility, old):
        return False
    db.session.add(
        JournalVisibilityChange(entry_id=entry.id, from_visibility=old, to_visibility=visibility)
    )
    entry.visibility = visibility
    if not policy.is_shared(visibility):
        entry.shared_at = None
    elif policy.widens(visibility, old) and entry.status is ResponseStatus.SUBMITTED:
        entry.shared_at = utcnow()
    entry.version += 1
    db.session.flush()
    if no_longer_reaches_counselor(visibility, old):
        announcements.entry_unshared(entry)
    elif entry.status is ResponseStatus.SUBMITTED and newly_reaches_counselor(visibility, old):
        announcements.entry_shared(entry)
    return True


def mark_read(entry: JournalEntry, reader: User) -> None:
    """Record that the counselor has read the entry (once)."""
    exists = db.session.get(JournalRead, (entry.id, reader.id))
    if exists is None:
        db.session.add(JournalRead(entry_id=entry.id, reader_id=reader.id))
        db.session.flush()


def add_comment(
    entry: JournalEntry, author: User, body: str, request_key: str | None = None
) -> tuple[JournalComment, bool]:
    """A counselor's comment on an entry shared with them; reading it is implied.

    Once per ``request_key`` (the comment form's hidden field): a double click or a retried
    request gets the first comment back, ``created`` False, and announces nothing again.
    """

    def build() -> JournalComment:
        comment = JournalComment(entry_id=entry.id, author_id=author.id)
        comment.body = body
        return comment

    key = request_key if request_key and _REQUEST_KEY.match(request_key) else None
    comment, created = create_once(JournalComment, key, build)
    if created:
        mark_read(entry, author)
        db.session.flush()
        announcements.comment_added(entry, comment)
    return comment, created


def comments_on(entry: JournalEntry, viewer: User) -> list[JournalComment]:
    """The counselor's comments on ``entry`` that ``viewer`` may read, oldest first."""
    return list(
        db.session.scalars(
            sa.select(JournalComment)
            .where(
                JournalComment.entry_id == entry.id,
                policy.comments_readable_by(viewer, entry.case_id),
            )
            .options(joinedload(JournalComment.author))
            .order_by(JournalComment.created_at, JournalComment.id)
        )
    )


def is_read_by(entry: JournalEntry, reader_id: int) -> bool:
    """Whether this counselor has marked the entry read."""
    return db.session.get(JournalRead, (entry.id, reader_id)) is not None
