"""What the fault run's load generator saw acknowledged, and the counts it is judged by.

``bench.fault_driver`` notes every answer here; ``bench.faults`` reads the database and the
SMTP sink afterwards and asks these functions what was lost, what was sent twice, and how
long each fault kept requests failing. Kept free of I/O so the counting is tested on its own
(``tests/performance/test_fault_counts.py``).
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field

#: The calm page (or JSON) the app answers with while the database is unreachable.
UNAVAILABLE = "Rekindle is briefly unavailable"


@dataclass(frozen=True)
class Answer:
    """One request as the load generator saw it; ``status`` None: no HTTP answer at all."""

    at: float
    what: str
    status: int | None
    unavailable_page: bool = False

    @property
    def ok(self) -> bool:
        return self.status is not None and self.status < 400


@dataclass
class Ledger:
    """Every answer, and every write acknowledged to the person who made it."""

    answers: list[Answer] = field(default_factory=list)
    #: A new entry's request key -> the highest autosave sequence number acknowledged for it.
    autosaved: dict[str, int] = field(default_factory=dict)
    autosaves: int = 0  # autosave requests acknowledged
    #: Request keys of journal entries whose "Save entry" was acknowledged (303/302).
    entries_saved: set[str] = field(default_factory=set)
    #: Request keys of messages whose sending was acknowledged.
    messages_sent: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def note(self, answer: Answer) -> None:
        with self.lock:
            self.answers.append(answer)

    def autosave_acknowledged(self, key: str, seq: int) -> None:
        with self.lock:
            self.autosaved[key] = max(seq, self.autosaved.get(key, 0))
            self.autosaves += 1

    def entry_acknowledged(self, key: str) -> None:
        with self.lock:
            self.entries_saved.add(key)

    def message_acknowledged(self, key: str) -> None:
        with self.lock:
            self.messages_sent.add(key)


@dataclass(frozen=True)
class Found:
    """What the database holds afterwards, by request key."""

    draft_seq: dict[str, int]  # journal entry request key -> its draft_seq
    submitted: set[str]  # request keys of submitted (saved) journal entries
    messages: set[str]  # request keys of messages


def lost(ledger: Ledger, found: Found) -> dict[str, int]:
    """Acknowledged writes that the database does not hold."""
    drafts = [
        key
        for key, seq in ledger.autosaved.items()
        if key not in ledger.entries_saved and found.draft_seq.get(key, -1) < seq
    ]
    entries = [key for key in ledger.entries_saved if key not in found.submitted]
    messages = [key for key in ledger.messages_sent if key not in found.messages]
    return {
        "autosaves acknowledged": ledger.autosaves,
        "drafts lost": len(drafts),
        "entries acknowledged": len(ledger.entries_saved),
        "entries lost": len(entries),
        "messages acknowledged": len(ledger.messages_sent),
        "messages lost": len(messages),
    }


def duplicates(sent_message_ids: list[str], received_message_ids: list[str]) -> dict[str, int]:
    """Notification e-mails received more than once, and sent rows never received."""
    received = Counter(received_message_ids)
    return {
        "notifications sent (outbox)": len(sent_message_ids),
        "e-mails received": sum(received.values()),
        "received twice or more": sum(n - 1 for n in received.values() if n > 1),
        "outbox rows sharing a Message-ID": len(sent_message_ids) - len(set(sent_message_ids)),
        "sent but never received": len(set(sent_message_ids) - set(received)),
    }


@dataclass(frozen=True)
class Fault:
    """A fault put on the system from ``start`` to ``end`` (monotonic seconds)."""

    name: str
    start: float
    end: float


def effects(answers: list[Answer], faults: list[Fault]) -> list[dict[str, object]]:
    """Per fault: the requests that failed from its start to the next fault's, and recovery.

    Recovery is the time from the fault's start to the first good answer after the last failed
    one (0 when nothing failed): service resumed by itself from then on.
    """
    ordered = sorted(answers, key=lambda a: a.at)
    rows: list[dict[str, object]] = []
    for index, fault in enumerate(faults):
        until = faults[index + 1].start if index + 1 < len(faults) else float("inf")
        window = [a for a in ordered if fault.start <= a.at < until]
        failed = [a for a in window if not a.ok]
        recovery = 0.0
        if failed:
            last = failed[-1].at
            after = next((a.at for a in window if a.ok and a.at > last), None)
            recovery = (after if after is not None else last) - fault.start
        rows.append(
            {
                "fault": fault.name,
                "requests": len(window),
                "failed": len(failed),
                "503 page": sum(1 for a in failed if a.status == 503 and a.unavailable_page),
                "no answer": sum(1 for a in failed if a.status is None),
                "other": sum(
                    1
                    for a in failed
                    if a.status is not None and not (a.status == 503 and a.unavailable_page)
                ),
                "recovered after s": round(recovery, 1),
                "recovered": not failed or any(a.ok and a.at > failed[-1].at for a in window),
            }
        )
    return rows
