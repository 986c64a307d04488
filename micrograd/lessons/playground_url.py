"""The playground's configuration as a link: URL query parameters, classroom links, notices.

- `encode_query` / `decode_query`: the whole `PlaygroundConfig` as URL query parameters, with
  validation (unknown or out-of-range values fall back to the default, with a notice);
- `decode_hide` / `encode_hide`: the controls a classroom link hides from students;
- `notices_markdown`: one link's notices as one box of escaped plain text.

A link is untrusted input: nothing in it is evaluated, every value is checked against `RANGES`,
and whatever is quoted back is cut to `URL_TEXT_LIMIT` characters (`micrograd.text.quote`).

``problem=classification|regression`` says which datasets ``data=`` takes (`PROBLEM_DATASETS`) and
``loss=`` must be one the dataset's task trains with (`micrograd.losses.TASK_LOSSES`). A link
without ``problem=`` (every link made before it existed) reads it from ``data=`` (classification
for moons); a link without ``loss=`` gets the task's default. A combination that does not fit
keeps the problem, gets that problem's first dataset or the task's default loss, and one notice
per parameter replaced.
"""

import dataclasses
import math

from micrograd.features import check_features
from micrograd.lessons.playground import (
    MAX_LAYERS,
    MAX_WIDTH,
    PROBLEM_DATASETS,
    RANGES,
    PlaygroundConfig,
    batch_options,
    fit_problem,
    problem_of,
)
from micrograd.losses import check_task_loss
from micrograd.text import md_escape, quote

__all__ = ["URL_TEXT_LIMIT", "QUERY_NAMES", "HIDE_PARAM", "HIDEABLE", "encode_query", "decode_query", "is_valid",
           "decode_hide", "encode_hide", "notices_markdown", "POINT_PARAM", "decode_point",
           "OWN_DATA_PARAM", "OWN_DATA_NOTICE"]

#: the most characters of a URL key or value quoted back in a notice
URL_TEXT_LIMIT = 40
#: URL parameter name for each field (short, readable links)
QUERY_NAMES = {
    "problem": "problem", "dataset": "data", "n_points": "n", "noise": "noise", "test_fraction": "test", "seed": "seed",
    "features": "features", "hidden": "layers", "activation": "act", "lr": "lr", "optimizer": "opt", "reg": "reg",
    "rate": "rate", "batch_size": "batch", "loss": "loss",
    "momentum": "mom", "engine": "engine", "steps_per_frame": "spf", "discretize": "discrete",
    "show_test": "showtest", "edge_view": "edges", "present": "present", "stop_step": "stop", "stop_loss": "stoploss",
}
_FIELD_OF = {v: k for k, v in QUERY_NAMES.items()}
#: a parameter of older links: ``l2=x`` still means L2 at rate x (``reg=l2&rate=x``) unless the link says reg
LEGACY_L2 = "l2"
#: the URL parameter of a classroom link that hides controls from students: their URL names, comma-separated
HIDE_PARAM = "hide"
#: the controls a classroom link can hide, URL name -> field (every configuration control but the presenter
#: switch and steps per frame, the slider the page is always drawn with)
HIDEABLE = {QUERY_NAMES[f]: f for f in RANGES if f not in ("present", "steps_per_frame")}
#: the URL parameter that says the page trained on a student's own points (``own=1``), which a link cannot carry:
#: opening such a link uses the link's dataset instead, with `OWN_DATA_NOTICE`
OWN_DATA_PARAM = "own"
OWN_DATA_NOTICE = ("This link was made on someone's own points, which a link cannot carry: it opens the "
                   "link's dataset instead. To train on those points, upload their CSV under Data.")
#: the URL parameter of the backprop microscope: the training example it shows (0-based, ``point=3``)
POINT_PARAM = "point"


# --- URL query parameters ---

