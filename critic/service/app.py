"""The Flask application factory: configuration, the API, docs, health, metrics, security and static files."""

from __future__ import annotations

import logging
import os
import time
from typing import Any

from flask import Blueprint, Flask, Response, current_app, g, request

import critic.llm as llm_stage
from critic.model import Draft
from critic.pipeline import heuristic_critique, warm_up
from critic.service import addin_api, api, errors, gate, openapi, security, static
from critic.service.fastjson import FastJSONProvider, dumps_bytes
from critic.service.metrics import Metrics

access_log = logging.getLogger("critic.access")
ops = Blueprint("ops", __name__)
DEFAULT_MAX_BYTES = 100 * 1024
DEFAULT_RATE_LIMIT = "600/minute"
RATE_LIMIT_OFF = frozenset({"off", "none", "0"})
_WARM_DRAFT = Draft(subject="Quick question", body="Hi Sam, I read your post on hiring. Would a short note help?")


class CriticFlask(Flask):
    """Flask with orjson for every JSON response (critic/service/fastjson.py)."""

    json_provider_class = FastJSONProvider


def settings_from_env(env: dict[str, str] | None = None) -> dict[str, Any]:
    """Configuration from CRITIC_* environment variables."""
    env = dict(os.environ if env is None else env)
    rate_limit = (env.get("CRITIC_RATE_LIMIT") or DEFAULT_RATE_LIMIT).strip()
    # "off" when the load balancer enforces the limits (counting costs ~0.03 ms of CPU per request, 0.25 ms on Redis).
    limited = rate_limit.lower() not in RATE_LIMIT_OFF
    return {
        "MAX_CONTENT_LENGTH": int(env.get("CRITIC_MAX_BYTES") or DEFAULT_MAX_BYTES),
        "API_KEYS": env.get("CRITIC_API_KEYS", ""),
        "CORS_ORIGINS": env.get("CRITIC_CORS_ORIGINS", ""),
        "RATE_LIMIT": rate_limit if limited else DEFAULT_RATE_LIMIT,
        "RATELIMIT_ENABLED": limited,
        "ADDIN_DIR": str(static.default_addin_dir()),
        "REDIS_URL": (env.get("CRITIC_REDIS_URL") or "").strip() or None,
        # Checking every response against its schema costs CPU on each request: tests turn it on, production off.
        "VALIDATE_RESPONSES": (env.get("CRITIC_VALIDATE_RESPONSES") or "").strip().lower() in ("1", "true", "yes"),
        "ENGINE_CONCURRENCY": gate.width_from_env(env),
    }


def _json(data: Any, status: int = 200) -> Response:
    return Response(dumps_bytes(data), status=status, mimetype="application/json")


@ops.get("/healthz")
def healthz() -> Response:
    """Liveness: the process answers."""
    return _json({"status": "ok"})


@ops.get("/readyz")
def readyz() -> Response:
    """Readiness: the engine is warm; reports the LLM backend's state and the shared state's (Redis)."""
    try:
        state = dict(llm_stage.backend_state())
    except Exception as exc:  # noqa: BLE001 - readiness reports, it does not crash
        state = {"error": type(exc).__name__}
    ready = bool(current_app.config.get("WARMED"))
    body: dict[str, Any] = {"status": "ready" if ready else "not ready", "llm": state}
    if current_app.config.get("REDIS_URL"):
        # Still ready without Redis: heuristics always answer, the LLM step without the shared cache.
        body["shared"] = llm_stage.shared_state(probe=True)
    return _json(body, 200 if ready else 503)


def _access_log(resp: Response) -> Response:
    # Method, path, status, time and request id only: never the body, the query string or headers.
    started = g.get("started")
    ms = (time.perf_counter() - started) * 1000 if started else 0.0
    access_log.info(
        "%s %s %s %.1fms request_id=%s", request.method, request.path[:200], resp.status_code, ms, g.get("request_id")
    )
    return resp


def _warm(app: Flask) -> None:
    """Load the rules, lexicon and config now so the first request is not slow (and a bad config fails here)."""
    heuristic_critique(_WARM_DRAFT)
    warm_up()  # everything loaded now, before `critic serve` forks its workers (which then share it)
    app.config["WARMED"] = True


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the service; `config` overrides the CRITIC_* environment settings."""
    app = CriticFlask(__name__, static_folder=None)
    app.config.update(settings_from_env())
    app.config.update({"WARM": True, "BIND_HOST": None, "WARMED": False})
    app.config.update(config or {})
    app.config["API_KEYS"] = security.parse_keys(app.config["API_KEYS"])
    app.config["CORS_ORIGINS"] = security.parse_keys(app.config["CORS_ORIGINS"])
    host = app.config["BIND_HOST"]
    if host and not security.is_loopback(host) and not app.config["API_KEYS"]:
        raise RuntimeError(f"refusing to serve on {host} without API keys: set CRITIC_API_KEYS")

    metrics = Metrics()
    metrics.install(app)  # first, so every request is timed, refused ones included
    security.install(app)
    app.after_request(_access_log)
    errors.register(app)
    for blueprint in (api.bp, ops, openapi.bp, static.bp, addin_api.bp):
        app.register_blueprint(blueprint)
    app.extensions["critic_metrics"] = metrics
    app.extensions["critic_gate"] = gate.FifoGate(app.config["ENGINE_CONCURRENCY"])
    if app.config["WARM"]:
        _warm(app)
    else:
        app.config["WARMED"] = True
    return app
