"""Where a web worker's time goes under S8's load: a sampling profiler of the benchmark app only.

With ``BENCH_PROFILE=<folder>`` set, each gunicorn worker starts (on its first request) a thread
that looks at the worker's main thread every ``INTERVAL`` seconds and counts what it is doing,
by the first frame of a known kind from the top of the stack: waiting on the database (the
driver), SQLAlchemy's own work, templates, encryption, password hashing, the app's code, the
framework, or idle (waiting for a request). Every few seconds it writes its counts to
``<folder>/profile-<pid>.json``; ``bench.s8`` adds them up. It also counts, for each busy sample,
the innermost frame of the app's own code (file, function), written to ``sites-<pid>.json``:
which views and services the busy time is spent under (waiting on the database included).
Counts start again whenever ``<folder>/reset`` changes (``bench.s8`` touches it before each
step), so a step's profile holds that step only, not the sign-ins before it. Only ``bench.wsgi``
installs it.
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
    # Werkzeug's check_password_hash calls hashlib.scrypt (C, no frame of its own): without
    # this it would count as the framework.
    ("password hashing (scrypt)", "/werkzeug/security"),
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


RESET = "reset"


def _mtime(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except FileNotFoundError:
        return 0


def start_afresh(folder: Path) -> None:
    """Make every worker's sampler start counting again (within ``WRITE_EVERY``)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / RESET).write_text(str(time.time_ns()))
    time.sleep(WRITE_EVERY * 1.5)  # each sampler notices, clears and rewrites its files
    for old in [*folder.glob("profile-*.json"), *folder.glob("sites-*.json")]:
        old.unlink()


def _site(frame) -> str | None:
    """The innermost frame of the app's own code, as ``app/<file>.py:<function>``."""
    while frame is not None:
        name = frame.f_code.co_filename
        if "/app/" in name and "/site-packages/" not in name:
            return f"app/{name.rsplit('/app/', 1)[1]}:{frame.f_code.co_name}"
        frame = frame.f_back
    return None


def _sample(folder: Path, main_id: int) -> None:
    counts: Counter[str] = Counter()
    sites: Counter[str] = Counter()
    last_write = time.monotonic()
    target = folder / f"profile-{os.getpid()}.json"
    sites_target = folder / f"sites-{os.getpid()}.json"
    reset = folder / RESET
    epoch = _mtime(reset)
    while True:
        time.sleep(INTERVAL)
        frame = sys._current_frames().get(main_id)
        if frame is not None:
            category = _category(frame)
            counts[category] += 1
            if category != IDLE:
                sites[_site(frame) or "outside the app's code"] += 1
        if time.monotonic() - last_write > WRITE_EVERY:
            if _mtime(reset) != epoch:
                epoch = _mtime(reset)
                counts.clear()
                sites.clear()
            target.write_text(json.dumps(counts))
            sites_target.write_text(json.dumps(sites.most_common(200)))
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
