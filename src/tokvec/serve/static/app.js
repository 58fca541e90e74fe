// tokvec explorer: plain JavaScript, no external assets (works offline; the page's CSP allows only 'self').
// Every panel shows its own errors right under its form and clears (or greys out) results that no
// longer match what was asked. The state (set, searches, compare, map) lives in the URL: a page can
// be shared, and Back/Forward replay it. The map itself is drawn by map.js.
"use strict";

const FIELDS = { // URL key -> input id
  q: "search", neg: "neg", a: "a", b: "b", c: "c", cw: "compare-word", ca: "compare-a", cb: "compare-b",
  words: "map-words", n: "map-neighbours", method: "map-method", dims: "map-dims",
};
const $ = (id) => document.getElementById(id);
let sets = [];
let currentSet = null;
const latest = {}; // panel -> number of its newest request: older answers are dropped
let mapJob = null; // the running t-SNE/UMAP job id

class ApiError extends Error {
  constructor(message, status, suggestions) {
    super(message);
    this.status = status;
    this.suggestions = suggestions || [];
  }
}

async function api(path, params, method) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params || {})) {
    if (Array.isArray(value)) value.forEach((v) => query.append(key, v));
    else if (value !== undefined && value !== null && value !== "") query.append(key, value);
  }
  let response;
  try {
    response = await fetch(`/api/${path}?${query}`, { method: method || "GET" });
  } catch (error) {
    throw new ApiError("the explorer does not answer (is tokvec serve still running?)", 0);
  }
  let body = {};
  try {
    body = await response.json();
  } catch (error) {
    throw new ApiError(`${response.status} ${response.statusText}`, response.status);
  }
  if (!response.ok) {
    let message = body.error;
    if (!message && Array.isArray(body.detail)) { // FastAPI's validation errors: "topn: ..."
      message = body.detail.map((d) => `${(d.loc || []).slice(1).join(".")}: ${d.msg}`).join("; ");
    }
    throw new ApiError(message || response.statusText, response.status, body.suggestions);
  }
  return body;
}

// -- status lines: errors where the request was made -------------------------------------------------
function showStatus(id, error, onSuggestion) {
  const box = $(id);
  box.replaceChildren();
  box.hidden = !error;
  box.classList.toggle("error", Boolean(error));
  if (!error) return;
  const text = document.createElement("span");
  const offered = Boolean(onSuggestion && error.suggestions && error.suggestions.length);
  const message = String(error.message || error);
  // the suggestions become buttons below: the message's own "Did you mean: ...?" would say them twice
  text.textContent = offered ? message.replace(/ Did you mean: .*\?$/, "") : message;
  box.append(text);
  if (offered) {
    const list = document.createElement("span");
    list.className = "suggestions";
    list.append(" Try: ");
    for (const s of error.suggestions.slice(0, 6)) list.append(tokenButton(s, s, () => onSuggestion(s)), " ");
    box.append(list);
  }
}

function begin(panel, resultIds) { // mark the panel's old results stale while a new request runs
  latest[panel] = (latest[panel] || 0) + 1;
  for (const id of resultIds) $(id).classList.add("stale");
  return latest[panel];
}

function settle(panel, ticket, resultIds) {
  if (ticket !== latest[panel]) return false; // a newer request owns the panel now
  for (const id of resultIds) $(id).classList.remove("stale");
  return true;
}

function tokenButton(label, token, onClick) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "token-link";
  button.textContent = label;
  button.title = token;
  button.dataset.token = token;
  button.addEventListener("click", onClick);
  return button;
}

function renderBars(list, results, onPick, shared) {
  list.replaceChildren();
  const best = Math.max(...results.map((r) => r.score), 1e-9);
  for (const r of results) {
    const item = document.createElement("li");
    if (shared && shared.has(r.token)) item.classList.add("shared");
    const bar = document.createElement("div");
    bar.className = "bar";
    bar.style.width = `${Math.max(2, (100 * Math.max(r.score, 0)) / best)}%`;
    const score = document.createElement("span");
    score.className = "score";
    score.textContent = r.score.toFixed(3);
    item.append(tokenButton(r.display, r.token, () => onPick(r.token)), bar, score);
    list.append(item);
  }
}

// -- the URL holds the state -------------------------------------------------------------------------
function readUrl() {
  const params = new URLSearchParams(location.search);
  return Object.fromEntries([...params.entries()].filter(([key]) => key === "set" || key in FIELDS));
}

function currentState() {
  const state = { set: currentSet };
  for (const [key, id] of Object.entries(FIELDS)) {
    const value = $(id).value.trim();
    if (value) state[key] = value;
  }
  const unrun = { search: ["q", "neg"], analogy: ["a", "b", "c"], compare: ["cw", "ca", "cb"] };
  for (const [panel, keys] of Object.entries(unrun)) {
    if (!lastRun[panel]) keys.forEach((key) => delete state[key]); // only what was asked goes in the URL
  }
  return state;
}

const lastRun = { search: false, analogy: false, compare: false };

