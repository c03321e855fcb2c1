"""Sharing and revoking: recorded, immediate, and only by the author."""

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import JournalVisibilityChange, Visibility


def _changes(app, entry_id):
    with app.app_context():
        return db.session.execute(
            sa.select(
                JournalVisibilityChange.from_visibility, JournalVisibilityChange.to_visibility
            )
            .where(JournalVisibilityChange.entry_id == entry_id)
            .order_by(JournalVisibilityChange.id)
        ).all()


def test_share_then_revoke_is_recorded_and_immediate(world, make_entry, login_as, load_entry, app):
    entry_id = make_entry(world.a, world.case, title="Turning point")
    author, counselor, partner = login_as(world.a), login_as(world.counselor), login_as(world.b)
    assert counselor.get(f"/caseload/journal/{entry_id}").status_code == 404

    author.post(f"/me/journal/{entry_id}/visibility", data={"visibility": "counselor_and_partner"})
    assert load_entry(entry_id)["shared_at"] is not None
    assert counselor.get(f"/caseload/journal/{entry_id}").status_code == 200
    assert partner.get(f"/me/journal/shared/{entry_id}").status_code == 200
    assert "Turning point" in counselor.get("/caseload/journal").get_data(as_text=True)

    author.post(f"/me/journal/{entry_id}/visibility", data={"visibility": "counselor"})
    assert partner.get(f"/me/journal/shared/{entry_id}").status_code == 404
    assert counselor.get(f"/caseload/journal/{entry_id}").status_code == 200

    author.post(f"/me/journal/{entry_id}/visibility", data={"visibility": "private"})
    assert counselor.get(f"/caseload/journal/{entry_id}").status_code == 404
    assert "Turning point" not in counselor.get("/caseload/journal").get_data(as_text=True)
    assert load_entry(entry_id)["shared_at"] is None
    assert _changes(app, entry_id) == [
        (Visibility.PRIVATE, Visibility.COUNSELOR_AND_PARTNER),
        (Visibility.COUNSELOR_AND_PARTNER, Visibility.COUNSELOR),
        (Visibility.COUNSELOR, Visibility.PRIVATE),
    ]


def test_same_visibility_records_nothing(world, make_entry, login_as, app):
    entry_id = make_entry(world.a, world.case)
    login_as(world.a).post(f"/me/journal/{entry_id}/visibility", data={"visibility": "private"})
    assert _changes(app, entry_id) == []


@pytest.mark.parametrize("value", ["public", "", "admin"])
def test_unknown_visibility_changes_nothing(world, make_entry, login_as, load_entry, value):
    entry_id = make_entry(world.a, world.case)
    response = login_as(world.a).post(
        f"/me/journal/{entry_id}/visibility", data={"visibility": value}
    )
    assert response.status_code == 302
    assert load_entry(entry_id)["visibility"] is Visibility.PRIVATE


def test_extra_fields_never_change_owner_case_or_status(world, make_entry, login_as, app):
    from app.models import JournalEntry, ResponseStatus

    entry_id = make_entry(world.a, world.case, status=ResponseStatus.SUBMITTED)
    login_as(world.a).post(
        f"/me/journal/{entry_id}/edit",
        data={
            "body": "changed",
            "version": "1",
            "author_id": str(world.b.id),
            "case_id": str(world.other_case.id),
            "visibility": "counselor_and_partner",
            "status": "draft",
        },
    )
    with app.app_context():
        e = db.session.get(JournalEntry, entry_id)
        assert (e.author_id, e.case_id, e.visibility, e.status) == (
            world.a.id,
            world.case.id,
            Visibility.PRIVATE,
            ResponseStatus.SUBMITTED,
        )
        assert e.body == "changed"
