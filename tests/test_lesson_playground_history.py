"""Tests for micrograd/lessons/playground_history.py: snapshots and scrubbing, rewind, the reference run, editing
a weight.

References: a second, identical run replayed from scratch (training is deterministic: the same weights at every
step), the scalar `Value` forward of one example, hand-derived effects of one weight, and the Tensor engine
against the scalar one.
"""

import math

import numpy as np
import pytest

from micrograd.engines import get_engine
from micrograd.lessons import playground as pg
from micrograd.lessons import playground_history as ph
from micrograd.lessons import playground_paint as pp


def _weights(tr):
    return [p.data for p in tr.model.parameters()]


def test_snapshots_are_bounded_and_thin_evenly():
    tr = pg.build_trainer(pg.PlaygroundConfig(hidden=(2,)))
    snaps = ph.Snapshots(tr, cap=16)
    for _ in range(200):
        tr.step()
        snaps.record()
    steps = snaps.steps
    assert len(steps) <= 16 and steps[0] == 0 and snaps.stride == 16
    assert all(s % snaps.stride == 0 for s in steps) and steps == sorted(steps)
    assert steps[-1] == 192  # the newest multiple of the stride
    with pytest.raises(ValueError, match="cap"):
        ph.Snapshots(tr, cap=2)


def test_scrubbing_to_step_k_shows_the_run_at_k():
    cfg = pg.PlaygroundConfig()
    tr = pg.build_trainer(cfg)
    snaps = ph.Snapshots(tr)
    for _ in range(30):
        tr.step()
        snaps.record()
    k = 12
    view = snaps.view_at(k)
    # the loss recorded at step k, in the history and in what the views show
    i = tr.history["step"].index(k)
    assert view.step_count == k and view.current["train_loss"] == tr.history["train_loss"][i]
    assert view.history["step"][-1] == k
    # the weights of step k: a second run replayed to step k has exactly them
    replay = pg.build_trainer(cfg)
    replay.run(k)
    assert _weights(view) == _weights(replay)
    assert pp.boundary_scene(view) == pp.boundary_scene(replay)
    net_view, net_replay = pp.network_scene(view), pp.network_scene(replay)
    assert net_view == net_replay
    assert pp.boundary_scene(view)["title"] == f"Decision boundary at step {k}"
    # scrubbing changed nothing of the run
    assert tr.step_count == 30 and _weights(tr) != _weights(replay)
    with pytest.raises(KeyError, match="no snapshot at step 31"):
        snaps.view_at(31)


def test_rewind_takes_the_run_back_and_it_goes_on_from_there():
    cfg = pg.PlaygroundConfig()  # SGD without momentum, full batch: the optimizer keeps no state
    tr = pg.build_trainer(cfg)
    snaps = ph.Snapshots(tr)
    for _ in range(25):
        tr.step()
        snaps.record()
    snaps.rewind(10)
    assert tr.step_count == 10 and tr.history["step"][-1] == 10 and snaps.steps[-1] == 10
    replay = pg.build_trainer(cfg)
    replay.run(10)
    assert _weights(tr) == _weights(replay) and tr.current == replay.current
    tr.run(5)
    replay.run(5)
    np.testing.assert_allclose(_weights(tr), _weights(replay), rtol=0, atol=1e-12)
    assert tr.history["step"][-6:] == list(range(10, 16))


def test_keep_reference_copies_the_curves():
    tr = pg.build_trainer(pg.PlaygroundConfig())
    tr.run(8)
    ref = ph.keep_reference(tr)
    assert ref.step == 8 and ref.history == tr.history and ref.history is not tr.history and ref.outline
    tr.run(3)
    assert ref.history["step"][-1] == 8


def _hidden_output(tr, x, unit):
    """Hidden unit `unit`'s output at example x, through the scalar engine."""
    return tr.model.layers[0].neurons[unit](list(map(float, x))).data


@pytest.mark.parametrize("engine", ["scalar", "tensor"])
def test_editing_a_weight_changes_the_forward_by_that_weights_effect(engine):
    tr = pg.build_trainer(pg.PlaygroundConfig(hidden=(3,), engine=engine))
    tr.run(5)
    X = tr.X_train[:7]
    before = tr.predict(X)
    # an output weight w[1,2] (layer 2, from hidden unit 2): the score moves by delta * h_2(x), exactly
    w, _ = ph.edge_weight(tr, 1, 0, 1)
    ph.set_weight(tr, 1, 0, 1, w + 0.75)
    h = np.array([_hidden_output(tr, x, 1) for x in X])
    np.testing.assert_allclose(tr.predict(X) - before, 0.75 * h, rtol=0, atol=1e-12)
    # a first-layer weight w[3,1] (into hidden unit 3, from x1): that unit's input moves by delta * x1
    n3 = tr.model.layers[0].neurons[2]
    z_before = [sum(wi.data * xi for wi, xi in zip(n3.w, x)) + n3.b.data for x in X]
    ph.set_weight(tr, 0, 2, 0, n3.w[0].data - 2.0)
    np.testing.assert_allclose([_hidden_output(tr, x, 2) for x in X], np.tanh(np.array(z_before) - 2.0 * X[:, 0]),
                               rtol=0, atol=1e-12)
    # the metrics every view shows follow at once; the step counter does not move
    assert tr.step_count == 5 and tr.current == tr.evaluate()
    with pytest.raises(ValueError, match="no weight w\\[1,9\\] in layer 2"):
        ph.set_weight(tr, 1, 0, 8, 1.0)
    with pytest.raises(ValueError, match="finite"):
        ph.set_weight(tr, 1, 0, 1, math.inf)


def test_both_engines_train_on_from_an_edited_weight_alike():
    runs = []
    for engine in ("scalar", "tensor"):
        tr = pg.build_trainer(pg.PlaygroundConfig(engine=engine))
        tr.run(3)
        ph.set_weight(tr, 2, 0, 4, 1.5)
        assert ph.edge_weight(tr, 2, 0, 4)[0] == 1.5
        tr.run(4)
        runs.append(tr)
    np.testing.assert_allclose(_weights(runs[0]), _weights(runs[1]), rtol=0, atol=1e-9)
    # and each engine's gradients at the edited weights agree
    a, b = (pg.build_trainer(pg.PlaygroundConfig()) for _ in range(2))
    for tr in (a, b):
        ph.set_weight(tr, 0, 1, 1, -0.3)
    la, _, _ = get_engine("scalar")(a.model, a.inputs(a.X_train), a.y_train, loss=a.loss)
    lb, _, _ = get_engine("tensor")(b.model, b.inputs(b.X_train), b.y_train, loss=b.loss)
    assert la == pytest.approx(lb, abs=1e-12)
    np.testing.assert_allclose([p.grad for p in a.model.parameters()], [p.grad for p in b.model.parameters()],
                               rtol=0, atol=1e-12)