function pushState() {
  const state = currentState();
  const query = new URLSearchParams(state).toString();
  if (query !== location.search.slice(1)) history.pushState(state, "", `?${query}`);
}

function applyState(state) {
  for (const [key, id] of Object.entries(FIELDS)) {
    if (key in state) $(id).value = state[key];
    else if (["q", "neg", "cw"].includes(key)) $(id).value = "";
  }
  if (state.set && sets.some((s) => s.name === state.set)) currentSet = state.set;
  else if (state.set) {
    showStatus("page-status", { message: `unknown vector set '${state.set}' in the link; this explorer serves ` +
      `${sets.map((s) => s.name).join(", ")} (showing ${currentSet})` });
  }
  $("set").value = currentSet;
  showInfo();
  fillCompareSets(state.ca, state.cb);
  lastRun.search = Boolean(state.q);
  lastRun.analogy = Boolean(state.a && state.b && state.c);
  lastRun.compare = Boolean(state.cw);
  if (lastRun.search) search(); else clearSearch();
  if (lastRun.analogy) analogy(); else $("analogy-results").replaceChildren();
  if (lastRun.compare) compare(); else clearCompare();
  drawMap();
}

// -- panels ------------------------------------------------------------------------------------------
function clearSearch() {
  $("results").replaceChildren();
  $("notes").textContent = "";
  showStatus("search-status", null);
}

function searchWord(word) { // a clicked neighbour, suggestion or map point
  $("search").value = word;
  $("neg").value = "";
  lastRun.search = true;
  pushState();
  search();
  $("search-card").scrollIntoView({ block: "nearest" });
}

async function search() {
  const word = $("search").value.trim();
  const neg = $("neg").value.trim();
  if (!word) return clearSearch();
  const ticket = begin("search", ["results"]);
  $("notes").textContent = `searching ${word}…`;
  try {
    const data = await api("similar", { word, topn: 12, neg: neg ? [neg] : [], set: currentSet });
    if (!settle("search", ticket, ["results"])) return;
    renderBars($("results"), data.results, searchWord);
    $("notes").textContent = [`${data.set}: nearest to ${data.query}${neg ? ` minus ${neg}` : ""}`,
      ...data.notes].join(" · ");
    showStatus("search-status", null);
  } catch (error) {
    if (!settle("search", ticket, ["results"])) return;
    $("results").replaceChildren(); // never leave another word's neighbours under this one
    $("notes").textContent = "";
    showStatus("search-status", error, searchWord);
  }
}

async function analogy() {
  const [a, b, c] = ["a", "b", "c"].map((id) => $(id).value.trim());
  const ticket = begin("analogy", ["analogy-results"]);
  try {
    const data = await api("analogy", { a, b, c, topn: 5, set: currentSet });
    if (!settle("analogy", ticket, ["analogy-results"])) return;
    renderBars($("analogy-results"), data.results, searchWord);
    showStatus("analogy-status", null);
  } catch (error) {
    if (!settle("analogy", ticket, ["analogy-results"])) return;
    $("analogy-results").replaceChildren();
    showStatus("analogy-status", error);
  }
}

function fillCompareSets(a, b) {
  const names = sets.map((s) => s.name);
  for (const [id, wanted, fallback] of [["compare-a", a, currentSet], ["compare-b", b, names.find((n) => n !== currentSet) || currentSet]]) {
    const select = $(id);
    const keep = wanted || (select.value && names.includes(select.value) ? select.value : fallback);
    select.replaceChildren(...names.map((n) => Object.assign(document.createElement("option"), { value: n, textContent: n })));
    select.value = names.includes(keep) ? keep : fallback;
  }
}

function clearCompare() {
  for (const id of ["compare-a-results", "compare-b-results"]) $(id).replaceChildren();
  for (const id of ["compare-a-title", "compare-b-title", "compare-summary"]) $(id).textContent = "";
  showStatus("compare-status", null);
}

function compareWord(word) {
  $("compare-word").value = word;
  lastRun.compare = true;
  pushState();
  compare();
}

async function compare() {
  const word = $("compare-word").value.trim();
  if (!word) return clearCompare();
  const lists = ["compare-a-results", "compare-b-results"];
  const ticket = begin("compare", lists);
  try {
    const data = await api("compare", { word, a: $("compare-a").value, b: $("compare-b").value, topn: 10 });
    if (!settle("compare", ticket, lists)) return;
    const shared = new Set(data.shared);
    renderBars($("compare-a-results"), data.neighbours_a, compareWord, shared);
    renderBars($("compare-b-results"), data.neighbours_b, compareWord, shared);
    $("compare-a-title").textContent = `in ${data.a}`;
    $("compare-b-title").textContent = `in ${data.b}`;
    $("compare-summary").textContent = `${word}: ${data.shared.length} of 10 neighbours shared ` +
      `(overlap@10 = ${data.overlap.toFixed(1)}); shared ones are highlighted`;
    showStatus("compare-status", null);
  } catch (error) {
    if (!settle("compare", ticket, lists)) return;
    clearCompare();
    showStatus("compare-status", error, compareWord);
  }
}

