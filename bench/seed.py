"""Benchmark fixtures S, M and L (docs/performance.md), generated with a fixed random seed.

``flask --app bench.wsgi seed-bench --size S --database instance/bench-S.db`` migrates a separate,
empty database and fills it. It never touches the demo database: the target must be named
explicitly and must hold no demo account.

The same 40-client "counselor A" is generated first, from its own seed, in every size, so her
pages can be compared across sizes. Rows go in with bulk ``INSERT``s of explicit ids;
encryption is done in Python with the app's keyring, exactly as the models would do it.
"""

from __future__ import annotations

import json
import os
import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

import click
import sqlalchemy as sa
from flask import Flask, current_app
from flask.cli import with_appcontext

from app.crypto import keyring, new_uid
from app.data_keys import new_data_key_row, seal_with_data_key
from app.extensions import db
from app.models import (
    Appointment,
    AppointmentAttendee,
    AppointmentSeries,
    AppointmentStatus,
    Assignment,
    AssignmentRecipient,
    AssignmentStatus,
    Case,
    CaseKind,
    CaseMember,
    CaseStatus,
    CaseStatusChange,
    CheckIn,
    ClientDataKey,
    CounselingSession,
    Exercise,
    ExerciseKind,
    JournalComment,
    JournalEntry,
    JournalRead,
    JournalVisibilityChange,
    MemberRole,
    Modality,
    ModuleVersion,
    NoteFormat,
    NoteStatus,
    Response,
    ResponseStatus,
    Role,
    SessionAssignmentLink,
    SessionAttendee,
    SessionJournalPick,
    SessionKind,
    SessionNote,
    StrategyModule,
    User,
    Visibility,
)

SEED = 20260301
GENERATOR_VERSION = 2
BENCH_DOMAIN = "bench.rekindle.test"
BENCH_PASSWORD = "bench-password-rekindle-2026"  # noqa: S105 - a fixture, never a real account
COUNSELOR_A = f"counselor-a@{BENCH_DOMAIN}"
COUNSELOR_BIG = f"counselor-big@{BENCH_DOMAIN}"
CHUNK = 5000


@dataclass(frozen=True)
class Shape:
    """How many of what one size holds."""

    counselors: list[int]  # clients per counselor, counselor A first
    weeks_other: int  # journal weeks for everyone but counselor A (who always has 26)


SIZES: dict[str, Shape] = {
    "S": Shape(counselors=[40], weeks_other=26),
    "M": Shape(counselors=[40] * 10, weeks_other=26),
    # 2,000 clients: A (40), one counselor with 150, 48 sharing the other 1,810.
    "L": Shape(counselors=[40, 150] + [38] * 34 + [37] * 14, weeks_other=52),
}
WEEKS_A = 26
ENTRIES_PER_WEEK = 2
SESSIONS_PER_CASE = 10
ASSIGNMENTS_PER_CASE = 5

_WRITING = (
    "we talked about the morning again and I noticed how tired we both were after work "
    "it felt easier to listen when I put my phone away and asked what the day had been like "
    "there was a moment of tension about money and the weekend plans but we paused and came "
    "back to it later with more patience I want to remember that small things like making tea "
    "or a short walk after dinner help us feel close my partner said they felt heard for the "
    "first time in a while and I felt relieved we still disagree about visiting family over "
    "the holidays yet the conversation stayed kind I caught myself raising my voice and "
    "stopped to breathe which surprised me the exercise from last session helped us name "
    "what we need instead of what went wrong tomorrow I will try to say thank you more often "
    "we laughed together about an old memory from our first apartment and that felt warm "
    "sleep has been difficult and it makes everything feel heavier than it is I am hopeful "
    "about the plan we made for sunday mornings and curious whether it will last"
)
WORDS = _WRITING.split()
TAGS = ["communication", "family", "work", "money", "gratitude", "conflict", "hope", "sleep"]
_FIRST = "Alex Sam Jordan Taylor Casey Riley Morgan Jamie Robin Avery Quinn Drew Kai Rowan"
FIRST = _FIRST.split()
_LAST = "Rivera Chen Okafor Novak Lindqvist Haddad Moreau Tanaka Silva Kowalski Byrne"
LAST = _LAST.split()
MODULES = [
    ("Soft start-up", "Begin hard conversations gently."),
    ("Repair attempts", "Notice and accept bids to repair."),
    ("Love maps", "Stay curious about each other's inner world."),
    ("Time-out plan", "Pause before a conversation overheats."),
    ("Appreciation habit", "Say what you value, every day."),
]


