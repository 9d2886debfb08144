"""Floors on the blind held-out set: a change that makes the critic's judgement worse fails the build.

The floors sit just under the figures measured when they were set (see the README's table); raise them when
the judgement improves. Nothing is tuned on the held-out set: it is read here only to measure.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from critic.cli.evaluate import evaluate

HELD_OUT = Path(__file__).parent / "data" / "heldout.yaml"
FLOORS = {"macro_f1": 0.78, "auc_good_vs_bad": 0.96, "span_recall": 0.63}
CEILINGS = {"warnings_per_good_draft": 0.45}


@pytest.fixture(scope="module")
def report() -> dict:
    return evaluate(HELD_OUT)


@pytest.mark.parametrize("key", sorted(FLOORS))
def test_held_out_figure_stays_above_its_floor(report: dict, key: str) -> None:
    assert report[key] >= FLOORS[key], f"held-out {key} fell to {report[key]} (floor {FLOORS[key]})"


@pytest.mark.parametrize("key", sorted(CEILINGS))
def test_held_out_figure_stays_below_its_ceiling(report: dict, key: str) -> None:
    assert report[key] <= CEILINGS[key], f"held-out {key} rose to {report[key]} (ceiling {CEILINGS[key]})"


def test_good_drafts_score_above_bad_ones(report: dict) -> None:
    means = report["mean_overall"]
    assert means["good"] > means["mixed"] > means["bad"]
