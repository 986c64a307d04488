"""Load generator for the playground: N browser-like sessions speaking Streamlit's own protocol.

Run from the repository root, against a running server (loopback only):

    streamlit run app.py --server.port 8501 &
    python benchmarks/load.py --url http://127.0.0.1:8501 --sessions 30 --seconds 30
    python benchmarks/load.py --query engine=tensor          # any playground URL set-up
    deploy/local.sh 8600 2 &                                   # through the balancer:
    python benchmarks/load.py --url http://127.0.0.1:8600 --pid $!

Each session does what a browser tab does, minus the drawing:

1. `GET /playground?QUERY` (through a balancer this is where the sticky cookie is set; every
   later request of the session sends back the cookies it received);
2. opens the websocket `/_stcore/stream` and sends a `BackMsg.rerun_script` for the page with
   the query string, as the frontend does on load;
3. reads the `ForwardMsg`s: the page's deltas (the Play button's widget id, the "Step" metric),
   `navigation` (the page's script hash), `page_info_changed` (the page rewrites the URL),
   `auto_rerun` (a fragment's `run_every` timer);
4. when the first run has finished, presses Play: a rerun whose widget states hold the Play
   button's id with `trigger_value = true`;
5. for every `auto_rerun` it starts a fixed-interval timer, as the frontend's `setInterval`
   does, that sends a rerun with that `fragment_id` and `is_auto_rerun = true`; a full-app run
   (a `new_session` whose run names no fragment) cancels the timers, as the frontend does.
   Reruns carry no widget values: the server keeps the last ones, which are unchanged.
   Checked against Streamlit 1.67's frontend (`App.handleAutoRerun`: a `setInterval` that sends
   the fragment's rerun every interval, without waiting for the previous run to finish) and its
   server (`ScriptRequests`: timer reruns of one fragment that arrive while it runs are folded
   into one pending rerun, which does not interrupt the running one): a slow server is sent more
   ticks than it runs, by the browser as by this script.

A *frame* is a run that redraws the "Step" metric and then a chart (the fast fragment: metrics,
then the decision boundary); a run that redraws the metric but ends before the chart is
counted as *cut short* (its training steps still count). A frame that brings fewer charts
than the session's fullest frame is counted as *missing a chart*: Streamlit drops a run's
messages that its event loop has not sent yet when the session's next run starts
(`ForwardMsgQueue.clear` on SCRIPT_STARTED), so the browser keeps an older picture there.
The measurement window opens once every session plays (Play pressed and a Step metric after
it; at most 60 s after the start, a figure of its own) and lasts `--seconds`. Per session it
reports frames/s, training steps/s (from the Step metric), frame interval p50/p95/max, KiB
received per frame (all messages, protobuf bytes before websocket compression) and errors
(script exceptions, compile errors, a refused or closed connection; a slow server is no error:
its sessions show long frame intervals). For the server it reports CPU (in cores) and RSS of
the metered processes: `--pid` (each with its descendants), by default the process listening
on the URL's port, and that CPU per frame: in all, of which training (each session's steps at
its cost meter's "ms per step", the step's own CPU time as the Trainer measures it, a moving
average, so an estimate), and the
rest, beyond training (Streamlit's run, the drawing, the sending).

Bounded: at most 60 sessions, at most 120 seconds, loopback URLs only. Prints figures; not a
test (tests/test_load.py runs a 2-session smoke run).
"""

import argparse
import asyncio
import http.client
import ipaddress
import json
import os
import resource
import statistics
import sys
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import connect

MAX_SESSIONS = 60
MAX_SECONDS = 120
#: element types that draw a chart (the decision boundary: st.plotly_chart or a custom component)
CHART_TYPES = {"plotly_chart", "bidi_component", "component_instance", "vega_lite_chart", "graphviz_chart",
               "imgs", "echarts_chart", "deck_gl_json_chart"}
STARTUP_SECONDS = 60  # every session should be playing by then; the window opens anyway
CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


