"""Each exercise kind has its own form: bad values get a message next to the field."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Response, ResponseStatus
from app.practice_dates import DATE_MESSAGE, practice_today

# Dates are days from the day the test runs, made into dates then: a run that crossed midnight
# after collecting the cases sent yesterday as "today".
TODAY = timedelta(0)
YESTERDAY = timedelta(days=-1)
A_WEEK_ON = timedelta(days=7)

# (module slug, exercise position, form data, expected message or None when accepted)
CASES = [
    ("give-each-other-space", 0, {"value": "11"}, "Choose a number from 0 to 10."),
    ("give-each-other-space", 0, {}, "Choose a number from 0 to 10."),
    ("give-each-other-space", 0, {"value": "7"}, None),
    (
        "give-each-other-space",
        1,
        {"checked": ["Not an item"]},
        "is not a valid choice for this field",
    ),
    ("give-each-other-space", 1, {"checked": ["Writing in my journal"]}, None),
    (
        "give-each-other-space",
        2,
        {"start_date": TODAY, "end_date": TODAY, "checkin": "ok"},
        "The end date must be after the start date.",
    ),
    (
        "give-each-other-space",
        2,
        {"start_date": "not a date", "end_date": "", "checkin": ""},
        DATE_MESSAGE,
    ),
    (
        "give-each-other-space",
        2,
        {
            "start_date": TODAY,
            "end_date": A_WEEK_ON,
            "checkin": "Day 1",
        },
        None,
    ),
    (
        "focus-on-personal-growth",
        2,
        {
            "goal": "Pottery",
            "steps": "Sign up",
            "target_date": YESTERDAY,
        },
        "Choose today or a later date.",
    ),
    (
        "focus-on-personal-growth",
        2,
        {"goal": "", "steps": "Sign up", "target_date": TODAY},
        "Write down your goal.",
    ),
    (
        "focus-on-personal-growth",
        2,
        {"goal": "Pottery", "steps": "Sign up\nGo", "target_date": TODAY},
        None,
    ),
    (
        "reestablish-communication",
        2,
        {"topic": "Weekend", "i_statement": "", "need_to_hear": "x"},
        "Write your &#34;I&#34; statement.",
    ),
    (
        "reestablish-communication",
        2,
        {"topic": "Weekend", "i_statement": "I feel", "need_to_hear": "x"},
        None,
    ),
    ("reflect-on-the-relationship", 0, {"text": "   "}, "Write a few words before you send this."),
    (
        "reflect-on-the-relationship",
        0,
        {"text": "x" * 20_001},
        "Field cannot be longer than 20000 characters.",
    ),
    ("reflect-on-the-relationship", 0, {"text": "A\x00B"}, None),
]


@pytest.mark.parametrize("slug, position, data, message", CASES)
def test_answer_validation(app, login_as, couple, give, slug, position, data, message):
    given = give(couple.case, [couple.a, couple.b], slug)
    exercise = given.exercise_ids[position]
    client = login_as(couple.a)
    with app.app_context():
        today = practice_today()
    form = {k: (today + v).isoformat() if isinstance(v, timedelta) else v for k, v in data.items()}
    response = client.post(
        f"/me/exercises/{given.recipient_a}/{exercise}",
        data={"visibility": "counselor", "send": "1", **form},
    )
    with app.app_context():
        stored = db.session.scalar(sa.select(Response).where(Response.exercise_id == exercise))
        stored_answer = stored.answer if stored else None
    if message is None:
        assert response.status_code == 302
        assert stored.status is ResponseStatus.SUBMITTED
        if "text" in data:
            assert stored_answer["text"] == "AB"
    else:
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        assert message in page
        assert "invalid-feedback" in page
        assert stored is None


def test_save_for_later_accepts_an_incomplete_answer(app, login_as, couple, give):
    given = give(couple.case, [couple.a, couple.b], "focus-on-personal-growth")
    exercise = given.exercise_ids[2]
    response = login_as(couple.a).post(
        f"/me/exercises/{given.recipient_a}/{exercise}",
        data={"visibility": "counselor_and_partner", "save_draft": "1", "goal": "Half a thought"},
    )
    assert response.status_code == 302
    with app.app_context():
        stored = db.session.scalar(sa.select(Response))
        assert stored.status is ResponseStatus.DRAFT
        assert stored.answer["goal"] == "Half a thought"


def test_visibility_outside_the_list_is_refused(app, login_as, couple, give):
    given = give(couple.case, [couple.a, couple.b])
    response = login_as(couple.a).post(
        f"/me/exercises/{given.recipient_a}/{given.exercise_ids[0]}",
        data={"visibility": "everyone", "send": "1", "text": "x"},
    )
    assert response.status_code == 200
    with app.app_context():
        assert db.session.scalar(sa.select(Response)) is None
