"""Sender context around the reader's own situation is polish; a brochure about the sender is a warning."""

from __future__ import annotations

from critic.model import Draft, Severity
from critic.pipeline import critique

GROUNDED = (
    "Hi Priyanka,\n\nYour garden centre's newsletter said you throw out about 60 unsold seedlings every Monday. "
    "The garden club at Hillcrest Primary plants beds with 90 pupils each spring, and seedlings are what we never "
    "have enough of. We run the club with four parents and we borrow the caretaker's trailer. "
    "We would pick up on Monday mornings and we bring our own trays. "
    "Would Mondays suit?\n\nThanks,\nOwen"
)
BROCHURE = GROUNDED.replace(
    "We run the club with four parents", "We are the leading school gardening charity in the region, founded in 2004,"
)


def _sender_centred(body: str) -> list[Severity]:
    found = critique(Draft(body=body), llm="off").findings
    # The verdict, not the suggestions that point at the other sentences bearing it out.
    return [f.severity for f in found if f.rule == "empathy.sender_centred" and not dict(f.extra).get("evidence_for")]


def test_grounded_sender_context_is_only_a_suggestion() -> None:
    assert _sender_centred(GROUNDED) == [Severity.SUGGESTION]


def test_brochure_claims_keep_the_warning() -> None:
    assert _sender_centred(BROCHURE) == [Severity.WARNING]


def test_explicit_relevel_still_wins() -> None:
    found = critique(Draft(body=GROUNDED), llm="off", rules={"empathy.sender_centred": "error"}).findings
    assert [f.severity for f in found if f.rule == "empathy.sender_centred"] == [Severity.ERROR]


GIFT = (
    "Hi Kenji,\n\nThe ferry timetable PDF on the harbour site lists the 7:40 sailing twice and leaves out the 8:15. "
    "I marked both lines on a copy and attached it. No reply needed.\n\nBest,\nLiv"
)


def test_a_gift_with_nothing_asked_is_not_reader_absent() -> None:
    rules = {f.rule for f in critique(Draft(body=GIFT), llm="off").findings}
    assert "empathy.reader_absent" not in rules


def test_the_same_text_with_an_ask_is() -> None:
    body = GIFT.replace("No reply needed.", "Can we get on a call on Thursday to discuss our consulting rates?")
    rules = {f.rule for f in critique(Draft(body=body), llm="off").findings}
    assert "empathy.reader_absent" in rules


PITCH = (
    "Hi Dana,\n\nWe are the leading provider of fleet software in the Midwest. Our award-winning team has 40 "
    "engineers. We serve 300 customers and our platform is trusted by the best brands. Our support is rated "
    "first in the industry.\n\nBest,\nTom"
)


def test_a_sender_centred_draft_points_at_each_sentence_about_the_sender_but_deducts_once() -> None:
    result = critique(Draft(body=PITCH), llm="off", rules={"empathy.sender_centred": "error"})
    found = [f for f in result.findings if f.rule == "empathy.sender_centred"]
    main = [f for f in found if not dict(f.extra).get("evidence_for")]
    evidence = [f for f in found if dict(f.extra).get("evidence_for")]
    assert len(main) == 1 and main[0].severity == Severity.ERROR
    assert evidence and all(f.severity == Severity.SUGGESTION for f in evidence), "a re-level applies to the verdict"
    assert all(dict(f.extra)["evidence_for"] == main[0].id for f in evidence)
    points = {d["finding"]: d["points"] for d in result.scores.deductions["empathy"]}
    assert all(points[f.id] == 0 for f in evidence) and points[main[0].id] > 0
