"""Rule definitions loaded from the data files: ids, severities, messages, patterns and examples."""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from critic.analysis import cache
from critic.analysis.casefold import lowered
from critic.analysis.functions import FUNCTIONS
from critic.analysis.lexicon import data_text, load_yaml, patterns_loaded
from critic.analysis.matcher import LIVE_MEMO_SIZE, WRAPPED, Item, Matcher, compiled, gate, prepare_both
from critic.analysis.memo import PER_RULE, Memo
from critic.model import RUBRICS, Severity

# phrase: a listed phrase or a sentence function occurs; metric: a measure passes a declared threshold;
# code: logic over the sequence of sentences and their roles (value before ask, who the draft is about).
KINDS = ("phrase", "metric", "code")
RULE_FILES = tuple(f"{rubric}.yaml" for rubric in RUBRICS)
_ID = re.compile(r"^[a-z_]+\.[a-z_]+$")


class RuleError(ValueError):
    """A rule file is malformed; the message names the rule."""


@dataclass(frozen=True)
class PhrasePattern:
    """One pattern of a phrase rule, with its replacement template (None: no replacement); compiled on first use."""

    source: str
    replace: str | None
    needles: frozenset[str] | None = None
    # The same pattern with flexible spaces, for hard-wrapped text (see prepare_both), and its needles.
    wrapped_source: str = ""
    wrapped_needles: frozenset[str] | None = None

    @property
    def regex(self) -> re.Pattern[str]:
        return compiled(self.source)

    def variant(self, wrapped: bool) -> Item:
        """(needles, regex) to use on text whose spaces are irregular (`wrapped`) or plain."""
        if wrapped and self.wrapped_source:
            return self.wrapped_needles, compiled(self.wrapped_source)
        return self.needles, compiled(self.source)

    def may_match(self, present: frozenset[str], wrapped: bool = False) -> bool:
        """False only when this pattern cannot match a text holding just the needles `present`."""
        need = self.wrapped_needles if wrapped and self.wrapped_source else self.needles
        return need is None or not need.isdisjoint(present)

    def found(self, text: str, wrapped: bool) -> bool:
        """Whether the variant for `wrapped` matches `text` (ASCII text is searched lowercased: see casefold)."""
        source = self.wrapped_source if wrapped and self.wrapped_source else self.source
        fast = lowered(source) if text.isascii() else None
        return (fast.search(text.lower()) if fast else compiled(source).search(text)) is not None

    def finditer(self, text: str, wrapped: bool, groups: bool = False) -> Iterator[re.Match[str]]:
        """The matches of the variant for `wrapped` in `text`: their spans, and their groups' text when `groups`."""
        source = self.wrapped_source if wrapped and self.wrapped_source else self.source
        fast = lowered(source) if text.isascii() else None
        if fast is None:
            return compiled(source).finditer(text)
        if not groups:
            return fast.finditer(text.lower())
        return _matched_again(compiled(source), fast, text)


