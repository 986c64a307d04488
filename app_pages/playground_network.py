"""The playground's network tools (page side): per-neuron views, editing a weight, scrubbing, a reference run.

Thin: session state, widgets and callbacks; the logic is in `micrograd.lessons.playground_history`
(snapshots, rewind, reference, set_weight) and `micrograd.lessons.playground_paint` (the scenes).

- A click on a hidden neuron of the network diagram shows that neuron's output large in the boundary
  view (`boundary_scene(neuron=...)`); "Back to the output" (or a click on the output node) returns.
- A click on an edge opens the weight editor below the charts: the weight, its gradient, a number to type;
  "Set weight" changes the model in place and every view shows it at once.
- While paused, a slider scrubs through the recorded steps: every view shows the model at that step (its
  snapshot's weights, the loss recorded then). Scrubbing changes nothing of the run: Play and Step go on
  from the latest weights (and bring the views back to them); only "Rewind to this step" takes the run back.
- "Keep as reference" keeps the run's curves and boundary; the next runs draw them faded until "Clear reference".

Per frame, the page calls `record` after each training step, `shown_trainer` (paused redraws),
`selected_neuron`, `send_maps`, `reference` (the kept run's outline and curves); `panel` is drawn outside the
live fragment (full reruns only).
"""

import streamlit as st

from micrograd.lessons import playground_history as ph

__all__ = ["MAPS_EVERY", "on_network_click", "record", "snapshots", "shown_trainer", "selected_neuron",
           "send_maps", "reference", "panel"]

#: a playing frame sends the neuron maps every MAPS_EVERY frames (the painter keeps the last ones meanwhile)
MAPS_EVERY = 5
ss = st.session_state


def snapshots(trainer):
    """The `Snapshots` of `trainer`'s run (a new trainer gets new ones)."""
    snaps = ss.get("pg_snapshots")
    if snaps is None or snaps.trainer is not trainer:
        snaps = ss.pg_snapshots = ph.Snapshots(trainer)
    return snaps


def record(trainer):
    """Record a snapshot of `trainer` if one is due (after a training step)."""
    snapshots(trainer).record()


def scrubbed_step(trainer):
    """The earlier step the scrub slider shows: None if it shows the run's latest, or the run has moved since."""
    step = ss.get("pg_scrub")
    if (ss.get("playing") or step is None or ss.get("pg_scrub_live") != (trainer.run_id, trainer.step_count)
            or step >= trainer.step_count):
        return None
    return step if step in snapshots(trainer).steps else None


def shown_trainer(trainer):
    """What a paused frame draws: a copy of `trainer` at the scrubbed step (`Snapshots.view_at`), or `trainer`."""
    record(trainer)
    step = scrubbed_step(trainer)
    return trainer if step is None else snapshots(trainer).view_at(step)


def selected_neuron(trainer):
    """(column, unit) of the hidden neuron the boundary view shows, or None (the model's output)."""
    sel = ss.get("pg_neuron")
    hidden = [len(layer.neurons) for layer in trainer.model.layers[:-1]]
    if sel is None or not (1 <= sel[0] <= len(hidden) and 0 <= sel[1] < hidden[sel[0] - 1]):
        return None
    return sel


def on_network_click():
    """The network chart's on_click: a hidden node shows its neuron large, the output node the output again,
    an edge opens the weight editor (the click carries the item's numbers: a node's [column, unit], column 0
    the inputs and unit 0-based; an edge's [layer, row, column, w, dL/dw], the first three 1-based)."""
    click = (ss.get("pg_network_chart") or {}).get("click") or {}
    vals = click.get("vals") or []
    try:  # the numbers come from the browser: anything else is ignored
        if len(vals) == 2:
            ss.pg_neuron = (int(vals[0]), int(vals[1]))
            if selected_neuron(ss.pg_trainer) is None:  # the output or an input: back to the model's output
                ss.pg_neuron = None
        elif len(vals) == 5:
            ss.pg_edit_edge = (int(vals[0]) - 1, int(vals[1]) - 1, int(vals[2]) - 1)
    except (TypeError, ValueError, OverflowError):
        pass


def send_maps(trainer):
    """Does this frame send the neuron maps? Always when not playing or when the network is new; while playing
    every MAPS_EVERY-th frame (the painter keeps the last maps in between). A network is new with a new run:
    a Trainer's layers never change (new layers make a new Trainer, with a new `run_id`)."""
    count = ss.get("pg_maps_count", 0) + 1
    if not ss.get("playing") or ss.get("pg_maps_run") != trainer.run_id or count >= MAPS_EVERY:
        ss.pg_maps_run, ss.pg_maps_count = trainer.run_id, 0
        return True
    ss.pg_maps_count = count
    return False


def reference(trainer):
    """The kept run (a `playground_history.Reference`: its boundary ``.outline``, its curves ``.history``) if it
    compares with `trainer`'s run (`Reference.fits`), else None: none kept, or kept on other data or another loss."""
    ref = ss.get("pg_reference")
    return ref if ref is not None and ref.fits(trainer) else None


# --- callbacks ---

def _back_to_output():
    ss.pg_neuron = None


def _close_editor():
    ss.pg_edit_edge = None


def _set_weight(layer, row, col, key):
    ph.set_weight(ss.pg_trainer, layer, row, col, ss[key])
    record(ss.pg_trainer)


