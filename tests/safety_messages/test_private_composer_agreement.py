"""The private thread's composer names the case's confidentiality agreement before writing."""

from __future__ import annotations

import pytest

from app.models import ConfidentialityPolicy
from tests.messages.conftest import threads_of

REMINDER = "may be brought into your joint sessions"


@pytest.fixture
def b_pages(app, factory, login_as, intake):
    def pages(policy: ConfidentialityPolicy | None) -> tuple[str, str]:
        from app.models import CaseStatus

        counselor = factory.counselor(name="Dana Counselor")
        a = factory.client(name="Alex Rivers")
        b = factory.client(name="Sam Rivers")
        case = factory.case(counselor, [a, b], status=CaseStatus.INTAKE, label="Rivers")
        if policy is not None:
            intake.set_policy(case, counselor, policy)
        login_as(counselor).get(f"/cases/{case.id}/messages")
        threads = threads_of(app, case.id)
        http = login_as(b)
        private = http.get(f"/messages/{threads[f'private-{b.id}']}").get_data(as_text=True)
        joint = http.get(f"/messages/{threads['joint']}").get_data(as_text=True)
        return private, joint

    return pages


def test_no_secrets_reminds_before_writing(b_pages):
    private, joint = b_pages(ConfidentialityPolicy.NO_SECRETS)
    assert REMINDER in private and "No secrets" in private
    # The reminder sits in the composer, before the text box.
    assert private.index(REMINDER) < private.index('name="body"')
    assert REMINDER not in joint


@pytest.mark.parametrize(
    ("policy", "words"),
    [
        (ConfidentialityPolicy.SECRETS_KEPT, "never reaches your partner or your joint sessions"),
        (ConfidentialityPolicy.LIMITED_SECRETS, "only if you agree"),
        (None, "never reaches your partner or your joint sessions"),
    ],
)
def test_other_agreements_say_it_stays_private(b_pages, policy, words):
    private, joint = b_pages(policy)
    assert "Only you and Dana Counselor" in private
    assert "stays between you and Dana Counselor" in private and words in private
    assert REMINDER not in private
    assert "stays between you" not in joint
