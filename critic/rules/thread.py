"""The thread around a draft: whether it is a first touch, and what the reader already said in the quoted reply."""

from __future__ import annotations

import functools
import re

from critic.analysis.lexicon import load_yaml
from critic.model import Analysis, Document


@functools.cache
def _patterns(concept: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in load_yaml("roles.yaml")[concept]), re.IGNORECASE)


def quoted_text(doc: Document) -> str:
    """The quoted earlier messages of the body (what the reader and others already wrote)."""
    return "\n".join(doc.body[x.start : x.end] for x in doc.excluded if x.kind == "quote")


def is_warm_intro(analysis: Analysis) -> bool:
    """The draft introduces people to each other (in its first few sentences), so no one is a stranger."""
    opening = [s for s in analysis.sentences if s.role not in ("greeting", "sign_off")][:3]
    return any("intro_offer" in s.functions or _patterns("warm_intro").search(s.text) for s in opening)


def is_first_touch(doc: Document, analysis: Analysis) -> bool:
    """A stranger's first message: no quoted thread to reply to, and not a warm introduction."""
    return not any(x.kind == "quote" for x in doc.excluded) and not is_warm_intro(analysis)


def reader_refusal(doc: Document) -> re.Match[str] | None:
    """Where the quoted thread says no to what a next message might ask ("not interested", "no calls")."""
    return _patterns("reader_refusals").search(quoted_text(doc))


def reader_invited(doc: Document) -> bool:
    """The quoted thread shows the reader asking for time or a meeting themselves."""
    return _patterns("reader_invitations").search(quoted_text(doc)) is not None
