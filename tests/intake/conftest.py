"""Builders for the intake tests: published consent texts, signatures, checks, concerns."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.intake import consents, safety
from app.models import (
    Case,
    CaseStatus,
    ConfidentialityPolicy,
    ConsentSignature,
    SafetyCheck,
    SafetyConcern,
    User,
)

CALM = {
    "afraid": "Never",
    "hurt": "No",
    "threatened": "No",
    "controlled": "Never",
    "free_to_speak": "Yes",
}
WORRIED = {**CALM, "afraid": "Often", "free_to_speak": "No"}


class IntakeBuilder:
    """Makes intake records directly in the database."""

    def __init__(self, app) -> None:
        self.app = app

    def publish_defaults(self) -> None:
        with self.app.app_context():
            consents.load_defaults()
            db.session.commit()

    def publish(self, kind, text: str, title: str = "A new version") -> int:
        with self.app.app_context():
            document = consents.publish(kind, title, text, None)
            db.session.commit()
            return document.id

    def sign_all(self, user: User, case: Case) -> None:
        """Sign every current document in the case, as the user would."""
        with self.app.test_request_context():
            db_case = db.session.get_one(Case, case.id)
            db_user = db.session.get_one(User, user.id)
            for requirement in consents.requirements(user.id, case.id):
                if not requirement.signed:
                    consents.sign(
                        db_user,
                        db_case,
                        requirement.document,
                        full_name=user.name,
                        agreed=True,
                        address="192.0.2.1",
                        request_key=None,
                    )
            db.session.commit()

    def set_policy(self, case: Case, counselor: User, policy: ConfidentialityPolicy) -> None:
        with self.app.test_request_context():
            consents.set_policy(
                db.session.get_one(User, counselor.id), db.session.get_one(Case, case.id), policy
            )
            db.session.commit()

    def signatures(self, user_id: int | None = None) -> list[ConsentSignature]:
        with self.app.app_context():
            query = sa.select(ConsentSignature).order_by(ConsentSignature.id)
            if user_id is not None:
                query = query.where(ConsentSignature.user_id == user_id)
            return [
                SimpleNamespace(
                    id=s.id,
                    user_id=s.user_id,
                    case_id=s.case_id,
                    document_id=s.document_id,
                    version_sha256=s.version_sha256,
                    signed_text_sha256=s.signed_text_sha256,
                    policy=s.policy,
                    full_name=s.full_name,
                    address=s.address,
                )
                for s in db.session.scalars(query)
            ]

    def concerns(self, case_id: int) -> list[SafetyConcern]:
        with self.app.app_context():
            rows = list(
                db.session.scalars(sa.select(SafetyConcern).where(SafetyConcern.case_id == case_id))
            )
            for row in rows:
                db.session.expunge(row)
            return rows

    def check(self, check_id: int) -> dict:
        with self.app.app_context():
            check = db.session.get_one(SafetyCheck, check_id)
            return {"answers": check.answers, "status": check.status, "user_id": check.user_id}

    def latest_check_id(self, user: User, case: Case) -> int | None:
        with self.app.app_context():
            check = safety.latest_check(db.session.get_one(User, user.id), case.id)
            return check.id if check else None


@pytest.fixture
def intake(app) -> IntakeBuilder:
    """The intake builder."""
    return IntakeBuilder(app)


@pytest.fixture
def couple(factory):
    """(counselor, case at intake, partner A, partner B)."""
    counselor = factory.counselor(name="Dana Counselor")
    a = factory.client(name="Alex Rivers")
    b = factory.client(name="Sam Rivers")
    case = factory.case(counselor, [a, b], status=CaseStatus.INTAKE, label="Rivers")
    return counselor, case, a, b


def autosave(client, case_id: int, answers: dict, seq: int = 1):
    """One autosave of the check, with the page's CSRF token (as safety-check.js sends it)."""
    page = client.get(f"/me/safety/{case_id}").get_data(as_text=True)
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    return client.post(
        f"/me/safety/{case_id}/autosave",
        json={"seq": seq, "fields": answers},
        headers={"X-CSRFToken": token},
    )


def answer_check(client, case_id: int, answers: dict) -> object:
    """Open the check, autosave once, then send it (as the browser would)."""
    saved = autosave(client, case_id, answers)
    assert saved.status_code == 200, saved.data
    return client.post(f"/me/safety/{case_id}", data=answers)


_MASKS = [
    (re.compile(r'name="csrf_token"[^>]*value="[^"]*"'), 'name="csrf_token" value="-"'),
    (re.compile(r'name="csrf-token" content="[^"]*"'), 'name="csrf-token" content="-"'),
    (re.compile(r'name="request_key"[^>]*value="[^"]*"'), 'name="request_key" value="-"'),
    (re.compile(r"\d+"), "N"),
]


def masked(text: str) -> str:
    """A page with CSRF tokens, request keys, ids, dates and times masked."""
    for pattern, replacement in _MASKS:
        text = pattern.sub(replacement, text)
    return text


def share_entry(app, author: User, case: Case, body: str, visibility=None) -> int:
    """A sent journal entry shared with the counselor and the partner (now)."""
    from app.models import JournalEntry, ResponseStatus, Visibility, utcnow

    with app.app_context():
        entry = JournalEntry(
            case_id=case.id,
            author_id=author.id,
            visibility=visibility or Visibility.COUNSELOR_AND_PARTNER,
            status=ResponseStatus.SUBMITTED,
            shared_at=utcnow(),
        )
        entry.title, entry.body, entry.tags = f"Note: {body}", body, []
        db.session.add(entry)
        db.session.commit()
        return entry.id


def partner_reads(app, reader: User, case: Case) -> list[str]:
    """The bodies of journal entries ``reader`` may read from their partner in ``case``."""
    from app import policy
    from app.models import JournalEntry

    with app.app_context():
        viewer = db.session.get_one(User, reader.id)
        rows = db.session.scalars(
            sa.select(JournalEntry)
            .where(policy.readable_by_partner(policy.JOURNAL, viewer, case.id))
            .order_by(JournalEntry.id)
        )
        return [row.body for row in rows]
