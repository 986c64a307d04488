"""Real-browser test of the backprop microscope: a click on a training point of the playground's
decision boundary opens the microscope panel on that point (Playwright, Debian's Chromium; the
app is started as in tests/test_browser.py, whose fixtures are reused)."""

import re

import pytest
from test_browser import _CANVAS, app_url, browser, open_playground, pytestmark  # noqa: F401  (fixtures and skip marks)

# Move the mouse (synthetic events, in the page) over a grid of the boundary canvas until the chart's
# hover tip names a training point: returns its client position and the tip's text, or null.
_FIND_TRAIN_POINT = """
() => {
  const host = document.querySelector('.st-key-pg_boundary_chart [data-testid=stBidiComponentIsolated]');
  const canvas = host && host.shadowRoot && host.shadowRoot.querySelector('canvas');
  if (!canvas) return null;
  const tip = canvas.parentElement.querySelector('div');
  const r = canvas.getBoundingClientRect();
  for (let fy = 0.15; fy < 0.9; fy += 0.01) {
    for (let fx = 0.1; fx < 0.85; fx += 0.01) {
      const X = r.left + fx * r.width, Y = r.top + fy * r.height;
      canvas.dispatchEvent(new MouseEvent('mousemove', {clientX: X, clientY: Y, bubbles: true}));
      if (tip.style.display !== 'none' && /^train/.test(tip.textContent)) return {X, Y, text: tip.textContent};
    }
  }
  return null;
}
"""


def test_clicking_a_training_point_opens_the_microscope_on_it(app_url, browser):  # noqa: F811
    page, errors = open_playground(browser, app_url)
    canvas = page.locator(f".st-key-pg_boundary_chart {_CANVAS}")
    canvas.wait_for(timeout=60_000)
    canvas.scroll_into_view_if_needed()
    assert page.locator("[data-testid='stGraphVizChart']").count() == 0  # no panel yet
    hit = page.evaluate(_FIND_TRAIN_POINT)
    assert hit, "no training point found under the mouse on the boundary canvas"
    x1, x2 = (float(v) for v in re.search(r"x1=(-?[\d.]+), x2=(-?[\d.]+)", hit["text"]).groups())
    page.mouse.click(hit["X"], hit["Y"])
    caption = page.locator("[data-testid='stCaptionContainer']", has_text="Training example #")
    caption.first.wait_for(timeout=60_000)
    page.locator("[data-testid='stGraphVizChart'] svg").first.wait_for(timeout=60_000)
    text = caption.first.inner_text()
    shown = [float(v.replace("−", "-")) for v in re.findall(r"x[12] = (−?[\d.]+)", text)[:2]]
    assert shown == pytest.approx([x1, x2], abs=0.006), (text, hit["text"])  # the point clicked
    assert re.search(r"point=\d+", page.url), page.url  # and the link names it
    svg = page.locator("[data-testid='stGraphVizChart'] svg").first.text_content()
    assert "grad 1" in svg  # the loss node, drawn by the graph page's renderer
    assert page.locator("[data-testid='stException']").count() == 0
    assert not errors, errors
    page.close()
