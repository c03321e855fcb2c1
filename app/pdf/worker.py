"""The PDF worker process: imports WeasyPrint once, then renders HTML it receives on a pipe.

Runs apart from the web process so that a hostile or huge document can only exhaust this
process: its address space is capped with ``RLIMIT_AS`` and the parent kills it when a render
takes longer than the time limit. It never touches the database or the network: the only
resources it can load are the bundled files named by ``rekindle-asset:`` URLs.
"""

from __future__ import annotations

import contextlib
import mimetypes
import os
import resource
import sys
from multiprocessing.connection import Connection
from pathlib import Path

ASSET_SCHEME = "rekindle-asset"
#: ``rekindle-asset:<folder>/<file>`` serves files from these folders and nothing else.
ASSET_FOLDERS = {
    "fonts": Path(__file__).resolve().parent.parent / "static" / "fonts",
}


def asset_path(url: str) -> Path | None:
    """The bundled file a ``rekindle-asset:`` URL names, or None for anything else."""
    prefix = ASSET_SCHEME + ":"
    if not url.lower().startswith(prefix):
        return None
    folder, _, name = url[len(prefix) :].partition("/")
    root = ASSET_FOLDERS.get(folder)
    if root is None or not name or "/" in name or "\\" in name or name.startswith("."):
        return None
    path = root / name
    if not path.is_file() or path.resolve().parent != root:
        return None
    return path


def make_fetcher():
    """A WeasyPrint URL fetcher that serves bundled assets and refuses every other URL."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class BundledAssetsOnly(URLFetcher):
        """Refuses ``file:``, ``http(s):``, ``data:`` and the rest; never follows anything."""

        def __init__(self) -> None:
            super().__init__(allowed_protocols=[ASSET_SCHEME], allow_redirects=False)

        def fetch(self, url, headers=None):
            path = asset_path(url)
            if path is None:
                raise ValueError("only bundled assets may be loaded")
            mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(
                url, path.read_bytes(), headers={"Content-Type": mime}, status=200
            )

    return BundledAssetsOnly()


_FACES = "".join(
    f'@font-face {{ font-family: "{family}"; src: url("rekindle-asset:fonts/{file}"); '
    f"font-weight: {weight}; font-style: {style}; }}"
    for family, file, weight, style in [
        ("Rekindle Serif", "NotoSerif-Regular.ttf", "normal", "normal"),
        ("Rekindle Serif", "NotoSerif-Bold.ttf", "bold", "normal"),
        ("Rekindle Serif", "NotoSerif-Italic.ttf", "normal", "italic"),
        ("Rekindle Sans", "NotoSans-Regular.ttf", "normal", "normal"),
        ("Rekindle Sans", "NotoSans-Bold.ttf", "bold", "normal"),
    ]
)
_PARAGRAPH = (
    "<p>Warm-up text with <b>bold</b>, <i>italic</i> and numbers 0123456789 — “quotes”, "
    "accents éèäöå and a long sentence that wraps across the line more than once.</p>"
)
_ROWS = "".join(f"<tr><th>Row {n}</th><td>Value {n}</td><td>{n * 7}</td></tr>" for n in range(40))
_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="400" height="120" viewBox="0 0 400 120">'
    '<polyline fill="none" stroke="#7a2e1f" stroke-width="2" points="0,100 100,60 200,80 '
    '300,20 400,40"/><text x="10" y="115" font-size="10">warm</text></svg>'
)
WARM_UP_HTML = (
    f"<!doctype html><html><head><meta charset='utf-8'><style>{_FACES}"
    "@page { size: A4; margin: 20mm; @top-left { content: 'warm'; font: 8pt 'Rekindle Sans'; }"
    " @bottom-right { content: counter(page) ' of ' counter(pages); font: 8pt 'Rekindle Sans'; } }"
    "html { font-family: 'Rekindle Serif'; } h1, h2, th { font-family: 'Rekindle Sans'; }"
    f"</style></head><body><h1>Warm-up</h1>{_PARAGRAPH * 30}<h2>Table</h2>"
    f"<table>{_ROWS}</table><h2>Chart</h2>{_SVG}{_PARAGRAPH * 30}</body></html>"
)


def render(html: str) -> bytes:
    """HTML (already escaped and complete) to PDF bytes, with no presentational hints."""
    from weasyprint import HTML

    document = HTML(string=html, base_url=None, url_fetcher=make_fetcher())
    return document.write_pdf(presentational_hints=False)


def serve(conn: Connection, memory_bytes: int) -> None:
    """Worker main loop: warm up, cap memory, then answer render jobs until the pipe closes."""
    import logging

    import weasyprint  # noqa: F401  (the import is the expensive part: pay it once)

    # Refused URLs are expected (that is the point); keep them out of the logs.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)

    # Warm the font machinery and WeasyPrint's caches with a document shaped like ours
    # (bundled faces, page margin boxes, tables, SVG, several pages), so the first real renders
    # are neither slow nor the ones that grow the process (docs/performance.md T6).
    with contextlib.suppress(Exception):  # a failed warm-up only costs speed
        for _ in range(3):
            render(WARM_UP_HTML)
    if memory_bytes:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    # Renders are batch work: let page requests win the CPU when both want it (PERFORMANCE T7).
    with contextlib.suppress(OSError):
        os.nice(10)
    conn.send(("ready", None))
    while True:
        try:
            html = conn.recv()
        except (EOFError, OSError):
            return
        try:
            conn.send(("ok", render(html)))
        except (MemoryError, RecursionError, SystemError):  # SystemError: a C allocation failed
            conn.send(("error", "memory"))  # too big or too deeply nested: same advice
            return
        except Exception as exc:  # noqa: BLE001 - any failure becomes a clear error upstream
            conn.send(("error", type(exc).__name__))


if __name__ == "__main__":
    # ``python -m app.pdf.worker <socket fd> <memory bytes>``, started by ``app.pdf``.
    serve(Connection(int(sys.argv[1])), int(sys.argv[2]))
