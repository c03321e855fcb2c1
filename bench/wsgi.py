"""The benchmark's entry point: ``gunicorn bench.wsgi:app`` and ``flask --app bench.wsgi``."""

from bench.app import create_bench_app

app = create_bench_app()
