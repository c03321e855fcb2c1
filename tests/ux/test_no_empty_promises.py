"""No empty promises (issue ux-pass, item 3): a private entry promises no counselor comments."""

from __future__ import annotations

import pytest

from app.models import Visibility


@pytest.mark.parametrize(
    ("visibility", "shown"),
    [
        (Visibility.PRIVATE, False),
        (Visibility.COUNSELOR, True),
        (Visibility.COUNSELOR_AND_PARTNER, True),
    ],
)
def test_comments_section_only_where_a_counselor_can_read(
    factory, login_as, build, visibility, shown
):
    counselor = factory.counselor()
    alex = factory.client()
    case = factory.case(counselor, [alex, factory.client()])
    entry_id = build.entry(case, alex, body="words", visibility=visibility)
    page = login_as(alex).get(f"/me/journal/{entry_id}").get_data(as_text=True)
    assert ("Comments from your counselor" in page) is shown
    assert ("No comments yet" in page) is shown
