"""Builders for the data-protection tests: a couple case with canaries planted everywhere."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from app.extensions import db
from app.models import (
    Assignment,
    AssignmentRecipient,
    CheckIn,
    CounselingSession,
    Exercise,
    ExerciseKind,
    JournalComment,
    JournalEntry,
    JournalSearchTerm,
    ModuleVersion,
    NoteAmendment,
    NoteFormat,
    ProcessNote,
    Response,
    ResponseStatus,
    SessionAttendee,
    SessionNote,
    StrategyModule,
    User,
    Visibility,
    utcnow,
)


def canary(label: str) -> str:
    """A unique, searchable marker string."""
    return f"CANARY-{label}-{secrets.token_hex(6)}"


@dataclass
class Planted:
    """Ids and canaries of one planted couple case."""

    case_id: int
    counselor_id: int
    a_id: int
    b_id: int
    a_email: str
    b_email: str
    #: canaries by owner: "a", "b" (each partner's own writing), "staff" (counselor's writing)
    canaries: dict[str, dict[str, str]] = field(default_factory=dict)

    def all(self) -> list[str]:
        """Every canary planted."""
        return [c for group in self.canaries.values() for c in group.values()]


def _entry(case_id: int, author_id: int, label: str, visibility: Visibility, status, marks):
    entry = JournalEntry(case_id=case_id, author_id=author_id, visibility=visibility, status=status)
    entry.title = marks.setdefault(f"{label}-title", canary(f"{label}-title"))
    entry.body = "Today I wrote " + marks.setdefault(f"{label}-body", canary(f"{label}-body"))
    entry.tags = [marks.setdefault(f"{label}-tag", canary(f"{label}-tag"))]
    if visibility is not Visibility.PRIVATE:
        entry.shared_at = utcnow()
    return entry


def plant_couple(app: Flask, factory) -> Planted:
    """A couple case with journal entries, answers, feedback, comments, check-ins and notes."""
    counselor = factory.counselor()
    case, a, b = factory.couple(counselor)
    planted = Planted(case.id, counselor.id, a.id, b.id, a.email, b.email)
    marks: dict[str, dict[str, str]] = {"a": {}, "b": {}, "staff": {}}
    with app.app_context():
        module = StrategyModule(owner_id=counselor.id)
        db.session.add(module)
        db.session.flush()
        version = ModuleVersion(module_id=module.id, title="Reflect", summary="s", introduction="i")
        for position in (1, 2):
            version.exercises.append(
                Exercise(position=position, kind=ExerciseKind.REFLECTION, title="Ex", prompt="p")
            )
        db.session.add(version)
        db.session.flush()
        first, second = version.exercises
        assignment = Assignment(
            case_id=case.id, module_version_id=version.id, assigned_by_id=counselor.id
        )
        db.session.add(assignment)
        db.session.flush()
        entries = []
        for who, user in (("a", a), ("b", b)):
            m = marks[who]
            private = _entry(
                case.id, user.id, f"{who}-private", Visibility.PRIVATE, ResponseStatus.SUBMITTED, m
            )
            shared = _entry(
                case.id,
                user.id,
                f"{who}-shared",
                Visibility.COUNSELOR_AND_PARTNER,
                ResponseStatus.SUBMITTED,
                m,
            )
            draft = _entry(
                case.id, user.id, f"{who}-draft", Visibility.PRIVATE, ResponseStatus.DRAFT, m
            )
            db.session.add_all([private, shared, draft])
            entries.append((who, shared))
            recipient = AssignmentRecipient(assignment_id=assignment.id, user_id=user.id)
            recipient.feedback = marks["staff"].setdefault(
                f"feedback-to-{who}", canary(f"feedback-to-{who}")
            )
            db.session.add(recipient)
            db.session.flush()
            for level, exercise in (
                (Visibility.PRIVATE, first),
                (Visibility.COUNSELOR_AND_PARTNER, second),
            ):
                response = Response(
                    recipient_id=recipient.id,
                    exercise_id=exercise.id,
                    status=ResponseStatus.SUBMITTED,
                    visibility=level,
                )
                label = f"{who}-answer-{level.value}"
                response.answer = {"text": m.setdefault(label, canary(label))}
                db.session.add(response)
            db.session.add(
                CheckIn(
                    case_id=case.id,
                    user_id=user.id,
                    satisfaction=3,
                    communication=4,
                    closeness=5,
                    hope=6,
                )
            )
        db.session.flush()
        for who, shared in entries:
            comment = JournalComment(entry_id=shared.id, author_id=counselor.id)
            comment.body = marks["staff"].setdefault(f"comment-{who}", canary(f"comment-{who}"))
            db.session.add(comment)
            db.session.add(JournalSearchTerm(entry_id=shared.id, term=secrets.token_bytes(16)))
        session = CounselingSession(
            case_id=case.id, counselor_id=counselor.id, starts_at=utcnow() - timedelta(days=1)
        )
        session.attendees.extend([SessionAttendee(user_id=a.id), SessionAttendee(user_id=b.id)])
        db.session.add(session)
        db.session.flush()
        note = SessionNote(session_id=session.id, format=NoteFormat.SOAP)
        note.sections = {
            "S": marks["staff"].setdefault("note-s", canary("note-s")),
            "focus": marks["staff"].setdefault("note-focus", canary("note-focus")),
        }
        db.session.add(note)
        db.session.flush()
        amendment = NoteAmendment(note_id=note.id, author_id=counselor.id)
        amendment.body = marks["staff"].setdefault("amendment", canary("amendment"))
        process = ProcessNote(session_id=session.id, author_id=counselor.id)
        process.body = marks["staff"].setdefault("process", canary("process"))
        db.session.add_all([amendment, process])
        db.session.commit()
    planted.canaries = marks
    return planted


@pytest.fixture
def planted(app, factory) -> Planted:
    """A planted couple case."""
    return plant_couple(app, factory)


def database_bytes(app: Flask) -> bytes:
    """The raw bytes of a SQLite database: the main file and its write-ahead log."""
    with app.app_context():
        path = Path(sa.make_url(app.config["SQLALCHEMY_DATABASE_URI"]).database)
        db.session.remove()
        db.engine.dispose()
    data = path.read_bytes()
    wal = Path(str(path) + "-wal")
    return data + (wal.read_bytes() if wal.exists() else b"")


def is_sqlite(app: Flask) -> bool:
    """True when the test database is SQLite."""
    return app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite")


def server_url(app: Flask) -> sa.URL:
    """The URL of the test database."""
    return sa.make_url(app.config["SQLALCHEMY_DATABASE_URI"])


@pytest.fixture
def keyring_file(tmp_path: Path) -> Path:
    """Where a test's keyring file lives (created by the app on first start)."""
    return tmp_path / "keys" / "encryption_keys.json"


