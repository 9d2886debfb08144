"""The critique API blueprint: thin views that parse a request, call the pipeline and serialise its wire form."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from flask import Blueprint, Response, current_app, stream_with_context

import critic.llm as llm_stage
from critic.config import ConfigError
from critic.model import Critique, Draft, DraftError, LLMMode, Recipient
from critic.pipeline import heuristic_critique, with_llm
from critic.service.errors import ApiProblem, problem_dict
from critic.service.fastjson import dumps_bytes
from critic.service.parsing import read_json, response_checked, validate
from critic.service.schemas import BatchRequest, BatchResponse, CritiqueRequest, CritiqueResponse
from critic.wire import to_wire

bp = Blueprint("api", __name__)
log = logging.getLogger("critic.service")


def _inputs(req: CritiqueRequest) -> tuple[Draft, dict[str, Any]]:
    draft = Draft(body=req.body, subject=req.subject, format=req.format)
    recipient = Recipient(req.recipient.name, req.recipient.company, req.recipient.notes) if req.recipient else None
    return draft, {"rules": req.rules or None, "recipient": recipient}


def heuristics(draft: Draft, **kwargs: Any) -> Critique:
    """The pipeline's heuristic critique, computed through the process's engine gate (critic/service/gate.py)."""
    with current_app.extensions["critic_gate"]:
        return heuristic_critique(draft, **kwargs)


def critique(draft: Draft, *, llm: LLMMode = "auto", **kwargs: Any) -> Critique:
    """`critic.pipeline.critique` with its heuristic part through the gate; the LLM step waits outside it."""
    return with_llm(heuristics(draft, **kwargs), llm)


def _run(fn: Any, req: CritiqueRequest, **extra: Any) -> Critique:
    """Call the engine; a draft with nothing to judge is the client's problem, anything else is ours."""
    draft, kwargs = _inputs(req)
    try:
        return fn(draft, **kwargs, **extra)
    except DraftError as exc:
        raise ApiProblem(
            422, "Empty draft", str(exc), "empty-draft", [{"field": "body", "message": str(exc)}]
        ) from None
    except ConfigError as exc:
        # Request rule ids were checked while parsing, so this is the server's own configuration.
        raise RuntimeError(f"server rule configuration is invalid ({type(exc).__name__})") from None


def _json(data: Any, status: int = 200) -> Response:
    return Response(dumps_bytes(data), status=status, mimetype="application/json")


@bp.post("/v1/critique")
def critique_one() -> Response:
    """Critique one draft."""
    req = validate(CritiqueRequest, read_json())
    result = to_wire(_run(critique, req, llm=req.llm))
    return _json(response_checked(CritiqueResponse, result))


@bp.post("/v1/critique/batch")
def critique_batch() -> Response:
    """Critique up to 50 drafts; each is answered or refused on its own."""
    batch = validate(BatchRequest, read_json())
    results: list[dict[str, Any]] = []
    for index, item in enumerate(batch.drafts):
        try:
            req = validate(CritiqueRequest, item)
            results.append({"index": index, "ok": True, "critique": to_wire(_run(critique, req, llm=req.llm))})
        except ApiProblem as problem:
            results.append({"index": index, "ok": False, "error": problem.to_dict()})
    return _json(response_checked(BatchResponse, {"results": results}))


def _sse(event: str, data: dict[str, Any]) -> str:
    return f"event: {event}\ndata: {dumps_bytes(data).decode()}\n\n"


@bp.post("/v1/critique/stream")
def critique_stream() -> Response:
    """Server-Sent Events: the heuristic critique at once, then the final one after the LLM step."""
    req = validate(CritiqueRequest, read_json())
    first = _run(heuristics, req)
    early = to_wire(first)
    if req.llm != "off" and llm_stage.backend_state().get("configured"):
        early["llm"] = {"status": "pending", "reason": "the LLM rubrics follow in the `final` event"}

    def events() -> Iterator[str]:
        yield _sse("heuristic", response_checked(CritiqueResponse, early))
        try:
            final = to_wire(with_llm(first, req.llm))
            yield _sse("final", response_checked(CritiqueResponse, final))
        except Exception as exc:  # noqa: BLE001 - the stream has started; report the failure as an event
            log.error("stream: LLM step failed with %s", type(exc).__name__)
            yield _sse("error", problem_dict(500, "Internal Server Error", "the LLM step failed", "internal"))

    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    return Response(stream_with_context(events()), mimetype="text/event-stream", headers=headers)
