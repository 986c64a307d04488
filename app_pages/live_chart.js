// micrograd classroom: the live chart painter (an st.components.v2 module; see live_chart.py).
// One <canvas> per chart element. Streamlit calls the default export again with new `data` (a
// scene) on every rerun; the canvas and its state stay, and the new scene is painted only once
// its images have decoded, in one go, so the chart is never blank between frames.
// All numbers arrive computed; this file only maps data coordinates to pixels and paints.
// (live_chart.py strips comment lines and indentation before sending it: no multi-line strings.)

const charts = new WeakMap();
const FALLBACK_TEXT = "#31333f";

function cssVar(el, name, fallback) {
  const v = getComputedStyle(el).getPropertyValue(name).trim();
  return v || fallback;
}

// a number as Python's "%.3g" writes it (trailing zeros dropped): tips that arrive as numbers are formatted here
function fmtG(v) {
  if (v === null || v === undefined) return "nan";
  if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
  if (Number.isInteger(v) && Math.abs(v) < 1e6) return String(v);
  return String(Number(Number(v).toPrecision(3)));
}

// a layer's hover text for item i: its "tips" (one per item), "tip" (one for all), or "fmt" with {k}
// replaced by the k-th of the item's "stride" numbers in "vals"
function tipText(layer, i) {
  if (layer.tips) return layer.tips[i];
  if (layer.tip) return layer.tip;
  if (layer.fmt) {
    const n = layer.stride || 1;
    return layer.fmt.replace(/\{(\d+)\}/g, (m, k) => fmtG((layer.vals || [])[i * n + Number(k)]));
  }
  return null;
}

function hasTip(layer) { return Boolean(layer.tip || layer.tips || layer.fmt); }

// squared pixel distance from (X, Y) to the segment (ax, ay)-(bx, by)
function segDist2(X, Y, ax, ay, bx, by) {
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  const t = len2 > 0 ? Math.max(0, Math.min(1, ((X - ax) * dx + (Y - ay) * dy) / len2)) : 0;
  const ex = ax + t * dx - X;
  const ey = ay + t * dy - Y;
  return ex * ex + ey * ey;
}

function loadImage(cache, src) {
  let p = cache.get(src);
  if (!p) {
    const im = new Image();
    im.src = src;
    p = im.decode().then(() => im, () => null);
    cache.set(src, p);
    while (cache.size > 8) cache.delete(cache.keys().next().value);
  }
  return p;
}

function sceneImages(scene) {
  const out = [];
  for (const layer of scene.layers || []) if (layer.type === "image" || layer.type === "sprites") out.push(layer.src);
  if (scene.colorbar && scene.colorbar.src) out.push(scene.colorbar.src);
  return out;
}

class Chart {
  constructor(root) {
    this.box = document.createElement("div");
    this.box.style.cssText = "position:relative;width:100%;";
    this.canvas = document.createElement("canvas");
    this.canvas.style.cssText = "display:block;";
    this.canvas.setAttribute("data-testid", "liveChartCanvas");
    this.tip = document.createElement("div");
    this.tip.style.cssText = "position:absolute;display:none;pointer-events:none;padding:2px 6px;border-radius:4px;font:12px sans-serif;background:rgba(255,255,255,0.92);color:#222;border:1px solid #999;white-space:nowrap;";
    this.tipText = document.createElement("div");
    // a sprite under the pointer, shown "zoom" px large inside the tip (a neuron's map, big): its sheet as a
    // background, scaled and shifted to the cell (a div, so the chart keeps one canvas)
    this.zoom = document.createElement("div");
    this.zoom.setAttribute("data-testid", "liveChartZoom");
    this.zoom.style.cssText = "display:none;margin:4px 0 2px 0;background-repeat:no-repeat;";
    this.tip.append(this.tipText, this.zoom);
    this.box.append(this.canvas, this.tip);
    root.appendChild(this.box);
    this.images = new Map();
    this.kept = new Map();  // name -> the last layer of that name, for {"type": "keep", "name"} layers
    this.seq = 0;
    this.painted = 0;
    this.scene = null;
    this.canvas.addEventListener("mousemove", (e) => this.hover(e));
    this.canvas.addEventListener("mouseleave", () => { this.tip.style.display = "none"; });
    this.canvas.addEventListener("click", (e) => this.click(e));
    this.resize = new ResizeObserver(() => { if (this.scene && this.box.clientWidth !== this.width) this.paint(); });
  }

