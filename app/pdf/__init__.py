"""PDF rendering: the one place in Rekindle that talks to WeasyPrint (docs/security.md PDF-1..3).

Public API::

    from app.pdf import render_pdf, PdfError
    pdf_bytes = render_pdf("pdf/my_document.html", {"title": ..., ...})

``render_pdf`` renders a Jinja template under ``templates/pdf/`` in the app (autoescaped, so
user text is only ever data), then hands the HTML to a warm worker process that turns it into
PDF bytes. Templates should extend ``pdf/base.html`` (page size, bundled fonts, page numbers and
a confidentiality footer). It raises ``PdfError`` — with a message fit to show the user — when
the render is refused, too slow or too big; views catch it and show ``pdf/error.html``.

Safety:

* the worker's URL fetcher serves only ``rekindle-asset:fonts/<file>`` (the bundled fonts) and
  refuses ``file:``, ``http(s):``, ``data:``, redirects and everything else;
* presentational hints are off;
* each worker caps its address space (``REKINDLE_PDF_MEMORY_MB``), a render that takes longer
  than ``REKINDLE_PDF_TIMEOUT`` seconds is killed, and at most ``REKINDLE_PDF_WORKERS`` renders
  run at once (others wait up to the time limit, then get a "busy" error);
* workers stay alive between renders, so WeasyPrint is imported once per worker.

Pages never render PDFs themselves: ``app.pdf.jobs`` queues the render and keeps the result,
encrypted, for the person who asked (docs/security.md PDF-4).
"""

from __future__ import annotations

import atexit
import os
import queue
import socket
import subprocess
import sys
import threading
import time
from multiprocessing.connection import Connection
from typing import Any

from flask import current_app, render_template

from app.config import ROOT

DEFAULT_TIMEOUT = 20.0
DEFAULT_WORKERS = 2
DEFAULT_MEMORY_MB = 1024
PAGE_SIZES = {"A4": "A4", "LETTER": "letter"}


class PdfError(Exception):
    """A PDF could not be made; ``str(error)`` is a message for the user."""


class PdfTimeout(PdfError):
    """The render ran past the time limit and was stopped."""


class PdfBusy(PdfError):
    """Every render slot stayed busy for the whole time limit."""


class _Worker:
    """One warm render process and our end of its socket."""

    def __init__(self, memory_bytes: int, start_timeout: float) -> None:
        # A fresh interpreter (not fork, not multiprocessing's spawn, which re-runs the web
        # server's main module): it shares nothing with the web process but one socket.
        ours, theirs = socket.socketpair()
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), *sys.path[1:]])}
        self.process = subprocess.Popen(  # noqa: S603 - fixed argv, no user input
            [sys.executable, "-m", "app.pdf.worker", str(theirs.fileno()), str(memory_bytes)],
            pass_fds=(theirs.fileno(),),
            stdin=subprocess.DEVNULL,
            cwd=str(ROOT),
            env=env,
        )
        theirs.close()
        self.conn = Connection(ours.detach())
        if not self.conn.poll(start_timeout):
            self.kill()
            raise PdfError("The PDF service did not start. Please try again in a minute.")
        try:
            self.conn.recv()
        except (EOFError, OSError) as exc:
            self.kill()
            raise PdfError("The PDF service did not start. Please try again in a minute.") from exc
        #: Resident size once warm: what "grown" is measured against (T6).
        self.warm_bytes = _resident_bytes(self.process.pid)

    def alive(self) -> bool:
        """True while the process runs."""
        return self.process.poll() is None

    def kill(self) -> None:
        """Stop the process for good."""
        if self.alive():
            self.process.kill()
        self.process.wait(timeout=5)
        self.conn.close()


