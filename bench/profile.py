"""Where a web worker's time goes under S8's load: a sampling profiler of the benchmark app only.

With ``BENCH_PROFILE=<folder>`` set, each gunicorn worker starts (on its first request) a thread
that looks at the worker's main thread every ``INTERVAL`` seconds and counts what it is doing,
by the first frame of a known kind from the top of the stack: waiting on the database (the
driver), SQLAlchemy's own work, templates, encryption, password hashing, the app's code, the
framework, or idle (waiting for a request). Every few seconds it writes its counts to
``<folder>/profile-<pid>.json``; ``bench.s8`` adds them up. Only ``bench.wsgi`` installs it.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from collections import Counter
from pathlib import Path

from flask import Flask

INTERVAL = 0.005
WRITE_EVERY = 2.0
#: (category, marker in a frame's file name), first match from the innermost frame outwards.
KINDS = (
    ("database (driver, waiting on PostgreSQL)", "/psycopg/"),
    ("database (driver, SQLite)", "/sqlite3/"),
    ("password hashing (scrypt)", "hashlib"),
    ("encryption (AES-GCM, HMAC)", "/cryptography/"),
    ("audit chain", "/app/audit"),
    ("SQLAlchemy (statements, ORM)", "/sqlalchemy/"),
    ("templates (Jinja)", "/jinja2/"),
    ("templates (Jinja)", "/templates/"),
    ("job queue (enqueue, PDF wait)", "/huey/"),
    ("PDF wait and download", "/app/pdf/"),
    ("app code", "/app/"),
    ("framework (Flask, Werkzeug, gunicorn)", "/werkzeug/"),
    ("framework (Flask, Werkzeug, gunicorn)", "/flask"),
)
IDLE = "idle (waiting for a request)"

_started: set[int] = set()


def _category(frame) -> str:
    files = []
    while frame is not None:
        files.append(frame.f_code.co_filename)
        frame = frame.f_back
    if any("gunicorn/workers/sync.py" in f for f in files[:3]):
        return IDLE  # the innermost frames are the worker's accept/select loop
    for name in files:
        for category, marker in KINDS:
            if marker in name:
                return category
    return "other"


def _sample(folder: Path, main_id: int) -> None:
    counts: Counter[str] = Counter()
    last_write = time.monotonic()
    target = folder / f"profile-{os.getpid()}.json"
    while True:
        time.sleep(INTERVAL)
        frame = sys._current_frames().get(main_id)
        if frame is not None:
            counts[_category(frame)] += 1
        if time.monotonic() - last_write > WRITE_EVERY:
            target.write_text(json.dumps(counts))
            last_write = time.monotonic()


def install(app: Flask) -> None:
    """Start the sampler in each worker process on its first request (after gunicorn forks)."""
    folder = os.environ.get("BENCH_PROFILE")
    if not folder:
        return

    @app.before_request
    def _start_sampler() -> None:
        if os.getpid() in _started:
            return
        _started.add(os.getpid())
        Path(folder).mkdir(parents=True, exist_ok=True)
        threading.Thread(
            target=_sample, args=(Path(folder), threading.get_ident()), daemon=True
        ).start()
