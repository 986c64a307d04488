"""Tests for the playground's "Your own data" (micrograd/lessons/user_data.py): CSV upload, download, click edits."""

import numpy as np
import pytest

from micrograd.data import make_dataset
from micrograd.lessons import playground as pg
from micrograd.lessons import playground_click as clicks
from micrograd.lessons import playground_url as pgurl
from micrograd.lessons import user_data as ud

GOOD = "x1,x2,label\n0.5,-1.25,1\n-2,3e-1,-1\n1.5,0,1\n0,0.75,-1\n"
GOOD_X = [[0.5, -1.25], [-2.0, 0.3], [1.5, 0.0], [0.0, 0.75]]


def test_good_csv_with_and_without_header_gives_exactly_the_points():
    for text in (GOOD, GOOD.split("\n", 1)[1], "\ufeff" + GOOD.replace("\n", "\r\n"), " X1 , x2 ,Label\n\n"
                 + GOOD.split("\n", 1)[1] + "\n\n"):
        X, y = ud.parse_csv(text.encode("utf-8"), "binary")
        assert X.dtype == np.float64 and X.tolist() == GOOD_X
        assert y.dtype == np.int64 and y.tolist() == [1, -1, 1, -1]


def test_zero_one_labels_become_minus_one_plus_one():
    X, y = ud.parse_csv(b"0,0,0\n1,1,1\n2,2,1\n3,3,0\n", "binary")
    assert y.tolist() == [-1, 1, 1, -1] and X[:, 0].tolist() == [0, 1, 2, 3]


def test_multiclass_and_regression_labels():
    X, y = ud.parse_csv(b"0,0,2\n1,1,0\n2,2,1\n3,3,0\n", "multiclass")
    assert y.tolist() == [2, 0, 1, 0] and y.dtype == np.int64
    X, y = ud.parse_csv(b"0,0,-0.25\n1,1,0.5\n2,2,1\n3,3,7.5\n", "regression")
    assert y.tolist() == [-0.25, 0.5, 1.0, 7.5] and y.dtype == np.float64
    with pytest.raises(ValueError, match="no point of class 2"):
        ud.parse_csv(b"0,0,0\n1,1,0\n2,2,1\n3,3,1\n", "multiclass")
    with pytest.raises(ValueError, match="label 3 is not a class here: the labels must be 0 or 1 or 2"):
        ud.parse_csv(b"0,0,0\n1,1,3\n2,2,1\n3,3,2\n", "multiclass")


def _rows(n, label=lambda i: 1 if i % 2 else -1):
    return "".join(f"{i / n},{-i / n},{label(i)}\n" for i in range(n)).encode()


@pytest.mark.parametrize("data, message", [
    (b"x1,x2\n0,0\n1,1\n", "line 1: the header must be x1,x2,label (or leave it out), found 'x1','x2'"),
    (b"0,0,1\n1,1,-1\n2,2\n3,3,1\n", "line 3 has 2 columns: each line needs 3, x1,x2,label"),
    (b"0,0,1,9\n1,1,-1,9\n", "line 1 has 4 columns: each line needs 3, x1,x2,label"),
    (b"x1,x2,label\n0,0,1\n1,abc,-1\n2,2,1\n", "line 3, column 2 (x2): 'abc' is not a number"),
    (b"0,0,1\n1,1,-1\nnan,2,1\n3,3,-1\n", "line 3, column 1 (x1): 'nan' is not a finite number"),
    (b"0,0,1\n1,1,-1\n2,2,inf\n3,3,-1\n", "line 3, column 3 (label): 'inf' is not a finite number"),
    (b"0,0,1\n1,1,1\n2,2,1\n3,3,1\n", "all 4 points are of class +1: a classifier needs points of every class"),
    (b"0,0,0\n1,1,0\n2,2,0\n3,3,0\n", "all 4 points are of class -1"),  # 0/1 labels: 0 is class -1
    (_rows(301), "more than 300 points: the playground trains on at most 300"),
    (b"0,0,1\n" * 40_000, "the file has 240,000 bytes: upload at most 100 KB"),
    (b"0,0,1\n1,1,2\n2,2,1\n3,3,-1\n", "label 2 does not fit two classes: use -1 and +1 (or 0 and 1)"),
    (b"0,0,1\n1,1,0.5\n2,2,1\n3,3,-1\n", "label 0.5 is not a whole number"),
    (b"0,0,1\n1,11,-1\n2,2,1\n3,3,-1\n", "coordinates must be between -10 and 10"),
    (b"0,0,1\n1,1,-1\n", "only 2 points: the playground needs at least 4"),
    (b"\n\n", "the file has no points"),
    (b"\xff\xfe0,0,1", "the file is not UTF-8 text"),
])
def test_each_bad_file_gets_its_message(data, message):
    with pytest.raises(ValueError) as err:
        ud.parse_csv(data, "binary")
    assert message in str(err.value)


