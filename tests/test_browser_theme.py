"""Real-browser test of the dark theme and of the computation graph's Play button.

A browser that prefers a dark colour scheme (a laptop in dark mode in a dark lecture hall) gets
Streamlit's dark theme, as .streamlit/config.toml offers both: the page background is dark, and
every text and line of the computation graph (an SVG drawn by st.graphviz_chart) is readable on what
it is drawn on (WCAG 2.1 contrast, computed from the browser's computed colours: text 4.5:1, lines
3:1). Play walks the backward pass in place: the graph never leaves the page, and playback stops at
the last step. Uses the server and browser fixtures of tests/test_browser.py (skipped like it).
"""

import re

from test_browser import _settle, app_url, browser, pytestmark  # noqa: F401  (fixtures and skip marks)

VIEWPORT = {"width": 1366, "height": 768}


def _rgb(css):
    """'rgb(23, 22, 20)' or 'rgba(...)' -> (r, g, b) in 0..255."""
    nums = re.findall(r"[\d.]+", css)
    return tuple(float(x) for x in nums[:3])


def _luminance(rgb):
    c = [x / 255 for x in rgb]
    c = [x / 12.92 if x <= 0.04045 else ((x + 0.055) / 1.055) ** 2.4 for x in c]
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]


def _contrast(a, b):
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def _dark_page(browser, path):  # noqa: F811
    ctx = browser.new_context(color_scheme="dark", viewport=VIEWPORT)
    page = ctx.new_page()
    page.goto(path)
    _settle(page)
    return ctx, page


def _page_background(page):
    return _rgb(page.evaluate("getComputedStyle(document.querySelector('.stApp')).backgroundColor"))


# every text of the graph with the colour it is drawn on: a node's text on that node's filled shape, an
# edge label on the page (the graph's own background is transparent)
_GRAPH_COLOURS = """() => {
  const svg = document.querySelector('[data-testid=stGraphVizChart] svg');
  if (!svg) return null;
  const out = {texts: [], lines: []};
  for (const g of svg.querySelectorAll('g.node, g.edge')) {
    const shape = g.querySelector('polygon, ellipse, path');
    for (const t of g.querySelectorAll('text')) {
      if (!t.textContent.trim()) continue;
      out.texts.push({text: t.textContent, fill: getComputedStyle(t).fill,
                      on: g.classList.contains('node') ? getComputedStyle(shape).fill : null});
    }
    if (g.classList.contains('edge')) out.lines.push(getComputedStyle(g.querySelector('path')).stroke);
    else out.lines.push(getComputedStyle(shape).stroke);
  }
  return out;
}"""


def _check_graph_readable(page, bg):
    colours = page.evaluate(_GRAPH_COLOURS)
    assert colours and colours["texts"], "no graph drawn"
    for t in colours["texts"]:
        under = _rgb(t["on"]) if t["on"] and t["on"] != "none" else bg
        ratio = _contrast(_rgb(t["fill"]), under)
        assert ratio >= 4.5, (t, round(ratio, 2))
    for stroke in colours["lines"]:
        assert _contrast(_rgb(stroke), bg) >= 3.0, stroke
    return colours


def _step_shown(page):
    text = page.locator("[data-testid='stAlertContentInfo']", has_text="Step").first.inner_text()
    return int(re.search(r"Step (\d+) of (\d+)", text).group(1))


