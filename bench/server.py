"""The fixture database and the app server under test (gunicorn with gunicorn.conf.py)."""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import secrets
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


def instance_path() -> Path:
    """The instance folder the app uses (fixtures and the keyring live there)."""
    return Path(os.environ.get("REKINDLE_INSTANCE_PATH") or ROOT / "instance")


def fixture_path(size: str) -> Path:
    """Where the pristine fixture of ``size`` is kept between runs."""
    return instance_path() / f"bench-{size}.db"


def _stamp() -> dict:
    """What the fixture depends on: a changed generator or migration means a new fixture."""
    from bench.seed import GENERATOR_VERSION

    digest = hashlib.sha256()
    files = [
        # The generator is bench/seed.py and the bench/seed_*.py parts it is made of.
        *sorted((ROOT / "bench").glob("seed*.py")),
        *sorted((ROOT / "migrations" / "versions").glob("*.py")),
    ]
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return {"generator": GENERATOR_VERSION, "sources": digest.hexdigest()}


def ensure_fixture(size: str, log) -> tuple[Path, float | None]:
    """Generate the fixture unless an up-to-date one exists; returns its path and seed time."""
    path = fixture_path(size)
    stamp_file = path.with_suffix(".json")
    stamp = _stamp()
    if path.exists() and stamp_file.exists() and json.loads(stamp_file.read_text()) == stamp:
        log(f"Using the existing fixture {size} ({path.name}).")
        return path, None
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    log(f"Generating fixture {size} ...")
    started = time.perf_counter()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REKINDLE_ENV")}
    subprocess.run(  # noqa: S603 - our own command, fixed arguments
        [
            sys.executable,
            "-m",
            "flask",
            "--app",
            "bench.wsgi",
            "seed-bench",
            "--size",
            size,
            "--database",
            str(path),
        ],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    seconds = time.perf_counter() - started
    stamp_file.write_text(json.dumps(stamp))
    log(f"Fixture {size} generated in {seconds:.1f} s.")
    return path, seconds


def working_copy(fixture: Path) -> Path:
    """A throw-away copy for this run, so writes during the run never change the fixture."""
    target = fixture.with_name(fixture.stem + ".run.db")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    source = sqlite3.connect(fixture)
    dest = sqlite3.connect(target)
    with dest:
        source.backup(dest)
    source.close()
    dest.close()
    return target


def free_port() -> int:
    """A free loopback port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn with the production settings, in the production configuration.

    It serves ``bench.wsgi:app``: the product app plus the floor page and the statement counter.
    """

    def __init__(
        self, database_url: str, size: str, extra_env: dict | None = None, log_name: str = ""
    ) -> None:
        self.port = free_port()
        RESULTS.mkdir(parents=True, exist_ok=True)
        self.log_path = RESULTS / (log_name or f"server-{size}.log")
        keyring = instance_path() / "encryption_keys.json"
        self.env = {
            **os.environ,
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "DATABASE_URL": database_url,
            "REKINDLE_ENV": "production",
            "SECRET_KEY": secrets.token_urlsafe(48),
            "REKINDLE_ENCRYPTION_KEYS_FILE": str(keyring),
            # PDFs render in the job queue: a fresh SQLite queue of this server's own.
            "REKINDLE_QUEUE_FILE": str(RESULTS / f"queue-{size}-{log_name or 'server'}.db"),
            **(extra_env or {}),
        }
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.env['REKINDLE_QUEUE_FILE']}{suffix}").unlink(missing_ok=True)
        self.process: subprocess.Popen | None = None
        self.consumer: subprocess.Popen | None = None
        self.log_path.write_bytes(b"")  # this run's log only; restarts append to it

    def start(self) -> None:
        """Start and wait until /healthz answers."""
        self.start_web()
        self.start_consumer()
        self.wait_until_answering()

    def _log(self):
        return self.log_path.open("ab")

    def start_web(self) -> None:
        """The gunicorn master (it forks the workers)."""
        self.process = subprocess.Popen(  # noqa: S603 - our own server, fixed arguments
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "bench.wsgi:app"],
            cwd=ROOT,
            env=self.env,
            stdout=self._log(),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def start_consumer(self) -> None:
        """The job-queue consumer, as ``make run`` starts it (README, "Deploying")."""
        from app.tasks import CONSUMER_ARGS

        self.consumer = subprocess.Popen(  # noqa: S603 - our own consumer, fixed arguments
            [str(Path(sys.executable).parent / "huey_consumer"), *CONSUMER_ARGS],
            cwd=ROOT,
            env=self.env,
            stdout=self._log(),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_until_answering(self, seconds: float = 60) -> None:
        """Until /healthz answers 200 (or gunicorn or the consumer exits)."""
        assert self.process is not None and self.consumer is not None
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {self.log_path}")
            if self.consumer.poll() is not None:
                raise RuntimeError(f"the consumer exited; see {self.log_path}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    conn.close()
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer within {seconds:.0f} s; see {self.log_path}")

    @staticmethod
    def end(process: subprocess.Popen | None, how: int = signal.SIGTERM) -> None:
        """Signal a process group (TERM: graceful for gunicorn; INT: graceful for Huey, whose
        TERM interrupts running tasks), KILL after 30 s."""
        if process and process.poll() is None:
            os.killpg(process.pid, how)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()

    def stop(self) -> None:
        """Stop gunicorn, the consumer and everything they started."""
        for process in (self.process, self.consumer):
            self.end(process)

    def log_text(self) -> str:
        """Everything the server wrote so far."""
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def descendants(self) -> list[int]:
        """Pids of every process under the gunicorn master and the consumer."""
        if not self.process:
            return []
        children: dict[int, list[int]] = {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(entry.name))
        found, todo = [], [p.pid for p in (self.process, self.consumer) if p]
        while todo:
            pid = todo.pop()
            for child in children.get(pid, []):
                found.append(child)
                todo.append(child)
        return found

    def pdf_workers(self) -> dict[int, int]:
        """Resident memory (bytes) of each PDF render worker, by pid."""
        out = {}
        for pid in self.descendants():
            try:
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
                if b"app.pdf.worker" not in cmdline:
                    continue
                out[pid] = rss(pid)
            except OSError:
                continue
        return out


def rss(pid: int) -> int:
    """Resident set size of ``pid`` in bytes."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0
