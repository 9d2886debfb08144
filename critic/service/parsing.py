"""Turns a request body into a validated model, or into the problem that says what is wrong with it."""

from __future__ import annotations

import json
import re
from typing import Any, TypeVar

from flask import current_app, request
from pydantic import BaseModel, ValidationError

from critic.config import ConfigError
from critic.pipeline import request_overrides
from critic.service.errors import ApiProblem, validation_problem

M = TypeVar("M", bound=BaseModel)
JSON_TYPES = ("application/json",)
# An escaped backslash, a surrogate pair, or a lone surrogate escape (only escapes can carry surrogates into UTF-8 JSON).
_ESCAPES = re.compile(
    r"\\\\|\\u[dD][89abAB][0-9a-fA-F]{2}(?:\\u[dD][c-fC-F][0-9a-fA-F]{2})?|\\u[dD][c-fC-F][0-9a-fA-F]{2}"
)
_HAS_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def mend_surrogates(text: str) -> str:
    """JSON text with each unpaired surrogate escape replaced by \\ufffd, so every string is valid Unicode.

    One code point (and one UTF-16 unit) becomes one, so offsets into the mended text still fit the client's text.
    """
    if not _HAS_SURROGATE_ESCAPE.search(text):
        return text

    def fix(m: re.Match[str]) -> str:
        token = m.group(0)
        return token if token == "\\\\" or len(token) == 12 else "\\ufffd"

    return _ESCAPES.sub(fix, text)


def _is_json(mimetype: str) -> bool:
    return mimetype in JSON_TYPES or (mimetype.startswith("application/") and mimetype.endswith("+json"))


def read_json() -> Any:
    """The request body as JSON (415 for another media type, 413 over the limit, 400 for bad UTF-8 or JSON)."""
    if not _is_json(request.mimetype):
        shown = request.mimetype or "none"
        raise ApiProblem(
            415, "Unsupported Media Type", f"send Content-Type: application/json, not {shown}", "unsupported-media-type"
        )
    raw = request.get_data(cache=False)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ApiProblem(
            400,
            "Invalid UTF-8",
            f"the request body is not valid UTF-8 (byte {exc.start})",
            "invalid-utf8",
            [{"field": "(request body)", "message": f"invalid UTF-8 at byte {exc.start}"}],
        ) from None
    if not text.strip():
        raise ApiProblem(
            400,
            "Invalid JSON",
            "the request body is empty; send a JSON object",
            "invalid-json",
            [{"field": "(request body)", "message": "empty"}],
        )
    try:
        return json.loads(mend_surrogates(text))
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno} column {exc.colno}"
        raise ApiProblem(
            400,
            "Invalid JSON",
            f"the request body is not valid JSON ({exc.msg} at {where})",
            "invalid-json",
            [{"field": "(request body)", "message": f"{exc.msg} at {where}"}],
        ) from None
    except (RecursionError, ValueError):
        raise ApiProblem(
            400,
            "Invalid JSON",
            "the request body nests too deeply or holds a number too large to read",
            "invalid-json",
            [{"field": "(request body)", "message": "too deep or too large"}],
        ) from None


def validate(model: type[M], data: Any, prefix: str = "") -> M:
    """`data` as `model`, or a 422 naming each bad field; rule ids are checked against the critic's rules."""
    if not isinstance(data, dict):
        where = prefix or "(request body)"
        raise ApiProblem(
            422,
            "Invalid request",
            f"{where} must be a JSON object",
            "validation",
            [{"field": where, "message": "must be a JSON object"}],
        )
    try:
        parsed = model.model_validate(data)
    except ValidationError as exc:
        raise validation_problem(exc, prefix) from None
    rules = getattr(parsed, "rules", None)
    if rules:
        check_rules(rules, prefix)
    return parsed


def check_rules(rules: dict[str, str], prefix: str = "") -> None:
    """A 422 naming the first rule id or prefix the critic does not know."""
    try:
        request_overrides(rules)
    except ConfigError as exc:
        message = str(exc)
        key = next((k for k in rules if message.startswith(f"rules.{k}:")), None)
        field = f"{prefix}.rules" if prefix else "rules"
        field = f"{field}.{key}" if key is not None else field
        raise ApiProblem(
            422,
            "Unknown rule",
            message,
            "unknown-rule",
            [{"field": field, "message": message.partition(": ")[2] or message}],
        ) from None


def response_checked(model: type[BaseModel], data: dict[str, Any]) -> dict[str, Any]:
    """`data` unchanged, after validating it against its response model when the app asks for that."""
    if current_app.config.get("VALIDATE_RESPONSES", True):
        model.model_validate(data)
    return data
