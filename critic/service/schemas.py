"""Request and response models of the HTTP API (pydantic v2): they validate and they generate the OpenAPI schemas."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

MAX_BATCH = 50
Level = Literal["off", "suggestion", "warning", "error"]


class _Request(BaseModel):
    """Strict input: no coercion, no unknown fields."""

    model_config = ConfigDict(strict=True, extra="forbid")


class RecipientIn(_Request):
    """What the writer knows about the reader; names count as mentions of the reader."""

    name: str = Field("", max_length=200)
    company: str = Field("", max_length=200)
    notes: str = Field("", max_length=2000)


class CritiqueRequest(_Request):
    """One draft to critique."""

    subject: str = Field("", max_length=1000, description="The subject line (optional).")
    body: str = Field(description="The body: plain text or HTML markup, as `format` says.")
    format: Literal["text", "html"] = "text"
    llm: Literal["auto", "on", "off"] = Field("auto", description="Use the configured model: auto, on or off.")
    rules: dict[str, Level] = Field(
        default_factory=dict,
        description='Re-level or turn off rules by id or prefix, e.g. {"rapport.pleasantry": "off"}.',
    )
    recipient: RecipientIn | None = None

    @field_validator("rules", mode="after")
    @classmethod
    def _rule_keys(cls, value: dict[str, str]) -> dict[str, str]:
        for key in value:
            if not key.strip():
                raise ValueError("rule ids must not be empty")
        return value


class BatchRequest(BaseModel):
    """Up to 50 drafts; each is validated and answered on its own."""

    model_config = ConfigDict(strict=True, extra="forbid")

    drafts: list[Any] = Field(
        min_length=1,
        max_length=MAX_BATCH,
        description="Each item is a CritiqueRequest.",
        json_schema_extra={"items": {"$ref": "#/components/schemas/CritiqueRequest"}},
    )


def _whole_number(value: Any) -> Any:
    """JSON has one number type: 12.0 is the integer 12 (JSON Schema agrees); text and booleans are not numbers."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("must be a whole number")
    return value


# An offset into a text: a whole number >= 0 (12.0 accepted as 12; 12.5, "12" and true refused).
Offset = Annotated[int, Field(ge=0, strict=False), BeforeValidator(_whole_number)]


class EditRequest(_Request):
    """One fix to make in an HTML body: its visible characters [start, end) (code points) must read `quote`."""

    body: str = Field(description="The body as HTML, as the mail client holds it (within the request size limit: 413).")
    start: Offset = Field(description="The finding's `start` (code points of the visible text).")
    end: Offset = Field(description="The finding's `end`.")
    quote: str = Field(min_length=1, description="The finding's `quote`: what must be at [start, end) now.")
    replacement: str = Field(description='The new text ("" deletes the span).')


# ---- responses ---------------------------------------------------------------------------------------------------


class _Open(BaseModel):
    """A response object that may gain fields in later versions."""

    model_config = ConfigDict(extra="allow")


class Span(_Open):
    """Offsets in code points and in UTF-16 code units."""

    start: int
    end: int
    start_utf16: int
    end_utf16: int


class FindingOut(Span):
    """One thing to fix, anchored to the exact characters."""

    id: str
    rubric: str
    rule: str
    severity: Literal["suggestion", "warning", "error"]
    field: Literal["subject", "body"]
    quote: str
    message: str
    why: str
    replacements: list[str]
    source: str
    penalty: int | float
    evidence_for: str | None = Field(
        default=None,
        description="Set on a suggestion that points at one more sentence bearing out a draft-level finding "
        "(e.g. another sentence about the sender): the id of that finding. It costs no points of its own.",
    )
    verdict: str | None = Field(
        default=None,
        description="Set on a draft-level finding (e.g. `give_first`, `who_it_is_about`): several findings of one "
        "verdict cost the draft the points of the costliest one only.",
    )


class StrengthOut(Span):
    """Something the draft does well."""

    rubric: str
    kind: str
    field: Literal["subject", "body"]
    quote: str
    message: str


