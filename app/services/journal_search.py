"""Search over encrypted journal text: a keyed blind index of words, tags and the mood.

On every save the entry's ``JournalSearchTerm`` rows are replaced by keyed hashes of its
normalised words and tags (and ``mood:N``), and a query is hashed the same way. The database
never holds a searchable word in plain text; a search matches whole words only.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

import sqlalchemy as sa

from app.crypto import keyring
from app.extensions import db
from app.models import JournalEntry, JournalSearchTerm

MAX_TAGS = 20
MAX_TAG_LENGTH = 40
MAX_TERMS = 2_000
MAX_QUERY_WORDS = 8
_SPLIT = re.compile(r"[\W_]+")


def normalise_words(text: str | None) -> list[str]:
    """Casefolded NFKC words of two letters or more, in order of first appearance."""
    if not text:
        return []
    folded = unicodedata.normalize("NFKC", text).casefold()
    seen: dict[str, None] = {}
    for word in _SPLIT.split(folded):
        if len(word) > 1:
            seen.setdefault(word, None)
    return list(seen)


def normalise_tag(tag: str) -> str:
    """One tag as it is compared: NFKC, casefolded, inner spaces collapsed."""
    return " ".join(unicodedata.normalize("NFKC", tag).casefold().split())


def parse_tags(text: str | None) -> list[str]:
    """Tags from a comma-separated field, trimmed, without duplicates."""
    tags: dict[str, str] = {}
    for raw in (text or "").split(","):
        tag = " ".join(raw.split())[:MAX_TAG_LENGTH]
        if tag:
            tags.setdefault(normalise_tag(tag), tag)
    return list(tags.values())[:MAX_TAGS]


def search_hashes(
    words: Iterable[str], tags: Iterable[str] = (), mood: int | None = None
) -> set[bytes]:
    """Blind-index hashes of words, (prefixed) tags and the mood."""
    ring = keyring()
    hashes = {ring.blind_index(w) for w in words}
    hashes |= {ring.blind_index("tag:" + normalise_tag(t)) for t in tags if normalise_tag(t)}
    if mood:
        hashes.add(ring.blind_index(f"mood:{int(mood)}"))
    return hashes


def index_entry(entry: JournalEntry) -> None:
    """Replace the entry's search terms with hashes of its current words and tags."""
    words = normalise_words(f"{entry.title or ''}\n{entry.body or ''}")[:MAX_TERMS]
    hashes = search_hashes(words, entry.tags or [], entry.mood)
    db.session.execute(sa.delete(JournalSearchTerm).where(JournalSearchTerm.entry_id == entry.id))
    if hashes:
        db.session.execute(
            sa.insert(JournalSearchTerm), [{"entry_id": entry.id, "term": h} for h in hashes]
        )


def matching_entries(
    text: str | None, tag: str | None, mood: int | None = None
) -> sa.Select[int] | None:
    """Ids of entries with every query word, the tag and the mood, or None without terms."""
    hashes = search_hashes(normalise_words(text)[:MAX_QUERY_WORDS], [tag] if tag else [], mood)
    if not hashes:
        return None
    return (
        sa.select(JournalSearchTerm.entry_id)
        .where(JournalSearchTerm.term.in_(hashes))
        .group_by(JournalSearchTerm.entry_id)
        .having(sa.func.count(JournalSearchTerm.term) == len(hashes))
    )
