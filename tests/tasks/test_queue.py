"""The job queue: which Huey the configuration makes, and how a task runs."""

from __future__ import annotations

import os
import stat

import pytest
from flask import has_request_context
from huey import RedisHuey, SqliteHuey
from huey.api import PeriodicTask

from app import create_app
from app.extensions import db
from app.tasks import task
from tests.conftest import TEST_KEYRING, TEST_SECRET

seen: list[dict] = []


@task()
def probe(label: str) -> None:
    """Records what a task sees of its surroundings."""
    from flask_login import current_user

    seen.append(
        {
            "label": label,
            "request": has_request_context(),
            "user": getattr(current_user, "is_authenticated", None),
            "session": id(db.session()),
            "db": db.session.execute(db.text("select 1")).scalar(),
        }
    )


def build(tmp_path, **config):
    base = {
        "SECRET_KEY": TEST_SECRET,
        "REKINDLE_ENCRYPTION_KEYS": TEST_KEYRING,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/app.db",
    }
    return create_app({**base, **config}, instance_path=str(tmp_path / "instance"))


def test_without_redis_the_queue_is_an_owner_only_sqlite_file_in_the_instance_folder(tmp_path):
    huey = build(tmp_path).extensions["huey"]
    assert isinstance(huey, SqliteHuey) and not huey.immediate
    path = tmp_path / "instance" / "queue.db"
    assert huey.storage.filename == str(path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_with_a_redis_url_the_queue_is_redis(tmp_path):
    huey = build(
        tmp_path, REKINDLE_REDIS_URL="redis://127.0.0.1:6379/0", REKINDLE_QUEUE_NAME="rk-probe"
    ).extensions["huey"]
    assert isinstance(huey, RedisHuey) and huey.name == "rk-probe"
    assert huey.storage.conn.connection_pool.connection_kwargs["port"] == 6379


@pytest.mark.parametrize(
    ("config", "immediate"),
    [
        ({"TESTING": True}, True),
        ({"TESTING": True, "REKINDLE_QUEUE_IMMEDIATE": "0"}, False),  # as read from the env
        ({}, False),
        ({"REKINDLE_QUEUE_IMMEDIATE": "true"}, True),
    ],
)
def test_immediate_mode(tmp_path, config, immediate):
    assert build(tmp_path, **config).extensions["huey"].immediate is immediate


def test_every_task_is_registered_and_the_purge_is_periodic(app):
    tasks = app.extensions["huey_tasks"]
    assert {"app.pdf.jobs.render_job", "app.pdf.jobs.purge_pdf_jobs"} <= set(tasks)
    assert issubclass(tasks["app.pdf.jobs.purge_pdf_jobs"].task_class, PeriodicTask)
    assert not issubclass(tasks["app.pdf.jobs.render_job"].task_class, PeriodicTask)


def test_a_task_run_inside_a_request_sees_no_request_and_has_its_own_session(app, factory):
    user = factory.client()
    seen.clear()
    with app.test_request_context("/me"):
        from flask import g
        from flask_login import current_user

        from app.models import User

        g._login_user = db.session.get(User, user.id)  # what Flask-Login keeps for a request
        assert current_user.is_authenticated
        request_session = id(db.session())
        probe("in request")  # immediate mode: runs now, in this thread
    assert seen == [
        {
            "label": "in request",
            "request": False,
            "user": None,  # no signed-in user at all
            "session": seen[0]["session"],
            "db": 1,
        }
    ]
    assert seen[0]["session"] != request_session
