"""The thread around a draft: whether it is a first touch, and what the reader already said in the quoted reply."""

from __future__ import annotations

import re

from critic.analysis.invitation import quoted_text
from critic.analysis.lexicon import lexicon, role_patterns
from critic.model import Analysis, Document


def is_warm_intro(analysis: Analysis, doc: Document | None = None) -> bool:
    """The draft introduces people to each other (its subject or first few sentences say so): no one is a stranger."""
    if doc is not None and role_patterns("warm_intro_subject").search(doc.subject):
        return True
    opening = [s for s in analysis.sentences if s.role not in ("greeting", "sign_off")][:3]
    warm_intro = lexicon().warm_intro
    return any("intro_offer" in s.functions or warm_intro.search(s.text, s.needles) for s in opening)


def is_first_touch(doc: Document, analysis: Analysis) -> bool:
    """A stranger's first message: no quoted thread to reply to, and not a warm introduction."""
    return not any(x.kind == "quote" for x in doc.excluded) and not is_warm_intro(analysis, doc)


def reader_refusal(doc: Document) -> re.Match[str] | None:
    """Where the quoted thread says no to what a next message might ask ("not interested", "no calls")."""
    return role_patterns("reader_refusals").search(quoted_text(doc))
