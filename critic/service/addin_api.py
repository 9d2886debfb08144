"""What the add-ins need beside the critique: `/` -> /demo, the rule catalogue (GET /v1/rules) and an in-place
HTML edit (POST /v1/edit). The critique's wire format is untouched: titles come from the catalogue, not findings."""

from __future__ import annotations

import functools
from typing import Any

from flask import Blueprint, Response, json, redirect

from critic.analysis.lexicon import load_yaml
from critic.ingest.html_edit import SpanMoved, replace_span
from critic.rules.registry import RULE_FILES, all_rules
from critic.service import errors
from critic.service.errors import ApiProblem
from critic.service.parsing import read_json, response_checked, validate
from critic.service.schemas import EditRequest, EditResponse, RulesResponse

bp = Blueprint("addin_api", __name__)
LLM_RUBRICS = ("empathy", "value_first", "imposition", "rapport", "clarity")
# Problem types are listed on /docs; this one is answered only by /v1/edit.
errors.PROBLEM_TYPES.setdefault(
    "span-moved", "The words to replace are no longer at that place in the draft: check again."
)


@functools.cache
def _titles() -> dict[str, str]:
    out = {}
    for name in RULE_FILES:
        for entry in load_yaml(name):
            out[entry["id"]] = str(entry.get("title") or "")
    return out


@functools.cache
def catalogue() -> tuple[dict[str, Any], ...]:
    """Every rule a request may configure, with the human title the panel shows instead of its id."""
    titles = _titles()
    rules = [
        {
            "id": r.id,
            "title": titles.get(r.id) or r.id,
            "rubric": r.rubric,
            "severity": r.severity.label,
            "message": r.message,
            "why": r.why,
            "configurable": True,
        }
        for r in all_rules()
    ]
    # The model's findings carry rule `llm.<rubric>`: listed for their titles; they can be re-levelled by that id.
    rules += [
        {
            "id": f"llm.{rubric}",
            "title": f"{rubric.replace('_', ' ').capitalize()} (model's view)",
            "rubric": rubric,
            "severity": "warning",
            "message": "",
            "why": "",
            "configurable": True,
        }
        for rubric in LLM_RUBRICS
    ]
    return tuple(rules)


@bp.get("/")
def root() -> Response:
    """The service's front door is the demo page."""
    return redirect("/demo", code=302)


@bp.get("/v1/rules")
def rules() -> Response:
    """The rule catalogue: [{id, title, rubric, severity, message, why, configurable}]."""
    data = response_checked(RulesResponse, {"rules": list(catalogue())})
    return Response(json.dumps(data), mimetype="application/json")


@bp.post("/v1/edit")
def edit() -> Response:
    """Replace a finding's words in an HTML body, byte for byte elsewhere; 409 when they moved."""
    req = validate(EditRequest, read_json())
    try:
        body = replace_span(req.body, req.start, req.end, req.quote, req.replacement)
    except SpanMoved as exc:
        raise ApiProblem(409, "Span moved", str(exc), "span-moved") from None
    return Response(json.dumps(response_checked(EditResponse, {"body": body})), mimetype="application/json")
