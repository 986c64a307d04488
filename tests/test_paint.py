"""Tests for micrograd/paint.py and the boundary scene (micrograd/lessons/playground_paint.py).

References: Pillow decodes the PNGs (an independent decoder), scipy's RegularGridInterpolator
gives the bilinear interpolation of the grid, the scalar `Value` forward pass gives the scores,
and hand-computed values the rest.
"""

import base64
import io
import json
import math

import numpy as np
import pytest

from micrograd import paint
from micrograd.lessons import playground as pg
from micrograd.lessons import playground_paint as pp

Image = pytest.importorskip("PIL.Image")
interpolate = pytest.importorskip("scipy.interpolate")


def _decode(png_or_url):
    if isinstance(png_or_url, str):
        png_or_url = base64.b64decode(png_or_url.split(",", 1)[1])
    im = Image.open(io.BytesIO(png_or_url))
    return im, np.asarray(im.convert("RGB"))


# --- PNG ---

def test_palette_png_decodes_to_the_palette_colours():
    rng = np.random.default_rng(0)
    palette = rng.integers(0, 256, size=(7, 3), dtype=np.uint8)
    idx = rng.integers(0, 7, size=(13, 29), dtype=np.uint8)
    idx[:, 10:] = np.arange(19, dtype=np.uint8) % 7  # smooth rows too, so the Sub/Up filters get picked
    im, rgb = _decode(paint.encode_png(idx, palette))
    assert im.mode == "P" and im.size == (29, 13)
    np.testing.assert_array_equal(rgb, palette[idx])


@pytest.mark.parametrize("kind", ["noise", "ramp", "rows"])
def test_rgb_png_round_trips_with_every_filter(kind):
    rng = np.random.default_rng(1)
    if kind == "noise":
        px = rng.integers(0, 256, size=(9, 11, 3), dtype=np.uint8)
    elif kind == "ramp":  # best filtered with Sub (wrapping differences)
        px = np.broadcast_to((np.arange(11)[None, :, None] * 40 + np.array([0, 7, 250])) % 256, (9, 11, 3))
    else:  # identical columns: best filtered with Up
        px = np.broadcast_to((np.arange(9)[:, None, None] * 31 + np.array([5, 200, 90])) % 256, (9, 11, 3))
    px = np.ascontiguousarray(px, dtype=np.uint8)
    im, rgb = _decode(paint.encode_png(px))
    assert im.mode == "RGB"
    np.testing.assert_array_equal(rgb, px)


def test_png_rejects_bad_input():
    with pytest.raises(ValueError, match="palette"):
        paint.encode_png(np.zeros((2, 2), np.uint8))
    with pytest.raises(ValueError, match="does not cover"):
        paint.encode_png(np.full((2, 2), 3, np.uint8), np.zeros((3, 3), np.uint8))
    with pytest.raises(ValueError, match="uint8"):
        paint.encode_png(np.zeros((2, 2), np.float64), np.zeros((1, 3), np.uint8))


# --- colours and ticks ---

def test_colour_ramp_hits_the_stops_and_interpolates_between():
    ramp = paint.colour_ramp(pg.PUOR, 7)  # positions 0, 1/6, ... : between PuOr's stops 0, .17, .33, ...
    assert ramp[0].tolist() == [0xb3, 0x58, 0x06] and ramp[-1].tolist() == [0x54, 0x27, 0x88]
    assert ramp[3].tolist() == [0xf7, 0xf7, 0xf7]  # position 0.5: the white middle
    # position 1/6 lies between the stops at 0 (#b35806) and 0.17 (#f1a340), 1/6 / 0.17 of the way
    f = (1 / 6) / 0.17
    expect = [round(a + f * (b - a)) for a, b in zip((0xb3, 0x58, 0x06), (0xf1, 0xa3, 0x40), strict=True)]
    assert ramp[1].tolist() == expect


