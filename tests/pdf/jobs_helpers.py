"""Builders of the PDF-job tests."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.models import JournalEntry, PdfJob, ResponseStatus, Visibility


def write_entry(app, case, author, body: str, title: str = "An entry") -> None:
    """A private, submitted journal entry."""
    with app.app_context():
        entry = JournalEntry(
            case_id=case.id,
            author_id=author.id,
            visibility=Visibility.PRIVATE,
            status=ResponseStatus.SUBMITTED,
        )
        entry.title, entry.body, entry.tags = title, body, []
        db.session.add(entry)
        db.session.commit()


def only_job(app) -> PdfJob:
    """The one job in the database, detached."""
    with app.app_context():
        job = db.session.scalars(sa.select(PdfJob)).one()
        db.session.expunge(job)
        return job


def run_queued(app) -> None:
    """Do what a consumer would: run every queued task (the queue is not immediate here)."""
    huey = app.extensions["huey"]
    while (message := huey.dequeue()) is not None:
        huey.execute(message)
