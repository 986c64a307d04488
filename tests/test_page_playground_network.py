"""AppTest for the playground's network tools (app_pages/playground_network.py on app_pages/playground.py): a neuron
shown large, the weight editor, scrubbing through training and rewinding, a reference run, the frame's size.

A click on the network chart sets what it selects (`on_network_click`: ``pg_neuron`` for a node, ``pg_edit_edge``
for an edge; the browser test clicks for real); these tests set that selection and check what the page shows.
"""

import json

import numpy as np
import pytest
from conftest import open_page
from test_page_playground import _metric, _open, _scenes, _step

from micrograd.lessons import playground as pg
from micrograd.lessons import playground_paint as pp


def _button(at, label):
    return next(b for b in at.button if b.label == label)


def _names(scene):
    return [lay.get("name") for lay in scene["layers"]]


def test_a_clicked_neuron_is_shown_large_until_back_to_the_output():
    at = _open()
    at.session_state["pg_neuron"] = (1, 2)
    at.run()
    boundary = _scenes(at)["pg_boundary_chart"]
    assert boundary["title"] == "Hidden layer 1, neuron 3: its output at step 0"
    assert any("hidden layer 1, neuron 3" in i.value for i in at.info)
    # the legend under it names the neuron, not a decision boundary
    assert any("hidden layer 1, neuron 3: its output" in c.value for c in at.caption)
    assert not any("decision boundary, score = 0" in c.value for c in at.caption)
    _button(at, "Back to the output").click().run()
    assert _scenes(at)["pg_boundary_chart"]["title"] == "Decision boundary at step 0"
    assert any("decision boundary, score = 0" in c.value for c in at.caption)
    assert not [b for b in at.button if b.label == "Back to the output"]


def test_the_weight_editor_changes_the_model_and_every_view_at_once():
    at = _open()
    at.button(key="step").click().run()
    tr = at.session_state["pg_trainer"]
    loss_before = _metric(at, "Train loss")
    at.session_state["pg_edit_edge"] = (2, 0, 3)  # output layer, from hidden-2 unit 4
    at.run()
    assert any(m.value.startswith("**Edit weight w[1,4] of layer 3**") for m in at.markdown)
    box = at.number_input(key="pg_edit_value_2_0_3")
    assert box.value == pytest.approx(tr.model.layers[2].neurons[0].w[3].data, abs=1e-4)
    # the score moves by (new - old) x hidden unit 4's output, so the hinge loss is that of the edited scores
    old = tr.model.layers[2].neurons[0].w[3].data
    X = tr.inputs(tr.X_train)
    scores = tr.model.predict(X)
    h = np.array([tr.model.layers[1].neurons[3](tr.model.layers[0](list(x))).data for x in X.tolist()])
    expect = np.mean(np.maximum(0.0, 1.0 - tr.y_train * (scores + (2.5 - old) * h)))
    box.set_value(2.5)
    _button(at, "Set weight").click().run()
    assert tr.model.layers[2].neurons[0].w[3].data == 2.5 and _step(at) == 1
    assert _metric(at, "Train loss") == f"{expect:.4f}" != loss_before
    edge_tips = [lay["vals"][5 * k:5 * k + 5] for lay in _scenes(at)["pg_network_chart"]["layers"]
                 if lay.get("name", "").startswith("edges") for k in range(len(lay["paths"]))]
    assert [3, 1, 4, 2.5] in [v[:4] for v in edge_tips]
    at.button(key="step").click().run()  # training moves the weight: the box shows it as it is now
    trained = tr.model.layers[2].neurons[0].w[3].data
    assert trained != 2.5 and at.number_input(key="pg_edit_value_2_0_3").value == pytest.approx(round(trained, 4))
    _button(at, "Close").click().run()
    assert not [m for m in at.markdown if m.value.startswith("**Edit weight")]


