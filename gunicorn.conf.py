"""Production gunicorn settings: a few sync workers on a preloaded app."""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
worker_class = "sync"
preload_app = True
timeout = 60
graceful_timeout = 30
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
# The default format logs the request line and the referrer, query strings included, and a
# query string can hold what someone typed (a search word). %(U)s is the path alone.
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms "%(a)s"'
# A private calendar feed's token is in its path: the logger writes it masked.
logger_class = "app.access_log.MaskedGunicornLogger"
