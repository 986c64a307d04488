"""Compact pictures for the browser: a PNG encoder, colour ramps, contour lines and axis ticks.

The live charts (`app_pages/live_chart.py`) are painted by a small canvas script from a
*scene*: a JSON-serialisable dict of layers in data coordinates (an image, polylines,
points, text, rectangles) plus axes. All the maths happens here, in numpy; the browser only
paints. Nothing here imports streamlit.

- `encode_png` / `png_data_url`: a palette (or RGB) PNG written with numpy and zlib
  (PNG specification, W3C 2003: signature, IHDR, PLTE, IDAT, IEND; filter types 0-2);
- `colour_ramp`: a piecewise-linear colour scale (plotly's colorscale convention:
  [[position, "#rrggbb"], ...]) sampled at n colours;
- `level_indices`: values mapped to palette indices over a fixed range;
- `symmetric_range`: the half-width r of a diverging colour scale [-r, r] that holds every value;
- `contour_paths`: the level set Z = level of a grid as polylines (marching squares with
  linear interpolation along cell edges, saddles resolved by the cell's mean);
- `nice_ticks`: round axis tick values (steps of 1, 2, 2.5 or 5 times a power of ten);
- `rounded`: numbers as short JSON (a fixed number of decimals).
"""

import base64
import math
import struct
import zlib
from collections import defaultdict

import numpy as np

__all__ = ["encode_png", "png_data_url", "colour_ramp", "hex_alpha", "tick_labels", "level_indices",
           "symmetric_range", "contour_paths", "nice_ticks", "rounded"]

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _chunk(kind, payload):
    """One PNG chunk: length, type, data, CRC-32 of type + data."""
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))


def encode_png(pixels, palette=None, level=3):
    """Encode an image as PNG bytes.

    Args:
        pixels: uint8 array, (h, w) palette indices (needs `palette`) or (h, w, 3) RGB;
            row 0 is the top of the picture.
        palette: (n, 3) uint8 RGB colours, n <= 256, for an indexed image.
        level: zlib compression level.

    Returns:
        the PNG file as bytes. Each row is filtered with one of None / Sub / Up for the whole
        image, whichever compresses smallest (PNG filter types 0, 1, 2).

    Raises:
        ValueError: for a wrong shape or dtype, or a palette too short for the indices.
    """
    px = np.asarray(pixels)
    if px.dtype != np.uint8 or px.ndim not in (2, 3) or (px.ndim == 3 and px.shape[2] != 3) or 0 in px.shape:
        raise ValueError(f"pixels must be a non-empty uint8 (h, w) or (h, w, 3) array, got {px.dtype} {px.shape}")
    h, w = px.shape[:2]
    if px.ndim == 2:
        if palette is None:
            raise ValueError("an (h, w) image of indices needs a palette")
        pal = np.asarray(palette, dtype=np.uint8).reshape(-1, 3)
        if not 1 <= len(pal) <= 256 or int(px.max()) >= len(pal):
            raise ValueError(f"palette of {len(pal)} colours does not cover index {int(px.max())}")
        colour_type, header = 3, _chunk(b"PLTE", pal.tobytes())
    else:
        colour_type, header = 2, b""
    rows = px.reshape(h, -1)
    bpp = 1 if px.ndim == 2 else 3
    sub = rows.copy()
    sub[:, bpp:] = rows[:, bpp:] - rows[:, :-bpp]  # uint8 arithmetic wraps modulo 256, as PNG says
    up = rows.copy()
    up[1:] = rows[1:] - rows[:-1]
    best = None
    for ftype, filtered in ((0, rows), (1, sub), (2, up)):
        raw = np.hstack([np.full((h, 1), ftype, dtype=np.uint8), filtered]).tobytes()
        packed = zlib.compress(raw, level)
        if best is None or len(packed) < len(best):
            best = packed
    ihdr = struct.pack(">IIBBBBB", w, h, 8, colour_type, 0, 0, 0)
    return _PNG_SIGNATURE + _chunk(b"IHDR", ihdr) + header + _chunk(b"IDAT", best) + _chunk(b"IEND", b"")


