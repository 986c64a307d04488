"""AppTest for the playground's backprop microscope panel (app_pages/playground_microscope.py):
the link's point= opens one example's graph, folded and unfolded views agree, the slow-motion step
walks forward and back and ends in one Trainer.step(), the landscape's centre is the current loss,
the layer view's points are the layer's activations."""

import copy
import json
import math
import re

import numpy as np
from conftest import open_page

from micrograd.graph import fmt_number
from micrograd.text import md_escape, quote


def _open(query=None):
    return open_page("app_pages/playground.py", query, timeout=60)


def _dot(at):
    """The DOT text of the (one) graph the page draws."""
    (chart,) = at.get("graphviz_chart")
    return chart.proto.spec


def _records(dot):
    """{label: [fields]} of every record node in a DOT text ('x1 | data 1.5 | grad 0' -> {'x1': ['data 1.5', ...]})."""
    out = {}
    for m in re.finditer(r'label="([^"]*)", shape=record', dot):
        head, *fields = [f.strip() for f in m.group(1).split("|")]
        out[head] = fields
    return out


def _scene(at, key):
    return next(json.loads(e.proto.bytes) for e in at.get("bidi_component") if e.key == key)


def _layers(scene, name):
    return [lay for lay in scene["layers"] if lay.get("name") == name]


def _bce(score, y):
    """Binary cross-entropy on a logit for a label ±1, written out: log(1 + exp(−y·s))."""
    return math.log1p(math.exp(-y * score))


def _forward(trainer, x):
    """The model's score at x through the scalar Value engine, neuron by neuron."""
    h = [float(v) for v in x]
    for layer in trainer.model.layers:
        h = [v.data for v in layer.forward(h)]
    return h[0]


def test_point_in_the_link_opens_the_example_graph_rings_it_and_highlights_its_path():
    at = _open({"point": "3", "loss": "bce"})
    tr = at.session_state["pg_trainer"]
    x, y = tr.X_train[3], tr.y_train[3]
    rec = _records(_dot(at))
    assert rec["x1"][0] == f"data {fmt_number(x[0])}" and rec["x2"][0] == f"data {fmt_number(x[1])}"
    loss = _bce(_forward(tr, x), y)
    assert rec["L"] == [f"data {fmt_number(loss)}", "grad 1"] and loss > 0
    assert at.query_params["point"] in ("3", ["3"])  # the link keeps the point
    ring = _layers(_scene(at, "pg_boundary_chart"), "microscope point")
    assert ring and ring[-1]["xy"] == [round(float(x[0]), 3), round(float(x[1]), 3)]
    (halo,) = _layers(_scene(at, "pg_network_chart"), "highlight")
    assert len(halo["paths"]) == len(tr.model.layers)  # one edge per layer, from an input to the output
    assert halo["paths"][0][0] == 0 and halo["paths"][-1][2] == len(tr.model.layers)


def test_folded_boxes_show_the_numbers_of_the_unfolded_neuron():
    at = _open({"point": "5", "loss": "bce"})
    box = next(v for k, v in _records(_dot(at)).items() if k == "a1[2] = tanh(z1[2])")
    a_data, a_grad, z_data, z_grad = box
    assert a_grad != "grad 0"
    at.selectbox(key="pg_micro_unfold").set_value((0, 1)).run()
    rec = _records(_dot(at))
    assert "a1[2] = tanh(z1[2])" not in rec and "w1[2,1]·x1" in rec  # that neuron op by op
    assert rec["a1[2]"] == [a_data, a_grad]
    assert rec["z1[2]"] == [z_data.replace("z1[2] ", ""), z_grad.replace("z1[2] ", "")]
    assert "a1[3] = tanh(z1[3])" in rec  # the others stay folded


def test_a_bad_point_in_the_link_gets_one_notice_and_no_panel():
    for bad in ("999", "abc", "-1", "2.5"):
        at = _open({"point": bad})
        (warning,) = at.warning
        assert md_escape(f"URL parameter point={quote(bad, 40)} is not a training point") in warning.value
        assert not at.get("graphviz_chart") and not at.exception