// -- the map: PCA at once, t-SNE/UMAP as a job with progress and cancel ------------------------------
function mapOptions() {
  return { tooltip: $("map-tooltip"), legend: $("map-legend"), colourByDistortion: $("map-colour").checked,
    onPick: searchWord };
}

let lastMap = null;

function showMap(data) {
  lastMap = data;
  window.TokvecMap.draw($("map"), data, mapOptions());
  const mean = data.distortion === null ? "" : ` · mean distortion ${data.distortion.toFixed(2)} (k=${data.k})`;
  const method = { pca: "PCA", tsne: "t-SNE", umap: "UMAP" }[data.method] || data.method;
  $("map-caption").textContent = `${data.set}: ${data.points.length} points, ${method} ` +
    `${data.dims}-D · ${data.axes.join(" · ")}${mean}`;
}

function showJob(data) {
  $("map-job").hidden = data.status !== "running";
  $("map-progress").value = data.progress;
  $("map-stage").textContent = `${data.stage}: ${Math.round(100 * data.progress)}% after ${data.elapsed.toFixed(1)} s ` +
    `(limit ${data.time_limit} s)`;
}

async function cancelJob() {
  if (!mapJob) return;
  const job = mapJob;
  mapJob = null;
  latest.map = (latest.map || 0) + 1; // the running poll stops
  $("map-job").hidden = true;
  $("map").classList.remove("stale");
  try {
    await api(`jobs/${job}`, {}, "DELETE");
    showStatus("map-status", { message: "cancelled: the projection was stopped" });
    $("map-status").classList.remove("error");
  } catch (error) {
    showStatus("map-status", error);
  }
}

async function drawMap() {
  if (mapJob) await cancelJob();
  const ticket = begin("map", ["map"]);
  showStatus("map-status", null);
  const params = { words: $("map-words").value, neighbours: $("map-neighbours").value || 0,
    method: $("map-method").value, dims: $("map-dims").value, set: currentSet };
  try {
    let data = await api("projection", params);
    while (data.status === "running") {
      if (ticket !== latest.map) return;
      mapJob = data.job;
      showJob(data);
      await new Promise((resolve) => setTimeout(resolve, 300));
      if (ticket !== latest.map) return;
      data = await api(`jobs/${data.job}`);
    }
    if (!settle("map", ticket, ["map"])) return;
    mapJob = null;
    showJob(data);
    if (data.status !== "done") throw new ApiError(data.error || `the projection was ${data.status}`, 0);
    showMap(data);
  } catch (error) {
    if (!settle("map", ticket, ["map"])) return;
    mapJob = null;
    $("map-job").hidden = true;
    window.TokvecMap.clear($("map"), $("map-legend"));
    $("map-caption").textContent = "";
    lastMap = null;
    showStatus("map-status", error);
  }
}

// -- set switcher, autocomplete, start ---------------------------------------------------------------
function showInfo() {
  const info = sets.find((s) => s.name === currentSet);
  if (info) $("info").textContent = `${info.tokens.toLocaleString("en")} tokens × ${info.dim} (${info.dtype}) — ${info.source}`;
}

function switchSet() {
  currentSet = $("set").value;
  pushState();
  applyState(currentState());
}

let completeTimer = null;
function autocomplete() {
  clearTimeout(completeTimer);
  const prefix = $("search").value.trim();
  if (!prefix) return;
  completeTimer = setTimeout(async () => {
    try {
      const data = await api("complete", { prefix, limit: 10, set: currentSet });
      $("suggestions").replaceChildren(...data.tokens.map((t) => Object.assign(document.createElement("option"), { value: t })));
    } catch (error) {
      /* autocomplete is best effort */
    }
  }, 120);
}

function submitted(panel, run) {
  return (event) => {
    event.preventDefault();
    if (panel) lastRun[panel] = true;
    pushState();
    run();
  };
}

async function init() {
  $("search-form").addEventListener("submit", submitted("search", search));
  $("search").addEventListener("input", autocomplete);
  $("analogy-form").addEventListener("submit", submitted("analogy", analogy));
  $("compare-form").addEventListener("submit", submitted("compare", compare));
  $("map-form").addEventListener("submit", submitted(null, drawMap));
  $("map-cancel").addEventListener("click", cancelJob);
  $("map-colour").addEventListener("change", () => lastMap && showMap(lastMap));
  $("set").addEventListener("change", switchSet);
  window.TokvecMap.attach($("map"));
  window.addEventListener("popstate", (event) => applyState(event.state || readUrl()));
  try {
    const data = await api("sets");
    sets = data.sets;
    currentSet = data.default;
    $("set").replaceChildren(...sets.map((s) => Object.assign(document.createElement("option"), { value: s.name, textContent: s.name })));
    $("compare-card").hidden = sets.length < 2;
  } catch (error) {
    showStatus("page-status", error);
    return;
  }
  const state = readUrl();
  history.replaceState({ ...currentState(), ...state }, "", location.search || "?");
  applyState({ ...currentState(), ...state });
}

init();
