"""Widgets pages share: the two graph pages' expression picker, its inputs and its error banner, and
`keep_valid` (a choice widget's session state kept among its options).

Pages import it as ``from app_pages import widgets`` (Streamlit and AppTest put the app's
folder on ``sys.path``). Every widget key starts with the page's prefix ('cg' for
"Computation graph & backprop", 'mv' for "Manual vs automatic backprop"), so the pages keep
their own choices. The expressions come from `micrograd.lessons.presets`.
"""

import streamlit as st

from micrograd.expr import ExpressionError
from micrograd.lessons import presets
from micrograd.text import md_escape

__all__ = ["BUILD_ERRORS", "MAX_INPUTS", "expression_picker", "expression_inputs", "show_build_error", "keep_valid"]

#: what building a graph can raise: a bad expression, or values outside an op's domain
BUILD_ERRORS = (ExpressionError, ValueError, ZeroDivisionError, OverflowError)
#: the most inputs an expression may have, so every input box fits on the page
MAX_INPUTS = 24


def expression_picker(prefix):
    """The expression selectbox and, beside it, the custom expression's text box or the preset's formula.

    Args:
        prefix: the page's key prefix; the widgets are '<prefix>_preset' and '<prefix>_expr'.

    Returns:
        (preset, text): a key of `presets.CHOICES`, and the typed expression (None for a preset).
    """
    top = st.columns([2, 3])
    preset = top[0].selectbox("Expression", presets.CHOICES, format_func=presets.title, key=f"{prefix}_preset",
                              persist_state="session")
    text = None
    if preset == presets.CUSTOM:
        text = top[1].text_input(
            "Your expression", value=presets.CUSTOM_DEFAULT_TEXT, key=f"{prefix}_expr", persist_state="session",
            help="Numbers, variable names, + − * / **, parentheses, and tanh exp log sigmoid relu. "
                 "Example: (a + b) * (b + 1)",
        )
    else:
        p = presets.EXPRESSIONS[preset]
        top[1].markdown(f"**{p.formula}**  \n{p.description}")
    return preset, text


def expression_inputs(prefix, preset, text):
    """One number box per input of the expression; a bad expression gets one error and stops the page.

    Args:
        prefix: the page's key prefix; the boxes are '<prefix>_v_<preset>_<name>'.
        preset, text: what `expression_picker` returned.

    Returns:
        (names, values): the input names in order, and {name: float}.
    """
    try:
        names = presets.leaf_names(preset, text)
    except ExpressionError as err:
        st.error(md_escape(f"{err} Change the expression above; nothing else was lost."), icon=":material/error:")
        st.stop()
    if len(names) > MAX_INPUTS:
        st.error(f"This expression has {len(names)} variables; use at most {MAX_INPUTS} so every input fits.",
                 icon=":material/error:")
        st.stop()
    defaults = presets.default_values(preset)
    values = {}
    cols = st.columns(min(6, max(1, len(names))))
    for i, name in enumerate(names):
        values[name] = cols[i % len(cols)].number_input(
            name, value=float(defaults.get(name, 1.0)), step=0.5, format="%.4f",
            key=f"{prefix}_v_{preset}_{name}", persist_state="session",
        )
    return names, values


def show_build_error(err):
    """Show one of `BUILD_ERRORS` as an error banner, as text, saying what to change.

    The parser's messages already say what to change; the engine's get the advice added.
    """
    tail = "" if isinstance(err, ExpressionError) else " Change the expression or the input values."
    st.error(md_escape(f"{err}{tail}"), icon=":material/error:")


def keep_valid(key, options, default):
    """Before a choice widget keyed `key` is drawn: if its session-state value is not one of `options` (unset,
    or left from options that changed), set it to `default`, so the widget shows a valid choice.

    Args:
        key: the widget's session-state key.
        options: what the widget offers (anything ``in`` works on: a list, or a dict's keys).
        default: the value to fall back to (one of `options`).
    """
    if st.session_state.get(key) not in options:
        st.session_state[key] = default