def test_level_indices_by_hand():
    Z = np.array([-9.0, -1.5, -0.75, 0.0, 0.75, 1.5, 9.0, np.nan])
    assert paint.level_indices(Z, -1.5, 1.5, 5).tolist() == [0, 0, 1, 2, 3, 4, 4, 2]


@pytest.mark.parametrize("lo, hi, expect", [
    (-1.5, 2.5, [-1.0, 0.0, 1.0, 2.0]),
    (0.0, 1.0, [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]),
    (-0.3, 0.3, [-0.3, -0.2, -0.1, 0.0, 0.1, 0.2, 0.3]),
    (-1.06, 1.55, [-1.0, -0.5, 0.0, 0.5, 1.0, 1.5]),  # step 0.5: the smallest nice step >= 2.61 / 6
    (0.0, 12.0, [0.0, 2.0, 4.0, 6.0, 8.0, 10.0, 12.0]),
    (0.0, 14.0, [0.0, 2.5, 5.0, 7.5, 10.0, 12.5]),
])
def test_nice_ticks(lo, hi, expect):
    assert paint.nice_ticks(lo, hi) == expect


# --- contours ---

def _crossing_points(xs, ys, Z, decimals=3):
    """Every grid edge where Z changes sign, with its linearly interpolated zero rounded to `decimals`
    (independent loops)."""
    pts = set()
    for i in range(len(ys)):
        for j in range(len(xs)):
            for di, dj in ((0, 1), (1, 0)):
                if i + di >= len(ys) or j + dj >= len(xs):
                    continue
                a, b = Z[i, j], Z[i + di, j + dj]
                if (a > 0) != (b > 0):
                    t = a / (a - b)
                    x = xs[j] + t * (xs[j + dj] - xs[j])
                    y = ys[i] + t * (ys[i + di] - ys[i])
                    pts.add((round(x, decimals), round(y, decimals)))
    return pts


def test_contour_of_a_circle_is_one_closed_ring_through_every_crossing():
    xs = np.linspace(-2, 2, 41)
    ys = np.linspace(-1.5, 1.5, 31)
    X, Y = np.meshgrid(xs, ys)
    r = 0.95  # not through a grid point, so every crossing lies on exactly one edge
    Z = X ** 2 + Y ** 2 - r ** 2
    paths = paint.contour_paths(xs, ys, Z)
    assert len(paths) == 1
    p = np.array(paths[0]).reshape(-1, 2)
    assert p[0].tolist() == p[-1].tolist()  # closed
    radius = np.hypot(p[:, 0], p[:, 1])
    assert np.max(np.abs(radius - r)) < 0.01  # linear interpolation on a 0.1 grid: error ~ h^2 / 8r
    assert {tuple(v) for v in p.tolist()} == _crossing_points(xs, ys, Z)
    assert len(p) - 1 == len(_crossing_points(xs, ys, Z))  # each crossing once
    # consecutive vertices are in one cell: at most one grid step apart on each axis
    assert np.all(np.abs(np.diff(p, axis=0)) <= 0.1 + 1e-9)


def test_contour_of_a_plane_is_a_straight_line():
    xs, ys = np.linspace(0, 1, 11), np.linspace(0, 2, 21)
    X, Y = np.meshgrid(xs, ys)
    paths = paint.contour_paths(xs, ys, X + 0.5 * Y - 0.73)
    assert len(paths) == 1
    p = np.array(paths[0]).reshape(-1, 2)
    np.testing.assert_allclose(p[:, 0] + 0.5 * p[:, 1], 0.73, atol=1e-3)
    assert paint.contour_paths(xs, ys, X + 5.0) == []


