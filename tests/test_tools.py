"""The optional-tool policy (tests/tools.py): skip outside CI, fail in CI, and never fetch while testing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import tools


def test_a_missing_tool_skips_outside_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="no-such-tool is not installed"):
        tools.require_tool("no-such-tool")


@pytest.mark.parametrize("value", ["true", "1", "yes"])
def test_a_missing_tool_fails_in_ci(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("CI", value)
    with pytest.raises(pytest.fail.Exception, match="CI=true but no-such-tool"):
        tools.require_tool("no-such-tool")


def test_an_installed_tool_is_found(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    assert Path(tools.require_tool("sh")).name == "sh"


def test_no_test_fetches_a_tool_while_it_runs() -> None:
    here = Path(__file__).resolve().parent
    fetching = re.compile(r"[\"'](npx|--yes)[\"']|[\"'](playwright|npm|pip)[\"'],\s*[\"']install[\"']")
    for path in here.rglob("*.py"):
        if path.resolve() != Path(__file__).resolve():
            assert not fetching.search(path.read_text(encoding="utf-8")), path


def test_ci_installs_every_tool_before_the_tests() -> None:
    run = (Path(__file__).resolve().parents[1] / ".ci" / "run").read_text(encoding="utf-8")
    tests_start = run.index("python -m pytest")
    for name in tools.TOOLS:
        assert 0 <= run.find(name) < tests_start, name
