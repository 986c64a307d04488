"""Real-browser smoke test: Playwright drives Debian's Chromium against `streamlit run app.py`.

Starts the app on a free localhost port, opens every page, and checks that no exception
box is shown; on the playground it presses Play and checks that the step counter and the
decision boundary change, that every view names the same step while playing, and that
Pause stops training within the frame already running. Skipped (with the reason) where
Playwright or /usr/bin/chromium is missing; CI installs both (see .ci/run).
"""

import os
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from conftest import streamlit_server

from app_pages import registry

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
PAGES = [p.url_path for p in registry.PAGES]

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(),
                       reason=f"no Chromium at {CHROMIUM} (apt-get install chromium)"),
]


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    log = tmp_path_factory.mktemp("streamlit") / "server.log"
    with streamlit_server("app.py", log=log, timeout=60) as (url, _proc):
        yield url


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


def open_playground(browser, app_url, query=""):
    """A 1400 x 1000 page on the playground (``?query`` if given), rendered and settled.

    Returns (page, errors): the page's uncaught JavaScript errors collect in the list `errors`.
    """
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{app_url}/playground" + (f"?{query}" if query else ""))
    _settle(page)
    return page, errors


def _offline_page(browser, app_url):
    """A new page that may load only from the app's own server, as in a classroom without internet.

    Every other request (a font or icon CDN, analytics, ...) is aborted and its URL appended to the
    returned list. (WebSockets are not routed; the app's own one goes to its own server.)
    """
    page = browser.new_page()
    outside = []
    own = urllib.parse.urlsplit(app_url).netloc

    def route(r):
        url = urllib.parse.urlsplit(r.request.url)
        if url.scheme in ("data", "blob") or (url.scheme == "http" and url.netloc == own):
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    return page, outside


@pytest.mark.parametrize("path", PAGES)
def test_page_opens_without_exception(app_url, browser, path):
    page, outside = _offline_page(browser, app_url)
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{app_url}/{path}")
    _settle(page)
    exceptions = page.locator("[data-testid='stException']")
    assert exceptions.count() == 0, exceptions.first.inner_text()
    assert page.locator("[data-testid='stMain'] h1").first.inner_text().strip()
    assert not errors, errors
    page.wait_for_load_state("networkidle")
    assert not outside, f"requests to other servers than the app's own (blocked): {outside}"
    # the viewer toolbar (.streamlit/config.toml): students get no Deploy button and no Rerun or
    # Clear cache in the menu
    assert page.locator("[data-testid='stAppDeployButton']").count() == 0
    page.locator("[data-testid='stMainMenu'] button").click()
    menu = page.locator("[data-testid='stMainMenuPopover']")
    menu.wait_for(timeout=10_000)
    assert "Print" in menu.inner_text()
    for item in ("Deploy", "Rerun", "Clear cache"):
        assert item not in menu.inner_text()
    page.keyboard.press("Escape")
    page.close()


def _step_value(page):
    metric = page.locator("[data-testid='stMetric']", has_text="Step").first
    return metric.locator("[data-testid='stMetricValue']").inner_text().strip()


_CANVAS = "canvas[data-testid='liveChartCanvas']"  # the live charts (app_pages/live_chart.js); Playwright's CSS
# pierces their shadow roots, page scripts use _CANVASES: every live chart's canvas, in page order
_CANVASES = ("[...document.querySelectorAll('[data-testid=stBidiComponentIsolated]')]"
             ".map(h => h.shadowRoot && h.shadowRoot.querySelector('canvas')).filter(Boolean)")


def _boundary_signature(page):
    # the decision boundary's canvas: its pixels change as the model learns
    return page.evaluate(
        "() => { const h = document.querySelector('.st-key-pg_boundary_chart [data-testid=stBidiComponentIsolated]');"
        " const c = h && h.shadowRoot && h.shadowRoot.querySelector('canvas');"
        " return c ? c.toDataURL().slice(-20000) : null; }"
    )


def test_playground_play_advances_steps_and_moves_the_boundary(app_url, browser):
    page = browser.new_page()
    page.goto(f"{app_url}/playground")
    _settle(page)
    page.wait_for_selector(_CANVAS, timeout=60_000)
    before_step, before_boundary = _step_value(page), _boundary_signature(page)
    page.locator(".st-key-play button:visible").click()
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


