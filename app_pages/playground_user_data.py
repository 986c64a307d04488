"""The playground's "Your own data": upload a CSV of points, add or remove points by clicking, download them.

Thin page helper for `app_pages/playground.py`: widgets and session state; the rules (CSV format,
limits, labels of each task) are `micrograd.lessons.user_data`. While the data is the student's
own, ``ss.pg_user_data`` holds the points (X, y) and ``ss.pg_user_origin`` the generated data they
started from (dataset, points, noise, seed): changing one of those (or a preset) goes back to
generated data; the test share, the network and training settings keep the points. A link cannot
carry the points: the page's link says ``own=1`` (`playground_url.OWN_DATA_PARAM`), which opens
the link's dataset with a notice. The page calls:

- `points_for(cfg)` in its `_rebuild` (the points to train on, or None for the dataset's);
- `apply_pending(rebuild)` once per full run, before it compares configurations: it applies a
  click's edit that the boundary's on_click left (``ss.pg_data_edit``, see `request_edit`);
- `controls(rebuild, cfg)` in the sidebar's Data section: what the data is, the uploader, "Back to
  the generated data"; `download_button(container)` beside the page's downloads (both outside the live
  fragment: frames do not resend them);
- `add_label_control()` beside the click-mode control (the class or target an "add" click adds);
- `link_params()` when it writes the link, and `link_caption()` in the classroom-link box.
"""

import functools

import numpy as np
import streamlit as st

from app_pages import widgets
from micrograd.lessons import playground as pg
from micrograd.lessons import playground_url as pgurl
from micrograd.lessons import user_data as ud
from micrograd.lessons.playground_click import PICK_RADIUS
from micrograd.text import clip, md_escape

__all__ = ["points_for", "is_own", "drop", "request_edit", "apply_pending", "controls", "add_label_control",
           "link_params", "link_caption", "download_button"]

ss = st.session_state
#: the uploader accepts files up to this many MB (Streamlit refuses larger ones); parse_csv's limit is smaller
UPLOAD_MB = 1


def is_own():
    """Is the page training on the student's own points?"""
    return ss.get("pg_user_data") is not None


def drop():
    """Back to generated data at the next rebuild (the page rebuilds the model itself)."""
    ss.pg_user_data = ss.pg_user_origin = None


def points_for(cfg):
    """The student's own points (X, y) to train on under `cfg`, or None (the dataset's); they go once `cfg`'s
    generated data is another one (dataset, points, noise or seed changed)."""
    if is_own() and ss.get("pg_user_origin") != cfg.points_key():
        drop()
    return ss.get("pg_user_data")


def _current():
    """The points on the page: the student's own, or the trainer's (its training points, then its test points)."""
    return ss.pg_user_data if is_own() else ud.trainer_points(ss.pg_trainer)


def _use(X, y, note, rebuild):
    """Train a fresh model on (X, y), the student's own points from now on (playback goes on)."""
    ss.pg_user_data, ss.pg_user_origin = (X, y), ss.pg_cfg.points_key()
    rebuild(ss.pg_cfg, note, keep_playing=True)


def _on_upload(rebuild):
    """A CSV was uploaded: train on its points, or keep everything and say (one error) what to change."""
    f = ss.get("pg_upload")
    ss.pg_upload_error = None
    if f is None:  # the file was taken out of the uploader: the points stay
        return
    try:
        X, y = ud.parse_csv(f.getvalue(), ss.pg_trainer.task)
    except ValueError as exc:
        ss.pg_upload_error = (f.file_id, f"{clip(f.name)}: {exc}")  # plain text: escaped where shown
        return
    _use(X, y, f"{len(y)} points from {md_escape(clip(f.name))} loaded: a fresh model trains on them.", rebuild)


def _on_generated(rebuild):
    drop()
    rebuild(ss.pg_cfg, "Back to the generated data: a fresh model trains on it.", keep_playing=True)


def request_edit(kind, at):
    """Ask for a click's edit ('add' or 'remove' at the point `at`); the next full run applies it (`apply_pending`)."""
    ss.pg_data_edit = (kind, at)


def _label(task):
    """The class (or regression target) an "add" click adds: the control's value."""
    choices = ud.label_choices(task)
    if choices is None:
        return float(ss.get("pg_add_target", ud.DEFAULT_TARGET))
    label = ss.get("pg_add_label")
    return label if label in choices else choices[0]


def _label_text(task, label):
    if task == "regression":
        return f"target {label:g}"
    name = f" ({pg.CLASS_NAMES[label]})" if task == "multiclass" else ""
    return f"class {ud.label_text(task, label)}{name}"


