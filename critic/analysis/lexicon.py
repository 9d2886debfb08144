"""Loads the phrase lists in rules/data once and prepares them (each pattern is compiled when first needed).

The data files are YAML; a parsed file is kept in the user cache under a hash of its text, and the patterns' needles
under a hash of all the data files (see critic/analysis/cache.py), so a new process reads neither YAML nor regex
syntax for files it has seen before.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import marshal
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from critic.analysis import cache, needles
from critic.analysis.alternatives import Alternatives
from critic.analysis.matcher import FLAGS, Matcher, save_known, use_known

PLEASANTRY_RULES = ("rapport.pleasantry", "rapport.small_talk")
FLATTERY_RULE = "rapport.empty_flattery"
__all__ = ["FLAGS", "AskPattern", "Lexicon", "lexicon", "load_yaml"]


@functools.cache
def _data_dir() -> Any:
    """critic/rules/data: a plain directory in any ordinary install (importlib.resources, which imports a good part
    of the standard library, only for other kinds)."""
    here = Path(__file__).resolve().parent.parent / "rules" / "data"
    if here.is_dir():
        return here
    from importlib import resources

    return resources.files("critic.rules").joinpath("data")


def _read(name: str) -> str:
    with _data_dir().joinpath(name).open("r", encoding="utf-8") as fh:
        return fh.read()


def data_text(name: str) -> str:
    """The text of a data file shipped in critic/rules/data."""
    return _read(name)


def _parse(text: str) -> Any:
    import yaml  # only when a file is not in the cache

    return yaml.safe_load(text)


@functools.cache
def _needles_key() -> str:
    """A hash of every data file and of the code that reads needles: the cache key of the patterns' needles."""
    digest = hashlib.sha256(Path(needles.__file__).read_bytes())
    for entry in sorted(_data_dir().iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            digest.update(entry.name.encode() + b"\0" + entry.read_bytes())
    return digest.hexdigest()


def load_yaml(name: str) -> Any:
    """A YAML data file shipped in critic/rules/data (a fresh copy on every call)."""
    use_known(_needles_key())  # the needles of these files' patterns, before any pattern is prepared
    text = _read(name)
    key = hashlib.sha256(text.encode("utf-8")).hexdigest()
    stored = cache.load(f"yaml-{name}", key)
    if isinstance(stored, bytes):
        return marshal.loads(stored)
    data = _parse(text)
    with contextlib.suppress(ValueError):  # a type marshal cannot write (a YAML timestamp, say): parsed every time
        cache.store(f"yaml-{name}", key, marshal.dumps(data))
    return data


@functools.cache
def role_patterns(concept: str) -> re.Pattern[str]:
    """One case-insensitive regex for a list of patterns in roles.yaml (the thread and invitation cues)."""
    return re.compile("|".join(f"(?:{p})" for p in load_yaml("roles.yaml")[concept]), re.IGNORECASE)


def patterns_loaded() -> None:
    """Called once the rule files or the lexicon are prepared: keep their patterns' needles for the next process."""
    save_known()


@dataclass(frozen=True)
class AskPattern:
    """Request patterns and what granting them costs the reader."""

    cost: float
    kind: str
    matcher: Matcher


@dataclass(frozen=True)
class Lexicon:
    """Compiled role patterns."""

    greeting: Matcher
    pleasantry: Matcher
    flattery: Matcher
    flattery_unless: Matcher
    asks: tuple[AskPattern, ...]
    value: Matcher
    proof: Matcher
    reader_refs: tuple[tuple[int, Matcher], ...]
    sender_refs: tuple[tuple[int, Matcher], ...]
    not_about_reader: Matcher
    reader_focus: Matcher
    sender_markers: Matcher
    needs_question: Matcher
    specific_connection: Matcher
    conditional_meeting: Matcher = Matcher()
    generic_addressees: frozenset[str] = frozenset()
    # roles.yaml lists asked of single sentences, answering exactly as role_patterns(concept) does.
    machine_talk: Alternatives = Alternatives(())
    invited_in_draft: Alternatives = Alternatives(())  # reader_invitations_in_draft
    warm_intro: Alternatives = Alternatives(())
    earlier_message: Alternatives = Alternatives(())


def _weighted(table: dict[int, list[str]]) -> tuple[tuple[int, Matcher], ...]:
    return tuple((int(w), Matcher(pats)) for w, pats in table.items())


@functools.cache
def lexicon() -> Lexicon:
    """The role lexicon from roles.yaml, compiled once per process."""
    data = load_yaml("roles.yaml")
    # The pleasantry role reuses the rapport rules' own lists, so one phrase list serves both.
    rapport = {rule["id"]: rule for rule in load_yaml("rapport.yaml")}
    flattery = rapport[FLATTERY_RULE]
    lex = Lexicon(
        greeting=Matcher(data["greeting"]),
        pleasantry=Matcher([p for rid in PLEASANTRY_RULES for p in rapport[rid]["patterns"]]),
        flattery=Matcher(flattery["patterns"]),
        flattery_unless=Matcher(flattery.get("unless") or []),
        # Dearest first (stable, so equal costs keep the file's order): the first ask that matches is the costliest.
        asks=tuple(
            sorted(
                (AskPattern(float(e["cost"]), str(e["kind"]), Matcher(e["patterns"])) for e in data["asks"]),
                key=lambda a: -a.cost,
            )
        ),
        value=Matcher(data["value"]),
        proof=Matcher(data["proof"]),
        reader_refs=_weighted(data["reader_refs"]),
        sender_refs=_weighted(data["sender_refs"]),
        not_about_reader=Matcher(data["not_about_reader"]),
        reader_focus=Matcher(data["reader_focus"]),
        sender_markers=Matcher(data["sender_markers"]),
        needs_question=Matcher(data["needs_question"]),
        specific_connection=Matcher(data["specific_connection"]),
        conditional_meeting=Matcher(data.get("conditional_meeting") or []),
        generic_addressees=frozenset(str(w).lower() for w in data.get("generic_addressees") or ()),
        machine_talk=Alternatives(data["machine_talk"]),
        invited_in_draft=Alternatives(data["reader_invitations_in_draft"]),
        warm_intro=Alternatives(data["warm_intro"]),
        earlier_message=Alternatives(data["earlier_message"]),
    )
    patterns_loaded()
    return lex
