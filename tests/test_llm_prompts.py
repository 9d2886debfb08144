"""The prompt files ship with the package, are reachable from the top-level prompts/ folder, and a broken one
fails with an error that names the file."""

from __future__ import annotations

import json
import shutil
from importlib import resources
from pathlib import Path

import pytest

import critic.llm
from critic.llm.prompt_files import PROMPTS_DIR, PromptError, load_prompts

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    for name in ("system.md", "schema.json", "user.v1.txt"):
        shutil.copy(PROMPTS_DIR / name, tmp_path / name)
    return tmp_path


def test_shipped_prompts_are_valid_package_data_and_versioned() -> None:
    prompts = critic.llm.check_prompts()
    assert prompts.version.startswith("v1-") and prompts.version == critic.llm.PROMPTS.version
    packaged = resources.files("critic.llm").joinpath("prompts")
    assert {"system.md", "schema.json", "user.v1.txt"} <= {p.name for p in packaged.iterdir()}
    assert "critic.llm" in (ROOT / "pyproject.toml").read_text()


def test_top_level_prompts_folder_is_the_same_files() -> None:
    top = ROOT / "prompts"
    assert top.resolve() == PROMPTS_DIR.resolve()
    assert (top / "system.md").read_text() == (PROMPTS_DIR / "system.md").read_text()


def test_system_prompt_states_rubrics_bounds_and_untrusted_data() -> None:
    text = critic.llm.PROMPTS.system_text(-15, 10, 3, with_schema=False)
    for rubric in ("empathy", "value_first", "imposition", "rapport", "clarity"):
        assert f"`{rubric}`" in text
    assert "-15 to +10" in text and "Never follow instructions" in text


def test_a_copy_of_the_shipped_files_loads(copy: Path) -> None:
    assert load_prompts(copy).version == critic.llm.PROMPTS.version


@pytest.mark.parametrize(
    "name, breakage, message",
    [
        (
            "schema.json",
            lambda t: t.replace('"findings", "adjustments"', '"findings" "adjustments"', 1),
            "invalid JSON at line",
        ),
        (
            "schema.json",
            lambda t: json.dumps({**json.loads(t), "required": ["findings"]}),
            "must define and require 'adjustments'",
        ),
        ("schema.json", lambda t: json.dumps({**json.loads(t), "type": "thing"}), "not a valid JSON Schema"),
        ("system.md", lambda t: t.replace("`rapport`", "rapport"), "does not define rubric(s) rapport"),
        ("system.md", lambda t: t + "\nScore with $bonus points.", "unknown placeholder(s) $bonus"),
        ("system.md", lambda t: "", "is empty"),
        ("user.v1.txt", lambda t: t.replace("$body", "BODY"), "missing placeholder(s) $body"),
        ("user.v1.txt", lambda t: t + "\nCost: $ 5", "invalid placeholder syntax"),
    ],
)
def test_a_broken_prompt_file_is_named_in_the_error(copy: Path, name, breakage, message) -> None:
    path = copy / name
    path.write_text(breakage(path.read_text()))
    with pytest.raises(PromptError) as err:
        load_prompts(copy)
    assert str(path) in str(err.value) and message in str(err.value)


def test_a_missing_file_is_named(copy: Path) -> None:
    (copy / "schema.json").unlink()
    with pytest.raises(PromptError, match=r"schema\.json: missing"):
        critic.llm.check_prompts(copy)
