"""Rule overrides: by id or prefix, from the config file and per request; the most specific key wins."""

from __future__ import annotations

from pathlib import Path

import pytest

from critic.config import ConfigError, Overrides, load_file_overrides
from critic.model import Draft, Severity
from critic.pipeline import critique

KNOWN = {"rapport.pleasantry", "rapport.small_talk", "clarity.length"}
PUSHY = "Trust your quarter is going smoothly! Happy Monday! We are the premier supplier of boat paint. Could we speak for 20 minutes on Friday?"


def test_longest_key_wins() -> None:
    o = Overrides.parse({"rapport": "off", "rapport.pleasantry": "error"}, KNOWN)
    assert o.level("rapport.pleasantry", Severity.WARNING) is Severity.ERROR
    assert o.level("rapport.small_talk", Severity.WARNING) is None
    assert o.level("clarity.length", Severity.WARNING) is Severity.WARNING


def test_request_overrides_file() -> None:
    file = Overrides.parse({"rapport.pleasantry": "off"}, KNOWN)
    request = Overrides.parse({"rapport.pleasantry": "suggestion"}, KNOWN)
    assert file.then(request).level("rapport.pleasantry", Severity.WARNING) is Severity.SUGGESTION


@pytest.mark.parametrize("raw", [{"nope": "off"}, {"rapport": "loud"}, {"rapport": 3}, ["rapport"]])
def test_bad_overrides_name_the_key(raw: object) -> None:
    with pytest.raises(ConfigError):
        Overrides.parse(raw, KNOWN)  # type: ignore[arg-type]


def test_config_file(tmp_path: Path) -> None:
    path = tmp_path / "critic.toml"
    path.write_text('[rules]\n"rapport" = "off"\n"clarity.length" = "error"\n')
    o = load_file_overrides(path, KNOWN)
    assert o.level("rapport.small_talk", Severity.WARNING) is None
    assert o.level("clarity.length", Severity.SUGGESTION) is Severity.ERROR
    path.write_text("[rules\n")
    with pytest.raises(ConfigError, match="critic.toml"):
        load_file_overrides(path, KNOWN)


def test_per_request_rules_change_the_critique() -> None:
    plain = critique(Draft(body=PUSHY), llm="off")
    quiet = critique(Draft(body=PUSHY), rules={"rapport": "off", "imposition": "suggestion"}, llm="off")
    assert any(f.rubric == "rapport" for f in plain.findings)
    assert not any(f.rubric == "rapport" for f in quiet.findings)
    assert all(f.severity is Severity.SUGGESTION for f in quiet.findings if f.rubric == "imposition")
    assert quiet.scores.rubric["rapport"] == 100 and not quiet.scores.flagged["imposition"]


def test_the_llms_findings_can_be_turned_off_or_relevelled_by_id() -> None:
    from critic.config import Overrides
    from critic.llm.merge import rubric_level
    from critic.model import Severity
    from critic.pipeline import request_overrides

    assert rubric_level(request_overrides({"llm.rapport": "off"}), "rapport", Severity.WARNING) is None
    assert rubric_level(request_overrides({"llm": "suggestion"}), "clarity", Severity.ERROR) == Severity.SUGGESTION
    assert rubric_level(request_overrides({"rapport": "off"}), "rapport", Severity.WARNING) is None
    assert rubric_level(Overrides(), "empathy", Severity.WARNING) == Severity.WARNING