def test_saddle_cells_are_split_by_their_mean():
    xs = ys = np.array([0.0, 1.0])
    # a and c (bottom-left, top-right) above 0, mean above 0: the positive corners connect,
    # so the two segments cut off the negative corners b (bottom-right) and d (top-left)
    paths = paint.contour_paths(xs, ys, np.array([[1.0, -0.5], [-0.5, 1.0]]))
    segs = sorted(sorted(map(tuple, np.array(p).reshape(-1, 2).tolist())) for p in paths)
    assert segs == [[(0.0, 0.667), (0.333, 1.0)], [(0.667, 0.0), (1.0, 0.333)]]
    paths = paint.contour_paths(xs, ys, np.array([[0.5, -1.0], [-1.0, 0.5]]))  # mean below: a, c cut off
    segs = sorted(sorted(map(tuple, np.array(p).reshape(-1, 2).tolist())) for p in paths)
    assert segs == [[(0.0, 0.333), (0.333, 0.0)], [(0.667, 1.0), (1.0, 0.667)]]


# --- the boundary scene ---

def _trainer(steps=0, **changes):
    tr = pg.build_trainer(pg.PlaygroundConfig(**changes))
    tr.run(steps)
    return tr


def test_boundary_image_shows_the_models_scores_in_puor():
    tr = _trainer(20)
    scene = pp.boundary_scene(tr)
    image = scene["layers"][0]
    assert image["type"] == "image" and image["smooth"] is True
    im, rgb = _decode(image["src"])
    assert im.size == (100, 100)
    # independent grid: the data's range +- 0.5, 100 points per axis; scores from the Value engine
    X_all = np.vstack([tr.X_train, tr.X_test])
    lo, hi = X_all.min(axis=0) - 0.5, X_all.max(axis=0) + 0.5
    xs, ys = np.linspace(lo[0], hi[0], 100), np.linspace(lo[1], hi[1], 100)
    rng = np.random.default_rng(2)
    r = 1.5  # the hinge loss's colour range
    palette = paint.colour_ramp(pg.PUOR, pp.N_COLOURS)
    for i, j in rng.integers(0, 100, size=(60, 2)):
        score = tr.model([float(xs[j]), float(ys[i])]).data
        k = round((min(max(score, -r), r) + r) / (2 * r) * (pp.N_COLOURS - 1))
        assert rgb[99 - i, j].tolist() == palette[k].tolist()  # row 0 of the picture is the top
    # the picture's extent: half a pixel beyond the first and last grid points
    dx, dy = xs[1] - xs[0], ys[1] - ys[0]
    np.testing.assert_allclose(image["x"], [xs[0] - dx / 2, xs[-1] + dx / 2], atol=1e-4)
    np.testing.assert_allclose(image["y"], [ys[0] - dy / 2, ys[-1] + dy / 2], atol=1e-4)
    np.testing.assert_allclose(scene["x"]["range"], [xs[0], xs[-1]], atol=1e-4)
    assert scene["aspect"] == "equal" and scene["title"] == "Decision boundary at step 20"


def test_boundary_lines_lie_where_the_interpolated_score_is_zero():
    tr = _trainer(30)
    xs, ys, Z = pp.boundary_scores(tr)
    lines = pp.boundary_scene(tr)["layers"][1]
    assert lines["type"] == "lines" and lines["paths"]
    bilinear = interpolate.RegularGridInterpolator((ys, xs), Z, method="linear", bounds_error=False, fill_value=None)
    pts = np.concatenate([np.array(p).reshape(-1, 2) for p in lines["paths"]])
    # rounding the coordinates to 10^-d moves the score by at most |grad Z| * 0.5 * 10^-d * sqrt(2)
    gy, gx = np.gradient(Z, ys, xs)
    tol = 0.75 * 10.0 ** -pp.CONTOUR_DECIMALS * np.hypot(gx, gy).max()
    assert np.max(np.abs(bilinear(pts[:, ::-1]))) < tol
    assert {tuple(v) for v in pts.tolist()} == _crossing_points(xs, ys, Z, pp.CONTOUR_DECIMALS)  # none is missing


