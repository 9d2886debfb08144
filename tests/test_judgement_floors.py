"""Floors on the blind held-out sets: a change that makes the critic's judgement worse fails the build.

The floors sit just under the figures measured when they were set (see the README's table); raise them when
the judgement improves. Nothing is tuned on the held-out set: it is read here only to measure.
"""

from __future__ import annotations

import functools
from pathlib import Path

import pytest

from critic.cli.evaluate import evaluate

DATA = Path(__file__).parent / "data"
# Per frozen set: floors on what must stay high, ceilings on what must stay low.
FLOORS = {
    "heldout.yaml": {"macro_f1": 0.79, "auc_good_vs_bad": 0.97, "span_recall": 0.66},
    "heldout2.yaml": {"macro_f1": 0.83, "auc_good_vs_bad": 0.99, "span_recall": 0.70},
}
CEILINGS = {
    "heldout.yaml": {"warnings_per_good_draft": 0.40},
    "heldout2.yaml": {"warnings_per_good_draft": 0.45},
}


@functools.cache
def report(name: str) -> dict:
    return evaluate(DATA / name)


@pytest.mark.parametrize(("name", "key"), [(n, k) for n, floors in FLOORS.items() for k in sorted(floors)])
def test_held_out_figure_stays_above_its_floor(name: str, key: str) -> None:
    value, floor = report(name)[key], FLOORS[name][key]
    assert value >= floor, f"{name} {key} fell to {value} (floor {floor})"


@pytest.mark.parametrize(("name", "key"), [(n, k) for n, ceilings in CEILINGS.items() for k in sorted(ceilings)])
def test_held_out_figure_stays_below_its_ceiling(name: str, key: str) -> None:
    value, ceiling = report(name)[key], CEILINGS[name][key]
    assert value <= ceiling, f"{name} {key} rose to {value} (ceiling {ceiling})"


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_good_drafts_score_above_bad_ones(name: str) -> None:
    means = report(name)["mean_overall"]
    assert means["good"] > means["mixed"] > means["bad"]
