"""The domain's frozen types: a draft, the document read from it, its sentences, findings, scores and the critique.

This module imports nothing of critic: every pipeline stage depends on it, and it on none of them.
"""

from __future__ import annotations

import dataclasses
import enum
from dataclasses import dataclass, field
from typing import Any, Literal

RUBRICS: tuple[str, ...] = ("empathy", "value_first", "imposition", "rapport", "clarity")
Format = Literal["text", "html", "eml"]
FORMATS: tuple[str, ...] = ("text", "html", "eml")
LLMMode = Literal["auto", "on", "off"]
LLM_MODES: tuple[str, ...] = ("auto", "on", "off")


class DraftError(ValueError):
    """The draft cannot be read; the message says why in words a writer understands."""


class Severity(enum.IntEnum):
    """How much a finding matters; `warning` and `error` flag their rubric."""

    SUGGESTION = 1
    WARNING = 2
    ERROR = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, value: str | Severity) -> Severity:
        if isinstance(value, Severity):
            return value
        try:
            return cls[str(value).upper()]
        except KeyError:
            raise ValueError(f"unknown severity {value!r}; use suggestion, warning or error") from None


@dataclass(frozen=True, slots=True)
class Draft:
    """What the writer gave us: an optional subject and a body in one of the formats."""

    body: str
    subject: str = ""
    format: Format = "text"


@dataclass(frozen=True, slots=True)
class Recipient:
    """What the writer tells us about the reader; names count as mentions of the reader."""

    name: str = ""
    company: str = ""
    notes: str = ""


@dataclass(frozen=True, slots=True)
class Span:
    """A half-open range of code points in one field of the normalised text, and what it is (quote, signature...)."""

    field: str
    start: int
    end: int
    kind: str


@dataclass(frozen=True, slots=True)
class Document:
    """The normalised draft: what the critic judges and what offsets point into."""

    subject: str
    body: str
    format: Format
    # body_map[i] is the offset in the input body of normalised character i (None: identity).
    body_map: tuple[int, ...] | None = None
    excluded: tuple[Span, ...] = ()
    placeholders: tuple[Span, ...] = ()
    judged: tuple[tuple[int, int], ...] = field(default=())

    def text(self, field: str) -> str:
        """The normalised text of `field` ("subject" or "body")."""
        return self.subject if field == "subject" else self.body

    def source_offset(self, offset: int) -> int:
        """Offset in the input body that normalised body offset `offset` came from."""
        if self.body_map is None:
            return offset
        if offset >= len(self.body_map):
            return (self.body_map[-1] + 1) if self.body_map else 0
        return self.body_map[offset]


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence of the judged body, with what it does for the reader."""

    index: int
    start: int
    end: int
    text: str
    paragraph: int
    roles: tuple[str, ...]
    ask_cost: float
    ask_kind: str
    reader: int
    sender: int
    words: int
    needles: frozenset[str] = frozenset()
    functions: tuple[str, ...] = ()  # what the sentence model judges it does (docs/sentence-labels.md)

    @property
    def role(self) -> str:
        return self.roles[0]

    @property
    def is_question(self) -> bool:
        return self.text.rstrip("\"”’') ").endswith("?")


@dataclass(frozen=True, slots=True)
class Analysis:
    """Everything the rules need to know about the draft's structure."""

    sentences: tuple[Sentence, ...]
    paragraphs: tuple[tuple[int, int], ...]
    stats: dict[str, object]
    needles: frozenset[str] = frozenset()
    language: str = "en"  # ISO 639-1 code of the judged text
    language_reliable: bool = False  # False: too little text to tell, taken as English


@dataclass(frozen=True, slots=True)
class Finding:
    """A judgement about a span of the subject or body, in code points of the normalised text.

    Its cost in points is not stored: `critic.scoring.penalty` derives it from the severity.
    """

    rubric: str
    rule: str
    severity: Severity
    field: str
    start: int
    end: int
    quote: str
    message: str
    why: str
    replacements: tuple[str, ...] = ()
    source: str = "heuristic"
    extra: tuple[tuple[str, Any], ...] = field(default=())

    @property
    def flags(self) -> bool:
        return self.severity >= Severity.WARNING

    @property
    def id(self) -> str:
        """A short id stable for the same rule at the same place."""
        return f"{self.rule}@{self.field}:{self.start}-{self.end}"


@dataclass(frozen=True, slots=True)
class Strength:
    """Something the draft does well, at the words that do it."""

    rubric: str
    kind: str
    start: int
    end: int
    quote: str
    message: str


@dataclass(frozen=True)
class Scores:
    """Per-rubric scores, the overall score, and the deductions behind them."""

    rubric: dict[str, int]
    overall: int
    deductions: dict[str, list[dict[str, object]]]
    flagged: dict[str, bool]


@dataclass(frozen=True)
class Critique:
    """The result of judging one draft (its wire form is `critic.wire.to_wire`)."""

    document: Document
    analysis: Analysis
    findings: tuple[Finding, ...]
    strengths: tuple[Strength, ...]
    scores: Scores
    stats: dict[str, Any]
    llm: dict[str, Any] = field(default_factory=lambda: {"status": "off"})
    recipient: Recipient | None = None
    notices: tuple[dict[str, str], ...] = ()  # what the writer should know about how far to trust this critique
    overrides: Any = None  # critic.config.Overrides: the rule levels this critique was made under

    def replace(self, **changes: Any) -> Critique:
        """A copy with some fields changed."""
        return dataclasses.replace(self, **changes)
