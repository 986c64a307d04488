"""AppTest: a shared playground link is untrusted input (app_pages/playground.py + decode_query).

Whatever a link holds, the page opens (no exception box), shows at most one notice box listing
what it ignored, as plain text (no links, images, colours or HTML from the link), with every
quoted key and value cut to about 40 characters.
"""

import pytest
from streamlit.testing.v1 import AppTest
from test_page_playground import _url  # the URL's parameters as {name: value}, any Streamlit
from test_text import _literal_text  # what a CommonMark renderer shows for escaped text

from micrograd.lessons import playground_url as pgurl

TITLE = "Train an MLP"
HEADER = "Parts of this link were ignored"


def _open(query):
    at = AppTest.from_file("../app.py", default_timeout=30)  # relative to this file
    for k, v in query.items():
        at.query_params[k] = v
    return at.switch_page("app_pages/playground.py").run()


def _box(at):
    """The page opened, and its one notice box: (shown list items, the box's Markdown), or None."""
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert any(TITLE in t.value for t in at.title)
    assert len(at.warning) <= 1, [w.value for w in at.warning]
    if not at.warning:
        return None
    body = at.warning[0].value
    head, _, rest = body.partition("\n\n")
    assert head.startswith(HEADER), body
    lines = rest.split("\n")
    assert all(line.startswith("- ") for line in lines), body
    # each item, as the browser shows it: raises if any Markdown character in it is live
    return [_literal_text(line[2:]) for line in lines], body


ATTACK = {  # the link, plus HTML, backticks, math and block markers, in keys and values
    "act": "![t](http://host/pixel.png)",
    "data": "[Click here to log in](http://host/phish)",
    "loss": ":red[**Your session expired**]",
    "layers": "<img src=x onerror=alert(1)>",
    "n": "`100`",
    "mom": "$x^2$",
    "engine": "# Heading\n> quote\n- item",
    "[Log in](http://host/phish)": "1",
    "![i](http://host/p.png)": "1",
    ":red[**k**]": "1",
    "<b>k</b>": "1",
    "`k`": "1",
}


def test_markdown_in_a_link_shows_as_plain_text_in_one_box():
    items, body = _box(_open(ATTACK))
    assert len(items) == 9  # 12 parameters ignored: 8 listed, then a count of the rest
    assert items[-1] == "and 4 more parameters ignored"
    shown = "\n".join(items)
    for value in ("![t](http://host/pixel.png)", "[Click here to log in](http://host/phis…",  # 41: cut
                  ":red[**Your session expired**]", "<img src=x onerror=alert(1)>", "`100`", "$x^2$",
                  r"# Heading\n> quote\n- item"):  # quoted with repr: a newline shows as \n
        assert f"'{value}'" in shown, value
    assert "Unknown URL parameter '[Log in](http://host/phish)' was ignored." in shown
    for raw in ("](http", "![", ":red[", "**", "<img", "<b>", "`1"):
        assert raw not in body.replace("\\" + raw[0], "\\")  # no unescaped form in what is sent


def test_keys_with_markdown_show_as_plain_text():
    keys = ["[Log in](http://host/phish)", "![i](http://host/p.png)", ":red[**k**]", "<b>k</b>", "`k`", "$k$"]
    items, _ = _box(_open(dict.fromkeys(keys, "1")))
    assert items == [f"Unknown URL parameter '{k}' was ignored." for k in keys]


def test_a_huge_key_or_value_is_cut_to_40_characters():
    items, body = _box(_open({"k" * 5000: "1", "data": "x" * 5000}))
    assert len(body) < 500
    assert "Unknown URL parameter '" + "k" * 39 + "…' was ignored." in items
    assert any("data='" + "x" * 39 + "…' must be one of" in i for i in items)


@pytest.mark.parametrize("zero", ["-0", "-0.0", "-0e0"])
def test_negative_zero_is_zero(zero):
    at = _open({"noise": zero, "test": zero, "mom": zero, "rate": zero, "seed": zero, "batch": zero})
    assert _box(at) is None  # -0 is a valid 0: no notice, no exception
    url = _url(at)
    assert (url["noise"], url["test"], url["mom"], url["rate"], url["seed"], url["batch"]) == ("0",) * 6
    keys = {e.key for e in at.get("bidi_component")}
    assert {"pg_boundary_chart", "pg_network_chart", "pg_curves_chart"} <= keys  # the three views are drawn


# --- fuzz: every parameter with garbage, negative, -0, huge, nan, inf, unicode, empty, repeated ---

BAD = ["abc", "-1", "-0", "-0.0", "1e308", "9" * 400, "nan", "-inf", "inf", "∞ ünï 😀", "", " ", "1e-400",
       "0x10", "８", "\x00\u202e", "8-8-8-8-8", "-8", ["1", "zz"]]
