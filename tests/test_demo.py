"""Tests for micrograd.demo, the original micrograd demo from the command line.

Reference: the printed output of the original's demo.ipynb (karpathy/micrograd), which runs
np.random.seed(1337); random.seed(1337); make_moons(100, noise=0.1); MLP(2, [16, 16, 1]);
hinge loss + 1e-4 L2; lr = 1.0 - 0.9 * k / 100 for 100 steps. Its log reads
"step 0 loss 0.8958441028683222, accuracy 50.0%" ... "step 99 loss 0.010978370135492717,
accuracy 100.0%".
"""

import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from micrograd.demo import demo_data, demo_loss, demo_model, run

ROOT = Path(__file__).resolve().parents[1]

# (step, loss, accuracy) printed by the original demo.ipynb
ORIGINAL_LOG = [
    (0, 0.8958441028683222, 0.50),
    (1, 1.7235905336972022, 0.81),
    (2, 0.7429006313851131, 0.77),
    (96, 0.010980043387921506, 1.0),
    (97, 0.010979446081684675, 1.0),
    (98, 0.010978888332907229, 1.0),
    (99, 0.010978370135492717, 1.0),
]


def test_demo_data_is_the_originals_moons(original_moons):
    X_ref, y_ref = original_moons
    X, y = demo_data()
    assert np.array_equal(X, X_ref)
    assert np.array_equal(y, y_ref)


def test_demo_model_has_the_originals_initial_weights():
    # the original: random.seed(1337); MLP(2, [16, 16, 1]), each weight random.uniform(-1, 1)
    state = random.getstate()
    try:
        random.seed(1337)
        ref = []
        for nin, nout in ((2, 16), (16, 16), (16, 1)):
            for _ in range(nout):
                ref += [random.uniform(-1, 1) for _ in range(nin)] + [0.0]
    finally:
        random.setstate(state)
    before = random.getstate()
    model = demo_model()
    assert random.getstate() == before  # a private generator
    assert model.parameter_values() == ref


def test_initial_loss_matches_the_original_notebook():
    X, y = demo_data()
    total, acc = demo_loss(demo_model(), X, y)
    assert total.data == pytest.approx(0.8958441028683222, rel=1e-12)
    assert acc == 0.5


def test_demo_reaches_full_training_accuracy_like_the_original():
    history = run(100, log=None)
    assert len(history) == 100
    for step, loss, acc in ORIGINAL_LOG:
        assert history[step][0] == pytest.approx(loss, rel=1e-9), step
        assert history[step][1] == acc, step
    assert history[-1][1] == 1.0
    assert history[-1][0] < history[0][0] / 50


def test_run_logs_one_line_per_step():
    lines = []
    history = run(2, log=lines.append)
    assert len(lines) == 2 and len(history) == 2
    assert lines[0].startswith("step 0 loss 0.895844")
    assert "accuracy 50%" in lines[0]
    assert history[1][0] == pytest.approx(ORIGINAL_LOG[1][1], rel=1e-12)  # the original's step 1


def test_cli_prints_progress():
    proc = subprocess.run([sys.executable, "-m", "micrograd.demo", "--steps", "2"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout.splitlines()
    assert out[0].startswith("step 0 loss 0.895844")
    assert out[1].startswith("step 1 loss 1.723591")
    assert "accuracy" in out[-1]
    assert len(out) == 3


def test_cli_rejects_zero_steps_with_a_usage_error():
    out = subprocess.run([sys.executable, "-m", "micrograd.demo", "--steps", "0"], capture_output=True, text=True,
                         cwd=Path(__file__).resolve().parents[1])
    assert out.returncode == 2 and "need at least 1 step" in out.stderr


def test_learning_rate_is_held_at_the_schedules_end_past_step_100():
    # the original's lr = 1 - 0.9 k / 100 turns negative at k = 112 (gradient ascent); ours holds 0.1
    losses = [loss for loss, _ in run(116, log=None)]
    assert all(b < a for a, b in zip(losses[100:], losses[101:]))  # still descending past k = 112
