"""Real-browser smoke test: Playwright drives Debian's Chromium against `streamlit run app.py`.

Starts the app on a free localhost port, opens every page, and checks that no exception
box is shown; on the playground it presses Play and checks that the step counter and the
decision boundary change. Skipped (with the reason) where Playwright or /usr/bin/chromium
is missing; CI installs both (see .ci/run).
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
PAGES = ["", "derivatives", "computation_graph", "manual_vs_auto", "playground", "vs_pytorch",
         "gradient_check"]

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(),
                       reason=f"no Chromium at {CHROMIUM} (apt-get install chromium)"),
]


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def app_url():
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).status == 200:
                break
        except OSError:
            time.sleep(0.5)
    else:
        proc.kill()
        pytest.fail("streamlit did not start: " + (proc.stdout.read() if proc.stdout else ""))
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="module")
def browser():
    # the flags this machine's closed network needs (no background connections, no QUIC);
    # Playwright gives each launch a new empty profile
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        yield b
        b.close()


def _settle(page, timeout=60_000):
    """Wait until the app has rendered and is no longer running a script."""
    page.wait_for_selector("[data-testid='stMain'] h1", timeout=timeout)
    # the status widget (running man, "Stop") is there only while the script runs
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=timeout)
    page.wait_for_timeout(500)


@pytest.mark.parametrize("path", PAGES)
def test_page_opens_without_exception(app_url, browser, path):
    page = browser.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{app_url}/{path}")
    _settle(page)
    exceptions = page.locator("[data-testid='stException']")
    assert exceptions.count() == 0, exceptions.first.inner_text()
    assert page.locator("[data-testid='stMain'] h1").first.inner_text().strip()
    assert not errors, errors
    page.close()


def _step_value(page):
    metric = page.locator("[data-testid='stMetric']", has_text="Step").first
    return metric.locator("[data-testid='stMetricValue']").inner_text().strip()


def _boundary_signature(page):
    # the first plotly chart is the decision boundary; its z grid changes as the model learns
    return page.evaluate(
        "() => { const p = document.querySelector('.js-plotly-plot');"
        " return p && p.data ? JSON.stringify(p.data.map(t => t.z || null)).slice(0, 20000) : null; }"
    )


def test_playground_play_advances_steps_and_moves_the_boundary(app_url, browser):
    page = browser.new_page()
    page.goto(f"{app_url}/playground")
    _settle(page)
    page.wait_for_selector(".js-plotly-plot", timeout=60_000)
    before_step, before_boundary = _step_value(page), _boundary_signature(page)
    page.locator(".st-key-play button").click()
    page.wait_for_function(
        "(s) => { const m = [...document.querySelectorAll('[data-testid=\"stMetric\"]')]"
        ".find(e => e.innerText.includes('Step'));"
        " return m && m.querySelector('[data-testid=\"stMetricValue\"]').innerText.trim() !== s; }",
        arg=before_step, timeout=60_000,
    )
    page.wait_for_timeout(2000)
    after_step = _step_value(page)
    assert int(after_step.replace(",", "")) > int(before_step.replace(",", ""))
    assert _boundary_signature(page) != before_boundary
    assert page.locator("[data-testid='stException']").count() == 0
    page.close()
