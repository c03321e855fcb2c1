"""A real job consumer (``huey_consumer app.tasks.consumer.huey``) for the tests that need one.

The PDF queue tests, the notification delivery tests and the two-host test all start the
same command with the same fast polling, and stop it the same way; only the environment (the
database, the queue, the mail server) differs, and that is the caller's.
"""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: One worker thread polling every 50 ms (at most 200 ms): a test never waits long for a job.
COMMAND = [
    str(Path(sys.executable).parent / "huey_consumer"),
    "app.tasks.consumer.huey",
    "--workers",
    "1",
    "--worker-type",
    "thread",
    "--delay",
    "0.05",
    "--max-delay",
    "0.2",
]


def launch_consumer(
    env: dict[str, str], log: Path, *, own_session: bool = False
) -> subprocess.Popen:
    """Start a consumer with ``env``; its output goes to ``log``.

    ``own_session`` puts it in a process group of its own, for callers that stop a group.
    """
    with log.open("wb") as out:
        return subprocess.Popen(  # noqa: S603 - our own consumer, fixed arguments
            COMMAND,
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=own_session,
        )


def stop_consumer(process: subprocess.Popen) -> None:
    """Ask the consumer to finish (SIGINT, as Ctrl-C would); kill it if it does not."""
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def output_of(log: Path) -> str:
    """The end of a consumer's output, for a failure message."""
    return log.read_text(errors="replace")[-3000:] if log.exists() else "(no output)"