def _sentences(rng: random.Random, count: int) -> list[str]:
    out = []
    for _ in range(count):
        words = [rng.choice(WORDS) for _ in range(rng.randint(8, 22))]
        out.append(" ".join(words).capitalize() + ".")
    return out


@dataclass
class Ids:
    """Explicit primary keys, handed out per table."""

    next: dict[str, int] = field(default_factory=dict)

    def take(self, table: str) -> int:
        """The next free id of ``table``."""
        value = self.next.get(table, 1)
        self.next[table] = value + 1
        return value


class Writer:
    """Buffers rows per table and writes them with executemany in chunks."""

    def __init__(self) -> None:
        self.rows: dict[sa.Table, list[dict[str, Any]]] = {}
        self.counts: dict[str, int] = {}
        self.order = list(db.metadata.sorted_tables)

    def add(self, model: Any, **values: Any) -> None:
        """Queue one row."""
        table = model.__table__
        self.rows.setdefault(table, []).append(values)
        if len(self.rows[table]) >= CHUNK:
            self.flush()

    def flush(self) -> None:
        """Write everything queued, parents before children."""
        for table in self.order:
            rows = self.rows.pop(table, None)
            if rows:
                db.session.execute(sa.insert(table), rows)
                self.counts[table.name] = self.counts.get(table.name, 0) + len(rows)


