"""Sender context around the reader's own situation is polish; a brochure about the sender is a warning."""

from __future__ import annotations

from critic.model import Draft, Severity
from critic.pipeline import critique

GROUNDED = (
    "Hi Anne,\n\nI read in the Gazette that your bakery composts about 40 loaves a day at closing. "
    "Our Thursday dinner at St. Brendan's feeds around 120 people, and bread is what we always run short of. "
    "We run the kitchen with six volunteers and we borrow the church van. "
    "We would collect at closing on Wednesdays and we bring our own crates. "
    "Would Wednesdays work?\n\nBest,\nRuth"
)
BROCHURE = GROUNDED.replace(
    "We run the kitchen with six volunteers", "We are the leading food charity in the county, founded in 1998,"
)


def _sender_centred(body: str) -> list[Severity]:
    return [f.severity for f in critique(Draft(body=body), llm="off").findings if f.rule == "empathy.sender_centred"]


def test_grounded_sender_context_is_only_a_suggestion() -> None:
    assert _sender_centred(GROUNDED) == [Severity.SUGGESTION]


def test_brochure_claims_keep_the_warning() -> None:
    assert _sender_centred(BROCHURE) == [Severity.WARNING]


def test_explicit_relevel_still_wins() -> None:
    found = critique(Draft(body=GROUNDED), llm="off", rules={"empathy.sender_centred": "error"}).findings
    assert [f.severity for f in found if f.rule == "empathy.sender_centred"] == [Severity.ERROR]


GIFT = (
    "Hi Tomás,\n\nThe flaky Windows test in #412 comes from the temp dir not being released before cleanup. "
    "I opened a PR with a two-line fix and a regression test. No reply needed.\n\nCheers,\nAna"
)


def test_a_gift_with_nothing_asked_is_not_reader_absent() -> None:
    rules = {f.rule for f in critique(Draft(body=GIFT), llm="off").findings}
    assert "empathy.reader_absent" not in rules


def test_the_same_text_with_an_ask_is() -> None:
    body = GIFT.replace("No reply needed.", "Can we get on a call on Thursday to discuss our consulting rates?")
    rules = {f.rule for f in critique(Draft(body=body), llm="off").findings}
    assert "empathy.reader_absent" in rules