class Deduction(_Open):
    """Points one finding took off a rubric (`finding` is null for the LLM's bounded score adjustment)."""

    finding: str | None
    rule: str
    points: int | float
    counted_as: str | None = Field(
        default=None, description="When this finding cost nothing: the id of the finding its points went to."
    )
    concurring: list[str] | None = Field(
        default=None,
        description="When several rules reached this draft-level verdict: their ids (the verdict then costs as an "
        "error).",
    )


class RubricOut(_Open):
    """A rubric's score and the deductions behind it."""

    score: int | float
    flagged: bool
    deductions: list[Deduction]


class TextOut(_Open):
    """The normalised text the offsets point into."""

    subject: str
    body: str
    format: str


class ExcludedOut(Span):
    """A quoted reply or signature the critic did not judge."""

    field: Literal["subject", "body"]
    kind: str


class PlaceholderOut(Span):
    """A merge tag such as {{first_name}}."""

    field: Literal["subject", "body"]
    text: str


class SentenceOut(Span):
    """A sentence of the body and its role."""

    index: int
    paragraph: int
    role: str
    roles: list[str]
    ask_cost: int | float
    functions: Annotated[list[str], Field(description="What the sentence model judges the sentence does.")]


class LLMStatus(_Open):
    """The LLM step: ok, off, unconfigured, pending, error, ..."""

    status: str
    reason: str | None = None


class CritiqueResponse(_Open):
    """The engine's wire form of a critique (see critic.wire)."""

    version: str
    offsets: dict[str, str]
    language: Annotated[str, Field(description="ISO 639-1 code of the judged text (en when too short to tell).")]
    confident: Annotated[bool, Field(description="False when the draft's language is one the rules do not cover.")]
    notices: Annotated[list[dict[str, str]], Field(description="`{kind, message}` notes the panel shows.")]
    scores: Annotated[dict[str, int | float], Field(description="`overall` plus one score per rubric, 0-100.")]
    rubrics: dict[str, RubricOut]
    findings: list[FindingOut]
    strengths: list[StrengthOut]
    text: TextOut
    excluded: list[ExcludedOut]
    placeholders: list[PlaceholderOut]
    sentences: list[SentenceOut]
    stats: dict[str, Any]
    llm: LLMStatus

    @field_validator("scores", mode="after")
    @classmethod
    def _has_overall(cls, value: dict[str, Any]) -> dict[str, Any]:
        if "overall" not in value:
            raise ValueError("scores.overall is missing")
        return value


class FieldError(BaseModel):
    """One problem with one field of the request."""

    field: str = Field(description="Dotted path of the field, e.g. `body` or `drafts[3].rules.foo`.")
    message: str


class Problem(BaseModel):
    """An RFC 9457 problem details object (media type application/problem+json)."""

    model_config = ConfigDict(extra="allow")

    type: str = "about:blank"
    title: str
    status: int
    detail: str = ""
    instance: str | None = None
    request_id: str | None = None
    errors: list[FieldError] | None = None


class BatchOk(BaseModel):
    """A draft of the batch that was critiqued."""

    index: int
    ok: Literal[True]
    critique: CritiqueResponse


class BatchError(BaseModel):
    """A draft of the batch that was refused."""

    index: int
    ok: Literal[False]
    error: Problem


class BatchResponse(BaseModel):
    """One result per draft, in the order sent."""

    results: list[BatchOk | BatchError]


class RuleInfo(BaseModel):
    """A rule a request may name in `rules`, with the human title the add-ins show."""

    id: str
    title: str
    rubric: str
    severity: Literal["suggestion", "warning", "error"]
    message: str
    why: str
    configurable: bool


class RulesResponse(BaseModel):
    """The rule catalogue: every rule id a request may re-level or turn off."""

    rules: list[RuleInfo]


class EditResponse(BaseModel):
    """The HTML body with only the span's characters replaced; every other byte as sent."""

    body: str


class Health(BaseModel):
    """Liveness."""

    status: Literal["ok"]


class Ready(_Open):
    """Readiness, with the LLM backend's state."""

    status: Literal["ready", "not ready"]
    llm: dict[str, Any]


def field_path(loc: tuple[int | str, ...], prefix: str = "") -> str:
    """A pydantic error location as a dotted path: ('drafts', 3, 'body') -> drafts[3].body."""
    out = prefix
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "(request body)"