  show(scene) {
    this.resize.observe(this.box);
    // a {"type": "keep", "name"} layer stands for the last layer of that name this chart received (a frame
    // omits what has not changed: the neuron maps, a reference run); none yet: it is left out
    const layers = [];
    for (const layer of scene.layers || []) {
      const l = layer.type === "keep" ? this.kept.get(layer.name) : layer;
      if (!l) continue;
      layers.push(l);
      if (l.name) this.kept.set(l.name, l);
    }
    scene = Object.assign({}, scene, { layers });
    const seq = ++this.seq;
    Promise.all(sceneImages(scene).map((src) => loadImage(this.images, src))).then((imgs) => {
      if (seq !== this.seq) return;  // a newer scene arrived meanwhile: paint that one instead
      const bySrc = new Map();
      sceneImages(scene).forEach((src, i) => bySrc.set(src, imgs[i]));
      this.scene = scene;
      this.bySrc = bySrc;
      this.paint();
    });
  }

  detach() {
    this.resize.disconnect();
  }

  layout() {
    const s = this.scene;
    const W = Math.max(120, this.box.clientWidth || 400);
    const hasAxes = Boolean(s.x && s.x.ticks);
    const k = s.font_scale || 1;  // type and the margins that hold it grow together (presenter mode)
    const left = hasAxes ? 52 * k : 8;
    const right = s.colorbar ? 64 * k : (s.y2 ? 56 * k : 10);
    const top = s.title ? 28 * k : 8;
    const rows = s.legend ? this.legendRows(s, W, left, k).length : 0;
    const bottom = (hasAxes ? 40 * k : 8) + rows * 22 * k;
    let pw = W - left - right;
    let ph;
    const [x0, x1] = (s.x && s.x.range) || [0, 1];
    const [y0, y1] = (s.y && s.y.range) || [0, 1];
    if (s.aspect === "equal") {
      ph = pw * (y1 - y0) / (x1 - x0);
      const maxH = s.max_height || 460;
      if (ph > maxH) { ph = maxH; pw = ph * (x1 - x0) / (y1 - y0); }
    } else if (typeof s.aspect === "number") {  // plot height = aspect x plot width, at most max_height
      ph = Math.min(pw * s.aspect, s.max_height || 460);
    } else {
      ph = (s.height || 360) - top - bottom;
    }
    const ox = left + Math.max(0, (W - left - right - pw) / 2);
    return { W, H: Math.ceil(top + ph + bottom), ox, oy: top, pw, ph, x0, x1, y0, y1, k };
  }

  px(L, x) { return L.ox + (x - L.x0) / (L.x1 - L.x0) * L.pw; }
  py(L, y) { return L.oy + (L.y1 - y) / (L.y1 - L.y0) * L.ph; }

