"""The job queue: Huey, embedded by default, shared through Redis in production.

Work that must not hold a web worker (rendering big PDFs today; reminders and email later) is a
*task*: a function registered here and run by a consumer process (``huey_consumer``, started by
``make run`` beside the web server). The queue's storage is chosen from the configuration:

* ``REKINDLE_REDIS_URL`` set: ``RedisHuey`` on that server, so consumers may run on other hosts;
* otherwise: ``SqliteHuey`` in ``instance/queue.db`` (one machine, nothing else to install);
* ``REKINDLE_QUEUE_IMMEDIATE`` (on by default under ``TESTING``): tasks run at once, in the
  caller, on Huey's in-memory storage.

Messages carry ids only, never client writing: a task reads what it needs from the database.

Define a task in any module imported by the app::

    from app.tasks import task

    @task()
    def render_pdf_job(job_id: int) -> None: ...

    render_pdf_job(job.id)   # enqueue (after the request committed what the task reads)

Each run gets its own app context (and so its own database session) in a fresh
``contextvars`` context, so even an immediate-mode run inside a request sees no request,
no signed-in user and none of the request's uncommitted state. Tasks commit their own work.
"""

from __future__ import annotations

import contextvars
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from huey import Huey, RedisHuey, SqliteHuey
from huey.api import TaskWrapper

QUEUE_FILE = "queue.db"
#: ``huey_consumer`` arguments of a consumer beside the web server (``make run``, the bench).
#: Threads suffice: a render waits on its worker process. The short polling delays keep the
#: SQLite queue quick to pick up a PDF (within 25 ms: ~40 cheap reads a second when idle, T5);
#: Redis needs none (the consumer blocks on the queue).
CONSUMER_ARGS = [
    "app.tasks.consumer.huey",
    "--workers",
    "2",
    "--worker-type",
    "thread",
    "--delay",
    "0.01",
    "--max-delay",
    "0.025",
]


@dataclass
class _Definition:
    func: Callable[..., Any]
    options: dict[str, Any] = field(default_factory=dict)
    schedule: Callable[..., bool] | None = None  # a crontab for periodic tasks


_definitions: dict[str, _Definition] = {}


class QueuedTask:
    """A registered task; calling it enqueues a run on the current app's queue."""

    def __init__(self, name: str) -> None:
        self.name = name

    def wrapper(self) -> TaskWrapper:
        """Huey's task object on the current app's queue."""
        return current_app.extensions["huey_tasks"][self.name]

    def __call__(self, *args: Any, **kwargs: Any):
        return self.wrapper()(*args, **kwargs)

    def schedule(self, *args: Any, **kwargs: Any):
        """Enqueue for later (``delay=`` seconds or ``eta=``), as Huey's ``schedule``."""
        return self.wrapper().schedule(*args, **kwargs)


def task(**options: Any) -> Callable[[Callable[..., Any]], QueuedTask]:
    """Register a task; ``options`` go to ``huey.task`` (``retries``, ``retry_delay`` ...)."""

    def decorator(func: Callable[..., Any]) -> QueuedTask:
        name = f"{func.__module__}.{func.__name__}"
        _definitions[name] = _Definition(func, options)
        return QueuedTask(name)

    return decorator


def periodic_task(
    schedule: Callable[..., bool], **options: Any
) -> Callable[[Callable[..., Any]], QueuedTask]:
    """Register a task that the consumer's scheduler runs when ``schedule`` (a crontab) says.

    Only consumers started without ``--no-periodic`` enqueue periodic tasks: run exactly one
    such consumer per queue (README, "Deploying").
    """

    def decorator(func: Callable[..., Any]) -> QueuedTask:
        name = f"{func.__module__}.{func.__name__}"
        _definitions[name] = _Definition(func, options, schedule)
        return QueuedTask(name)

    return decorator


def make_huey(app: Flask) -> Huey:
    """The queue the configuration asks for (see the module docstring)."""
    config = app.config
    name = config["REKINDLE_QUEUE_NAME"]
    immediate = _flag(config.get("REKINDLE_QUEUE_IMMEDIATE"), default=app.testing)
    redis_url = config.get("REKINDLE_REDIS_URL")
    if redis_url:
        return RedisHuey(name, url=redis_url, immediate=immediate)
    filename = config.get("REKINDLE_QUEUE_FILE") or str(Path(app.instance_path) / QUEUE_FILE)
    if not immediate:
        _create_private(Path(filename))
    return SqliteHuey(name, filename=filename, immediate=immediate)


def _flag(value: object, *, default: bool) -> bool:
    if value is None:
        return default
    if isinstance(value, str):  # from the environment
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)


def _create_private(path: Path) -> None:
    """Create the queue file owner-only before SQLite does (it would use the umask)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))


def _in_app_context(app: Flask, func: Callable[..., Any]) -> Callable[..., Any]:
    def run(*args: Any, **kwargs: Any) -> Any:
        def inside() -> Any:
            with app.app_context():
                return func(*args, **kwargs)

        # A fresh contextvars context: no request, user or session of whoever enqueued.
        return contextvars.Context().run(inside)

    run.__name__ = func.__name__
    run.__module__ = func.__module__
    run.__doc__ = func.__doc__
    return run


def init_app(app: Flask) -> None:
    """Create the app's queue and register every task on it."""
    from app import audit_tasks as _audit  # noqa: F401  (the anchor's periodic task)
    from app.measures import tasks as _measures  # noqa: F401  (their periodic task)
    from app.notifications import tasks as _notifications  # noqa: F401  (their tasks)
    from app.pdf import documents  # noqa: F401  (registers the PDF kinds and tasks)

    huey = make_huey(app)
    wrappers: dict[str, TaskWrapper] = {}
    for name, definition in _definitions.items():
        func = _in_app_context(app, definition.func)
        if definition.schedule is not None:
            wrappers[name] = huey.periodic_task(definition.schedule, **definition.options)(func)
        else:
            wrappers[name] = huey.task(**definition.options)(func)
    app.extensions["huey"] = huey
    app.extensions["huey_tasks"] = wrappers


def queue() -> Huey:
    """The current app's queue."""
    return current_app.extensions["huey"]
