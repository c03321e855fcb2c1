"""Each of the client's own pages says the same of an answer, in the policy's words: "Sent" only
when someone besides the author can read it, "Done" when it was kept for oneself, "Draft saved"
before sending, and who can read it in the words of the choice (issue ux-pass, item 2)."""

from __future__ import annotations

import re

import pytest

from tests.modules.helpers import send

LEVELS = [
    ("private", "Done", "Only me"),
    ("counselor", "Sent", "My counselor"),
    ("counselor_and_partner", "Sent", "My counselor and my partner"),
]


def _badges(html: str) -> list[str]:
    return re.findall(r'<span class="badge [^"]*">([^<]+)</span>', html)


@pytest.mark.parametrize("level, badge, audience", LEVELS)
def test_a_sent_answer_is_described_alike_on_every_own_page(
    login_as, couple, give, level, badge, audience
):
    given = give(couple.case, [couple.a, couple.b])
    client = login_as(couple.a)
    first, *rest = given.exercise_ids
    assert (
        send(client, given.recipient_a, first, {"text": "Ours", "visibility": level}).status_code
        == 302
    )

    page = client.get(f"/me/exercises/{given.recipient_a}/{first}").get_data(as_text=True)
    heading = re.search(r'id="mine-heading">Your answer(.*?)</h2>', page, re.S)
    assert heading and _badges(heading.group(1)) == [badge]
    assert f"Who can read it: <strong>{audience}</strong>" in page

    overview = client.get(f"/me/exercises/{given.recipient_a}").get_data(as_text=True)
    assert f"Who can read it: {audience}</div>" in overview
    assert badge in _badges(overview)

    for exercise in rest:
        send(client, given.recipient_a, exercise, {"text": "More", "visibility": level})
    done = client.get(f"/me/exercises/{given.recipient_a}/all-sent").get_data(as_text=True)
    assert done.count(f">{audience}</div>") == len(given.exercise_ids)
    assert set(_badges(done)) == {badge}
    kept = "You kept every answer for yourself" in done
    assert kept is (level == "private")


def test_a_draft_says_draft_saved_and_who_will_read_it_once_sent(login_as, couple, give):
    given = give(couple.case, [couple.a, couple.b])
    client = login_as(couple.a)
    first = given.exercise_ids[0]
    send(client, given.recipient_a, first, {"text": "Half", "visibility": "private"}, draft=True)
    overview = client.get(f"/me/exercises/{given.recipient_a}").get_data(as_text=True)
    assert "Who can read it: Only me (once sent)" in overview
    assert "Draft saved" in _badges(overview)