class RenderPool:
    """A few warm workers behind a semaphore; a hung or failed worker is replaced."""

    def __init__(
        self,
        *,
        workers: int,
        timeout: float,
        memory_mb: int,
        recycle_mb: int = 0,
        recycle_growth: float = 0.0,
    ) -> None:
        self.timeout = timeout
        self.memory_bytes = memory_mb * 1024 * 1024
        self.recycle_bytes = recycle_mb * 1024 * 1024
        self.recycle_growth = recycle_growth
        self.size = workers
        #: Workers replaced for having grown, and the seconds their replacements took to start.
        self.recycled = 0
        self.recycle_seconds = 0.0
        self.pid = os.getpid()
        self._slots = threading.BoundedSemaphore(workers)
        self._idle: queue.LifoQueue[_Worker] = queue.LifoQueue()

    def render(self, html: str) -> bytes:
        """PDF bytes for ``html``, or ``PdfError``."""
        if not self._slots.acquire(timeout=self.timeout):
            raise PdfBusy("Many documents are being prepared right now. Please try again shortly.")
        try:
            worker = self._take()
            try:
                worker.conn.send(html)
                if not worker.conn.poll(self.timeout):
                    worker.kill()
                    raise PdfTimeout(
                        "This document took too long to prepare and was stopped. "
                        "Very long unbroken text can cause this; please shorten it and try again."
                    )
                status, payload = worker.conn.recv()
            except (EOFError, OSError, BrokenPipeError) as exc:
                worker.kill()
                raise PdfError(
                    "This document was too large to prepare. Please shorten it and try again."
                ) from exc
            if status != "ok":
                worker.kill()  # a worker that failed may be in a bad state: start afresh
                raise PdfError(
                    "This document was too large to prepare. Please shorten it and try again."
                    if payload == "memory"
                    else "This document could not be prepared. Please try again."
                )
            if self._grown(worker):
                # A very long document, or many renders, left the worker big: a fresh one,
                # started beside the request, serves the next render (T6).
                worker.kill()
                self.recycled += 1
                threading.Thread(target=self._replace, daemon=True).start()
            else:
                self._idle.put(worker)
            return payload
        finally:
            self._slots.release()

    def _grown(self, worker: _Worker) -> bool:
        resident = _resident_bytes(worker.process.pid)
        if self.recycle_bytes and resident > self.recycle_bytes:
            return True
        limit = worker.warm_bytes * (1 + self.recycle_growth)
        return bool(self.recycle_growth and worker.warm_bytes and resident > limit)

    def _replace(self) -> None:
        """Start a warm worker in place of a recycled one (in a thread: nobody waits on it)."""
        started = time.monotonic()
        try:
            worker = _Worker(self.memory_bytes, start_timeout=max(self.timeout, 30.0))
        except PdfError:
            return  # the next render starts one itself
        self.recycle_seconds += time.monotonic() - started
        if self._idle.qsize() >= self.size:
            worker.kill()  # a render started its own meanwhile: never more than ``size`` idle
        else:
            self._idle.put(worker)

    def _take(self) -> _Worker:
        while True:
            try:
                worker = self._idle.get_nowait()
            except queue.Empty:
                return _Worker(self.memory_bytes, start_timeout=max(self.timeout, 30.0))
            if worker.alive():
                return worker
            worker.kill()

    def close(self) -> None:
        """Stop every idle worker."""
        while True:
            try:
                self._idle.get_nowait().kill()
            except queue.Empty:
                return


def _resident_bytes(pid: int) -> int:
    """Resident memory of a process (Linux); 0 when it cannot be read."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


_pools: dict[tuple, RenderPool] = {}
_pools_lock = threading.Lock()


def _pool(*, background: bool = False) -> RenderPool:
    config = current_app.config
    prefix = "REKINDLE_PDF_BACKGROUND_" if background else "REKINDLE_PDF_"
    key = (
        os.getpid(),  # a forked server process must not share its parent's pipes
        int(config.get("REKINDLE_PDF_WORKERS", DEFAULT_WORKERS)),
        float(config.get(prefix + "TIMEOUT", DEFAULT_TIMEOUT)),
        int(config.get(prefix + "MEMORY_MB", DEFAULT_MEMORY_MB)),
        int(config.get("REKINDLE_PDF_RECYCLE_MB", 0)),
        float(config.get("REKINDLE_PDF_RECYCLE_GROWTH", 0.0)),
    )
    with _pools_lock:
        pool = _pools.get(key)
        if pool is None:
            pool = _pools[key] = RenderPool(
                workers=key[1],
                timeout=key[2],
                memory_mb=key[3],
                recycle_mb=key[4],
                recycle_growth=key[5],
            )
        return pool


@atexit.register
def _close_pools() -> None:
    for pool in list(_pools.values()):
        if pool.pid == os.getpid():
            pool.close()


def warm_up(*, background: bool = False) -> None:
    """Start one render worker now, so the first PDF does not pay its start-up (T6)."""
    pool = _pool(background=background)
    pool._idle.put(pool._take())


def page_size() -> str:
    """The configured paper size as CSS (``A4`` or ``letter``)."""
    configured = str(current_app.config.get("REKINDLE_PAGE_SIZE", "A4")).upper()
    return PAGE_SIZES.get(configured, "A4")


def render_html(template_name: str, context: dict[str, Any]) -> str:
    """The HTML a PDF is made from (useful in tests); user text is escaped by Jinja."""
    return render_template(template_name, page_size=page_size(), **context)


def render_pdf(template_name: str, context: dict[str, Any], *, background: bool = False) -> bytes:
    """Render ``templates/<template_name>`` with ``context`` to PDF bytes, or raise PdfError.

    ``background`` renders with the job queue's limits (``REKINDLE_PDF_BACKGROUND_TIMEOUT`` and
    ``_MEMORY_MB``), wide enough for every document the app accepts; only tasks may use them,
    never a web request (PDF-4).
    """
    return render_html_to_pdf(render_html(template_name, context), background=background)


def render_html_to_pdf(html: str, *, background: bool = False) -> bytes:
    """PDF bytes of HTML made by ``render_html`` (needs no database: renders can be long)."""
    return _pool(background=background).render(html)
