"""Autosave of answers: ordered, idempotent, text never echoed, refused once sent."""

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import AssignmentRecipient, AssignmentStatus, Response
from tests.modules.helpers import autosave, csrf_headers, send


def _stored(app, recipient_id, exercise_id):
    with app.app_context():
        response = db.session.scalar(
            sa.select(Response).where(
                Response.recipient_id == recipient_id, Response.exercise_id == exercise_id
            )
        )
        return (
            (response.answer, response.draft_seq, response.visibility.value) if response else None
        )


def test_older_save_arriving_late_never_overwrites_newer(app, login_as, couple, give):
    given = give(couple.case, [couple.a, couple.b])
    c = login_as(couple.a)
    ex = given.exercise_ids[0]
    assert autosave(c, given.recipient_a, ex, {"text": "newer words"}, seq=200).json["saved"]
    late = autosave(c, given.recipient_a, ex, {"text": "older words"}, seq=100)
    assert late.status_code == 200
    assert late.json["saved"] is False
    answer, seq, _ = _stored(app, given.recipient_a, ex)
    assert answer["text"] == "newer words"
    assert seq == 200


def test_same_save_twice_is_idempotent(app, login_as, couple, give):
    given = give(couple.case, [couple.a, couple.b])
    c = login_as(couple.a)
    ex = given.exercise_ids[0]
    first = autosave(c, given.recipient_a, ex, {"text": "once"}, seq=300)
    again = autosave(c, given.recipient_a, ex, {"text": "once"}, seq=300)
    assert first.json["saved"] is True and again.json["saved"] is False
    assert first.json["version"] == again.json["version"]
    with app.app_context():
        count = db.session.scalar(sa.select(sa.func.count(Response.id)))
    assert count == 1


def test_first_save_marks_progress_in_progress(app, login_as, couple, give):
    given = give(couple.case, [couple.a, couple.b])
    autosave(login_as(couple.a), given.recipient_a, given.exercise_ids[0], {"text": "x"})
    with app.app_context():
        statuses = dict(
            db.session.execute(sa.select(AssignmentRecipient.id, AssignmentRecipient.status)).all()
        )
    assert statuses[given.recipient_a] is AssignmentStatus.IN_PROGRESS
    assert statuses[given.recipient_b] is AssignmentStatus.ASSIGNED


def test_reply_carries_no_text(login_as, couple, give):
    given = give(couple.case, [couple.a, couple.b])
    reply = autosave(
        login_as(couple.a), given.recipient_a, given.exercise_ids[0], {"text": "CANARY-REPLY-1"}
    )
    assert b"CANARY-REPLY-1" not in reply.data
    assert set(reply.json) == {"saved", "seq", "version"}


def test_autosave_refused_after_sending(app, login_as, couple, give):
    given = give(couple.case, [couple.a, couple.b])
    c = login_as(couple.a)
    ex = given.exercise_ids[0]
    assert send(c, given.recipient_a, ex, {"text": "final"}).status_code == 302
    late = autosave(c, given.recipient_a, ex, {"text": "a late beacon"}, seq=10**15)
    assert late.status_code == 409
    assert _stored(app, given.recipient_a, ex)[0]["text"] == "final"


def test_form_post_outranks_earlier_autosaves(app, login_as, couple, give):
    given = give(couple.case, [couple.a, couple.b])
    c = login_as(couple.a)
    ex = given.exercise_ids[0]
    v = autosave(c, given.recipient_a, ex, {"text": "typing"}, seq=500).json["version"]
    response = send(
        c,
        given.recipient_a,
        ex,
        {"text": "saved by hand", "version": v, "draft_seq": "700"},
        draft=True,
    )
    assert response.status_code == 302
    # The beacon sent when the page unloads carries an older sequence number: ignored.
    assert autosave(c, given.recipient_a, ex, {"text": "typing"}, seq=600).json["saved"] is False
    assert _stored(app, given.recipient_a, ex)[:2] == ({"text": "saved by hand"}, 700)


@pytest.mark.parametrize(
    "fields, expected",
    [
        ({"value": "11"}, None),
        ({"value": "7"}, 7),
        ({"value": "-1"}, None),
        ({"value": "seven"}, None),
    ],
)
def test_scale_drafts_keep_only_valid_numbers(app, login_as, couple, give, fields, expected):
    given = give(couple.case, [couple.a], "give-each-other-space")
    c = login_as(couple.a)
    scale = given.exercise_ids[0]
    assert autosave(c, given.recipient_a, scale, fields).status_code == 200
    assert _stored(app, given.recipient_a, scale)[0]["value"] == expected


def test_checklist_drafts_keep_only_known_items(app, login_as, couple, give):
    given = give(couple.case, [couple.a], "give-each-other-space")
    c = login_as(couple.a)
    checklist = given.exercise_ids[1]
    autosave(
        c, given.recipient_a, checklist, {"checked": ["Writing in my journal", "<b>made up</b>"]}
    )
    assert _stored(app, given.recipient_a, checklist)[0]["checked"] == ["Writing in my journal"]


def test_too_long_draft_gets_413(login_as, couple, give):
    given = give(couple.case, [couple.a, couple.b])
    reply = autosave(
        login_as(couple.a), given.recipient_a, given.exercise_ids[0], {"text": "é" * 20_001}
    )
    assert reply.status_code == 413


@pytest.mark.parametrize("body", [{"seq": "x", "fields": {}}, {"fields": {}}, {"seq": 5}, []])
def test_malformed_autosave_is_400(login_as, couple, give, body):
    given = give(couple.case, [couple.a, couple.b])
    c = login_as(couple.a)
    reply = c.post(
        f"/me/exercises/{given.recipient_a}/{given.exercise_ids[0]}/autosave",
        json=body,
        headers=csrf_headers(c),
    )
    assert reply.status_code == 400


def test_closed_case_refuses_autosave(app, login_as, couple, give):
    from app.models import Case, CaseStatus

    given = give(couple.case, [couple.a, couple.b])
    with app.app_context():
        db.session.get(Case, couple.case.id).status = CaseStatus.CLOSED
        db.session.commit()
    reply = autosave(login_as(couple.a), given.recipient_a, given.exercise_ids[0], {"text": "x"})
    assert reply.status_code == 409
    assert _stored(app, given.recipient_a, given.exercise_ids[0]) is None
