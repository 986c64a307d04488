"""Tests for micrograd/lessons/playground_url.py: the playground's configuration as a link (URL query
parameters, classroom links, notices)."""

import dataclasses
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from micrograd.features import FEATURES
from micrograd.lessons import playground as pg
from micrograd.lessons import playground_url as pgurl


def test_defaults_and_presets_are_valid_configurations():
    for cfg in [pg.PlaygroundConfig()] + [pg.preset_config(name) for name in pg.PRESETS]:
        for f in dataclasses.fields(cfg):
            assert pgurl.is_valid(f.name, getattr(cfg, f.name)), (f.name, getattr(cfg, f.name))
    demo = pg.preset_config("the original micrograd demo")
    assert (demo.dataset, demo.hidden, demo.activation, demo.loss, demo.reg, demo.rate) == (
        "moons", (16, 16), "relu", "hinge", "l2", 0.0001)
    assert set(pg.PRESETS) >= {"learning rate too high", "XOR needs a hidden layer", "dead ReLUs",
                               "spiral needs depth", "the original micrograd demo"}


def test_is_valid_rejects_out_of_range():
    assert not pgurl.is_valid("lr", 0.5)  # not one of the offered rates
    assert not pgurl.is_valid("momentum", 1.0)
    assert not pgurl.is_valid("hidden", (8, 17))
    assert not pgurl.is_valid("hidden", (1,) * (pg.MAX_LAYERS + 1)) and pgurl.is_valid("hidden", (1,) * pg.MAX_LAYERS)
    assert not pgurl.is_valid("features", ("x1", "x1")) and not pgurl.is_valid("features", ("x3",))
    assert pgurl.is_valid("features", ("x1sq", "x2sq")) and not pgurl.is_valid("features", ())
    assert not pgurl.is_valid("n_points", True)
    assert not pgurl.is_valid("nonsense", 1)
    assert pgurl.is_valid("hidden", ()) and pgurl.is_valid("width", 16) and not pgurl.is_valid("width", 0)


def test_encode_writes_every_field():
    q = pgurl.encode_query(pg.PlaygroundConfig())
    assert q["data"] == "moons" and q["layers"] == "8-8" and q["lr"] == "0.3" and q["discrete"] == "0"
    assert len(q) == len(dataclasses.fields(pg.PlaygroundConfig))
    assert pgurl.encode_query(pg.preset_config("XOR needs a hidden layer"))["layers"] == "none"


@st.composite
def configs(draw):
    def pick(name):
        spec = pg.RANGES[name]
        if spec[0] == "choice":
            return draw(st.sampled_from(spec[1]))
        if spec[0] == "int":
            return draw(st.integers(spec[1], spec[2]))
        if spec[0] == "float":
            return draw(st.floats(spec[1], spec[2], allow_nan=False))
        if spec[0] == "bool":
            return draw(st.booleans())
        if spec[0] == "features":
            return tuple(draw(st.lists(st.sampled_from(sorted(FEATURES)), min_size=1, max_size=len(FEATURES),
                                       unique=True)))
        return tuple(draw(st.lists(st.integers(1, pg.MAX_WIDTH), max_size=pg.MAX_LAYERS)))
    cfg = pg.PlaygroundConfig(**{name: pick(name) for name in pg.RANGES})
    # the page offers only powers of two below the number of points, or all (0); a dataset's problem, and a
    # loss its task trains with
    return cfg.replace(batch_size=draw(st.sampled_from(pg.batch_options(cfg.n_points))),
                       problem=pg.problem_of(cfg.dataset), loss=draw(st.sampled_from(pg.task_losses(cfg.dataset))))


@settings(max_examples=200, deadline=None)
@given(configs())
def test_url_round_trip(cfg):
    back, notices = pgurl.decode_query(pgurl.encode_query(cfg))
    assert notices == []
    for f in dataclasses.fields(cfg):
        a, b = getattr(cfg, f.name), getattr(back, f.name)
        if isinstance(a, float):
            assert b == pytest.approx(a, rel=1e-5, abs=1e-6)  # '%g' keeps 6 significant digits
        else:
            assert a == b, f.name


def test_a_batch_size_the_page_does_not_offer_falls_back_to_all_with_a_notice():
    cfg, notices = pgurl.decode_query({"n": "100", "batch": "50"})
    assert cfg.batch_size == 0
    assert len(notices) == 1 and "batch=50" in notices[0] and "using all" in notices[0]
    cfg, notices = pgurl.decode_query({"n": "100", "batch": "64"})
    assert cfg.batch_size == 64 and notices == []


def test_bad_url_falls_back_to_defaults_with_notices():
    cfg, notices = pgurl.decode_query({
        "data": "spiral", "lr": "5", "layers": "8-20", "noise": "abc", "mom": "nan", "bogus": "1",
        "n": "12.5", "batch": "all", "showtest": ["1", "maybe"],
    })
    d = pg.PlaygroundConfig()
    assert cfg.dataset == "spiral" and cfg.batch_size == 0  # the good ones are kept
    assert (cfg.lr, cfg.hidden, cfg.noise, cfg.momentum, cfg.n_points, cfg.show_test) == (
        d.lr, d.hidden, d.noise, d.momentum, d.n_points, d.show_test)
    assert len(notices) == 7
    text = " ".join(notices)
    for bit in ("'bogus'", "lr='5'", "layers='8-20'", "noise='abc'", "mom='nan'", "n='12.5'", "'maybe'"):
        assert bit in text


