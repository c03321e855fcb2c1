"""Fixtures of the security suite: the privacy scenario and a signed-in client per role."""

from __future__ import annotations

import secrets
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from app.auth.services import _token_hash
from app.extensions import db
from app.models import LoginSession, StrategyModule
from tests.conftest import TEST_PASSWORD
from tests.security.scenario import ROLES, World, build_world


@pytest.fixture
def world(app: Flask) -> Iterator[World]:
    """Two couples, two counselors, an admin and canaries (see scenario.py)."""
    yield build_world(app)
    # strategy_modules and module_versions point at each other; break the cycle so the
    # shared teardown can empty the tables in any order.
    with app.app_context():
        db.session.execute(sa.update(StrategyModule).values(current_version_id=None))
        db.session.commit()


def sign_in(app: Flask, email: str) -> FlaskClient:
    """A new test client signed in through the real login form."""
    client = app.test_client()
    response = client.post("/login", data={"email": email, "password": TEST_PASSWORD})
    assert response.status_code == 302, f"login failed for {email}"
    return client


def quick_sign_in(app: Flask, user_id: int) -> FlaskClient:
    """A client with a server-side login session made directly (no slow password hashing).

    The login form itself is tested elsewhere; route-wide tests need seven users per test.
    """
    token = secrets.token_urlsafe(32)
    with app.app_context():
        db.session.add(
            LoginSession(token_hash=_token_hash(token), user_id=user_id, second_factor_done=True)
        )
        db.session.commit()
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = token
        session["_fresh"] = True
        session.permanent = True
    return client


@pytest.fixture
def clients(app: Flask, world: World) -> dict[str, FlaskClient]:
    """role -> test client; ``anonymous`` is not signed in."""
    result = {"anonymous": app.test_client()}
    for role in ROLES:
        if role != "anonymous":
            result[role] = quick_sign_in(app, world.users[role])
    return result
