"""A completed measure as a FHIR R4 QuestionnaireResponse, validated before it leaves.

PHQ-9 and GAD-7 name their LOINC panels (44249-1, 69737-5) as the questionnaire and as a tag,
and their total-score item by its LOINC code; the CSI has no LOINC panel and names its own
versioned file instead. The resource is checked by the ``fhir.resources`` models (their R4B
package: QuestionnaireResponse did not change between R4 and R4B). The person is an opaque
identifier, never a name.
"""

from __future__ import annotations

from typing import Any

from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from app.measures import instruments as catalogue
from app.models import MeasureResponse, ResponseStatus

LOINC = "http://loinc.org"
OWN_SYSTEM = "urn:rekindle:measures"


def questionnaire_response(sheet: MeasureResponse) -> dict[str, Any]:
    """The sheet as a validated QuestionnaireResponse (a JSON-ready dict)."""
    if sheet.status is not ResponseStatus.SUBMITTED or sheet.submitted_at is None:
        raise ValueError("only completed measures are exported")
    instrument = catalogue.get(sheet.instrument)
    answers = sheet.answers or {}
    items: list[dict[str, Any]] = []
    for item in instrument.items:
        position = int(answers[item.key])
        label = item.options[position]
        if item.left:
            label = f"{position + 1} of {len(item.options)} ({item.left} to {item.right})"
        items.append(
            {
                "linkId": item.key,
                "text": item.text if not item.left else f"{item.text} {item.left} – {item.right}",
                "answer": [
                    {
                        "valueCoding": {
                            "system": f"{OWN_SYSTEM}/{instrument.code}/points",
                            "code": str(item.points(position)),
                            "display": label,
                        }
                    }
                ],
            }
        )
    total = int(sheet.score["total"])
    items.append(
        {
            "linkId": instrument.loinc_total or "total",
            "text": f"{instrument.title} total score",
            "answer": [{"valueInteger": total}],
        }
    )
    if instrument.loinc_panel:
        questionnaire = f"{LOINC}/q/{instrument.loinc_panel}"
        tag = {"system": LOINC, "code": instrument.loinc_panel, "display": instrument.name}
    else:
        questionnaire = f"{OWN_SYSTEM}/{instrument.code}|{sheet.instrument_version}"
        tag = {"system": OWN_SYSTEM, "code": instrument.code, "display": instrument.name}
    resource = {
        "resourceType": "QuestionnaireResponse",
        "id": f"measure-{sheet.id}",
        "meta": {"tag": [tag]},
        "questionnaire": questionnaire,
        "status": "completed",
        "authored": sheet.submitted_at.isoformat(),
        "subject": {"identifier": {"system": f"{OWN_SYSTEM}/person", "value": str(sheet.user_id)}},
        "item": items,
    }
    validated = QuestionnaireResponse.model_validate(resource)
    return validated.model_dump(mode="json", exclude_none=True)
