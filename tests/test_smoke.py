"""The first screen of the README works: a pushy draft is flagged, a good one is clean."""

from pathlib import Path

from critic.cli.main import main
from critic.model import Draft
from critic.pipeline import critique
from critic.wire import to_wire

ROOT = Path(__file__).resolve().parents[1]


def test_pushy_example_flags_four_rubrics() -> None:
    result = to_wire(critique(Draft(body=(ROOT / "examples/pushy.txt").read_text()), llm="off"))
    flagged = {r for r, v in result["rubrics"].items() if v["flagged"]}
    assert {"rapport", "empathy", "value_first", "imposition"} <= flagged


def test_good_example_has_no_warnings(capsys) -> None:
    assert main(["check", "--format", "json", str(ROOT / "examples/good.txt")]) == 0
    import json

    result = json.loads(capsys.readouterr().out)
    assert [f["rule"] for f in result["findings"] if f["severity"] != "suggestion"] == []
