"""The one error envelope: RFC 9457 problem details for every error the service answers."""

from __future__ import annotations

import logging
import traceback
from typing import Any

from flask import Flask, Response, g, request
from pydantic import ValidationError
from werkzeug.exceptions import HTTPException

from critic.service.fastjson import dumps_bytes
from critic.service.schemas import field_path

PROBLEM_JSON = "application/problem+json"
log = logging.getLogger("critic.service")

# Problem types are documented on the /docs page, so each `type` URI resolves to its explanation.
PROBLEM_TYPES: dict[str, str] = {
    "invalid-json": "The request body is not valid JSON (or nests deeper than the service accepts).",
    "invalid-utf8": "The request body is not valid UTF-8.",
    "validation": "A field is missing, empty, of the wrong type or not one of the allowed values; `errors` names it.",
    "empty-draft": "The draft has no subject and no body text to judge.",
    "unknown-rule": "A key of `rules` is not a rule id or prefix the critic knows.",
    "unauthorized": "An API key is required: send `Authorization: Bearer <key>` or `X-API-Key: <key>`.",
    "rate-limited": "Too many requests for this key or address; retry after `Retry-After` seconds.",
    "unsupported-media-type": "Send the request body as `Content-Type: application/json`.",
    "too-large": "The request body is over the service's size limit.",
    "addin-missing": "The add-in's static files are not installed on this server.",
    "internal": "An unexpected error; it was logged with the request id.",
}


class ApiProblem(Exception):
    """An error answered as a problem details object."""

    def __init__(
        self,
        status: int,
        title: str,
        detail: str = "",
        kind: str | None = None,
        errors: list[dict[str, str]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail or title)
        self.status, self.title, self.detail, self.kind = status, title, detail, kind
        self.errors, self.headers = errors, headers or {}

    def to_dict(self) -> dict[str, Any]:
        """The problem object (instance and request id filled in from the current request)."""
        return problem_dict(self.status, self.title, self.detail, self.kind, self.errors)


def problem_dict(
    status: int, title: str, detail: str = "", kind: str | None = None, errors: list[dict[str, str]] | None = None
) -> dict[str, Any]:
    """A problem details object for the current request."""
    out: dict[str, Any] = {
        "type": f"/docs#problem-{kind}" if kind else "about:blank",
        "title": title,
        "status": status,
        "detail": detail or title,
        "instance": request.path,
        "request_id": g.get("request_id"),
    }
    if errors:
        out["errors"] = errors
    return out


def problem_response(problem: ApiProblem) -> Response:
    """Serialise a problem as application/problem+json."""
    resp = Response(dumps_bytes(problem.to_dict()), status=problem.status, mimetype=PROBLEM_JSON)
    resp.headers.update(problem.headers)
    return resp


def validation_problem(exc: ValidationError, prefix: str = "") -> ApiProblem:
    """A 422 naming each invalid field (messages never echo the input)."""
    errors = [
        {"field": field_path(tuple(e["loc"]), prefix), "message": e["msg"]} for e in exc.errors(include_input=False)
    ]
    names = ", ".join(dict.fromkeys(e["field"] for e in errors))
    return ApiProblem(422, "Invalid request", f"invalid field(s): {names}", "validation", errors)


_KINDS = {401: "unauthorized", 413: "too-large", 415: "unsupported-media-type", 429: "rate-limited"}


def _http_error(exc: HTTPException) -> Response:
    status = exc.code or 500
    detail = exc.description or ""
    if status == 413:
        limit = request.max_content_length
        detail = f"the request body is over the limit of {limit} bytes" if limit else "the request body is too large"
    elif status == 429:
        detail = f"rate limit exceeded ({exc.description}); retry later"
    problem = ApiProblem(status, exc.name, detail, _KINDS.get(status))
    resp = problem_response(problem)
    for key, value in exc.get_headers():
        if key.lower() not in ("content-type", "content-length"):
            resp.headers[key] = value
    if status == 429 and "Retry-After" not in resp.headers:
        resp.headers["Retry-After"] = str(_retry_after(exc))
    return resp


def _retry_after(exc: HTTPException) -> int:
    limit = getattr(exc, "limit", None)
    try:
        return max(1, int(limit.limit.get_expiry()))  # type: ignore[union-attr]
    except Exception:  # noqa: BLE001 - the header is a hint; any failure falls back to a minute
        return 60


def _unexpected(exc: Exception) -> Response:
    # Log the type and the frames, never the exception's message or locals: they may quote the draft.
    frames = "".join(traceback.format_tb(exc.__traceback__))
    log.error(
        "unhandled %s in %s %s request_id=%s\n%s",
        type(exc).__name__,
        request.method,
        request.url_rule.rule if request.url_rule else "(unmatched)",
        g.get("request_id"),
        frames,
    )
    return problem_response(
        ApiProblem(
            500, "Internal Server Error", "an unexpected error; quote the request id when reporting it", "internal"
        )
    )


def register(app: Flask) -> None:
    """Answer every error as problem details."""
    app.register_error_handler(ApiProblem, problem_response)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected)
