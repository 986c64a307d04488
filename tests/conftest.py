"""Shared test fixtures. (`import micrograd` and `import app_pages` work because pytest puts the
repository root on sys.path: `pythonpath` in pyproject.toml.)"""

import contextlib
import importlib.util
import math
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import numpy as np
import pytest

from micrograd.engine import Value

ROOT = Path(__file__).resolve().parents[1]


def free_port():
    """A TCP port free on 127.0.0.1 now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def load_benchmark():
    """benchmarks/load.py as a module (loaded from its file under a private name, so no module named
    `load` lands in sys.modules): its Session, session_figures, http_get, ... for tests to call."""
    spec = importlib.util.spec_from_file_location("load_benchmark", ROOT / "benchmarks" / "load.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@contextlib.contextmanager
def streamlit_server(script, cwd=ROOT, log=None, timeout=90):
    """`streamlit run SCRIPT` (a path relative to `cwd`, or absolute) on a free loopback port for the block.

    Yields (url, process) once /_stcore/health answers; the server is stopped when the block ends.
    `log`: a file for its output (a file, not a pipe: a pipe nobody reads fills up), or None to drop it.
    Fails the test, with the log's text, if the server does not answer within `timeout` seconds.
    """
    port = free_port()
    with open(log, "w") if log else contextlib.nullcontext(subprocess.DEVNULL) as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true",
             "--browser.gatherUsageStats", "false"],  # also where cwd has no .streamlit/config.toml saying so
            cwd=cwd, stdout=out, stderr=subprocess.STDOUT, text=True,
        )
    url = f"http://127.0.0.1:{port}"
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        deadline = time.time() + timeout
        while True:
            try:
                if opener.open(f"{url}/_stcore/health", timeout=2).status == 200:
                    break
            except OSError:
                if time.time() > deadline:
                    pytest.fail(f"streamlit run {script} did not start" + (": " + Path(log).read_text() if log else ""))
                time.sleep(0.5)
        yield url, proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()

#: hand-derived f(x), f'(x) of every built-in entry of the derivatives lesson's catalogue, in its order
EXACT_DERIVATIVES = {
    "square": (lambda x: x * x, lambda x: 2 * x),
    "cubic": (lambda x: x**3 - 2 * x, lambda x: 3 * x * x - 2),
    "sin": (math.sin, math.cos),
    "tanh": (math.tanh, lambda x: 1 - math.tanh(x) ** 2),
    "exp": (math.exp, math.exp),
    "inverse": (lambda x: 1 / x, lambda x: -1 / (x * x)),
    "sigmoid": (lambda x: 1 / (1 + math.exp(-x)), lambda x: math.exp(-x) / (1 + math.exp(-x)) ** 2),
}


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


def original_more_ops(a, b, relu=lambda v: v.relu()):
    """The original micrograd's test_more_ops expression of a and b (there: a = −4, b = 2).

    Written once for every reference it is checked against: `Value`s, float64 torch tensors
    (both have ``.relu()``) and exact `Fraction`s (pass ``relu=lambda v: max(v, 0)``); the
    constants are integers so that Fractions stay exact. Returns g, a function of a and b.
    """
    c = a + b
    d = a * b + b**3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + relu(b + a)
    d += 3 * d + relu(b - a)
    e = c - d
    f = e**2
    g = f / 2
    g += 10 / f
    return g


@pytest.fixture
def more_ops():
    """`original_more_ops`, for the engine test and its PyTorch cross-check."""
    return original_more_ops


def shown_text(markdown):
    """What a reader sees of a Markdown string made with `micrograd.text.md_escape`: every
    backslash escape of an ASCII punctuation character read as that character (CommonMark
    0.31, section 2.4) and whitespace runs as one space, as the browser shows them."""
    return " ".join(re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", str(markdown)).split())


@pytest.fixture
def shown():
    """`shown_text`, for tests that compare a page's Markdown with the text it displays."""
    return shown_text


APP = Path(__file__).resolve().parents[1] / "app.py"


def open_page(script, query=None, timeout=30):
    """The app opened on one page in Streamlit's AppTest, as a browser opening its link would.

    Args:
        script: the page's script, relative to the repository root, e.g. "app_pages/derivatives.py".
        query: URL parameters ({name: value}) set before the first run, or None.
        timeout: seconds each run may take.

    Returns:
        the `AppTest` after its first run, which is asserted to have raised nothing.
    """
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=timeout)
    for name, value in (query or {}).items():
        at.query_params[name] = value
    at.switch_page(script)
    at.run()
    assert not at.exception
    return at


@pytest.fixture
def original_moons():
    """The original micrograd demo's data, made as its notebook makes it: np.random.seed(1337);
    make_moons(n_samples=100, noise=0.1); labels y * 2 - 1. numpy's global generator is put
    back as it was afterwards. Returns (X, y) with y in {-1, +1}."""
    from sklearn.datasets import make_moons

    state = np.random.get_state()
    try:
        np.random.seed(1337)
        X, y = make_moons(n_samples=100, noise=0.1)
    finally:
        np.random.set_state(state)
    return X, y * 2 - 1