def test_too_many_rows_stops_reading_at_the_first_row_beyond():
    # a bad value after row 301 is never read: the row count is the complaint
    data = _rows(301) + b"oops,oops,oops\n"
    with pytest.raises(ValueError, match="more than 300 points"):
        ud.parse_csv(data, "binary")
    assert len(ud.parse_csv(_rows(300), "binary")[1]) == 300


def test_untrusted_text_in_a_message_is_quoted_short():
    evil = "[click](http://x.example) " + "a" * 500
    with pytest.raises(ValueError) as err:
        ud.parse_csv(f"0,{evil},1\n1,1,-1\n2,2,1\n3,3,-1\n".encode(), "binary")
    msg = str(err.value)
    assert len(msg) < 120 and msg.startswith("line 1, column 2 (x2): '[click](http://x.example) aaa") and "…'" in msg


@pytest.mark.parametrize("name", ["moons", "blobs3", "gauss"])
def test_to_csv_round_trips_every_task(name):
    X, y = make_dataset(name, 60, 0.2, seed=3)
    task = pg.PlaygroundConfig(dataset=name).task
    text = ud.to_csv(X, y, task)
    assert text.splitlines()[0] == "x1,x2,label" and len(text.splitlines()) == 61
    X2, y2 = ud.parse_csv(text.encode(), task)
    assert np.array_equal(X2, X) and np.array_equal(y2, y) and y2.dtype == y.dtype  # bit for bit


def test_add_point_and_remove_nearest():
    X, y = ud.parse_csv(GOOD.encode(), "binary")
    X2, y2 = ud.add_point(X, y, (0.25, -0.5), -1, "binary")
    assert X2.tolist() == GOOD_X + [[0.25, -0.5]] and y2.tolist() == [1, -1, 1, -1, -1]
    with pytest.raises(ValueError, match="class '2' is not one of \\+1, -1"):
        ud.add_point(X, y, (0, 0), 2, "binary")
    with pytest.raises(ValueError, match="coordinates must be between -10 and 10"):
        ud.add_point(X, y, (12, 0), 1, "binary")
    full = np.zeros((300, 2)), np.where(np.arange(300) % 2, 1, -1)
    with pytest.raises(ValueError, match="already 300 points"):
        ud.add_point(*full, (0, 0), 1, "binary")
    # the nearest point within the radius goes; none within it: nothing changes
    X3, y3, i = ud.remove_nearest(X2, y2, (1.4, 0.1), 0.2, "binary")
    assert i == 2 and X3.tolist() == [GOOD_X[0], GOOD_X[1], GOOD_X[3], [0.25, -0.5]] and y3.tolist() == [1, -1, -1, -1]
    assert ud.remove_nearest(X2, y2, (5, 5), 0.2, "binary")[2] is None
    with pytest.raises(ValueError, match="last point of class \\+1"):
        ud.remove_nearest(X3, y3, (0.5, -1.25), 0.2, "binary")
    with pytest.raises(ValueError, match="only 3 points"):
        ud.remove_nearest(X, y, (0.0, 0.75), 0.2, "binary")
    Xr, yr = ud.add_point(*ud.parse_csv(b"0,0,1\n1,1,2\n2,2,3\n3,3,4\n", "regression"), (0.5, 0.5), 0.25,
                          "regression")
    assert yr.tolist() == [1, 2, 3, 4, 0.25]
    assert ud.label_choices("binary") == (1, -1) and ud.label_choices("multiclass") == (0, 1, 2)
    assert ud.label_choices("regression") is None


def test_build_trainer_trains_on_the_given_points():
    X, y = make_dataset("circles", 40, 0.1, seed=5)
    tr = pg.build_trainer(pg.PlaygroundConfig(dataset="moons", test_fraction=0.25), data=(X, y))
    both = np.vstack([tr.X_train, tr.X_test])
    assert len(both) == 40 and sorted(map(tuple, both.tolist())) == sorted(map(tuple, X.tolist()))


def test_click_modes_add_and_remove_return_the_edit():
    assert {"add", "remove"} <= set(clicks.CLICK_MODES)
    assert clicks.click_action("add", {"x": 0.5, "y": -1.0, "layer": None, "index": None}, None) == {
        "point": None, "notice": "", "edit": "add", "at": (0.5, -1.0)}
    assert clicks.click_action("remove", {"x": 1, "y": 2}, None)["at"] == (1.0, 2.0)
    assert clicks.click_action("add", {"x": None, "y": 2}, None)["notice"].startswith("That click was not on")


def test_a_link_with_own_data_falls_back_with_a_notice():
    cfg, notices = pgurl.decode_query({"data": "circles", pgurl.OWN_DATA_PARAM: "1"})
    assert cfg.dataset == "circles" and notices == [pgurl.OWN_DATA_NOTICE]
