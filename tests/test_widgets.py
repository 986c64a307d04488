"""AppTest of app_pages/widgets.py, the expression picker both graph pages share: each page keeps
its own choice (keys prefixed per page), and too many inputs or a bad expression get one error."""

import pytest
from conftest import shown_text
from streamlit.testing.v1 import AppTest

PAGES = [("app_pages/computation_graph.py", "cg"), ("app_pages/manual_vs_auto.py", "mv")]


def _app(page):
    at = AppTest.from_file("../app.py", default_timeout=30)
    at.switch_page(page)
    at.run()
    assert not at.exception
    return at


@pytest.mark.parametrize(("page", "prefix"), PAGES)
def test_too_many_inputs_get_one_error_saying_the_limit(page, prefix):
    at = _app(page)
    at.selectbox(key=f"{prefix}_preset").set_value("custom").run()
    at.text_input(key=f"{prefix}_expr").input(" + ".join(f"x{i}" for i in range(25))).run()
    assert not at.exception
    assert len(at.error) == 1
    assert "This expression has 25 variables; use at most 24 so every input fits." in at.error[0].value
    assert not at.number_input  # no input boxes drawn


@pytest.mark.parametrize(("page", "prefix"), PAGES)
def test_the_preset_shows_its_formula_and_a_bad_expression_is_shown_as_text(page, prefix):
    at = _app(page)
    assert any("**e = a·b,  d = e + c,  L = d·f**" in m.value for m in at.markdown)  # the lecture's formula
    at.selectbox(key=f"{prefix}_preset").set_value("custom").run()
    at.text_input(key=f"{prefix}_expr").input("x +* 2").run()
    assert not at.exception and len(at.error) == 1
    assert shown_text(at.error[0].value).endswith("Change the expression above; nothing else was lost.")


def test_each_page_keeps_its_own_expression():
    at = _app(PAGES[0][0])
    at.selectbox(key="cg_preset").set_value("fanout").run()
    at.switch_page(PAGES[1][0]).run()
    assert not at.exception
    assert at.selectbox(key="mv_preset").value == "lecture"  # the other page's choice did not leak
    at.switch_page(PAGES[0][0]).run()
    assert at.selectbox(key="cg_preset").value == "fanout"
