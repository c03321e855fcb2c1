"""Kinds of notification: what each says, where it links, and when it still holds.

Each feature registers its kinds once, at import time (``app/<feature>/notifications.py``)::

    register_kind(NotificationKind(
        code="message.new", audience="client", title="You have a new message",
        link=lambda n: url_for("messages.thread", case_id=n.case_id),
        still_relevant=lambda n: policy.messages.may_know(n),
    ))

The title is fixed text: it never carries clinical content or the other partner's name, so
the in-app list and every e-mail can show it without asking anything more.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from app.models import Notification

Audience = Literal["client", "counselor", "admin"]
Timing = Literal["immediate", "digest"]
AUDIENCES: tuple[Audience, ...] = ("client", "counselor", "admin")
TIMINGS: tuple[Timing, ...] = ("immediate", "digest")


@dataclass(frozen=True)
class NotificationKind:
    """One kind of notification (``code`` is ``"<feature>.<event>"``)."""

    code: str
    audience: Audience
    #: In-app text and e-mail line: NO clinical content, NO other partner's name.
    title: str
    #: Where the in-app item and the e-mail link go (a path, built with ``url_for``).
    link: Callable[[Notification], str]
    #: Asked right before delivery (and must ask ``app.policy``): False cancels the row.
    still_relevant: Callable[[Notification], bool]
    default_timing: Timing = "immediate"
    can_switch_off: bool = True  # False for safety flags
    bypass_quiet_hours: bool = False  # True only for the 2-hour session reminder / safety flags
    #: What the preferences page calls it ("A new assignment"); the title when empty.
    label: str = ""
    #: Internal kinds (the digest e-mail itself) are neither listed in-app nor in preferences.
    internal: bool = False

    def __post_init__(self) -> None:
        if self.audience not in AUDIENCES:
            raise ValueError(f"unknown audience {self.audience!r}")
        if self.default_timing not in TIMINGS:
            raise ValueError(f"unknown timing {self.default_timing!r}")
        if "." not in self.code or len(self.code) > 64:
            raise ValueError(f"kind codes are '<feature>.<event>' (≤64 chars): {self.code!r}")

    @property
    def name(self) -> str:
        """How the preferences page names the kind."""
        return self.label or self.title


_kinds: dict[str, NotificationKind] = {}


def register_kind(kind: NotificationKind) -> NotificationKind:
    """Make ``kind`` known; registering the same code again replaces it (module reloads)."""
    _kinds[kind.code] = kind
    return kind


def get_kind(code: str) -> NotificationKind:
    """The registered kind ``code`` (KeyError for an unknown one: a programming error)."""
    try:
        return _kinds[code]
    except KeyError:
        raise KeyError(f"notification kind {code!r} is not registered") from None


def find_kind(code: str) -> NotificationKind | None:
    """The registered kind ``code``, or None (rows of a kind since removed)."""
    return _kinds.get(code)


def kinds_for(audience: str) -> list[NotificationKind]:
    """The kinds a person of ``audience`` may choose about, in registration order."""
    return [k for k in _kinds.values() if k.audience == audience and not k.internal]


def all_kinds() -> list[NotificationKind]:
    """Every registered kind."""
    return list(_kinds.values())
