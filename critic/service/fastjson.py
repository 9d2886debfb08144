"""JSON out of the service through orjson: Flask's JSON provider, and bytes for the hot path.

A critique's wire form (~10 KB for a 150-word draft) takes the standard library 65-115 us to encode and orjson 5 us
(bench/serving.py's docstring has the per-request breakdown). Whatever orjson refuses (a non-string key, an integer
past 64 bits, a lone surrogate, an unknown type) goes through the standard encoder as before, so output never fails
for it. Output is compact UTF-8 (orjson does not escape non-ASCII characters), keys in insertion order.
"""

from __future__ import annotations

import json
from typing import Any

from flask.json.provider import DefaultJSONProvider

try:
    import orjson
except ImportError:  # pragma: no cover - a dependency; the standard encoder still works without it
    orjson = None  # type: ignore[assignment]


def _stdlib(obj: Any) -> bytes:
    # ASCII-escaped, so even a lone surrogate comes out as valid JSON text.
    return json.dumps(obj, separators=(",", ":")).encode("ascii")


def dumps_bytes(obj: Any) -> bytes:
    """`obj` as compact UTF-8 JSON."""
    if orjson is not None:
        try:
            return orjson.dumps(obj)
        except TypeError:  # orjson.JSONEncodeError: fall back to the standard encoder
            pass
    return _stdlib(obj)


class FastJSONProvider(DefaultJSONProvider):
    """Flask's default provider, with orjson for the plain (keyword-free) dumps every response uses."""

    sort_keys = False
    compact = True
    ensure_ascii = False

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        if not kwargs and orjson is not None:
            try:
                return orjson.dumps(obj).decode("utf-8")
            except TypeError:
                pass
        return super().dumps(obj, **kwargs)