@dataclass
class Session:
    """One emulated browser tab and what it saw.

    `frames` holds one (time, step, bytes received so far, charts) per completed frame: a run
    that redrew the Step metric and then a chart (CHART_TYPES: the decision boundary), timed at
    its last chart, with the number of charts it brought (0 for a whole-page run, whose other
    charts do not compare); `steps` one (time, step) per Step metric received (training happened even when
    the run was cut short); `cut` the end times of runs that redrew the Step metric but ended
    before any chart (under load Streamlit ends such runs with FINISHED_EARLY_FOR_RERUN).
    """

    index: int
    worker: str = ""  # the balancer's X-Worker header on the page GET, if any
    ws_worker: str = ""  # the same header on the websocket upgrade response
    frames: list = field(default_factory=list)
    steps: list = field(default_factory=list)
    cut: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    ms_per_step: list = field(default_factory=list)  # (time, the cost meter's "ms per step") per frame
    played_at: float | None = None
    bytes: int = 0
    play_id: str = ""
    page_hash: str = ""
    query: str = ""
    timers: dict = field(default_factory=dict)


def _is_loopback(host):
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def http_get(url, cookies, timeout=10.0):
    """GET `url` (no proxy) sending `cookies` (dict); returns (status, headers, body) and
    merges the response's Set-Cookie values into `cookies`."""
    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=timeout)
    try:
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())} if cookies else {}
        conn.request("GET", path, headers=headers)
        resp = conn.getresponse()
        body = resp.read()
        for raw in resp.headers.get_all("Set-Cookie") or []:
            name, _, rest = raw.partition("=")
            cookies[name.strip()] = rest.split(";", 1)[0].strip()
        return resp.status, resp.headers, body
    finally:
        conn.close()


def rerun_msg(query, page_hash="", page_name="", fragment_id="", trigger_id="", auto=False):
    """A serialized `BackMsg.rerun_script` as the frontend sends it (no widget values but an
    optional button trigger)."""
    msg = BackMsg()
    rs = msg.rerun_script
    rs.query_string = query
    rs.page_script_hash = page_hash
    rs.page_name = page_name
    if fragment_id:
        rs.fragment_id = fragment_id
    rs.is_auto_rerun = auto
    rs.widget_states.SetInParent()
    if trigger_id:
        w = rs.widget_states.widgets.add()
        w.id = trigger_id
        w.trigger_value = True
    return msg.SerializeToString()


async def _timer(ws, sess, interval, fragment_id, stop_at):
    """The frontend's setInterval for a run_every fragment: a fragment rerun every `interval` s."""
    nxt = time.monotonic() + interval
    while nxt < stop_at:
        await asyncio.sleep(max(0.0, nxt - time.monotonic()))
        nxt += interval
        try:
            await ws.send(rerun_msg(sess.query, sess.page_hash, fragment_id=fragment_id, auto=True))
        except Exception:  # the connection is gone: the session's receive loop reports it
            return


def _cancel_timers(sess):
    for task, _ in sess.timers.values():
        task.cancel()
    sess.timers.clear()


