"""The code rule kind: checks written in Python, registered under the rule ids the data files declare."""

from __future__ import annotations

from collections.abc import Callable

from critic.model import Finding, Severity
from critic.rules.context import Context
from critic.rules.registry import Rule

Check = Callable[[Rule, Context, Severity], list[Finding]]
CHECKS: dict[str, Check] = {}


def check(rule_id: str) -> Callable[[Check], Check]:
    """Register a code check under a rule id declared in the data files."""

    def register(fn: Check) -> Check:
        CHECKS[rule_id] = fn
        return fn

    return register


def bumped(base: Severity, bump: bool) -> Severity:
    """One severity up when `bump` (an error at most)."""
    return Severity(min(int(base) + 1, int(Severity.ERROR))) if bump else base
