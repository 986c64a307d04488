"""Shared test fixtures. (`import micrograd` and `import app_pages` work because pytest puts the
repository root on sys.path: `pythonpath` in pyproject.toml.)"""

import re

import pytest

from micrograd.engine import Value


@pytest.fixture
def lecture_graph():
    """The lecture's first graph, L = (a·b + c)·f at a = 2, b = −3, c = 10, f = −2, built by hand.

    Returns a function; each call builds a fresh graph and returns {name: Value} for the
    inputs a, b, c, f and the labelled results e = a·b, d = e + c, L = d·f (no grads yet).
    By hand: L = −8, dL/da = 6, dL/db = −4, dL/dc = dL/de = dL/dd = −2, dL/df = 4.
    """

    def build():
        a, b, c, f = Value(2.0, label="a"), Value(-3.0, label="b"), Value(10.0, label="c"), Value(-2.0, label="f")
        e = a * b
        e.label = "e"
        d = e + c
        d.label = "d"
        L = d * f
        L.label = "L"
        return {"a": a, "b": b, "c": c, "f": f, "e": e, "d": d, "L": L}

    return build


def shown_text(markdown):
    """What a reader sees of a Markdown string made with `micrograd.text.md_escape`: every
    backslash escape of an ASCII punctuation character read as that character (CommonMark
    0.31, section 2.4) and whitespace runs as one space, as the browser shows them."""
    return " ".join(re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", str(markdown)).split())


@pytest.fixture
def shown():
    """`shown_text`, for tests that compare a page's Markdown with the text it displays."""
    return shown_text
