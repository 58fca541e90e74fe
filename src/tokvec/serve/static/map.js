// tokvec explorer: the map (an SVG of projected points). Plain JavaScript, no external assets.
// Draws 2-D maps and rotatable 3-D ones, places labels so they never overlap (a label that fits
// nowhere is left out and shown on hover), shows each point's original-space neighbours and its
// distortion on hover, and keeps a legend. Used by app.js through window.TokvecMap.
"use strict";

window.TokvecMap = (() => {
  const NS = "http://www.w3.org/2000/svg";
  // ten colours told apart at a glance; any further groups share one neutral grey (and one legend entry)
  const COLORS = ["#2f6fdf", "#d9480f", "#2b8a3e", "#862e9c", "#c2255c", "#1098ad", "#e67700", "#5c940d",
    "#364fc7", "#a61e4d"];
  const OTHER = "#9e9e9e";
  const WIDTH = 900, HEIGHT = 520, PAD = 28, MAX_LABELS = 300;
  // label candidates around a dot of radius r (its ring included): right, left, above, below, then the
  // diagonals, as (dx, dy, text-anchor); y is the text's baseline
  const spots = (r) => [[r + 5, 4, "start"], [-r - 5, 4, "end"], [0, -r - 5, "middle"], [0, r + 15, "middle"],
    [r + 3, -r - 3, "start"], [r + 3, r + 13, "start"], [-r - 3, -r - 3, "end"], [-r - 3, r + 13, "end"]];
  let view = null; // {svg, data, options, yaw, pitch}

  function node(name, attrs, parent) {
    const element = document.createElementNS(NS, name);
    for (const [key, value] of Object.entries(attrs || {})) element.setAttribute(key, value);
    if (parent) parent.append(element);
    return element;
  }

  function distortionColour(d) { // 0 = kept (green) .. 1 = lost (red)
    return `hsl(${Math.round(120 * (1 - d))}, 70%, 40%)`;
  }

  function groupColours(points) {
    const groups = [...new Set(points.map((p) => p.group))];
    return new Map(groups.map((g, i) => [g, i < COLORS.length ? COLORS[i] : OTHER]));
  }

  // a 3-D point turned by yaw (about the vertical axis), then pitch (about the horizontal one)
  function turn([x, y, z], yaw, pitch) {
    const x1 = x * Math.cos(yaw) + z * Math.sin(yaw), z1 = -x * Math.sin(yaw) + z * Math.cos(yaw);
    return [x1, y * Math.cos(pitch) - z1 * Math.sin(pitch), y * Math.sin(pitch) + z1 * Math.cos(pitch)];
  }

  // screen positions: 2-D scaled to the frame; 3-D rotated (yaw about the vertical, pitch about the
  // horizontal axis), orthographic, with a fixed scale so turning never rescales the picture
  function screen(points, dims, yaw, pitch) {
    const cols = dims === 3 ? ["x", "y", "z"] : ["x", "y"];
    const centre = cols.map((c) => points.reduce((s, p) => s + p[c], 0) / points.length);
    const xyz = points.map((p) => cols.map((c, i) => p[c] - centre[i]));
    if (dims === 3) {
      const radius = Math.max(...xyz.map((v) => Math.hypot(...v)), 1e-9);
      const flat = xyz.map((v) => turn(v, yaw, pitch).map((c) => c / radius));
      const half = Math.min(WIDTH, HEIGHT) / 2 - PAD;
      return flat.map(([x, y, z]) => ({ sx: WIDTH / 2 + x * half, sy: HEIGHT / 2 - y * half, depth: z }));
    }
    const xs = xyz.map((v) => v[0]), ys = xyz.map((v) => v[1]);
    const [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
    return xyz.map(([x, y]) => ({
      sx: PAD + ((x - minX) / (maxX - minX || 1)) * (WIDTH - 2 * PAD - 90),
      sy: HEIGHT - PAD - ((y - minY) / (maxY - minY || 1)) * (HEIGHT - 2 * PAD), depth: 0,
    }));
  }

  const intersects = (a, b) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

  // greedy placement, queries first: each label takes the first spot that overlaps no placed label,
  // no other dot and stays inside the frame; a label with no free spot is hidden (hover shows it)
  function placeLabels(layer, items) {
    const placed = [];
    const dots = items.map((it) => ({ x: it.sx - it.r, y: it.sy - it.r, w: 2 * it.r, h: 2 * it.r, owner: it }));
    const order = [...items].sort((p, q) => Number(q.point.query) - Number(p.point.query) || p.order - q.order);
    for (const [rank, it] of order.entries()) {
      if (rank >= MAX_LABELS) break; // big maps: the rest are named on hover
      const label = node("text", { class: it.point.query ? "label query" : "label" }, layer);
      label.textContent = it.point.display;
      let box = null;
      // a query's label may cover another dot when nothing else fits; it never covers a label
      for (const avoidDots of it.point.query ? [true, false] : [true]) {
        for (const [dx, dy, anchor] of spots(it.r)) {
          label.setAttribute("x", it.sx + dx);
          label.setAttribute("y", it.sy + dy);
          label.setAttribute("text-anchor", anchor);
          const b = label.getBBox();
          const candidate = { x: b.x - 1, y: b.y, w: b.width + 2, h: b.height };
          const inside = candidate.x >= 0 && candidate.y >= 0 && candidate.x + candidate.w <= WIDTH &&
            candidate.y + candidate.h <= HEIGHT;
          if (inside && !placed.some((o) => intersects(candidate, o)) &&
              !(avoidDots && dots.some((d) => d.owner !== it && intersects(candidate, d)))) {
            box = candidate;
            break;
          }
        }
        if (box) break;
      }
      if (box) placed.push(box);
      else label.classList.add("unplaced");
      it.label = label;
    }
  }

  function tooltipText(data, p) {
    const k = p.neighbours.length;
    const lost = Math.round(p.distortion * k);
    const near = p.neighbours.map((i) => data.points[i].display).join(", ");
    return [`${p.display}${p.query ? " (query)" : ` (near ${p.group})`}`,
      `distortion ${p.distortion.toFixed(2)}: ${lost} of its ${k} nearest neighbours in the original space ` +
      "are not among its nearest here", `nearest in the original space: ${near || "none"}`];
  }

  function hover(it, items, on) {
    const { svg, data, options } = view;
    const links = svg.querySelector(".links");
    links.replaceChildren();
    svg.querySelectorAll(".pt.near, .pt.active").forEach((g) => g.classList.remove("near", "active"));
    const tip = options.tooltip;
    if (!on) {
      tip.hidden = true;
      return;
    }
    it.group.classList.add("active");
    for (const i of it.point.neighbours) {
      const other = items[i];
      other.group.classList.add("near");
      node("line", { x1: it.sx, y1: it.sy, x2: other.sx, y2: other.sy, class: "link" }, links);
    }
    tip.replaceChildren(...tooltipText(data, it.point).map((line, i) => {
      const div = document.createElement("div");
      div.textContent = line;
      if (i === 0) div.className = "tip-title";
      return div;
    }));
    tip.hidden = false;
    // beside the point, flipped to its other side where it would leave the map (never over the legend)
    const frame = svg.getBoundingClientRect();
    const left = (it.sx / WIDTH) * frame.width, top = (it.sy / HEIGHT) * frame.height;
    const w = tip.offsetWidth, h = tip.offsetHeight;
    const x = left + 12 + w <= frame.width ? left + 12 : left - 12 - w;
    const y = top + 12 + h <= frame.height ? top + 12 : top - 12 - h;
    tip.style.left = `${Math.max(0, Math.min(x, frame.width - w))}px`;
    tip.style.top = `${Math.max(0, Math.min(y, frame.height - h))}px`;
  }

  function render() {
    const { svg, data, options, yaw, pitch } = view;
    svg.replaceChildren();
    svg.classList.toggle("three-d", data.dims === 3);
    const colours = groupColours(data.points);
    const positions = screen(data.points, data.dims, yaw, pitch);
    if (data.dims === 3) drawAxes(svg, data, yaw, pitch);
    node("g", { class: "links" }, svg);
    const dotsLayer = node("g", { class: "dots" }, svg);
    const labelLayer = node("g", { class: "labels" }, svg);
    const items = data.points.map((p, i) => ({ point: p, order: i, ...positions[i], r: p.query ? 6 : 4 }));
    const byDepth = [...items].sort((a, b) => a.depth - b.depth); // far first: near points on top
    for (const it of byDepth) {
      const p = it.point;
      const g = node("g", { class: p.query ? "pt query" : "pt", "data-token": p.token, "data-index": it.order,
        "data-distortion": p.distortion.toFixed(3), tabindex: "0", role: "button",
        "aria-label": `${p.display}: distortion ${p.distortion.toFixed(2)}` }, dotsLayer);
      if (p.distortion > 0) {
        node("circle", { cx: it.sx, cy: it.sy, r: it.r + 2.5, class: "ring",
          "stroke-width": (0.5 + 3 * p.distortion).toFixed(2) }, g);
      }
      const fill = options.colourByDistortion ? distortionColour(p.distortion) : colours.get(p.group);
      const opacity = data.dims === 3 ? (0.55 + 0.45 * (it.depth + 1) / 2).toFixed(2) : "1";
      node("circle", { cx: it.sx, cy: it.sy, r: it.r, fill, "fill-opacity": opacity, class: "dot" }, g);
      it.group = g;
      g.addEventListener("mouseenter", () => hover(it, items, true));
      g.addEventListener("mouseleave", () => hover(it, items, false));
      g.addEventListener("focus", () => hover(it, items, true));
      g.addEventListener("blur", () => hover(it, items, false));
      g.addEventListener("click", () => options.onPick(p.token));
      g.addEventListener("keydown", (e) => { if (e.key === "Enter") options.onPick(p.token); });
    }
    if (!view.dragging) placeLabels(labelLayer, items);
    view.items = items;
  }

  function drawAxes(svg, data, yaw, pitch) { // a compass in the corner: where each axis points now
    const layer = node("g", { class: "axes" }, svg);
    const [ox, oy, length] = [56, HEIGHT - 48, 34];
    for (let i = 0; i < 3; i++) {
      const [x1, y1] = turn([0, 1, 2].map((j) => Number(i === j)), yaw, pitch);
      const [ex, ey] = [ox + x1 * length, oy - y1 * length];
      node("line", { x1: ox, y1: oy, x2: ex, y2: ey, class: "axis" }, layer);
      const t = node("text", { x: ex + (ex >= ox ? 3 : -3), y: ey + 4, class: "axis-label",
        "text-anchor": ex >= ox ? "start" : "end" }, layer);
      t.textContent = (data.axes[i] || `axis ${i + 1}`).split(" (")[0];
    }
  }

  function legend(list, data, options) {
    const items = [];
    const add = (swatchClass, colour, text) => {
      const li = document.createElement("li");
      const swatch = document.createElement("span");
      swatch.className = `swatch ${swatchClass}`;
      if (colour) swatch.style.background = colour; // CSSOM, allowed by the page's style-src 'self'
      const label = document.createElement("span");
      label.textContent = text;
      li.append(swatch, label);
      items.push(li);
    };
    if (options.colourByDistortion) {
      for (const d of [0, 0.5, 1]) add("dot", distortionColour(d), `distortion ${d}`);
    } else {
      const others = [];
      for (const [group, colour] of groupColours(data.points)) {
        if (colour === OTHER) {
          others.push(group);
          continue;
        }
        const point = data.points.find((p) => p.group === group);
        add("dot", colour, point && point.query ? `${point.display} and its neighbours` : group);
      }
      if (others.length) add("dot", OTHER, `${others.length} more group(s): ${others.join(", ")}`);
    }
    add("big", "", "bold: a query word");
    add("ring", "", `red ring: distortion, the share of a point's ${data.k} nearest neighbours in the ` +
      "original space that are not its nearest here (thicker = more)");
    add("line", "", "hover a point: lines to its original-space neighbours; click: search it");
    if (data.dims === 3) add("drag", "", "drag the map (or use the arrow keys on it) to turn it");
    list.replaceChildren(...items);
  }

  function draw(svg, data, options) {
    const keep = view && view.svg === svg && view.data.dims === data.dims;
    view = { svg, data, options, yaw: keep ? view.yaw : 0.6, pitch: keep ? view.pitch : 0.35, dragging: false };
    render();
    legend(options.legend, data, options);
  }

  function rotate(dyaw, dpitch) {
    if (!view || view.data.dims !== 3) return;
    view.yaw += dyaw;
    view.pitch = Math.max(-1.5, Math.min(1.5, view.pitch + dpitch));
    render();
  }

  function attach(svg) { // drag and arrow keys turn a 3-D map
    let last = null;
    svg.addEventListener("pointerdown", (e) => {
      if (!view || view.data.dims !== 3) return;
      last = [e.clientX, e.clientY];
      view.dragging = true;
      svg.setPointerCapture(e.pointerId);
    });
    svg.addEventListener("pointermove", (e) => {
      if (!last) return;
      const [dx, dy] = [e.clientX - last[0], e.clientY - last[1]];
      last = [e.clientX, e.clientY];
      rotate(dx * 0.01, dy * 0.01);
    });
    const end = () => {
      if (!last) return;
      last = null;
      view.dragging = false;
      render();
    };
    svg.addEventListener("pointerup", end);
    svg.addEventListener("pointercancel", end);
    svg.addEventListener("keydown", (e) => {
      const turns = { ArrowLeft: [-0.15, 0], ArrowRight: [0.15, 0], ArrowUp: [0, -0.15], ArrowDown: [0, 0.15] };
      if (turns[e.key] && view && view.data.dims === 3) {
        e.preventDefault();
        rotate(...turns[e.key]);
      }
    });
  }

  function clear(svg, list) {
    view = null;
    svg.replaceChildren();
    list.replaceChildren();
  }

  return { attach, clear, draw, rotate, COLORS };
})();