def test_points_train_filled_test_hollow_over_a_white_disc():
    tr = _trainer()
    layers = pp.boundary_scene(tr)["layers"][2:]
    assert [(lay.get("tip"), lay["shape"]) for lay in layers] == [
        ("train point, label +1", "circle"), ("train point, label -1", "square"),
        (None, "circle"), ("test point, label +1", "circle"), (None, "square"), ("test point, label -1", "square")]
    train_pos = np.array(layers[0]["xy"]).reshape(-1, 2)
    np.testing.assert_allclose(train_pos, tr.X_train[tr.y_train == 1], atol=5e-4)
    test_neg = np.array(layers[5]["xy"]).reshape(-1, 2)
    np.testing.assert_allclose(test_neg, tr.X_test[tr.y_test == -1], atol=5e-4)
    assert sum(len(lay["xy"]) // 2 for lay in layers if "tip" in lay) == 100
    assert layers[0]["fill"] == pg.PURPLE and layers[1]["fill"] == pg.ORANGE
    disc, ring = layers[2], layers[3]
    assert disc["xy"] == ring["xy"] and disc["size"] > ring["size"]
    assert (disc["fill"], disc["stroke"]) == ("#ffffff", pg.OUTLINE_DARK)
    assert ring["fill"] is None and ring["stroke"] == pg.PURPLE
    hidden = pp.boundary_scene(tr, show_test=False)["layers"][2:]
    assert [lay["tip"] for lay in hidden] == ["train point, label +1", "train point, label -1"]


def test_discretized_boundary_has_two_colours_by_sign():
    tr = _trainer(20)
    scene = pp.boundary_scene(tr, discretize=True)
    _, rgb = _decode(scene["layers"][0]["src"])
    _, _, Z = pp.boundary_scores(tr)
    expect = np.where((Z > 0)[::-1, :, None], [0x99, 0x8e, 0xc3], [0xf1, 0xa3, 0x40])  # CLASS_SCALE's tints
    np.testing.assert_array_equal(rgb, expect)
    assert scene["layers"][0]["smooth"] is False and scene["colorbar"]["label"] == "class"
    assert [t[1] for t in scene["colorbar"]["ticks"]] == ["class +1", "class −1"]


@pytest.mark.parametrize("changes", [{}, {"dataset": "spiral", "n_points": 300, "noise": 0.3,
                                          "hidden": (16, 16, 16, 16)}])
def test_scene_json_is_small(changes):
    tr = _trainer(40 if not changes else 3, **changes)
    scene = pp.boundary_scene(tr)
    size = len(json.dumps(scene))
    assert size <= (30 * 1024 if not changes else 60 * 1024), size
    assert math.isfinite(size)


def test_a_frames_three_scenes_after_1000_steps_stay_under_23_5_kib():
    """The scenes a playing frame sends at the default set-up once its curves are long (1,000 steps):
    the boundary's vertices at 0.01 units, the edges' hover spots at 2 decimals and at most 120 points a
    curve keep the three under 23.5 KiB of compact JSON (26.2 KiB with 3 decimals and 200 points), so a
    whole frame at the websocket stays under 30 KiB with its metrics and Streamlit's own messages."""
    tr = _trainer(1000)
    scenes = [pp.boundary_scene(tr), pp.network_scene(tr),
              pp.curves_scene(tr.history, tr.loss, current=tr.current, diverged=tr.diverged_history)]
    sizes = [len(json.dumps(s, separators=(",", ":"), allow_nan=False).encode()) for s in scenes]
    assert sum(sizes) <= 23 * 1024, sizes  # with the network's neuron maps (22.1 KiB)
    # the frames in between keep the maps the painter has (a 'keep' layer): 20.0 KiB
    lean = len(json.dumps(pp.network_scene(tr, maps=False), separators=(",", ":"), allow_nan=False).encode())
    assert sum(sizes) - sizes[1] + lean <= 20.5 * 1024, (sizes, lean)
    curves = scenes[2]
    assert all(len(p) // 2 <= 120 for lay in curves["layers"] for p in lay["paths"])
    assert curves["layers"][0]["paths"][-1][-2] == tr.step_count  # the newest point is still drawn
