"""Follow every same-site link a signed-in person can reach, collecting each response."""

from __future__ import annotations

import re
from collections.abc import Iterable

HREF = re.compile(r'href="(/[^"#]*)"')
#: Links that change state or leave the app's pages (sign-out is a POST anyway).
SKIP = re.compile(r"^/(static|logout)|\.pdf|/pdfs/")


def crawl(client, start: Iterable[str], limit: int = 80) -> dict[str, str]:
    """``{url: body}`` of every page reached from ``start`` by GET links (at most ``limit``)."""
    seen: dict[str, str] = {}
    queue = list(start)
    while queue and len(seen) < limit:
        url = queue.pop(0).replace("&amp;", "&")
        if url in seen or SKIP.search(url):
            continue
        response = client.get(url)
        body = response.get_data(as_text=True)
        seen[url] = body
        if response.mimetype == "text/html":
            queue += [u for u in HREF.findall(body) if u not in seen]
    return seen
