"""Long lists page by keyset (a cursor), never by OFFSET, so deep pages cost the same (T3)."""

import re

from sqlalchemy import event

from app.extensions import db
from tests.performance.conftest import a_client_of

PAGING = re.compile(r'href="(/me/journal\?[^"]*after=[^"]*)"')


def older_page_links(html: str) -> list[str]:
    """Links to the next (older) page of the client's journal."""
    return [m.replace("&amp;", "&") for m in PAGING.findall(html)]


def test_journal_pages_skip_no_rows(app, caseloads, bench_login):
    client = bench_login(a_client_of(app, caseloads[10]))
    links = older_page_links(client.get("/me/journal").get_data(as_text=True))
    assert links, "a client with 26 weeks of entries has more than one page"
    offsets = []

    def listener(conn, cursor, statement, parameters, context, executemany) -> None:
        compiled = getattr(context, "compiled", None)
        offset = getattr(getattr(compiled, "statement", None), "_offset", None)
        if offset:
            offsets.append((offset, statement))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", listener)
    try:
        assert client.get(links[-1]).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert offsets == []