def test_playground_boundary_never_blanks_and_keeps_changing_while_playing(app_url, browser):
    # issue 10: screenshots of the boundary's screen region for 5 s of playback, as a student sees it
    image = pytest.importorskip("PIL.Image")
    import io

    import numpy as np

    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{app_url}/playground")
    _settle(page)
    canvas = page.locator(f".st-key-pg_boundary_chart {_CANVAS}")
    canvas.wait_for(timeout=60_000)
    canvas.scroll_into_view_if_needed()
    before = _step_value(page)
    _click(page, "play")
    page.wait_for_function(
        "(s) => { const m = [...document.querySelectorAll('[data-testid=\"stMetric\"]')]"
        ".find(e => e.innerText.includes('Step'));"
        " return m && m.querySelector('[data-testid=\"stMetricValue\"]').innerText.trim() !== s; }",
        arg=before, timeout=60_000,
    )
    box = canvas.bounding_box()
    shots, deadline = [], time.time() + 5
    while time.time() < deadline:
        shots.append(page.screenshot(clip=box))
        page.wait_for_timeout(50)
    _click(page, "pause")
    page.close()
    pictures = [np.asarray(image.open(io.BytesIO(s)).convert("RGB")) for s in shots]
    # a painted frame has the heatmap's ramp, the points, the axes: hundreds of colours; a blank one has 1
    colours = [len(np.unique(p.reshape(-1, 3), axis=0)) for p in pictures]
    assert len(pictures) >= 10 and min(colours) >= 50, colours
    changes = sum(not np.array_equal(a, b) for a, b in zip(pictures, pictures[1:], strict=False))
    assert changes >= len(pictures) // 3, (changes, len(pictures))


def test_playground_keyboard_space_plays_and_pauses_right_steps(app_url, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{app_url}/playground")
    _settle(page)
    page.locator("[data-testid='stMain'] h1").click()  # focus on the page, not on a control
    start = int(_step_value(page).replace(",", ""))
    page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "(s) => [...document.querySelectorAll('[data-testid=\"stMetric\"]')].some(e => e.innerText.includes('Step')"
        " && e.querySelector('[data-testid=\"stMetricValue\"]').innerText.trim() === String(s))",
        arg=start + 1, timeout=30_000)
    page.keyboard.press(" ")
    page.wait_for_timeout(2000)
    page.keyboard.press(" ")
    page.wait_for_timeout(1500)
    paused = _step_value(page)
    page.wait_for_timeout(1500)
    assert _step_value(page) == paused and int(paused.replace(",", "")) > start + 1  # played, then paused
    page.close()


_PRESENTER_LAYOUT = """() => {
  const box = (key) => { const e = document.querySelector('.st-key-' + key); return e && e.getBoundingClientRect(); };
  const values = [...document.querySelectorAll('[data-testid=stMetricValue]')].map(
    e => parseFloat(getComputedStyle(e).fontSize));
  const b = box('pg_boundary_chart');
  const c = box('pg_curves_chart');
  return {boundary: [b.top, b.bottom, b.width], curves: [c.top, c.bottom, c.width], metric_px: Math.min(...values),
          overflow_x: document.documentElement.scrollWidth > window.innerWidth};
}"""


@pytest.mark.parametrize(("width", "height", "one_screen"), [(1920, 1080, True), (1366, 768, False)])
def test_playground_presenter_mode_fits_a_projector(app_url, browser, width, height, one_screen):
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(f"{app_url}/playground?present=1")
    _settle(page)
    page.locator(f".st-key-pg_curves_chart {_CANVAS}").wait_for(timeout=60_000)
    page.wait_for_timeout(500)
    got = page.evaluate(_PRESENTER_LAYOUT)
    page.close()
    assert got["metric_px"] >= 28 and not got["overflow_x"], got
    if one_screen:  # the boundary and the loss curve, whole, on the first screen: no scrolling
        assert got["boundary"][1] <= height and got["curves"][1] <= height, got
    assert got["boundary"][2] >= 0.3 * width - 300 and got["curves"][2] >= 0.3 * width - 300, got  # side by side


def test_a_link_full_of_markdown_shows_it_as_plain_text_in_one_box(app_url, browser):
    # a shared link is untrusted: this one used to render a real link, fetch the remote image,
    # show red bold text, code and maths, one box per parameter; and ?noise=-0 crashed the page
    page, outside = _offline_page(browser, app_url)
    query = {"act": "![t](http://host/pixel.png)", "data": "[Log in](http://host/phish)",
             "loss": ":red[**Your session expired**]", "<b>k</b>": "1", "`k` $x$ # h": "1", "noise": "-0"}
    page.goto(f"{app_url}/playground?" + urllib.parse.urlencode(query))
    _settle(page)
    assert page.locator("[data-testid='stException']").count() == 0
    alerts = page.locator("[data-testid='stAlert']")
    assert alerts.count() == 1
    box = alerts.first
    for markup in ("a", "img", "strong", "em", "code", "h1, h2, h3", ".katex", "span[class*='color']"):
        assert box.locator(markup).count() == 0, markup
    shown = box.inner_text()
    for text in list(query)[3:5] + list(query.values())[:3]:
        assert f"'{text}'" in shown, text
    page.wait_for_load_state("networkidle")
    assert not [u for u in outside if "//host/" in u], outside  # the image was not fetched
    page.close()


