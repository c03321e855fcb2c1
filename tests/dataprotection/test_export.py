"""GD-1: a client downloads all of their own data as JSON and PDF, and nothing they may not see."""

from __future__ import annotations

import io
import json
import re

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from app.extensions import db
from app.models import AuditEvent, JournalEntry, ResponseStatus, Visibility
from tests.dataprotection.conftest import canary

# What A may take away besides A's own writing: staff text addressed to A, and B's shared items.
A_MAY_SEE_STAFF = {"comment-a", "feedback-to-a"}
B_SHARED_WITH_A = {
    "b-shared-title",
    "b-shared-body",
    "b-shared-tag",
    "b-answer-counselor_and_partner",
}


def expectations(planted):
    """(canaries that must be in A's export, canaries that must not)."""
    must = list(planted.canaries["a"].values())
    must += [planted.canaries["staff"][k] for k in A_MAY_SEE_STAFF]
    must += [planted.canaries["b"][k] for k in B_SHARED_WITH_A]
    never = [v for k, v in planted.canaries["b"].items() if k not in B_SHARED_WITH_A]
    never += [v for k, v in planted.canaries["staff"].items() if k not in A_MAY_SEE_STAFF]
    return must, never


@pytest.fixture
def a_client(planted, login_as):
    return login_as(planted.a_email)


def test_json_export_has_all_of_a_and_none_of_b_private(app, planted, a_client):
    response = a_client.get("/me/export.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Cache-Control"] == "no-store"
    text = response.get_data(as_text=True)
    must, never = expectations(planted)
    assert [c for c in must if c not in text] == []
    assert [c for c in never if c in text] == []

    data = json.loads(text)
    assert data["format"] == "rekindle-export/1"
    assert data["account"]["email"] == planted.a_email
    assert len(data["journal_entries"]) == 3
    assert {e["status"] for e in data["journal_entries"]} == {"draft", "submitted"}
    assert len(data["exercise_answers"]) == 2
    assert len(data["check_ins"]) == 1
    assert len(data["sessions_attended"]) == 1
    shared = data["shared_with_you_by_your_partner"]
    assert len(shared["journal_entries"]) == 1 and len(shared["exercise_answers"]) == 1


def test_a_shared_draft_of_the_partner_stays_out(app, planted, a_client):
    secret = canary("b-shared-draft")
    with app.app_context():
        entry = JournalEntry(
            case_id=planted.case_id,
            author_id=planted.b_id,
            visibility=Visibility.COUNSELOR_AND_PARTNER,
            status=ResponseStatus.DRAFT,
        )
        entry.body = secret
        db.session.add(entry)
        db.session.commit()
    assert secret not in a_client.get("/me/export.json").get_data(as_text=True)


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    text = "".join(page.extract_text() or "" for page in reader.pages)
    return re.sub(r"\s+", "", text)


def test_pdf_export_is_readable_and_holds_the_same(app, planted, a_client):
    response = a_client.get("/me/export.pdf")
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Cache-Control"] == "no-store"
    text = pdf_text(response.data)
    must, never = expectations(planted)
    assert "EverythingyouwroteinRekindle" in text
    assert [c for c in must if c not in text] == []
    assert [c for c in never if c in text] == []


def test_user_text_prints_literally_in_the_pdf(app, planted, a_client):
    with app.app_context():
        entry = db.session.scalars(
            sa.select(JournalEntry).where(JournalEntry.author_id == planted.a_id).limit(1)
        ).one()
        entry.body = "<b>bold?</b> <img src=x>"
        db.session.commit()
    from app.pdf import render_html
    from app.services.export import build_export, pdf_context

    with app.test_request_context():
        from app.models import User

        user = db.session.get(User, planted.a_id)
        html = render_html("pdf/export.html", pdf_context(build_export(user), "Practice"))
    assert "&lt;b&gt;bold?&lt;/b&gt; &lt;img src=x&gt;" in html
    assert "<img src=x>" not in html


def test_each_download_is_audited_with_counts_only(app, planted, a_client):
    a_client.get("/me/export.json")
    a_client.get("/me/export.pdf")
    with app.app_context():
        events = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action.like("export.%")).order_by(AuditEvent.id)
        ).all()
    assert [(e.action, e.actor_id, e.outcome) for e in events] == [
        ("export.json", planted.a_id, "ok"),
        ("export.pdf", planted.a_id, "ok"),
    ]
    assert events[0].detail == "entries=3 answers=2 check_ins=1 partner_items=2"
    assert not any(c in (e.detail or "") for e in events for c in planted.all())


def test_the_export_page_explains_and_links_both_files(app, planted, a_client):
    page = a_client.get("/me/export")
    assert page.status_code == 200
    assert "/me/export.json" in page.text and "/me/export.pdf" in page.text
    assert "anything your partner kept private" in page.text
    home = a_client.get("/me")
    assert "/me/export" in home.text


def test_a_client_without_a_case_gets_an_empty_export(app, factory, login_as):
    lonely = login_as(factory.client())
    data = lonely.get("/me/export.json").get_json()
    assert data["cases"] == [] and data["journal_entries"] == []
    assert lonely.get("/me/export.pdf").status_code == 200


def count_queries(app, client, path: str) -> int:
    statements = []

    def listener(conn, cursor, statement, *args):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", listener)
    try:
        assert client.get(path).status_code == 200
    finally:
        sa.event.remove(engine, "before_cursor_execute", listener)
    return len(statements)


def test_the_export_query_count_does_not_grow_with_the_data(app, planted, a_client):
    before = count_queries(app, a_client, "/me/export.json")
    with app.app_context():
        for n in range(15):
            entry = JournalEntry(case_id=planted.case_id, author_id=planted.a_id)
            entry.body = f"more {n}"
            db.session.add(entry)
        db.session.commit()
    assert count_queries(app, a_client, "/me/export.json") == before