def test_slow_motion_steps_forward_and_back_and_its_last_stage_is_one_trainer_step():
    at = _open({"point": "2", "loss": "bce", "batch": "16"})
    at.segmented_control(key="pg_micro_view").set_value("slow").run()
    tr = at.session_state["pg_trainer"]
    reference = copy.deepcopy(tr)
    reference.step()
    first = at.info[-1].value
    assert first.startswith("**Stage 1 of ")
    # keys as on the graph page, with Shift (the playground's own Play / Step have Space and →)
    nxt = at.button(key="pg_slow_next")
    assert nxt.proto.shortcut == "shift+right" and "Shift+→" in nxt.help
    at.button(key="pg_slow_next").click().run()
    second = at.info[-1].value
    assert second.startswith("**Stage 2 of ") and second != first
    at.button(key="pg_slow_prev").click().run()
    assert at.info[-1].value == first
    captions = []
    while not at.button(key="pg_slow_next").disabled:
        at.button(key="pg_slow_next").click().run()
        assert not at.exception
        captions.append(at.info[-1].value)
    backward = next(c for c in captions if "Backward" in c)
    assert "mini\\-batch of 16 examples" in backward and "share" in backward  # the batch mean, the example's share
    assert "Step taken" in at.success[-1].value
    assert next(m.value for m in at.metric if m.label == "Step") == "1"
    tr = at.session_state["pg_trainer"]
    assert [p.data for p in tr.model.parameters()] == [p.data for p in reference.model.parameters()]


def test_landscape_centre_is_the_current_training_loss():
    at = _open({"point": "0"})
    at.button(key="step").click().run()
    at.segmented_control(key="pg_micro_view").set_value("landscape").run()
    at.button(key="pg_landscape_go").click().run()
    tr = at.session_state["pg_trainer"]
    hinge = np.mean([max(0.0, 1.0 - t * _forward(tr, x)) for x, t in zip(tr.X_train, tr.y_train)])
    assert next(m.value for m in at.metric if m.label == "Loss at the centre") == f"{hinge:.6g}"
    scene = _scene(at, "pg_landscape_chart")
    assert scene["layers"][0]["type"] == "image"
    (current,) = _layers(scene, "current")
    assert current["xy"] == [0.0, 0.0] and f"loss {hinge:.6g}" in current["tip"]
    assert _layers(scene, "trajectory")  # the run so far, projected


def test_layer_view_points_are_the_hidden_layers_activations():
    at = _open({"point": "0"})
    at.segmented_control(key="pg_micro_view").set_value("plane").run()
    at.selectbox(key="pg_plane_n2").set_value(4).run()
    tr = at.session_state["pg_trainer"]
    W = np.array([[w.data for w in n.w] for n in tr.model.layers[0].neurons])
    b = np.array([n.b.data for n in tr.model.layers[0].neurons])
    A = np.tanh(tr.X_train @ W.T + b)[:, [0, 4]]  # layer 1's activations a1[1], a1[5], by hand
    scene = _scene(at, "pg_plane_chart")
    assert scene["x"]["label"] == "a1[1]" and scene["y"]["label"] == "a1[5]"
    for name, label in (("class +1", 1), ("class −1", -1)):
        (layer,) = _layers(scene, name)
        want = A[tr.y_train == label]
        assert np.allclose(np.reshape(layer["xy"], (-1, 2)), want, atol=6e-4)


