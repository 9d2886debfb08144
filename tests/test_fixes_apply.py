"""Fixes that improve: applying any replacement, or all of them, leaves no mess and does not lower the score.

Over the corpus, the dev set and the held-out set: each replacement applied alone, then all of them together
(non-overlapping, last first), must not leave an empty paragraph, a doubled space or a dangling comma, or put
words in the draft that the critic then flags under the same rule, or lower the overall score.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import pytest
import yaml

from critic import Draft, critique
from critic.ingest.files import corpus_draft

DATA = Path(__file__).parent / "data"
MESS = {
    "empty paragraph": re.compile(r"\n[ \t]*\n[ \t]*\n"),
    "doubled space": re.compile(r"(?<=\S)  +(?=\S)"),
    "dangling comma": re.compile(r",\s*[.!?;:,]|^[ \t]*,|\([ \t]*\)", re.M),  # a greeting line may end in a comma
}


def _drafts() -> list[tuple[str, Draft]]:
    out = [(p.stem, corpus_draft(p)) for p in sorted((DATA / "corpus").glob("*.txt"))]
    for name in ("devset.yaml", "devset2.yaml", "heldout.yaml"):
        for item in yaml.safe_load((DATA / name).read_text(encoding="utf-8")):
            out.append(
                (
                    item["id"],
                    Draft(body=item["body"], subject=item.get("subject") or "", format=item.get("format", "text")),
                )
            )
    return out


DRAFTS = _drafts()


def _apply(text: str, edits: list[tuple[int, int, str]]) -> str:
    for start, end, new in sorted(edits, key=lambda e: -e[0]):
        text = text[:start] + new + text[end:]
    return text


def _mess(before: str, after: str) -> list[str]:
    return [name for name, rx in MESS.items() if len(rx.findall(after)) > len(rx.findall(before))]


def _check(result, fixes: list) -> list[str]:
    doc = result.document
    problems = []
    texts = {"subject": doc.subject, "body": doc.body}
    edits: dict[str, list[tuple[int, int, str]]] = {"subject": [], "body": []}
    for f in fixes:
        edits[f.field].append((f.start, f.end, f.replacements[0]))
    new = {k: _apply(v, edits[k]) for k, v in texts.items()}
    if not new["body"].strip():
        return []  # every sentence was a problem: nothing is left to judge, which is the writer's call
    after = critique(Draft(body=new["body"], subject=new["subject"]), llm="off")
    if after.scores.overall < result.scores.overall:
        problems.append(f"score {result.scores.overall} -> {after.scores.overall}")
    for k, text in texts.items():
        problems += [f"{k}: {m}" for m in _mess(text, new[k])]
    for f in fixes:
        new_start = f.start + sum(
            len(g.replacements[0]) - (g.end - g.start) for g in fixes if g.field == f.field and g.start < f.start
        )
        new_end = new_start + len(f.replacements[0])
        if new_end > new_start and any(
            g.rule == f.rule and g.field == f.field and new_start <= g.start and g.end <= new_end
            for g in after.findings
        ):
            problems.append(f"{f.rule}: its own replacement {f.replacements[0]!r} is flagged again")
    return problems


@functools.cache
def _outcome(index: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(problems, score drops of single fixes) of applying the fixes of draft `index`."""
    name, draft = DRAFTS[index]
    result = critique(draft, llm="off")
    fixable = [f for f in result.findings if f.replacements]
    problems, drops = [], []
    for f in fixable:
        for p in _check(result, [f]):
            (drops if p.startswith("score") else problems).append(f"{name} {f.rule} alone: {p}")
    chosen: list = []
    for f in sorted(fixable, key=lambda x: -int(x.severity)):
        if not any(f.field == g.field and f.start < g.end and g.start < f.end for g in chosen):
            chosen.append(f)
    if len(chosen) > 1:
        for p in _check(result, chosen):
            (drops if p.startswith("score") else problems).append(f"{name} all together: {p}")
    return tuple(problems), tuple(drops)


@pytest.mark.parametrize("index", range(len(DRAFTS)), ids=[n for n, _ in DRAFTS])
def test_fixes_leave_no_mess_behind(index: int) -> None:
    problems, _ = _outcome(index)
    assert not problems, problems


def test_fixes_never_lower_the_score() -> None:
    drops = [d for i in range(len(DRAFTS)) for d in _outcome(i)[1]]
    assert not drops, drops
