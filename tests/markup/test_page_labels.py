"""Every label on the case and session pages names a form control (axe misses this)."""

import pytest

from tests.browser.html_checks import dangling_labels
from tests.sessions.conftest import SessionBuilder


@pytest.fixture
def pages(app, factory, login_as):
    counselor = factory.counselor()
    case, a, b = factory.couple(counselor)
    session_id = SessionBuilder(app).session(case, attendees=[a, b])
    client = login_as(counselor)

    def get(path: str) -> str:
        response = client.get(path)
        assert response.status_code == 200
        return response.get_data(as_text=True)

    return {
        "case": get(f"/cases/{case.id}"),
        "session": get(f"/cases/{case.id}/sessions/{session_id}"),
    }


@pytest.mark.parametrize(
    ("page", "label"), [("case", "New status"), ("session", "Note for the couple")]
)
def test_labels_name_form_controls(pages, page, label):
    html = pages[page]
    assert label in html
    assert dangling_labels(html) == []
