"""Browser checks of the network diagram (Playwright, Debian's Chromium, `streamlit run app.py`): hovering an edge
shows its weight, clicking it opens the weight editor, hovering a hidden neuron shows its map large in the tip and
clicking it shows it large in the boundary view, and while playing every frame paints the neuron maps (most
frames keep the last ones). Skipped as tests/test_browser.py is where Playwright or Chromium is missing.
"""

from test_browser import app_url, browser, open_playground, pytestmark  # noqa: F401  (fixtures and skip marks)

# the painter's layout of the network chart (live_chart.js `layout`): a 52 px axis margin on the left, 10 on the
# right, a 28 px title above, 40 px of ticks below, 360 px in all; the default network 2-8-8-1 spans x -0.35..3.35
# and y -4..4 (its tallest column, 8 units)
LEFT, RIGHT, TOP, HEIGHT, BOTTOM = 52, 10, 28, 360, 40
X_RANGE, Y_RANGE = (-0.35, 3.35), (-4.0, 4.0)


def _pixel(box, x, y):
    pw = box["width"] - LEFT - RIGHT
    ph = HEIGHT - TOP - BOTTOM
    return (box["x"] + LEFT + (x - X_RANGE[0]) / (X_RANGE[1] - X_RANGE[0]) * pw,
            box["y"] + TOP + (Y_RANGE[1] - y) / (Y_RANGE[1] - Y_RANGE[0]) * ph)


def test_clicking_an_edge_opens_the_weight_editor_and_a_neuron_its_big_view(app_url, browser):  # noqa: F811
    page, errors = open_playground(browser, app_url)
    canvas = page.locator("canvas[data-testid=liveChartCanvas][data-title^='Network']").first
    canvas.wait_for(timeout=30_000)
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    # the edge from input x1 (column 0, y 0.5) to hidden-1 unit 1 (column 1, y 3.5), at its middle
    X, Y = _pixel(box, 0.5, 2.0)
    page.mouse.move(X, Y)
    tip = page.locator("div", has_text="layer 1, w[1,1] = ").last
    tip.wait_for(state="visible", timeout=10_000)
    assert "∂L/∂w = " in tip.inner_text()
    page.mouse.click(X, Y)
    page.get_by_text("Edit weight w[1,1] of layer 1").wait_for(timeout=30_000)
    assert page.get_by_role("button", name="Set weight").count() == 1
    # hidden layer 1, unit 1 (column 1, y 3.5): the boundary view shows that neuron
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    page.mouse.move(*_pixel(box, 1.0, 3.5))  # hovering it shows its map large in the tip, with its bias
    zoom = page.locator("[data-testid=liveChartZoom]:visible")
    zoom.wait_for(state="visible", timeout=10_000)
    assert zoom.bounding_box()["width"] == 120 and "data:image/png" in zoom.get_attribute("style")
    page.locator("div", has_text="hidden layer 1, unit 1: bias = ").last.wait_for(state="visible", timeout=10_000)
    page.mouse.click(*_pixel(box, 1.0, 3.5))
    page.locator("canvas[data-title^='Hidden layer 1, neuron 1: its output']").wait_for(timeout=30_000)
    page.get_by_role("button", name="Back to the output").click()
    page.locator("canvas[data-title^='Decision boundary at step']").wait_for(timeout=30_000)
    # playing: most frames leave the maps out (a 'keep' layer) and the painter paints the last ones it got
    page.locator("[data-testid=stMain] button", has_text="Play").first.click()
    seen = []
    for _ in range(12):
        page.wait_for_timeout(150)
        seen.append((canvas.get_attribute("data-frames"), canvas.get_attribute("data-layers")))
    page.locator("[data-testid=stMain] button", has_text="Pause").first.click()
    assert len({frames for frames, _ in seen}) >= 6, seen  # it was repainting
    assert all("neuron maps" in layers.split(",") for _, layers in seen), seen
    assert not errors, errors
    page.close()
