"""LLM rubrics: deeper judgement through any OpenAI-compatible model (optional)."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from critic.engine import Critique


def configured() -> bool:
    """True when the operator configured a model endpoint."""
    return bool(os.environ.get("OPENAI_BASE_URL") or os.environ.get("OPENAI_API_KEY")) and bool(os.environ.get("CRITIC_LLM_MODEL"))


def enrich(result: Critique, mode: str) -> Critique:
    """Add the LLM's judgement to a heuristic critique when `mode` allows it."""
    if mode == "off":
        return result.with_findings(result.findings, {"status": "off", "reason": "LLM rubrics were turned off for this request"})
    if not configured():
        return result.with_findings(
            result.findings,
            {"status": "unconfigured", "reason": "no model configured: set OPENAI_BASE_URL and CRITIC_LLM_MODEL"},
        )
    return result.with_findings(result.findings, {"status": "error", "reason": "LLM rubrics are not available in this build"})


def counters() -> dict[str, int]:
    """Process-wide LLM counters for /metrics (calls, cache hits, failures)."""
    return {"calls": 0, "cache_hits": 0, "errors": 0, "timeouts": 0}


def backend_state() -> dict[str, object]:
    """What readiness reports about the LLM backend (never the API key)."""
    return {"configured": configured(), "model": os.environ.get("CRITIC_LLM_MODEL") or None}