def _fmt(value):
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return f"{value + 0.0:g}"  # + 0.0: -0.0 is written as 0
    if isinstance(value, tuple) and all(isinstance(v, str) for v in value) and value:  # input features
        return ",".join(value)
    if isinstance(value, tuple):
        return "-".join(str(w) for w in value) if value else "none"
    return str(value)


def encode_query(cfg):
    """The configuration as URL query parameters: dict of short name -> string.

    Every field is written, so a shared link means the same scenario even if the defaults
    change later. Hidden layers are written as widths joined by '-' ('8-8'), 'none' for none;
    input features as names joined by ',' ('x1,x2,x1sq'); booleans as '1'/'0'.
    """
    return {QUERY_NAMES[f.name]: _fmt(getattr(cfg, f.name)) for f in dataclasses.fields(cfg)}


def _number(text):
    """`text` as a float, or ValueError('not a number') (also for 'nan'); 'inf' and 1e999 come back as inf."""
    try:
        x = float(text)
    except (ValueError, OverflowError):
        raise ValueError("not a number") from None
    if math.isnan(x):
        raise ValueError("not a number")
    return x


def _whole(text, lo, hi):
    """`text` as an int from `lo` to `hi` (both included), or ValueError saying so (or 'not a number').

    Goes through `_number`, so '3.0' and '3e0' count as 3; inf is not a whole number.
    """
    x = _number(text)
    if not (x.is_integer() and lo <= x <= hi):
        raise ValueError(f"must be a whole number from {lo} to {hi}")
    return int(x)


def _last(raw):
    """A query parameter's value: the last of a list or tuple of values ('' for an empty one), else `raw`."""
    if isinstance(raw, (list, tuple)):
        return raw[-1] if raw else ""
    return raw


def _parse(name, text):
    """Parse one field's text; returns the value or raises ValueError with the reason.

    Numbers go through `_number`; -0 comes back as 0 (numpy rejects a noise scale of -0.0).
    """
    spec = RANGES[name]
    kind = spec[0]
    text = text.strip()
    if kind == "choice":
        options = spec[1]
        if isinstance(options[0], float):  # lr, l2: numbers from a fixed list
            x = _number(text)
            for o in options:
                if math.isclose(x, o, rel_tol=1e-9, abs_tol=1e-12):
                    return o
            raise ValueError(f"must be one of {', '.join(f'{o:g}' for o in options)}")
        if text not in options:
            raise ValueError(f"must be one of {', '.join(options)}")
        return text
    if kind == "int":
        if name == "batch_size" and text.lower() in ("all", "full"):
            return 0
        return _whole(text, spec[1], spec[2])
    if kind == "float":
        x = _number(text)
        if not spec[1] <= x <= spec[2]:
            raise ValueError(f"must be between {spec[1]:g} and {spec[2]:g}")
        return 0.0 if x == 0 else x  # -0.0 -> 0.0
    if kind == "bool":
        if text.lower() in ("1", "true", "yes", "on"):
            return True
        if text.lower() in ("0", "false", "no", "off"):
            return False
        raise ValueError("must be 1 or 0")
    if kind == "features":
        return check_features(text)
    # layers
    if text.lower() in ("", "none", "0"):
        return ()
    parts = text.replace(",", "-").split("-")
    if len(parts) > spec[1]:
        raise ValueError(f"at most {spec[1]} hidden layers")
    widths = []
    for part in parts:
        w = _number(part) if part.strip() else math.nan
        if not (w.is_integer() and 1 <= w <= spec[2]):  # nan, inf are not integers
            raise ValueError(f"each layer needs a whole number of 1 to {spec[2]} neurons, joined by '-'")
        widths.append(int(w))
    return tuple(widths)


