"""AppTest for the playground's "Your own data" (app_pages/playground_user_data.py): upload, click edits, download.

A click on the boundary chart is what the browser sends for it: the component's trigger widget
(`_make_trigger_id(element id, "events")`) holding ``[{"event": "click", "value": {...}}]``, the
payload `app_pages/live_chart.js` sends (AppTest has no API for a custom component's events).
"""

import json

import numpy as np
import pytest
from conftest import open_page
from streamlit.components.v2.bidi_component.main import _make_trigger_id
from streamlit.runtime.media_file_manager import MediaFileManager
from test_page_playground import _step, _url

from micrograd.lessons import playground_url as pgurl
from micrograd.lessons import user_data as ud
from micrograd.text import md_escape


def _open(query=None):
    return open_page("app_pages/playground.py", query, timeout=30)


def _boundary(at):
    return next(e for e in at.get("bidi_component") if e.key == "pg_boundary_chart")


def _drawn(at):
    """The data points the boundary draws, sorted: (x1, x2, hover tip), e.g. (0.5, 1.0, 'train point, label +1')."""
    scene = json.loads(_boundary(at).proto.bytes)
    return sorted((lay["xy"][i], lay["xy"][i + 1], lay["tip"]) for lay in scene["layers"]
                  if lay.get("type") == "points" and lay.get("tip", "").startswith(("train point", "test point"))
                  for i in range(0, len(lay["xy"]), 2))


def _points(at):
    """The data points drawn, sorted: (x1, x2, the last word of the tip: the label '+1' or '-1' of a binary run)."""
    return sorted((x, y, tip.rsplit(" ", 1)[1]) for x, y, tip in _drawn(at))


def _captions(at):
    return [c.value for c in at.caption]


def _click(at, x, y):
    """Click the boundary plot at data coordinates (x, y), as the browser's canvas does."""
    ws = at._tree.get_widget_states()
    w = ws.widgets.add()
    w.id = _make_trigger_id(_boundary(at).proto.id, "events")
    w.json_trigger_value = json.dumps([{"event": "click", "value": {"x": x, "y": y, "layer": None, "index": None}}])
    at._run(ws)
    assert not at.exception
    return at


def _upload(at, content, name="points.csv"):
    at.file_uploader(key="pg_upload").set_value((name, content, "text/csv")).run()
    assert not at.exception
    return at


GOOD = b"x1,x2,label\n0,0,1\n1,0.5,0\n2,2,1\n3,3,0\n0,1,1\n-1,-1,0\n"


def test_uploaded_csv_trains_a_fresh_model_on_exactly_its_points_and_keeps_the_settings():
    at = _open()
    at.select_slider(key="pg_lr").set_value(0.1).run()
    at.button(key="step").click().run()
    assert _step(at) == 1 and len(_points(at)) == 100
    _upload(at, GOOD)
    assert not at.error
    assert _points(at) == sorted([(0, 0, "+1"), (1, 0.5, "-1"), (2, 2, "+1"), (3, 3, "-1"), (0, 1, "+1"),
                                  (-1, -1, "-1")])  # 0/1 labels: 0 is class -1
    assert _step(at) == 0  # a fresh model
    assert at.select_slider(key="pg_lr").value == 0.1 and at.selectbox(key="pg_dataset").value == "moons"
    assert any(c.startswith("Training on your own 6 points (started from moons). A link cannot carry them")
               for c in _captions(at))
    assert any("6 points from points\\.csv loaded: a fresh model trains on them." in i.value for i in at.info)
    assert _url(at)[pgurl.OWN_DATA_PARAM] == "1"
    # the classroom-link box says the link does not carry them, and its link says own=1
    assert any(c.startswith("Your own points are not in the link") for c in _captions(at))
    assert f"&{pgurl.OWN_DATA_PARAM}=1" in next(c.value for c in at.code if c.value.startswith("playground?"))


BAD = [
    (b"x1,x2\n0,0\n1,1\n2,2\n3,3\n", "line 1: the header must be x1,x2,label"),
    (b"0,0,1,5\n1,1,-1,5\n", "line 1 has 4 columns: each line needs 3, x1,x2,label"),
    (b"0,0,1\n1,1,-1\n2,two,1\n3,3,-1\n", "line 3, column 2 (x2): 'two' is not a number"),
    (b"0,0,1\n1,1,1\n2,2,1\n3,3,1\n", "all 4 points are of class +1: a classifier needs points of every class"),
    (b"".join(b"%d,0,%d\n" % (i % 10, i % 2) for i in range(400)), "more than 300 points"),
    (b"0,0,1\n" * 20_000, "the file has 120,000 bytes: upload at most 100 KB"),
    (b"0,0,1\n1,1,-1\n2,nan,1\n3,3,-1\n", "line 3, column 2 (x2): 'nan' is not a finite number"),
]


def test_each_bad_upload_shows_one_error_and_changes_nothing():
    at = _open()
    at.button(key="step").click().run()
    at.button(key="step").click().run()
    before, url = _points(at), _url(at)
    for content, message in BAD:
        _upload(at, content, name="bad.csv")
        assert len(at.error) == 1, (message, [e.value for e in at.error])
        assert at.error[0].value.startswith(md_escape(f"bad.csv: {message}")), at.error[0].value
        assert at.error[0].value.endswith("Nothing else changed: fix the file and upload it again.")
        assert _points(at) == before and _step(at) == 2 and _url(at) == url  # same data, same model
        assert not any(c.startswith("Training on your own") for c in _captions(at))
    # untrusted text (the file's name, a cell) shows as the characters it is made of, cut short
    _upload(at, b"0,0,1\n1,**b** [x](http://e.example)" + b"y" * 300 + b",-1\n",
            name="[a](http://e.example) :red[b].csv")
    assert at.error[0].value.startswith(md_escape("[a](http://e.example) :red[b].csv: line 2, column 2 (x2): "
                                                  "'**b** [x](http://e.example)yyy"))
    assert len(at.error[0].value) < 300 and _points(at) == before
    _upload(at, GOOD)  # a good file after bad ones: loaded, and the error is gone
    assert not at.error and len(_points(at)) == 6


