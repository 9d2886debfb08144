"""When the reader asked to meet, proposing times answers them; a 'no' in the thread is never read as an invitation."""

from __future__ import annotations

from critic import Draft, critique

QUOTE = "\n\nOn Mon, Mar 2, 2026 at 9:00 AM Ana Ruiz <ana@example.com> wrote:\n> "


def _imposition(body: str) -> set[str]:
    return {f.rule for f in critique(Draft(body=body), llm="off").findings if f.rubric == "imposition" and f.flags}


def test_times_for_the_walkthrough_the_reader_asked_for_are_no_imposition() -> None:
    body = (
        "Hi Ana,\n\nHere are two times that work for the 20-minute walkthrough you asked for:\n\n"
        "- Tuesday 14 May, 10:00 ET\n- Wednesday 15 May, 15:30 ET\n\nBest,\nLinh"
    )
    assert _imposition(body) == set()


def test_an_invitation_in_the_quoted_thread_counts_too() -> None:
    assert (
        _imposition("Hi Ana,\n\nThursday at 3pm works; I'll bring the floor plans." + QUOTE + "Can we meet this week?")
        == set()
    )


def test_the_same_times_sent_cold_are_an_imposition() -> None:
    assert _imposition("Hi Ana,\n\nAre you free Tuesday at 10:00 or Wednesday at 15:30 for 30 minutes?\n\nLinh")


def test_a_refusal_that_names_a_call_is_not_an_invitation() -> None:
    body = "Hi Ana,\n\nCould we do a quick call on Friday?" + QUOTE + "Not interested. Please don't book a call."
    assert "imposition.ignores_reader" in _imposition(body)
