"""Fixtures for joining cases: a client of one counselor, and a second counselor."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
import sqlalchemy as sa
from flask import Flask

from app.extensions import db
from app.models import Case, CaseMember, CaseStatus, Invitation, User


@dataclass
class Practice:
    """Alex and Blake in counselor's case; counselor2 is a stranger to them."""

    counselor: User
    counselor2: User
    case: Case
    alex: User
    blake: User


@pytest.fixture
def practice(factory) -> Practice:
    counselor = factory.counselor(name="Dr. Morgan Lee")
    counselor2 = factory.counselor(name="Dr. Sam Stranger")
    alex = factory.client(name="Alex Rivera")
    blake = factory.client(name="Blake Rivera")
    case = factory.case(counselor, [alex, blake], label="Rivera couple")
    return Practice(counselor, counselor2, case, alex, blake)


@pytest.fixture
def new_case_form():
    """The new-case form as a counselor fills it in."""

    def _form(a_email: str, *, label: str = "Second couple", b_email: str | None = None, key=None):
        data = {"label": label, "kind": "individual", "a_name": "Pat Doe", "a_email": a_email}
        if b_email:
            data.update(kind="couple", b_name="Jo Doe", b_email=b_email)
        if key:
            data["request_key"] = key
        return data

    return _form


@pytest.fixture
def memberships_of(app: Flask):
    """The case ids a user is a member of."""

    def _get(user_id: int) -> set[int]:
        with app.app_context():
            return set(
                db.session.scalars(
                    sa.select(CaseMember.case_id).where(CaseMember.user_id == user_id)
                )
            )

    return _get


@pytest.fixture
def pending_invitation(app: Flask):
    """The newest case invitation of a user (detached), or None."""

    def _get(user_id: int) -> Invitation | None:
        with app.app_context():
            invitation = db.session.scalar(
                sa.select(Invitation)
                .where(Invitation.user_id == user_id, Invitation.member_role.is_not(None))
                .order_by(Invitation.id.desc())
                .limit(1)
            )
            if invitation is not None:
                db.session.expunge(invitation)
            return invitation

    return _get


@pytest.fixture
def close_case(app: Flask):
    """Close a case directly."""

    def _close(case_id: int) -> None:
        with app.app_context():
            db.session.execute(
                sa.update(Case).where(Case.id == case_id).values(status=CaseStatus.CLOSED)
            )
            db.session.commit()

    return _close