def _rewind():
    snaps = snapshots(ss.pg_trainer)
    step = ss.get("pg_scrub")
    if step in snaps.steps:
        snaps.rewind(step)
        ss.pg_notice = f"Rewound to step {step}: training goes on from there (fresh optimizer state)."
    ss.pop("pg_scrub", None)


def _keep_reference():
    ss.pg_reference = ph.keep_reference(ss.pg_trainer)


def _clear_reference():
    ss.pg_reference = None


# --- the panel, below the live view ---

def _neuron_row(trainer):
    neuron = selected_neuron(trainer)
    if neuron is None:
        return
    with st.container(horizontal=True, vertical_alignment="center"):
        st.info(f"The boundary view shows hidden layer {neuron[0]}, neuron {neuron[1] + 1}: its output over the "
                "input plane (the map on its node in the network diagram, large).", icon=":material/visibility:")
        st.button("Back to the output", key="pg_neuron_back", icon=":material/undo:", on_click=_back_to_output)


def _editor(trainer, scrubbed):
    edge = ss.get("pg_edit_edge")
    if edge is None:
        return
    try:
        w, g = ph.edge_weight(trainer, *edge)
    except ValueError:  # the network changed since the click
        ss.pg_edit_edge = None
        return
    layer, row, col = edge
    st.markdown(f"**Edit weight w[{row + 1},{col + 1}] of layer {layer + 1}** (into neuron {row + 1} of "
                f"{'the output' if layer == len(trainer.model.layers) - 1 else f'hidden layer {layer + 1}'}, "
                f"from {'input' if layer == 0 else 'neuron'} {col + 1}): w = {w:.6g}, ∂L/∂w = {g:.6g} "
                "(last step)")
    key = f"pg_edit_value_{layer}_{row}_{col}"
    shown_at = (trainer.run_id, trainer.step_count)
    if key not in ss or ss.get(key + "_at") != shown_at:  # the weight as it is now (training moves it), not as it was
        ss[key], ss[key + "_at"] = min(max(round(float(w), 4), -100.0), 100.0), shown_at
    with st.container(horizontal=True, vertical_alignment="bottom"):
        st.number_input("New weight", -100.0, 100.0, step=0.1, format="%.4f", key=key)
        st.button("Set weight", key="pg_edit_set", icon=":material/edit:", on_click=_set_weight,
                  args=(layer, row, col, key), disabled=scrubbed,
                  help="Change this weight in the model now: the boundary, the diagram and the metrics follow "
                  "at once; training goes on from it." + (" Back at the latest step first (or rewind)."
                                                          if scrubbed else ""))
        st.button("Close", key="pg_edit_close", icon=":material/close:", on_click=_close_editor)


def _scrubber(trainer):
    """The scrub slider and "Rewind to this step" (paused only). Returns whether an earlier step is shown."""
    snaps = snapshots(trainer)
    options = snaps.steps + ([trainer.step_count] if snaps.steps[-1] != trainer.step_count else [])
    live = (trainer.run_id, trainer.step_count)
    if ss.get("playing") or len(options) < 2:
        return False
    if ss.get("pg_scrub") not in options or ss.get("pg_scrub_live") != live:
        ss.pg_scrub = options[-1]  # not a recorded step, or the run moved on: the latest step
    ss.pg_scrub_live = live  # options[-1] is always the run's latest step, trainer.step_count
    st.select_slider("Scrub through training (step)", options, key="pg_scrub",
                     help=f"Every view shows the model at a recorded step (every step up to {ph.SNAPSHOT_CAP} "
                     "snapshots, then every 2nd, 4th, …). Scrubbing changes nothing: Play and Step go on from "
                     "the latest weights; Rewind takes the run back.")
    step = ss.pg_scrub
    if step == options[-1]:
        return False
    loss = snaps.at(step)["current"]["train_loss"]
    with st.container(horizontal=True, vertical_alignment="center"):
        st.caption(f"Showing step {step} (train loss {loss:.4f}); the run is at step {trainer.step_count}, "
                   "and Play goes on from there.")
        st.button("Rewind to this step", key="pg_rewind", icon=":material/history:", on_click=_rewind,
                  help="Take the run back to this step: its weights, curves and step counter (the optimizer's "
                  "momentum / moments start afresh). Later steps are dropped.")
    return True


def panel():
    """The network tools below the live view: the neuron shown, the weight editor, the scrubber, the reference."""
    tr = ss.pg_trainer
    _neuron_row(tr)
    scrubbed = _scrubber(tr)
    _editor(tr, scrubbed)
    ref = ss.get("pg_reference")
    with st.container(horizontal=True, vertical_alignment="center"):
        st.button("Keep as reference", key="pg_keep_ref", icon=":material/compare:", on_click=_keep_reference,
                  help="Keep this run's curves and decision boundary; the next runs draw them faded (dashed) "
                  "beside their own.")
        st.button("Clear reference", key="pg_clear_ref", icon=":material/delete:", on_click=_clear_reference,
                  disabled=ref is None)
        if reference(tr) is not None:
            st.caption(f"Reference: the run kept at step {ref.step}, drawn dashed and faded.")
        elif ref is not None:
            st.caption(f"Reference (kept at step {ref.step}) not drawn: it was trained on other data or with another "
                       "loss, so its curves and boundary do not compare with this run's.")
