"""Every rule carries good and bad examples, and every example behaves as documented."""

from __future__ import annotations

import pytest

from critic.model import Draft
from critic.pipeline import heuristic_critique
from critic.rules.check_kind import CHECKS
from critic.rules.metrics import MEASURES
from critic.rules.registry import all_rules

RULES = all_rules()


def _draft(example: str | dict[str, str]) -> Draft:
    if isinstance(example, dict):
        return Draft(body=example.get("body", ""), subject=example.get("subject", ""))
    return Draft(body=example, subject="Notes on your onboarding flow")


def _fired(rule_id: str, example: str | dict[str, str]) -> list[str]:
    result = heuristic_critique(_draft(example))
    return [f.quote for f in result.findings if f.rule == rule_id]


def test_every_rule_has_examples_and_an_implementation() -> None:
    assert len(RULES) >= 25
    for rule in RULES:
        assert rule.examples_bad and rule.examples_good, rule.id
        assert rule.message and rule.why, rule.id
        if rule.kind == "code":
            assert rule.id in CHECKS, f"{rule.id} is declared as code but has no check"
        elif rule.kind == "metric":
            assert rule.measure in MEASURES, f"{rule.id} names an unknown measure {rule.measure!r}"
        else:
            assert rule.patterns, f"{rule.id} is a phrase rule without patterns"


@pytest.mark.parametrize("rule", [r for r in RULES if r.kind == "metric"], ids=lambda r: r.id)
def test_metric_messages_quote_the_threshold_they_test(rule) -> None:
    """A metric rule's message is filled from the numbers it tested: the value and the level it passed."""
    assert "{limit" in rule.message, f"{rule.id}: the message should say which threshold was passed"
    for example in rule.examples_bad:
        for f in heuristic_critique(_draft(example)).findings:
            if f.rule == rule.id:
                limit = rule.levels[f.severity.label]
                assert f"{limit:.0f}" in f.message, (rule.id, f.message)
                assert "{" not in f.message, (rule.id, f.message)


def test_no_check_without_a_declared_rule() -> None:
    assert set(CHECKS) <= {r.id for r in RULES}


@pytest.mark.parametrize(
    ("rule_id", "example"),
    [(r.id, ex) for r in RULES for ex in r.examples_bad],
    ids=lambda v: v if isinstance(v, str) and "." in v and " " not in v else "",
)
def test_bad_example_fires(rule_id: str, example: str | dict[str, str]) -> None:
    assert _fired(rule_id, example), f"{rule_id} did not fire on its bad example: {example!r}"


@pytest.mark.parametrize(
    ("rule_id", "example"),
    [(r.id, ex) for r in RULES for ex in r.examples_good],
    ids=lambda v: v if isinstance(v, str) and "." in v and " " not in v else "",
)
def test_good_example_is_quiet(rule_id: str, example: str | dict[str, str]) -> None:
    assert not _fired(rule_id, example), f"{rule_id} fired on its good example: {example!r}"


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"patern": ["x"]}, "patern"),  # a misspelt key
        ({"scope": "everywhere"}, "scope"),  # an unknown scope
        ({"severity": "fatal"}, "severity"),
        ({"examples": {"bad": ["x"]}}, "good"),  # a rule without good examples
        ({"functions": ["shouting"]}, "functions"),  # not a sentence function
        ({"kind": "metric", "measure": "draft_words"}, "measure and its levels"),  # a metric without levels
        ({"kind": "metric", "measure": "draft_words", "levels": {"error": 400}}, "own severity"),
        ({"levels": {"warning": 3}}, "measure and its levels"),  # levels on a phrase rule
        ({"kind": "metric", "measure": "m", "levels": {"fatal": 3}}, "levels"),
    ],
)
def test_a_malformed_rule_entry_fails_at_load_naming_the_key(change: dict, named: str) -> None:
    from critic.rules.registry import RuleError, _rule

    entry = {
        "id": "rapport.example",
        "title": "Example",
        "kind": "phrase",
        "severity": "warning",
        "message": "m",
        "why": "w",
        "patterns": ["\\bexample\\b"],
        "examples": {"bad": ["an example"], "good": ["nothing"]},
        **change,
    }
    with pytest.raises(RuleError, match=named):
        _rule(entry, "rapport.yaml")


def test_a_list_is_not_a_wall_of_text() -> None:
    items = "\n".join(
        f"{n}. Step {n} of the migration moves one more clinic's records over a weekend shift." for n in range(1, 12)
    )
    found = heuristic_critique(Draft(body=f"Hi Ana,\n\nThe plan:\n{items}\n\nWant the full runbook?")).findings
    assert "clarity.wall_of_text" not in {f.rule for f in found}
    dense = " ".join(
        f"Step {n} of the migration moves one more clinic's records over a weekend shift." for n in range(1, 12)
    )
    found = heuristic_critique(Draft(body=f"Hi Ana,\n\nThe plan: {dense}\n\nWant the full runbook?")).findings
    assert "clarity.wall_of_text" in {f.rule for f in found}