  paint() {
    const s = this.scene;
    const L = this.layout();
    this.L = L;
    this.width = this.box.clientWidth;
    const dpr = window.devicePixelRatio || 1;
    const cw = Math.round(L.W * dpr);
    const ch = Math.round(L.H * dpr);
    const c = this.canvas;
    if (c.width !== cw || c.height !== ch) {
      c.width = cw;
      c.height = ch;
      c.style.width = L.W + "px";
      c.style.height = L.H + "px";
    }
    const g = c.getContext("2d");
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, L.W, L.H);
    this.spriteBoxes = [];
    const ink = cssVar(this.box, "--st-text-color", FALLBACK_TEXT);
    const font = cssVar(this.box, "--st-font", "sans-serif");
    g.save();
    g.beginPath();
    g.rect(L.ox, L.oy, L.pw, L.ph);
    g.clip();
    for (const layer of s.layers || []) this.paintLayer(g, L, layer, ink, font);
    g.restore();
    // the plot's frame in the theme's text colour, faint: it reads on the light and the dark page
    g.strokeStyle = ink;
    g.globalAlpha = 0.35;
    g.lineWidth = 1;
    g.strokeRect(L.ox + 0.5, L.oy + 0.5, L.pw - 1, L.ph - 1);
    g.globalAlpha = 1;
    this.paintAxes(g, L, s, ink, font);
    if (s.colorbar) this.paintColorbar(g, L, s.colorbar, ink, font);
    if (s.y2) this.paintRightAxis(g, L, s.y2, ink, font);
    if (s.legend) this.paintLegend(g, L, s, ink, font);
    if (s.title) {
      g.fillStyle = ink;
      let size = 14 * L.k;
      g.font = "600 " + size + "px " + font;
      while (size > 10 && g.measureText(s.title).width > L.W - L.ox - 4) {  // a long title shrinks to fit
        size -= 1;
        g.font = "600 " + size + "px " + font;
      }
      g.textAlign = "left";
      g.textBaseline = "alphabetic";
      g.fillText(s.title, L.ox, L.oy - 10 * L.k);
    }
    this.painted += 1;
    c.setAttribute("data-frames", String(this.painted));
    c.setAttribute("data-title", s.title || "");
    // what was painted, by layer name (a kept layer included): for tests and for reading the page
    c.setAttribute("data-layers", (s.layers || []).map((l) => l.name || l.type).join(","));
  }

  paintLayer(g, L, layer, ink, font) {
    if (layer.type === "image") {
      const im = this.bySrc.get(layer.src);
      if (!im) return;
      g.imageSmoothingEnabled = layer.smooth !== false;
      const xa = this.px(L, layer.x[0]);
      const xb = this.px(L, layer.x[1]);
      const ya = this.py(L, layer.y[1]);
      const yb = this.py(L, layer.y[0]);
      g.drawImage(im, xa, ya, xb - xa, yb - ya);
    } else if (layer.type === "sprites") {
      // cell k of a sheet of n cells side by side, centred on point k, "size" px square (at most "fit" of a
      // data unit on either axis), framed in "stroke" (or "strokes"[k])
      const im = this.bySrc.get(layer.src);
      if (!im) return;
      const xy = layer.xy || [];
      const n = Math.max(1, xy.length / 2);
      const cw = im.naturalWidth / n;
      const fit = layer.fit || 0.8;
      const side = Math.min(layer.size || 24, fit * L.pw / Math.abs(L.x1 - L.x0), fit * L.ph / Math.abs(L.y1 - L.y0));
      g.imageSmoothingEnabled = layer.smooth !== false;
      for (let k = 0; k < n; k++) {
        const X = this.px(L, xy[2 * k]) - side / 2;
        const Y = this.py(L, xy[2 * k + 1]) - side / 2;
        g.drawImage(im, k * cw, 0, cw, im.naturalHeight, X, Y, side, side);
        if (layer.zoom) this.spriteBoxes.push({ src: layer.src, k, n, X, Y, side, zoom: layer.zoom });
        const frame = layer.strokes ? layer.strokes[k] : layer.stroke;
        if (frame) { g.strokeStyle = frame; g.lineWidth = layer.line || 1; g.strokeRect(X, Y, side, side); }
      }
    } else if (layer.type === "lines") {
      g.strokeStyle = layer.color || ink;
      g.lineWidth = layer.width || 1;
      g.lineJoin = "round";
      g.lineCap = "round";
      g.setLineDash(layer.dash || []);
      g.beginPath();
      for (const p of layer.paths || []) {
        for (let i = 0; i + 1 < p.length; i += 2) {
          const X = this.px(L, p[i]);
          const Y = this.py(L, p[i + 1]);
          if (i === 0) g.moveTo(X, Y); else g.lineTo(X, Y);
        }
      }
      g.stroke();
      g.setLineDash([]);
    } else if (layer.type === "points") {
      const r = (layer.size || 8) / 2;
      const xy = layer.xy || [];
      const shape = (g2, X, Y) => {
        if (layer.shape === "square") g2.rect(X - r * 0.9, Y - r * 0.9, 1.8 * r, 1.8 * r);
        else if (layer.shape === "diamond") { g2.moveTo(X, Y - r); g2.lineTo(X + r, Y); g2.lineTo(X, Y + r); g2.lineTo(X - r, Y); g2.closePath(); }
        else { g2.moveTo(X + r, Y); g2.arc(X, Y, r, 0, 2 * Math.PI); }
      };
      g.beginPath();
      for (let i = 0; i + 1 < xy.length; i += 2) shape(g, this.px(L, xy[i]), this.py(L, xy[i + 1]));
      if (layer.halo) { g.strokeStyle = layer.halo; g.lineWidth = (layer.line || 1) + 3; g.stroke(); }
      if (layer.fill) { g.fillStyle = layer.fill; g.fill(); }
      if (layer.stroke) { g.strokeStyle = layer.stroke; g.lineWidth = layer.line || 1; g.stroke(); }
    } else if (layer.type === "rect") {
      const xa = this.px(L, layer.x[0]);
      const xb = this.px(L, layer.x[1]);
      const ya = this.py(L, layer.y[1]);
      const yb = this.py(L, layer.y[0]);
      if (layer.fill) { g.fillStyle = layer.fill; g.fillRect(xa, ya, xb - xa, yb - ya); }
      if (layer.stroke) { g.strokeStyle = layer.stroke; g.lineWidth = layer.line || 1; g.strokeRect(xa, ya, xb - xa, yb - ya); }
    } else if (layer.type === "text") {
      g.fillStyle = layer.color || ink;
      g.font = (layer.size || 12) + "px " + font;
      g.textAlign = layer.align || "center";
      g.textBaseline = layer.baseline || "middle";
      g.fillText(layer.text, this.px(L, layer.x), this.py(L, layer.y));
    }
  }

  paintAxes(g, L, s, ink, font) {
    g.fillStyle = ink;
    g.strokeStyle = ink;
    g.lineWidth = 1;
    g.font = 12 * L.k + "px " + font;
    if (s.x && s.x.ticks) {
      g.textAlign = "center";
      g.textBaseline = "top";
      for (const [v, text] of s.x.ticks) {
        const X = this.px(L, v);
        g.beginPath(); g.moveTo(X, L.oy + L.ph); g.lineTo(X, L.oy + L.ph + 4); g.stroke();
        g.fillText(text, X, L.oy + L.ph + 6 * L.k);
      }
      if (s.x.label) g.fillText(s.x.label, L.ox + L.pw / 2, L.oy + L.ph + 24 * L.k);
    }
    if (s.y && s.y.ticks) {
      g.textAlign = "right";
      g.textBaseline = "middle";
      for (const [v, text] of s.y.ticks) {
        const Y = this.py(L, v);
        g.beginPath(); g.moveTo(L.ox - 4, Y); g.lineTo(L.ox, Y); g.stroke();
        g.fillText(text, L.ox - 6, Y);
      }
      if (s.y.label) {
        g.save();
        g.translate(L.ox - 40 * L.k, L.oy + L.ph / 2);
        g.rotate(-Math.PI / 2);
        g.textAlign = "center";
        g.fillText(s.y.label, 0, 0);
        g.restore();
      }
    }
  }

  // a second scale on the right: its ticks arrive as positions in the y axis's units
  paintRightAxis(g, L, y2, ink, font) {
    const x = L.ox + L.pw;
    g.fillStyle = ink;
    g.strokeStyle = ink;
    g.lineWidth = 1;
    g.font = 12 * L.k + "px " + font;
    g.textAlign = "left";
    g.textBaseline = "middle";
    for (const [v, text] of y2.ticks || []) {
      const Y = this.py(L, v);
      g.beginPath(); g.moveTo(x, Y); g.lineTo(x + 4, Y); g.stroke();
      g.fillText(text, x + 6, Y);
    }
    if (y2.label) {
      g.save();
      g.translate(x + 48 * L.k, L.oy + L.ph / 2);
      g.rotate(Math.PI / 2);
      g.textAlign = "center";
      g.fillText(y2.label, 0, 0);
      g.restore();
    }
  }

  // the legend's entries in rows that fit the chart's width: [[x, entry], ...] per row
  legendRows(s, W, left, k) {
    const g = this.canvas.getContext("2d");
    g.font = 12 * k + "px " + cssVar(this.box, "--st-font", "sans-serif");
    const rows = [[]];
    let X = left;
    for (const entry of s.legend) {
      const w = 26 * k + g.measureText(entry[0]).width + 14 * k;
      if (X + w > W && rows[rows.length - 1].length) { rows.push([]); X = left; }
      rows[rows.length - 1].push([X, entry]);
      X += w;
    }
    return rows;
  }

  // rows under the plot: [text, colour, dash] per entry, a short line sample before each text
  paintLegend(g, L, s, ink, font) {
    const Y0 = L.oy + L.ph + ((s.x && s.x.ticks) ? 40 * L.k : 8) + 10 * L.k;
    this.legendRows(s, L.W, L.ox, L.k).forEach((row, r) => {
      const Y = Y0 + r * 22 * L.k;
      g.font = 12 * L.k + "px " + font;
      g.textAlign = "left";
      g.textBaseline = "middle";
      for (const [X, [text, colour, dash]] of row) {
        g.strokeStyle = colour;
        g.lineWidth = 2;
        g.setLineDash(dash || []);
        g.beginPath(); g.moveTo(X, Y); g.lineTo(X + 22 * L.k, Y); g.stroke();
        g.setLineDash([]);
        g.fillStyle = ink;
        g.fillText(text, X + 26 * L.k, Y);
      }
    });
  }

  paintColorbar(g, L, bar, ink, font) {
    const im = this.bySrc.get(bar.src);
    const x = L.ox + L.pw + 12;
    const top = L.oy + 22 * L.k;
    const h = L.ph - 22 * L.k;
    if (im) {
      g.imageSmoothingEnabled = bar.smooth !== false;
      g.drawImage(im, x, top, 12, h);
    }
    g.strokeStyle = ink;
    g.globalAlpha = 0.35;
    g.strokeRect(x + 0.5, top + 0.5, 11, h - 1);
    g.globalAlpha = 1;
    g.fillStyle = ink;
    g.font = 12 * L.k + "px " + font;
    g.textAlign = "left";
    g.textBaseline = "middle";
    const [lo, hi] = bar.range;
    for (const [v, text] of bar.ticks || []) g.fillText(text, x + 16 * L.k, top + (hi - v) / (hi - lo) * h);
    if (bar.label) { g.textBaseline = "alphabetic"; g.fillText(bar.label, x - 2, top - 10); }
  }

  dataAt(e) {
    const rect = this.canvas.getBoundingClientRect();
    const L = this.L;
    const X = e.clientX - rect.left;
    const Y = e.clientY - rect.top;
    const inside = X >= L.ox && X <= L.ox + L.pw && Y >= L.oy && Y <= L.oy + L.ph;
    const x = L.x0 + (X - L.ox) / L.pw * (L.x1 - L.x0);
    const y = L.y1 - (Y - L.oy) / L.ph * (L.y1 - L.y0);
    return { X, Y, x, y, inside };
  }

  // the item under the pointer: a point with a tip within 8 px, else a line with tips within 6 px (path k of
  // a 'lines' layer is its item k)
  nearest(at) {
    let best = null;
    let bestD = 64;  // within 8 px
    (this.scene.layers || []).forEach((layer, li) => {
      if (layer.type !== "points" || !hasTip(layer)) return;
      const xy = layer.xy || [];
      for (let i = 0; i + 1 < xy.length; i += 2) {
        const dx = this.px(this.L, xy[i]) - at.X;
        const dy = this.py(this.L, xy[i + 1]) - at.Y;
        const d = dx * dx + dy * dy;
        if (d < bestD) { bestD = d; best = { layer: li, index: i / 2, x: xy[i], y: xy[i + 1] }; }
      }
    });
    if (best) return best;
    bestD = 36;  // within 6 px
    (this.scene.layers || []).forEach((layer, li) => {
      if (layer.type !== "lines" || !hasTip(layer)) return;
      (layer.paths || []).forEach((p, k) => {
        for (let i = 0; i + 3 < p.length; i += 2) {
          const d = segDist2(at.X, at.Y, this.px(this.L, p[i]), this.py(this.L, p[i + 1]),
            this.px(this.L, p[i + 2]), this.py(this.L, p[i + 3]));
          if (d < bestD) { bestD = d; best = { layer: li, index: k, x: at.x, y: at.y, line: true }; }
        }
      });
    });
    return best;
  }

  hover(e) {
    if (!this.scene || !this.L) return;
    const at = this.dataAt(e);
    const hit = at.inside ? this.nearest(at) : null;
    const box = at.inside ? (this.spriteBoxes || []).find((b) => at.X >= b.X && at.X <= b.X + b.side
      && at.Y >= b.Y && at.Y <= b.Y + b.side) : null;
    if (!hit && !box) { this.tip.style.display = "none"; return; }
    let text = "";
    if (hit) {
      const layer = this.scene.layers[hit.layer];
      const xl = (this.scene.x && this.scene.x.label) || "x";
      const yl = (this.scene.y && this.scene.y.label) || "y";
      const head = tipText(layer, hit.index);
      // tips of items that carry numbers ("vals": a network's nodes and edges) and of lines say all there is; a
      // plain point's tip gets its coordinates
      text = (layer.vals || hit.line) ? head
        : head + ": " + xl + "=" + hit.x.toFixed(2) + ", " + yl + "=" + hit.y.toFixed(2);
    }
    this.tipText.textContent = text;
    this.tipText.style.display = text ? "block" : "none";
    if (box) {
      const z = this.zoom.style;
      z.width = z.height = box.zoom + "px";
      z.backgroundImage = "url(" + box.src + ")";
      z.backgroundSize = box.n * box.zoom + "px " + box.zoom + "px";
      z.backgroundPosition = -box.k * box.zoom + "px 0px";
      z.display = "block";
    } else {
      this.zoom.style.display = "none";
    }
    this.tip.style.display = "block";
    this.tip.style.left = Math.min(at.X + 12, this.L.W - this.tip.offsetWidth - 4) + "px";
    this.tip.style.top = Math.max(0, at.Y - 28 - (box ? box.zoom + 6 : 0)) + "px";
  }

  click(e) {
    if (!this.scene || !this.L || !this.scene.clickable || !this.trigger) return;
    const at = this.dataAt(e);
    if (!at.inside) return;
    const hit = this.nearest(at);
    const layer = hit ? this.scene.layers[hit.layer] : null;
    const n = (layer && layer.stride) || 1;
    this.trigger("click", {
      x: Number(at.x.toFixed(4)), y: Number(at.y.toFixed(4)),
      layer: hit ? hit.layer : null, index: hit ? hit.index : null,
      // the hit item's numbers ("vals"), which name it (e.g. an edge's layer, row and column)
      vals: layer && layer.vals ? layer.vals.slice(hit.index * n, hit.index * n + n) : null,
    });
  }
}

function parseScene(data) {
  if (data instanceof Uint8Array || data instanceof ArrayBuffer) return JSON.parse(new TextDecoder().decode(data));
  if (typeof data === "string") return JSON.parse(data);
  return data;
}

function mount(component) {
  const { parentElement, setTriggerValue } = component;
  const data = parseScene(component.data);
  let chart = charts.get(parentElement);
  if (!chart) {
    chart = new Chart(parentElement);
    charts.set(parentElement, chart);
  }
  chart.trigger = setTriggerValue;
  if (data) chart.show(data);
  // Streamlit runs this before every new `data` as well as at unmount: keep the canvas, stop observing.
  return () => chart.detach();
}

// The first copy of this module loaded on the page is the painter every chart shares: charts whose
// element carries only the small stub (live_chart.py's SHARED_STUB) call it through window, and any
// that arrived before it are queued.
if (!window.__mgLiveChart) {
  window.__mgLiveChart = mount;
  for (const run of window.__mgLiveChartQueue || []) run();
  window.__mgLiveChartQueue = [];
}

export default function (component) {
  if (component.data && parseScene(component.data).loader) return () => {};  // painter_loader(): nothing to show
  return window.__mgLiveChart(component);
}
