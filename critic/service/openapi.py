"""The OpenAPI 3.1 document and the offline /docs page, both generated from the pydantic models in critic.schemas.

Why hand-assembled: pydantic v2 already emits JSON Schema 2020-12, which *is* OpenAPI 3.1's schema dialect, so a
small skeleton of paths around `models_json_schema` gives an exact 3.1 document with no extra dependency. The
libraries that wrap Flask views (flask-openapi3, spectree) would own request parsing too, and their docs UIs load
JavaScript from a CDN or need extra packages; the /docs page here is plain server-rendered HTML and works offline.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
from typing import Any

from flask import Blueprint, Response, render_template_string
from pydantic.json_schema import models_json_schema

from critic.rules.registry import all_rules
from critic.service.errors import PROBLEM_JSON, PROBLEM_TYPES
from critic.service.schemas import (
    BatchRequest,
    BatchResponse,
    CritiqueRequest,
    CritiqueResponse,
    EditRequest,
    EditResponse,
    Health,
    Problem,
    Ready,
    RulesResponse,
)

bp = Blueprint("openapi", __name__)
REF = "#/components/schemas/{model}"
API_VERSION = "1.0.0"
_CLIENT_ERRORS = {
    "400": "Malformed JSON or invalid UTF-8",
    "401": "Missing or wrong API key",
    "413": "Request body over the size limit",
    "415": "Content-Type is not application/json",
    "422": "A field is missing, empty or invalid (named in `errors`)",
    "429": "Rate limited (see Retry-After)",
}


def _problem(desc: str) -> dict[str, Any]:
    return {"description": desc, "content": {PROBLEM_JSON: {"schema": {"$ref": REF.format(model="Problem")}}}}


def _operation(
    summary: str, request: str | None, ok: dict[str, Any], errors: dict[str, str], op_id: str
) -> dict[str, Any]:
    op: dict[str, Any] = {"operationId": op_id, "summary": summary, "responses": {"200": ok}}
    if request:
        op["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": REF.format(model=request)}}},
        }
    for code, desc in errors.items():
        op["responses"][code] = _problem(desc)
    op["responses"]["500"] = _problem("Unexpected server error (logged with the request id)")
    return op


def _json_ok(model: str, desc: str) -> dict[str, Any]:
    return {"description": desc, "content": {"application/json": {"schema": {"$ref": REF.format(model=model)}}}}


def rule_keys() -> list[str]:
    """Every rule id and every prefix of one, e.g. `rapport` and `rapport.pleasantry`."""
    keys: set[str] = set()
    for rule in all_rules():
        parts = rule.id.split(".")
        keys.update(".".join(parts[:i]) for i in range(1, len(parts) + 1))
    return sorted(keys)


# In OpenAPI 3.1 the schema of an event stream describes one event; `data` holds JSON.
_SSE_EVENT = {
    "type": "object",
    "required": ["event", "data"],
    "properties": {
        "event": {"enum": ["heuristic", "final", "error"]},
        "data": {
            "type": "string",
            "contentMediaType": "application/json",
            "contentSchema": {
                "oneOf": [{"$ref": REF.format(model="CritiqueResponse")}, {"$ref": REF.format(model="Problem")}]
            },
        },
    },
}


@functools.cache
def spec() -> dict[str, Any]:
    """The OpenAPI 3.1 document."""
    models = [
        CritiqueRequest,
        BatchRequest,
        EditRequest,
        CritiqueResponse,
        BatchResponse,
        RulesResponse,
        EditResponse,
        Problem,
        Health,
        Ready,
    ]
    _, top = models_json_schema(
        [(m, "validation" if "Request" in m.__name__ else "serialization") for m in models], ref_template=REF
    )
    schemas = top.get("$defs", {})
    # Document the rule ids and prefixes a client may re-level (the engine checks them the same way).
    schemas["CritiqueRequest"]["properties"]["rules"]["propertyNames"] = {"enum": rule_keys()}
    stream_ok = {
        "description": "Server-Sent Events: `heuristic` at once, then `final` (or `error`), then the end.",
        "content": {"text/event-stream": {"schema": _SSE_EVENT}},
    }
    api_errors = dict(_CLIENT_ERRORS)
    paths = {
        "/v1/critique": {
            "post": _operation(
                "Critique one draft",
                "CritiqueRequest",
                _json_ok("CritiqueResponse", "The critique"),
                api_errors,
                "critique",
            )
        },
        "/v1/critique/batch": {
            "post": _operation(
                "Critique up to 50 drafts, each answered on its own",
                "BatchRequest",
                _json_ok("BatchResponse", "One result per draft"),
                api_errors,
                "critiqueBatch",
            )
        },
        "/v1/critique/stream": {
            "post": _operation(
                "Critique one draft as Server-Sent Events", "CritiqueRequest", stream_ok, api_errors, "critiqueStream"
            )
        },
        "/v1/rules": {
            "get": _operation(
                "The rule catalogue: every rule id a request may name in `rules`, with its title",
                None,
                _json_ok("RulesResponse", "The rules"),
                {code: _CLIENT_ERRORS[code] for code in ("401", "429")},
                "rules",
            )
        },
        "/v1/edit": {
            "post": _operation(
                "Make one fix in an HTML body: only the span's characters change",
                "EditRequest",
                _json_ok("EditResponse", "The body with the fix made"),
                {**api_errors, "409": "The words are no longer at that span (`span-moved`): check the draft again"},
                "edit",
            )
        },
        "/healthz": {"get": _operation("Liveness", None, _json_ok("Health", "The process is up"), {}, "healthz")},
        "/readyz": {
            "get": _operation(
                "Readiness, with the LLM backend's state",
                None,
                _json_ok("Ready", "Ready to serve"),
                {"503": "Not ready"},
                "readyz",
            )
        },
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "outreach-critic",
            "version": API_VERSION,
            "description": "Critiques a draft outreach email: scores, findings anchored to exact characters, "
            "sentence roles and stats.",
        },
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "apiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
            },
        },
        "security": [{}, {"bearer": []}, {"apiKey": []}],
    }


_STYLE = """body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
code,pre{background:#f4f4f4;border-radius:4px}pre{padding:.6rem;overflow:auto;font-size:13px}
h2{border-bottom:1px solid #ddd;margin-top:2rem}.m{font-weight:bold;color:#fff;background:#2b6;padding:0 .4rem;
border-radius:3px}.get{background:#36c}dt{font-weight:bold}"""
STYLE_HASH = "sha256-" + base64.b64encode(hashlib.sha256(_STYLE.encode()).digest()).decode()

_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>outreach-critic API</title>
<style>{{ style|safe }}</style></head><body>
<h1>{{ s.info.title }} API <small>{{ s.info.version }}</small></h1><p>{{ s.info.description }}</p>
<p>Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1). Try it:</p>
<pre>curl -s localhost:8000/v1/critique -H 'Content-Type: application/json' \\
  -d '{"subject": "Quick question", "body": "Hope this finds you well! Do you have 30 minutes Thursday?"}'</pre>
{% for path, item in s.paths.items() %}{% for method, op in item.items() %}
<h2><span class="m {{ method }}">{{ method.upper() }}</span> <code>{{ path }}</code></h2><p>{{ op.summary }}</p>
{% if op.requestBody %}<p>Request body: <a href="#schema-{{ op.requestBody.content['application/json'].schema['$ref'].split('/')[-1] }}">
{{ op.requestBody.content['application/json'].schema['$ref'].split('/')[-1] }}</a></p>{% endif %}
<dl>{% for code, r in op.responses.items() %}<dt>{{ code }}</dt><dd>{{ r.description }}</dd>{% endfor %}</dl>
{% endfor %}{% endfor %}
<h2>Errors</h2><p>Every error is an RFC 9457 problem details object (<code>application/problem+json</code>) with
<code>type</code>, <code>title</code>, <code>status</code>, <code>detail</code>, <code>instance</code>,
<code>request_id</code> and, for field errors, <code>errors: [{field, message}]</code>.</p>
<dl>{% for kind, text in problems.items() %}<dt id="problem-{{ kind }}">/docs#problem-{{ kind }}</dt><dd>{{ text }}</dd>
{% endfor %}</dl>
<h2>Schemas</h2>{% for name, schema in s.components.schemas.items() %}
<h3 id="schema-{{ name }}">{{ name }}</h3><pre>{{ dump(schema) }}</pre>{% endfor %}
</body></html>"""


@bp.get("/openapi.json")
def openapi_json() -> Response:
    """The OpenAPI 3.1 document."""
    return Response(json.dumps(spec(), indent=1), mimetype="application/json")


@bp.get("/docs")
def docs() -> Response:
    """A browsable, offline page generated from the OpenAPI document."""
    html = render_template_string(
        _PAGE, s=spec(), style=_STYLE, problems=PROBLEM_TYPES, dump=lambda x: json.dumps(x, indent=2)
    )
    csp = f"default-src 'none'; style-src '{STYLE_HASH}'; frame-ancestors 'none'; base-uri 'none'"
    return Response(html, mimetype="text/html", headers={"Content-Security-Policy": csp})
