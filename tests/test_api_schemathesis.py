"""Property-based API tests generated from /openapi.json (schemathesis, in-process WSGI): no 5xx, responses conform.

Three runs, within about a minute of the suite: every documented operation (30 examples each), the critique endpoint
on its own (200 examples: it is the one clients call), and a stateful run over a link added here to the served
document (the API keeps no state and declares no links of its own): a critique's normalised text, sent back as the
next request's draft, must be accepted and answered like any draft.
"""

from __future__ import annotations

import copy

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, settings  # noqa: E402
from schemathesis.checks import negative_data_rejection, positive_data_acceptance  # noqa: E402

from critic.service.app import create_app  # noqa: E402

app = create_app({"RATE_LIMIT": "1000000/minute", "API_KEYS": "", "CORS_ORIGINS": ""})
schema = schemathesis.openapi.from_wsgi("/openapi.json", app)
QUIET = {"deadline": None, "derandomize": True, "suppress_health_check": list(HealthCheck)}


def _documented_refusal(response) -> bool:
    """A 422 for a draft with nothing to judge: schema-valid, but refused as documented under 422."""
    if response.status_code != 422:
        return False
    return response.json().get("type", "").endswith("empty-draft")


def _check(case, response) -> None:
    assert response.status_code < 500, response.text[:500]
    excluded = []
    if _documented_refusal(response):
        excluded.append(positive_data_acceptance)
    if case.path == "/v1/critique/batch":
        excluded.append(negative_data_rejection)  # items are refused one by one inside a 200, by design
    case.validate_response(response, excluded_checks=excluded)


@schema.parametrize()
@settings(max_examples=30, **QUIET)
def test_api_conforms_to_its_schema(case):
    _check(case, case.call())


@schema.include(path="/v1/critique", method="POST").parametrize()
@settings(max_examples=200, **QUIET)
def test_the_critique_endpoint_conforms_over_many_drafts(case):
    _check(case, case.call())


def _linked_document() -> dict:
    """The served document plus one link: a critique's normalised subject and body, critiqued again."""
    doc = copy.deepcopy(schema.raw_schema)
    ok = doc["paths"]["/v1/critique"]["post"]["responses"]["200"]
    ok["links"] = {
        "CritiqueTheNormalisedText": {
            "operationId": "critique",
            "requestBody": {
                "subject": "$response.body#/text/subject",
                "body": "$response.body#/text/body",
                "llm": "off",
            },
        }
    }
    return doc


stateful = schemathesis.openapi.from_dict(_linked_document())
stateful.app = app
stateful.location = "/openapi.json"
Workflow = stateful.as_state_machine()


class CheckedWorkflow(Workflow):  # type: ignore[misc, valid-type]
    """Every step's response is held to the same checks as above."""

    def validate_response(self, response, case, **kwargs) -> None:  # type: ignore[no-untyped-def, override]
        _check(case, response)


TestStatefulWorkflow = CheckedWorkflow.TestCase
TestStatefulWorkflow.settings = settings(max_examples=15, stateful_step_count=4, **QUIET)
