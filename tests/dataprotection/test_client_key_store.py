"""The client key store file: private, atomic, and safe with several writers at once."""

from __future__ import annotations

import os
import threading

from app import client_key_store


def test_concurrent_writers_lose_no_key(app):
    def add_keys(worker: int) -> None:
        with app.app_context():
            for n in range(15):
                client_key_store.add_key(f"w{worker}-{n}", os.urandom(32))

    threads = [threading.Thread(target=add_keys, args=(w,)) for w in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    with app.app_context():
        keys = client_key_store.read_store().keys
        path = client_key_store.store_path()
    assert len(keys) == 6 * 15
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert [p.name for p in path.parent.iterdir() if p.name.endswith(".tmp")] == []


def test_a_reader_sees_another_writers_change(app):
    with app.app_context():
        assert client_key_store.read_store().keys == {}
        path = client_key_store.store_path()
        other = client_key_store.StoreContents(keys={"r1": b"x" * 40})
        path.write_text(other.to_json())  # as another process's rename would leave it
        assert set(client_key_store.read_store().keys) == {"r1"}