def png_data_url(png):
    """PNG bytes as a ``data:image/png;base64,...`` URL (what an <img> or canvas image takes)."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def colour_ramp(stops, n):
    """Sample a piecewise-linear colour scale at n evenly spaced positions.

    Args:
        stops: [[position, "#rrggbb"], ...] with positions rising from 0 to 1 (plotly's
            colorscale format, e.g. `micrograd.lessons.playground.PUOR`).
        n: number of colours, >= 2.

    Returns:
        (n, 3) uint8 array: colour k is at position k / (n - 1), each channel linearly
        interpolated in sRGB between the neighbouring stops (as plotly does) and rounded.
    """
    pos = np.array([float(p) for p, _ in stops])
    rgb = np.array([[int(c[i:i + 2], 16) for i in (1, 3, 5)] for _, c in stops], dtype=np.float64)
    t = np.linspace(0.0, 1.0, n)
    out = np.column_stack([np.interp(t, pos, rgb[:, k]) for k in range(3)])
    return np.round(out).astype(np.uint8)


def tick_labels(lo, hi, target=6):
    """Axis ticks for a scene: ``[[value, "label"], ...]`` at `nice_ticks`'s round values, each labelled with
    its shortest form (``f"{v:g}"``)."""
    return [[v, f"{v:g}"] for v in nice_ticks(lo, hi, target)]


def hex_alpha(colour, alpha):
    """'#rrggbb' with an opacity `alpha` in [0, 1], as '#rrggbbaa' (CSS Color 4 hex notation, which canvas takes)."""
    return f"{colour}{round(alpha * 255):02x}"


def level_indices(Z, lo, hi, n):
    """Map values to palette indices 0..n-1 over [lo, hi] (clipped; NaN counts as the middle).

    Index k stands for the value lo + k * (hi - lo) / (n - 1); each value gets the nearest one.
    Returns a uint8 array of Z's shape (n <= 256).
    """
    Z = np.nan_to_num(np.asarray(Z, dtype=np.float64), nan=(lo + hi) / 2.0, posinf=hi, neginf=lo)
    frac = (np.clip(Z, lo, hi) - lo) / (hi - lo)
    return np.rint(frac * (n - 1)).astype(np.uint8)


# marching squares: for each corner case (bit 0 bottom-left, 1 bottom-right, 2 top-right, 3 top-left above
# the level), the cell edges (0 bottom, 1 right, 2 top, 3 left) joined by a segment. 5 and 10 are saddles.
_CASES = {1: ((3, 0),), 2: ((0, 1),), 3: ((3, 1),), 4: ((1, 2),), 6: ((0, 2),), 7: ((3, 2),), 8: ((2, 3),),
          9: ((0, 2),), 11: ((1, 2),), 12: ((3, 1),), 13: ((0, 1),), 14: ((3, 0),)}
_SADDLE = {  # (centre above the level, centre not above)
    5: (((0, 1), (2, 3)), ((3, 0), (1, 2))),
    10: (((3, 0), (1, 2)), ((0, 1), (2, 3))),
}
# the same as one table: [case, centre above the level (0/1), segment (0/1), end (0/1)] -> edge, -1 = none
_PAIRS = np.full((16, 2, 2, 2), -1, dtype=np.int64)
for _case, _pairs in _CASES.items():
    _PAIRS[_case, :, 0] = _pairs[0]
for _case, (_above, _below) in _SADDLE.items():
    _PAIRS[_case, 1], _PAIRS[_case, 0] = _above, _below


def symmetric_range(values):
    """The half-width r of a diverging colour scale [-r, r] (0 in the middle) that holds every one of `values`.

    Args:
        values: numbers (any array-like; may be empty).

    Returns:
        float: the largest |value|, or 1.0 if that is 0, not finite (inf, nan), or there are no values.
    """
    top = float(np.max(np.abs(values))) if np.size(values) else 0.0
    return top if top > 0 and math.isfinite(top) else 1.0


def contour_paths(xs, ys, Z, level=0.0, decimals=3):
    """The curve Z = level of a gridded function, as polylines (marching squares).

    Args:
        xs, ys: rising grid coordinates, shapes (nx,) and (ny,).
        Z: (ny, nx) values, Z[i, j] at (xs[j], ys[i]); non-finite values count as below the level.
        level: the contour value.
        decimals: coordinates are rounded to this many decimals.

    Returns:
        list of polylines, each a flat list [x0, y0, x1, y1, ...] (a closed curve repeats its
        first point at the end). Where the curve crosses a cell edge, the point is the linear
        interpolation of Z along that edge; a saddle cell (opposite corners on the same side)
        is split by the sign of the mean of its four corners. [] if Z never crosses the level.
    """
    xs, ys = np.asarray(xs, dtype=np.float64), np.asarray(ys, dtype=np.float64)
    Z = np.asarray(Z, dtype=np.float64)
    ny, nx = Z.shape
    above = np.isfinite(Z) & (Z > level)
    Zf = np.where(np.isfinite(Z), Z, level - 1.0)
    with np.errstate(all="ignore"):
        th = (level - Zf[:, :-1]) / (Zf[:, 1:] - Zf[:, :-1])  # along horizontal edges (i, j) - (i, j+1)
        tv = (level - Zf[:-1, :]) / (Zf[1:, :] - Zf[:-1, :])  # along vertical edges (i, j) - (i+1, j)
    hx = xs[:-1] + np.nan_to_num(th) * np.diff(xs)
    hy = np.broadcast_to(ys[:, None], hx.shape)
    vy = ys[:-1, None] + np.nan_to_num(tv) * np.diff(ys)[:, None]
    vx = np.broadcast_to(xs[None, :], vy.shape)
    px = np.concatenate([hx.ravel(), vx.ravel()])
    py = np.concatenate([hy.ravel(), vy.ravel()])
    n_h = ny * (nx - 1)
    a, b = above[:-1, :-1], above[:-1, 1:]
    c, d = above[1:, 1:], above[1:, :-1]
    case = a * 1 + b * 2 + c * 4 + d * 8
    ii, jj = np.nonzero((case != 0) & (case != 15))
    if not len(ii):
        return []
    edge_ids = np.stack([ii * (nx - 1) + jj,             # 0 bottom: horizontal edge (i, j)
                         n_h + ii * nx + jj + 1,         # 1 right: vertical edge (i, j+1)
                         (ii + 1) * (nx - 1) + jj,       # 2 top: horizontal edge (i+1, j)
                         n_h + ii * nx + jj], axis=1)    # 3 left: vertical edge (i, j)
    centre_above = (Zf[:-1, :-1] + Zf[:-1, 1:] + Zf[1:, 1:] + Zf[1:, :-1])[ii, jj] / 4.0 > level
    sel = _PAIRS[case[ii, jj], centre_above.astype(np.int64)]  # (cells, 2 segments, 2 ends)
    ends = [np.take_along_axis(edge_ids, np.maximum(sel[:, :, e], 0), axis=1) for e in (0, 1)]
    valid = sel[:, :, 0] >= 0
    segs = list(zip(ends[0][valid].tolist(), ends[1][valid].tolist(), strict=True))
    return [_flat(px, py, chain, decimals) for chain in _stitch(segs)]


def _stitch(segs):
    """Join segments (pairs of edge ids) that share an edge into chains of edge ids."""
    touching = defaultdict(list)
    for s, (e0, e1) in enumerate(segs):
        touching[e0].append(s)
        touching[e1].append(s)
    used = [False] * len(segs)

    def walk(edge):
        out = []
        while True:
            nxt = next((s for s in touching[edge] if not used[s]), None)
            if nxt is None:
                return out
            used[nxt] = True
            e0, e1 = segs[nxt]
            edge = e1 if e0 == edge else e0
            out.append(edge)

    chains = []
    for s, (e0, e1) in enumerate(segs):
        if used[s]:
            continue
        used[s] = True
        forward = walk(e1)
        backward = walk(e0)
        chains.append(backward[::-1] + [e0, e1] + forward)
    return chains


def _flat(px, py, chain, decimals):
    idx = np.array(chain)
    return rounded(np.column_stack([px[idx], py[idx]]).ravel(), decimals)


def nice_ticks(lo, hi, target=6):
    """Round tick values inside [lo, hi], at most about target + 1 of them.

    The step is the smallest of 1, 2, 2.5, 5 x 10^k that is at least (hi - lo) / target.
    Returns a list of floats (rounded to the step's decimals, so 0.1 + 0.2 shows as 0.3).
    """
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
        return [lo] if math.isfinite(lo) else []
    raw = (hi - lo) / max(target, 1)
    mag = 10.0 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw * (1 - 1e-9))
    decimals = max(0, -math.floor(math.log10(step)) + (1 if step / mag == 2.5 else 0))
    first = math.ceil(lo / step - 1e-9)
    last = math.floor(hi / step + 1e-9)
    return [round(k * step, decimals) + 0.0 for k in range(first, last + 1)]


def rounded(values, decimals=3):
    """Numbers as a list of Python floats rounded to `decimals` (short in JSON); NaN/inf become None."""
    a = np.round(np.asarray(values, dtype=np.float64), decimals)
    return [v if math.isfinite(v) else None for v in a.tolist()]
