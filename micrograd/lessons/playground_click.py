"""What a click on the playground's decision-boundary plot does: one entry per click mode.

The page draws a click-mode control with the options of `CLICK_MODES` (mode -> label) and gives
the boundary chart a callback that passes the click (``{"x", "y", "layer", "index"}``, data
coordinates, from `app_pages.live_chart.scene_chart`) to `click_action`, which dispatches on the
mode through `ACTIONS`. Each action takes ``(click, trainer)`` and returns a dict:

- ``"point"``: the training example (0-based index into ``trainer.X_train``) the microscope is to
  show, or None to leave it as it is;
- ``"notice"``: a plain-text sentence for the page to show ('' for none).

Actions may add keys of their own: the "add" and "remove" modes (the page's "Your own data") return
``"edit"`` ("add" or "remove") and ``"at"`` (the click's (x1, x2)), and the page edits its data with
`micrograd.lessons.user_data`. Nothing here imports streamlit.
"""

import math

from micrograd.lessons.user_data import nearest_index

__all__ = ["CLICK_MODES", "ACTIONS", "PICK_RADIUS", "DEFAULT_MODE", "nearest_training_point", "inspect_point",
           "click_action", "add_point_click", "remove_point_click"]

#: click mode -> the control's label
CLICK_MODES = {"inspect": "Inspect a point", "add": "Add a point", "remove": "Remove a point"}
#: the mode a new session starts in
DEFAULT_MODE = "inspect"
#: a click picks the nearest training point within this distance, in data units (the playground's data span
#: about 2-4 units over ~460 px: 0.2 units is 25-45 px)
PICK_RADIUS = 0.2


def _click_xy(x, y):
    """The click's coordinates as floats (x, y), or None if either is not a finite number."""
    try:
        x, y = float(x), float(y)
    except (TypeError, ValueError):
        return None
    if not (math.isfinite(x) and math.isfinite(y)):
        return None
    return x, y


def nearest_training_point(trainer, x, y, radius=PICK_RADIUS):
    """The training example nearest to (x, y), if it lies within `radius` (Euclidean, in data units).

    Args:
        trainer: a `micrograd.train.Trainer` (its ``X_train``, the points as drawn: raw coordinates,
            not features).
        x, y: the click in data coordinates. radius: the largest distance that counts (> 0).

    Returns:
        the 0-based index into ``trainer.X_train``, or None (no point that close, an empty training set,
        or a click that is not a finite number). Ties go to the lower index.
    """
    xy = _click_xy(x, y)
    if xy is None:
        return None
    return nearest_index(trainer.X_train, *xy, radius)


def inspect_point(click, trainer):
    """The "inspect" mode: open the microscope on the training point nearest the click.

    Returns:
        {"point": index, "notice": ""}, or {"point": None, "notice": why} if no training point is
        within `PICK_RADIUS` of the click.
    """
    i = nearest_training_point(trainer, click.get("x"), click.get("y"))
    if i is None:
        return {"point": None, "notice": f"No training point within {PICK_RADIUS:g} of the click: click on a "
                                         "filled marker to inspect it."}
    return {"point": i, "notice": ""}


def _edit(kind, click):
    """A data edit at the click: {"point": None, "notice": "", "edit": kind, "at": (x1, x2)}; the page applies
    it to the data (`micrograd.lessons.user_data`), which it owns. A click that is not a finite point: a notice."""
    at = _click_xy(click.get("x"), click.get("y"))
    if at is None:
        return {"point": None, "notice": "That click was not on the plot: click inside it."}
    return {"point": None, "notice": "", "edit": kind, "at": at}


def add_point_click(click, trainer):
    """The "add" mode: add a point of the chosen class (or target) where the click is (the page applies ``"edit"``).

    Returns:
        {"point": None, "notice": "", "edit": "add", "at": (x1, x2)} (see `_edit`).
    """
    return _edit("add", click)


def remove_point_click(click, trainer):
    """The "remove" mode: remove the point (train or test) nearest the click, if within `PICK_RADIUS`.

    Returns:
        {"point": None, "notice": "", "edit": "remove", "at": (x1, x2)} (see `_edit`).
    """
    return _edit("remove", click)


#: mode -> action(click, trainer) -> dict (see the module docstring)
ACTIONS = {"inspect": inspect_point, "add": add_point_click, "remove": remove_point_click}


def click_action(mode, click, trainer):
    """Do what a click means in `mode`.

    Args:
        mode: a key of `CLICK_MODES` (None or unknown: `DEFAULT_MODE`).
        click: the chart's click, a dict with "x" and "y" in data coordinates (anything else, such as
            None, does nothing).
        trainer: the playground's `micrograd.train.Trainer`.

    Returns:
        the action's dict ({"point", "notice", ...}); {"point": None, "notice": ""} for no click.
    """
    if not isinstance(click, dict):
        return {"point": None, "notice": ""}
    return ACTIONS.get(mode, ACTIONS[DEFAULT_MODE])(click, trainer)