def _matched_again(regex: re.Pattern[str], fast: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """regex.finditer(text), its matches found by `fast` (regex lowered: see casefold) in the lowercased text.

    The lowered pattern matches where the pattern does; matched again there as written, each match has its groups'
    own text. Only where something matched, which is rare, is the slower pattern run.
    """
    for m in fast.finditer(text.lower()):
        again = regex.match(text, m.start())
        if again is not None:  # always (casefold's promise); a look-behind sees the text before the position too
            yield again


@dataclass(frozen=True)
class Rule:
    """One heuristic rule as declared in rules/data."""

    id: str
    rubric: str
    kind: str
    severity: Severity
    message: str
    why: str
    examples_bad: tuple[Any, ...]
    examples_good: tuple[Any, ...]
    field: str = "body"
    span: str = "match"
    patterns: tuple[PhrasePattern, ...] = ()
    unless: Matcher | None = None
    model_unless: Matcher | None = None  # stops only the findings the sentence model raises without a phrase
    model_needs: Matcher | None = None  # what a sentence must hold for the sentence model's finding alone to stand
    unless_role: str | None = None
    first_touch: bool = False
    model_in_threads: bool = False
    soft_when_value: bool = False
    first_sentence: bool = False
    scope: str = "all"
    params: dict[str, Any] = dataclasses.field(default_factory=dict)
    terms: tuple[str, ...] = ()
    # Sentence functions (docs/sentence-labels.md) that fire this rule whether or not a pattern matches.
    functions: tuple[str, ...] = ()
    # Sentence functions that, when the model assigns them (and none of `functions`), silence a phrase match.
    unless_functions: tuple[str, ...] = ()
    # Languages whose drafts the rule judges: phrase patterns and English lexicons know only English;
    # "*" is any language (length, shouting); rules on sentence roles cover what the sentence model covers.
    languages: tuple[str, ...] = ("en",)
    replace: str | None = None  # the replacement offered for a whole sentence the sentence model flags
    measure: str = ""  # kind metric: see critic/rules/metrics.py
    levels: dict[str, float] = dataclasses.field(default_factory=dict)
    direction: str = "above"
    # Draft-level rules that judge one question ("who is it about", "does it give first") share a verdict: however
    # many of them fire, and on whichever sentences, the draft loses the points of the costliest one only.
    verdict: str = ""
    subject_labels: tuple[str, ...] = ()  # field subject: the subject model's labels that fire the rule
    _live: dict[frozenset[str], tuple[PhrasePattern, ...]] = dataclasses.field(
        default_factory=dict, init=False, compare=False, repr=False
    )
    # The needles one of which any match of any pattern (either variant) holds; None when a pattern has none.
    gate: frozenset[str] | None = dataclasses.field(default=None, init=False, compare=False, repr=False)
    function_set: frozenset[str] = dataclasses.field(default=frozenset(), init=False, compare=False, repr=False)
    # What a phrase rule found in each sentence it judged (see phrases._sentence_hits): a known sentence is a lookup.
    hits: Memo[tuple[object, ...], Any] = dataclasses.field(
        default_factory=lambda: Memo(PER_RULE), init=False, compare=False, repr=False
    )

    def __post_init__(self) -> None:
        needle_sets = [
            n for p in self.patterns for n in (p.needles, p.wrapped_needles if p.wrapped_source else p.needles)
        ]
        object.__setattr__(self, "gate", gate(needle_sets))  # frozen: set once, here
        object.__setattr__(self, "function_set", frozenset(self.functions))

    def may_match(self, present: frozenset[str]) -> bool:
        """False only when no pattern can match anywhere in a text holding just the needles `present`."""
        return self.gate is None or not self.gate.isdisjoint(present)

    def live_patterns(self, present: frozenset[str]) -> tuple[PhrasePattern, ...]:
        """The patterns that can match a sentence holding the needles `present`, remembered per set (see Matcher)."""
        live = self._live.get(present)
        if live is None:
            if len(self._live) >= LIVE_MEMO_SIZE:
                self._live.clear()
            wrapped = WRAPPED in present
            live = self._live[present] = tuple(p for p in self.patterns if p.may_match(present, wrapped))
        return live


def _patterns(raw: list[Any], default_replace: str | None) -> tuple[PhrasePattern, ...]:
    out = []
    for item in raw:
        source, replace = (
            (item["pattern"], item.get("replace", default_replace))
            if isinstance(item, dict)
            else (item, default_replace)
        )
        (need, _), (wrapped_need, wrapped) = prepare_both(source)
        out.append(PhrasePattern(source, replace, need, wrapped, wrapped_need))
    return tuple(out)


def _functions(names: Any) -> tuple[str, ...]:
    unknown = set(names) - set(FUNCTIONS)
    if unknown:
        raise RuleError(f"unknown sentence functions {sorted(unknown)}; see docs/sentence-labels.md")
    return tuple(names)


def _rule(entry: dict[str, Any], source: str, checked: bool = False) -> Rule:
    rid = entry.get("id", "?") if isinstance(entry, dict) else "?"
    try:
        if not checked:
            from critic.rules.schema import check_entry  # pydantic: imported only when the files need checking

            check_entry(entry)  # unknown keys and values fail here, before anything is compiled
        if not _ID.match(rid):
            raise RuleError("ids are dotted lowercase: rubric.name")
        rubric = rid.split(".")[0]
        if rubric not in RUBRICS or f"{rubric}.yaml" != source:
            raise RuleError(f"rubric {rubric!r} does not match file {source}")
        kind = entry["kind"]
        if kind not in KINDS:
            raise RuleError(f"kind must be one of {KINDS}")
        examples = entry.get("examples") or {}
        bad, good = tuple(examples.get("bad") or ()), tuple(examples.get("good") or ())
        if not bad or not good:
            raise RuleError("every rule needs good and bad examples")
        unless = entry.get("unless") or []
        return Rule(
            id=rid,
            rubric=rubric,
            kind=kind,
            severity=Severity.parse(entry["severity"]),
            message=str(entry["message"]),
            why=str(entry["why"]),
            examples_bad=bad,
            examples_good=good,
            field=entry.get("field", "body"),
            span=entry.get("span", "match"),
            patterns=_patterns(entry.get("patterns") or [], entry.get("replace")),
            unless=Matcher(unless) if unless else None,
            model_unless=Matcher(entry["model_unless"]) if entry.get("model_unless") else None,
            model_needs=Matcher(entry["model_needs"]) if entry.get("model_needs") else None,
            unless_role=entry.get("unless_role"),
            first_touch=bool(entry.get("first_touch", False)),
            model_in_threads=bool(entry.get("model_in_threads", False)),
            soft_when_value=bool(entry.get("soft_when_value", False)),
            first_sentence=bool(entry.get("first_sentence", False)),
            scope=entry.get("scope", "all"),
            params=dict(entry.get("params") or {}),
            terms=tuple(entry.get("terms") or ()),
            functions=_functions(entry.get("functions") or ()),
            unless_functions=_functions(entry.get("unless_functions") or ()),
            languages=tuple(entry.get("languages") or ("en",)),
            replace=entry.get("replace"),
            measure=str(entry.get("measure") or ""),
            levels={str(k): float(v) for k, v in (entry.get("levels") or {}).items()},
            direction=str(entry.get("direction", "above")),
            verdict=str(entry.get("verdict") or ""),
            subject_labels=tuple(entry.get("subject_labels") or ()),
        )
    except (KeyError, TypeError, re.error, ValueError) as exc:
        raise RuleError(f"{source}: rule {rid}: {exc}") from exc


@functools.cache
def all_rules() -> tuple[Rule, ...]:
    """Every rule, in file order; loaded and validated once per process."""
    rules: list[Rule] = []
    # The schema check (pydantic) runs once per version of the rule files on this machine: a short process that
    # loads the same files again skips it (and pydantic's import).
    schema = Path(__file__).with_name("schema.py").read_text(encoding="utf-8")  # a new schema checks again
    key = hashlib.sha256((schema + "".join(data_text(name) for name in RULE_FILES)).encode("utf-8")).hexdigest()
    checked = cache.load("rules-checked", key) == b"ok"
    for name in RULE_FILES:
        rules.extend(_rule(entry, name, checked) for entry in load_yaml(name))
    ids = [r.id for r in rules]
    dupes = {i for i in ids if ids.count(i) > 1}
    if dupes:
        raise RuleError(f"duplicate rule ids: {sorted(dupes)}")
    patterns_loaded()
    if not checked:
        cache.store("rules-checked", key, b"ok")
    return tuple(rules)


@functools.cache
def rule_by_id(rule_id: str) -> Rule:
    """One loaded rule, by its id (a check that reuses another rule's phrases asks for it here)."""
    return next(r for r in all_rules() if r.id == rule_id)