async def run_session(sess, base, page, query, stop_at, cookies=None):
    """Drive one session until monotonic time `stop_at`; fills `sess` (never raises).

    `cookies` (a dict, updated in place) lets a caller reuse or inspect the session's cookies.
    """
    cookies = {} if cookies is None else cookies
    sess.query = query
    try:
        status, headers, _ = await asyncio.to_thread(
            http_get, f"{base}/{page}" + (f"?{query}" if query else ""), cookies)
        sess.worker = headers.get("X-Worker", "")
        if status != 200:
            sess.errors.append(f"GET /{page}: HTTP {status}")
            return
        ws_url = "ws" + base[4:] + "/_stcore/stream"
        cookie_header = "; ".join(f"{k}={v}" for k, v in cookies.items())
        async with connect(ws_url, subprotocols=["streamlit"], max_size=None, proxy=None, open_timeout=30,
                           additional_headers={"Cookie": cookie_header} if cookie_header else None) as ws:
            sess.ws_worker = ws.response.headers.get("X-Worker", "")
            await ws.send(rerun_msg(query, page_name=page))
            finished_first_run = False
            drew_step, drew_chart, charts = False, None, 0  # this run redrew the Step metric / then a chart (when)
            fragment_run = False  # this run is a fragment's (a timer's), not the whole page's
            while True:
                left = stop_at - time.monotonic()
                if left <= 0:
                    return
                try:  # a silent server is slow, not an error: the frame intervals show it
                    data = await asyncio.wait_for(ws.recv(), timeout=min(left, 5.0))
                except TimeoutError:
                    continue
                now = time.monotonic()
                sess.bytes += len(data)
                fmsg = ForwardMsg()
                fmsg.ParseFromString(data)
                kind = fmsg.WhichOneof("type")
                if kind == "delta" and fmsg.delta.WhichOneof("type") == "new_element":
                    el = fmsg.delta.new_element
                    etype = el.WhichOneof("type")
                    if etype == "button" and el.button.id.endswith("-play"):
                        sess.play_id = el.button.id
                    elif etype == "metric" and el.metric.label == "Step":
                        sess.steps.append((now, int(el.metric.body.replace(",", ""))))
                        drew_step = True
                    elif etype == "metric" and el.metric.label == "ms per step":
                        sess.ms_per_step.append((now, float(el.metric.body.replace(",", ""))))
                    elif etype in CHART_TYPES and drew_step:
                        drew_chart, charts = now, charts + 1
                    elif etype == "exception":
                        sess.errors.append(f"exception: {el.exception.type}: {el.exception.message[:200]}")
                elif kind == "new_session":
                    drew_step, drew_chart, charts = False, None, 0
                    fragment_run = bool(fmsg.metadata.run.fragment_ids)
                    if not fragment_run:  # a full-app run: the frontend drops its timers
                        _cancel_timers(sess)
                elif kind == "navigation":
                    sess.page_hash = fmsg.navigation.page_script_hash
                elif kind == "page_info_changed":
                    sess.query = fmsg.page_info_changed.query_string
                elif kind == "page_not_found":
                    sess.errors.append(f"page not found: {fmsg.page_not_found.page_name}")
                    return
                elif kind == "auto_rerun":
                    fid, interval = fmsg.auto_rerun.fragment_id, fmsg.auto_rerun.interval
                    if sess.timers.get(fid, (None, None))[1] != interval:  # same timer: kept, as the frontend does
                        if fid in sess.timers:
                            sess.timers.pop(fid)[0].cancel()
                        sess.timers[fid] = (asyncio.create_task(_timer(ws, sess, interval, fid, stop_at)), interval)
                elif kind == "stop_auto_rerun":
                    for fid in fmsg.stop_auto_rerun.fragment_ids:
                        if fid in sess.timers:
                            sess.timers.pop(fid)[0].cancel()
                elif kind == "script_finished":
                    status = fmsg.script_finished
                    if status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                        sess.errors.append("script compile error")
                    elif drew_step and drew_chart is None:
                        sess.cut.append(now)
                    elif drew_step:
                        sess.frames.append((drew_chart, sess.steps[-1][1], sess.bytes, charts if fragment_run else 0))
                    drew_step, drew_chart, charts = False, None, 0
                    if not finished_first_run:
                        finished_first_run = True
                        if not sess.play_id:
                            sess.errors.append("no Play button on the page")
                            return
                        await ws.send(rerun_msg(sess.query, sess.page_hash, trigger_id=sess.play_id))
                        sess.played_at = now
    except Exception as exc:  # a refused, reset or closed connection is a figure, not a crash
        sess.errors.append(f"{type(exc).__name__}: {exc}"[:200])
    finally:
        _cancel_timers(sess)


# --- the server's processes: CPU and RSS from /proc ---

