"""The client's address, trusting forwarded headers only as far as configured."""

from flask import current_app, request


def client_address() -> str:
    """Return the caller's IP; ``X-Forwarded-For`` counts only behind a configured proxy."""
    hops = int(current_app.config.get("REKINDLE_TRUSTED_PROXIES", 0) or 0)
    if hops > 0:
        forwarded = [
            p.strip() for p in request.headers.get("X-Forwarded-For", "").split(",") if p.strip()
        ]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    return request.remote_addr or "unknown"