def test_dark_computation_graph_is_readable_and_plays_in_place(app_url, browser):  # noqa: F811
    ctx, page = _dark_page(browser, f"{app_url}/computation_graph")
    bg = _page_background(page)
    assert _luminance(bg) < 0.02, bg  # Streamlit's dark page (#171614), not the light theme's white
    page.wait_for_selector("[data-testid=stGraphVizChart] svg text", timeout=30_000)
    _check_graph_readable(page, bg)  # step 0: every box "grad ?"
    # the page chose the dark palette on its very first run (st.context.theme), not only after a click
    box = page.evaluate("getComputedStyle(document.querySelector('[data-testid=stGraphVizChart] g.node polygon')).fill")
    assert _luminance(_rgb(box)) < 0.05, box
    page.locator(".st-key-cg_next button:visible").click()
    page.wait_for_function("() => /Step 1 of/.test(document.body.innerText)", timeout=30_000)
    page.locator(".st-key-cg_next button:visible").click()
    page.wait_for_function("() => /Step 2 of/.test(document.body.innerText)", timeout=30_000)
    page.wait_for_timeout(500)
    colours = _check_graph_readable(page, bg)  # L sends its gradient: orange node and labelled edges
    assert any("×" in t["text"] for t in colours["texts"]), "the current node's edges are labelled"

    # Play from here: one node per 0.8 s, the graph redrawn in place (sampled every 50 ms), stop at step 4
    page.locator(".st-key-cg_play button:visible").click()
    missing = page.evaluate("""() => new Promise(done => {
      let missing = 0, n = 0;
      const t = setInterval(() => {
        n += 1;
        if (!document.querySelector('[data-testid=stGraphVizChart] svg text')) missing += 1;
        if (n >= 80) { clearInterval(t); done(missing); }
      }, 50);
    })""")
    assert missing == 0, f"the graph was missing in {missing} of 80 samples during playback"
    page.wait_for_selector(".st-key-cg_play button:visible", timeout=30_000)  # Pause turned back into Play
    assert _step_shown(page) == 4
    assert "All 7 gradients equal a full" in page.inner_text("[data-testid='stMain']")
    _check_graph_readable(page, bg)
    page.wait_for_timeout(1500)
    assert _step_shown(page) == 4  # stopped at the end
    assert page.locator("[data-testid='stException']").count() == 0
    ctx.close()


def test_dark_derivatives_page_has_readable_chart_text(app_url, browser):  # noqa: F811
    ctx, page = _dark_page(browser, f"{app_url}/derivatives")
    bg = _page_background(page)
    assert _luminance(bg) < 0.02, bg
    page.wait_for_selector("[data-testid=stPlotlyChart] .xtick text", timeout=30_000)
    # plotly's axis labels and titles follow the theme (st.plotly_chart theme="streamlit")
    fills = page.evaluate("() => [...document.querySelectorAll('[data-testid=stPlotlyChart] "
                          ".xtick text, [data-testid=stPlotlyChart] .gtitle')].map(t => getComputedStyle(t).fill)")
    assert fills
    for fill in fills:
        assert _contrast(_rgb(fill), bg) >= 4.5, fill
    assert page.locator("[data-testid='stException']").count() == 0
    ctx.close()


def test_menu_offers_both_themes_and_the_graph_follows_a_switch(app_url, browser):  # noqa: F811
    # a light-mode browser gets the light theme; the menu offers System / Light / Dark (with one pinned
    # theme it offers none), and after a switch the graph takes the new theme's palette at the next step
    ctx = browser.new_context(color_scheme="light", viewport=VIEWPORT)
    page = ctx.new_page()
    page.goto(f"{app_url}/computation_graph")
    _settle(page)
    bg = _page_background(page)
    assert _luminance(bg) > 0.9, bg
    page.wait_for_selector("[data-testid=stGraphVizChart] svg text", timeout=30_000)
    _check_graph_readable(page, bg)
    page.locator("[data-testid='stMainMenu'] button").click()
    items = page.locator("[data-testid='stMainMenuPopover'] [role=menuitemradio]")
    items.first.wait_for(timeout=10_000)
    assert [t.split()[-1] for t in items.all_inner_texts()] == ["System", "Light", "Dark"]
    items.filter(has_text="Dark").click()
    page.keyboard.press("Escape")
    page.wait_for_function("() => getComputedStyle(document.querySelector('.stApp')).backgroundColor"
                           " !== 'rgb(255, 255, 255)'", timeout=10_000)
    page.wait_for_timeout(500)  # the background's transition
    assert _luminance(_page_background(page)) < 0.02
    for n in (1, 2):  # step 2: L sends its gradient along two labelled edges, drawn on the (now dark) page
        page.locator(".st-key-cg_next button:visible").click()
        page.wait_for_function(f"() => /Step {n} of/.test(document.body.innerText)", timeout=30_000)
    page.wait_for_timeout(500)
    colours = _check_graph_readable(page, _page_background(page))
    assert any("×" in t["text"] for t in colours["texts"])
    ctx.close()
