"""The name-score calibration: data-driven, monotone, non-saturating."""

from __future__ import annotations

import itertools

import pytest
import yaml

from screenwise.matching.algorithm import (
    CALIBRATION_PATH,
    NAME_CURVE,
    NAME_SLOPE_LOW,
    name_probability,
)


def test_calibration_is_read_from_its_data_file() -> None:
    text = CALIBRATION_PATH.read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    assert "benchmarks/calibrate.py" in text
    assert (data["slope"], data["s0"], data["slope_low"]) == (*NAME_CURVE, NAME_SLOPE_LOW)
    assert NAME_CURVE[0] > 0 and NAME_SLOPE_LOW > 0


def test_probability_is_monotone_continuous_and_does_not_saturate() -> None:
    grid = [i / 200 for i in range(1, 201)]
    values = [name_probability(s) for s in grid]
    assert all(a < b for a, b in itertools.pairwise(values))
    assert name_probability(NAME_CURVE[1]) == pytest.approx(0.7, abs=1e-9)
    below = name_probability(NAME_CURVE[1] - 1e-9)
    assert below == pytest.approx(0.7, abs=1e-6)
    assert name_probability(1.0) < 0.999
    assert name_probability(0.0) == 0.0
