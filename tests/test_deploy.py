"""deploy/: the balancer configuration, the container files, and deploy/local.sh run for real.

The static tests check deploy/haproxy.cfg with `haproxy -c`, and that the Dockerfile, the
compose file and the Kubernetes manifest say what the README promises (non-root, health
checks on /_stcore/health, cookie affinity, probes, resources). The live test starts
`deploy/local.sh PORT 2` (two `streamlit run` workers behind Debian's HAProxy, the same
haproxy.cfg) and proves:

- stickiness: a session's page, its /_stcore/health requests, its websocket and its download
  (a file that exists only in the memory of the worker that made it) reach the same worker,
  named by the balancer's X-Worker response header; the same download asked of the other
  worker is a 404, so the cookie is what makes downloads work;
- a worker killed mid-class costs only its own sessions: the other worker's sessions keep
  training and receiving frames, a new session (even one still carrying the dead worker's
  cookie) lands on the live worker and plays;
- SIGTERM stops local.sh and every process it started.

Skipped (with the reason) where HAProxy is not at /usr/sbin/haproxy (apt-get install haproxy).
"""

import asyncio
import fnmatch
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import free_port, load_benchmark

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
HAPROXY = "/usr/sbin/haproxy"
needs_haproxy = pytest.mark.skipif(not Path(HAPROXY).exists(),
                                   reason=f"no HAProxy at {HAPROXY} (apt-get install haproxy)")


load = load_benchmark()


def _server_lines(cfg_text):
    return re.findall(r"^\s*server (\S+) (\S+) .*cookie (\S+)", cfg_text, flags=re.M)


# --- static checks ---

@needs_haproxy
def test_haproxy_config_is_valid_and_sticky():
    text = (DEPLOY / "haproxy.cfg").read_text()
    out = subprocess.run([HAPROXY, "-c", "-f", str(DEPLOY / "haproxy.cfg")], capture_output=True, text=True,
                         env={**os.environ, "LB_BIND": "127.0.0.1:1"}, timeout=30)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "cookie SERVERID insert indirect nocache" in text
    assert "option httpchk GET /_stcore/health" in text
    assert re.search(r"^\s*timeout tunnel", text, flags=re.M)
    servers = _server_lines(text)
    assert len(servers) >= 2
    assert len({cookie for _, _, cookie in servers}) == len(servers)  # one cookie value per server


def test_dockerfile_runs_as_non_root_with_a_healthcheck():
    text = (DEPLOY / "Dockerfile").read_text().replace("\\\n", " ")  # continuation lines joined
    assert re.search(r"^FROM python:3\.11-slim", text, flags=re.M)
    users = re.findall(r"^USER (\S+)", text, flags=re.M)
    assert users and users[-1] not in ("root", "0")
    assert re.search(r"^HEALTHCHECK .*/_stcore/health", text, flags=re.M)
    cmd = re.search(r"^CMD (.*)$", text, flags=re.M).group(1)
    for part in ('"streamlit"', '"run"', '"app.py"', '"--server.headless"', '"0.0.0.0"'):
        assert part in cmd
    # the build context keeps everything the app reads at run time (the page icon is in assets/)
    ignored = [ln.strip() for ln in (DEPLOY / "Dockerfile.dockerignore").read_text().splitlines()
               if ln.strip() and not ln.startswith("#")]
    assert "COPY . ./" in text
    for needed in ("app.py", "app_pages", "micrograd", "assets", ".streamlit", "requirements.txt"):
        assert (ROOT / needed).exists() and not any(fnmatch.fnmatch(needed, pat) for pat in ignored), needed


def test_compose_runs_the_config_replicas_behind_haproxy():
    yaml = pytest.importorskip("yaml")
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    services = compose["services"]
    lb = [s for s in services.values() if str(s.get("image", "")).startswith("haproxy:")]
    assert len(lb) == 1
    assert any(v.startswith("./haproxy.cfg:") for v in lb[0]["volumes"])
    hosts = [addr.split(":")[0] for _, addr, _ in _server_lines((DEPLOY / "haproxy.cfg").read_text())]
    for host in hosts:  # every server of haproxy.cfg is a replica of the app image with a health check
        app = services[host]
        assert app["build"]["dockerfile"] == "deploy/Dockerfile"
        assert "/_stcore/health" in " ".join(app["healthcheck"]["test"])


