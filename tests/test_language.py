"""The language of a draft: detected, returned, and respected by the rules and the notices."""

from __future__ import annotations

from critic import Draft, critique, to_wire

GERMAN_PUSHY = (
    "Hallo Herr Becker,\n\nich hoffe, es geht Ihnen gut! Wir sind der führende Anbieter für Lagersoftware in Europa. "
    "Hätten Sie nächste Woche Dienstag um 14 Uhr 30 Minuten Zeit für ein Gespräch? Das Angebot gilt nur bis Freitag.\n\n"
    "Viele Grüße\nJonas"
)
SPANISH_GOOD = (
    "Hola Lucía,\n\nvi que vuestra tienda de Valencia ya no aparece en Google Maps con el horario de verano. "
    "Te dejo los pasos para corregirlo, son dos minutos. Si te sirve, genial; no hace falta responder.\n\nUn saludo,\nPablo"
)
ITALIAN = (
    "Ciao Marco,\n\nho visto il vostro nuovo negozio a Torino e vorrei proporvi una collaborazione per la stagione "
    "estiva. Avete tempo per una chiamata giovedì?\n\nGrazie,\nLuca"
)


def test_the_language_is_on_the_wire_and_english_is_confident() -> None:
    wire = to_wire(
        critique(Draft(body="Hi Dana,\n\nYour pricing page lists no annual plan. Want the comparison?"), llm="off")
    )
    assert wire["language"] == "en" and wire["confident"] is True and wire["notices"] == []


def test_a_pushy_german_draft_is_judged_by_the_sentence_model() -> None:
    result = critique(Draft(body=GERMAN_PUSHY), llm="off")
    assert result.analysis.language == "de"
    flagged = {f.rubric for f in result.findings if f.flags}
    assert {"imposition", "rapport"} <= flagged, [(f.rule, f.quote) for f in result.findings]
    assert result.scores.overall < 90  # it scored 95 before the sentence model
    assert to_wire(result)["confident"] is False


def test_a_good_spanish_draft_is_not_told_the_reader_is_missing() -> None:
    result = critique(Draft(body=SPANISH_GOOD), llm="off")
    assert result.analysis.language == "es"
    assert not any(f.rule == "empathy.reader_absent" for f in result.findings)
    assert not any(f.flags and f.rubric in ("empathy", "rapport") for f in result.findings)


def test_an_uncovered_language_gets_a_notice_and_no_english_rule() -> None:
    result = critique(Draft(body=ITALIAN), llm="off")
    wire = to_wire(result)
    assert wire["language"] == "it" and wire["confident"] is False
    assert wire["notices"] and wire["notices"][0]["kind"] == "language"
    english_only = {"rapport.pleasantry", "empathy.reader_absent", "empathy.sender_centred", "clarity.reading_grade"}
    assert not english_only & {f.rule for f in result.findings}
