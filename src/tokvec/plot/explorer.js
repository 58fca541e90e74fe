// tokvec explorer: search, neighbours, analogy and map highlighting over the embedded int8 codes.
// `root` is the explorer's <div>; every token is written with textContent, never as HTML.
var data = JSON.parse(root.querySelector(".tv-data").textContent);
var raw = atob(data.codes), n = data.tokens.length, dim = data.dim;
var codes = new Int8Array(raw.length);
for (var i = 0; i < raw.length; i++) codes[i] = raw.charCodeAt(i) << 24 >> 24;
var norms = new Float64Array(n), rows = new Map();
for (var r = 0; r < n; r++) {
  var s = 0;
  for (var j = 0; j < dim; j++) { var x = codes[r * dim + j]; s += x * x; }
  norms[r] = Math.sqrt(s);
  if (!rows.has(data.tokens[r])) rows.set(data.tokens[r], r);
}
var status = root.querySelector(".tv-status");
status.textContent = n.toLocaleString("en-US") + " tokens, " + dim + " dimensions (int8 codes of unit vectors)";
function code(r) { return Array.prototype.slice.call(codes, r * dim, (r + 1) * dim); }
function ranked(query, exclude, k) {
  var qn = Math.sqrt(query.reduce(function (a, x) { return a + x * x; }, 0)) || 1e-12, scores = [];
  for (var r = 0; r < n; r++) {
    if (exclude.indexOf(r) >= 0) continue;
    var dot = 0;
    for (var j = 0; j < dim; j++) dot += codes[r * dim + j] * query[j];
    scores.push([r, dot / (norms[r] || 1) / qn]);
  }
  scores.sort(function (a, b) { return b[1] - a[1] || a[0] - b[0]; });
  return scores.slice(0, k);
}
function row(word) {
  if (!rows.has(word)) { status.textContent = JSON.stringify(word) + " is not among the " + n + " tokens"; return -1; }
  return rows.get(word);
}
var marks = root.querySelector(".tv-marks"), NS = "http://www.w3.org/2000/svg";
function mark(r, colour, bold) {
  var dot = document.createElementNS(NS, "circle"), label = document.createElementNS(NS, "text");
  dot.setAttribute("cx", data.x[r]); dot.setAttribute("cy", data.y[r]); dot.setAttribute("r", bold ? 5 : 3.5);
  dot.setAttribute("fill", colour);
  label.setAttribute("x", data.x[r] + 6); label.setAttribute("y", data.y[r] - 4); label.setAttribute("fill", colour);
  label.setAttribute("font-weight", bold ? "bold" : "normal"); label.textContent = data.tokens[r];
  marks.appendChild(dot); marks.appendChild(label);
}
function show(list, found, colour) {
  list.textContent = "";
  found.forEach(function (hit) {
    var li = document.createElement("li"), t = document.createElement("code");
    t.textContent = data.tokens[hit[0]];
    li.appendChild(t); li.appendChild(document.createTextNode(" " + hit[1].toFixed(4)));
    li.dataset.token = data.tokens[hit[0]]; li.dataset.score = hit[1].toFixed(6);
    list.appendChild(li); mark(hit[0], colour, false);
  });
}
root.querySelector(".tv-search").addEventListener("submit", function (e) {
  e.preventDefault();
  var r = row(root.querySelector(".tv-q").value.trim());
  if (r < 0) return;
  marks.textContent = "";
  show(root.querySelector(".tv-results"), ranked(code(r), [r], 10), "#e45756");
  mark(r, "#4c78a8", true);
});
root.querySelector(".tv-analogy").addEventListener("submit", function (e) {
  e.preventDefault();
  var w = [".tv-a", ".tv-b", ".tv-c"].map(function (s) { return row(root.querySelector(s).value.trim()); });
  if (w.indexOf(-1) >= 0) return;
  var a = code(w[0]), b = code(w[1]), c = code(w[2]);
  var q = b.map(function (x, j) { return x - a[j] + c[j]; });
  marks.textContent = "";
  show(root.querySelector(".tv-analogy-results"), ranked(q, w, 5), "#54a24b");
  w.forEach(function (r) { mark(r, "#4c78a8", true); });
});
