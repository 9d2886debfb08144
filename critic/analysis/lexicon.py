"""Loads the phrase lists in rules/data once and compiles them."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml

from critic.analysis.matcher import FLAGS, Matcher

PLEASANTRY_RULES = ("rapport.pleasantry", "rapport.small_talk")
FLATTERY_RULE = "rapport.empty_flattery"
__all__ = ["FLAGS", "AskPattern", "Lexicon", "lexicon", "load_yaml"]


def load_yaml(name: str) -> Any:
    """A YAML data file shipped in critic/rules/data."""
    with resources.files("critic.rules").joinpath("data").joinpath(name).open("r", encoding="utf-8") as fh:
        return yaml.safe_load(fh)


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


def _weighted(table: dict[int, list[str]]) -> tuple[tuple[int, Matcher], ...]:
    return tuple((int(w), Matcher(pats)) for w, pats in table.items())


@functools.cache
def lexicon() -> Lexicon:
    """The role lexicon from roles.yaml, compiled once per process."""
    data = load_yaml("roles.yaml")
    # The pleasantry role reuses the rapport rules' own lists, so one phrase list serves both.
    rapport = {rule["id"]: rule for rule in load_yaml("rapport.yaml")}
    flattery = rapport[FLATTERY_RULE]
    return Lexicon(
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
    )
