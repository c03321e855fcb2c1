"""The queue as the consumer sees it: ``huey_consumer app.tasks.consumer.huey``.

Builds the app from the same configuration as the web server (instance/config.py and the
environment), so both agree on the database, the keys and the queue.
"""

import contextlib

from app import create_app
from app.pdf import PdfError, warm_up

app = create_app()
huey = app.extensions["huey"]


@huey.on_startup()
def _warm_render_worker() -> None:
    # One warm render process per consumer worker: the first PDF is then as fast as the rest.
    with app.app_context(), contextlib.suppress(PdfError):
        warm_up(background=True)