def test_k8s_manifest_has_probes_resources_and_cookie_affinity():
    yaml = pytest.importorskip("yaml")
    docs = {d["kind"]: d for d in yaml.safe_load_all((DEPLOY / "k8s.yaml").read_text()) if d}
    assert {"Deployment", "Service", "Ingress"} <= set(docs)
    pod = docs["Deployment"]["spec"]["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    (container,) = pod["containers"]
    for probe in ("readinessProbe", "livenessProbe"):
        assert container[probe]["httpGet"]["path"] == "/_stcore/health"
    assert {"cpu", "memory"} <= set(container["resources"]["requests"])
    notes = docs["Ingress"]["metadata"]["annotations"]
    assert notes["nginx.ingress.kubernetes.io/affinity"] == "cookie"
    backend = docs["Ingress"]["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    assert backend["name"] == docs["Service"]["metadata"]["name"]


# --- deploy/local.sh, live ---

@pytest.fixture
def local_cluster():
    """deploy/local.sh on a free port with 2 workers: yields (url, proc, {name: pid}, haproxy pid)."""
    port = free_port()
    proc = subprocess.Popen(["bash", str(DEPLOY / "local.sh"), str(port), "2"], cwd=ROOT, text=True,
                            env={**os.environ, "PYTHON": sys.executable},  # workers run this test's Python
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    lines = queue.Queue()
    threading.Thread(target=lambda: [lines.put(x) for x in proc.stdout], daemon=True).start()
    workers, haproxy_pid, seen = {}, None, []
    deadline = time.monotonic() + 120
    try:
        while True:
            try:
                line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                pytest.fail("local.sh did not get ready: " + "".join(seen))
            seen.append(line)
            if m := re.match(r"worker (\w+) pid (\d+) port (\d+)", line):
                workers[m.group(1)] = int(m.group(2))
            elif m := re.match(r"haproxy pid (\d+)", line):
                haproxy_pid = int(m.group(1))
            elif line.startswith("ready "):
                break
        yield f"http://127.0.0.1:{port}", proc, workers, haproxy_pid
    finally:
        if proc.poll() is None:  # the test failed before its own SIGTERM: stop everything
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        for pid in [*workers.values(), haproxy_pid]:
            if pid:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass


async def _open_and_download(base, query):
    """One browser-like session on playground?`query`: page GET, websocket, first run, then the
    page's first download (the loss history).

    Returns the X-Worker of each request (page, websocket, health, download), the download's
    URL, status and body, and the cookies.
    """
    cookies = {}
    status, headers, _ = await asyncio.to_thread(load.http_get, f"{base}/playground?{query}", cookies)
    assert status == 200 and "SERVERID" in cookies
    seen = {"page": headers["X-Worker"]}
    header = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
    async with load.connect(base.replace("http", "ws") + "/_stcore/stream", subprotocols=["streamlit"],
                            max_size=None, proxy=None, additional_headers=header) as ws:
        seen["websocket"] = ws.response.headers["X-Worker"]
        await ws.send(load.rerun_msg(query, page_name="playground"))
        session_id, file_ids = "", []
        while True:
            msg = load.ForwardMsg()
            msg.ParseFromString(await asyncio.wait_for(ws.recv(), 30))
            kind = msg.WhichOneof("type")
            if kind == "new_session":
                session_id = msg.new_session.initialize.session_id or session_id
            elif kind == "delta" and msg.delta.new_element.WhichOneof("type") == "download_button":
                button = msg.delta.new_element.download_button
                file_ids.append(button.deferred_file_id)
            elif kind == "script_finished":
                break
        request = load.BackMsg()
        request.backend_operation_request.request_id = "r1"
        request.backend_operation_request.session_id = session_id
        request.backend_operation_request.deferred_file.file_id = file_ids[0]  # the page's first download
        await ws.send(request.SerializeToString())
        while True:
            msg = load.ForwardMsg()
            msg.ParseFromString(await asyncio.wait_for(ws.recv(), 30))
            if msg.WhichOneof("type") == "backend_operation_response":
                url = msg.backend_operation_response.deferred_file.url
                break
        status, headers, _ = await asyncio.to_thread(load.http_get, f"{base}/_stcore/health", cookies)
        seen["health"] = headers["X-Worker"]
        status, headers, body = await asyncio.to_thread(load.http_get, base + url, dict(cookies))
        seen["download"] = headers["X-Worker"]
    return seen, url, status, body, cookies


@needs_haproxy
@pytest.mark.timeout(180)
def test_local_sh_sticky_sessions_and_a_dead_worker(local_cluster):
    base, proc, workers, haproxy_pid = local_cluster
    assert set(workers) == {"w1", "w2"}

    # stickiness: page, health, websocket and download of a session reach one worker (different
    # seeds: Streamlit names a file by a hash of its content, and each worker must hold its own)
    async def two_sessions():
        return [await _open_and_download(base, "seed=1"), await _open_and_download(base, "seed=2")]
    results = asyncio.run(two_sessions())
    for seen, url, status, body, cookies in results:
        assert len(set(seen.values())) == 1, seen
        assert status == 200 and len(body) > 20, (status, body[:80])
        assert cookies["SERVERID"] == seen["page"]
        other = "w2" if seen["page"] == "w1" else "w1"
        status, headers, _ = load.http_get(base + url, {**cookies, "SERVERID": other})
        assert (headers["X-Worker"], status) == (other, 404)  # the file lives only on its own worker
    assert {r[0]["page"] for r in results} == {"w1", "w2"}  # new sessions are spread over both

    # a class of 4 playing; w1 is killed mid-class
    sessions = [load.Session(i) for i in range(4)]
    kill_at = {}

    async def class_with_a_crash():
        stop_at = time.monotonic() + 16
        tasks = [asyncio.create_task(load.run_session(s, base, "playground", "", stop_at)) for s in sessions]
        while not all(s.played_at for s in sessions) and time.monotonic() < stop_at - 10:
            await asyncio.sleep(0.1)
        await asyncio.sleep(2)
        os.kill(workers["w1"], signal.SIGKILL)
        kill_at["t"] = time.monotonic()
        await asyncio.gather(*tasks)
    asyncio.run(class_with_a_crash())
    on = {w: [s for s in sessions if s.ws_worker == w] for w in ("w1", "w2")}
    assert on["w1"] and on["w2"], [s.ws_worker for s in sessions]
    for s in on["w1"]:  # the dead worker's sessions lose their connection...
        assert s.errors, s
    for s in on["w2"]:  # ...the others keep training and drawing, without an error
        assert not s.errors, s.errors
        after = [step for t, step in s.steps if t > kill_at["t"] + 1]
        assert len(after) >= 2 and after[-1] > after[0], s.steps[-5:]
        assert sum(t > kill_at["t"] + 1 for t, *_ in s.frames) >= 1

    # a new session, even one still carrying the dead worker's cookie, lands on w2 and plays
    status, headers, _ = load.http_get(f"{base}/playground", {"SERVERID": "w1"})
    assert (status, headers["X-Worker"]) == (200, "w2")
    fresh = load.Session(9)
    asyncio.run(load.run_session(fresh, base, "playground", "", time.monotonic() + 6))
    assert fresh.ws_worker == "w2" and not fresh.errors, fresh.errors
    assert fresh.steps and fresh.steps[-1][1] > 0

    # SIGTERM stops local.sh and everything it started
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=20) == 143
    time.sleep(0.5)
    for pid in [*workers.values(), haproxy_pid]:
        assert not Path(f"/proc/{pid}").exists(), f"process {pid} outlived local.sh"


def test_local_sh_refuses_an_app_script_that_is_not_there():
    """APP names the workers' script (benchmarks/floor_app.py measures the frame floor behind the same
    balancer); a script that is not there is refused before anything starts (before HAProxy is looked for)."""
    out = subprocess.run(["bash", str(DEPLOY / "local.sh"), "8999", "1"], cwd=ROOT, capture_output=True, text=True,
                         timeout=30, env={**os.environ, "APP": "benchmarks/no_such_app.py"})
    assert out.returncode == 1 and "no app script" in out.stderr and "worker" not in out.stdout
