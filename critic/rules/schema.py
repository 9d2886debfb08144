"""The shape of a rule file entry: a misspelt key, an unknown kind, scope or severity fails when the rules load."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Example = str | dict[Literal["subject", "body"], str]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PatternSpec(_Strict):
    """A pattern with its own replacement (a plain string pattern uses the rule's `replace`)."""

    pattern: str
    replace: str | None = None


class ExamplesSpec(_Strict):
    """Drafts the rule must flag (`bad`) and must leave alone (`good`); tests/test_rule_examples.py runs them."""

    bad: list[Example] = Field(min_length=1)
    good: list[Example] = Field(min_length=1)


class RuleSpec(_Strict):
    """One entry of critic/rules/data/<rubric>.yaml."""

    id: str = Field(pattern=r"^[a-z_]+\.[a-z_]+$")
    title: str = Field(min_length=1)
    kind: Literal["phrase", "code", "metric"]
    severity: Literal["suggestion", "warning", "error"]
    message: str = Field(min_length=1)
    why: str = Field(min_length=1)
    examples: ExamplesSpec
    field: Literal["body", "subject"] = "body"
    span: Literal["match", "sentence"] = "match"
    scope: Literal["all", "first"] = "all"
    patterns: list[str | PatternSpec] = []
    replace: str | None = None
    unless: list[str] = []
    unless_role: Literal["reader_focus", "specific_connection"] | None = None
    first_touch: bool = False
    # With first_touch: the sentence model's findings still count in a thread, unless the reader asked for time.
    model_in_threads: bool = False
    soft_when_value: bool = False  # what the model alone raises is a suggestion when the draft gives real value
    first_sentence: bool = False
    params: dict[str, int | float | str] = {}
    terms: list[str] = []
    functions: list[str] = []
    # Sentence functions that mean a phrase match here is not the problem.
    unless_functions: list[str] = []
    # Patterns that stop a finding the sentence model raises alone (not a phrase's).
    model_unless: list[str] = []
    # One of these must occur for the sentence model's finding alone to stand.
    model_needs: list[str] = []
    # With field: subject — the subject model's labels (critic/analysis/subjects.py) that fire the rule when no
    # pattern matches, at the probability in params.confidence.
    subject_labels: list[Literal["vague", "hype", "deceptive"]] = []
    # Draft-level rules judging the same question name the same verdict; the draft pays for the costliest one.
    verdict: str | None = Field(default=None, pattern=r"^[a-z_]+$")
    languages: list[str] = ["en"]
    # kind: metric — a named measure (critic/rules/metrics.py) and the value past which each severity applies.
    measure: str | None = None
    levels: dict[Literal["suggestion", "warning", "error"], float] = {}
    direction: Literal["above", "below"] = "above"

    @model_validator(mode="after")
    def _metric_fields(self) -> RuleSpec:
        metric = self.kind == "metric"
        if (metric and not (self.measure and self.levels)) or (not metric and (self.measure or self.levels)):
            raise ValueError("a metric rule names a measure and its levels; other kinds have neither")
        if self.kind == "metric" and self.severity not in self.levels:
            raise ValueError(f"levels must include the rule's own severity ({self.severity})")
        return self


def check_entry(entry: object) -> RuleSpec:
    """The entry as a RuleSpec; raises ValueError naming each bad key in words a rule author understands."""
    from pydantic import ValidationError

    try:
        return RuleSpec.model_validate(entry)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or '(entry)'}: {e['msg']}" for e in exc.errors(include_url=False)
        )
        raise ValueError(problems) from None
