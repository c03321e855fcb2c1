"""The fault run's counting (``bench.fault_ledger``): what counts as lost, as sent twice, and how
long a fault kept requests failing. The run itself is ``make bench-faults``; times are never
asserted here, only the arithmetic on made-up answers.
"""

from __future__ import annotations

from bench.fault_ledger import Answer, Fault, Found, Ledger, duplicates, effects, lost


def _ledger() -> Ledger:
    ledger = Ledger()
    for seq in (1, 2, 3):
        ledger.autosave_acknowledged("draft-kept", seq)
    ledger.autosave_acknowledged("draft-behind", 5)
    ledger.autosave_acknowledged("draft-missing", 1)
    ledger.autosave_acknowledged("saved-entry", 4)
    ledger.entry_acknowledged("saved-entry")
    ledger.entry_acknowledged("entry-missing")
    ledger.message_acknowledged("message-kept")
    ledger.message_acknowledged("message-missing")
    return ledger


def test_a_write_is_lost_when_the_database_lacks_what_was_acknowledged():
    found = Found(
        # "draft-kept" holds a newer save than the last acknowledged one (one whose answer was
        # lost): not a loss. "draft-behind" holds an older one: its newest acknowledged text is.
        draft_seq={"draft-kept": 4, "draft-behind": 4, "saved-entry": 1},
        # The saved entry counts as kept by being saved, whatever its draft number says.
        submitted={"saved-entry"},
        messages={"message-kept"},
    )
    assert lost(_ledger(), found) == {
        "autosaves acknowledged": 6,
        "drafts lost": 2,
        "entries acknowledged": 2,
        "entries lost": 1,
        "messages acknowledged": 2,
        "messages lost": 1,
    }


def test_nothing_is_lost_when_everything_acknowledged_is_there():
    found = Found(
        draft_seq={"draft-kept": 3, "draft-behind": 5, "draft-missing": 1},
        submitted={"saved-entry", "entry-missing"},
        messages={"message-kept", "message-missing"},
    )
    counts = lost(_ledger(), found)
    assert counts["drafts lost"] == counts["entries lost"] == counts["messages lost"] == 0


def test_an_email_received_twice_is_a_duplicate():
    counts = duplicates(["<a@x>", "<b@x>", "<c@x>"], ["<a@x>", "<b@x>", "<b@x>", "<b@x>"])
    assert counts["received twice or more"] == 2
    assert counts["sent but never received"] == 1  # <c@x>
    assert counts["outbox rows sharing a Message-ID"] == 0
    assert duplicates(["<a@x>", "<a@x>"], ["<a@x>"])["outbox rows sharing a Message-ID"] == 1


def test_each_fault_counts_its_failures_and_the_time_until_service_resumed():
    answers = [
        Answer(9.0, "page", 200),
        Answer(10.5, "page", 503, unavailable_page=True),
        Answer(11.0, "autosave", 503, unavailable_page=False),
        Answer(12.0, "page", None),
        Answer(14.0, "page", 200),
        Answer(15.0, "page", 200),
        Answer(21.0, "page", 200),  # the second fault failed nothing
        Answer(31.0, "page", None),  # the third never recovered within the run
    ]
    faults = [Fault("refused", 10.0, 15.0), Fault("reload", 20.0, 20.1), Fault("stop", 30, 31)]
    first, second, third = effects(answers, faults)
    assert first == {
        "fault": "refused",
        "requests": 5,
        "failed": 3,
        "503 page": 1,
        "no answer": 1,
        "other": 1,
        "recovered after s": 4.0,
        "recovered": True,
    }
    assert second["failed"] == 0 and second["recovered after s"] == 0.0 and second["recovered"]
    assert third["failed"] == 1 and not third["recovered"]
