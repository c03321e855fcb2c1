"""A date check's "today" is the practice's today, not the server's (UTC is a day off somewhere).

The two zones are 26 hours apart, so at any hour at least one of them has a different date
from UTC: a check against the server's date fails in one of the cases whatever the time.
"""

from datetime import timedelta

import pytest

from app.practice_dates import practice_today

FAR_BEHIND = "Etc/GMT+12"  # UTC-12
FAR_AHEAD = "Pacific/Kiritimati"  # UTC+14


@pytest.mark.parametrize("zone", [FAR_BEHIND, FAR_AHEAD])
@pytest.mark.parametrize("days, accepted", [(0, True), (-1, False)])
def test_a_target_date_is_judged_by_the_practice_day(
    app, login_as, couple, give, zone, days, accepted
):
    app.config["REKINDLE_TIMEZONE"] = zone
    given = give(couple.case, [couple.a, couple.b], "focus-on-personal-growth")
    with app.app_context():
        target = practice_today() + timedelta(days=days)
    response = login_as(couple.a).post(
        f"/me/exercises/{given.recipient_a}/{given.exercise_ids[2]}",
        data={
            "visibility": "counselor",
            "send": "1",
            "goal": "Pottery",
            "steps": "Sign up",
            "target_date": target.isoformat(),
        },
    )
    if accepted:
        assert response.status_code == 302
    else:
        assert response.status_code == 200
        assert "Choose today or a later date." in response.get_data(as_text=True)
