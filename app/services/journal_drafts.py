"""Unsaved edits of shared journal entries, kept on the server for their author alone.

When others can read an entry, autosave must not publish half-typed text to them; nor may the
edit wait in the browser, where the next person on a shared device could read it after
sign-out (security issue 19.8). It waits here, encrypted like all client writing, until the
author presses Save. Functions flush; the view commits.
"""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.models import JournalEntry, ServerDraft, User

#: The editor fields a kept edit holds.
FIELDS = ("title", "body", "mood", "tags")


def kept_edit(entry: JournalEntry, author: User) -> ServerDraft | None:
    """The author's kept edit of ``entry``, if any (nobody else's is ever returned)."""
    return db.session.scalar(
        sa.select(ServerDraft).where(
            ServerDraft.entry_id == entry.id, ServerDraft.owner_id == author.id
        )
    )


def keep_edit(
    entry: JournalEntry, author: User, *, seq: int, fields: dict[str, str], base_version: int
) -> bool:
    """Keep the author's newest edit; False (and nothing changes) for an older save."""
    draft = kept_edit(entry, author)
    if draft is None:
        draft = ServerDraft(entry_id=entry.id, owner_id=author.id, seq=0)
        db.session.add(draft)
    elif seq <= draft.seq:
        return False
    draft.seq = seq
    draft.base_version = base_version
    draft.fields = {name: fields.get(name, "") for name in FIELDS}
    db.session.flush()
    return True


def forget_saved_edit(entry: JournalEntry, author: User, *, editor_seq: int | None) -> None:
    """After Save: forget the kept edit unless it holds something newer than what was saved.

    It is superseded when it says what was saved, or when the saving editor had made it or a
    later edit (``editor_seq``). An edit kept from another tab, newer and different, stays:
    its editor will meet the conflict page rather than lose it.
    """
    draft = kept_edit(entry, author)
    if draft is None:
        return
    fields = draft.fields or {}
    same_text = fields.get("title", "").strip() == (entry.title or "") and fields.get(
        "body", ""
    ) == (entry.body or "")
    if same_text or (editor_seq is not None and draft.seq <= editor_seq):
        db.session.delete(draft)
        db.session.flush()


def drop_kept_edit(entry: JournalEntry, author: User) -> None:
    """Forget the author's kept edit of ``entry`` (they discarded it)."""
    db.session.execute(
        sa.delete(ServerDraft).where(
            ServerDraft.entry_id == entry.id, ServerDraft.owner_id == author.id
        )
    )
