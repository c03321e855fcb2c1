"""Assertions shared by the route-wide security tests: canaries, headers, audit counts."""

from __future__ import annotations

import io

import sqlalchemy as sa
from flask import Flask

from app.extensions import db
from app.models import AuditEvent

NOT_CACHED = ("static", "bootstrap.static")


def response_text(response) -> str:
    """The body as text; a PDF's extracted text (plus its raw bytes, for metadata)."""
    data = response.get_data()
    if response.mimetype == "application/pdf" or data[:5] == b"%PDF-":
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(data))
        text = "\n".join(page.extract_text() or "" for page in reader.pages)
        return text + "\n" + data.decode("latin-1")
    return data.decode("utf-8", errors="replace")


def leaked(text: str, forbidden: dict[str, str]) -> list[str]:
    """Names of the forbidden canaries found in ``text``."""
    return [name for name, canary in forbidden.items() if canary in text]


def header_problems(endpoint: str, response, *, production: bool = False) -> list[str]:
    """HD-1: what is missing or wrong in a response's security headers."""
    h = response.headers
    problems = []
    csp = h.get("Content-Security-Policy", "")
    directives = {part.split()[0]: part.split()[1:] for part in csp.split(";") if part.strip()}
    script = directives.get("script-src", directives.get("default-src", []))
    if not script or "'unsafe-inline'" in script or "'unsafe-eval'" in script or "*" in script:
        problems.append(f"script-src allows inline or foreign script: {script}")
    if directives.get("frame-ancestors") != ["'none'"]:
        problems.append("frame-ancestors is not 'none'")
    if directives.get("object-src") != ["'none'"]:
        problems.append("object-src is not 'none'")
    for name, values in directives.items():
        if any(v.startswith(("http:", "https:", "*")) or "://" in v for v in values):
            problems.append(f"{name} allows another host: {values}")
    if h.get("X-Content-Type-Options") != "nosniff":
        problems.append("no nosniff")
    if h.get("Referrer-Policy") not in ("same-origin", "no-referrer", "strict-origin"):
        problems.append(f"Referrer-Policy is {h.get('Referrer-Policy')!r}")
    if endpoint not in NOT_CACHED and "no-store" not in h.get("Cache-Control", ""):
        problems.append(f"Cache-Control is {h.get('Cache-Control')!r}, not no-store")
    if production and "max-age=" not in h.get("Strict-Transport-Security", ""):
        problems.append("no HSTS under production config")
    return problems


def denied_events(app: Flask) -> list[tuple[int | None, str | None]]:
    """(actor_id, action) of every denial recorded so far."""
    with app.app_context():
        rows = db.session.execute(
            sa.select(AuditEvent.actor_id, AuditEvent.action)
            .where(AuditEvent.outcome == "denied")
            .order_by(AuditEvent.id)
        ).all()
        db.session.remove()
    return [tuple(r) for r in rows]


def table_counts(app: Flask, *, skip: tuple[str, ...] = ()) -> dict[str, int]:
    """Rows per table (except ``skip``)."""
    with app.app_context():
        counts = {
            table.name: db.session.scalar(sa.select(sa.func.count()).select_from(table))
            for table in db.metadata.sorted_tables
            if table.name not in skip
        }
        db.session.remove()
    return counts