def test_scrubbing_shows_a_past_step_and_play_goes_on_from_the_latest():
    at = _open()
    for _ in range(6):
        at.button(key="step").click().run()
    tr = at.session_state["pg_trainer"]
    slider = at.select_slider(key="pg_scrub")
    assert slider.options == [str(k) for k in range(7)] and slider.value == 6
    slider.set_value(2).run()
    i = tr.history["step"].index(2)
    assert _step(at) == 2 and _metric(at, "Train loss") == f"{tr.history['train_loss'][i]:.4f}"
    scenes = _scenes(at)
    assert scenes["pg_boundary_chart"]["title"] == "Decision boundary at step 2"
    assert scenes["pg_network_chart"]["title"].startswith("Network at step 2:")
    replay = pg.build_trainer(pg.PlaygroundConfig())
    replay.run(2)
    assert scenes["pg_boundary_chart"]["layers"][0] == pp.boundary_scene(replay)["layers"][0]
    assert tr.step_count == 6  # scrubbing moved nothing
    assert any("Showing step 2" in c.value for c in at.caption)
    # Step goes on from the latest weights, and the views follow the run again
    at.button(key="step").click().run()
    assert _step(at) == 7 and at.select_slider(key="pg_scrub").value == 7
    at.select_slider(key="pg_scrub").set_value(1).run()
    assert _step(at) == 1
    at.button(key="play").click().run()  # Play: on from step 7, not from the scrubbed step
    assert _step(at) > 7 and tr.history["step"][:3] == [0, 1, 2]


def test_rewind_to_this_step_takes_the_run_back():
    at = _open()
    for _ in range(5):
        at.button(key="step").click().run()
    at.select_slider(key="pg_scrub").set_value(3).run()
    _button(at, "Rewind to this step").click().run()
    tr = at.session_state["pg_trainer"]
    assert _step(at) == 3 and tr.step_count == 3 and tr.history["step"][-1] == 3
    assert any("Rewound to step 3" in i.value for i in at.info)
    at.button(key="step").click().run()
    assert _step(at) == 4


def test_keep_as_reference_draws_the_kept_run_beside_the_next():
    at = _open()
    for _ in range(3):
        at.button(key="step").click().run()
    _button(at, "Keep as reference").click().run()
    kept = {k: list(v) for k, v in at.session_state["pg_trainer"].history.items()}
    at.button(key="reset").click().run()
    scenes = _scenes(at)
    curves = {lay["name"]: lay for lay in scenes["pg_curves_chart"]["layers"]}
    pts = [p for path in curves["reference train loss"]["paths"] for p in zip(path[::2], path[1::2])]
    assert pts == [(s, round(v, 4)) for s, v in zip(kept["step"], kept["train_loss"], strict=True)]
    assert "reference boundary" in _names(scenes["pg_boundary_chart"])
    assert any("Reference: the run kept at step 3" in c.value for c in at.caption)
    # a new network on the same data compares; other data does not: the reference is kept but not drawn
    at.slider(key="pg_width_0").set_value(3).run()
    assert "reference boundary" in _names(_scenes(at)["pg_boundary_chart"])
    at.button(key="new_data").click().run()
    scenes = _scenes(at)
    assert "reference train loss" not in _names(scenes["pg_curves_chart"])
    assert "reference boundary" not in _names(scenes["pg_boundary_chart"])
    assert any("not drawn: it was trained on other data" in c.value for c in at.caption)
    _button(at, "Clear reference").click().run()
    scenes = _scenes(at)
    assert "reference train loss" not in _names(scenes["pg_curves_chart"])
    assert "reference boundary" not in _names(scenes["pg_boundary_chart"])
    assert not any("Reference" in c.value for c in at.caption)


def test_a_playing_frame_sends_the_neuron_maps_every_few_frames_and_stays_small():
    at = _open()
    at.button(key="play").click().run()
    kinds, sizes = [], []
    for _ in range(6):
        at.run()
        scenes = _scenes(at)
        kinds.append([lay["type"] for lay in scenes["pg_network_chart"]["layers"]][-1])
        sizes.append(sum(len(json.dumps(s, separators=(",", ":")).encode()) for s in scenes.values()))
    assert "sprites" in kinds and "keep" in kinds
    assert max(sizes) <= 25 * 1024, sizes  # the three scenes; a frame at the websocket stays under 30 KiB


def test_while_scrubbed_the_microscope_says_it_shows_the_latest_step():
    at = open_page("app_pages/playground.py", {"point": "3"}, timeout=60)
    for _ in range(4):
        at.button(key="step").click().run()
    at.select_slider(key="pg_scrub").set_value(1).run()
    assert _step(at) == 1
    assert any("show step 1 (scrubbed); the microscope works on the run as it is, at step 4" in c.value
               for c in at.caption)
    at.select_slider(key="pg_scrub").set_value(4).run()  # back at the latest: no such caption
    assert not any("(scrubbed)" in c.value for c in at.caption)
