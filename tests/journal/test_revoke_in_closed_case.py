"""Revoking always works: in a closed case the author can still narrow who reads an entry, and
readers lose it at once; only a wider audience is refused (issue security, item 2)."""

import pytest

from app.extensions import db
from app.models import Case, CaseStatus, Visibility

SHARED = Visibility.COUNSELOR_AND_PARTNER


def _close(app, case_id: int) -> None:
    with app.app_context():
        db.session.get(Case, case_id).status = CaseStatus.CLOSED
        db.session.commit()


@pytest.mark.parametrize(
    ("narrower", "partner_keeps", "counselor_keeps"),
    [(Visibility.PRIVATE, False, False), (Visibility.COUNSELOR, False, True)],
)
def test_author_narrows_an_entry_of_a_closed_case(
    world, app, login_as, make_entry, load_entry, narrower, partner_keeps, counselor_keeps
):
    entry_id = make_entry(world.a, world.case, visibility=SHARED, title="Taken back")
    partner, counselor = login_as(world.b), login_as(world.counselor)
    assert partner.get(f"/me/journal/shared/{entry_id}").status_code == 200
    assert counselor.get(f"/caseload/journal/{entry_id}").status_code == 200
    _close(app, world.case.id)

    response = login_as(world.a).post(
        f"/me/journal/{entry_id}/visibility", data={"visibility": narrower.value}
    )

    assert response.status_code == 302
    assert load_entry(entry_id)["visibility"] is narrower
    assert (partner.get(f"/me/journal/shared/{entry_id}").status_code == 200) is partner_keeps
    assert (counselor.get(f"/caseload/journal/{entry_id}").status_code == 200) is counselor_keeps
    assert ("Taken back" in partner.get("/me/journal/shared").get_data(as_text=True)) is (
        partner_keeps
    )


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (Visibility.PRIVATE, Visibility.COUNSELOR),
        (Visibility.COUNSELOR, Visibility.COUNSELOR_AND_PARTNER),
    ],
)
def test_a_closed_case_refuses_a_wider_audience(
    world, app, login_as, make_entry, load_entry, before, after
):
    entry_id = make_entry(world.a, world.case, visibility=before)
    _close(app, world.case.id)
    response = login_as(world.a).post(
        f"/me/journal/{entry_id}/visibility", data={"visibility": after.value}
    )
    assert response.status_code == 409
    assert load_entry(entry_id)["visibility"] is before


@pytest.mark.parametrize(
    ("current", "offered"),
    [
        (Visibility.COUNSELOR_AND_PARTNER, {"private", "counselor", "counselor_and_partner"}),
        (Visibility.COUNSELOR, {"private", "counselor"}),
        (Visibility.PRIVATE, set()),
    ],
)
def test_entry_page_of_a_closed_case_offers_only_narrower_audiences(
    world, app, login_as, make_entry, current, offered
):
    entry_id = make_entry(world.a, world.case, visibility=current)
    _close(app, world.case.id)
    page = login_as(world.a).get(f"/me/journal/{entry_id}").get_data(as_text=True)
    shown = {v.value for v in Visibility if f'type="radio" value="{v.value}"' in page}
    assert shown == offered
    assert (f'action="/me/journal/{entry_id}/visibility"' in page) is bool(offered)