SAME_FOR_ALL = [dict.fromkeys(pgurl.QUERY_NAMES.values(), v) for v in BAD]
ONE_EACH = [{key: BAD[i % len(BAD)]} for i, key in enumerate(pgurl.QUERY_NAMES.values())]
REPEATED = [{key: ["1", "-0", "nan", "100"] for key in pgurl.QUERY_NAMES.values()}]


@pytest.mark.parametrize("query", SAME_FOR_ALL + ONE_EACH + REPEATED,
                         ids=lambda q: "&".join(f"{k}={v!r}"[:24] for k, v in q.items())[:60])
def test_any_link_opens_the_page_with_at_most_one_plain_notice(query):
    at = _open(query)
    box = _box(at)
    flat = {k: (v[-1] if isinstance(v, list) else v) for k, v in query.items()}
    rejected = len(pgurl.decode_query(flat)[1])
    if rejected == 0:
        assert box is None
    else:
        items, _ = box
        assert len(items) == min(rejected, 8) + (rejected > 8)
    assert pgurl.decode_query(_url(at))[1] == []  # the page rewrote the link to a clean one


def _widget(at, kind, key):
    return next(w for w in getattr(at, kind) if w.key == key)


def test_features_optimizer_and_l1_come_from_the_link_and_train():
    from test_page_playground import _scenes

    at = _open({"data": "circles", "features": "x1sq,x2sq", "layers": "none", "opt": "adam", "lr": "0.01",
                "reg": "l1", "rate": "0.001"})
    assert not at.exception and not at.warning
    assert _widget(at, "multiselect", "pg_features").value == ["x1sq", "x2sq"]
    assert _widget(at, "selectbox", "pg_optimizer").value == "adam"
    assert _widget(at, "selectbox", "pg_reg").value == "l1" and _widget(at, "select_slider", "pg_rate").value == 0.001
    assert _widget(at, "slider", "pg_momentum").disabled  # SGD's only
    network = _scenes(at)["pg_network_chart"]
    tips = [t for lay in network["layers"] if lay.get("name") == "nodes" for t in lay.get("tips", [])]
    assert "input x₁²" in tips and "input x₂²" in tips and not any(t == "input x₁" for t in tips)
    url = _url(at)
    assert (url["features"], url["opt"], url["reg"], url["rate"]) == ("x1sq,x2sq", "adam", "l1", "0.001")
    assert "l2" not in url


def test_an_older_links_l2_is_l2_regularization():
    at = _open({"l2": "0.001"})
    assert not at.exception and not at.warning
    assert _widget(at, "selectbox", "pg_reg").value == "l2" and _widget(at, "select_slider", "pg_rate").value == 0.001
    assert (_url(at)["reg"], _url(at)["rate"]) == ("l2", "0.001")
    at = _open({"l2": "0.001", "reg": "l1"})  # the link says both: reg wins, and one notice says so
    assert _widget(at, "selectbox", "pg_reg").value == "l1"
    assert len(at.warning) == 1 and "l2" in at.warning[0].value


def test_the_learning_rate_and_depth_reach_tf_playgrounds_range():
    at = _open({"lr": "1e-05", "layers": "8-8-8-8-8-8"})
    assert not at.exception and not at.warning
    assert _widget(at, "select_slider", "pg_lr").value == 1e-05
    assert _widget(at, "number_input", "pg_n_layers").value == 6
    at = _open({"lr": "10"})
    assert not at.warning and _widget(at, "select_slider", "pg_lr").value == 10.0


def test_a_stop_rule_pauses_the_class_at_the_same_step():
    from test_page_playground import _step

    at = _open({"stop": "12", "spf": "5"})
    at.button(key="play").click().run()
    assert _step(at) == 5
    at.run()
    assert _step(at) == 10
    at.run()  # steps 11 and 12, then the rule: the page pauses and says why
    assert not at.exception
    assert _step(at) == 12  # 5 + 5 + 2: the rule is checked before every step, not per frame
    assert any("Stopped at step 12" in i.value for i in at.info)
    assert [b for b in at.button if b.key == "play"]  # paused: Play is offered again
    at.button(key="play").click().run()
    at.run()
    assert _step(at) == 12  # Play at the stop trains nothing until the rule is raised
    assert _url(at)["stop"] == "12"


def test_a_loss_stop_rule_pauses_once_the_train_loss_is_below_it():
    from test_page_playground import _step

    at = _open({"stoploss": "0.3", "spf": "5"})
    at.button(key="play").click().run()
    for _ in range(30):
        at.run()
        if any("Stopped at step" in i.value for i in at.info):
            break
    trainer = at.session_state["pg_trainer"]
    loss = trainer.current["train_loss"]
    assert loss < 0.3 and trainer.history["train_loss"][-2] >= 0.3  # the first step below it, not later
    stopped = _step(at)
    at.run()
    assert _step(at) == stopped