# In the page: a log of every change of the Step metric as [Date.now(), text] (the same clock as
# Python's time.time()), and the time and Step shown when the page handles a click on Pause (the
# moment it sends the request).
_STEP_LOG = """() => {
  const read = () => { const m = [...document.querySelectorAll('[data-testid="stMetric"]')]
    .find(e => e.innerText.trim().startsWith('Step'));
    return m ? m.querySelector('[data-testid="stMetricValue"]').innerText.trim() : null; };
  window.__steps = [[Date.now(), read()]];
  new MutationObserver(() => { const v = read(); const log = window.__steps;
    if (v !== log[log.length - 1][1]) log.push([Date.now(), v]); })
    .observe(document.body, {subtree: true, childList: true, characterData: true});
  window.__press = null;
  document.addEventListener('click', (e) => {
    if (e.target.closest('.st-key-pause')) window.__press = [Date.now(), read()]; }, true);
}"""

# Every view's step as the page shows it at one moment: the Step metric, then the newest step in the
# title of each chart (boundary, network, curves; a replaced chart can linger in the page while its
# successor is drawn, so the newest one counts), null for a chart without a step in its title.
_VIEW_STEPS = """() => {
  const m = [...document.querySelectorAll('[data-testid="stMetric"]')].find(e => e.innerText.trim().startsWith('Step'));
  const newest = {};
  for (const p of CANVASES) {
    const t = p.getAttribute('data-title') || '';
    const kind = t.includes('boundary') ? 0 : t.includes('Network') ? 1 : 2;
    const r = /at step (\\d+)/.exec(t);
    const v = r ? Number(r[1]) : null;
    newest[kind] = (kind in newest) ? (v === null || newest[kind] === null ? null : Math.max(newest[kind], v)) : v;
  }
  return [m ? m.querySelector('[data-testid="stMetricValue"]').innerText.trim().replace(/,/g, '') : null,
          ...[0, 1, 2].map(k => (k in newest && newest[k] !== null) ? String(newest[k]) : null)];
}""".replace("CANVASES", _CANVASES)


