"""Request ids, API keys, CORS (flask-cors), rate limits (critic/service/ratelimit.py) and security headers."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import math
import re
import time
import uuid

from flask import Flask, Response, current_app, g, request
from flask_cors import CORS
from werkzeug.routing import Rule

from critic.service.errors import ApiProblem
from critic.service.ratelimit import RateLimiter

_REQUEST_ID = re.compile(r"[A-Za-z0-9._:\-]{1,128}")
API_PREFIX = "/v1/"

API_CSP = "default-src 'none'; frame-ancestors 'none'"
PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'"
)
OFFICE_CDN = "https://appsforoffice.microsoft.com"


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and localhost."""
    if host.strip("[]").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def parse_keys(raw: str | list[str] | tuple[str, ...] | None) -> tuple[str, ...]:
    """API keys from a comma-separated string or a list."""
    items = raw.split(",") if isinstance(raw, str) else list(raw or ())
    return tuple(k.strip() for k in items if k and k.strip())


def _presented_key() -> str | None:
    auth = request.headers.get("Authorization", "")
    scheme, _, token = auth.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return request.headers.get("X-API-Key", "").strip() or None


def _key_ok(presented: str, keys: tuple[str, ...]) -> bool:
    # Compare every key in constant time so the timing does not tell which prefix matched.
    ok = False
    for key in keys:
        ok |= hmac.compare_digest(presented.encode("utf-8", "surrogateescape"), key.encode("utf-8", "surrogateescape"))
    return ok


def _is_api(path: str, rule: Rule | None) -> bool:
    """The request is for the API: its path is under /v1/, or it was routed to a /v1 view whatever its spelling."""
    return path.startswith(API_PREFIX) or (rule is not None and rule.rule.startswith(API_PREFIX.rstrip("/")))


def _before() -> None:
    incoming = request.headers.get("X-Request-ID", "")
    g.request_id = incoming if _REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
    keys: tuple[str, ...] = current_app.config["API_KEYS"]
    if not keys or request.method == "OPTIONS" or not _is_api(request.path, request.url_rule):
        return
    presented = _presented_key()
    if presented is None or not _key_ok(presented, keys):
        raise ApiProblem(
            401,
            "Unauthorized",
            "a valid API key is required (Authorization: Bearer <key> or X-API-Key)",
            "unauthorized",
            headers={"WWW-Authenticate": 'Bearer realm="critic"'},
        )
    g.api_key_id = hashlib.sha256(presented.encode("utf-8", "surrogateescape")).hexdigest()[:16]


def page_csp(path: str) -> str:
    """The Content-Security-Policy of an HTML page: 'self' scripts, plus office.js for the Outlook pages."""
    if path.startswith("/addin/outlook/"):
        return PAGE_CSP.replace("script-src 'self'", f"script-src 'self' {OFFICE_CDN}")
    return PAGE_CSP


def _after(resp: Response) -> Response:
    resp.headers["X-Request-ID"] = g.get("request_id") or uuid.uuid4().hex
    resp.headers.setdefault("X-Content-Type-Options", "nosniff")
    resp.headers.setdefault("Referrer-Policy", "no-referrer")
    path = request.path
    framed = path.startswith(("/panel/", "/addin/"))
    if resp.mimetype == "text/html":
        resp.headers.setdefault("Content-Security-Policy", page_csp(path))
    elif not framed:
        resp.headers.setdefault("Content-Security-Policy", API_CSP)
    if not framed:
        # Outlook on the web hosts the task pane in an iframe, so only non-add-in pages refuse framing.
        resp.headers.setdefault("X-Frame-Options", "DENY")
    if path.startswith(API_PREFIX):
        resp.headers.setdefault("Cache-Control", "no-store")
    if resp.status_code != 429:
        resp.headers.pop("Retry-After", None)  # it only means something on a 429
    return resp


def rate_key() -> str:
    """Rate limits apply per API key when one was presented, else per client address."""
    return f"key:{g.api_key_id}" if g.get("api_key_id") else f"ip:{request.remote_addr or '?'}"


def _limit() -> None:
    limiter: RateLimiter | None = current_app.extensions.get("critic_limiter")
    if limiter is None or request.method == "OPTIONS" or not _is_api(request.path, request.url_rule):
        return
    allowed, left, end = limiter.hit(rate_key())
    g.rate_window = (limiter.item.amount, left, end)
    if not allowed:
        raise ApiProblem(
            429,
            "Too Many Requests",
            f"rate limit exceeded ({limiter}); retry later",
            "rate-limited",
            headers={"Retry-After": str(max(1, math.ceil(end - time.time())))},
        )


def _rate_headers(resp: Response) -> Response:
    window = g.get("rate_window")
    if window is not None:
        amount, left, end = window
        resp.headers["X-RateLimit-Limit"] = str(amount)
        resp.headers["X-RateLimit-Remaining"] = str(left)
        resp.headers["X-RateLimit-Reset"] = str(int(end))
    return resp


def install(app: Flask) -> None:
    """Wire request ids, keys, headers, CORS and the rate limiter into `app`."""
    app.before_request(_before)
    app.after_request(_after)  # registered first, so it runs after flask-cors' and the limiter's header hooks
    origins = app.config["CORS_ORIGINS"]
    if origins:
        CORS(
            app,
            resources={r"/v1/*": {"origins": list(origins)}},
            allow_headers=["Content-Type", "Authorization", "X-API-Key", "X-Request-ID"],
            expose_headers=[
                "X-Request-ID",
                "Retry-After",
                "X-RateLimit-Limit",
                "X-RateLimit-Remaining",
                "X-RateLimit-Reset",
            ],
            methods=["POST", "OPTIONS"],
            max_age=600,
        )
    # One budget per key (or address) across the whole API; probes, docs and the panel's files are not limited.
    # With Redis the counters are shared by every worker and replica; if Redis goes away, each process counts
    # in memory until it is back and errors never refuse a request (critic/service/ratelimit.py).
    enabled = app.config.get("RATELIMIT_ENABLED", True)
    app.extensions["critic_limiter"] = (
        RateLimiter(app.config["RATE_LIMIT"], app.config.get("REDIS_URL")) if enabled else None
    )
    app.before_request(_limit)
    app.after_request(_rate_headers)
