// tokvec explorer: plain JavaScript, no external assets (works offline).
"use strict";

const COLORS = ["#2f6fdf", "#d9480f", "#2b8a3e", "#862e9c", "#c2255c", "#1098ad", "#e67700", "#5c940d"];

async function api(path, params) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params || {})) {
    if (Array.isArray(value)) value.forEach((v) => query.append(key, v));
    else if (value !== undefined && value !== "") query.append(key, value);
  }
  const response = await fetch(`/api/${path}?${query}`);
  const body = await response.json();
  if (!response.ok) {
    const message = body.error || (body.detail && JSON.stringify(body.detail)) || response.statusText;
    throw new Error(message);
  }
  return body;
}

function showError(error) {
  document.getElementById("error").textContent = error ? String(error.message || error) : "";
}

function renderBars(list, results) {
  list.replaceChildren();
  const best = Math.max(...results.map((r) => r.score), 1e-9);
  for (const r of results) {
    const item = document.createElement("li");
    const label = document.createElement("span");
    label.className = "token";
    label.textContent = r.display;
    label.title = r.token;
    const bar = document.createElement("div");
    bar.className = "bar";
    bar.style.width = `${Math.max(2, (100 * Math.max(r.score, 0)) / best)}%`;
    const score = document.createElement("span");
    score.className = "score";
    score.textContent = r.score.toFixed(3);
    item.append(label, bar, score);
    list.append(item);
  }
}

async function search(event) {
  if (event) event.preventDefault();
  const word = document.getElementById("search").value.trim();
  const neg = document.getElementById("neg").value.trim();
  if (!word) return;
  try {
    const data = await api("similar", { word, topn: 12, neg: neg ? [neg] : [] });
    renderBars(document.getElementById("results"), data.results);
    document.getElementById("notes").textContent = data.notes.join(" ");
    showError(null);
  } catch (error) {
    showError(error);
  }
}

async function analogy(event) {
  if (event) event.preventDefault();
  const [a, b, c] = ["a", "b", "c"].map((id) => document.getElementById(id).value.trim());
  try {
    const data = await api("analogy", { a, b, c, topn: 5 });
    renderBars(document.getElementById("analogy-results"), data.results);
    showError(null);
  } catch (error) {
    showError(error);
  }
}

let completeTimer = null;
function autocomplete() {
  clearTimeout(completeTimer);
  const prefix = document.getElementById("search").value.trim();
  if (!prefix) return;
  completeTimer = setTimeout(async () => {
    try {
      const data = await api("complete", { prefix, limit: 10 });
      const list = document.getElementById("suggestions");
      list.replaceChildren(...data.tokens.map((t) => Object.assign(document.createElement("option"), { value: t })));
    } catch (error) {
      /* autocomplete is best effort */
    }
  }, 120);
}

async function drawMap(event) {
  if (event) event.preventDefault();
  const words = document.getElementById("map-words").value;
  const svg = document.getElementById("map");
  try {
    const data = await api("projection", { words, neighbours: 6 });
    const xs = data.points.map((p) => p.x);
    const ys = data.points.map((p) => p.y);
    const [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
    const sx = (x) => 40 + ((x - minX) / (maxX - minX || 1)) * 700;
    const sy = (y) => 430 - ((y - minY) / (maxY - minY || 1)) * 400;
    const groups = [...new Set(data.points.map((p) => p.group))];
    const ns = "http://www.w3.org/2000/svg";
    svg.replaceChildren();
    const placed = []; // label boxes already drawn: nudge new labels down until they do not overlap
    const overlaps = (box) => placed.some((o) => box.x < o.x + o.w && o.x < box.x + box.w && box.y < o.y + o.h && o.y < box.y + box.h);
    const ordered = [...data.points].sort((p, q) => Number(q.query) - Number(p.query));
    for (const p of ordered) {
      const color = COLORS[groups.indexOf(p.group) % COLORS.length];
      const dot = document.createElementNS(ns, "circle");
      dot.setAttribute("cx", sx(p.x));
      dot.setAttribute("cy", sy(p.y));
      dot.setAttribute("r", p.query ? 6 : 4);
      dot.setAttribute("fill", color);
      const label = document.createElementNS(ns, "text");
      const box = { x: sx(p.x) + 7, y: sy(p.y) - 8, w: 7.5 * p.display.length + 4, h: 14 };
      const startY = box.y;
      for (let tries = 0; tries < 6 && overlaps(box); tries++) box.y = startY + (tries % 2 ? -1 : 1) * 13 * Math.ceil((tries + 1) / 2);
      placed.push(box);
      if (box.y !== startY) { // a thin leader line ties a nudged label to its dot
        const leader = document.createElementNS(ns, "line");
        leader.setAttribute("x1", sx(p.x)); leader.setAttribute("y1", sy(p.y));
        leader.setAttribute("x2", box.x); leader.setAttribute("y2", box.y + 8);
        leader.setAttribute("stroke", "#aab2bf"); leader.setAttribute("stroke-width", "0.8");
        svg.append(leader);
      }
      label.setAttribute("x", box.x);
      label.setAttribute("y", box.y + 12);
      if (p.query) label.setAttribute("class", "query");
      label.textContent = p.display;
      svg.append(dot, label);
    }
    showError(null);
  } catch (error) {
    showError(error);
  }
}

async function init() {
  try {
    const info = await api("info");
    document.getElementById("info").textContent =
      `${info.name}: ${info.tokens.toLocaleString()} tokens × ${info.dim} (${info.dtype}) — ${info.source}`;
  } catch (error) {
    showError(error);
  }
  document.getElementById("search-form").addEventListener("submit", search);
  document.getElementById("search").addEventListener("input", autocomplete);
  document.getElementById("analogy-form").addEventListener("submit", analogy);
  document.getElementById("map-form").addEventListener("submit", drawMap);
  drawMap();
}

init();
