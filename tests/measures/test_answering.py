"""A client answers a due measure: the form, autosave, refusal of missing answers, sending."""

from app.models import MeasureCadence, MeasureResponse, ResponseStatus
from tests.journal.conftest import csrf_headers
from tests.measures.conftest import positions_for


def test_due_measure_shows_on_the_client_home(couple, schedule_measure, login_as):
    schedule_measure(couple, "CSI-16")
    home = login_as(couple.a).get("/me").get_data(as_text=True)
    assert "A short questionnaire" in home
    assert "CSI-16" in home


def test_form_offers_one_question_at_a_time_or_the_list(couple, schedule_measure, login_as):
    schedule = schedule_measure(couple, "CSI-4")
    a = login_as(couple.a)
    page = a.get(f"/me/measures/{schedule.id}/{_week()}").get_data(as_text=True)
    assert 'data-measure-view="one"' in page
    assert "<span data-answered>0</span> of 4 answered" in page
    listed = a.get(f"/me/measures/{schedule.id}/{_week()}?view=list").get_data(as_text=True)
    assert 'data-measure-view="list"' in listed


def _week():
    from app.measures.schedule_rules import week_key
    from app.models import utcnow

    return week_key(utcnow())


def test_missing_answers_are_refused_with_a_message_and_kept(
    couple, schedule_measure, login_as, answer, rows
):
    schedule = schedule_measure(couple, "PHQ-9")
    a = login_as(couple.a)
    values = positions_for("PHQ-9", 3)
    del values["phq9_4"]
    page = answer(a, schedule, values)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Please answer question 4 before sending" in text
    assert 'id="phq9_4-error"' in text
    assert 'name="phq9_1" id="phq9_1-3" value="3" checked' in text  # answers given stay chosen
    assert [r.status for r in rows(MeasureResponse)] == [ResponseStatus.DRAFT]
    assert all(r.score is None for r in rows(MeasureResponse))


def test_autosave_keeps_answers_in_order(couple, schedule_measure, login_as, rows):
    schedule = schedule_measure(couple, "GAD-7")
    a = login_as(couple.a)
    url = f"/me/measures/{schedule.id}/{_week()}/autosave"
    headers = csrf_headers(a)
    assert a.post(url, json={"seq": 5, "fields": {"gad7_1": "2"}}, headers=headers).json["saved"]
    assert not a.post(url, json={"seq": 4, "fields": {"gad7_1": "0"}}, headers=headers).json[
        "saved"
    ]
    a.post(url, json={"seq": 6, "fields": {"gad7_2": "3", "gad7_3": "9"}}, headers=headers)
    [sheet] = rows(MeasureResponse)
    assert sheet.answers == {"gad7_1": 2, "gad7_2": 3}
    assert sheet.status is ResponseStatus.DRAFT
    page = a.get(f"/me/measures/{schedule.id}/{_week()}").get_data(as_text=True)
    assert "<span data-answered>2</span> of 7 answered" in page


def test_sending_scores_once_and_the_measure_leaves_the_home(
    couple, schedule_measure, login_as, answer, rows
):
    schedule = schedule_measure(couple, "CSI-16")
    a = login_as(couple.a)
    sent = answer(a, schedule, positions_for("CSI-16", 60))
    assert sent.status_code == 302 and "/me/measures/sent/" in sent.location
    again = answer(a, schedule, positions_for("CSI-16", 10))
    assert again.status_code == 404  # this week's is answered
    [sheet] = rows(MeasureResponse)
    assert sheet.status is ResponseStatus.SUBMITTED
    assert sheet.score == {"total": 60, "band": "Above the distress cutoff", "beyond": False}
    assert "A short questionnaire" not in a.get("/me").get_data(as_text=True)


def test_a_measure_for_one_partner_is_not_due_for_the_other(couple, schedule_measure, login_as):
    schedule = schedule_measure(couple, "PHQ-9", who=str(couple.a.id), cadence=MeasureCadence.ONCE)
    b = login_as(couple.b)
    assert "questionnaire" not in b.get("/me").get_data(as_text=True)
    assert b.get(f"/me/measures/{schedule.id}/once").status_code == 404


def test_intake_and_end(couple, schedule_measure, login_as, answer):
    schedule = schedule_measure(couple, "CSI-4", cadence=MeasureCadence.INTAKE_AND_END)
    a = login_as(couple.a)
    assert answer(a, schedule, positions_for("CSI-4", 10)).status_code == 302
    assert "questionnaire" not in a.get("/me").get_data(as_text=True)
    counselor = login_as(couple.counselor)
    counselor.post(f"/cases/{couple.case.id}/measures/schedules/{schedule.id}/end")
    assert "A short questionnaire" in a.get("/me").get_data(as_text=True)
    assert a.get(f"/me/measures/{schedule.id}/end").status_code == 200
