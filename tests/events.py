"""Listening to SQLAlchemy events for the length of a ``with`` block."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa


@contextmanager
def listening(target: Any, **handlers: Callable[..., None]) -> Iterator[None]:
    """``handlers`` (event name → function) listen on ``target`` inside the block only."""
    for name, handler in handlers.items():
        sa.event.listen(target, name, handler)
    try:
        yield
    finally:
        for name, handler in handlers.items():
            sa.event.remove(target, name, handler)
