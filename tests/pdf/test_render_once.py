"""T5: a queued PDF is built once. The request builds the HTML (it measures it), keeps it in the
job encrypted for the job and its owner, and the consumer renders that HTML; nothing of it stays
in the job once the PDF is made.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.crypto import DecryptionError, keyring
from app.extensions import db
from app.models import PdfJob, PdfJobStatus
from app.pdf import jobs
from tests.pdf.helpers import pdf_text
from tests.pdf.jobs_helpers import only_job, run_queued, write_entry

CANARY = "CANARY-render-once-31c"


@pytest.fixture
def app_config(tmp_path):
    # A real queue with no consumer: the test runs the task itself, after looking at the job.
    return {
        "REKINDLE_QUEUE_IMMEDIATE": False,
        "REKINDLE_QUEUE_FILE": str(tmp_path / "queue.db"),
        "REKINDLE_PDF_WAIT_SECONDS": 0.0,
    }


@pytest.fixture
def builds(monkeypatch) -> list[str]:
    """Every build of a PDF's document, by kind."""
    seen: list[str] = []
    for name, kind in list(jobs.KINDS.items()):

        def counted(job, _build=kind.build, _name=name):
            seen.append(_name)
            return _build(job)

        monkeypatch.setitem(jobs.KINDS, name, type(kind)(**{**kind.__dict__, "build": counted}))
    return seen


@pytest.fixture
def client_a(app, factory, login_as):
    counselor = factory.counselor()
    case, a, _b = factory.couple(counselor)
    write_entry(app, case, a, f"Sunday walk. {CANARY}")
    return a, login_as(a)


def test_the_request_builds_the_document_and_the_consumer_renders_that(app, client_a, builds):
    a, client = client_a
    location = client.get("/me/export.pdf").headers["Location"]
    assert builds == ["export"]
    job = only_job(app)
    assert job.html_ct is not None and CANARY.encode() not in job.html_ct  # encrypted
    with app.app_context():
        html = keyring().decrypt(job.html_ct, f"pdf_jobs.html:{job.id}:{a.id}".encode()).decode()
    assert CANARY in html and len(html) == job.size_chars

    run_queued(app)
    assert builds == ["export"]  # the consumer did not build it again
    job = only_job(app)
    assert job.status is PdfJobStatus.READY and job.html_ct is None
    assert CANARY in pdf_text(client.get(location + "/download").data)


def test_html_copied_into_another_job_does_not_decrypt(app, client_a, builds):
    _a, client = client_a
    client.get("/me/export.pdf")
    client.get("/me/export.pdf?again=1")  # joins the render under way: still one job
    with app.app_context():
        first = db.session.scalars(sa.select(PdfJob)).one()
        other = PdfJob(
            kind=first.kind, user_id=first.user_id, title="x", filename="x.pdf", html_ct=None
        )
        db.session.add(other)
        db.session.flush()
        other.html_ct = first.html_ct
        db.session.commit()
        other_id = other.id
    run_queued(app)  # renders the genuine job
    with app.app_context(), pytest.raises(DecryptionError):
        jobs.render_job.wrapper().call_local(other_id)
    with app.app_context():
        copied = db.session.get(PdfJob, other_id)
        assert copied.status is PdfJobStatus.FAILED and copied.pdf_ct is None
        assert copied.html_ct is None