def _click(page, key):
    """A user's click: mouse events at the button's centre, with no waiting for the page to settle."""
    box = page.locator(f".st-key-{key} button:visible").bounding_box()  # (a button with a shortcut has a hidden twin)
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def test_playground_views_agree_and_pause_stops_within_one_frame(app_url, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{app_url}/playground")
    _settle(page)
    page.wait_for_selector(_CANVAS, timeout=60_000)
    spf = 5  # the default steps per frame
    page.evaluate(_STEP_LOG)
    _click(page, "play")
    page.wait_for_function("() => window.__steps.length > 2", timeout=60_000)  # two frames drawn
    samples = []
    for _ in range(12):  # while playing: all views read at the same moment
        samples.append(page.evaluate(_VIEW_STEPS))
        page.wait_for_timeout(150)
    def consistent(sample):
        # while playing, the three charts name one frame's step, give or take the frame a busy browser
        # is still painting (each canvas paints once its image has decoded); the metric, drawn at once,
        # is at most two frames ahead (in CI, where the browser and the server share two cores, one frame
        # behind happened in 1 of 12 samples)
        if None in sample or len(sample) != 4:
            return False
        metric, *charts = (int(v) for v in sample)
        return max(charts) - min(charts) <= spf and 0 <= metric - min(charts) <= 2 * spf

    assert sum(map(consistent, samples)) >= len(samples) // 2, samples
    _click(page, "pause")
    page.wait_for_timeout(1500)
    after = _step_value(page)
    page.wait_for_timeout(1500)
    assert _step_value(page) == after  # stopped
    final = page.evaluate(_VIEW_STEPS)  # paused: every view shows the same step, exactly
    assert len(set(final)) == 1 and final[0] == after.replace(",", ""), (final, after)
    pressed_at, shown = page.evaluate("() => window.__press")
    overshoot = int(after.replace(",", "")) - int(shown.replace(",", ""))
    log = page.evaluate("() => window.__steps")
    # at most the frame already computed and on its way to a busy browser, plus the one training
    # (which stops before its next step: see the next test)
    assert 0 <= overshoot <= 2 * spf, (shown, after, [(round(t / 1000 - pressed_at / 1000, 2), v) for t, v in log])
    assert page.locator("[data-testid='stException']").count() == 0
    page.close()


def test_pause_stops_a_long_frame_before_its_next_step(app_url, browser):
    # a frame of 20 steps of a 3 x 16 network on 300 points takes seconds: press Pause as the next one starts
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    spf = 20
    page.goto(f"{app_url}/playground?n=300&layers=16-16-16&spf={spf}")
    _settle(page)
    page.wait_for_selector(_CANVAS, timeout=60_000)
    page.evaluate(_STEP_LOG)
    # once the first frame is drawn (its boundary chart too), the server is training the next: click then
    page.evaluate(r"""(spf) => { const timer = setInterval(() => {
        // a frame at step spf or later (a timer tick can cut a frame before its drawing, so not only spf)
        const drawn = CANVASES.some(c => {
          const m = (c.getAttribute('data-title') || '').match(/^Decision boundary at step (\d+)$/);
          return m && Number(m[1]) >= spf; });
        if (!drawn) return;
        // the visible button: a button with a keyboard shortcut also has a hidden 0 x 0 twin
        const pause = [...document.querySelectorAll('.st-key-pause button')].find(b => b.offsetParent !== null);
        clearInterval(timer); pause.click(); }, 10);
      }""".replace("CANVASES", _CANVASES), spf)
    _click(page, "play")
    page.wait_for_function("() => window.__press !== null", timeout=60_000)
    page.wait_for_timeout(3000)
    after = _step_value(page)
    page.wait_for_timeout(1500)
    assert _step_value(page) == after
    _, shown = page.evaluate("() => window.__press")
    log = page.evaluate("() => window.__steps")
    # between steps (every TICK_SECONDS) the frame checks for a click: the frame in progress stops early, not after 20
    assert 0 <= int(after) - int(shown) < spf, (shown, after, log)
    assert int(after) % spf != 0 or int(after) == int(shown), (shown, after, log)
    page.close()


# what the computation-graph page's graph and table look like on a lecture-hall screen
_GRAPH_TEXT = """() => {
  const texts = [...document.querySelectorAll("[data-testid='stGraphVizChart'] svg text")];
  // the size on screen: the CSS font size (in the drawing's units) times the drawing's scale
  const px = t => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a;
  const y = s => { const t = texts.find(t => t.textContent === s); return t ? t.getBoundingClientRect().y : null; };
  return {min_px: Math.min(...texts.map(px)), ys: ["x1", "w1", "x2", "w2"].map(y)};
}"""
_TABLE_FIT = """() => {
  const t = document.querySelector("[data-testid='stTable'] table");
  const heads = [...t.querySelectorAll('th')].map(h => [h.innerText.trim(), h.getBoundingClientRect().right]);
  const clipped = [...t.querySelectorAll('td')].filter(c => c.scrollWidth > c.clientWidth + 1).length;
  return {heads, clipped, right: t.getBoundingClientRect().right, viewport: window.innerWidth};
}"""


@pytest.mark.parametrize(("width", "height", "min_px"), [(1366, 768, 13), (1920, 1080, 16)])
def test_computation_graph_is_readable_on_a_projector(app_url, browser, width, height, min_px):
    # the neuron (the widest preset) in the middle of its backward pass, edge labels showing:
    # its text was ~6 px at 1366 px beside the table, its inputs drawn bottom to top
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(f"{app_url}/computation_graph")
    _settle(page)
    page.locator("[data-testid='stSelectbox']", has_text="Expression").click()
    page.get_by_role("option", name="A neuron: o = tanh(x1·w1 + x2·w2 + b)").click()
    _settle(page)
    for _ in range(3):
        page.locator(".st-key-cg_next button:visible").first.click()  # a stale copy may linger in the DOM
        _settle(page)
    page.wait_for_selector("[data-testid='stGraphVizChart'] svg text")
    page.wait_for_function("() => [...document.querySelectorAll(\"[data-testid='stGraphVizChart'] svg text\")]"
                           ".some(t => t.textContent.includes('×'))")  # step 3's edge labels are drawn
    graph = page.evaluate(_GRAPH_TEXT)
    assert graph["min_px"] >= min_px, graph
    ys = graph["ys"]
    assert None not in ys and ys == sorted(ys), ys  # the inputs x1, w1, x2, w2 from the top, as typed
    table = page.evaluate(_TABLE_FIT)
    assert [h for h, _ in table["heads"]][-2:] == ["upstream", "local derivatives"]
    assert all(right <= table["viewport"] for _, right in table["heads"]), table
    assert table["clipped"] == 0, table
    page.close()