def is_valid(name, value):
    """True if `value` is an allowed value of configuration field `name` (see `RANGES`).

    Two extra names cover the per-layer controls: 'n_layers' (0 to MAX_LAYERS hidden layers)
    and 'width' (1 to MAX_WIDTH neurons). Unknown names are never valid.
    """
    if name == "n_layers":
        return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_LAYERS
    if name == "width":
        return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_WIDTH
    spec = RANGES.get(name)
    if spec is None:
        return False
    kind = spec[0]
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "layers":
        return (isinstance(value, tuple) and len(value) <= MAX_LAYERS
                and all(is_valid("width", w) for w in value))
    if kind == "features":
        try:
            return isinstance(value, (tuple, list)) and bool(check_features(value))
        except (ValueError, TypeError):
            return False
    if isinstance(value, bool):
        return False
    if kind == "choice":
        return value in spec[1]
    if kind == "int":
        return isinstance(value, int) and spec[1] <= value <= spec[2]
    return isinstance(value, (int, float)) and spec[1] <= value <= spec[2]


def decode_query(params):
    """Read a configuration from URL query parameters, validating every value.

    Args:
        params: a mapping of name -> str (or list of str: the last one counts), such as
            ``st.query_params.to_dict()``; names as `encode_query` writes them.

    Returns:
        (cfg, notices): the `PlaygroundConfig` (defaults for anything missing or invalid; its
        problem, dataset and loss always fit each other: see the module docstring) and a list
        of plain-text notices, one per unknown or rejected parameter, each key and value in
        them cut to `URL_TEXT_LIMIT` characters. They are untrusted text: show them with
        `notices_markdown`, never as Markdown directly. Never raises.
    """
    values, notices, deferred = {}, [], {}
    for key, raw in params.items():
        text = str(_last(raw))
        name = _FIELD_OF.get(key)
        if key in (HIDE_PARAM, POINT_PARAM):  # read by decode_hide, decode_point
            continue
        if key == OWN_DATA_PARAM:  # the sender's own points are not in the link
            notices.append(OWN_DATA_NOTICE)
            continue
        if key == LEGACY_L2:  # an older link: l2=x is L2 at rate x (l2=0: none)
            if QUERY_NAMES["reg"] in params:
                notices.append(f"URL parameter l2={quote(text, URL_TEXT_LIMIT)} was ignored: the link also "
                               "sets reg (l2=x is the older way to write reg=l2&rate=x).")
                continue
            name = "rate"
        if name is None:
            notices.append(f"Unknown URL parameter {quote(key, URL_TEXT_LIMIT)} was ignored.")
            continue
        try:
            values[name] = _parse(name, text)
            if key == LEGACY_L2:
                values["reg"] = "l2" if values[name] else "none"
        except ValueError as exc:
            if name in ("problem", "dataset"):  # their defaults follow each other: named once both are known
                deferred[name] = len(notices)
                notices.append(f"URL parameter {key}={quote(text, URL_TEXT_LIMIT)} {exc}; using")
                continue
            default = _fmt(getattr(PlaygroundConfig(), name))
            notices.append(f"URL parameter {key}={quote(text, URL_TEXT_LIMIT)} {exc}; using the default {default}.")
    cfg, fit_notices = _fit_problem(values)
    for name, i in deferred.items():
        notices[i] += f" {getattr(cfg, name)}."
    notices += fit_notices
    if cfg.batch_size not in batch_options(cfg.n_points):
        notices.append(f"URL parameter batch={cfg.batch_size} is not a batch size offered for {cfg.n_points} "
                       f"points ({', '.join(str(b) for b in batch_options(cfg.n_points)[:-1])} or all); "
                       "using all.")
        cfg = cfg.replace(batch_size=0)
    return cfg, notices