class Generator:
    """Builds one size into the current app's database."""

    def __init__(self, shape: Shape, now: datetime) -> None:
        self.shape = shape
        self.now = now
        self.ids = Ids()
        self.out = Writer()
        self.ring = keyring()
        self.pool = _sentences(random.Random(SEED), 3000)
        self.password_hash = _password_hash()
        self.exercises: list[list[tuple[int, ExerciseKind]]] = []
        self.versions: list[int] = []
        self.modules_ids: list[int] = []
        self.data_keys: dict[int, tuple[int, bytes]] = {}

    def enc(
        self,
        table: str,
        name: str,
        row_id: int,
        value: Any,
        *,
        as_json: bool = False,
        owner: int | None = None,
    ) -> bytes:
        """Encrypt like ``EncryptedText`` does for ``table.name`` of the row ``row_id``.

        ``owner``: the client whose writing it is, encrypted under their data key.
        """
        text = json.dumps(value, ensure_ascii=False) if as_json else str(value)
        aad = f"{table}.{name}#{row_id}".encode()
        if owner is None:
            return self.ring.encrypt(text.encode(), aad)
        if owner not in self.data_keys:
            key_id = self.ids.take("client_data_keys")
            data_key, row = new_data_key_row(key_id)
            self.out.add(ClientDataKey, user_id=owner, created_at=self.now, **row)
            self.data_keys[owner] = (key_id, data_key)
        return seal_with_data_key(aad, text.encode(), *self.data_keys[owner])

    def text(self, rng: random.Random, low: int, high: int) -> str:
        """A few paragraphs of plausible writing, between ``low`` and ``high`` sentences."""
        count = rng.randint(low, high)
        sentences = [self.pool[rng.randrange(len(self.pool))] for _ in range(count)]
        paragraphs = [" ".join(sentences[i : i + 5]) for i in range(0, len(sentences), 5)]
        return "\n\n".join(paragraphs)

    def run(self) -> dict[str, int]:
        """Generate everything and commit."""
        self.modules()
        for index, clients in enumerate(self.shape.counselors):
            # Counselor A has a seed of her own so that she is identical in every size.
            rng = random.Random(SEED + index)
            weeks = WEEKS_A if index == 0 else self.shape.weeks_other
            self.counselor(index, clients, weeks, rng)
            self.out.flush()
            db.session.commit()
        self.out.flush()
        _reset_sequences(self.ids)
        db.session.commit()
        return dict(self.out.counts)

    def user(self, email: str, name: str, role: Role, created: datetime) -> int:
        """One account with the shared bench password."""
        uid = self.ids.take("users")
        self.out.add(
            User,
            id=uid,
            email=email,
            name=name,
            role=role.value,
            password_hash=self.password_hash,
            active=True,
            note_format=NoteFormat.SOAP.value,
            created_at=created,
        )
        return uid

    def modules(self) -> None:
        """Five built-in modules of one version with three exercises each."""
        rng = random.Random(SEED - 1)
        kinds = [ExerciseKind.REFLECTION, ExerciseKind.SCALE, ExerciseKind.CHECKLIST]
        for n, (title, summary) in enumerate(MODULES):
            module_id = self.ids.take("strategy_modules")
            version_id = self.ids.take("module_versions")
            self.out.add(
                StrategyModule,
                id=module_id,
                slug=f"bench-{n}",
                is_builtin=True,
                created_at=self.now - timedelta(days=400),
            )
            self.out.add(
                ModuleVersion,
                id=version_id,
                module_id=module_id,
                number=1,
                title=title,
                summary=summary,
                introduction=self.text(rng, 6, 10),
                counselor_notes=self.text(rng, 2, 4),
                caution="",
                created_at=self.now - timedelta(days=400),
            )
            exercises = []
            for position, kind in enumerate(kinds):
                exercise_id = self.ids.take("exercises")
                config: dict[str, Any] = {}
                if kind is ExerciseKind.SCALE:
                    config = {"min": 0, "max": 10, "low": "Not at all", "high": "Very much"}
                elif kind is ExerciseKind.CHECKLIST:
                    config = {"items": ["Listen first", "Name one feeling", "Ask one question"]}
                self.out.add(
                    Exercise,
                    id=exercise_id,
                    version_id=version_id,
                    position=position,
                    kind=kind.value,
                    title=f"{title}: step {position + 1}",
                    prompt=self.text(rng, 1, 3),
                    config=config,
                )
                exercises.append((exercise_id, kind))
            self.versions.append(version_id)
            self.modules_ids.append(module_id)
            self.exercises.append(exercises)
        self.out.flush()
        # The current version points back at a row written just now.
        for module_id, version_id in zip(self.modules_ids, self.versions, strict=True):
            db.session.execute(
                sa.update(cast(sa.Table, StrategyModule.__table__))
                .where(StrategyModule.__table__.c.id == module_id)
                .values(current_version_id=version_id)
            )

    def counselor(self, index: int, clients: int, weeks: int, rng: random.Random) -> None:
        """One counselor with ``clients`` clients, mostly in couples."""
        if index == 0:
            email, name = COUNSELOR_A, "Counselor A"
        elif index == 1 and clients == 150:
            email, name = COUNSELOR_BIG, "Counselor Big"
        else:
            email, name = f"counselor-{index}@{BENCH_DOMAIN}", f"Counselor {index}"
        counselor_id = self.user(email, name, Role.COUNSELOR, self.now - timedelta(days=500))
        # Mostly couples: about one in ten clients is seen alone.
        individuals = max(2, clients // 10) if clients % 2 == 0 else max(3, clients // 10)
        if (clients - individuals) % 2:
            individuals += 1
        couples = (clients - individuals) // 2
        for n in range(couples + individuals):
            couple = n < couples
            self.case(index, n, counselor_id, couple, weeks, rng)

    def case(
        self, cindex: int, n: int, counselor_id: int, couple: bool, weeks: int, rng: random.Random
    ) -> None:
        """One case with members, history, assignments, journals and sessions."""
        start = self.now - timedelta(weeks=weeks, days=rng.randint(0, 6))
        members = []
        roles = [MemberRole.PARTNER_A, MemberRole.PARTNER_B] if couple else [MemberRole.INDIVIDUAL]
        last = rng.choice(LAST)
        for role in roles:
            first = rng.choice(FIRST)
            email = f"c{cindex}-case{n}-{role.value}@{BENCH_DOMAIN}"
            members.append((self.user(email, f"{first} {last}", Role.CLIENT, start), role))
        status = rng.choices(
            [CaseStatus.ACTIVE, CaseStatus.PAUSED, CaseStatus.INTAKE, CaseStatus.CLOSED],
            weights=[80, 8, 4, 8],
        )[0]
        case_id = self.ids.take("cases")
        label = f"{last} couple {n}" if couple else f"{last} {n}"
        self.out.add(
            Case,
            id=case_id,
            label=label,
            kind=(CaseKind.COUPLE if couple else CaseKind.INDIVIDUAL).value,
            status=status.value,
            counselor_id=counselor_id,
            created_at=start,
            updated_at=self.now - timedelta(hours=rng.randint(1, 400)),
        )
        for user_id, role in members:
            self.out.add(
                CaseMember,
                id=self.ids.take("case_members"),
                case_id=case_id,
                user_id=user_id,
                role=role.value,
                joined_at=start,
            )
        history = [(None, CaseStatus.INTAKE), (CaseStatus.INTAKE, CaseStatus.ACTIVE)]
        if status in (CaseStatus.PAUSED, CaseStatus.CLOSED):
            history.append((CaseStatus.ACTIVE, status))
        if status is CaseStatus.INTAKE:
            history = history[:1]
        for step, (old, new) in enumerate(history):
            self.out.add(
                CaseStatusChange,
                id=self.ids.take("case_status_changes"),
                case_id=case_id,
                from_status=old.value if old else None,
                to_status=new.value,
                reason="Agreed with the clients." if step else None,
                changed_by_id=counselor_id,
                changed_at=start + timedelta(days=step * 7),
            )
        assignments = self.assignments(case_id, counselor_id, members, start, rng)
        long_notes = cindex == 0 and n == 0
        self.sessions(case_id, counselor_id, members, start, weeks, assignments, rng, long_notes)
        self.journals(case_id, counselor_id, members, start, weeks, rng)
        if status is not CaseStatus.CLOSED:
            self.appointments(case_id, counselor_id, [m for m, _ in members])

    def appointments(self, case_id: int, counselor_id: int, members: list[int]) -> None:
        """A weekly series: two past (attended) and six booked occurrences, UTC wall clock.

        Its own random stream, so the rest of the generated data is the same as before.
        """
        rng = random.Random(SEED * 1000 + case_id)
        first = (self.now - timedelta(weeks=2)).replace(minute=0, second=0, microsecond=0)
        first = first.replace(hour=rng.randint(8, 17)) + timedelta(days=rng.randint(0, 4))
        series_id = self.ids.take("appointment_series")
        self.out.add(
            AppointmentSeries,
            id=series_id,
            uid=f"{new_uid()}@rekindle",
            case_id=case_id,
            counselor_id=counselor_id,
            rrule="FREQ=WEEKLY;INTERVAL=1;COUNT=8",
            local_start=first.replace(tzinfo=None),
            timezone="UTC",
            sequence=0,
            created_at=first - timedelta(days=7),
        )
        for k in range(8):
            starts = first + timedelta(weeks=k)
            appointment_id = self.ids.take("appointments")
            past = starts < self.now
            self.out.add(
                Appointment,
                id=appointment_id,
                uid=f"{new_uid()}@rekindle",
                case_id=case_id,
                counselor_id=counselor_id,
                series_id=series_id,
                original_start=starts,
                starts_at=starts,
                timezone="UTC",
                duration_minutes=50,
                modality=Modality.IN_PERSON.value,
                location="Room 1",
                kind=(SessionKind.JOINT if len(members) == 2 else SessionKind.INDIVIDUAL).value,
                status=(AppointmentStatus.ATTENDED if past else AppointmentStatus.BOOKED).value,
                sequence=1 if past else 0,
                created_at=first - timedelta(days=7),
                updated_at=first - timedelta(days=7),
            )
            for user_id in members:
                self.out.add(AppointmentAttendee, appointment_id=appointment_id, user_id=user_id)

    def assignments(
        self,
        case_id: int,
        counselor_id: int,
        members: list[tuple[int, MemberRole]],
        start: datetime,
        rng: random.Random,
    ) -> list[int]:
        """Five assignments, each given to every member, at different stages."""
        ids = []
        for k in range(ASSIGNMENTS_PER_CASE):
            assignment_id = self.ids.take("assignments")
            created = start + timedelta(days=7 + k * 21)
            created = min(created, self.now - timedelta(days=1))
            self.out.add(
                Assignment,
                id=assignment_id,
                case_id=case_id,
                module_version_id=self.versions[k % len(self.versions)],
                assigned_by_id=counselor_id,
                due_date=(created + timedelta(days=14)).date(),
                note_ct=self.enc(
                    "assignments",
                    "note",
                    assignment_id,
                    rng.choice(["", "Take your time with this one.", "Try it after dinner."]),
                ),
                created_at=created,
            )
            ids.append(assignment_id)
            for user_id, _role in members:
                status = rng.choice(list(AssignmentStatus))
                recipient_id = self.ids.take("assignment_recipients")
                uid = new_uid()
                done = status in (AssignmentStatus.SUBMITTED, AssignmentStatus.REVIEWED)
                self.out.add(
                    AssignmentRecipient,
                    id=recipient_id,
                    uid=uid,
                    assignment_id=assignment_id,
                    user_id=user_id,
                    status=status.value,
                    started_at=created + timedelta(days=1)
                    if status is not AssignmentStatus.ASSIGNED
                    else None,
                    submitted_at=created + timedelta(days=5) if done else None,
                    reviewed_at=created + timedelta(days=8)
                    if status is AssignmentStatus.REVIEWED
                    else None,
                    feedback_ct=self.enc(
                        "assignment_recipients", "feedback", recipient_id, self.text(rng, 2, 4)
                    )
                    if status is AssignmentStatus.REVIEWED
                    else None,
                )
                if status is AssignmentStatus.ASSIGNED:
                    continue
                for exercise_id, kind in self.exercises[k % len(self.exercises)]:
                    response_uid = new_uid()
                    response_id = self.ids.take("responses")
                    if kind is ExerciseKind.SCALE:
                        answer: Any = {"value": rng.randint(0, 10)}
                    elif kind is ExerciseKind.CHECKLIST:
                        answer = {"checked": sorted(rng.sample(range(3), rng.randint(0, 3)))}
                    else:
                        answer = {"text": self.text(rng, 3, 8)}
                    self.out.add(
                        Response,
                        id=response_id,
                        uid=response_uid,
                        recipient_id=recipient_id,
                        exercise_id=exercise_id,
                        answer_ct=self.enc(
                            "responses", "answer", response_id, answer, as_json=True, owner=user_id
                        ),
                        status=(ResponseStatus.SUBMITTED if done else ResponseStatus.DRAFT).value,
                        visibility=Visibility.COUNSELOR.value,
                        draft_seq=0,
                        version=1,
                        updated_at=created + timedelta(days=4),
                        submitted_at=created + timedelta(days=5) if done else None,
                    )
        return ids

    def sessions(
        self,
        case_id: int,
        counselor_id: int,
        members: list[tuple[int, MemberRole]],
        start: datetime,
        weeks: int,
        assignments: list[int],
        rng: random.Random,
        long_notes: bool = False,
    ) -> None:
        """Ten sessions: the last one upcoming, the others with signed notes and check-ins."""
        span = timedelta(weeks=weeks)
        for k in range(SESSIONS_PER_CASE):
            session_id = self.ids.take("counseling_sessions")
            upcoming = k == SESSIONS_PER_CASE - 1
            starts = (
                self.now + timedelta(days=rng.randint(1, 6), hours=rng.randint(0, 8))
                if upcoming
                else start + span * (k + 0.5) / SESSIONS_PER_CASE
            )
            self.out.add(
                CounselingSession,
                id=session_id,
                case_id=case_id,
                counselor_id=counselor_id,
                starts_at=starts,
                duration_minutes=50,
                modality=rng.choice(list(Modality)).value,
                kind=SessionKind.JOINT.value if len(members) == 2 else SessionKind.INDIVIDUAL.value,
                created_at=starts - timedelta(days=7),
            )
            if upcoming:
                continue
            for user_id, _role in members:
                self.out.add(SessionAttendee, session_id=session_id, user_id=user_id)
                check_in_id = self.ids.take("check_ins")
                scores = {
                    "satisfaction": rng.randint(2, 9),
                    "communication": rng.randint(2, 9),
                    "closeness": rng.randint(2, 9),
                    "hope": rng.randint(3, 10),
                }
                self.out.add(
                    CheckIn,
                    id=check_in_id,
                    case_id=case_id,
                    user_id=user_id,
                    scores_ct=self.enc(
                        "check_ins", "scores", check_in_id, scores, as_json=True, owner=user_id
                    ),
                    created_at=starts - timedelta(hours=rng.randint(2, 48)),
                )
            note_uid = new_uid()
            note_id = self.ids.take("session_notes")
            # Counselor A's first case has notes of growing length, so that the benchmark
            # can pick summaries of 3 and 6 pages (docs/performance.md S4).
            scale = k + 1 if long_notes else 1
            sections = {
                "subjective": self.text(rng, 4 * scale, 8 * scale),
                "objective": self.text(rng, 2 * scale, 5 * scale),
                "assessment": self.text(rng, 3 * scale, 6 * scale),
                "plan": self.text(rng, 2 * scale, 5 * scale),
                "focus": self.text(rng, 1, 3),
                "next_steps": self.text(rng, 1, 3),
            }
            signed = k < SESSIONS_PER_CASE - 2
            self.out.add(
                SessionNote,
                id=note_id,
                uid=note_uid,
                session_id=session_id,
                format=NoteFormat.SOAP.value,
                sections_ct=self.enc("session_notes", "sections", note_id, sections, as_json=True),
                status=(NoteStatus.SIGNED if signed else NoteStatus.DRAFT).value,
                signed_by_id=counselor_id if signed else None,
                signed_at=starts + timedelta(hours=3) if signed else None,
                version=1,
                draft_seq=0,
                updated_at=starts + timedelta(hours=3),
            )
            relation = "homework" if k % 2 == 0 else "reviewed"
            self.out.add(
                SessionAssignmentLink,
                session_id=session_id,
                assignment_id=assignments[k // 2 % len(assignments)],
                relation=relation,
            )

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


def _password_hash() -> str:
    from app.auth.passwords import hash_password

    return hash_password(BENCH_PASSWORD)


def _reset_sequences(ids: Ids) -> None:
    """PostgreSQL's id sequences must continue after the explicit ids."""
    if db.engine.dialect.name != "postgresql":
        return
    for table, value in ids.next.items():
        db.session.execute(
            sa.text("SELECT setval(pg_get_serial_sequence(:t, 'id'), :v, false)"),
            {"t": table, "v": value},
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


def seed_bench(size: str, now: datetime | None = None) -> dict[str, int]:
    """Fill the current app's (empty, migrated) database with fixture ``size``."""
    if db.session.scalar(sa.select(sa.func.count()).select_from(User)):
        raise RuntimeError("The bench database is not empty; give a new file or drop it first.")
    now = now or datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    counts = Generator(SIZES[size], now).run()
    add_picks()
    counts["session_journal_picks"] = (
        db.session.scalar(sa.select(sa.func.count()).select_from(SessionJournalPick)) or 0
    )
    return counts


def refuse_unsafe_target(app: Flask, url: str) -> None:
    """Raise unless ``url`` is a separate database that holds no demo data."""
    default = f"sqlite:///{Path(app.instance_path) / 'rekindle.db'}"
    if url == default or url.endswith("/rekindle.db"):
        raise RuntimeError(
            "That is the demo database. Name a separate one, e.g. instance/bench-S.db."
        )
    if app.config.get("ENV") == "production":
        raise RuntimeError("Benchmark fixtures are never generated under the production config.")


def database_url(target: str) -> str:
    """A URL from ``--database``: a URL as it is, a file path as SQLite."""
    if "://" in target:
        return target
    return f"sqlite:///{Path(target).resolve()}"


def build(
    app: Flask, target: str, size: str, echo: Callable[[str], None] = print
) -> dict[str, int]:
    """Create, migrate and fill the database ``target`` with a new app bound to it."""
    from flask_migrate import upgrade

    from app import create_app

    url = database_url(target)
    refuse_unsafe_target(app, url)
    # Same keyring and client key store as the calling app, so the server that reads the fixture can decrypt it.
    overrides = {
        key: app.config.get(key)
        for key in (
            "REKINDLE_ENCRYPTION_KEYS",
            "REKINDLE_ENCRYPTION_KEYS_FILE",
            "REKINDLE_CLIENT_KEY_STORE",
        )
        if app.config.get(key)
    }
    bench_app = create_app(
        {**overrides, "SQLALCHEMY_DATABASE_URI": url}, instance_path=app.instance_path
    )
    with bench_app.app_context():
        has_demo = False
        inspector = sa.inspect(db.engine)
        if inspector.has_table("users"):
            has_demo = bool(
                db.session.scalar(
                    sa.select(sa.func.count())
                    .select_from(User)
                    .where(User.email.like("%@demo.rekindle.test"))
                )
            )
        if has_demo:
            raise RuntimeError("That database holds the demo accounts; name a separate one.")
        started = time.perf_counter()
        upgrade()
        counts = seed_bench(size)
        echo(f"Seeded fixture {size} into {target} in {time.perf_counter() - started:.1f} s.")
        db.engine.dispose()
    return counts


def summary(counts: dict[str, int]) -> Iterable[str]:
    """Row counts, one table a line."""
    for name in sorted(counts):
        yield f"  {name}: {counts[name]}"


@click.command("seed-bench")
@with_appcontext
@click.option("--size", type=click.Choice(sorted(SIZES)), default="S", show_default=True)
@click.option(
    "--database",
    help="A new SQLite file (e.g. instance/bench-S.db) or a database URL. Defaults to DATABASE_URL.",
)
def seed_bench_command(size: str, database: str | None) -> None:
    """Generate benchmark fixture S, M or L into a separate database (never the demo one)."""
    target = database or os.environ.get("DATABASE_URL")
    if not target:
        raise click.ClickException(
            "Name the bench database: --database instance/bench-S.db (or set DATABASE_URL)."
        )
    try:
        counts = build(current_app, target, size, echo=click.echo)
    except RuntimeError as exc:
        raise click.ClickException(str(exc)) from exc
    for line in summary(counts):
        click.echo(line)
