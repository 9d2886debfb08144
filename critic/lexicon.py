"""Loads the phrase lists in rules/data once and compiles them."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml

FLAGS = re.IGNORECASE
PLEASANTRY_RULES = ("rapport.pleasantry", "rapport.small_talk")
FLATTERY_RULE = "rapport.empty_flattery"


def compile_any(patterns: list[str]) -> re.Pattern[str] | None:
    """One regex that matches when any of `patterns` does (None for an empty list)."""
    if not patterns:
        return None
    return re.compile("|".join(f"(?:{p})" for p in patterns), FLAGS)


def load_yaml(name: str) -> Any:
    """A YAML data file shipped in critic/rules/data."""
    with resources.files("critic.rules").joinpath("data").joinpath(name).open("r", encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@dataclass(frozen=True)
class AskPattern:
    """A request pattern and what granting it costs the reader."""

    cost: float
    kind: str
    regex: re.Pattern[str]


@dataclass(frozen=True)
class Lexicon:
    """Compiled role patterns."""

    greeting: re.Pattern[str] | None
    pleasantry: re.Pattern[str] | None
    flattery: re.Pattern[str] | None
    flattery_unless: re.Pattern[str] | None
    asks: tuple[AskPattern, ...]
    value: re.Pattern[str] | None
    proof: re.Pattern[str] | None
    reader_refs: tuple[tuple[int, re.Pattern[str]], ...]
    sender_refs: tuple[tuple[int, re.Pattern[str]], ...]
    not_about_reader: re.Pattern[str] | None
    reader_focus: re.Pattern[str] | None
    sender_markers: re.Pattern[str] | None
    needs_question: re.Pattern[str] | None
    specific_connection: re.Pattern[str] | None


def _weighted(table: dict[int, list[str]]) -> tuple[tuple[int, re.Pattern[str]], ...]:
    return tuple((int(w), re.compile("|".join(f"(?:{p})" for p in pats), FLAGS)) for w, pats in table.items())


@functools.cache
def lexicon() -> Lexicon:
    """The role lexicon from roles.yaml, compiled once per process."""
    data = load_yaml("roles.yaml")
    asks = tuple(
        AskPattern(float(entry["cost"]), str(entry["kind"]), re.compile("|".join(f"(?:{p})" for p in entry["patterns"]), FLAGS))
        for entry in data["asks"]
    )
    # The pleasantry role reuses the rapport rules' own lists, so one phrase list serves both.
    rapport = {rule["id"]: rule for rule in load_yaml("rapport.yaml")}
    pleasantries = [p for rid in PLEASANTRY_RULES for p in rapport[rid]["patterns"]]
    return Lexicon(
        greeting=compile_any(data["greeting"]),
        pleasantry=compile_any(pleasantries),
        flattery=compile_any(rapport[FLATTERY_RULE]["patterns"]),
        flattery_unless=compile_any(rapport[FLATTERY_RULE].get("unless") or []),
        asks=asks,
        value=compile_any(data["value"]),
        proof=compile_any(data["proof"]),
        reader_refs=_weighted(data["reader_refs"]),
        sender_refs=_weighted(data["sender_refs"]),
        not_about_reader=compile_any(data["not_about_reader"]),
        reader_focus=compile_any(data["reader_focus"]),
        sender_markers=compile_any(data["sender_markers"]),
        needs_question=compile_any(data["needs_question"]),
        specific_connection=compile_any(data["specific_connection"]),
    )
