"""Building the one request per critique, and reading the model's answer (validated against the schema)."""

from __future__ import annotations

import copy
import json
import re
import secrets
from dataclasses import dataclass
from typing import Any

from critic.llm.client import LLMFailure, Reply
from critic.llm.config import LLMConfig
from critic.llm.guard import ADJUST_MAX, ADJUST_MIN
from critic.llm.merge import MAX_PER_RUBRIC
from critic.llm.prompt_files import Prompts
from critic.model import Critique, Sentence

SCHEMA_NAME = "outreach_critique"
# Keywords that some strict structured-output servers reject; they stay in the file and in local validation.
_UNSENT_KEYWORDS = ("$schema", "title", "minLength", "maxLength")
MAX_HEURISTIC_LISTED = 40
QUOTE_LIMIT = 200
GAP = "\n[…]\n"  # stands for a quoted reply or signature left out of the body sent to the model
_FENCE = re.compile(r"^\s*```(?:json)?\s*(.*?)\s*```\s*$", re.DOTALL)


@dataclass(frozen=True)
class Prepared:
    """The request and the draft facts the answer will be read against."""

    messages: list[dict[str, str]]
    response_format: dict[str, Any]
    personal: tuple[Sentence, ...]
    judged_body: str


def judged_text(result: Critique) -> str:
    """The body the model sees: the judged ranges, with quoted replies and signatures left out."""
    doc = result.document
    return GAP.join(doc.body[lo:hi].strip("\n") for lo, hi in doc.judged).strip()


def personal_sentences(result: Critique) -> tuple[Sentence, ...]:
    """Sentences that present themselves as personal: about the reader, with a merge tag, or a claimed connection."""
    doc = result.document
    connections = {(s.start, s.end) for s in result.strengths if s.kind == "specific_connection"}
    out = []
    for s in result.analysis.sentences:
        if s.role in ("greeting", "sign_off"):
            continue
        tagged = any(p.field == "body" and s.start <= p.start < s.end for p in doc.placeholders)
        if "about_reader" in s.roles or tagged or (s.start, s.end) in connections:
            out.append(s)
    return tuple(out)


def _sent_schema(schema: dict[str, Any]) -> dict[str, Any]:
    def clean(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: clean(v) for k, v in node.items() if k not in _UNSENT_KEYWORDS}
        if isinstance(node, list):
            return [clean(v) for v in node]
        return node

    result: dict[str, Any] = clean(copy.deepcopy(schema))
    return result


def _boundary(texts: list[str]) -> str:
    while True:
        b = secrets.token_hex(8)
        if not any(b in t for t in texts):
            return b


def prepare(result: Critique, prompts: Prompts, cfg: LLMConfig) -> Prepared:
    """The chat messages and response format for one critique."""
    doc = result.document
    body = judged_text(result)
    personal = personal_sentences(result)
    listed = [
        {
            "rule": f.rule,
            "rubric": f.rubric,
            "severity": f.severity.label,
            "quote": f.quote[:QUOTE_LIMIT],
            "message": f.message,
        }
        for f in result.findings[:MAX_HEURISTIC_LISTED]
    ]
    recipient = result.recipient
    recipient_text = (
        "\n".join(
            f"{k}: {v}"
            for k, v in (("name", recipient.name), ("company", recipient.company), ("notes", recipient.notes))
            if v
        )
        if recipient
        else ""
    )
    findings_text = "\n".join(json.dumps(x, ensure_ascii=False) for x in listed) or "(none)"
    personal_text = "\n".join(f"{i}. {s.text}" for i, s in enumerate(personal)) or "(none)"
    boundary = _boundary([doc.subject, body, recipient_text, findings_text])
    user = prompts.user.substitute(
        boundary=boundary,
        recipient=recipient_text or "(not given)",
        subject=doc.subject or "(no subject)",
        body=body or "(empty)",
        heuristic_findings=findings_text,
        personal_sentences=personal_text,
    )
    json_object = cfg.response_format == "json_object"
    system = prompts.system_text(ADJUST_MIN, ADJUST_MAX, MAX_PER_RUBRIC, with_schema=json_object)
    if json_object:
        response_format: dict[str, Any] = {"type": "json_object"}
    else:
        response_format = {
            "type": "json_schema",
            "json_schema": {"name": SCHEMA_NAME, "strict": True, "schema": _sent_schema(prompts.schema)},
        }
    messages = [{"role": "system", "content": system}, {"role": "user", "content": user}]
    return Prepared(messages, response_format, personal, body)


def _where(path: Any) -> str:
    return "/".join(str(p) for p in path) or "(top level)"


def read_answer(reply: Reply, prompts: Prompts) -> dict[str, Any]:
    """The model's answer as a schema-valid dict; raises LLMFailure('invalid', ...) otherwise."""
    if reply.finish_reason == "length":
        raise LLMFailure("invalid", "the answer was cut off at the token limit (finish_reason=length)", reply.attempts)
    if reply.finish_reason == "content_filter":
        raise LLMFailure("invalid", "the endpoint's content filter stopped the answer", reply.attempts)
    if reply.refusal:
        raise LLMFailure("invalid", f"the model refused: {reply.refusal[:120]}", reply.attempts)
    content = (reply.content or "").strip()
    if not content:
        raise LLMFailure("invalid", "the model gave an empty answer", reply.attempts)
    fenced = _FENCE.match(content)
    if fenced:
        content = fenced.group(1)
    try:
        data = json.loads(content)
    except json.JSONDecodeError as exc:
        raise LLMFailure(
            "invalid", f"the answer is not JSON ({exc.msg} at line {exc.lineno} column {exc.colno})", reply.attempts
        ) from None
    errors = sorted(prompts.validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
    if errors:
        first = errors[0]
        more = f" (and {len(errors) - 1} more problem(s))" if len(errors) > 1 else ""
        message = first.message if len(first.message) <= 160 else first.message[:159] + "…"
        raise LLMFailure(
            "invalid",
            f"the answer does not match the schema at {_where(first.absolute_path)}: {message}{more}",
            reply.attempts,
        )
    answer: dict[str, Any] = data
    return answer