def _fit_problem(values):
    """The configuration of the parsed `values`, its problem, dataset and loss made to fit (`fit_problem`).

    No problem given: the dataset's (`problem_of`). Returns (cfg, notices): a notice for each
    parameter the link gave that had to be replaced.
    """
    cfg = PlaygroundConfig(**values)
    if "problem" not in values and "dataset" in values:
        cfg = cfg.replace(problem=problem_of(cfg.dataset))
    fitted, changed = fit_problem(cfg)
    notices = []
    if "dataset" in changed and "dataset" in values:
        notices.append(f"URL parameter {QUERY_NAMES['dataset']}={quote(cfg.dataset, URL_TEXT_LIMIT)} is not a "
                       f"{cfg.problem} dataset ({QUERY_NAMES['problem']}={cfg.problem} takes "
                       f"{', '.join(PROBLEM_DATASETS[cfg.problem])}); using {fitted.dataset}.")
    if "loss" in changed and "loss" in values:
        why = "not a loss of its task"
        try:
            check_task_loss(fitted.task, cfg.loss)
        except ValueError as exc:
            why = str(exc)
        notices.append(f"URL parameter {QUERY_NAMES['loss']}={quote(cfg.loss, URL_TEXT_LIMIT)} does not train "
                       f"{QUERY_NAMES['dataset']}={fitted.dataset}: {why}; using {fitted.loss}.")
    return fitted, notices


def decode_hide(raw):
    """The controls a classroom link hides: the value of its `HIDE_PARAM` parameter.

    Args:
        raw: the parameter's text ('lr,l2,layers': URL names of `HIDEABLE`), a list of such
            texts (the last counts), or None / '' for none.

    Returns:
        (fields, notices): a frozenset of `PlaygroundConfig` field names, and one plain-text
        notice per name that is not a control (cut to `URL_TEXT_LIMIT` characters; at most
        the first 40 names are read). Never raises.
    """
    names = [n.strip() for n in str(_last(raw) or "").split(",") if n.strip()][:40]
    fields, notices = set(), []
    for n in names:
        if n in HIDEABLE:
            fields.add(HIDEABLE[n])
        else:
            notices.append(f"URL parameter {HIDE_PARAM}: {quote(n, URL_TEXT_LIMIT)} is not a control "
                           f"(choose from {', '.join(HIDEABLE)}); it was ignored.")
    return frozenset(fields), notices


def decode_point(raw, n_train):
    """The training example a link opens the backprop microscope on: the value of `POINT_PARAM`.

    Args:
        raw: the parameter's text (a whole number 0..n_train-1), a list of such texts (the last counts),
            or None / '' for none. n_train: the number of training examples.

    Returns:
        (index, notices): the 0-based index or None, and a list with one plain-text notice if the value is
        not a training example (cut to `URL_TEXT_LIMIT` characters). Never raises.
    """
    text = str(_last(raw) or "").strip()
    if not text:
        return None, []
    try:
        return _whole(text, 0, n_train - 1), []
    except ValueError:
        pass
    return None, [f"URL parameter {POINT_PARAM}={quote(text, URL_TEXT_LIMIT)} is not a training point: it must "
                  f"be a whole number from 0 to {n_train - 1}; the microscope stays closed."]


def encode_hide(fields):
    """The `HIDE_PARAM` value for a set of field names: their URL names in `HIDEABLE` order, comma-separated."""
    fields = set(fields)
    return ",".join(name for name, f in HIDEABLE.items() if f in fields)


def notices_markdown(notices, limit=8):
    """The notices of one link as the Markdown of a single box: a heading line and a list.

    Every notice is escaped with `micrograd.text.md_escape`, so links, images, colours,
    HTML or anything else in a shared link shows as plain characters.

    Args:
        notices: plain-text notices, as `decode_query` returns them.
        limit: the most notices listed; the rest are counted in a last line.

    Returns:
        str: Markdown for ``st.warning``, or '' if there are no notices.
    """
    if not notices:
        return ""
    lines = [f"- {md_escape(n)}" for n in notices[:limit]]
    if len(notices) > limit:
        more = len(notices) - limit
        lines.append(f"- and {more} more {'parameter' if more == 1 else 'parameters'} ignored")
    return "Parts of this link were ignored; everything else in it is used:\n\n" + "\n".join(lines)
