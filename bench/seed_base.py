"""What every part of the fixture generator shares: its ids, writer, keyring and data keys,
encryption as the models do it, the writing pool, and accounts with the bench password.
"""

from __future__ import annotations

import json
import random
from datetime import datetime
from typing import Any

from app.crypto import keyring
from app.data_keys import new_data_key_row, seal_with_data_key
from app.models import (
    ClientDataKey,
    ExerciseKind,
    NoteFormat,
    Role,
    User,
)
from bench.seed_shape import BENCH_PASSWORD, SEED, Shape, _sentences
from bench.seed_writer import Ids, Writer


class GeneratorBase:
    """The state and helpers the fixture's parts (modules, cases, sessions, ...) build on."""

    def __init__(self, shape: Shape, now: datetime) -> None:
        self.shape = shape
        self.now = now
        self.ids = Ids()
        self.out = Writer()
        self.ring = keyring()
        self.pool = _sentences(random.Random(SEED), 3000)
        self.password_hash = _password_hash()
        self.exercises: list[list[tuple[int, ExerciseKind]]] = []
        self.versions: list[int] = []
        self.modules_ids: list[int] = []
        self.data_keys: dict[int, tuple[int, bytes]] = {}

    def enc(
        self,
        table: str,
        name: str,
        row_id: int,
        value: Any,
        *,
        as_json: bool = False,
        owner: int | None = None,
    ) -> bytes:
        """Encrypt like ``EncryptedText`` does for ``table.name`` of the row ``row_id``.

        ``owner``: the client whose writing it is, encrypted under their data key.
        """
        text = json.dumps(value, ensure_ascii=False) if as_json else str(value)
        aad = f"{table}.{name}#{row_id}".encode()
        if owner is None:
            return self.ring.encrypt(text.encode(), aad)
        if owner not in self.data_keys:
            key_id = self.ids.take("client_data_keys")
            data_key, row = new_data_key_row(key_id)
            self.out.add(ClientDataKey, user_id=owner, created_at=self.now, **row)
            self.data_keys[owner] = (key_id, data_key)
        return seal_with_data_key(aad, text.encode(), *self.data_keys[owner])

    def text(self, rng: random.Random, low: int, high: int) -> str:
        """A few paragraphs of plausible writing, between ``low`` and ``high`` sentences."""
        count = rng.randint(low, high)
        sentences = [self.pool[rng.randrange(len(self.pool))] for _ in range(count)]
        paragraphs = [" ".join(sentences[i : i + 5]) for i in range(0, len(sentences), 5)]
        return "\n\n".join(paragraphs)

    def user(self, email: str, name: str, role: Role, created: datetime) -> int:
        """One account with the shared bench password."""
        uid = self.ids.take("users")
        self.out.add(
            User,
            id=uid,
            email=email,
            name=name,
            role=role.value,
            password_hash=self.password_hash,
            active=True,
            note_format=NoteFormat.SOAP.value,
            created_at=created,
        )
        return uid


def _password_hash() -> str:
    from app.auth.passwords import hash_password

    return hash_password(BENCH_PASSWORD)