def test_while_playing_the_examples_numbers_follow_the_weights_and_the_frame_stays_small():
    at = _open({"point": "4", "loss": "bce"})
    at.button(key="play").click().run()
    for _ in range(3):
        at.run()
    assert not at.exception
    tr = at.session_state["pg_trainer"]
    step = next(m.value for m in at.metric if m.label == "Step")
    live = next(c.value for c in at.caption if c.value.startswith(md_escape("Live, step")))
    loss = _bce(_forward(tr, tr.X_train[4]), tr.y_train[4])  # at the weights of this frame
    assert live.startswith(md_escape(f"Live, step {step}:")) and md_escape(f"loss ℓ = {fmt_number(loss)}") in live
    # the live view's charts with the ring and the gradient path: within the 30 KiB frame budget
    charts = [e for e in at.get("bidi_component")
              if e.key in ("pg_boundary_chart", "pg_network_chart", "pg_curves_chart")]
    assert len(charts) == 3 and sum(e.proto.ByteSize() for e in charts) <= 30 * 1024
    at.button(key="pause").click().run()
    assert not any(c.value.startswith(md_escape("Live, step")) for c in at.caption)  # paused: the graph is current
    rec = _records(_dot(at))
    assert rec["L"][0] == f"data {fmt_number(_bce(_forward(tr, tr.X_train[4]), tr.y_train[4]))}"


def test_the_one_neuron_models_landscape_is_drawn_along_its_two_named_weights():
    at = _open({"point": "0", "layers": "none"})
    at.segmented_control(key="pg_micro_view").set_value("landscape").run()
    at.button(key="pg_landscape_go").click().run()
    tr = at.session_state["pg_trainer"]
    (neuron,) = tr.model.layers[0].neurons
    scene = _scene(at, "pg_landscape_chart")
    assert (scene["x"]["label"], scene["y"]["label"]) == ("w1[1,1]", "w1[1,2]")
    (current,) = _layers(scene, "current")
    assert current["xy"] == [round(neuron.w[0].data, 6), round(neuron.w[1].data, 6)]  # in the weights' own units
    assert "along two parameters" in scene["title"]


def test_slow_motion_play_walks_the_stages_by_itself_and_takes_the_step_at_the_end():
    at = _open({"point": "1"})
    at.segmented_control(key="pg_micro_view").set_value("slow").run()
    tr = at.session_state["pg_trainer"]
    reference = copy.deepcopy(tr)
    reference.step()
    at.button(key="pg_slow_play").click().run()  # AppTest fires no timers: each run stands for one tick
    seen = [at.info[-1].value[:12]]
    for _ in range(12):
        if at.success:
            break
        at.run()
        seen.append(at.info[-1].value[:12])
    assert seen[0] == "**Stage 2 of" and len(set(seen)) == len(seen)  # one stage a tick, forward
    assert "Step taken" in at.success[-1].value and at.button(key="pg_slow_play")  # stopped at the end
    assert [p.data for p in tr.model.parameters()] == [p.data for p in reference.model.parameters()]


def test_a_new_network_with_the_landscape_open_computes_its_own_and_a_new_training_set_closes_the_panel():
    # a landscape computed for 8-8 must not be drawn for another network (its slice has other axes: a
    # traceback before); the new network's is computed on demand, the panel stays on the same example
    at = _open({"point": "3"})
    at.segmented_control(key="pg_micro_view").set_value("landscape").run()
    at.button(key="pg_landscape_go").click().run()
    assert _scene(at, "pg_landscape_chart")
    at.slider(key="pg_width_0").set_value(5).run()
    assert not at.exception
    assert not [e for e in at.get("bidi_component") if e.key == "pg_landscape_chart"]  # the old slice is gone
    at.button(key="pg_landscape_go").click().run()
    tr = at.session_state["pg_trainer"]
    hinge = np.mean([max(0.0, 1.0 - t * _forward(tr, x)) for x, t in zip(tr.X_train, tr.y_train)])
    assert next(m.value for m in at.metric if m.label == "Loss at the centre") == f"{hinge:.6g}"
    assert "point=3" in "&".join(f"{k}={v}" for k, v in at.query_params.items())  # the same training set
    # new data: index 3 would be another example, so the microscope closes and the link drops point=
    at.button(key="new_data").click().run()
    assert not at.exception
    assert "point" not in at.query_params
    assert not at.get("graphviz_chart") and not [e for e in at.get("bidi_component") if e.key == "pg_landscape_chart"]
