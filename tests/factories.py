"""Builders for test data. Each call commits and returns a detached, fully loaded object."""

from __future__ import annotations

import itertools
from functools import cache
from typing import Any

from flask import Flask

from app.auth.passwords import hash_password
from app.extensions import db
from app.models import Case, CaseKind, CaseMember, CaseStatus, MemberRole, Role, User

_counter = itertools.count(1)


@cache
def _password_hash(password: str) -> str:
    # scrypt is deliberately slow; hash the shared test password once per process.
    return hash_password(password)


class Factory:
    """Creates records inside a short app context of its own."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def _save(self, *objects: Any) -> Any:
        with self.app.app_context():
            for obj in objects:
                db.session.add(obj)
            db.session.commit()
            for obj in objects:
                db.session.refresh(obj)
                db.session.expunge(obj)
        return objects[0] if len(objects) == 1 else objects

    def user(
        self,
        role: Role | str = Role.CLIENT,
        *,
        email: str | None = None,
        name: str | None = None,
        password: str | None = None,
        active: bool = True,
    ) -> User:
        """A user with the shared test password unless told otherwise."""
        from tests.conftest import TEST_PASSWORD

        n = next(_counter)
        role = Role(role)
        return self._save(
            User(
                email=(email or f"{role.value}{n}@example.test").lower(),
                name=name or f"{role.value.capitalize()} {n}",
                role=role,
                password_hash=_password_hash(password or TEST_PASSWORD),
                active=active,
            )
        )

    def counselor(self, **kwargs) -> User:
        """A counselor."""
        return self.user(Role.COUNSELOR, **kwargs)

    def admin(self, **kwargs) -> User:
        """A practice admin."""
        return self.user(Role.ADMIN, **kwargs)

    def client(self, **kwargs) -> User:
        """A client."""
        return self.user(Role.CLIENT, **kwargs)

    def case(
        self,
        counselor: User,
        members: list[User] | None = None,
        *,
        label: str | None = None,
        kind: CaseKind | None = None,
        status: CaseStatus = CaseStatus.ACTIVE,
    ) -> Case:
        """A case of ``counselor`` with the given client members (two make a couple)."""
        members = members or []
        kind = kind or (CaseKind.COUPLE if len(members) != 1 else CaseKind.INDIVIDUAL)
        roles = (
            [MemberRole.PARTNER_A, MemberRole.PARTNER_B]
            if kind is CaseKind.COUPLE
            else [MemberRole.INDIVIDUAL]
        )
        with self.app.app_context():
            case = Case(
                label=label or f"Case {next(_counter)}",
                kind=kind,
                status=status,
                counselor_id=counselor.id,
            )
            db.session.add(case)
            db.session.flush()
            for user, role in zip(members, roles, strict=False):
                db.session.add(CaseMember(case_id=case.id, user_id=user.id, role=role))
            db.session.commit()
            db.session.refresh(case)
            db.session.expunge(case)
        return case

    def couple(self, counselor: User | None = None) -> tuple[Case, User, User]:
        """A couple case: (case, partner A, partner B)."""
        counselor = counselor or self.counselor()
        a, b = self.client(), self.client()
        return self.case(counselor, [a, b]), a, b
