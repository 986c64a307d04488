"""benchmarks/load.py, smoke run: 2 protocol-level sessions for 5 s against `streamlit run app.py`.

Checks the figures are real: both sessions pressed Play, received completed frames and their
Step metric rose (as many steps as frames × steps per frame allow), the server process was
found and metered, and nothing errored. Not a timing test: no speed is asserted. Also checks
the bounds: a non-loopback URL or too many sessions are refused before any connection.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import load_benchmark, streamlit_server

ROOT = Path(__file__).resolve().parents[1]
LOAD = ROOT / "benchmarks" / "load.py"


@pytest.fixture(scope="module")
def server():
    """`streamlit run app.py` on a free loopback port: yields (url, pid)."""
    with streamlit_server("app.py") as (url, proc):
        yield url, proc.pid


@pytest.mark.timeout(150)
def test_two_sessions_play_and_advance(server):
    url, pid = server
    out = subprocess.run([sys.executable, str(LOAD), "--url", url, "--sessions", "2", "--seconds", "5",
                          "--query", "spf=3", "--json"], capture_output=True, text=True, timeout=140)
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout.strip().splitlines()[-1])
    assert len(report["sessions"]) == 2
    for s in report["sessions"]:
        assert s["errors"] == []
        assert s["frames"] >= 1
        assert s["steps"] >= 3  # the Step metric rose by at least one frame of 3 steps
        assert s["steps"] % 3 == 0  # ...in whole frames of spf=3 steps
        assert s["kib_per_frame"] > 10  # a frame carries the decision boundary figure
    assert report["total"]["sessions_advancing"] == 2
    (proc,) = [p for p in report["processes"] if p["pid"] == pid]  # the listener on the port, found
    assert proc["cpu_cores"] > 0 and proc["peak_rss_mib"] > 50
    assert "training steps/s, all sessions" in out.stdout
    # every frame's charts reach the browser: a playing session waits after its frame until the event loop
    # has sent it (app_pages/playground.py, FLUSH_SECONDS); without that wait, one session lost a chart in
    # 5 of 88 and 19 of 66 frames in 8 s (its next run dropped them unsent); with it, 0 of 70 and 0 of 86.
    # One is allowed, for a hiccup of a busy CI machine.
    total = report["total"]
    assert total["frames"] >= 2 and total["missing_chart"] <= 1, total
    # the CPU per frame splits into training (the cost meter's ms per step, read from the frames) and the rest
    assert 0 < total["train_ms_per_frame"] < total["cpu_ms_per_frame"], total
    assert "server CPU per frame" in out.stdout


@pytest.mark.timeout(200)
def test_the_floor_app_serves_frames_that_train_and_draw_nothing_or_the_views():
    """benchmarks/floor_app.py, the playground's live loop drawing nothing, speaks what load.py reads: its
    sessions play, their Step metric rises in whole frames, and a frame is a few hundred bytes where the
    playground's carries the decision boundary (> 10 KiB above); with draw=views it carries the three scenes."""
    def load(query):
        out = subprocess.run([sys.executable, str(LOAD), "--url", url, "--sessions", "2", "--seconds", "4",
                              "--query", query, "--json"], capture_output=True, text=True, timeout=90)
        assert out.returncode == 0, out.stderr
        return json.loads(out.stdout.strip().splitlines()[-1])

    with streamlit_server("benchmarks/floor_app.py") as (url, _proc):
        floor, views = load("spf=4&engine=tensor"), load("spf=4&engine=tensor&draw=views")
    for report in (floor, views):
        for s in report["sessions"]:
            assert s["errors"] == [] and s["frames"] >= 1
            assert s["steps"] >= 4 and s["steps"] % 4 == 0  # whole frames of spf=4 steps
        total = report["total"]
        assert total["sessions_advancing"] == 2
        assert 0 < total["train_ms_per_frame"] < total["cpu_ms_per_frame"], total
    assert all(s["kib_per_frame"] < 4 for s in floor["sessions"])  # two metrics and an empty chart
    assert all(s["kib_per_frame"] > 10 for s in views["sessions"])  # the boundary, network and curve scenes


@pytest.mark.parametrize("args, message", [
    (["--url", "http://192.0.2.1:8501"], "loopback"),
    (["--sessions", "61"], "sessions must be 1..60"),
    (["--seconds", "500"], "seconds 1..120"),
])
def test_bounds_are_refused(args, message):
    out = subprocess.run([sys.executable, str(LOAD), *args], capture_output=True, text=True, timeout=60)
    assert out.returncode == 2 and message in out.stderr


def test_a_frame_with_fewer_charts_than_the_sessions_fullest_is_counted_as_missing_one():
    load = load_benchmark()
    sess = load.Session(0)
    # (time of its last chart, step, bytes so far, charts): the second and the fourth frame lost charts
    sess.frames = [(1.0, 5, 100, 3), (1.1, 10, 200, 1), (1.2, 15, 300, 3), (1.3, 20, 400, 2), (1.4, 25, 500, 3)]
    sess.steps = [(t, step) for t, step, _, _ in sess.frames]
    figs = load.session_figures(sess, 1.05, 1.45)  # the window holds the last four frames
    assert figs["frames"] == 4 and figs["missing_chart"] == 2