def _children_map():
    kids = {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                ppid = int((d / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            kids.setdefault(ppid, []).append(int(d.name))
    return kids


def with_descendants(pids):
    """`pids` and all their descendants (Linux /proc)."""
    kids, out, todo = _children_map(), [], list(pids)
    while todo:
        p = todo.pop()
        if p not in out:
            out.append(p)
            todo.extend(kids.get(p, []))
    return sorted(out)


def listening_pids(port):
    """The processes holding a listening TCP socket on `port` (Linux /proc; empty if unknown)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            cols = line.split()
            if int(cols[1].rsplit(":", 1)[1], 16) == port and cols[3] == "0A":
                inodes.add(f"socket:[{cols[9]}]")
    pids = []
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            if any(os.readlink(fd) in inodes for fd in (d / "fd").iterdir()):
                pids.append(int(d.name))
        except OSError:
            continue
    return pids


def proc_sample(pid):
    """(name, cpu seconds user+system, rss bytes) of `pid`, or None if it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        f = stat.rsplit(")", 1)[1].split()
        cpu = (int(f[11]) + int(f[12])) / CLK_TCK
        rss = int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE_SIZE
        cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        if "streamlit" in cmd:
            name = "streamlit"
        return name, cpu, rss
    except (OSError, ValueError, IndexError):
        return None


def _percentile(values, q):
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))]


def _window(points, t0, t1):
    """The points (tuples starting with a time) inside [t0, t1], and the last one before t0."""
    inside = [p for p in points if t0 <= p[0] <= t1]
    before = [p for p in points if p[0] < t0]
    return inside, (before[-1] if before else None)


def session_figures(sess, t0, t1):
    """Per-session figures over the window [t0, t1] (monotonic seconds): frames (completed),
    frames/s, steps and steps/s (the Step metric's rise), frame interval p50/p95/max (s),
    KiB received per frame, runs cut short, frames missing a chart, errors."""
    span = t1 - t0
    inside, before = _window(sess.frames, t0, t1)
    steps_in, steps_before = _window(sess.steps, t0, t1)
    step_base = steps_before or (steps_in[0] if steps_in else None)
    steps = steps_in[-1][1] - step_base[1] if steps_in else 0
    byte_base = before or (inside[0] if inside else None)
    kib = (inside[-1][2] - byte_base[2]) / 1024 if inside else 0.0
    chain = ([before] if before else []) + inside
    gaps = [b[0] - a[0] for a, b in zip(chain, chain[1:])]
    tail = t1 - inside[-1][0] if inside else span
    if tail > max(gaps, default=0.0):  # a session left waiting at the end is starving: count that wait
        gaps.append(tail)
    frames_for_kib = len(inside) - (0 if before else 1)
    fullest = max((f[3] for f in sess.frames), default=0)  # the most charts one frame of the session brought
    ms_per_step = [v for _, v in _window(sess.ms_per_step, t0, t1)[0]]
    return {
        "session": sess.index, "worker": sess.ws_worker or sess.worker,
        "frames": len(inside), "frames_per_s": len(inside) / span, "steps": steps, "steps_per_s": steps / span,
        "p50": _percentile(gaps, 50), "p95": _percentile(gaps, 95), "max": max(gaps),
        "kib_per_frame": kib / frames_for_kib if frames_for_kib > 0 else 0.0,
        "cut_short": sum(t0 <= t <= t1 for t in sess.cut), "errors": list(sess.errors),
        "missing_chart": sum(0 < f[3] < fullest for f in inside),
        # the training's time in the window: its steps at the cost meter's ms per step (the step's CPU time)
        "train_seconds": steps * statistics.fmean(ms_per_step) / 1000 if steps and ms_per_step else 0.0,
    }


