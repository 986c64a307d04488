"""AppTest for app.py and the Home page."""

from streamlit.testing.v1 import AppTest

from micrograd.engine import Value


def test_home_renders_with_the_engine_result():
    at = AppTest.from_file("../app.py", default_timeout=30).run()
    assert not at.exception
    assert "micrograd classroom" in at.title[0].value
    metrics = {m.label: m.value for m in at.metric}
    # f(x) = x^2 at 3: f = 9 and f'(3) = 2 * 3 = 6, the seeds' example
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
    for page in ["app_pages/derivatives.py", "app_pages/computation_graph.py", "app_pages/manual_vs_auto.py",
                 "app_pages/playground.py", "app_pages/vs_pytorch.py", "app_pages/gradient_check.py"]:
        at.switch_page(page).run()
        assert not at.exception, page
