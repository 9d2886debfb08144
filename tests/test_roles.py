"""Sentence roles for the cases the role lists were written for, each with a near miss that must not count."""

from __future__ import annotations

import pytest

from critic.analysis.sentences import analyse
from critic.ingest.document import normalise
from critic.model import Draft


def _roles(sentence: str) -> tuple[str, ...]:
    # A greeting first, so the sentence under test is judged as body text, not as an opening line.
    sentences = analyse(normalise(Draft(body=f"Hi Sam,\n\n{sentence}"))).sentences
    return sentences[-1].roles


@pytest.mark.parametrize(
    ("sentence", "role"),
    [
        ("We just released a free pack of printable lambing records and feed charts.", "value"),
        ("You are welcome to print them for your own barn: example.org/lambing", "value"),
        ("The pay range is €62,000 to €70,000 for the ward sister post.", "value"),
        ("The day rate is $900 for the first month.", "value"),
        ("I promised our director you would give her ten minutes after the board meeting.", "ask"),
        ("Do you have 15 minutes on Thursday?", "ask"),
    ],
)
def test_role_is_found(sentence: str, role: str) -> None:
    assert role in _roles(sentence)


@pytest.mark.parametrize(
    ("sentence", "role"),
    [
        ("Our open rate is 41% on the spring seed newsletter.", "value"),  # a rate, but not money for the reader
        ("We published our results in a press release.", "value"),  # not a resource for the reader
        ("He gave me 30 minutes of great advice last year.", "ask"),
    ],
)
def test_near_miss_is_not(sentence: str, role: str) -> None:
    assert role not in _roles(sentence)


def _last_roles(body: str) -> tuple[str, ...]:
    return analyse(normalise(Draft(body=body))).sentences[-1].roles


def test_the_greeted_name_is_the_reader() -> None:
    assert "about_reader" in _last_roles("Hi Margaret,\n\nJo, Margaret has backed the reading program for years.")


def test_two_greeted_names_make_no_single_reader() -> None:
    body = "Hi Paul and Derek,\n\nDerek, Paul has backed the reading program for years."
    assert "about_reader" not in _last_roles(body)


@pytest.mark.parametrize("greeting", ["Hi there,", "Dear Hiring Manager,", "Hello team,"])
def test_generic_greetings_name_nobody(greeting: str) -> None:
    assert "about_reader" not in _last_roles(
        f"{greeting}\n\nThere, Hiring and Team have backed our program since 2019."
    )


@pytest.mark.parametrize(
    ("sentence", "kind"),
    [
        ("If this seems useful, write back and I'll book a call with our head chef.", "reply"),
        ("I'd like to arrange a call with your head chef.", "meeting"),
        # A named slot stays a slot, condition or not.
        ("If you're interested, reply and let's meet Tuesday at 2pm.", "meeting_slot"),
    ],
)
def test_a_meeting_that_waits_for_a_yes_asks_only_for_a_reply(sentence: str, kind: str) -> None:
    last = analyse(normalise(Draft(body=f"Hi Sam,\n\n{sentence}"))).sentences[-1]
    assert last.ask_kind == kind


def test_the_writers_own_service_at_a_price_is_a_pitch_not_an_insight() -> None:
    from critic import Draft, critique

    body = "Hi Sam,\n\nWe can submit your site to over 400 search engines for only $29.95 per month. Call us today!"
    pitch = critique(Draft(body=body), llm="off").analysis.sentences[1]
    assert "value" not in pitch.roles and "insight" not in pitch.functions


def test_a_remembered_sentence_is_judged_as_a_new_one() -> None:
    """Sentence facts are remembered per sentence and context: the analysis is the same from a cold memo or a warm one."""
    from test_corpus import CORPUS

    from critic.analysis.facts import _FACTS
    from critic.ingest.files import corpus_draft

    drafts = [normalise(corpus_draft(path)) for path in CORPUS[:20]]
    # The same sentence as an opening line, after a greeting that names the reader, and in German.
    drafts += [normalise(Draft(body=b)) for b in ("Sam, thanks!", "Hi Sam,\n\nSam, thanks!", "Hallo Sam, danke!")]
    runs = []
    for _ in range(2):
        _FACTS.clear()
        cold = [analyse(doc, names) for doc in drafts for names in ((), ("Sam",))]
        warm = [analyse(doc, names) for doc in drafts for names in ((), ("Sam",))]
        runs.append((cold, warm))
    assert runs[0][0] == runs[0][1] == runs[1][0]
