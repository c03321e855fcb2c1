"""Run the web server and the job-queue consumer together; stop both together.

``make run`` uses this: ``python scripts/serve.py <port>``. Ctrl-C (or SIGTERM) is passed to
both; when either one exits, the other is stopped, and the exit status is the first one's.
In production run them separately (README, "Deploying").
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.tasks import CONSUMER_ARGS  # noqa: E402

BIN = Path(sys.executable).parent
STOP_SECONDS = 10


def commands(port: str) -> dict[str, list[str]]:
    """The two processes: the development server and one consumer that runs periodic tasks."""
    return {
        "web": [
            str(BIN / "flask"),
            "--app",
            "wsgi",
            "run",
            "--host",
            "127.0.0.1",
            "--port",
            port,
            "--no-reload",
        ],
        "consumer": [str(BIN / "huey_consumer"), *CONSUMER_ARGS],
    }


def stop(processes: dict[str, subprocess.Popen]) -> None:
    """SIGINT to whatever still runs, then SIGKILL after ``STOP_SECONDS``."""
    for process in processes.values():
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
    deadline = time.monotonic() + STOP_SECONDS
    for process in processes.values():
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def main(port: str = "5000") -> int:
    processes: dict[str, subprocess.Popen] = {}
    stopping = False

    def forward(signum, _frame) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, forward)
    signal.signal(signal.SIGTERM, forward)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    try:
        for name, argv in commands(port).items():
            # Own process groups: a Ctrl-C in the terminal reaches this script only, which
            # then stops both in order (and never leaves one of them running).
            processes[name] = subprocess.Popen(argv, cwd=ROOT, env=env, start_new_session=True)  # noqa: S603
        while not stopping:
            finished = [p for p in processes.values() if p.poll() is not None]
            if finished:
                return_code = finished[0].returncode
                break
            time.sleep(0.2)
        else:
            return_code = 0
    finally:
        stop(processes)
    return return_code


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:2]))
