"""A real consumer process renders queued PDFs, on the SQLite queue and on Redis.

The web side (this test process) never renders: it queues the job, answers at once, and the
consumer (another process, sharing only the database and the queue) does the work.
"""

from __future__ import annotations

import time

import pytest

from app import pdf
from app.extensions import db
from app.models import JournalEntry, ResponseStatus, Visibility
from tests.consumer import output_of
from tests.pdf.helpers import pdf_text
from tests.tasks.conftest import queue_config

CANARY = "CANARY-consumer-5d1e"


@pytest.fixture
def app_config(backend, tmp_path):
    # Never wait in the request: the consumer must be the one that renders.
    return {**queue_config(backend, tmp_path), "REKINDLE_PDF_WAIT_SECONDS": 0.0}


def wait_until_ready(client, location: str, seconds: float = 120.0) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        state = client.get(location + "/status").get_json()
        if state["status"] != "pending":
            return state
        time.sleep(0.2)
    raise AssertionError("the consumer did not finish the PDF in time")


def test_the_consumer_renders_a_queued_export(app, factory, login_as, consumer, tmp_path):
    counselor = factory.counselor()
    case, a, _b = factory.couple(counselor)
    with app.app_context():
        entry = JournalEntry(
            case_id=case.id,
            author_id=a.id,
            visibility=Visibility.PRIVATE,
            status=ResponseStatus.SUBMITTED,
        )
        entry.title, entry.body, entry.tags = "Tuesday", f"A quiet evening. {CANARY}", []
        db.session.add(entry)
        db.session.commit()
    pools_before = set(pdf._pools)

    client = login_as(a)
    response = client.get("/me/export.pdf")
    assert response.status_code == 303
    location = response.headers["Location"]
    page = client.get(location)
    assert "We are preparing your PDF" in page.text

    state = wait_until_ready(client, location)
    assert state["status"] == "ready", output_of(tmp_path / "consumer-0.log")
    download = client.get(state["download_url"])
    assert download.status_code == 200
    assert CANARY in pdf_text(download.data)
    # Nothing was rendered in this (the web) process.
    assert set(pdf._pools) == pools_before


def test_the_queue_carries_no_client_writing(app, factory, login_as, backend):
    # No consumer: the message stays in the queue, where we can read it as stored.
    counselor = factory.counselor()
    case, a, _b = factory.couple(counselor)
    with app.app_context():
        entry = JournalEntry(
            case_id=case.id,
            author_id=a.id,
            visibility=Visibility.PRIVATE,
            status=ResponseStatus.SUBMITTED,
        )
        entry.title, entry.body, entry.tags = "Secret", CANARY, []
        db.session.add(entry)
        db.session.commit()
    assert login_as(a).get("/me/export.pdf").status_code == 303
    huey = app.extensions["huey"]
    assert huey.pending_count() == 1
    raw = b"".join(huey.storage.enqueued_items())
    assert raw and CANARY.encode() not in raw and b"quiet" not in raw
