"""The counselor's views: trends with cutoff, bands and reliable change; the partner gap; the
latest CSI with its direction on the caseload; one completed measure as FHIR."""

from datetime import timedelta

import time_machine
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from app.measures import instruments as catalogue
from app.measures.charts import gap_steps, reliable_steps
from app.models import MeasureCadence, MeasureResponse, utcnow
from tests.measures.conftest import positions_for


def weekly_answers(app, couple, schedule_measure, login_as, answer, a_totals, b_totals):
    schedule = schedule_measure(couple, "CSI-16", cadence=MeasureCadence.WEEKLY)
    start = utcnow()
    for week, (a_total, b_total) in enumerate(zip(a_totals, b_totals, strict=True)):
        with time_machine.travel(start + timedelta(days=7 * week), tick=False):
            assert (
                answer(login_as(couple.a), schedule, positions_for("CSI-16", a_total)).status_code
                == 302
            )
            assert (
                answer(login_as(couple.b), schedule, positions_for("CSI-16", b_total)).status_code
                == 302
            )


def test_reliable_steps_by_hand():
    csi = catalogue.get("CSI-16")  # threshold 6.27, higher is better
    assert reliable_steps(csi, [50, 55, 62, 40]) == [None, None, "better", "worse"]
    phq = catalogue.get("PHQ-9")  # threshold 3.52, higher is worse
    assert reliable_steps(phq, [20, 16, 12, 12]) == [None, "better", "better", None]


def test_gap_steps_by_hand():
    csi = catalogue.get("CSI-16")
    assert gap_steps(csi, [5, 20, 18, 4]) == [None, "widened", None, "narrowed"]


def test_case_measures_page_shows_trends_and_the_gap(
    app, couple, schedule_measure, login_as, answer
):
    weekly_answers(app, couple, schedule_measure, login_as, answer, [60, 62, 70], [58, 40, 41])
    page = (
        login_as(couple.counselor).get(f"/cases/{couple.case.id}/measures").get_data(as_text=True)
    )
    assert page.count('<svg xmlns="http://www.w3.org/2000/svg"') == 3  # two trends, the gap
    assert "cutoff 51.5" in page
    assert 'class="reliable-change"' in page
    assert "reliable: worse" in page  # B: 58 → 40
    assert "gap widened" in page  # 2 → 22
    assert "<td>22</td>" in page  # the gap as text
    assert "Partner gap on the CSI-16" in page
    # The CSI-16 SD is a placeholder: every chart's marker legend says the threshold is provisional.
    assert page.count('class="threshold-provisional"') == 3
    assert "Reliable change (±6.3, threshold provisional)" in page
    assert "the standard deviation is a placeholder" in page  # the sources list


def test_caseload_shows_latest_csi_with_direction(app, couple, schedule_measure, login_as, answer):
    weekly_answers(app, couple, schedule_measure, login_as, answer, [60, 66], [58, 41])
    page = login_as(couple.counselor).get("/caseload").get_data(as_text=True)
    assert "CSI-16 66" in page and "up from last time" in page
    assert "CSI-16 41" in page and "down from last time" in page


def test_fhir_export_validates_with_loinc(app, couple, schedule_measure, login_as, answer, rows):
    schedule = schedule_measure(couple, "PHQ-9", cadence=MeasureCadence.ONCE)
    answer(login_as(couple.a), schedule, positions_for("PHQ-9", 11))
    [sheet] = rows(MeasureResponse)
    response = login_as(couple.counselor).get(
        f"/cases/{couple.case.id}/measures/responses/{sheet.id}/fhir.json"
    )
    assert response.status_code == 200
    resource = QuestionnaireResponse.model_validate(response.json)
    assert resource.status == "completed"
    assert resource.questionnaire == "http://loinc.org/q/44249-1"
    total = [i for i in resource.item if i.linkId == "44261-6"][0]
    assert total.answer[0].valueInteger == 11
    assert len(resource.item) == 10
    assert couple.a.name not in response.get_data(as_text=True)


def test_fhir_gad7_and_csi(app, couple, schedule_measure, login_as, answer):
    from app.extensions import db
    from app.measures.fhir import questionnaire_response

    for code in ("GAD-7", "CSI-4"):
        schedule = schedule_measure(couple, code, cadence=MeasureCadence.ONCE)
        assert answer(login_as(couple.a), schedule, positions_for(code, 7)).status_code == 302
    with app.app_context():
        found = {
            sheet.instrument: questionnaire_response(sheet)
            for sheet in db.session.scalars(db.select(MeasureResponse))
        }
    assert found["GAD-7"]["questionnaire"] == "http://loinc.org/q/69737-5"
    assert found["GAD-7"]["meta"]["tag"][0]["code"] == "69737-5"
    assert found["CSI-4"]["questionnaire"] == "urn:rekindle:measures/CSI-4|1"
    for resource in found.values():
        assert QuestionnaireResponse.model_validate(resource).status == "completed"


def test_paper_entry_refuses_missing_answers(couple, login_as, rows):
    counselor = login_as(couple.counselor)
    values = positions_for("CSI-4", 10)
    del values["csi4_2"]
    page = counselor.post(
        f"/cases/{couple.case.id}/measures/paper/CSI-4",
        data={**values, "who": str(couple.a.id), "request_key": "p1"},
    )
    assert page.status_code == 200
    assert "Please answer question 2" in page.get_data(as_text=True)
    assert rows(MeasureResponse) == []


def test_paper_entry_twice_is_one_sheet(couple, login_as, rows):
    counselor = login_as(couple.counselor)
    data = {**positions_for("CSI-4", 10), "who": str(couple.a.id), "request_key": "same"}
    url = f"/cases/{couple.case.id}/measures/paper/CSI-4"
    assert counselor.post(url, data=data).status_code == 302
    assert counselor.post(url, data=data).status_code == 302
    [sheet] = rows(MeasureResponse)
    assert sheet.entered_by_id == couple.counselor.id and sheet.score["total"] == 10


def test_sharing_a_result_lets_the_client_see_it(couple, schedule_measure, login_as, answer, rows):
    schedule = schedule_measure(couple, "GAD-7", cadence=MeasureCadence.ONCE)
    answer(login_as(couple.a), schedule, positions_for("GAD-7", 12))
    a = login_as(couple.a)
    assert ">12<" not in a.get("/me/measures/results").get_data(as_text=True)
    [sheet] = [r for r in rows(MeasureResponse) if r.user_id == couple.a.id]
    login_as(couple.counselor).post(
        f"/cases/{couple.case.id}/measures/responses/{sheet.id}/share", data={"shared": "1"}
    )
    assert "<td>12</td>" in a.get("/me/measures/results").get_data(as_text=True)
    export = a.get("/me/export.json").json
    assert export["measures"][0]["score"] == {"total": 12, "band": "Moderate"}
