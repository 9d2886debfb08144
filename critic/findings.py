"""The one finding type shared by heuristic and LLM rules, and its wire form."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

RUBRICS: tuple[str, ...] = ("empathy", "value_first", "imposition", "rapport", "clarity")


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
class Finding:
    """A judgement about a span of the subject or body, in code points of the normalised text."""

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
    penalty: int = 0
    extra: tuple[tuple[str, Any], ...] = field(default=())

    @property
    def flags(self) -> bool:
        return self.severity >= Severity.WARNING


def utf16_len(text: str) -> int:
    """Length of `text` in UTF-16 code units, as JavaScript counts it."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def finding_id(f: Finding) -> str:
    """A short id stable for the same rule at the same place."""
    return f"{f.rule}@{f.field}:{f.start}-{f.end}"
