"""Benchmark of the live playground: training speed and the server time of one frame.

Run from the repository root:  python benchmarks/playground.py [--steps 60] [--frames 15] [--largest]

Prints, at the default configuration (moons 100 points, 2 hidden layers of 8, tanh, hinge,
full batch, scalar engine):

- steps per second of `Trainer.step` (graph build + backward + SGD + curve evaluation);
- one frame's server time: `steps_per_frame` steps plus the redraw (100 x 100 grid predict,
  the three scenes of `micrograd.lessons.playground_paint`, and the compact JSON
  `app_pages/live_chart.scene_chart` sends of each), and the scenes' size on the wire.
  The page's one fragment redraws all three every frame, so every view shows the same step;
- the same page frame through AppTest (the whole page script, widgets included: an upper
  bound on a fragment rerun, which skips the sidebar).

Each is measured three ways: in a bare process (only micrograd and numpy), after
importing streamlit and pandas (as inside `streamlit run`, where far more Python objects are
alive and a full garbage collection costs more), and after running the app once: app.py then
calls `gc.freeze()` once per process, which moves the objects alive at that point out of the
collector's sight, and collects the youngest generation every 50,000 allocations instead of
700. The page run (AppTest) is timed only in the last case.
Medians of several repetitions; time spent in the garbage collector is reported too.
Targets: >= 20 steps/s, one frame <= 150 ms.

``--largest`` adds a section for the largest set-up the page offers (6 hidden layers of 8, all 7 input
features), scalar and tensor engines: per-scene times and sizes, the network diagram with its neuron maps
(sent every `app_pages.playground_network.MAPS_EVERY` frames while playing) and without them (the other frames).
"""

import argparse
import gc
import json
import statistics
import sys
import time
from pathlib import Path

from micrograd.features import FEATURES
from micrograd.lessons import playground as pg
from micrograd.lessons import playground_paint as paint
from micrograd.lessons import playground_url as pgurl

ROOT = Path(__file__).resolve().parents[1]


class GCTimer:
    """Sums the time Python's garbage collector runs, via gc.callbacks."""

    def __init__(self):
        self.total, self.count, self._t0 = 0.0, 0, 0.0

    def __call__(self, phase, info):
        if phase == "start":
            self._t0 = time.perf_counter()
        else:
            self.total += time.perf_counter() - self._t0
            self.count += 1


def measure_steps(steps):
    """Median ms per training step at the default configuration (after 5 warm-up steps)."""
    tr = pg.build_trainer(pg.PlaygroundConfig())
    tr.run(5)
    times = []
    for _ in range(steps):
        t0 = time.perf_counter()
        tr.step()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000, min(times) * 1000, tr.nodes_per_step


def _as_streamlit_would(scene):
    # scene_chart: the scene as compact JSON bytes (what goes in the element, besides a 0.4 KB stub)
    return len(json.dumps(scene, separators=(",", ":"), allow_nan=False).encode())


def measure_frames(frames, cfg=None):
    """Median ms of one frame: steps_per_frame steps + every figure of the page, ready to send (the network with
    its neuron maps), at `cfg` (default: the page's default set-up)."""
    cfg = cfg or pg.PlaygroundConfig()
    tr = pg.build_trainer(cfg)
    tr.run(5)
    times, parts = [], {"steps": [], "boundary": [], "network": [], "curves": []}
    size = 0
    for _ in range(frames):
        t0 = time.perf_counter()
        tr.run(cfg.steps_per_frame)
        t1 = time.perf_counter()
        size = _as_streamlit_would(paint.boundary_scene(tr, cfg.discretize, cfg.show_test))
        t2 = time.perf_counter()
        size += _as_streamlit_would(paint.network_scene(tr, cfg.edge_view))
        t3 = time.perf_counter()
        size += _as_streamlit_would(paint.curves_scene(tr.history, tr.loss, current=tr.current,
                                                       diverged=tr.diverged_history))
        pg.cost_meter(tr)
        t4 = time.perf_counter()
        times.append(t4 - t0)
        for k, (a, b) in zip(parts, [(t0, t1), (t1, t2), (t2, t3), (t3, t4)], strict=True):
            parts[k].append(b - a)
    medians = {k: statistics.median(v) * 1000 for k, v in parts.items()}
    return statistics.median(times) * 1000, max(times) * 1000, medians, size