def apply_pending(rebuild):
    """Apply the click edit `request_edit` left, if any: add a point of the chosen class at the click, or
    remove the point nearest it (within `playground_click.PICK_RADIUS`); a fresh model then trains on the points.
    An edit the rules refuse (`user_data.check_points`) changes nothing and says why."""
    edit = ss.pop("pg_data_edit", None)
    if edit is None:
        return
    kind, at = edit
    X, y = _current()
    task = ss.pg_trainer.task
    try:
        if kind == "add":
            label = _label(task)
            X, y = ud.add_point(X, y, at, label, task)
            note = f"Point added at ({at[0]:.2f}, {at[1]:.2f}), {_label_text(task, label)}"
        else:
            X, y, i = ud.remove_nearest(X, y, at, PICK_RADIUS, task)
            if i is None:
                ss.pg_notice = f"No point within {PICK_RADIUS:g} of the click: click on a point to remove it."
                return
            note = "Point removed"
    except ValueError as exc:
        ss.pg_notice = f"{exc}."
        return
    _use(X, y, f"{note}: {len(y)} points now, and a fresh model trains on them.", rebuild)


def controls(rebuild, cfg):
    """The Data section's "Your own data" expander: what the data is, the uploader, back to generated data.

    `cfg`: the configuration the controls show now, already fitted to its problem (`pg.fit_problem`: the page's
    `fit_problem_controls` ran before); a new dataset, points, noise or seed ends the own points.
    """
    points_for(cfg)
    task = cfg.task  # the task of the data the model is about to train on
    with st.expander(":material/edit_location_alt: Your own data", expanded=is_own()):
        if is_own():
            st.caption(f"Training on your own {len(ss.pg_user_data[1])} points (started from "
                       f"{ss.pg_user_origin[0]}). A link cannot carry them: download them to share.")
            st.button("Back to the generated data", key="pg_user_back", icon=":material/undo:",
                      on_click=_on_generated, args=(rebuild,), width="stretch")
        classes = ud.label_choices(task)
        labels = ("targets: numbers" if classes is None else "labels: " + " or ".join(str(c) for c in sorted(classes))
                  + (" (or 0 and 1)" if task == "binary" else ""))
        st.file_uploader("Upload points (CSV)", type="csv", key="pg_upload", on_change=_on_upload, args=(rebuild,),
                         max_upload_size=UPLOAD_MB,
                         help=f"One line per point, x1,x2,label; a header line x1,x2,label is optional; {labels}. "
                         f"{ud.MIN_POINTS} to {ud.MAX_POINTS} points, coordinates between {-ud.LIMIT:g} and "
                         f"{ud.LIMIT:g}.")
        err, f = ss.get("pg_upload_error"), ss.get("pg_upload")
        if err and f is not None and f.file_id == err[0]:  # while that file is in the uploader
            st.error(md_escape(err[1]) + ". Nothing else changed: fix the file and upload it again.",
                     icon=":material/error:")
        st.caption("Click mode “Add a point” or “Remove a point” (above the plot) edits the points; "
                   "“Points (CSV)” below the charts downloads them.")


def download_button(container):
    """The "Points (CSV)" download in `container` (beside the page's other downloads, after the model is built):
    the points on the page as x1,x2,label, which the uploader reads back."""
    X, y = _current()
    container.download_button("Points (CSV)", functools.partial(ud.to_csv, np.array(X), np.array(y),
                                                                ss.pg_trainer.task),
                              file_name="points.csv", mime="text/csv", key="dl_points", on_click="ignore",
                              icon=":material/download:", help="The points on the page as x1,x2,label (train and "
                              "test), which “Upload points” under Data reads back.")


def add_label_control():
    """In "add" click mode: the class (or the regression target) a click adds."""
    if ss.get("pg_click_mode") != "add":
        return
    task = ss.pg_trainer.task
    choices = ud.label_choices(task)
    if choices is None:
        ss.setdefault("pg_add_target", ud.DEFAULT_TARGET)
        st.number_input("Target to add", -ud.LIMIT, ud.LIMIT, step=0.1, key="pg_add_target")
        return
    widgets.keep_valid("pg_add_label", choices, choices[0])
    st.segmented_control("Class to add", list(choices), key="pg_add_label", required=True,
                         format_func=lambda c: _label_text(task, c).removeprefix("class "))


def link_params():
    """The page's link while the points are the student's own: {'own': '1'} (the link cannot carry them), else {}."""
    return {pgurl.OWN_DATA_PARAM: "1"} if is_own() else {}


def link_caption():
    """In the classroom-link box, while the points are the student's own: the link does not carry them."""
    if is_own():
        st.caption("Your own points are not in the link: it opens the dataset they started from, with a notice. "
                   "Share the points' CSV (Your own data → Points) for students to upload.")