@pytest.fixture
def file_keyring_config(keyring_file: Path) -> dict:
    """Configuration that reads the keyring from a file the commands may rewrite."""
    return {"REKINDLE_ENCRYPTION_KEYS": None, "REKINDLE_ENCRYPTION_KEYS_FILE": str(keyring_file)}


def user_row(app: Flask, user_id: int) -> User:
    """A detached user."""
    with app.app_context():
        user = db.session.get(User, user_id)
        db.session.expunge(user)
        return user


@pytest.fixture
def fresh_database(app, tmp_path):
    """The URL of a new, empty database on the same server as the test database."""
    if is_sqlite(app):
        yield f"sqlite:///{tmp_path / 'restored.db'}"
        return
    url = server_url(app)
    name = f"{url.database}_restored"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def read_everything(app) -> str:
    """All decrypted client writing and notes of a database, as one string."""
    with app.app_context():
        parts = []
        for entry in db.session.scalars(sa.select(JournalEntry)):
            parts += [entry.title or "", entry.body or "", json.dumps(entry.tags)]
        parts += [json.dumps(r.answer) for r in db.session.scalars(sa.select(Response))]
        parts += [json.dumps(n.sections) for n in db.session.scalars(sa.select(SessionNote))]
        parts += [p.body for p in db.session.scalars(sa.select(ProcessNote))]
        parts += [c.body for c in db.session.scalars(sa.select(JournalComment))]
        parts += [a.body for a in db.session.scalars(sa.select(NoteAmendment))]
        parts += [r.feedback or "" for r in db.session.scalars(sa.select(AssignmentRecipient))]
        db.session.remove()
        return "\n".join(parts)


def same_keys(app: Flask) -> dict:
    """The configuration that makes another app use this app's keyring and client key store."""
    names = (
        "REKINDLE_ENCRYPTION_KEYS",
        "REKINDLE_ENCRYPTION_KEYS_FILE",
        "REKINDLE_CLIENT_KEY_STORE",
    )
    return {name: app.config[name] for name in names}


def erase_client_now(app: Flask, user_id: int) -> None:
    """Erase a client and commit, as the admin's erasure does."""
    from app.services.erasure import erase_client

    with app.app_context():
        erase_client(db.session.get(User, user_id))
        db.session.commit()
