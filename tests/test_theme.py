"""The light and dark themes: .streamlit/config.toml offers both, and every colour the app picks itself
reads on both page backgrounds and stays distinct under protanopia and deuteranopia.

Contrast is WCAG 2.1's (success criteria 1.4.3 and 1.4.11): relative luminance
L = 0.2126 R + 0.7152 G + 0.0722 B of the linearised sRGB channels, ratio (L1 + 0.05) / (L2 + 0.05);
text needs 4.5:1, lines and box borders 3:1. Colour-vision deficiency is simulated with the
Viénot, Brettel and Mollon (1999) matrices on linear RGB, and colours are told apart by their
CIE76 distance in CIELAB (ΔE >= 20, far above the ~2.3 just-noticeable difference).
"""

import itertools
import tomllib
from pathlib import Path

import pytest

from micrograd.graph import DARK, LIGHT

ROOT = Path(__file__).resolve().parents[1]
CONFIG = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
#: Streamlit's own page backgrounds (streamlit/config.py: theme.backgroundColor's defaults, 1.66 and 1.67)
PAGE = {"light": "#ffffff", "dark": "#171614"}
TEXT, GRAPHICS = 4.5, 3.0


def _linear(hex_colour):
    h = hex_colour.lstrip("#")
    assert len(h) == 6, hex_colour
    c = [int(h[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    return [x / 12.92 if x <= 0.04045 else ((x + 0.055) / 1.055) ** 2.4 for x in c]


def luminance(hex_colour):
    """WCAG 2.1 relative luminance of an sRGB hex colour."""
    r, g, b = _linear(hex_colour)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a, b):
    """WCAG 2.1 contrast ratio of two hex colours, 1 to 21."""
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_contrast_reference_values():
    # WCAG's own end points and a value quoted in its understanding documents (#767676 on white: 4.54)
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#777777") == pytest.approx(1.0)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)


# Viénot, Brettel & Mollon 1999, "Digital video colourmaps for checking the legibility of displays by
# dichromats", in linear RGB (as used by e.g. DaltonLens and Chromium's DevTools emulation)
_SIMULATE = {
    "protanopia": ((0.11238, 0.88762, 0.0), (0.11238, 0.88762, 0.0), (0.00401, -0.00401, 1.0)),
    "deuteranopia": ((0.29275, 0.70725, 0.0), (0.29275, 0.70725, 0.0), (-0.02234, 0.02234, 1.0)),
}


def _lab(rgb_linear):
    r, g, b = rgb_linear
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t):
        return t ** (1 / 3) if t > (6 / 29) ** 3 else t / (3 * (6 / 29) ** 2) + 4 / 29

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def seen_distance(a, b, vision=None):
    """CIE76 ΔE between two hex colours as seen with normal vision or a simulated dichromacy."""
    def see(h):
        c = _linear(h)
        if vision:
            c = [max(0.0, min(1.0, sum(m * v for m, v in zip(row, c, strict=True)))) for row in _SIMULATE[vision]]
        return _lab(c)
    return sum((p - q) ** 2 for p, q in zip(see(a), see(b), strict=True)) ** 0.5


def test_simulation_flags_red_green():
    # the check can fail: a red/green pair (matplotlib's tab:red / tab:green) is far apart to normal
    # vision but collapses for a deuteranope; blue/orange stays apart
    assert seen_distance("#d62728", "#2ca02c") > 60
    assert seen_distance("#d62728", "#2ca02c", "deuteranopia") < 20
    assert seen_distance("#1f77b4", "#ff7f0e", "deuteranopia") > 40


def test_config_offers_light_and_dark():
    theme = CONFIG["theme"]
    # a `base` without [theme.light] / [theme.dark] pins one theme: the viewer could not switch
    assert "base" not in theme
    assert CONFIG["theme"]["light"] and CONFIG["theme"]["dark"]
    for kind in ("light", "dark"):
        t = theme[kind]
        primary = t["primaryColor"]
        assert contrast(primary, "#ffffff") >= TEXT, kind  # white label of a primary button
        assert contrast(primary, PAGE[kind]) >= GRAPHICS, kind  # slider, toggle, focus ring on the page
        assert contrast(t.get("linkColor", primary), PAGE[kind]) >= TEXT, kind  # a link is text


def test_config_is_valid_for_streamlit():
    # every key is one Streamlit 1.66 knows in that section (an unknown key is silently ignored)
    from streamlit import config

    known = set(config.get_config_options())
    for kind in ("light", "dark"):
        for key in CONFIG["theme"][kind]:
            assert f"theme.{kind}.{key}" in known, key


PALETTES = {"light": LIGHT, "dark": DARK}


@pytest.mark.parametrize("kind", ["light", "dark"])
def test_graph_palette_contrast(kind):
    p = PALETTES[kind]
    page = PAGE[kind]
    assert p.background == page and p.name == kind
    # text on the fill it is drawn on
    for fill in (p.node_fill, p.op_fill, p.done, p.partial):
        assert contrast(p.text, fill) >= TEXT, (kind, fill)
    assert contrast(p.current_text, p.current) >= TEXT
    # edge labels and the graph title are drawn on the page itself
    assert contrast(p.edge_text, page) >= TEXT
    assert contrast(p.hot, page) >= TEXT  # the current node's edge labels are drawn in it
    # lines and box outlines against the page (WCAG 1.4.11 non-text contrast)
    for line in (p.edge, p.node_border, p.op_border, p.hot):
        assert contrast(line, page) >= GRAPHICS, (kind, line)


@pytest.mark.parametrize("kind", ["light", "dark"])
@pytest.mark.parametrize("vision", [None, "protanopia", "deuteranopia"])
def test_graph_status_colours_stay_distinct(kind, vision):
    # done (blue), partial (yellow) and current (orange) must be told apart by a colour-blind student
    p = PALETTES[kind]
    for a, b in itertools.combinations((p.node_fill, p.done, p.partial, p.current), 2):
        assert seen_distance(a, b, vision) >= 20, (kind, vision, a, b)


def test_the_lesson_palettes_are_colour_blind_safe():
    # the two-colour codes the pages use outside the graphs: the playground's classes and weight signs
    # (purple / orange, ColorBrewer PuOr) and the gradient check's pass / fail (blue / orange)
    from micrograd.lessons import gradient_check
    from micrograd.lessons import playground as pg

    scale = gradient_check.heatmap_figure(gradient_check.run_check(n=8)).data[0].colorscale
    pairs = [(pg.PURPLE, pg.ORANGE), (pg.CLASS_SCALE[0][1], pg.CLASS_SCALE[-1][1]), (scale[0][1], scale[-1][1])]
    for a, b in pairs:
        for vision in (None, "protanopia", "deuteranopia"):
            assert seen_distance(a, b, vision) >= 20, (a, b, vision)


def test_the_derivatives_figures_read_on_both_themes_and_stay_apart():
    # the tangent, the forward and the central difference are told apart by colour on one plot
    # (the old green / red / orange pair was 8 apart under deuteranopia)
    from micrograd.lessons import derivatives_figures as fig

    lines = (fig.FUNCTION_COLOUR, fig.TANGENT_COLOUR, fig.FORWARD_COLOUR, fig.CENTRAL_COLOUR, fig.MARK_COLOUR)
    for colour in lines:
        for page in PAGE.values():
            assert contrast(colour, page) >= GRAPHICS, (colour, page)
    for a, b in itertools.combinations(lines[:4], 2):
        for vision in (None, "protanopia", "deuteranopia"):
            assert seen_distance(a, b, vision) >= 20, (a, b, vision)