# --- a URL is untrusted input: decode_query never raises, -0 is 0, notices are short plain text ---

_URL_TEXT = st.one_of(
    st.text(max_size=60),
    st.sampled_from(["-0", "-0.0", "-0e0", "nan", "-nan", "inf", "-inf", "1e308", "-1e308", "9" * 400, "1e-400",
                     "", " ", "all", "none", "8--8", "16-16-16-16", "0x10", "1_0", "８", "∞", "true", "<b>"]),
    st.floats().map(repr), st.integers().map(str),
)
_URL_VALUES = st.one_of(_URL_TEXT, st.lists(_URL_TEXT, max_size=3))


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.one_of(st.sampled_from(sorted(pgurl.QUERY_NAMES.values())), st.text(max_size=50)),
                       _URL_VALUES, max_size=8))
def test_decode_query_never_raises_and_gives_a_usable_configuration(params):
    from micrograd.data import make_dataset, split

    cfg, notices = pgurl.decode_query(params)
    for f in dataclasses.fields(cfg):
        value = getattr(cfg, f.name)
        assert pgurl.is_valid(f.name, value), (f.name, value)
        if isinstance(value, float):
            assert math.copysign(1, value) == 1, f.name  # never -0.0
    assert cfg.batch_size in pg.batch_options(cfg.n_points)
    assert all(isinstance(n, str) and len(n) < 300 for n in notices)  # keys and values quoted cut to 40
    back, again = pgurl.decode_query(pgurl.encode_query(cfg))
    assert again == [] and pgurl.encode_query(back) == pgurl.encode_query(cfg)  # the rewritten link is clean
    X, y = make_dataset(cfg.dataset, cfg.n_points, cfg.noise, cfg.seed)  # -0 noise used to raise here
    split(X, y, cfg.test_fraction, cfg.seed)


@pytest.mark.parametrize("zero", ["-0", "-0.0", "-0e0", " -0 "])
def test_negative_zero_in_a_url_is_zero(zero):
    cfg, notices = pgurl.decode_query({"noise": zero, "test": zero, "mom": zero, "rate": zero})
    assert notices == []
    for v in (cfg.noise, cfg.test_fraction, cfg.momentum, cfg.rate):
        assert v == 0 and math.copysign(1, v) == 1
    assert pgurl.encode_query(cfg)["noise"] == "0"
    assert pgurl.encode_query(cfg.replace(noise=-0.0))["noise"] == "0"


def test_url_notices_quote_at_most_40_characters_and_read_well():
    _, notices = pgurl.decode_query({"k" * 5000: "1", "data": "x" * 5000, "seed": "1e308", "n": "nan",
                                  "layers": "9" * 5000})
    assert notices[0] == "Unknown URL parameter '" + "k" * 39 + "…' was ignored."
    assert notices[1].startswith("URL parameter data='" + "x" * 39 + "…' must be one of moons, circles")
    assert "seed='1e308' must be a whole number from 0 to 9999; using the default 0." in notices[2]
    assert "n='nan' not a number; using the default 100." in notices[3]
    assert "each layer needs a whole number of 1 to 16 neurons" in notices[4]  # not "Exceeds the limit"
    assert max(len(n) for n in notices) < 200


def test_notices_markdown_is_one_escaped_list():
    assert pgurl.notices_markdown([]) == ""
    md = pgurl.notices_markdown(["Unknown URL parameter '[x](http://h)' was ignored."] * 10)
    head, _, body = md.partition("\n\n")
    lines = body.split("\n")
    assert len(lines) == 9 and lines[-1] == "- and 2 more parameters ignored"
    assert lines[0] == r"- Unknown URL parameter \'\[x\]\(http\:\/\/h\)\' was ignored\."


@given(st.sets(st.sampled_from(sorted(pgurl.HIDEABLE.values()))), st.booleans())
@settings(max_examples=60, deadline=None)
def test_presenter_and_hidden_controls_round_trip_through_the_url(fields, present):
    cfg = pg.PlaygroundConfig(present=present)
    query = {**pgurl.encode_query(cfg), pgurl.HIDE_PARAM: pgurl.encode_hide(fields)}
    assert pgurl.decode_query(query) == (cfg, [])  # hide is not an unknown parameter
    assert pgurl.decode_hide(query[pgurl.HIDE_PARAM]) == (frozenset(fields), [])


@given(st.one_of(st.none(), st.text(max_size=300), st.lists(st.text(max_size=50), max_size=3)))
@settings(max_examples=200, deadline=None)
def test_any_hide_value_decodes_without_raising_to_known_controls_and_short_notices(raw):
    fields, notices = pgurl.decode_hide(raw)
    assert fields <= set(pgurl.HIDEABLE.values()) and len(notices) <= 40
    assert all(len(n) < 300 for n in notices)


def test_hide_names_every_control_but_the_presenter_switch_and_steps_per_frame():
    assert set(pgurl.HIDEABLE.values()) == set(pg.RANGES) - {"present", "steps_per_frame"}
    assert pgurl.decode_hide("lr, lr ,act")[0] == {"lr", "activation"}
    assert pgurl.decode_hide("present")[1] and pgurl.encode_hide(["lr", "dataset"]) == "data,lr"