async def run_load(url, query="", sessions=30, seconds=30.0, pids=None, page="playground", ramp=0.05):
    """Open `sessions` sessions on `url`/`page`?`query`, press Play in each, measure `seconds` s.

    Returns a dict: "sessions" (per-session figures, see `session_figures`), "total" (sums and
    pooled percentiles), "processes" (per metered process: name, CPU cores, peak RSS MiB).
    Raises ValueError for a non-loopback URL or out-of-range sessions/seconds.
    """
    parts = urllib.parse.urlsplit(url)
    if parts.scheme != "http" or not _is_loopback(parts.hostname or ""):
        raise ValueError(f"--url must be http:// on loopback (127.0.0.1, localhost), got {url!r}")
    if not 1 <= sessions <= MAX_SESSIONS or not 1 <= seconds <= MAX_SECONDS:
        raise ValueError(f"sessions must be 1..{MAX_SESSIONS} and seconds 1..{MAX_SECONDS}")
    base = f"http://{parts.netloc}"
    roots = pids or listening_pids(parts.port or 80)
    start = time.monotonic()
    stop_at = start + STARTUP_SECONDS + seconds
    sess = [Session(i) for i in range(sessions)]
    tasks = []
    for s in sess:
        tasks.append(asyncio.create_task(run_session(s, base, page, query.lstrip("?"), stop_at)))
        await asyncio.sleep(ramp)
    def playing(s):  # Play pressed and a Step metric after it: the session trains on its timers
        return s.errors or (s.played_at and any(t > s.played_at for t, _ in s.steps))
    while time.monotonic() < start + STARTUP_SECONDS and not all(playing(s) for s in sess):
        await asyncio.sleep(0.1)
    all_playing = time.monotonic() - start
    await asyncio.sleep(1.0)  # the Play reruns themselves are not part of steady playback
    t0 = time.monotonic()
    t1 = t0 + seconds
    metered = with_descendants(roots)
    first = {p: proc_sample(p) for p in metered}
    peak = {p: v[2] for p, v in first.items() if v}
    client0 = resource.getrusage(resource.RUSAGE_SELF)
    while time.monotonic() < t1:
        await asyncio.sleep(min(1.0, max(0.0, t1 - time.monotonic())))
        for p in metered:
            v = proc_sample(p)
            if v:
                peak[p] = max(peak.get(p, 0), v[2])
    last = {p: proc_sample(p) for p in metered}
    client1 = resource.getrusage(resource.RUSAGE_SELF)
    for task in tasks:  # the window is over: close every session
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    figs = [session_figures(s, t0, t1) for s in sess]
    procs = []
    for p in metered:
        if first.get(p) and last.get(p):
            procs.append({"pid": p, "name": last[p][0], "cpu_cores": (last[p][1] - first[p][1]) / seconds,
                          "rss_mib": last[p][2] / 2**20, "peak_rss_mib": peak[p] / 2**20})
        elif first.get(p):
            procs.append({"pid": p, "name": first[p][0], "cpu_cores": float("nan"), "rss_mib": 0.0,
                          "peak_rss_mib": peak[p] / 2**20, "gone": True})
    gaps_p95 = [f["p95"] for f in figs]
    fps = [f["frames_per_s"] for f in figs]
    total = {
        "sessions": sessions, "seconds": seconds, "query": query, "startup_s": all_playing,
        "startup_complete": all(playing(s) for s in sess),
        "steps_per_s": sum(f["steps_per_s"] for f in figs), "frames_per_s": sum(fps),
        "frames_per_s_min": min(fps), "frames_per_s_median": statistics.median(fps),
        "p50_median": statistics.median(f["p50"] for f in figs), "p95_worst": max(gaps_p95),
        "p95_median": statistics.median(gaps_p95),
        "kib_per_frame": statistics.median(f["kib_per_frame"] for f in figs),
        "sessions_advancing": sum(f["steps"] > 0 for f in figs),
        "cut_short": sum(f["cut_short"] for f in figs),
        "missing_chart": sum(f["missing_chart"] for f in figs), "frames": sum(f["frames"] for f in figs),
        "errors": sum(len(f["errors"]) for f in figs),
        "server_cpu_cores": sum(p["cpu_cores"] for p in procs if not p.get("gone")),
        "server_rss_mib": sum(p["rss_mib"] for p in procs),
        "server_peak_rss_mib": sum(p["peak_rss_mib"] for p in procs),
        "client_cpu_cores": (client1.ru_utime + client1.ru_stime - client0.ru_utime - client0.ru_stime) / seconds,
    }
    frames = total["frames"]
    cpu_seconds = total["server_cpu_cores"] * seconds
    train_seconds = sum(f["train_seconds"] for f in figs)
    total["cpu_ms_per_frame"] = 1000 * cpu_seconds / frames if frames else float("nan")
    total["train_ms_per_frame"] = 1000 * train_seconds / frames if frames else float("nan")
    total["beyond_training_ms_per_frame"] = total["cpu_ms_per_frame"] - total["train_ms_per_frame"]
    return {"sessions": figs, "total": total, "processes": procs}


