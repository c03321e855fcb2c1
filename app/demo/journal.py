"""Demo journal: four months of entries for Alex and Sam, some private, some shared, some answered.

The text is written for the demo: gentle, ordinary, and about nobody in particular.
"""

from __future__ import annotations

import random
from datetime import timedelta

import sqlalchemy as sa

from app import policy
from app.demo.accounts import demo_user
from app.demo.caseload import demo_couple_case
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

WEEKS = 17

# (title, text, tags) — each partner draws from their own list, in order, wrapping around.
ALEX_ENTRIES = [
    (
        "A quieter evening",
        "We cooked together tonight without the television on. It felt a little awkward at "
        "first, like we had forgotten how to fill the silence.\n\nBy the time we were washing "
        "up we were laughing about the burnt garlic. I want more evenings like this.",
        ["evenings", "small wins"],
    ),
    (
        "What I keep coming back to",
        "I notice I get defensive as soon as a conversation turns to money. It is not really "
        "about the numbers. I think I am afraid of being seen as careless.",
        ["money", "patterns"],
    ),
    (
        "Walk by the canal",
        "Long walk on my own. Space helps me hear myself think.\nI came back calmer and "
        "asked how Sam's day had been — and actually listened to the answer.",
        ["walks", "space"],
    ),
    (
        "A hard conversation",
        "We tried the speaker–listener exercise and it went sideways halfway through. I "
        "interrupted twice. Writing it down so I can say sorry properly tomorrow.",
        ["listening", "repair"],
    ),
    (
        "Small thank-yous",
        "Three things I appreciated today: the coffee left out for me, the message at lunch, "
        "and that we did not argue about the weekend plans.",
        ["gratitude", "small wins"],
    ),
    (
        "Tired",
        "Work was heavy this week and I brought it home with me. I was short with everyone. "
        "Not proud of it, but I can see it more clearly than I used to.",
        ["stress", "work"],
    ),
    (
        "Old photos",
        "Found a box of photos from our first years. Mixed feelings: warmth, and some grief "
        "for how easy things felt then. Maybe it can feel easy again in a different way.",
        ["memories", "hope"],
    ),
    (
        "Before our session",
        "Things I want to bring up: how we divide the evenings, and that I would like us to "
        "plan one thing a month just for the two of us.",
        ["sessions", "plans"],
    ),
]

SAM_ENTRIES = [
    (
        "Saying what I need",
        "I managed to ask for an hour on Saturday morning to myself without apologising for "
        "it. Alex said yes straight away. I had built it up into something much bigger.",
        ["needs", "space"],
    ),
    (
        "Feeling far apart",
        "Some days it feels like we are flatmates who are polite to each other. I do not know "
        "how to start closing that gap without it turning into a list of complaints.",
        ["distance", "worries"],
    ),
    (
        "Dinner with friends",
        "We went out with old friends and it was lovely to see Alex laugh like that. On the "
        "way home we held hands without thinking about it.",
        ["friends", "small wins"],
    ),
    (
        "Noticing my part",
        "When I go quiet, Alex reads it as anger. Usually I am just overwhelmed. I could "
        "say that out loud instead of waiting to be asked.",
        ["patterns", "communication"],
    ),
    (
        "Rainy Sunday",
        "Stayed in, read, made soup. Nothing special happened and that was the point. "
        "A calm day together.",
        ["weekends", "calm"],
    ),
    (
        "An old argument came back",
        "The holiday plans brought up the same disagreement as last year. This time we "
        "stopped and agreed to come back to it after a break. That is progress.",
        ["repair", "plans"],
    ),
    (
        "What I would like more of",
        "Curiosity. Asking each other questions we do not already know the answers to.\n"
        "Trying one new question a week.",
        ["hope", "communication"],
    ),
]

COMMENTS = [
    "Thank you for sharing this. Noticing the pattern is already a real step.",
    "It sounds like the pause helped. What made it possible this time?",
    "This would be a good thing to bring to our next session, if you would like to.",
    "I appreciate how honestly you wrote about your own part here.",
]

# Visibility cycle per partner: mostly private, some to the counselor, some to both.
ALEX_SHARING = [
    Visibility.PRIVATE,
    Visibility.COUNSELOR,
    Visibility.PRIVATE,
    Visibility.COUNSELOR_AND_PARTNER,
    Visibility.PRIVATE,
    Visibility.COUNSELOR,
]
SAM_SHARING = [
    Visibility.COUNSELOR,
    Visibility.PRIVATE,
    Visibility.COUNSELOR_AND_PARTNER,
    Visibility.PRIVATE,
    Visibility.PRIVATE,
]


def seed() -> None:
    """About four months of entries for the demo couple; skipped when Alex already has some."""
    alex = demo_user("alex@demo.rekindle.test")
    if db.session.scalar(sa.select(JournalEntry.id).where(JournalEntry.author_id == alex.id)):
        return
    sam = demo_user("sam@demo.rekindle.test")
    counselor = demo_user("counselor@demo.rekindle.test")
    case = demo_couple_case()
    rng = random.Random(20260501)
    now = utcnow().replace(microsecond=0)
    for author, texts, sharing, per_week, base_mood in (
        (alex, ALEX_ENTRIES, ALEX_SHARING, 2, 3),
        (sam, SAM_ENTRIES, SAM_SHARING, 2, 3),
    ):
        count = WEEKS * per_week
        for n in range(count):
            days_ago = (count - n) * 7 / per_week + rng.uniform(-1, 1)
            when = now - timedelta(days=max(days_ago, 0.2), hours=rng.randint(0, 5))
            # Moods drift gently upward over the months, with ordinary ups and downs.
            trend = base_mood - 0.8 + 1.6 * n / count
            mood = min(5, max(1, round(trend + rng.choice([-1, 0, 0, 0, 1]))))
            title, body, tags = texts[n % len(texts)]
            visibility = sharing[n % len(sharing)]
            _add_entry(author, case.id, when, title, body, tags, mood, visibility)
    db.session.flush()
    _add_comments_and_reads(counselor, case.id)
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
    if visibility.is_shared:
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


def _add_comments_and_reads(counselor: User, case_id: int) -> None:
    shared = db.session.scalars(
        sa.select(JournalEntry)
        .where(policy.readable_by_counselor(policy.JOURNAL, counselor, case_id))
        .order_by(JournalEntry.shared_at)
    ).all()
    # Older shares are read, a few of them answered; the newest few stay unread.
    for i, entry in enumerate(shared[:-4]):
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
            comment.body = COMMENTS[(i // 3) % len(COMMENTS)]
            db.session.add(comment)
