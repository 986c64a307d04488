"""Real-browser test of the playground's "Your own data": click to add a point, upload CSVs, download the points.

In Chromium against `streamlit run app.py` (the server and browser fixtures of tests/test_browser.py,
skipped like it): in click mode "Add a point" a click on the boundary canvas adds one point (the
page's count goes from 100 to 101); Playwright's `set_input_files` uploads a good CSV (the page then
trains on its points) and a bad one (one error, and the points stay); "Points (CSV)" downloads the
points on the page, which `parse_csv` reads back.
"""

import numpy as np
from test_browser import _CANVAS, _settle, app_url, browser, open_playground, pytestmark  # noqa: F401  (fixtures and skip marks)

from micrograd.lessons import user_data as ud

GOOD = b"x1,x2,label\n0,0,1\n1,0.5,0\n2,2,1\n3,3,0\n0,1,1\n-1,-1,0\n"


def _wait_text(page, text, timeout=30_000):
    page.wait_for_function("(t) => document.body.innerText.includes(t)", arg=text, timeout=timeout)


def test_click_adds_a_point_and_csv_upload_and_download_round_trip(app_url, browser, tmp_path):  # noqa: F811
    page, errors = open_playground(browser, app_url)
    canvas = page.locator(f".st-key-pg_boundary_chart {_CANVAS}")
    canvas.wait_for(timeout=60_000)
    assert "Training on your own" not in page.inner_text("body")
    page.locator(".st-key-pg_click_mode button", has_text="Add a point").click()
    page.locator(".st-key-pg_add_label").wait_for(timeout=30_000)
    _settle(page)
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.45)  # inside the plot
    _wait_text(page, "Training on your own 101 points (started from moons)")
    assert "101 points now" in page.inner_text("body")

    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_bytes(GOOD)
    bad.write_bytes(b"0,0,1\n1,1,-1\n2,abc,1\n3,3,-1\n")
    page.locator(".st-key-pg_upload input[type=file]").set_input_files(str(good))
    _wait_text(page, "Training on your own 6 points")
    page.locator(".st-key-pg_upload input[type=file]").set_input_files(str(bad))
    error = page.locator("[data-testid='stAlertContentError']", has_text="line 3")
    error.wait_for(timeout=30_000)
    assert "bad.csv: line 3, column 2 (x2): 'abc' is not a number. Nothing else changed" in error.inner_text()
    assert page.locator("[data-testid='stAlertContentError']").count() == 1
    assert "Training on your own 6 points" in page.inner_text("body")  # the points stayed

    _settle(page)
    with page.expect_download(timeout=30_000) as download:
        page.locator(".st-key-dl_points button:visible").click()
    X, y = ud.parse_csv(open(download.value.path(), "rb").read(), "binary")
    assert np.array_equal(X, [[0, 0], [1, 0.5], [2, 2], [3, 3], [0, 1], [-1, -1]])
    assert y.tolist() == [1, -1, 1, -1, 1, -1]
    assert page.locator("[data-testid='stException']").count() == 0 and not errors, errors
    page.close()
