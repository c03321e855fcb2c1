"""Helpers of the job-queue tests: a real consumer process against the test database."""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import (
    TEST_KEYRING,
    TEST_SECRET,
    anchor_file_for,
    client_key_store_for,
)
from tests.consumer import ROOT, launch_consumer, stop_consumer

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
BACKENDS = ["sqlite", "redis"]


def redis_available() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_timeout=1).ping())
    except redis.RedisError:
        return False


def queue_config(backend: str, tmp_path: Path) -> dict[str, object]:
    """App configuration of a queue of its own: a fresh SQLite file, or a fresh Redis name."""
    config: dict[str, object] = {
        "REKINDLE_QUEUE_IMMEDIATE": False,
        "REKINDLE_QUEUE_NAME": f"rekindle-test-pdfqueue-{uuid.uuid4().hex[:8]}",
    }
    if backend == "redis":
        config["REKINDLE_REDIS_URL"] = REDIS_URL
    else:
        config["REKINDLE_QUEUE_FILE"] = str(tmp_path / "queue.db")
    return config


def process_env(database_url: str, config: dict[str, object], tmp_path: Path) -> dict[str, str]:
    """The environment a consumer (or ``scripts/serve.py``) needs to share the test's app."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": TEST_SECRET,
        "REKINDLE_ENCRYPTION_KEYS": TEST_KEYRING,
        "REKINDLE_INSTANCE_PATH": str(tmp_path / "instance"),
        # The consumer reads the same key files as the test app that wrote the rows.
        "REKINDLE_CLIENT_KEY_STORE": client_key_store_for(database_url),
        "REKINDLE_AUDIT_ANCHOR_FILE": anchor_file_for(database_url),
        "PYTHONPATH": str(ROOT),
    }
    # App settings by their variables: MAIL_PORT as REKINDLE_MAIL_PORT, and so on.
    env.update(
        {
            (k if k.startswith("REKINDLE_") else f"REKINDLE_{k}"): "0" if v is False else str(v)
            for k, v in config.items()
        }
    )
    return env


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    if request.param == "redis" and not redis_available():
        pytest.fail(f"Redis is not reachable at {REDIS_URL} (the integration tests need it)")
    return request.param


@pytest.fixture
def start_consumer(
    app, app_config, migrated_database, tmp_path
) -> Iterator[Callable[[], subprocess.Popen]]:
    """Start real consumers (``tests/consumer.py``) on the test database, ``app``'s queue and
    the rest of ``app_config`` (a mail server, say); the n-th logs to ``consumer-n.log``.

    Every one is stopped after the test, and the queue emptied (a Redis queue outlives the
    test otherwise).
    """
    started: list[subprocess.Popen] = []

    def _start() -> subprocess.Popen:
        env = process_env(migrated_database, app_config, tmp_path)
        started.append(launch_consumer(env, tmp_path / f"consumer-{len(started)}.log"))
        return started[-1]

    yield _start
    for process in started:
        stop_consumer(process)
    app.extensions["huey"].flush()


@pytest.fixture
def consumer(start_consumer) -> subprocess.Popen:
    """One real consumer; use with ``app_config`` set to ``queue_config(...)``."""
    return start_consumer()