def print_report(rep):
    """Print the per-session table, the metered processes and the totals."""
    print(f"{'sess':>4} {'worker':>8} {'frames/s':>8} {'steps/s':>8} {'p50 s':>6} {'p95 s':>6} {'max s':>6} "
          f"{'KiB/frame':>9} {'cut':>4}  errors")
    for f in rep["sessions"]:
        print(f"{f['session']:>4} {f['worker'] or '-':>8} {f['frames_per_s']:>8.2f} {f['steps_per_s']:>8.1f} "
              f"{f['p50']:>6.3f} {f['p95']:>6.3f} {f['max']:>6.3f} {f['kib_per_frame']:>9.1f} {f['cut_short']:>4}  "
              f"{'; '.join(f['errors']) or '-'}")
    print()
    for p in rep["processes"]:
        print(f"process {p['pid']:>7} {p['name']:<12} CPU {p['cpu_cores']:.2f} cores, "
              f"RSS {p['rss_mib']:.0f} MiB (peak {p['peak_rss_mib']:.0f})" + (" GONE" if p.get("gone") else ""))
    t = rep["total"]
    print(f"\n{t['sessions']} sessions, {t['seconds']:g} s, query {t['query'] or '(default)'!r}")
    print(f"  every session playing (Play pressed, a step after it) after {t['startup_s']:.1f} s"
          + ("" if t["startup_complete"] else f" (not all: the window opened after {STARTUP_SECONDS} s anyway)"))
    print(f"  training steps/s, all sessions: {t['steps_per_s']:.0f}")
    print(f"  frames/s, all sessions: {t['frames_per_s']:.1f}  (per session: min {t['frames_per_s_min']:.2f}, "
          f"median {t['frames_per_s_median']:.2f})")
    print(f"  frame interval: p50 {t['p50_median']:.3f} s (median session), p95 {t['p95_median']:.3f} s "
          f"(median session), {t['p95_worst']:.3f} s (worst session)")
    print(f"  KiB per frame (median session): {t['kib_per_frame']:.1f}; runs cut short before the chart "
          f"(trained, boundary not redrawn): {t['cut_short']}")
    print(f"  frames missing a chart (its messages dropped unsent when the next run began): "
          f"{t['missing_chart']} of {t['frames']}")
    print(f"  sessions advancing: {t['sessions_advancing']}/{t['sessions']}, errors: {t['errors']}")
    print(f"  server CPU per frame: {t['cpu_ms_per_frame']:.1f} ms, of which training ~{t['train_ms_per_frame']:.1f} "
          f"ms (its steps at the cost meter's ms per step), beyond ~{t['beyond_training_ms_per_frame']:.1f} ms")
    print(f"  server: CPU {t['server_cpu_cores']:.2f} cores, RSS {t['server_rss_mib']:.0f} MiB "
          f"(peak {t['server_peak_rss_mib']:.0f}); this load generator: CPU {t['client_cpu_cores']:.2f} cores")


def main(argv=None):
    """Command line: parse arguments, run the load, print the report (and JSON with --json)."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--url", default="http://127.0.0.1:8501", help="the app's base URL (loopback only)")
    ap.add_argument("--query", default="", help="playground query string, e.g. engine=tensor&spf=5")
    ap.add_argument("--page", default="playground", help="the page's URL path")
    ap.add_argument("--sessions", type=int, default=30, help=f"concurrent sessions (1..{MAX_SESSIONS})")
    ap.add_argument("--seconds", type=float, default=30.0, help=f"measurement window (1..{MAX_SECONDS})")
    ap.add_argument("--pid", type=int, action="append",
                    help="a server process to meter, with its descendants (repeatable; "
                    "default: the process listening on the URL's port)")
    ap.add_argument("--json", action="store_true", help="also print the report as one JSON line")
    args = ap.parse_args(argv)
    try:
        rep = asyncio.run(run_load(args.url, args.query, args.sessions, args.seconds, args.pid, args.page))
    except ValueError as exc:
        ap.error(str(exc))
    print_report(rep)
    if args.json:
        print(json.dumps(rep))
    return rep


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
