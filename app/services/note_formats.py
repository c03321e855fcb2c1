"""Switching a draft session note to another format without losing a word.

Kept apart from ``app.services.sessions`` (which stays under 400 lines); the route
``sessions.note_format`` saves what was typed first, then calls ``switch_format``.
"""

from __future__ import annotations

import re

from app.extensions import db
from app.models import NoteFormat, SessionNote
from app.services.sessions import (
    NOTE_FORMATS,
    SECTION_MAX,
    SessionRuleError,
    _require_draft,
    note_sections,
)


def switch_format(note: SessionNote, fmt: NoteFormat) -> tuple[list[str], str]:
    """Write a draft note in another format from now on; no text written is lost.

    Sections both formats share (Assessment, Plan) keep their text. Text of a section the new
    format lacks moves, under a line with its old heading ("Subjective:"), into the first
    section that is new to the note, so the counselor sees it instead of finding it gone.
    Switching back splits it out again at those heading lines. Returns the labels of the
    sections whose text moved and the label of the section it moved into.
    """
    _require_draft(note)
    old, new = note_sections(note.format), note_sections(NoteFormat(fmt))
    by_label = {s.label: s.key for s in new}
    target = next((s for s in new if s.key not in {o.key for o in old}), new[0])
    sections = dict(note.sections or {})
    moved: list[str] = []
    placed: dict[str, list[str]] = {}
    for section in old:
        if section.key in by_label.values():
            continue
        for label, text in _segments(section.label, sections.pop(section.key, None) or ""):
            key = by_label.get(label)
            if key is None:
                key, text = target.key, f"{label}:\n{text}"
            placed.setdefault(key, []).append(text)
            moved.append(label)
    for key, texts in placed.items():
        existing = (sections.get(key) or "").strip()
        joined = "\n\n".join(([existing] if existing else []) + texts)
        if len(joined) > SECTION_MAX:
            # Too long to move without cutting: refuse rather than lose a word.
            raise SessionRuleError(
                "The text would not fit in one section. Shorten it, then switch."
            )
        sections[key] = joined
    note.sections = sections
    note.format = NoteFormat(fmt)
    note.version += 1  # an editor still showing the old format's fields must not save over it
    db.session.flush()
    into = sorted({s.label for s in new if s.key in placed}, key=list(by_label).index)
    return moved, " and ".join(into)


_LABELS = "|".join(re.escape(s.label) for f in NOTE_FORMATS.values() for s in f)
_HEADING = re.compile(rf"^({_LABELS}):[ \t]*$", re.MULTILINE)


def _segments(label: str, text: str) -> list[tuple[str, str]]:
    """``text`` cut at heading lines ("Subjective:") that an earlier switch wrote."""
    parts = _HEADING.split(text)
    found = [(label, parts[0])] + list(zip(parts[1::2], parts[2::2], strict=True))
    return [(name, body.strip()) for name, body in found if body.strip()]
