"""The wire form of a critique: the JSON the CLI prints and the service returns, built only here.

Offsets: `start`/`end` count Unicode code points (Python string indices) into the normalised text of
the finding's `field`; `start_utf16`/`end_utf16` count UTF-16 code units (JavaScript string indices).
"""

from __future__ import annotations

from bisect import bisect_left
from typing import Any

from critic.model import Critique, Finding, Strength
from critic.scoring import penalty

WIRE_VERSION = "1"
OFFSET_UNITS = {"start/end": "unicode code points", "start_utf16/end_utf16": "UTF-16 code units"}


class OffsetConverter:
    """Converts code-point offsets of one text to UTF-16 offsets."""

    def __init__(self, text: str) -> None:
        # Only characters outside the BMP take two UTF-16 units, so their positions are all we need.
        self._astral = [] if text.isascii() else [i for i, ch in enumerate(text) if ord(ch) > 0xFFFF]

    def utf16(self, offset: int) -> int:
        return offset + bisect_left(self._astral, offset) if self._astral else offset


def span(start: int, end: int, conv: OffsetConverter) -> dict[str, int]:
    """A span's offsets in both units."""
    return {"start": start, "end": end, "start_utf16": conv.utf16(start), "end_utf16": conv.utf16(end)}


def finding_to_dict(f: Finding, conv: OffsetConverter) -> dict[str, Any]:
    """One finding."""
    out: dict[str, Any] = {
        "id": f.id,
        "rubric": f.rubric,
        "rule": f.rule,
        "severity": f.severity.label,
        "field": f.field,
        **span(f.start, f.end, conv),
        "quote": f.quote,
        "message": f.message,
        "why": f.why,
        "replacements": list(f.replacements),
        "source": f.source,
        "penalty": penalty(f.severity),
    }
    out.update(dict(f.extra))
    return out


def strength_to_dict(s: Strength, conv: OffsetConverter) -> dict[str, Any]:
    """One strength (something the draft does well, credited to a rubric)."""
    return {
        "rubric": s.rubric,
        "kind": s.kind,
        "field": "body",
        **span(s.start, s.end, conv),
        "quote": s.quote,
        "message": s.message,
    }


def to_wire(c: Critique) -> dict[str, Any]:
    """The whole critique in its wire form."""
    doc, analysis = c.document, c.analysis
    convs = {"subject": OffsetConverter(doc.subject), "body": OffsetConverter(doc.body)}
    return {
        "version": WIRE_VERSION,
        "offsets": OFFSET_UNITS,
        "language": analysis.language,
        "confident": not any(n["kind"] == "language" for n in c.notices),
        "notices": list(c.notices),
        "scores": {"overall": c.scores.overall, **c.scores.rubric},
        "rubrics": {
            r: {"score": c.scores.rubric[r], "flagged": c.scores.flagged[r], "deductions": c.scores.deductions[r]}
            for r in c.scores.rubric
        },
        "findings": [finding_to_dict(f, convs[f.field]) for f in c.findings],
        "strengths": [strength_to_dict(s, convs["body"]) for s in c.strengths],
        "text": {"subject": doc.subject, "body": doc.body, "format": doc.format},
        "excluded": [{"field": x.field, "kind": x.kind, **span(x.start, x.end, convs[x.field])} for x in doc.excluded],
        "placeholders": [
            {
                "field": p.field,
                **span(p.start, p.end, convs[p.field]),
                "text": (doc.subject if p.field == "subject" else doc.body)[p.start : p.end],
            }
            for p in doc.placeholders
        ],
        "sentences": [
            {
                "index": s.index,
                "paragraph": s.paragraph,
                **span(s.start, s.end, convs["body"]),
                "role": s.role,
                "roles": list(s.roles),
                "ask_cost": s.ask_cost,
                "functions": list(s.functions),
            }
            for s in analysis.sentences
        ],
        "stats": c.stats,
        "llm": c.llm,
    }