def measure_apptest(frames):
    """Median ms of a full page run while playing (AppTest), i.e. one frame plus the whole page script."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.switch_page("app_pages/playground.py").run()
    at.button(key="play").click().run()
    times = []
    for _ in range(frames):
        t0 = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - t0)
    assert not at.exception
    return statistics.median(times) * 1000, min(times) * 1000


def report(title, steps, frames, with_apptest):
    timer = GCTimer()
    gc.callbacks.append(timer)
    ms, ms_min, nodes = measure_steps(steps)
    frame_ms, frame_max, parts, size = measure_frames(frames)
    app = measure_apptest(frames) if with_apptest else None
    gc.callbacks.remove(timer)
    print(f"\n== {title} (gc tracks {len(gc.get_objects()):,} objects)")
    print(f"training step      {ms:7.1f} ms median, {ms_min:5.1f} min  -> {1000 / ms:6.1f} steps/s "
          f"({nodes:,} Value nodes per step)")
    print(f"one frame          {frame_ms:7.1f} ms median, {frame_max:5.1f} max  ("
          + ", ".join(f"{k} {v:.1f}" for k, v in parts.items()) + f"; {size / 1024:.0f} KiB of scene JSON)")
    if app is not None:
        print(f"full page run      {app[0]:7.1f} ms median, {app[1]:5.1f} min  (AppTest, whole script, playing)")
    print(f"garbage collector  {timer.total * 1000:7.1f} ms in {timer.count} collections during the above")


LARGEST = pg.PlaygroundConfig(hidden=(8,) * 6, features=tuple(FEATURES))


def report_largest(frames):
    """Per-scene server time and size at the largest set-up, both engines; the network with and without maps."""
    for engine in ("scalar", "tensor"):
        cfg = LARGEST.replace(engine=engine)
        frame_ms, frame_max, parts, size = measure_frames(frames, cfg)
        tr = pg.build_trainer(cfg)
        tr.run(20)
        lean, t = [], []
        for _ in range(frames):
            t0 = time.perf_counter()
            lean.append(_as_streamlit_would(paint.network_scene(tr, cfg.edge_view, maps=False)))
            t.append(time.perf_counter() - t0)
        full = _as_streamlit_would(paint.network_scene(tr, cfg.edge_view))
        print(f"\n== largest set-up, {engine} engine: {pgurl.encode_query(cfg)}")
        print(f"one frame          {frame_ms:7.1f} ms median, {frame_max:5.1f} max  ("
              + ", ".join(f"{k} {v:.1f}" for k, v in parts.items()) + f"; {size / 1024:.1f} KiB of scene JSON)")
        print(f"network scene      {full / 1024:7.1f} KiB with the neuron maps, {lean[-1] / 1024:.1f} KiB without "
              f"({statistics.median(t) * 1000:.1f} ms)")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=100, help="training steps to time (default 100)")
    parser.add_argument("--frames", type=int, default=30, help="frames to time (default 30)")
    parser.add_argument("--largest", action="store_true",
                        help="also time the largest set-up (6 hidden layers of 8, all 7 features)")
    args = parser.parse_args(argv)
    print(f"Python {sys.version.split()[0]}; default config: {pgurl.encode_query(pg.PlaygroundConfig())}")
    report("bare process: micrograd + numpy", args.steps, args.frames, with_apptest=False)
    import pandas  # noqa: F401
    import streamlit  # noqa: F401

    report("with streamlit and pandas loaded (as inside `streamlit run`), no freeze", args.steps, args.frames,
           with_apptest=False)
    # running the app once runs app.py, which freezes the start-up objects (gc.freeze) and raises the
    # collector's threshold once per process: run it before this phase times its steps
    measure_apptest(1)
    report("after the app ran once (app.py has called gc.freeze())", args.steps, args.frames, with_apptest=True)
    if args.largest:
        report_largest(args.frames)
    print("\ntargets: >= 20 steps/s, one frame <= 150 ms")


if __name__ == "__main__":
    main()
