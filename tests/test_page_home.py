"""AppTest for app.py and the Home page."""

from streamlit.testing.v1 import AppTest

from app_pages import registry
from micrograd.engine import Value


def test_home_renders_with_the_engine_result():
    at = AppTest.from_file("../app.py", default_timeout=30).run()
    assert not at.exception
    assert "micrograd classroom" in at.title[0].value
    metrics = {m.label: m.value for m in at.metric}
    # f(x) = x^2 at 3: f = 9 and f'(3) = 2 * 3 = 6, by hand
    assert metrics["f(3) = 3²"] == "9"
    assert metrics["f'(3) from backward()"] == "6"


def test_tour_matches_a_central_difference():
    from micrograd.gradcheck import central_difference
    from micrograd.lessons.tour import tour

    r = tour()
    assert r["f"] == 9.0
    assert abs(r["dfdx"] - central_difference(lambda x: (Value(x) ** 2).data, 3.0, 1e-5)) < 1e-8


def test_every_page_in_the_navigation_runs():
    at = AppTest.from_file("../app.py", default_timeout=60).run()
    for info in registry.PAGES[1:]:
        at.switch_page(info.path).run()
        assert not at.exception, info.script
        assert at.title[0].value == info.title_line  # each page shows its own heading


def test_home_lists_every_lesson_once_in_navigation_order():
    at = AppTest.from_file("../app.py", default_timeout=30).run()
    links = [e for e in at.main if e.type == "page_link"]
    assert len(links) == len(registry.PAGES) - 1


def test_home_code_fits_its_column_at_1366_px():
    # at 1366 x 768 the code column is 536 px wide: 60 monospace characters show, a 64-character
    # line was cut mid-comment (measured in Chromium). Every line stays well inside that.
    at = AppTest.from_file("../app.py", default_timeout=30).run()
    code = at.code[0].value
    assert "f.backward()" in code and "print(f.data, x.grad)" in code
    assert max(len(line) for line in code.splitlines()) <= 56


def test_tour_code_runs_and_prints_what_its_comment_says():
    import contextlib
    import io

    from micrograd.lessons.tour import TOUR_CODE, tour

    out = io.StringIO()
    namespace = {}
    with contextlib.redirect_stdout(out):
        exec(compile(TOUR_CODE, "<tour>", "exec"), namespace)  # our own constant, not user input
    printed = out.getvalue().split()
    # what the shown code prints is what its own comment promises ...
    print_line = next(line for line in TOUR_CODE.splitlines() if line.startswith("print("))
    assert printed == print_line.split("#", 1)[1].split()
    # ... is what tour() (the numbers behind the home page's metrics) returns ...
    r = tour()
    assert [float(v) for v in printed] == [r["f"], r["dfdx"]]
    assert (namespace["f"].data, namespace["x"].grad) == (r["f"], r["dfdx"])
    # ... and is right: f(3) = 3^2 = 9, f'(3) = 2 * 3 = 6
    assert [float(v) for v in printed] == [9.0, 6.0]
