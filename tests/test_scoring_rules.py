"""How findings become points: one draft-level verdict costs once, and fixes keep the text's shape and mood."""

from __future__ import annotations

from critic.model import Draft, Finding, Severity
from critic.pipeline import critique
from critic.rules.form_checks import _sentence_case
from critic.scoring import PENALTY, VERDICT, score


def _finding(rule: str, start: int, end: int, verdict: str = "") -> Finding:
    extra = ((VERDICT, verdict),) if verdict else ()
    return Finding(
        rubric=rule.split(".", maxsplit=1)[0],
        rule=rule,
        severity=Severity.WARNING,
        field="body",
        start=start,
        end=end,
        quote="x" * (end - start),
        message="m",
        why="w",
        extra=extra,
    )


def test_one_verdict_costs_once_and_as_an_error_when_rules_concur() -> None:
    one = [
        _finding("value_first.no_value", 0, 10, "give_first"),
        _finding("value_first.no_value", 20, 30, "give_first"),
    ]
    assert score(one).rubric["value_first"] == 100 - PENALTY[Severity.WARNING]
    two = [
        _finding("value_first.no_value", 0, 10, "give_first"),
        _finding("value_first.imposition_budget", 20, 30, "give_first"),
    ]
    scores = score(two)
    assert scores.rubric["value_first"] == 100 - PENALTY[Severity.ERROR]
    assert [d["points"] for d in scores.deductions["value_first"]] == [PENALTY[Severity.ERROR], 0]
    assert scores.deductions["value_first"][0]["concurring"] == [
        "value_first.imposition_budget",
        "value_first.no_value",
    ]


def test_findings_without_a_shared_verdict_each_cost() -> None:
    apart = [_finding("value_first.me_too", 0, 10), _finding("value_first.me_too", 20, 30)]
    assert score(apart).rubric["value_first"] == 100 - 2 * PENALTY[Severity.WARNING]


def test_a_verdict_does_not_swallow_a_finding_that_shares_its_sentence() -> None:
    """Which sentence a draft-level verdict points at must not decide whether a sentence-level finding costs."""
    on_same = [_finding("empathy.sender_centred", 0, 10, "who_it_is_about"), _finding("empathy.bragging", 0, 10)]
    apart = [_finding("empathy.sender_centred", 20, 30, "who_it_is_about"), _finding("empathy.bragging", 0, 10)]
    assert score(on_same).rubric["empathy"] == score(apart).rubric["empathy"] == 100 - 2 * PENALTY[Severity.WARNING]
    same_words = [_finding("imposition.time_slot", 0, 10), _finding("imposition.meeting_request", 0, 10)]
    assert score(same_words).rubric["imposition"] == 100 - PENALTY[Severity.WARNING]


def test_draft_level_findings_carry_their_verdict() -> None:
    draft = Draft(
        body="Hi Jo,\n\nWe are a landscaping firm with 12 crews. We install drip irrigation. Can we meet next week?"
    )
    found = critique(draft, llm="off").findings
    # The verdict itself carries it; the suggestions that point at more sentences bearing it out do not.
    verdicts = {f.rule: dict(f.extra).get(VERDICT) for f in found if not dict(f.extra).get("evidence_for")}
    assert verdicts.get("value_first.no_value") == "give_first"
    assert verdicts.get("empathy.sender_centred") == "who_it_is_about"


def test_a_fix_keeps_the_asks_mood() -> None:
    """A statement gets an offer in statement form, so fixing it never adds a question."""
    statement = Draft(body="Hi Jo,\n\nWe run payroll for farms. Let's set up a 30-minute call on Thursday at 2pm.")
    question = Draft(body="Hi Jo,\n\nWe run payroll for farms. Could we set up a 30-minute call on Thursday at 2pm?")
    for draft, ends in ((statement, "."), (question, "?")):
        fixes = [f for f in critique(draft, llm="off").findings if f.rule == "imposition.time_slot"]
        assert fixes and all(r.endswith(ends) for f in fixes for r in f.replacements)


def test_shouting_is_fixed_in_sentence_case() -> None:
    assert _sentence_case("PLEASE FILL IN THE FORM\n\nNAME", True) == "Please fill in the form\n\nName"
    assert _sentence_case("YOUR LAST CHANCE", False) == "your last chance"
    assert _sentence_case("I TRIED IT. IT WORKS", True) == "I tried it. It works"
