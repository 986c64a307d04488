"""Tests for micrograd/lessons/presets.py: the graph pages' expressions."""

import pytest

from micrograd.lessons import presets


def test_a_preset_whose_output_overflows_is_refused_with_a_clear_error():
    with pytest.raises(ValueError, match="smaller input values"):
        presets.build("lecture", {"a": 1e308, "b": -3.0})
