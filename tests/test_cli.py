"""The `critic` command: formats, gating, bad files, standard input, rule flags, eval."""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

import critic
from critic.cli.main import EXIT_BELOW, EXIT_INPUT, EXIT_OK, build_parser, main

ROOT = Path(__file__).resolve().parents[1]
PUSHY = ROOT / "examples" / "pushy.txt"
GOOD = ROOT / "examples" / "good.txt"


def test_text_format_marks_the_flagged_words(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--colour", "never", str(PUSHY)]) == 0
    out = capsys.readouterr().out
    assert "⟦Hope this finds you well! ⟧" in out
    assert "rapport.pleasantry" in out and "→ delete it" in out
    assert "roles: G" in out


def test_a_hard_wrapped_template_is_judged_and_quoted_as_phrases(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wrapped = tmp_path / "wrapped.txt"
    wrapped.write_text(
        "Hi Ines,\n\nI trust this note\nreaches you well. We are the premier supplier of\nferry parts.\n\nBest,\nOla\n"
    )
    main(["check", "--colour", "never", str(wrapped)])
    out = capsys.readouterr().out
    assert "rapport.pleasantry" in out and "“I trust this note reaches you well.”" in out


def test_colour_on_a_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    main(["check", "--colour", "always", str(PUSHY)])
    assert "\033[" in capsys.readouterr().out


def test_json_is_the_wire_form(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--format", "json", str(PUSHY)]) == 0
    result = json.loads(capsys.readouterr().out)
    assert set(result["scores"]) == {"overall", "empathy", "value_first", "imposition", "rapport", "clarity"}
    assert {"findings", "text", "sentences", "stats", "llm"} <= set(result)
    assert result["llm"]["status"] in {"off", "unconfigured"}


def test_jsonl_streams_one_object_per_input_and_keeps_going_after_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes("Caf\xe9 owners: your menu".encode("latin-1"))
    code = main(
        ["check", "--format", "jsonl", str(PUSHY), str(empty), str(latin1), str(tmp_path / "missing.txt"), str(GOOD)]
    )
    captured = capsys.readouterr()
    lines = [json.loads(line) for line in captured.out.splitlines()]
    assert [line["path"] for line in lines] == [
        str(PUSHY),
        str(empty),
        str(latin1),
        str(tmp_path / "missing.txt"),
        str(GOOD),
    ]
    assert "scores" in lines[0] and "scores" in lines[4]
    assert "empty" in lines[1]["error"] and "UTF-8" in lines[2]["error"] and "cannot read" in lines[3]["error"]
    assert code == 2
    assert "empty.txt: the file is empty" in captured.err


def test_fail_under_gates_templates(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--format", "json", "--fail-under", "80", str(GOOD)]) == 0
    assert main(["check", "--format", "json", "--fail-under", "80", str(PUSHY)]) == 1
    assert "below 80" in capsys.readouterr().err


def test_rule_flag_turns_rules_off(capsys: pytest.CaptureFixture[str]) -> None:
    main(
        ["check", "--format", "json", "--rule", "rapport=off", "--rule", "imposition.time_slot=suggestion", str(PUSHY)]
    )
    result = json.loads(capsys.readouterr().out)
    assert not [f for f in result["findings"] if f["rubric"] == "rapport"]
    assert {f["severity"] for f in result["findings"] if f["rule"] == "imposition.time_slot"} == {"suggestion"}


def test_unknown_rule_flag_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--rule", "nonsense.rule=off", str(PUSHY)]) == 2
    assert "no rule has this id" in capsys.readouterr().err


def test_html_and_eml_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    html = tmp_path / "d.html"
    html.write_text("<p>Hope this finds you well!</p><p>Do you have 30 minutes Thursday?</p>")
    eml = tmp_path / "d.eml"
    eml.write_bytes(
        b"Subject: Quick question\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHope you are well. Can we hop on a call?\r\n"
    )
    main(["check", "--format", "jsonl", str(html), str(eml)])
    html_result, eml_result = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    assert html_result["text"]["format"] == "html"
    assert any(f["rule"] == "rapport.pleasantry" for f in html_result["findings"])
    assert eml_result["text"]["subject"] == "Quick question"


def test_standard_input_and_progress_bar() -> None:
    draft = PUSHY.read_bytes()
    proc = subprocess.run(
        [sys.executable, "-m", "critic", "check", "--format", "json", "-"],
        input=draft,
        capture_output=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["text"]["subject"] == "Quick question"
    paths = [str(GOOD)] * 12
    proc = subprocess.run(
        [sys.executable, "-m", "critic", "check", "--format", "jsonl", *paths],
        capture_output=True,
        check=False,
        env={"CRITIC_PROGRESS": "1", "PATH": "/usr/bin:/bin"},
    )
    assert proc.returncode == 0
    assert len(proc.stdout.splitlines()) == 12
    assert b"12/12" in proc.stderr


def test_eval_reports_metrics(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", "--format", "json", str(ROOT / "tests" / "data" / "devset.yaml")]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["drafts"] >= 60
    assert set(report["per_rubric"]) == {"empathy", "value_first", "imposition", "rapport", "clarity"}
    assert 0.0 <= report["auc_good_vs_bad"] <= 1.0


def _subparsers() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    (sub,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(sub.choices)


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out.strip() == f"critic {critic.__version__}"


@pytest.mark.parametrize("command", ["check", "eval", "serve"])
def test_every_option_states_its_default(command: str) -> None:
    parser = _subparsers()[command]
    formatter = parser._get_formatter()
    for action in parser._actions:
        if not action.option_strings or isinstance(action, argparse._HelpAction):
            continue
        shown = formatter._expand_help(action)  # the help text as --help prints it, defaults filled in
        assert re.search(r"\(.*default: [^)]+\)", shown), f"{command} {action.option_strings[0]}: {shown!r}"
    if command == "serve":
        assert "(default: 8000)" in " ".join(parser.format_help().split())


def test_check_help_documents_inputs_exit_codes_and_environment() -> None:
    text = _subparsers()["check"].format_help()
    for needle in ("Subject:", "blank line", ".html", ".eml", "standard input", "UTF-8"):
        assert needle in text, needle
    for code, meaning in (("0", "none scored below"), ("1", "below --fail-under"), ("2", "input or configuration")):
        assert re.search(rf"^  {code}  .*{re.escape(meaning)}", text, re.M), code
    for name in (
        "CRITIC_CONFIG",
        "OPENAI_BASE_URL",
        "OPENAI_API_KEY",
        "CRITIC_LLM_MODEL",
        "CRITIC_LLM_TIMEOUT",
        "NO_COLOR",
    ):
        assert re.search(rf"^  {name}\s", text, re.M), name


def test_the_documented_exit_codes_hold(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--format", "json", str(GOOD)]) == EXIT_OK == 0
    assert main(["check", "--format", "json", "--fail-under", "101", str(GOOD)]) == EXIT_BELOW == 1
    assert main(["check", str(tmp_path / "missing.txt")]) == EXIT_INPUT == 2
    with pytest.raises(SystemExit) as done:
        main(["check", "--format", "yaml", str(GOOD)])
    assert done.value.code == 2
    capsys.readouterr()


def test_the_console_script_prints_help_and_version() -> None:
    for args, needle in ((["--version"], "critic "), (["check", "--help"], "exit codes:")):
        done = subprocess.run([sys.executable, "-m", "critic", *args], capture_output=True, text=True, check=False)
        assert done.returncode == 0 and needle in done.stdout, done.stderr