def test_click_adds_a_point_of_the_chosen_class_and_removes_the_nearest():
    at = _open()
    at.segmented_control(key="pg_click_mode").set_value("add").run()
    assert at.segmented_control(key="pg_add_label").value == 1  # class +1 first
    before = _points(at)
    _click(at, 0.5, 0.25)
    assert len(_points(at)) == 101 and sorted(before + [(0.5, 0.25, "+1")]) == _points(at)
    assert any(c.startswith("Training on your own 101 points (started from moons)") for c in _captions(at))
    at.segmented_control(key="pg_add_label").set_value(-1).run()
    _click(at, -1.125, 1.5)
    assert (-1.125, 1.5, "-1") in _points(at) and len(_points(at)) == 102
    at.segmented_control(key="pg_click_mode").set_value("remove").run()
    _click(at, -1.1, 1.45)  # within PICK_RADIUS of (-1.125, 1.5), which is the nearest
    assert (-1.125, 1.5, "-1") not in _points(at) and len(_points(at)) == 101
    _click(at, 8.0, 8.0)  # no point near: nothing changes, and the page says why
    assert len(_points(at)) == 101
    # back to the generated data: the dataset's 100 points again
    at.button(key="pg_user_back").click().run()
    assert _points(at) == before and pgurl.OWN_DATA_PARAM not in _url(at)


def test_click_adds_a_point_of_a_third_class_and_a_regression_target(downloads):
    at = _open({"data": "blobs3"})
    at.segmented_control(key="pg_click_mode").set_value("add").run()
    assert at.segmented_control(key="pg_add_label").options == ["0 (blue)", "1 (orange)", "2 (green)"]
    at.segmented_control(key="pg_add_label").set_value(2).run()
    _click(at, 0.5, 0.5)
    assert len(_drawn(at)) == 101 and [t for x, y, t in _drawn(at) if (x, y) == (0.5, 0.5)][0].endswith("(green)")
    _upload(at, b"0,0,0\n1,1,1\n2,2,1\n3,3,0\n", name="two.csv")  # a 3-class page needs all three classes
    assert at.error[0].value.startswith(md_escape("two.csv: no point of class 2: a classifier needs points of "
                                                  "every class (0, 1, 2)")) and len(_drawn(at)) == 101
    at = _open({"problem": "regression"})
    at.segmented_control(key="pg_click_mode").set_value("add").run()
    at.number_input(key="pg_add_target").set_value(0.75).run()
    _click(at, 0.5, 0.5)
    assert len(_drawn(at)) == 101 and downloads["points.csv"]().splitlines()[-1] == "0.5,0.5,0.75"
    X, y = ud.parse_csv(b"x1,x2,label\n0,0,0.5\n1,1,-0.5\n2,2,1\n3,3,0\n", "regression")
    _upload(at, ud.to_csv(X, y, "regression").encode())
    assert not at.error and [(x, y) for x, y, _ in _drawn(at)] == [(0, 0), (1, 1), (2, 2), (3, 3)]


def test_own_points_stay_for_a_new_test_share_and_go_for_new_generated_data():
    at = _open()
    _upload(at, GOOD)
    at.slider(key="pg_test_fraction").set_value(0.0).run()
    assert len(_points(at)) == 6 and all(p[2] in ("+1", "-1") for p in _points(at))
    at.slider(key="pg_noise").set_value(0.2).run()
    assert len(_points(at)) == 100 and not any(c.startswith("Training on your own") for c in _captions(at))


@pytest.fixture
def downloads(monkeypatch):
    """{file name: the callable a download button was given}, as the browser's click would run it."""
    made = {}
    original = MediaFileManager.add_deferred

    def record(self, data_callable, mimetype, coordinates, file_name=None, **kw):
        made[file_name] = data_callable
        return original(self, data_callable, mimetype, coordinates, file_name, **kw)

    monkeypatch.setattr(MediaFileManager, "add_deferred", record)
    return made


def test_download_gives_the_current_points_as_a_csv_that_uploads_back(downloads):
    at = _open()
    X, y = ud.parse_csv(downloads["points.csv"]().encode(), "binary")
    assert len(y) == 100 and sorted(zip(np.round(X, 3).ravel()[::2].tolist(), np.round(X, 3).ravel()[1::2].tolist(),
                                        [f"{v:+d}" for v in y.tolist()])) == _points(at)
    _upload(at, GOOD)
    at.segmented_control(key="pg_click_mode").set_value("add").run()
    _click(at, 0.75, -0.5)
    text = downloads["points.csv"]()
    assert text == "x1,x2,label\n0.0,0.0,1\n1.0,0.5,-1\n2.0,2.0,1\n3.0,3.0,-1\n0.0,1.0,1\n-1.0,-1.0,-1\n0.75,-0.5,1\n"
    _upload(at, text.encode(), name="again.csv")
    assert len(_points(at)) == 7 and (0.75, -0.5, "+1") in _points(at)


def test_a_link_with_own_points_opens_the_dataset_with_a_notice():
    at = _open({"data": "circles", pgurl.OWN_DATA_PARAM: "1"})
    assert at.selectbox(key="pg_dataset").value == "circles" and len(_points(at)) == 100
    assert any(md_escape(pgurl.OWN_DATA_NOTICE) in w.value for w in at.warning)
