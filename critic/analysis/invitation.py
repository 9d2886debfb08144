"""Whether the reader asked to meet: then the times and meeting details in the draft answer them, not ask them."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from critic.analysis.lexicon import lexicon, role_patterns
from critic.model import Document, Sentence

_MEETING_KINDS = frozenset({"meeting", "meeting_slot"})


def quoted_text(doc: Document) -> str:
    """The quoted earlier messages of the body (what the reader and others already wrote)."""
    return "\n".join(doc.body[x.start : x.end] for x in doc.excluded if x.kind == "quote")


def reader_invited(doc: Document, sentences: Sequence[Sentence] = ()) -> bool:
    """The reader asked for time or a meeting themselves: in the quoted thread, or as the draft itself says."""
    quoted = quoted_text(doc)
    if role_patterns("reader_refusals").search(quoted):
        return False  # "please don't book a call" names a call too
    if role_patterns("reader_invitations").search(quoted):
        return True
    in_draft = lexicon().invited_in_draft
    return any(in_draft.search(s.text, s.needles) for s in sentences)


def answer_invitation(doc: Document, sentences: list[Sentence]) -> list[Sentence]:
    """When the reader asked to meet, meeting asks become plain sentences: proposing times is the answer."""
    if not any(s.ask_kind in _MEETING_KINDS for s in sentences) or not reader_invited(doc, sentences):
        return sentences
    return [
        dataclasses.replace(s, roles=tuple(r for r in s.roles if r != "ask") or ("other",), ask_cost=0.0, ask_kind="")
        if s.ask_kind in _MEETING_KINDS
        else s
        for s in sentences
    ]
